"""The language a text is shown in: gettext catalogs (Babel), the current locale, and choosing it.

Liaison speaks the UN's six languages and Portuguese. The current language lives in a context variable, set once
per web request by :class:`liaison.web.language.LanguageMiddleware`, once per CLI run, and around each notification
built for a contact point in its own working language (:func:`use_locale`). Every human-facing string goes
through :func:`gettext` (``_``) or :func:`ngettext`; module-level labels use :func:`lazy_gettext`, which is looked up
when shown, not when the module is imported.

Catalogs are compiled by ``make catalogs`` (``pybabel compile``), never by the server: a catalog that does not compile
fails the build. A missing compiled catalog at run time falls back to English with one warning in the log, so a
broken deployment shows English rather than an error page at night.

No web or database imports here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import LazyProxy, Translations

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# code -> the language's own name (what the switcher shows, so a reader finds their language in any UI language)
LANGUAGES: dict[str, str] = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
    "pt": "Português",
}
TRANSLATED = tuple(code for code in LANGUAGES if code != DEFAULT)
RTL = frozenset({"ar"})

_current: ContextVar[str] = ContextVar("liaison_language", default=DEFAULT)
_zone: ContextVar[str] = ContextVar("liaison_time_zone", default="UTC")


def normalize(code: str | None) -> str | None:
    """One of :data:`LANGUAGES` for a tag such as ``ar-SA``, ``pt_BR``, ``zh-Hans-CN`` or ``fr_FR.UTF-8``;
    ``None`` for anything else (an unknown tag is not an error: the caller falls back)."""
    if not code:
        return None
    tag = code.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    primary = tag.split("-")[0]
    return primary if primary in LANGUAGES else None


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header we speak, best first (RFC 9110 quality values)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):  # a header is no place for a denial of service
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = normalize(tag)
        if code and quality > 0:
            weighted.append((-quality, index, code))
    seen: list[str] = []
    for _q, _i, code in sorted(weighted):
        if code not in seen:
            seen.append(code)
    return seen


def choose(*candidates: str | None | Iterable[str], default: str | None = DEFAULT) -> str:
    """The first candidate we speak: each is a tag or a list of tags (e.g. an Accept-Language's)."""
    for candidate in candidates:
        for tag in [candidate] if candidate is None or isinstance(candidate, str) else candidate:
            code = normalize(tag)
            if code:
                return code
    return normalize(default) or DEFAULT


def is_rtl(code: str | None = None) -> bool:
    return (code or _current.get()) in RTL


def direction(code: str | None = None) -> str:
    return "rtl" if is_rtl(code) else "ltr"


@cache
def translations(code: str) -> NullTranslations:
    """The compiled catalog of ``code``; English (the msgids) for ``en`` and for a catalog that is missing."""
    if code == DEFAULT or code not in LANGUAGES:
        return NullTranslations()
    loaded = Translations.load(str(LOCALE_DIR), [code], DOMAIN)
    if not isinstance(loaded, Translations):
        log.warning("no compiled catalog for %r in %s: showing English (run `make catalogs`)", code, LOCALE_DIR)
    return loaded


def current() -> str:
    return _current.get()


def babel_locale(code: str | None = None) -> Locale:
    return _locale(code or _current.get())


@cache
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


def set_locale(code: str | None) -> Any:
    """Make ``code`` current for this context; returns the token for :func:`reset_locale`."""
    return _current.set(normalize(code) or DEFAULT)


def reset_locale(token: Any) -> None:
    _current.reset(token)


@contextmanager
def use_locale(code: str | None) -> Iterator[str]:
    """Speak ``code`` inside the block (a notification in the contact point's language, a test)."""
    token = set_locale(code)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, **variables: Any) -> str:
    text = translations(_current.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    text = translations(_current.get()).ngettext(singular, plural, num)
    return text % {"num": num, **variables}


def pgettext(context: str, message: str, **variables: Any) -> str:
    text = translations(_current.get()).pgettext(context, message)
    return text % variables if variables else text


def npgettext(context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
    text = translations(_current.get()).npgettext(context, singular, plural, num)
    return text % {"num": num, **variables}


def number(value: float) -> str:
    """A number as the current language writes it (``12,345`` in English, ``12 345`` in French), for messages."""
    return format_decimal(value, locale=babel_locale())


def unit(amount: int, name: str, length: str = "short") -> str:
    """``amount`` of one time unit (``days``, ``hours``, ``minutes``, ``seconds``) as the current language writes
    it, with its plural: '3 days', '2 hr', '15 min' (CLDR)."""
    return format_timedelta(timedelta(**{name: amount}), threshold=1, format=length, locale=babel_locale())  # type: ignore[arg-type]


def listing(items: Iterable[Any], style: str = "standard") -> str:
    """'A, B and C' as the current language joins a list (``style="unit"``: 'A, B, C' with no conjunction)."""
    listed = [str(item) for item in items]
    return format_list(listed, style=style, locale=babel_locale()) if listed else ""  # type: ignore[arg-type]


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """A label looked up when it is shown, in the language current then (module-level label tables)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def lazy_pgettext(context: str, message: str) -> LazyProxy:
    return LazyProxy(pgettext, context, message, enable_cache=False)


# -- for Jinja's i18n extension (newstyle): it formats the placeholders itself, escaping them ----------------------


def raw_gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def raw_ngettext(singular: str, plural: str, num: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, num)


def raw_pgettext(context: str, message: str) -> str:
    return translations(_current.get()).pgettext(context, message)


def raw_npgettext(context: str, singular: str, plural: str, num: int) -> str:
    return translations(_current.get()).npgettext(context, singular, plural, num)


# -- the reader's time zone ----------------------------------------------------------------------------------------


def valid_zone(name: str | None) -> str | None:
    """``name`` when it is an IANA time zone we know, else ``None`` (an unknown zone falls back, no error)."""
    if not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return None
    return name


def current_zone() -> str:
    return _zone.get()


def set_zone(name: str | None) -> Any:
    return _zone.set(valid_zone(name) or "UTC")


def reset_zone(token: Any) -> None:
    _zone.reset(token)


@contextmanager
def use_zone(name: str | None) -> Iterator[str]:
    token = set_zone(name)
    try:
        yield _zone.get()
    finally:
        _zone.reset(token)


_ = gettext
