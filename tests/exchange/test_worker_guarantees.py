"""Exactly once with several `liaison worker` processes on PostgreSQL, the production database.

Real processes over a real database, a real SMTP server on loopback counting Message-IDs, real SIGKILLs:

- two and four workers started together over hundreds of due notifications send each one once, and all;
- one worker killed among three loses nothing: the others take its claims when its lease runs out;
- the documented window (the SMTP server has accepted the mail, the worker dies before its commit) is made
  to happen, and the copy sent again carries the same Message-ID, so the receiving end can de-duplicate;
- a soak: 50 concurrent senders through the HTTP API of `liaison serve` while workers are killed and restarted
  at random; at the end every notification is sent, each Message-ID once except copies from the window, which
  are counted and reported (``LIAISON_SOAK_SECONDS``, 30 by default; the benchmark command runs it 600 s).

The waits are deadlines for something to happen, never measures of speed (bench/dispatch.py measures).
SQLite has one writer and runs one worker (the embedded one): these tests are for PostgreSQL only.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import func, select
from tests.conftest import BACKEND, PG_URL, free_port
from tests.exchange import test_worker_process as processes
from tests.exchange.conftest import on_duty_now
from tests.exchange.test_worker_process import (
    CLAIRE,
    DESK,
    LEGAL,
    LIAISON,
    REPO,
    Node,
    Proc,
    message_id_of,
    wait_for,
)
from tests.world import ADMIN

from liaison.actions import exchange as act
from liaison.db import transaction
from liaison.models import Job, Network, Notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BACKEND != "postgresql", reason="several worker processes need PostgreSQL (SKIP LOCKED)"),
]

node = processes.node  # the fixture: a database of the test world, a mail server, the worker processes started
HANA = "hana@npa.example.jp"
LEASE = 3.0
"""Seconds a claim lasts in these tests (LIAISON_WORKER_LEASE_SECONDS), so that waiting one out is quick."""
DRAIN = 180.0
"""Deadline for a queue to drain: generous, for a loaded 2-core machine."""
DELIVERABLE = ("email", "mobile", "phone")


def psycopg_url(node: Node) -> str:
    return node.url.replace("postgresql+psycopg://", "postgresql://", 1)


def many_due(node: Node, messages: int, policy: str = "on-duty@0s,deputy@1s") -> None:
    """``messages`` flash messages to France and Japan, sent while no worker runs: their first steps are due now
    (the escalation timers wait in the queue), the deputy's a second later. Each message makes six notifications
    to deliver (Claire's e-mail and mobile, Hana's e-mail and phone, the French desk's e-mail and phone), three of
    them e-mails, and one skipped (Japan has no deputy)."""
    on_duty_now(node.sessions, node.ids, (("d_fr", "claire"), ("d_jp", "hana")))
    node.add_email("fr_desk", DESK)
    node.add_email("hana", HANA)
    node.set_policy(policy)
    with transaction(node.sessions) as s:
        network = s.get_one(Network, node.ids["ftf"])
        for i in range(messages):
            act.send_message(
                s,
                actor=ADMIN,
                network=network,
                kind="request",
                priority="flash",
                subject=f"Travel of a suspect #{i}",
                body="Flight JL 45 tonight.",
                legal_basis=LEGAL,
                to_members=["FR", "JPN"],
            )


def all_notifications(node: Node) -> list[Notification]:
    with node.sessions() as s:
        return list(s.scalars(select(Notification)))


def settled(node: Node, expected: int) -> bool:
    """Every one of the ``expected`` deliverable notifications exists and is sent."""
    with node.sessions() as s:
        rows = s.execute(
            select(Notification.status, func.count())
            .where(Notification.channel_kind.in_(DELIVERABLE))
            .group_by(Notification.status)
        ).all()
    return dict(rows) == {"sent": expected}


def sent_by(proc: Proc) -> int:
    return proc.text().count(": sent (attempt")


@dataclass
class Tally:
    """What the SMTP server received against what the database says was sent."""

    emails: int
    copies: Counter[str]
    expected: set[str]

    @property
    def missing(self) -> set[str]:
        return self.expected - set(self.copies)

    @property
    def unknown(self) -> set[str]:
        return set(self.copies) - self.expected

    @property
    def duplicated(self) -> dict[str, int]:
        return {k: c for k, c in self.copies.items() if c > 1}


def tally(node: Node) -> Tally:
    emails = [n for n in all_notifications(node) if n.channel_kind == "email"]
    return Tally(len(emails), node.mail.message_ids(), {message_id_of(n.key) for n in emails})


@pytest.mark.parametrize("workers", [2, 4])
def test_workers_started_together_send_every_notification_exactly_once(node: Node, workers: int):
    many_due(node, 60)
    expected = 60 * 6
    procs = [node.worker(f"together-{i}") for i in range(workers)]  # started together, before any is ready
    wait_for("every notification to be sent", lambda: settled(node, expected), DRAIN)
    time.sleep(0.5)  # anything sent twice would reach the server now
    for p in procs:
        assert node.terminate(p) == 0, p.text()[-2000:]

    t = tally(node)
    assert t.emails == 60 * 3
    assert not t.missing and not t.unknown
    assert t.duplicated == {}, f"sent twice: {t.duplicated}"
    notes = all_notifications(node)
    assert len({n.key for n in notes}) == len(notes) == 60 * 7  # and the one skipped deputy step per message
    assert all(n.attempts == 1 for n in notes if n.status == "sent")
    shares = [sent_by(p) for p in procs]
    assert sum(shares) == expected
    assert sum(1 for x in shares if x) >= 2, shares  # the queue really was shared
    print(f"\n{workers} workers: {expected} notifications ({t.emails} e-mails), shares {shares}, duplicates 0")


def test_a_worker_killed_among_three_loses_nothing_and_its_claims_are_taken_after_the_lease(node: Node):
    many_due(node, 60)
    expected = 60 * 6
    node.mail.delay = 0.02  # deliveries in flight when the kill comes
    procs = [node.worker(f"trio-{i}", lease=LEASE) for i in range(3)]
    wait_for("a third of the mails", lambda: len(node.mail.mails) >= 60, DRAIN)

    def holdings() -> Counter[str]:
        with node.sessions() as s:
            return Counter(s.scalars(select(Job.locked_by).where(Job.done_at.is_(None), Job.locked_by != "")))

    victim_name, _ = wait_for("a worker holding claims", lambda: holdings().most_common(1), 30)[0]
    victim = procs[int(victim_name.rsplit("-", 1)[1])]
    node.kill(victim)
    killed_at = time.time()
    with node.sessions() as s:
        orphans = {
            j.ref_id: j.locked_until
            for j in s.scalars(select(Job).where(Job.locked_by == victim_name, Job.done_at.is_(None)))
        }
    assert orphans, "the victim held nothing when killed"

    wait_for("every notification to be sent", lambda: settled(node, expected), DRAIN)
    time.sleep(0.5)
    for p in procs:
        if p is not victim:
            assert node.terminate(p) == 0

    t = tally(node)
    assert not t.missing and not t.unknown
    by_key = {message_id_of(n.key): n for n in all_notifications(node)}
    for mid, count in t.duplicated.items():
        # Only the window: the server had the first copy before the kill, the victim died before recording it.
        # The server stamps a mail after its 20 ms delay: a mail the victim had sent in full before the kill can
        # be stamped just after it; the copy from the others comes only after the lease (3 s).
        first = min(m.at for m in node.mail.mails if m.message_id == mid)
        assert count == 2 and first < killed_at + 0.5 and by_key[mid].attempts == 2, (mid, count)
    with node.sessions() as s:
        taken = list(s.scalars(select(Notification).where(Notification.id.in_(orphans))))
    for n in taken:  # the victim's deliveries were sent by the others, once its lease had run out
        assert n.status == "sent"
        lease_end = orphans[n.id]
        assert lease_end is not None and n.sent_at is not None and n.sent_at >= lease_end
    print(
        f"\nkilled {victim_name} holding {len(orphans)} claims ({len(taken)} deliveries): {expected} notifications "
        f"sent, {len(t.duplicated)} re-sent from the window (same Message-ID), none lost"
    )


def test_the_window_a_mail_accepted_before_a_crash_is_sent_again_with_the_same_message_id(node: Node):
    """The worker has the server's 250 and dies before its commit: made to happen by holding the notification's
    row locked (the worker's commit waits for the lock) and killing the worker while it waits."""
    node.set_policy("on-duty@0s")
    node.mail.stall.add(CLAIRE)
    w1 = node.worker("window-1", lease=LEASE)
    m = node.send()
    wait_for("the mail at the server", node.mail.stalled.is_set, 30)
    (n,) = [x for x in node.notifications(m.id) if x.channel_kind == "email"]
    assert (n.status, n.attempts) == ("sending", 1)

    with psycopg.connect(psycopg_url(node)) as lock:
        lock.execute("SELECT id FROM notifications WHERE id = %s FOR UPDATE", (n.id,))
        node.mail.stall.clear()  # the server answers 250 now; the worker's commit waits for the row
        waiting = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        wait_for("the worker to wait for the row", lambda: lock.execute(waiting).fetchone() == (1,), 30)
        node.kill(w1)
        lock.rollback()
    assert [x.message_id for x in node.mail.mails] == [message_id_of(n.key)]
    (n,) = [x for x in node.notifications(m.id) if x.channel_kind == "email"]
    assert (n.status, n.attempts) == ("sending", 1)  # the commit never happened

    w2 = node.worker("window-2", lease=LEASE)
    wait_for("the copy sent again", lambda: len(node.mail.to(CLAIRE)) == 2, 30)
    time.sleep(0.3)
    assert node.terminate(w2) == 0
    first, again = node.mail.to(CLAIRE)
    assert first.message_id == again.message_id == message_id_of(n.key)  # the receiver can de-duplicate
    assert (first.subject, first.body) == (again.subject, again.body)
    (n,) = [x for x in node.notifications(m.id) if x.channel_kind == "email"]
    assert (n.status, n.attempts, n.last_error) == ("sent", 2, "")


def test_a_worker_that_loses_its_database_reconnects_and_does_not_send_twice(node: Node):
    """The database goes away while a mail is being handed over (connections terminated, new ones refused): the
    worker records the delivery once the database is back instead of sending it again when its lease runs out,
    and goes on working on new connections."""
    node.set_policy("on-duty@0s")
    node.mail.stall.add(CLAIRE)
    w = node.worker("cut-off", lease=LEASE)
    m = node.send()
    wait_for("the mail at the server", node.mail.stalled.is_set, 30)
    dbname = node.url.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", (dbname,)
        ).fetchone()
        assert cut is not None and cut[0] >= 1
        node.mail.stall.clear()  # the server answers 250; the worker cannot record it
        wait_for("the worker to find the database gone", lambda: "retrying in" in w.text(), 30)
        time.sleep(1.0)
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
    wait_for("the delivery to be recorded", lambda: node.email_sent(m.id, CLAIRE), 30)
    time.sleep(LEASE + 1.5)  # a delivery left unrecorded would be sent again once the lease ran out
    (n,) = [x for x in node.notifications(m.id) if x.channel_kind == "email"]
    assert (n.status, n.attempts) == ("sent", 1)
    assert node.mail.message_ids() == Counter({message_id_of(n.key): 1})

    again = node.send()  # and the worker goes on, on new connections
    wait_for("the next message's mail", lambda: node.email_sent(again.id, CLAIRE), 30)
    assert node.terminate(w) == 0
    assert all(c == 1 for c in node.mail.message_ids().values())
    assert len(node.mail.to(CLAIRE)) == 2


# -- the soak --


SOAK_SECONDS = float(os.environ.get("LIAISON_SOAK_SECONDS", "30"))
SENDERS = 50
PAUSE = (2.0, 6.0)
"""Seconds each sender waits between two messages: 50 senders then send some 12 messages (50 notifications) a
second, what three workers sharing two cores with the API deliver, so the queue drains soon after the soak."""
WORKERS = 3


@dataclass
class Soak:
    sent: list[str] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)
    kills: int = 0
    restarts_same_name: int = 0


