"""The main pages in a real headless Chromium, in English and Arabic: axe-core (from the npm registry, served by the
app in test mode) finds no serious or critical accessibility violation; in Arabic the pages are right to left on a
phone and a desktop, nothing scrolls sideways, and the brand sits at the right edge. Screenshots are left in the
test's directory (and copied to LIAISON_SCREENSHOTS_DIR when it is set) for people to look at.

Pages other helpers own and that still fail are marked xfail(strict=True) by name in KNOWN, so the test turns red
the day they are fixed and the mark must go."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bank.test_browser_bank import _seed
from tests.test_browser import PASSWORD, _liaison, serving

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
# page -> (persona, path or the key of a discovered path); None: not logged in
PAGES: dict[str, tuple[str | None, str]] = {
    "login": (None, "/login"),
    "networks": ("secretariat.ftf", "/"),
    "board": ("secretariat.ftf", "/networks/FTF"),
    "member": ("secretariat.ftf", "/networks/FTF/members/FR"),
    "inbox": ("fr.ftf", "/inbox"),
    "compose": ("fr.ftf", "/messages/new"),
    "message": ("fr.ftf", "message"),
    "bank-search": ("analyst", "/bank?q=Hassan"),
    "screening": ("analyst", "screening"),
    "audit": ("auditor", "/audit"),
    "account": ("fr.ftf", "/account"),
}
# (check, language, page) -> why it is expected to fail; every entry is a page another helper owns.
KNOWN: dict[tuple[str, str, str], str] = {}

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return {version: axe.version, rules: result.passes.length + result.violations.length,
    violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}))};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`liaison serve` in test mode over the demo directory and two bank records (for the bank pages)."""
    root = tmp_path_factory.mktemp("browser-i18n")
    url = f"sqlite:///{root / 'liaison.db'}"
    env = {**os.environ, "LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test", "LIAISON_LOG_LEVEL": "warning"}
    env.pop("LIAISON_DATABASE_URL_FILE", None)
    for args in (["db", "upgrade"], ["demo", "load", "--password", PASSWORD]):
        done = subprocess.run([_liaison(), *args], env=env, capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, f"liaison {' '.join(args)} failed: {done.stderr}"
    _seed(url)
    with serving(root, env) as base:
        yield base


def _log_in(browser: Any, base: str, username: str) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.locator("form[action='/login'] button[type=submit]").click()
        assert page.url == f"{base}/", page.url
        return context.storage_state()  # type: ignore[no-any-return]
    finally:
        context.close()


@pytest.fixture(scope="module")
def site(browser: Any, server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each persona logged in once (their cookies), and the paths found by using the site: a message from the
    French contact point's inbox, and a screening run the analyst uploads."""
    states = {who: _log_in(browser, server, who) for who in {p for p, _ in PAGES.values() if p}}
    paths: dict[str, str] = {}
    context = browser.new_context(storage_state=states["fr.ftf"])
    try:
        page = context.new_page()
        page.goto(f"{server}/inbox?show=all")
        links = page.locator("a[href^='/messages/']:not([href='/messages/new'])")
        assert links.count() > 0, "the demo inbox of fr.ftf shows no message"
        paths["message"] = links.first.get_attribute("href") or ""
    finally:
        context.close()
    context = browser.new_context(storage_state=states["analyst"])
    try:
        page = context.new_page()
        names = tmp_path_factory.mktemp("screening") / "names.csv"
        names.write_text("id,name,birth_date,nationality\nq1,Muhammad Ali Hassan,1981,\nq2,Nobody Atall,,\n")
        page.goto(f"{server}/bank/screening")
        page.set_input_files("#file", str(names))
        with page.expect_navigation():
            page.locator("#screen-form button[type=submit]").click()
        assert "/bank/screening/" in page.url, page.url
        paths["screening"] = page.url.removeprefix(server)
    finally:
        context.close()
    return {"states": states, "paths": paths}


def _open(browser: Any, server: str, site: dict[str, Any], name: str, language: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    who, where = PAGES[name]
    context = browser.new_context(
        viewport=viewport,
        storage_state=site["states"][who] if who else None,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    context.add_cookies([{"name": "liaison_lang", "value": language, "url": server}])
    page = context.new_page()
    response = page.goto(server + site["paths"].get(where, where))
    assert response is not None and response.status == 200, (name, response and response.status)
    return context, page


def _cases(check: str, languages: tuple[str, ...]) -> list[Any]:
    cases = []
    for language in languages:
        for name in PAGES:
            why = KNOWN.get((check, language, name))
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            cases.append(pytest.param(language, name, marks=marks, id=f"{language}-{name}"))
    return cases


@pytest.mark.parametrize(("language", "name"), _cases("axe", ("en", "ar")))
def test_no_serious_accessibility_violation(
    browser: Any, server: str, site: dict[str, Any], language: str, name: str
) -> None:
    context, page = _open(browser, server, site, name, language, DESKTOP)
    try:
        assert page.evaluate("document.documentElement.lang") == language
        page.add_script_tag(url=f"{server}/static/vendor/axe.min.js")
        run = page.evaluate(AXE_RUN)
        assert run["version"] == "4.14.1" and run["rules"] > 20, run  # the pinned axe-core ran its rules
        bad = [v for v in run["violations"] if v["impact"] in ("serious", "critical")]
        for v in run["violations"]:
            print(f"axe {language} {name}: {v['impact']} {v['id']}: {v['help']} at {v['nodes']}")
        assert not bad, f"{name} ({language}): " + "; ".join(f"{v['impact']} {v['id']} at {v['nodes']}" for v in bad)
    finally:
        context.close()


def _keep(shot: Path) -> None:
    chosen = os.environ.get("LIAISON_SCREENSHOTS_DIR") or os.environ.get("LIAISON_SCREENSHOT_DIR")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, Path(chosen) / shot.name)


@pytest.mark.parametrize(("language", "name"), _cases("rtl", ("ar",)))
def test_arabic_pages_are_right_to_left_without_overflow(
    browser: Any, server: str, site: dict[str, Any], tmp_path: Path, language: str, name: str
) -> None:
    problems = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context, page = _open(browser, server, site, name, language, viewport)
        try:
            shot = tmp_path / f"ar-{name}-{label}.png"
            page.screenshot(path=str(shot))  # what one sees first; the overflow check covers the rest
            _keep(shot)
            assert page.evaluate("document.documentElement.dir") == "rtl"
            width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width > inner + 1:
                problems.append(f"{label}: the page is {width}px wide in a {inner}px window")
            brand = page.locator("header .brand").bounding_box()
            bar = page.locator("header .top-inner").bounding_box()  # centred, at most 76rem wide
            assert brand is not None and bar is not None
            if brand["x"] + brand["width"] < bar["x"] + bar["width"] - 32 or brand["x"] < bar["x"] + bar["width"] / 3:
                problems.append(f"{label}: the brand is not at the right edge ({brand} in {bar})")
            nav = page.locator("header nav, header .menu-toggle:visible").first
            if nav.count() and nav.is_visible():
                box = nav.bounding_box()
                if box is not None and box["y"] < brand["y"] + brand["height"] and box["x"] > brand["x"]:
                    problems.append(f"{label}: the menu is right of the brand ({box} vs {brand})")
        finally:
            context.close()
    assert not problems, f"{name}: " + "; ".join(problems)


def test_the_language_switcher_submits_itself_and_the_page_comes_back_in_arabic(browser: Any, server: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{server}/login?next=/networks/FTF")
        assert page.evaluate("document.documentElement.dir") == "ltr"
        assert page.locator(".lang-switch button").is_hidden()  # liaison.js submits on change instead
        with page.expect_navigation():
            page.select_option("#lang-select", "ar")
        assert page.url == f"{server}/login?next=/networks/FTF"
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        assert page.locator("#lang-select option[value=ar]").get_attribute("lang") == "ar"
    finally:
        page.close()


def test_the_header_folds_behind_a_menu_button_on_a_phone(browser: Any, server: str, site: dict[str, Any]) -> None:
    context = browser.new_context(
        viewport=PHONE, storage_state=site["states"]["secretariat.ftf"], is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(f"{server}/")
        toggle = page.locator("button.menu-toggle")
        nav = page.get_by_role("navigation", name="Main")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false" and nav.is_hidden()
        toggle.focus()
        page.keyboard.press("Enter")  # the keyboard opens it too
        assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false" and nav.is_hidden()
        # A browser reports its zone in a cookie, which the footer then names.
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get("liaison_browser_tz"), cookies
    finally:
        context.close()
    desktop = browser.new_context(
        viewport=DESKTOP, storage_state=site["states"]["secretariat.ftf"], timezone_id="Asia/Amman"
    )
    try:
        page = desktop.new_page()
        page.goto(f"{server}/")
        assert page.locator("button.menu-toggle").is_hidden()
        assert page.get_by_role("navigation", name="Main").is_visible()
        page.reload()  # the first load told the server the zone
        assert "Asia/Amman" in page.locator("footer").inner_text()
    finally:
        desktop.close()
