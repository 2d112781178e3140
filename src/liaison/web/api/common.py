"""Helpers shared by the API routers: the base of every input, parsing times, reading size-limited bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, model_validator

from liaison import i18n, timeinput
from liaison.errors import InvalidInput, TooLarge
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


async def read_upload(request: Request, limit: int) -> tuple[bytes, str]:
    """The file: the raw body, or a multipart ``file`` field; 413 over ``limit`` (checked on the declared length
    before anything is read, then while reading)."""
    too_large = _(
        "the file is over the import limit of %(limit)s bytes (LIAISON_IMPORT_MAX_BYTES)", limit=i18n.number(limit)
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 65536:
        raise TooLarge(too_large)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=10, max_part_size=limit + 1) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput("file", _("upload the file as the form field 'file'"))
            return await upload.read(), upload.filename or ""
    return await read_limited(request, limit, too_large), request.headers.get("x-filename", "")[:300]
