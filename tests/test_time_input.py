"""Times, dates and durations given by people: one checker (liaison.timeinput) behind the CLI and the API.

Whatever instant or number is given, the answer is either a valid one or a clean refusal naming the option or
field: exit 2 (a usage error) at the command line, 422 with ``{"detail", "code", "field"}`` in the API. Never a
traceback, never a 500 (issue 9, item 6).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from liaison import timeinput
from liaison.cli import app
from liaison.errors import InvalidInput

runner = CliRunner()

# Offsets as ISO 8601 allows them (up to a day either way), so the year-1 and year-9999 edges get exercised.
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
any_instant = st.datetimes(  # naive bounds, as hypothesis wants them; each value gets an offset
    min_value=datetime(1, 1, 1),  # noqa: DTZ001
    max_value=datetime(9999, 12, 31, 23, 59, 59),  # noqa: DTZ001
    timezones=offsets,
)
any_number = st.one_of(st.integers(), st.integers(min_value=-400, max_value=4000))
FOUR_CASES = ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")


def _in_window(at: datetime) -> bool:
    try:
        return timeinput.EARLIEST <= at.astimezone(UTC) < timeinput.LATEST
    except OverflowError:
        return False


# -- the checker itself --


@given(any_instant)
def test_an_instant_is_taken_inside_the_window_and_refused_outside(at):
    text = at.isoformat()
    if _in_window(at):
        assert timeinput.instant(text) == at.astimezone(UTC)
        assert timeinput.within(at) == at.astimezone(UTC)
    else:
        for parse in (lambda: timeinput.instant(text, "start"), lambda: timeinput.within(at, "start")):
            with pytest.raises(InvalidInput) as exc:
                parse()
            assert exc.value.field == "start" and "out of range" in exc.value.detail


@given(st.text(max_size=80))
def test_any_text_is_an_instant_or_a_refusal_naming_the_field(text):
    try:
        at = timeinput.instant(text, "at")
    except InvalidInput as exc:
        assert exc.field == "at"
    else:
        assert at.tzinfo is UTC and (not text.strip() or timeinput.EARLIEST <= at < timeinput.LATEST)


@given(any_number)
def test_a_duration_is_within_its_span_or_refused(n):
    span = timeinput.ROSTER_DAYS
    if span.least <= n <= span.most:
        assert span.check(n, "days") == n
        assert span.delta(n, "days") == timedelta(days=n)
    else:
        with pytest.raises(InvalidInput, match=r"days: .* out of range: give 1 to 366 days"):
            span.check(n, "days")


def test_an_instant_without_offset_and_dates_out_of_years_are_refused():
    with pytest.raises(InvalidInput, match="time zone offset"):
        timeinput.instant("2026-11-23T03:00:00")
    with pytest.raises(InvalidInput, match="out of range"):
        timeinput.calendar_day("0001-01-01", "on")
    with pytest.raises(InvalidInput, match="not a date"):
        timeinput.calendar_day("2026-02-30", "on")
    assert timeinput.calendar_day("2026-12-01", "on") == date(2026, 12, 1)


# -- the command line --


@pytest.fixture
def env(world_db_url: str) -> dict[str, str]:
    return {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test"}


def _cli(env: dict[str, str], *args: str):
    r = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r


@pytest.mark.parametrize(
    "args",
    [
        ("on-duty", "FTF", "FR", "--at", FOUR_CASES[0]),
        ("on-duty", "FTF", "FR", "--at", FOUR_CASES[1]),
        ("roster", "show", "FTF", "FR", "--days", "-5"),
        ("readiness", "FTF", "--days", "100000000"),
        ("board", "FTF", "--at", FOUR_CASES[1]),
        ("roster", "export", "FTF", "FR", "--start", FOUR_CASES[0]),
        ("roster", "export", "FTF", "FR", "--days", "100000000"),
        ("audit", "export", "--since", FOUR_CASES[0]),
        ("bank", "reviews", "--on", "9999-12-31"),
        ("exercise", "schedule", "FTF", "--at", FOUR_CASES[1]),
        ("exercise", "schedule", "FTF", "--at", "2099-01-01T00:00:00Z", "--window", "100000000"),
        ("user", "token", "fr.cp", "--days", "-1"),
        ("search", "Ahmed", "--birth-year", "100000000000000000000"),
    ],
    ids=lambda a: " ".join(a),
)
def test_cli_refuses_out_of_range_times_and_durations_with_exit_2(env, args):
    r = _cli(env, *args)
    assert r.exit_code == 2, r.output
    assert args[-2] in r.output  # the option at fault is named


def test_cli_still_answers_at_the_edges_of_the_window(env):
    for at in ("1970-01-01T00:00:00Z", "2199-12-31T23:59:59Z"):
        assert _cli(env, "on-duty", "FTF", "FR", "--at", at).exit_code in (0, 3)
    assert _cli(env, "roster", "show", "FTF", "FR", "--at", "2199-12-31T00:00:00Z", "--days", "366").exit_code == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=any_instant, days=any_number)
def test_cli_answers_or_refuses_cleanly_for_any_instant_and_number(env, at, days):
    r = _cli(env, "on-duty", "FTF", "FR", "--at", at.isoformat())
    assert r.exit_code in ((0, 3) if _in_window(at) else (2,)), r.output
    r = _cli(env, "roster", "show", "FTF", "FR", "--at", at.isoformat(), "--days", str(days), "--json")
    valid = _in_window(at) and 1 <= days <= 366
    assert r.exit_code == (0 if valid else 2), r.output


# -- the API --


def _refused(r, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "invalid" and body["field"].split(".")[-1] == field and body["detail"]


def test_api_refuses_the_four_cases_with_422(api):
    c = api.as_("jp.cp")
    for at in FOUR_CASES:
        _refused(c.get("/api/v1/networks/FTF/on-duty/FR", params={"at": at}), "at")
        _refused(c.get("/api/v1/networks/FTF/board", params={"at": at}), "at")
    _refused(c.get("/api/v1/networks/FTF/members/FR/roster", params={"days": -5}), "days")
    _refused(api.as_("secretariat").get("/api/v1/networks/FTF/readiness", params={"days": 100000000}), "days")


def test_api_refuses_out_of_range_times_in_bodies_and_filters_with_422(api):
    sec = api.as_("secretariat")
    ids = api.world.ids
    r = sec.post(
        "/api/v1/networks/FTF/members/FR/overrides",
        json={"contact_point_id": str(ids["marc"]), "start": "2026-11-24T00:00:00Z", "end": FOUR_CASES[1]},
    )
    _refused(r, "end")
    _refused(sec.post("/api/v1/networks/FTF/exercises", json={"at": FOUR_CASES[1]}), "at")
    _refused(sec.post("/api/v1/networks/FTF/exercises", json={"at": "0001-01-01T00:00:00+01:00"}), "at")
    _refused(sec.get("/api/v1/networks/FTF/members/FR/roster.ics", params={"start": FOUR_CASES[0]}), "start")
    _refused(api.as_("auditor").get("/api/v1/audit", params={"until": FOUR_CASES[1]}), "until")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=any_instant, days=any_number)
def test_api_answers_or_refuses_cleanly_for_any_instant_and_number(api, at, days):
    c = api.as_("jp.cp")
    r = c.get("/api/v1/networks/FTF/on-duty/FR", params={"at": at.isoformat()})
    if _in_window(at):
        assert r.status_code == 200, r.text
    else:
        _refused(r, "at")
    r = c.get("/api/v1/networks/FTF/members/FR/roster.ics", params={"start": at.isoformat(), "days": days})
    if _in_window(at) and 1 <= days <= 366:
        assert r.status_code == 200, r.text
    else:
        _refused(r, "start" if 1 <= days <= 366 else "days")  # the query's bounds are checked first


# -- the pages --


def test_pages_refuse_out_of_range_times_with_422(demo_db_url):
    from fastapi.testclient import TestClient

    from liaison.app import create_app
    from liaison.settings import load_settings
    from tests.test_ui import logged_in

    app = create_app(load_settings(database_url=demo_db_url, env="test", base_url="http://testserver"))
    with TestClient(app, base_url="http://testserver") as client:
        c = logged_in(client, "secretariat.ftf")
        for url in ("/networks/FTF", "/networks/FTF/members/FR"):
            for at in FOUR_CASES:
                r = c.get(url, params={"at": at})
                assert r.status_code == 422, (url, at, r.status_code)
                assert "out of range" in r.text


# -- escalation delays: their own syntax (1h30m), the same promise --


@given(st.text(alphabet="0123456789hms²٣:@ ,", max_size=30), st.integers(min_value=0, max_value=6000))
def test_any_escalation_delay_is_a_policy_or_a_refusal_naming_the_step(text, digits):
    from liaison.escalation.rules import MAX_DELAY, PolicyError, parse_policy

    for policy in (
        f"on-duty@{text}",
        f"on-duty@0s,repeat:{text}",
        f"on-duty@{'9' * digits}m",
        f"on-duty@0s,repeat:{'9' * digits}",
    ):
        try:
            p = parse_policy(policy)
        except PolicyError as exc:
            assert str(exc).startswith("step ")
        else:
            assert all(s.delay <= MAX_DELAY for s in p.steps)
