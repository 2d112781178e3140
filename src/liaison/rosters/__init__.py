"""Duty rosters: who is on duty for a designation at any instant.

A pure library (stdlib only). A :class:`Roster` combines layered :class:`Rotation` s, whose
handoffs happen at local wall-clock time in their own IANA zone, with one-off :class:`Override` s.
:func:`timeline` resolves a window into contiguous :class:`Shift` segments (gaps included);
:func:`on_duty` answers for one instant with the same segment boundaries.

DST rule: a local time that does not exist (spring forward) means the instant the clock jumps
over it; an ambiguous one (fall back) means its first occurrence. See :mod:`.localtime`.
"""

from .localtime import local_to_utc
from .lookup import SEARCH_HORIZON, next_change, on_duty
from .model import Override, Period, Roster, RosterError, Rotation, Shift, Source
from .rotation import handoffs
from .timeline import gaps, timeline
from .validation import validate_override, validate_roster, validate_rotation

__all__ = [
    "SEARCH_HORIZON",
    "Override",
    "Period",
    "Rotation",
    "Roster",
    "RosterError",
    "Shift",
    "Source",
    "gaps",
    "handoffs",
    "local_to_utc",
    "next_change",
    "on_duty",
    "timeline",
    "validate_override",
    "validate_roster",
    "validate_rotation",
]
