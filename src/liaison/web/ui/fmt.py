"""Formatting for people reading at 3 a.m.: local times with their zone, readable phone numbers, language names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import pycountry
from babel.dates import format_skeleton
from babel.numbers import format_percent
from markupsafe import Markup, escape

from liaison import i18n
from liaison.i18n import _, lazy_gettext
from liaison.textsafety import BIDI_CONTROLS, visible_bidi, visible_escape

PHONE_KINDS = ("phone", "mobile")
KIND_LABELS = {
    "phone": lazy_gettext("Phone"),
    "mobile": lazy_gettext("Mobile"),
    "email": lazy_gettext("E-mail"),
    "inbox": lazy_gettext("Liaison inbox"),
    "webhook": lazy_gettext("Webhook"),
}
ROLE_LABELS = {
    "deputy": lazy_gettext("Deputy"),
    "desk": lazy_gettext("Agency 24/7 desk"),
    "secretariat": lazy_gettext("Network secretariat"),
}
SOURCE_LABELS = {
    "rotation": lazy_gettext("Rotation"),
    "override": lazy_gettext("Override"),
    "gap": lazy_gettext("Nobody on duty"),
}


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local(dt: datetime, tz: str | None = None) -> datetime:
    return dt.astimezone(zone(tz))


def _skeleton(skeleton: str, dt: datetime, tz: str | None) -> str:
    """``dt`` in zone ``tz`` as the current language writes it (CLDR skeletons: order, names, digits)."""
    return format_skeleton(skeleton, dt, tzinfo=zone(tz), locale=i18n.babel_locale())


def _with_time(date_skeleton: str, dt: datetime, tz: str | None) -> str:
    """A date skeleton with the 24-hour time, joined the current language's way (CLDR has no date+time skeletons)."""
    locale = i18n.babel_locale()
    pattern = str(locale.datetime_formats.get("short", "{1} {0}"))
    return pattern.format(_skeleton("Hm", dt, tz), _skeleton(date_skeleton, dt, tz))


def hm(dt: datetime | None, tz: str | None = None) -> str:
    return "" if dt is None else _skeleton("Hm", dt, tz)


def day(dt: datetime | None, tz: str | None = None) -> str:
    return "" if dt is None else _skeleton("MMMEd", dt, tz)


def when(dt: datetime | None, tz: str | None = None) -> str:
    """'Tue 24 Nov 2026 03:00' in the zone, in the current language's way."""
    return "" if dt is None else _with_time("yMMMEd", dt, tz)


def offset(dt: datetime, tz: str | None = None) -> str:
    raw = local(dt, tz).strftime("%z")  # +0100
    return f"UTC{raw[:3]}:{raw[3:]}" if raw else "UTC"


def iso(dt: datetime | None) -> str:
    return "" if dt is None else dt.astimezone(UTC).isoformat(timespec="minutes").replace("+00:00", "Z")


def input_value(dt: datetime | None, tz: str | None = None) -> str:
    """A value for ``<input type=datetime-local>`` in the zone."""
    return "" if dt is None else local(dt, tz).strftime("%Y-%m-%dT%H:%M")


def date_only(dt: datetime | None) -> str:
    return "" if dt is None else _skeleton("yMMMd", dt, "UTC")


def user_time(dt: datetime | None) -> Markup:
    """``dt`` in the reader's time zone (their setting, else their browser's), in a ``<time>`` element."""
    if dt is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(iso(dt), when(dt, i18n.current_zone()))


def user_time_utc(dt: datetime | None) -> Markup:
    """``dt`` in the reader's zone with the UTC time beside it, for times people compare across desks
    (messages, timelines, dashboards, exercises, the audit log). Just UTC for a reader who works in UTC."""
    if dt is None:
        return Markup("")
    tz = i18n.current_zone()
    if zone(tz).utcoffset(dt.replace(tzinfo=None)) == timedelta(0) and tz in ("UTC", "Etc/UTC", "GMT"):
        return Markup('<time datetime="{}">{} UTC</time>').format(iso(dt), when(dt, "UTC"))
    return Markup('<time datetime="{}">{}</time> <span class="utc">({} UTC)</span>').format(
        iso(dt), when(dt, tz), hm(dt, "UTC") if local(dt, tz).date() == local(dt, "UTC").date() else day_hm(dt)
    )