def serve(node: Node, port: int, processes: int = 1) -> subprocess.Popen[bytes]:
    """`liaison serve` without its embedded worker: the workers are processes of their own."""
    env = {**node.env, "LIAISON_EMBEDDED_WORKER": "false", "LIAISON_LOG_LEVEL": "warning"}
    cmd = [LIAISON, "serve", "--port", str(port), "--web-processes", str(processes)]
    with (node.tmp / "serve.log").open("wb") as log:
        popen = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    wait_for("the API", lambda: _up(f"http://127.0.0.1:{port}/healthz"), 30)
    return popen


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_soak_50_senders_through_the_api_with_workers_killed_at_random(node: Node, databases: Any):
    _world, tokens = databases.extra["world"]
    node.set_policy("on-duty@0s,deputy@2s")  # timers fire during the soak too
    node.add_email("fr_desk", DESK)
    port = free_port()
    api = serve(node, port)
    rng = random.Random(11)  # noqa: S311 - chaos, not cryptography
    names = [f"soak-{i}" for i in range(WORKERS)]
    live = {name: node.worker(name, lease=LEASE) for name in names}
    soak = Soak()
    stop = threading.Event()

    def sender(i: int) -> None:
        pace = random.Random(i)  # noqa: S311 - pacing, not cryptography
        headers = {"Authorization": f"Bearer {tokens['jp.cp']}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as client:
            while not stop.is_set():
                body = {
                    "network": "FTF", "kind": "request", "priority": "flash", "subject": f"Soak {i}",
                    "body": "Flight JL 45 tonight.", "legal_basis": LEGAL, "to": ["FR"],
                }  # fmt: skip
                try:
                    r = client.post("/api/v1/messages", json=body)
                except httpx.HTTPError as exc:  # reported by the assertion below, not lost in a thread
                    soak.failures.append((0, repr(exc)))
                    continue
                if r.status_code == 201:
                    soak.sent.append(r.json()["id"])
                else:
                    soak.failures.append((r.status_code, r.text[:200]))
                stop.wait(pace.uniform(*PAUSE))

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(SENDERS)]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        while time.monotonic() - started < SOAK_SECONDS:
            time.sleep(rng.uniform(1.0, 4.0))
            name = rng.choice(names)
            node.kill(live[name])
            soak.kills += 1
            same = rng.random() < 0.5  # half restart under the same name (take back at once), half as another
            soak.restarts_same_name += same
            new_name = name if same else f"{name}-{soak.kills}"
            names[names.index(name)] = new_name
            live.pop(name)
            live[new_name] = node.worker(new_name, lease=LEASE)
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - started
        assert soak.failures == [], soak.failures[:5]
        expected = len(soak.sent) * 4  # Claire's e-mail and mobile, the desk's e-mail and phone
        wait_for("every notification to be sent", lambda: settled(node, expected), DRAIN)
        time.sleep(0.5)
        for p in live.values():
            assert node.terminate(p) == 0
    finally:
        stop.set()
        api.send_signal(signal.SIGTERM)
        api.wait(15)

    t = tally(node)
    assert t.emails == 2 * len(soak.sent)
    assert not t.missing and not t.unknown
    by_key = {message_id_of(n.key): n for n in all_notifications(node)}
    assert all(c == 2 and by_key[k].attempts >= 2 for k, c in t.duplicated.items()), t.duplicated
    print(
        f"\nsoak {elapsed:.0f} s: {SENDERS} senders, {len(soak.sent)} messages ({len(soak.sent) / elapsed:.1f}/s), "
        f"{expected} notifications, {t.emails} e-mails; {soak.kills} workers killed ({soak.restarts_same_name} "
        f"restarted under the same name); {len(t.duplicated)} re-sent from the window, none lost"
    )


