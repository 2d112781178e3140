"""The real server in a subprocess, driven by a real headless Chromium: log in with the keyboard, find a member on
the duty board, check the contact point on duty and its tap-to-call link, and take screenshots (desktop, phone)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

PASSWORD = "browser-test-password-1"

pytestmark = pytest.mark.browser


def _liaison() -> str:
    exe = Path(sys.executable).parent / "liaison"
    assert exe.exists(), f"{exe} is missing: install the project (pip install -e .[dev]) into this venv"
    return str(exe)


@contextmanager
def serving(
    root: Path,
    env: dict[str, str],
    *,
    ready: Callable[[str], bool] | None = None,
    announce_base: bool = False,
    what: str = "start",
    stop_timeout: float = 10,
) -> Iterator[str]:
    """`liaison serve` on a free port with ``env`` (its log in ``root``); yields the base URL once ``/healthz``
    answers and ``ready(base)`` holds. ``announce_base`` sets ``LIAISON_BASE_URL`` to it (links in notifications)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if announce_base:
        env = {**env, "LIAISON_BASE_URL": base}
    log = (root / "server.log").open("w")
    proc = subprocess.Popen([_liaison(), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                up = httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                up = False
            if up and (ready is None or ready(base)):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"the server did not {what}: {(root / 'server.log').read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`liaison serve` on a free port over a temporary SQLite database holding the demo directory."""
    root = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "LIAISON_DATABASE_URL": f"sqlite:///{root / 'liaison.db'}", "LIAISON_ENV": "test",
           "LIAISON_LOG_LEVEL": "warning"}
    env.pop("LIAISON_DATABASE_URL_FILE", None)
    for args in (["db", "upgrade"], ["demo", "load", "--password", PASSWORD]):
        done = subprocess.run([_liaison(), *args], env=env, capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, f"liaison {' '.join(args)} failed: {done.stderr}"
    with serving(root, env) as base:
        yield base


def _focused(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.className "
                         "|| document.activeElement.tagName)")


def _log_in_with_the_keyboard(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    assert _focused(page) == "username"  # the form's first field has the focus
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert _focused(page) == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Log in"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/"


def test_skip_link_comes_first_and_focus_is_visible(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server}/login")
        assert _focused(page) == "username"
        page.keyboard.press("Shift+Tab")
        assert _focused(page) == "lang-select"
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.className") == "brand"
        page.keyboard.press("Shift+Tab")  # the order is: skip link, brand, language, username, password, Log in
        assert page.evaluate("document.activeElement.className") == "skip"
        box = page.locator("a.skip").bounding_box()
        assert box is not None and box["y"] >= 0 and box["height"] > 20  # shown on screen once focused
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        with page.expect_navigation():
            page.keyboard.press("Enter")  # follows the skip link to the main content
        assert page.url.endswith("#main")
    finally:
        page.close()


def test_find_france_on_the_duty_board_and_call(browser, server, screenshot_dir: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _log_in_with_the_keyboard(page, server, "secretariat.ftf")
        page.get_by_role("link", name="Duty board of FTF").click()
        page.wait_for_url(f"{server}/networks/FTF")
        assert page.locator("#board tbody tr").count() > 20

        # Live filtering (static JS) hides the other members as one types ...
        page.fill("#board-filter", "France")
        assert page.locator("#m-FR").is_visible() and page.locator("#m-JP").is_hidden()
        assert page.locator("#board-count").inner_text().startswith("Showing 1 of ")
        # ... and the same box works as a plain GET form.
        with page.expect_navigation():
            page.press("#board-filter", "Enter")
        assert "q=France" in page.url and page.locator("#board tbody tr").count() == 1
        board_shot = screenshot_dir / "board-desktop.png"
        page.goto(f"{server}/networks/FTF")
        page.screenshot(path=str(board_shot), full_page=False)

        page.goto(f"{server}/networks/FTF?q=France")
        page.locator("#m-FR").get_by_role("link", name="France").click()
        page.wait_for_url(f"{server}/networks/FTF/members/FR")
        answer = page.request.get(f"{server}/api/v1/networks/FTF/on-duty/FR").json()  # same cookie session
        assert answer["on_duty"], answer
        name = answer["contact"]["name"]
        panel = page.locator("#on-duty .panel")
        assert name in panel.locator(".contact-name").inner_text()
        tel = panel.locator('a[href^="tel:+"]').first
        assert tel.is_visible()
        assert tel.get_attribute("href") in {f"tel:{ch['value']}" for ch in answer["contact"]["channels"]}
        member_shot = screenshot_dir / "member-desktop.png"
        page.screenshot(path=str(member_shot), full_page=True)

        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                    device_scale_factor=2, storage_state=context.storage_state())
        try:
            mobile = phone.new_page()
            mobile.goto(f"{server}/networks/FTF")
            assert mobile.locator("#m-FR a.call").first.is_visible()
            phone_board = screenshot_dir / "board-phone.png"
            mobile.screenshot(path=str(phone_board), full_page=False)
            mobile.goto(f"{server}/networks/FTF/members/FR")
            phone_member = screenshot_dir / "member-phone.png"
            mobile.screenshot(path=str(phone_member), full_page=False)
            width = mobile.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the member page scrolls sideways on a phone ({width}px)"
        finally:
            phone.close()

        for shot in (board_shot, member_shot, phone_board, phone_member):
            assert shot.exists() and shot.stat().st_size > 20_000, shot
    finally:
        context.close()


def test_agency_page_on_a_phone(browser, server, screenshot_dir: Path):
    """A contact point opens its agency from the menu on a phone: every channel is a big tap target, nothing scrolls
    sideways, and a test message is sent with one tap (a real form post, CSRF token included)."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                device_scale_factor=2)
    page = phone.new_page()
    try:
        _log_in_with_the_keyboard(page, server, "fr.ftf")
        page.get_by_role("button", name="Menu").click()  # the header folds on a phone
        page.get_by_role("link", name="My agency").click()
        page.wait_for_url(f"{server}/agencies/*")
        assert page.get_by_role("heading", name="Contact points").is_visible()
        first = page.locator("li.cp").first
        assert first.locator('a.call[href^="tel:+33"]').first.is_visible()
        assert first.locator(".badge.ok").first.inner_text().startswith("verified")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the agency page scrolls sideways on a phone ({width}px)"
        shot = screenshot_dir / "agency-phone.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 20_000

        with page.expect_navigation():
            first.get_by_role("button", name="Send test message").first.click()
        note = page.get_by_text("Test message sent")
        assert note.is_visible() and 0 <= note.evaluate("e => e.getBoundingClientRect().top") < 844  # in view
        first = page.locator("li.cp").first
        first.locator("details.editor > summary", has_text="Edit").click()  # the edit form opens without a page load
        assert first.locator("input[name=timezone]").input_value() == "Europe/Paris"
    finally:
        phone.close()
