"""The dual-criminality check in a real headless Chromium against `liaison serve` on the demo: the demo case from
France gets "met" for Japan and "not met" for New Zealand, on a desktop and a phone; the form works with the
keyboard and round-trips; no CSP violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import PASSWORD, server  # noqa: F401  (the demo served by `liaison serve`, per module)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_the_demo_case(browser, server, screenshot_dir: Path, width: int, height: int, name: str) -> None:  # noqa: F811
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
        page.goto(f"{server}/legal/check")
        with page.expect_navigation():
            page.get_by_role("link", name="Try the demo case (France to Japan)").click()
        assert page.locator("#answer-JP .verdict-badge").inner_text() == "Dual criminality met"
        assert page.locator("#answer-NZ .verdict-badge").inner_text() == "Not met"
        assert page.get_by_text("Demonstration data").first.is_visible()
        assert page.locator('input[value="finance"]').is_checked()
        page.screenshot(path=str(screenshot_dir / f"liaison-legal-check-{name}.png"), full_page=True)

        # with the keyboard: tick "Killing a person" too and check again; the form keeps what was ticked
        box = page.locator('input[value="kill"]')
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
        page.locator("button.primary").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator('input[value="kill"]').is_checked() and page.locator('input[value="finance"]').is_checked()
        assert page.locator("#answer-JP .verdict-badge").inner_text() == "Dual criminality met"
        page.goto(f"{server}/legal/offences/JP")
        assert "公衆等脅迫目的" in page.locator("main").inner_text()
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()
