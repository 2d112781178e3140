"""Arithmetic on a single rotation: handoff instants, shift lookup, daily windows.

All lookups are O(1): the shift containing an instant is found from the local-date offset
to ``start`` and then corrected by comparing with at most a couple of handoff instants, so a
rotation that started years ago costs the same as one that starts today.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .localtime import load_zone, to_local, wall_to_utc
from .model import RosterError, Rotation
from .validation import is_aware, validate_rotation

Segment = tuple[datetime, datetime, str]
"""``(start, end, participant)`` with UTC instants, half-open."""

_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)
# A weekday set recurs within 7 days; 1 more day each side covers windows crossing midnight
# and clocks that jump across midnight.
_EDGE_SCAN_DAYS = 9


@dataclass(frozen=True, slots=True, eq=False)
class Clock:
    """A validated rotation with its zone and fixed instants precomputed."""

    rotation: Rotation
    zone: ZoneInfo
    step: int  # days between handoffs
    first: datetime  # handoff 0, where coverage begins
    stop: datetime | None  # end@handoff, where coverage ends (None: never)

    @property
    def restricted(self) -> bool:
        """Whether coverage is limited to a daily window and/or to some weekdays."""
        return self.rotation.window is not None or self.rotation.weekdays is not None

    def handoff(self, k: int) -> datetime:
        """UTC instant of handoff ``k`` (``k`` may be negative: the arithmetic continues backwards)."""
        r = self.rotation
        return wall_to_utc(self.zone, r.start + timedelta(days=k * self.step), r.handoff)

    def shift_index(self, at: datetime) -> int:
        """The ``k`` with ``handoff(k) <= at < handoff(k + 1)``; negative before the rotation starts."""
        days = (to_local(self.zone, at).date() - self.rotation.start).days
        k = days // self.step
        while self.handoff(k) > at:
            k -= 1
        while self.handoff(k + 1) <= at:
            k += 1
        return k

    def participant(self, k: int) -> str:
        participants = self.rotation.participants
        return participants[k % len(participants)]

    def local_date(self, at: datetime) -> date:
        return to_local(self.zone, at).date()

    def day_interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The coverage interval that *starts* on local date ``day``, or None if ``day`` is excluded.

        With a window ``(a, b)`` it is ``[day@a, day@b)``, or ``[day@a, (day+1)@b)`` when the window
        crosses midnight (``a > b``). Without a window (weekdays only) it is the local calendar day.
        Intervals of successive days never overlap; empty ones (inside a DST gap) are None.
        """
        r = self.rotation
        if r.weekdays is not None and day.weekday() not in r.weekdays:
            return None
        if r.window is None:
            lo, hi = wall_to_utc(self.zone, day, _MIDNIGHT), wall_to_utc(self.zone, day + _DAY, _MIDNIGHT)
        else:
            a, b = r.window
            lo = wall_to_utc(self.zone, day, a)
            hi = wall_to_utc(self.zone, day + _DAY if a > b else day, b)
        return (lo, hi) if lo < hi else None

    def in_window(self, at: datetime) -> bool:
        if not self.restricted:
            return True
        d = self.local_date(at)
        for offset in (-1, 0, 1):
            interval = self.day_interval(d + timedelta(days=offset))
            if interval is not None and interval[0] <= at < interval[1]:
                return True
        return False

    def covering(self, at: datetime) -> str | None:
        """Who this rotation puts on duty at ``at`` (UTC), or None where it does not cover."""
        if at < self.first or (self.stop is not None and at >= self.stop):
            return None
        if not self.in_window(at):
            return None
        return self.participant(self.shift_index(at))

    def _window_edges(self, first_day: date, days: int) -> Iterator[datetime]:
        for offset in range(days):
            interval = self.day_interval(first_day + timedelta(days=offset))
            if interval is not None:
                yield from interval

    def next_event(self, at: datetime) -> datetime | None:
        """Smallest instant > ``at`` where this rotation's cover may change; None once it has ended."""
        if self.stop is not None and at >= self.stop:
            return None
        if at < self.first:
            return self.first
        best = self.handoff(self.shift_index(at) + 1)
        if self.stop is not None and self.stop < best:
            best = self.stop
        if self.restricted:
            start_day = self.local_date(at) - _DAY
            for edge in self._window_edges(start_day, _EDGE_SCAN_DAYS + 1):
                if at < edge < best:
                    best = edge
        return best

    def prev_event(self, at: datetime) -> datetime | None:
        """Largest instant < ``at`` where this rotation's cover may change; None up to its first handoff."""
        if at <= self.first:
            return None
        if self.stop is not None and at > self.stop:
            return self.stop
        k = self.shift_index(at)
        best = self.handoff(k)
        if best == at:
            best = self.handoff(k - 1)  # k >= 1 because at > first
        if self.restricted:
            start_day = self.local_date(at) - timedelta(days=_EDGE_SCAN_DAYS - 1)
            for edge in self._window_edges(start_day, _EDGE_SCAN_DAYS + 1):
                if best < edge < at:
                    best = edge
        return best

    def segments(self, start: datetime, end: datetime) -> list[Segment]:
        """This rotation's cover inside ``[start, end)`` (UTC) as sorted, disjoint segments.

        Consecutive shifts are reported separately even for the same participant; merging is the
        timeline's job.
        """
        lo = max(start, self.first)
        hi = end if self.stop is None else min(end, self.stop)
        if lo >= hi:
            return []
        shifts: list[Segment] = []
        k = self.shift_index(lo)
        begin = self.handoff(k)
        while begin < hi:
            finish = self.handoff(k + 1)
            a, b = max(begin, lo), min(finish, hi)
            if a < b:
                shifts.append((a, b, self.participant(k)))
            k += 1
            begin = finish
        if not self.restricted:
            return shifts
        windows: list[tuple[datetime, datetime]] = []
        first_day = self.local_date(lo) - _DAY
        days = (self.local_date(hi) - first_day).days + 2
        for offset in range(days):
            interval = self.day_interval(first_day + timedelta(days=offset))
            if interval is None:
                continue
            a, b = max(interval[0], lo), min(interval[1], hi)
            if a < b:
                windows.append((a, b))
        return _intersect(shifts, windows)


