"""Senders by channel kind: one small class each with one method, ``send``, raising :class:`ChannelError`
that says whether the failure is permanent. The registry (:func:`sender_for`, :func:`senders`) maps a channel
kind to its sender; the exchange's notifications and the directory's own messages both use it.

- ``email``: SMTP (``LIAISON_SMTP_URL``), the notification's key as the Message-ID so a receiving system
  can recognise a copy re-sent after a crash; logged only when no server is configured.
- ``webhook``: a JSON POST signed per the Standard Webhooks scheme (``webhook-id`` is the key).
- ``mobile`` / ``phone``: an SMS or voice gateway named by ``LIAISON_SMS_TRANSPORT`` (``module:Class``);
  gateways cannot run here, so the default logs and keeps an outbox.
- ``inbox``: the in-app inbox; the message is already there, so sending is recording.
"""

from __future__ import annotations

import email.policy
import functools
import importlib
import json
import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import urlparse

from liaison.channels import ChannelError
from liaison.settings import Settings
from liaison.textsafety import visible_bidi

log = logging.getLogger("liaison.channels")
# Headers folded only past RFC 5322's hard limit: a subject folded at 78 characters comes out of some readers
# with a leading space, and a flash subject must read the same in every client.
MAIL_POLICY = email.policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Outgoing:
    """What one notification sends: text for people, a JSON payload for machines, and its idempotency key."""

    kind: str
    to: str
    subject: str
    body: str
    key: str
    channel_id: uuid.UUID | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    priority: str = "routine"


class Sender(Protocol):
    def send(self, item: Outgoing) -> None: ...


class LogSender:
    """Stands in for gateways that cannot run here (and for e-mail without ``LIAISON_SMTP_URL``): logs, and
    keeps the last 1,000 items in ``outbox``, one list for the process, which the demo and the tests read."""

    outbox: list[Outgoing] = []

    def send(self, item: Outgoing) -> None:
        log.info("notification via %s to %s: %s", item.kind, item.to, item.subject)
        LogSender.outbox.append(item)
        del LogSender.outbox[:-1000]


class InboxSender:
    """The message already shows in the addressee's inbox: delivering to the inbox cannot fail."""

    def send(self, item: Outgoing) -> None:
        return None


class SmtpSender:
    def __init__(self, url: str, sender: str, timeout: float = 10.0) -> None:
        self.url = urlparse(url)
        self.sender = sender
        self.timeout = timeout

    def send(self, item: Outgoing) -> None:
        msg = EmailMessage(policy=MAIL_POLICY)
        # Plain text has no markup to isolate a user's subject: its directional overrides are shown, not obeyed.
        msg["From"], msg["To"], msg["Subject"] = self.sender, item.to, visible_bidi(item.subject)
        msg["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2] or "liaison.invalid"
        msg["Message-ID"] = f"<{item.key.replace(':', '.')}@{domain}>"
        if item.priority == "flash":
            msg["Importance"], msg["X-Priority"] = "high", "1"
        msg.set_content(visible_bidi(item.body))
        try:
            cls = smtplib.SMTP_SSL if self.url.scheme == "smtps" else smtplib.SMTP
            host, port = self.url.hostname or "127.0.0.1", self.url.port or 25
            with cls(host, port, local_hostname=_local_hostname(), timeout=self.timeout) as smtp:
                if self.url.scheme == "smtp+starttls":
                    smtp.starttls()
                if self.url.username:
                    smtp.login(self.url.username, self.url.password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ChannelError(f"recipient refused: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"SMTP delivery failed: {exc}", permanent=False) from exc


@functools.cache
def _local_hostname() -> str:
    """The name we greet SMTP servers with; smtplib would look it up (reverse DNS) on every connection."""
    return socket.getfqdn()


class WebhookSender:
    def __init__(self, node_key: str, allow_private: bool, timeout: float = 10.0) -> None:
        self.node_key = node_key
        self.allow_private = allow_private
        self.timeout = timeout

    def send(self, item: Outgoing) -> None:
        import time

        from liaison.channels import http, signing

        if item.channel_id is None:
            raise ChannelError("webhook without a channel id cannot be signed", permanent=True)
        body = json.dumps(item.payload, ensure_ascii=False, sort_keys=True).encode()
        secret = signing.channel_secret(self.node_key, item.channel_id)
        headers = signing.sign(secret, item.key, int(time.time()), body)
        http.post(item.to, body, headers, allow_private=self.allow_private, timeout=self.timeout)


def load_gateway(path: str) -> Sender:
    """``module:Class`` (constructed without arguments) for SMS and voice; refused clearly when wrong."""
    module_name, _, class_name = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ValueError(f"LIAISON_SMS_TRANSPORT: cannot load {path!r}: {exc}") from exc
    sender: Sender = cls()
    return sender


def sender_for(settings: Settings, kind: str) -> Sender:
    """The sender for one channel kind under these settings (the log sender for a kind nobody sends to)."""
    if kind == "email":
        return SmtpSender(settings.smtp_url, settings.mail_from) if settings.smtp_url else LogSender()
    if kind == "webhook":
        return WebhookSender(settings.secret_key, settings.webhooks_to_private)
    if kind in ("mobile", "phone"):
        return load_gateway(settings.sms_transport) if settings.sms_transport else LogSender()
    if kind == "inbox":
        return InboxSender()
    return LogSender()


def senders(settings: Settings) -> dict[str, Sender]:
    """The sender for each channel kind under these settings (the worker's, built once)."""
    gateway = sender_for(settings, "mobile")
    return {
        "email": sender_for(settings, "email"),
        "webhook": sender_for(settings, "webhook"),
        "mobile": gateway,
        "phone": gateway,
        "inbox": sender_for(settings, "inbox"),
    }
