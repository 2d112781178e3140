"""The words of a refused request: pydantic's messages for the error types the API meets (422), and the
framework's own answers (404 for an unknown route, 405, ...), through the catalogs.

The English of each message is pydantic's or Starlette's own, so an English reader and a client that matches
the text see no change; a French reader reads French. A type not listed keeps pydantic's English. A
``value_error`` is one of ours (e.g. a NUL character refused by :class:`liaison.web.api.common.ApiModel`): its
text was translated when it was raised, and is shown without pydantic's "Value error, " prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from liaison.i18n import _, lazy_gettext, ngettext

Ctx = Mapping[str, Any]


def _string_too_short(ctx: Ctx) -> str:
    n = int(ctx.get("min_length", 0))
    return ngettext(
        "String should have at least %(num)d character", "String should have at least %(num)d characters", n
    )


def _string_too_long(ctx: Ctx) -> str:
    n = int(ctx.get("max_length", 0))
    return ngettext("String should have at most %(num)d character", "String should have at most %(num)d characters", n)


def _too_short(ctx: Ctx) -> str:
    n = int(ctx.get("min_length", 0))
    return ngettext(
        "%(type)s should have at least %(num)d item after validation, not %(actual)s",
        "%(type)s should have at least %(num)d items after validation, not %(actual)s",
        n,
        type=ctx.get("field_type", ""),
        actual=ctx.get("actual_length", ""),
    )


def _too_long(ctx: Ctx) -> str:
    n = int(ctx.get("max_length", 0))
    return ngettext(
        "%(type)s should have at most %(num)d item after validation, not %(actual)s",
        "%(type)s should have at most %(num)d items after validation, not %(actual)s",
        n,
        type=ctx.get("field_type", ""),
        actual=ctx.get("actual_length", ""),
    )


# pydantic's error type -> its message, given the error's context. Placeholders that pydantic fills with its own
# English (``error``, ``expected``) stay English inside the translated sentence.
MESSAGES: dict[str, Callable[[Ctx], str]] = {
    "missing": lambda ctx: _("Field required"),
    "missing_argument": lambda ctx: _("Missing required argument"),
    "extra_forbidden": lambda ctx: _("Extra inputs are not permitted"),
    "json_invalid": lambda ctx: _("Invalid JSON: %(error)s", error=ctx.get("error", "")),
    "model_attributes_type": lambda ctx: _("Input should be a valid dictionary or object to extract fields from"),
    "dict_type": lambda ctx: _("Input should be a valid dictionary"),
    "list_type": lambda ctx: _("Input should be a valid list"),
    "string_type": lambda ctx: _("Input should be a valid string"),
    "string_too_short": _string_too_short,
    "string_too_long": _string_too_long,
    "string_pattern_mismatch": lambda ctx: _("String should match pattern '%(pattern)s'", pattern=ctx.get("pattern")),
    "too_short": _too_short,
    "too_long": _too_long,
    "bool_type": lambda ctx: _("Input should be a valid boolean"),
    "bool_parsing": lambda ctx: _("Input should be a valid boolean, unable to interpret input"),
    "int_type": lambda ctx: _("Input should be a valid integer"),
    "int_parsing": lambda ctx: _("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": lambda ctx: _("Input should be a valid integer, got a number with a fractional part"),
    "float_type": lambda ctx: _("Input should be a valid number"),
    "float_parsing": lambda ctx: _("Input should be a valid number, unable to parse string as a number"),
    "greater_than": lambda ctx: _("Input should be greater than %(gt)s", gt=ctx.get("gt")),
    "greater_than_equal": lambda ctx: _("Input should be greater than or equal to %(ge)s", ge=ctx.get("ge")),
    "less_than": lambda ctx: _("Input should be less than %(lt)s", lt=ctx.get("lt")),
    "less_than_equal": lambda ctx: _("Input should be less than or equal to %(le)s", le=ctx.get("le")),
    "enum": lambda ctx: _("Input should be %(expected)s", expected=ctx.get("expected", "")),
    "literal_error": lambda ctx: _("Input should be %(expected)s", expected=ctx.get("expected", "")),
    "uuid_type": lambda ctx: _("UUID input should be a string, bytes or UUID object"),
    "uuid_parsing": lambda ctx: _("Input should be a valid UUID, %(error)s", error=ctx.get("error", "")),
    "date_type": lambda ctx: _("Input should be a valid date"),
    "date_parsing": lambda ctx: _(
        "Input should be a valid date in the format YYYY-MM-DD, %(error)s", error=ctx.get("error", "")
    ),
    "date_from_datetime_parsing": lambda ctx: _(
        "Input should be a valid date or datetime, %(error)s", error=ctx.get("error", "")
    ),
    "time_parsing": lambda ctx: _("Input should be in a valid time format, %(error)s", error=ctx.get("error", "")),
    "datetime_type": lambda ctx: _("Input should be a valid datetime"),
    "datetime_parsing": lambda ctx: _("Input should be a valid datetime, %(error)s", error=ctx.get("error", "")),
    "datetime_from_date_parsing": lambda ctx: _(
        "Input should be a valid datetime or date, %(error)s", error=ctx.get("error", "")
    ),
    "timezone_aware": lambda ctx: _("Input should have timezone info"),
}


def message(error: Mapping[str, Any]) -> str:
    """The message of one of pydantic's errors (an item of ``ValidationError.errors()``), in the current language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error") is not None:
        return str(ctx["error"])
    found = MESSAGES.get(kind)
    if found is None:
        return str(error.get("msg", ""))
    try:
        return found(ctx)
    except (KeyError, TypeError, ValueError):  # a context of another shape than expected: pydantic's words
        return str(error.get("msg", ""))


# The framework's answers (Starlette's HTTP reason phrases and FastAPI's body parsing error), by their English.
FRAMEWORK = {
    "Bad Request": lazy_gettext("Bad Request"),
    "Unauthorized": lazy_gettext("Unauthorized"),
    "Forbidden": lazy_gettext("Forbidden"),
    # Translators: the answer to a web address or API route that does not exist
    "Not Found": lazy_gettext("Not Found"),
    # Translators: the answer to an API route called with the wrong HTTP method (e.g. DELETE where only GET is served)
    "Method Not Allowed": lazy_gettext("Method Not Allowed"),
    "Not Acceptable": lazy_gettext("Not Acceptable"),
    "Content Too Large": lazy_gettext("Content Too Large"),
    "Request Entity Too Large": lazy_gettext("Request Entity Too Large"),
    "Unsupported Media Type": lazy_gettext("Unsupported Media Type"),
    "Too Many Requests": lazy_gettext("Too Many Requests"),
    "There was an error parsing the body": lazy_gettext("There was an error parsing the body"),
}


def framework_detail(detail: object) -> str:
    """A framework error's detail in the current language when it is one of the framework's own, else as given."""
    text = str(detail)
    found = FRAMEWORK.get(text)
    return text if found is None else str(found)


def field_detail(field: str, reason: str) -> str:
    """``field: reason``, or the reason alone when the error is about the request as a whole."""
    return _("%(field)s: %(reason)s", field=field, reason=reason) if field else reason