def _intersect(shifts: list[Segment], windows: list[tuple[datetime, datetime]]) -> list[Segment]:
    """Intersect two sorted lists of disjoint intervals (two-pointer sweep)."""
    out: list[Segment] = []
    i = j = 0
    while i < len(shifts) and j < len(windows):
        s_lo, s_hi, who = shifts[i]
        w_lo, w_hi = windows[j]
        lo, hi = max(s_lo, w_lo), min(s_hi, w_hi)
        if lo < hi:
            out.append((lo, hi, who))
        if s_hi <= w_hi:
            i += 1
        else:
            j += 1
    return out


@lru_cache(maxsize=1024)
def clock(rotation: Rotation) -> Clock:
    """Validate ``rotation`` and precompute its :class:`Clock` (cached: rotations are immutable)."""
    validate_rotation(rotation)
    zone = load_zone(rotation.timezone)
    step = rotation.every * (1 if rotation.period == "daily" else 7)
    first = wall_to_utc(zone, rotation.start, rotation.handoff)
    stop = None if rotation.end is None else wall_to_utc(zone, rotation.end, rotation.handoff)
    return Clock(rotation=rotation, zone=zone, step=step, first=first, stop=stop)


def to_utc(value: datetime, field: str) -> datetime:
    """``value`` as an aware UTC datetime; raises RosterError naming ``field`` if it is naive."""
    if not is_aware(value):
        raise RosterError(f"{field}: must be a timezone-aware datetime")
    return value.astimezone(UTC)


def handoffs(rotation: Rotation, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants of the rotation's handoffs in ``[start, end)``, from its first handoff up to
    (excluding) its end. Windows and weekdays do not move handoffs, so they are ignored here."""
    c = clock(rotation)
    lo = max(to_utc(start, "start"), c.first)
    hi = to_utc(end, "end")
    out: list[datetime] = []
    k = c.shift_index(lo)
    instant = c.handoff(k)
    if instant < lo:
        k += 1
        instant = c.handoff(k)
    while instant < hi and (c.stop is None or instant < c.stop):
        out.append(instant)
        k += 1
        instant = c.handoff(k)
    return out
