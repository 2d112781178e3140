"""A request's life through the API on the test world (France and Japan on FTF, Germany on VOT only): drafted,
refused while incomplete, sent through the exchange as a request with its response clock, answered through the
exchange (clock answer, reply, "cannot answer"), tracked, closed with the assurances honoured, counted in the
ledger; seen by both members' users, auditors and nobody else; every step audited.

The legal-basis finder and the dual-criminality check are replaced here by hand-built answers
(:func:`fake_cores`): these tests are about the request's path, not about the law (the demo test runs the real
ones)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from liaison.actions import exchange
from liaison.actions import legal_requests as actions
from liaison.db import transaction
from liaison.legal.facts import BasisAnswer, BasisItem, Citation, DualAnswer
from liaison.models import AuditEvent, CooperationProfile, Instrument, LegalRequest, Message, utcnow
from liaison.queries.principals import principal_for_user
from tests.conftest import Api

BASE = "/api/v1/legal/requests"


def fake_cores(certainty: str = "demo") -> Any:
    def find_basis(facts: Any, requesting: str, requested: str, kind: str, on: date, **_kw: Any) -> BasisAnswer:
        item = BasisItem(
            "cets-030", "CETS 30", "CoE", "convention", [], [], True, [Citation("CETS 30", certainty=certainty)]
        )
        return BasisAnswer(
            requesting, requested, kind, on, [item], False, True, True, "treaty", certainty, [], item.citations
        )

    def check_dual(facts: Any, conduct: Any, requesting: str, requested: str, kind: str, on: date) -> DualAnswer:
        verdict = "met" if "kill" in conduct else "not_met"
        return DualAnswer(
            requesting,
            requested,
            kind,
            sorted(conduct),
            [],
            [],
            verdict,
            ["Murder (Art. 199): every element shown."],
            certainty,
            [],
        )

    return lambda: (find_basis, check_dual)


@pytest.fixture(name="legal")
def legal_world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Api:
    """The test world plus one instrument and Japan's cooperation profile, with the cores replaced."""
    monkeypatch.setattr(actions, "cores", fake_cores())
    with transaction(api.sessions) as s:
        s.add(
            Instrument(
                code="cets-030",
                title="European Convention on Mutual Assistance",
                short_title="CETS 30",
                kind="convention",
                organisation="CoE",
                request_kinds=["mla", "extradition"],
                demo=True,
            )
        )
        s.add(
            Instrument(
                code="cets-024",
                title="European Convention on Extradition",
                short_title="CETS 24",
                kind="convention",
                organisation="CoE",
                request_kinds=["extradition"],
                demo=True,
            )
        )
        s.add(
            CooperationProfile(
                jurisdiction="JP",
                languages=["ja", "en"],
                assurances_required=["fair_trial"],
                dual_criminality_mla=True,
                demo=True,
            )
        )
    return api


def draft_body(**kw: Any) -> dict[str, Any]:
    body = {
        "requested": "JP",
        "kind": "mla",
        "title": "Bank records of a suspect",
        "facts": "A fictional bombing; the suspect held an account in Tokyo.",
        "conduct": ["kill", "intentional"],
        "measures": "Bank records for 2025.",
        "legal_basis": ["cets-030"],
        "dual_criminality": "The conduct is murder under Japanese law.",
        "assurances": ["fair_trial"],
        "language": "en",
        "deadline": (utcnow().date() + timedelta(days=30)).isoformat(),
        "response_hours": 48,
    }
    return body | kw


def create(api: Api, **kw: Any) -> str:
    r = api.as_("fr.cp").post(BASE, json=draft_body(**kw))
    assert r.status_code == 201, r.text
    return r.json()["reference"]


def sent_request(api: Api, **kw: Any) -> dict[str, Any]:
    ref = create(api, **kw)
    r = api.as_("fr.cp").post(f"{BASE}/{ref}/send")
    assert r.status_code == 200, r.text
    return r.json()


def principal(api: Api, username: str) -> Any:
    from liaison.models import User

    with api.sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        return principal_for_user(s, user, "api", "test")


def message_of(api: Api, out: dict[str, Any]) -> Any:
    return out["message_id"]


def test_draft_checks_codes_and_defaults_to_the_actors_member(legal: Api) -> None:
    fr = legal.as_("fr.cp")
    r = fr.post(BASE, json=draft_body())
    assert r.status_code == 201 and r.json()["requesting"] == "FR" and r.json()["status"] == "draft"
    assert r.json()["reference"].startswith("LR-")
    r = fr.post(BASE, json=draft_body(conduct=["kil"]))
    assert r.status_code == 404 and "kill" in r.json()["suggestions"]
    r = fr.post(BASE, json=draft_body(legal_basis=["cets-03"]))
    assert r.status_code == 404 and "cets-030" in r.json()["suggestions"]
    r = fr.post(BASE, json=draft_body(requested="JPP"))
    assert r.status_code == 404 and "JP" in r.json()["suggestions"]
    r = fr.post(BASE, json=draft_body(assurances=["fair-trial"]))
    assert r.status_code == 404 and "fair_trial" in r.json()["suggestions"]
    r = fr.post(BASE, json=draft_body(language="xx"))
    assert r.status_code == 422 and r.json()["field"] == "language"
    # Only the requesting member's contact points draft: an analyst of France, or Japan drafting for France, no.
    assert legal.as_("fr.analyst").post(BASE, json=draft_body()).status_code == 403
    assert legal.as_("jp.cp").post(BASE, json=draft_body(requesting="FR", requested="DE")).status_code == 403


