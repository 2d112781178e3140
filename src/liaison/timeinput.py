"""Times, dates and durations that people give, checked in one place for the CLI, the API and the pages.

An instant is ISO 8601 with a time zone offset, inside the window that the roster maths, the time zone
database and both databases handle with room to spare: from 1970-01-01 up to (not including) 2200-01-01 UTC.
A date is YYYY-MM-DD inside the same years. A duration is a whole number of days, hours or minutes within
the bounds of a named :class:`Span`, so ``--days -5`` or ``days=100000000`` is refused, naming the field,
before any arithmetic can overflow.

Every failure is an :class:`~liaison.errors.InvalidInput` naming the field: the API answers 422 with its
usual ``{"detail", "code", "field"}`` body and the CLI exits 2 (a usage error). Pure: no web or database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from liaison.errors import InvalidInput
from liaison.i18n import _, ngettext

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""Instants are accepted from EARLIEST up to, not including, LATEST."""

_MAX_TEXT = 64  # the longest ISO 8601 instant is about 40 characters; anything longer is not one


def _utcnow() -> datetime:
    return datetime.now(UTC)


def within(at: datetime, field: str = "at") -> datetime:
    """An aware instant (e.g. parsed by the API's models) checked against the window, in UTC."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(field, _("give a time zone offset, e.g. 2026-11-23T03:00:00+01:00 or ...Z"))
    try:
        utc = at.astimezone(UTC)
    except OverflowError:  # year 1 at +01:00, year 9999 at -01:00: not representable in UTC
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise InvalidInput(
            field,
            _(
                "%(at)s is out of range: give an instant from %(first)s to %(last)s",
                at=at.isoformat(),
                first=EARLIEST.year,
                last=LATEST.year - 1,
            ),
        )
    return utc


def instant(value: str | None, field: str = "at", *, default: Callable[[], datetime] = _utcnow) -> datetime:
    """An ISO 8601 instant given as text, in UTC; empty or None means ``default()`` (now).

    A value without an offset is refused rather than guessed; so is one outside the window."""
    if value is None or not value.strip():
        return default()
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise InvalidInput(field, _("%(text)r... is not an ISO 8601 date-time", text=text[:_MAX_TEXT]))
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            field, _("%(text)r is not an ISO 8601 date-time, e.g. 2026-11-23T03:00:00Z", text=text)
        ) from exc
    return within(at, field)


def in_years(day: date, field: str) -> date:
    """A date (e.g. parsed by the API's models) checked against the window's years."""
    if not EARLIEST.year <= day.year < LATEST.year:
        raise InvalidInput(
            field,
            _(
                "%(day)s is out of range: give a date from %(first)s to %(last)s",
                day=day.isoformat(),
                first=EARLIEST.year,
                last=LATEST.year - 1,
            ),
        )
    return day


def calendar_day(value: str, field: str) -> date:
    """A date given as text, YYYY-MM-DD."""
    text = value.strip()
    try:
        day = date.fromisoformat(text) if len(text) <= _MAX_TEXT else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(field, _("%(text)r is not a date (YYYY-MM-DD)", text=text[:_MAX_TEXT]))
    return in_years(day, field)


@dataclass(frozen=True, slots=True)
class Span:
    """The accepted range of a duration given as a whole number of ``unit`` (days, hours or minutes)."""

    unit: str
    least: int
    most: int

    def check(self, value: int, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(field, self._not_whole(value))
        if not self.least <= value <= self.most:
            raise InvalidInput(field, self._out_of_range(value))
        return value

    # One whole message per unit, so each language words and inflects it its own way.
    def _not_whole(self, value: object) -> str:
        if self.unit == "minutes":
            return _("%(value)r is not a whole number of minutes", value=value)
        if self.unit == "hours":
            return _("%(value)r is not a whole number of hours", value=value)
        return _("%(value)r is not a whole number of days", value=value)

    def _out_of_range(self, value: int) -> str:
        if self.unit == "minutes":
            return ngettext(
                "%(value)s is out of range: give %(least)s to %(num)d minute",
                "%(value)s is out of range: give %(least)s to %(num)d minutes",
                self.most,
                value=value,
                least=self.least,
            )
        if self.unit == "hours":
            return ngettext(
                "%(value)s is out of range: give %(least)s to %(num)d hour",
                "%(value)s is out of range: give %(least)s to %(num)d hours",
                self.most,
                value=value,
                least=self.least,
            )
        return ngettext(
            "%(value)s is out of range: give %(least)s to %(num)d day",
            "%(value)s is out of range: give %(least)s to %(num)d days",
            self.most,
            value=value,
            least=self.least,
        )

    def delta(self, value: int, field: str) -> timedelta:
        return timedelta(**{self.unit: self.check(value, field)})

    @property
    def text(self) -> str:
        return f"{self.least}-{self.most} {self.unit}"


# Every duration a person gives, by what it measures. The API's query bounds and the CLI's options use these.
ROSTER_DAYS = Span("days", 1, 366)
"""A roster window: shifts shown, iCalendar exported."""
READINESS_DAYS = Span("days", 1, 365)
"""How far ahead readiness warnings look."""
DASHBOARD_DAYS = Span("days", 1, 3650)
"""How far back the exchange dashboard counts."""
EXERCISE_WINDOW_MINUTES = Span("minutes", 1, 24 * 60)
"""The time each member has to acknowledge a reachability test."""
TOKEN_DAYS = Span("days", 1, 3650)
"""How long an API token is valid."""
REMINDER_DAYS = Span("days", 1, 365)
"""How often a record due for review is reminded again."""
BIRTH_YEARS = (1800, 2100)
"""The years a search may filter births by (a year, not an instant: outside the instants' window)."""
