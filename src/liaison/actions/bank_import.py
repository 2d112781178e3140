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
from dataclasses import replace
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from liaison import i18n
from liaison.actions.audit import audit
from liaison.actions.bank import check_grade, check_person, check_value
from liaison.actions.bank_bulk import (
    MAX_ERRORS,
    REPORT_LIMIT,
    BulkWriter,
    Defaults,
    DelistingGuard,
    ImportRefused,
    MassDelisting,
    Progress,
    as_uuid,
    begin_import,
    check_size,
    finish_import,
    marking_from_text,
    parse_grade,
    provenance,
)
from liaison.actions.bank_import_un import UN_LEGAL_BASIS, UN_LIST, import_un_list
from liaison.actions.bank_reimport import (
    FTM_LIST_PREFIX,
    Dataset,
    Known,
    ftm_list_name,
    list_reference,
    update_in_place,
    value_key,
)
from liaison.bank.access import Viewer
from liaison.bank.props import RELATIONS, default_review_date
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.i18n import _
from liaison.interchange import bank_csv, bank_ftm
from liaison.marking import export_audience
from liaison.models import BankEntity, BankImport, ListReference, Organisation, utcnow
from liaison.principal import Principal
from liaison.queries.bank_access import visible_entity
from liaison.timeinput import calendar_day


class _Item(NamedTuple):
    line: int
    key: str
    schema: str
    values: tuple[tuple[str, str, str | None], ...]
    meta: dict[str, str] | None = None
    given: tuple[bank_ftm.Given, ...] | None = None  # each value's own provenance (FtM statement form)
    references: tuple[bank_ftm.Reference, ...] = ()
    more: bool = False  # a CSV row repeating an earlier row's key: more values of that entity


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
    # Only the node operator may keep another organisation as a value's contributor, or give entities their
    # list references (moving records between nodes): these are the node's facts. Anyone else's import is
    # their own organisation's contribution.
    keep = {i.hex for i in session.scalars(select(Organisation.id))} if viewer.operator else set()
    delisted: list[str] = []
    was_delisted = {
        e.hex
        for e in session.scalars(
            select(BankEntity.id)
            .join(ListReference, ListReference.entity_id == BankEntity.id)
            .where(ListReference.list_name == list_name, BankEntity.status == "delisted")
        )
    }
    with BulkWriter(session, imp.id, actor.username, actor.organisation_id) as writer:
        report = _write(session, viewer, writer, records, defaults, progress, dataset, keep, delisted)
    # An entity of the dataset that is delisted here, and that the file still says is delisted (a list entry
    # delisted on the node it came from), stays delisted: the re-import above made every entity in the file
    # active. The file's status never delists an active entity: missing entries do, under the guard.
    stay = [as_uuid(e) for e in delisted if e in was_delisted]
    for start in range(0, len(stay), 500):
        session.execute(
            update(BankEntity).where(BankEntity.id.in_(stay[start : start + 500])).values(status="delisted")
        )
    return report, writer.touched


