"""Finding 3 of the outside probe: an addressee could close the sender's message for everyone.

Closing ends a message for every addressee (every escalation chain stops, the sender sees it closed), so it
belongs to the sender. An addressee ends only its own part, by acknowledging or answering: its refused close
leaves the other addressees' escalation running and the message open, and the refusal is audited. The rule
lives in one place (``queries.message_access.require``), which the API, the web page and the actions share.

The message of these tests: the FTF secretariat sends a threat notice to France and Japan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.models import AuditEvent, Job
from tests.security.conftest import csrf, web_login

LEGAL = "Art. 7 Decision 2005/671/JHA"


class Client:
    """The app over HTTP, one bearer token per persona (tests/conftest.py built them with the world)."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def call(self, user: str, method: str, url: str, **kw: Any) -> Any:
        return self.client.request(method, url, headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kw)

    def message(self, user: str, mid: str) -> dict[str, Any]:
        r = self.call(user, "GET", f"/api/v1/messages/{mid}")
        assert r.status_code == 200, r.text
        return r.json()

    def send(self, kind: str = "threat_notice") -> str:
        body = {
            "network": "FTF",
            "kind": kind,
            "priority": "flash",
            "subject": "Attack planned on the summit",
            "body": "Two suspects, details in the annex.",
            "legal_basis": LEGAL,
            "marking": {"tlp": "amber"},
            "to": ["FR", "JP"],
        }
        r = self.call("secretariat", "POST", "/api/v1/messages", json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def escalation(self, mid: str) -> dict[str, str]:
        return {a["member"]: a["escalation"] for a in self.message("secretariat", mid)["addressees"]}

    def audits(self, action: str, mid: str) -> list[AuditEvent]:
        with self.client.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
            q = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.target_id == mid)
            return list(s.scalars(q.order_by(AuditEvent.at)))

    def pending_escalations(self, mid: str) -> set[str]:
        """The members whose escalation timer is still in the queue."""
        ids = {a["id"]: a["member"] for a in self.message("secretariat", mid)["addressees"]}
        with self.client.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
            jobs = s.scalars(select(Job).where(Job.kind == "escalate", Job.done_at.is_(None))).all()
        return {ids[str(j.ref_id)] for j in jobs if str(j.ref_id) in ids}


@pytest.fixture
def app(make_client: Callable[..., TestClient], databases: Any) -> Client:
    _world, tokens = databases.extra["world"]
    return Client(make_client(), tokens)


def test_an_addressee_cannot_close_the_message_for_everyone(app: Client) -> None:
    mid = app.send()
    assert app.escalation(mid) == {"FR": "running", "JP": "running"}
    assert app.pending_escalations(mid) == {"FR", "JP"}

    r = app.call("fr.cp", "POST", f"/api/v1/messages/{mid}/close", json={"outcome": "Handled on our side"})
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "forbidden"
    assert "only the sender closes a message" in r.json()["detail"] and "acknowledge" in r.json()["detail"]

    # Japan's chain still runs, and so does France's (a refused close ends nothing; acknowledging does).
    assert app.escalation(mid) == {"FR": "running", "JP": "running"}
    assert app.pending_escalations(mid) == {"FR", "JP"}
    seen = app.message("secretariat", mid)
    assert seen["status"] == "open" and seen["closed_at"] is None and seen["outcome"] is None
    assert app.message("fr.cp", mid)["you"]["may_close"] is False
    assert app.audits("message.close", mid) == []
    [refused] = app.audits("message.refused", mid)
    assert refused.actor_name == "fr.cp" and refused.details["attempted"] == "close"

    # France ends its own part by acknowledging: its chain stops, Japan's runs on.
    assert app.call("fr.cp", "POST", f"/api/v1/messages/{mid}/acknowledge", json={}).status_code == 200
    assert app.escalation(mid) == {"FR": "stopped", "JP": "running"}
    assert app.pending_escalations(mid) == {"JP"}


def test_the_sender_still_closes_for_everyone(app: Client) -> None:
    mid = app.send()
    assert app.message("secretariat", mid)["you"]["may_close"] is True
    r = app.call("secretariat", "POST", f"/api/v1/messages/{mid}/close", json={"outcome": "Summit passed safely"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["outcome"] == "Summit passed safely"
    assert app.escalation(mid) == {"FR": "stopped", "JP": "stopped"}
    assert app.pending_escalations(mid) == set()
    assert app.message("jp.cp", mid)["status"] == "closed"
    [row] = app.audits("message.close", mid)
    assert row.actor_name == "secretariat" and row.details == {"outcome": "Summit passed safely"}
    assert app.audits("message.refused", mid) == []


def test_an_addressee_closing_its_case_closes_only_its_own_part(app: Client) -> None:
    """A victim referral's "closed" step from an addressee ends its own chain, not Japan's nor the message."""
    mid = app.send(kind="victim_referral")
    r = app.call("fr.cp", "POST", f"/api/v1/messages/{mid}/case-steps", json={"step": "closed", "note": "Done"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "open"
    assert app.escalation(mid) == {"FR": "stopped", "JP": "running"}
    assert app.pending_escalations(mid) == {"JP"}
    seen = app.message("secretariat", mid)
    assert seen["status"] == "open" and seen["case_step"] == "closed"
    assert app.audits("message.close", mid) == []
    assert [e.actor_name for e in app.audits("case.step", mid)] == ["fr.cp"]


def test_the_web_page_refuses_an_addressee_close_the_same_way(app: Client) -> None:
    mid = app.send()
    web = app.client  # the same app: a browser session (cookie and CSRF) beside the bearer tokens
    assert web_login(web, "fr.cp").status_code == 303
    page = web.get(f"/messages/{mid}")
    assert page.status_code == 200 and f'action="/messages/{mid}/close"' not in page.text
    r = web.post(f"/messages/{mid}/close", data={"csrf_token": csrf(page.text), "outcome": "Handled"})
    assert r.status_code == 403
    assert "only the sender closes a message" in r.text
    assert app.escalation(mid) == {"FR": "running", "JP": "running"}
    assert app.message("secretariat", mid)["status"] == "open"
    assert app.audits("message.close", mid) == []
