"""Exchange writes: send, acknowledge, answer the response clock, reply, forward, close, case steps,
escalation policies. Each is one transaction with its audit row; timers go into the job queue in the same
transaction, so a message is never sent without its escalation, nor escalated without having been sent.

``session.info["dispatch"]`` is set when a job became due at once, so the web layer can wake the embedded
worker right after the commit instead of waiting for its next poll.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from liaison import member_lookup
from liaison import validation as v
from liaison.actions.audit import audit
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooLarge
from liaison.escalation import Policy, PolicyError, parse_policy, queue
from liaison.escalation.firing import fire_due
from liaison.exchange.attachments import AttachmentError, CheckedAttachment, check_attachment, human_size
from liaison.exchange.languages import alpha2
from liaison.i18n import _
from liaison.marking import Marking, MarkingError, may_forward, stricter
from liaison.models import (
    Addressee,
    Attachment,
    CaseStep,
    ContactPoint,
    Designation,
    EscalationPolicy,
    Member,
    Membership,
    Message,
    Network,
    Notification,
    utcnow,
)
from liaison.models.exchange import CASE_STEPS, MESSAGE_KINDS, PRIORITIES
from liaison.principal import Principal
from liaison.queries.message_access import is_operator, require
from liaison.queries.snapshot import DesignationView, MemberView, Snapshot

DEFAULT_POLICIES = {
    "flash": "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat",
    "urgent": "on-duty@0s,deputy@15m,desk@30m,secretariat@1h",
    "routine": "on-duty@0s,deputy@4h",
}
"""Used when a network has set no policy for a priority. A reachability test never escalates: it measures
whether the contact on duty answers."""
TEST_POLICY = "on-duty@0s"
MAX_ATTACHMENTS = 10
MAX_BODY = 100_000


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None


# -- escalation policies --


def set_escalation(session: Session, *, actor: Principal, network: Network, priority: str, text: str) -> Policy:
    if not (actor.is_admin or actor.administers(network.id)):
        raise PermissionDenied(_("only the network's secretariat sets its escalation policies"))
    if priority not in PRIORITIES:
        raise InvalidInput(
            "priority", _("%(priority)r is not one of %(choices)s", priority=priority, choices=", ".join(PRIORITIES))
        )
    try:
        policy = parse_policy(text)
    except PolicyError as exc:
        raise InvalidInput("policy", str(exc)) from exc
    row = session.scalar(
        select(EscalationPolicy).where(EscalationPolicy.network_id == network.id, EscalationPolicy.priority == priority)
    )
    before = row.text if row else None
    if row is None:
        session.add(EscalationPolicy(network_id=network.id, priority=priority, text=policy.text))
    else:
        row.text = policy.text
    audit(
        session,
        actor=actor,
        action="escalation.set",
        target_type="network",
        target_id=network.id,
        network_id=network.id,
        details={"priority": priority, "before": before, "after": policy.text},
    )
    return policy


def policies_in_force(session: Session, network_id: uuid.UUID) -> dict[str, tuple[str, bool]]:
    """For each priority, the policy text a message sent now would freeze, and whether it is the default."""
    own = dict(
        session.execute(
            select(EscalationPolicy.priority, EscalationPolicy.text).where(EscalationPolicy.network_id == network_id)
        ).all()
    )
    return {p: (own[p], False) if p in own else (DEFAULT_POLICIES[p], True) for p in PRIORITIES}


def policy_text(session: Session, network_id: uuid.UUID, priority: str) -> str:
    return policies_in_force(session, network_id)[priority][0]


# -- sending --


def member_codes(
    session: Session, network: Network, queries: Sequence[str], snapshot: Snapshot | None = None
) -> list[str]:
    """The codes of the active members of ``network`` that ``queries`` name (a code, alpha-3 code or English name,
    see :mod:`liaison.member_lookup`), in order and once each; an unknown one is a 404 with close matches, and
    nothing is sent. With a ``snapshot`` that knows the network, its members are read there (see
    :func:`send_message` on why that is safe)."""
    view = snapshot.networks_by_id.get(network.id) if snapshot is not None else None
    if snapshot is not None and view is not None:
        members = {code: snapshot.members[code].name for code in view.members if code in snapshot.members}
    else:
        members = dict(
            session.execute(
                select(Member.code, Member.name)
                .join(Membership, Membership.member_id == Member.id)
                .where(Membership.network_id == network.id, Membership.status == "active")
            ).all()
        )
    codes = []
    for query in (q for q in queries if q.strip()):
        code = member_lookup.resolve(query, members)
        if code is None:
            raise NotFound(
                _("no member %(query)r on %(code)s: nothing was sent", query=query.strip(), code=network.code),
                suggestions=member_lookup.suggest(query, members),
            )
        codes.append(code)
    return list(dict.fromkeys(codes))


def _addressee_for_member(session: Session, network: Network, code: str, snapshot: Snapshot | None) -> Addressee:
    member: Member | MemberView | None
    designation: Designation | DesignationView | None
    if snapshot is not None and code in snapshot.members:
        member = snapshot.members[code]
        designation = snapshot.designations.get((network.id, member.id))
    else:
        member = session.scalar(select(Member).where(Member.code == code))
        assert member is not None  # resolved by member_codes
        designation = session.scalar(
            select(Designation).where(Designation.network_id == network.id, Designation.member_id == member.id)
        )
    if designation is None:
        raise InvalidInput(
            "to",
            _(
                "%(name)s has designated no authority on %(code)s: address a contact point instead",
                name=member.name,
                code=network.code,
            ),
        )
    return Addressee(
        member_id=member.id,
        organisation_id=designation.agency_id,
        label=member.name,
        member_code=member.code,
    )


def _addressee_for_contact(session: Session, network: Network, contact_id: uuid.UUID) -> Addressee:
    cp = session.get(ContactPoint, contact_id)
    if cp is None or not cp.is_active:
        raise NotFound(_("no contact point %(id)s: nothing was sent", id=contact_id))
    org = cp.organisation
    on_network = org.id == network.secretariat_id or (
        org.member_id is not None
        and session.scalar(
            select(Membership.id).where(
                Membership.network_id == network.id,
                Membership.member_id == org.member_id,
                Membership.status == "active",
            )
        )
    )
    if not on_network:
        raise InvalidInput(
            "to",
            _(
                "%(name)s (%(org_name)s) does not belong to a member of %(code)s",
                name=cp.name,
                org_name=org.name,
                code=network.code,
            ),
        )
    return Addressee(
        member_id=org.member_id,
        contact_point_id=cp.id,
        organisation_id=org.id,
        label=f"{cp.name} ({org.short_name or org.name})",
        member_code=org.member.code if org.member else "",
    )


def _check_sender(actor: Principal, network: Network) -> None:
    if is_operator(actor):
        return
    if not actor.can_see_network(network.id) or actor.organisation_id is None:
        raise NotFound(_("no network %(code)r", code=network.code))
    if not any(role in ("contact_point", "network_admin", "analyst", "admin") for role, _ in actor.grants):
        raise PermissionDenied(_("sending needs the contact point, analyst or network admin role"))
    if network.id not in actor.member_networks and not actor.administers(network.id):
        raise PermissionDenied(_("your agency's member does not take part in %(code)s", code=network.code))


def send_message(
    session: Session,
    *,
    actor: Principal,
    network: Network,
    kind: str,
    priority: str,
    subject: str,
    body: str,
    legal_basis: str = "",
    marking: Marking | None = None,
    to_members: Sequence[str] = (),
    to_contacts: Sequence[uuid.UUID] = (),
    attachments: Sequence[Upload] = (),
    response_hours: float | None = 8.0,
    max_attachment_bytes: int = 10 * 1024 * 1024,
    now: datetime | None = None,
    exercise_id: uuid.UUID | None = None,
    snapshot: Snapshot | None = None,
    language: str | None = None,
    _forwarded_from: Message | None = None,
) -> Message:
    """Validate everything first (an unknown addressee or a bad attachment sends nothing), then write the
    message, its addressees, and one escalation timer per addressee due at once. ``language``: the ISO 639
    code of the language the text is written in (stored as two letters where there are two)."""
    now = now or utcnow()
    _check_sender(actor, network)
    if kind not in MESSAGE_KINDS:
        raise InvalidInput("kind", _("%(kind)r is not one of %(choices)s", kind=kind, choices=", ".join(MESSAGE_KINDS)))
    if priority not in PRIORITIES:
        raise InvalidInput(
            "priority", _("%(priority)r is not one of %(choices)s", priority=priority, choices=", ".join(PRIORITIES))
        )
    subject = v.required_text(subject, "subject", 300)
    if len(body) > MAX_BODY:
        raise InvalidInput("body", _("at most %(max_body)s characters", max_body=f"{MAX_BODY:,}"))
    if kind != "reachability_test" and not legal_basis.strip():
        raise InvalidInput(
            "legal_basis", _("say on which legal basis this is shared (e.g. Art. 7 Decision 2005/671/JHA)")
        )
    mark = marking or Marking()
    written_in = alpha2(v.language(language, "language")) if language and language.strip() else None
    if not to_members and not to_contacts:
        raise InvalidInput("to", _("name at least one member or contact point"))
    checked = _check_uploads(attachments, max_attachment_bytes)
    addressees: list[Addressee] = []
    seen: set[tuple[object, object]] = set()
    # With a directory snapshot (the web's and the API's sends), members and designations are read there rather
    # than in four queries: the snapshot is at most ``check_interval`` (0.1 s) behind another process's
    # directory write and never behind this process's, and the first step below resolves who is notified from
    # the same snapshot anyway, so the addressees and the contacts notified come from one picture of the
    # directory. A member removed or re-designated in that 0.1 s is treated as it was just before the change,
    # which is what a send an instant earlier would have done; the later steps resolve afresh when they fire.
    for code in member_codes(session, network, to_members, snapshot):
        a = _addressee_for_member(session, network, code, snapshot)
        seen.add((a.member_id, None))
        addressees.append(a)
    for cid in dict.fromkeys(to_contacts):
        a = _addressee_for_contact(session, network, cid)
        if (a.member_id, a.contact_point_id) not in seen:
            seen.add((a.member_id, a.contact_point_id))
            addressees.append(a)
    text = TEST_POLICY if kind == "reachability_test" else policy_text(session, network.id, priority)
    policy = parse_policy(text)
    mid = uuid.uuid4()
    message = Message(
        id=mid,
        network_id=network.id,
        kind=kind,
        priority=priority,
        subject=subject,
        body=body,
        language=written_in,
        legal_basis=legal_basis.strip(),
        thread_id=mid,
        forwarded_from_id=_forwarded_from.id if _forwarded_from is not None else None,
        sent_at=now,
        policy_text=policy.text,
        policy=policy.to_json(),
        response_due_at=now + timedelta(hours=response_hours) if kind == "request" and response_hours else None,
        case_step="received" if kind == "victim_referral" else None,
        exercise_id=exercise_id,
        addressees=addressees,
        attachments=_attachments(checked),
        **_sender_and_marking(actor, mark),
    )
    session.add(message)
    session.flush()
    if kind == "victim_referral":
        session.add(
            CaseStep(
                message_id=mid,
                step="received",
                at=now,
                by_name=actor.username,
                by_id=actor.user_id,
                organisation_id=actor.organisation_id,
                note="referral sent",
            )
        )
    for a in addressees:
        if snapshot is not None:
            # The first step fires in this transaction: the notifications exist (and their deliveries are due)
            # the moment the message does, and the timer waits for the next step.
            nxt, _created = fire_due(session, snapshot, a, now, new=True)
            if nxt is not None:
                queue.enqueue(session, "escalate", a.id, nxt, new=True, priority=priority)
        else:
            queue.enqueue(session, "escalate", a.id, now, new=True, priority=priority)
    session.info["dispatch"] = True
    audit(
        session,
        actor=actor,
        action="message.send",
        target_type="message",
        target_id=mid,
        network_id=network.id,
        details={
            "kind": kind,
            "priority": priority,
            "marking": mark.label,
            "to": [a.label for a in addressees],
            "attachments": [c.filename for c, _ in checked],
            "policy": message.policy_text,
            "thread": str(message.thread_id),
            "language": written_in,
        },
    )
    return message


def _sender_and_marking(actor: Principal, mark: Marking) -> dict[str, Any]:
    """The columns every new message takes from who sends it and how it is marked (sent, replied, forwarded)."""
    return {
        "tlp": mark.tlp,
        "originator_control": mark.originator_control,
        "purpose": mark.purpose,
        "releasable_to": list(mark.releasable_to),
        "forward_consent": [],
        "sender_id": actor.user_id,
        "sender_name": actor.username,
        "sender_organisation_id": actor.organisation_id,
        "sender_member_id": actor.member_id,
    }


def _attachments(checked: list[tuple[CheckedAttachment, bytes]]) -> list[Attachment]:
    return [
        Attachment(filename=c.filename, content_type=c.content_type, size=c.size, sha256=c.sha256, data=data)
        for c, data in checked
    ]


def _check_uploads(uploads: Sequence[Upload], max_bytes: int) -> list[tuple[CheckedAttachment, bytes]]:
    """Every attachment checked before anything is written; an oversize one is a 413, a wrong one a 422."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise InvalidInput("attachments", _("at most %(max_attachments)s attachments", max_attachments=MAX_ATTACHMENTS))
    checked = []
    for up in uploads:
        if len(up.data) > max_bytes:
            raise TooLarge(
                _(
                    "attachment %(filename)s: %(size)s is over the %(limit)s limit",
                    filename=up.filename,
                    size=human_size(len(up.data)),
                    limit=human_size(max_bytes),
                )
            )
        try:
            checked.append(
                (check_attachment(up.filename, up.data, max_bytes=max_bytes, declared_type=up.content_type), up.data)
            )
        except AttachmentError as exc:
            raise InvalidInput("attachments", str(exc)) from exc
    return checked


