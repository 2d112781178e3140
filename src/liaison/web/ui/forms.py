"""Reading what people type into forms: dates, times, numbers, language codes, and the time-zone choices.

Each parser raises :class:`InvalidInput` naming the form field, so the page can point at it. Validation of
meaning (is this a real time zone, a valid phone number) stays in the actions; this only turns text into values.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import cache
from importlib import resources

from liaison import timeinput
from liaison.errors import InvalidInput
from liaison.i18n import _, lazy_gettext

WEEKDAY_NAMES = (
    lazy_gettext("Monday"),
    lazy_gettext("Tuesday"),
    lazy_gettext("Wednesday"),
    lazy_gettext("Thursday"),
    lazy_gettext("Friday"),
    lazy_gettext("Saturday"),
    lazy_gettext("Sunday"),
)


def parse_date(value: str, field: str) -> date:
    parsed = optional_date(value, field)
    if parsed is None:
        raise InvalidInput(field, _("give a date, e.g. 2026-12-01"))
    return parsed


def optional_date(value: str, field: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError as exc:
        raise InvalidInput(field, _("%(value)s is not a date like 2026-12-01", value=repr(value))) from exc
    return timeinput.in_years(day, field)


def parse_time(value: str, field: str) -> time:
    parsed = optional_time(value, field)
    if parsed is None:
        raise InvalidInput(field, _("give a time, e.g. 08:00"))
    return parsed


def optional_time(value: str, field: str) -> time | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = time.fromisoformat(value if len(value) > 2 else f"{value}:00")
    except ValueError as exc:
        raise InvalidInput(field, _("%(value)s is not a time like 08:00", value=repr(value))) from exc
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def parse_int(value: str, field: str, low: int, high: int) -> int:
    try:
        number = int((value or "").strip())
    except ValueError as exc:
        raise InvalidInput(field, _("give a whole number from %(low)s to %(high)s", low=low, high=high)) from exc
    if not low <= number <= high:
        raise InvalidInput(field, _("must be from %(low)s to %(high)s", low=low, high=high))
    return number


def parse_languages(value: str) -> list[str]:
    """ISO 639 codes separated by commas or spaces ("fr, en"); the action checks each code."""
    return [code for code in re.split(r"[\s,;/]+", (value or "").strip().lower()) if code]


def parse_weekdays(values: list[str] | None) -> list[int] | None:
    """Checked weekday boxes (0 = Monday); none checked means every day."""
    days = set()
    for raw in values or []:
        if raw.strip() not in {str(i) for i in range(7)}:
            raise InvalidInput("weekdays", _("choose days from Monday to Sunday"))
        days.add(int(raw))
    return sorted(days) if days else None


@cache
def _zone_table() -> tuple[tuple[str, str], ...]:
    """(country, zone) rows of the IANA zone table shipped with tzdata: the zones people actually live in."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                rows.append((parts[0], parts[2]))
    return tuple(rows)


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted({zone for _country, zone in _zone_table()} | {"UTC"}))


def country_zones(code: str | None) -> list[str]:
    return [zone for country, zone in _zone_table() if country == (code or "").upper()]


def zone_choices(first: list[str]) -> list[str]:
    """Every zone, with the likely ones (the member's, the agency's) first."""
    seen = list(dict.fromkeys(z for z in first if z))
    return seen + [z for z in all_zones() if z not in seen]
