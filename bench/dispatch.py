"""Dispatch: from the send API call to the SMTP server holding the mail, a broadcast to a whole network, and
escalation lateness, each beside a baseline from the same run, with 1, 2 and 4 worker processes.

    .venv/bin/python bench/dispatch.py [--database-url postgresql://...] [--workers 1,2,4] [--quick] [--json]
                                       [--profile DIR]

Builds the BENCH directory (MEMBERS (100) members x CONTACTS officers with DAYS of daily rotations, a 24/7 desk
and a deputy each), one sender user with the contact point role and an API token per member agency, and serves
it with `liaison serve`, delivering e-mail to a real SMTP server (aiosmtpd) in this process, which records each
mail's Message-ID and arrival time. On PostgreSQL the server runs without its embedded worker and, in turn,
1, 2 and 4 `liaison worker` processes deliver (`--workers`); on SQLite the embedded worker (`--worker`).
For each worker count:

1. Delivery: at 1, 10 and 50 concurrent senders, each sender posts a flash message to another member and waits
   for its mail (one message in flight per sender); latency = arrival of the first mail for that addressee
   minus the instant just before the POST. Baseline: the same senders handing one mail each straight to the
   same SMTP server with Liaison's own SmtpSender (no API, no queue, no worker): the floor of the measure.
   Beside it: the CPU per message of the server, the workers, PostgreSQL and this process (the load).
2. Escalation: the network's routine policy becomes on-duty@0s,deputy@DELAY (10 s); ESCALATIONS (1,000)
   routine messages are sent by 8 threads, paced over SPREAD seconds (15), so as many deputy steps fall due
   spread over time while new messages still arrive. Lateness = the notification row's creation (the step
   firing) minus its due time (and the late_seconds the worker writes in the message.escalate audit rows), and
   the deputy mail's arrival minus its due time. Baseline: a bare poller thread in this process that wakes
   every LIAISON_WORKER_POLL_SECONDS and pops the same due times from a heap (no database, no delivery).

Then every duty officer gets a second e-mail address (mobile, office and home e-mail: three channels), and for
each worker count:

3. Broadcast: BROADCASTS (15) times, one flash threat notice from one member to all members; time from the
   instant before the POST until the last first-step notification is received (each e-mail at the SMTP server,
   each mobile notification recorded as sent to the SMS log gateway).

The flash policy becomes on-duty@0s,deputy@12h, so no later flash step adds load during the run. Every mail is
checked against the notifications in the database: each one delivered exactly once (no duplicate, none
missing); otherwise the run fails with exit code 1. A PostgreSQL URL names a server: a fresh database
liaison_bench_<random> is created on it and dropped at the end. `--quick` (a few minutes): 60 messages per
level, 300 escalations (20/s), 5 broadcasts. `--profile DIR` runs the server and the workers under cProfile
(bench/cprofile_run.py: each thread's CPU clock) during the largest delivery level and prints the CPU per
message by stage of the hot path; `--sample-stacks DIR` samples wall-clock stacks instead (bench/stack_sampler.py).
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import httpx
from aiosmtpd.controller import Controller

PASSWORD = "bench-password-123"  # noqa: S105 - throwaway users of a throwaway database
DOMAIN = "bench.invalid"
HEADER = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.I | re.M)
TARGETS = {"delivery_p99_ms_under": 500, "escalation_p99_s_under": 2.0, "broadcast_p99_s_under": 2.0}
FLASH_POLICY = "on-duty@0s,deputy@12h"
"""The bench's flash policy: the send path writes the same rows as with the default (the first step, and a timer
for the next), but no deputy step falls due during the run to add load to a later part."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    model = ""
    with suppress(OSError):
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = f" ({m.group(1).strip()})" if m else ""
    return (
        f"{platform.machine()} {os.cpu_count()} cores{model}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def proc_cpu(*pids: int) -> float:
    """CPU seconds used so far by these processes (user + system)."""
    total = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(1, after[1] - before[1])


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(seconds: list[float], scale: float = 1000.0, digits: int = 1) -> dict[str, float]:
    """p50/p95/p99/max of durations in seconds, in milliseconds (or seconds with scale=1)."""
    unit = "ms" if scale == 1000.0 else "s"
    return {
        f"p50_{unit}": round(pct(seconds, 50) * scale, digits),
        f"p95_{unit}": round(pct(seconds, 95) * scale, digits),
        f"p99_{unit}": round(pct(seconds, 99) * scale, digits),
        f"max_{unit}": round(max(seconds) * scale, digits),
    }


# -- the SMTP server --


class MailSink:
    """aiosmtpd handler: records every mail's Message-ID and ``time.time()`` when the server holds it.

    A notification's Message-ID is its key, ``<addressee.round.step.contact.channel@domain>``; ``first(a)``
    waits for the first mail of step 0 of round 0 for addressee ``a``."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, float]] = []
        self.arrived: dict[str, float] = {}
        self._first: dict[str, float] = {}
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.controller.port}"

    def _event(self, addressee: str) -> threading.Event:
        with self._lock:
            return self._events.setdefault(addressee, threading.Event())

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        at = time.time()
        m = HEADER.search(envelope.original_content or envelope.content)
        key = m.group(1).decode().rpartition("@")[0] if m else ""
        parts = key.split(".")
        with self._lock:
            self.mails.append((key, at))
            self.arrived.setdefault(key, at)
            first = len(parts) == 5 and parts[1:3] == ["0", "0"] and parts[0] not in self._first
            if first:
                self._first[parts[0]] = at
        if first:
            self._event(parts[0]).set()
        return "250 Message accepted for delivery"

    def first(self, addressee: str, timeout: float) -> float | None:
        if not self._event(addressee).wait(timeout):
            return None
        with self._lock:
            return self._first[addressee]

    def arrival(self, key: str) -> float | None:
        with self._lock:
            return self.arrived.get(key)

    def keys(self) -> list[tuple[str, float]]:
        with self._lock:
            return list(self.mails)


# -- the database and the directory --


@contextmanager
def database(url: str | None, tmp: Path) -> Iterator[str]:
    """A temporary SQLite file, or a fresh database on the given PostgreSQL server, dropped afterwards."""
    if not url:
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url.replace("postgresql+psycopg:", "postgresql:", 1))
    if parts.scheme != "postgresql":
        raise SystemExit("--database-url must be a postgresql:// URL")
    name = f"liaison_bench_{secrets.token_hex(4)}"
    with psycopg.connect(urlunsplit(parts), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(urlunsplit(parts), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def liaison_cli() -> str:
    return str(Path(sys.executable).parent / "liaison")


@dataclass
class Sender:
    member: str
    token: str


def senders_and_policy(url: str, env: dict[str, str], routine_policy: str) -> list[Sender]:
    """One user per member agency with the contact point role on BENCH and an API token (through the
    actions, as the node operator, in this process), and the network's routine policy (through the CLI)."""
    from sqlalchemy import select
    from sqlalchemy.pool import NullPool

    from liaison import security
    from liaison.actions import accounts
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.models import Designation, Member, Network, Organisation
    from liaison.principal import Principal
    from liaison.settings import load_settings

    operator = Principal(None, "bench (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")
    engine = make_engine(load_settings(database_url=url, env="development").sqlalchemy_url, poolclass=NullPool)
    out = []
    # The senders log in with tokens only: hash their one password once, not once per user (argon2: 0.25 s each).
    hashed = security.hash_password(PASSWORD)
    try:
        with (
            mock.patch.object(security, "hash_password", lambda _password: hashed),
            transaction(make_session_factory(engine)) as session,
        ):
            network = session.scalar(select(Network).where(Network.code == "BENCH"))
            assert network is not None
            rows = session.execute(
                select(Member.code, Organisation)
                .join(Designation, Designation.member_id == Member.id)
                .join(Organisation, Organisation.id == Designation.agency_id)
                .where(Designation.network_id == network.id)
                .order_by(Member.code)
            ).all()
            for code, agency in rows:
                user = accounts.create_user(
                    session,
                    actor=operator,
                    username=f"sender.{code.lower()}",
                    display_name=f"Duty officer of {code}",
                    organisation=agency,
                    password=PASSWORD,
                    roles=[("contact_point", network)],
                )
                _token, plain = accounts.create_api_token(
                    session, actor=operator, user=user, name="bench", totp_required=False, days=1
                )
                out.append(Sender(code, plain))
    finally:
        engine.dispose()
    for priority, policy in (("routine", routine_policy), ("flash", FLASH_POLICY)):
        cmd = [liaison_cli(), "network", "set-escalation", "BENCH", priority, policy]
        subprocess.run(cmd, env=env, check=True, capture_output=True)
    return out


def add_second_email(url: str) -> int:
    """A second e-mail address (verified, as a contact does) for every duty officer on BENCH, through the
    directory actions as the node operator: each officer then has three channels (mobile, two e-mails) for the
    broadcast. Returns how many were added."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload
    from sqlalchemy.pool import NullPool

    from liaison.actions import directory
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.models import ContactPoint
    from liaison.principal import Principal
    from liaison.settings import load_settings

    operator = Principal(None, "bench (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")
    engine = make_engine(load_settings(database_url=url, env="development").sqlalchemy_url, poolclass=NullPool)
    added = 0
    try:
        with transaction(make_session_factory(engine)) as session:
            officers = session.scalars(
                select(ContactPoint).where(ContactPoint.kind == "person").options(selectinload(ContactPoint.channels))
            ).all()
            for cp in officers:
                first = next(c.value for c in cp.channels if c.kind == "email")
                local, _, domain = first.partition("@")
                channel = directory.add_channel(
                    session,
                    actor=operator,
                    contact_point=cp,
                    kind="email",
                    value=f"{local}.home@{domain}",
                    label="Home",
                )
                code = directory.start_channel_verification(session, actor=operator, channel=channel)
                directory.confirm_channel_verification(session, actor=operator, code=code)
                added += 1
    finally:
        engine.dispose()
    return added


@dataclass
class Row:
    key: str
    addressee: str
    round: int
    step: int
    kind: str
    status: str
    priority: str
    due_at: float
    created_at: float
    message_sent_at: float
    sent_at: float | None


def notifications(url: str) -> list[Row]:
    from sqlalchemy import select
    from sqlalchemy.pool import NullPool

    from liaison.db import make_engine
    from liaison.models import Message, Notification
    from liaison.settings import load_settings

    engine = make_engine(load_settings(database_url=url, env="development").sqlalchemy_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Notification.key,
                    Notification.addressee_id,
                    Notification.round,
                    Notification.step,
                    Notification.channel_kind,
                    Notification.status,
                    Message.priority,
                    Notification.due_at,
                    Notification.created_at,
                    Message.sent_at,
                    Notification.sent_at,
                ).join(Message, Message.id == Notification.message_id)
            ).all()
    finally:
        engine.dispose()
    return [
        Row(
            k.replace(":", "."),
            str(a),
            r,
            s,
            kind,
            st,
            prio,
            due.timestamp(),
            made.timestamp(),
            msg_sent.timestamp(),
            sent.timestamp() if sent else None,
        )
        for k, a, r, s, kind, st, prio, due, made, msg_sent, sent in rows
    ]


# -- the server --


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for_api(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"liaison serve exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    paths = httpx.get(f"{base}/openapi.json", timeout=10).json()["paths"]
    if "post" not in paths.get("/api/v1/messages", {}):
        raise SystemExit("this build has no POST /api/v1/messages")


# -- sending --


def message(to: str, priority: str, n: int) -> dict[str, Any]:
    return {
        "network": "BENCH",
        "to": [to],
        "kind": "threat_notice",
        "priority": priority,
        "subject": f"Benchmark {priority} notice {n}",
        "body": "Synthetic notice for the dispatch benchmark. " * 12,
        "legal_basis": "Art. 7 Decision 2005/671/JHA",
        "marking": {"tlp": "AMBER"},
    }


def addressees(response: httpx.Response) -> list[str]:
    if response.status_code not in (200, 201):
        raise RuntimeError(f"send refused: {response.status_code} {response.text[:500]}")
    body = response.json()
    return [str(a["id"]) for a in body["addressees"]]


@dataclass
class Level:
    latencies: list[float] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    posted: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    db_cpu_s: float = 0.0
    bench_cpu_s: float = 0.0
    busy: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float, addressee: str = "", posted: float = 0.0) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.addressees.append(addressee)
            self.posted.append(posted)

    def fail(self, error: str) -> None:
        with self.lock:
            self.errors.append(error)


def run_threads(count: int, body: Callable[[int], None]) -> float:
    """Start ``count`` threads at once on ``body(i)``; returns the wall time until the last one ends."""
    go = threading.Barrier(count + 1)

    def run(i: int) -> None:
        go.wait()
        body(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    go.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def database_pids(url: str) -> tuple[int, ...]:
    """The PostgreSQL server processes serving the benchmark's database now (its pooled connections)."""
    if not url.startswith("postgresql"):
        return ()
    import psycopg

    plain = url.replace("postgresql+psycopg:", "postgresql:", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return tuple(int(r[0]) for r in rows)


def delivery_level(
    base: str,
    senders: list[Sender],
    concurrency: int,
    total: int,
    sink: MailSink,
    pids: tuple[int, ...],
    db_pids: Callable[[], tuple[int, ...]] = tuple,
) -> Level:
    level, per = Level(), math.ceil(total / concurrency)
    cpu0, server0, machine0 = proc_cpu(*pids), proc_cpu(pids[0]), machine_cpu()
    db0, bench0 = {pid: proc_cpu(pid) for pid in db_pids()}, proc_cpu(os.getpid())

    def body(i: int) -> None:
        me, to = senders[i], senders[(i + 1) % len(senders)].member
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {me.token}"}, timeout=60) as client:
            for j in range(per):
                try:
                    t0 = time.time()
                    (aid,) = addressees(client.post("/api/v1/messages", json=message(to, "flash", j)))
                    arrived = sink.first(aid, 60)
                    if arrived is None:
                        level.fail(f"no mail within 60 s for addressee {aid}")
                    else:
                        level.add(arrived - t0, aid, t0)
                except Exception as exc:  # reported with the figures, and the run fails
                    level.fail(f"{type(exc).__name__}: {exc}")

    level.wall = run_threads(concurrency, body)
    level.cpu_s, level.busy = proc_cpu(*pids) - cpu0, busy_between(machine0, machine_cpu())
    level.server_cpu_s = proc_cpu(pids[0]) - server0
    # PostgreSQL processes alive at the end (those that ended during the level are missed: a lower bound)
    level.db_cpu_s = sum(proc_cpu(pid) - db0.get(pid, 0.0) for pid in db_pids())
    level.bench_cpu_s = proc_cpu(os.getpid()) - bench0
    return level


def baseline_level(smtp_url: str, concurrency: int, total: int, sink: MailSink) -> Level:
    """The same senders hand one mail each straight to the SMTP server with Liaison's SmtpSender."""
    from liaison.channels.registry import Outgoing, SmtpSender

    smtp = SmtpSender(smtp_url, f"liaison@{DOMAIN}")
    level, per = Level(), math.ceil(total / concurrency)
    text = message("M0001", "flash", 0)["body"] * 2

    def body(i: int) -> None:
        for _ in range(per):
            key = f"baseline-{secrets.token_hex(8)}:0:0:bench:bench"
            item = Outgoing("email", "duty@m0001.bench.example", "[FLASH] Threat notice", text, key, priority="flash")
            t0 = time.time()
            try:
                smtp.send(item)
            except Exception as exc:
                level.fail(f"{type(exc).__name__}: {exc}")
                continue
            arrived = sink.first(key.split(":")[0], 10)
            if arrived is None:
                level.fail("baseline mail not seen")
            else:
                level.add(arrived - t0)

    level.wall = run_threads(concurrency, body)
    return level


# -- escalation --


class BarePoller:
    """The baseline: wakes every ``interval`` seconds and pops the due times that have passed from a heap,
    recording how late each was popped. No database, no delivery."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.heap: list[float] = []
        self.late: list[float] = []
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self.run, name="bare-poller", daemon=True)

    def add(self, due: float) -> None:
        with self.lock:
            heapq.heappush(self.heap, due)

    def run(self) -> None:
        while True:
            now = time.time()
            with self.lock:
                while self.heap and self.heap[0] <= now:
                    self.late.append(now - heapq.heappop(self.heap))
                empty = not self.heap
            if empty and self.closed.is_set():
                return
            time.sleep(self.interval)


def send_routine(
    base: str, senders: list[Sender], count: int, spread: float, threads: int, delay: float, poller: BarePoller
) -> tuple[list[str], list[str], float]:
    """``count`` routine messages from ``threads`` senders, paced to spread over ``spread`` seconds; returns
    the addressee ids, the errors, and the time the sending took."""
    out: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    t_start = time.time() + 0.5

    def body(i: int) -> None:
        me = senders[i]
        others = [s.member for s in senders if s.member != me.member]
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {me.token}"}, timeout=60) as client:
            for j, n in enumerate(range(i, count, threads)):
                wait = t_start + n * spread / count - time.time()
                if wait > 0:
                    time.sleep(wait)
                try:
                    t0 = time.time()
                    ids = addressees(
                        client.post("/api/v1/messages", json=message(others[j % len(others)], "routine", n))
                    )
                    poller.add(t0 + delay)
                    with lock:
                        out.extend(ids)
                except Exception as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")

    run_threads(threads, body)
    return out, errors, time.time() - t_start


# -- broadcast --


@dataclass
class Broadcast:
    seconds: list[float] = field(default_factory=list)
    notifications: list[int] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    addressees: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    busy: float = 0.0
    wall: float = 0.0


def broadcast_level(
    base: str, url: str, senders: list[Sender], repeats: int, sink: MailSink, pids: tuple[int, ...]
) -> Broadcast:
    """``repeats`` times, one after the other: a flash threat notice from the first member's sender to every
    member of BENCH; the time from the instant before the POST until the last first-step notification of an
    on-duty contact is received: each e-mail at the SMTP server, each mobile (SMS log) notification recorded
    as sent by the worker (``sent_at``; the log gateway has no receiving end)."""
    from sqlalchemy import select
    from sqlalchemy.pool import NullPool

    from liaison.db import make_engine
    from liaison.models import Notification
    from liaison.settings import load_settings

    out = Broadcast()
    engine = make_engine(load_settings(database_url=url, env="development").sqlalchemy_url, poolclass=NullPool)
    everyone = [x.member for x in senders]
    cpu0, machine0, t_start = proc_cpu(*pids), machine_cpu(), time.perf_counter()
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {senders[0].token}"}, timeout=60) as client:
            for n in range(repeats):
                t0 = time.time()
                response = client.post("/api/v1/messages", json=message(everyone[0], "flash", n) | {"to": everyone})
                try:
                    out.addressees += addressees(response)
                except RuntimeError as exc:
                    out.errors.append(str(exc))
                    continue
                mid = uuid.UUID(response.json()["id"])
                query = select(
                    Notification.key, Notification.channel_kind, Notification.status, Notification.sent_at
                ).where(Notification.message_id == mid, Notification.round == 0, Notification.step == 0)
                last: float | None = None
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    with engine.connect() as conn:
                        rows = [r for r in conn.execute(query).all() if r.status != "skipped"]
                    times = []
                    for key, kind, status, sent_at in rows:
                        if kind == "email":
                            times.append(sink.arrival(key.replace(":", ".")))
                        else:
                            times.append(sent_at.timestamp() if status == "sent" and sent_at else None)
                    if rows and None not in times:
                        last = max(t for t in times if t is not None)
                        break
                    time.sleep(0.05)
                if last is None:
                    out.errors.append(f"broadcast {n}: not every notification received within 120 s")
                    continue
                out.seconds.append(last - t0)
                out.notifications.append(len(rows))
                out.by_kind.update(kind for _, kind, _, _ in rows)
                time.sleep(0.5)  # the next broadcast starts on an idle node
    finally:
        engine.dispose()
    out.wall = time.perf_counter() - t_start
    out.cpu_s, out.busy = proc_cpu(*pids) - cpu0, busy_between(machine0, machine_cpu())
    return out


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


# -- checks --


def exactly_once(rows: list[Row], mails: list[tuple[str, float]], sent: set[str]) -> dict[str, Any]:
    """Every e-mail notification in the database arrived once; every mail is one of them; every addressee
    the API returned got its first-step mail."""
    counts = Counter(k for k, _ in mails if not k.startswith("baseline-"))
    email = {r.key for r in rows if r.kind == "email" and r.status != "skipped"}
    first = {r.addressee for r in rows if r.kind == "email" and (r.round, r.step) == (0, 0) and r.key in counts}
    problems = {
        "duplicates": sorted(k for k, c in counts.items() if c > 1),
        "missing": sorted(email - counts.keys()),
        "unknown": sorted(counts.keys() - email),
        "not_sent": sorted(f"{r.key} ({r.status})" for r in rows if r.status not in ("sent", "skipped")),
        "addressees_without_mail": sorted(sent - first),
    }
    return {"mails": sum(counts.values()), "notifications": len(email)} | {k: v for k, v in problems.items() if v}


def breakdown(level: Level, rows: list[Row], arrival: dict[str, float]) -> dict[str, dict[str, float]]:
    """Where a delivery's time goes, per addressee: POST to the send action's clock (HTTP, authentication,
    validation), to the step firing (commit, waking the worker, claim, escalate), to the SMTP server (commit,
    claim, delivery)."""
    first: dict[str, Row] = {}
    for r in rows:
        if r.kind == "email" and (r.round, r.step) == (0, 0) and r.key in arrival:
            if r.addressee not in first or arrival[r.key] < arrival[first[r.addressee].key]:
                first[r.addressee] = r
    phases: dict[str, list[float]] = {"post_to_send_action": [], "to_step_fired": [], "to_smtp": []}
    for aid, t0 in zip(level.addressees, level.posted, strict=True):
        if (r := first.get(aid)) is not None:
            phases["post_to_send_action"].append(r.message_sent_at - t0)
            phases["to_step_fired"].append(r.created_at - r.message_sent_at)
            phases["to_smtp"].append(arrival[r.key] - r.created_at)
    return {k: {m: v for m, v in summary(x).items() if not m.startswith("max")} for k, x in phases.items() if x}


# -- the run --


@dataclass
class Setup:
    url: str
    base: str
    env: dict[str, str]
    senders: list[Sender]
    server: subprocess.Popen[bytes]
    log: Path
    load_s: float


@contextmanager
def served(args: argparse.Namespace, tmp: Path, sink: MailSink, poll: float, policy: str) -> Iterator[Setup]:
    """The database, the BENCH directory and its senders, and `liaison serve` on it (embedded worker or not)."""
    server = None
    log = tmp / "server.log"
    with database(args.database_url, tmp) as url:
        env = {
            **os.environ,
            "LIAISON_DATABASE_URL": url,
            "LIAISON_ENV": "development",
            "LIAISON_LOG_LEVEL": "warning",
            "LIAISON_SMTP_URL": sink.url,
            "LIAISON_MAIL_FROM": f"liaison@{DOMAIN}",
            "LIAISON_WORKER_POLL_SECONDS": str(poll),
            "LIAISON_EMBEDDED_WORKER": "true" if args.worker == "embedded" else "false",
        }
        t0 = time.perf_counter()
        subprocess.run([liaison_cli(), "db", "upgrade"], env=env, check=True, capture_output=True)
        scale = f"{args.members},{args.contacts},{args.days}"
        load = [liaison_cli(), "demo", "load", "--bench", scale, "--password", PASSWORD]
        subprocess.run(load, env=env, check=True, capture_output=True)
        senders = senders_and_policy(url, env, policy)
        load_s = time.perf_counter() - t0
        port = free_port()
        serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
        try:
            server = start(command(serve, args, "serve"), env, log)
            base = f"http://127.0.0.1:{port}"
            wait_for_api(base, server, log)
            yield Setup(url, base, env, senders, server, log, load_s)
        finally:
            stop(server)


@contextmanager
def workers(s: Setup, args: argparse.Namespace, count: int, tag: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` `liaison worker` processes beside the server (none with the embedded worker)."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        if args.worker == "separate":
            for i in range(count):
                words = ["worker", "--name", f"bench-{tag}-{i + 1}"]
                procs.append(start(command(words, args, f"worker-{tag}-{i + 1}"), s.env, s.log))
            time.sleep(1.0)
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"liaison worker exited:\n{s.log.read_text()[-3000:]}")
        yield procs
    finally:
        for p in procs:
            stop(p)


def command(words: list[str], args: argparse.Namespace, name: str) -> list[str]:
    """The `liaison` command line, under cProfile (``--profile``) or the stack sampler (``--sample-stacks``)."""
    here = Path(__file__).parent
    if args.profile is not None:
        return [sys.executable, str(here / "cprofile_run.py"), str(args.profile / name), "--", *words]
    if args.sample_stacks is not None:
        args.sample_stacks.mkdir(parents=True, exist_ok=True)
        out = args.sample_stacks / f"{name}.txt"
        return [sys.executable, str(here / "stack_sampler.py"), str(out), "--", *words]
    return [liaison_cli(), *words]


def signal_all(procs: list[subprocess.Popen[bytes]], sig: int) -> None:
    for p in procs:
        with suppress(ProcessLookupError):
            os.kill(p.pid, sig)


def settle(url: str, sink: MailSink, routine: set[str], delay: float) -> list[Row]:
    """Wait for every deputy mail, then for no notification to be pending; the notifications."""

    def deputies_in() -> int:
        return len({k.split(".")[0] for k, _ in sink.keys() if ".0.1." in k and k.split(".")[0] in routine})

    wait_until(lambda: deputies_in() >= len(routine), delay + 120)
    rows: list[Row] = []

    def settled() -> bool:
        nonlocal rows
        rows = notifications(url)
        return all(r.status in ("sent", "skipped", "failed") for r in rows)

    wait_until(settled, 60)
    time.sleep(1)  # the last mails land
    return notifications(url)


def audit_lateness(url: str, since: float) -> list[float]:
    """``late_seconds`` of the ``message.escalate`` audit rows since ``since`` for steps after the first (the
    first fires in the send's own transaction): how late the worker fired them, as the worker itself recorded."""
    from datetime import UTC, datetime

    from sqlalchemy import select
    from sqlalchemy.pool import NullPool

    from liaison.db import make_engine
    from liaison.models import AuditEvent
    from liaison.settings import load_settings

    engine = make_engine(load_settings(database_url=url, env="development").sqlalchemy_url, poolclass=NullPool)
    at = datetime.fromtimestamp(since, UTC)
    try:
        with engine.connect() as conn:
            details = conn.scalars(
                select(AuditEvent.details).where(AuditEvent.action == "message.escalate", AuditEvent.at >= at)
            ).all()
    finally:
        engine.dispose()
    return [float(d["late_seconds"]) for d in details if (d.get("round"), d.get("step")) != (0, 0)]


def delivery_figures(c: int, ours: Level, floor: Level, rows: list[Row], arrival: dict[str, float]) -> dict[str, Any]:
    n = max(1, len(ours.latencies))
    return {
        "senders": c,
        "messages": len(ours.latencies),
        **summary(ours.latencies),
        "per_second": round(len(ours.latencies) / ours.wall, 1),
        "cpu_ms_per_message": round(ours.cpu_s / n * 1000, 1),
        "server_cpu_ms_per_message": round(ours.server_cpu_s / n * 1000, 1),
        "worker_cpu_ms_per_message": round((ours.cpu_s - ours.server_cpu_s) / n * 1000, 1),
        "postgres_cpu_ms_per_message": round(ours.db_cpu_s / n * 1000, 1),
        "bench_cpu_ms_per_message": round(ours.bench_cpu_s / n * 1000, 1),
        "machine_busy": round(ours.busy, 2),
        "breakdown": breakdown(ours, rows, arrival),
        "baseline_smtp_direct": {**summary(floor.latencies), "per_second": round(len(floor.latencies) / floor.wall, 1)},
    }


def escalation_figures(
    rows: list[Row],
    arrival: dict[str, float],
    poller: BarePoller,
    policy: str,
    spread: float,
    routine: set[str],
    audited: list[float],
) -> dict[str, Any]:
    deputy = [r for r in rows if r.addressee in routine and (r.round, r.step) == (0, 1)]
    fired = {r.addressee: r.created_at - r.due_at for r in deputy}
    mailed = [arrival[r.key] - r.due_at for r in deputy if r.kind == "email" and r.key in arrival]
    return {
        "policy": f"routine: {policy}",
        "escalations": len(fired),
        "sent_over_seconds": round(spread, 1),
        "fire_late": summary(list(fired.values()), 1.0, 3) if fired else {},
        "audit_late_seconds": summary(audited, 1.0, 3) if audited else {},
        "smtp_late": summary(mailed, 1.0, 3) if mailed else {},
        "baseline_bare_poller": summary(poller.late, 1.0, 3) if poller.late else {},
    }


def broadcast_figures(count: int, b: Broadcast) -> dict[str, Any]:
    received = sum(b.notifications)
    return {
        "workers": count,
        "broadcasts": len(b.seconds),
        "notifications_each": round(received / max(1, len(b.notifications)), 1),
        "channels": dict(b.by_kind),
        **(summary(b.seconds, 1.0, 3) if b.seconds else {}),
        "notifications_per_second": round(received / max(sum(b.seconds), 1e-9), 1),
        "cpu_ms_per_notification": round(b.cpu_s / max(1, received) * 1000, 2),
        "machine_busy": round(b.busy, 2),
        "seconds": [round(x, 3) for x in b.seconds],
    }


def run_workers(
    args: argparse.Namespace, s: Setup, sink: MailSink, count: int, levels: list[int], poll: float, policy: str
) -> tuple[dict[str, Any], set[str], list[str]]:
    """Delivery at each concurrency level and escalation lateness with ``count`` workers; the figures (without
    the parts that need every row), the addressees sent to, and the errors."""
    since = time.time()
    with workers(s, args, count, f"w{count}") as procs:
        pids = (s.server.pid, *(p.pid for p in procs))
        warm = delivery_level(s.base, s.senders, 10, 20, sink, pids)  # connections, caches, first compiles
        delivery = []
        for c in levels:
            profiled = args.profile is not None and c == max(levels)
            if profiled:
                signal_all([s.server, *procs], signal.SIGUSR1)
            ours = delivery_level(s.base, s.senders, c, args.messages, sink, pids, lambda: database_pids(s.url))
            if profiled:
                signal_all([s.server, *procs], signal.SIGUSR2)
                time.sleep(1.0)  # the profiles are written
            delivery.append((c, ours, baseline_level(sink.url, c, args.messages, sink)))
        poller = BarePoller(poll)
        poller.thread.start()
        routine, errors, spread = send_routine(
            s.base, s.senders, args.escalations, args.spread, 8, args.deputy_delay, poller
        )
        poller.closed.set()
        rows = settle(s.url, sink, set(routine), args.deputy_delay)
        poller.thread.join(timeout=30)
    arrival = dict(sink.keys())
    figures = {
        "workers": count,
        "delivery": [delivery_figures(c, ours, floor, rows, arrival) for c, ours, floor in delivery],
        "escalation": escalation_figures(
            rows, arrival, poller, policy, spread, set(routine), audit_lateness(s.url, since)
        ),
        "routine_sent": len(routine),
    }
    if args.profile is not None and levels:
        figures["profile"] = profile_summary(args.profile, count, max(levels), len(delivery[-1][1].latencies))
    sent = set(warm.addressees) | {a for _, o, _ in delivery for a in o.addressees} | set(routine)
    errs = warm.errors + [e for _, o, b in delivery for e in o.errors + b.errors] + errors
    return figures, sent, errs


# -- the profile --

STAGES = (
    # (process, label, file ending, function): CPU per message of the function and what it calls
    ("serve", "send API: the route (validation, transaction, commit)", "liaison/web/api/exchange.py", "send"),
    ("serve", "  send_message (the action)", "liaison/actions/exchange.py", "send_message"),
    ("serve", "    first step fired in the send (fire_due)", "liaison/escalation/firing.py", "fire_due"),
    ("serve", "    audit rows (audit)", "liaison/actions/audit.py", "audit"),
    ("serve", "  commit (Session.commit)", "sqlalchemy/orm/session.py", "commit"),
    ("serve", "authentication (bearer token)", "liaison/web/deps.py", "*"),
    ("worker", "claim (queue.claim)", "liaison/escalation/queue.py", "claim"),
    ("worker", "_prepare (mark sending, build what is sent)", "liaison/escalation/worker.py", "_prepare"),
    ("worker", "  outgoing (format the notice, ack token)", "liaison/escalation/notice.py", "outgoing"),
    ("worker", "  sender_label", "liaison/escalation/notice.py", "sender_label"),
    ("worker", "_escalate (later steps)", "liaison/escalation/worker.py", "_escalate"),
    ("worker", "_send (channel, then record the outcome)", "liaison/escalation/worker.py", "_send"),
    ("worker", "  channel senders (registry *.send)", "liaison/channels/registry.py", "send"),
    ("worker", "    SMTP connect + EHLO (smtplib.SMTP.__init__)", "smtplib.py", "__init__"),
    ("worker", "    SMTP send_message (format + DATA)", "smtplib.py", "send_message"),
    ("worker", "    SMTP QUIT (__exit__)", "smtplib.py", "__exit__"),
    ("worker", "commits (Session.commit)", "sqlalchemy/orm/session.py", "commit"),
    ("worker", "directory snapshot (DirectoryCache.get)", "liaison/queries/snapshot.py", "get"),
)
PACKAGES = (
    ("sqlalchemy/orm/", "SQLAlchemy ORM"),
    ("sqlalchemy/engine/", "SQLAlchemy engine"),
    ("sqlalchemy/sql/", "SQLAlchemy SQL compiler/expressions"),
    ("sqlalchemy/", "SQLAlchemy other"),
    ("psycopg", "psycopg"),
    ("/liaison/", "Liaison"),
    ("/email/", "stdlib email"),
    ("smtplib", "stdlib smtplib"),
    ("logging", "stdlib logging"),
    ("pydantic", "pydantic"),
    ("fastapi", "FastAPI"),
    ("starlette", "Starlette"),
    ("anyio", "anyio (thread pool)"),
    ("uvicorn", "uvicorn"),
    ("httptools", "uvicorn"),
    ("asyncio", "asyncio"),
    ("threading", "threading"),
    ("concurrent", "threading"),
    ("argon2", "argon2"),
    ("json", "json"),
    ("uuid", "uuid"),
)


def _where(key: tuple[str, int, str]) -> str:
    path, line, func = key
    short = path.split("site-packages/")[-1].split("/src/")[-1].split("/lib/python3.11/")[-1]
    return f"{short}:{line}:{func}" if line else func


def _package(key: tuple[str, int, str]) -> str:
    path = key[0]
    if path == "~":  # a built-in (C) function: charged to what it is
        name = key[2]
        if "psycopg" in name or "pq" in name:
            return "psycopg"
        if "socket" in name or "select" in name or "poll" in name:
            return "sockets (C)"
        return "built-ins (C)"
    return next((label for part, label in PACKAGES if part in path), "other")


def profile_summary(folder: Path, count: int, level: int, messages: int) -> dict[str, Any]:
    """What the cProfile windows of one run say, per message: each stage of the hot path (cumulative CPU),
    the most expensive functions by their own CPU, and by package."""
    import pstats

    out: dict[str, Any] = {"senders": level, "messages": messages, "processes": {}}
    files = {"serve": sorted(folder.glob("serve.*.prof")), "worker": sorted(folder.glob(f"worker-w{count}-*.1.prof"))}
    if not files["serve"]:
        return out | {"error": "no profile written"}
    files["serve"] = [files["serve"][-1]]  # the server runs through every worker count: its latest window
    per = 1000.0 / max(1, messages)
    stats_by: dict[str, pstats.Stats] = {}
    for proc, paths in files.items():
        if not paths:
            continue
        st = pstats.Stats(*map(str, paths))
        for k in [k for k in st.stats if "_lsprof" in k[2]]:  # type: ignore[attr-defined]
            del st.stats[k]  # type: ignore[attr-defined]  # the profiler's own window switch
        stats_by[proc] = st
        total = sum(v[2] for v in st.stats.values())  # type: ignore[attr-defined]
        threads: Counter[str] = Counter()
        for path in paths:
            with suppress(OSError, ValueError):
                threads.update(json.loads(Path(str(path).replace(".prof", ".threads.json")).read_text()))
        out["processes"][proc] = {
            "files": [p.name for p in paths],
            "cpu_ms_per_message": round(total * per, 2),
            "threads_ms_per_message": {k: round(v * per, 2) for k, v in threads.most_common()},
        }
    stages = []
    for proc, label, ending, func in STAGES:
        st = stats_by.get(proc)
        if st is None:
            continue
        keys = [k for k in st.stats if k[0].endswith(ending) and (func == "*" or k[2] == func)]  # type: ignore[attr-defined]
        if func == "*":  # every function of the module: its own time plus what it calls from outside
            ct = sum(st.stats[k][3] for k in keys if not any(c[0].endswith(ending) for c in st.stats[k][4]))  # type: ignore[attr-defined]
        else:
            ct = sum(st.stats[k][3] for k in keys)  # type: ignore[attr-defined]
        stages.append(
            {
                "process": proc,
                "stage": label,
                "ms_per_message": round(ct * per, 2),
                "calls": sum(st.stats[k][1] for k in keys),
            }
        )  # type: ignore[attr-defined]
    out["stages"] = stages
    own: list[tuple[float, str, str]] = []
    packages: Counter[str] = Counter()
    for proc, st in stats_by.items():
        for k, v in st.stats.items():  # type: ignore[attr-defined]
            own.append((v[2], proc, _where(k)))
            packages[f"{proc}: {_package(k)}"] += v[2]
    out["top_self"] = [
        {"process": p, "function": w, "ms_per_message": round(t * per, 3)} for t, p, w in sorted(own, reverse=True)[:25]
    ]
    out["by_package"] = {k: round(v * per, 2) for k, v in packages.most_common(24)}
    cumulative = []
    for proc, st in stats_by.items():
        for k, v in st.stats.items():  # type: ignore[attr-defined]
            if "/liaison/" in k[0]:
                cumulative.append((v[3], proc, _where(k), v[1]))
    out["top_liaison_cumulative"] = [
        {
            "process": p,
            "function": w,
            "ms_per_message": round(t * per, 2),
            "calls_per_message": round(n / max(1, messages), 2),
        }
        for t, p, w, n in sorted(cumulative, reverse=True)[:30]
    ]
    return out


# -- the run --


def load_average() -> str:
    with suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=100, help="members of BENCH (the broadcast goes to all)")
    ap.add_argument("--contacts", type=int, default=3)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--levels", default="1,10,50", help="concurrent senders, comma-separated ('': no delivery part)")
    ap.add_argument("--messages", type=int, help="messages per concurrency level (default 200; --quick 60)")
    ap.add_argument(
        "--escalations", type=int, help="routine messages, each escalating once (default 1000; --quick 300)"
    )
    ap.add_argument("--spread", type=float, default=15.0, help="seconds over which the escalated messages are sent")
    ap.add_argument("--deputy-delay", type=int, default=10, help="seconds from send to the deputy step")
    ap.add_argument("--broadcasts", type=int, help="broadcasts per worker count (default 15; --quick 5; 0: none)")
    ap.add_argument("--poll-seconds", type=float, help="LIAISON_WORKER_POLL_SECONDS (default: the setting's)")
    ap.add_argument(
        "--worker",
        choices=("embedded", "separate"),
        help="the worker inside `liaison serve` (SQLite default) or `liaison worker` processes (PostgreSQL default)",
    )
    ap.add_argument(
        "--workers",
        help="with --worker separate: worker process counts, each run in turn (default: 1,2,4 on "
        "PostgreSQL, 1 on SQLite)",
    )
    ap.add_argument("--quick", action="store_true", help="fewer messages and broadcasts: a few minutes")
    ap.add_argument("--database-url", help="a PostgreSQL server: a fresh database is created on it and dropped")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument(
        "--profile",
        type=Path,
        help="run the server and workers under cProfile (CPU time per thread) during the largest delivery level; "
        "writes DIR/*.prof (read with pstats or snakeviz) and prints CPU per message by stage",
    )
    ap.add_argument("--sample-stacks", type=Path, help="sample the server's and workers' stacks into this folder")
    args = ap.parse_args()
    postgres = bool(args.database_url)
    args.worker = args.worker or ("separate" if postgres else "embedded")
    args.messages = args.messages or (60 if args.quick else 200)
    args.escalations = args.escalations if args.escalations is not None else (300 if args.quick else 1000)
    args.broadcasts = args.broadcasts if args.broadcasts is not None else (5 if args.quick else 15)
    counts = [int(c) for c in (args.workers or ("1,2,4" if postgres else "1")).split(",") if c.strip()]
    if args.worker == "embedded":
        counts = [1]
    levels = [int(c) for c in args.levels.split(",") if c.strip()]
    if levels and max(levels) >= args.members:
        ap.error("every concurrency level must be below the number of members")
    if args.profile and args.sample_stacks:
        ap.error("--profile and --sample-stacks: one at a time")
    if args.profile:
        args.profile = args.profile.resolve()
        for old in args.profile.glob("*.prof"):
            old.unlink()
    from liaison.settings import Settings

    poll = args.poll_seconds or float(Settings.model_fields["worker_poll_seconds"].default)
    policy = f"on-duty@0s,deputy@{args.deputy_delay}s"
    load_before = load_average()
    before = machine_cpu()
    time.sleep(2)
    busy_before = busy_between(before, machine_cpu())
    tmp = Path(tempfile.mkdtemp(prefix="liaison-dispatch-"))
    sink = MailSink()
    sink.controller.start()
    t_run = time.perf_counter()
    runs: list[dict[str, Any]] = []
    broadcasts: list[dict[str, Any]] = []
    sent: set[str] = set()
    errors: list[str] = []
    try:
        with served(args, tmp, sink, poll, policy) as s:
            for count in counts:
                figures, addressed, errs = run_workers(args, s, sink, count, levels, poll, policy)
                runs.append(figures)
                sent |= addressed
                errors += errs
            if args.broadcasts:
                added = add_second_email(s.url)
                time.sleep(1.0)  # the server's directory snapshot picks up the new channels
                for count in counts:
                    with workers(s, args, count, f"b{count}") as procs:
                        pids = (s.server.pid, *(p.pid for p in procs))
                        warm_b = broadcast_level(s.base, s.url, s.senders, 1, sink, pids)
                        b = broadcast_level(s.base, s.url, s.senders, args.broadcasts, sink, pids)
                    sent |= set(warm_b.addressees) | set(b.addressees)
                    errors += warm_b.errors + b.errors
                    broadcasts.append(broadcast_figures(count, b) | {"second_emails_added": added})
            rows = notifications(s.url)
            time.sleep(0.5)
            rows = notifications(s.url)
    finally:
        sink.controller.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    mails = sink.keys()
    check = exactly_once(rows, mails, sent)
    result: dict[str, Any] = {
        "machine": machine(),
        "machine_busy_before": round(busy_before, 2),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "database": s.url.split(":", 1)[0],
        "worker": args.worker,
        "poll_seconds": poll,
        "directory": {
            "members": args.members,
            "contacts_per_member": args.contacts,
            "rotation_days": args.days,
            "load_seconds": round(s.load_s, 1),
        },
        "runs": runs,
        "broadcast": broadcasts,
        "scaling": scaling(runs, broadcasts),
        "exactly_once": check,
        "errors": errors[:20],
        "run_seconds": round(time.perf_counter() - t_run, 1),
        "targets": TARGETS,
    }
    result["met"] = met(runs, broadcasts)
    result["ok"] = (
        not errors
        and set(check) == {"mails", "notifications"}
        and all(r["routine_sent"] == r["escalation"]["escalations"] == args.escalations for r in runs)
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    if not result["ok"]:
        print("FAILED: errors, or not every message delivered exactly once (see above)", file=sys.stderr)
        return 1
    return 0


def scaling(runs: list[dict[str, Any]], broadcasts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per worker count: throughput at the largest concurrency level, per worker and against one worker."""
    out = []
    base_rate = None
    for r in runs:
        top = max(r["delivery"], key=lambda d: d["senders"]) if r["delivery"] else None
        b = next((x for x in broadcasts if x["workers"] == r["workers"]), None)
        rate = top["per_second"] if top else None
        base_rate = base_rate or rate
        out.append(
            {
                "workers": r["workers"],
                "senders": top["senders"] if top else None,
                "messages_per_second": rate,
                "per_worker": round(rate / r["workers"], 1) if rate else None,
                "speedup": round(rate / base_rate, 2) if rate and base_rate else None,
                "delivery_p99_ms": top["p99_ms"] if top else None,
                "server_cpu_ms_per_message": top["server_cpu_ms_per_message"] if top else None,
                "worker_cpu_ms_per_message": top["worker_cpu_ms_per_message"] if top else None,
                "postgres_cpu_ms_per_message": top.get("postgres_cpu_ms_per_message") if top else None,
                "machine_busy": top["machine_busy"] if top else None,
                "broadcast_notifications_per_second": b["notifications_per_second"] if b else None,
                "broadcast_p99_s": b.get("p99_s") if b else None,
                "escalation_fire_p99_s": r["escalation"]["fire_late"].get("p99_s"),
                "escalation_smtp_p99_s": r["escalation"]["smtp_late"].get("p99_s"),
            }
        )
    return out


def met(runs: list[dict[str, Any]], broadcasts: list[dict[str, Any]]) -> dict[str, dict[int, bool | None]]:
    out: dict[str, dict[int, bool | None]] = {"delivery": {}, "escalation": {}, "broadcast": {}}
    for r in runs:
        at50 = next((d for d in r["delivery"] if d["senders"] == 50), None)
        out["delivery"][r["workers"]] = None if at50 is None else at50["p99_ms"] < TARGETS["delivery_p99_ms_under"]
        e = r["escalation"]
        late = [e[k]["p99_s"] for k in ("fire_late", "smtp_late") if e[k]]
        out["escalation"][r["workers"]] = len(late) == 2 and max(late) < TARGETS["escalation_p99_s_under"]
    for b in broadcasts:
        out["broadcast"][b["workers"]] = "p99_s" in b and b["p99_s"] < TARGETS["broadcast_p99_s_under"]
    return out


def delivery_table(rows: list[dict[str, Any]]) -> None:
    print("delivery: send API call -> SMTP server holds the mail (one message in flight per sender)")
    print(
        f"{'senders':>8}{'msgs':>6} | {'Liaison p50':>12}{'p95':>9}{'p99':>9}{'max':>9}{'msg/s':>8} | "
        f"{'SMTP direct p50':>16}{'p99':>9}{'msg/s':>8}"
    )
    for x in rows:
        b = x["baseline_smtp_direct"]
        print(
            f"{x['senders']:>8}{x['messages']:>6} | {x['p50_ms']:>9.1f} ms{x['p95_ms']:>9.1f}{x['p99_ms']:>9.1f}"
            f"{x['max_ms']:>9.1f}{x['per_second']:>8.1f} | {b['p50_ms']:>13.1f} ms{b['p99_ms']:>9.1f}"
            f"{b['per_second']:>8.1f}"
        )
    print(
        "where it goes, p50 / p99 ms: POST -> send action | -> step fired | -> SMTP holds the mail; "
        "CPU ms per message: server + workers (+ PostgreSQL, + this benchmark's senders and SMTP server); "
        "machine CPU busy"
    )
    for x in rows:
        parts = " | ".join(f"{p['p50_ms']:>6.1f} / {p['p99_ms']:<6.1f}" for p in x["breakdown"].values())
        print(
            f"{x['senders']:>8} senders: {parts}; {x['server_cpu_ms_per_message']:5.1f} + "
            f"{x['worker_cpu_ms_per_message']:5.1f} (+ {x.get('postgres_cpu_ms_per_message', 0):.1f}, + "
            f"{x.get('bench_cpu_ms_per_message', 0):.1f}); {x['machine_busy']:.0%}"
        )


def escalation_table(e: dict[str, Any]) -> None:
    rate = e["escalations"] / max(e["sent_over_seconds"], 0.1)
    print(
        f"escalation lateness: {e['escalations']} deputy steps ({e['policy']}), messages sent over "
        f"{e['sent_over_seconds']} s ({rate:.0f}/s)"
    )
    print(f"{'':<40}{'p50 s':>9}{'p99 s':>9}{'max s':>9}")
    for label, s in (
        ("step fired (row created) - due", e["fire_late"]),
        ("late_seconds of message.escalate rows", e["audit_late_seconds"]),
        ("deputy mail at SMTP - due", e["smtp_late"]),
        ("baseline: bare poller - due", e["baseline_bare_poller"]),
    ):
        if s:
            print(f"{label:<40}{s['p50_s']:>9.3f}{s['p99_s']:>9.3f}{s['max_s']:>9.3f}")


def profile_table(p: dict[str, Any]) -> None:
    print(
        f"profile (cProfile, per-thread CPU clock) of the {p['senders']}-sender level, {p['messages']} messages; "
        "ms of CPU per message (profiled: about 1.5-2x the unprofiled figures, read the shares)"
    )
    for proc, x in p["processes"].items():
        threads = ", ".join(f"{k} {v:.2f}" for k, v in x["threads_ms_per_message"].items() if v >= 0.05)
        print(f"  {proc}: {x['cpu_ms_per_message']:.2f} ms in all ({', '.join(x['files'])}); by thread: {threads}")
    print(f"  {'stage (cumulative: the function and what it calls)':<60}{'ms/msg':>8}{'calls':>8}")
    for st in p.get("stages", []):
        print(f"  {st['process']:<7}{st['stage']:<53}{st['ms_per_message']:>8.2f}{st['calls']:>8}")
    print(
        "  own CPU by package, ms/msg: "
        + "; ".join(f"{k} {v:.2f}" for k, v in list(p.get("by_package", {}).items())[:14])
    )
    print("  most expensive functions by their own CPU, ms/msg:")
    for f in p.get("top_self", [])[:15]:
        print(f"    {f['ms_per_message']:7.3f}  {f['process']:<7}{f['function']}")


def report(r: dict[str, Any]) -> None:
    d = r["directory"]
    if r["machine_busy_before"] > 0.15:
        print(f"WARNING: the machine was {r['machine_busy_before']:.0%} busy before the run: figures are pessimistic")
    print(
        f"machine: {r['machine']}; load average {r['load_average_before']} before, {r['load_average_after']} after\n"
        f"{r['database']}, {r['worker']} worker (poll {r['poll_seconds']} s); "
        f"BENCH {d['members']} members x {d['contacts_per_member']} contacts x {d['rotation_days']} days, "
        f"set up in {d['load_seconds']} s; whole run {r['run_seconds']} s"
    )
    for run in r["runs"]:
        label = "embedded worker" if r["worker"] == "embedded" else f"{run['workers']} `liaison worker` process(es)"
        print(f"\n== {label}")
        if run["delivery"]:
            delivery_table(run["delivery"])
        escalation_table(run["escalation"])
        if "profile" in run:
            profile_table(run["profile"])
    if r["broadcast"]:
        b0 = r["broadcast"][0]
        print(
            f"\nbroadcast: one flash threat notice to all {d['members']} members, {b0['notifications_each']:.0f} "
            f"first-step notifications each ({', '.join(f'{k} {v}' for k, v in b0['channels'].items())} in all); "
            "send API call -> the last one received (e-mail at the SMTP server, SMS log recorded sent)"
        )
        print(
            f"{'workers':>8}{'runs':>6}{'p50 s':>9}{'p99 s':>9}{'max s':>9}{'notif/s':>9}"
            f"{'CPU ms/notif':>14}{'busy':>6}"
        )
        for b in r["broadcast"]:
            print(
                f"{b['workers']:>8}{b['broadcasts']:>6}{b.get('p50_s', 0):>9.3f}{b.get('p99_s', 0):>9.3f}"
                f"{b.get('max_s', 0):>9.3f}{b['notifications_per_second']:>9.1f}{b['cpu_ms_per_notification']:>14.2f}"
                f"{b['machine_busy']:>6.0%}"
            )
    if r["scaling"] and r["scaling"][0]["messages_per_second"]:
        print("\nscaling (largest delivery level): msg/s, per worker, against 1 worker; CPU ms per message")
        print(
            f"{'workers':>8}{'msg/s':>8}{'/worker':>9}{'x':>6}{'p99 ms':>9}{'server':>8}{'workers':>9}"
            f"{'postgres':>10}{'busy':>6}"
        )
        for x in r["scaling"]:
            print(
                f"{x['workers']:>8}{x['messages_per_second']:>8.1f}{x['per_worker']:>9.1f}{x['speedup']:>6.2f}"
                f"{x['delivery_p99_ms']:>9.1f}{x['server_cpu_ms_per_message']:>8.1f}"
                f"{x['worker_cpu_ms_per_message']:>9.1f}{x.get('postgres_cpu_ms_per_message') or 0:>10.1f}"
                f"{x['machine_busy']:>6.0%}"
            )
    c = r["exactly_once"]
    print(f"\nexactly once: {c['mails']} mails for {c['notifications']} e-mail notifications", end="")
    bad = {k: v for k, v in c.items() if k not in ("mails", "notifications")}
    print(": OK" if not bad else f": PROBLEMS {json.dumps({k: v[:5] for k, v in bad.items()})}")
    for err in r["errors"]:
        print(f"error: {err}")
    t = r["targets"]
    for kind, what in (
        ("delivery", f"delivery p99 < {t['delivery_p99_ms_under']} ms at 50 senders"),
        ("escalation", f"escalation lateness p99 < {t['escalation_p99_s_under']} s"),
        ("broadcast", f"broadcast p99 < {t['broadcast_p99_s_under']} s"),
    ):
        verdicts = {n: v for n, v in r["met"][kind].items() if v is not None}
        if verdicts:
            print(
                f"target {what}: "
                + ", ".join(f"{n} worker(s) {'met' if v else 'NOT met'}" for n, v in verdicts.items())
            )


if __name__ == "__main__":
    sys.exit(main())
