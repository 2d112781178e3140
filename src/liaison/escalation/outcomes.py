"""Recording what deliveries did, in batches: one transaction for the outcomes of several deliveries.

A delivery thread hands its outcome (sent, retry later, failed) to :class:`GroupCommit` once the channel has
answered and waits until a transaction holding it has committed. The first thread to arrive while no batch is
being written writes everything handed over so far; threads arriving meanwhile wait, and the next of them
writes what gathered during that write. Idle, a batch is one outcome and nobody waits for anyone; under load,
the batch grows by itself and the worker writes one transaction per batch instead of one per channel.

Exactly once: a notification is marked ``sent`` only after its channel accepted it, and its thread returns
only after that commit. The documented window (a crash after the channel accepted and before the commit
re-sends, with the same Message-ID / webhook-id) widens by at most the time it takes to write the batch in
progress when the outcome arrives: a few milliseconds under load, nothing when idle.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.channels import ChannelError
from liaison.channels.registry import Outgoing
from liaison.escalation import queue
from liaison.escalation.firing import WORKER
from liaison.models import Notification

NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed notification ready to send: its job, its notice and what the outcome's record needs."""

    job: queue.Claimed
    item: Outgoing
    attempts: int
    notification_id: uuid.UUID
    message_id: uuid.UUID
    contact_name: str


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery: Delivery
    status: str  # sent, pending (retry at retry_at), failed
    at: datetime
    transport: str = ""
    error: ChannelError | None = None
    retry_at: datetime | None = None

    @property
    def detail(self) -> str:
        return "" if self.error is None else str(self.error)[:2000]


def settle(
    d: Delivery,
    error: ChannelError | None,
    at: datetime,
    transport: str,
    *,
    max_attempts: int,
    backoff: tuple[timedelta, ...],
) -> Outcome:
    """The outcome of one attempt: sent; or failed (a permanent error, or the last attempt); or due again
    after the backoff."""
    if error is None:
        return Outcome(d, "sent", at, transport)
    if error.permanent or d.attempts >= max_attempts:
        return Outcome(d, "failed", at, error=error)
    return Outcome(d, "pending", at, error=error, retry_at=at + backoff[min(d.attempts, len(backoff)) - 1])


def write(session: Session, worker: str, outcomes: list[Outcome]) -> None:
    """Record ``outcomes`` in the caller's transaction: Core statements, one per kind of change and batch."""
    conn = session.connection()
    sent = [o for o in outcomes if o.status == "sent"]
    if sent:
        conn.execute(
            NOTIFICATIONS.update()
            .where(NOTIFICATIONS.c.id == bindparam("nid"))
            .values(status="sent", sent_at=bindparam("at"), last_error="", transport=bindparam("tr")),
            [{"nid": o.delivery.notification_id, "at": o.at, "tr": o.transport} for o in sent],
        )
    # The notification keeps what its readers may be shown (a webhook's failure is one generic text); the
    # detail goes to the log and the audit row.
    unsent = [o for o in outcomes if o.status != "sent"]
    if unsent:
        assert all(o.error is not None for o in unsent)
        conn.execute(
            NOTIFICATIONS.update()
            .where(NOTIFICATIONS.c.id == bindparam("nid"))
            .values(status=bindparam("st"), last_error=bindparam("err")),
            [
                {"nid": o.delivery.notification_id, "st": o.status, "err": o.error.public[:2000]}  # type: ignore[union-attr]
                for o in unsent
            ],
        )
    queue.finish_many(session, worker, [(o.delivery.job.id, o.retry_at, o.detail) for o in outcomes])
    for o in unsent:  # a sent notification is recorded by its own row; a failure also in the audit log
        audit(
            session,
            actor=WORKER,
            action="notification." + o.status.replace("pending", "retry"),
            target_type="message",
            target_id=o.delivery.message_id,
            details={
                "notification": str(o.delivery.notification_id),
                "channel": o.delivery.item.kind,
                "contact": o.delivery.contact_name,
                "attempt": o.delivery.attempts,
                "error": o.detail,
                "retry_at": o.retry_at,
            },
        )


class BatchFailed(Exception):
    """Recording the batch an outcome was in failed (raised in the threads that did not write it)."""


class GroupCommit:
    """Gathers outcomes from the delivery threads and writes them in batches with ``flush`` (see the module
    docstring); :meth:`record` returns once the outcome is committed, or raises what the write raised."""

    def __init__(self, flush: Callable[[list[Outcome]], None]) -> None:
        self._flush = flush
        self._cond = threading.Condition()
        self._pending: list[tuple[Outcome, _Slot]] = []
        self._writing = False

    def record(self, outcome: Outcome) -> None:
        slot = _Slot()
        with self._cond:
            self._pending.append((outcome, slot))
            while not slot.done and self._writing:
                self._cond.wait()
            if slot.done:
                if slot.error is not None:
                    raise BatchFailed(str(slot.error)) from slot.error
                return
            self._writing = True
            batch, self._pending = self._pending, []
        error: BaseException | None = None
        try:
            self._flush([o for o, _ in batch])
        except BaseException as exc:
            error = exc
        with self._cond:
            for _, s in batch:
                s.done, s.error = True, error
            self._writing = False
            self._cond.notify_all()
        if error is not None:
            raise error


@dataclass(slots=True)
class _Slot:
    done: bool = False
    error: BaseException | None = None


__all__ = ["BatchFailed", "Delivery", "GroupCommit", "Outcome", "settle", "write"]