def test_send_refused_while_incomplete_then_sent_with_its_clock(legal: Api) -> None:
    fr = legal.as_("fr.cp")
    ref = create(legal, assurances=[], language="fr", dual_criminality="")
    r = fr.post(f"{BASE}/{ref}/check")
    assert r.status_code == 200
    out = r.json()
    assert not out["complete"]
    assert set(out["blocking"]) == {"dual.statement", "assurance.fair_trial", "language"}
    assert "certainty" in out["warnings"] and out["certainty"] == "demo"
    assert "Murder" in out["suggested_statement"]
    r = fr.post(f"{BASE}/{ref}/send")
    assert r.status_code == 409 and "fair trial" in r.json()["detail"]
    with legal.sessions() as s:
        assert s.scalar(select(LegalRequest.status).where(LegalRequest.reference == ref)) == "draft"
        assert s.scalar(select(Message.id)) is None  # nothing went through the exchange
    r = fr.put(f"{BASE}/{ref}", json=draft_body())
    assert r.status_code == 200, r.text
    before = utcnow()
    r = fr.post(f"{BASE}/{ref}/send")
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "sent" and out["message_id"] and out["clock"] == "running"
    assert out["frozen"] and out["check"]["complete"] and out["check"]["frozen_at"]
    with legal.sessions() as s:
        m = s.get(Message, __import__("uuid").UUID(out["message_id"]))
        assert m is not None and m.kind == "request" and m.language == "en"
        assert "CETS 30" in m.legal_basis and "[" + ref + "]" in m.subject
        assert "The conduct is murder" in m.body and "fair trial" in m.body
        assert [a.member_code for a in m.addressees] == ["JP"]
        due = m.response_due_at.replace(tzinfo=None) if m.response_due_at.tzinfo else m.response_due_at
        assert abs((due - before.replace(tzinfo=None)) - timedelta(hours=48)) < timedelta(minutes=1)
    # sent: no more edits, no second send
    assert fr.put(f"{BASE}/{ref}", json=draft_body()).status_code == 409
    assert fr.post(f"{BASE}/{ref}/send").status_code == 409


def test_answer_through_the_exchange_updates_tracker_and_ledger(legal: Api) -> None:
    out = sent_request(legal)
    ref = out["reference"]
    jp = principal(legal, "jp.cp")
    with transaction(legal.sessions) as s:
        m = s.get(Message, __import__("uuid").UUID(out["message_id"]))
        exchange.acknowledge(s, actor=jp, message=m)
    r = legal.as_("fr.cp").get(f"{BASE}/{ref}")
    assert r.json()["status"] == "acknowledged" and r.json()["clock"] == "running"
    with transaction(legal.sessions) as s:
        m = s.get(Message, __import__("uuid").UUID(out["message_id"]))
        exchange.answer_clock(s, actor=jp, message=m, will_answer=True, answer_by=utcnow() + timedelta(days=2))
    tracker = legal.as_("fr.cp").get(BASE).json()
    [row] = [x for x in tracker["requests"] if x["reference"] == ref]
    assert row["status"] == "answered" and row["clock"] == "answered_in_time" and row["answered_at"]
    steps = [s["step"] for s in legal.as_("fr.cp").get(f"{BASE}/{ref}").json()["timeline"]]
    assert steps == ["drafted", "sent", "acknowledged", "answered"]
    ledger = {m["member"]: m for m in legal.as_("fr.cp").get("/api/v1/legal/ledger").json()["members"]}
    assert ledger["JP"]["received"] == 1 and ledger["JP"]["answered"] == 1 and ledger["JP"]["in_time_share"] == 1
    assert ledger["JP"]["median_hours"] is not None and ledger["JP"]["median_hours"] < 1
    assert ledger["FR"]["sent"] == 1 and ledger["FR"]["assurances_given"] == 1
    assert ledger["FR"]["honoured_rate"] is None  # not yet known
    # close with the assurances honoured
    r = legal.as_("fr.cp").post(f"{BASE}/{ref}/close", json={"outcome": "Records received."})
    assert r.status_code == 422 and r.json()["field"] == "assurances_honoured"
    assert legal.as_("jp.cp").post(f"{BASE}/{ref}/close", json={"outcome": "x"}).status_code == 403
    r = legal.as_("fr.cp").post(
        f"{BASE}/{ref}/close", json={"outcome": "Records received.", "assurances_honoured": True}
    )
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["assurances_honoured"] is True
    with legal.sessions() as s:
        assert s.get(Message, __import__("uuid").UUID(out["message_id"])).status == "closed"
    ledger = {m["member"]: m for m in legal.as_("jp.cp").get("/api/v1/legal/ledger").json()["members"]}
    assert ledger["FR"]["assurances_honoured"] == 1 and ledger["FR"]["honoured_rate"] == 1
    assert legal.as_("fr.cp").post(f"{BASE}/{ref}/close", json={"outcome": "again"}).status_code == 409
    with legal.sessions() as s:
        actions_seen = set(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("legal.request.%"))))
    assert {
        "legal.request.draft",
        "legal.request.send",
        "legal.request.sync",
        "legal.request.close",
        "legal.request.read",
    } <= actions_seen


