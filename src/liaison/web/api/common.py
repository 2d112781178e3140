"""Helpers shared by the API routers: looking things up with need-to-know checks, parsing times."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from liaison.errors import InvalidInput, NotFound
from liaison.models import Base, utcnow
from liaison.principal import Principal
from liaison.queries.duty import find_member, find_network
from liaison.queries.snapshot import MemberView, NetworkView, Snapshot

T = TypeVar("T", bound=Base)


def parse_at(value: str | None, field: str = "at") -> datetime:
    """An ISO 8601 instant; a value without an offset is refused rather than guessed."""
    if not value:
        return utcnow()
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(field, f"{value!r} is not an ISO 8601 date-time") from exc
    if at.tzinfo is None:
        raise InvalidInput(field, "give a time zone offset, e.g. 2026-11-23T03:00:00+01:00 or ...Z")
    return at.astimezone(UTC)


def network_member(snap: Snapshot, actor: Principal, network: str, member: str) -> tuple[NetworkView, MemberView]:
    n = find_network(snap, network, actor)
    return n, find_member(snap, n, member)


def get_or_404(session: Session, model: type[T], ident: uuid.UUID, what: str) -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"no {what} {ident}")
    return obj
