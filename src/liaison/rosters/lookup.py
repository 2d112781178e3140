"""Point queries: who is on duty at an instant, and when that next changes.

These do not build a timeline. They resolve the winner at the instant, then walk outwards
over the sources' next/previous change points (each found with O(1) arithmetic per rotation
and a bisect over override edges) only while the winner stays the same, so the cost is
O(rotations + overrides) per step and the steps are the real boundaries inside the segment.

The walk is bounded at ``SEARCH_HORIZON`` (35 days) either side of the instant: a segment that
extends further (e.g. a single-person rotation) is clipped there. Within that bound the
segment's boundaries equal those the same segment has in :func:`timeline` over any window
containing it, so a "who is on duty" answer and an exported calendar always agree.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, datetime, timedelta

from .model import Roster, Shift
from .resolve import GAP, Claim, override_claim, rotation_claim
from .rotation import clock, to_utc
from .validation import validate_roster

SEARCH_HORIZON = timedelta(days=35)


class _Resolver:
    def __init__(self, roster: Roster, lo: datetime, hi: datetime) -> None:
        self.rotations = [(i, r, clock(r)) for i, r in enumerate(roster.rotations)]
        # Only overrides touching [lo, hi] can matter inside the bounded walk.
        self.overrides = [
            (i, o, o.start.astimezone(UTC), o.end.astimezone(UTC))
            for i, o in enumerate(roster.overrides)
            if o.end >= lo and o.start <= hi
        ]
        self.edges = sorted({t for _, _, a, b in self.overrides for t in (a, b)})

    def claim(self, at: datetime) -> Claim:
        best: Claim | None = None
        for i, o, a, b in self.overrides:
            if a <= at < b:
                c = override_claim(i, o)
                if best is None or c.rank > best.rank:
                    best = c
        if best is not None:
            return best
        for i, r, rotation_clock in self.rotations:
            who = rotation_clock.covering(at)
            if who is not None:
                c = rotation_claim(i, r, who)
                if best is None or c.rank > best.rank:
                    best = c
        return GAP if best is None else best

    def next_edge(self, at: datetime) -> datetime | None:
        """Smallest instant > ``at`` where any source's cover may change."""
        k = bisect_right(self.edges, at)
        best = self.edges[k] if k < len(self.edges) else None
        for _, _, rotation_clock in self.rotations:
            t = rotation_clock.next_event(at)
            if t is not None and (best is None or t < best):
                best = t
        return best

    def prev_edge(self, at: datetime) -> datetime | None:
        """Largest instant < ``at`` where any source's cover may change."""
        k = bisect_left(self.edges, at)
        best = self.edges[k - 1] if k > 0 else None
        for _, _, rotation_clock in self.rotations:
            t = rotation_clock.prev_event(at)
            if t is not None and (best is None or t > best):
                best = t
        return best


def _segment(roster: Roster, at: datetime, horizon: timedelta) -> tuple[Shift, bool]:
    """The segment around ``at`` clipped to ``at +- horizon``, and whether its end is a real change."""
    validate_roster(roster)
    at = to_utc(at, "at")
    lo, hi = at - horizon, at + horizon
    resolver = _Resolver(roster, lo, hi)
    claim = resolver.claim(at)
    # Invariant for both walks: no change point lies strictly between the probe and the bound
    # found so far, so the claim at a change point holds until the next one.
    start = at
    while True:
        edge = resolver.prev_edge(start)
        if edge is None or edge <= lo:
            if resolver.claim(lo).key == claim.key:
                start = lo
            break
        if resolver.claim(edge).key != claim.key:
            break
        start = edge
    end = at
    changes = False
    while True:
        edge = resolver.next_edge(end)
        if edge is None or edge > hi:
            end = hi
            break
        end = edge
        if resolver.claim(edge).key != claim.key:
            changes = True
            break
    return claim.shift(start, end), changes


def on_duty(roster: Roster, at: datetime) -> Shift:
    """The segment covering ``at`` (possibly a gap), with its real UTC boundaries (see module doc)."""
    return _segment(roster, at, SEARCH_HORIZON)[0]


def next_change(roster: Roster, at: datetime, horizon: timedelta = SEARCH_HORIZON) -> datetime | None:
    """The first instant after ``at`` when a different participant/source takes over, or None if
    nothing changes within ``horizon``."""
    shift, changes = _segment(roster, at, horizon)
    return shift.end if changes else None
