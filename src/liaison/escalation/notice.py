"""What a notification says: the outgoing notice built from a message and one notification row.

Kept apart from the firing (which writes rows) and the worker (which sends): the text and payload are the
contract with the people and systems notified, and the marking decides what may travel over a channel.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from liaison.channels.registry import Outgoing
from liaison.exchange.tokens import make_ack_token
from liaison.models import Member, Message, Network, Notification, Organisation
from liaison.settings import Settings

KIND_LABEL = {
    "request": "Request for information",
    "threat_notice": "Threat notice",
    "victim_referral": "Victim-assistance referral",
    "reachability_test": "Reachability test",
}
CONTENT_BY_CHANNEL = ("CLEAR", "GREEN")
"""Markings whose subject and text may travel in a notification (e-mail, SMS, webhook). Anything stricter is
announced with a link and read in Liaison, where access is checked and audited."""


def notices(session: Session, ids: Sequence[uuid.UUID]) -> list[Row[Any]]:
    """What the notices of notifications ``ids`` are built from, in one query: the notification's columns, its
    message's, the network's code and the sender's organisation and member code (for :func:`outgoing`).
    Delivery is the hot path: one statement for a batch instead of four ORM loads per notification."""
    if not ids:
        return []
    return list(
        session.execute(
            select(
                Notification.id,
                Notification.key,
                Notification.status,
                Notification.attempts,
                Notification.due_at,
                Notification.target,
                Notification.round,
                Notification.step,
                Notification.reason,
                Notification.channel_kind,
                Notification.channel_id,
                Notification.address,
                Notification.contact_name,
                Notification.message_id,
                Message.kind,
                Message.priority,
                Message.tlp,
                Message.subject,
                Message.body,
                Message.originator_control,
                Message.sent_at,
                Message.sender_name,
                Network.code.label("network"),
                Organisation.name.label("org_name"),
                Organisation.short_name.label("org_short_name"),
                Member.code.label("member_code"),
            )
            .join(Message, Message.id == Notification.message_id)
            .outerjoin(Network, Network.id == Message.network_id)
            .outerjoin(Organisation, Organisation.id == Message.sender_organisation_id)
            .outerjoin(Member, Member.id == Message.sender_member_id)
            .where(Notification.id.in_(ids))
        )
    )


def outgoing(settings: Settings, r: Row[Any]) -> Outgoing:
    """The notice of one notification, from a row of :func:`notices`."""
    label = sender_label(r)
    base = settings.base_url.rstrip("/")
    expires = r.due_at + timedelta(hours=settings.ack_link_hours)
    token = make_ack_token(settings.secret_key, r.id, expires)
    read_url, ack_url = f"{base}/messages/{r.message_id}", f"{base}/ack/{token}"
    kind = KIND_LABEL.get(r.kind, r.kind)
    network = r.network or ""
    content = r.tlp in CONTENT_BY_CHANNEL
    prio = r.priority.upper()
    subject = f"[{prio}] {kind}: {r.subject}" if content else f"[{prio}] {kind} from {label} ({network})"
    lines = [
        f"{r.priority.capitalize()} {kind.lower()} on the {network} network from {label}.",
        f"Marking: TLP:{r.tlp}" + (", originator control" if r.originator_control else ""),
        "",
    ]
    if content:
        lines += [f"Subject: {r.subject}", "", r.body, ""]
    else:
        lines += [f"The content is marked TLP:{r.tlp} and is not sent over this channel. Read it in Liaison:", ""]
    lines += [
        f"Read and answer: {read_url}",
        f"Acknowledge receipt (one click): {ack_url}",
        f"The link works once and expires {expires:%Y-%m-%d %H:%M} UTC.",
        "",
        f"You are notified as {r.target}" + (f" (round {r.round + 1})" if r.round else "") + f": {r.reason}.",
    ]
    payload = {
        "type": "message.notification",
        "notification_id": str(r.id),
        "message_id": str(r.message_id),
        "network": network,
        "kind": r.kind,
        "priority": r.priority,
        "tlp": r.tlp,
        "subject": r.subject if content else None,
        "sender": label,
        "sent_at": r.sent_at.isoformat(),
        "target": r.target,
        "round": r.round,
        "step": r.step,
        "read_url": read_url,
        "ack_url": ack_url,
        "ack_expires_at": expires.isoformat(),
    }
    if r.kind == "reachability_test":
        subject = f"[{prio}] Reachability test ({network}): please acknowledge"
    text = "\n".join(lines)
    if r.channel_kind in ("mobile", "phone"):
        text = f"Liaison {prio} {kind} ({network}). Acknowledge: {ack_url}"
    return Outgoing(
        kind=r.channel_kind,
        to=r.address,
        subject=subject,
        body=text,
        key=r.key,
        channel_id=r.channel_id,
        payload=payload,
        priority=r.priority,
    )


def sender_label(r: Row[Any]) -> str:
    """How the sender is named in a notice: the organisation with its member code, or the user's name."""
    if r.org_name is not None and r.member_code:
        return f"{r.org_short_name or r.org_name} ({r.member_code})"
    return r.org_name if r.org_name is not None else r.sender_name


__all__ = ["CONTENT_BY_CHANNEL", "KIND_LABEL", "notices", "outgoing", "sender_label"]
