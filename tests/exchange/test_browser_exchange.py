"""The exchange in a real headless Chromium on a phone-sized screen, against a real `liaison serve` process (with its
embedded worker): the inbox's countdown runs under the strict Content-Security-Policy, an item is acknowledged with
the keyboard only, and screenshots of the inbox, the message page and an exercise report are kept for people to
look at. No page may trigger a CSP violation or scroll sideways at 375 px."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import build_world_into
from tests.exchange.conftest import Recorder
from tests.exchange.test_ui_exchange import LEGAL, _on_duty_now, persona
from tests.test_browser import serving
from tests.world import ADMIN, PASSWORD

from liaison.actions import exchange as act
from liaison.actions import exercises as xact
from liaison.db import make_engine, make_session_factory, transaction
from liaison.escalation.worker import Worker
from liaison.migrate import upgrade
from liaison.models import Message, Network, Notification, utcnow
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import load_settings

PHONE = {"width": 375, "height": 812}
SUBJECT = "Suspect boarding JL 45 tonight"
# Records CSP violations the page reports (injected by the browser driver, so the CSP does not apply to it).
CSP_PROBE = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)

pytestmark = pytest.mark.browser


@dataclass
class Served:
    base: str
    url: str
    exercise_id: uuid.UUID


def _world(url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The world, with Claire and Hana on duty; a flash request from Japan to France; and three past reachability
    exercises, acknowledged more or less quickly, for the report's trend. Returns (message id, last exercise id)."""
    upgrade(url)
    world, _tokens = build_world_into(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        _on_duty_now(sessions, world.ids)  # type: ignore[attr-defined]
        fr, jp = persona(sessions, "fr.cp"), persona(sessions, "jp.cp")
        now = utcnow()
        clock = [now]
        worker = Worker(
            load_settings(database_url=url, env="test"),
            sessions,
            DirectoryCache(engine),
            name="setup",
            by_kind={k: Recorder() for k in ("email", "webhook", "mobile", "phone", "inbox")},  # type: ignore[misc]
            threads=1,
            clock=lambda: clock[0],
        )
        last = uuid.uuid4()
        for days, fr_min, jp_min in ((21, 4, None), (14, 2, 41), (7, 3, 9)):
            clock[0] = then = now - timedelta(days=days)
            with transaction(sessions) as s:
                ftf = s.get_one(Network, world.ids["ftf"])  # type: ignore[attr-defined]
                ex = xact.schedule_exercise(s, actor=ADMIN, network=ftf, at=then, window_minutes=30, now=then)
                last = ex.id
            while worker.run_once():  # the worker starts it then and notifies each contact on duty
                pass
            with transaction(sessions) as s:
                test = s.scalar(select(Message).where(Message.exercise_id == last))
                assert test is not None
                for who, minutes in ((fr, fr_min), (jp, jp_min)):
                    if minutes is not None:
                        act.acknowledge(s, actor=who, message=test, now=then + timedelta(minutes=minutes))
        worker.pool.shutdown()
        with transaction(sessions) as s:
            m = act.send_message(
                s,
                actor=jp,
                network=s.get_one(Network, world.ids["ftf"]),  # type: ignore[attr-defined]
                kind="request",
                priority="flash",
                subject=SUBJECT,
                body="Passenger list attached.\nBoarding 22:40 at Haneda, arrival CDG 05:10.",
                legal_basis=LEGAL,
                marking=act.parse_marking("AMBER", True, "counter-terrorism"),
                to_members=["FR"],
            )
            return m.id, last
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("browser-exchange")
    url = f"sqlite:///{root / 'liaison.db'}"
    message_id, exercise_id = _world(url)
    env = {**os.environ, "LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test", "LIAISON_LOG_LEVEL": "warning"}
    env.pop("LIAISON_DATABASE_URL_FILE", None)
    engine = make_engine(url)

    def delivered(_base: str) -> bool:  # its embedded worker has notified the person on duty
        with engine.connect() as conn:
            return bool(
                conn.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.message_id == message_id, Notification.status == "sent")
                )
            )

    try:
        with serving(root, env, ready=delivered, announce_base=True, what="start or deliver", stop_timeout=15) as base:
            yield Served(base, url, exercise_id)
    finally:
        engine.dispose()


