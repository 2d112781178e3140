"""The roster over a window: a sweep over every source's cover, merged into segments."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

from .model import Roster, RosterError, Shift
from .resolve import GAP, Claim, override_claim, rotation_claim
from .rotation import clock, to_utc
from .validation import validate_roster


def utc_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    lo, hi = to_utc(start, "start"), to_utc(end, "end")
    if hi < lo:
        raise RosterError("end: must not be before start")
    return lo, hi


def timeline(roster: Roster, start: datetime, end: datetime) -> list[Shift]:
    """Contiguous, non-overlapping UTC segments exactly covering ``[start, end)``.

    Gaps are included (participant None). The first and last segments are clipped to the window;
    neighbours with the same participant, source and source_id are merged, so a segment's inner
    boundaries do not depend on the window (``timeline(a, c)`` == ``timeline(a, b) + timeline(b, c)``
    merged at ``b``). Cost is linear in the number of shifts and overrides inside the window.
    """
    validate_roster(roster)
    lo, hi = utc_window(start, end)
    if lo == hi:
        return []
    # Each source (one rotation or one override) contributes disjoint intervals, so at most one
    # claim per source is active at a time: keep them in a dict keyed by source.
    starts: dict[datetime, list[tuple[int, Claim]]] = {}
    ends: dict[datetime, list[int]] = {}

    def add(key: int, a: datetime, b: datetime, claim: Claim) -> None:
        starts.setdefault(a, []).append((key, claim))
        ends.setdefault(b, []).append(key)

    for index, rotation in enumerate(roster.rotations):
        for a, b, who in clock(rotation).segments(lo, hi):
            add(index, a, b, rotation_claim(index, rotation, who))
    base = len(roster.rotations)
    for index, override in enumerate(roster.overrides):
        a, b = max(override.start.astimezone(UTC), lo), min(override.end.astimezone(UTC), hi)
        if a < b:
            add(base + index, a, b, override_claim(index, override))

    points = sorted({lo, hi, *starts, *ends})
    active: dict[int, Claim] = {}
    out: list[Shift] = []
    for a, b in pairwise(points):
        for key in ends.get(a, ()):
            active.pop(key, None)
        for key, claim in starts.get(a, ()):
            active[key] = claim
        winner = max(active.values(), key=lambda c: c.rank) if active else GAP
        if out and (out[-1].participant, out[-1].source, out[-1].source_id) == winner.key:
            out[-1] = winner.shift(out[-1].start, b)
        else:
            out.append(winner.shift(a, b))
    return out


def gaps(roster: Roster, start: datetime, end: datetime) -> list[Shift]:
    """The gap segments (nobody on duty) of ``timeline(roster, start, end)``."""
    return [shift for shift in timeline(roster, start, end) if shift.participant is None]
