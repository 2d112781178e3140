"""What a notification says: the outgoing notice built from a message and one notification row.

Kept apart from the firing (which writes rows) and the worker (which sends): the text and payload are the
contract with the people and systems notified, and the marking decides what may travel over a channel.

Each notice is written in a language its contact point works in (the first of its working languages Liaison
speaks, else the node's default) and gives times in the contact point's own zone with UTC beside them. Only
Liaison's frame is translated: the sender's subject and text travel as written, and the webhook's JSON keys
and codes stay the same in every language (``lang`` says which language its human texts are in).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from liaison import i18n
from liaison.channels.registry import Outgoing
from liaison.exchange.languages import notice_language
from liaison.exchange.tokens import make_ack_token
from liaison.exchange.wording import (
    KIND_LABELS,
    kind_label,
    local_time_with_utc,
    priority_label,
    reason_text,
    target_label,
)
from liaison.i18n import _
from liaison.models import ContactPoint, Member, Message, Network, Notification, Organisation
from liaison.settings import Settings

KIND_LABEL = KIND_LABELS  # the name this module exported before the labels moved to liaison.exchange.wording

SELF_EVIDENT = frozenset({"on duty", "the deputy", "the agency's 24/7 desk", "the secretariat's desk"})
"""Reasons a step records that only repeat who it notifies (see :mod:`liaison.escalation.firing`)."""
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
                ContactPoint.languages.label("contact_languages"),
                ContactPoint.timezone.label("contact_zone"),
            )
            .join(Message, Message.id == Notification.message_id)
            .outerjoin(ContactPoint, ContactPoint.id == Notification.contact_point_id)
            .outerjoin(Network, Network.id == Message.network_id)
            .outerjoin(Organisation, Organisation.id == Message.sender_organisation_id)
            .outerjoin(Member, Member.id == Message.sender_member_id)
            .where(Notification.id.in_(ids))
        )
    )


def outgoing(settings: Settings, r: Row[Any]) -> Outgoing:
    """The notice of one notification, from a row of :func:`notices`, in the contact point's language."""
    language = notice_language(r.contact_languages or (), settings.default_language)
    with i18n.use_locale(language):
        return _outgoing(settings, r, language, r.contact_zone or "UTC")


def _outgoing(settings: Settings, r: Row[Any], language: str, zone: str) -> Outgoing:
    label = sender_label(r)
    base = settings.base_url.rstrip("/")
    expires = r.due_at + timedelta(hours=settings.ack_link_hours)
    token = make_ack_token(settings.secret_key, r.id, expires)
    read_url, ack_url = f"{base}/messages/{r.message_id}", f"{base}/ack/{token}"
    kind = kind_label(r.kind)
    network = r.network or ""
    content = r.tlp in CONTENT_BY_CHANNEL
    prio = priority_label(r.priority).upper()
    if r.kind == "reachability_test":
        # Translators: e-mail subject; e.g. "[FLASH] Reachability test (FTF): please acknowledge"
        subject = _(
            "[%(priority)s] Reachability test (%(network)s): please acknowledge", priority=prio, network=network
        )
    elif content:
        # Translators: e-mail subject; the last part is the sender's own subject
        subject = _("[%(priority)s] %(kind)s: %(subject)s", priority=prio, kind=kind, subject=r.subject)
    else:
        # Translators: e-mail subject of a message whose content stays in Liaison
        subject = _(
            "[%(priority)s] %(kind)s from %(sender)s (%(network)s)",
            priority=prio,
            kind=kind,
            sender=label,
            network=network,
        )
    marking = (
        _("Marking: TLP:%(level)s, originator control", level=r.tlp)
        if r.originator_control
        else _("Marking: TLP:%(level)s", level=r.tlp)
    )
    lines = [
        # Translators: first line of a notification, e.g. "FLASH: Threat notice on the FTF network from NPA (JP)."
        _(
            "%(priority)s: %(kind)s on the %(network)s network from %(sender)s.",
            priority=prio,
            kind=kind,
            network=network,
            sender=label,
        ),
        _("Sent %(time)s.", time=local_time_with_utc(r.sent_at, zone)),
        marking,
        "",
    ]
    if content:
        lines += [_("Subject: %(subject)s", subject=r.subject), "", r.body, ""]
    else:
        lines += [
            _(
                "The content is marked TLP:%(level)s and is not sent over this channel. Read it in Liaison:",
                level=r.tlp,
            ),
            "",
        ]
    role = target_label(r.target)
    if r.reason in SELF_EVIDENT:  # "on duty" says nothing "contact on duty" does not
        notified_as = _("You are notified as %(role)s.", role=role)
    else:
        notified_as = _("You are notified as %(role)s: %(reason)s.", role=role, reason=reason_text(r.reason))
    lines += [
        _("Read and answer: %(url)s", url=read_url),
        _("Acknowledge receipt (one click): %(url)s", url=ack_url),
        _("The link works once and expires %(time)s.", time=local_time_with_utc(expires, zone)),
        "",
        notified_as,
    ]
    if r.round:
        # Translators: the escalation chain runs again from its first step; e.g. "This is round 2 of the escalation."
        lines.append(_("This is round %(round)s of the escalation.", round=r.round + 1))
    text = "\n".join(lines)
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
        "lang": language,  # the language of "title" and "text", Liaison's words for people
        "title": subject,
        "text": text,
    }
    if r.channel_kind in ("mobile", "phone"):
        # Translators: an SMS or a text read out by a voice gateway: keep it short
        text = _(
            "Liaison %(priority)s %(kind)s (%(network)s). Acknowledge: %(url)s",
            priority=prio,
            kind=kind,
            network=network,
            url=ack_url,
        )
    return Outgoing(
        kind=r.channel_kind,
        to=r.address,
        subject=subject,
        body=text,
        key=r.key,
        channel_id=r.channel_id,
        payload=payload,
        priority=r.priority,
        language=language,
    )


def sender_label(r: Row[Any]) -> str:
    """How the sender is named in a notice: the organisation with its member code, or the user's name."""
    if r.org_name is not None and r.member_code:
        return f"{r.org_short_name or r.org_name} ({r.member_code})"
    return r.org_name if r.org_name is not None else r.sender_name


__all__ = ["CONTENT_BY_CHANNEL", "KIND_LABEL", "notices", "outgoing", "sender_label"]