# -- acknowledgement and the response clock --


def _stop(session: Session, a: Addressee, now: datetime) -> None:
    if a.escalation == "running":
        a.escalation = "stopped"
    queue.cancel(session, "escalate", a.id, now)


def _close_answered_test(session: Session, actor: Principal, message: Message, now: datetime) -> None:
    """A reachability test asks for nothing but the acknowledgement: once every addressee has acknowledged it,
    it closes itself (no outcome to write; the exercise report keeps the times). The audit row names the
    acknowledgement that completed it."""
    if message.kind != "reachability_test" or message.status != "open":
        return
    if any(a.acknowledged_at is None for a in message.addressees):
        return
    message.status, message.closed_at, message.closed_by_name = "closed", now, ""
    audit(
        session,
        actor=actor,
        action="message.close",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"automatic": True, "why": "every addressee acknowledged the reachability test"},
    )


def acknowledge(
    session: Session,
    *,
    actor: Principal,
    message: Message,
    member: str | None = None,
    now: datetime | None = None,
    via: str | None = None,
) -> list[Addressee]:
    """Acknowledge for every addressee the actor's organisation answers for (or the one ``member`` names)."""
    now = now or utcnow()
    who = require(actor, message, "acknowledge")
    targets = list(who.addressees) if not who.operator else list(message.addressees)
    if member:
        code = member_lookup.resolve(member, {a.member_code: a.label for a in targets if a.member_code})
        targets = [a for a in targets if code is not None and a.member_code == code]
        if not targets:
            raise NotFound(_("%(code)s is not an addressee of this message that you answer for", code=member))
    done = []
    for a in targets:
        if a.acknowledged_at is None:
            a.acknowledged_at, a.acknowledged_by, a.acknowledged_via = now, actor.username, via or actor.via
            _stop(session, a, now)
            done.append(a)
    if not done:
        raise Conflict(_("already acknowledged"))
    audit(
        session,
        actor=actor,
        action="message.acknowledge",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"for": [a.label for a in done], "via": via or actor.via},
    )
    _close_answered_test(session, actor, message, now)
    return done


