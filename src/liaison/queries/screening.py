"""Screening runs and their hits, as the screening pages show them (the run itself is found, with its access
check, by :func:`liaison.actions.screening.run_or_404`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.bank.access import Viewer
from liaison.errors import NotFound
from liaison.models import BankEntity, ListReference, ScreeningHit, ScreeningRun
from liaison.queries.bank import organisation_names
from liaison.queries.bank_merges import visible_values


def recent_runs(session: Session, organisation_id: uuid.UUID | None, limit: int) -> list[ScreeningRun]:
    """The runs of one organisation (or of the operator, who has none), newest first."""
    org = ScreeningRun.organisation_id
    return list(
        session.scalars(
            select(ScreeningRun)
            .where(org.is_(None) if organisation_id is None else org == organisation_id)
            .order_by(ScreeningRun.created_at.desc())
            .limit(limit)
        )
    )


def run_hits(session: Session, run_id: uuid.UUID) -> list[ScreeningHit]:
    """A run's hits in rank order."""
    return list(session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id).order_by(ScreeningHit.rank)))


def names_with_hits(session: Session, run_id: uuid.UUID) -> int:
    """How many of the run's screened names had at least one candidate."""
    return len(set(session.scalars(select(ScreeningHit.query_id).where(ScreeningHit.run_id == run_id))))


def run_hit(session: Session, run_id: uuid.UUID, hit_id: uuid.UUID, shown_id: str) -> ScreeningHit:
    """A hit of this run, or 404 naming the id as the user gave it (``shown_id``)."""
    hit = session.get(ScreeningHit, hit_id)
    if hit is None or hit.run_id != run_id:
        raise NotFound(f"no screening hit {shown_id[:40]} in this run")
    return hit


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
