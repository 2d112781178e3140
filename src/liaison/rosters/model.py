"""Value objects of the duty-roster library.

Everything here is immutable and hashable so rosters can be cached, compared and
shared between threads freely. Validation lives in :mod:`liaison.rosters.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

Period = Literal["daily", "weekly"]
Source = Literal["override", "rotation", "gap"]


class RosterError(ValueError):
    """An invalid rotation, override, roster or query; the message names the offending field.

    Messages read ``"<where> <field>: <reason>"``; ``field`` and ``reason`` expose the two parts so callers
    can report the field without parsing the message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        head, _, reason = message.partition(":")
        words = head.split()
        self.field = words[-1] if reason and words else "roster"
        self.reason = reason.strip() if reason else message


@dataclass(frozen=True, slots=True)
class Rotation:
    """A recurring shift pattern anchored to local wall-clock time in ``timezone``.

    Shift ``k`` starts at local ``handoff`` on local date ``start + k * every * (1 or 7) days``;
    participant ``k mod len(participants)`` holds it. ``end`` (exclusive local date) stops
    coverage at ``end``@``handoff``, even in the middle of a shift. ``window`` and ``weekdays``
    restrict coverage inside each day without moving the handoffs.
    """

    id: str
    participants: tuple[str, ...]
    timezone: str
    start: date
    handoff: time
    period: Period = "weekly"
    every: int = 1
    layer: int = 0
    end: date | None = None
    window: tuple[time, time] | None = None
    weekdays: frozenset[int] | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class Override:
    """A one-off replacement: ``participant`` is on duty over ``[start, end)``, beating every rotation.

    Where overrides overlap the one with the higher ``seq`` (creation order) wins; with equal
    ``seq`` the one later in ``Roster.overrides`` wins.
    """

    id: str
    participant: str
    start: datetime
    end: datetime
    seq: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Shift:
    """A resolved segment ``[start, end)`` (UTC) of a roster; ``participant`` is None for a gap."""

    start: datetime
    end: datetime
    participant: str | None
    source: Source
    source_id: str | None
    layer: int | None


@dataclass(frozen=True, slots=True)
class Roster:
    """Who is on duty for one designation: layered rotations plus overrides."""

    rotations: tuple[Rotation, ...] = ()
    overrides: tuple[Override, ...] = ()
