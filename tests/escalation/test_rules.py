"""Escalation rules: parsing, rendering, JSON freezing, due steps, and the response clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.escalation import (
    MAX_DELAY,
    TARGETS,
    DueStep,
    Policy,
    PolicyError,
    Step,
    due_steps,
    format_delay,
    is_overdue,
    next_due,
    parse_delay,
    parse_policy,
    response_deadline,
)

GLOSSARY = "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat"
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)

fast = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def keys(steps: list[DueStep]) -> list[str]:
    return [d.key for d in steps]


# -- parsing and rendering -----------------------------------------------------------------------------


def test_glossary_policy_parses() -> None:
    p = parse_policy(GLOSSARY)
    assert p.steps == (
        Step("on-duty", timedelta(0)),
        Step("deputy", 5 * MIN),
        Step("desk", 10 * MIN),
        Step("secretariat", 15 * MIN),
    )
    assert p.repeat and p.max_rounds is None and p.gap is None
    assert p.period == 30 * MIN  # last delay + a gap equal to the last delay
    assert p.text == GLOSSARY


def test_whitespace_combined_units_and_canonical_text() -> None:
    p = parse_policy("  on-duty @ 0s ,\tdeputy@ 90s , desk @1h30m,secretariat@2h0m5s , repeat @ 05m : 3 ")
    assert [s.delay for s in p.steps] == [timedelta(0), 90 * SEC, 90 * MIN, timedelta(hours=2, seconds=5)]
    assert (p.repeat, p.max_rounds, p.gap) == (True, 3, 5 * MIN)
    assert p.text == "on-duty@0s,deputy@1m30s,desk@1h30m,secretariat@2h5s,repeat@5m:3"
    assert parse_policy(p.text) == p


def test_no_repeat_and_equal_delays() -> None:
    p = parse_policy("on-duty@0s,deputy@0s,desk@2m")
    assert not p.repeat and p.period is None and p.text == "on-duty@0s,deputy@0s,desk@2m"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("on-duty@0s,deputy@5m,deskk@10m", "step 3: unknown target 'deskk' (on-duty, deputy, desk, secretariat)"),
        ("on-duty@0s,deputy@5x", "step 2: bad delay '5x'"),
        ("on-duty@5", "step 1: bad delay '5' (missing unit"),
        ("on-duty@5m5m", "step 1: bad delay '5m5m'"),
        ("on-duty@30m1h", "step 1: bad delay '30m1h'"),
        ("on-duty@-5m", "step 1: bad delay '-5m'"),
        ("on-duty@", "step 1: bad delay ''"),
        ("on-duty@200h", "step 1: delay '200h' is longer than 168h"),
        ("on-duty@10m,deputy@5m", "step 2: delay 5m is earlier than step 1's 10m (delays must not decrease)"),
        ("", "policy: empty"),
        ("  \t ", "policy: empty"),
        ("on-duty@0s,,desk@5m", "step 2: empty step"),
        ("on-duty@0s,", "step 2: empty step"),
        ("desk", "step 1: expected TARGET@DELAY"),
        ("on-duty@0s,repeat,repeat", "step 3: duplicate 'repeat' (already at step 2)"),
        ("on-duty@0s,repeat,desk@5m", "step 3: 'repeat' (step 2) must be the last step"),
        ("repeat", "step 1: 'repeat' needs at least one step before it"),
        ("on-duty@0s,repeat", "step 2: 'repeat' with zero period"),
        ("on-duty@0s,deputy@0s,repeat@0s:2", "step 3: 'repeat' with zero period"),
        ("on-duty@0s,repeat:0", "step 2: bad round count '0'"),
        ("on-duty@0s,repeat:x", "step 2: bad round count 'x'"),
        ("on-duty@1m,repeat@", "step 2: bad delay ''"),
        ("On-Duty@0s", "step 1: unknown target 'On-Duty'"),
    ],
)
def test_parse_errors_name_step_and_problem(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(text)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError)
    assert info.value.where == message.partition(":")[0]


def test_zero_last_delay_repeats_with_explicit_gap() -> None:
    p = parse_policy("on-duty@0s,repeat@5m:2")
    assert p.period == 5 * MIN
    assert keys(due_steps(p, T0, at(60), None)) == ["0:0", "1:0"]


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"steps": ()}, "steps"),
        ({"steps": (Step("nobody", timedelta(0)),)}, "step 1"),
        ({"steps": (Step("desk", -SEC),)}, "step 1"),
        ({"steps": (Step("desk", timedelta(milliseconds=1)),)}, "step 1"),
        ({"steps": (Step("desk", MIN), Step("desk", SEC))}, "step 2"),
        ({"steps": (Step("desk", MIN),), "max_rounds": 2}, "max_rounds"),
        ({"steps": (Step("desk", MIN),), "repeat": True, "max_rounds": 0}, "max_rounds"),
        ({"steps": (Step("desk", MIN),), "gap": MIN}, "gap"),
        ({"steps": (Step("desk", timedelta(0)),), "repeat": True}, "repeat"),
    ],
)
def test_direct_construction_validates(kwargs: dict[str, object], where: str) -> None:
    with pytest.raises(PolicyError) as info:
        Policy(**kwargs)  # type: ignore[arg-type]
    assert info.value.where == where


def test_delay_helpers() -> None:
    assert parse_delay("1h30m") == 90 * MIN
    assert [format_delay(d) for d in (timedelta(0), 45 * SEC, 60 * MIN, 3661 * SEC)] == ["0s", "45s", "1h", "1h1m1s"]
    assert format_delay(MAX_DELAY) == "168h"


# -- JSON ----------------------------------------------------------------------------------------------


def test_json_round_trip_is_plain_and_exact() -> None:
    p = parse_policy("on-duty@0s,desk@1h30m,repeat@10s:4")
    data = p.to_json()
    assert data == {
        "steps": [{"target": "on-duty", "delay_seconds": 0}, {"target": "desk", "delay_seconds": 5400}],
        "repeat": True,
        "max_rounds": 4,
        "gap_seconds": 10,
    }
    assert Policy.from_json(data) == p


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("repeat"), "policy"),
        (lambda d: d.update(extra=1), "policy"),
        (lambda d: d.update(repeat=1), "repeat"),
        (lambda d: d.update(max_rounds=True), "max_rounds"),
        (lambda d: d.update(steps="on-duty@0s"), "steps"),
        (lambda d: d["steps"][0].update(delay_seconds=1.5), "step 1"),
        (lambda d: d["steps"][0].update(delay_seconds=10**30), "step 1"),
        (lambda d: d["steps"][0].update(target=3), "step 1"),
        (lambda d: d["steps"].append("desk@5m"), "step 5"),
        (lambda d: d.update(gap_seconds=-1), "gap_seconds"),
    ],
)
def test_from_json_is_strict(mutate: object, where: str) -> None:
    data = parse_policy(GLOSSARY).to_json()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(PolicyError) as info:
        Policy.from_json(data)
    assert info.value.where == where


# -- due steps -----------------------------------------------------------------------------------------


def test_due_steps_before_and_after_acknowledgement() -> None:
    p = parse_policy(GLOSSARY)
    assert keys(due_steps(p, T0, T0 - SEC, None)) == []
    assert keys(due_steps(p, T0, T0, None)) == ["0:0"]
    assert keys(due_steps(p, T0, at(12), None)) == ["0:0", "0:1", "0:2"]
    due = due_steps(p, T0, at(47), None)
    assert keys(due) == ["0:0", "0:1", "0:2", "0:3", "1:0", "1:1", "1:2", "1:3"]
    assert [d.target for d in due[:4]] == ["on-duty", "deputy", "desk", "secretariat"]
    assert [d.due_at for d in due[4:]] == [at(30), at(35), at(40), at(45)]
    # Acknowledged at 7 minutes: deputy (5m) went out, desk and everything after are cancelled.
    assert keys(due_steps(p, T0, at(600), at(7))) == ["0:0", "0:1"]
    # A step due exactly at the acknowledgement is not sent.
    assert keys(due_steps(p, T0, at(600), at(10))) == ["0:0", "0:1"]
    assert due_steps(p, T0, at(600), T0) == []
    assert next_due(p, T0, at(7), at(7)) is None
    assert next_due(p, T0, at(7), None) == DueStep(0, 2, "desk", at(10))


def test_repeat_with_max_rounds_is_exhausted() -> None:
    p = parse_policy("on-duty@0s,desk@10m,repeat:3")
    due = due_steps(p, T0, T0 + timedelta(days=365), None)
    assert keys(due) == ["0:0", "0:1", "1:0", "1:1", "2:0", "2:1"]
    assert [d.due_at for d in due] == [at(0), at(10), at(20), at(30), at(40), at(50)]
    assert next_due(p, T0, at(50), None) is None
    assert next_due(p, T0, at(49), None) == DueStep(2, 1, "desk", at(50))


def test_no_repeat_runs_once_and_zero_gap_ties_in_round_order() -> None:
    once = parse_policy("deputy@1m,desk@2m")
    assert keys(due_steps(once, T0, at(10_000), None)) == ["0:0", "0:1"]
    assert next_due(once, T0, at(2), None) is None
    tie = parse_policy("on-duty@0s,desk@5m,repeat@0s:3")
    assert [(d.key, d.due_at) for d in due_steps(tie, T0, at(10), None)] == [
        ("0:0", at(0)),
        ("0:1", at(5)),
        ("1:0", at(5)),
        ("1:1", at(10)),
        ("2:0", at(10)),
    ]
    assert next_due(tie, T0, at(0), None) == DueStep(0, 1, "desk", at(5))


def test_unlimited_repeat_far_ahead_is_cheap() -> None:
    p = parse_policy(GLOSSARY)
    later = T0 + timedelta(days=3650)
    nxt = next_due(p, T0, later, None)
    assert nxt is not None and nxt.due_at > later and nxt.due_at - later <= 15 * MIN
    assert nxt.round == (later - T0) // (30 * MIN) and nxt.key == f"{nxt.round}:{nxt.index}"


def test_dst_change_counts_elapsed_time_and_results_are_utc() -> None:
    paris = ZoneInfo("Europe/Paris")
    sent = datetime(2026, 3, 29, 1, 50, tzinfo=paris)  # 10 minutes before clocks jump to 03:00
    [first, second] = due_steps(parse_policy("on-duty@0s,deputy@20m"), sent, sent + timedelta(hours=2), None)
    assert second.due_at - first.due_at == 20 * MIN
    assert second.due_at == datetime(2026, 3, 29, 1, 10, tzinfo=UTC)
    assert second.due_at.tzinfo is UTC


def test_naive_datetimes_are_refused_by_name() -> None:
    p = parse_policy(GLOSSARY)
    naive = datetime(2026, 1, 1)  # noqa: DTZ001
    for call, where in [
        (lambda: due_steps(p, naive, T0, None), "sent_at"),
        (lambda: due_steps(p, T0, naive, None), "now"),
        (lambda: due_steps(p, T0, T0, naive), "acknowledged_at"),
        (lambda: next_due(p, T0, naive, None), "after"),
        (lambda: response_deadline(naive), "sent_at"),
        (lambda: is_overdue(naive, T0, None), "deadline"),
        (lambda: is_overdue(T0, T0, naive), "answered_at"),
    ]:
        with pytest.raises(PolicyError, match=f"^{where}: must be timezone-aware"):
            call()


# -- response clock ------------------------------------------------------------------------------------


def test_response_clock() -> None:
    sent = datetime(2026, 11, 23, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    deadline = response_deadline(sent)
    assert deadline == datetime(2026, 11, 23, 20, 0, tzinfo=UTC) and deadline.tzinfo is UTC
    assert response_deadline(sent, hours=0.5) == sent + 30 * MIN
    for bad in (0, -1, float("nan"), float("inf"), True):
        with pytest.raises(PolicyError, match="^hours:"):
            response_deadline(sent, hours=bad)
    assert not is_overdue(deadline, deadline, None)  # exactly at the deadline: still in time
    assert is_overdue(deadline, deadline + SEC, None)
    assert not is_overdue(deadline, deadline + SEC, deadline)  # answered at the deadline
    assert is_overdue(deadline, deadline + MIN, deadline + SEC)  # answered late: the clock was missed
    assert is_overdue(deadline, deadline + MIN, deadline + 2 * MIN)  # an answer "from the future" is unknown
    assert not is_overdue(deadline, deadline - MIN, None)


# -- properties ----------------------------------------------------------------------------------------


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    n = draw(st.integers(1, 5))
    delays = sorted(draw(st.lists(st.integers(0, 7200), min_size=n, max_size=n)))
    if draw(st.booleans()):
        delays = [d - d % 60 for d in delays]  # whole minutes, as people write them
    steps = tuple(Step(draw(st.sampled_from(TARGETS)), timedelta(seconds=d)) for d in delays)
    repeat = draw(st.booleans())
    gap = None
    max_rounds = None
    if repeat:
        gap_s = draw(st.none() | st.integers(0, 3600))
        if delays[-1] == 0 and not gap_s:
            gap_s = draw(st.integers(1, 3600))
        gap = None if gap_s is None else timedelta(seconds=gap_s)
        max_rounds = draw(st.none() | st.integers(1, 6))
    return Policy(steps, repeat, max_rounds, gap)


def reference(p: Policy, sent: datetime, now: datetime, ack: datetime | None) -> list[DueStep]:
    """Straight from the definition: every (round, step), filtered, sorted by (due_at, round, index)."""
    period = p.steps[-1].delay + (p.steps[-1].delay if p.gap is None else p.gap)
    rounds = 1 if not p.repeat else p.max_rounds or (now - sent) // period + 2
    out = [
        DueStep(r, i, s.target, sent + r * period + s.delay)
        for r in range(max(rounds, 0))
        for i, s in enumerate(p.steps)
    ]
    out = [d for d in out if d.due_at <= now and (ack is None or d.due_at < ack)]
    return sorted(out, key=lambda d: (d.due_at, d.round, d.index))


offsets = st.integers(-3600, 6 * 3600).map(lambda s: timedelta(seconds=s))
fine_offsets = st.integers(-3600 * 10**6, 6 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us))


@fast
@given(policies())
def test_render_then_parse_is_identity(p: Policy) -> None:
    assert parse_policy(p.text) == p
    assert parse_policy(p.text.replace(",", " ,\t").replace("@", " @ ")) == p
    assert Policy.from_json(p.to_json()) == p


@fast
@given(policies(), st.one_of(offsets, fine_offsets), st.none() | st.one_of(offsets, fine_offsets))
def test_due_steps_matches_definition(p: Policy, now_off: timedelta, ack_off: timedelta | None) -> None:
    now = T0 + now_off
    ack = None if ack_off is None else T0 + ack_off
    due = due_steps(p, T0, now, ack)
    assert due == reference(p, T0, now, ack)
    assert due == sorted(due, key=lambda d: (d.due_at, d.round, d.index))
    assert all(d.due_at <= now and (ack is None or d.due_at < ack) for d in due)
    assert len({d.key for d in due}) == len(due)
    assert all(d.round < (p.max_rounds or 10**9) and (p.repeat or d.round == 0) for d in due)


@fast
@given(policies(), st.one_of(offsets, fine_offsets), st.none() | st.one_of(offsets, fine_offsets))
def test_next_due_is_first_of_due_steps_after(p: Policy, after_off: timedelta, ack_off: timedelta | None) -> None:
    after = T0 + after_off
    ack = None if ack_off is None else T0 + ack_off
    horizon = T0 + timedelta(hours=12)  # beyond every ``after`` plus one full period (<= 4h)
    later = [d for d in due_steps(p, T0, horizon, ack) if d.due_at > after]
    assert next_due(p, T0, after, ack) == (later[0] if later else None)


@fast
@given(
    policies(),
    st.integers(600, 6 * 3600),
    st.sampled_from([UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]),
)
def test_polling_sends_each_step_once(p: Policy, step_s: int, zone: ZoneInfo | timezone) -> None:
    """A worker that polls and sends what is due, keyed by ``key``, ends with exactly the definition."""
    sent = T0.astimezone(zone)
    end = T0 + timedelta(hours=6)
    sent_keys: list[str] = []
    t = T0
    while t <= end:
        for d in due_steps(p, sent, t, None):
            if d.key not in sent_keys:
                sent_keys.append(d.key)
        t += timedelta(seconds=step_s)
    sent_keys.extend(d.key for d in due_steps(p, sent, end, None) if d.key not in sent_keys)
    assert sorted(sent_keys) == sorted(keys(reference(p, T0, end, None)))
