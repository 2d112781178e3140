"""Read side of the exchange, shared by the API, the pages and the CLI: a message with its delivery and
escalation history, the inbox, and the secretariat's dashboard (metadata only).

Every function takes the acting principal and applies need to know in the query itself
(:mod:`liaison.queries.message_access`); reading a message's content is audited by the caller's
transaction (:func:`read_message`).
"""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.errors import NotFound, PermissionDenied
from liaison.escalation import Policy, next_due
from liaison.i18n import _
from liaison.models import (
    Addressee,
    Attachment,
    CaseStep,
    Job,
    Member,
    Message,
    Network,
    Notification,
    Organisation,
    utcnow,
)
from liaison.principal import Principal
from liaison.queries.message_access import acts, message_or_404, party, readable

ACK_STATES = ("waiting", "acknowledged")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return round((b - a).total_seconds(), 1) if a and b else None


def next_escalation(m: Message, a: Addressee, now: datetime) -> dict[str, Any] | None:
    """The step the chain will fire next for this addressee, if it is still running."""
    if m.policy is None or a.acknowledged_at is not None or m.status == "closed" or a.escalation != "running":
        return None
    step = next_due(Policy.from_json(m.policy), m.sent_at, now, None)
    return None if step is None else {"target": step.target, "round": step.round, "due_at": step.due_at.isoformat()}


def addressee_json(m: Message, a: Addressee, now: datetime) -> dict[str, Any]:
    return {
        "id": str(a.id),
        "member": a.member_code or None,
        "label": a.label,
        "contact_point_id": str(a.contact_point_id) if a.contact_point_id else None,
        "acknowledged_at": _iso(a.acknowledged_at),
        "acknowledged_by": a.acknowledged_by or None,
        "acknowledged_via": a.acknowledged_via or None,
        "seconds_to_acknowledge": _seconds(m.sent_at, a.acknowledged_at),
        "escalation": a.escalation,
        "next_escalation": next_escalation(m, a, now),
        "answer": a.answer,
        "answer_by": _iso(a.answer_by),
        "answered_at": _iso(a.answered_at),
        "answer_note": a.answer_note or None,
        "response_overdue": clock_overdue(m, a, now),
    }


def clock_overdue(m: Message, a: Addressee, now: datetime) -> bool:
    """A request's response clock is overdue when its deadline passed without the addressee saying whether
    and when it will answer (a late word keeps it marked: the clock was missed)."""
    if m.response_due_at is None:
        return False
    if a.answered_at is not None:
        return a.answered_at > m.response_due_at
    return now > m.response_due_at and m.status != "closed"


def notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": str(n.id),
        "addressee_id": str(n.addressee_id),
        "round": n.round,
        "step": n.step,
        "target": n.target,
        "reason": n.reason,
        "contact": n.contact_name or None,
        "channel": n.channel_kind or None,
        "address": n.address or None,
        "status": n.status,
        "attempts": n.attempts,
        "last_error": n.last_error or None,
        "due_at": _iso(n.due_at),
        "sent_at": _iso(n.sent_at),
        "link_used_at": _iso(n.ack_used_at),
    }


def _names(session: Session, m: Message) -> tuple[str | None, str | None]:
    org = session.get(Organisation, m.sender_organisation_id) if m.sender_organisation_id else None
    member = session.get(Member, m.sender_member_id) if m.sender_member_id else None
    return (org.name if org else None), (member.code if member else None)


