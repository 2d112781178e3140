"""The bank's need-to-know rules (:mod:`liaison.bank.access`) as SQL, so the database never returns what a
viewer may not see: statements by marking and contributor, entities by their visible names."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from liaison.bank.access import OPEN_LEVELS, Viewer
from liaison.errors import PermissionDenied, id_or_404, unknown
from liaison.i18n import _
from liaison.models import BankEntity, Member, Statement
from liaison.principal import Principal
from liaison.queries.message_access import is_operator


def viewer_for(session: Session, p: Principal) -> Viewer:
    """The bank viewer behind a principal (looks up the member code of their agency's member)."""
    code = session.scalar(select(Member.code).where(Member.id == p.member_id)) if p.member_id else None
    return Viewer(p.organisation_id, code, is_operator(p), frozenset(role for role, _ in p.grants))


def require_reader(viewer: Viewer) -> None:
    if not viewer.reads_bank:
        raise PermissionDenied(_("the information bank is for analysts and screening officers"))


def require_analyst(viewer: Viewer) -> None:
    if not viewer.analyst:
        raise PermissionDenied(_("only an analyst may change the information bank or decide on hits and merges"))


def visible_statement(viewer: Viewer, stmt: Any = Statement) -> ColumnElement[bool]:
    """A WHERE clause keeping the statements ``viewer`` may see (``stmt`` may be an alias of Statement)."""
    if not viewer.reads_bank:
        return false()
    if viewer.operator:
        return true()
    named = stmt.releasable_to.contains(f",{viewer.member_code},") if viewer.member_code else false()
    own = stmt.contributor_organisation_id == viewer.organisation_id if viewer.organisation_id is not None else false()
    return or_(
        own,
        and_(stmt.tlp.in_(OPEN_LEVELS), or_(stmt.releasable_to == "", named)),
        and_(stmt.tlp.not_in(OPEN_LEVELS), named),
    )


def visible_entity(viewer: Viewer, entity: Any = BankEntity) -> ColumnElement[bool]:
    """A WHERE clause on BankEntity (``entity`` may be an alias of it): at least one current name statement is
    visible to ``viewer``.

    The statements are looked up through the entity: ``prop || ''`` keeps SQLite, which has no statistics to go
    by, from choosing the (prop, value) index instead and reading every name in the bank once per entity
    (seconds for a list of a thousand entities; PostgreSQL plans this well either way)."""
    s = aliased(Statement)
    return exists(
        select(s.id).where(
            s.entity_id == entity.id,
            s.prop.concat("") == "name",
            s.retracted_at.is_(None),
            visible_statement(viewer, s),
        )
    )


def entity_or_404(session: Session, viewer: Viewer, entity_id: uuid.UUID | str) -> BankEntity:
    """The entity if ``viewer`` may see it; unknown and invisible look the same (404)."""
    require_reader(viewer)
    ident = id_or_404(entity_id, "entity")
    found = session.scalar(select(BankEntity).where(BankEntity.id == ident, visible_entity(viewer)))
    if found is None:
        raise unknown("entity", entity_id)
    return found


def entity_id_or_404(session: Session, viewer: Viewer, entity_id: uuid.UUID | str) -> uuid.UUID:
    """As :func:`entity_or_404`, for a caller that needs only the id: nothing of the entity is loaded (its
    statements and references would be, for an ORM entity), which matters on a path query's hot path."""
    require_reader(viewer)
    ident = id_or_404(entity_id, "entity")
    found = session.scalar(select(BankEntity.id).where(BankEntity.id == ident, visible_entity(viewer)))
    if found is None:
        raise unknown("entity", entity_id)
    return found
