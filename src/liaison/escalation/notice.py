"""What a notification says: the outgoing notice built from a message and one notification row.

Kept apart from the firing (which writes rows) and the worker (which sends): the text and payload are the
contract with the people and systems notified, and the marking decides what may travel over a channel.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.channels.registry import Outgoing
from liaison.exchange.tokens import make_ack_token
from liaison.models import Member, Message, Notification, Organisation
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


def outgoing(settings: Settings, message: Message, n: Notification, sender_label: str) -> Outgoing:
    base = settings.base_url.rstrip("/")
    expires = n.due_at + timedelta(hours=settings.ack_link_hours)
    token = make_ack_token(settings.secret_key, n.id, expires)
    read_url, ack_url = f"{base}/messages/{message.id}", f"{base}/ack/{token}"
    kind = KIND_LABEL.get(message.kind, message.kind)
    network = message.network.code if message.network else ""
    content = message.tlp in CONTENT_BY_CHANNEL
    prio = message.priority.upper()
    subject = f"[{prio}] {kind}: {message.subject}" if content else f"[{prio}] {kind} from {sender_label} ({network})"
    lines = [
        f"{message.priority.capitalize()} {kind.lower()} on the {network} network from {sender_label}.",
        f"Marking: TLP:{message.tlp}" + (", originator control" if message.originator_control else ""),
        "",
    ]
    if content:
        lines += [f"Subject: {message.subject}", "", message.body, ""]
    else:
        lines += [f"The content is marked TLP:{message.tlp} and is not sent over this channel. Read it in Liaison:", ""]
    lines += [
        f"Read and answer: {read_url}",
        f"Acknowledge receipt (one click): {ack_url}",
        f"The link works once and expires {expires:%Y-%m-%d %H:%M} UTC.",
        "",
        f"You are notified as {n.target}" + (f" (round {n.round + 1})" if n.round else "") + f": {n.reason}.",
    ]
    payload = {
        "type": "message.notification",
        "notification_id": str(n.id),
        "message_id": str(message.id),
        "network": network,
        "kind": message.kind,
        "priority": message.priority,
        "tlp": message.tlp,
        "subject": message.subject if content else None,
        "sender": sender_label,
        "sent_at": message.sent_at.isoformat(),
        "target": n.target,
        "round": n.round,
        "step": n.step,
        "read_url": read_url,
        "ack_url": ack_url,
        "ack_expires_at": expires.isoformat(),
    }
    if message.kind == "reachability_test":
        subject = f"[{prio}] Reachability test ({network}): please acknowledge"
    text = "\n".join(lines)
    if n.channel_kind in ("mobile", "phone"):
        text = f"Liaison {prio} {kind} ({network}). Acknowledge: {ack_url}"
    return Outgoing(
        kind=n.channel_kind,
        to=n.address,
        subject=subject,
        body=text,
        key=n.key,
        channel_id=n.channel_id,
        payload=payload,
        priority=message.priority,
    )


def sender_label(session: Session, message: Message) -> str:
    """How the sender is named in a notice: the organisation with its member code, or the user's name."""
    org = (
        session.execute(
            select(Organisation.name, Organisation.short_name).where(Organisation.id == message.sender_organisation_id)
        ).first()
        if message.sender_organisation_id
        else None
    )
    code = (
        session.scalar(select(Member.code).where(Member.id == message.sender_member_id))
        if message.sender_member_id
        else None
    )
    if org and code:
        return f"{org.short_name or org.name} ({code})"
    return org.name if org else message.sender_name


__all__ = ["CONTENT_BY_CHANNEL", "KIND_LABEL", "outgoing", "sender_label"]
