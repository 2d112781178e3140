"""Organisations, users, role grants, API tokens and web sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.base import Record

ORGANISATION_KINDS = ("agency", "secretariat", "operator")
AGENCY_KINDS = (
    "police",
    "prosecutor",
    "intelligence",
    "victim_support",
    "screening_centre",
    "justice_ministry",
    "interior_ministry",
    "foreign_ministry",
    "international_organisation",
    "other",
)
ROLES = ("admin", "network_admin", "contact_point", "analyst", "screening_officer", "auditor")


class Organisation(Record):
    """An agency of a member, a network's secretariat, or the node operator. Users belong to one."""

    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20))
    agency_kind: Mapped[str] = mapped_column(String(40), default="other")
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)

    member = relationship("Member", lazy="joined")
    __table_args__ = (UniqueConstraint("name", "member_id"),)


class User(Record):
    """A person (or a program's account) who logs in. ``failed_logins`` counts wrong passwords since the last
    right one; ``failed_codes`` counts wrong second-factor codes since the last right code, and a right password
    does not clear it (otherwise whoever knows the password could guess codes forever, a few per login).
    ``locked_until`` refuses both steps while it lasts. ``last_totp_step`` is the time step of the last code
    accepted, so the same code cannot be used twice."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_codes: Mapped[int] = mapped_column(default=0, server_default="0")
    last_totp_step: Mapped[int | None] = mapped_column(BigInteger)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # The user's own choices; None: the browser's (Accept-Language, its time zone), then the node's default.
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(64))

    organisation = relationship("Organisation", lazy="joined")
    grants = relationship("RoleGrant", lazy="selectin", cascade="all, delete-orphan", back_populates="user")


class RoleGrant(Record):
    """A role, optionally scoped to one network (a secretariat officer administers only its network)."""

    __tablename__ = "role_grants"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    network_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))

    user = relationship("User", back_populates="grants")
    __table_args__ = (UniqueConstraint("user_id", "role", "network_id"),)


class ApiToken(Record):
    """A machine credential. Only a SHA-256 of the token is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")


class WebSession(Record):
    """A browser session; the cookie holds a random token whose SHA-256 is stored here, so it can be revoked."""

    __tablename__ = "web_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    second_factor_done: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user = relationship("User", lazy="joined")
