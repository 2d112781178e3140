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
import threading
import time
import uuid
from collections.abc import Iterable
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
    language: str = ""  # the language of subject and body (BCP 47), sent as Content-Language where a channel can


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


class _Tracking:
    """Knows whether the DATA command was started: before it, the server cannot have accepted the mail."""

    data_started = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.data_started = True
        return super().data(msg)  # type: ignore[misc]


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTPS(_Tracking, smtplib.SMTP_SSL):
    pass


@dataclass(eq=False)
class _Connection:
    smtp: _SMTP | _SMTPS
    last_used: float
    busy: bool = False
    closed: bool = False


class SmtpSender:
    """E-mail over SMTP, one connection per delivery thread kept open and reused: a burst of notifications
    pays for one TCP (and TLS, and login) handshake per thread, not one per mail.

    A kept connection may have been closed by the server meanwhile (an idle timeout, a restart). A send that
    fails on a lost connection before the DATA command (greeting, MAIL, RCPT) is tried once more on a new
    connection within the same attempt: the server cannot have accepted the mail yet. A failure from DATA on
    is never retried here, since the server may have the mail; the attempt fails and the worker's next attempt
    re-sends it with the same Message-ID, which a receiving system can de-duplicate. Connections unused for
    :data:`IDLE_SECONDS` are closed by :meth:`close_idle` (the worker calls it as it loops) or at their next
    use, and all of them by :meth:`close` (the worker's shutdown). Only the worker's senders keep connections
    open (``keep_open``, see :func:`senders`); a sender made for one mail (a digest, a test mail) closes its
    connection after each one, as it is not told when it is no longer needed."""

    def __init__(self, url: str, sender: str, timeout: float = 10.0, *, keep_open: bool = False) -> None:
        self.url = urlparse(url)
        self.sender = sender
        self.timeout = timeout
        self.keep_open = keep_open
        self.connects = 0  # connections opened, for the log and the tests
        self._local = threading.local()
        self._open: set[_Connection] = set()
        self._lock = threading.Lock()

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
        if item.language:  # after set_content, which clears the Content-* headers
            msg["Content-Language"] = item.language
        for last_try in (False, True):
            conn, reused = None, False
            try:
                conn, reused = self._take()
                conn.smtp.data_started = False
                conn.smtp.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                self._give_back(conn)  # refused at RCPT: smtplib reset the transaction, the connection is fine
                raise ChannelError(f"recipient refused: {exc}", permanent=True) from exc
            except (OSError, smtplib.SMTPException) as exc:
                self._discard(conn)
                lost = isinstance(exc, OSError | smtplib.SMTPServerDisconnected) or (
                    isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421
                )
                if conn is not None and reused and lost and not conn.smtp.data_started and not last_try:
                    log.info("SMTP connection lost before the mail was handed over (%s); reconnecting", exc)
                    continue
                raise ChannelError(f"SMTP delivery failed: {exc}", permanent=False) from exc
            except BaseException:
                self._discard(conn)
                raise
            self._give_back(conn)
            if not self.keep_open:
                self.close_idle()
            return

    def _take(self) -> tuple[_Connection, bool]:
        """This thread's open connection (``reused`` True), or a new one."""
        conn: _Connection | None = getattr(self._local, "conn", None)
        with self._lock:
            if conn is not None and not conn.closed and time.monotonic() - conn.last_used < IDLE_SECONDS:
                conn.busy = True
                return conn, True
        if conn is not None:
            self._discard(conn)
        conn = _Connection(self._connect(), time.monotonic(), busy=True)
        with self._lock:
            self._open.add(conn)
            self.connects += 1
        self._local.conn = conn
        return conn, False

    def _connect(self) -> _SMTP | _SMTPS:
        cls = _SMTPS if self.url.scheme == "smtps" else _SMTP
        host, port = self.url.hostname or "127.0.0.1", self.url.port or 25
        smtp = cls(host, port, local_hostname=_local_hostname(), timeout=self.timeout)
        try:
            if self.url.scheme == "smtp+starttls":
                smtp.starttls()
            if self.url.username:
                smtp.login(self.url.username, self.url.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _give_back(self, conn: _Connection | None) -> None:
        if conn is not None:
            with self._lock:
                conn.busy, conn.last_used = False, time.monotonic()

    def _discard(self, conn: _Connection | None) -> None:
        if conn is None:
            return
        smtp = conn.smtp
        with self._lock:
            self._open.discard(conn)
            conn.closed = True
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        smtp.close()

    def close_idle(self, idle_for: float | None = None) -> int:
        """Close the connections no thread is using that have been idle ``idle_for`` seconds (all idle ones
        when None), politely (QUIT); returns how many were closed."""
        now = time.monotonic()
        with self._lock:
            idle = [c for c in self._open if not c.busy and (idle_for is None or now - c.last_used >= idle_for)]
            for c in idle:
                c.closed = True
                self._open.discard(c)
        for c in idle:
            try:
                c.smtp.quit()
            except (OSError, smtplib.SMTPException):
                c.smtp.close()
        return len(idle)

    def close(self) -> None:
        self.close_idle()


IDLE_SECONDS = 30.0
"""An SMTP connection unused this long is not reused but closed: servers drop idle clients after a few
minutes (RFC 5321 suggests five), and a fresh connection is cheaper than a failed command."""


def close_connections(senders: Iterable[Sender], idle_for: float | None = None) -> None:
    """Close what the senders keep open: connections idle for ``idle_for`` seconds, or all idle ones."""
    for sender in {id(s): s for s in senders}.values():
        if isinstance(sender, SmtpSender):
            sender.close_idle(idle_for)


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


def sender_for(settings: Settings, kind: str, *, keep_open: bool = False) -> Sender:
    """The sender for one channel kind under these settings (the log sender for a kind nobody sends to);
    ``keep_open``: keep connections open between sends (the caller closes them, :func:`close_connections`)."""
    if kind == "email":
        if not settings.smtp_url:
            return LogSender()
        return SmtpSender(settings.smtp_url, settings.mail_from, keep_open=keep_open)
    if kind == "webhook":
        return WebhookSender(settings.secret_key, settings.webhooks_to_private)
    if kind in ("mobile", "phone"):
        return load_gateway(settings.sms_transport) if settings.sms_transport else LogSender()
    if kind == "inbox":
        return InboxSender()
    return LogSender()


def senders(settings: Settings) -> dict[str, Sender]:
    """The sender for each channel kind under these settings (the worker's, built once: its SMTP connections
    stay open between mails, one per delivery thread, and the worker closes them)."""
    gateway = sender_for(settings, "mobile")
    return {
        "email": sender_for(settings, "email", keep_open=True),
        "webhook": sender_for(settings, "webhook"),
        "mobile": gateway,
        "phone": gateway,
        "inbox": sender_for(settings, "inbox"),
    }
