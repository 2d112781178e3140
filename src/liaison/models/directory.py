"""The directory: networks, members, memberships, designations, contact points and channels."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.base import Base, Record

MEMBER_KINDS = ("state", "organisation")
MEMBERSHIP_STATUSES = ("active", "suspended", "withdrawn")
REQUEST_STATUSES = ("pending", "approved", "declined")
CONTACT_POINT_KINDS = ("desk", "person")
CHANNEL_KINDS = ("phone", "mobile", "email", "inbox", "webhook")


class Network(Record):
    __tablename__ = "networks"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    secretariat_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))

    secretariat = relationship("Organisation", lazy="joined")


class Member(Record):
    """A state (ISO 3166 alpha-2 code) or an international organisation (its acronym)."""

    __tablename__ = "members"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="state")


class Membership(Record):
    __tablename__ = "memberships"

    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    joined_on: Mapped[date | None]

    network = relationship("Network", lazy="joined")
    member = relationship("Member", lazy="joined")
    __table_args__ = (UniqueConstraint("network_id", "member_id"),)


class MembershipRequest(Record):
    """A state or organisation asks to join a network; the secretariat approves or declines."""

    __tablename__ = "membership_requests"

    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    member_code: Mapped[str] = mapped_column(String(20))
    member_name: Mapped[str] = mapped_column(String(200))
    member_kind: Mapped[str] = mapped_column(String(20), default="state")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    network = relationship("Network", lazy="joined")


class Designation(Record):
    """A member naming an agency as its authority on a network, with the source that named it.

    The designation owns the roster (who answers, when) and the deputy in the fallback chain.
    """

    __tablename__ = "designations"

    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str] = mapped_column(Text, default="")
    designated_on: Mapped[date | None]
    deputy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contact_points.id", ondelete="SET NULL"))
    roster_confirmed_at: Mapped[datetime | None]

    network = relationship("Network", lazy="joined")
    member = relationship("Member", lazy="joined")
    agency = relationship("Organisation", lazy="joined")
    deputy = relationship("ContactPoint", foreign_keys=[deputy_id])
    __table_args__ = (UniqueConstraint("network_id", "member_id"),)


class ContactPoint(Record):
    """Who answers for an agency: usually a permanent desk, sometimes a person."""

    __tablename__ = "contact_points"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="desk")
    is_24_7: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    organisation = relationship("Organisation", lazy="joined")
    channels = relationship(
        "Channel",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="Channel.position",
        back_populates="contact_point",
    )


class Channel(Record):
    """One way to reach a contact point, with the date it was last verified."""

    __tablename__ = "channels"

    contact_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact_points.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[datetime | None]
    verification_code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    verification_sent_at: Mapped[datetime | None]
    verification_expires_at: Mapped[datetime | None]

    contact_point = relationship("ContactPoint", back_populates="channels")


class DirectoryRevision(Base):
    """One row, bumped by every directory write in the same transaction, so caches know when to refresh."""

    __tablename__ = "directory_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
