"""Reading the audit log (auditors): filtered, paged, exportable as CSV or JSON lines."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.interchange import csv_safe
from liaison.models import AuditEvent

FIELDS = ["id", "at", "actor_name", "action", "target_type", "target_id", "network_id", "via", "ip", "details"]


def events(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str | None = None,
    actor: str | None = None,
    target_id: str | None = None,
    limit: int | None = 500,
) -> Iterator[AuditEvent]:
    q = select(AuditEvent).order_by(AuditEvent.at.desc())
    if since:
        q = q.where(AuditEvent.at >= since)
    if until:
        q = q.where(AuditEvent.at < until)
    if action:
        q = q.where(AuditEvent.action.startswith(action))
    if actor:
        q = q.where(AuditEvent.actor_name == actor)
    if target_id:
        q = q.where(AuditEvent.target_id == target_id)
    if limit:
        q = q.limit(limit)
    yield from session.scalars(q)


def event_json(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": str(e.id),
        "at": e.at.isoformat(),
        "actor_name": e.actor_name,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "network_id": str(e.network_id) if e.network_id else None,
        "via": e.via,
        "ip": e.ip,
        "details": e.details,
    }


def to_csv(rows: Iterator[AuditEvent]) -> str:
    buf = io.StringIO()
    w = csv_safe.Writer(buf)
    w.writerow(FIELDS)
    for e in rows:
        d = event_json(e)
        d["details"] = json.dumps(d["details"], ensure_ascii=False, sort_keys=True)
        w.writerow(d[f] for f in FIELDS)
    return buf.getvalue()
