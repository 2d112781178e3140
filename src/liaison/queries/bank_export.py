"""Bank exports (FollowTheMoney JSON lines, the analysts' CSV): only what the viewer may see, and of that only
what the export's audience may receive.

The database filters with the same SQL clause as every other bank read (:func:`visible_statement`): a statement
the viewer may not see never leaves it, an entity with no visible current name is not exported at all, and a
relation leaves only when it and both its ends are visible. Retracted statements are not exported. An entity
merged into another is exported as part of it (its statements under the surviving entity's id).

A file that leaves the bank is a disclosure, so every export states its audience
(:func:`liaison.marking.export_audience`). By default the audience is the network: only TLP:CLEAR and GREEN
values without handling conditions leave (:func:`liaison.marking.exportable`, mirrored here in SQL). Stricter
values leave only when the exporter asks for them (``max_marking``), and then each value carries its marking,
grade, source and contributor, in FtM's statement form and in the CSV's provenance columns alike, so that the
bank's own import reads them back exactly. Entities keep their list references (``un-sc``/``QDi.400``), so a
record can be followed from one node to the next.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select, true
from sqlalchemy.orm import Session, aliased

from liaison.bank.access import Viewer
from liaison.interchange import bank_csv, bank_ftm
from liaison.marking import LEVELS, Marking, export_audience, levels_up_to
from liaison.models import BankEntity, ListReference, Organisation, Statement
from liaison.models.bank import releasable_codes
from liaison.queries.bank_access import require_reader, visible_statement

DATASET = "liaison"  # the FtM ``dataset`` of every exported statement


def _audience(max_marking: str | None, stmt: Any = Statement) -> ColumnElement[bool]:
    """SQL of :func:`liaison.marking.exportable`."""
    if max_marking is None:
        return and_(
            stmt.tlp.in_(("CLEAR", "GREEN")),
            stmt.releasable_to == "",
            stmt.originator_control.is_(False),
            stmt.purpose == "",
        )
    if max_marking == LEVELS[-1]:
        return true()
    return stmt.tlp.in_(levels_up_to(max_marking))


def _leaves(viewer: Viewer, max_marking: str | None, stmt: Any = Statement) -> ColumnElement[bool]:
    return and_(visible_statement(viewer, stmt), _audience(max_marking, stmt), stmt.retracted_at.is_(None))


def _named(viewer: Viewer, max_marking: str | None, entity: Any) -> ColumnElement[bool]:
    n = aliased(Statement)
    return exists(select(n.id).where(n.entity_id == entity.id, n.prop == "name", _leaves(viewer, max_marking, n)))


PROVENANCE_COLUMNS = (
    Statement.source,
    Statement.observed_on,
    Statement.reliability,
    Statement.credibility,
    Statement.tlp,
    Statement.originator_control,
    Statement.purpose,
    Statement.releasable_to,
    Statement.contributor_organisation_id,
)
"""A statement's provenance as the export reads it, in the order :class:`_Provenance` takes it."""


@dataclass
class Exported:
    """One entity as it leaves: its values with their provenance, its own keys and its list references."""

    id: uuid.UUID
    schema: str
    values: list[bank_ftm.Value]
    meta: dict[str, str]
    references: list[bank_ftm.Reference]


class _Provenance:
    """Renders a statement's provenance once per distinct one (a million statements share a few hundred)."""

    def __init__(self, session: Session) -> None:
        self.names = {str(i): n for i, n in session.execute(select(Organisation.id, Organisation.name))}
        self.seen: dict[tuple[Any, ...], dict[str, str]] = {}

    def __call__(self, key: tuple[Any, ...]) -> dict[str, str]:
        found = self.seen.get(key)
        if found is None:
            source, observed, reliability, credibility, tlp, oc, purpose, releasable, contributor = key
            marking = Marking(tlp, bool(oc), purpose, releasable_codes(releasable))
            org = str(contributor) if contributor else ""
            found = self.seen[key] = {
                "source": source,
                "grade": f"{reliability}{credibility}",
                "marking": marking.label,
                "observed_on": observed.isoformat() if isinstance(observed, date) else "",
                "contributor": org,
                "contributor_name": self.names.get(org, ""),
            }
        return found


