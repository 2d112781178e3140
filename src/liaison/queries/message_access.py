"""Who may do what with a message: need to know, enforced in the queries and in every action.

A message is readable only by the sender's organisation, the organisations answering for its addressees
(the designated agency of an addressed member, or a named contact point's agency), and, through the
forwarded copy, those it was lawfully forwarded to. Nobody else reads its content: not a node admin, not
an auditor, not the network's secretariat (which sees metadata: kinds, times, acknowledgements). The node
operator acting from the local command line has the machine's authority and is audited as such.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from liaison.errors import PermissionDenied, id_or_404, unknown
from liaison.i18n import _, lazy_gettext
from liaison.models import Addressee, Message
from liaison.principal import Principal

ACTIONS = ("read", "reply", "forward", "export", "acknowledge", "close")
# Closing ends the message for every addressee, so it is the sender's; an addressee ends only its own part.
CLOSE_REFUSED = lazy_gettext(
    "only the sender closes a message; as an addressee, acknowledge it or answer its response clock, which "
    "stops the escalation of the part you answer for"
)


def is_operator(p: Principal) -> bool:
    """The node operator at the local command line (no user account, node admin, via the CLI)."""
    return p.operator or (p.user_id is None and p.is_admin and p.via in ("cli", "worker"))


def readable(p: Principal) -> ColumnElement[bool]:
    """A WHERE clause on ``Message`` keeping only what ``p`` may read."""
    if is_operator(p):
        return true()
    if p.organisation_id is None:
        return Message.id.is_(None)
    return or_(
        Message.sender_organisation_id == p.organisation_id,
        Message.id.in_(select(Addressee.message_id).where(Addressee.organisation_id == p.organisation_id)),
    )


@dataclass(frozen=True)
class Party:
    """How ``p`` stands to one message."""

    sender: bool
    addressees: tuple[Addressee, ...]  # the addressees ``p``'s organisation answers for
    operator: bool

    @property
    def reads(self) -> bool:
        return self.operator or self.sender or bool(self.addressees)


def party(p: Principal, message: Message) -> Party:
    org = p.organisation_id
    sender = org is not None and message.sender_organisation_id == org
    mine = tuple(a for a in message.addressees if org is not None and a.organisation_id == org)
    return Party(sender, mine, is_operator(p))


def acts(p: Principal) -> bool:
    """Has a role that works messages (an auditor-only account reads the audit log, not the traffic)."""
    return is_operator(p) or any(role != "auditor" for role, _ in p.grants)


def require(p: Principal, message: Message, action: str) -> Party:
    """Raise unless ``p`` may do ``action`` on ``message``; an unreadable message is unknown (404)."""
    who = party(p, message)
    if not who.reads:
        raise unknown("message", message.id)
    if action == "read":
        return who
    if not acts(p):
        raise PermissionDenied(_("your roles let you read messages but not act on them"))
    if action in ("acknowledge",) and not (who.addressees or who.operator):
        raise PermissionDenied(_("only the addressee acknowledges a message"))
    if action == "close" and not (who.sender or who.operator):
        raise PermissionDenied(str(CLOSE_REFUSED))
    if action == "export" and message.tlp == "RED" and not (who.sender or who.operator):
        raise PermissionDenied(_("TLP:RED is for the named recipients only: it may be read here but not exported"))
    return who


def message_or_404(session: Session, p: Principal, message_id: uuid.UUID | str) -> Message:
    """The message if ``p`` may read it; unknown and unreadable look the same (404)."""
    ident = id_or_404(message_id, "message")
    found = session.scalar(select(Message).where(Message.id == ident, readable(p)))
    if found is None:
        raise unknown("message", message_id)
    return found
