"""Helpers shared by the API routers: looking things up with need-to-know checks, parsing times, reading
size-limited bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy.orm import Session

from liaison import timeinput
from liaison.errors import NotFound, TooLarge
from liaison.models import Base, utcnow
from liaison.principal import Principal
from liaison.queries.duty import find_member, find_network
from liaison.queries.snapshot import MemberView, NetworkView, Snapshot

T = TypeVar("T", bound=Base)


def _refuse_nul(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path or 'value'} must not contain NUL characters")
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
    return timeinput.instant(value, field, default=utcnow)


def network_member(snap: Snapshot, actor: Principal, network: str, member: str) -> tuple[NetworkView, MemberView]:
    n = find_network(snap, network, actor)
    return n, find_member(snap, n, member)


def get_or_404(session: Session, model: type[T], ident: uuid.UUID, what: str) -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"no {what} {ident}")
    return obj


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