def message_json(session: Session, p: Principal, m: Message, now: datetime | None = None) -> dict[str, Any]:
    """The whole message as ``p`` may see it: content, addressees, delivery and escalation history, case
    steps, the thread, and what ``p`` may do with it."""
    now = now or utcnow()
    who = party(p, m)
    org, member = _names(session, m)
    notes = session.scalars(
        select(Notification).where(Notification.message_id == m.id).order_by(Notification.due_at, Notification.key)
    ).all()
    steps = session.scalars(select(CaseStep).where(CaseStep.message_id == m.id).order_by(CaseStep.at)).all()
    thread = session.execute(
        select(Message.id, Message.subject, Message.sent_at, Message.sender_name)
        .where(Message.thread_id == m.thread_id, readable(p))
        .order_by(Message.sent_at)
    ).all()
    mine = {a.id for a in who.addressees}
    may_act = acts(p)
    return {
        "id": str(m.id),
        "network": m.network.code,
        "kind": m.kind,
        "priority": m.priority,
        "subject": m.subject,
        "body": m.body,
        "language": m.language,
        "legal_basis": m.legal_basis,
        "marking": {
            "tlp": m.tlp,
            "originator_control": m.originator_control,
            "purpose": m.purpose or None,
            "releasable_to": list(m.releasable_to),
            "label": m.marking.label,
        },
        "forward_consent": list(m.forward_consent),
        "sender": {"name": m.sender_name, "organisation": org, "member": member},
        "sent_at": m.sent_at.isoformat(),
        "status": m.status,
        "closed_at": _iso(m.closed_at),
        "outcome": m.outcome or None,
        "response_due_at": _iso(m.response_due_at),
        "escalation_policy": m.policy_text or None,
        "thread_id": str(m.thread_id),
        "parent_id": str(m.parent_id) if m.parent_id else None,
        "forwarded_from_id": str(m.forwarded_from_id) if m.forwarded_from_id else None,
        "case_step": m.case_step,
        "exercise_id": str(m.exercise_id) if m.exercise_id else None,
        "addressees": [{**addressee_json(m, a, now), "yours": a.id in mine} for a in m.addressees],
        "attachments": [
            {
                "id": str(x.id),
                "filename": x.filename,
                "content_type": x.content_type,
                "size": x.size,
                "sha256": x.sha256,
            }
            for x in m.attachments
        ],
        "notifications": [notification_json(n) for n in notes],
        "case_steps": [
            {"step": c.step, "at": c.at.isoformat(), "by": c.by_name, "note": c.note or None} for c in steps
        ],
        "thread": [
            {"id": str(i), "subject": s, "sent_at": t.isoformat(), "sender": n, "current": i == m.id}
            for i, s, t, n in thread
        ],
        "you": {
            "sender": who.sender,
            "addressee": bool(who.addressees),
            "may_acknowledge": may_act and any(a.acknowledged_at is None for a in who.addressees),
            "may_reply": may_act and m.status == "open",
            "may_forward": may_act and (who.addressees != () or who.sender) and m.tlp != "RED",
            "may_export": may_act and (m.tlp != "RED" or who.sender or who.operator),
            "may_close": may_act and m.status == "open" and (who.sender or who.operator),
        },
    }


def read_message(
    session: Session, p: Principal, message_id: uuid.UUID | str, now: datetime | None = None
) -> dict[str, Any]:
    """The message as JSON, with the read audited in the caller's transaction."""
    m = message_or_404(session, p, message_id)
    data = message_json(session, p, m, now)
    audit(
        session,
        actor=p,
        action="message.read",
        target_type="message",
        target_id=m.id,
        network_id=m.network_id,
        details={"kind": m.kind, "tlp": m.tlp},
    )
    return data


# -- the inbox --


@dataclass(frozen=True)
class InboxItem:
    message: Message
    mine: tuple[Addressee, ...]
    sender_org: str | None
    next_step_at: datetime | None

    def to_json(self, now: datetime) -> dict[str, Any]:
        m = self.message
        acked = all(a.acknowledged_at is not None for a in self.mine) if self.mine else None
        return {
            "id": str(m.id),
            "network": m.network.code,
            "kind": m.kind,
            "priority": m.priority,
            "subject": m.subject,
            "tlp": m.tlp,
            "sender": self.sender_org or m.sender_name,
            "sent_at": m.sent_at.isoformat(),
            "status": m.status,
            "direction": "in" if self.mine else "out",
            "acknowledged": acked,
            "escalates_at": _iso(self.next_step_at) if acked is False else None,
            "response_due_at": _iso(m.response_due_at),
            "response_overdue": any(clock_overdue(m, a, now) for a in (self.mine or m.addressees)),
            "addressees": [{"label": a.label, "acknowledged": a.acknowledged_at is not None} for a in m.addressees],
            "thread_id": str(m.thread_id),
        }