def _references(session: Session) -> dict[uuid.UUID, list[bank_ftm.Reference]]:
    key = func.coalesce(BankEntity.merged_into_id, BankEntity.id)
    found: dict[uuid.UUID, list[bank_ftm.Reference]] = {}
    for ident, name, ref, listed, delisted in session.execute(
        select(
            key, ListReference.list_name, ListReference.reference, ListReference.listed_on, ListReference.delisted_on
        )
        .join(BankEntity, BankEntity.id == ListReference.entity_id)
        .order_by(ListReference.list_name, ListReference.reference)
    ):
        found.setdefault(ident, []).append(
            (name, ref, listed.isoformat() if listed else None, delisted.isoformat() if delisted else None)
        )
    return found


def _entity_meta(session: Session) -> dict[uuid.UUID, dict[str, str]]:
    found = {}
    for ident, category, basis, review, status in session.execute(
        select(
            BankEntity.id,
            BankEntity.data_subject_category,
            BankEntity.legal_basis,
            BankEntity.review_date,
            BankEntity.status,
        ).where(BankEntity.merged_into_id.is_(None))
    ):
        meta = {"status": status}
        if category:
            meta |= {"data_subject_category": category, "legal_basis": basis}
        if review:
            meta["review_date"] = review.isoformat()
        found[ident] = meta
    return found


def entities(session: Session, viewer: Viewer, max_marking: str | None = None) -> Iterator[Exported]:
    """Every entity the viewer may see that has a name the audience may receive, with the values that leave,
    streamed in id order."""
    require_reader(viewer)
    provenance = _Provenance(session)
    references = _references(session)
    meta = _entity_meta(session)
    key = func.coalesce(BankEntity.merged_into_id, BankEntity.id)
    query = (
        select(
            key,
            BankEntity.schema,
            BankEntity.id,
            Statement.id,
            Statement.prop,
            Statement.value,
            Statement.name_kind,
            *PROVENANCE_COLUMNS,
        )
        .join(BankEntity, BankEntity.id == Statement.entity_id)
        .where(_leaves(viewer, max_marking), Statement.object_id.is_(None))
        .order_by(key, Statement.created_at, Statement.id)
        .execution_options(yield_per=10_000)
    )
    with session.execute(query) as result:  # closed when the consumer stops early: no cursor left open
        for ident, rows in groupby(result, key=lambda r: r[0]):
            found = list(rows)
            values = [bank_ftm.Value(r[4], r[5], r[6], provenance(tuple(r[7:])), str(r[3]), str(r[2])) for r in found]
            if any(v.prop == "name" for v in values):
                yield Exported(ident, found[0][1], values, meta.get(ident, {}), references.get(ident, []))


@dataclass
class Link:
    id: uuid.UUID
    subject: uuid.UUID
    object: uuid.UUID
    prop: str
    note: str
    given: dict[str, str]


def relations(session: Session, viewer: Viewer, max_marking: str | None = None) -> list[Link]:
    """Every relation that leaves, between entities that leave."""
    require_reader(viewer)
    provenance = _Provenance(session)
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
            *PROVENANCE_COLUMNS,
        )
        .join(subj, subj.id == Statement.entity_id)
        .join(obj, obj.id == Statement.object_id)
        .where(Statement.object_id.is_not(None), _leaves(viewer, max_marking))
        .order_by(Statement.created_at, Statement.id)
    )
    rows = session.execute(query).all()
    ends = list({r[1] for r in rows} | {r[3] for r in rows})
    named: set[uuid.UUID] = set()
    for start in range(0, len(ends), 500):  # both ends must leave too (a name the audience may receive)
        chunk = ends[start : start + 500]
        leaving = _named(viewer, max_marking, BankEntity)
        named.update(session.scalars(select(BankEntity.id).where(BankEntity.id.in_(chunk), leaving)))
    return [
        Link(r[0], r[2], r[4], r[5], r[6], provenance(tuple(r[7:])))
        for r in rows
        if r[1] in named and r[3] in named and r[2] != r[4]
    ]


