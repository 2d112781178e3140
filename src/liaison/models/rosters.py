"""Duty rosters stored per designation: rotations with ordered participants, and overrides."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.base import Record


class Rotation(Record):
    __tablename__ = "rotations"

    designation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("designations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    layer: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(10), default="weekly")
    every: Mapped[int] = mapped_column(Integer, default=1)
    start: Mapped[date]
    handoff: Mapped[time]
    end: Mapped[date | None]
    window_start: Mapped[time | None]
    window_end: Mapped[time | None]
    weekdays: Mapped[list[int] | None] = mapped_column(JSON)

    participants = relationship(
        "RotationParticipant",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="RotationParticipant.position",
    )


class RotationParticipant(Record):
    __tablename__ = "rotation_participants"

    rotation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rotations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    contact_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact_points.id"), index=True)

    __table_args__ = (UniqueConstraint("rotation_id", "position"),)


class Override(Record):
    """A one-off replacement (illness, leave). ``seq`` orders overlapping overrides: the later one wins."""

    __tablename__ = "overrides"

    designation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("designations.id", ondelete="CASCADE"), index=True)
    contact_point_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact_points.id"), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int] = mapped_column(BigInteger)

    contact_point = relationship("ContactPoint", lazy="joined")
