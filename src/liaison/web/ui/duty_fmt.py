"""How duty answers show time: the contact point's own local time where that is the point ("03:10 in Amman,
01:10 UTC": is it the middle of the night there?), and short times in the reader's zone elsewhere.

Built on :mod:`liaison.web.ui.fmt` (CLDR skeletons in the current language); no web or database access.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_skeleton, get_timezone, get_timezone_location
from markupsafe import Markup, escape

from liaison import i18n
from liaison.i18n import _
from liaison.web.ui import fmt

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Universal", "Zulu", "Etc/Universal", "Etc/Zulu"})


def city(tz: str | None) -> str:
    """The zone's city in the current language: 'Asia/Amman' -> 'Amman', 'عمّان', '安曼'."""
    return _city(tz or "UTC", i18n.current())


@lru_cache(maxsize=1024)
def _city(tz: str, reader: str) -> str:
    try:
        name = get_timezone_location(get_timezone(tz), locale=i18n.babel_locale(reader), return_city=True)
    except (LookupError, ValueError):
        name = tz
    return str(name).rsplit("/", 1)[-1].replace("_", " ")


def member_name(member: Any) -> str:
    """A member's name in the reader's language: a state's from CLDR ('Jordan', 'الأردن', '约旦'), an organisation's
    as recorded. English keeps the recorded name (the directory's own spelling)."""
    code, name = getattr(member, "code", ""), getattr(member, "name", "")
    if i18n.current() == i18n.DEFAULT or getattr(member, "kind", "state") != "state" or len(code) != 2:
        return str(name)
    return str(i18n.babel_locale().territories.get(code.upper()) or name)


def member_names(members: Any) -> str:
    """'Kenya and Nigeria' in the reader's language (see :func:`member_name`)."""
    return fmt.join(member_name(m) for m in members)


def _skeleton(skeleton: str, dt: datetime, tz: str | None) -> str:
    return format_skeleton(skeleton, dt, tzinfo=fmt.zone(tz), locale=i18n.babel_locale())


def _time(dt: datetime, text: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(fmt.iso(dt), text)


def short(dt: datetime, tz: str | None, now: datetime) -> str:
    """``dt`` in zone ``tz`` as briefly as is unambiguous from ``now``: '08:00' today, 'Mon 08:00' within the
    week, '7 Dec 08:00' beyond (the current language's order and names)."""
    local, today = fmt.local(dt, tz), fmt.local(now, tz)
    if local.date() == today.date():
        return fmt.hm(dt, tz)
    if abs(dt - now) < timedelta(days=6):
        return _skeleton("EHm", dt, tz)
    locale = i18n.babel_locale()  # a date skeleton and the time, joined the language's way (as fmt.when does)
    return str(locale.datetime_formats.get("short", "{1} {0}")).format(fmt.hm(dt, tz), _skeleton("MMMd", dt, tz))


def contact_text(dt: datetime | None, tz: str | None, now: datetime | None = None) -> str:
    """The contact's local time with UTC beside, as plain text for a sentence: '03:10 in Amman, 01:10 UTC'. With
    ``now``, a time on another day than ``now`` there carries its day ('Mon 08:00 in Dubai, Mon 04:00 UTC')."""
    if dt is None:
        return ""
    zone = tz or "UTC"
    there = fmt.hm(dt, zone) if now is None else short(dt, zone, now)
    utc = fmt.hm(dt, "UTC") if now is None else short(dt, "UTC", now)
    if zone in UTC_NAMES:
        return _("%(time)s UTC", time=utc)
    # Translators: a contact point's local time, e.g. "03:10 in Amman, 01:10 UTC".
    return _("%(time)s in %(city)s, %(utc)s UTC", time=there, city=city(zone), utc=utc)


def contact_time(dt: datetime | None, tz: str | None, now: datetime | None = None) -> Markup:
    """:func:`contact_text` in a ``<time>`` element, where it stands alone (a card's local time)."""
    return Markup("") if dt is None else _time(dt, contact_text(dt, tz, now))


def contact_clock(dt: datetime | None, tz: str | None, now: datetime | None = None) -> Markup:
    """Just the contact's local time and city, for a tight cell: '03:10 Amman' (UTC is in the page's header);
    with ``now``, a time on another day carries its day ('Mon 08:00 Amman')."""
    if dt is None:
        return Markup("")
    zone = tz or "UTC"
    there = fmt.hm(dt, zone) if now is None else short(dt, zone, now)
    # Translators: a contact point's local time and city in a narrow table cell, e.g. "03:10 Amman".
    return _time(dt, _("%(time)s %(city)s", time=there, city=city(zone)))


def beside(dt: datetime | None, tz: str | None) -> Markup:
    """The contact's local time of an instant shown in the reader's zone just before it: '09:00 Sydney', with the
    day when it is another day there than in the reader's zone ('Mon 09:00 Sydney')."""
    if dt is None:
        return Markup("")
    zone = tz or "UTC"
    same_day = fmt.local(dt, zone).date() == fmt.local(dt, i18n.current_zone()).date()
    there = fmt.hm(dt, zone) if same_day else _skeleton("EHm", dt, zone)
    return _time(dt, _("%(time)s %(city)s", time=there, city=city(zone)))


def user_short(dt: datetime | None, now: datetime) -> Markup:
    """``dt`` in the reader's zone, as briefly as is unambiguous (see :func:`short`), in a ``<time>`` element."""
    if dt is None:
        return Markup("")
    return _time(dt, short(dt, i18n.current_zone(), now))


def user_text(dt: datetime) -> str:
    """``dt`` in the reader's zone with UTC beside, as plain text (inside a sentence built elsewhere, e.g. a
    readiness warning): 'Tue, Nov 24, 2026, 05:10 (03:10 UTC)'."""
    zone = i18n.current_zone()
    if zone in UTC_NAMES:
        return _("%(time)s UTC", time=fmt.when(dt, "UTC"))
    # Translators: a time in the reader's zone with the UTC time beside it.
    return _("%(time)s (%(utc)s UTC)", time=fmt.when(dt, zone), utc=fmt.hm(dt, "UTC"))


def date_text(day: date | None) -> str:
    """A calendar date (a designation's, a membership's) in the current language: '3 Mar 2026'."""
    return "" if day is None else format_date(day, format="medium", locale=i18n.babel_locale())


def sentence(message: str, **values: object) -> Markup:
    """A translated message whose placeholders are markup (a ``<time>``, a link): the message is escaped, the
    values escaped unless they are markup already."""
    return escape(message) % {k: v if isinstance(v, Markup) else escape(v) for k, v in values.items()}


GLOBALS = {
    "member_name": member_name,
    "member_names": member_names,
    "contact_time": contact_time,
    "contact_text": contact_text,
    "contact_clock": contact_clock,
    "user_short": user_short,
    "beside": beside,
    "date_text": date_text,
    "user_text": user_text,
    "city": city,
}
