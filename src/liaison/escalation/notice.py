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
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from liaison import i18n
from liaison.channels.registry import Outgoing
from liaison.escalation.rules import TARGETS
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
from liaison.models.exchange import PRIORITIES
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


@dataclass(frozen=True, slots=True)
class Frame:
    """Liaison's words around a notice in one language: message templates (placeholders not yet filled) and
    labels. Looked up once per language and process (:func:`frame`): delivery is the hot path, and a broadcast
    writes hundreds of notices in the same few languages."""

    words: dict[str, str]
    kinds: dict[str, str]
    priorities: dict[str, str]
    targets: dict[str, str]


@lru_cache(maxsize=16)
def frame(language: str) -> Frame:
    with i18n.use_locale(language):
        words = {
            # Translators: e-mail subject; e.g. "[FLASH] Reachability test (FTF): please acknowledge"
            "subject_test": _("[%(priority)s] Reachability test (%(network)s): please acknowledge"),
            # Translators: e-mail subject; the last part is the sender's own subject
            "subject_content": _("[%(priority)s] %(kind)s: %(subject)s"),
            # Translators: e-mail subject of a message whose content stays in Liaison
            "subject_withheld": _("[%(priority)s] %(kind)s from %(sender)s (%(network)s)"),
            "marking_oc": _("Marking: TLP:%(level)s, originator control"),
            "marking": _("Marking: TLP:%(level)s"),
            # Translators: first line of a notification, e.g. "FLASH: Threat notice on the FTF network from NPA (JP)."
            "first": _("%(priority)s: %(kind)s on the %(network)s network from %(sender)s."),
            "sent": _("Sent %(time)s."),
            "subject": _("Subject: %(subject)s"),
            "withheld": _("The content is marked TLP:%(level)s and is not sent over this channel. Read it in Liaison:"),
            "notified": _("You are notified as %(role)s."),
            "notified_because": _("You are notified as %(role)s: %(reason)s."),
            "read": _("Read and answer: %(url)s"),
            "ack": _("Acknowledge receipt (one click): %(url)s"),
            "expires": _("The link works once and expires %(time)s."),
            # Translators: the chain runs again from its first step, e.g. "This is round 2 of the escalation."
            "round": _("This is round %(round)s of the escalation."),
            # Translators: an SMS or a text read out by a voice gateway: keep it short
            "short": _("Liaison %(priority)s %(kind)s (%(network)s). Acknowledge: %(url)s"),
        }
        return Frame(
            words,
            {k: kind_label(k) for k in KIND_LABELS},
            {p: priority_label(p).upper() for p in PRIORITIES},
            {t: target_label(t) for t in TARGETS},
        )


@lru_cache(maxsize=1024)
def _reason(reason: str, _language: str) -> str:
    return reason_text(reason)


def _outgoing(settings: Settings, r: Row[Any], language: str, zone: str) -> Outgoing:
    f = frame(language)
    w = f.words
    label = sender_label(r)
    base = settings.base_url.rstrip("/")
    expires = r.due_at + timedelta(hours=settings.ack_link_hours)
    token = make_ack_token(settings.secret_key, r.id, expires)
    read_url, ack_url = f"{base}/messages/{r.message_id}", f"{base}/ack/{token}"
    kind = f.kinds.get(r.kind, r.kind)
    network = r.network or ""
    content = r.tlp in CONTENT_BY_CHANNEL
    prio = f.priorities.get(r.priority, r.priority.upper())
    facts = {"priority": prio, "kind": kind, "network": network, "sender": label, "subject": r.subject}
    if r.kind == "reachability_test":
        subject = w["subject_test"] % facts
    else:
        subject = (w["subject_content"] if content else w["subject_withheld"]) % facts
    lines = [
        w["first"] % facts,
        w["sent"] % {"time": local_time_with_utc(r.sent_at, zone)},
        (w["marking_oc"] if r.originator_control else w["marking"]) % {"level": r.tlp},
        "",
    ]
    if content:
        lines += [w["subject"] % facts, "", r.body, ""]
    else:
        lines += [w["withheld"] % {"level": r.tlp}, ""]
    role = f.targets.get(r.target, r.target)
    if r.reason in SELF_EVIDENT:  # "on duty" says nothing "contact on duty" does not
        notified_as = w["notified"] % {"role": role}
    else:
        notified_as = w["notified_because"] % {"role": role, "reason": _reason(r.reason, language)}
    lines += [
        w["read"] % {"url": read_url},
        w["ack"] % {"url": ack_url},
        w["expires"] % {"time": local_time_with_utc(expires, zone)},
        "",
        notified_as,
    ]
    if r.round:
        lines.append(w["round"] % {"round": r.round + 1})
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
        text = w["short"] % {**facts, "url": ack_url}
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
