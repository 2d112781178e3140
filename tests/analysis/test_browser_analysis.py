"""The analysis pictures in a real headless Chromium, served by the real node: a graph view drawn by cytoscape
(loaded from /static/vendor/, never a CDN) from the graph JSON the macro embeds, with the right number of nodes;
a click on a node opens its page; SVG and PNG downloads that carry the marking; no CSP violation on the way.

The page itself is made here from the shared macros (analysis_macros.html) and answered on the node's own origin
with the node's own CSP (Playwright's routing), so the test needs no analysis data; the static files and the
libraries come from the running server. The lead's click-through over the merged demo is elsewhere."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.charts import bar_chart
from liaison.graph import render_graph
from liaison.web.headers import CSP
from liaison.web.ui.common import STATIC_DIR, templates
from tests.test_browser import _liaison, serving

pytestmark = pytest.mark.browser

MARKING = "TLP:AMBER, REL TO DE, FR"
GRAPH: dict[str, Any] = {
    "nodes": [
        {
            "id": "g",
            "caption": "Northern Crescent Brigades",
            "schema": "Organization",
            "href": "/__test/node/g",
            "roles": ["focus"],
            "community": 0,
            "weight": 1.0,
        },
        {
            "id": "a",
            "caption": "Abu Example",
            "schema": "Person",
            "href": "/__test/node/a",
            "roles": ["leader"],
            "community": 0,
            "weight": 0.8,
        },
        {
            "id": "b",
            "caption": "Broker Person",
            "schema": "Person",
            "href": "/__test/node/b",
            "roles": ["broker"],
            "community": 1,
            "weight": 0.6,
        },
        {
            "id": "p",
            "caption": "Training camp",
            "schema": "Address",
            "href": None,
            "roles": [],
            "community": 1,
            "weight": 0.2,
        },
        {
            "id": "e",
            "caption": "Attack 2025-03",
            "schema": "Event",
            "href": "/__test/node/e",
            "roles": [],
            "community": None,
            "weight": 0.3,
        },
        {
            "id": "x",
            "caption": "Account 42",
            "schema": "Account",
            "href": "/__test/node/x",
            "roles": [],
            "community": 2,
            "weight": 0.1,
        },
    ],
    "edges": [
        {
            "id": "1",
            "source": "a",
            "target": "g",
            "relation": "leader_of",
            "label": "leader of",
            "grade": "A1",
            "style": "confirmed",
            "source_citation": "BKA 1",
            "observed_on": "2025-01-02",
            "marking": MARKING,
            "amount": None,
        },
        {
            "id": "2",
            "source": "b",
            "target": "g",
            "relation": "member_of",
            "label": "member of",
            "grade": "C3",
            "style": "probable",
            "source_citation": "report",
            "observed_on": None,
            "marking": "TLP:GREEN",
            "amount": None,
        },
        {
            "id": "3",
            "source": "b",
            "target": "p",
            "relation": "trains_at",
            "label": "trains at",
            "grade": "E5",
            "style": "doubtful",
            "source_citation": "rumour",
            "observed_on": None,
            "marking": "TLP:GREEN",
            "amount": None,
        },
        {
            "id": "4",
            "source": "a",
            "target": "e",
            "relation": "involved_in",
            "label": "involved in",
            "grade": "B2",
            "style": "confirmed",
            "source_citation": "court",
            "observed_on": "2025-03-01",
            "marking": "TLP:GREEN",
            "amount": None,
        },
        {
            "id": "5",
            "source": "x",
            "target": "g",
            "relation": "finances",
            "label": "finances",
            "grade": "B3",
            "style": "probable",
            "source_citation": "bank",
            "observed_on": None,
            "marking": "TLP:GREEN",
            "amount": "1000 EUR",
        },
    ],
    "marking": MARKING,
}

PAGE = """{% from "analysis_macros.html" import analysis_head, picture, graph_view %}<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>pictures</title>
<link rel="stylesheet" href="/static/liaison.css">{{ analysis_head() }}</head><body><main>
{% call picture("group-network:g", "Network of Northern Crescent Brigades", graph.marking, ["Synthetic data"]) %}
  {% call graph_view(graph, "Network of Northern Crescent Brigades") %}{{ fallback }}{% endcall %}
{% endcall %}
{% call picture("trends:region", "Incidents by region", "TLP:GREEN") %}{{ chart }}{% endcall %}
</main></body></html>"""


def _html() -> str:
    fallback = render_graph(
        {
            "nodes": [
                {"id": n["id"], "label": n["caption"], "schema": n["schema"], "focus": n["id"] == "g"}
                for n in GRAPH["nodes"]
            ],
            "edges": [{"source": e["source"], "target": e["target"], "kind": e["relation"]} for e in GRAPH["edges"]],
        },
        title="Network",
    )
    chart = bar_chart("Incidents by region", [("Sahel", 3.0), ("Levant", 5.0)], x_label="incidents")
    return templates().from_string(PAGE).render(graph=GRAPH, fallback=fallback, chart=chart)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (STATIC_DIR / "vendor" / "cytoscape.min.js").is_file():
        pytest.fail("static/vendor/cytoscape.min.js is missing: run `make vendor` (npm ci, then the copy)")
    root = tmp_path_factory.mktemp("browser-analysis")
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": f"sqlite:///{root / 'l.db'}",
        "LIAISON_ENV": "test",
        "LIAISON_LOG_LEVEL": "warning",
    }
    env.pop("LIAISON_DATABASE_URL_FILE", None)
    done = subprocess.run([_liaison(), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    with serving(root, env) as base:
        yield base


def _page(browser, base: str, width: int = 1280):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    html = _html()
    headers = {"content-type": "text/html; charset=utf-8", "content-security-policy": CSP}
    page.route(f"{base}/__test/pictures", lambda route: route.fulfill(status=200, body=html, headers=headers))
    page.route(
        f"{base}/__test/node/*",
        lambda route: route.fulfill(
            status=200, body="<!doctype html><title>node</title><h1>node</h1>", headers=headers
        ),
    )
    page.goto(f"{base}/__test/pictures")
    page.wait_for_selector("html[data-graphs-drawn]")
    return context, page, problems


def test_cytoscape_draws_the_graph_and_a_click_opens_the_entity(browser, server, screenshot_dir: Path) -> None:
    context, page, problems = _page(browser, server)
    try:
        assert page.evaluate("typeof window.cytoscape") == "function"
        view = page.locator(".graph-view")
        assert view.locator(".graph-canvas canvas").count() >= 1
        assert view.locator(".graph-fallback").is_hidden()  # the server's SVG gives way once cytoscape drew
        assert page.evaluate("document.querySelector('.graph-view').cy.nodes().length") == len(GRAPH["nodes"])
        assert page.evaluate("document.querySelector('.graph-view').cy.edges().length") == len(GRAPH["edges"])
        shapes = page.evaluate(
            "Object.fromEntries(document.querySelector('.graph-view').cy.nodes().map(n => [n.id(), n.style('shape')]))"
        )
        assert shapes == {
            "g": "round-rectangle",
            "a": "ellipse",
            "b": "ellipse",
            "p": "diamond",
            "e": "triangle",
            "x": "hexagon",
        }
        lines = page.evaluate(
            "Object.fromEntries(document.querySelector('.graph-view').cy.edges().map(e => "
            "[e.data('source') + e.data('target'), e.style('line-style')]))"
        )
        assert lines == {"ag": "solid", "bg": "dashed", "bp": "dotted", "ae": "solid", "xg": "dashed"}
        assert "leader" in page.evaluate("document.querySelector('.graph-view').cy.$id('a').data('label')")
        # The legend and the list of entities, in the page's language, for keyboards and screen readers.
        assert view.locator(".graph-legend").inner_text().count("\n") >= 5
        assert view.locator(".graph-entities a").count() == 5  # the place has no page
        for button in ("Zoom in", "Zoom out", "Fit to view"):
            assert page.get_by_role("button", name=button).is_visible()
        before = page.evaluate("document.querySelector('.graph-view').cy.zoom()")
        page.get_by_role("button", name="Zoom in").click()
        assert page.evaluate("document.querySelector('.graph-view').cy.zoom()") > before
        page.get_by_role("button", name="Fit to view").click()
        page.screenshot(path=str(screenshot_dir / "liaison-analysis-graph.png"), full_page=True)
        point = page.evaluate(
            "(() => { const v = document.querySelector('.graph-view'); const p = v.cy.$id('b').renderedPosition();"
            " const r = v.querySelector('.graph-canvas').getBoundingClientRect();"
            " return {x: r.left + p.x, y: r.top + p.y}; })()"
        )
        with page.expect_navigation():
            page.mouse.click(point["x"], point["y"])
        assert page.url == f"{server}/__test/node/b"
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
        assert not problems, problems
    finally:
        context.close()


def _download(page, figure, fmt: str, tmp: Path) -> Path:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        figure.locator(f"button.picture-export[data-format={fmt}]").click()
    path = tmp / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_svg_and_png_exports_carry_the_marking(browser, server, tmp_path: Path) -> None:
    context, page, problems = _page(browser, server)
    try:
        graph = page.locator("figure.picture[data-picture='group-network:g']")
        chart = page.locator("figure.picture[data-picture='trends:region']")
        svg = _download(page, graph, "svg", tmp_path)
        assert svg.name == "liaison-group-network-g.svg"
        text = svg.read_text(encoding="utf-8")
        assert text.startswith("<?xml") and "<svg" in text and text.count(MARKING) == 2  # top and bottom
        png = _download(page, graph, "png", tmp_path)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
        chart_svg = _download(page, chart, "svg", tmp_path).read_text(encoding="utf-8")
        assert chart_svg.count("TLP:GREEN") == 2 and "Sahel" in chart_svg
        assert 'fill="' in chart_svg  # the page's computed presentation, written onto the copy
        chart_png = _download(page, chart, "png", tmp_path).read_bytes()
        assert chart_png[:4] == b"\x89PNG"
        width = int.from_bytes(chart_png[16:20], "big")
        assert width >= 2 * 600  # drawn at twice the size
        assert not problems, problems
    finally:
        context.close()


def test_without_the_library_the_server_svg_stays(browser, server) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        html = _html()
        headers = {"content-type": "text/html; charset=utf-8", "content-security-policy": CSP}
        page.route(f"{server}/__test/pictures", lambda route: route.fulfill(status=200, body=html, headers=headers))
        page.route(f"{server}/static/vendor/**", lambda route: route.abort())
        page.goto(f"{server}/__test/pictures")
        page.wait_for_load_state("networkidle")
        view = page.locator(".graph-view")
        assert view.locator(".graph-fallback svg").is_visible()
        assert view.locator(".graph-canvas").is_hidden() and view.locator(".graph-tools").is_hidden()
        assert page.locator("figure.picture button.picture-export").first.is_visible()  # the SVG still exports
    finally:
        context.close()


def test_phone_width(browser, server) -> None:
    context, page, problems = _page(browser, server, width=375)
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    finally:
        context.close()


def test_a_large_graph_is_drawn_quickly(browser, server) -> None:
    nodes = [
        {
            "id": f"n{i}",
            "caption": f"Person {i}",
            "schema": "Person",
            "href": None,
            "roles": [],
            "community": i % 9,
            "weight": (i % 10) / 10,
        }
        for i in range(600)
    ]
    edges = [
        {
            "id": str(i),
            "source": f"n{i}",
            "target": f"n{(i * 7 + 1) % 600}",
            "relation": "associate_of",
            "label": "associate of",
            "grade": "B2",
            "style": "confirmed",
            "source_citation": "",
            "observed_on": None,
            "marking": "TLP:GREEN",
            "amount": None,
        }
        for i in range(600)
    ]
    graph = {"nodes": nodes, "edges": edges, "marking": "TLP:GREEN"}
    page_html = templates().from_string(PAGE).render(graph=graph, fallback="", chart="")
    context = browser.new_context()
    page = context.new_page()
    try:
        headers = {"content-type": "text/html; charset=utf-8", "content-security-policy": CSP}
        page.route(f"{server}/__test/big", lambda route: route.fulfill(status=200, body=page_html, headers=headers))
        page.goto(f"{server}/__test/big")
        page.wait_for_selector("html[data-graphs-drawn]", timeout=10_000)
        assert page.evaluate("document.querySelector('.graph-view').cy.nodes().length") == 600
    finally:
        context.close()
