"""Validation of rotations, overrides and rosters; every error names the offending field.

The reasons a person can meet through the API or a form (an end before the start, an empty window or weekday
list) are in the reader's language; the rest guard this library's own callers and stay English."""

from __future__ import annotations

from datetime import date, datetime, time

from liaison.i18n import _

from .localtime import load_zone
from .model import Override, Roster, RosterError, Rotation

_PERIODS = ("daily", "weekly")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_plain_date(value: object) -> bool:
    # datetime is a date subclass; a datetime here would silently drop its time part.
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_naive_time(value: object) -> bool:
    return isinstance(value, time) and value.tzinfo is None


def is_aware(value: object) -> bool:
    """True for a datetime that denotes a definite instant."""
    return isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None


def validate_rotation(rotation: Rotation) -> None:
    """Raise :class:`RosterError` if ``rotation`` is unusable."""
    r = rotation
    if not isinstance(r.id, str) or not r.id:
        raise RosterError("rotation id: must be a non-empty string")
    where = f"rotation {r.id!r}"
    if not isinstance(r.participants, tuple) or not r.participants:
        raise RosterError(f"{where} participants: must be a non-empty tuple")
    if not all(isinstance(p, str) and p for p in r.participants):
        raise RosterError(f"{where} participants: every participant must be a non-empty string")
    try:
        load_zone(r.timezone)
    except (KeyError, ValueError, TypeError, OSError) as exc:
        raise RosterError(f"{where} timezone: unknown time zone {r.timezone!r}") from exc
    if not _is_plain_date(r.start):
        raise RosterError(f"{where} start: must be a date")
    if not _is_naive_time(r.handoff):
        raise RosterError(f"{where} handoff: must be a naive time (local to the rotation's timezone)")
    if r.period not in _PERIODS:
        raise RosterError(f"{where} period: must be one of {', '.join(_PERIODS)}")
    if not _is_int(r.every) or r.every < 1:
        raise RosterError(f"{where} every: must be an integer >= 1")
    if not _is_int(r.layer):
        raise RosterError(f"{where} layer: must be an integer")
    if r.end is not None:
        if not _is_plain_date(r.end):
            raise RosterError(f"{where} end: must be a date or None")
        if r.end <= r.start:
            raise RosterError("{} end: {}".format(where, _("must be after start")))
    if r.window is not None:
        if not (isinstance(r.window, tuple) and len(r.window) == 2 and all(map(_is_naive_time, r.window))):
            raise RosterError(f"{where} window: must be a (start, end) pair of naive times")
        if r.window[0] == r.window[1]:
            raise RosterError(
                "{} window: {}".format(where, _("start and end must differ (omit the window for 24 h cover)"))
            )
    if r.weekdays is not None:
        if not isinstance(r.weekdays, frozenset) or not r.weekdays:
            raise RosterError(
                "{} weekdays: {}".format(where, _("must be a non-empty list of weekdays, or none for every day"))
            )
        if not all(_is_int(d) and 0 <= d <= 6 for d in r.weekdays):
            raise RosterError(
                "{} weekdays: {}".format(where, _("every weekday must be an integer in 0..6 (0 = Monday)"))
            )


def validate_override(override: Override) -> None:
    """Raise :class:`RosterError` if ``override`` is unusable."""
    o = override
    if not isinstance(o.id, str) or not o.id:
        raise RosterError("override id: must be a non-empty string")
    where = f"override {o.id!r}"
    if not isinstance(o.participant, str) or not o.participant:
        raise RosterError(f"{where} participant: must be a non-empty string")
    if not is_aware(o.start):
        raise RosterError(f"{where} start: must be a timezone-aware datetime")
    if not is_aware(o.end):
        raise RosterError(f"{where} end: must be a timezone-aware datetime")
    if o.end <= o.start:
        raise RosterError("{} end: {}".format(where, _("must be after start")))
    if not _is_int(o.seq):
        raise RosterError(f"{where} seq: must be an integer")


def validate_roster(roster: Roster) -> None:
    """Validate every member and require unique ids (segments are merged by id)."""
    seen: set[str] = set()
    for rotation in roster.rotations:
        validate_rotation(rotation)
        if rotation.id in seen:
            raise RosterError(f"rotation id: duplicate id {rotation.id!r}")
        seen.add(rotation.id)
    seen.clear()
    for override in roster.overrides:
        validate_override(override)
        if override.id in seen:
            raise RosterError(f"override id: duplicate id {override.id!r}")
        seen.add(override.id)
