"""Bank imports: the UN Security Council Consolidated List, FollowTheMoney JSON lines, and the analysts' CSV.

Each import is one transaction with a :class:`BankImport` report: the caller wraps it in
``liaison.db.transaction``, so a refused file leaves the bank exactly as it was. Rows are written with bulk
``INSERT``s in batches (no per-row ORM flush), which is what lets a million FtM entities in at tens of thousands
a second.

The UN list is the node's own contribution (contributor None, TLP:CLEAR, graded A2: a completely reliable
source, whose identifiers, as reported by member states and often marked "approximately", are probably true).
Each entry is found again by its reference (``un-sc``/``QDi.400``): a re-import adds the values that are new,
retracts those no longer listed (kept, dated), and marks entries missing from the file as delisted (never
deleted). A listed person is held as a *suspect* on the legal basis of the Security Council designation: every
person in the bank has a data-subject category, and "suspect" is the category whose review period fits a list
that is itself reviewed. The review date of every entry still listed is renewed by each import: the
Security Council's own review stands in for the contributor's.

FtM and CSV imports are contributions of the actor's organisation with the marking, grade and source given for
the file (a CSV row may override them). A bad line refuses the whole file, naming up to 20 bad lines.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.actions.bank import (
    StatementInput,
    bump_bank,
    check_person,
    check_statement,
    statement_row,
)
from liaison.actions.exchange import parse_marking
from liaison.bank.access import Viewer
from liaison.bank.props import default_review_date
from liaison.errors import InvalidInput, LiaisonError, TooLarge
from liaison.interchange import bank_csv, bank_ftm
from liaison.interchange.un_list import ListEntry, ListFile, parse
from liaison.marking import Marking
from liaison.models import BankEntity, BankImport, ListReference, Statement, utcnow
from liaison.principal import Principal
from liaison.queries.bank_access import require_analyst, viewer_for, visible_entity

UN_LIST = "un-sc"
UN_SOURCE = "UN Security Council Consolidated List"
UN_LEGAL_BASIS = "UN Security Council sanctions designation"
UN_CATEGORY = "suspect"
UN_MARKING = Marking("CLEAR")
BATCH = 5000
MAX_ERRORS = 20
REPORT_LIMIT = 2000  # references listed per report section; the counts are always complete
Progress = Callable[[int], None]


class ImportRefused(LiaisonError):
    """The file was refused and nothing was imported; ``errors`` lists the bad lines."""

    status = 422
    code = "invalid"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]["detail"]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}: nothing was imported", errors=errors)
        self.errors = errors


@dataclass(frozen=True)
class Defaults:
    """Provenance given to every statement of a file (a CSV row may override it)."""

    source: str = ""
    reliability: str = "F"
    credibility: str = "6"
    marking: Marking = field(default_factory=lambda: Marking("AMBER"))
    observed_on: date | None = None
    data_subject_category: str | None = "suspect"
    legal_basis: str = ""


def parse_grade(text: str) -> tuple[str, str]:
    """``B2`` to ("B", "2")."""
    value = text.strip().upper()
    if len(value) != 2 or value[0] not in "ABCDEF" or value[1] not in "123456":
        raise InvalidInput("grade", f"{text!r} is not a grade: source reliability A-F and credibility 1-6, e.g. B2")
    return value[0], value[1]


def marking_from_text(text: str) -> Marking:
    """``TLP:AMBER+STRICT REL TO FR DE`` (or ``..., REL TO FR, DE``) to a marking."""
    level, _sep, rel = text.upper().replace(",", " ").partition("REL TO")
    return parse_marking(level.strip() or "AMBER", releasable_to=rel.split())


class _Writer:
    """Collects entity, statement and reference rows and writes them in bulk batches."""

    def __init__(self, session: Session, imp: BankImport, by_name: str, contributor: uuid.UUID | None) -> None:
        self.session, self.imp, self.by_name, self.contributor = session, imp, by_name, contributor
        self.entities: list[dict[str, Any]] = []
        self.statements: list[dict[str, Any]] = []
        self.references: list[dict[str, Any]] = []

    def entity(self, schema: str, category: str | None, legal_basis: str, review: date | None) -> uuid.UUID:
        now = utcnow()
        ident = uuid.uuid4()
        self.entities.append(
            {
                "id": ident,
                "created_at": now,
                "updated_at": now,
                "schema": schema,
                "data_subject_category": category,
                "legal_basis": legal_basis,
                "review_date": review,
                "status": "active",
                "contributor_organisation_id": self.contributor,
                "created_by_name": self.by_name,
            }
        )
        return ident

    def statement(self, entity_id: uuid.UUID, s: StatementInput, review: date | None) -> None:
        row = statement_row(
            entity_id, s, contributor=self.contributor, by_name=self.by_name, review_date=review, import_id=self.imp.id
        )
        row["created_at"] = row["updated_at"] = utcnow()
        self.statements.append(row)
        if len(self.statements) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model, rows in (
            (BankEntity, self.entities),
            (Statement, self.statements),
            (ListReference, self.references),
        ):
            if rows:  # Core INSERT on the table: one executemany (the ORM splits batches on None values)
                self.session.execute(insert(model.__table__), rows)  # type: ignore[arg-type]
                rows.clear()


def _begin(
    session: Session, actor: Principal, kind: str, filename: str, digest: str, admin_ok: bool = False
) -> tuple[Viewer, BankImport]:
    viewer = viewer_for(session, actor)
    if not (admin_ok and actor.is_admin):  # a node admin may load a public list in the node's name
        require_analyst(viewer)
    imp = BankImport(
        id=uuid.uuid4(),
        kind=kind,
        filename=filename[:300],
        sha256=digest,
        organisation_id=actor.organisation_id,
        by_name=actor.username,
        report={},
    )
    session.add(imp)
    session.flush()
    return viewer, imp


def _finish(session: Session, actor: Principal, imp: BankImport, report: dict[str, Any]) -> BankImport:
    for key in ("added", "changed", "unchanged", "delisted", "refused"):
        setattr(imp, key, report.get(f"{key}_count", 0))
    imp.report = report
    audit(
        session,
        actor=actor,
        action="bank.import",
        target_type="bank_import",
        target_id=imp.id,
        details={"kind": imp.kind, "filename": imp.filename, "sha256": imp.sha256}
        | {k: v for k, v in report.items() if k.endswith("_count")},
    )
    bump_bank(session)
    session.flush()
    return imp


def _check_size(data: bytes, max_bytes: int | None) -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLarge(
            f"the file is {len(data):,} bytes, over the import limit of {max_bytes:,} (LIAISON_IMPORT_MAX_BYTES)"
        )


# -- the UN list --


def _un_statements(entry: ListEntry, source: str, observed: date | None, warnings: list[str]) -> list[StatementInput]:
    """What the list says about one entry, as checked statements (a value that fails its rule becomes a note)."""
    wanted: list[tuple[str, str, str | None]] = [("name", n.text, n.kind) for n in entry.names]
    wanted += [("name", n.text, "primary") for n in entry.original_script_names]
    person = entry.schema == "Person"
    if person:
        wanted += [("title", t, None) for t in entry.title] + [("position", d, None) for d in entry.designation]
        wanted += [("birthDate", d, None) for d in entry.birth_dates]
        wanted += [("notes", f"Date of birth: {n}", None) for n in entry.birth_date_notes]
        wanted += [("birthPlace", p, None) for p in entry.birth_places]
        wanted += [("nationality", c, None) for c in entry.nationalities]
        wanted += [("notes", f"Nationality: {t}", None) for t in entry.nationality_texts]
        gender = (entry.gender or "").lower()
        wanted += [("gender", gender, None)] if gender in ("male", "female") else []  # the list also says "Unknown"
        for doc in entry.documents:
            if not doc.number:
                continue
            prop = "passportNumber" if "pas" in (doc.type or "").lower() else "idNumber"
            extra = "; ".join(p for p in (doc.issuing_country, doc.note) if p)
            wanted.append((prop, f"{doc.number} ({extra})" if extra else doc.number, None))
    else:
        wanted += [("country", c, None) for c in entry.address_countries]
    wanted += [("address", a, None) for a in entry.addresses]
    listed = f"; listed on {entry.listed_on.isoformat()}" if entry.listed_on else ""
    wanted.append(("notes", f"UN sanctions list: {entry.list_type or 'unspecified'} ({entry.reference}){listed}", None))
    if entry.comments:
        wanted.append(("notes", entry.comments, None))
    out: dict[tuple[str, str, str | None], StatementInput] = {}
    for prop, value, kind in wanted:
        s = StatementInput(prop, value, kind, None, None, source, observed, "A", "2", UN_MARKING)
        try:
            s = check_statement(entry.schema, s)
        except InvalidInput as exc:
            warnings.append(f"{entry.reference}: {exc.detail}; kept as a note")
            s = check_statement(entry.schema, replace(s, prop="notes", value=f"{prop}: {value}", name_kind=None))
        out.setdefault((s.prop, s.value, s.name_kind), s)
    return list(out.values())


def import_un_list(
    session: Session,
    *,
    actor: Principal,
    data: bytes,
    filename: str = "",
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> BankImport:
    """Import (or re-import) the UN Security Council Consolidated List XML."""
    _check_size(data, max_bytes)
    listing: ListFile = parse(data)
    _viewer, imp = _begin(session, actor, UN_LIST, filename, hashlib.sha256(data).hexdigest(), admin_ok=True)
    today = utcnow().date()
    generated = listing.generated.date() if listing.generated else today
    source = f"{UN_SOURCE} {generated.isoformat()}"
    writer = _Writer(session, imp, actor.username, None)
    refs = {r.reference: r for r in session.scalars(select(ListReference).where(ListReference.list_name == UN_LIST))}
    entities = {
        e.id: e
        for e in session.scalars(
            select(BankEntity).where(
                BankEntity.id.in_(select(ListReference.entity_id).where(ListReference.list_name == UN_LIST))
            )
        )
    }
    current: dict[uuid.UUID, dict[tuple[str, str, str | None], uuid.UUID]] = {}
    for sid, eid, prop, value, kind in session.execute(
        select(Statement.id, Statement.entity_id, Statement.prop, Statement.value, Statement.name_kind).where(
            Statement.entity_id.in_(select(ListReference.entity_id).where(ListReference.list_name == UN_LIST)),
            Statement.contributor_organisation_id.is_(None),
            Statement.retracted_at.is_(None),
            Statement.source.startswith(UN_SOURCE),
        )
    ):
        current.setdefault(eid, {})[(prop, value, kind)] = sid
    added: list[str] = []
    changed: list[dict[str, Any]] = []
    unchanged: list[str] = []
    refused: list[dict[str, Any]] = []
    warnings: list[str] = []
    seen: set[str] = set()
    retract: list[uuid.UUID] = []
    for n, entry in enumerate(listing.entries, start=1):
        if entry.reference in seen:
            refused.append({"reference": entry.reference, "reason": "the reference appears twice in the file"})
            continue
        if not entry.all_names():
            refused.append({"reference": entry.reference, "reason": "the entry has no name"})
            continue
        seen.add(entry.reference)
        category = UN_CATEGORY if entry.schema == "Person" else None
        review = default_review_date(category, today)
        wanted = _un_statements(entry, source, generated, warnings)
        ref = refs.get(entry.reference)
        if ref is None:
            eid = writer.entity(entry.schema, category, UN_LEGAL_BASIS if category else "", review)
            for s in wanted:
                writer.statement(eid, s, review)
            writer.references.append(
                {
                    "id": uuid.uuid4(),
                    "entity_id": eid,
                    "list_name": UN_LIST,
                    "reference": entry.reference,
                    "listed_on": entry.listed_on,
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }  # fmt: skip
            )
            added.append(entry.reference)
        else:
            entity = entities[ref.entity_id]
            have = current.get(entity.id, {})
            keys = {(s.prop, s.value, s.name_kind) for s in wanted}
            new = [s for s in wanted if (s.prop, s.value, s.name_kind) not in have]
            gone = [sid for key, sid in have.items() if key not in keys]
            relisted = entity.status != "active" or ref.delisted_on is not None
            for s in new:
                writer.statement(entity.id, s, review)
            retract.extend(gone)
            entity.review_date, entity.review_reminded_at = review, None
            if relisted:
                entity.status, ref.delisted_on = "active", None
            if entry.listed_on and ref.listed_on != entry.listed_on:
                ref.listed_on = entry.listed_on
            if new or gone or relisted:
                changed.append(
                    {"reference": entry.reference, "added": len(new), "retracted": len(gone), "relisted": relisted}
                )
            else:
                unchanged.append(entry.reference)
        if progress and n % 500 == 0:
            progress(n)
    writer.flush()
    if retract:
        for start in range(0, len(retract), BATCH):
            session.execute(
                update(Statement).where(Statement.id.in_(retract[start : start + BATCH])).values(retracted_at=utcnow())
            )
    delisted = []
    for reference, ref in refs.items():
        if reference not in seen and ref.delisted_on is None:
            ref.delisted_on = generated
            entities[ref.entity_id].status = "delisted"
            delisted.append(reference)
    report = {
        "kind": UN_LIST,
        "generated": listing.generated.isoformat() if listing.generated else None,
        "source": source,
        "entries": len(listing.entries),
        "added_count": len(added),
        "changed_count": len(changed),
        "unchanged_count": len(unchanged),
        "delisted_count": len(delisted),
        "refused_count": len(refused),
        "added": added[:REPORT_LIMIT],
        "changed": changed[:REPORT_LIMIT],
        "delisted": delisted[:REPORT_LIMIT],
        "refused": refused,
        "warnings": warnings[:REPORT_LIMIT],
    }
    return _finish(session, actor, imp, report)


# -- FtM and CSV contributions --


@dataclass(frozen=True)
class _Item:
    line: int
    key: str
    schema: str
    values: tuple[tuple[str, str, str | None], ...]
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Link:
    line: int
    prop: str
    subject: str
    object: str
    note: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def _provenance(defaults: Defaults, meta: dict[str, str]) -> Defaults:
    if not meta:
        return defaults
    reliability, credibility = (
        parse_grade(meta["grade"]) if "grade" in meta else (defaults.reliability, defaults.credibility)
    )
    observed = defaults.observed_on
    if "observed_on" in meta:
        try:
            observed = date.fromisoformat(meta["observed_on"])
        except ValueError as exc:
            raise InvalidInput("observed_on", f"{meta['observed_on']!r} is not a date (YYYY-MM-DD)") from exc
    return Defaults(
        source=meta.get("source", defaults.source),
        reliability=reliability,
        credibility=credibility,
        marking=marking_from_text(meta["marking"]) if "marking" in meta else defaults.marking,
        observed_on=observed,
        data_subject_category=meta.get("data_subject_category", defaults.data_subject_category),
        legal_basis=meta.get("legal_basis", defaults.legal_basis),
    )


def _statement(d: Defaults, prop: str, value: str, kind: str | None, obj: uuid.UUID | None = None) -> StatementInput:
    return StatementInput(
        prop, value, kind, None, obj, d.source, d.observed_on, d.reliability, d.credibility, d.marking
    )


def _contribute(
    session: Session,
    actor: Principal,
    imp: BankImport,
    viewer: Viewer,
    records: Iterable[_Item | _Link],
    defaults: Defaults,
    progress: Progress | None,
) -> dict[str, Any]:
    """Check and write a file's entities, then its relations; raise :class:`ImportRefused` on any bad line."""
    writer = _Writer(session, imp, actor.username, actor.organisation_id)
    today = utcnow().date()
    ids: dict[str, tuple[uuid.UUID, date | None]] = {}
    links: list[_Link] = []
    errors: list[dict[str, Any]] = []
    by_schema: dict[str, int] = {}

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
                d = _provenance(defaults, record.meta)
                category = d.data_subject_category if record.schema == "Person" else None
                check_person(record.schema, category, d.legal_basis)
                checked = [check_statement(record.schema, _statement(d, p, v, k)) for p, v, k in record.values]
                if not any(s.prop == "name" for s in checked):
                    raise InvalidInput("name", f"a {record.schema} needs at least one name")
                review = default_review_date(category, today)
                if "review_date" in record.meta:
                    review = date.fromisoformat(record.meta["review_date"])
            except (InvalidInput, ValueError) as exc:
                refuse(record.line, exc.detail if isinstance(exc, InvalidInput) else f"review_date: {exc}")
                continue
            if errors:  # keep checking, stop writing
                continue
            eid = writer.entity(record.schema, category, d.legal_basis.strip() if category else "", review)
            ids[record.key or str(eid)] = (eid, review)
            for s in checked:
                writer.statement(eid, s, review)
            by_schema[record.schema] = by_schema.get(record.schema, 0) + 1
            if progress and len(ids) % 10_000 == 0:
                progress(len(ids))
    except (bank_ftm.FtmError, bank_csv.CsvError) as exc:
        refuse(exc.extra.get("line") or 0, str(exc.detail).partition(": ")[2] or exc.detail)
    if errors:
        raise ImportRefused(errors)
    outside = _bank_targets(session, viewer, {t for link in links for t in (link.subject, link.object) if t not in ids})
    relations = 0
    for link in links:
        subject, obj = (
            ids.get(link.subject) or outside.get(link.subject),
            ids.get(link.object) or outside.get(link.object),
        )
        missing = [t for t, found in ((link.subject, subject), (link.object, obj)) if found is None]
        if missing:
            refuse(link.line, f"{link.prop}: no entity {missing[0]!r} in the file or the bank")
            continue
        assert subject is not None and obj is not None
        try:
            d = _provenance(defaults, link.meta)
            s = check_statement("Person", _statement(d, link.prop, link.note, None, obj[0]))
        except InvalidInput as exc:
            refuse(link.line, exc.detail)
            continue
        if subject[0] == obj[0]:
            refuse(link.line, f"{link.prop}: an entity cannot be related to itself")
            continue
        writer.statement(subject[0], s, subject[1])
        relations += 1
    if errors:
        raise ImportRefused(errors)
    writer.flush()
    return {"added_count": len(ids), "relations": relations, "by_schema": by_schema}


