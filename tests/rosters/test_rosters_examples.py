"""Example-based tests of the duty-roster library, with hand-checked UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from liaison.rosters import (
    SEARCH_HORIZON,
    Override,
    Roster,
    RosterError,
    Rotation,
    Shift,
    gaps,
    handoffs,
    local_to_utc,
    next_change,
    on_duty,
    timeline,
    validate_override,
    validate_rotation,
)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, UTC)


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive local wall-clock reading."""
    return datetime(year, month, day, hour, minute)  # noqa: DTZ001


def rot(**kwargs: object) -> Rotation:
    fields: dict[str, object] = {
        "id": "r",
        "participants": ("alice", "bob"),
        "timezone": "UTC",
        "start": date(2024, 1, 1),
        "handoff": time(8, 0),
    }
    fields.update(kwargs)
    return Rotation(**fields)  # type: ignore[arg-type]


def who(shifts: list[Shift]) -> list[tuple[datetime, datetime, str | None]]:
    return [(s.start, s.end, s.participant) for s in shifts]


# --- DST -------------------------------------------------------------------------------------


def test_weekly_paris_monday_0800_across_march_and_october_dst() -> None:
    r = rot(timezone="Europe/Paris", start=date(2024, 1, 1), participants=("a", "b"))  # a Monday
    assert handoffs(r, utc(2024, 3, 20), utc(2024, 4, 10)) == [
        utc(2024, 3, 25, 7),
        utc(2024, 4, 1, 6),
        utc(2024, 4, 8, 6),
    ]
    assert handoffs(r, utc(2024, 10, 15), utc(2024, 11, 5)) == [
        utc(2024, 10, 21, 6),
        utc(2024, 10, 28, 7),
        utc(2024, 11, 4, 7),
    ]
    spring = timeline(Roster((r,)), utc(2024, 3, 25, 7), utc(2024, 4, 1, 6))
    assert len(spring) == 1 and spring[0].end - spring[0].start == timedelta(hours=167)
    autumn = timeline(Roster((r,)), utc(2024, 10, 21, 6), utc(2024, 10, 28, 7))
    assert len(autumn) == 1 and autumn[0].end - autumn[0].start == timedelta(hours=169)
    # 2024-01-01 is shift 0 (a); 2024-03-25 is 12 weeks later (a), 2024-04-01 shift 13 (b).
    assert on_duty(Roster((r,)), utc(2024, 3, 31, 12)).participant == "a"
    assert on_duty(Roster((r,)), utc(2024, 4, 1, 6)).participant == "b"
    assert on_duty(Roster((r,)), utc(2024, 4, 1, 5, 59)).participant == "a"


def test_daily_new_york_0230_on_spring_forward_day_uses_the_jump_instant() -> None:
    r = rot(timezone="America/New_York", period="daily", handoff=time(2, 30), start=date(2024, 3, 1))
    # 03-09 02:30 EST = 07:30Z; 03-10 02:30 does not exist -> clocks jump at 07:00Z (03:00 EDT);
    # 03-11 02:30 EDT = 06:30Z.
    assert handoffs(r, utc(2024, 3, 9), utc(2024, 3, 12)) == [
        utc(2024, 3, 9, 7, 30),
        utc(2024, 3, 10, 7),
        utc(2024, 3, 11, 6, 30),
    ]
    segments = timeline(Roster((r,)), utc(2024, 3, 9, 7, 30), utc(2024, 3, 11, 6, 30))
    assert [s.end - s.start for s in segments] == [
        timedelta(hours=23, minutes=30),
        timedelta(hours=23, minutes=30),
    ]
    assert local_to_utc(ZoneInfo("America/New_York"), wall(2024, 3, 10, 2, 30)) == utc(2024, 3, 10, 7)