def acknowledge_notification(
    session: Session, *, notification: Notification, actor: Principal, now: datetime | None = None
) -> tuple[Addressee, bool]:
    """The one-click link: marks the link used (single use) and acknowledges its addressee."""
    now = now or utcnow()
    if notification.ack_used_at is not None:
        raise Conflict(_("this acknowledgement link was already used"))
    notification.ack_used_at = now
    a = session.get(Addressee, notification.addressee_id)
    if a is None:
        raise NotFound(_("the message of this link no longer exists"))
    first = a.acknowledged_at is None
    if first:
        a.acknowledged_at = now
        a.acknowledged_by = notification.contact_name or actor.username
        a.acknowledged_via = "link"
        _stop(session, a, now)
    audit(
        session,
        actor=actor,
        action="message.acknowledge",
        target_type="message",
        target_id=a.message_id,
        details={
            "for": [a.label],
            "via": "link",
            "notification": str(notification.id),
            "first": first,
            "contact": notification.contact_name,
        },
    )
    if first:
        _close_answered_test(session, actor, a.message, now)
    return a, first


def answer_clock(
    session: Session,
    *,
    actor: Principal,
    message: Message,
    will_answer: bool,
    answer_by: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> list[Addressee]:
    """The addressee says whether and by when it will answer a request (stops its response clock)."""
    now = now or utcnow()
    who = require(actor, message, "acknowledge")
    if message.kind != "request":
        raise InvalidInput("kind", _("only a request for information has a response clock"))
    if will_answer and answer_by is not None and answer_by < now:
        raise InvalidInput("answer_by", _("must be in the future"))
    targets = list(who.addressees) if not who.operator else list(message.addressees)
    for a in targets:
        a.answer = "will_answer" if will_answer else "cannot_answer"
        a.answer_by, a.answered_at, a.answer_note = answer_by, a.answered_at or now, note.strip()
        if a.acknowledged_at is None:
            a.acknowledged_at, a.acknowledged_by, a.acknowledged_via = now, actor.username, actor.via
            _stop(session, a, now)
    audit(
        session,
        actor=actor,
        action="message.answer_clock",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"will_answer": will_answer, "answer_by": answer_by, "for": [a.label for a in targets]},
    )
    return targets