def _bank_targets(session: Session, viewer: Viewer, keys: set[str]) -> dict[str, tuple[uuid.UUID, date | None]]:
    """Relation targets named by the id of an entity already in the bank and visible to the importer."""
    wanted: dict[uuid.UUID, str] = {}
    for key in keys:
        try:
            wanted[uuid.UUID(key)] = key
        except ValueError:
            continue
    found: dict[str, tuple[uuid.UUID, date | None]] = {}
    items = list(wanted)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        for eid, review in session.execute(
            select(BankEntity.id, BankEntity.review_date).where(BankEntity.id.in_(chunk), visible_entity(viewer))
        ):
            found[wanted[eid]] = (eid, review)
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
) -> BankImport:
    """Import FollowTheMoney JSON lines (an iterable of byte lines: an open binary file will do)."""
    defaults = defaults or Defaults()
    digest = hashlib.sha256()
    viewer, imp = _begin(session, actor, "ftm", filename, "")
    stats = bank_ftm.ReadStats()

    def records() -> Iterator[_Item | _Link]:
        def hashed() -> Iterator[bytes]:
            for line in _lines(lines, max_bytes):
                digest.update(line)
                yield line

        for r in bank_ftm.read(hashed(), stats):
            if isinstance(r, bank_ftm.FtmEntity):
                yield _Item(r.line, r.id, r.schema, r.values)
            else:
                yield _Link(r.line, r.prop, r.subject, r.object, r.note)

    report = _contribute(session, actor, imp, viewer, records(), defaults, progress)
    imp.sha256 = digest.hexdigest()
    report |= {"kind": "ftm", "ignored": dict(stats.ignored), "marking": defaults.marking.label}
    return _finish(session, actor, imp, report)


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
    _check_size(data, max_bytes)
    defaults = defaults or Defaults()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRefused([{"line": 0, "detail": f"the file is not UTF-8 text ({exc.reason})"}]) from exc
    viewer, imp = _begin(session, actor, "csv", filename, hashlib.sha256(data).hexdigest())

    def records() -> Iterator[_Item | _Link]:
        for row in bank_csv.read(text):
            key = row.key or f"line {row.line}"
            yield _Item(row.line, key, row.schema, row.values, row.meta)
            for prop, target in row.relations:
                yield _Link(row.line, prop, key, target, "", row.meta)

    report = _contribute(session, actor, imp, viewer, records(), defaults, None)
    report["kind"] = "csv"
    return _finish(session, actor, imp, report)


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
        "refused": imp.refused,
        "report": imp.report,
    }


__all__ = ["Defaults", "ImportRefused", "import_csv", "import_ftm", "import_un_list", "import_summary", "record_export"]
