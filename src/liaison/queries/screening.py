"""Screening runs and their hits, as the screening pages show them (the run itself is found, with its access
check, by :func:`liaison.actions.screening.run_or_404`)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.errors import NotFound
from liaison.i18n import _
from liaison.models import ScreeningHit, ScreeningRun


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
        raise NotFound(_("no screening hit %(shown_id)s in this run", shown_id=shown_id[:40]))
    return hit
