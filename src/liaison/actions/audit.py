"""Writing audit rows. Called inside the action's transaction, so the change and its record stand or fall together."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from liaison.models import AuditEvent, DirectoryRevision
from liaison.principal import Principal


def audit(
    session: Session,
    *,
    actor: Principal,
    action: str,
    target_type: str = "",
    target_id: uuid.UUID | str | None = None,
    network_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_name=actor.username,
        organisation_id=actor.organisation_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        network_id=network_id,
        via=actor.via,
        ip=actor.ip,
        details=_jsonable(details or {}),
    )
    session.add(event)
    return event


def bump_directory(session: Session) -> None:
    """Tell every process's directory cache that the directory changed (same transaction as the change).

    ``session.info["directory_changed"]`` lets this process's cache refresh right after the commit."""
    session.info["directory_changed"] = True
    result = session.execute(
        update(DirectoryRevision).where(DirectoryRevision.id == 1).values(revision=DirectoryRevision.revision + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DirectoryRevision(id=1, revision=1))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
