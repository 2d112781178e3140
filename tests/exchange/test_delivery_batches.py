"""Deliveries that finish together are recorded together: one transaction for the batch, not one per channel,
and each delivery counts as done only once its outcome is committed."""

from __future__ import annotations

import threading
import time

from sqlalchemy import event, select
from tests.exchange.conftest import Exchange
from tests.exchange.test_escalation_flow import _add_email, _send

from liaison.escalation.worker import Worker
from liaison.models import Notification


class Together:
    """A channel that holds each notification until ``n`` of them are in flight, then lets them all go."""

    def __init__(self, n: int) -> None:
        self.barrier = threading.Barrier(n, timeout=10)
        self.sent: list[str] = []

    def send(self, item) -> None:  # noqa: ANN001
        self.barrier.wait()
        self.sent.append(item.key)


def test_outcomes_of_deliveries_finishing_together_are_committed_in_fewer_transactions(ex: Exchange) -> None:
    for i in range(5):
        _add_email(ex, "claire", f"claire{i}@ucl.example.fr")  # on duty: seven channels in all
    m = _send(ex)
    ex.worker.run_once(wait=True)  # fires the first step (the deliveries are claimed by the next run)
    with ex.sessions() as s:
        pending = s.scalars(
            select(Notification.id).where(Notification.message_id == m.id, Notification.status == "pending")
        ).all()
    n = len(pending)
    assert n >= 6, f"the test needs at least 6 notifications of the first step, got {n}"
    channel = Together(n)
    worker = Worker(
        ex.settings,
        ex.sessions,
        ex.worker.cache,
        name="test-batches",
        by_kind=dict.fromkeys(("email", "webhook", "mobile", "phone", "inbox"), channel),  # type: ignore[arg-type]
        threads=n,
        clock=lambda: ex.now[0],
    )
    commits: list[str] = []

    def count(conn) -> None:  # noqa: ANN001
        if threading.current_thread().name.startswith("deliver-"):
            commits.append(threading.current_thread().name)
            if len(commits) == 1:
                # On a loaded machine the first thread released by the barrier can write its batch and commit
                # before any other thread has handed its outcome over: "together" would then not be together.
                # Hold the first commit until another outcome waits behind it (at most 5 s), so the test
                # checks the batching, not the scheduler.
                deadline = time.monotonic() + 5
                while not worker._outcomes._pending and time.monotonic() < deadline:  # noqa: SLF001
                    time.sleep(0.005)

    event.listen(ex.engine, "commit", count)
    try:
        worker.run_once(wait=True)
    finally:
        event.remove(ex.engine, "commit", count)
        worker.pool.shutdown()
    assert len(channel.sent) == n
    # run_once(wait=True) returned: every delivery's outcome is committed.
    with ex.sessions() as s:
        statuses = s.scalars(select(Notification.status).where(Notification.id.in_(pending))).all()
    assert statuses == ["sent"] * n
    assert 1 <= len(commits) < n, f"{n} deliveries finishing together were recorded in {len(commits)} transactions"
