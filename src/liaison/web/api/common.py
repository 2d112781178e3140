"""Helpers shared by the API routers: the base of every input, parsing times, reading size-limited bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, model_validator

from liaison import timeinput
from liaison.errors import TooLarge
from liaison.i18n import _
from liaison.queries.duty import network_member

__all__ = ["ApiModel", "network_member", "parse_at", "read_limited"]


def _refuse_nul(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(_("%(field)s must not contain NUL characters", field=path or "value"))
    elif isinstance(value, dict):
        for k, v in value.items():
            _refuse_nul(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _refuse_nul(v, f"{path}[{i}]")


class ApiModel(BaseModel):
    """Base of every API input: unknown fields are refused and no string may carry a NUL character (which
    PostgreSQL cannot store and no legitimate directory entry contains)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        _refuse_nul(data)
        return data


def parse_at(value: str | None, field: str = "at") -> datetime:
    """An ISO 8601 instant with an offset, inside the accepted window (:func:`liaison.timeinput.instant`);
    none means now."""
    return timeinput.instant(value, field)


async def read_limited(request: Request, limit: int, too_large: str) -> bytes:
    """The body, refused with 413 (``too_large``) as soon as the declared or the actual size passes ``limit``,
    so an oversize upload is never held in memory whole."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(too_large)
        chunks.append(chunk)
    return b"".join(chunks)