def test_daily_new_york_on_fall_back_day() -> None:
    # 02:30 is unambiguous on the fall-back day (01:00-02:00 repeats): 07:30Z, after a 25 h shift.
    r = rot(timezone="America/New_York", period="daily", handoff=time(2, 30), start=date(2024, 11, 1))
    assert handoffs(r, utc(2024, 11, 2), utc(2024, 11, 5)) == [
        utc(2024, 11, 2, 6, 30),
        utc(2024, 11, 3, 7, 30),
        utc(2024, 11, 4, 7, 30),
    ]
    # 01:30 is ambiguous that day: the first occurrence (EDT, 05:30Z) is the handoff.
    r = rot(timezone="America/New_York", period="daily", handoff=time(1, 30), start=date(2024, 11, 1))
    assert handoffs(r, utc(2024, 11, 2), utc(2024, 11, 5)) == [
        utc(2024, 11, 2, 5, 30),
        utc(2024, 11, 3, 5, 30),
        utc(2024, 11, 4, 6, 30),
    ]
    segments = timeline(Roster((r,)), utc(2024, 11, 2, 5, 30), utc(2024, 11, 4, 6, 30))
    assert [s.end - s.start for s in segments] == [timedelta(hours=24), timedelta(hours=25)]
    assert [s.participant for s in segments] == ["bob", "alice"]


def test_lord_howe_half_hour_dst() -> None:
    zone = ZoneInfo("Australia/Lord_Howe")
    # 2024-10-06 02:00 -> 02:30 (+10:30 -> +11): 02:15 does not exist, the jump is at 15:30Z.
    assert local_to_utc(zone, wall(2024, 10, 6, 2, 15)) == utc(2024, 10, 5, 15, 30)
    # 2024-04-07 02:00 -> 01:30: 01:45 happens twice, first at +11 = 14:45Z.
    assert local_to_utc(zone, wall(2024, 4, 7, 1, 45)) == utc(2024, 4, 6, 14, 45)
    r = rot(timezone="Australia/Lord_Howe", period="daily", handoff=time(2, 15), start=date(2024, 10, 1))
    assert handoffs(r, utc(2024, 10, 4), utc(2024, 10, 7)) == [
        utc(2024, 10, 4, 15, 45),
        utc(2024, 10, 5, 15, 30),
        utc(2024, 10, 6, 15, 15),
    ]


def test_chatham_islands() -> None:
    zone = ZoneInfo("Pacific/Chatham")
    # +12:45 -> +13:45 at 02:45 local on 2024-09-29; back at 03:45 on 2024-04-07.
    assert local_to_utc(zone, wall(2024, 9, 29, 3, 0)) == utc(2024, 9, 28, 14, 0)
    assert local_to_utc(zone, wall(2024, 4, 7, 3, 0)) == utc(2024, 4, 6, 13, 15)
    r = rot(
        timezone="Pacific/Chatham",
        period="weekly",
        handoff=time(9, 0),
        start=date(2024, 9, 1),
        participants=("x",),
    )
    assert handoffs(r, utc(2024, 9, 20), utc(2024, 10, 10)) == [
        utc(2024, 9, 21, 20, 15),
        utc(2024, 9, 28, 19, 15),
        utc(2024, 10, 5, 19, 15),
    ]


def test_midnight_dst_havana_weekday_cover_starts_at_the_jump() -> None:
    # Havana springs forward at 00:00 -> 01:00 on 2024-03-10 (a Sunday): that Sunday begins at 05:00Z.
    r = rot(timezone="America/Havana", start=date(2024, 1, 1), handoff=time(9, 0), weekdays=frozenset({6}))
    segments = timeline(Roster((r,)), utc(2024, 3, 9), utc(2024, 3, 12))
    covered = [s for s in segments if s.participant is not None]
    assert [(s.start, s.end) for s in covered] == [(utc(2024, 3, 10, 5), utc(2024, 3, 11, 4))]


# --- layers, windows, gaps, overrides -----------------------------------------------------------


