"""The demo's requests: about thirty past ones consistent on the tracker and counted in the ledger, and the demo
case's draft from France to Japan by fr.ftf, which passes the completeness check with the real finder and dual
check and goes through the exchange; Japan's answer shows on the clock and in the ledger."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from liaison.actions import exchange
from liaison.actions import legal_requests as actions
from liaison.db import transaction
from liaison.demo_legal_requests import DRAFTER, HISTORY, demo_case
from liaison.models import LegalRequest, Message, User, utcnow
from liaison.queries import legal_requests as q
from liaison.queries.principals import principal_for_user
from tests.conftest import Db


def who(db: Db, username: str):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        return principal_for_user(s, user, "api", "test")


def test_past_requests_are_consistent_and_counted(demo: Db) -> None:
    auditor = who(demo, "auditor")
    with demo.sessions() as s:
        past = s.scalars(select(LegalRequest).where(LegalRequest.created_by == "demo")).all()
        assert len(past) >= HISTORY - 2 and all(r.demo and r.message_id for r in past)
        # the stored status is what the exchange says: syncing changes nothing
        assert actions.sync(s, actor=auditor, requests=past) == []
        tracker = q.tracker(s, auditor)
        ledger = q.ledger(s, auditor)
    assert tracker["demo"] and tracker["count"] >= HISTORY - 1
    clocks = {r["clock"] for r in tracker["requests"]}
    assert {"answered_in_time", "answered_late"} & clocks
    rows = {r["member"]: r for r in ledger["members"]}
    assert ledger["demo"] and rows["FR"]["sent"] >= 3
    answered = [r for r in rows.values() if r["median_hours"] is not None]
    assert len({r["median_hours"] for r in answered}) >= 3  # states answer at different speeds
    honoured = sum(r["assurances_honoured"] for r in rows.values())
    broken = sum(r["assurances_broken"] for r in rows.values())
    assert honoured > broken >= 1, (honoured, broken)
    assert rows["FR"]["received"] >= 1 and any(r["open_received"] for r in rows.values())


def test_demo_case_draft_checked_sent_answered(demo: Db) -> None:
    fr, jp = who(demo, DRAFTER), who(demo, "jp.ftf")
    case = demo_case()
    with demo.sessions() as s:
        draft = s.scalar(select(LegalRequest).where(LegalRequest.status == "draft", LegalRequest.demo.is_(True)))
        assert draft is not None and draft.created_by == DRAFTER
        assert (draft.requesting, draft.requested, draft.title) == ("FR", "JP", case["title"])
        assert draft.check is not None and draft.check["complete"]  # left checked, ready to send
        assert draft.legal_basis == ["un-1999-financing"] and draft.dual_criminality
        reference = draft.reference
    with transaction(demo.sessions) as s:
        out = actions.check(s, actor=fr, reference=reference)
    assert out["complete"], out["items"]
    assert out["certainty"] == "demo" and "certainty" in out["warnings"]
    assert out["basis"]["items"] and out["dual"]["explanation"]
    with transaction(demo.sessions) as s:
        req = actions.send(s, actor=fr, reference=reference)
        mid = req.message_id
    with transaction(demo.sessions) as s:
        m = s.get(Message, mid)
        assert m is not None and m.kind == "request" and m.response_due_at is not None
        exchange.answer_clock(s, actor=jp, message=m, will_answer=True, answer_by=utcnow() + timedelta(days=3))
    with transaction(demo.sessions) as s:
        detail = q.detail(s, fr, reference)
        assert detail["status"] == "sent"  # not yet synced
        actions.sync(s, actor=fr, requests=[s.scalar(select(LegalRequest).where(LegalRequest.reference == reference))])
        detail = q.detail(s, fr, reference)
        ledger = {r["member"]: r for r in q.ledger(s, fr)["members"]}
    assert detail["status"] == "answered" and detail["clock"] == "answered_in_time"
    assert ledger["JP"]["answered"] >= 1


def test_demo_case_from_the_cli(demo: Db) -> None:
    """The same with the real finder and dual check, from the command line, as fr.ftf."""
    import json

    from typer.testing import CliRunner

    from liaison.cli import app

    def run(*args: str):  # type: ignore[no-untyped-def]
        env = {"LIAISON_DATABASE_URL": demo.url, "LIAISON_ENV": "test"}
        return CliRunner().invoke(app, list(args), env=env)

    r = run("request", "list", "--status", "draft", "--as", DRAFTER, "--json")
    assert r.exit_code == 0, r.output
    [row] = json.loads(r.stdout[r.stdout.index("{") :])["requests"]
    r = run("request", "check", row["reference"], "--as", DRAFTER)
    assert r.exit_code == 0, r.output
    assert "Suggested for this conduct: un-1999-financing" in r.output and "demonstration data" in r.output.lower()
    r = run("request", "send", row["reference"], "--as", "jp.ftf")
    assert r.exit_code == 1 and "no request" in r.output  # France's draft is unknown to Japan
    r = run("request", "send", row["reference"], "--as", DRAFTER, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout[r.stdout.index("{") :])["status"] == "sent"
    r = run("request", "show", row["reference"], "--as", "jp.ftf", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout[r.stdout.index("{") :])["clock"] == "running"
    r = run("request", "show", row["reference"], "--as", "us.vot")
    assert r.exit_code == 1  # a third member's user: no such request
