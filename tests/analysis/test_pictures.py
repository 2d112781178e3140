"""The shared picture macros (marking banners in TLP colours, the graph view's legend and list of entities in the
reader's language, the export buttons) and the browser libraries served by the node itself in every
environment (axe-core stays a test-only tool)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from liaison import i18n
from liaison.app import create_app
from liaison.settings import load_settings
from liaison.web.ui.common import STATIC_DIR, templates

GRAPH = {
    "nodes": [
        {
            "id": "g",
            "caption": "Brigades <b>",
            "schema": "Organization",
            "href": "/bank/entities/g",
            "roles": ["focus"],
            "community": 0,
            "weight": 1.0,
        },
        {
            "id": "a",
            "caption": "Abu",
            "schema": "Person",
            "href": None,
            "roles": ["leader"],
            "community": 0,
            "weight": 0.5,
        },
    ],
    "edges": [],
    "marking": "TLP:RED",
}
PAGE = """{% from "analysis_macros.html" import picture, graph_view, marking_banner %}
{% call picture("group-network:g", "Network", graph.marking, ["Synthetic data"]) %}
{% call graph_view(graph, "Network") %}<svg class="graph"></svg>{% endcall %}{% endcall %}
{{ marking_banner("TLP:AMBER+STRICT, REL TO FR") }}{{ marking_banner("TLP:CLEAR") }}"""


def render(language: str) -> str:
    with i18n.use_locale(language):
        return templates().from_string(PAGE).render(graph=GRAPH)


def test_picture_macros() -> None:
    html = render("en")
    assert 'class="marking-banner tlp-red"' in html and "tlp-amber-strict" in html and "tlp-clear" in html
    assert 'data-picture="group-network:g"' in html and 'data-marking="TLP:RED"' in html
    assert html.count('class="small secondary picture-export"') == 2 and "hidden>SVG" in html
    assert 'href="/analysis/briefing?include=group-network%3Ag"' in html
    assert '<script type="application/json" class="graph-data">' in html
    assert "Brigades <b>" not in html  # names are escaped, in the JSON and in the list
    assert '<a href="/bank/entities/g">Brigades &lt;b&gt;</a>' in html
    assert "(person, leader)" in html and "(organisation, in focus)" in html
    for words in (
        "Legend",
        "person",
        "organisation",
        "place",
        "incident",
        "account",
        "confirmed",
        "probable",
        "doubtful",
        "Zoom in",
        "Fit to view",
        "2 entities in this graph",
    ):
        assert words in html, words


def test_legend_in_the_readers_language() -> None:
    english, french = render("en"), render("fr")
    assert "Legend" in english
    if i18n.translations("fr").gettext("Legend") != "Legend":  # translated once the lead updates the catalogs
        assert "Legend" not in french


def test_cytoscape_is_served_in_production_axe_is_not(demo_db_url: str) -> None:
    assert (STATIC_DIR / "vendor" / "cytoscape.min.js").is_file(), "run `make vendor`"
    app = create_app(
        load_settings(
            database_url=demo_db_url,
            env="production",
            base_url="http://testserver",
            secret_key="s" * 48,
            require_totp=False,
        )
    )
    with TestClient(app, base_url="http://testserver") as c:
        r = c.get("/static/vendor/cytoscape.min.js")
        assert r.status_code == 200 and "cytoscape" in r.text[:5000]
        assert c.get("/static/vendor/cytoscape-svg.js").status_code == 200
        assert c.get("/static/analysis.js").status_code == 200 and c.get("/static/analysis.css").status_code == 200
        assert c.get("/static/vendor/axe.min.js").status_code == 404