# -- a burst --

BURST = 1000
FLASH = 20


def test_a_burst_of_1000_messages_is_queued_not_refused_and_drains_flash_first(node: Node, databases: Any):
    """1,000 routine messages as fast as 50 senders can send them, with 20 flash notices among the last half, while
    no worker runs: every one is accepted (no 429, no 5xx) and queued; then a worker starts and the flash
    notices' mails are the first to reach the server, ahead of the routine backlog sent before them."""
    _world, tokens = databases.extra["world"]
    node.set_policy("on-duty@0s")  # flash: Claire's e-mail and mobile, like routine's first step
    port = free_port()
    api = serve(node, port, processes=2)
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    flash_ids: list[str] = []
    plan = ["routine"] * BURST
    for i in range(FLASH):  # spread over the second half of the burst
        plan.insert(BURST // 2 + i * (BURST // 2) // FLASH, "flash")
    work = iter(enumerate(plan))
    lock = threading.Lock()

    def sender() -> None:
        headers = {"Authorization": f"Bearer {tokens['jp.cp']}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
            while True:
                with lock:
                    item = next(work, None)
                if item is None:
                    return
                i, priority = item
                body = {
                    "network": "FTF", "kind": "request", "priority": priority, "subject": f"Burst {i}",
                    "body": "Flight JL 45 tonight.", "legal_basis": LEGAL, "to": ["FR"],
                }  # fmt: skip
                t0 = time.perf_counter()
                r = client.post("/api/v1/messages", json=body)
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] += 1
                if priority == "flash" and r.status_code == 201:
                    flash_ids.append(r.json()["id"])

    try:
        threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        took = time.perf_counter() - started
    finally:
        api.send_signal(signal.SIGTERM)
        api.wait(15)
    assert statuses == Counter({201: BURST + FLASH}), statuses  # queued, none refused
    with node.sessions() as s:
        queued = s.scalar(select(func.count()).where(Job.kind == "deliver", Job.done_at.is_(None)))
    assert queued == 2 * (BURST + FLASH)
    assert node.mail.mails == []

    flash_keys = {
        message_id_of(n.key)
        for mid in flash_ids
        for n in node.notifications(uuid.UUID(mid))
        if n.channel_kind == "email"
    }
    assert len(flash_keys) == FLASH
    w = node.worker("drain")
    wait_for("the flash notices' mails", lambda: flash_keys <= set(node.mail.message_ids()), DRAIN)
    arrived = [m.message_id for m in list(node.mail.mails)]
    last_flash = max(arrived.index(k) for k in flash_keys)
    assert node.terminate(w) == 0
    # Flash first: all 20 among the first mails to arrive (a few routine ones may overtake the last flash ones on
    # the worker's 8 delivery threads), not after the 500 routine messages sent before them.
    assert last_flash < 2 * FLASH, arrived[: 2 * FLASH]
    latencies.sort()
    print(
        f"\nburst: {BURST + FLASH} messages from {SENDERS} senders in {took:.1f} s ({(BURST + FLASH) / took:.0f}/s), "
        f"all 201; send API p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms; {queued} deliveries queued; "
        f"the 20 flash mails among the first {last_flash + 1} of the drain"
    )
