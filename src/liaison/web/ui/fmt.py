"""Formatting for people reading at 3 a.m.: local times with their zone, readable phone numbers, language names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import pycountry
from markupsafe import Markup, escape

from liaison.textsafety import BIDI_CONTROLS, visible_bidi, visible_escape

PHONE_KINDS = ("phone", "mobile")
KIND_LABELS = {"phone": "Phone", "mobile": "Mobile", "email": "E-mail", "inbox": "Liaison inbox", "webhook": "Webhook"}
ROLE_LABELS = {"deputy": "Deputy", "desk": "Agency 24/7 desk", "secretariat": "Network secretariat"}
SOURCE_LABELS = {"rotation": "Rotation", "override": "Override", "gap": "Nobody on duty"}


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local(dt: datetime, tz: str | None = None) -> datetime:
    return dt.astimezone(zone(tz))


def hm(dt: datetime | None, tz: str | None = None) -> str:
    return "" if dt is None else local(dt, tz).strftime("%H:%M")


def day(dt: datetime | None, tz: str | None = None) -> str:
    return "" if dt is None else local(dt, tz).strftime("%a %d %b")


def when(dt: datetime | None, tz: str | None = None) -> str:
    """'Tue 24 Nov 03:00' in the zone."""
    return "" if dt is None else local(dt, tz).strftime("%a %d %b %Y %H:%M")


def offset(dt: datetime, tz: str | None = None) -> str:
    raw = local(dt, tz).strftime("%z")  # +0100
    return f"UTC{raw[:3]}:{raw[3:]}" if raw else "UTC"


def iso(dt: datetime | None) -> str:
    return "" if dt is None else dt.astimezone(UTC).isoformat(timespec="minutes").replace("+00:00", "Z")


def input_value(dt: datetime | None, tz: str | None = None) -> str:
    """A value for ``<input type=datetime-local>`` in the zone."""
    return "" if dt is None else local(dt, tz).strftime("%Y-%m-%dT%H:%M")


def date_only(dt: datetime | None) -> str:
    return "" if dt is None else dt.astimezone(UTC).strftime("%d %b %Y")


def relative(dt: datetime | None, now: datetime) -> str:
    """'in 2 h 15 min', '3 days ago'."""
    if dt is None:
        return ""
    delta = dt - now
    future = delta >= timedelta(0)
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 2:
        text = f"{days} days"
    elif days == 1:
        text = f"1 day {hours} h" if hours else "1 day"
    elif hours:
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        text = f"{max(minutes, 1)} min"
    return f"in {text}" if future else f"{text} ago"


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


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if lang is None:
        return code
    return str(lang.name).split(" (")[0]  # "Modern Greek (1453-)" -> "Modern Greek", "Swahili (macrolanguage)"


def languages(codes: Iterable[str]) -> str:
    return ", ".join(language_name(c) for c in codes)


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
    "pretty_phone": pretty_phone,
    "tel": tel,
    "languages": languages,
    "language_name": language_name,
    "kind_label": lambda k: KIND_LABELS.get(k, k),
    "role_label": lambda r: ROLE_LABELS.get(r, r),
    "source_label": lambda s: SOURCE_LABELS.get(s, s),
    "agency_kind": lambda k: (k or "other").replace("_", " ").capitalize(),
}
