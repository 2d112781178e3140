"""The test message that verifies a channel: the contact confirms it reaches them by following its link.

Sent through the same registry as the exchange's notifications. A webhook or in-app inbox has no human
reader to follow a link, so its test message is logged (kept in the outbox) rather than posted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from liaison import i18n
from liaison.channels import ChannelError
from liaison.channels.registry import LogSender, Outgoing, Sender, sender_for
from liaison.exchange.languages import notice_language
from liaison.i18n import _
from liaison.settings import Settings

log = logging.getLogger("liaison.channels")
READ_BY_PEOPLE = ("email", "mobile", "phone")


CHANNEL_WORDS = {
    # Translators: "Confirm that this ... reaches you"
    "email": i18n.lazy_gettext("e-mail address"),
    "mobile": i18n.lazy_gettext("mobile number"),
    "phone": i18n.lazy_gettext("phone number"),
}


def deliver_verification(
    settings: Settings,
    *,
    kind: str,
    value: str,
    contact_name: str,
    code: str,
    languages: Sequence[str] | None = None,
) -> str:
    """Send the test message; returns the sender's name. Raises ChannelError when it cannot be sent.
    ``languages``: the contact point's working languages, to write it in one of them (as its notifications);
    without them it is written in the current language."""
    language = notice_language(languages, settings.default_language) if languages is not None else i18n.current()
    with i18n.use_locale(language):
        link = f"{settings.base_url.rstrip('/')}/verify/{code}"
        subject = _("Liaison: please confirm this channel")
        what = CHANNEL_WORDS.get(kind)
        body = "\n".join(
            [
                _("This is a reachability check for %(name)s in the Liaison directory.", name=contact_name),
                _("Confirm that this %(channel)s reaches you by opening:", channel=str(what) if what else kind),
                link,
                "",
                _("The link works once and expires in 72 hours."),
            ]
        )
    sender: Sender = sender_for(settings, kind) if kind in READ_BY_PEOPLE else LogSender()
    try:
        sender.send(Outgoing(kind=kind, to=value, subject=subject, body=body, key=uuid.uuid4().hex, language=language))
    except ChannelError as exc:  # the caller is shown ``exc.public``; the detail stays here
        log.warning("test message via %s to %s failed: %s", kind, value, exc)
        raise
    return type(sender).__name__


__all__ = ["deliver_verification"]
