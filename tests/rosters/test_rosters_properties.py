"""Property-based tests: the roster library against a slow reference built from the definitions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.rosters import (
    SEARCH_HORIZON,
    Override,
    Period,
    Roster,
    Rotation,
    Shift,
    handoffs,
    next_change,
    on_duty,
    timeline,
)

ZONES = (
    "UTC",
    "Europe/Paris",
    "Europe/Dublin",  # negative DST in tzdata
    "America/New_York",
    "America/St_Johns",  # -03:30
    "America/Havana",  # DST at midnight
    "America/Santiago",  # DST at midnight, southern hemisphere
    "Australia/Lord_Howe",  # 30-minute DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Apia",
    "Asia/Kathmandu",  # +05:45
    "Asia/Tehran",  # DST at midnight until 2022
    "Africa/Casablanca",  # Ramadan back-and-forth
)
PEOPLE = ("a", "b", "c", "d")
PERIODS: list[Period] = ["daily", "daily", "weekly"]
PERIOD_STEPS: list[tuple[Period, int]] = [("daily", 1), ("daily", 2), ("weekly", 7)]
MINUTE = timedelta(minutes=1)
TINY = timedelta(microseconds=1)

fast = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

BASE_TIMES = [time(0, 0), time(0, 30), time(1, 30), time(2, 0), time(2, 30), time(3, 0), time(23, 59)]


@cache
def transitions(zone_name: str) -> tuple[tuple[datetime, datetime, datetime], ...]:
    """(instant, wall clock just before, wall clock at) of every offset change in 2020-2030."""
    zone = ZoneInfo(zone_name)
    out = []
    t = datetime(2020, 1, 1, tzinfo=UTC)
    while t.year < 2031:
        nxt = t + timedelta(days=1)
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = t, nxt
            while hi - lo > MINUTE:
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            before = (hi - MINUTE).astimezone(zone).replace(tzinfo=None) + MINUTE
            out.append((hi, before, hi.astimezone(zone).replace(tzinfo=None)))
        t = nxt
    return tuple(out)


@st.composite
def focuses(draw: st.DrawFn) -> tuple[str, date, list[time]]:
    """A zone, an anchor date, and wall-clock times worth trying there (mostly around a DST change)."""
    zone = draw(st.sampled_from(ZONES))
    changes = transitions(zone)
    if not changes or draw(st.integers(0, 4)) == 0:
        return zone, draw(st.dates(date(2020, 1, 1), date(2030, 12, 31))), BASE_TIMES
    _, before, after = draw(st.sampled_from(changes))
    low, high = min(before, after), max(before, after)
    near = (low, high, low + (high - low) / 2, low - MINUTE, high - MINUTE)
    special = [t.time().replace(fold=0) for t in near]
    return zone, before.date(), special + BASE_TIMES


def times(focus: tuple[str, date, list[time]]) -> st.SearchStrategy[time]:
    return st.one_of(
        st.sampled_from(focus[2]),
        st.sampled_from(focus[2]),
        st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
    )


@st.composite
def rotations(draw: st.DrawFn, focus: tuple[str, date, list[time]], index: int) -> Rotation:
    # Offsets that are multiples of common steps put a handoff right on the focus date.
    back = draw(st.integers(0, 120) | st.sampled_from([0, 1, 2, 3, 6, 7, 14, 21, 42]))
    start = focus[1] - timedelta(days=back)
    window = draw(st.none() | st.tuples(times(focus), times(focus)).filter(lambda w: w[0] != w[1]))
    return Rotation(
        id=f"r{index}",
        participants=tuple(draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5))),
        timezone=draw(st.one_of(st.just(focus[0]), st.just(focus[0]), st.sampled_from(ZONES))),
        start=start,
        handoff=draw(times(focus)),
        period=draw(st.sampled_from(PERIODS)),
        every=draw(st.integers(1, 3)),
        layer=draw(st.integers(0, 2)),
        end=draw(
            st.none()
            | st.integers(1, 200).map(lambda n: start + timedelta(days=n))
            | st.integers(1, 10).map(lambda n: focus[1] + timedelta(days=n))
        ),
        window=window,
        weekdays=draw(st.none() | st.frozensets(st.integers(0, 6), min_size=1)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Roster, datetime, datetime]:
    """A roster and a query window [start, end) of up to 12 days near its rotations."""
    focus = draw(focuses())
    count = draw(st.integers(0, 3))
    rots = tuple(draw(rotations(focus, i)) for i in range(count))
    start = datetime.combine(focus[1], time(), tzinfo=UTC) + draw(st.integers(-4 * 1440, 1440)) * MINUTE
    end = start + draw(st.integers(1, 12 * 1440) | st.integers(3 * 1440, 12 * 1440)) * MINUTE
    overrides = []
    for i in range(draw(st.integers(0, 4))):
        o_start = start + draw(st.integers(-1440, 12 * 1440)) * MINUTE
        tz = timezone(timedelta(minutes=draw(st.integers(-12 * 4, 14 * 4)) * 15))
        overrides.append(
            Override(
                id=f"o{i}",
                participant=draw(st.sampled_from(PEOPLE)),
                start=o_start.astimezone(tz),
                end=(o_start + draw(st.integers(1, 4 * 1440)) * MINUTE).astimezone(tz),
                seq=draw(st.integers(0, 4)),
            )
        )
    return Roster(rots, tuple(overrides)), start, end


@st.composite
def dst_scenarios(draw: st.DrawFn) -> tuple[Roster, datetime, datetime]:
    """One or two rotations whose handoffs or window edges fall right on a clock change."""
    zone = draw(st.sampled_from([z for z in ZONES if transitions(z)]))
    _, before, after = draw(st.sampled_from(transitions(zone)))
    low, high = min(before, after), max(before, after)
    special = st.sampled_from(
        [t.time().replace(fold=0) for t in (low, high, low + (high - low) / 2, low - MINUTE, high - MINUTE)]
    )
    day = before.date()
    rots = []
    for i in range(draw(st.integers(1, 2))):
        period, step = draw(st.sampled_from(PERIOD_STEPS))
        window = draw(st.none() | st.tuples(special | times((zone, day, BASE_TIMES)), special))
        rots.append(
            Rotation(
                id=f"r{i}",
                participants=("a", "b", "c")[: draw(st.integers(2, 3))],
                timezone=zone,
                start=day - timedelta(days=step * draw(st.integers(0, 20)) + draw(st.sampled_from([0, 1]))),
                handoff=draw(special),
                period=period,
                every=step if period == "daily" else 1,
                layer=i,
                window=window if window is None or window[0] != window[1] else None,
                weekdays=draw(st.none() | st.frozensets(st.integers(0, 6), min_size=1)),
            )
        )
    midnight = datetime.combine(day, time(), tzinfo=UTC)
    return Roster(tuple(rots)), midnight - timedelta(days=2), midnight + timedelta(days=3)


# --- reference implementation, straight from the definitions ----------------------------------


def ref_local_to_utc(zone: ZoneInfo, local: datetime) -> datetime:
    """First instant the wall clock reads >= local: the earliest exact match, else a minute scan."""
    candidates = sorted({local.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)})
    exact = [u for u in candidates if u.astimezone(zone).replace(tzinfo=None) == local]
    if exact:
        return exact[0]
    t = candidates[0].replace(second=0, microsecond=0)
    while t.astimezone(zone).replace(tzinfo=None) < local:
        t += MINUTE
    return t


class RefRotation:
    def __init__(self, r: Rotation) -> None:
        self.r = r
        self.zone = ZoneInfo(r.timezone)
        self.step = r.every * (1 if r.period == "daily" else 7)

    def wall(self, day: date, at: time) -> datetime:
        return ref_local_to_utc(self.zone, datetime.combine(day, at))

    def handoff(self, k: int) -> datetime:
        return self.wall(self.r.start + timedelta(days=k * self.step), self.r.handoff)

    def stop(self) -> datetime | None:
        return None if self.r.end is None else self.wall(self.r.end, self.r.handoff)

    def index(self, t: datetime) -> int:
        """Largest k >= 0 with handoff(k) <= t, by bisection (t must be >= handoff(0))."""
        lo, hi = 0, 1
        while self.handoff(hi) <= t:
            lo, hi = hi, hi * 2
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if self.handoff(mid) <= t else (lo, mid)
        return lo

    def day_interval(self, day: date) -> tuple[datetime, datetime] | None:
        r = self.r
        if r.weekdays is not None and day.weekday() not in r.weekdays:
            return None
        if r.window is None:
            return self.wall(day, time()), self.wall(day + timedelta(days=1), time())
        a, b = r.window
        return self.wall(day, a), self.wall(day + timedelta(days=1) if a > b else day, b)

    def days_around(self, lo: datetime, hi: datetime) -> list[date]:
        first = lo.astimezone(self.zone).date() - timedelta(days=2)
        last = hi.astimezone(self.zone).date() + timedelta(days=2)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def covering(self, t: datetime) -> str | None:
        stop = self.stop()
        if t < self.handoff(0) or (stop is not None and t >= stop):
            return None
        if self.r.window is not None or self.r.weekdays is not None:
            intervals = [self.day_interval(d) for d in self.days_around(t, t)]
            if not any(iv is not None and iv[0] <= t < iv[1] for iv in intervals):
                return None
        return self.r.participants[self.index(t) % len(self.r.participants)]

    def edges(self, lo: datetime, hi: datetime) -> set[datetime]:
        out = {self.handoff(0)}
        stop = self.stop()
        if stop is not None:
            out.add(stop)
        if hi > self.handoff(0):
            k = self.index(max(lo, self.handoff(0)))
            while self.handoff(k) < hi:
                out.add(self.handoff(k))
                k += 1
        for d in self.days_around(lo, hi):
            out.update(self.day_interval(d) or ())
        return {t for t in out if lo < t < hi}


def ref_resolve(roster: Roster, t: datetime) -> tuple[str | None, str, str | None]:
    covering = [(o.seq, i, o) for i, o in enumerate(roster.overrides) if o.start <= t < o.end]
    if covering:
        o = max(covering, key=lambda c: (c[0], c[1]))[2]
        return o.participant, "override", o.id
    best: tuple[tuple[int, int], Rotation, str] | None = None
    for i, r in enumerate(roster.rotations):
        who = RefRotation(r).covering(t)
        if who is not None and (best is None or (r.layer, -i) > best[0]):
            best = ((r.layer, -i), r, who)
    return (None, "gap", None) if best is None else (best[2], "rotation", best[1].id)


RefSegment = tuple[datetime, datetime, tuple[object, ...]]


def ref_timeline(roster: Roster, lo: datetime, hi: datetime) -> list[RefSegment]:
    points = {lo, hi}
    for r in roster.rotations:
        points |= RefRotation(r).edges(lo, hi)
    for o in roster.overrides:
        points |= {t for t in (o.start, o.end) if lo < t < hi}
    ordered = sorted(points)
    out: list[RefSegment] = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        key = ref_resolve(roster, a)
        if out and out[-1][2] == key:
            out[-1] = (out[-1][0], b, key)
        else:
            out.append((a, b, key))
    return out


def key(s: Shift) -> tuple[object, ...]:
    return (s.participant, s.source, s.source_id)


def containing(shifts: list[Shift], t: datetime) -> Shift:
    return next(s for s in shifts if s.start <= t < s.end)


def merge(left: list[Shift], right: list[Shift]) -> list[Shift]:
    if left and right and key(left[-1]) == key(right[0]) and left[-1].end == right[0].start:
        return [*left[:-1], replace(left[-1], end=right[0].end), *right[1:]]
    return left + right


# --- properties ---------------------------------------------------------------------------------


@fast
@given(scenarios())
def test_timeline_is_contiguous_merged_and_matches_the_reference(
    case: tuple[Roster, datetime, datetime],
) -> None:
    roster, start, end = case
    shifts = timeline(roster, start, end)
    assert shifts[0].start == start and shifts[-1].end == end
    for s in shifts:
        assert s.start < s.end
        assert s.start.utcoffset() == timedelta(0) and s.end.utcoffset() == timedelta(0)
        assert (s.participant is None) == (s.source == "gap")
        if s.source == "rotation":
            layer = next(r.layer for r in roster.rotations if r.id == s.source_id)
            assert s.layer == layer
        else:
            assert s.layer is None
    for prev, nxt in zip(shifts, shifts[1:], strict=False):
        assert prev.end == nxt.start
        assert key(prev) != key(nxt)
    assert [(s.start, s.end, key(s)) for s in shifts] == ref_timeline(roster, start, end)


@fast
@given(dst_scenarios())
def test_timeline_matches_the_reference_at_clock_changes(case: tuple[Roster, datetime, datetime]) -> None:
    roster, start, end = case
    shifts = timeline(roster, start, end)
    assert [(s.start, s.end, key(s)) for s in shifts] == ref_timeline(roster, start, end)
    for s in shifts:
        assert on_duty(roster, s.start).start == s.start or s is shifts[0]
        assert on_duty(roster, s.end - TINY).end == s.end or s is shifts[-1]


@fast
@given(scenarios(), st.floats(0, 1))
def test_on_duty_equals_the_timeline_segment(case: tuple[Roster, datetime, datetime], where: float) -> None:
    roster, start, end = case
    at = start + (end - start) * where
    at = min(at, end - TINY)
    shift = on_duty(roster, at)
    assert shift == containing(timeline(roster, at - SEARCH_HORIZON, at + SEARCH_HORIZON), at)
    # Over the query window, the same segment clipped to it.
    window_shift = containing(timeline(roster, start, end), at)
    assert key(window_shift) == key(shift)
    assert window_shift.start == max(shift.start, start) or shift.start == at - SEARCH_HORIZON
    assert window_shift.end == min(shift.end, end) or shift.end == at + SEARCH_HORIZON
    change = next_change(roster, at)
    if change is not None:
        assert change == shift.end and key(on_duty(roster, change)) != key(shift)
    else:
        assert shift.end == at + SEARCH_HORIZON


@fast
@given(scenarios(), st.floats(0, 1))
def test_on_duty_at_segment_boundaries(case: tuple[Roster, datetime, datetime], which: float) -> None:
    roster, start, end = case
    shifts = timeline(roster, start, end)
    s = shifts[min(int(which * len(shifts)), len(shifts) - 1)]
    for t in (s.start, s.end - TINY):
        found = on_duty(roster, t)
        assert key(found) == key(s)
        assert found.start == s.start or (s.start == start and found.start < start)
        assert found.end == s.end or (s.end == end and found.end > end)


@fast
@given(scenarios(), st.data())
def test_timeline_splits_and_rejoins(case: tuple[Roster, datetime, datetime], data: st.DataObject) -> None:
    roster, start, end = case
    middle = start + data.draw(st.integers(0, (end - start) // MINUTE)) * MINUTE
    joined = merge(timeline(roster, start, middle), timeline(roster, middle, end))
    assert joined == timeline(roster, start, end)


@fast
@given(scenarios())
def test_highest_seq_override_always_wins(case: tuple[Roster, datetime, datetime]) -> None:
    roster, start, end = case
    shifts = timeline(roster, start, end)
    for i, o in enumerate(roster.overrides):
        others = enumerate(roster.overrides)
        beaten = any((p.seq, j) > (o.seq, i) and p.start < o.end and o.start < p.end for j, p in others)
        if beaten:
            continue
        for s in shifts:
            if s.start < o.end and o.start < s.end:
                assert (s.participant, s.source, s.source_id) == (o.participant, "override", o.id)


@fast
@given(focuses(), st.data())
def test_handoffs_keep_local_wall_clock(focus: tuple[str, date, list[time]], data: st.DataObject) -> None:
    anchor = focus[1]
    r = data.draw(rotations(focus, 0))
    zone = ZoneInfo(r.timezone)
    step = r.every * (1 if r.period == "daily" else 7)
    horizon = datetime.combine(anchor, time(), tzinfo=UTC) + timedelta(days=40)
    instants = handoffs(r, datetime.combine(r.start, time(), tzinfo=UTC) - timedelta(days=2), horizon)
    assert instants == sorted(set(instants))
    stop = RefRotation(r).stop()
    for k, instant in enumerate(instants):
        wanted = datetime.combine(r.start + timedelta(days=k * step), r.handoff)
        local = instant.astimezone(zone).replace(tzinfo=None)
        if local != wanted:  # only allowed where `wanted` does not exist: the instant the clock jumps over it
            assert ref_local_to_utc(zone, wanted).astimezone(zone).replace(tzinfo=None) != wanted
            assert (instant - TINY).astimezone(zone).replace(tzinfo=None) < wanted < local
        else:  # and the first occurrence if it is ambiguous
            assert instant.astimezone(zone).fold == 0  # zoneinfo marks a repeated wall time's 2nd occurrence
        if stop is not None:
            assert instant < stop
    if stop is not None and instants:
        following = RefRotation(r).handoff(len(instants))
        assert following >= stop or following >= horizon