# -- threads --


def reply(
    session: Session,
    *,
    actor: Principal,
    message: Message,
    body: str,
    subject: str = "",
    marking: Marking | None = None,
    attachments: Sequence[Upload] = (),
    max_attachment_bytes: int = 10 * 1024 * 1024,
    now: datetime | None = None,
) -> Message:
    """A reply goes to the other side of the thread: from an addressee to the sender, from the sender to every
    addressee. Its marking is at least as strict as the message's. Replying acknowledges."""
    now = now or utcnow()
    who = require(actor, message, "reply")
    if message.status == "closed":
        raise Conflict(_("this thread is closed"))
    mark = stricter(message.marking, marking) if marking else message.marking
    reply_msg = _thread_message(actor, message, body, subject, mark, attachments, max_attachment_bytes, now)
    if who.addressees and not who.sender:
        sender_member = session.get(Member, message.sender_member_id) if message.sender_member_id else None
        reply_msg.addressees = [
            Addressee(
                member_id=message.sender_member_id,
                organisation_id=message.sender_organisation_id,
                label=sender_member.name if sender_member else message.sender_name,
                member_code=sender_member.code if sender_member else "",
                escalation="none",
            )
        ]
        for a in who.addressees:
            if a.acknowledged_at is None:
                a.acknowledged_at, a.acknowledged_by, a.acknowledged_via = now, actor.username, "reply"
                _stop(session, a, now)
            if message.kind == "request" and a.answered_at is None:
                a.answer, a.answered_at = "will_answer", now
    else:
        reply_msg.addressees = [
            Addressee(
                member_id=a.member_id,
                contact_point_id=a.contact_point_id,
                organisation_id=a.organisation_id,
                label=a.label,
                member_code=a.member_code,
                escalation="none",
            )
            for a in message.addressees
        ]
    session.add(reply_msg)
    session.flush()
    audit(
        session,
        actor=actor,
        action="message.reply",
        target_type="message",
        target_id=reply_msg.id,
        network_id=message.network_id,
        details={"in_reply_to": str(message.id), "thread": str(message.thread_id), "marking": mark.label},
    )
    return reply_msg


