"""Import incidents from CSV in the GTD layout (:mod:`liaison.interchange.incidents_csv`).

One transaction (the caller's): a clean file goes in whole; a file with bad rows is refused whole
(:class:`ImportRefused`, every bad row with its line and reason) unless ``skip_invalid``, when the good rows go
in and the refused ones are listed in the report. Either way the import is a :class:`BankImport` (kind
``incidents``) with its report, audited as ``incidents.import``.

An ``eventid`` already in the database is the same incident again: the row updates it (or leaves it unchanged),
but only where it is the importer's own organisation's record, or the node operator imports; anyone else's
incident with that ``eventid`` refuses the row (an import never rewrites another organisation's record).

The perpetrator (``gname``) is linked to a bank Organization whose primary name or alias is the same name once
normalised (case, accents, spacing), among the entities the importer may see. A name that fits no organisation,
or more than one, is kept as text only and listed in the report.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from liaison.actions.audit import audit
from liaison.actions.bank_bulk import REPORT_LIMIT, ImportRefused, begin_import, check_size
from liaison.bank.access import Viewer
from liaison.db import transaction
from liaison.i18n import _
from liaison.interchange import incidents_csv
from liaison.interchange.incidents_csv import IncidentRow, RowError
from liaison.marking import Marking
from liaison.models import BankEntity, BankImport, Statement
from liaison.models.analysis import Incident
from liaison.models.bank import releasable_text
from liaison.principal import Principal
from liaison.queries.bank_access import visible_entity, visible_statement

KIND = "incidents"


def normalise_name(name: str) -> str:
    """A group name for comparison: accents off, case folded, spacing and punctuation collapsed."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def read_data(data: bytes | str | IO[bytes] | IO[str], max_bytes: int | None) -> bytes | str:
    """The file's content (a stream is read up to one byte over the limit, so an oversize file is caught)."""
    if hasattr(data, "read"):
        data = data.read(max_bytes + 1 if max_bytes is not None else -1)
    if isinstance(data, str):
        check_size(data.encode("utf-8"), max_bytes)
    else:
        check_size(data, max_bytes)
    return data


def link_groups(session: Session, viewer: Viewer, names: Iterable[str]) -> dict[str, uuid.UUID | None]:
    """Each group name (normalised) to the one visible Organization with that primary name or alias; None when
    none or several have it."""
    wanted = {normalise_name(n) for n in names if n.strip()}
    wanted.discard("")
    found: dict[str, set[uuid.UUID]] = {n: set() for n in wanted}
    lowered = sorted({n.lower() for n in names if n.strip()} | wanted)
    for start in range(0, len(lowered), 500):
        chunk = lowered[start : start + 500]
        rows = session.execute(
            select(Statement.entity_id, Statement.value)
            .join(BankEntity, BankEntity.id == Statement.entity_id)
            .where(
                Statement.prop == "name",
                Statement.name_kind.in_(("primary", "alias")),
                Statement.retracted_at.is_(None),
                func.lower(Statement.value).in_(chunk),
                BankEntity.schema == "Organization",
                BankEntity.merged_into_id.is_(None),
                visible_statement(viewer),
                visible_entity(viewer),
            )
        )
        for entity_id, value in rows:
            key = normalise_name(value)
            if key in found:
                found[key].add(entity_id)
    return {n: next(iter(ids)) if len(ids) == 1 else None for n, ids in found.items()}


