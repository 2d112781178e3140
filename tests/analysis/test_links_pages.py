"""The link analysis pages (server-rendered, usable without JavaScript) and the briefing figures; the graph
picture marks leaders and brokers and draws edges by grade."""

from __future__ import annotations

import re

from liaison.graph import render_graph
from tests.analysis.links_world import build
from tests.bank.conftest import principals
from tests.bank.test_ui_bank import log_in
from tests.conftest import Api

GRAPH_DATA = re.compile(r'<script type="application/json" class="graph-data">(.*?)</script>', re.S)


def test_group_page_shows_the_network_members_cells_and_timeline(api: Api) -> None:
    w = build(api.sessions, principals(api.sessions)["fr.analyst"])
    client = log_in(api.client, "de.analyst")
    r = client.get(f"/analysis/groups/{w.group}")  # type: ignore[attr-defined]
    assert r.status_code == 200, r.text
    html = r.text
    assert "Test Brigades" in html and "Broker Dan" in html and "Secret" not in html and str(w.secret) not in html
    assert 'data-picture="group-network:' in html and "graph-role-broker" in html and "graph-role-leader" in html
    assert GRAPH_DATA.search(html) and 'stroke-dasharray="7 4"' in html  # the C3 relations are dashed
    for page in ("funding", "incidents", "forecast"):
        assert f"/analysis/{page}?group={w.group}" in html
    assert "<svg" in html.split('id="timeline"')[1]  # the structure over time as a chart
    graded = client.get(f"/analysis/groups/{w.group}", params={"min_grade": "B2"})  # type: ignore[attr-defined]
    assert graded.status_code == 200 and "Emad Three" in graded.text  # still a member of the faction
    bad = client.get(f"/analysis/groups/{w.group}", params={"min_grade": "Q7"})  # type: ignore[attr-defined]
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    assert client.get(f"/analysis/groups/{w.secret}").status_code == 404  # type: ignore[attr-defined]
    french = log_in(api.client, "fr.analyst").get(f"/analysis/groups/{w.group}")  # type: ignore[attr-defined]
    assert "Secret Sami" in french.text and "TLP:RED" in french.text
    assert log_in(api.client, "fr.cp").get(f"/analysis/groups/{w.group}").status_code == 403  # type: ignore[attr-defined]


def test_path_page_by_names_with_each_relation_and_its_provenance(api: Api) -> None:
    w = build(api.sessions, principals(api.sessions)["fr.analyst"])
    client = log_in(api.client, "de.analyst")
    empty = client.get("/analysis/path")  # type: ignore[attr-defined]
    assert empty.status_code == 200 and 'name="a"' in empty.text
    r = client.get("/analysis/path", params={"a": "Carim Two", "b": "Emad Three"})  # type: ignore[attr-defined]
    assert r.status_code == 200, r.text
    assert "Broker Dan" in r.text and "report 2020" in r.text and "C3" in r.text and "TLP:AMBER" in r.text
    assert f'data-picture="path:{w.people["Carim"]},{w.people["Emad"]}"' in r.text
    hidden = client.get("/analysis/path", params={"a": "Amir Leader", "b": str(w.secret)})  # type: ignore[attr-defined]
    assert hidden.status_code == 200 and "Secret" not in hidden.text and 'role="alert"' in hidden.text


def test_bank_page_of_an_organisation_links_to_its_analysis(api: Api) -> None:
    w = build(api.sessions, principals(api.sessions)["fr.analyst"])
    client = log_in(api.client, "jp.screener")
    assert f'href="/analysis/groups/{w.group}"' in client.get(f"/bank/entities/{w.group}").text  # type: ignore[attr-defined]
    assert "/analysis/groups/" not in client.get(f"/bank/entities/{w.people['Amir']}").text  # type: ignore[attr-defined]


def test_render_graph_marks_roles_and_draws_edges_by_grade() -> None:
    graph = {
        "nodes": [
            {"id": "g", "caption": "Group", "schema": "Organization", "roles": ["focus"]},
            {"id": "l", "caption": "Lead", "schema": "Person", "roles": ["leader"]},
            {"id": "b", "caption": "Bridge", "schema": "Person", "roles": ["broker"]},
        ],
        "edges": [
            {"source": "l", "target": "g", "relation": "leader_of", "style": "confirmed"},
            {"source": "b", "target": "g", "relation": "member_of", "style": "doubtful"},
            {"source": "b", "target": "g", "relation": "member_of", "style": "probable"},
        ],
    }
    svg = str(render_graph(graph, title="t"))
    assert svg.count("graph-role-leader") == 1 and svg.count("graph-role-broker") == 1
    assert "graph-focus" in svg and "graph-edge-confirmed" in svg
    assert 'stroke-dasharray="7 4"' in svg  # the better of the two parallel statements: probable
    assert 'stroke-dasharray="2 4"' not in svg
    assert "broker" in svg and "style=" not in svg


def test_briefing_figures_are_marked_and_run_as_the_viewer(api: Api) -> None:
    from liaison.queries.figures import build as figure

    w = build(api.sessions, principals(api.sessions)["fr.analyst"])
    people = principals(api.sessions)
    with api.sessions() as s:
        german = figure(s, people["de.analyst"], f"group-network:{w.group}")
        french = figure(s, people["fr.analyst"], f"group-network:{w.group}")
        years = figure(s, people["de.analyst"], f"group-timeline:{w.group}")
        path = figure(s, people["de.analyst"], f"path:{w.people['Carim']},{w.people['Emad']}")
    assert german.marking.tlp == "AMBER" and french.marking.tlp == "RED"
    assert german.svg and "Secret" not in german.svg and german.table
    assert "Secret" not in str(german.table.rows) and any("Broker Dan" in r for r in german.table.rows)
    assert any(r[0] == "Secret Sami" for r in french.table.rows)
    assert years.svg and [r[0] for r in years.table.rows] == ["2018", "2019", "2020"]  # type: ignore[union-attr]
    assert path.key == f"path:{w.people['Carim']},{w.people['Emad']}" and len(path.table.rows) == 2  # type: ignore[union-attr]