def _thread_message(
    actor: Principal,
    parent: Message,
    body: str,
    subject: str,
    mark: Marking,
    attachments: Sequence[Upload],
    max_bytes: int,
    now: datetime,
) -> Message:
    if not body.strip():
        raise InvalidInput("body", _("a reply needs a text"))
    if len(body) > MAX_BODY:
        raise InvalidInput("body", _("at most %(max_body)s characters", max_body=f"{MAX_BODY:,}"))
    checked = _check_uploads(attachments, max_bytes)
    subj = subject.strip() or (parent.subject if parent.subject.lower().startswith("re:") else f"Re: {parent.subject}")
    mid = uuid.uuid4()
    return Message(
        id=mid,
        network_id=parent.network_id,
        kind=parent.kind,
        priority=parent.priority,
        subject=subj[:300],
        body=body,
        legal_basis=parent.legal_basis,
        thread_id=parent.thread_id,
        parent_id=parent.id,
        sent_at=now,
        policy=None,
        policy_text="",
        attachments=_attachments(checked),
        **_sender_and_marking(actor, mark),
    )


def grant_forward_consent(session: Session, *, actor: Principal, message: Message, members: Sequence[str]) -> list[str]:
    """The originator consents to onward forwarding to these members (``*``: any member of the network)."""
    who = require(actor, message, "reply")
    if not (who.sender or who.operator):
        raise PermissionDenied(_("only the originator consents to onward forwarding"))
    codes = sorted({"*" if c.strip() == "*" else c.strip().upper() for c in members if c.strip()})
    message.forward_consent = sorted(set(message.forward_consent) | set(codes))
    audit(
        session,
        actor=actor,
        action="message.forward_consent",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"members": codes},
    )
    return message.forward_consent


