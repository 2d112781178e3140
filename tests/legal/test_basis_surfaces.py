"""The legal basis at the command line, over the API and on the pages: exit codes and --json, unknown codes with
suggestions, who may read and who may write, the pages for a signed-in user, the demonstration banner."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from liaison.cli import app as cli_app
from tests.legal.basis_world import load
from tests.world import PASSWORD

runner = CliRunner()
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def world(api, world_db_url):
    load(api.sessions)
    api.url = world_db_url
    return api


def cli(world, *args: str, stdin: str | None = None):
    env = {"LIAISON_DATABASE_URL": world.url, "LIAISON_ENV": "test"}
    return runner.invoke(cli_app, list(args), env=env, input=stdin)


def test_cli_basis_json_text_and_exit_codes(world):
    r = cli(world, "legal", "basis", "fr", "JP", "--kind", "mla", "--on", "2026-06-01", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["verdict"] == "treaty" and data["bilateral"] is True and data["certainty"] == "demo"
    assert {i["instrument"] for i in data["items"]} == {"demo-fr-jp-mla", "un-1997-bombings"}
    assert all({"label", "source", "retrieved_on", "certainty"} <= set(c) for c in data["citations"])
    text = cli(world, "legal", "basis", "FR", "JP", "--kind", "extradition", "--as", "jp.cp")
    assert text.exit_code == 0, text.output
    assert (
        "stands in for a bilateral treaty" in text.output and "CETS 196: JP has signed but not ratified" in text.output
    )
    assert "Citations:" in text.output and "(2026-11-01; verified)" in text.output
    unknown = cli(world, "legal", "basis", "FX", "JP")
    assert unknown.exit_code == 1 and "unknown member FX" in unknown.output and "FR" in unknown.output
    assert cli(world, "legal", "basis", "FR", "JP", "--kind", "letters").exit_code == 2
    assert cli(world, "legal", "basis", "FR", "JP", "--on", "2019-02-30").exit_code == 2
    assert cli(world, "legal", "basis", "FR", "JP", "--as", "nobody").exit_code == 1


def test_cli_seed_and_import(world, tmp_path):
    seeded = cli(world, "legal", "seed", "--json")
    assert seeded.exit_code == 0 and json.loads(seeded.output)["added"] == 0
    good = tmp_path / "good.csv"
    good.write_text("jurisdiction,instrument,consent,signed_on,consented_on,in_force_on,source\n"
                    "DE,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,CoE\n")  # fmt: skip
    dry = cli(world, "legal", "import-participations", str(good), "--dry-run", "--json")
    assert dry.exit_code == 0 and json.loads(dry.output)["dry_run"] is True
    done = cli(world, "legal", "import-participations", str(good))
    assert done.exit_code == 0 and "1 participations added" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("jurisdiction,instrument,consent,source\nXX,cets-217,,CoE\n")
    refused = cli(world, "legal", "import-participations", str(bad), "--json")
    assert refused.exit_code == 1 and "unknown member XX" in refused.output
    assert cli(world, "legal", "import-participations", str(good), "--as", "jp.cp").exit_code == 1


def test_api_basis_instruments_and_permissions(world):
    r = world.as_("jp.screener").get("/api/v1/legal/basis", params={"requesting": "FR", "requested": "JP"})
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["instrument"] == "demo-fr-jp-mla"
    missing = world.as_("jp.screener").get("/api/v1/legal/basis", params={"requesting": "FRA", "requested": "JP"})
    assert missing.status_code == 404 and "FR" in missing.json()["suggestions"]
    assert world.as_("fr.cp").get("/api/v1/legal/basis?requesting=FR&requested=JP&kind=x").status_code == 422
    # Legal facts are public law: any user with an agency reads them, even one without a role; writing is not so.
    assert world.as_("outsider").get("/api/v1/legal/basis?requesting=FR&requested=JP").status_code == 200
    assert world.as_(None).get("/api/v1/legal/basis?requesting=FR&requested=JP").status_code == 401
    inst = world.as_("fr.cp").get("/api/v1/legal/instruments/cets-196").json()
    assert {p["jurisdiction"] for p in inst["participations"]} == {"FR", "JP"}
    assert world.as_("fr.cp").get("/api/v1/legal/instruments/cets-19").json()["suggestions"]
    body = {"consent": "ratification", "signed_on": "2015-10-22", "consented_on": "2019-01-01",
            "in_force_on": "2019-05-01", "source": "Journal officiel"}  # fmt: skip
    assert world.as_("fr.cp").put("/api/v1/legal/participations/FR/cets-217", json=body).status_code == 200
    assert world.as_("fr.cp").put("/api/v1/legal/participations/JP/cets-217", json=body).status_code == 403
    assert world.as_("secretariat").put("/api/v1/legal/participations/JP/cets-217", json=body).status_code == 200
    csv = b"jurisdiction,instrument,consent,source\nJP,cets-196,,CoE\nJP,cets-196,,CoE\n"
    headers = {"authorization": f"Bearer {world.tokens['admin']}", "content-type": "text/csv"}
    refused = world.client.post("/api/v1/legal/participations/imports", content=csv, headers=headers)
    assert refused.status_code == 422 and "already appear on line 2" in refused.text


def login(client, username: str) -> None:
    page = client.get("/login?next=/")
    token = CSRF.search(page.text).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text


def test_pages_for_a_signed_in_user(world):
    client = world.client
    login(client, "jp.screener")
    hub = client.get("/legal")
    assert hub.status_code == 200 and 'href="/legal/basis"' in hub.text and 'href="/registries/strategies"' in hub.text
    page = client.get("/legal/basis?requesting=FR&requested=JP&kind=mla")
    assert page.status_code == 200 and "demo-banner" in page.text and "fresh-verified" in page.text
    assert "style=" not in page.text and "<script>" not in page.text
    assert client.get("/legal/basis?requesting=FR&requested=QQ").status_code == 404
    assert client.get("/legal/instruments").status_code == 200
    inst = client.get("/legal/instruments/un-1997-bombings")
    assert inst.status_code == 200 and "Japan" in inst.text and "Art. 10" in inst.text
    form = client.get("/legal/import")
    token = CSRF.search(form.text).group(1)
    csv = b"jurisdiction,instrument,consent,source\nJP,cets-196,,CoE\n"
    r = client.post("/legal/import", data={"csrf_token": token}, files={"file": ("r.csv", csv, "text/csv")})
    assert r.status_code == 403  # a screening officer keeps no state's facts


def test_a_user_without_a_role_reads_the_hub_but_writes_nothing(world):
    login(world.client, "outsider")
    assert world.client.get("/legal").status_code == 200
    body = {"consent": "", "source": "x"}
    assert world.as_("outsider").put("/api/v1/legal/participations/CH/cets-196", json=body).status_code == 403


def test_a_contact_point_imports_its_states_ratifications_from_the_page(world):
    client = world.client
    login(client, "fr.cp")
    token = CSRF.search(client.get("/legal/import").text).group(1)
    good = b"jurisdiction,instrument,consent,signed_on,consented_on,in_force_on,source\n" \
           b"FR,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,JO\n"  # fmt: skip
    dry = client.post("/legal/import", data={"csrf_token": token, "dry_run": "1"},
                      files={"file": ("r.csv", good, "text/csv")})  # fmt: skip
    assert dry.status_code == 200 and "Dry run: nothing was written." in dry.text
    done = client.post("/legal/import", data={"csrf_token": token}, files={"file": ("r.csv", good, "text/csv")})
    assert done.status_code == 200 and "1 participations added" in done.text
    bad = good + b"JP,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,x\n"
    refused = client.post("/legal/import", data={"csrf_token": token}, files={"file": ("r.csv", bad, "text/csv")})
    assert refused.status_code == 422 and "line 3:" in refused.text and "Refused rows" in refused.text


def test_the_same_state_twice_is_a_bad_request_everywhere(world):
    assert cli(world, "legal", "basis", "FR", "fr").exit_code == 1
    r = world.as_("fr.cp").get("/api/v1/legal/basis?requesting=FR&requested=FR")
    assert r.status_code == 422 and r.json()["field"] == "requested"
    login(world.client, "fr.cp")
    assert world.client.get("/legal/basis?requesting=FR&requested=FR").status_code == 422


def test_api_sets_jurisdictions_and_profiles_with_provenance(world):
    body = {"name": "France", "organisations": ["UN", "CoE", "EU"], "source": "Journal officiel"}
    r = world.as_("fr.cp").put("/api/v1/legal/jurisdictions/FR", json=body)
    assert r.status_code == 200 and r.json()["entered_by"] == "fr.cp"
    assert world.as_("fr.cp").put("/api/v1/legal/jurisdictions/JP", json=body).status_code == 403
    profile = {"extradites_nationals": False, "languages": ["fr", "en"], "source": "Code de procédure pénale"}
    assert world.as_("fr.cp").put("/api/v1/legal/profiles/FR", json=profile).status_code == 200
    assert world.as_("jp.cp").put("/api/v1/legal/profiles/FR", json=profile).status_code == 403
    assert world.as_("secretariat").put("/api/v1/legal/profiles/ZZ", json=profile).status_code == 404
    answer = world.as_("jp.cp").get("/api/v1/legal/basis?requesting=JP&requested=FR").json()
    assert any(c["label"] == "FR: cooperation profile" and c["source"] == "Code de procédure pénale"
               for c in answer["citations"])  # fmt: skip