def _write(
    session: Session,
    viewer: Viewer,
    writer: BulkWriter,
    records: Iterable[_Item | _Link],
    defaults: Defaults,
    progress: Progress | None,
    dataset: Dataset | None,
    contributors: set[str],
    delisted: list[str],
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
    settled: dict[Any, Defaults] = {}
    file_refs: list[tuple[int, str, str, str, date | None, date | None]] = []  # line, entity, list, ref, dates
    references_left = 0  # list references of the file not restored (only the node operator's import does)

    def settle(meta: dict[str, str] | None) -> Defaults:
        """The provenance of a row or a value, checked, with the contributor kept only where it may be."""
        d = provenance(defaults, meta)
        if d is defaults:
            return d
        check_grade(d.reliability, d.credibility)
        if d.contributor is not None:
            hex_id = _hex(d.contributor)
            d = replace(d, contributor=hex_id if hex_id in contributors else None)
        return d

    def given(g: bank_ftm.Given) -> Defaults:
        found = settled.get(g)
        if found is None:
            found = settled[g] = settle({k: t for k, t in g if k != "name_kind"})
        return found

    def refuse(line: int, detail: str) -> None:
        errors.append({"line": line, "detail": _("line %(line)s: %(reason)s", line=line, reason=detail)})
        if len(errors) >= MAX_ERRORS:
            raise ImportRefused(errors)

    try:
        for record in records:
            if isinstance(record, _Link):
                links.append(record)
                continue
            if record.key and record.key in ids and not record.more:
                refuse(record.line, _("the id %(id)r appears twice", id=record.key))
                continue
            try:
                d = settle(record.meta) if record.meta else defaults
                category = d.data_subject_category if record.schema == "Person" else None
                if not record.more:
                    check_person(record.schema, category, d.legal_basis)
                checked = []
                named = False
                for prop, value, kind in record.values:
                    if prop in RELATIONS:
                        raise InvalidInput(prop, _("a relation names the other entity"))
                    clean, script = check_value(record.schema, prop, value, kind)
                    checked.append((prop, clean, kind, script, d))
                    named = named or prop == "name"
                if record.given:  # the statement form: each value has its own provenance
                    checked = [(*c[:4], given(g)) for c, g in zip(checked, record.given, strict=True)]
                if not named and not record.more:
                    raise InvalidInput("name", _("a %(schema)s needs at least one name", schema=record.schema))
                review = reviews.get(category) or reviews.setdefault(category, default_review_date(category, today))
                status = "active"
                if record.meta:
                    if "review_date" in record.meta:
                        review = calendar_day(record.meta["review_date"], "review_date")
                    status = record.meta.get("status", status)
                    if status not in ("active", "delisted"):
                        raise InvalidInput("status", _("%(status)r is not active or delisted", status=status))
                refs = [_reference(r) for r in record.references] if record.references else None
            except (InvalidInput, ValueError) as exc:
                refuse(record.line, exc.detail if isinstance(exc, InvalidInput) else str(exc))
                continue
            if errors:  # keep checking, stop writing
                continue
            if record.more:  # a CSV row adding values to an entity of an earlier row
                eid, first_review = ids[record.key]
                found = known.get(eid)
                for prop, clean, kind, script, dv in checked:
                    if found is not None:
                        key = value_key(prop, clean, kind, None, dv)
                        found.wanted.setdefault(key, (prop, clean, kind, script, None, dv))
                    else:
                        writer.statement(eid, prop, clean, kind, script, None, first_review, writer.head_for(dv))
                continue
            basis = d.legal_basis.strip() if category else ""
            found = dataset.known.get(list_reference(record.key)) if dataset and record.key else None
            if found is not None:
                eid = found.entity_id
                known[eid], found.review = found, review
                for prop, clean, kind, script, dv in checked:
                    key = value_key(prop, clean, kind, None, dv)
                    found.wanted.setdefault(key, (prop, clean, kind, script, None, dv))
                updates.setdefault((category, basis, review), []).append(eid)
                if status == "delisted":
                    delisted.append(eid)
                    writer.touch(eid)
            else:
                eid = writer.entity(record.schema, category, basis, review, status=status)
                if list_name and record.key:
                    writer.reference(eid, list_name, list_reference(record.key), None)
                head, last = 0, None
                for prop, clean, kind, script, dv in checked:
                    if dv is not last:  # most entities have one provenance: its head is looked up once
                        head, last = writer.head_for(dv), dv
                    writer.statement(eid, prop, clean, kind, script, None, review, head)
                by_schema[record.schema] = by_schema.get(record.schema, 0) + 1
            if refs:
                listed = [(record.line, eid, *r) for r in refs if not r[0].startswith(FTM_LIST_PREFIX)]
                if viewer.operator:
                    file_refs.extend(listed)
                else:
                    references_left += len(listed)
            ids[record.key or eid] = (eid, review)
            if progress and len(ids) % 10_000 == 0:
                progress(len(ids))
    except (bank_ftm.FtmError, bank_csv.CsvError) as exc:
        refuse(exc.line or 0, exc.reason)
    if errors:
        raise ImportRefused(errors)
    writer.sync()  # the session's connection is the writer thread's until then
    outside = _bank_targets(session, viewer, {t for link in links for t in (link.subject, link.object) if t not in ids})
    references = _list_references(session, writer, file_refs)
    relations = 0
    for link in links:
        subject, obj = (
            ids.get(link.subject) or outside.get(link.subject),
            ids.get(link.object) or outside.get(link.object),
        )
        missing = [t for t, found_ in ((link.subject, subject), (link.object, obj)) if found_ is None]
        if missing:
            refuse(
                link.line, InvalidInput(link.prop, _("no entity %(id)r in the file or the bank", id=missing[0])).detail
            )
            continue
        assert subject is not None and obj is not None
        try:
            d = settle(link.meta)
            note, _script = check_value("Person", link.prop, link.note, None)
        except InvalidInput as exc:
            refuse(link.line, exc.detail)
            continue
        if subject[0] == obj[0]:
            refuse(link.line, InvalidInput(link.prop, _("an entity cannot be related to itself")).detail)
            continue
        relations += 1
        target = known.get(subject[0])
        if target is not None:
            target.wanted.setdefault(
                value_key(link.prop, note, None, obj[0], d), (link.prop, note, None, None, obj[0], d)
            )
            continue
        head = writer.head_for(d)
        writer.statement(subject[0], link.prop, note, None, None, obj[0], subject[1], head)
    if errors:
        raise ImportRefused(errors)
    report: dict[str, Any] = {"added_count": sum(by_schema.values()), "relations": relations, "by_schema": by_schema}
    if file_refs:
        report |= references
    if references_left:
        report["references_not_restored_count"] = references_left
    if dataset is not None:
        report |= update_in_place(session, writer, dataset, known, updates, today)
    return report


def _hex(text: str) -> str | None:
    try:
        return uuid.UUID(text).hex
    except ValueError:
        return None


def _reference(r: bank_ftm.Reference) -> tuple[str, str, date | None, date | None]:
    name, ref, listed, delisted = r
    if not 0 < len(name) <= 40 or not 0 < len(ref) <= 60:
        raise InvalidInput(
            "references", _("%(name)s/%(ref)s: a list name has 1-40 characters, a reference 1-60", name=name, ref=ref)
        )
    return (
        name,
        ref,
        calendar_day(listed, "references") if listed else None,
        calendar_day(delisted, "references") if delisted else None,
    )


def _list_references(
    session: Session, writer: BulkWriter, wanted: list[tuple[int, str, str, str, date | None, date | None]]
) -> dict[str, Any]:
    """Give the file's entities their list references (``un-sc``/``QDi.400``), so they are found on their list
    as on the node they came from. A reference another entity of this bank already holds stays with it (a list
    names one entity): it is reported, and screening or a merge proposal can bring the two together."""
    held: dict[tuple[str, str], str] = {}
    refs = sorted({r[3] for r in wanted})
    for start in range(0, len(refs), 500):
        for name, ref, holder in session.execute(
            select(ListReference.list_name, ListReference.reference, ListReference.entity_id).where(
                ListReference.reference.in_(refs[start : start + 500])
            )
        ):
            held[(name, ref)] = holder.hex
    written = 0
    taken: list[dict[str, Any]] = []
    for line, eid, name, ref, listed, delisted in wanted:
        owner = held.get((name, ref))
        if owner is None:
            writer.reference(eid, name, ref, listed, delisted)
            held[(name, ref)] = eid
            written += 1
        elif owner != eid:
            taken.append({"line": line, "list": name, "reference": ref})
    return {"references_count": written, "references_held_elsewhere": taken[:REPORT_LIMIT]}


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
            raise TooLarge(
                _(
                    "the file is over the import limit of %(limit)s bytes (LIAISON_IMPORT_MAX_BYTES)",
                    limit=i18n.number(max_bytes),
                )
            )
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
                meta = {k: t for k, t in r.given if k != "name_kind"} if r.given else None
                yield _Link(r.line, r.prop, r.subject, r.object, r.note, meta)

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
        raise ImportRefused(
            [{"line": 0, "detail": _("the file is not UTF-8 text (%(reason)s)", reason=exc.reason)}]
        ) from exc
    viewer, imp = begin_import(session, actor, "csv", filename, hashlib.sha256(data).hexdigest())

    def records() -> Iterator[_Item | _Link]:
        for row in bank_csv.read(text):
            key = row.key or f"line {row.line}"
            yield _Item(row.line, key, row.schema, row.values, row.meta, None, row.references, row.more)
            for prop, target in row.relations:
                yield _Link(row.line, prop, key, target, "", row.meta)

    report, touched = _contribute(session, actor, imp, viewer, records(), defaults, None)
    report["kind"] = "csv"
    return finish_import(session, actor, imp, report, touched)


def record_export(
    session: Session,
    *,
    actor: Principal,
    kind: str,
    lines: int,
    max_marking: str | None,
    markings: dict[str, int],
) -> None:
    """Audit an export: what left the bank, in which format, how much, for which audience, with which markings
    (values by TLP level)."""
    details = {
        "kind": kind,
        "lines": lines,
        "audience": export_audience(max_marking),
        "max_marking": max_marking,
        "markings": markings,
    }
    audit(session, actor=actor, action="bank.export", target_type="bank", details=details)


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
