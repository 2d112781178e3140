"""Outbound channels: one interface, :class:`~liaison.channels.registry.Sender` (``send(item)`` raising
:class:`ChannelError` that says whether the failure is permanent), and one registry mapping a channel kind to
its sender (:func:`~liaison.channels.registry.senders`). The exchange's notifications and the directory's own
messages (channel-verification tests in :mod:`.verification`, readiness digests, review reminders) all go
through it, so there is one SMTP client and one error mapping.

E-mail goes over SMTP when ``LIAISON_SMTP_URL`` is set; phone and SMS gateways cannot run here, so they sit
behind the same interface with a logging sender that keeps an outbox in memory (the demo and the tests read
:attr:`~liaison.channels.registry.LogSender.outbox`).
"""

from __future__ import annotations


class ChannelError(Exception):
    """A delivery that failed. ``str(exc)`` is the detail for the server's log and the audit row; ``public`` is
    what the people involved are shown (a message's sender and addressees, a secretariat's dashboard), which
    for a webhook says nothing about how the connection failed (see :mod:`liaison.channels.http`)."""

    def __init__(self, detail: str, *, permanent: bool, public: str | None = None) -> None:
        super().__init__(detail)
        self.permanent = permanent
        self.public = public if public is not None else detail


__all__ = ["ChannelError"]