def _phone(chromium):  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.add_init_script(CSP_PROBE)
    return context


def _log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login?next=/inbox")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")


def _no_csp_violation(page, console: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m], console


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px): {wide}"


def _keep(shot: Path) -> None:
    assert shot.exists() and shot.stat().st_size > 15_000, shot


def test_inbox_counts_down_and_is_acknowledged_with_the_keyboard_on_a_phone(
    browser, served: Served, screenshot_dir: Path
):
    context = _phone(browser)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    try:
        _log_in(page, served.base, "fr.cp")
        assert page.url == f"{served.base}/inbox"
        item = page.locator("li.item", has_text=SUBJECT)
        timer = item.locator(".timer-clock")
        first = timer.inner_text()
        assert re.fullmatch(r"escalates in [0-9]:[0-5][0-9]", first), first
        deadline = time.monotonic() + 15  # the countdown ticks every second; a busy machine only makes it slower
        while (second := timer.inner_text()) == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert re.fullmatch(r"escalates in [0-9]:[0-5][0-9]", second) and second != first, (first, second)
        assert re.fullmatch(r"answer due in (7 hr 5[0-9] min|8 hr)", item.locator(".timer-hours").inner_text())
        assert item.locator(".tlp").inner_text() == "TLP:AMBER" and item.locator(".prio").inner_text() == "FLASH"
        _fits(page)
        inbox_shot = screenshot_dir / "exchange-inbox-phone.png"
        page.screenshot(path=str(inbox_shot), full_page=False)
        _no_csp_violation(page, console)

        # Keyboard only: Tab through the page until the item's Acknowledge button has the focus, then Enter.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "(() => { const e = document.activeElement; return e.tagName + '|' + e.className + '|' "
                "+ (e.closest('li.item') ? e.closest('li.item').textContent : ''); })()"
            )
            if focused.startswith("BUTTON|primary ack|") and SUBJECT in focused:
                break
        else:
            pytest.fail("Tab never reached the Acknowledge button")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"  # the focus is visible
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "done=ack" in page.url
        assert page.get_by_text("Acknowledged. Escalation stopped.").is_visible()
        assert page.locator("li.item", has_text=SUBJECT).locator("button.ack").count() == 0
        assert page.locator("li.item", has_text=SUBJECT).locator(".badge.ok").inner_text() == "acknowledged"
        _no_csp_violation(page, console)

        with page.expect_navigation():
            page.get_by_role("link", name=SUBJECT).click()
        assert page.locator(".marking-banner").inner_text().startswith("TLP:AMBER · originator control")
        assert page.get_by_role("heading", name="Delivery and escalation history").is_visible()
        step = page.locator(".history .h-event", has_text="Step 1 → Claire Fictive")
        assert step.count() == 1 and "✓" in step.locator(".h-marks").inner_text()  # one line, a mark per channel
        assert not step.locator(".h-details ul").is_visible()  # the addresses are folded away
        assert "Boarding 22:40 at Haneda" in page.locator(".message-body").inner_text()
        _fits(page)
        message_shot = screenshot_dir / "exchange-message-phone.png"
        page.screenshot(path=str(message_shot), full_page=True)
        _no_csp_violation(page, console)
        for shot in (inbox_shot, message_shot):
            _keep(shot)

        page.goto(f"{served.base}/messages/new")  # composing fits a phone, and sends without an attachment
        _fits(page)
        page.check("input[name=to][value=JP]")
        warning = page.locator("#c-language-warning")
        page.select_option("#c-language", "ar")  # Japan's contact points work in Japanese and English
        assert warning.is_visible() and warning.locator("li[data-member=JP]").is_visible()
        page.select_option("#c-language", "en")
        assert not warning.is_visible()
        page.fill("#c-subject", "Re-check of the passenger list")
        page.fill("#c-body", "Please confirm the date of birth.")
        page.fill("#c-legal_basis", LEGAL)
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        assert "done=sent" in page.url and page.get_by_text("Sent. Each addressee").is_visible()
        _no_csp_violation(page, console)
    finally:
        context.close()


