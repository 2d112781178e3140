"""The test message that verifies a channel: the contact confirms it reaches them by following its link.

Sent through the same registry as the exchange's notifications. A webhook or in-app inbox has no human
reader to follow a link, so its test message is logged (kept in the outbox) rather than posted.
"""

from __future__ import annotations

import logging
import uuid

from liaison.channels import ChannelError
from liaison.channels.registry import LogSender, Outgoing, Sender, sender_for
from liaison.settings import Settings

log = logging.getLogger("liaison.channels")
READ_BY_PEOPLE = ("email", "mobile", "phone")


def deliver_verification(settings: Settings, *, kind: str, value: str, contact_name: str, code: str) -> str:
    """Send the test message; returns the sender's name. Raises ChannelError when it cannot be sent."""
    link = f"{settings.base_url.rstrip('/')}/verify/{code}"
    subject = "Liaison: please confirm this channel"
    body = (
        f"This is a reachability check for {contact_name} in the Liaison directory.\n"
        f"Confirm that this {kind} reaches you by opening:\n{link}\n\nThe link works once and expires in 72 hours."
    )
    sender: Sender = sender_for(settings, kind) if kind in READ_BY_PEOPLE else LogSender()
    try:
        sender.send(Outgoing(kind=kind, to=value, subject=subject, body=body, key=uuid.uuid4().hex))
    except ChannelError as exc:  # the caller is shown ``exc.public``; the detail stays here
        log.warning("test message via %s to %s failed: %s", kind, value, exc)
        raise
    return type(sender).__name__


__all__ = ["deliver_verification"]
