"""Dispatch: from the send API call to the SMTP server holding the mail, and escalation lateness, each beside a
baseline from the same run.

    .venv/bin/python bench/dispatch.py [--database-url postgresql://...] [--worker separate] [--json]

Builds the BENCH directory (MEMBERS members x CONTACTS officers with DAYS of daily rotations, a 24/7 desk and a
deputy each), one sender user with the contact point role and an API token per member agency, and serves it
with `liaison serve` (embedded worker, or `--worker separate` for a `liaison worker` process) delivering e-mail
to a real SMTP server (aiosmtpd) in this process, which records each mail's Message-ID and arrival time.

1. Delivery: at 1, 10 and 50 concurrent senders, each sender posts a flash message to another member and waits
   for its mail (one message in flight per sender); latency = arrival of the first mail for that addressee
   minus the instant just before the POST. Baseline: the same senders handing one mail each straight to the
   same SMTP server with Liaison's own SmtpSender (no API, no queue, no worker): the floor of the measure.
2. Escalation: the network's routine policy becomes on-duty@0s,deputy@DELAY (10 s); ESCALATIONS (1,000)
   routine messages are sent by 8 threads, paced over SPREAD seconds (15), so as many deputy steps fall due
   spread over time while new messages still arrive (`--levels '' --spread 60` measures this part alone, at
   a quarter of the rate). Lateness = the notification row's creation (the step firing) minus its due time, and the
   deputy mail's arrival minus its due time. Baseline: a bare poller thread in this process that wakes every
   LIAISON_WORKER_POLL_SECONDS and pops the same due times from a heap (no database, no delivery): what the
   poll interval alone costs under the same machine load.

Every mail is checked against the notifications in the database: each one delivered exactly once (no
duplicate, none missing); otherwise the run fails with exit code 1. A PostgreSQL URL names a server: a fresh
database liaison_bench_<random> is created on it and dropped at the end. Beside the figures: where a delivery's
time goes (from the database's timestamps), the server's CPU time per message and how busy the machine was;
`--profile DIR` samples the server's thread stacks (bench/stack_sampler.py).
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
import socket
import subprocess
import sys
import tempfile
import threading
import time
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
TARGETS = {"delivery_p99_ms_under": 500, "escalation_p99_s_under": 2.0}


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
    """p50/p99/max of durations in seconds, in milliseconds (or seconds with scale=1)."""
    unit = "ms" if scale == 1000.0 else "s"
    return {
        f"p50_{unit}": round(pct(seconds, 50) * scale, digits),
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
    cmd = [liaison_cli(), "network", "set-escalation", "BENCH", "routine", routine_policy]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return out


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


def command(words: list[str], profile: Path | None) -> list[str]:
    if profile is None:
        return [liaison_cli(), *words]
    profile.parent.mkdir(parents=True, exist_ok=True)
    return [sys.executable, str(Path(__file__).parent / "stack_sampler.py"), str(profile), "--", *words]


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


def delivery_level(
    base: str, senders: list[Sender], concurrency: int, total: int, sink: MailSink, pids: tuple[int, ...]
) -> Level:
    level, per = Level(), math.ceil(total / concurrency)
    cpu0, machine0 = proc_cpu(*pids), machine_cpu()

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
    senders: list[Sender]
    pids: tuple[int, ...]
    load_s: float


@contextmanager
def served(args: argparse.Namespace, tmp: Path, sink: MailSink, poll: float, policy: str) -> Iterator[Setup]:
    """The database, the BENCH directory and its senders, and `liaison serve` (and `liaison worker`) on it."""
    server = worker = None
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
            server = start(command(serve, args.profile and args.profile / "serve.txt"), env, log)
            if args.worker == "separate":
                worker = start(command(["worker"], args.profile and args.profile / "worker.txt"), env, log)
            base = f"http://127.0.0.1:{port}"
            wait_for_api(base, server, log)
            yield Setup(url, base, senders, tuple(p.pid for p in (server, worker) if p is not None), load_s)
        finally:
            stop(worker)
            stop(server)


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


def delivery_figures(c: int, ours: Level, floor: Level, rows: list[Row], arrival: dict[str, float]) -> dict[str, Any]:
    return {
        "senders": c,
        "messages": len(ours.latencies),
        **summary(ours.latencies),
        "per_second": round(len(ours.latencies) / ours.wall, 1),
        "server_cpu_ms_per_message": round(ours.cpu_s / max(1, len(ours.latencies)) * 1000, 1),
        "machine_busy": round(ours.busy, 2),
        "breakdown": breakdown(ours, rows, arrival),
        "baseline_smtp_direct": {**summary(floor.latencies), "per_second": round(len(floor.latencies) / floor.wall, 1)},
    }


def escalation_figures(
    rows: list[Row], arrival: dict[str, float], poller: BarePoller, policy: str, spread: float
) -> dict[str, Any]:
    deputy = [r for r in rows if r.priority == "routine" and (r.round, r.step) == (0, 1)]
    fired = {r.addressee: r.created_at - r.due_at for r in deputy}
    mailed = [arrival[r.key] - r.due_at for r in deputy if r.kind == "email" and r.key in arrival]
    return {
        "policy": f"routine: {policy}",
        "escalations": len(fired),
        "sent_over_seconds": round(spread, 1),
        "fire_late": summary(list(fired.values()), 1.0, 3) if fired else {},
        "smtp_late": summary(mailed, 1.0, 3) if mailed else {},
        "baseline_bare_poller": summary(poller.late, 1.0, 3) if poller.late else {},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=60)
    ap.add_argument("--contacts", type=int, default=3)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--levels", default="1,10,50", help="concurrent senders, comma-separated ('': no delivery part)")
    ap.add_argument("--messages", type=int, default=200, help="messages per concurrency level")
    ap.add_argument("--escalations", type=int, default=1000, help="routine messages, each escalating once")
    ap.add_argument("--spread", type=float, default=15.0, help="seconds over which the escalated messages are sent")
    ap.add_argument("--deputy-delay", type=int, default=10, help="seconds from send to the deputy step")
    ap.add_argument("--poll-seconds", type=float, help="LIAISON_WORKER_POLL_SECONDS (default: the setting's)")
    ap.add_argument("--worker", choices=("embedded", "separate"), default="embedded", help="or `liaison worker`")
    ap.add_argument("--database-url", help="a PostgreSQL server: a fresh database is created on it and dropped")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--profile", type=Path, help="sample the server's (and worker's) stacks into this folder")
    args = ap.parse_args()
    levels = [int(c) for c in args.levels.split(",") if c.strip()]
    if levels and max(levels) >= args.members:
        ap.error("every concurrency level must be below the number of members")
    from liaison.settings import Settings

    poll = args.poll_seconds or float(Settings.model_fields["worker_poll_seconds"].default)
    policy = f"on-duty@0s,deputy@{args.deputy_delay}s"
    before = machine_cpu()
    time.sleep(2)
    busy_before = busy_between(before, machine_cpu())
    tmp = Path(tempfile.mkdtemp(prefix="liaison-dispatch-"))
    sink = MailSink()
    sink.controller.start()
    t_run = time.perf_counter()
    try:
        with served(args, tmp, sink, poll, policy) as s:
            warm = delivery_level(s.base, s.senders, 10, 20, sink, s.pids)  # connections, caches, first compiles
            delivery = []
            for c in levels:
                ours = delivery_level(s.base, s.senders, c, args.messages, sink, s.pids)
                delivery.append((c, ours, baseline_level(sink.url, c, args.messages, sink)))
            poller = BarePoller(poll)
            poller.thread.start()
            routine, errors, spread = send_routine(
                s.base, s.senders, args.escalations, args.spread, 8, args.deputy_delay, poller
            )
            poller.closed.set()
            rows = settle(s.url, sink, set(routine), args.deputy_delay)
            poller.thread.join(timeout=30)
    finally:
        sink.controller.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    mails = sink.keys()
    arrival = dict(mails)
    errors = warm.errors + [e for _, o, b in delivery for e in o.errors + b.errors] + errors
    sent = set(warm.addressees) | {a for _, o, _ in delivery for a in o.addressees} | set(routine)
    check = exactly_once(rows, mails, sent)
    escalation = escalation_figures(rows, arrival, poller, policy, spread)
    result: dict[str, Any] = {
        "machine": machine(),
        "machine_busy_before": round(busy_before, 2),
        "database": s.url.split(":", 1)[0],
        "worker": args.worker,
        "poll_seconds": poll,
        "directory": {
            "members": args.members,
            "contacts_per_member": args.contacts,
            "rotation_days": args.days,
            "load_seconds": round(s.load_s, 1),
        },
        "delivery": [delivery_figures(c, ours, floor, rows, arrival) for c, ours, floor in delivery],
        "escalation": escalation,
        "exactly_once": check,
        "errors": errors[:20],
        "run_seconds": round(time.perf_counter() - t_run, 1),
        "targets": TARGETS,
    }
    at50 = next((d for d in result["delivery"] if d["senders"] == 50), None)
    late = [escalation[k]["p99_s"] for k in ("fire_late", "smtp_late") if escalation[k]]
    result["met"] = {
        "delivery": None if at50 is None else at50["p99_ms"] < TARGETS["delivery_p99_ms_under"],
        "escalation": len(late) == 2 and max(late) < TARGETS["escalation_p99_s_under"],
    }
    result["ok"] = (
        not errors
        and set(check) == {"mails", "notifications"}
        and len(routine) == escalation["escalations"] == args.escalations
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    if not result["ok"]:
        print("FAILED: errors, or not every message delivered exactly once (see above)", file=sys.stderr)
        return 1
    return 0


def delivery_table(rows: list[dict[str, Any]]) -> None:
    print("\ndelivery: send API call -> SMTP server holds the mail (one message in flight per sender)")
    print(
        f"{'senders':>8}{'msgs':>6} | {'Liaison p50':>12}{'p99':>9}{'max':>9}{'msg/s':>8} | "
        f"{'SMTP direct p50':>16}{'p99':>9}{'msg/s':>8}"
    )
    for x in rows:
        b = x["baseline_smtp_direct"]
        print(
            f"{x['senders']:>8}{x['messages']:>6} | {x['p50_ms']:>9.1f} ms{x['p99_ms']:>9.1f}{x['max_ms']:>9.1f}"
            f"{x['per_second']:>8.1f} | {b['p50_ms']:>13.1f} ms{b['p99_ms']:>9.1f}{b['per_second']:>8.1f}"
        )
    print(
        "where it goes, p50 / p99 ms: POST -> send action | -> step fired | -> SMTP holds the mail; "
        "server CPU per message; machine CPU busy"
    )
    for x in rows:
        parts = " | ".join(f"{p['p50_ms']:>6.1f} / {p['p99_ms']:<6.1f}" for p in x["breakdown"].values())
        print(f"{x['senders']:>8} senders: {parts}; {x['server_cpu_ms_per_message']:5.1f} ms; {x['machine_busy']:.0%}")


def report(r: dict[str, Any]) -> None:
    d = r["directory"]
    if r["machine_busy_before"] > 0.15:
        print(f"WARNING: the machine was {r['machine_busy_before']:.0%} busy before the run: figures are pessimistic")
    print(
        f"machine: {r['machine']}\n{r['database']}, {r['worker']} worker (poll {r['poll_seconds']} s); "
        f"BENCH {d['members']} members x {d['contacts_per_member']} contacts x {d['rotation_days']} days, "
        f"set up in {d['load_seconds']} s; whole run {r['run_seconds']} s"
    )
    if r["delivery"]:
        delivery_table(r["delivery"])
    e = r["escalation"]
    rate = e["escalations"] / max(e["sent_over_seconds"], 0.1)
    print(
        f"\nescalation lateness: {e['escalations']} deputy steps ({e['policy']}), messages sent over "
        f"{e['sent_over_seconds']} s ({rate:.0f}/s)"
    )
    print(f"{'':<34}{'p50 s':>9}{'p99 s':>9}{'max s':>9}")
    for label, s in (
        ("step fired (row created) - due", e["fire_late"]),
        ("deputy mail at SMTP - due", e["smtp_late"]),
        ("baseline: bare poller - due", e["baseline_bare_poller"]),
    ):
        if s:
            print(f"{label:<34}{s['p50_s']:>9.3f}{s['p99_s']:>9.3f}{s['max_s']:>9.3f}")
    c = r["exactly_once"]
    print(f"\nexactly once: {c['mails']} mails for {c['notifications']} e-mail notifications", end="")
    bad = {k: v for k, v in c.items() if k not in ("mails", "notifications")}
    print(": OK" if not bad else f": PROBLEMS {json.dumps({k: v[:5] for k, v in bad.items()})}")
    for err in r["errors"]:
        print(f"error: {err}")
    at50 = next((x for x in r["delivery"] if x["senders"] == 50), None)
    if at50:
        print(
            f"target delivery p99 < {r['targets']['delivery_p99_ms_under']} ms at 50 senders: "
            f"{at50['p99_ms']:.1f} ms, {'met' if r['met']['delivery'] else 'NOT met'}"
        )
    if e["smtp_late"]:
        worst = max(e["fire_late"]["p99_s"], e["smtp_late"]["p99_s"])
        print(
            f"target escalation lateness p99 < {r['targets']['escalation_p99_s_under']} s: {worst:.3f} s, "
            f"{'met' if r['met']['escalation'] else 'NOT met'}"
        )


if __name__ == "__main__":
    sys.exit(main())
