"""Delivery over real channels, by the worker on a fake clock: SMTP down (retries with backoff, shows on the
dashboard, the chain escalates through other channels, then succeeds once a server is up) and signed webhooks
to a real HTTPS server on loopback (signature verifies; a 500 is retried, a 404 is a permanent failure)."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.exchange.conftest import T0, Exchange
from tests.exchange.test_worker_process import CLAIRE, DESK, MailServer, free_port, message_id_of
from tests.world import ADMIN

from liaison.actions import directory
from liaison.actions import exchange as act
from liaison.channels.http import UNREACHABLE
from liaison.channels.registry import SmtpSender, WebhookSender
from liaison.channels.signing import SignatureError, channel_secret, verify
from liaison.db import transaction
from liaison.escalation.worker import BACKOFF, MAX_ATTEMPTS, Worker
from liaison.models import AuditEvent, Channel, ContactPoint, Job, Message, Network, Notification
from liaison.queries.exchange import dashboard


def send(ex: Exchange, tlp: str = "AMBER") -> Message:
    with transaction(ex.sessions) as s:
        return act.send_message(
            s,
            actor=ex.as_("jp.cp"),
            network=s.get(Network, ex.ids["ftf"]),
            kind="request",
            priority="flash",
            subject="Travel of a suspect",
            body="Flight JL 45 tonight.",
            legal_basis="Art. 7 Decision 2005/671/JHA",
            marking=act.parse_marking(tlp),
            to_members=["FR"],
            now=ex.now[0],
        )


def set_policy(ex: Exchange, text: str) -> None:
    with transaction(ex.sessions) as s:
        act.set_escalation(s, actor=ADMIN, network=s.get(Network, ex.ids["ftf"]), priority="flash", text=text)


def add_channel(ex: Exchange, contact: str, kind: str, value: str) -> uuid.UUID:
    with transaction(ex.sessions) as s:
        cp = s.get(ContactPoint, ex.ids[contact])
        return directory.add_channel(s, actor=ADMIN, contact_point=cp, kind=kind, value=value).id


def note(ex: Exchange, message_id: uuid.UUID, address: str) -> Notification:
    with ex.sessions() as s:
        return s.scalars(
            select(Notification).where(Notification.message_id == message_id, Notification.address == address)
        ).one()


def job_of(ex: Exchange, n: Notification) -> Job:
    with ex.sessions() as s:
        return s.scalars(select(Job).where(Job.kind == "deliver", Job.ref_id == n.id)).one()


def audits(ex: Exchange, action: str) -> list[AuditEvent]:
    with ex.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def failed_deliveries(ex: Exchange) -> list[dict[str, Any]]:
    with ex.sessions() as s:
        return dashboard(s, ADMIN, s.get(Network, ex.ids["ftf"]), now=ex.now[0])["failed_deliveries"]


# -- SMTP down --


def test_smtp_down_retries_with_backoff_shows_on_the_dashboard_and_the_chain_still_escalates(ex: Exchange):
    port = free_port()  # nothing listens there yet
    ex.worker.by_kind["email"] = SmtpSender(f"smtp://127.0.0.1:{port}", "liaison@liaison.test", timeout=2)
    set_policy(ex, "on-duty@0s,deputy@5m")
    add_channel(ex, "fr_desk", "email", DESK)
    m = send(ex)
    ex.run()

    n = note(ex, m.id, CLAIRE)
    assert (n.status, n.attempts) == ("pending", 1)
    assert n.last_error.startswith("SMTP delivery failed")
    assert [o.to for o in ex.senders["mobile"].sent] == ["+33612345678"]  # her other channel was reached
    assert job_of(ex, n).due_at == T0 + BACKOFF[0]
    (row,) = failed_deliveries(ex)
    assert (row["contact"], row["channel"], row["status"], row["attempts"]) == ("Claire Fictive", "email", "pending", 1)
    assert row["error"].startswith("SMTP delivery failed") and "Travel" not in json.dumps(row)  # metadata only

    # Attempts follow the backoff: 30 s, 1 min, 2 min, 5 min, 10 min, 30 min; the deputy is not held up.
    attempts_at = [T0]
    while note(ex, m.id, CLAIRE).status == "pending":
        due = job_of(ex, note(ex, m.id, CLAIRE)).due_at
        if ex.now[0] < T0 + timedelta(minutes=5) <= due:  # the deputy's step falls in this wait
            ex.now[0] = T0 + timedelta(minutes=5)
            ex.run()
            (phone,) = ex.senders["phone"].sent
            assert phone.to == "+33140000000"
            assert note(ex, m.id, "+33140000000").sent_at == T0 + timedelta(minutes=5)  # on time
            assert note(ex, m.id, DESK).status == "pending"  # its e-mail failed too
        ex.now[0] = due - timedelta(seconds=1)
        ex.run()
        assert note(ex, m.id, CLAIRE).attempts == len(attempts_at)  # not before its time
        ex.now[0] = due
        ex.run()
        attempts_at.append(due)
    gaps = [b - a for a, b in zip(attempts_at, attempts_at[1:], strict=False)]
    assert gaps == list(BACKOFF)
    n = note(ex, m.id, CLAIRE)
    assert (n.status, n.attempts) == ("failed", MAX_ATTEMPTS)
    assert job_of(ex, n).done_at is not None
    rows = {(r["contact"], r["channel"]): r for r in failed_deliveries(ex)}
    assert rows[("Claire Fictive", "email")]["status"] == "failed"
    assert rows[("Permanence 24/7", "email")]["status"] == "pending"
    with ex.sessions() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(m.id))).all()
    assert actions.count("notification.retry") >= MAX_ATTEMPTS - 1 and "notification.failed" in actions

    # A server comes up on that port: the deputy's next retry gets through, once, under its key.
    mail = MailServer(port).start()
    try:
        deputy = note(ex, m.id, DESK)
        assert deputy.attempts < MAX_ATTEMPTS
        ex.now[0] = job_of(ex, deputy).due_at
        ex.run()
        deputy = note(ex, m.id, DESK)
        assert (deputy.status, deputy.last_error, deputy.sent_at) == ("sent", "", ex.now[0])
        assert [(x.to, x.message_id) for x in mail.mails] == [(DESK, message_id_of(deputy.key, "liaison.test"))]
        assert ("Permanence 24/7", "email") not in {(r["contact"], r["channel"]) for r in failed_deliveries(ex)}
        ex.tick(hours=2)
        ex.run()
        assert len(mail.mails) == 1  # the failed one is not retried; the chain is over
    finally:
        mail.stop()


# -- webhooks --


@dataclass
class Hook:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), HookHandler)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.received: list[Hook] = []
        self.statuses: list[int] = []  # answers to give, in order; 200 when empty

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client closes without reading the response (by design)


class HookHandler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.server.received.append(Hook(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time()))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture
def https(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A real HTTPS server on 127.0.0.1 with a certificate made for the test, trusted by the outbound client
    (webhook channels are https:// only)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setattr("certifi.where", lambda: str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = Receiver(context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def hook_url(server: Receiver) -> str:
    return f"https://127.0.0.1:{server.server_address[1]}/hooks/liaison"


def use_webhooks(ex: Exchange) -> None:
    ex.worker.by_kind["webhook"] = WebhookSender(ex.settings.secret_key, allow_private=True, timeout=5)


def test_webhook_is_signed_and_a_500_is_retried_until_it_is_accepted(ex: Exchange, https: Receiver):
    use_webhooks(ex)
    channel_id = add_channel(ex, "claire", "webhook", hook_url(https))
    https.statuses = [500]
    m = send(ex)
    ex.run()
    n = note(ex, m.id, hook_url(https))
    # Its readers see one text for any webhook failure; the detail is in the audit row (and the log).
    assert (n.status, n.attempts, n.last_error) == ("pending", 1, UNREACHABLE)
    assert [e.details["error"] for e in audits(ex, "notification.retry")] == ["HTTP 500: will retry"]
    assert job_of(ex, n).due_at == T0 + BACKOFF[0]
    ex.tick(seconds=30)
    ex.run()
    n = note(ex, m.id, hook_url(https))
    assert (n.status, n.attempts, n.last_error, n.transport) == ("sent", 2, "", "WebhookSender")

    first, second = https.received
    assert first.path == second.path == "/hooks/liaison"
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == n.key  # the same id on a retry
    assert first.headers["content-type"] == "application/json"
    secret = channel_secret(ex.settings.secret_key, channel_id)
    for hook in (first, second):
        verify(secret, hook.headers, hook.body, now=int(time.time()))
    with pytest.raises(SignatureError):
        verify(secret, second.headers, second.body.replace(b"flash", b"routine"), now=int(time.time()))
    with pytest.raises(SignatureError):
        verify(channel_secret(ex.settings.secret_key, uuid.uuid4()), second.headers, second.body, now=int(time.time()))
    payload = json.loads(second.body)
    assert payload["type"] == "message.notification"
    assert (payload["message_id"], payload["notification_id"]) == (str(m.id), str(n.id))
    assert [payload[k] for k in ("network", "kind", "priority", "tlp")] == ["FTF", "request", "flash", "AMBER"]
    assert payload["subject"] is None  # TLP:AMBER content stays in Liaison
    assert (payload["target"], payload["round"], payload["step"]) == ("on-duty", 0, 0)
    assert payload["read_url"] == f"http://liaison.test/messages/{m.id}"
    assert payload["ack_url"].startswith("http://liaison.test/ack/")
    assert datetime.fromisoformat(payload["ack_expires_at"]) == T0 + timedelta(hours=ex.settings.ack_link_hours)
    with ex.sessions() as s:
        assert s.get(Channel, channel_id).kind == "webhook"


def test_webhook_404_is_a_permanent_failure_on_the_dashboard(ex: Exchange, https: Receiver):
    use_webhooks(ex)
    add_channel(ex, "claire", "webhook", hook_url(https))
    https.statuses = [404]
    m = send(ex, tlp="GREEN")
    ex.run()
    n = note(ex, m.id, hook_url(https))
    assert (n.status, n.attempts, n.last_error) == ("failed", 1, UNREACHABLE)
    assert [e.details["error"] for e in audits(ex, "notification.failed")] == ["HTTP 404"]
    assert job_of(ex, n).done_at is not None
    ex.tick(hours=1)
    ex.run()  # the chain goes on (deputy, desk, ... by their own channels), but this one is not retried
    assert [h.headers["webhook-id"] for h in https.received].count(n.key) == 1
    assert json.loads(https.received[0].body)["subject"] == "Travel of a suspect"  # TLP:GREEN may travel
    (row,) = [r for r in failed_deliveries(ex) if r["channel"] == "webhook"]
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 1, UNREACHABLE)


def test_an_smtp_server_that_hangs_holds_up_no_webhook(ex: Exchange, https: Receiver):
    """A flash burst while the SMTP server takes every mail and never answers: the webhooks of the same
    notifications reach their (real, loopback) receiver at once, although the hanging e-mails are more than the
    worker has delivery threads, and the e-mails are still waiting for the server when they do."""
    hanging = MailServer().start()
    hanging.hold.add(CLAIRE)  # every mail to Claire waits at the end of DATA for an answer that does not come
    worker = Worker(ex.settings, ex.sessions, ex.worker.cache, name="hang", clock=lambda: ex.now[0])
    worker.by_kind.update(ex.senders)
    worker.by_kind["email"] = SmtpSender(f"smtp://127.0.0.1:{hanging.port}", "liaison@liaison.test", timeout=15)
    worker.by_kind["webhook"] = WebhookSender(ex.settings.secret_key, allow_private=True, timeout=5)
    add_channel(ex, "claire", "webhook", hook_url(https))
    messages = [send(ex) for _ in range(40)]  # 40 e-mails: five times the worker's 8 delivery threads
    thread = worker.start_thread()
    try:
        started = time.time()
        deadline = time.monotonic() + 10
        while len(https.received) < len(messages) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(https.received) == len(messages), f"{len(https.received)} webhooks while SMTP hangs"
        assert max(h.at for h in https.received) - started < 5  # at once, not after the SMTP timeouts
        while {note(ex, m.id, hook_url(https)).status for m in messages} != {"sent"} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert {note(ex, m.id, hook_url(https)).status for m in messages} == {"sent"}
        assert hanging.held.is_set() and hanging.mails == []  # the e-mails are still hanging
    finally:
        hanging.hold.clear()
        worker.stop()
        thread.join(30)
        hanging.stop()
