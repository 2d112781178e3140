"""The dual-criminality check and a member's offences from the CLI, the API and the pages, on the demo offences:
the demo case from France gets "met" for Japan and "not met" for New Zealand."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from liaison.cli import app
from liaison.demo_legal_offences import DEMO_CASE
from liaison.legal.elements import ELEMENTS
from tests.bank.test_ui_bank import log_in
from tests.conftest import Api
from tests.legal.offences_support import load_demo_offences

runner = CliRunner()
JP_FINANCING = "公衆等脅迫目的の犯罪行為のための資金等の提供等の処罰に関する法律 第3条"


def cli(url: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test"}, input=stdin)


def test_cli(api: Api, world_db_url: str, tmp_path: Path) -> None:
    load_demo_offences(api.sessions)
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(DEMO_CASE), encoding="utf-8")
    r = cli(world_db_url, "legal", "check", str(facts), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    verdicts = {a["requested"]: a["verdict"] for a in out["answers"]}
    assert verdicts == {"JP": "met", "NZ": "not_met"}
    jp = out["answers"][0]
    assert jp["requested_matches"][0]["citation"] == JP_FINANCING and jp["certainty"] == "demo"
    assert jp["requested_matches"][0]["threshold_months"] == 36
    nz = out["answers"][1]
    assert nz["requested_matches"][0]["missing"] == ["ideological_motive"]

    r = cli(world_db_url, "legal", "check", str(facts), "--requested", "de", "--kind", "mla")
    assert r.exit_code == 0 and "DE (requested by FR, mla)" in r.stdout and "§ 89c StGB" in r.stdout
    assert "Demonstration data" in r.stdout
    r = cli(
        world_db_url, "legal", "check", "-", "--requested", "JP", stdin='{"conduct": ["finanse"], "requesting": "FR"}'
    )
    assert r.exit_code == 1 and "finance" in r.output
    r = cli(world_db_url, "legal", "check", str(facts), "--requested", "JX")
    assert r.exit_code == 1 and "unknown member" in r.output
    r = cli(world_db_url, "legal", "check", "-", "--requested", "JP", stdin="not json")
    assert r.exit_code == 1 and "not JSON" in r.output
    r = cli(world_db_url, "legal", "check", str(facts), "--kind", "extradite")
    assert r.exit_code == 1

    r = cli(world_db_url, "legal", "offences", "de", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["member"] == "DE" and out["demo"] and "§ 129a StGB" in [o["citation"] for o in out["offences"]]
    r = cli(world_db_url, "legal", "offences", "DE")
    assert r.exit_code == 0 and "Bildung terroristischer Vereinigungen" in r.stdout and "Demo reviewer" in r.stdout
    assert cli(world_db_url, "legal", "offences", "ZZ").exit_code == 1


def test_api(api: Api) -> None:
    load_demo_offences(api.sessions)
    body = {k: v for k, v in DEMO_CASE.items()}
    r = api.as_("fr.analyst").post("/api/v1/legal/check", json=body)
    assert r.status_code == 200, r.text
    answers = r.json()["answers"]
    assert [a["verdict"] for a in answers] == ["met", "not_met"]
    assert any(JP_FINANCING in line for line in answers[0]["explanation"])
    assert answers[0]["citations"][0]["certainty"] == "demo"
    r = api.as_("jp.cp").post("/api/v1/legal/check", json=body | {"kind": "mla", "requested": ["JP"]})
    assert r.status_code == 200 and r.json()["answers"][0]["verdict"] == "not_required"
    r = api.as_("jp.cp").post("/api/v1/legal/check", json=body | {"kind": "spontaneous", "requested": ["NZ"]})
    assert r.json()["answers"][0]["verdict"] == "not_required"
    r = api.as_("fr.analyst").post("/api/v1/legal/check", json=body | {"conduct": ["kil"]})
    assert r.status_code == 422 and "kill" in r.json()["detail"]
    r = api.as_("fr.analyst").post("/api/v1/legal/check", json=body | {"requested": ["JX"]})
    assert r.status_code == 404
    r = api.as_("fr.analyst").post("/api/v1/legal/check", json=body | {"requesting": "FX"})
    assert r.status_code == 404 and "unknown member FX" in r.json()["detail"]
    assert api.as_(None).post("/api/v1/legal/check", json=body).status_code == 401

    r = api.as_("de.analyst").get("/api/v1/legal/offences/jp")
    assert r.status_code == 200 and r.json()["member"] == "JP"
    assert JP_FINANCING in [o["citation"] for o in r.json()["offences"]]
    assert api.as_("de.analyst").get("/api/v1/legal/offences/QQ").status_code == 404
    schema = api.client.get("/api/v1/openapi.json")  # type: ignore[attr-defined]
    if schema.status_code == 200:
        assert "/api/v1/legal/check" in schema.json()["paths"]


def test_pages(api: Api) -> None:
    load_demo_offences(api.sessions)
    client = log_in(api.client, "fr.analyst")
    r = client.get("/legal/check")
    assert r.status_code == 200, r.text
    boxes = re.findall(r'type="checkbox" name="conduct" value="([a-z_]+)"', r.text)
    assert sorted(boxes) == sorted(ELEMENTS) and "legal-check.css" in r.text
    link = re.search(r'href="(/legal/check\?[^"]+)"', r.text)
    assert link
    r = client.get(link.group(1).replace("&amp;", "&"))
    assert r.status_code == 200, r.text
    page = r.text
    assert 'value="finance" checked' in page and 'value="kill" checked' not in page
    assert '<option value="JP" selected>' in page and '<option value="FR" selected>' in page
    for text in ("Dual criminality met", "Not met", JP_FINANCING, "Demonstration data", "36-month threshold"):
        assert text in page, text
    r = client.get("/legal/check", params={"conduct": "kill", "requesting": "FR", "requested": "JX"})
    assert r.status_code == 404 and "unknown member" in r.text
    r = client.get("/legal/check", params={"conduct": "kil", "requesting": "FR", "requested": "JP"})
    assert r.status_code == 422 and "kill" in r.text
    r = client.get("/legal/offences/DE")
    assert r.status_code == 200 and "Bildung terroristischer Vereinigungen" in r.text and "cets-217:art-2" in r.text
    assert client.get("/legal/offences/QQ").status_code == 404


def test_a_link_naming_only_the_requested_state_prefills_the_form(api: Api) -> None:
    load_demo_offences(api.sessions)
    client = log_in(api.client, "jp.cp")
    r = client.get("/legal/check", params={"requested": "de"})
    assert r.status_code == 200 and '<option value="DE" selected>' in r.text and 'role="alert"' not in r.text
