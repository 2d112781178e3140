"""Real processes: `liaison send`, `liaison worker`, `liaison ack` against a real SMTP server on loopback.

The issue's "done when": a flash request sent from the CLI reaches the on-duty contact's mailbox, escalates to
the deputy when nobody acknowledges, stops when acknowledged; and a worker killed with SIGKILL mid-chain loses
nothing and sends nothing twice (Message-IDs counted at the SMTP server). Each test takes some seconds of wall
clock: the policies are in seconds.

The assertions are about order, content and exactly-once, never about speed: a step is never sent before it is
due, what fell due while a worker was down is sent after the restart, each mail arrives once. The waits are
generous deadlines for something to happen (a loaded machine only makes them slower), and where "at once"
matters (a restart under the same name takes its claims back without waiting for their lease), the lease is made
longer than the wait, so waiting out the lease could not pass. Speed is measured in bench/dispatch.py.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import free_port
from tests.exchange.conftest import on_duty_now
from tests.world import ADMIN

from liaison.actions import directory
from liaison.actions import exchange as act
from liaison.channels.registry import Outgoing
from liaison.db import make_engine, make_session_factory, transaction
from liaison.exchange.wording import kind_label, priority_label, target_label
from liaison.i18n import _, use_locale
from liaison.models import Addressee, ContactPoint, Job, Message, Network, Notification, utcnow

REPO = Path(__file__).resolve().parents[2]
LIAISON = str(Path(sys.executable).parent / "liaison")
LEGAL = "Art. 7 Decision 2005/671/JHA"
CLAIRE, DESK, SECRETARIAT = "claire@ucl.example.fr", "permanence@ucl.example.fr", "ftf-desk@secretariat.example"
DEPUTY = "marc@ucl.example.fr"


@dataclass
class Mail:
    at: float  # time.time() when the server accepted it
    to: str
    message_id: str
    subject: str
    body: str


class MailServer:
    """An aiosmtpd server on loopback keeping what it accepts. While a recipient is in ``hold``, its mail is
    kept waiting at the end of DATA (the sender waits for the server's answer) and then refused with a 451,
    never stored: a worker killed during that wait has not delivered it. While a recipient is in ``stall``,
    its mail is stored at once (the server has it) and the answer, 250, waits until the test takes the
    recipient out of ``stall``: a worker killed during that wait is in the documented window. ``delay``
    (seconds) slows every answer down, so that a test can act while deliveries are in flight."""

    def __init__(self, port: int | None = None) -> None:
        self.mails: list[Mail] = []
        self.hold: set[str] = set()
        self.held = threading.Event()
        self.held_at: list[float] = []  # when each held mail reached the server
        self.stall: set[str] = set()
        self.stalled = threading.Event()
        self.delay = 0.0
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.delay:
            await asyncio.sleep(self.delay)
        if any(r in self.hold for r in envelope.rcpt_tos):
            self.held_at.append(time.time())
            self.held.set()
            while any(r in self.hold for r in envelope.rcpt_tos):
                await asyncio.sleep(0.02)
            return "451 4.3.0 held by the test; try again"
        body = msg.get_body(("plain",))
        text = body.get_content() if body else ""
        for to in envelope.rcpt_tos:
            self.mails.append(Mail(time.time(), to, str(msg["Message-ID"]), str(msg["Subject"]).strip(), text))
        if any(r in self.stall for r in envelope.rcpt_tos):
            self.stalled.set()
            while any(r in self.stall for r in envelope.rcpt_tos):
                await asyncio.sleep(0.02)
        return "250 OK"

    def message_ids(self) -> Counter[str]:
        """How many copies of each Message-ID the server has."""
        return Counter(m.message_id for m in list(self.mails))

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.mails if m.to == address]

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def wait_for(what: str, pred: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def sleep_until(at: datetime) -> None:
    time.sleep(max(0.0, (at - utcnow()).total_seconds()))


@dataclass
class Proc:
    popen: subprocess.Popen[bytes]
    log: Path
    spawned: float

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def started(self) -> float:
        """Wall-clock time at which the worker said it started."""
        wait_for("the worker to start", lambda: " started (poll" in self.text(), 15)
        line = next(x for x in self.text().splitlines() if " started (poll" in x)
        stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")  # noqa: DTZ007 - logging's local time
        return stamp.timestamp()


@dataclass
class Node:
    url: str
    sessions: sessionmaker[Session]
    ids: dict[str, uuid.UUID]
    mail: MailServer
    tmp: Path
    procs: list[Proc] = field(default_factory=list)
    others: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
        return {
            **base,
            "LIAISON_DATABASE_URL": self.url,
            "LIAISON_SMTP_URL": f"smtp://127.0.0.1:{self.mail.port}",
            "LIAISON_ENV": "test",
            "LIAISON_SECRET_KEY": os.environ["LIAISON_SECRET_KEY"],  # the run's own (tests/conftest.py)
            "LIAISON_WORKER_POLL_SECONDS": "0.05",
            "LIAISON_BASE_URL": "http://liaison.test",
            # This checkout's code (src/), whichever copy of Liaison the virtualenv has installed, and tests/.
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
        }

    def cli(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [LIAISON, *args], env=env or self.env, cwd=REPO, capture_output=True, text=True, timeout=60
        )

    def start_cli(self, *args: str) -> subprocess.Popen[str]:
        """A `liaison` process left running, its standard input a pipe."""
        popen = subprocess.Popen(
            [LIAISON, *args], env=self.env, cwd=REPO, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.others.append(popen)
        return popen

    def worker(self, name: str, *, lease: float | None = None, env: dict[str, str] | None = None) -> Proc:
        """A `liaison worker` process; ``lease``: seconds its claims last (LIAISON_WORKER_LEASE_SECONDS)."""
        log = self.tmp / f"worker-{name}-{len(self.procs)}.log"
        cmd = [LIAISON, "worker", "--name", name]
        env = dict(env or self.env)
        if lease is not None:
            env["LIAISON_WORKER_LEASE_SECONDS"] = str(lease)
        with log.open("wb") as err:
            popen = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
        proc = Proc(popen, log, time.time())
        self.procs.append(proc)
        return proc

    def kill(self, proc: Proc) -> None:
        os.kill(proc.popen.pid, signal.SIGKILL)
        assert proc.popen.wait(10) == -signal.SIGKILL

    def terminate(self, proc: Proc) -> int:
        proc.popen.send_signal(signal.SIGTERM)
        return proc.popen.wait(15)

    def add_email(self, contact: str, address: str) -> None:
        with transaction(self.sessions) as s:
            cp = s.get(ContactPoint, self.ids[contact])
            directory.add_channel(s, actor=ADMIN, contact_point=cp, kind="email", value=address)

    def set_deputy(self, contact: str) -> None:
        from liaison.actions import rosters
        from liaison.models import Designation

        with transaction(self.sessions) as s:
            designation = s.get_one(Designation, self.ids["d_fr"])
            rosters.set_deputy(s, actor=ADMIN, designation=designation, contact_point_id=self.ids[contact])

    def set_policy(self, text: str) -> None:
        with transaction(self.sessions) as s:
            act.set_escalation(s, actor=ADMIN, network=s.get(Network, self.ids["ftf"]), priority="flash", text=text)

    def send(self) -> Message:
        with transaction(self.sessions) as s:
            return act.send_message(
                s,
                actor=ADMIN,
                network=s.get(Network, self.ids["ftf"]),
                kind="request",
                priority="flash",
                subject="Travel of a suspect",
                body="Flight JL 45 tonight.",
                legal_basis=LEGAL,
                to_members=["FR"],
            )

    def notifications(self, message_id: uuid.UUID) -> list[Notification]:
        with self.sessions() as s:
            return list(
                s.scalars(
                    select(Notification)
                    .where(Notification.message_id == message_id)
                    .order_by(Notification.round, Notification.step, Notification.key)
                )
            )

    def email_sent(self, message_id: uuid.UUID, address: str) -> bool:
        notes = self.notifications(message_id)
        return any(n.address == address and n.status == "sent" for n in notes if n.channel_kind == "email")


@pytest.fixture
def node(world_db_url: str, databases, tmp_path: Path) -> Iterator[Node]:
    world, _tokens = databases.extra["world"]
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)
    on_duty_now(sessions, world.ids)  # Claire on duty now, whichever week the tests run in
    mail = MailServer().start()
    n = Node(world_db_url, sessions, world.ids, mail, tmp_path)
    try:
        yield n
    finally:
        for p in n.procs:
            if p.popen.poll() is None:
                p.popen.kill()
            p.popen.wait(10)
        for other in n.others:
            if other.poll() is None:
                other.kill()
            other.communicate(timeout=10)
        mail.stop()
        engine.dispose()


def message_id_of(key: str, domain: str = "localhost") -> str:
    """The Message-ID SmtpSender gives a notification (its key), the domain taken from LIAISON_MAIL_FROM."""
    return f"<{key.replace(':', '.')}@{domain}>"


WAIT = 30.0
"""Seconds the tests wait for a mail: a deadline for something to happen, not a measure of speed."""
DESK_AFTER = 15
"""Seconds after sending at which the desk step of the first test falls due: the time Claire has to acknowledge
once the deputy was notified, generous so that a loaded machine acknowledges before it."""


def test_flash_from_the_cli_reaches_on_duty_escalates_to_deputy_and_stops_when_acknowledged(node: Node):
    w = node.worker("done-when")  # starts while the commands below run
    policy = f"on-duty@0s,deputy@3s,desk@{DESK_AFTER}s"
    r = node.cli("network", "set-escalation", "FTF", "flash", policy)
    assert r.returncode == 0, r.stderr
    node.add_email("fr_desk", DESK)  # the deputy, "Permanence 24/7"
    body = node.tmp / "body.txt"
    body.write_text("Flight JL 45 lands at CDG 06:10; please check the passenger.\n")
    r = node.cli(
        "send", "--network", "FTF", "--to", "FR", "--priority", "flash", "--subject", "Travel of a suspect",
        "--body-file", str(body), "--legal-basis", LEGAL, "--as", "jp.cp", "--json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    sent = json.loads(r.stdout)
    assert sent["policy"] == policy
    mid, sent_at = uuid.UUID(sent["id"]), datetime.fromisoformat(sent["sent_at"])

    (to_claire,) = wait_for("the on-duty contact's mail", lambda: node.mail.to(CLAIRE), WAIT)
    with use_locale("fr"):  # Claire works in French first: her notice is in French (as far as it is translated)
        prio, kind = priority_label("flash").upper(), kind_label("request")
        subject = _("[%(priority)s] %(kind)s from %(sender)s (%(network)s)", priority=prio, kind=kind,
                    sender="National Police Agency (JP)", network="FTF")  # fmt: skip
        as_deputy = _("You are notified as %(role)s.", role=target_label("deputy"))
    assert to_claire.subject == subject
    assert "Travel of a suspect" not in to_claire.body + to_claire.subject  # TLP:AMBER stays in Liaison
    assert f"http://liaison.test/messages/{mid}" in to_claire.body
    token = to_claire.body.split("/ack/", 1)[1].split()[0]
    ack = node.start_cli("ack", "-", "--json")  # Claire gets ready to acknowledge (the token comes on stdin)

    (to_deputy,) = wait_for("the deputy's mail", lambda: node.mail.to(DESK), WAIT)
    assert to_deputy.at >= sent_at.timestamp() + 3.0  # not acknowledged: the deputy, and not before its time
    assert [m.to for m in node.mail.mails] == [CLAIRE, DESK]
    assert as_deputy in to_deputy.body  # the desk works in French too

    out, err = ack.communicate(token + "\n", timeout=30)
    assert ack.returncode == 0, err
    acked = json.loads(out)
    assert (acked["message_id"], acked["first"], acked["acknowledged_by"]) == (str(mid), True, "Claire Fictive")
    with node.sessions() as s:
        acked_at = s.scalars(select(Addressee.acknowledged_at).where(Addressee.message_id == mid)).one()
    # The premise of what follows (the desk step must not fire): Claire acknowledged before it was due.
    assert acked_at is not None and acked_at < sent_at + timedelta(seconds=DESK_AFTER), "acknowledged too late"
    r = node.cli("message", "show", str(mid), "--json")
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)
    assert shown["addressees"][0]["acknowledged_by"] == "Claire Fictive"
    assert [(n["target"], n["channel"], n["status"]) for n in shown["notifications"] if n["channel"] == "email"] == [
        ("on-duty", "email", "sent"),
        ("deputy", "email", "sent"),
    ]
    assert [n["link_used_at"] is not None for n in shown["notifications"] if n["address"] == CLAIRE] == [True]

    sleep_until(sent_at + timedelta(seconds=DESK_AFTER + 1.5))  # past the desk step's due time
    assert [m.to for m in node.mail.mails] == [CLAIRE, DESK]
    notes = node.notifications(mid)
    assert {n.target for n in notes} == {"on-duty", "deputy"}  # the desk step never fired
    assert {n.message_id for n in node.mail.mails} == {message_id_of(n.key) for n in notes if n.channel_kind == "email"}
    with node.sessions() as s:
        a = s.scalars(select(Addressee).where(Addressee.message_id == mid)).one()
        assert (a.escalation, a.acknowledged_via) == ("stopped", "link")
        assert s.scalar(select(Job.done_at).where(Job.kind == "escalate", Job.ref_id == a.id)) is not None
    assert node.terminate(w) == 0
    log = w.text()
    assert "SIGTERM received, stopping" in log and "worker done-when stopped" in log
    assert "(deputy) -> Permanence 24/7" in log and f"via email to {CLAIRE}: sent" in log


def test_worker_killed_twice_mid_chain_delivers_every_step_exactly_once(node: Node):
    """Killed once between two steps, and once while the SMTP server holds the deputy's and the desk's mails
    (handed over, not accepted). Each restart, under the same name, fires what fell due while it was down at once;
    every mail arrives exactly once. The default lease (a minute) is longer than any wait here, so a restart that
    waited for the lease instead of taking its claims back would time out."""
    node.set_policy("on-duty@0s,deputy@4s,desk@5s,secretariat@9s")
    node.add_email("marc", DEPUTY)
    node.set_deputy("marc")  # a contact of its own: the desk would not be called again as the deputy's repeat
    node.add_email("fr_desk", DESK)  # the agency's 24/7 desk
    node.add_email("sec_desk", SECRETARIAT)
    w1 = node.worker("kill-me")
    w1.started()
    m = node.send()
    sent = m.sent_at.timestamp()

    wait_for("the on-duty mail", lambda: node.mail.to(CLAIRE), WAIT)
    wait_for("its notification to be sent", lambda: node.email_sent(m.id, CLAIRE), WAIT)
    node.kill(w1)  # 1: after the first step, before the deputy's
    assert {n.target for n in node.notifications(m.id)} == {"on-duty"}  # killed before the deputy step fired
    sleep_until(m.sent_at + timedelta(seconds=5.5))  # deputy and desk are overdue now
    assert len(node.mail.mails) == 1

    node.mail.hold.update((DEPUTY, DESK))
    w2 = node.worker("kill-me")
    started = w2.started()
    wait_for("the overdue deputy and desk mails at the server", lambda: len(node.mail.held_at) == 2, WAIT)
    assert all(t >= started for t in node.mail.held_at)  # sent by the restarted worker
    assert [n.status for n in node.notifications(m.id) if n.address in (DEPUTY, DESK)] == ["sending", "sending"]
    node.kill(w2)  # 2: while both are being delivered
    node.mail.hold.clear()  # those two deliveries never completed

    w3 = node.worker("kill-me")
    started = w3.started()
    late = wait_for(
        "the deputy and desk mails",
        lambda: len(node.mail.to(DEPUTY)) == len(node.mail.to(DESK)) == 1 and node.mail.to(DEPUTY) + node.mail.to(DESK),
        WAIT,
    )
    assert all(x.at >= started for x in late)
    (last,) = wait_for("the secretariat mail", lambda: node.mail.to(SECRETARIAT), WAIT)
    assert last.at >= sent + 9  # not before its time
    time.sleep(0.3)
    assert node.terminate(w3) == 0
    # The two held mails, and the desk's phone notification when the kill came before its outcome was recorded
    # (it is sent again then, through the log gateway: e-mail is what the exactly-once count below checks).
    took = re.search(r"took back (\d+) claims", w3.text())
    assert took is not None and int(took.group(1)) in (2, 3), w3.text()

    counts = Counter(x.message_id for x in node.mail.mails)
    assert all(c == 1 for c in counts.values()), counts
    notes = node.notifications(m.id)
    emails = [n for n in notes if n.channel_kind == "email"]
    assert set(counts) == {message_id_of(n.key) for n in emails}
    assert [(n.target, n.address, n.status, n.attempts) for n in emails] == [
        ("on-duty", CLAIRE, "sent", 1),
        ("deputy", DEPUTY, "sent", 2),
        ("desk", DESK, "sent", 2),
        ("secretariat", SECRETARIAT, "sent", 1),
    ]
    assert len({n.key for n in notes}) == len(notes)
    assert len({(n.round, n.step, n.contact_point_id, n.channel_id) for n in notes}) == len(notes)
    assert all(n.status == "sent" for n in notes)  # the mobile and phone channels too (logged)


@pytest.mark.parametrize("same_name", [True, False], ids=["same-name", "other-name"])
def test_worker_killed_mid_delivery_is_taken_over_exactly_once(node: Node, same_name: bool):
    """Killed while the SMTP server holds the mail: the notification stays `sending`, its job claimed. A worker of
    the same name takes it back at once: its lease is made far longer than the wait, so the mail can only arrive in
    time if the lease was not waited out. One of another name waits for the (short) lease to run out. Either way
    the mail arrives once."""
    lease = 3 if not same_name else 10 * WAIT
    node.mail.hold.add(CLAIRE)
    w1 = node.worker("first", lease=lease)
    w1.started()
    m = node.send()
    wait_for("the mail to reach the server", node.mail.held.is_set, WAIT)
    (n,) = [x for x in node.notifications(m.id) if x.channel_kind == "email"]
    assert (n.status, n.attempts) == ("sending", 1)
    with node.sessions() as s:
        lease_end = s.scalar(select(Job.locked_until).where(Job.kind == "deliver", Job.ref_id == n.id))
    assert lease_end is not None
    node.kill(w1)
    node.mail.hold.clear()

    w2 = node.worker("first" if same_name else "second", lease=lease)
    started = w2.started()
    (got,) = wait_for("the re-sent mail", lambda: node.mail.to(CLAIRE), WAIT)
    assert got.at >= started
    if same_name:
        assert got.at < lease_end.timestamp()  # taken back at once, not when the lease ran out
        assert "took back 1 claims" in w2.text()
    else:
        assert got.at >= lease_end.timestamp() - 0.05  # another worker waits for the lease
    time.sleep(0.3)
    assert node.terminate(w2) == 0
    assert [x.message_id for x in node.mail.mails] == [message_id_of(n.key)]
    (n,) = [x for x in node.notifications(m.id) if x.channel_kind == "email"]
    assert (n.status, n.attempts, n.last_error) == ("sent", 2, "")


class FileGateway:
    """A test SMS/voice gateway (LIAISON_SMS_TRANSPORT=tests.exchange.test_worker_process:FileGateway): appends
    each item to the file named by LIAISON_TEST_GATEWAY_FILE."""

    def send(self, item: Outgoing) -> None:
        with open(os.environ["LIAISON_TEST_GATEWAY_FILE"], "a") as f:
            f.write(json.dumps({"kind": item.kind, "to": item.to, "body": item.body, "key": item.key}) + "\n")


def test_sms_gateway_is_loaded_from_the_setting_and_a_bad_one_stops_the_worker(node: Node):
    out = node.tmp / "gateway.jsonl"
    env = {
        **node.env,
        "LIAISON_SMS_TRANSPORT": "tests.exchange.test_worker_process:FileGateway",
        "LIAISON_TEST_GATEWAY_FILE": str(out),
    }
    m = node.send()
    r = node.cli("worker", "--once", "--name", "gateway", env=env)
    assert r.returncode == 0, r.stderr
    (line,) = out.read_text().splitlines()
    item = json.loads(line)
    assert (item["kind"], item["to"]) == ("mobile", "+33612345678")
    assert "http://liaison.test/ack/" in item["body"]
    (mobile,) = [n for n in node.notifications(m.id) if n.channel_kind == "mobile"]
    assert (mobile.status, mobile.transport, item["key"]) == ("sent", "FileGateway", mobile.key)
    assert [x.to for x in node.mail.mails] == [CLAIRE]  # e-mail went over SMTP as usual

    bad = {**env, "LIAISON_SMS_TRANSPORT": "no_such_module:Gateway"}
    r = node.cli("worker", "--once", env=bad)
    assert r.returncode == 1
    assert "LIAISON_SMS_TRANSPORT: cannot load 'no_such_module:Gateway'" in r.stderr
