"""Reachability exercises: the secretariat schedules a test across its network; at the scheduled time the
worker sends every member's contact on duty a reachability test, which must be acknowledged in time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import timeinput
from liaison.actions.audit import audit
from liaison.actions.exchange import send_message
from liaison.errors import Conflict, InvalidInput, PermissionDenied
from liaison.escalation import queue
from liaison.i18n import _
from liaison.marking import Marking
from liaison.models import Designation, Exercise, Member, Membership, Message, Network, utcnow
from liaison.principal import Principal


def schedule_exercise(
    session: Session,
    *,
    actor: Principal,
    network: Network,
    at: datetime,
    window_minutes: int = 30,
    note: str = "",
    now: datetime | None = None,
) -> Exercise:
    now = now or utcnow()
    if not (actor.is_admin or actor.administers(network.id)):
        raise PermissionDenied(_("only the network's secretariat schedules reachability exercises"))
    at = timeinput.within(at, "at")
    if at < now - timedelta(minutes=1):
        raise InvalidInput("at", _("an exercise cannot be scheduled in the past"))
    timeinput.EXERCISE_WINDOW_MINUTES.check(window_minutes, "window_minutes")
    ex = Exercise(
        network_id=network.id,
        scheduled_at=at,
        window_minutes=window_minutes,
        note=note.strip(),
        created_by=actor.username,
    )
    session.add(ex)
    session.flush()
    queue.enqueue(session, "exercise", ex.id, at)
    session.info["dispatch"] = True
    audit(
        session,
        actor=actor,
        action="exercise.schedule",
        target_type="exercise",
        target_id=ex.id,
        network_id=network.id,
        details={"at": at, "window_minutes": window_minutes},
    )
    return ex


def cancel_exercise(session: Session, *, actor: Principal, exercise: Exercise) -> None:
    if not (actor.is_admin or actor.administers(exercise.network_id)):
        raise PermissionDenied(_("only the network's secretariat cancels its exercises"))
    if exercise.status != "scheduled":
        if exercise.status == "cancelled":
            raise Conflict(_("the exercise is cancelled already"))
        raise Conflict(_("the exercise has started: only a scheduled exercise can be cancelled"))
    exercise.status = "cancelled"
    queue.cancel(session, "exercise", exercise.id)
    audit(
        session,
        actor=actor,
        action="exercise.cancel",
        target_type="exercise",
        target_id=exercise.id,
        network_id=exercise.network_id,
    )


def start_exercise(session: Session, *, exercise: Exercise, now: datetime | None = None) -> Message | None:
    """Send the reachability test to every active member with a designation (run by the worker when due).

    The test is sent in the secretariat's name (it scheduled it), so the secretariat reads the thread."""
    now = now or utcnow()
    if exercise.status != "scheduled":
        return None
    network = exercise.network
    actor = Principal(
        None,
        f"{exercise.created_by} (exercise)",
        network.secretariat_id,
        None,
        frozenset({("network_admin", network.id)}),
        frozenset({network.id}),
        via="worker",
        ip="local",
    )
    codes = list(
        session.scalars(
            select(Member.code)
            .join(Membership, Membership.member_id == Member.id)
            .join(Designation, (Designation.member_id == Member.id) & (Designation.network_id == network.id))
            .where(Membership.network_id == network.id, Membership.status == "active")
            .order_by(Member.code)
        )
    )
    exercise.status, exercise.started_at = "running", now
    if not codes:
        audit(
            session,
            actor=actor,
            action="exercise.start",
            target_type="exercise",
            target_id=exercise.id,
            network_id=network.id,
            details={"members": 0},
        )
        return None
    local = now.strftime("%Y-%m-%d %H:%M UTC")
    message = send_message(
        session,
        actor=actor,
        network=network,
        kind="reachability_test",
        priority="flash",
        subject=f"{network.code} reachability exercise, {local}",
        body=(
            f"This is a reachability exercise of the {network.name} network.\n"
            f"Please acknowledge within {exercise.window_minutes} minutes. No other action is needed."
            + (f"\n\n{exercise.note}" if exercise.note else "")
        ),
        legal_basis="Network terms of reference: reachability of the 24/7 contact points",
        marking=Marking("GREEN"),
        to_members=codes,
        now=now,
        exercise_id=exercise.id,
    )
    audit(
        session,
        actor=actor,
        action="exercise.start",
        target_type="exercise",
        target_id=exercise.id,
        network_id=network.id,
        details={"members": len(codes), "message": str(message.id)},
    )
    return message
