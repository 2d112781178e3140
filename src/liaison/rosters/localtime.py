"""Local wall-clock time to UTC, with one well-defined rule for DST edge cases.

``local_to_utc(zone, L)`` returns the *first instant at which the zone's wall clock reads L or
later*:

* an ordinary local time maps to its only instant;
* an ambiguous local time (fall-back, the repeated hour) maps to its first occurrence (fold=0);
* a nonexistent local time (spring-forward gap) maps to the instant the clock jumps over it,
  e.g. 02:30 on a New York spring-forward day -> 03:00 EDT (07:00Z).

Note that the last case is *not* what ``L.replace(tzinfo=zone, fold=0).astimezone(UTC)`` gives
(PEP 495 maps gap times with the pre-transition offset: 02:30 -> 03:30 EDT). The rule above is
monotone in L, so handoffs and daily windows never run backwards or overlap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def load_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``; raises ``KeyError``/``ValueError`` for unknown or malformed names."""
    if not isinstance(name, str) or not name:
        raise ValueError("empty zone name")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:  # a KeyError subclass
        raise KeyError(name) from exc


def to_local(zone: ZoneInfo, instant: datetime) -> datetime:
    """The naive local wall-clock reading of an aware ``instant`` in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


@lru_cache(maxsize=1 << 16)
def local_to_utc(zone: ZoneInfo, local: datetime) -> datetime:
    """First UTC instant at which ``zone``'s wall clock reads ``local`` (naive) or later; see module doc."""
    candidate = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if to_local(zone, candidate) == local:
        return candidate
    # ``local`` falls in a gap. fold=1 maps it with the post-transition offset, i.e. to an
    # instant before the transition (clock reads < local); fold=0 to one after it (clock > local).
    # zoneinfo does not expose transitions, so bisect on whole seconds (tz transitions are
    # whole seconds) for the first instant whose reading is >= local.
    before = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo = (before - _EPOCH) // _SECOND
    hi = -((_EPOCH - candidate) // _SECOND)  # ceil
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if to_local(zone, _EPOCH + mid * _SECOND) >= local:
            hi = mid
        else:
            lo = mid
    return _EPOCH + hi * _SECOND


def wall_to_utc(zone: ZoneInfo, day: date, at: time) -> datetime:
    """``local_to_utc`` for local date ``day`` at wall-clock time ``at``."""
    return local_to_utc(zone, datetime.combine(day, at))
