"""The escalation worker: claims due timers from the job queue, runs each by its kind, and shuts down cleanly.

Three kinds of timer:

- ``escalate`` (one per addressee): fire every step of the frozen policy that is due and not yet fired
  (:mod:`liaison.escalation.firing` writes the notifications; the row is written before anything is sent, its
  ``key`` is the idempotency key), then move the timer to the next step, or finish it when the chain is
  exhausted or acknowledged. After downtime, overdue steps fire at once; rounds missed entirely are recorded
  as superseded rather than sent in a burst.
- ``deliver`` (one per notification): send through the channel's sender (:mod:`liaison.channels.registry`),
  the notice built by :mod:`liaison.escalation.notice`; on a transient failure retry with backoff, on a
  permanent one (or too many attempts) mark it failed. Escalation does not wait for delivery: a dead SMTP
  server delays nothing else in the chain.
- ``exercise``: start a reachability exercise.

Exactly once: a step's notifications are created in the transaction that moves the timer, under a unique
key, so a step never fires twice. A notification is sent only from the ``pending`` state and marked ``sent``
right after, in a batch with the outcomes of the deliveries that finished meanwhile
(:mod:`liaison.escalation.outcomes`); the only window for a duplicate is a crash between the channel accepting
the notification and that commit (widened by at most the write of the batch in progress: milliseconds), and
then the re-sent copy carries the same Message-ID / webhook-id, so the receiving end can recognise it.
"""

from __future__ import annotations

import functools
import heapq
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from liaison.channels import ChannelError
from liaison.channels.registry import IDLE_SECONDS, Sender, close_connections, senders
from liaison.db import transaction
from liaison.escalation import outcomes, queue, wakeup
from liaison.escalation.firing import WORKER, fire_due
from liaison.escalation.notice import notices, outgoing
from liaison.escalation.outcomes import Delivery, Outcome, settle
from liaison.models import Addressee, Exercise, Notification, utcnow
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import Settings

log = logging.getLogger("liaison.worker")

BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
    timedelta(minutes=30),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def default_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -- the worker --


