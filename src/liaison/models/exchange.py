"""Urgent exchange: messages, their addressees, notifications, attachments, case steps, exercises, and the
durable job queue that runs escalation timers and deliveries.

A message is sent once; each addressee (a member of the network, or a named contact point) has its own
escalation chain and acknowledgement. A notification is one delivery attempt of a message to one contact
point on one channel; its ``key`` is the idempotency key that makes a step fire once whatever crashes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from liaison.marking import Marking
from liaison.models.base import Record

MESSAGE_KINDS = ("request", "threat_notice", "victim_referral", "reachability_test")
PRIORITIES = ("flash", "urgent", "routine")
CASE_STEPS = ("received", "victim_contacted", "support_engaged", "transmitted_to_prosecutor", "closed")
NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed", "skipped")
JOB_KINDS = ("escalate", "deliver", "exercise")


class EscalationPolicy(Record):
    """The escalation policy of a network for one priority (text form, see :mod:`liaison.escalation`)."""

    __tablename__ = "escalation_policies"

    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    priority: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("network_id", "priority"),)


class Message(Record):
    """A request for information, threat notice, victim referral or reachability test.

    The marking, the escalation policy and the response clock are frozen into the row when it is sent.
    ``thread_id`` is the id of the thread's first message (its own id for a first message).
    """

    __tablename__ = "messages"

    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # ISO 639 code of the language the sender wrote in (None: not said, e.g. sent through an older client)
    language: Mapped[str | None] = mapped_column(String(8))
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    tlp: Mapped[str] = mapped_column(String(20), default="AMBER")
    originator_control: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str] = mapped_column(Text, default="")
    releasable_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    forward_consent: Mapped[list[str]] = mapped_column(JSON, default=list)  # member codes, or "*"
    sender_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    sender_member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    thread_id: Mapped[uuid.UUID] = mapped_column(index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    forwarded_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    sent_at: Mapped[datetime]
    policy_text: Mapped[str] = mapped_column(String(500), default="")
    policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    response_due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None]
    closed_by_name: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    case_step: Mapped[str | None] = mapped_column(String(40))
    exercise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exercises.id"), index=True)

    network = relationship("Network", lazy="joined")
    addressees = relationship(
        "Addressee", lazy="selectin", cascade="all, delete-orphan", order_by="Addressee.label", back_populates="message"
    )
    attachments = relationship(
        "Attachment", lazy="selectin", cascade="all, delete-orphan", order_by="Attachment.filename"
    )

    __table_args__ = (Index("ix_messages_sent_at", "sent_at"),)

    @property
    def marking(self) -> Marking:
        """The handling marking frozen into the message."""
        return Marking(self.tlp, self.originator_control, self.purpose, tuple(self.releasable_to))


class Addressee(Record):
    """One addressee of a message: a member (whose designated agency answers) or a named contact point.

    ``organisation_id`` is the agency that answers for it, fixed at send time: its users may read the message.
    """

    __tablename__ = "addressees"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    contact_point_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contact_points.id"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    member_code: Mapped[str] = mapped_column(String(20), default="")
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str] = mapped_column(String(200), default="")
    acknowledged_via: Mapped[str] = mapped_column(String(20), default="")
    escalation: Mapped[str] = mapped_column(String(20), default="running")  # running, stopped, exhausted
    answer: Mapped[str | None] = mapped_column(String(20))  # will_answer, cannot_answer
    answer_by: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer_note: Mapped[str] = mapped_column(Text, default="")

    message = relationship("Message", back_populates="addressees")


class Notification(Record):
    """One delivery attempt of a message to one contact point on one channel (written before sending)."""

    __tablename__ = "notifications"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    addressee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("addressees.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    round: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[int] = mapped_column(Integer, default=0)
    target: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    contact_point_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contact_points.id", ondelete="SET NULL"))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    channel_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    channel_kind: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    transport: Mapped[str] = mapped_column(String(40), default="")
    ack_used_at: Mapped[datetime | None]


class Attachment(Record):
    __tablename__ = "attachments"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class CaseStep(Record):
    """A dated, attributed step of a victim-assistance referral (received ... closed)."""

    __tablename__ = "case_steps"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    by_name: Mapped[str] = mapped_column(String(200))
    by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class Exercise(Record):
    """A reachability test across a network: at ``scheduled_at`` every member's contact on duty is sent a
    reachability-test message and must acknowledge it within ``window_minutes``."""

    __tablename__ = "exercises"

    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    scheduled_at: Mapped[datetime]
    window_minutes: Mapped[int] = mapped_column(Integer, default=30)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled, running, cancelled
    started_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200), default="")

    network = relationship("Network", lazy="joined")


class Job(Record):
    """The durable queue: a timer (escalation step, delivery retry, exercise start) due at ``due_at``.

    A worker claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
    serialises the claim) by setting ``locked_until``; a crashed worker's claim lapses at that time. One
    row per (kind, ref_id): rescheduling updates it, so a timer cannot be duplicated. ``priority`` is the
    message's rank (0 flash, 1 urgent, 2 routine): claims take the most urgent due jobs first, so a burst
    of routine traffic queues behind a flash notice instead of in front of it.
    """

    __tablename__ = "jobs"

    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[uuid.UUID]
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    locked_by: Mapped[str] = mapped_column(String(100), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[int] = mapped_column(SmallInteger, default=2, server_default="2")

    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        # The claim's order over the open jobs only: done rows (nearly all of them) stay out of the index.
        Index(
            "ix_jobs_claim",
            "priority",
            "due_at",
            postgresql_where=text("done_at IS NULL"),
            sqlite_where=text("done_at IS NULL"),
        ),
    )
