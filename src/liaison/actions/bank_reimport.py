"""FtM datasets imported again: each entity of an FtM import keeps its FtM id as a list reference
(``ftm:<organisation>:<dataset>`` / the id), so a newer file of the same dataset updates it in place.

A value is the same when its property, text, name kind, relation target, grade and marking are (a new source or
observation date alone does not make it new). Only the values earlier imports of this dataset by the same
organisation stated are compared: what an analyst added by hand, or another organisation stated, is left alone.
Values no longer in the file are retracted (kept, dated); entities missing from the file are marked delisted
(never deleted) and come back to life when a later file has them again. The file is a full snapshot of the
dataset, so a file that would delist more than a share of its active entities (a truncated export, the wrong
file) is refused unless allowed (:class:`liaison.actions.bank_bulk.DelistingGuard`).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from liaison.actions.bank_bulk import BATCH, REPORT_LIMIT, BulkWriter, Defaults, DelistingGuard, as_uuid
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.models import BankEntity, BankImport, ListReference, Statement, utcnow
from liaison.principal import Principal

FTM_LIST_PREFIX = "ftm:"
_DATASET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,25}$")
Key = tuple[str, str, str | None, str | None, str, str, str, bool, str, str]


def ftm_list_name(dataset: str | None, filename: str, organisation_id: uuid.UUID | None) -> str:
    """``ftm:<org>:<dataset>``: the given dataset name, else the file name without its extensions, of the
    contributing organisation (the first 8 hex digits of its id; none for the node's own imports), so two
    organisations importing files of the same name keep separate datasets."""
    if dataset is not None:
        if not _DATASET.match(dataset):
            raise InvalidInput(
                "dataset", _("1 to 26 letters, digits, '.', '_' or '-', starting with a letter or digit")
            )
    else:
        stem = PurePath(filename).name.split(".")[0] if filename else ""
        dataset = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")[:26] or "upload"
    owner = f"{organisation_id.hex[:8]}:" if organisation_id else ""
    return f"{FTM_LIST_PREFIX}{owner}{dataset}"


def list_reference(ftm_id: str) -> str:
    """The stored reference of an FtM id: the id itself, or a digest of one longer than the column (60)."""
    return ftm_id if len(ftm_id) <= 60 else "sha1:" + hashlib.sha1(ftm_id.encode()).hexdigest()  # noqa: S324


def value_key(prop: str, value: str, kind: str | None, obj: str | None, d: Defaults) -> Key:
    m = d.marking
    rel = ",".join(sorted(set(m.releasable_to)))
    return (prop, value, kind, obj, d.reliability, d.credibility, m.tlp, m.originator_control, m.purpose, rel)


@dataclass
class Known:
    """An entity of the dataset already in the bank, and what the file now says about it."""

    entity_id: str
    reference_id: uuid.UUID
    delisted: bool
    review: date | None = None
    wanted: dict[Key, tuple[str, str, str | None, str | None, str | None, Defaults]] = field(default_factory=dict)


class Dataset:
    """The dataset's entities already in the bank (by reference) and their current imported values."""

    def __init__(self, session: Session, actor: Principal, list_name: str, guard: DelistingGuard | None = None) -> None:
        self.list_name = list_name
        self.guard = guard or DelistingGuard()
        self.known: dict[str, Known] = {}
        self.current: dict[str, dict[Key, uuid.UUID]] = {}
        rows = session.execute(
            select(ListReference.reference, ListReference.entity_id, ListReference.id, ListReference.delisted_on)
            .join(BankEntity, BankEntity.id == ListReference.entity_id)
            .where(
                ListReference.list_name == list_name, BankEntity.contributor_organisation_id == actor.organisation_id
            )
        )
        for reference, eid, ref_id, delisted_on in rows:
            self.known[reference] = Known(eid.hex, ref_id, delisted_on is not None)
        if not self.known:
            return
        imports = [
            i
            for i, report in session.execute(
                select(BankImport.id, BankImport.report).where(
                    BankImport.kind == "ftm", BankImport.organisation_id == actor.organisation_id
                )
            )
            if (report or {}).get("list") == list_name
        ]
        entities = select(ListReference.entity_id).where(ListReference.list_name == list_name)
        for start in range(0, max(len(imports), 1), 500):
            for row in session.execute(
                select(
                    Statement.id, Statement.entity_id, Statement.prop, Statement.value, Statement.name_kind,
                    Statement.object_id, Statement.reliability, Statement.credibility, Statement.tlp,
                    Statement.originator_control, Statement.purpose, Statement.releasable_to,
                ).where(
                    Statement.entity_id.in_(entities),
                    Statement.import_id.in_(imports[start : start + 500]),
                    Statement.retracted_at.is_(None),
                )
            ):  # fmt: skip
                sid, eid, prop, value, kind, obj, rel, cred, tlp, oc, purpose, releasable = row
                key = (
                    prop,
                    value,
                    kind,
                    obj.hex if obj else None,
                    rel,
                    cred,
                    tlp,
                    bool(oc),
                    purpose,
                    releasable.strip(","),
                )
                self.current.setdefault(eid.hex, {})[key] = sid


def update_in_place(
    session: Session,
    writer: BulkWriter,
    dataset: Dataset,
    known: dict[str, Known],
    updates: dict[tuple[str | None, str, date | None], list[str]],
    today: date,
) -> dict[str, Any]:
    """Add the new values of the dataset's known entities, retract the absent ones, delist missing entities
    (refused by the dataset's guard when too many would be). ``updates`` groups the known entities by their new
    (category, legal basis, review date)."""
    gone_refs = sorted(
        ((ref, k) for ref, k in dataset.known.items() if k.entity_id not in known and not k.delisted),
        key=lambda item: item[0],
    )
    active = sum(1 for k in dataset.known.values() if not k.delisted)
    mass = dataset.guard.check(dataset.list_name, [ref for ref, _k in gone_refs], active)
    writer.sync()  # the session's connection is the writer thread's until then
    retract: list[uuid.UUID] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    refs = {k.entity_id: ref for ref, k in dataset.known.items()}
    pending: list[tuple[str, Known, list[tuple[str, str, str | None, str | None, str | None, Defaults]]]] = []
    for eid, entry in known.items():
        have = dataset.current.get(eid, {})
        new = [v for key, v in entry.wanted.items() if key not in have]
        gone = [sid for key, sid in have.items() if key not in entry.wanted]
        if new:
            pending.append((eid, entry, new))
        retract.extend(gone)
        if new or gone or entry.delisted:
            writer.touch(eid)
            changed.append(
                {"reference": refs[eid], "added": len(new), "retracted": len(gone), "relisted": entry.delisted}
            )
        else:
            unchanged += 1
    now = utcnow()
    for start in range(0, len(retract), BATCH):
        session.execute(
            update(Statement).where(Statement.id.in_(retract[start : start + BATCH])).values(retracted_at=now)
        )
    for (category, basis, review), eids in updates.items():
        for start in range(0, len(eids), BATCH):
            ids = [as_uuid(e) for e in eids[start : start + BATCH]]
            session.execute(
                update(BankEntity)
                .where(BankEntity.id.in_(ids))
                .values(data_subject_category=category, legal_basis=basis, review_date=review, review_reminded_at=None,
                        status="active", updated_at=now)
            )  # fmt: skip
            session.execute(
                update(ListReference)
                .where(ListReference.entity_id.in_(ids), ListReference.list_name == dataset.list_name)
                .values(delisted_on=None, updated_at=now)
            )
    for _ref, k in gone_refs:
        writer.touch(k.entity_id)
    for start in range(0, len(gone_refs), BATCH):
        batch = gone_refs[start : start + BATCH]
        session.execute(
            update(ListReference).where(ListReference.id.in_([k.reference_id for _r, k in batch]))
            .values(delisted_on=today, updated_at=now)
        )  # fmt: skip
        session.execute(
            update(BankEntity).where(BankEntity.id.in_([as_uuid(k.entity_id) for _r, k in batch]))
            .values(status="delisted", updated_at=now)
        )  # fmt: skip
    for eid, entry, new in pending:  # queued after the updates above: the writer thread has the connection now
        for prop, value, kind, script, obj, d in new:
            writer.statement(eid, prop, value, kind, script, obj, entry.review, writer.head_for(d))
    report: dict[str, Any] = {
        "list": dataset.list_name,
        "changed_count": len(changed),
        "unchanged_count": unchanged,
        "delisted_count": len(gone_refs),
        "relisted_count": sum(1 for c in changed if c["relisted"]),
        "retracted": len(retract),
        "changed": changed[:REPORT_LIMIT],
        "delisted": [ref for ref, _k in gone_refs[:REPORT_LIMIT]],
    }
    if mass:
        report["mass_delisting"] = mass
    return report
