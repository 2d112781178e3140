"""`liaison request ...` (JSON answers, honest exit codes) and the request pages (tracker, drafter with its
check and send buttons, one request, ledger), on the test world with the cores replaced (see test_request_flow)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from liaison.cli import app
from liaison.models import AuditEvent, LegalRequest, utcnow
from tests.bank.test_ui_bank import csrf, log_in
from tests.conftest import Api
from tests.legal.test_request_flow import draft_body, legal_world, sent_request  # noqa: F401 - the `legal` fixture

runner = CliRunner()


def run(url: str, *args: str) -> Any:
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test"})


def payload(out: str) -> Any:
    return json.loads(out[out.index("{") :])


def test_cli_draft_check_send_list_show_close_ledger(legal: Api, world_db_url: str, tmp_path: Path) -> None:
    facts = tmp_path / "facts.txt"
    facts.write_text("A fictional bombing in a station.", encoding="utf-8")
    deadline = (utcnow().date().replace(year=utcnow().year + 1)).isoformat()
    base = ["request", "draft", "--as", "fr.cp", "--to", "JP", "--kind", "mla", "--title", "Bank records"]
    r = run(world_db_url, *base, "--facts-file", str(facts), "--conduct", "kill,intentional", "--measures", "Records")
    assert r.exit_code == 0, r.output
    ref = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"LR-\d{4}-\d{4}", ref)
    r = run(world_db_url, "request", "check", ref, "--as", "fr.cp", "--json")
    assert r.exit_code == 1  # incomplete: refused
    out = payload(r.stdout)
    assert not out["complete"] and {"basis", "language", "deadline", "dual.statement"} <= set(out["blocking"])
    r = run(world_db_url, "request", "check", ref, "--as", "fr.cp")
    assert r.exit_code == 1 and "BLOCKING" in r.output and "Demonstration data" in r.output
    r = run(world_db_url, "request", "send", ref, "--as", "fr.cp")
    assert r.exit_code == 1 and "not complete" in r.output
    full = [
        "--reference",
        ref,
        "--facts-file",
        str(facts),
        "--conduct",
        "kill,intentional",
        "--measures",
        "Records",
        "--basis",
        "cets-030",
        "--assurance",
        "fair_trial",
        "--dual",
        "Murder under Japanese law.",
        "--language",
        "en",
        "--deadline",
        deadline,
        "--json",
    ]
    r = run(world_db_url, *base, *full)
    assert r.exit_code == 0, r.output
    assert payload(r.stdout)["reference"] == ref
    assert run(world_db_url, "request", "check", ref, "--as", "fr.cp").exit_code == 0
    r = run(world_db_url, "request", "send", ref, "--as", "fr.cp", "--json")
    assert r.exit_code == 0, r.output
    assert payload(r.stdout)["status"] == "sent" and payload(r.stdout)["message_id"]
    r = run(world_db_url, "request", "list", "--as", "jp.cp", "--json", "--status", "open")
    assert r.exit_code == 0 and [x["reference"] for x in payload(r.stdout)["requests"]] == [ref]
    assert run(world_db_url, "request", "list", "--as", "de.analyst", "--json").exit_code == 0
    assert payload(run(world_db_url, "request", "list", "--as", "de.analyst", "--json").stdout)["requests"] == []
    r = run(world_db_url, "request", "list", "--status", "bogus")
    assert r.exit_code == 2
    r = run(world_db_url, "request", "show", ref, "--as", "de.analyst")
    assert r.exit_code == 1 and "no request" in r.output
    r = run(world_db_url, "request", "show", ref, "--as", "jp.cp", "--json")
    assert r.exit_code == 0 and payload(r.stdout)["status"] == "sent"
    r = run(
        world_db_url, "request", "close", ref, "--as", "fr.cp", "--outcome", "Done", "--assurances-honoured", "maybe"
    )
    assert r.exit_code == 2
    r = run(world_db_url, "request", "close", ref, "--as", "fr.cp", "--outcome", "Done", "--assurances-honoured", "no")
    assert r.exit_code == 0, r.output
    r = run(world_db_url, "request", "ledger", "--json")
    assert r.exit_code == 0
    ledger = {m["member"]: m for m in payload(r.stdout)["members"]}
    assert ledger["FR"]["assurances_broken"] == 1 and ledger["FR"]["honoured_rate"] == 0
    r = run(world_db_url, "request", "ledger", "--member", "FR")
    assert r.exit_code == 0 and "FR" in r.output
    assert run(world_db_url, "request", "ledger", "--member", "ZZ").exit_code == 1
    r = run(world_db_url, *base[:-2], "--title", "x", "--conduct", "kil")
    assert r.exit_code == 1 and "kill" in r.output
    r = run(world_db_url, *base, "--deadline", "2026-02-30")
    assert r.exit_code == 2


def test_pages(legal: Api) -> None:
    out = sent_request(legal)
    client = log_in(legal.client, "fr.cp")
    page = client.get("/legal/requests")
    assert page.status_code == 200 and out["reference"] in page.text and 'id="new-request"' in page.text
    assert "legal-requests.css" in page.text
    assert client.get("/legal/requests", params={"status": "open", "kind": "mla", "member": "JP"}).status_code == 200
    detail = client.get(f"/legal/requests/{out['reference']}")
    assert detail.status_code == 200 and f"/messages/{out['message_id']}" in detail.text
    assert 'id="close-form"' in detail.text and 'data-step="sent"' in detail.text
    new = client.get("/legal/requests/new")
    assert new.status_code == 200
    for control in (
        'id="requested"',
        'id="conduct-kill"',
        'id="assurance-fair_trial"',
        'id="language"',
        'id="deadline"',
        'id="check-draft"',
        'id="basis-cets-030"',
    ):
        assert control in new.text, control
    assert 'id="send-request"' not in new.text
    form: dict[str, Any] = {k: v for k, v in draft_body().items() if not isinstance(v, list)}
    form |= {"csrf_token": csrf(new.text), "action": "check", "requesting": "FR", "response_hours": "48"}
    form |= {"conduct": ["kill", "intentional"], "legal_basis": ["cets-030"]}
    r = client.post("/legal/requests/new", data=form)
    assert r.status_code == 200 and 'data-code="assurance.fair_trial"' in r.text and 'id="send-request"' not in r.text
    assert "Murder" in r.text  # the dual-criminality explanation
    found = re.search(r'name="reference" value="([^"]+)"', r.text)
    assert found is not None
    ref = found.group(1)
    form |= {"reference": ref, "assurances": ["fair_trial"]}
    r = client.post("/legal/requests/new", data=form)
    assert r.status_code == 200 and 'id="send-request"' in r.text and "Complete" in r.text
    r = client.post("/legal/requests/new", data=form | {"action": "send"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/legal/requests/{ref}?done=sent"
    r = client.post("/legal/requests/new", data=form | {"action": "save", "reference": "", "conduct": ["kil"]})
    assert r.status_code == 422 and "kill" in r.text
    r = client.post(
        f"/legal/requests/{ref}/close", data={"csrf_token": csrf(new.text), "outcome": "Done"}, follow_redirects=False
    )
    assert r.status_code == 422  # the assurances: honoured or not?
    r = client.post(
        f"/legal/requests/{ref}/close",
        data={"csrf_token": csrf(new.text), "outcome": "Done", "honoured": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    ledger = client.get("/legal/ledger")
    assert ledger.status_code == 200 and 'id="ledger-table"' in ledger.text and "<svg" in ledger.text
    with legal.sessions() as s:
        assert s.scalar(select(LegalRequest.assurances_honoured).where(LegalRequest.reference == ref)) is True
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "legal.request.read"))
    outsider = log_in(legal.client, "de.analyst")
    assert outsider.get(f"/legal/requests/{ref}").status_code == 404
    assert ref not in outsider.get("/legal/requests").text
