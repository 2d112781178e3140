"""Bank exports (FollowTheMoney JSON lines, the analysts' CSV): only what the viewer may see.

The database filters with the same SQL clause as every other bank read (:func:`visible_statement`): a statement
the viewer may not see never leaves it, an entity with no visible current name is not exported at all, and a
relation leaves only when it and both its ends are visible. Retracted statements are not exported. An entity
merged into another is exported as part of it (its statements under the surviving entity's id).

FtM carries no per-statement provenance, so an export is the viewer's current picture of each entity; the bank
(and its entity JSON) keeps who said what.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, aliased

from liaison.bank.access import Viewer
from liaison.interchange import bank_csv, bank_ftm
from liaison.models import BankEntity, Statement
from liaison.queries.bank_access import require_reader, visible_statement

Values = list[tuple[str, str, str | None]]


def _named(viewer: Viewer, entity: Any) -> ColumnElement[bool]:
    n = aliased(Statement)
    return exists(
        select(n.id).where(
            n.entity_id == entity.id, n.prop == "name", n.retracted_at.is_(None), visible_statement(viewer, n)
        )
    )


def entities(session: Session, viewer: Viewer) -> Iterator[tuple[uuid.UUID, str, Values]]:
    """(id, schema, visible values) per visible entity, streamed in id order."""
    require_reader(viewer)
    key = func.coalesce(BankEntity.merged_into_id, BankEntity.id)
    query = (
        select(key, BankEntity.schema, Statement.prop, Statement.value, Statement.name_kind)
        .join(BankEntity, BankEntity.id == Statement.entity_id)
        .where(visible_statement(viewer), Statement.retracted_at.is_(None), Statement.object_id.is_(None))
        .order_by(key, Statement.created_at, Statement.id)
        .execution_options(yield_per=10_000)
    )
    for ident, rows in groupby(session.execute(query), key=lambda r: r[0]):
        found = list(rows)
        values = [(r[2], r[3], r[4]) for r in found]
        if any(prop == "name" for prop, _v, _k in values):
            yield ident, found[0][1], values


def relations(session: Session, viewer: Viewer) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, str, str]]:
    """(statement id, subject, object, relation, note) for every visible relation between visible entities."""
    require_reader(viewer)
    subj, obj = aliased(BankEntity), aliased(BankEntity)
    query = (
        select(
            Statement.id,
            subj.id,
            func.coalesce(subj.merged_into_id, subj.id),
            obj.id,
            func.coalesce(obj.merged_into_id, obj.id),
            Statement.prop,
            Statement.value,
        )
        .join(subj, subj.id == Statement.entity_id)
        .join(obj, obj.id == Statement.object_id)
        .where(Statement.object_id.is_not(None), Statement.retracted_at.is_(None), visible_statement(viewer))
        .order_by(Statement.created_at, Statement.id)
    )
    rows = session.execute(query).all()
    ends = list({r[1] for r in rows} | {r[3] for r in rows})
    named: set[uuid.UUID] = set()
    for start in range(0, len(ends), 500):  # both ends must exist for the viewer (a visible current name)
        chunk = ends[start : start + 500]
        named.update(session.scalars(select(BankEntity.id).where(BankEntity.id.in_(chunk), _named(viewer, BankEntity))))
    return [(a, s, o, p, n) for a, sub, s, ob, o, p, n in rows if sub in named and ob in named and s != o]


def export_ftm(session: Session, viewer: Viewer) -> Iterator[str]:
    """FollowTheMoney JSON lines (each ending in a newline): entities, then relations."""
    for ident, schema, values in entities(session, viewer):
        yield bank_ftm.entity_line(str(ident), schema, values) + "\n"
    for sid, subject, obj, prop, note in relations(session, viewer):
        yield bank_ftm.relation_line(str(sid), prop, str(subject), str(obj), note) + "\n"


def export_csv(session: Session, viewer: Viewer) -> Iterator[str]:
    """The analysts' CSV, one row per visible entity, its relations in the relation columns (by entity id).
    Values only: per-statement provenance stays in the bank."""
    links: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for _sid, subject, obj, prop, _note in relations(session, viewer):
        links.setdefault(subject, []).append((prop, str(obj)))
    meta = _entity_meta(session, viewer)

    def rows() -> Iterator[dict[str, list[str]]]:
        props = {prop: column for column, prop in bank_csv.VALUE_COLUMNS.items()}
        kinds = {kind: column for column, kind in bank_csv.NAME_COLUMNS.items()}
        for ident, schema, values in entities(session, viewer):
            row: dict[str, list[str]] = {"key": [str(ident)], "schema": [schema]}
            for prop, value, kind in values:
                column = kinds.get(kind or "primary", "alias") if prop == "name" else props.get(prop, "notes")
                row.setdefault(column, []).append(value.replace(";", ","))
            for prop, target in links.get(ident, []):
                row.setdefault(prop, []).append(target)
            category, basis, review = meta.get(ident, (None, "", None))
            if category:
                row["data_subject_category"], row["legal_basis"] = [category], [basis]
            if review:
                row["review_date"] = [review]
            yield row

    return bank_csv.write(rows())


def _entity_meta(session: Session, viewer: Viewer) -> dict[uuid.UUID, tuple[str | None, str, str | None]]:
    found = {}
    for ident, category, basis, review in session.execute(
        select(BankEntity.id, BankEntity.data_subject_category, BankEntity.legal_basis, BankEntity.review_date).where(
            BankEntity.merged_into_id.is_(None), _named(viewer, BankEntity)
        )
    ):
        found[ident] = (category, basis, review.isoformat() if review else None)
    return found
