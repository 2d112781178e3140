"""Import money transactions from CSV (:mod:`liaison.interchange.transactions_csv`) for the financing analysis.

One call is one import, in the caller's transaction (``liaison.db.transaction``): a file with a refused row
writes nothing (:class:`ImportRefused`, every refused row with its reason) unless ``skip_invalid``, which
imports the good rows and reports the refused ones. Only analysts import. The import is recorded as a
:class:`BankImport` of kind ``transactions`` with its report, and audited (``bank.import``).

Parties: a cell holding the id of an entity the importer may see is that entity; otherwise a cell equal to one
current name of exactly one entity the importer may see is that entity; anything else stays a name (an account
the bank does not know). The transactions are the importer's organisation's contribution, marked by the row
(``tlp``, ``releasable_to``) or the import's default marking.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.actions.bank_bulk import REPORT_LIMIT, ImportRefused, begin_import, check_size
from liaison.bank.access import Viewer
from liaison.i18n import _
from liaison.interchange import transactions_csv as tcsv
from liaison.marking import Marking
from liaison.models import BankEntity, BankImport, Statement
from liaison.models.analysis import Transaction
from liaison.models.bank import releasable_text
from liaison.principal import Principal
from liaison.queries.bank_access import require_analyst, viewer_for, visible_entity, visible_statement

CHUNK = 500
PROGRESS_EVERY = 1000
Progress = Callable[[int, int], None]  # (rows written, rows to write)


@dataclass(frozen=True)
class ImportDefaults:
    """What a row without its own columns gets."""

    marking: Marking = field(default_factory=lambda: Marking("AMBER"))
    source: str = ""
    reliability: str = "F"
    credibility: str = "6"
    synthetic: bool = False


def import_transactions(
    session: Session,
    *,
    actor: Principal,
    data: bytes,
    filename: str = "",
    defaults: ImportDefaults | None = None,
    skip_invalid: bool = False,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> BankImport:
    """Check and import a transactions CSV (see the module docstring)."""
    defaults = defaults or ImportDefaults()
    require_analyst(viewer_for(session, actor))  # who may import is answered before what the file holds
    check_size(data, max_bytes)
    try:
        rows, errors = tcsv.read(tcsv.decode(data))
    except tcsv.CsvFileError as exc:
        raise ImportRefused([{"line": exc.line, "detail": exc.detail}]) from exc
    refused = [e.as_dict() for e in errors]
    if refused and not skip_invalid:
        raise ImportRefused(refused)
    if not rows:
        raise ImportRefused(refused or [{"line": 1, "detail": _("the file holds no transaction")}])
    viewer, imp = begin_import(session, actor, "transactions", filename, hashlib.sha256(data).hexdigest())
    parties = resolve(session, viewer, {r.from_party for r in rows} | {r.to_party for r in rows})
    base = {
        "contributor_organisation_id": actor.organisation_id,
        "import_id": imp.id,
        "created_by_name": actor.username,
        "synthetic": defaults.synthetic,
        "originator_control": defaults.marking.originator_control,
        "purpose": defaults.marking.purpose,
    }
    written = 0
    for start in range(0, len(rows), CHUNK):
        batch = [_values(r, parties, defaults, base) for r in rows[start : start + CHUNK]]
        session.execute(insert(Transaction), batch)
        written += len(batch)
        if progress is not None and (written % PROGRESS_EVERY < CHUNK or written == len(rows)):
            progress(written, len(rows))
    linked = sorted({p for p, e in parties.items() if e is not None})
    report: dict[str, Any] = {
        "kind": "transactions",
        "added_count": written,
        "refused_count": len(refused),
        "refused": refused[:REPORT_LIMIT],
        "parties_linked": len(linked),
        "parties_by_name": sorted(p for p, e in parties.items() if e is None)[:REPORT_LIMIT],
        "marking": defaults.marking.label,
    }
    imp.added, imp.refused, imp.report = written, len(refused), report
    audit(
        session,
        actor=actor,
        action="bank.import",
        target_type="bank_import",
        target_id=imp.id,
        details={"kind": "transactions", "filename": imp.filename, "sha256": imp.sha256}
        | {k: v for k, v in report.items() if k.endswith("_count")},
    )
    session.flush()
    return imp


def _values(
    r: tcsv.Row, parties: dict[str, uuid.UUID | None], d: ImportDefaults, base: dict[str, Any]
) -> dict[str, Any]:
    return base | {
        "id": uuid.uuid4(),
        "occurred_on": r.on,
        "amount": r.amount,
        "currency": r.currency,
        "kind": r.kind,
        "from_name": r.from_party,
        "from_entity_id": parties.get(r.from_party),
        "to_name": r.to_party,
        "to_entity_id": parties.get(r.to_party),
        "reference": r.reference,
        "source": r.source or d.source,
        "tlp": r.tlp or d.marking.tlp,
        "releasable_to": releasable_text(r.releasable_to if r.releasable_to is not None else d.marking.releasable_to),
        "reliability": r.reliability or d.reliability,
        "credibility": r.credibility or d.credibility,
    }


def resolve(session: Session, viewer: Viewer, texts: Iterable[str]) -> dict[str, uuid.UUID | None]:
    """Each party text to the entity it names for ``viewer`` (None: kept as a name only)."""
    texts = sorted(set(texts))
    found: dict[str, uuid.UUID | None] = dict.fromkeys(texts)
    ids: dict[uuid.UUID, str] = {}
    for t in texts:
        try:
            ids[uuid.UUID(t)] = t
        except ValueError:
            continue
    id_list = list(ids)
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        for ident in session.scalars(select(BankEntity.id).where(BankEntity.id.in_(chunk), visible_entity(viewer))):
            found[ids[ident]] = ident
    names = [t for t in texts if found[t] is None and t not in ids.values()]
    matches: dict[str, set[uuid.UUID]] = {}
    for start in range(0, len(names), CHUNK):
        batch = names[start : start + CHUNK]
        for value, entity in session.execute(
            select(Statement.value, Statement.entity_id).where(
                Statement.prop == "name",
                Statement.value.in_(batch),
                Statement.retracted_at.is_(None),
                visible_statement(viewer),
            )
        ):
            matches.setdefault(value, set()).add(entity)
    for name, entities in matches.items():
        if len(entities) == 1:  # two entities of the same name: the file cannot say which, so a name it stays
            found[name] = next(iter(entities))
    return found
