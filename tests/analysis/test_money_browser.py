"""The funding page in a real headless Chromium against the real server on the demo: pick the main group, see
the flow graph, the funders chart and the planted flags, on a desktop and a phone; no CSP violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison import demo_money
from tests.test_browser import PASSWORD, server  # noqa: F401  (the demo served by `liaison serve`, per module)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_trace_the_main_groups_funding(
    browser, server, screenshot_dir: Path, width: int, height: int, name: str  # noqa: F811
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{server}/login")
        page.fill("#username", "analyst")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.press("#password", "Enter")
        page.goto(f"{server}/analysis/funding")
        page.select_option("#group", label="Northern Crescent Brigades")
        with page.expect_navigation():
            page.get_by_role("button", name="Trace the funding").click()
        assert page.locator("h1").inner_text() == "Funding of Northern Crescent Brigades"
        graph = page.locator(".graph-view.graph-drawn").first  # cytoscape drew the flow graph
        graph.scroll_into_view_if_needed()
        assert graph.locator(".graph-canvas canvas").count() >= 1
        flags = page.locator("article.flag h3").all_inner_texts()
        assert any(demo_money.SMURF in f for f in flags) and any(demo_money.EXCHANGE in f for f in flags)
        assert page.get_by_text("Synthetic demo data").first.is_visible()
        page.screenshot(path=str(screenshot_dir / f"liaison-funding-{name}.png"), full_page=True)
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()
