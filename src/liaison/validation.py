"""Field validation shared by the API, the CLI and imports. Each failure names the field."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from liaison.errors import InvalidInput
from liaison.i18n import _, ngettext

ORG_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
NETWORK_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def timezone(value: str, field: str = "timezone") -> str:
    value = value.strip()
    if value not in _zones():
        raise InvalidInput(field, _("%(value)r is not an IANA time zone (e.g. Europe/Paris)", value=value))
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(field, _("%(value)r is not an IANA time zone", value=value)) from exc
    return value


@lru_cache(maxsize=1024)
def iso_country(code: str) -> str | None:
    """The ISO 3166 alpha-2 code for an upper-case alpha-2 or alpha-3 code, else None (cached: imports call it
    once per value)."""
    if len(code) == 2 and pycountry.countries.get(alpha_2=code):
        return code
    if len(code) == 3 and (c := pycountry.countries.get(alpha_3=code)):
        return str(c.alpha_2)
    return None


def country(value: str, field: str = "country") -> str:
    code = iso_country(value.strip().upper())
    if code is None:
        raise InvalidInput(field, _("%(value)r is not an ISO 3166 country code", value=value))
    return code


def country_name(code: str) -> str | None:
    c = pycountry.countries.get(alpha_2=code.upper())
    return None if c is None else str(getattr(c, "common_name", None) or c.name)


def member_code(value: str, kind: str, field: str = "code") -> str:
    """A state's member code is its ISO 3166 alpha-2 code; an organisation's is an upper-case acronym."""
    if kind == "state":
        return country(value, field)
    if kind != "organisation":
        raise InvalidInput("kind", _("%(kind)r is not a member kind (state, organisation)", kind=kind))
    code = value.strip().upper()
    if not ORG_CODE.match(code):
        raise InvalidInput(
            field, _("%(value)r is not an organisation code (2-20 letters, digits or dashes)", value=value)
        )
    if pycountry.countries.get(alpha_2=code) or (len(code) == 3 and pycountry.countries.get(alpha_3=code)):
        raise InvalidInput(field, _("%(value)r is a country code; an organisation needs its own acronym", value=value))
    return code


def network_code(value: str, field: str = "code") -> str:
    code = value.strip().upper()
    if not NETWORK_CODE.match(code):
        raise InvalidInput(
            field, _("%(value)r is not a network code (2-20 upper-case letters, digits or dashes)", value=value)
        )
    return code


def language(value: str, field: str = "languages") -> str:
    v = value.strip().lower()
    if len(v) == 2 and pycountry.languages.get(alpha_2=v):
        return v
    if len(v) == 3 and pycountry.languages.get(alpha_3=v):
        return v
    raise InvalidInput(field, _("%(value)r is not an ISO 639 language code (e.g. en, fr, ar)", value=value))


def language_name(code: str) -> str:
    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return code if lang is None else str(lang.name)


def phone(value: str, region: str | None = None, field: str = "value") -> str:
    """Parse and validate a phone number; store it as E.164. ``region`` helps with national formats."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(field, _("%(value)r is not a phone number (%(reason)s)", value=value, reason=exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(
            field, _("%(value)r is not a valid phone number; give it in international form (+33 1 ...)", value=value)
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email(value: str, field: str = "value") -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidInput(
            field, _("%(value)r is not an e-mail address (%(reason)s)", value=value, reason=exc)
        ) from exc


def webhook_url(value: str, field: str = "value") -> str:
    v = value.strip()
    if not re.match(r"^https://[^\s/]+(/\S*)?$", v):
        raise InvalidInput(field, _("%(value)r is not an https:// URL", value=value))
    return v


def channel_value(kind: str, value: str, region: str | None = None) -> str:
    if kind in ("phone", "mobile"):
        return phone(value, region)
    if kind == "email":
        return email(value)
    if kind == "webhook":
        return webhook_url(value)
    if kind == "inbox":
        v = value.strip()
        if not v or len(v) > 200:
            raise InvalidInput("value", _("an inbox channel needs a name of 1-200 characters"))
        return v
    raise InvalidInput("kind", _("%(kind)r is not a channel kind (phone, mobile, email, inbox, webhook)", kind=kind))


def required_text(value: str | None, field: str, max_length: int = 200) -> str:
    v = (value or "").strip()
    if not v:
        raise InvalidInput(field, _("is required"))
    if len(v) > max_length:
        raise InvalidInput(
            field, ngettext("is longer than %(num)d character", "is longer than %(num)d characters", max_length)
        )
    return v