def forward(
    session: Session,
    *,
    actor: Principal,
    message: Message,
    to_members: Sequence[str],
    note: str = "",
    now: datetime | None = None,
) -> Message:
    """Pass a message on to other members of the network as a new message (its own thread), only where its
    marking allows; the refusal says which rule stopped it."""
    now = now or utcnow()
    who = require(actor, message, "forward")
    if not to_members:
        raise InvalidInput("to", _("name at least one member"))
    mark = message.marking
    to_members = member_codes(session, message.network, to_members)
    for c in to_members:
        consent = who.sender or who.operator or "*" in message.forward_consent or c in message.forward_consent
        decision = may_forward(
            mark, to_member=c, same_organisation=False, within_network=True, originator_consent=consent
        )
        if not decision.allowed:
            audit_refused = {"to": c, "reason": decision.reason}
            raise PermissionDenied(
                _("forwarding to %(code)s refused: %(reason)s", code=c, reason=decision.reason), **audit_refused
            )
    body = (note.strip() + "\n\n---- forwarded message ----\n" if note.strip() else "") + message.body
    copy = send_message(
        session,
        actor=actor,
        network=message.network,
        kind=message.kind,
        priority=message.priority,
        subject=f"Fwd: {message.subject}"[:300],
        body=body,
        legal_basis=message.legal_basis,
        marking=mark,
        to_members=to_members,
        now=now,
        _forwarded_from=message,
        attachments=[Upload(a.filename, a.data, a.content_type) for a in message.attachments],
    )
    audit(
        session,
        actor=actor,
        action="message.forward",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"copy": str(copy.id), "to": list(to_members)},
    )
    return copy


def close(session: Session, *, actor: Principal, message: Message, outcome: str, now: datetime | None = None) -> None:
    """The sender closes the message for everyone (every addressee's escalation stops). An addressee is refused
    (``message_access.CLOSE_REFUSED``): it ends only its own part, by acknowledging or answering."""
    now = now or utcnow()
    require(actor, message, "close")
    if message.status == "closed":
        raise Conflict(_("already closed"))
    outcome = v.required_text(outcome, "outcome", 2000)
    message.status, message.closed_at, message.closed_by_name, message.outcome = "closed", now, actor.username, outcome
    for a in message.addressees:
        _stop(session, a, now)
    audit(
        session,
        actor=actor,
        action="message.close",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"outcome": outcome},
    )