def test_reply_answers_and_cannot_answer_refuses(legal: Api) -> None:
    first = sent_request(legal)
    second = sent_request(legal, title="Hearing of a witness")
    jp = principal(legal, "jp.cp")
    with transaction(legal.sessions) as s:
        m = s.get(Message, __import__("uuid").UUID(first["message_id"]))
        exchange.reply(s, actor=jp, message=m, body="Records attached.")
        m2 = s.get(Message, __import__("uuid").UUID(second["message_id"]))
        exchange.answer_clock(s, actor=jp, message=m2, will_answer=False, note="No basis in our law")
    rows = {r["reference"]: r for r in legal.as_("jp.cp").get(BASE, params={"status": "open"}).json()["requests"]}
    assert rows[first["reference"]]["status"] == "answered"
    assert rows[second["reference"]]["status"] == "refused" and rows[second["reference"]]["clock"] == "refused"
    ledger = {
        m["member"]: m
        for m in legal.as_("jp.cp").get("/api/v1/legal/ledger", params={"member": "jp"}).json()["members"]
    }
    assert list(ledger) == ["JP"] and ledger["JP"]["answered"] == 1 and ledger["JP"]["refused"] == 1
    assert legal.as_("jp.cp").get("/api/v1/legal/ledger", params={"member": "ZZ"}).status_code == 404


def test_overdue_clock(legal: Api) -> None:
    out = sent_request(legal, response_hours=1)
    with transaction(legal.sessions) as s:
        m = s.get(Message, __import__("uuid").UUID(out["message_id"]))
        m.response_due_at = utcnow() - timedelta(minutes=5)
    [row] = legal.as_("fr.cp").get(BASE).json()["requests"]
    assert row["clock"] == "overdue"
    ledger = {m["member"]: m for m in legal.as_("fr.cp").get("/api/v1/legal/ledger").json()["members"]}
    assert ledger["JP"]["open_received"] == 1 and ledger["JP"]["overdue_received"] == 1


def test_only_both_members_and_auditors_see_a_request(legal: Api) -> None:
    draft = create(legal)
    assert legal.as_("fr.analyst").get(f"{BASE}/{draft}").status_code == 200
    assert legal.as_("jp.cp").get(f"{BASE}/{draft}").status_code == 404  # a draft is the requesting side's own
    assert draft not in [r["reference"] for r in legal.as_("jp.cp").get(BASE).json()["requests"]]
    assert legal.as_("auditor").get(f"{BASE}/{draft}").status_code == 200
    out = sent_request(legal)
    ref = out["reference"]
    for user in ("fr.cp", "jp.cp", "fr.analyst", "jp.screener", "auditor"):
        assert legal.as_(user).get(f"{BASE}/{ref}").status_code == 200, user
    r = legal.as_("de.analyst").get(f"{BASE}/{ref}")
    assert r.status_code == 404 and r.json()["detail"] == f"no request {ref}"  # as if it did not exist
    assert legal.as_("de.analyst").get(BASE).json()["requests"] == []
    assert legal.as_("de.analyst").post(f"{BASE}/{ref}/check").status_code == 404
    assert legal.as_("de.analyst").post(f"{BASE}/{ref}/close", json={"outcome": "x"}).status_code == 404
    # the Japanese side reads the request but may not send or close it
    assert legal.as_("jp.cp").post(f"{BASE}/{ref}/send").status_code == 403


def test_withdraw_closes_the_message(legal: Api) -> None:
    out = sent_request(legal)
    fr = principal(legal, "fr.cp")
    with transaction(legal.sessions) as s:
        actions.withdraw(s, actor=fr, reference=out["reference"], reason="Case dropped")
    with legal.sessions() as s:
        req = s.scalar(select(LegalRequest).where(LegalRequest.reference == out["reference"]))
        assert req.status == "withdrawn" and s.get(Message, req.message_id).status == "closed"
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "legal.request.withdraw"))
