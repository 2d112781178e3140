"""Bank imports of contributions: FollowTheMoney JSON lines and the analysts' CSV (the UN list is in
:mod:`liaison.actions.bank_import_un`, re-exported here).

Each import is one transaction with a :class:`BankImport` report: the caller wraps it in
``liaison.db.transaction``, so a refused file leaves the bank exactly as it was. Every value is checked by the
bank's own rules (:func:`liaison.actions.bank.check_value`) before anything is written; rows then go in through
:class:`liaison.actions.bank_bulk.BulkWriter` (executemany on SQLite, COPY on PostgreSQL), which is what lets a
million FtM entities in at tens of thousands a second.

FtM and CSV imports are contributions of the actor's organisation with the marking, grade and source given for
the file (a CSV row may override them). A bad line refuses the whole file, naming up to 20 bad lines. An FtM
entity keeps its FtM id, so a newer file of the same dataset updates in place (:mod:`.bank_reimport`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from liaison.actions.audit import audit
from liaison.actions.bank import check_grade, check_person, check_value
from liaison.actions.bank_bulk import (
    MAX_ERRORS,
    BulkWriter,
    Defaults,
    DelistingGuard,
    ImportRefused,
    MassDelisting,
    Progress,
    begin_import,
    check_size,
    finish_import,
    marking_from_text,
    parse_grade,
    provenance,
)
from liaison.actions.bank_import_un import UN_LEGAL_BASIS, UN_LIST, import_un_list
from liaison.actions.bank_reimport import Dataset, Known, ftm_list_name, list_reference, update_in_place, value_key
from liaison.bank.access import Viewer
from liaison.bank.props import RELATIONS, default_review_date
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.interchange import bank_csv, bank_ftm
from liaison.models import BankEntity, BankImport, utcnow
from liaison.principal import Principal
from liaison.queries.bank_access import visible_entity


class _Item(NamedTuple):
    line: int
    key: str
    schema: str
    values: tuple[tuple[str, str, str | None], ...]
    meta: dict[str, str] | None = None


class _Link(NamedTuple):
    line: int
    prop: str
    subject: str
    object: str
    note: str = ""
    meta: dict[str, str] | None = None


def _contribute(
    session: Session,
    actor: Principal,
    imp: BankImport,
    viewer: Viewer,
    records: Iterable[_Item | _Link],
    defaults: Defaults,
    progress: Progress | None,
    list_name: str | None = None,
    guard: DelistingGuard | None = None,
) -> tuple[dict[str, Any], set[str] | None]:
    """Check and write a file's entities, then its relations; raise :class:`ImportRefused` on any bad line.
    With ``list_name``, entities are found again by their key as a list reference and updated in place (and
    those missing from the file delisted, as the ``guard`` allows). Returns the report and the entities touched
    (None: too many to list)."""
    dataset = Dataset(session, actor, list_name, guard) if list_name else None
    with BulkWriter(session, imp.id, actor.username, actor.organisation_id) as writer:
        return _write(session, viewer, writer, records, defaults, progress, dataset), writer.touched


def _write(
    session: Session,
    viewer: Viewer,
    writer: BulkWriter,
    records: Iterable[_Item | _Link],
    defaults: Defaults,
    progress: Progress | None,
    dataset: Dataset | None,
) -> dict[str, Any]:
    list_name = dataset.list_name if dataset else None
    today = utcnow().date()
    ids: dict[str, tuple[str, date | None]] = {}
    known: dict[str, Known] = {}  # entity id -> the dataset's entity, for those already in the bank
    links: list[_Link] = []
    errors: list[dict[str, Any]] = []
    by_schema: dict[str, int] = {}
    updates: dict[tuple[str | None, str, date | None], list[str]] = {}
    check_grade(defaults.reliability, defaults.credibility)
    reviews: dict[str | None, date] = {}

    def refuse(line: int, detail: str) -> None:
        errors.append({"line": line, "detail": f"line {line}: {detail}"})
        if len(errors) >= MAX_ERRORS:
            raise ImportRefused(errors)

    try:
        for record in records:
            if isinstance(record, _Link):
                links.append(record)
                continue
            if record.key and record.key in ids:
                refuse(record.line, f"the id {record.key!r} appears twice")
                continue
            try:
                d = provenance(defaults, record.meta)
                if d is not defaults:
                    check_grade(d.reliability, d.credibility)
                category = d.data_subject_category if record.schema == "Person" else None
                check_person(record.schema, category, d.legal_basis)
                checked = []
                named = False
                for prop, value, kind in record.values:
                    if prop in RELATIONS:
                        raise InvalidInput(prop, "a relation names the other entity")
                    clean, script = check_value(record.schema, prop, value, kind)
                    checked.append((prop, clean, kind, script))
                    named = named or prop == "name"
                if not named:
                    raise InvalidInput("name", f"a {record.schema} needs at least one name")
                review = reviews.get(category) or reviews.setdefault(category, default_review_date(category, today))
                if record.meta and "review_date" in record.meta:
                    review = date.fromisoformat(record.meta["review_date"])
            except (InvalidInput, ValueError) as exc:
                refuse(record.line, exc.detail if isinstance(exc, InvalidInput) else f"review_date: {exc}")
                continue
            if errors:  # keep checking, stop writing
                continue
            basis = d.legal_basis.strip() if category else ""
            found = dataset.known.get(list_reference(record.key)) if dataset and record.key else None
            if found is not None:
                eid = found.entity_id
                known[eid], found.review = found, review
                for prop, clean, kind, script in checked:
                    found.wanted.setdefault(value_key(prop, clean, kind, None, d), (prop, clean, kind, script, None, d))
                updates.setdefault((category, basis, review), []).append(eid)
            else:
                eid = writer.entity(record.schema, category, basis, review)
                if list_name and record.key:
                    writer.reference(eid, list_name, list_reference(record.key), None)
                head = writer.head((d.source, d.observed_on, d.reliability, d.credibility, d.marking))
                for prop, clean, kind, script in checked:
                    writer.statement(eid, prop, clean, kind, script, None, review, head)
                by_schema[record.schema] = by_schema.get(record.schema, 0) + 1
            ids[record.key or eid] = (eid, review)
            if progress and len(ids) % 10_000 == 0:
                progress(len(ids))
    except (bank_ftm.FtmError, bank_csv.CsvError) as exc:
        refuse(exc.extra.get("line") or 0, str(exc.detail).partition(": ")[2] or exc.detail)
    if errors:
        raise ImportRefused(errors)
    writer.sync()  # the session's connection is the writer thread's until then
    outside = _bank_targets(session, viewer, {t for link in links for t in (link.subject, link.object) if t not in ids})
    relations = 0
    for link in links:
        subject, obj = (
            ids.get(link.subject) or outside.get(link.subject),
            ids.get(link.object) or outside.get(link.object),
        )
        missing = [t for t, found_ in ((link.subject, subject), (link.object, obj)) if found_ is None]
        if missing:
            refuse(link.line, f"{link.prop}: no entity {missing[0]!r} in the file or the bank")
            continue
        assert subject is not None and obj is not None
        try:
            d = provenance(defaults, link.meta)
            if d is not defaults:
                check_grade(d.reliability, d.credibility)
            note, _script = check_value("Person", link.prop, link.note, None)
        except InvalidInput as exc:
            refuse(link.line, exc.detail)
            continue
        if subject[0] == obj[0]:
            refuse(link.line, f"{link.prop}: an entity cannot be related to itself")
            continue
        relations += 1
        target = known.get(subject[0])
        if target is not None:
            target.wanted.setdefault(
                value_key(link.prop, note, None, obj[0], d), (link.prop, note, None, None, obj[0], d)
            )
            continue
        head = writer.head((d.source, d.observed_on, d.reliability, d.credibility, d.marking))
        writer.statement(subject[0], link.prop, note, None, None, obj[0], subject[1], head)
    if errors:
        raise ImportRefused(errors)
    report: dict[str, Any] = {"added_count": sum(by_schema.values()), "relations": relations, "by_schema": by_schema}
    if dataset is not None:
        report |= update_in_place(session, writer, dataset, known, updates, today)
    return report


def _bank_targets(session: Session, viewer: Viewer, keys: set[str]) -> dict[str, tuple[str, date | None]]:
    """Relation targets named by the id of an entity already in the bank and visible to the importer."""
    wanted: dict[uuid.UUID, str] = {}
    for key in keys:
        try:
            wanted[uuid.UUID(key)] = key
        except ValueError:
            continue
    found: dict[str, tuple[str, date | None]] = {}
    items = list(wanted)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        for eid, review in session.execute(
            select(BankEntity.id, BankEntity.review_date).where(BankEntity.id.in_(chunk), visible_entity(viewer))
        ):
            found[wanted[eid]] = (eid.hex, review)
    return found


def _lines(stream: Iterable[bytes], max_bytes: int | None) -> Iterator[bytes]:
    total = 0
    for line in stream:
        total += len(line)
        if max_bytes is not None and total > max_bytes:
            raise TooLarge(f"the file is over the import limit of {max_bytes:,} bytes (LIAISON_IMPORT_MAX_BYTES)")
        yield line


def import_ftm(
    session: Session,
    *,
    actor: Principal,
    lines: Iterable[bytes],
    filename: str = "",
    defaults: Defaults | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    dataset: str | None = None,
    guard: DelistingGuard | None = None,
) -> BankImport:
    """Import FollowTheMoney JSON lines (an iterable of byte lines: an open binary file will do). Entities of a
    dataset imported before (``dataset``, else the file name's stem) are updated in place: the file is a full
    snapshot of the dataset, so its entities missing from the file are delisted, and a file that would delist
    more than the ``guard``'s share of them is refused (:class:`MassDelisting`)."""
    defaults = defaults or Defaults()
    list_name = ftm_list_name(dataset, filename, actor.organisation_id)
    digest = hashlib.sha256()
    viewer, imp = begin_import(session, actor, "ftm", filename, "")
    stats = bank_ftm.ReadStats()

    def records() -> Iterator[_Item | _Link]:
        def hashed() -> Iterator[bytes]:
            for line in _lines(lines, max_bytes):
                digest.update(line)
                yield line

        for r in bank_ftm.read(hashed(), stats):
            if isinstance(r, bank_ftm.FtmEntity):
                yield _Item(*r)
            else:
                yield _Link(r.line, r.prop, r.subject, r.object, r.note)

    try:
        report, touched = _contribute(session, actor, imp, viewer, records(), defaults, progress, list_name, guard)
    except MassDelisting as exc:
        exc.extra |= {"kind": "ftm", "filename": filename, "sha256": digest.hexdigest()}
        raise
    imp.sha256 = digest.hexdigest()
    report |= {"list": list_name, "kind": "ftm", "ignored": dict(stats.ignored), "marking": defaults.marking.label}
    return finish_import(session, actor, imp, report, touched)


def import_csv(
    session: Session,
    *,
    actor: Principal,
    data: bytes,
    filename: str = "",
    defaults: Defaults | None = None,
    max_bytes: int | None = None,
) -> BankImport:
    """Import the analysts' CSV (see :mod:`liaison.interchange.bank_csv` for the columns)."""
    check_size(data, max_bytes)
    defaults = defaults or Defaults()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRefused([{"line": 0, "detail": f"the file is not UTF-8 text ({exc.reason})"}]) from exc
    viewer, imp = begin_import(session, actor, "csv", filename, hashlib.sha256(data).hexdigest())

    def records() -> Iterator[_Item | _Link]:
        for row in bank_csv.read(text):
            key = row.key or f"line {row.line}"
            yield _Item(row.line, key, row.schema, row.values, row.meta)
            for prop, target in row.relations:
                yield _Link(row.line, prop, key, target, "", row.meta)

    report, touched = _contribute(session, actor, imp, viewer, records(), defaults, None)
    report["kind"] = "csv"
    return finish_import(session, actor, imp, report, touched)


def record_export(session: Session, *, actor: Principal, kind: str, lines: int) -> None:
    """Audit an export (what left the bank, in which format, how much)."""
    audit(session, actor=actor, action="bank.export", target_type="bank", details={"kind": kind, "lines": lines})


def import_summary(imp: BankImport) -> dict[str, Any]:
    """The JSON form of an import (CLI, API)."""
    return {
        "id": str(imp.id),
        "kind": imp.kind,
        "filename": imp.filename,
        "sha256": imp.sha256,
        "by": imp.by_name,
        "at": imp.created_at.isoformat() if isinstance(imp.created_at, datetime) else None,
        "added": imp.added,
        "changed": imp.changed,
        "unchanged": imp.unchanged,
        "delisted": imp.delisted,
        "relisted": (imp.report or {}).get("relisted_count", 0),
        "refused": imp.refused,
        "report": imp.report,
    }


def run_import(
    sessions: sessionmaker[Session],
    *,
    actor: Principal,
    work: Callable[[Session], BankImport],
    dry_run: bool = False,
) -> dict[str, Any]:
    """Run one import (``work``, one of the importers above) in its own transaction; return its summary.

    A dry run is the import itself, rolled back: its report is exactly the one the import would give (added,
    changed, unchanged, delisted, relisted, refused, and a ``mass_delisting`` the import would refuse), and
    nothing is kept, not even the import's record. An import refused as a mass delisting
    (:class:`MassDelisting`) is audited as ``bank.import_refused`` in a transaction of its own (the attempt is
    evidence, and the import's own transaction has rolled back), then raised."""
    if dry_run:
        with sessions() as session:
            session.begin()
            try:
                return import_summary(work(session)) | {"id": None, "dry_run": True}
            finally:
                session.rollback()
    try:
        with transaction(sessions) as session:
            return import_summary(work(session))
    except MassDelisting as exc:
        with transaction(sessions) as session:
            audit(
                session,
                actor=actor,
                action="bank.import_refused",
                target_type="bank_import",
                details={"reason": exc.code, "detail": exc.detail, **exc.extra},
            )
        raise


__all__ = [
    "Defaults",
    "DelistingGuard",
    "MassDelisting",
    "marking_from_text",
    "parse_grade",
    "ImportRefused",
    "UN_LEGAL_BASIS",
    "UN_LIST",
    "import_csv",
    "import_ftm",
    "import_un_list",
    "import_summary",
    "record_export",
    "run_import",
]