def day_hm(dt: datetime) -> str:
    return _with_time("MMMEd", dt, "UTC")


def _duration(seconds: int) -> str:
    """'1 day 2 hr', '2 hr 15 min', '3 days' in the current language (CLDR unit names and plurals)."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    unit = i18n.unit
    parts: list[str] = []
    if days:
        parts.append(unit(days, "days", "long"))
    if hours and days < 2:
        parts.append(unit(hours, "hours", "short"))
    if not days and (minutes or not hours):
        parts.append(unit(max(minutes, 1), "minutes", "short"))
    return " ".join(parts)


def relative(dt: datetime | None, now: datetime) -> str:
    """'in 2 h 15 min', '3 days ago', in the current language."""
    if dt is None:
        return ""
    delta = dt - now
    text = _duration(abs(int(delta.total_seconds())))
    return _("in %(duration)s", duration=text) if delta >= timedelta(0) else _("%(duration)s ago", duration=text)


number = i18n.number


def percent(value: float) -> str:
    """``value`` (0-1) as a percentage in the current language."""
    return format_percent(value, locale=i18n.babel_locale())


def join(items: Iterable[Any]) -> str:
    """'A, B and C' in the current language."""
    return i18n.listing(items)


def pretty_phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel(value: str) -> str:
    """The ``tel:`` URI of an E.164 number (digits and a leading plus only)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return "tel:+" + digits if value.strip().startswith("+") else "tel:" + digits


def language_name(code: str) -> str:
    """A working language's name in the reader's language (CLDR), e.g. 'ar' -> 'Arabic', 'arabe', 'العربية'."""
    return _language_name(code, i18n.current())


@lru_cache(maxsize=2048)
def _language_name(code: str, reader: str) -> str:
    alpha2 = code
    if len(code) == 3:
        found = pycountry.languages.get(alpha_3=code)
        alpha2 = getattr(found, "alpha_2", code) if found else code
    name = i18n.babel_locale(reader).languages.get(alpha2)
    if name:
        return str(name)
    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if lang is None:
        return code
    return str(lang.name).split(" (")[0]  # "Modern Greek (1453-)" -> "Modern Greek", "Swahili (macrolanguage)"


def languages(codes: Iterable[str]) -> str:
    return join(language_name(c) for c in codes)


def first_phone(channels: Iterable[Any]) -> Any | None:
    return next((ch for ch in channels if ch.kind in PHONE_KINDS), None)


def _shown(value: Any) -> Markup:
    """``value`` escaped once (markup stays markup), its directional controls replaced by visible escapes."""
    text = escape(value)
    for char in BIDI_CONTROLS & set(text):
        text = text.replace(char, visible_escape(char))
    return text


def isolate(value: Any) -> Markup:
    """Text a user wrote, in a page: in its own ``<bdi dir="auto">`` so its direction (Arabic, Hebrew) does not
    reorder the words around it, and its directional overrides shown (``⟨U+202E⟩``, see textsafety)."""
    return Markup('<bdi dir="auto">{}</bdi>').format(_shown(value))


def plain(value: Any) -> Any:
    """Text where markup cannot isolate it (the ``<title>``): directional overrides shown, not obeyed."""
    return _shown(value) if isinstance(value, Markup) else visible_bidi(str(value))


FILTERS: dict[str, Callable[..., Any]] = {
    "isolate": isolate,
    "plain": plain,
    "hm": hm,
    "day": day,
    "when": when,
    "offset": offset,
    "iso": iso,
    "input_value": input_value,
    "date_only": date_only,
    "relative": relative,
    "user_time": user_time,
    "user_time_utc": user_time_utc,
    "number": number,
    "percent": percent,
    "listing": join,
    "pretty_phone": pretty_phone,
    "tel": tel,
    "languages": languages,
    "language_name": language_name,
    "kind_label": lambda k: KIND_LABELS.get(k, k),
    "role_label": lambda r: ROLE_LABELS.get(r, r),
    "source_label": lambda s: SOURCE_LABELS.get(s, s),
    "agency_kind": lambda k: (k or "other").replace("_", " ").capitalize(),
}
GLOBALS: dict[str, Any] = {"direction": i18n.direction}
