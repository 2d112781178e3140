"""Directory API: networks, members, membership requests, agencies, designations, contact points, channels."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field, StrictBool

from liaison.actions import directory as act
from liaison.actions import evidence
from liaison.db import transaction
from liaison.errors import DeliveryFailed, InvalidInput, NotFound, PermissionDenied, unknown
from liaison.i18n import _
from liaison.interchange.ical import roster_calendar
from liaison.queries import directory as q
from liaison.queries.duty import board, find_network
from liaison.queries.readiness import readiness
from liaison.queries.snapshot import ContactView
from liaison.queries.visibility import (
    sees_member,
    sees_organisation,
    visible_agency,
    visible_channel,
    visible_contact_point,
    visible_request,
)
from liaison.timeinput import READINESS_DAYS, ROSTER_DAYS
from liaison.web.api.common import ApiModel, network_member, parse_at
from liaison.web.deps import Actor, Snap, State
from liaison.web.on_duty import on_duty_payload
from liaison.web.responses import JSONResponse

if TYPE_CHECKING:
    from liaison.models import MembershipRequest

router = APIRouter(tags=["directory"])


def contact_out(c: ContactView) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "name": c.name,
        "kind": c.kind,
        "is_24_7": c.is_24_7,
        "languages": list(c.languages),
        "timezone": c.timezone,
        "organisation_id": str(c.organisation_id),
        "agency": c.agency,
        "member": c.member_code,
        "is_active": c.is_active,
        "channels": [
            {
                "id": str(ch.id),
                "kind": ch.kind,
                "value": ch.value,
                "label": ch.label,
                "verified_at": ch.verified_at.isoformat() if ch.verified_at else None,
            }
            for ch in c.channels
        ],
    }


# -- networks --


class NetworkIn(ApiModel):
    code: str = Field(examples=["FTF"])
    name: str
    description: str = ""


@router.get("/networks", summary="Networks you may see, with their member codes")
def list_networks(actor: Actor, snap: Snap) -> list[dict[str, Any]]:
    return [
        {
            "code": n.code,
            "name": n.name,
            "description": n.description,
            "secretariat": n.secretariat,
            "members": list(n.members),
        }
        for n in sorted(snap.networks.values(), key=lambda n: n.code)
        if actor.can_see_network(n.id)
    ]


@router.post("/networks", status_code=201, summary="Create a network (node admin)")
def create_network(body: NetworkIn, actor: Actor, st: State) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        n = act.create_network(session, actor=actor, code=body.code, name=body.name, description=body.description)
        return {"id": str(n.id), "code": n.code, "name": n.name}


@router.get("/networks/{network}", summary="A network with its members and their designated agencies")
def get_network(network: str, actor: Actor, snap: Snap) -> dict[str, Any]:
    n = find_network(snap, network, actor)
    members = []
    for code in n.members:
        m = snap.members[code]
        d = snap.designations.get((n.id, m.id))
        members.append(
            {
                "code": m.code,
                "name": m.name,
                "kind": m.kind,
                "agency": d.agency if d else None,
                "agency_id": str(d.agency_id) if d else None,
                "designation_source": d.source if d else None,
                "designated_on": d.designated_on.isoformat() if d and d.designated_on else None,
            }
        )
    return {
        "code": n.code,
        "name": n.name,
        "description": n.description,
        "secretariat": n.secretariat,
        "members": members,
    }


# -- the answer: who is on duty --


@router.get("/networks/{network}/on-duty/{member}", summary="Who is on duty for a member now, or at a given time")
def on_duty(
    network: str,
    member: str,
    actor: Actor,
    st: State,
    at: str | None = Query(None, description="ISO 8601 instant with offset, 1970-2199; default now"),
) -> Response:
    return JSONResponse(on_duty_payload(st, actor, network, member, at))


@router.get("/networks/{network}/board", summary="Every member's contact on duty, with their local time")
def duty_board(request: Request, network: str, actor: Actor, snap: Snap, at: str | None = None) -> list[dict[str, Any]]:
    n = find_network(snap, network, actor)
    answers = board(snap, n, parse_at(at))
    evidence.duty_answers_read(request.app.state.liaison.read_audit, actor=actor, answers=answers, network_id=n.id)
    return [a.to_json() for a in answers]


@router.get(
    "/networks/{network}/members/{member}/roster.ics",
    summary="The member's roster as iCalendar",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def roster_ics(
    network: str,
    member: str,
    actor: Actor,
    snap: Snap,
    days: int = Query(90, ge=ROSTER_DAYS.least, le=ROSTER_DAYS.most),
    start: str | None = None,
) -> Response:
    n, m = network_member(snap, actor, network, member)
    body = roster_calendar(snap, n, m, snap.designations.get((n.id, m.id)), parse_at(start, "start"), days)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{n.code}-{m.code}-roster.ics"'},
    )


@router.get("/networks/{network}/readiness", summary="Readiness warnings for the coming weeks")
def network_readiness(
    network: str,
    actor: Actor,
    snap: Snap,
    st: State,
    days: int | None = Query(None, ge=READINESS_DAYS.least, le=READINESS_DAYS.most),
) -> list[dict[str, Any]]:
    from liaison.queries.exchange import failing_channels

    n = find_network(snap, network, actor)
    s = st.settings
    with st.reads() as session:
        failing = failing_channels(session)
    return [
        w.to_json()
        for w in readiness(
            snap,
            n,
            parse_at(None),
            horizon_days=days or s.readiness_horizon_days,
            roster_stale_days=s.roster_stale_days,
            channel_stale_days=s.channel_stale_days,
            failing=failing,
        )
    ]


# -- members and membership --


class MemberIn(ApiModel):
    code: str = Field(examples=["FR", "INTERPOL"])
    kind: Literal["state", "organisation"] = "state"
    name: str = ""


@router.post("/networks/{network}/members", status_code=201, summary="Admit a member (secretariat)")
def admit(network: str, body: MemberIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    n = find_network(snap, network, actor)
    with transaction(st.sessions) as session:
        net = q.network(session, n.id)
        m = act.ensure_member(session, actor=actor, code=body.code, kind=body.kind, name=body.name)
        act.admit_member(session, actor=actor, network=net, member=m)
        return {"code": m.code, "name": m.name, "kind": m.kind, "network": net.code, "status": "active"}


class StatusIn(ApiModel):
    status: Literal["active", "suspended", "withdrawn"]


@router.patch("/networks/{network}/members/{member}", summary="Suspend, withdraw or reactivate a membership")
def membership_status(network: str, member: str, body: StatusIn, actor: Actor, st: State, snap: Snap) -> dict[str, str]:
    n = find_network(snap, network, actor)
    with transaction(st.sessions) as session:
        m = q.member_by_code(session, member.upper())
        if m is None:
            raise NotFound(_("no member %(code)r", code=member))
        act.set_membership_status(session, actor=actor, network=q.network(session, n.id), member=m, status=body.status)
        return {"network": n.code, "member": m.code, "status": body.status}


class RequestIn(ApiModel):
    member_code: str
    member_kind: Literal["state", "organisation"] = "state"
    member_name: str = ""
    message: str = ""


def request_out(r: MembershipRequest) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "network": r.network.code,
        "member_code": r.member_code,
        "member_name": r.member_name,
        "member_kind": r.member_kind,
        "message": r.message,
        "status": r.status,
        "created_at": r.created_at.isoformat(),
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        "decision_note": r.decision_note,
    }


@router.post(
    "/networks/{network}/membership-requests",
    status_code=201,
    summary="Ask to join a network (open to any state or organisation)",
)
def create_request(network: str, body: RequestIn, actor: Actor, st: State) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        net = q.network_by_code(session, network.upper())
        if net is None:
            raise NotFound(_("no network %(code)r", code=network))
        r = act.request_membership(
            session,
            actor=actor,
            network=net,
            member_code=body.member_code,
            member_kind=body.member_kind,
            member_name=body.member_name,
            message=body.message,
        )
        return request_out(r)


@router.get("/networks/{network}/membership-requests", summary="Membership requests (secretariat)")
def list_requests(network: str, actor: Actor, st: State, snap: Snap, status: str | None = None) -> list[dict[str, Any]]:
    n = find_network(snap, network, actor)
    if not actor.administers(n.id):
        raise PermissionDenied(_("only the network's secretariat sees membership requests"))
    with st.sessions() as session:
        return [request_out(r) for r in q.membership_requests(session, n.id, status)]


class DecisionIn(ApiModel):
    approve: StrictBool
    note: str = ""


@router.post("/membership-requests/{request_id}/decision", summary="Approve or decline a membership request")
def decide(request_id: uuid.UUID, body: DecisionIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        r = visible_request(session, snap, actor, request_id)
        act.decide_membership_request(session, actor=actor, request=r, approve=body.approve, note=body.note)
        return request_out(r)


# -- agencies and designations --


class AgencyIn(ApiModel):
    name: str
    agency_kind: str = "other"
    short_name: str = ""


@router.post("/members/{member}/agencies", status_code=201, summary="Add an agency of a member")
def create_agency(member: str, body: AgencyIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        m = q.member_by_code(session, member.upper())
        if m is None or not sees_member(snap, actor, m.id):
            raise NotFound(_("no member %(code)r", code=member))
        a = act.create_agency(
            session, actor=actor, member=m, name=body.name, agency_kind=body.agency_kind, short_name=body.short_name
        )
        return {"id": str(a.id), "name": a.name, "member": m.code, "agency_kind": a.agency_kind}


@router.get("/agencies/{agency_id}", summary="An agency with its contact points")
def get_agency(agency_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    if not sees_organisation(snap, actor, agency_id):
        raise unknown("agency", agency_id)
    with st.sessions() as session:
        a = q.agency_or_404(session, agency_id)
    contacts = [contact_out(c) for c in snap.contacts.values() if c.organisation_id == agency_id]
    return {
        "id": str(a.id),
        "name": a.name,
        "kind": a.kind,
        "agency_kind": a.agency_kind,
        "member": a.member.code if a.member else None,
        "contact_points": contacts,
    }


class DesignationIn(ApiModel):
    agency_id: uuid.UUID
    source: str = Field(description="The declaration or note that named the agency")
    designated_on: date | None = None


@router.put("/networks/{network}/members/{member}/designation", summary="Set the member's designated authority")
def set_designation(
    network: str, member: str, body: DesignationIn, actor: Actor, st: State, snap: Snap
) -> dict[str, Any]:
    n, m = network_member(snap, actor, network, member)
    with transaction(st.sessions) as session:
        agency = q.agency_or_404(session, body.agency_id)
        d = act.designate(
            session,
            actor=actor,
            network=q.network(session, n.id),
            member=q.member(session, m.id),
            agency=agency,
            source=body.source,
            designated_on=body.designated_on,
        )
        return {"id": str(d.id), "network": n.code, "member": m.code, "agency": agency.name, "source": d.source}


# -- contact points and channels --


class ChannelIn(ApiModel):
    kind: str = Field(examples=["phone", "mobile", "email", "inbox", "webhook"])
    value: str
    label: str = ""


class ContactPointIn(ApiModel):
    name: str
    timezone: str = Field(examples=["Europe/Paris"])
    kind: Literal["desk", "person"] = "desk"
    languages: list[str] = Field(default_factory=list, examples=[["fr", "en"]])
    is_24_7: StrictBool = False
    notes: str = ""
    channels: list[ChannelIn] = Field(default_factory=list)


class ContactPointPatch(ApiModel):
    name: str | None = None
    timezone: str | None = None
    kind: Literal["desk", "person"] | None = None
    languages: list[str] | None = None
    is_24_7: StrictBool | None = None
    notes: str | None = None
    is_active: StrictBool | None = None


@router.post("/agencies/{agency_id}/contact-points", status_code=201, summary="Add a contact point to an agency")
def create_contact_point(
    agency_id: uuid.UUID, body: ContactPointIn, actor: Actor, st: State, snap: Snap
) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        agency = visible_agency(session, snap, actor, agency_id)
        cp = act.create_contact_point(
            session,
            actor=actor,
            agency=agency,
            name=body.name,
            timezone=body.timezone,
            kind=body.kind,
            languages=body.languages,
            is_24_7=body.is_24_7,
            notes=body.notes,
            channels=[c.model_dump() for c in body.channels],
        )
        return {
            "id": str(cp.id),
            "name": cp.name,
            "channels": [{"id": str(c.id), "kind": c.kind, "value": c.value} for c in cp.channels],
        }


@router.get("/contact-points/{contact_point_id}", summary="A contact point with its channels")
def get_contact_point(request: Request, contact_point_id: uuid.UUID, actor: Actor, snap: Snap) -> dict[str, Any]:
    c = snap.contacts.get(contact_point_id)
    if c is None or not sees_organisation(snap, actor, c.organisation_id):
        raise unknown("contact point", contact_point_id)
    if c.kind == "person":
        evidence.contact_point_read(request.app.state.liaison.read_audit, actor=actor, contact_point_id=c.id)
    return contact_out(c)


@router.patch("/contact-points/{contact_point_id}", summary="Change a contact point")
def patch_contact_point(
    contact_point_id: uuid.UUID, body: ContactPointPatch, actor: Actor, st: State, snap: Snap
) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        cp = visible_contact_point(session, snap, actor, contact_point_id)
        act.update_contact_point(session, actor=actor, contact_point=cp, changes=body.model_dump(exclude_none=True))
        return {"id": str(cp.id), "name": cp.name, "timezone": cp.timezone, "languages": cp.languages}


@router.post("/contact-points/{contact_point_id}/channels", status_code=201, summary="Add a channel")
def add_channel(contact_point_id: uuid.UUID, body: ChannelIn, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        cp = visible_contact_point(session, snap, actor, contact_point_id)
        ch = act.add_channel(session, actor=actor, contact_point=cp, kind=body.kind, value=body.value, label=body.label)
        return {"id": str(ch.id), "kind": ch.kind, "value": ch.value, "label": ch.label}


@router.delete("/channels/{channel_id}", status_code=204, summary="Remove a channel")
def delete_channel(channel_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> Response:
    with transaction(st.sessions) as session:
        channel = visible_channel(session, snap, actor, channel_id)
        act.remove_channel(session, actor=actor, channel=channel)
    return Response(status_code=204)


@router.post(
    "/channels/{channel_id}/verification",
    status_code=202,
    summary="Send a test message the contact confirms by following its link",
)
def verify_channel(channel_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    from liaison.channels import ChannelError
    from liaison.channels.verification import deliver_verification

    with transaction(st.sessions) as session:
        ch = visible_channel(session, snap, actor, channel_id)
        code = act.start_channel_verification(session, actor=actor, channel=ch)
        kind, value, cp_name = ch.kind, ch.value, ch.contact_point.name
    try:
        sent = deliver_verification(st.settings, kind=kind, value=value, contact_name=cp_name, code=code)
    except ChannelError as exc:
        raise DeliveryFailed(
            _("the test message could not be sent: %(public)s; try again later", public=exc.public),
            permanent=exc.permanent,
        ) from exc
    return {"channel_id": str(channel_id), "sent_via": sent, "expires_in_hours": act.VERIFICATION_HOURS}


@router.get("/channels/{channel_id}/webhook-secret", summary="The signing secret of a webhook channel (editors)")
def webhook_secret(channel_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> dict[str, Any]:
    """The Standard Webhooks secret (``whsec_...``) the receiver verifies our signatures with. Derived from the
    node key and the channel id: shown only to those who may edit the agency's entries, and audited."""
    from liaison.channels.signing import channel_secret

    with transaction(st.sessions) as session:
        ch = visible_channel(session, snap, actor, channel_id)
        act.require_edit_organisation(session, actor, ch.contact_point.organisation_id)
        if ch.kind != "webhook":
            raise InvalidInput("channel", _("a %(kind)s channel has no signing secret", kind=ch.kind))
        evidence.webhook_secret_read(session, actor=actor, channel=ch)
        return {
            "channel_id": str(ch.id),
            "url": ch.value,
            "secret": channel_secret(st.settings.secret_key, ch.id),
            "scheme": "Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature)",
        }


class ConfirmIn(ApiModel):
    code: str


@router.post("/channel-verifications", summary="Confirm a channel with the code from its test message")
def confirm_channel(body: ConfirmIn, request: Request, st: State) -> dict[str, Any]:
    from liaison.web.verify import confirm_code

    ch = confirm_code(st, body.code, request)
    return {"channel_id": str(ch.id), "verified_at": ch.verified_at.isoformat() if ch.verified_at else None}
