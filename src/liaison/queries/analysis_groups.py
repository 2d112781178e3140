"""The groups an analysis can start from: organisations in the bank that have members, leaders or factions the
viewer may see (a visible relation statement pointing at them), each by its best visible name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.models import BankEntity, Statement
from liaison.principal import Principal
from liaison.queries.bank import captions
from liaison.queries.bank_access import require_reader, viewer_for, visible_entity, visible_statement

GROUP_RELATIONS = ("member_of", "leader_of", "faction_of")
MAX_GROUPS = 500


@dataclass(frozen=True, slots=True)
class Group:
    id: uuid.UUID
    caption: str
    members: int  # visible member, leader and faction statements pointing at it


def visible_groups(session: Session, actor: Principal, limit: int = MAX_GROUPS) -> list[Group]:
    """The groups ``actor`` may see, largest first, then by name; at most ``limit``. Counts are of what the
    viewer may see only (a hidden member is not counted)."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    count = func.count(func.distinct(Statement.entity_id))
    rows = session.execute(
        select(Statement.object_id, count)
        .join(BankEntity, BankEntity.id == Statement.object_id)
        .where(
            Statement.prop.in_(GROUP_RELATIONS),
            Statement.retracted_at.is_(None),
            visible_statement(viewer),
            BankEntity.schema == "Organization",
            BankEntity.merged_into_id.is_(None),
            visible_entity(viewer),
        )
        .group_by(Statement.object_id)
        .order_by(count.desc(), Statement.object_id)
        .limit(limit)
    ).all()
    ids = [r[0] for r in rows if r[0] is not None]
    names = captions(session, viewer, ids)
    found = [Group(r[0], names.get(r[0], ""), int(r[1])) for r in rows if r[0] is not None]
    return sorted(found, key=lambda g: (-g.members, g.caption.casefold(), str(g.id)))
