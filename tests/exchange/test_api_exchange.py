"""The exchange API, through the app: send, inbox, read, acknowledge, reply, forward under the marking, case
steps, close, bad input, the one-click acknowledgement link, escalation policies, the dashboard, exercises.

The app's embedded worker is off: tests that need deliveries run a worker themselves, on a clock they move,
with senders that record what they send (so the acknowledgement links can be read off the notifications).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.exchange.conftest import Recorder

from liaison.escalation.worker import Worker
from liaison.exchange.tokens import make_ack_token
from liaison.models import AuditEvent, Message, Notification, utcnow

LEGAL = "Art. 7 Decision 2005/671/JHA"
MAX_BYTES = 4096
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read by the ``api`` fixture's settings: no embedded worker, and a small attachment limit."""
    monkeypatch.setenv("LIAISON_EMBEDDED_WORKER", "false")
    monkeypatch.setenv("LIAISON_ATTACHMENT_MAX_BYTES", str(MAX_BYTES))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def send(api, user: str = "jp.cp", **fields: Any):
    body = {
        "network": "FTF",
        "kind": "request",
        "priority": "flash",
        "subject": "Travel of a suspect",
        "body": "Flight JL 45 tonight, seat 12C.",
        "legal_basis": LEGAL,
        "marking": {"tlp": "amber"},
        "to": ["FR"],
    } | fields
    return api.as_(user).post("/api/v1/messages", json=body)


