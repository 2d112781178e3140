"""`liaison analyze path|centrality|communities|timeline` and /api/v1/analysis/...: shapes, filters, names or
ids, exit codes and status codes, need to know, audit."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from liaison.cli import app
from liaison.db import make_engine, make_session_factory
from liaison.models import AuditEvent
from tests.analysis.links_world import LinksWorld, build
from tests.bank.conftest import principals
from tests.conftest import Api

runner = CliRunner()


def world_at(url: str) -> LinksWorld:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        return build(sessions, principals(sessions)["fr.analyst"])
    finally:
        engine.dispose()


def cli(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test"})


def test_cli_path_by_names_and_ids_with_filters(world_db_url: str) -> None:
    w = world_at(world_db_url)
    r = cli(world_db_url, "analyze", "path", "Carim Two", "Emad Three", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["length"] == 2 and len(d["paths"]) == 1
    assert [n["caption"] for n in d["paths"][0]["nodes"]] == ["Carim Two", "Broker Dan", "Emad Three"]
    first = d["paths"][0]["edges"][0]
    assert {"relation", "grade", "observed_on", "marking", "source_citation"} <= first.keys()
    # The C3 tie to the second cell is left out: the way round through the group and its faction remains.
    args = ("analyze", "path", str(w.people["Carim"]), str(w.people["Emad"]), "--json")
    graded = json.loads(cli(world_db_url, *args, "--min-grade", "B2").output)
    assert graded["length"] == 3 and {e["grade"] for p in graded["paths"] for e in p["edges"]} == {"B2"}
    assert json.loads(cli(world_db_url, *args, "--until", "2019-12-31").output)["paths"] == []
    text = cli(world_db_url, "analyze", "path", "Carim Two", "Emad Three")
    assert text.exit_code == 0 and "associate of" in text.output and "C3" in text.output
    assert cli(world_db_url, "analyze", "path", "Amir Leader", "Ghali Five", "--min-grade", "Z9").exit_code == 2
    assert cli(world_db_url, "analyze", "path", "Amir Leader", "Nobody Atall").exit_code == 1
    hidden = cli(world_db_url, "analyze", "path", "Amir Leader", str(w.secret), "--as", "de.analyst")
    assert hidden.exit_code == 1


def test_cli_centrality_communities_timeline(world_db_url: str) -> None:
    w = world_at(world_db_url)
    r = cli(world_db_url, "analyze", "centrality", str(w.group), "--json", "--as", "de.analyst")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    ids = {m["entity"]["id"] for m in d["members"]}
    assert str(w.secret) not in ids and str(w.people["Broker"]) in ids
    assert d["leaders"] == [str(w.people["Amir"])]
    assert str(w.people["Broker"]) in d["brokers"]
    assert d["communities"]["count"] >= 2
    french = json.loads(cli(world_db_url, "analyze", "centrality", "Test Brigades", "--json").output)
    assert str(w.secret) in {m["entity"]["id"] for m in french["members"]}  # the operator sees RED
    text = cli(world_db_url, "analyze", "centrality", "Test Brigades")
    assert text.exit_code == 0 and "Broker Dan" in text.output
    c = cli(world_db_url, "analyze", "communities", "--json")
    assert c.exit_code == 0 and json.loads(c.output)["count"] >= 2
    t = json.loads(cli(world_db_url, "analyze", "timeline", "Test Brigades", "--json").output)
    assert [y["year"] for y in t["years"]] == [2018, 2019, 2020, 2021]
    assert cli(world_db_url, "analyze", "timeline", "Test Brigades", "--as", "outsider").exit_code == 1


def test_api_paths_network_communities_timeline(api: Api) -> None:
    w = build(api.sessions, principals(api.sessions)["fr.analyst"])
    de = api.as_("de.analyst")
    r = de.get("/api/v1/analysis/paths", params={"a": str(w.people["Carim"]), "b": str(w.people["Emad"])})
    assert r.status_code == 200, r.text
    assert r.json()["length"] == 2 and r.json()["graph"]["marking"] == "TLP:AMBER"
    graded = de.get(
        "/api/v1/analysis/paths",
        params={"a": str(w.people["Carim"]), "b": str(w.people["Emad"]), "min_grade": "B2"},
    )
    assert graded.status_code == 200 and graded.json()["length"] == 3
    bad = de.get(
        "/api/v1/analysis/paths", params={"a": str(w.people["Amir"]), "b": str(w.people["Ghali"]), "min_grade": "Z9"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "min_grade"
    assert de.get("/api/v1/analysis/paths", params={"a": str(w.people["Amir"]), "b": str(w.secret)}).status_code == 404
    net = de.get(f"/api/v1/analysis/groups/{w.group}/network")
    assert net.status_code == 200, net.text
    assert str(w.secret) not in net.text and "Secret" not in net.text
    nodes = {n["id"]: n for n in net.json()["graph"]["nodes"]}
    assert "focus" in nodes[str(w.group)]["roles"] and "broker" in nodes[str(w.people["Broker"])]["roles"]
    assert de.get(f"/api/v1/analysis/groups/{w.secret}/network").status_code == 404
    assert api.as_("fr.cp").get(f"/api/v1/analysis/groups/{w.group}/network").status_code == 403
    assert de.get("/api/v1/analysis/communities").json()["count"] >= 2
    years = de.get(f"/api/v1/analysis/groups/{w.group}/timeline").json()["years"]
    assert [y["year"] for y in years] == [2018, 2019, 2020]  # the 2021 relation is RED: not the German's
    with api.sessions() as s:
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("analysis.%"))))
    assert {"analysis.path", "analysis.network", "analysis.communities", "analysis.timeline"} <= actions
    schema = api.client.get("/openapi.json").json()  # type: ignore[attr-defined]
    documented = schema["paths"]["/api/v1/analysis/paths"]["get"]["responses"]["200"]["content"]
    assert documented["application/json"]["schema"]["$ref"].endswith("/PathsOut")
