"""Roster API: rotations, overrides, deputy, confirmation, and the roster's shifts as JSON."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from liaison.actions import rosters as act
from liaison.db import transaction
from liaison.errors import NotFound
from liaison.i18n import _
from liaison.queries import directory as q
from liaison.queries.duty import shifts
from liaison.queries.snapshot import DesignationView, Snapshot
from liaison.queries.visibility import visible_override, visible_rotation
from liaison.timeinput import ROSTER_DAYS
from liaison.web.api.common import ApiModel, network_member, parse_at
from liaison.web.deps import Actor, Snap, State

router = APIRouter(tags=["rosters"])


def _designation(snap: Snapshot, actor: Any, network: str, member: str) -> DesignationView:
    n, m = network_member(snap, actor, network, member)
    d = snap.designations.get((n.id, m.id))
    if d is None:
        raise NotFound(_("%(name)s has designated no authority on %(code)s", name=m.name, code=n.code))
    return d


@router.get("/networks/{network}/members/{member}/roster", summary="Rotations, overrides and upcoming shifts")
def get_roster(
    network: str,
    member: str,
    actor: Actor,
    snap: Snap,
    days: int = Query(14, ge=ROSTER_DAYS.least, le=ROSTER_DAYS.most),
    start: str | None = None,
) -> dict[str, Any]:
    d = _designation(snap, actor, network, member)
    begin = parse_at(start, "start")
    name = lambda cid: snap.contacts[cid].name if cid in snap.contacts else None  # noqa: E731
    return {
        "designation_id": str(d.id),
        "agency": d.agency,
        "deputy": name(d.deputy_id) if d.deputy_id else None,
        "deputy_id": str(d.deputy_id) if d.deputy_id else None,
        "roster_confirmed_at": d.roster_confirmed_at.isoformat() if d.roster_confirmed_at else None,
        "rotations": [
            {
                "id": str(r.id),
                "name": r.name,
                "layer": r.layer,
                "timezone": r.timezone,
                "period": r.period,
                "every": r.every,
                "start": r.start.isoformat(),
                "handoff": r.handoff.isoformat(timespec="minutes"),
                "end": r.end.isoformat() if r.end else None,
                "window": [r.window[0].isoformat(timespec="minutes"), r.window[1].isoformat(timespec="minutes")]
                if r.window
                else None,
                "weekdays": list(r.weekdays) if r.weekdays is not None else None,
                "participants": [{"id": str(p), "name": name(p)} for p in r.participants],
            }
            for r in d.rotations
        ],
        "overrides": [
            {
                "id": str(o.id),
                "contact_point_id": str(o.contact_point_id),
                "contact": name(o.contact_point_id),
                "start": o.start.isoformat(),
                "end": o.end.isoformat(),
                "reason": o.reason,
                "seq": o.seq,
            }
            for o in d.overrides
            if o.end > begin - timedelta(days=1)
        ],
        "shifts": [
            {
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "source": s.source,
                "layer": s.layer,
                "contact_id": s.participant,
                "contact": name(uuid.UUID(s.participant)) if s.participant else None,
            }
            for s in shifts(snap, d, begin, days)
        ],
    }


class RotationIn(ApiModel):
    participants: list[uuid.UUID] = Field(min_length=1, description="Contact point ids, in order")
    timezone: str = Field(examples=["Europe/Paris"])
    start: date
    handoff: time = Field(examples=["08:00"])
    period: Literal["daily", "weekly"] = "weekly"
    every: int = Field(1, ge=1, le=52)
    layer: int = Field(0, ge=0, le=20)
    end: date | None = None
    window_start: time | None = None
    window_end: time | None = None
    weekdays: list[int] | None = Field(None, description="0=Monday ... 6=Sunday")
    name: str = ""


@router.post("/networks/{network}/members/{member}/rotations", status_code=201, summary="Add a rotation")
def add_rotation(network: str, member: str, body: RotationIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    d = _designation(snap, actor, network, member)
    window = (body.window_start, body.window_end) if body.window_start and body.window_end else None
    with transaction(st.sessions) as session:
        r = act.add_rotation(
            session,
            actor=actor,
            designation=q.designation(session, d.id),
            participants=body.participants,
            timezone=body.timezone,
            start=body.start,
            handoff=body.handoff,
            period=body.period,
            every=body.every,
            layer=body.layer,
            end=body.end,
            window=window,
            weekdays=body.weekdays,
            name=body.name,
        )
        return {"id": str(r.id)}


@router.delete("/rotations/{rotation_id}", status_code=204, summary="Delete a rotation")
def delete_rotation(rotation_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> Response:
    with transaction(st.sessions) as session:
        rotation = visible_rotation(session, snap, actor, rotation_id)
        act.delete_rotation(session, actor=actor, rotation=rotation)
    return Response(status_code=204)


class OverrideIn(ApiModel):
    contact_point_id: uuid.UUID
    start: str = Field(examples=["2026-12-01T08:00:00+01:00"])
    end: str
    reason: str = ""


@router.post(
    "/networks/{network}/members/{member}/overrides",
    status_code=201,
    summary="Add an override (a one-off replacement; the latest overlapping override wins)",
)
def add_override(network: str, member: str, body: OverrideIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    d = _designation(snap, actor, network, member)
    with transaction(st.sessions) as session:
        o = act.add_override(
            session,
            actor=actor,
            designation=q.designation(session, d.id),
            contact_point_id=body.contact_point_id,
            start=parse_at(body.start, "start"),
            end=parse_at(body.end, "end"),
            reason=body.reason,
        )
        return {"id": str(o.id), "seq": o.seq}


@router.delete("/overrides/{override_id}", status_code=204, summary="Delete an override")
def delete_override(override_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> Response:
    with transaction(st.sessions) as session:
        override = visible_override(session, snap, actor, override_id)
        act.delete_override(session, actor=actor, override=override)
    return Response(status_code=204)


class DeputyIn(ApiModel):
    contact_point_id: uuid.UUID | None


@router.put("/networks/{network}/members/{member}/deputy", summary="Set the deputy (first step of the fallback)")
def set_deputy(network: str, member: str, body: DeputyIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    d = _designation(snap, actor, network, member)
    with transaction(st.sessions) as session:
        act.set_deputy(
            session, actor=actor, designation=q.designation(session, d.id), contact_point_id=body.contact_point_id
        )
    return {"deputy_id": str(body.contact_point_id) if body.contact_point_id else None}


@router.post("/networks/{network}/members/{member}/roster/confirm", summary="Confirm the roster is true")
def confirm(network: str, member: str, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    d = _designation(snap, actor, network, member)
    with transaction(st.sessions) as session:
        des = act.confirm_roster(session, actor=actor, designation=q.designation(session, d.id))
        return {"roster_confirmed_at": des.roster_confirmed_at.isoformat() if des.roster_confirmed_at else None}