def test_night_layer_over_weekly_base() -> None:
    base = rot(id="base", participants=("day1", "day2"), timezone="Europe/Paris", start=date(2024, 1, 1))
    night = rot(
        id="night",
        participants=("n1", "n2", "n3"),
        timezone="Europe/Paris",
        start=date(2024, 1, 1),
        handoff=time(18, 0),
        period="daily",
        layer=1,
        window=(time(18, 0), time(8, 0)),
    )
    roster = Roster((base, night))
    segments = timeline(roster, utc(2024, 1, 8, 7), utc(2024, 1, 10, 7))  # Mon 08:00 .. Wed 08:00 Paris
    assert who(segments) == [
        (utc(2024, 1, 8, 7), utc(2024, 1, 8, 17), "day2"),
        (utc(2024, 1, 8, 17), utc(2024, 1, 9, 7), "n2"),  # shift 7 -> n2
        (utc(2024, 1, 9, 7), utc(2024, 1, 9, 17), "day2"),
        (utc(2024, 1, 9, 17), utc(2024, 1, 10, 7), "n3"),
    ]
    assert [s.layer for s in segments] == [0, 1, 0, 1]
    assert on_duty(roster, utc(2024, 1, 9, 3)) == segments[1]


def test_window_crossing_midnight_uses_the_weekday_it_starts_on() -> None:
    # Friday-night-only cover 22:00-06:00: Fri 22:00 .. Sat 06:00, nothing on Saturday night.
    r = rot(window=(time(22, 0), time(6, 0)), weekdays=frozenset({4}), participants=("z",), period="daily")
    segments = timeline(Roster((r,)), utc(2024, 1, 5), utc(2024, 1, 8))  # Fri 5 .. Mon 8
    assert who(segments) == [
        (utc(2024, 1, 5), utc(2024, 1, 5, 22), None),
        (utc(2024, 1, 5, 22), utc(2024, 1, 6, 6), "z"),
        (utc(2024, 1, 6, 6), utc(2024, 1, 8), None),
    ]


def test_business_hours_with_gap_reported() -> None:
    r = rot(window=(time(9, 0), time(17, 0)), weekdays=frozenset(range(5)), period="daily")
    roster = Roster((r,))
    found = gaps(roster, utc(2024, 1, 5, 12), utc(2024, 1, 8, 12))  # Fri noon .. Mon noon
    assert [(g.start, g.end, g.source, g.source_id, g.layer) for g in found] == [
        (utc(2024, 1, 5, 17), utc(2024, 1, 8, 9), "gap", None, None)
    ]
    gap = on_duty(roster, utc(2024, 1, 6, 12))
    assert gap == found[0]
    assert next_change(roster, utc(2024, 1, 6, 12)) == utc(2024, 1, 8, 9)


def test_empty_roster_is_one_gap() -> None:
    segments = timeline(Roster(), utc(2024, 1, 1), utc(2024, 1, 2))
    assert segments == [Shift(utc(2024, 1, 1), utc(2024, 1, 2), None, "gap", None, None)]
    assert on_duty(Roster(), utc(2024, 1, 1)).participant is None


def test_overlapping_overrides_later_seq_wins_and_earlier_resumes() -> None:
    base = rot(participants=("base",))
    first = Override("o1", "carol", utc(2024, 2, 1, 10), utc(2024, 2, 1, 20), seq=1)
    second = Override("o2", "dave", utc(2024, 2, 1, 12), utc(2024, 2, 1, 14), seq=2)
    for overrides in ((first, second), (second, first)):  # order in the tuple does not matter
        roster = Roster((base,), overrides)
        segments = timeline(roster, utc(2024, 2, 1), utc(2024, 2, 2))
        assert [(s.start, s.end, s.participant, s.source_id) for s in segments] == [
            (utc(2024, 2, 1), utc(2024, 2, 1, 10), "base", "r"),
            (utc(2024, 2, 1, 10), utc(2024, 2, 1, 12), "carol", "o1"),
            (utc(2024, 2, 1, 12), utc(2024, 2, 1, 14), "dave", "o2"),
            (utc(2024, 2, 1, 14), utc(2024, 2, 1, 20), "carol", "o1"),
            (utc(2024, 2, 1, 20), utc(2024, 2, 2), "base", "r"),
        ]
        assert on_duty(roster, utc(2024, 2, 1, 15)) == segments[3]
        assert segments[1].source == "override" and segments[1].layer is None


