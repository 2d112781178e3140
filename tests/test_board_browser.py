"""The duty board as a console, measured in a real Chromium against the real server over the demo directory: how
many members fit on a desktop (1440x900) and a phone (390x844) screen, one Call button per row, sorting with the
keyboard, and the Arabic layout mirrored. Screenshots go to the test's tmp_path, and are copied into
$LIAISON_SCREENSHOTS_DIR (or $LIAISON_SCREENSHOT_DIR) when set."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import PASSWORD, server  # noqa: F401  (the module's server fixture: demo directory)

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

# Rows wholly on screen below the site header, as the page opens (no scrolling).
VISIBLE_ROWS = """() => {
  const header = document.querySelector('header');
  const top = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  return Array.from(document.querySelectorAll('#board tbody tr')).filter(row => {
    const box = row.getBoundingClientRect();
    return !row.hidden && box.height > 0 && box.top >= top && box.bottom <= window.innerHeight;
  }).map(row => row.id);
}"""


def _keep(shot: Path) -> None:
    for name in ("LIAISON_SCREENSHOTS_DIR", "LIAISON_SCREENSHOT_DIR"):
        chosen = os.environ.get(name)
        if chosen:
            Path(chosen).mkdir(parents=True, exist_ok=True)
            shutil.copy2(shot, Path(chosen) / shot.name)


@pytest.fixture(scope="module")
def logged_in_state(browser, server: str) -> Iterator[dict]:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("#username", "secretariat.ftf")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    yield context.storage_state()
    context.close()


def _board(browser, base: str, state: dict, size: dict, *, language: str = "en"):  # type: ignore[no-untyped-def]
    context = browser.new_context(**size, storage_state=state)
    context.add_cookies([{"name": "liaison_lang", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/networks/FTF")
    return context, page


@pytest.mark.parametrize(
    ("name", "size", "target"), [("desktop", DESKTOP, 12), ("phone", PHONE, 6)], ids=["desktop", "phone"]
)
def test_enough_members_fit_on_one_screen(browser, server, logged_in_state, tmp_path, name, size, target) -> None:  # noqa: F811
    context, page = _board(browser, server, logged_in_state, size)
    try:
        visible = page.evaluate(VISIBLE_ROWS)
        total = page.locator("#board tbody tr").count()
        shot = tmp_path / f"board-{name}-{size['viewport']['width']}x{size['viewport']['height']}.png"
        page.screenshot(path=str(shot), full_page=False)
        _keep(shot)
        (tmp_path / f"board-{name}.json").write_text(json.dumps({"visible": len(visible), "total": total}))
        print(f"\nduty board, {name} {size['viewport']}: {len(visible)} of {total} members fully visible")
        assert len(visible) >= target, visible
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["viewport"]["width"], f"the board scrolls sideways ({width}px)"
        for row_id in visible:  # one short row, one Call button each
            row = page.locator(f"#{row_id}")
            assert row.locator("a.call, a.mail").count() <= 1
            box = row.bounding_box()
            assert box is not None and box["height"] <= (60 if name == "phone" else 56), (row_id, box)
        assert page.locator(f"#{visible[0]} a.call").first.is_visible()
        assert shot.stat().st_size > 20_000
    finally:
        context.close()


def test_columns_sort_with_the_keyboard(browser, server, logged_in_state) -> None:  # noqa: F811
    context, page = _board(browser, server, logged_in_state, DESKTOP)
    try:
        until = page.locator("thead th.c-until a.sort")
        until.focus()
        page.keyboard.press("Enter")  # sorted in place by the script: no navigation
        assert page.locator("thead th.c-until").get_attribute("aria-sort") == "ascending"
        assert page.locator("thead th.c-member").get_attribute("aria-sort") is None
        stamps = page.eval_on_selector_all("#board tbody tr", "rows => rows.map(r => r.dataset.sortUntil)")
        assert stamps == sorted(stamps) and len(set(stamps)) > 1
        assert page.url.endswith("sort=until")
        page.keyboard.press("Enter")  # again: descending
        assert page.locator("thead th.c-until").get_attribute("aria-sort") == "descending"
        stamps = page.eval_on_selector_all("#board tbody tr", "rows => rows.map(r => r.dataset.sortUntil)")
        assert stamps == sorted(stamps, reverse=True)
        page.fill("#board-filter", "Japan")  # the filter still works on the sorted rows
        assert page.locator("#m-JP").is_visible() and page.locator("#m-FR").is_hidden()
        with page.expect_navigation():
            page.press("#board-filter", "Enter")  # and the form keeps the sort
        assert "sort=-until" in page.url and "q=Japan" in page.url
    finally:
        context.close()


def test_the_arabic_board_mirrors_and_fits(browser, server, logged_in_state, tmp_path) -> None:  # noqa: F811
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context, page = _board(browser, server, logged_in_state, size, language="ar")
        try:
            assert page.get_attribute("html", "dir") == "rtl"
            member = page.locator("#m-FR .c-member").bounding_box()
            call = page.locator("#m-FR .c-call").bounding_box()
            assert member and call and member["x"] > call["x"], "the member column starts on the right"
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["viewport"]["width"], f"the Arabic board scrolls sideways on {name} ({width}px)"
            assert len(page.evaluate(VISIBLE_ROWS)) >= (12 if name == "desktop" else 6)
            shot = tmp_path / f"board-ar-{name}.png"
            page.screenshot(path=str(shot), full_page=False)
            _keep(shot)
        finally:
            context.close()
