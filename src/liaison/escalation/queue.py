"""The database is the queue: timers in the ``jobs`` table, claimed by workers.

A claim sets ``locked_until`` (a lease) in a short transaction: PostgreSQL takes the due rows with
``FOR UPDATE SKIP LOCKED`` so concurrent workers never wait for or take each other's rows; on SQLite the
claim runs under ``BEGIN IMMEDIATE`` (see :mod:`liaison.db`), which serialises claims, the same guarantee.
A worker that dies holding a lease loses it when the lease runs out, or at once when a worker of the same
name starts again (:func:`release_claims`). Finishing a job either marks it done or moves its due time:
one row per (kind, ref_id), so a timer can be rescheduled but never duplicated.

Claims take the most urgent first: a job carries its message's priority (:data:`RANK`), and the claim orders
by priority, then due time. A burst of routine messages is queued, not refused, and a flash notice sent in
the middle of it is delivered before the routine backlog (the partial index ``ix_jobs_claim`` serves exactly
this order over the open jobs).

Scheduling a job also tells the workers when it falls due (:mod:`liaison.escalation.wakeup`): on PostgreSQL
they are woken by ``NOTIFY`` when the transaction commits, rather than at their next poll.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, exists, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from liaison.db import transaction
from liaison.escalation import wakeup
from liaison.models import Job, Notification, utcnow

LEASE = timedelta(seconds=60)
RANK = {"flash": 0, "urgent": 1, "routine": 2}
"""A job's ``priority`` column: lower is claimed first. Jobs without a message (exercises) are routine."""


@dataclass(frozen=True, slots=True)
class Claimed:
    id: uuid.UUID
    kind: str
    ref_id: uuid.UUID
    due_at: datetime
    attempts: int


def enqueue(
    session: Session,
    kind: str,
    ref_id: uuid.UUID,
    due_at: datetime,
    *,
    new: bool = False,
    priority: str = "routine",
) -> None:
    """Schedule (or reschedule, or revive) the timer of ``kind`` for ``ref_id``, in the caller's transaction.
    ``new``: ``ref_id`` was created in this transaction, so it has no timer yet (no need to look one up).
    ``priority``: the message's (flash, urgent, routine), which orders the claims."""
    rank = RANK[priority]
    job = None if new else session.scalar(select(Job).where(Job.kind == kind, Job.ref_id == ref_id))
    if job is None:
        session.add(Job(kind=kind, ref_id=ref_id, due_at=due_at, priority=rank))
    else:
        job.due_at, job.done_at, job.locked_until, job.locked_by = due_at, None, None, ""
        job.priority = rank
    wakeup.due(session, due_at)


def enqueue_new(
    session: Session, kind: str, ref_ids: Sequence[uuid.UUID], due_at: datetime, *, priority: str = "routine"
) -> None:
    """:func:`enqueue` with ``new``, for many rows created in this transaction: one Core INSERT (executemany)."""
    if ref_ids:
        table: Table = Job.__table__  # type: ignore[assignment]
        rank = RANK[priority]
        session.execute(
            insert(table), [{"kind": kind, "ref_id": r, "due_at": due_at, "priority": rank} for r in ref_ids]
        )
        wakeup.due(session, due_at)


def cancel(session: Session, kind: str, ref_id: uuid.UUID, now: datetime | None = None) -> None:
    session.execute(
        update(Job)
        .where(Job.kind == kind, Job.ref_id == ref_id, Job.done_at.is_(None))
        .values(done_at=now or utcnow(), locked_until=None)
    )


def claim(
    sessions: sessionmaker[Session],
    worker: str,
    *,
    now: datetime | None = None,
    limit: int = 50,
    lease: timedelta = LEASE,
    kinds: tuple[str, ...] | None = None,
    skip_channels: tuple[str, ...] = (),
) -> list[Claimed]:
    """Take up to ``limit`` due, unclaimed jobs (most urgent first, then earliest, of ``kinds`` if given) for
    ``worker``, for ``lease``. ``skip_channels``: leave the deliveries over these channel kinds (the worker has
    as many of them in flight as it can honour, e.g. an SMTP server that hangs) for later or another worker."""
    now = now or utcnow()
    with transaction(sessions) as session:
        jobs = list(
            session.scalars(
                select(Job)
                .where(
                    Job.done_at.is_(None),
                    Job.due_at <= now,
                    or_(Job.locked_until.is_(None), Job.locked_until < now),
                    *([Job.kind.in_(kinds)] if kinds else []),
                    *([or_(Job.kind != "deliver", ~_over(skip_channels))] if skip_channels else []),
                )
                .order_by(Job.priority, Job.due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for job in jobs:
            job.locked_until, job.locked_by = now + lease, worker
            job.attempts += 1
        return [Claimed(j.id, j.kind, j.ref_id, j.due_at, j.attempts) for j in jobs]


def _over(channels: tuple[str, ...]) -> Any:
    """The delivery job's notification goes over one of ``channels``."""
    return exists().where(Notification.id == Job.ref_id, Notification.channel_kind.in_(channels))


def finish(session: Session, job_id: uuid.UUID, worker: str, next_due: datetime | None, error: str = "") -> bool:
    """Mark the job done (``next_due`` None) or due again at ``next_due``; False when the claim was lost."""
    values: dict[str, object] = {"locked_until": None, "locked_by": "", "last_error": error}
    if next_due is None:
        values["done_at"] = utcnow()
    else:
        values["due_at"] = next_due
        wakeup.due(session, next_due)
    result = session.execute(update(Job).where(Job.id == job_id, Job.locked_by == worker).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish_many(
    session: Session,
    worker: str,
    jobs: Sequence[tuple[uuid.UUID, datetime | None, str]],
    *,
    now: datetime | None = None,
) -> None:
    """:func:`finish` for a batch of (job id, next due or None, error): one statement per kind of change."""
    table: Table = Job.__table__  # type: ignore[assignment]
    done = [{"jid": j, "err": e} for j, nxt, e in jobs if nxt is None]
    again = [{"jid": j, "err": e, "due": nxt} for j, nxt, e in jobs if nxt is not None]
    held = (table.c.id == bindparam("jid")) & (table.c.locked_by == worker)
    released: dict[str, object] = {"locked_until": None, "locked_by": "", "last_error": bindparam("err")}
    conn = session.connection()
    if done:
        conn.execute(table.update().where(held).values(done_at=now or utcnow(), **released), done)
    if again:
        conn.execute(table.update().where(held).values(due_at=bindparam("due"), **released), again)
        wakeup.due(session, min(nxt for _, nxt, _ in jobs if nxt is not None))


def holds(session: Session, job_id: uuid.UUID, worker: str) -> bool:
    """Whether ``worker`` still holds the claim (read inside the transaction that acts on it)."""
    return (
        session.scalar(select(Job.id).where(Job.id == job_id, Job.locked_by == worker, Job.done_at.is_(None)))
        is not None
    )


def release_claims(sessions: sessionmaker[Session], worker: str) -> int:
    """Give up every claim held under this name: a worker starting again after a crash takes its jobs back
    at once instead of waiting for the leases to run out (one running worker per name)."""
    with transaction(sessions) as session:
        result = session.execute(
            update(Job).where(Job.locked_by == worker, Job.done_at.is_(None)).values(locked_until=None, locked_by="")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