def marking_counts(session: Session, viewer: Viewer, max_marking: str | None = None) -> dict[str, int]:
    """How many values of each TLP level an export would carry (for its audit), strictest last."""
    require_reader(viewer)
    counts = Counter(
        dict(
            session.execute(
                select(Statement.tlp, func.count())
                .join(BankEntity, BankEntity.id == Statement.entity_id)
                .where(_leaves(viewer, max_marking), _named(viewer, max_marking, BankEntity))
                .group_by(Statement.tlp)
            ).all()
        )
    )
    return {level: counts[level] for level in LEVELS if counts[level]}


def export_ftm(session: Session, viewer: Viewer, max_marking: str | None = None) -> Iterator[str]:
    """FollowTheMoney JSON lines in FtM's statement form (each ending in a newline): entities, then relations."""
    for e in entities(session, viewer, max_marking):
        yield (
            bank_ftm.statement_line(
                str(e.id), e.schema, e.values, dataset=DATASET, meta=e.meta, references=e.references
            )
            + "\n"
        )
    for r in relations(session, viewer, max_marking):
        line = bank_ftm.relation_statement_line(
            str(r.id), r.prop, str(r.subject), str(r.object), r.note, r.given, dataset=DATASET
        )
        yield line + "\n"


def export_csv(session: Session, viewer: Viewer, max_marking: str | None = None) -> Iterator[str]:
    """The analysts' CSV: one row per entity and provenance (a row repeating an entity's ``key`` adds values
    with its own provenance columns), its relations in the relation columns (by entity id)."""
    links: dict[uuid.UUID, list[Link]] = {}
    for link in relations(session, viewer, max_marking):
        links.setdefault(link.subject, []).append(link)

    def rows() -> Iterator[dict[str, list[str]]]:
        for e in entities(session, viewer, max_marking):
            yield from _csv_rows(e, links.get(e.id, []))

    return bank_csv.write(rows())


_PROPS = {prop: column for column, prop in bank_csv.VALUE_COLUMNS.items()}
_KINDS = {kind: column for column, kind in bank_csv.NAME_COLUMNS.items()}
_ENTITY_COLUMNS = ("data_subject_category", "legal_basis", "review_date")


def _csv_rows(e: Exported, links: list[Link]) -> list[dict[str, list[str]]]:
    """An entity's rows: one per provenance, the entity's own columns on the first."""
    groups: dict[tuple[str, ...], dict[str, list[str]]] = {}

    def group(given: dict[str, str]) -> dict[str, list[str]]:
        provenance = tuple(given.get(c, "") for c in bank_csv.PROVENANCE)
        found = groups.get(provenance)
        if found is None:
            found = groups[provenance] = {"key": [str(e.id)], "schema": [e.schema]}
            found.update((c, [t]) for c, t in zip(bank_csv.PROVENANCE, provenance, strict=True) if t)
        return found

    for v in e.values:
        column = _KINDS.get(v.kind or "primary", "alias") if v.prop == "name" else _PROPS.get(v.prop, "notes")
        group(v.given).setdefault(column, []).append(v.value.replace(";", ","))
    for link in links:
        group(link.given).setdefault(link.prop, []).append(str(link.object))
    rows = list(groups.values())
    rows[0].update((k, [e.meta[k]]) for k in _ENTITY_COLUMNS if k in e.meta)
    if e.references:
        rows[0]["references"] = [bank_csv.reference_text(*r) for r in e.references]
    return rows


__all__ = ["DATASET", "export_audience", "entities", "export_csv", "export_ftm", "marking_counts", "relations"]