def import_incidents(
    session: Session,
    *,
    actor: Principal,
    data: bytes | str | IO[bytes] | IO[str],
    filename: str = "",
    skip_invalid: bool = False,
    marking: Marking | None = None,
    reliability: str = "F",
    credibility: str = "6",
    source: str = "",
    max_bytes: int | None = None,
    synthetic: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BankImport:
    """Import one CSV file of incidents; ``marking``, the grade and ``source`` are the defaults of rows that give
    none. Returns the import record (its ``report`` has the counts, the refused rows and the groups not linked)."""
    content = read_data(data, max_bytes)
    text = incidents_csv.decode(content)
    raw = content.encode("utf-8") if isinstance(content, str) else content
    viewer, imp = begin_import(session, actor, KIND, filename, hashlib.sha256(raw).hexdigest())
    marking = marking or Marking("AMBER")
    rows: list[IncidentRow] = []
    errors: list[RowError] = []
    for item in incidents_csv.read(text):
        (errors if isinstance(item, RowError) else rows).append(item)  # type: ignore[arg-type]
        if progress is not None and (len(rows) + len(errors)) % 1000 == 0:
            progress(len(rows) + len(errors))
    links = link_groups(session, viewer, {r.group_name for r in rows})
    existing: dict[str, Incident] = {}
    keys = [r.event_key for r in rows]
    for start in range(0, len(keys), 500):
        for incident in session.scalars(select(Incident).where(Incident.event_key.in_(keys[start : start + 500]))):
            existing[incident.event_key] = incident
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    accepted: list[tuple[IncidentRow, dict[str, Any]]] = []
    for row in rows:
        held = existing.get(row.event_key)
        if held is not None and not (viewer.operator or held.contributor_organisation_id == actor.organisation_id):
            reason = _(
                "eventid %(id)s is another organisation's record: an import does not change it", id=row.event_key
            )
            errors.append(RowError(row.line, reason))
            continue
        accepted.append((row, _values(row, links, marking, reliability, credibility, source, synthetic)))
    errors.sort(key=lambda e: e.line)
    if errors and not skip_invalid:
        raise ImportRefused([{"line": e.line, "detail": e.detail} for e in errors])
    for n, (row, values) in enumerate(accepted, 1):
        held = existing.get(row.event_key)
        if held is None:
            session.add(
                Incident(
                    event_key=row.event_key,
                    contributor_organisation_id=actor.organisation_id,
                    import_id=imp.id,
                    created_by_name=actor.username,
                    **values,
                )
            )
            counts["added"] += 1
        elif any(getattr(held, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(held, k, v)
            held.import_id = imp.id
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
        if n % 2000 == 0:
            session.flush()
            if progress is not None:
                progress(n)
    names = sorted({r.group_name for r, _v in accepted if r.group_name})
    report: dict[str, Any] = {
        "kind": KIND,
        **{f"{k}_count": v for k, v in counts.items()},
        "refused_count": len(errors),
        "refused": [{"line": e.line, "detail": e.detail} for e in errors[:REPORT_LIMIT]],
        "linked_groups": sorted(n for n in names if links.get(normalise_name(n))),
        "unlinked_groups": [n for n in names if not links.get(normalise_name(n))][:REPORT_LIMIT],
    }
    imp.added, imp.changed, imp.unchanged, imp.refused = (
        counts["added"],
        counts["changed"],
        counts["unchanged"],
        len(errors),
    )
    imp.report = report
    audit(
        session,
        actor=actor,
        action="incidents.import",
        target_type="bank_import",
        target_id=imp.id,
        details={"kind": KIND, "filename": imp.filename, "sha256": imp.sha256}
        | {k: v for k, v in report.items() if k.endswith("_count")},
    )
    session.flush()
    return imp


def _values(
    row: IncidentRow,
    links: dict[str, uuid.UUID | None],
    marking: Marking,
    reliability: str,
    credibility: str,
    source: str,
    synthetic: bool,
) -> dict[str, Any]:
    return {
        "occurred_on": row.occurred_on,
        "date_precision": row.date_precision,
        "country": row.country,
        "region": row.region,
        "province": row.province,
        "city": row.city,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "attack_type": row.attack_type,
        "weapon_type": row.weapon_type,
        "target_type": row.target_type,
        "killed": row.killed,
        "wounded": row.wounded,
        "group_name": row.group_name,
        "group_entity_id": links.get(normalise_name(row.group_name)) if row.group_name else None,
        "claimed": row.claimed,
        "success": row.success,
        "suicide": row.suicide,
        "summary": row.summary,
        "source": row.source or source,
        "tlp": row.tlp or marking.tlp,
        "releasable_to": releasable_text(row.releasable_to if row.releasable_to is not None else marking.releasable_to),
        "reliability": row.reliability or reliability,
        "credibility": row.credibility or credibility,
        "originator_control": marking.originator_control,
        "purpose": marking.purpose,
        "synthetic": synthetic,
    }


def summary(imp: BankImport) -> dict[str, Any]:
    """The JSON form of an incidents import (CLI, API)."""
    return {
        "id": str(imp.id),
        "kind": imp.kind,
        "filename": imp.filename,
        "sha256": imp.sha256,
        "by": imp.by_name,
        "added": imp.added,
        "changed": imp.changed,
        "unchanged": imp.unchanged,
        "refused": imp.refused,
        "report": imp.report,
    }


def run_import(sessions: sessionmaker[Session], *, actor: Principal, **options: Any) -> dict[str, Any]:
    """:func:`import_incidents` in a transaction of its own; its summary (raises :class:`ImportRefused`)."""
    with transaction(sessions) as session:
        return summary(import_incidents(session, actor=actor, **options))
