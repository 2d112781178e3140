"""One member resolver (liaison.member_lookup) for every command, request and page that takes a member: by
code, alpha-3 code or English name, with close matches that put the right country first (issue 9, item 10).
And TLP:WHITE, the TLP 1.0 name, refused naming TLP:CLEAR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison import member_lookup
from liaison.cli import app
from liaison.db import make_engine, make_session_factory
from liaison.queries.duty import find_member, find_network
from liaison.queries.snapshot import build
from liaison.validation import country_name

runner = CliRunner()
LEGAL = "Art. 7 Decision 2005/671/JHA"

# The demo's FTF network, where a user typed `send --to Germany` and was offered GE, MA, CY, EG, GR.
FTF_CODES = (
    "AE AU BE CY DE EG ES FI FR GE GR ID IN IT JO JP KE KZ MA NG NL NO NZ PH PK PL PT RO SA SE SG TN TR UA US ZA"
).split()
FTF = {c: str(country_name(c)) for c in FTF_CODES}  # as the directory names them
FTF["EUROPOL"] = "Europol"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Germany", "DE"),
        ("germany", "DE"),
        ("  GERMANY ", "DE"),
        ("DE", "DE"),
        ("deu", "DE"),
        ("Federal Republic of Germany", "DE"),
        ("Georgia", "GE"),
        ("United States of America", "US"),
        ("USA", "US"),
        ("Turkey", "TR"),
        ("turkiye", "TR"),
        ("Netherlands", "NL"),
        ("europol", "EUROPOL"),
    ],
)
def test_a_member_is_found_by_code_alpha3_or_english_name(query, code):
    assert member_lookup.resolve(query, FTF) == code


@pytest.mark.parametrize(("query", "first"), [("Germny", "DE"), ("Gemany", "DE"), ("Frnace", "FR"), ("Japn", "JP")])
def test_close_matches_put_the_right_country_first(query, first):
    assert member_lookup.resolve(query, FTF) is None
    assert member_lookup.suggest(query, FTF)[0] == first


def test_a_short_unknown_code_is_not_guessed():
    assert member_lookup.resolve("UK", FTF) is None  # not Ukraine; the United Kingdom is no member here
    assert member_lookup.resolve("UK", {**FTF, "GB": "United Kingdom"}) == "GB"
    assert member_lookup.resolve("XX", FTF) is None


# -- the same resolver behind the CLI, the API and the pages --


@pytest.fixture
def env(world_db_url: str) -> dict[str, str]:
    return {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test", "LIAISON_SMTP_URL": ""}


def _send(env: dict[str, str], tmp_path: Path, to: str, *extra: str):
    body = tmp_path / "body.txt"
    body.write_text("Flight LH 123 lands at 06:10.")
    args = ["send", "-n", "VOT", "--to", to, "-p", "flash", "-s", "Victim", "--body-file", str(body)]
    return runner.invoke(app, [*args, "--legal-basis", LEGAL, "--as", "fr.cp", "--json", *extra], env=env)


def test_cli_send_to_germany_resolves_to_de(env, tmp_path):
    r = _send(env, tmp_path, "Germany")
    assert r.exit_code == 0, r.output
    assert [a["member"] for a in json.loads(r.stdout)["addressees"]] == ["DE"]
    r = _send(env, tmp_path, "Germny")
    assert r.exit_code == 1
    assert "did you mean: DE" in r.output


def test_the_cli_and_the_api_resolve_members_alike(env, tmp_path, api, world_db_url):
    engine = make_engine(world_db_url)
    with make_session_factory(engine)() as session:
        snap = build(session)
    engine.dispose()
    vot = find_network(snap, "VOT")
    names = {c: snap.members[c].name for c in vot.members}
    fr = api.as_("fr.cp")
    for query in ("Germany", "deu", "de", "France", "FRA", "french republic"):
        code = member_lookup.resolve(query, names)
        assert code is not None
        assert find_member(snap, vot, query).code == code  # the directory: on-duty, board, roster, pages
        r = runner.invoke(app, ["on-duty", "VOT", query, "--json"], env=env)
        assert json.loads(r.stdout)["member"] == code
        assert fr.get(f"/api/v1/networks/VOT/on-duty/{query}").json()["member"] == code
        message = {"network": "VOT", "kind": "request", "priority": "flash", "subject": "x", "legal_basis": LEGAL}
        r = fr.post("/api/v1/messages", json=message | {"to": [query]})
        if code == "DE":
            assert r.status_code == 201, r.text
            assert [a["member"] for a in r.json()["addressees"]] == [code]
        else:  # resolved too: France is a member of VOT that designated no authority there
            assert r.status_code == 422 and r.json()["detail"].startswith("to: France has designated no authority")
    r = fr.post("/api/v1/messages", json=message | {"to": ["Germny"]})
    assert r.status_code == 404 and r.json()["suggestions"][0] == "DE"
    assert fr.get("/api/v1/networks/VOT/on-duty/Germny").json()["suggestions"][0] == "DE"


# -- TLP:WHITE --


def test_tlp_white_is_refused_naming_tlp_clear(env, tmp_path, api):
    r = _send(env, tmp_path, "DE", "--marking", "TLP:WHITE")
    assert r.exit_code == 1
    assert "TLP 1.0" in r.output and "TLP:CLEAR" in r.output
    message = {"network": "VOT", "kind": "request", "priority": "flash", "subject": "x", "legal_basis": LEGAL}
    r = api.as_("fr.cp").post("/api/v1/messages", json=message | {"to": ["DE"], "marking": {"tlp": "white"}})
    assert r.status_code == 422
    assert r.json()["field"] == "marking" and "TLP:CLEAR" in r.json()["detail"]
    assert _send(env, tmp_path, "DE", "--marking", "TLP:CLEAR").exit_code == 0
