"""The neighbourhood graph SVG: deterministic, escaped, accessible, CSP-safe, and sensible when empty or large."""

from __future__ import annotations

import math
import re

from defusedxml import ElementTree as ET

from liaison.graph import layout, render_graph

SVG = "{http://www.w3.org/2000/svg}"


def group() -> dict:
    nodes = [{"id": "org", "label": "Al-Qaida", "schema": "Organization", "focus": True}]
    nodes += [{"id": f"p{i}", "label": f"Member {i}", "schema": "Person", "focus": False} for i in range(6)]
    nodes += [
        {"id": "camp", "label": "Training camp", "schema": "Address", "focus": False},
        {"id": "attack", "label": "Attack", "schema": "Event", "focus": False},
    ]
    edges = [{"source": f"p{i}", "target": "org", "kind": "member_of"} for i in range(6)]
    edges += [
        {"source": "p0", "target": "org", "kind": "leader_of"},
        {"source": "org", "target": "camp", "kind": "trains_at"},
        {"source": "p1", "target": "attack", "kind": "involved_in"},
    ]
    return {"nodes": nodes, "edges": edges}


def test_the_same_graph_draws_the_same_svg_whatever_the_input_order():
    g = group()
    shuffled = {"nodes": list(reversed(g["nodes"])), "edges": list(reversed(g["edges"]))}
    assert render_graph(g) == render_graph(g) == render_graph(shuffled)


def test_svg_is_well_formed_with_a_link_title_and_shape_per_entity():
    svg = render_graph(group(), title="Neighbourhood of Al-Qaida")
    root = ET.fromstring(svg)
    assert root.get("role") == "group" and root.get("viewBox") == "0 0 720 480"
    assert root.find(f"{SVG}title").text == "Neighbourhood of Al-Qaida"
    desc = root.find(f"{SVG}desc").text
    assert "9 entities and 8 relations around Al-Qaida" in desc
    assert "Member 0: leader of, member of Al-Qaida." in desc and "Al-Qaida: trains at Training camp." in desc
    links = root.findall(f".//{SVG}a")
    assert len(links) == 9
    assert {a.get("href") for a in links} >= {"/bank/entities/org", "/bank/entities/camp"}
    assert all(a.find(f"{SVG}title") is not None for a in links)
    classes = {a.get("id") or a.get("class") for a in links}
    assert "graph-node graph-organization graph-focus" in classes and "graph-node graph-address" in classes
    # Shapes by schema: a circle for a person, a square for an organisation, polygons for places and incidents.
    assert root.find(f".//{SVG}a[@href='/bank/entities/p2']/{SVG}circle") is not None
    assert root.find(f".//{SVG}a[@href='/bank/entities/org']/{SVG}rect") is not None
    assert root.find(f".//{SVG}a[@href='/bank/entities/camp']/{SVG}polygon") is not None
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "graph-edge-label"]
    assert sorted(labels) == sorted(["member of"] * 5 + ["leader of, member of", "trains at", "involved in"])


def test_no_inline_style_or_script_for_the_csp():
    svg = render_graph(group())
    assert "style=" not in svg and "<script" not in svg and "javascript:" not in svg and " on" not in svg.lower()


def test_hostile_labels_and_ids_are_escaped():
    hostile = '<script>alert("x")</script>'
    g = {
        "nodes": [
            {"id": 'a"><script>', "label": hostile, "schema": "Person", "focus": True},
            {"id": "b", "label": "Bad & <b>bold</b>\x00", "schema": "<evil>", "focus": False},
        ],
        "edges": [{"source": 'a"><script>', "target": "b", "kind": '"><script>'}],
    }
    svg = render_graph(g)
    assert "<script" not in svg and "<b>" not in svg and "\x00" not in svg
    root = ET.fromstring(svg)  # still well-formed
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert "/bank/entities/a%22%3E%3Cscript%3E" in hrefs
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(hostile in (t or "") for t in titles)  # the text survives, as text
    assert all(re.fullmatch(r"[a-z0-9 _-]+", a.get("class", "")) for a in root.iter(f"{SVG}a"))


def test_empty_graph_says_so():
    svg = render_graph({"nodes": [], "edges": []})
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}desc").text == "No related entities to draw."
    assert root.find(f".//{SVG}a") is None


def test_a_lone_entity_and_dangling_edges():
    svg = render_graph(
        {
            "nodes": [{"id": "x", "label": "Alone", "schema": "Person", "focus": True}],
            "edges": [{"source": "x", "target": "missing", "kind": "member_of"}],
        }
    )
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}a")) == 1 and root.find(f".//{SVG}line") is None


def test_positions_stay_inside_the_drawing_and_apart():
    from liaison.graph import _parse

    nodes, edges, _ = _parse(group(), 60)
    pos = layout(nodes, edges, width=720, height=480)
    assert all(0 < x < 720 and 0 < y < 480 for x, y in pos.values())
    points = list(pos.values())
    closest = min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :])
    assert closest > 20


def test_a_large_neighbourhood_is_cut_to_the_nearest_entities_and_says_how_many_are_left_out():
    nodes = [{"id": f"n{i:03}", "label": f"N{i}", "schema": "Person", "focus": i == 0} for i in range(100)]
    edges = [{"source": f"n{i:03}", "target": f"n{i // 3:03}", "kind": "associate_of"} for i in range(1, 100)]
    svg = render_graph({"nodes": nodes, "edges": edges}, max_nodes=40)
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}a")) == 40
    assert "60 more entities are not drawn." in root.find(f"{SVG}desc").text
    assert root.find(f".//{SVG}a[@href='/bank/entities/n001']") is not None  # near the focus: kept


def test_the_read_sides_key_names_are_understood():
    g = {
        "nodes": [
            {"id": "a", "caption": "Group", "schema": "Organization", "status": "active", "depth": 0},
            {"id": "b", "caption": "Someone", "schema": "Person", "status": "active", "depth": 1},
        ],
        "edges": [{"source": "b", "target": "a", "relation": "member_of", "statement_id": "s1"}],
    }
    root = ET.fromstring(render_graph(g))
    assert "2 entities and 1 relation around Group." in root.find(f"{SVG}desc").text
    assert root.find(f".//{SVG}a[@href='/bank/entities/a']").get("class") == "graph-node graph-organization graph-focus"
