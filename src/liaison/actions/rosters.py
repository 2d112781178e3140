"""Roster writes: rotations, overrides, the deputy, and the secretariat-visible roster confirmation."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import rosters, timeinput
from liaison import validation as v
from liaison.actions.audit import audit, bump_directory
from liaison.actions.directory import require_edit_organisation
from liaison.errors import UNKNOWN, InvalidInput
from liaison.i18n import _
from liaison.models import ContactPoint, Designation, Override, Rotation, RotationParticipant, utcnow
from liaison.principal import Principal


def _can_edit(session: Session, actor: Principal, designation: Designation) -> None:
    if actor.administers(designation.network_id):
        return
    require_edit_organisation(session, actor, designation.agency_id)


def _contact_points(session: Session, designation: Designation, ids: list[uuid.UUID], field: str) -> list[ContactPoint]:
    """Contact points on a roster must belong to the designated agency (or be its 24/7 desk)."""
    found = {cp.id: cp for cp in session.scalars(select(ContactPoint).where(ContactPoint.id.in_(ids)))}
    out = []
    for cp_id in ids:
        cp = found.get(cp_id)
        if cp is None:
            raise InvalidInput(field, str(UNKNOWN["contact point"]) % {"id": cp_id})
        if cp.organisation_id != designation.agency_id:
            raise InvalidInput(field, _("%(name)s is not a contact point of the designated agency", name=cp.name))
        out.append(cp)
    return out


def add_rotation(
    session: Session,
    *,
    actor: Principal,
    designation: Designation,
    participants: list[uuid.UUID],
    timezone: str,
    start: date,
    handoff: time,
    period: str = "weekly",
    every: int = 1,
    layer: int = 0,
    end: date | None = None,
    window: tuple[time, time] | None = None,
    weekdays: list[int] | None = None,
    name: str = "",
) -> Rotation:
    _can_edit(session, actor, designation)
    if not participants:
        raise InvalidInput("participants", _("a rotation needs at least one contact point"))
    if period not in ("daily", "weekly"):
        raise InvalidInput("period", _("must be daily or weekly"))
    start = timeinput.in_years(start, "start")
    if end is not None:
        end = timeinput.in_years(end, "end")
    cps = _contact_points(session, designation, participants, "participants")
    timezone = v.timezone(timezone)
    pure = rosters.Rotation(
        id="new",
        participants=tuple(str(c.id) for c in cps),
        timezone=timezone,
        start=start,
        handoff=handoff,
        period=period,  # type: ignore[arg-type]
        every=every,
        layer=layer,
        end=end,
        window=window,
        weekdays=frozenset(weekdays) if weekdays is not None else None,
        name=name,
    )
    try:
        rosters.validate_rotation(pure)
    except rosters.RosterError as exc:
        field = {"window": "window_start"}.get(exc.field, exc.field)
        raise InvalidInput(field, exc.reason) from exc
    rotation = Rotation(
        designation_id=designation.id,
        name=name,
        layer=layer,
        timezone=timezone,
        period=period,
        every=every,
        start=start,
        handoff=handoff,
        end=end,
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        weekdays=sorted(weekdays) if weekdays is not None else None,
    )
    rotation.participants = [RotationParticipant(position=i, contact_point_id=c.id) for i, c in enumerate(cps)]
    session.add(rotation)
    session.flush()
    audit(
        session,
        actor=actor,
        action="rotation.create",
        target_type="rotation",
        target_id=rotation.id,
        network_id=designation.network_id,
        details={
            "member": designation.member.code,
            "participants": [c.name for c in cps],
            "timezone": timezone,
            "period": period,
            "every": every,
            "handoff": handoff.isoformat(),
            "start": start.isoformat(),
            "layer": layer,
        },
    )
    bump_directory(session)
    return rotation


def delete_rotation(session: Session, *, actor: Principal, rotation: Rotation) -> None:
    designation = session.get_one(Designation, rotation.designation_id)
    _can_edit(session, actor, designation)
    audit(
        session,
        actor=actor,
        action="rotation.delete",
        target_type="rotation",
        target_id=rotation.id,
        network_id=designation.network_id,
        details={"member": designation.member.code, "name": rotation.name},
    )
    session.delete(rotation)
    bump_directory(session)


def add_override(
    session: Session,
    *,
    actor: Principal,
    designation: Designation,
    contact_point_id: uuid.UUID,
    start: datetime,
    end: datetime,
    reason: str = "",
) -> Override:
    """A one-off replacement. Overlapping overrides resolve predictably: the one created last wins."""
    _can_edit(session, actor, designation)
    timeinput.within(start, "start"), timeinput.within(end, "end")
    if end <= start:
        raise InvalidInput("end", _("must be after start"))
    (cp,) = _contact_points(session, designation, [contact_point_id], "contact_point_id")
    last = session.scalar(select(Override.seq).order_by(Override.seq.desc()).limit(1)) or 0
    seq = max(last + 1, int(utcnow().timestamp() * 1_000_000))
    override = Override(
        designation_id=designation.id, contact_point_id=cp.id, start=start, end=end, reason=reason.strip(), seq=seq
    )
    session.add(override)
    session.flush()
    audit(
        session,
        actor=actor,
        action="override.create",
        target_type="override",
        target_id=override.id,
        network_id=designation.network_id,
        details={
            "member": designation.member.code,
            "contact_point": cp.name,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "reason": reason,
        },
    )
    bump_directory(session)
    return override


def delete_override(session: Session, *, actor: Principal, override: Override) -> None:
    designation = session.get_one(Designation, override.designation_id)
    _can_edit(session, actor, designation)
    audit(
        session,
        actor=actor,
        action="override.delete",
        target_type="override",
        target_id=override.id,
        network_id=designation.network_id,
        details={"member": designation.member.code},
    )
    session.delete(override)
    bump_directory(session)


def set_deputy(
    session: Session, *, actor: Principal, designation: Designation, contact_point_id: uuid.UUID | None
) -> Designation:
    _can_edit(session, actor, designation)
    if contact_point_id is not None:
        _contact_points(session, designation, [contact_point_id], "deputy_id")
    designation.deputy_id = contact_point_id
    audit(
        session,
        actor=actor,
        action="designation.deputy",
        target_type="designation",
        target_id=designation.id,
        network_id=designation.network_id,
        details={"deputy_id": contact_point_id},
    )
    bump_directory(session)
    return designation


def confirm_roster(session: Session, *, actor: Principal, designation: Designation) -> Designation:
    """The agency says its roster is true as it stands; readiness warns when this is months old."""
    _can_edit(session, actor, designation)
    designation.roster_confirmed_at = utcnow()
    audit(
        session,
        actor=actor,
        action="roster.confirm",
        target_type="designation",
        target_id=designation.id,
        network_id=designation.network_id,
        details={"member": designation.member.code},
    )
    bump_directory(session)
    return designation
