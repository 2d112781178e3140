"""The worker keeps its SMTP connections open: one per delivery thread, reused from mail to mail, re-opened once
when the server has dropped it, and closed when the worker stops.

A real aiosmtpd server on loopback counts the connections (each has its own client port) and the Message-IDs;
the worker runs its real loop on a fixed (fake) clock, in this process.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from tests.exchange.conftest import Exchange
from tests.exchange.test_delivery import send
from tests.exchange.test_worker_process import CLAIRE, free_port, message_id_of, wait_for

from liaison.channels.registry import SmtpSender
from liaison.escalation.worker import Worker
from liaison.models import Notification

THREADS = 2
MAILS = 20


class CountingServer:
    """Keeps, for each mail, the client port of the connection it came over, and counts the QUITs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mails: list[tuple[int, str]] = []  # (client port, Message-ID)
        self.quits = 0
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append((session.peer[1], str(msg["Message-ID"])))
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.quits += 1
        return "221 Bye"

    def start(self) -> CountingServer:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def connections(self) -> int:
        return len({port for port, _ in self.mails})

    def message_ids(self) -> Counter[str]:
        return Counter(mid for _, mid in self.mails)


@pytest.fixture
def server() -> Iterator[CountingServer]:
    s = CountingServer().start()
    yield s
    s.stop()


@pytest.fixture
def looping(ex: Exchange, server: CountingServer) -> Iterator[Worker]:
    """A worker with ``THREADS`` delivery threads sending e-mail over SMTP (the other channels recorded),
    running its loop in a thread; stopped at the end."""
    by_kind: dict[str, Any] = dict(ex.senders)
    by_kind["email"] = SmtpSender(f"smtp://127.0.0.1:{server.port}", "liaison@localhost", timeout=5, keep_open=True)
    worker = Worker(ex.settings, ex.sessions, ex.worker.cache, name="smtp", by_kind=by_kind, threads=THREADS,
                    clock=lambda: ex.now[0])  # fmt: skip
    thread = worker.start_thread()
    yield worker
    worker.stop()
    thread.join(30)
    assert not thread.is_alive()


def emails(ex: Exchange) -> list[Notification]:
    with ex.sessions() as s:
        return list(s.scalars(select(Notification).where(Notification.channel_kind == "email")))


def test_twenty_mails_go_over_one_connection_per_delivery_thread_closed_when_the_worker_stops(
    ex: Exchange, server: CountingServer, looping: Worker
):
    messages = [send(ex) for _ in range(MAILS)]
    wait_for("the mails", lambda: len(server.mails) == MAILS, 30)
    assert server.connections() <= THREADS  # not one per mail
    assert server.quits == 0  # still open, for the next mails
    looping.stop()
    wait_for("the connections to be closed", lambda: server.quits == server.connections(), 10)

    notes = emails(ex)
    assert len(notes) == len(messages) and {n.address for n in notes} == {CLAIRE}
    assert server.message_ids() == Counter(message_id_of(n.key) for n in notes)  # each once
    assert {(n.status, n.attempts) for n in notes} == {("sent", 1)}


def test_a_server_restart_mid_way_the_next_mail_reconnects_and_is_delivered_once(
    ex: Exchange, server: CountingServer, looping: Worker
):
    for _ in range(MAILS // 2):
        send(ex)
    wait_for("the first mails", lambda: len(server.mails) == MAILS // 2, 30)
    before = server.connections()
    server.stop()  # the kept connections are dropped by the server
    server.start()  # same port
    for _ in range(MAILS // 2):
        send(ex)
    wait_for("the other mails", lambda: len(server.mails) == MAILS, 30)
    time.sleep(0.3)  # anything sent twice would have arrived now

    notes = emails(ex)
    assert server.message_ids() == Counter(message_id_of(n.key) for n in notes)  # each once, none lost
    # Each thread found its connection closed at MAIL, before handing the mail over, and re-opened it within
    # the same attempt: no attempt failed, nothing waited for a retry.
    assert {(n.status, n.attempts, n.last_error) for n in notes} == {("sent", 1, "")}
    assert before < server.connections() <= before + THREADS  # re-opened, once per thread