def record_case_step(
    session: Session, *, actor: Principal, message: Message, step: str, note: str = "", at: datetime | None = None
) -> CaseStep:
    """A victim referral moves through received, victim contacted, support engaged, transmitted to the
    prosecutor, closed; each step dated and attributed. Steps may be recorded late but not in the future.

    The step "closed" closes the message when the sender records it; an addressee recording it closes only its
    own part (its escalation stops, as when it acknowledges), never the other addressees' nor the message."""
    now = utcnow()
    at = at or now
    who = require(actor, message, "reply")
    if message.kind != "victim_referral":
        raise InvalidInput("step", _("only a victim-assistance referral is a case with steps"))
    if step not in CASE_STEPS:
        raise InvalidInput("step", _("%(step)r is not one of %(choices)s", step=step, choices=", ".join(CASE_STEPS)))
    if at > now + timedelta(minutes=5):
        raise InvalidInput("at", _("a step cannot be dated in the future"))
    if message.status == "closed" or message.case_step == "closed":
        raise Conflict(_("this case is closed"))
    row = CaseStep(
        message_id=message.id,
        step=step,
        at=at,
        by_name=actor.username,
        by_id=actor.user_id,
        organisation_id=actor.organisation_id,
        note=note.strip(),
    )
    session.add(row)
    message.case_step = step
    audit(
        session,
        actor=actor,
        action="case.step",
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details={"step": step, "at": at, "note": note.strip()},
    )
    if step == "closed" and (who.sender or who.operator):
        close(session, actor=actor, message=message, outcome=note.strip() or "case closed", now=at)
    elif step == "closed":
        for a in who.addressees:
            if a.acknowledged_at is None:
                a.acknowledged_at, a.acknowledged_by, a.acknowledged_via = now, actor.username, "case_step"
            _stop(session, a, now)
    return row


def parse_marking(
    tlp: str = "AMBER", originator_control: bool = False, purpose: str = "", releasable_to: Sequence[str] = ()
) -> Marking:
    from liaison.marking import parse_tlp

    try:
        return Marking(
            parse_tlp(tlp),
            originator_control,
            purpose.strip(),
            tuple(sorted({c.strip().upper() for c in releasable_to if c.strip()})),
        )
    except MarkingError as exc:
        raise InvalidInput("marking", str(exc)) from exc


def get_network(session: Session, actor: Principal, code: str) -> Network:
    n = session.scalar(select(Network).where(Network.code == code.strip().upper()))
    if n is None or not (is_operator(actor) or actor.can_see_network(n.id)):
        raise NotFound(_("no network %(code)r", code=code))
    return n


# -- the one-click acknowledgement link --


@dataclass(frozen=True)
class LinkResult:
    addressee: Addressee
    message_id: uuid.UUID
    first: bool  # False when someone else had acknowledged for this addressee already


def link_actor(notification: Notification | None, via: str, ip: str) -> Principal:
    name = f"{notification.contact_name} (link)" if notification and notification.contact_name else "ack link"
    return Principal(None, name[:80], None, None, frozenset(), via=via, ip=ip)


def acknowledge_with_token(
    sessions: sessionmaker[Session],
    *,
    key: str,
    token: str,
    via: str = "web",
    ip: str = "",
    now: datetime | None = None,
) -> LinkResult:
    """Check the signed link, use it once, acknowledge. A forged, expired or replayed link is refused with
    a clear reason and the refusal is audited in its own transaction (the attempt is evidence too)."""
    from liaison.db import transaction
    from liaison.exchange.tokens import TokenError, read_ack_token

    now = now or utcnow()
    try:
        claim = read_ack_token(key, token, now)
    except TokenError as exc:
        n = None
        if exc.kind == "expired":  # the signature held, so the id in the token is ours: name its message
            with sessions() as session:
                n = session.get(Notification, uuid.UUID(token.split(".", 1)[0]))
        _refuse_link(sessions, n, via, ip, exc.kind, str(exc), token)
        raise PermissionDenied(_("acknowledgement link refused: %(reason)s", reason=exc)) from exc
    try:
        with transaction(sessions) as session:
            n = session.get(Notification, claim.notification_id)
            if n is None:
                raise NotFound(_("the message of this link no longer exists"))
            actor = link_actor(n, via, ip)
            a, first = acknowledge_notification(session, notification=n, actor=actor, now=now)
            return LinkResult(a, a.message_id, first)
    except (Conflict, NotFound) as exc:
        with sessions() as session:
            n = session.get(Notification, claim.notification_id)
        _refuse_link(sessions, n, via, ip, "replayed" if isinstance(exc, Conflict) else "unknown", exc.detail, token)
        raise


def _refuse_link(
    sessions: sessionmaker[Session], n: Notification | None, via: str, ip: str, kind: str, reason: str, token: str
) -> None:
    from liaison.db import transaction

    with transaction(sessions) as session:
        audit(
            session,
            actor=link_actor(n, via, ip),
            action="message.acknowledge_refused",
            target_type="message",
            target_id=n.message_id if n else None,
            details={"why": kind, "reason": reason, "token_prefix": token[:12]},
        )
