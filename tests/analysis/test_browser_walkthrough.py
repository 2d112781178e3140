"""The analysis centre end to end, as an analyst uses it, in a real headless Chromium against the real server on
the demo: open a group from the analysis page, see its network with leaders and brokers marked, trace its funding,
see its incident trends and a backtested forecast of its likely targets with the error beside the baseline's, and
export a marked PDF briefing of what was seen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.test_browser import PASSWORD, server  # noqa: F401  (the demo served by `liaison serve`, per module)

pytestmark = pytest.mark.browser
GROUP = "Northern Crescent Brigades"


def test_an_analyst_walks_from_a_group_to_a_marked_briefing(browser, server, screenshot_dir: Path) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{server}/login")
        page.fill("#username", "analyst")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.press("#password", "Enter")

        # The main navigation leads to the analysis centre, which lists the groups the analyst may see.
        with page.expect_navigation():
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Analysis").click()
        with page.expect_navigation():
            page.get_by_role("link", name=GROUP, exact=True).first.click()
        assert GROUP in page.locator("h1").inner_text()

        # Its network, drawn by cytoscape, with the stated leader and the brokers the measures found.
        view = page.locator(".graph-view.graph-drawn").first
        view.wait_for()
        assert view.locator(".graph-canvas canvas").count() >= 1
        found_roles = page.locator("td[data-label='Found role']").all_inner_texts()
        assert any("broker" in r for r in found_roles), found_roles
        stated = page.locator("td[data-label='Stated role']").all_inner_texts()
        assert any("leader" in r for r in stated), stated
        page.screenshot(path=str(screenshot_dir / "analysis-walk-network.png"), full_page=True)

        # Its funding: the flow graph and the flags, each with the transactions that raised it.
        with page.expect_navigation():
            page.get_by_role("link", name="Funding", exact=True).click()
        assert page.locator("h1").inner_text() == f"Funding of {GROUP}"
        assert page.locator("article.flag").count() >= 1
        page.go_back()

        # Its incidents: trend charts and the map, said to be synthetic.
        with page.expect_navigation():
            page.get_by_role("link", name="Incidents", exact=True).click()
        assert GROUP in page.locator("h1").inner_text()
        assert page.locator("figure.picture[data-picture^='trends:'] svg").count() >= 1
        assert page.locator("figure.picture[data-picture^='map'] svg").count() == 1
        assert page.get_by_text("synthetic", exact=False).first.is_visible()
        page.go_back()

        # The forecast of its likely targets, the model's backtest error beside the baseline's.
        with page.expect_navigation():
            page.get_by_role("link", name="Forecast of targets").click()
        assert GROUP in page.locator("h1").inner_text()
        table = page.locator("section.forecast-next table.forecast-backtest").first
        rows = table.locator("tbody tr").all_inner_texts()
        assert len(rows) == 2 and "Model" in rows[0] and "Baseline" in rows[1]
        assert all(any(ch.isdigit() for ch in r) for r in rows), rows  # figures, not "no incidents to score"
        page.screenshot(path=str(screenshot_dir / "analysis-walk-forecast.png"), full_page=True)

        # Add the forecast to a briefing, with the group's network, and export the PDF.
        with page.expect_navigation():
            page.locator("section.forecast-next figure.picture a.add-to-briefing").first.click()
        assert page.locator("h1").inner_text() == "Briefing"
        group_id = page.url.split("forecast-group%3A")[-1].split("&")[0]
        page.fill("#extra", f"group-network:{group_id}")
        page.fill("#title", "Northern Crescent Brigades: weekly briefing")
        with page.expect_download() as download:
            page.get_by_role("button", name="Export PDF").click()
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        pages = [p.extract_text() for p in pdf.pages]
        assert len(pages) >= 2
        assert all("TLP:" in text for text in pages), "every page carries the briefing's marking"
        whole = " ".join("\n".join(pages).split())  # the title may wrap
        assert "weekly briefing" in whole and f"Network of {GROUP}" in whole
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()
