"""The escalation worker: claims due timers from the job queue and runs them.

Three kinds of timer:

- ``escalate`` (one per addressee): fire every step of the frozen policy that is due and not yet fired,
  writing one notification per contact point and channel (the row is written before anything is sent, its
  ``key`` is the idempotency key), then move the timer to the next step, or finish it when the chain is
  exhausted or acknowledged. After downtime, overdue steps fire at once; rounds missed entirely are recorded
  as superseded rather than sent in a burst.
- ``deliver`` (one per notification): send through the channel's sender; on a transient failure retry with
  backoff, on a permanent one (or too many attempts) mark it failed. Escalation does not wait for delivery:
  a dead SMTP server delays nothing else in the chain.
- ``exercise``: start a reachability exercise.

Exactly once: a step's notifications are created in the transaction that moves the timer, under a unique
key, so a step never fires twice. A notification is sent only from the ``pending`` state and marked ``sent``
right after; the only window for a duplicate is a crash between the channel accepting the notification and
that commit, and then the re-sent copy carries the same Message-ID / webhook-id, so the receiving end can
recognise it.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, lazyload, sessionmaker

from liaison.actions.audit import audit
from liaison.channels import ChannelError
from liaison.channels.registry import Outgoing, Sender, senders
from liaison.db import transaction
from liaison.escalation import queue
from liaison.escalation.rules import DueStep, Policy, due_steps, next_due
from liaison.exchange.tokens import make_ack_token
from liaison.models import Addressee, Exercise, Message, Notification, utcnow
from liaison.principal import Principal
from liaison.queries.duty import duty_answer
from liaison.queries.snapshot import ContactView, DirectoryCache, Snapshot
from liaison.settings import Settings

log = logging.getLogger("liaison.worker")

WORKER = Principal(None, "liaison worker", None, None, frozenset({("admin", None)}), via="worker", ip="local")
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
    timedelta(minutes=30),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
KIND_LABEL = {
    "request": "Request for information",
    "threat_notice": "Threat notice",
    "victim_referral": "Victim-assistance referral",
    "reachability_test": "Reachability test",
}
MESSAGE_ONLY = (lazyload(Message.addressees), lazyload(Message.attachments))
"""Loading a message to fire a step or send a notification: its columns and network, not the addressee and
attachment lists the model loads eagerly for the pages (two queries less, each time)."""
CONTENT_BY_CHANNEL = ("CLEAR", "GREEN")
"""Markings whose subject and text may travel in a notification (e-mail, SMS, webhook). Anything stricter is
announced with a link and read in Liaison, where access is checked and audited."""


def default_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -- resolving a step's target --


@dataclass(frozen=True)
class Target:
    contacts: tuple[ContactView, ...]
    reason: str


def resolve(snap: Snapshot, message: Message, a: Addressee, target: str, at: datetime) -> Target:
    """The contact points a step notifies, resolved when the step fires (who is on duty may have changed
    since the message was sent), with the reason in words for the history."""
    network = snap.networks_by_id.get(message.network_id)
    if network is None:
        return Target((), "the network no longer exists")
    member = snap.members_by_id.get(a.member_id) if a.member_id else None
    designation = snap.designations.get((network.id, member.id)) if member else None
    named = snap.contacts.get(a.contact_point_id) if a.contact_point_id else None

    def active(cs: tuple[ContactView, ...] | list[ContactView]) -> tuple[ContactView, ...]:
        return tuple(c for c in cs if c.is_active)

    if target == "on-duty":
        if a.contact_point_id:
            return Target(active([named]) if named else (), "the named contact point")
        if member is None:
            return Target((), "the addressee is no longer a member")
        answer = duty_answer(snap, network, member, at)
        if answer.contact is not None:
            return Target(active([answer.contact]), "on duty")
        for step in answer.fallback:
            if step.contact.is_active:
                return Target((step.contact,), f"nobody on duty: the fallback ({step.role})")
        return Target((), "nobody on duty and no fallback")
    if target == "deputy":
        if designation is None or designation.deputy_id is None or designation.deputy_id not in snap.contacts:
            return Target((), "no deputy designated")
        return Target(active([snap.contacts[designation.deputy_id]]), "the deputy")
    if target == "desk":
        org = designation.agency_id if designation else (named.organisation_id if named else None)
        desks = active(snap.desks.get(org, ())) if org else ()
        return Target(desks, "the agency's 24/7 desk" if desks else "the agency has no 24/7 desk")
    if target == "secretariat":
        desks = active(snap.desks.get(network.secretariat_id, ())) if network.secretariat_id else ()
        return Target(desks, "the secretariat's desk" if desks else "the secretariat has no 24/7 desk")
    return Target((), f"unknown target {target!r}")


# -- firing steps --


def fire_due(
    session: Session, snap: Snapshot, a: Addressee, now: datetime
) -> tuple[datetime | None, list[Notification]]:
    """Fire the addressee's due steps not yet fired; returns the next due time (None: chain over) and the new
    notifications to deliver."""
    message = session.get(Message, a.message_id, options=MESSAGE_ONLY)
    if message is None or message.policy is None:
        return None, []
    if a.acknowledged_at is not None or message.status == "closed":
        if a.escalation == "running":
            a.escalation = "stopped"
        return None, []
    policy = Policy.from_json(message.policy)
    fired = {
        (r, s)
        for r, s in session.execute(
            select(Notification.round, Notification.step).where(Notification.addressee_id == a.id)
        )
    }
    due = [d for d in due_steps(policy, message.sent_at, now, None) if (d.round, d.index) not in fired]
    latest = max((d.round for d in due), default=0)
    created: list[Notification] = []
    for d in due:
        if d.round < latest:
            session.add(
                _note(
                    message,
                    a,
                    d,
                    status="skipped",
                    suffix="superseded",
                    reason="superseded: a later round was due by the time the worker ran",
                )
            )
            continue
        created.extend(_fire(session, snap, message, a, d, now))
    nxt = next_due(policy, message.sent_at, now, None)
    if nxt is None:
        a.escalation = "exhausted"
    return (nxt.due_at if nxt else None), created


def _note(
    message: Message,
    a: Addressee,
    d: DueStep,
    *,
    status: str,
    suffix: str,
    reason: str,
    contact: ContactView | None = None,
    **kw: object,
) -> Notification:
    return Notification(
        message_id=message.id,
        addressee_id=a.id,
        key=f"{a.id}:{d.round}:{d.index}:{suffix}",
        round=d.round,
        step=d.index,
        target=d.target,
        reason=reason,
        contact_point_id=contact.id if contact else None,
        contact_name=contact.name if contact else "",
        status=status,
        due_at=d.due_at,
        **kw,
    )


def _fire(
    session: Session, snap: Snapshot, message: Message, a: Addressee, d: DueStep, now: datetime
) -> list[Notification]:
    target = resolve(snap, message, a, d.target, now)
    out: list[Notification] = []
    if not target.contacts:
        session.add(_note(message, a, d, status="skipped", suffix="none", reason=target.reason))
    for c in target.contacts:
        if not c.channels:
            session.add(
                _note(
                    message,
                    a,
                    d,
                    status="skipped",
                    suffix=f"{c.id}:none",
                    contact=c,
                    reason=f"{target.reason}; {c.name} has no channel",
                )
            )
            continue
        for ch in c.channels:
            n = _note(
                message,
                a,
                d,
                status="pending",
                suffix=f"{c.id}:{ch.id}",
                contact=c,
                reason=target.reason,
                channel_id=ch.id,
                channel_kind=ch.kind,
                address=ch.value,
            )
            session.add(n)
            out.append(n)
    session.flush()
    for n in out:
        queue.enqueue(session, "deliver", n.id, now, new=True, priority=message.priority)
    log.info(
        "message %s to %s: round %d step %d (%s) -> %s",
        message.id,
        a.label,
        d.round + 1,
        d.index + 1,
        d.target,
        ", ".join(c.name for c in target.contacts) or target.reason,
    )
    audit(
        session,
        actor=WORKER,
        action="message.escalate",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={
            "addressee": a.label,
            "round": d.round,
            "step": d.index,
            "target": d.target,
            "reason": target.reason,
            "contacts": [c.name for c in target.contacts],
            "due_at": d.due_at,
            "late_seconds": round((now - d.due_at).total_seconds(), 3),
        },
    )
    return out


# -- what a notification says --


def outgoing(settings: Settings, message: Message, n: Notification, sender_label: str) -> Outgoing:
    base = settings.base_url.rstrip("/")
    expires = n.due_at + timedelta(hours=settings.ack_link_hours)
    token = make_ack_token(settings.secret_key, n.id, expires)
    read_url, ack_url = f"{base}/messages/{message.id}", f"{base}/ack/{token}"
    kind = KIND_LABEL.get(message.kind, message.kind)
    network = message.network.code if message.network else ""
    content = message.tlp in CONTENT_BY_CHANNEL
    prio = message.priority.upper()
    subject = f"[{prio}] {kind}: {message.subject}" if content else f"[{prio}] {kind} from {sender_label} ({network})"
    lines = [
        f"{message.priority.capitalize()} {kind.lower()} on the {network} network from {sender_label}.",
        f"Marking: TLP:{message.tlp}" + (", originator control" if message.originator_control else ""),
        "",
    ]
    if content:
        lines += [f"Subject: {message.subject}", "", message.body, ""]
    else:
        lines += [f"The content is marked TLP:{message.tlp} and is not sent over this channel. Read it in Liaison:", ""]
    lines += [
        f"Read and answer: {read_url}",
        f"Acknowledge receipt (one click): {ack_url}",
        f"The link works once and expires {expires:%Y-%m-%d %H:%M} UTC.",
        "",
        f"You are notified as {n.target}" + (f" (round {n.round + 1})" if n.round else "") + f": {n.reason}.",
    ]
    payload = {
        "type": "message.notification",
        "notification_id": str(n.id),
        "message_id": str(message.id),
        "network": network,
        "kind": message.kind,
        "priority": message.priority,
        "tlp": message.tlp,
        "subject": message.subject if content else None,
        "sender": sender_label,
        "sent_at": message.sent_at.isoformat(),
        "target": n.target,
        "round": n.round,
        "step": n.step,
        "read_url": read_url,
        "ack_url": ack_url,
        "ack_expires_at": expires.isoformat(),
    }
    if message.kind == "reachability_test":
        subject = f"[{prio}] Reachability test ({network}): please acknowledge"
    text = "\n".join(lines)
    if n.channel_kind in ("mobile", "phone"):
        text = f"Liaison {prio} {kind} ({network}). Acknowledge: {ack_url}"
    return Outgoing(
        kind=n.channel_kind,
        to=n.address,
        subject=subject,
        body=text,
        key=n.key,
        channel_id=n.channel_id,
        payload=payload,
        priority=message.priority,
    )


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
        self._wake = threading.Event()
        self.stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

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
        for job, item, attempts in prepared:
            with self._lock:
                self._in_flight[item.kind] += 1
            future = self.pool.submit(item.kind, self._send, job, item, attempts)
            future.add_done_callback(functools.partial(self._delivered, item.kind))
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
        """Poll until :attr:`stopping` is set (SIGTERM/SIGINT in ``liaison worker``)."""
        released = queue.release_claims(self.sessions, self.name)
        if released:
            log.info("took back %d claims held under this worker's name before a restart", released)
        while not self.stopping.is_set():
            try:
                ran = self.run_once(wait=False)
            except Exception:
                log.exception("worker loop error; retrying")
                ran = 0
            if ran == 0:
                self._wake.wait(self.settings.worker_poll_seconds)
                self._wake.clear()
        self.pool.shutdown(wait=True)

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

    def _prepare(self, jobs: list[queue.Claimed]) -> list[tuple[queue.Claimed, Outgoing, int]]:
        """Mark the claimed notifications as being sent and build what each sends, in one transaction for the
        whole batch (the row is written before anything leaves)."""
        if not jobs:
            return []
        out = []
        labels: dict[object, str] = {}
        with self._transaction() as session:
            for job in jobs:
                n = session.get(Notification, job.ref_id)
                if n is None or n.status in ("sent", "failed", "skipped"):
                    queue.finish(session, job.id, self.name, None)
                    continue
                message = session.get(Message, n.message_id, options=MESSAGE_ONLY)
                assert message is not None
                if message.id not in labels:
                    labels[message.id] = _sender_label(session, message)
                n.status, n.attempts = "sending", n.attempts + 1
                out.append((job, outgoing(self.settings, message, n, labels[message.id]), n.attempts))
        return out

    def _send(self, job: queue.Claimed, item: Outgoing, attempts: int) -> None:
        sender = self.by_kind.get(item.kind)
        error: ChannelError | None = None
        try:
            if sender is None:
                raise ChannelError(f"no sender for channel kind {item.kind!r}", permanent=True)
            sender.send(item)
        except ChannelError as exc:
            error = exc
        except Exception as exc:  # a gateway bug is a failed attempt, not a lost notification
            error = ChannelError(f"{type(exc).__name__}: {exc}", permanent=False)
        now = self.clock()

        def record(session: Session) -> None:
            n = session.get(Notification, job.ref_id)
            assert n is not None
            retry_at = None
            if error is None:
                n.status, n.sent_at, n.last_error = "sent", now, ""
                n.transport = type(sender).__name__
            # The notification keeps what its readers may be shown (a webhook's failure is one generic text);
            # the detail goes to the log and the audit row.
            elif error.permanent or attempts >= MAX_ATTEMPTS:
                n.status, n.last_error = "failed", error.public[:2000]
            else:
                n.status, n.last_error = "pending", error.public[:2000]
                retry_at = now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
            detail = "" if error is None else str(error)[:2000]
            queue.finish(session, job.id, self.name, retry_at, detail)
            log.info(
                "notification %s via %s to %s: %s (attempt %d)%s",
                n.key,
                n.channel_kind,
                n.address,
                n.status.replace("pending", "will retry at " + (f"{retry_at:%H:%M:%S}" if retry_at else "?")),
                attempts,
                f": {detail}" if detail else "",
            )
            if error is not None:  # a sent notification is recorded by its own row; a failure also in the log
                audit(
                    session,
                    actor=WORKER,
                    action="notification." + n.status.replace("pending", "retry"),
                    target_type="message",
                    target_id=n.message_id,
                    details={
                        "notification": str(n.id),
                        "channel": n.channel_kind,
                        "contact": n.contact_name,
                        "attempt": attempts,
                        "error": detail,
                        "retry_at": retry_at,
                    },
                )

        self._recording(record)


def _sender_label(session: Session, message: Message) -> str:
    from liaison.models import Member, Organisation

    org = (
        session.execute(
            select(Organisation.name, Organisation.short_name).where(Organisation.id == message.sender_organisation_id)
        ).first()
        if message.sender_organisation_id
        else None
    )
    code = (
        session.scalar(select(Member.code).where(Member.id == message.sender_member_id))
        if message.sender_member_id
        else None
    )
    if org and code:
        return f"{org.short_name or org.name} ({code})"
    return org.name if org else message.sender_name


def new_worker_for(settings: Settings, engine_url: str | None = None) -> tuple[Worker, Callable[[], None]]:
    """A worker with its own engine and directory cache (the ``liaison worker`` process); returns it and a
    function that disposes of what it opened."""
    from sqlalchemy.pool import NullPool

    from liaison.db import make_engine, make_session_factory

    url = engine_url or settings.sqlalchemy_url
    engine = make_engine(url) if not url.startswith("sqlite") else make_engine(url, poolclass=NullPool)
    worker = Worker(settings, make_session_factory(engine), DirectoryCache(engine))
    return worker, engine.dispose


__all__ = ["WORKER", "Lanes", "Worker", "default_name", "fire_due", "new_worker_for", "outgoing", "resolve"]