def test_exercise_report_with_its_trend_on_a_phone(browser, served: Served, screenshot_dir: Path):
    context = _phone(browser)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    try:
        _log_in(page, served.base, "secretariat")
        page.goto(f"{served.base}/exercises/{served.exercise_id}")
        assert page.get_by_role("heading", name="FTF reachability exercise").is_visible()
        assert page.locator(".member-result .badge.ok").count() == 2  # both reached in the last exercise
        charts = page.locator("svg.chart-line[role=img]")
        assert charts.count() == 2 and charts.first.is_visible()
        assert charts.first.locator("circle").count() == 3  # three past exercises
        box = charts.first.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        _fits(page)
        shot = screenshot_dir / "exchange-exercise-phone.png"
        page.screenshot(path=str(shot), full_page=True)
        _keep(shot)
        page.goto(f"{served.base}/networks/FTF/dashboard")
        assert page.get_by_role("heading", name="Response times per member").is_visible()
        assert SUBJECT not in page.content()  # metadata only
        _fits(page)
        dash = screenshot_dir / "exchange-dashboard-phone.png"
        page.screenshot(path=str(dash), full_page=True)
        _keep(dash)
        _no_csp_violation(page, console)
    finally:
        context.close()


def _chart_geometry(page) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Where the first line chart draws its value axis and its first and last points, and whether its texts and
    its points are mirrored on screen (the sign of their screen transform)."""
    return page.evaluate(
        """(() => {
          const svg = document.querySelector('svg.chart-line');
          const xs = sel => [...svg.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
                                                          .map(r => r.left + r.width / 2);
          const dots = xs('circle');
          return {
            ticks: xs('text.chart-tick-y'), dots: dots,
            text_a: [...svg.querySelectorAll('text')].map(t => t.getScreenCTM().a),
            dot_a: svg.querySelector('circle').getScreenCTM().a,
          };
        })()"""
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_arabic_pages_mirror_their_charts_and_fit(browser, served: Served, screenshot_dir: Path, size: str):
    """In Arabic the pages run right to left: the trend chart's value axis stands on the right, time runs from
    right to left, and its texts still read the right way round; nothing scrolls sideways on a phone."""
    viewport = PHONE if size == "phone" else {"width": 1440, "height": 900}
    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", device_scale_factor=1)
    context.add_init_script(CSP_PROBE)
    context.add_cookies([{"name": "liaison_lang", "value": "ar", "url": served.base}])
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    try:
        _log_in(page, served.base, "secretariat")
        page.goto(f"{served.base}/exercises/{served.exercise_id}")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "ar"
        g = _chart_geometry(page)
        assert min(g["ticks"]) > max(g["dots"])  # the value axis is right of every point
        assert g["dots"][0] > g["dots"][-1]  # the oldest exercise is on the right: time runs leftwards
        assert g["dot_a"] < 0 and all(a > 0 for a in g["text_a"])  # the drawing is mirrored, its texts are not
        # The report opens with its summary table, then the trend.
        table = page.locator("table.summary-table").bounding_box()
        chart = page.locator("svg.chart-line").first.bounding_box()
        assert table is not None and chart is not None and table["y"] < chart["y"]
        if size == "phone":
            _fits(page)
        shot = screenshot_dir / f"exchange-exercise-ar-{size}.png"
        page.screenshot(path=str(shot), full_page=True)
        _keep(shot)
        _no_csp_violation(page, console)

        # In English the same chart reads left to right.
        context.add_cookies([{"name": "liaison_lang", "value": "en", "url": served.base}])
        page.reload()
        g = _chart_geometry(page)
        assert max(g["ticks"]) < min(g["dots"]) and g["dots"][0] < g["dots"][-1] and g["dot_a"] > 0
    finally:
        context.close()
