"""Audit API (auditors): read and export the audit log."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from liaison.actions import evidence
from liaison.db import transaction
from liaison.errors import PermissionDenied
from liaison.i18n import _
from liaison.queries import audit as q
from liaison.web.api.common import parse_at
from liaison.web.deps import Actor, State

router = APIRouter(tags=["audit"])


@router.get(
    "/audit",
    summary="Audit events, newest first (auditors)",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def list_events(
    actor: Actor,
    st: State,
    since: str | None = None,
    until: str | None = None,
    action: str | None = None,
    user: str | None = None,
    target_id: str | None = None,
    limit: int = Query(200, ge=1, le=10_000),
    format: Literal["json", "csv"] = "json",
) -> Any:
    if not actor.is_auditor:
        raise PermissionDenied(_("reading the audit log needs the auditor role"))
    st.read_audit.flush()
    with st.sessions() as session:
        rows = q.events(
            session,
            since=parse_at(since, "since") if since else None,
            until=parse_at(until, "until") if until else None,
            action=action,
            actor=user,
            target_id=target_id,
            limit=limit,
        )
        out: Any = q.to_csv(rows) if format == "csv" else [q.event_json(e) for e in rows]
    with transaction(st.sessions) as session:
        evidence.audit_log_read(
            session,
            actor=actor,
            export=format == "csv",
            details={"since": since, "until": until, "action": action, "user": user, "limit": limit},
        )
    if format == "csv":
        return Response(
            out,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="liaison-audit.csv"'},
        )
    return out
