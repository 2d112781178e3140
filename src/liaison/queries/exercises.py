"""Reachability exercise reports: per member, who was notified, on which channels, how long they took to
acknowledge, who was unreachable and which channels are stale or failed; and the trend over past exercises.

Metadata only: the report is for the secretariat that ran the exercise, and a reachability test has no
content worth hiding anyway.
"""

from __future__ import annotations

import statistics
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.channels.freshness import STALE_DAYS, staleness
from liaison.errors import id_or_404, unknown
from liaison.models import Channel, Exercise, Message, Network, Notification, utcnow
from liaison.principal import Principal
from liaison.queries.exchange import require_oversight


def exercises_of(session: Session, p: Principal, network: Network, limit: int = 50) -> list[Exercise]:
    require_oversight(p, network)
    return list(
        session.scalars(
            select(Exercise)
            .where(Exercise.network_id == network.id)
            .order_by(Exercise.scheduled_at.desc())
            .limit(limit)
        )
    )


def get_exercise(session: Session, p: Principal, exercise_id: uuid.UUID | str) -> Exercise:
    ident = id_or_404(exercise_id, "exercise")
    ex = session.get(Exercise, ident)
    if ex is None or not (p.is_admin or p.administers(ex.network_id)):
        raise unknown("exercise", exercise_id)
    return ex


def _summary(ex: Exercise, message: Message | None, now: datetime) -> dict[str, Any]:
    window = timedelta(minutes=ex.window_minutes)
    rows = message.addressees if message else []
    times = sorted(
        (a.acknowledged_at - message.sent_at).total_seconds()
        for a in rows
        if message and a.acknowledged_at is not None and a.acknowledged_at - message.sent_at <= window
    )
    finished = message is not None and now >= message.sent_at + window
    return {
        "id": str(ex.id),
        "scheduled_at": ex.scheduled_at.isoformat(),
        "started_at": ex.started_at.isoformat() if ex.started_at else None,
        "status": "finished" if ex.status == "running" and finished else ex.status,
        "window_minutes": ex.window_minutes,
        "members": len(rows),
        "reached": len(times),
        "reached_share": round(len(times) / len(rows), 3) if rows else None,
        "median_seconds": round(statistics.median(times), 1) if times else None,
    }


def report(
    session: Session, p: Principal, ex: Exercise, now: datetime | None = None, stale_days: int = STALE_DAYS
) -> dict[str, Any]:
    now = now or utcnow()
    require_oversight(p, ex.network)
    message = session.scalar(select(Message).where(Message.exercise_id == ex.id))
    window = timedelta(minutes=ex.window_minutes)
    members = []
    if message is not None:
        notes = session.scalars(select(Notification).where(Notification.message_id == message.id)).all()
        channel_ids = {n.channel_id for n in notes if n.channel_id}
        verified = (
            dict(session.execute(select(Channel.id, Channel.verified_at).where(Channel.id.in_(channel_ids))).all())
            if channel_ids
            else {}
        )
        by_addressee: dict[uuid.UUID, list[Notification]] = {}
        for n in notes:
            by_addressee.setdefault(n.addressee_id, []).append(n)
        for a in message.addressees:
            mine = by_addressee.get(a.id, [])
            took = (a.acknowledged_at - message.sent_at).total_seconds() if a.acknowledged_at else None
            if took is not None and took <= window.total_seconds():
                result = "reached"
            elif took is not None:
                result = "late"
            elif now < message.sent_at + window:
                result = "waiting"
            else:
                result = "unreachable"
            stale = []
            for n in mine:
                if n.channel_id is None:
                    continue
                if n.status == "failed":
                    stale.append(
                        {"channel": n.channel_kind, "address": n.address, "problem": f"failed: {n.last_error}"}
                    )
                elif (found := staleness(verified.get(n.channel_id), now, stale_days)) is not None:
                    stale.append({"channel": n.channel_kind, "address": n.address, "problem": found.problem()})
            members.append(
                {
                    "member": a.member_code or a.label,
                    "label": a.label,
                    "contacts": sorted({n.contact_name for n in mine if n.contact_name}),
                    "channels": sorted({n.channel_kind for n in mine if n.channel_kind}),
                    "notified": any(n.status == "sent" for n in mine),
                    "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
                    "acknowledged_by": a.acknowledged_by or None,
                    "seconds_to_acknowledge": round(took, 1) if took is not None else None,
                    "result": result,
                    "problems": stale
                    + [{"channel": None, "address": None, "problem": n.reason} for n in mine if n.status == "skipped"],
                }
            )
    members.sort(key=lambda r: ({"unreachable": 0, "late": 1, "waiting": 2, "reached": 3}[r["result"]], r["member"]))
    past = session.scalars(
        select(Exercise)
        .where(
            Exercise.network_id == ex.network_id, Exercise.status == "running", Exercise.scheduled_at <= ex.scheduled_at
        )
        .order_by(Exercise.scheduled_at.desc())
        .limit(24)
    ).all()
    msgs = (
        {
            m.exercise_id: m
            for m in session.scalars(select(Message).where(Message.exercise_id.in_([e.id for e in past])))
        }
        if past
        else {}
    )
    trend = [_summary(e, msgs.get(e.id), now) for e in reversed(past)]
    return {
        "exercise": _summary(ex, message, now),
        "network": ex.network.code,
        "note": ex.note or None,
        "message_id": str(message.id) if message else None,
        "members": members,
        "trend": trend,
    }
