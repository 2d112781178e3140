"""Audited reads and refusals: no state changes, but evidence the audit log must hold (who read an attachment,
exported a message, read the audit log or a webhook secret, was refused an action). The web layer calls these
instead of writing audit rows itself, so every audit row is written by an action.

Each writes one row in the caller's transaction; a refusal is recorded in a transaction of its own by the
caller, since the refused attempt's transaction has rolled back. Reads of personal data on the hot path (duty
answers, contact points, the directory export) go to the read-audit buffer instead
(:class:`liaison.actions.read_audit.ReadAudit`), which writes them in batches.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.actions.read_audit import ReadAudit
from liaison.models import Attachment, Channel, Message, Notification
from liaison.principal import Principal
from liaison.queries.duty import DutyAnswer, read_audit_details


def audit_log_read(session: Session, *, actor: Principal, export: bool, details: dict[str, Any]) -> None:
    audit(session, actor=actor, action="audit.export" if export else "audit.read", details=details)


def message_read(session: Session, *, actor: Principal, message: Message, details: dict[str, Any]) -> None:
    """A read that the message page does not record by itself (an attachment through the API, the content shown
    on an acknowledgement link's page)."""
    _on_message(session, actor, "message.read", message, details)


def _on_message(session: Session, actor: Principal, action: str, message: Message, details: dict[str, Any]) -> None:
    audit(
        session,
        actor=actor,
        action=action,
        target_type="message",
        target_id=message.id,
        network_id=message.network_id,
        details=details,
    )


def attachment_read(session: Session, *, actor: Principal, message: Message, attachment: Attachment) -> None:
    details = {"attachment": str(attachment.id), "filename": attachment.filename, "sha256": attachment.sha256}
    _on_message(session, actor, "attachment.read", message, details | {"size": attachment.size})


def link_read(session: Session, *, actor: Principal, message: Message, notification: Notification) -> None:
    """The holder of an acknowledgement link is not logged in: reading even GREEN content through it counts."""
    message_read(
        session,
        actor=actor,
        message=message,
        details={"via": "ack link page", "notification": str(notification.id), "tlp": message.tlp},
    )


def message_export(session: Session, *, actor: Principal, message: Message, details: dict[str, Any]) -> None:
    _on_message(session, actor, "message.export", message, details)


def message_refused(session: Session, *, actor: Principal, message: Message, details: dict[str, Any]) -> None:
    _on_message(session, actor, "message.refused", message, details)


def verification_refused(session: Session, *, actor: Principal, reason: str) -> None:
    audit(session, actor=actor, action="channel.verification_refused", details={"reason": reason})


def webhook_secret_read(session: Session, *, actor: Principal, channel: Channel) -> None:
    audit(session, actor=actor, action="channel.webhook_secret_read", target_type="channel", target_id=channel.id)


# -- buffered reads of personal data --


def duty_read(
    reads: ReadAudit, *, actor: Principal, network_id: uuid.UUID, persons: list[str], members: list[str]
) -> None:
    """A duty answer naming a person is a read of personal data: which persons were shown to whom."""
    reads.record(actor, "duty.read", "network", str(network_id), {"persons": persons, "members": members}, network_id)


def duty_answers_read(reads: ReadAudit, *, actor: Principal, answers: list[DutyAnswer], network_id: uuid.UUID) -> None:
    """The duty answers shown (one member's, or a board's): recorded when one names a person."""
    details = read_audit_details(answers)
    if details:
        reads.record(actor, "duty.read", "network", str(network_id), details, network_id)


def contact_point_read(reads: ReadAudit, *, actor: Principal, contact_point_id: uuid.UUID) -> None:
    """A person's contact point, read through the API."""
    reads.record(actor, "contact_point.read", "contact_point", str(contact_point_id), {})


def agency_persons_read(reads: ReadAudit, *, actor: Principal, agency_id: uuid.UUID, persons: list[str]) -> None:
    """The agency page lists its contact points; those that are persons are personal data."""
    reads.record(actor, "contact_point.read", "organisation", str(agency_id), {"persons": persons})


def directory_export(reads: ReadAudit, *, actor: Principal, details: dict[str, Any]) -> None:
    reads.record(actor, "directory.export", "directory", "", details)
