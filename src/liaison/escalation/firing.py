"""Firing an escalation step: resolve who it notifies, write the notification rows, schedule their delivery.

No loop, no threads, no sending: everything here runs inside the caller's transaction. Two callers:
:func:`liaison.actions.exchange.send_message` fires the first step in the transaction that sends the message,
so the notifications exist the moment the message does; the worker (:mod:`liaison.escalation.worker`) fires
the later steps when their timers fall due. Keeping the firing apart from the worker is what lets actions
call it without importing the worker, which itself imports actions (exercises) to run its jobs.

Exactly once: a step's notifications are created under a unique ``key`` (addressee, round, step, contact,
channel) in the transaction that moves the timer, so a step never fires twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, lazyload

from liaison.actions.audit import audit
from liaison.escalation import queue
from liaison.escalation.rules import DueStep, Policy, due_steps, next_due, step_after
from liaison.models import Addressee, Message, Notification
from liaison.principal import Principal
from liaison.queries.duty import duty_answer
from liaison.queries.snapshot import ChannelView, ContactView, Snapshot

log = logging.getLogger("liaison.worker")

WORKER = Principal(None, "liaison worker", None, None, frozenset({("admin", None)}), via="worker", ip="local")
"""The actor of the audit rows the escalation writes (steps fired, deliveries failed)."""
MESSAGE_ONLY = (lazyload(Message.addressees), lazyload(Message.attachments))
"""Loading a message to fire a step or send a notification: its columns and network, not the addressee and
attachment lists the model loads eagerly for the pages (two queries less, each time)."""
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]


# -- resolving a step's target --


@dataclass(frozen=True)
class Target:
    contacts: tuple[ContactView, ...]
    reason: str


def resolve(snap: Snapshot, message: Message, a: Addressee, target: str, at: datetime) -> Target:
    """The contact points a step notifies, resolved when the step fires (who is on duty may have changed
    since the message was sent), with the reason in words for the history."""
    network = snap.networks_by_id.get(message.network_id)
    if network is None:
        return Target((), "the network no longer exists")
    member = snap.members_by_id.get(a.member_id) if a.member_id else None
    designation = snap.designations.get((network.id, member.id)) if member else None
    named = snap.contacts.get(a.contact_point_id) if a.contact_point_id else None

    def active(cs: tuple[ContactView, ...] | list[ContactView]) -> tuple[ContactView, ...]:
        return tuple(c for c in cs if c.is_active)

    if target == "on-duty":
        if a.contact_point_id:
            return Target(active([named]) if named else (), "the named contact point")
        if member is None:
            return Target((), "the addressee is no longer a member")
        answer = duty_answer(snap, network, member, at)
        if answer.contact is not None:
            return Target(active([answer.contact]), "on duty")
        for step in answer.fallback:
            if step.contact.is_active:
                return Target((step.contact,), f"nobody on duty: the fallback ({step.role})")
        return Target((), "nobody on duty and no fallback")
    if target == "deputy":
        if designation is None or designation.deputy_id is None or designation.deputy_id not in snap.contacts:
            return Target((), "no deputy designated")
        return Target(active([snap.contacts[designation.deputy_id]]), "the deputy")
    if target == "desk":
        org = designation.agency_id if designation else (named.organisation_id if named else None)
        desks = active(snap.desks.get(org, ())) if org else ()
        return Target(desks, "the agency's 24/7 desk" if desks else "the agency has no 24/7 desk")
    if target == "secretariat":
        desks = active(snap.desks.get(network.secretariat_id, ())) if network.secretariat_id else ()
        return Target(desks, "the secretariat's desk" if desks else "the secretariat has no 24/7 desk")
    return Target((), f"unknown target {target!r}")


# -- firing steps --


def fire_due(
    session: Session, snap: Snapshot, a: Addressee, now: datetime, *, new: bool = False
) -> tuple[datetime | None, list[uuid.UUID]]:
    """Fire the addressee's due steps not yet fired; returns the next due time (None: chain over) and the ids
    of the new notifications to deliver.

    The notification rows and their delivery jobs are written with one Core INSERT each (executemany) for
    all the steps fired, not as ORM objects flushed step by step: nothing here reads them back, and this
    runs inside every send. The message and the addressee must be in the database already (flushed).
    ``new``: the addressee was created in this transaction (the send), so no step has fired yet and the
    notifications already written need not be read.

    Within a round, a contact already notified by an earlier step is not notified again (the deputy may be
    the one on duty): the step records the repeat as skipped, and when it reached nobody new, the next step of
    the round fires at once instead of after its delay, so the chain loses no time on someone already called.
    """
    message = session.get(Message, a.message_id, options=MESSAGE_ONLY)
    if message is None or message.policy is None:
        return None, []
    if a.acknowledged_at is not None or message.status == "closed":
        if a.escalation == "running":
            a.escalation = "stopped"
        return None, []
    policy = Policy.from_json(message.policy)
    fired: set[tuple[int, int]] = set()
    notified: dict[int, dict[uuid.UUID, str]] = {}  # round -> contact -> the step that notified it
    rows = (
        ()
        if new
        else session.execute(
            select(
                Notification.round,
                Notification.step,
                Notification.target,
                Notification.contact_point_id,
                Notification.status,
            ).where(Notification.addressee_id == a.id)
        )
    )
    for r, i, target, contact_id, status in rows:
        fired.add((r, i))
        if contact_id is not None and status != "skipped":
            notified.setdefault(r, {}).setdefault(contact_id, _step_name(i, target))
    due = [d for d in due_steps(policy, message.sent_at, now, None) if (d.round, d.index) not in fired]
    latest = max((d.round for d in due), default=0)
    inserts: list[dict[str, object]] = []  # the notification rows to write
    created: list[uuid.UUID] = []
    while due:
        d = due.pop(0)
        if d.round < latest:
            inserts.append(
                _note(
                    message,
                    a,
                    d,
                    status="skipped",
                    suffix="superseded",
                    reason="superseded: a later round was due by the time the worker ran",
                )
            )
            fired.add((d.round, d.index))
            continue
        ids, reached_nobody_new = _fire(session, snap, message, a, d, now, notified.setdefault(d.round, {}), inserts)
        created.extend(ids)
        fired.add((d.round, d.index))
        following = step_after(policy, message.sent_at, d)
        if (
            reached_nobody_new
            and following is not None
            and following.round == d.round
            and (following.round, following.index) not in fired
            and not any((x.round, x.index) == (following.round, following.index) for x in due)
        ):
            due.insert(0, DueStep(following.round, following.index, following.target, now))
    if inserts:
        session.execute(insert(NOTIFICATIONS), inserts)
        queue.enqueue_new(session, "deliver", created, now, priority=message.priority)
    nxt = next_due(policy, message.sent_at, now, None)
    while nxt is not None and (nxt.round, nxt.index) in fired:  # a step fired early is not fired again
        nxt = step_after(policy, message.sent_at, nxt)
    if nxt is None:
        a.escalation = "exhausted"
    return (nxt.due_at if nxt else None), created


def _step_name(index: int, target: str) -> str:
    return f"{target} (step {index + 1})"


def _note(
    message: Message,
    a: Addressee,
    d: DueStep,
    *,
    status: str,
    suffix: str,
    reason: str,
    contact: ContactView | None = None,
    channel: ChannelView | None = None,
) -> dict[str, object]:
    """A notification row for :func:`fire_due`'s INSERT (every row has the same keys: one executemany)."""
    return dict(
        id=uuid.uuid4(),
        message_id=message.id,
        addressee_id=a.id,
        key=f"{a.id}:{d.round}:{d.index}:{suffix}",
        round=d.round,
        step=d.index,
        target=d.target,
        reason=reason,
        contact_point_id=contact.id if contact else None,
        contact_name=contact.name if contact else "",
        status=status,
        due_at=d.due_at,
        channel_id=channel.id if channel else None,
        channel_kind=channel.kind if channel else "",
        address=channel.value if channel else "",
    )