def inbox(
    session: Session,
    p: Principal,
    *,
    box: str = "in",
    status: str = "open",
    network: str | None = None,
    limit: int = 100,
    now: datetime | None = None,
    order: str = "priority",
) -> list[InboxItem]:
    """Messages to ``p``'s organisation (``box="in"``) or from it (``"out"``).

    ``order="priority"``: flash first, then newest. ``order="waiting"`` (the inbox page): what is still waiting
    for an acknowledgement first (to ``p``'s organisation, or for a sent message from any addressee), most
    urgent first, then everything else newest first.

    A reachability test that ``p``'s organisation has acknowledged is over for it: in its inbox it counts as
    closed even while other members have still to acknowledge (the test closes itself once all have)."""
    now = now or utcnow()
    if p.organisation_id is None:
        return []
    to_me = Message.id.in_(select(Addressee.message_id).where(Addressee.organisation_id == p.organisation_id))
    q = select(Message).where(
        readable(p), to_me if box == "in" else Message.sender_organisation_id == p.organisation_id
    )
    unacked_by = Addressee.organisation_id == p.organisation_id if box == "in" else true()
    waiting = and_(
        Message.status == "open",
        select(Addressee.id)
        .where(Addressee.message_id == Message.id, unacked_by, Addressee.acknowledged_at.is_(None))
        .exists(),
    )
    test_done = and_(Message.kind == "reachability_test", ~waiting) if box == "in" else None
    if status == "open":
        q = q.where(Message.status == "open")
        if test_done is not None:
            q = q.where(~test_done)
    elif status == "closed":
        q = q.where(or_(Message.status == "closed", test_done) if test_done is not None else Message.status == "closed")
    if network:
        q = q.join(Network, Network.id == Message.network_id).where(Network.code == network.upper())
    prio = case({"flash": 0, "urgent": 1}, value=Message.priority, else_=2)
    if order == "waiting":
        first = case((waiting, 0), else_=1)
        urgent_first = case((waiting, prio), else_=0)
        q = q.order_by(first, urgent_first, Message.sent_at.desc(), Message.id)
    else:
        q = q.order_by(prio, Message.sent_at.desc(), Message.id)
    rows = session.scalars(q.limit(limit)).all()
    ids = [a.id for m in rows for a in m.addressees if a.organisation_id == p.organisation_id]
    due = (
        dict(
            session.execute(
                select(Job.ref_id, Job.due_at).where(Job.kind == "escalate", Job.done_at.is_(None), Job.ref_id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all()) if rows else {}
    items = []
    for m in rows:
        mine = tuple(a for a in m.addressees if a.organisation_id == p.organisation_id) if box == "in" else ()
        nxt = min((due[a.id] for a in mine if a.id in due), default=None)
        items.append(InboxItem(m, mine, orgs.get(m.sender_organisation_id) if m.sender_organisation_id else None, nxt))
    return items


# -- the secretariat's dashboard: metadata only --


def require_oversight(p: Principal, network: Network) -> None:
    if not (p.is_admin or p.administers(network.id)):
        raise PermissionDenied(_("the dashboard is for the network's secretariat"))


def dashboard(
    session: Session, p: Principal, network: Network, now: datetime | None = None, days: int = 90
) -> dict[str, Any]:
    """Open items, escalations in progress, failed deliveries, overdue clocks and response times per member:
    metadata only (kind, priority, who, when), never subjects or content."""
    now = now or utcnow()
    require_oversight(p, network)
    since = now - timedelta(days=days)
    msgs = session.scalars(
        select(Message)
        .where(
            Message.network_id == network.id,
            Message.parent_id.is_(None),
            or_(Message.status == "open", Message.sent_at >= since),
        )
        .order_by(Message.sent_at.desc())
    ).all()
    members = dict(session.execute(select(Member.id, Member.code)).all())
    open_items, escalating, overdue = [], [], []
    per_member: dict[str, list[float]] = {}
    unacked: dict[str, int] = {}
    for m in msgs:
        sender = members.get(m.sender_member_id) if m.sender_member_id else None
        meta = {
            "id": str(m.id),
            "kind": m.kind,
            "priority": m.priority,
            "from": sender or m.sender_name,
            "sent_at": m.sent_at.isoformat(),
            "tlp": m.tlp,
        }
        for a in m.addressees:
            code = a.member_code or a.label
            if a.acknowledged_at is not None and m.sent_at >= since:
                per_member.setdefault(code, []).append((a.acknowledged_at - m.sent_at).total_seconds())
            elif a.acknowledged_at is None and m.sent_at >= since:
                unacked[code] = unacked.get(code, 0) + 1
            if m.status == "open" and a.acknowledged_at is None and a.escalation == "running":
                escalating.append({**meta, "to": code, "next": next_escalation(m, a, now)})
            if clock_overdue(m, a, now) and m.status == "open":
                overdue.append({**meta, "to": code, "response_due_at": _iso(m.response_due_at)})
        if m.status == "open":
            open_items.append(
                {
                    **meta,
                    "to": [a.member_code or a.label for a in m.addressees],
                    "acknowledged": sum(1 for a in m.addressees if a.acknowledged_at),
                    "addressees": len(m.addressees),
                }
            )
    failed = session.execute(
        select(Notification, Message.kind, Message.priority)
        .join(Message, Message.id == Notification.message_id)
        .where(
            Message.network_id == network.id,
            or_(Notification.status == "failed", and_(Notification.status == "pending", Notification.last_error != "")),
            Notification.due_at >= since,
        )
        .order_by(Notification.due_at.desc())
        .limit(100)
    ).all()
    times = []
    for code in sorted(set(per_member) | set(unacked)):
        values = sorted(per_member.get(code, []))
        times.append(
            {
                "member": code,
                "acknowledged": len(values),
                "not_acknowledged": unacked.get(code, 0),
                "median_seconds": round(statistics.median(values), 1) if values else None,
                "p90_seconds": round(values[min(len(values) - 1, int(0.9 * len(values)))], 1) if values else None,
            }
        )
    return {
        "network": network.code,
        "at": now.isoformat(),
        "days": days,
        "open": open_items,
        "escalating": escalating,
        "overdue": overdue,
        "failed_deliveries": [
            {
                "message_id": str(n.message_id),
                "kind": k,
                "priority": pr,
                "contact": n.contact_name,
                "channel": n.channel_kind,
                "status": n.status,
                "attempts": n.attempts,
                "error": n.last_error,
                "due_at": n.due_at.isoformat(),
            }
            for n, k, pr in failed
        ],
        "response_times": times,
    }


def failing_channels(session: Session, since: datetime | None = None) -> dict[uuid.UUID, str]:
    """Channels whose latest notification (since ``since``, default 30 days) failed: id -> the error."""
    since = since or utcnow() - timedelta(days=30)
    rows = session.execute(
        select(Notification.channel_id, Notification.status, Notification.last_error, Notification.due_at)
        .where(
            Notification.channel_id.is_not(None),
            Notification.due_at >= since,
            Notification.status.in_(("sent", "failed")),
        )
        .order_by(Notification.due_at)
    ).all()
    latest: dict[uuid.UUID, tuple[str, str]] = {}
    for channel_id, status, error, _due in rows:
        if channel_id is not None:
            latest[channel_id] = (status, error)
    return {cid: error or "failed" for cid, (status, error) in latest.items() if status == "failed"}


def unacknowledged(session: Session, p: Principal) -> int:
    """Open messages that ``p``'s organisation has still to acknowledge (the count beside "Inbox")."""
    if p.organisation_id is None:
        return 0
    return int(
        session.scalar(
            select(func.count(func.distinct(Addressee.message_id)))
            .join(Message, Message.id == Addressee.message_id)
            .where(
                Addressee.organisation_id == p.organisation_id,
                Addressee.acknowledged_at.is_(None),
                Message.status == "open",
            )
        )
        or 0
    )


def message_by_id(session: Session, ident: uuid.UUID) -> Message | None:
    """The message whatever the reader (callers check :func:`~liaison.queries.message_access.party`)."""
    return session.get(Message, ident)


def readable_thread(session: Session, p: Principal, thread_id: uuid.UUID) -> list[Message]:
    """The messages of a thread that ``p`` may read, oldest first."""
    return list(
        session.scalars(select(Message).where(Message.thread_id == thread_id, readable(p)).order_by(Message.sent_at))
    )


def attachment_of(session: Session, message: Message, attachment_id: str) -> Attachment:
    """An attachment of this message by its id as given in a URL, or 404 (one of another message is answered like an
    unknown one)."""
    try:
        ident = uuid.UUID(attachment_id)
    except ValueError as exc:
        raise NotFound(_("no attachment %(id)r", id=attachment_id[:40])) from exc
    row = session.get(Attachment, ident)
    if row is None or row.message_id != message.id:
        raise NotFound(_("no attachment %(id)r on this message", id=attachment_id[:40]))
    return row


@dataclass(frozen=True, slots=True)
class AckLink:
    """What an acknowledgement link's notification leads to: its message and addressee, and the sender and network
    as the link page names them."""

    notification: Notification
    message: Message
    addressee: Addressee
    sender: str
    network: str


def ack_link(session: Session, notification_id: uuid.UUID) -> AckLink | None:
    """The rows behind an acknowledgement link, or None if any of them is gone."""
    n = session.get(Notification, notification_id)
    m = session.get(Message, n.message_id) if n else None
    a = session.get(Addressee, n.addressee_id) if n else None
    if n is None or m is None or a is None:
        return None
    member = session.get(Member, m.sender_member_id) if m.sender_member_id else None
    org = session.get(Organisation, m.sender_organisation_id) if m.sender_organisation_id else None
    network = session.get(Network, m.network_id)
    return AckLink(
        n,
        m,
        a,
        member.name if member else (org.name if org else m.sender_name),
        f"{network.code} ({network.name})" if network else "",
    )