def sent(api, user: str = "jp.cp", **fields: Any) -> dict[str, Any]:
    r = send(api, user, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def inbox(api, user: str, **params: Any) -> list[dict[str, Any]]:
    r = api.as_(user).get("/api/v1/messages", params={"status": "all"} | params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def audit_rows(api, action: str, target: str | None = None) -> list[AuditEvent]:
    with api.sessions() as s:
        q = select(AuditEvent).where(AuditEvent.action == action)
        if target:
            q = q.where(AuditEvent.target_id == target)
        return list(s.scalars(q.order_by(AuditEvent.at)))


def count_messages(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Message)) or 0


@dataclass
class Clocked:
    worker: Worker
    now: list[datetime]
    senders: dict[str, Recorder]

    def run(self, after: timedelta = timedelta(seconds=1)) -> int:
        """Run everything due ``after`` the real now."""
        self.now[0] = utcnow() + after
        total = 0
        while (n := self.worker.run_once()) > 0:
            total += n
        return total

    def outgoing(self):
        return [o for rec in self.senders.values() for o in rec.sent]


@pytest.fixture
def worker(api) -> Iterator[Clocked]:
    st = api.client.app.state.liaison
    now = [utcnow()]
    rec = {k: Recorder() for k in ("email", "webhook", "mobile", "phone", "inbox")}
    clock: Callable[[], datetime] = lambda: now[0]  # noqa: E731
    w = Worker(st.settings, st.sessions, st.cache, name="api-test", by_kind=rec, threads=1, clock=clock)  # type: ignore[arg-type]
    yield Clocked(w, now, rec)
    w.pool.shutdown()


# -- send, inbox, read, acknowledge --


def test_flash_request_reaches_the_inbox_with_its_escalation_timer_and_is_read_and_acknowledged(api):
    out = sent(api)
    assert out["addressees"][0]["member"] == "FR"
    assert out["escalation_policy"] == "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat"
    assert out["thread_id"] == out["id"] and out["marking"] == "TLP:AMBER"
    assert out["response_due_at"] is not None  # a request has a response clock (8 hours by default)

    [item] = inbox(api, "fr.cp")
    assert (item["id"], item["direction"], item["priority"], item["acknowledged"]) == (out["id"], "in", "flash", False)
    assert item["escalates_at"] is not None
    assert [i["id"] for i in inbox(api, "jp.cp", box="out")] == [out["id"]]
    assert inbox(api, "jp.cp") == []  # nothing addressed to Japan

    r = api.as_("fr.cp").get(f"/api/v1/messages/{out['id']}")
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["body"] == "Flight JL 45 tonight, seat 12C." and m["legal_basis"] == LEGAL
    assert m["you"]["addressee"] and m["you"]["may_acknowledge"] and not m["you"]["sender"]
    assert m["addressees"][0]["yours"] is True
    [read] = audit_rows(api, "message.read", out["id"])
    assert read.actor_name == "fr.cp" and read.via == "api"

    r = api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/acknowledge", json={})
    assert r.status_code == 200, r.text
    assert r.json()["acknowledged_for"] == [out["addressees"][0]["label"]]
    assert api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/acknowledge").status_code == 409
    [item] = inbox(api, "fr.cp")
    assert item["acknowledged"] is True and item["escalates_at"] is None
    assert audit_rows(api, "message.acknowledge", out["id"])[0].actor_name == "fr.cp"


def test_only_the_addressee_acknowledges_and_the_refusal_is_audited(api):
    out = sent(api)
    r = api.as_("jp.cp").post(f"/api/v1/messages/{out['id']}/acknowledge", json={})
    assert r.status_code == 403
    assert "addressee" in r.json()["detail"]
    [refused] = audit_rows(api, "message.refused", out["id"])
    assert refused.actor_name == "jp.cp"
    assert refused.details["attempted"] == "acknowledge" and "addressee" in refused.details["reason"]


def test_answering_the_response_clock(api):
    out = sent(api)
    by = (utcnow() + timedelta(hours=4)).isoformat()
    r = api.as_("fr.cp").post(
        f"/api/v1/messages/{out['id']}/answer", json={"will_answer": True, "answer_by": by, "note": "Checking"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["answer"] == "will_answer"
    a = api.as_("fr.cp").get(f"/api/v1/messages/{out['id']}").json()["addressees"][0]
    assert a["answer"] == "will_answer" and a["answer_note"] == "Checking" and a["acknowledged_at"]
    r = api.as_("fr.cp").post(
        f"/api/v1/messages/{out['id']}/answer", json={"will_answer": True, "answer_by": "2026-01-01T00:00:00"}
    )
    assert r.status_code == 422 and r.json()["field"] == "answer_by"  # no time zone: refused, not guessed


# -- threads: replies, forwards under the marking, case steps, close, export --


def test_reply_reaches_the_sender_with_a_marking_at_least_as_strict(api):
    out = sent(api)
    r = api.as_("fr.cp").post(
        f"/api/v1/messages/{out['id']}/replies", json={"body": "Confirmed on board.", "marking": {"tlp": "green"}}
    )
    assert r.status_code == 201, r.text
    rep = r.json()
    assert rep["thread_id"] == out["id"] and rep["parent_id"] == out["id"]
    assert rep["marking"] == "TLP:AMBER"  # asked for GREEN: the reply is never less strict than the message
    [item] = inbox(api, "jp.cp")
    assert (item["id"], item["tlp"], item["direction"]) == (rep["id"], "AMBER", "in")
    assert item["sender"] == "Unité de coordination"
    # Replying acknowledged for France.
    assert inbox(api, "fr.cp")[0]["acknowledged"] is True
    r = api.as_("jp.cp").post(
        f"/api/v1/messages/{rep['id']}/replies", json={"body": "Thanks", "marking": {"tlp": "TLP:AMBER+STRICT"}}
    )
    assert r.status_code == 201 and r.json()["marking"] == "TLP:AMBER+STRICT"
    thread = api.as_("jp.cp").get(f"/api/v1/messages/{out['id']}").json()["thread"]
    assert len(thread) == 3


def test_forward_refused_under_amber_strict_even_with_consent_and_audited(api):
    out = sent(api, "secretariat", kind="threat_notice", marking={"tlp": "TLP:AMBER+STRICT"})
    consent = api.as_("secretariat").post(f"/api/v1/messages/{out['id']}/forward-consent", json={"members": ["*"]})
    assert consent.status_code == 200 and consent.json()["forward_consent"] == ["*"]
    r = api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/forward", json={"to": ["JP"]})
    assert r.status_code == 403
    err = r.json()
    assert err["to"] == "JP" and "AMBER+STRICT" in err["reason"]
    [refused] = audit_rows(api, "message.refused", out["id"])
    assert refused.actor_name == "fr.cp" and refused.details["attempted"] == "forward"
    assert refused.details["to"] == "JP" and "AMBER+STRICT" in refused.details["reason"]
    assert count_messages(api) == 1
    assert inbox(api, "jp.cp") == []


def test_forward_under_originator_control_needs_the_originators_consent(api):
    out = sent(api, "secretariat", kind="threat_notice", marking={"tlp": "green", "originator_control": True})
    r = api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/forward", json={"to": ["JP"], "note": "For info"})
    assert r.status_code == 403 and "originator control" in r.json()["reason"]
    assert audit_rows(api, "message.refused", out["id"])[0].details["attempted"] == "forward"
    # Only the originator consents.
    assert (
        api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/forward-consent", json={"members": ["JP"]}).status_code
        == 403
    )
    assert len(audit_rows(api, "message.refused", out["id"])) == 2
    r = api.as_("secretariat").post(f"/api/v1/messages/{out['id']}/forward-consent", json={"members": ["jp"]})
    assert r.json()["forward_consent"] == ["JP"]

    r = api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/forward", json={"to": ["JP"], "note": "For info"})
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["forwarded_from_id"] == out["id"] and copy["thread_id"] == copy["id"]
    assert copy["marking"] == "TLP:GREEN, originator control"
    [item] = inbox(api, "jp.cp")
    assert item["id"] == copy["id"]
    body = api.as_("jp.cp").get(f"/api/v1/messages/{copy['id']}").json()["body"]
    assert body.startswith("For info") and "Flight JL 45" in body
    # Japan reads the copy, not the original.
    assert api.as_("jp.cp").get(f"/api/v1/messages/{out['id']}").status_code == 404


def test_victim_referral_case_steps_then_closed(api):
    out = sent(api, kind="victim_referral", priority="urgent", subject="Victim needs legal aid", body="Details.")
    url = f"/api/v1/messages/{out['id']}/case-steps"
    earlier = utcnow().isoformat()  # given explicitly: a step may be recorded after the fact
    r = api.as_("fr.cp").post(url, json={"step": "victim_contacted", "note": "By phone", "at": earlier})
    assert r.status_code == 201, r.text
    assert r.json()["by"] == "fr.cp"
    assert api.as_("fr.cp").post(url, json={"step": "support_engaged"}).status_code == 201
    future = (utcnow() + timedelta(days=1)).isoformat()
    r = api.as_("fr.cp").post(url, json={"step": "transmitted_to_prosecutor", "at": future})
    assert r.status_code == 422 and r.json()["field"] == "at"
    assert api.as_("fr.cp").post(url, json={"step": "lost"}).status_code == 422
    m = api.as_("jp.cp").get(f"/api/v1/messages/{out['id']}").json()
    assert [c["step"] for c in m["case_steps"]] == ["received", "victim_contacted", "support_engaged"]
    assert m["case_step"] == "support_engaged"
    # The addressee closes its case (its own part); the message stays open until its sender closes it.
    r = api.as_("fr.cp").post(url, json={"step": "closed", "note": "Victim represented"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    assert api.as_("fr.cp").post(url, json={"step": "support_engaged"}).status_code == 409
    r = api.as_("jp.cp").post(f"/api/v1/messages/{out['id']}/close", json={"outcome": "Victim represented in France"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    # A request is not a case.
    req = sent(api)
    assert (
        api.as_("fr.cp").post(f"/api/v1/messages/{req['id']}/case-steps", json={"step": "received"}).status_code == 422
    )


def test_close_with_outcome(api):
    out = sent(api)
    url = f"/api/v1/messages/{out['id']}/close"
    assert api.as_("jp.cp").post(url, json={"outcome": "  "}).status_code == 422
    r = api.as_("jp.cp").post(url, json={"outcome": "Suspect stopped at arrival"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["outcome"] == "Suspect stopped at arrival"
    assert api.as_("jp.cp").post(url, json={"outcome": "again"}).status_code == 409
    assert api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/replies", json={"body": "late"}).status_code == 409
    assert inbox(api, "fr.cp", status="open") == []
    assert [i["status"] for i in inbox(api, "fr.cp", status="closed")] == ["closed"]


def test_export_the_thread_and_red_only_by_its_sender(api):
    out = sent(api)
    api.as_("fr.cp").post(f"/api/v1/messages/{out['id']}/replies", json={"body": "On it."})
    r = api.as_("jp.cp").get(f"/api/v1/messages/{out['id']}/export")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].startswith("attachment;")
    data = r.json()
    assert [m["subject"] for m in data["messages"]] == ["Travel of a suspect", "Re: Travel of a suspect"]
    assert data["messages"][0]["addressees"][0]["member"] == "FR" and data["withheld"] == []
    [row] = audit_rows(api, "message.export", out["id"])
    assert row.actor_name == "jp.cp" and len(row.details["messages"]) == 2

    red = sent(api, marking={"tlp": "red"}, subject="Source identity")
    r = api.as_("fr.cp").get(f"/api/v1/messages/{red['id']}/export")
    assert r.status_code == 403 and "TLP:RED" in r.json()["detail"]
    assert audit_rows(api, "message.refused", red["id"])[0].details["attempted"] == "export"
    assert api.as_("fr.cp").get(f"/api/v1/messages/{red['id']}").status_code == 200  # read, yes
    assert api.as_("jp.cp").get(f"/api/v1/messages/{red['id']}/export").status_code == 200
    # A RED reply in an AMBER thread is withheld from an export by whoever did not send it.
    api.as_("fr.cp").post(
        f"/api/v1/messages/{out['id']}/replies", json={"body": "Name: ...", "marking": {"tlp": "red"}}
    )
    data = api.as_("jp.cp").get(f"/api/v1/messages/{out['id']}/export").json()
    assert len(data["messages"]) == 2 and len(data["withheld"]) == 1


# -- bad input --


def test_unknown_addressee_404_with_suggestions_and_nothing_stored(api):
    r = send(api, to=["FR", "JPX"])
    assert r.status_code == 404
    assert "nothing was sent" in r.json()["detail"] and "JP" in r.json()["suggestions"]
    assert count_messages(api) == 0
    r = send(api, to=[], to_contacts=["00000000-0000-4000-8000-000000000000"])
    assert r.status_code == 404 and count_messages(api) == 0


def test_attachments_checked_before_anything_is_stored(api):
    ok = [{"filename": "manifest.pdf", "content_type": "application/pdf", "content_base64": b64(PDF)}]
    cases = [
        (413, [*ok, {"filename": "big.pdf", "content_base64": b64(PDF + b"0" * (MAX_BYTES + 1 - len(PDF)))}], None),
        (413, [{"filename": "huge.pdf", "content_base64": b64(b"%PDF-" + b"0" * 50_000)}], None),
        (422, [{"filename": "page.html", "content_base64": b64(b"<html><script>x()</script></html>")}], "attachments"),
        (422, [{"filename": "evil.pdf", "content_base64": b64(b"MZ\x90\x00 an executable")}], "attachments"),
        (422, [*ok, {"filename": "x.pdf", "content_base64": "not base64!"}], "attachments[1].content_base64"),
    ]
    for status, attachments, field in cases:
        r = send(api, attachments=attachments)
        assert r.status_code == status, (attachments[-1]["filename"], r.text)
        if field:
            assert r.json()["field"] == field
    assert count_messages(api) == 0

    out = sent(api, attachments=ok)
    m = api.as_("fr.cp").get(f"/api/v1/messages/{out['id']}").json()
    [att] = m["attachments"]
    assert (att["filename"], att["content_type"], att["size"]) == ("manifest.pdf", "application/pdf", len(PDF))
    r = api.as_("fr.cp").get(f"/api/v1/messages/{out['id']}/attachments/{att['id']}")
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="manifest.pdf"')
    assert r.headers["x-content-type-options"] == "nosniff"
    reads = [e for e in audit_rows(api, "message.read", out["id"]) if e.details.get("attachment")]
    assert [e.details["filename"] for e in reads] == ["manifest.pdf"]
    assert api.as_("de.analyst").get(f"/api/v1/messages/{out['id']}/attachments/{att['id']}").status_code == 404


def test_bad_marking_and_invalid_fields_name_the_field(api):
    r = send(api, marking={"tlp": "TLP:PURPLE"})
    assert r.status_code == 422 and r.json()["field"] == "marking"
    r = send(api, legal_basis="")
    assert r.status_code == 422 and r.json()["field"] == "legal_basis"
    r = send(api, priority="asap")
    assert r.status_code == 422 and r.json()["field"] == "priority"
    assert count_messages(api) == 0


# -- the one-click acknowledgement link --


def test_ack_link_works_once_and_refusals_are_audited(api, worker: Clocked):
    out = sent(api)
    assert worker.run() > 0
    items = worker.outgoing()
    assert items, "the contact on duty was notified"
    token = items[0].payload["ack_url"].rsplit("/", 1)[1]
    anonymous = api.as_(None)

    r = anonymous.post(f"/api/v1/ack/{token}")
    assert r.status_code == 200, r.text
    assert r.json() == {"message_id": out["id"], "acknowledged_for": out["addressees"][0]["label"], "first": True}
    assert inbox(api, "fr.cp")[0]["acknowledged"] is True
    acks = audit_rows(api, "message.acknowledge", out["id"])
    assert acks[0].details["via"] == "link" and acks[0].actor_name.endswith("(link)")

    replay = anonymous.post(f"/api/v1/ack/{token}")
    assert replay.status_code == 409
    head, _, signature = token.rpartition(".")
    tampered = anonymous.post(f"/api/v1/ack/{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}")
    assert tampered.status_code == 403 and "forged" in tampered.json()["detail"]
    with api.sessions() as s:
        note_id = s.scalar(select(Notification.id).where(Notification.message_id == uuid.UUID(out["id"])))
    key = api.client.app.state.liaison.settings.secret_key
    expired = make_ack_token(key, note_id, utcnow() - timedelta(minutes=1))
    r = anonymous.post(f"/api/v1/ack/{expired}")
    assert r.status_code == 403 and "expired" in r.json()["detail"]
    assert anonymous.post("/api/v1/ack/garbage").status_code == 403

    refused = audit_rows(api, "message.acknowledge_refused")
    assert [e.details["why"] for e in refused] == ["replayed", "forged", "expired", "malformed"]
    assert refused[0].target_id == out["id"]  # the replayed link names its message
    assert all(e.details["token_prefix"] for e in refused)


# -- escalation policies --


def test_escalation_policies_defaults_set_and_frozen(api, worker: Clocked):
    r = api.as_("fr.cp").get("/api/v1/networks/FTF/escalation")
    assert r.status_code == 200, r.text
    flash = r.json()["policies"][0]
    assert (flash["priority"], flash["default"], flash["repeat"]) == ("flash", True, True)
    assert [s["target"] for s in flash["steps"]] == ["on-duty", "deputy", "desk", "secretariat"]
    assert api.as_("jp.cp").get("/api/v1/networks/VOT/escalation").status_code == 404

    before = sent(api)
    url = "/api/v1/networks/FTF/escalation/flash"
    assert api.as_("fr.cp").put(url, json={"policy": "on-duty@0s,secretariat@1m"}).status_code == 403
    r = api.as_("secretariat").put(url, json={"policy": "on-duty@0s,deputy@5x"})
    assert r.status_code == 422 and r.json()["field"] == "policy" and "step 2" in r.json()["detail"]
    assert (
        api.as_("secretariat").put("/api/v1/networks/FTF/escalation/asap", json={"policy": "on-duty@0s"}).status_code
        == 422
    )
    r = api.as_("secretariat").put(url, json={"policy": "on-duty@0s, secretariat@1m"})
    assert r.status_code == 200, r.text
    flash = r.json()["policies"][0]
    assert (flash["policy"], flash["default"]) == ("on-duty@0s,secretariat@1m", False)
    assert audit_rows(api, "escalation.set")[0].details["after"] == "on-duty@0s,secretariat@1m"

    after = sent(api)
    assert after["escalation_policy"] == "on-duty@0s,secretariat@1m"
    worker.run(timedelta(minutes=6))
    m = api.as_("fr.cp").get(f"/api/v1/messages/{before['id']}").json()
    assert m["escalation_policy"] == "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat"
    assert {n["target"] for n in m["notifications"]} == {"on-duty", "deputy"}  # the frozen policy ran
    m = api.as_("fr.cp").get(f"/api/v1/messages/{after['id']}").json()
    assert {n["target"] for n in m["notifications"]} == {"on-duty", "secretariat"}


# -- oversight --


def test_dashboard_is_for_the_secretariat_and_shows_no_content(api):
    out = sent(api, subject="Codename NIGHTJAR", body="Meeting at the harbour")
    assert api.as_("fr.cp").get("/api/v1/networks/FTF/dashboard").status_code == 403
    assert api.as_("outsider").get("/api/v1/networks/FTF/dashboard").status_code == 404
    r = api.as_("secretariat").get("/api/v1/networks/FTF/dashboard")
    assert r.status_code == 200, r.text
    d = r.json()
    assert [o["id"] for o in d["open"]] == [out["id"]]
    assert d["open"][0]["to"] == ["FR"] and d["open"][0]["kind"] == "request"
    assert "NIGHTJAR" not in r.text and "harbour" not in r.text and "Flight" not in r.text
    # The secretariat oversees the traffic, but does not read it.
    assert api.as_("secretariat").get(f"/api/v1/messages/{out['id']}").status_code == 404


def test_exercise_schedule_run_report_and_cancel(api, worker: Clocked):
    sec = api.as_("secretariat")
    soon = (utcnow() + timedelta(seconds=1)).isoformat()
    r = sec.post("/api/v1/networks/FTF/exercises", json={"at": soon, "window_minutes": 15, "note": "Q4 test"})
    assert r.status_code == 201, r.text
    ex = r.json()
    assert ex["status"] == "scheduled" and ex["window_minutes"] == 15 and ex["network"] == "FTF"
    assert api.as_("fr.cp").post("/api/v1/networks/FTF/exercises", json={"at": soon}).status_code == 403
    past = (utcnow() - timedelta(days=1)).isoformat()
    r = sec.post("/api/v1/networks/FTF/exercises", json={"at": past})
    assert r.status_code == 422 and r.json()["field"] == "at"

    worker.run(timedelta(seconds=2))  # starts the exercise, then notifies every member's contact on duty
    [test] = inbox(api, "fr.cp")
    assert test["kind"] == "reachability_test"
    assert api.as_("fr.cp").post(f"/api/v1/messages/{test['id']}/acknowledge", json={}).status_code == 200

    r = sec.get(f"/api/v1/exercises/{ex['id']}")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["exercise"]["status"] == "running" and report["message_id"] == test["id"]
    results = {row["member"]: row["result"] for row in report["members"]}
    assert results == {"FR": "reached", "JP": "waiting"}
    assert [t["id"] for t in report["trend"]] == [ex["id"]]
    assert api.as_("fr.cp").get(f"/api/v1/exercises/{ex['id']}").status_code == 404

    later = (utcnow() + timedelta(days=7)).isoformat()
    nxt = sec.post("/api/v1/networks/FTF/exercises", json={"at": later}).json()
    listed = sec.get("/api/v1/networks/FTF/exercises").json()
    assert [e["id"] for e in listed] == [nxt["id"], ex["id"]]
    r = sec.post(f"/api/v1/exercises/{nxt['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert sec.post(f"/api/v1/exercises/{nxt['id']}/cancel").status_code == 409
    assert sec.post(f"/api/v1/exercises/{ex['id']}/cancel").status_code == 409  # already ran
