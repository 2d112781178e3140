"""What a screening results page shows beside each hit to tell namesakes apart (birth dates, nationalities, the
lists an entity is on, who contributed it), read with the reader's need to know."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.bank.access import Viewer
from liaison.models import BankEntity, ListReference
from liaison.queries.bank import organisation_names
from liaison.queries.bank_merges import visible_values

HIT_FACT_PROPS = ("birthDate", "nationality")


def hit_facts(session: Session, viewer: Viewer, entity_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """What a results table shows beside each hit to tell namesakes apart: the entity's birth dates and
    nationalities the viewer may see, the lists it is on (with its reference there) and who contributed it."""
    ids = list(dict.fromkeys(entity_ids))
    values = visible_values(session, viewer, ids, HIT_FACT_PROPS)
    refs: dict[uuid.UUID, list[tuple[str, str]]] = {i: [] for i in ids}
    contributors: dict[uuid.UUID, uuid.UUID | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in session.scalars(
            select(ListReference)
            .where(ListReference.entity_id.in_(chunk))
            .order_by(ListReference.list_name != "un-sc", ListReference.list_name, ListReference.reference)
        ):
            refs[r.entity_id].append((r.list_name, r.reference))
        for ident, org in session.execute(
            select(BankEntity.id, BankEntity.contributor_organisation_id).where(BankEntity.id.in_(chunk))
        ):
            contributors[ident] = org
    orgs = organisation_names(session, contributors.values())
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for ident in ids:
        stmts = values.get(ident, [])
        org = contributors.get(ident)
        out[ident] = {
            "birth_dates": list(dict.fromkeys(s.value for s in stmts if s.prop == "birthDate")),
            "nationalities": list(dict.fromkeys(s.value for s in stmts if s.prop == "nationality")),
            "lists": [{"list": name, "reference": ref} for name, ref in refs[ident]],
            "contributor": orgs.get(org, "") if org is not None else "node",
        }
    return out
