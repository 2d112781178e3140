"""Common legal ground end to end, in a real headless Chromium against the real server on the demo: France's contact
point finds the legal basis for a request to Japan with its citations, checks the demo case's conduct against
Japan's law, opens the drafted request, checks it for completeness and sends it through the exchange; Japan's
contact point answers it on the message's response clock; France sees the answer on the request, closes it with
the assurances honoured and finds Japan in the reciprocity ledger. Then the gap report and a definition
comparison, each as a picture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liaison.web.ui.legal_offences import demo_link
from tests.test_browser import PASSWORD, server  # noqa: F401  (the demo served by `liaison serve`, per module)

pytestmark = pytest.mark.browser


def _login(page, base: str, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")


def test_a_request_from_france_to_japan_from_its_legal_basis_to_the_ledger(  # noqa: PLR0915
    browser,
    server,  # noqa: F811
    screenshot_dir: Path,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        _login(page, server, "fr.ftf")

        # The legal basis: the main navigation leads to the legal pages; the finder cites its sources.
        with page.expect_navigation():
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Legal").click()
        page.goto(f"{server}/legal/basis?requesting=FR&requested=JP&kind=extradition")
        assert page.locator(".basis-item").count() >= 1
        assert page.locator(".citations li").count() >= 3
        assert page.get_by_text("demonstration", exact=False).first.is_visible()
        page.screenshot(path=str(screenshot_dir / "legal-walk-basis.png"), full_page=True)

        # Dual criminality of the demo case's conduct: met in Japan, with the offence that makes it out.
        page.goto(server + demo_link())
        answer = page.locator("article.dual-answer", has=page.locator("#answer-JP"))
        assert answer.count() == 1
        assert "verdict-met" in (answer.get_attribute("class") or "")
        assert answer.locator(".explanation").inner_text().strip()

        # The drafted request: open it, check it (complete), send it through the exchange.
        page.goto(f"{server}/legal/requests")
        with page.expect_navigation():
            page.locator("a[href^='/legal/requests/LR-']").filter(has_text=re.compile("Lyon|LR-")).first.click()
        reference = page.url.rsplit("/", 1)[-1]
        assert "status-draft" in (page.locator("#request-status").get_attribute("class") or "")
        with page.expect_navigation():
            page.locator("#edit-draft").click()
        with page.expect_navigation():
            page.locator("#check-draft").click()
        assert page.locator("#check-verdict").is_visible()
        assert page.locator("#send-request").count() == 1, page.locator("#completeness").inner_text()
        assert page.locator("#legal-basis, #basis-found").first.inner_text().strip()
        page.screenshot(path=str(screenshot_dir / "legal-walk-check.png"), full_page=True)
        with page.expect_navigation():
            page.locator("#send-request").click()
        page.goto(f"{server}/legal/requests/{reference}")
        assert "status-sent" in (page.locator("#request-status").get_attribute("class") or "")
        message_href = page.locator("#request-message a, a#request-message").first.get_attribute("href")
        assert message_href and message_href.startswith("/messages/")

        # Japan's contact point answers on the message's response clock.
        other = browser.new_context(viewport={"width": 390, "height": 844})  # on a phone
        japan = other.new_page()
        _login(japan, server, "jp.ftf")
        japan.goto(server + message_href)
        assert reference in japan.locator("h1").inner_text() or reference in japan.content()
        with japan.expect_navigation():
            japan.get_by_role("button", name="We will answer").click()
        other.close()

        # France sees the answer on the request's clock, closes it, and finds Japan in the ledger.
        page.goto(f"{server}/legal/requests/{reference}")
        assert "status-answered" in (page.locator("#request-status").get_attribute("class") or "")
        assert "in time" in page.locator("#request-clock").inner_text()
        page.fill("#outcome", "Bank records received.")
        page.locator("#honoured-yes").check()
        with page.expect_navigation():
            page.locator("#close-request").click()
        assert "status-closed" in (page.locator("#request-status").get_attribute("class") or "")
        page.goto(f"{server}/legal/ledger")
        rows = page.locator("#ledger-table tbody tr").all_inner_texts()
        assert any("JP" in r for r in rows), rows
        assert page.locator("svg").count() >= 1
        page.screenshot(path=str(screenshot_dir / "legal-walk-ledger.png"), full_page=True)

        # Japan's gap report against the EU directive, and France and Japan's definitions compared: pictures.
        page.goto(f"{server}/legal/gaps/JP?against=eu-2017-541")
        gaps = page.locator("svg").first
        assert gaps.is_visible() and "Japan" in page.locator("h1").inner_text()
        page.goto(f"{server}/legal/compare?members=FR&members=JP")
        pictures = page.locator("svg")
        assert pictures.count() >= 2
        texts = " ".join(pictures.all_text_contents())
        assert "FR" in texts and "JP" in texts
        page.screenshot(path=str(screenshot_dir / "legal-walk-compare.png"), full_page=True)
        assert not problems, problems
    finally:
        context.close()