def test_override_in_another_timezone_is_compared_as_an_instant() -> None:
    tokyo = timezone(timedelta(hours=9))
    begin, finish = datetime(2024, 2, 1, 21, tzinfo=tokyo), datetime(2024, 2, 1, 23, tzinfo=tokyo)
    o = Override("o", "kim", begin, finish, seq=0)
    shift = on_duty(Roster((), (o,)), utc(2024, 2, 1, 12, 30))
    assert (shift.start, shift.end, shift.participant) == (utc(2024, 2, 1, 12), utc(2024, 2, 1, 14), "kim")
    assert shift.start.tzinfo is UTC


def test_layer_tie_goes_to_the_first_rotation() -> None:
    one, two = rot(id="one", participants=("p1",)), rot(id="two", participants=("p2",))
    assert on_duty(Roster((one, two)), utc(2024, 3, 1)).source_id == "one"
    assert on_duty(Roster((two, one)), utc(2024, 3, 1)).source_id == "two"


def test_end_stops_cover_at_end_date_handoff_even_mid_shift() -> None:
    r = rot(start=date(2024, 1, 1), end=date(2024, 1, 10))  # weekly; 2024-01-10 is a Wednesday
    segments = timeline(Roster((r,)), utc(2024, 1, 1), utc(2024, 1, 12))
    assert who(segments) == [
        (utc(2024, 1, 1), utc(2024, 1, 1, 8), None),
        (utc(2024, 1, 1, 8), utc(2024, 1, 8, 8), "alice"),
        (utc(2024, 1, 8, 8), utc(2024, 1, 10, 8), "bob"),
        (utc(2024, 1, 10, 8), utc(2024, 1, 12), None),
    ]
    assert handoffs(r, utc(2024, 1, 1), utc(2024, 2, 1)) == [utc(2024, 1, 1, 8), utc(2024, 1, 8, 8)]
    roster = Roster((r,))
    assert on_duty(roster, utc(2024, 1, 9)) == segments[2]
    assert next_change(roster, utc(2024, 1, 9)) == utc(2024, 1, 10, 8)
    assert on_duty(roster, utc(2024, 1, 11)).start == utc(2024, 1, 10, 8)


def test_every_two_days() -> None:
    r = rot(period="daily", every=2, participants=("a", "b", "c"))
    assert handoffs(r, utc(2024, 1, 1), utc(2024, 1, 8)) == [utc(2024, 1, d, 8) for d in (1, 3, 5, 7)]
    assert on_duty(Roster((r,)), utc(2024, 1, 6)).participant == "c"


# --- on_duty: speed, horizon, agreement --------------------------------------------------------


