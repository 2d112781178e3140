"""The error hierarchy. Each error carries its HTTP status; app.py maps them to responses in one place.

``detail`` is for a person to read, in the language current when the error is raised (the request's, see
:mod:`liaison.i18n`): callers pass a message already translated with ``_()``, or a lazy module-level one, which
is rendered here. ``code`` and the extra fields (``field``, ``line``, ...) are for machines and never translated.
"""

from __future__ import annotations

import uuid
from typing import Any

from liaison.i18n import _, lazy_gettext

# "no <thing> <id>", one message per kind of thing, so each language can inflect its noun (gender, case)
UNKNOWN = {
    "agency": lazy_gettext("no agency %(id)s"),
    "channel": lazy_gettext("no channel %(id)s"),
    "contact point": lazy_gettext("no contact point %(id)s"),
    "entity": lazy_gettext("no entity %(id)s"),
    "exercise": lazy_gettext("no exercise %(id)s"),
    "membership request": lazy_gettext("no membership request %(id)s"),
    "merge proposal": lazy_gettext("no merge proposal %(id)s"),
    "message": lazy_gettext("no message %(id)s"),
    "override": lazy_gettext("no override %(id)s"),
    "rotation": lazy_gettext("no rotation %(id)s"),
    "screening hit": lazy_gettext("no screening hit %(id)s"),
    "screening run": lazy_gettext("no screening run %(id)s"),
    "statement": lazy_gettext("no statement %(id)s"),
    "token": lazy_gettext("no token %(id)s"),
}


class LiaisonError(Exception):
    status = 400
    code = "error"

    def __init__(self, detail: str, **extra: Any) -> None:
        detail = str(detail)  # a lazy message is rendered now, in the language of the request that failed
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, **self.extra}


class NotFound(LiaisonError):
    """Unknown thing; ``suggestions`` lists close matches so a tired user finds the right one."""

    status = 404
    code = "not_found"

    def __init__(self, detail: str, suggestions: list[str] | None = None) -> None:
        super().__init__(detail, suggestions=suggestions or [])
        self.suggestions = suggestions or []
        self.links: list[tuple[str, str]] = []  # (label, URL) for the suggestions, filled by the web pages


def unknown(what: str, ident: object) -> NotFound:
    """``no <what> <ident>`` (``what`` is a key of :data:`UNKNOWN`), the id cut to 40 characters."""
    shown = str(ident)[:40]
    message = UNKNOWN.get(what)
    if message is None:
        return NotFound(_("no %(what)s %(id)s", what=what, id=shown))
    return NotFound(str(message) % {"id": shown})


def id_or_404(value: uuid.UUID | str, what: str) -> uuid.UUID:
    """An id given as a UUID or text; a malformed one is answered like an unknown one (404)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise unknown(what, value) from exc


class InvalidInput(LiaisonError):
    """A field's value is wrong; ``field`` names it (as sent: never translated), ``reason`` says what is wrong."""

    status = 422
    code = "invalid"

    def __init__(self, field: str, detail: str) -> None:
        reason = str(detail)
        # Translators: an error about one field of a form or API request: the field's name as sent (not translated),
        # then what is wrong with it, e.g. "country: 'XX' is not an ISO 3166 country code".
        super().__init__(_("%(field)s: %(reason)s", field=field, reason=reason), field=field)
        self.field = field
        self.reason = reason


class NotAuthenticated(LiaisonError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(LiaisonError):
    status = 403
    code = "forbidden"


class Conflict(LiaisonError):
    status = 409
    code = "conflict"


class TooLarge(LiaisonError):
    """An upload or document over the size limit."""

    status = 413
    code = "too_large"


class DeliveryFailed(LiaisonError):
    """A message could not be handed to its channel (SMTP down, gateway refused)."""

    status = 502
    code = "delivery_failed"