class Lanes:
    """One pool of delivery threads per channel kind, made when first needed: a channel that hangs (an SMTP
    server that takes mails and never answers) ties up its own lane, not the webhooks' or the SMS gateway's."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, fn: Callable[..., None], *args: object) -> Future[None]:
        with self._lock:
            pool = self._pools.get(kind)
            if pool is None:
                pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix=f"deliver-{kind}")
                self._pools[kind] = pool
        return pool.submit(fn, *args)

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            pools = list(self._pools.values())
        for pool in pools:
            pool.shutdown(wait=wait)


class Worker:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        cache: DirectoryCache,
        *,
        name: str | None = None,
        by_kind: dict[str, Sender] | None = None,
        threads: int = 8,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.cache = cache
        self.name = name or settings.worker_name or default_name()
        self.by_kind = by_kind if by_kind is not None else senders(settings)
        self.clock = clock
        self.pool = Lanes(threads)
        self._backlog = 4 * threads
        self._in_flight: Counter[str] = Counter()  # deliveries submitted and not done, by channel kind
        self._lock = threading.Lock()
        bind = sessions.kw.get("bind")
        # SQLite has one writer at a time and makes the others retry with sleeps growing to 100 ms: the
        # worker's own threads queue here instead, so a transaction starts as soon as the previous one ends.
        self._writes: AbstractContextManager[object] = (
            threading.Lock() if bind is not None and bind.dialect.name == "sqlite" else nullcontext()
        )
        self._outcomes = outcomes.GroupCommit(self._record)
        self._wake = threading.Event()
        self._hints: list[float] = []  # Unix times at which jobs fall due (NOTIFY payloads), earliest first
        self.listener: wakeup.Listener | None = None
        self.stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def wake_at(self, at: float | None) -> None:
        """The listener's callback: work is due now (``None``), or falls due at Unix time ``at``."""
        if at is None:
            self._wake.set()
            return
        with self._lock:
            heapq.heappush(self._hints, at)
            if len(self._hints) > 10_000:  # a hint is an optimisation: the polling finds what is forgotten
                self._hints = heapq.nsmallest(5_000, self._hints)
        self._wake.set()  # the loop recomputes how long to sleep

    def run_once(self, *, wait: bool = True) -> int:
        """Claim what is due now and run it; returns how many jobs were claimed.

        Escalation steps and exercises run here; deliveries run on the thread pool. With ``wait`` (tests,
        ``liaison worker --once``) this returns when the deliveries are done. The polling loop does not wait:
        a channel that hangs (an SMTP server that accepts and then stalls) must not delay the next escalation
        step, and it must not delay the other channels either: each channel kind has its own lane of threads
        (:class:`Lanes`), and new deliveries over a kind are claimed only while fewer than ``4 x threads`` of
        them are in flight, so a slow channel builds no backlog of leases it cannot honour and leaves the
        others theirs.
        """
        now = self.clock()
        with self._lock:
            full = tuple(kind for kind, n in self._in_flight.items() if n >= self._backlog)
            rooms = [self._backlog - n for n in self._in_flight.values() if n < self._backlog]
            room = min(rooms, default=self._backlog)
        with self._writes:
            claimed = queue.claim(
                self.sessions,
                self.name,
                now=now,
                limit=max(1, min(100, room)),
                skip_channels=full,
                lease=timedelta(seconds=self.settings.worker_lease_seconds),
            )
        deliveries = []
        try:
            prepared = self._prepare([job for job in claimed if job.kind == "deliver"])
        except Exception:  # retried after the lease runs out
            log.exception("preparing deliveries failed")
            prepared = []
        for d in prepared:
            with self._lock:
                self._in_flight[d.item.kind] += 1
            future = self.pool.submit(d.item.kind, self._send, d)
            future.add_done_callback(functools.partial(self._delivered, d.item.kind))
            deliveries.append(future)
        for job in claimed:
            try:
                if job.kind == "escalate":
                    self._escalate(job)
                elif job.kind == "exercise":
                    self._exercise(job)
            except Exception:  # one bad job must not stop the others; it is retried after its lease
                log.exception("job %s %s failed", job.kind, job.ref_id)
        if wait:
            for f in deliveries:
                f.exception()  # waits; errors are logged by _delivered
            close_connections(self.by_kind.values())  # nobody loops to close them when idle
        return len(claimed)

    def _delivered(self, kind: str, future: Future[None]) -> None:
        with self._lock:
            self._in_flight[kind] -= 1
            was_full = self._in_flight[kind] == self._backlog - 1
        if future.exception() is not None:
            log.error("delivery failed unexpectedly", exc_info=future.exception())
        if was_full:
            self._wake.set()  # room again for the deliveries the loop had to leave (a retry is due later: polled)

    def run(self) -> None:
        """Run what is due until :attr:`stopping` is set (SIGTERM/SIGINT in ``liaison worker``): woken by
        ``NOTIFY`` on PostgreSQL (:mod:`liaison.escalation.wakeup`) or in-process (:meth:`wake`), polling as the
        fallback. Idle SMTP connections are closed as it goes, all of them when it stops."""
        released = queue.release_claims(self.sessions, self.name)
        if released:
            log.info("took back %d claims held under this worker's name before a restart", released)
        bind = self.sessions.kw.get("bind")
        if bind is not None and bind.dialect.name == "postgresql":
            self.listener = wakeup.Listener(bind.url, self.wake_at).start()
        try:
            while not self.stopping.is_set():
                self._wake.clear()  # before the claim: a wake-up during it is not lost
                try:
                    ran = self.run_once(wait=False)
                except Exception:
                    log.exception("worker loop error; retrying")
                    ran = 0
                close_connections(self.by_kind.values(), idle_for=IDLE_SECONDS)
                if ran == 0:
                    self._wake.wait(self._idle_wait())
        finally:
            if self.listener is not None:
                self.listener.stop()
            self.pool.shutdown(wait=True)
            close_connections(self.by_kind.values())

    def _idle_wait(self) -> float:
        """Seconds to sleep when nothing was due: the polling interval (longer while ``LISTEN`` is up, since a
        notification wakes the loop), cut short by the earliest job known to fall due."""
        listening = self.listener is not None and self.listener.listening.is_set()
        wait = self.settings.worker_listen_poll_seconds if listening else self.settings.worker_poll_seconds
        now = time.time()
        with self._lock:
            while self._hints and self._hints[0] <= now:
                heapq.heappop(self._hints)
            if self._hints:
                wait = min(wait, self._hints[0] - now + 0.005)  # just after: the claim takes due_at <= now
        return max(wait, 0.0)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="liaison-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._writes, transaction(self.sessions) as session:
            yield session

    def _recording(self, write: Callable[[Session], None]) -> None:
        """Record what a delivery did, again and again while the database cannot be reached (a restart, a
        failover, a terminated connection), for up to a lease. What is recorded has happened (a mail was handed
        over): left unrecorded, it would be sent a second time once the lease ran out. The pool checks a
        connection before using it (``pool_pre_ping``), so the first attempt after an outage reconnects."""
        deadline = time.monotonic() + self.settings.worker_lease_seconds
        pause = 0.1
        while True:
            try:
                with self._transaction() as session:
                    write(session)
                return
            except OperationalError as exc:
                if time.monotonic() + pause >= deadline:
                    raise
                log.warning("recording a delivery failed, retrying in %.1f s: %s", pause, str(exc).splitlines()[0])
                time.sleep(pause)
                pause = min(2 * pause, 2.0)

    # -- job kinds --

    def _escalate(self, job: queue.Claimed) -> None:
        snap = self.cache.get()
        now = self.clock()
        with self._transaction() as session:
            if not queue.holds(session, job.id, self.name):
                return
            a = session.get(Addressee, job.ref_id)
            nxt, created = (None, []) if a is None else fire_due(session, snap, a, now)
            queue.finish(session, job.id, self.name, nxt)
        if created:
            self.wake()

    def _exercise(self, job: queue.Claimed) -> None:
        from liaison.actions.exercises import start_exercise

        with self._transaction() as session:
            if not queue.holds(session, job.id, self.name):
                return
            ex = session.get(Exercise, job.ref_id)
            if ex is not None:
                start_exercise(session, exercise=ex, now=self.clock())
            queue.finish(session, job.id, self.name, None)
        self.wake()

    def _prepare(self, jobs: list[queue.Claimed]) -> list[Delivery]:
        """Mark the claimed notifications as being sent, in one transaction for the whole batch (the row is
        written before anything leaves), and build what each sends. Core statements: one query reads every
        notice's facts (:func:`notices`), one update marks the batch."""
        if not jobs:
            return []
        with self._transaction() as session:
            rows = {r.id: r for r in notices(session, [job.ref_id for job in jobs])}
            ready, over = [], []
            for job in jobs:
                r = rows.get(job.ref_id)
                if r is None or r.status in ("sent", "failed", "skipped"):
                    over.append((job.id, None, ""))
                else:
                    ready.append((job, r))
            if ready:
                session.execute(
                    update(Notification)
                    .where(Notification.id.in_([r.id for _, r in ready]))
                    .values(status="sending", attempts=Notification.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
            queue.finish_many(session, self.name, over)
        return [
            Delivery(job, outgoing(self.settings, r), r.attempts + 1, r.id, r.message_id, r.contact_name)
            for job, r in ready
        ]

    def _send(self, d: Delivery) -> None:
        """Send one notification and return once its outcome is committed (in a batch, :mod:`outcomes`)."""
        sender = self.by_kind.get(d.item.kind)
        error: ChannelError | None = None
        try:
            if sender is None:
                raise ChannelError(f"no sender for channel kind {d.item.kind!r}", permanent=True)
            sender.send(d.item)
        except ChannelError as exc:
            error = exc
        except Exception as exc:  # a gateway bug is a failed attempt, not a lost notification
            error = ChannelError(f"{type(exc).__name__}: {exc}", permanent=False)
        outcome = settle(d, error, self.clock(), type(sender).__name__, max_attempts=MAX_ATTEMPTS, backoff=BACKOFF)
        self._outcomes.record(outcome)

    def _record(self, batch: list[Outcome]) -> None:
        self._recording(functools.partial(outcomes.write, worker=self.name, outcomes=batch))
        for o in batch:
            retry = f"will retry at {o.retry_at:%H:%M:%S}" if o.retry_at else ""
            log.info(
                "notification %s via %s to %s: %s (attempt %d)%s",
                o.delivery.item.key,
                o.delivery.item.kind,
                o.delivery.item.to,
                retry or o.status,
                o.delivery.attempts,
                f": {o.detail}" if o.detail else "",
            )


def new_worker_for(settings: Settings, engine_url: str | None = None) -> tuple[Worker, Callable[[], None]]:
    """A worker with its own engine and directory cache (the ``liaison worker`` process); returns it and a
    function that disposes of what it opened."""
    from sqlalchemy.pool import NullPool

    from liaison.db import make_engine, make_session_factory

    url = engine_url or settings.sqlalchemy_url
    engine = make_engine(url) if not url.startswith("sqlite") else make_engine(url, poolclass=NullPool)
    worker = Worker(settings, make_session_factory(engine), DirectoryCache(engine))
    return worker, engine.dispose


__all__ = ["BACKOFF", "MAX_ATTEMPTS", "WORKER", "Lanes", "Worker", "default_name", "new_worker_for"]
