"""Finding 9c of the outside probe: a webhook's delivery errors acted as a port scanner.

Whoever sets a webhook URL and sends a message to it read the connection error in the delivery history
("connection refused", "timed out", a TLS error, "HTTP 500"), and so learnt which ports answer on hosts the
node reaches. Every webhook failure now shows one text to the people involved (the sender and addressees on
the message's API and page, the secretariat on its dashboard); the detail is kept in the audit row and the log.

Three receivers on loopback (the test settings allow private addresses, as development does): a closed port,
an HTTPS server answering 500, and a plain-HTTP server behind an https:// URL (a TLS failure).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.escalation.worker import Worker
from liaison.models import AuditEvent, utcnow
from tests.conftest import free_port
from tests.exchange import test_delivery as delivery
from tests.exchange.test_delivery import Receiver, hook_url
from tests.security.conftest import web_login

https = delivery.https  # the fixture: an HTTPS server on loopback with a certificate the client trusts
# The one text the people involved see for any webhook failure (liaison.channels.http.UNREACHABLE).
UNREACHABLE = "the webhook could not be reached or did not answer 2xx"


class Plain(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(500)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture
def plain_http() -> Iterator[int]:
    """A plain-HTTP server; reached through an https:// URL, the TLS handshake fails."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Plain)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_every_webhook_failure_looks_the_same_to_its_readers(
    make_client: Callable[..., TestClient],
    databases: Any,
    https: Receiver,
    plain_http: int,
) -> None:
    world, tokens = databases.extra["world"]
    client = make_client()
    st = client.app.state.liaison  # type: ignore[attr-defined]

    def as_(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[user]}"}

    https.statuses = [500] * 10
    urls = {
        "closed port": f"https://127.0.0.1:{free_port()}/hook",
        "HTTP 500": hook_url(https),
        "TLS failure": f"https://127.0.0.1:{plain_http}/hook",
    }
    claire = world.ids["claire"]
    for url in urls.values():  # France's contact point adds its webhooks, then puts Claire on duty
        r = client.post(f"/api/v1/contact-points/{claire}/channels", json={"kind": "webhook", "value": url},
                        headers=as_("fr.cp"))  # fmt: skip
        assert r.status_code == 201, r.text
    now = utcnow()
    override = {"contact_point_id": str(claire), "start": (now - timedelta(hours=1)).isoformat(),
                "end": (now + timedelta(hours=2)).isoformat(), "reason": "test"}  # fmt: skip
    r = client.post("/api/v1/networks/FTF/members/FR/overrides", json=override, headers=as_("fr.cp"))
    assert r.status_code == 201, r.text
    message = {"network": "FTF", "kind": "reachability_test", "priority": "flash", "subject": "Are you there?",
               "body": "Please acknowledge.", "legal_basis": "Art. 7", "marking": {"tlp": "green"},
               "to": ["FR"]}  # fmt: skip
    r = client.post("/api/v1/messages", json=message, headers=as_("jp.cp"))
    assert r.status_code == 201, r.text
    mid = r.json()["id"]

    worker = Worker(st.settings, st.sessions, st.cache, name="test-worker", threads=2)
    try:
        while worker.run_once() > 0:
            pass
    finally:
        worker.pool.shutdown(wait=True)

    # The details differ, and are kept where the node's operators look: the audit log (and the server log).
    with st.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "notification.retry")).all()
    details = {r.details["error"] for r in rows}
    assert len(details) == 3, details
    assert any("HTTP 500" in d for d in details)

    # Whoever reads the message (its sender here) sees the same status and text for each of the three.
    seen = client.get(f"/api/v1/messages/{mid}", headers=as_("jp.cp")).json()
    hooks = [n for n in seen["notifications"] if n["channel"] == "webhook"]
    assert sorted(n["address"] for n in hooks) == sorted(urls.values())
    assert {(n["status"], n["last_error"]) for n in hooks} == {("pending", UNREACHABLE)}
    assert not any(detail in json.dumps(seen) for detail in details)
    # and the secretariat's dashboard.
    board = client.get("/api/v1/networks/FTF/dashboard", headers=as_("secretariat")).json()
    failed = [row for row in board["failed_deliveries"] if row["channel"] == "webhook"]
    assert len(failed) == 3 and {row["error"] for row in failed} == {UNREACHABLE}

    # The message page says the same, and nothing of the detail.
    assert web_login(client, "jp.cp").status_code == 303
    page = client.get(f"/messages/{mid}").text
    assert page.count(UNREACHABLE) == 3
    for detail in details:
        assert detail not in page
    for word in ("Connection refused", "SSL", "HTTP 500", "Errno"):
        assert word not in page
