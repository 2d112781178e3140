"""Outbound channels: the directory's own messages (channel-verification tests, readiness digests) here; the
exchange's notifications in :mod:`.registry`, which both share for e-mail.

E-mail goes over SMTP when ``LIAISON_SMTP_URL`` is set; phone and SMS gateways cannot run here, so they
sit behind the small :class:`Transport` interface with a logging transport that keeps an outbox in memory
(the demo and the tests read it).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

from liaison.settings import Settings

log = logging.getLogger("liaison.channels")


class ChannelError(Exception):
    """A delivery that failed. ``str(exc)`` is the detail for the server's log and the audit row; ``public`` is
    what the people involved are shown (a message's sender and addressees, a secretariat's dashboard), which
    for a webhook says nothing about how the connection failed (see :mod:`liaison.channels.http`)."""

    def __init__(self, detail: str, *, permanent: bool, public: str | None = None) -> None:
        super().__init__(detail)
        self.permanent = permanent
        self.public = public if public is not None else detail


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
    """E-mail for the directory's own messages (channel checks, readiness digests), handed to the exchange's
    :class:`~liaison.channels.registry.SmtpSender`, so there is one SMTP client and one error mapping."""

    def __init__(self, url: str, sender: str) -> None:
        from liaison.channels.registry import SmtpSender

        self._smtp = SmtpSender(url, sender)

    def notify(self, *, kind: str, to: str, subject: str, body: str) -> None:
        from liaison.channels.registry import Outgoing

        self._smtp.send(Outgoing(kind=kind, to=to, subject=subject, body=body, key=uuid.uuid4().hex))


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
    try:
        transport.notify(kind=kind, to=value, subject=subject, body=body)
    except ChannelError as exc:  # the caller is shown ``exc.public``; the detail stays here
        log.warning("test message via %s to %s failed: %s", kind, value, exc)
        raise
    return type(transport).__name__