def _fire(
    session: Session,
    snap: Snapshot,
    message: Message,
    a: Addressee,
    d: DueStep,
    now: datetime,
    notified: dict[uuid.UUID, str],
    rows: list[dict[str, object]],
) -> tuple[list[uuid.UUID], bool]:
    """Fire one step: a pending notification per channel of each contact the step resolves to, skipping the
    contacts in ``notified`` (already notified in this round, which this updates). Returns the notifications
    and whether the step resolved to contacts but reached none of them anew (the chain then goes on at once).
    The rows go to ``rows``; the caller inserts them."""
    target = resolve(snap, message, a, d.target, now)
    out: list[uuid.UUID] = []
    repeats = [c for c in target.contacts if c.id in notified]
    if not target.contacts:
        rows.append(_note(message, a, d, status="skipped", suffix="none", reason=target.reason))
    for c in repeats:
        rows.append(
            _note(
                message,
                a,
                d,
                status="skipped",
                suffix=f"{c.id}:repeat",
                contact=c,
                reason=f"{target.reason}; already notified as {notified[c.id]}",
            )
        )
    for c in target.contacts:
        if c.id in notified:
            continue
        if not c.channels:
            rows.append(
                _note(
                    message,
                    a,
                    d,
                    status="skipped",
                    suffix=f"{c.id}:none",
                    contact=c,
                    reason=f"{target.reason}; {c.name} has no channel",
                )
            )
            continue
        notified[c.id] = _step_name(d.index, d.target)
        for ch in c.channels:
            n = _note(
                message,
                a,
                d,
                status="pending",
                suffix=f"{c.id}:{ch.id}",
                contact=c,
                reason=target.reason,
                channel=ch,
            )
            rows.append(n)
            out.append(n["id"])  # type: ignore[arg-type]
    log.info(
        "message %s to %s: round %d step %d (%s) -> %s",
        message.id,
        a.label,
        d.round + 1,
        d.index + 1,
        d.target,
        ", ".join(c.name for c in target.contacts) or target.reason,
    )
    details: dict[str, object] = {
        "addressee": a.label,
        "round": d.round,
        "step": d.index,
        "target": d.target,
        "reason": target.reason,
        "contacts": [c.name for c in target.contacts if c not in repeats],
        "due_at": d.due_at,
        "late_seconds": round((now - d.due_at).total_seconds(), 3),
    }
    if repeats:
        details["already_notified"] = [c.name for c in repeats]
    audit(
        session,
        actor=WORKER,
        action="message.escalate",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details=details,
    )
    return out, bool(repeats) and len(repeats) == len(target.contacts)


__all__ = ["MESSAGE_ONLY", "WORKER", "Target", "fire_due", "resolve"]
