"""The information bank in a real headless Chromium against the real server: search with the keyboard, open the
entity page, see (and follow) the neighbourhood graph, upload a screening file and decide on a hit; no CSP
violation on the way, and nothing wider than a phone's screen. Screenshots are left for people to look at."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.i18n import _, use_locale
from tests.test_browser import PASSWORD, _liaison, serving

pytestmark = pytest.mark.browser


def _seed(url: str) -> None:
    """A group and a member, entered by the demo's analyst (the demo has no bank data of its own yet)."""
    from sqlalchemy import select

    from liaison.actions.bank import StatementInput, create_entity
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.models import User
    from liaison.queries.principals import principal_for_user

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        with transaction(sessions) as s:
            user = s.scalar(select(User).where(User.username == "analyst"))
            assert user is not None, "the demo has no analyst"
            actor = principal_for_user(s, user, "cli", "test")
            basis = "Art. 18 Europol Regulation"
            group = create_entity(
                s,
                actor=actor,
                schema="Organization",
                statements=[
                    StatementInput("name", "Jabhat al-Nusra", name_kind="primary", source="UN list"),
                    StatementInput("name", "جبهة النصرة", name_kind="alias", source="UN list"),
                ],
                legal_basis=basis,
            )
            create_entity(
                s,
                actor=actor,
                schema="Person",
                statements=[
                    StatementInput(
                        "name",
                        "Mohammed Ali HASSAN",
                        name_kind="primary",
                        source="report 7/24",
                        reliability="B",
                        credibility="2",
                    ),
                    StatementInput("name", "محمد علي حسن", name_kind="alias", source="report 7/24"),
                    StatementInput("birthDate", "1981", source="report 7/24"),
                    StatementInput("member_of", "", object_id=group.id, source="report 7/24"),
                ],
                data_subject_category="suspect",
                legal_basis=basis,
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser-bank")
    url = f"sqlite:///{root / 'liaison.db'}"
    env = {**os.environ, "LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test", "LIAISON_LOG_LEVEL": "warning"}
    env.pop("LIAISON_DATABASE_URL_FILE", None)
    for args in (["db", "upgrade"], ["demo", "load", "--password", PASSWORD]):
        done = subprocess.run([_liaison(), *args], env=env, capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, f"liaison {' '.join(args)} failed: {done.stderr}"
    _seed(url)
    with serving(root, env) as base:
        yield base


def _page(browser, base: str, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/login")
    page.fill("#username", "analyst")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    return context, page, problems


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"))


def test_search_open_the_entity_and_follow_the_graph(browser, server, screenshot_dir: Path) -> None:
    context, page, problems = _page(browser, server)
    try:
        page.get_by_role("link", name="Bank", exact=True).click()
        page.wait_for_url(f"{server}/bank")
        assert page.evaluate("document.activeElement.id") == "q"  # the search box has the focus
        page.keyboard.type("Muhammad Ali Hasan")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        first = page.locator("ol.results li.result h3 a").first
        assert "HASSAN" in first.inner_text()
        assert page.locator("ol.results meter").count() >= 1
        first.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/bank/entities/" in page.url
        assert page.locator("h1").inner_text() == "Mohammed Ali HASSAN"
        assert page.locator("abbr.grade", has_text="B2").first.get_attribute("title") == (
            "source usually reliable; information probably true"
        )
        graph = page.locator("svg.graph")
        graph.scroll_into_view_if_needed()
        assert graph.is_visible()
        box = graph.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 60
        nodes = page.locator("svg.graph a.graph-node")
        assert nodes.count() == 2
        group = page.locator("svg.graph a.graph-organization")
        colour = group.locator(".graph-shape").evaluate("e => getComputedStyle(e).fill")
        assert colour in ("rgb(213, 94, 0)", "#d55e00")  # from bank.css, not an inline style
        page.screenshot(path=str(screenshot_dir / "liaison-bank-entity.png"), full_page=True)
        group.focus()  # a graph node is a keyboard-reachable link
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("h1").inner_text() == "Jabhat al-Nusra"
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()


def test_screening_upload_and_decide_on_a_phone(browser, server, tmp_path: Path, screenshot_dir: Path) -> None:
    context, page, problems = _page(browser, server, width=390, height=844)
    try:
        csv = tmp_path / "names.csv"
        csv.write_text("id,name,birth_date,nationality\nq1,Muhammad Ali Hassan,1981,\nq2,Nobody Atall,,\n")
        page.goto(f"{server}/bank/screening")
        page.set_input_files("#file", str(csv))
        with page.expect_navigation():
            page.get_by_role("button", name="Screen").click()
        assert "/bank/screening/" in page.url
        assert page.locator("table.screening > tbody.query").count() == 1  # one screened name had candidates
        assert page.locator("tr.hit.is-match").count() >= 1
        details = page.locator("details.explain").first
        details.locator("summary").click()
        assert details.locator("ul.features li").first.is_visible()
        assert _fits(page), "the results table is wider than the phone"
        page.screenshot(path=str(screenshot_dir / "liaison-bank-screening-phone.png"), full_page=True)
        with page.expect_navigation():
            page.locator("tr.hit").first.get_by_role("button", name="False match").click()
        assert "done=decided" in page.url
        assert page.locator("tr.hit").first.locator(".verdict").inner_text() == "false match"
        page.goto(page.url.split("/bank/screening/")[0] + "/bank/entities/" + "00000000-0000-0000-0000-000000000000")
        assert page.locator("h1").inner_text() == "Not found"
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()


EIGHT_NAMES = (
    "id,name,birth_date,nationality\n"
    "n1,Muhammad Ali Hassan,1981,SY\n"
    "n2,Ri Won Ho,,KP\n"
    "n3,Abdul Samad Achekzai,,AF\n"
    "n4,محمد جمال عبدالرحيم أحمد الكاشف,,EG\n"
    "n5,Hamid Raja Salah al-Tikriti,,IQ\n"
    "n6,Musa Hilal,,\n"
    "n7,Oumar Diaby,,SN\n"
    "n8,Nobody Atall,,\n"
)


def _screen(page, base: str, path: Path, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/bank/screening")
    page.set_input_files("#file", str(path))
    with use_locale(lang):
        screen = _("Screen")  # the button as the page's language names it
    with page.expect_navigation():
        page.get_by_role("button", name=screen, exact=True).click()
    assert "/bank/screening/" in page.url


BEFORE_HEIGHT = 6911  # px: the results of these 8 names at 1440x900 before issue 12 (one card per hit)


def test_screening_results_for_eight_names_on_a_desktop(browser, server, tmp_path: Path, screenshot_dir: Path) -> None:
    """The compact table: the results of 8 names fit in about two screens of a 1440x900 desktop (they took
    7.7 screens), nothing overflows sideways, and the bulk decision works from the keyboard."""
    context, page, problems = _page(browser, server, width=1440, height=900)
    try:
        csv = tmp_path / "eight.csv"
        csv.write_text(EIGHT_NAMES, encoding="utf-8")
        _screen(page, server, csv)
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"\nscreening results for 8 names at 1440x900: {height} px tall (before: {BEFORE_HEIGHT} px)")
        assert height < BEFORE_HEIGHT / 2.5, height
        assert page.locator("table.screening > tbody.query").count() == 7  # one name had no candidate
        assert _fits(page)
        assert not page.locator("#results > button[disabled]").is_visible()  # Enter's guard takes no room
        page.screenshot(path=str(screenshot_dir / "liaison-bank-screening-desktop.png"), full_page=True)

        boxes = page.locator("table.screening > tbody.query > tr.hit input.pick-box")
        for index in (1, 2):
            boxes.nth(index).focus()
            page.keyboard.press("Space")
        assert page.locator("#bulk-count").inner_text() == "2"
        chosen = [boxes.nth(i).get_attribute("value") for i in (1, 2)]
        page.get_by_role("button", name="Mark false match").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "done=decided" in page.url
        for hit in chosen:
            assert page.locator(f"#h-{hit} .verdict").inner_text() == "false match"
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height", "shot"), [(1440, 900, "desktop"), (390, 844, "phone")])
def test_screening_results_in_arabic_mirror_and_fit(  # type: ignore[no-untyped-def]
    browser, server, tmp_path: Path, screenshot_dir: Path, width: int, height: int, shot: str
) -> None:
    context, page, problems = _page(browser, server, width=width, height=height)
    try:
        context.add_cookies([{"name": "liaison_lang", "value": "ar", "url": server}])
        csv = tmp_path / "eight.csv"
        csv.write_text(EIGHT_NAMES, encoding="utf-8")
        _screen(page, server, csv, "ar")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert _fits(page), "the Arabic results are wider than the screen"
        query = page.locator("tbody.query").first.locator("th.query-cell").bounding_box()
        hit = page.locator("tbody.query").first.locator("td.hit-cell").first.bounding_box()
        assert query and hit
        if shot == "desktop":
            assert query["x"] > hit["x"]  # the screened name is the first column: on the right, right to left
        else:
            assert query["y"] < hit["y"]  # a card: the screened name above its hits
        page.screenshot(path=str(screenshot_dir / f"liaison-bank-screening-ar-{shot}.png"), full_page=True)
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()
