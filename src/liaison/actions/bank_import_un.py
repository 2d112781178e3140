"""Import (or re-import) the UN Security Council Consolidated List XML into the bank.

The UN list is the node's own contribution (contributor None, TLP:CLEAR, graded A2: a completely reliable
source, whose identifiers, as reported by member states and often marked "approximately", are probably true).
Each entry is found again by its reference (``un-sc``/``QDi.400``): a re-import adds the values that are new,
retracts those no longer listed (kept, dated), and marks entries missing from the file as delisted (never
deleted). A file that would delist more than a share of the entries listed now
(``LIAISON_IMPORT_MAX_DELISTED_SHARE``, 10% by default) is refused unless the operator allows it: an empty or
truncated file must not empty the list. A listed person is held as a *suspect* on the legal basis of the
Security Council designation: every person in the bank has a data-subject category, and "suspect" is the
category whose review period fits a list that is itself reviewed. The review date of every entry still listed
is renewed by each import: the Security Council's own review stands in for the contributor's.

The whole import is one transaction (the caller's ``liaison.db.transaction``).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from liaison.actions.bank import StatementInput, check_statement
from liaison.actions.bank_bulk import (
    BATCH,
    REPORT_LIMIT,
    BulkWriter,
    DelistingGuard,
    MassDelisting,
    Progress,
    begin_import,
    check_size,
    finish_import,
)
from liaison.bank.props import default_review_date
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.interchange.un_list import ListEntry, ListFile, parse
from liaison.marking import Marking
from liaison.models import BankEntity, BankImport, ListReference, Statement, utcnow
from liaison.principal import Principal

UN_LIST = "un-sc"
UN_SOURCE = "UN Security Council Consolidated List"
UN_LEGAL_BASIS = "UN Security Council sanctions designation"
UN_CATEGORY = "suspect"
UN_MARKING = Marking("CLEAR")


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
            warnings.append(_("%(reference)s: %(error)s; kept as a note", reference=entry.reference, error=exc.detail))
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
    guard: DelistingGuard | None = None,
) -> BankImport:
    """Import (or re-import) the UN Security Council Consolidated List XML. A file that would delist more than
    the ``guard``'s share of the listed entries is refused (:class:`MassDelisting`) before anything is written."""
    check_size(data, max_bytes)
    listing: ListFile = parse(data)
    digest = hashlib.sha256(data).hexdigest()
    _viewer, imp = begin_import(session, actor, UN_LIST, filename, digest, admin_ok=True)
    today = utcnow().date()
    generated = listing.generated.date() if listing.generated else today
    source = f"{UN_SOURCE} {generated.isoformat()}"
    writer = BulkWriter(session, imp.id, actor.username, None)
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
    listed = {e.reference for e in listing.entries if e.all_names()}  # an entry without a name is refused below
    delisting = sorted(r for r, ref in refs.items() if r not in listed and ref.delisted_on is None)
    active = sum(1 for ref in refs.values() if ref.delisted_on is None)
    try:
        mass = (guard or DelistingGuard()).check(UN_LIST, delisting, active)
    except MassDelisting as exc:
        exc.extra |= {"kind": UN_LIST, "filename": filename, "sha256": digest}
        raise
    added: list[str] = []
    changed: list[dict[str, Any]] = []
    unchanged: list[str] = []
    refused: list[dict[str, Any]] = []
    warnings: list[str] = []
    seen: set[str] = set()
    retract: list[uuid.UUID] = []
    try:
        for n, entry in enumerate(listing.entries, start=1):
            if entry.reference in seen:
                refused.append({"reference": entry.reference, "reason": _("the reference appears twice in the file")})
                continue
            if not entry.all_names():
                refused.append({"reference": entry.reference, "reason": _("the entry has no name")})
                continue
            seen.add(entry.reference)
            category = UN_CATEGORY if entry.schema == "Person" else None
            review = default_review_date(category, today)
            wanted = _un_statements(entry, source, generated, warnings)
            ref = refs.get(entry.reference)
            if ref is None:
                new_id = writer.entity(entry.schema, category, UN_LEGAL_BASIS if category else "", review)
                for s in wanted:
                    _write(writer, new_id, s, review)
                writer.reference(new_id, UN_LIST, entry.reference, entry.listed_on)
                added.append(entry.reference)
            else:
                entity = entities[ref.entity_id]
                have = current.get(entity.id, {})
                keys = {(s.prop, s.value, s.name_kind) for s in wanted}
                new = [s for s in wanted if (s.prop, s.value, s.name_kind) not in have]
                gone = [sid for key, sid in have.items() if key not in keys]
                relisted = entity.status != "active" or ref.delisted_on is not None
                for s in new:
                    _write(writer, entity.id, s, review)
                retract.extend(gone)
                entity.review_date, entity.review_reminded_at = review, None
                if relisted:
                    entity.status, ref.delisted_on = "active", None
                if entry.listed_on and ref.listed_on != entry.listed_on:
                    ref.listed_on = entry.listed_on
                if new or gone or relisted:
                    writer.touch(entity.id)
                    changed.append(
                        {"reference": entry.reference, "added": len(new), "retracted": len(gone), "relisted": relisted}
                    )
                else:
                    unchanged.append(entry.reference)
            if progress and n % 500 == 0:
                progress(n)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    if retract:
        for start in range(0, len(retract), BATCH):
            session.execute(
                update(Statement).where(Statement.id.in_(retract[start : start + BATCH])).values(retracted_at=utcnow())
            )
    for reference in delisting:
        ref = refs[reference]
        ref.delisted_on = generated
        entities[ref.entity_id].status = "delisted"
        writer.touch(ref.entity_id)
    report: dict[str, Any] = {
        "kind": UN_LIST,
        "generated": listing.generated.isoformat() if listing.generated else None,
        "source": source,
        "entries": len(listing.entries),
        "added_count": len(added),
        "changed_count": len(changed),
        "unchanged_count": len(unchanged),
        "delisted_count": len(delisting),
        "relisted_count": sum(1 for c in changed if c["relisted"]),
        "refused_count": len(refused),
        "added": added[:REPORT_LIMIT],
        "changed": changed[:REPORT_LIMIT],
        "delisted": delisting[:REPORT_LIMIT],
        "refused": refused,
        "warnings": warnings[:REPORT_LIMIT],
    }
    if mass:
        report["mass_delisting"] = mass
    return finish_import(session, actor, imp, report, writer.touched)


def _write(writer: BulkWriter, entity_id: str | uuid.UUID, s: StatementInput, review: date | None) -> None:
    head = writer.head((s.source, s.observed_on, s.reliability, s.credibility, s.marking))
    writer.statement(entity_id, s.prop, s.value, s.name_kind, s.script, s.object_id, review, head)
