"""The error hierarchy. Each error carries its HTTP status; app.py maps them to responses in one place."""

from __future__ import annotations

import uuid
from typing import Any


class LiaisonError(Exception):
    status = 400
    code = "error"

    def __init__(self, detail: str, **extra: Any) -> None:
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


def id_or_404(value: uuid.UUID | str, what: str) -> uuid.UUID:
    """An id given as a UUID or text; a malformed one is answered like an unknown one (404)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound(f"no {what} {str(value)[:40]}") from exc


class InvalidInput(LiaisonError):
    """A field's value is wrong; ``field`` names it."""

    status = 422
    code = "invalid"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}", field=field)
        self.field = field


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
