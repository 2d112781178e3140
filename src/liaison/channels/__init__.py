"""Outbound channels. Here: delivering channel-verification test messages.

E-mail goes over SMTP when ``LIAISON_SMTP_URL`` is set; phone and SMS gateways cannot run here, so they
sit behind the small :class:`Transport` interface with a logging transport that keeps an outbox in memory
(the demo and the tests read it).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import urlparse

from liaison.settings import Settings

log = logging.getLogger("liaison.channels")


class ChannelError(Exception):
    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.permanent = permanent


@dataclass(frozen=True)
class OutboxItem:
    kind: str
    to: str
    subject: str
    body: str


class Transport(Protocol):
    def notify(self, *, kind: str, to: str, subject: str, body: str) -> None: ...


class LogTransport:
    """Stands in for SMS/voice gateways: logs the message and keeps the last 1,000 in ``outbox``."""

    outbox: list[OutboxItem] = []

    def notify(self, *, kind: str, to: str, subject: str, body: str) -> None:
        log.info("message via %s to %s: %s", kind, to, subject)
        LogTransport.outbox.append(OutboxItem(kind, to, subject, body))
        del LogTransport.outbox[:-1000]


class SmtpTransport:
    def __init__(self, url: str, sender: str) -> None:
        self.url = urlparse(url)
        self.sender = sender

    def notify(self, *, kind: str, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg.set_content(body)
        try:
            cls = smtplib.SMTP_SSL if self.url.scheme == "smtps" else smtplib.SMTP
            with cls(self.url.hostname or "127.0.0.1", self.url.port or 25, timeout=10) as smtp:
                if self.url.scheme == "smtp+starttls":
                    smtp.starttls()
                if self.url.username:
                    smtp.login(self.url.username, self.url.password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ChannelError(f"recipient refused: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"SMTP delivery failed: {exc}", permanent=False) from exc


def transport_for(settings: Settings, kind: str) -> Transport:
    if kind == "email" and settings.smtp_url:
        return SmtpTransport(settings.smtp_url, settings.mail_from)
    return LogTransport()


def deliver_verification(settings: Settings, *, kind: str, value: str, contact_name: str, code: str) -> str:
    """Send the test message; returns the transport's name. Raises ChannelError when it cannot be sent."""
    link = f"{settings.base_url.rstrip('/')}/verify/{code}"
    subject = "Liaison: please confirm this channel"
    body = (
        f"This is a reachability check for {contact_name} in the Liaison directory.\n"
        f"Confirm that this {kind} reaches you by opening:\n{link}\n\nThe link works once and expires in 72 hours."
    )
    transport = transport_for(settings, kind)
    transport.notify(kind=kind, to=value, subject=subject, body=body)
    return type(transport).__name__