def test_on_duty_does_not_walk_from_the_start_of_a_rotation_that_started_years_ago(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer is found by arithmetic, not by walking 14,409 shifts: the work (wall-clock conversions) is
    counted, not timed, so the check holds on a loaded machine; the speed itself is bench/on_duty.py's."""
    from liaison.rosters import rotation

    conversions = 0
    real = rotation.wall_to_utc

    def counted(*args: object) -> datetime:
        nonlocal conversions
        conversions += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(rotation, "wall_to_utc", counted)
    people = tuple("abcdefg")

    def work(start: date) -> tuple[int, Shift]:
        nonlocal conversions
        conversions = 0
        r = rot(timezone="America/New_York", period="daily", start=start, participants=people)
        shift = on_duty(Roster((r,)), utc(2029, 6, 15, 3))
        return conversions, shift

    old, shift = work(date(1990, 1, 1))
    # 1990-01-01 .. 2029-06-14 is 14409 days; 14409 mod 7 = 3 -> "d"; 08:00 EDT = 12:00Z.
    assert (shift.start, shift.end, shift.participant) == (utc(2029, 6, 14, 12), utc(2029, 6, 15, 12), "d")
    recent, shift = work(date(2029, 6, 1))  # 14 days before: the same question for a rotation two weeks old
    assert shift.start == utc(2029, 6, 14, 12)
    assert 0 < old <= recent + 2 and old < 100, (old, recent)


def test_single_participant_segment_is_clipped_at_the_search_horizon() -> None:
    roster = Roster((rot(participants=("solo",)),))
    at = utc(2025, 6, 1, 12)
    shift = on_duty(roster, at)
    assert (shift.start, shift.end) == (at - SEARCH_HORIZON, at + SEARCH_HORIZON)
    assert next_change(roster, at) is None
    assert shift == next(s for s in timeline(roster, at - SEARCH_HORIZON, at + SEARCH_HORIZON))


def test_on_duty_at_a_boundary_belongs_to_the_next_segment() -> None:
    roster = Roster((rot(),))
    assert on_duty(roster, utc(2024, 1, 8, 8)).participant == "bob"
    assert on_duty(roster, utc(2024, 1, 8, 7, 59, 59, 999999)).participant == "alice"
    assert next_change(roster, utc(2024, 1, 8, 8)) == utc(2024, 1, 15, 8)


def test_before_the_first_handoff_is_a_gap() -> None:
    roster = Roster((rot(start=date(2024, 1, 1)),))
    shift = on_duty(roster, utc(2023, 12, 31))
    assert shift.participant is None and shift.end == utc(2024, 1, 1, 8)


def test_timeline_empty_window_and_errors() -> None:
    assert timeline(Roster(), utc(2024, 1, 1), utc(2024, 1, 1)) == []
    with pytest.raises(RosterError, match="end"):
        timeline(Roster(), utc(2024, 1, 2), utc(2024, 1, 1))
    with pytest.raises(RosterError, match="start"):
        timeline(Roster(), datetime(2024, 1, 1), utc(2024, 1, 2))  # noqa: DTZ001
    with pytest.raises(RosterError, match="at"):
        on_duty(Roster(), datetime(2024, 1, 1))  # noqa: DTZ001


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"participants": ()}, "participants"),
        ({"participants": ("a", "")}, "participants"),
        ({"every": 0}, "every"),
        ({"period": "monthly"}, "period"),
        ({"window": (time(8), time(8))}, "window"),
        ({"weekdays": frozenset({7})}, "weekdays"),
        ({"weekdays": frozenset({-1, 2})}, "weekdays"),
        ({"weekdays": frozenset()}, "weekdays"),
        ({"end": date(2024, 1, 1)}, "end"),
        ({"handoff": time(8, tzinfo=UTC)}, "handoff"),
        ({"start": datetime(2024, 1, 1)}, "start"),  # noqa: DTZ001
        ({"id": ""}, "id"),
    ],
)
def test_validate_rotation_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(RosterError, match=field):
        validate_rotation(rot(**changes))
    with pytest.raises(ValueError, match=field):  # RosterError is a ValueError
        timeline(Roster((rot(**changes),)), utc(2024, 1, 1), utc(2024, 1, 2))


def test_validate_accepts_good_values() -> None:
    validate_rotation(rot(window=(time(18), time(8)), weekdays=frozenset({0, 6}), end=date(2024, 1, 2)))
    validate_override(Override("o", "p", utc(2024, 1, 1), utc(2024, 1, 2), seq=3))


@pytest.mark.parametrize(
    ("override", "field"),
    [
        (Override("o", "p", utc(2024, 1, 2), utc(2024, 1, 1), seq=0), "end"),
        (Override("o", "p", utc(2024, 1, 1), utc(2024, 1, 1), seq=0), "end"),
        (Override("o", "p", datetime(2024, 1, 1), utc(2024, 1, 2), seq=0), "start"),  # noqa: DTZ001
        (Override("o", "p", utc(2024, 1, 1), datetime(2024, 1, 2), seq=0), "end"),  # noqa: DTZ001
        (Override("o", "", utc(2024, 1, 1), utc(2024, 1, 2), seq=0), "participant"),
    ],
)
def test_validate_override_names_the_field(override: Override, field: str) -> None:
    with pytest.raises(RosterError, match=field):
        validate_override(override)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(RosterError, match="duplicate"):
        timeline(Roster((rot(), rot())), utc(2024, 1, 1), utc(2024, 1, 2))
