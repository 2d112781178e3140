"""Directory writes: networks, members and membership requests, agencies, designations, contact points, channels."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import timeinput
from liaison import validation as v
from liaison.actions.audit import audit, bump_directory
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from liaison.i18n import _
from liaison.models import (
    Channel,
    ContactPoint,
    Designation,
    Member,
    Membership,
    MembershipRequest,
    Network,
    Organisation,
    utcnow,
)
from liaison.models.accounts import AGENCY_KINDS
from liaison.models.directory import CHANNEL_KINDS, CONTACT_POINT_KINDS
from liaison.principal import Principal
from liaison.security import digest

VERIFICATION_HOURS = 72


def _require_admin(actor: Principal, network_id: uuid.UUID | None = None) -> None:
    if actor.is_admin or (network_id is not None and actor.administers(network_id)):
        return
    raise PermissionDenied(_("this needs the network's secretariat (network admin) or a node admin"))


def _networks_of_organisation(session: Session, organisation_id: uuid.UUID) -> frozenset[uuid.UUID]:
    rows = session.scalars(select(Designation.network_id).where(Designation.agency_id == organisation_id))
    return frozenset(rows)


def require_edit_organisation(session: Session, actor: Principal, organisation_id: uuid.UUID) -> None:
    if not actor.can_edit_organisation(organisation_id, _networks_of_organisation(session, organisation_id)):
        raise PermissionDenied(_("you may edit only your own agency's entries"))


# -- networks and members --


def create_network(
    session: Session,
    *,
    actor: Principal,
    code: str,
    name: str,
    description: str = "",
    secretariat_id: uuid.UUID | None = None,
) -> Network:
    _require_admin(actor)
    code = v.network_code(code)
    if session.scalar(select(Network).where(Network.code == code)):
        raise Conflict(_("network %(code)s exists already", code=code))
    network = Network(
        code=code, name=v.required_text(name, "name"), description=description, secretariat_id=secretariat_id
    )
    session.add(network)
    session.flush()
    audit(
        session,
        actor=actor,
        action="network.create",
        target_type="network",
        target_id=network.id,
        network_id=network.id,
        details={"code": code, "name": name},
    )
    bump_directory(session)
    return network


def ensure_member(session: Session, *, actor: Principal, code: str, kind: str = "state", name: str = "") -> Member:
    """The member with this code, created if new (a state's name comes from ISO 3166). Secretariats and node
    admins only: members are created when a network admits them."""
    if not actor.is_admin and not actor.administered_networks:
        raise PermissionDenied(_("adding a member needs a network's secretariat (network admin) or a node admin"))
    code = v.member_code(code, kind)
    member = session.scalar(select(Member).where(Member.code == code))
    if member:
        return member
    if kind == "state":
        name = name.strip() or (v.country_name(code) or code)
    member = Member(code=code, kind=kind, name=v.required_text(name, "name"))
    session.add(member)
    session.flush()
    audit(
        session,
        actor=actor,
        action="member.create",
        target_type="member",
        target_id=member.id,
        details={"code": code, "kind": kind, "name": member.name},
    )
    bump_directory(session)
    return member


def admit_member(
    session: Session, *, actor: Principal, network: Network, member: Member, joined_on: date | None = None
) -> Membership:
    _require_admin(actor, network.id)
    existing = session.scalar(
        select(Membership).where(Membership.network_id == network.id, Membership.member_id == member.id)
    )
    if existing:
        if existing.status == "active":
            raise Conflict(
                _("%(code)s is already a member of %(network_code)s", code=member.code, network_code=network.code)
            )
        existing.status = "active"
        membership = existing
    else:
        membership = Membership(
            network_id=network.id,
            member_id=member.id,
            status="active",
            joined_on=joined_on or utcnow().date(),
        )
        session.add(membership)
    session.flush()
    audit(
        session,
        actor=actor,
        action="membership.admit",
        target_type="membership",
        target_id=membership.id,
        network_id=network.id,
        details={"member": member.code},
    )
    bump_directory(session)
    return membership


def set_membership_status(
    session: Session, *, actor: Principal, network: Network, member: Member, status: str
) -> Membership:
    _require_admin(actor, network.id)
    if status not in ("active", "suspended", "withdrawn"):
        raise InvalidInput("status", _("must be active, suspended or withdrawn"))
    membership = session.scalar(
        select(Membership).where(Membership.network_id == network.id, Membership.member_id == member.id)
    )
    if membership is None:
        raise NotFound(_("%(code)s is not a member of %(network_code)s", code=member.code, network_code=network.code))
    old = membership.status
    membership.status = status
    audit(
        session,
        actor=actor,
        action="membership.status",
        target_type="membership",
        target_id=membership.id,
        network_id=network.id,
        details={"member": member.code, "from": old, "to": status},
    )
    bump_directory(session)
    return membership


def request_membership(
    session: Session,
    *,
    actor: Principal,
    network: Network,
    member_code: str,
    member_kind: str = "state",
    member_name: str = "",
    message: str = "",
) -> MembershipRequest:
    """Membership is open to any state or organisation: anyone authenticated may ask; the secretariat decides."""
    code = v.member_code(member_code, member_kind, "member_code")
    name = member_name.strip() or (v.country_name(code) if member_kind == "state" else "") or ""
    name = v.required_text(name, "member_name")
    pending = session.scalar(
        select(MembershipRequest).where(
            MembershipRequest.network_id == network.id,
            MembershipRequest.member_code == code,
            MembershipRequest.status == "pending",
        )
    )
    if pending:
        raise Conflict(
            _(
                "a request for %(code)s to join %(network_code)s is already pending",
                code=code,
                network_code=network.code,
            )
        )
    req = MembershipRequest(
        network_id=network.id,
        member_code=code,
        member_name=name,
        member_kind=member_kind,
        message=message,
        requested_by_id=actor.user_id,
    )
    session.add(req)
    session.flush()
    audit(
        session,
        actor=actor,
        action="membership_request.create",
        target_type="membership_request",
        target_id=req.id,
        network_id=network.id,
        details={"member": code, "message": message},
    )
    return req


def decide_membership_request(
    session: Session, *, actor: Principal, request: MembershipRequest, approve: bool, note: str = ""
) -> MembershipRequest:
    _require_admin(actor, request.network_id)
    if request.status != "pending":
        if request.status == "approved":
            raise Conflict(_("this request was already approved"))
        if request.status == "declined":
            raise Conflict(_("this request was already declined"))
        raise Conflict(_("this request was already %(status)s", status=request.status))
    request.status = "approved" if approve else "declined"
    request.decided_by_id = actor.user_id
    request.decided_at = utcnow()
    request.decision_note = note
    if approve:
        member = ensure_member(
            session, actor=actor, code=request.member_code, kind=request.member_kind, name=request.member_name
        )
        admit_member(session, actor=actor, network=request.network, member=member)
    audit(
        session,
        actor=actor,
        action=f"membership_request.{request.status}",
        target_type="membership_request",
        target_id=request.id,
        network_id=request.network_id,
        details={"member": request.member_code, "note": note},
    )
    return request


# -- agencies and designations --


def create_agency(
    session: Session,
    *,
    actor: Principal,
    member: Member,
    name: str,
    agency_kind: str = "other",
    short_name: str = "",
) -> Organisation:
    own = actor.member_id == member.id and actor.has("contact_point")
    if not actor.is_admin and not actor.administered_networks and not own:
        raise PermissionDenied(_("you may add agencies only for your own member, as its contact point"))
    if agency_kind not in AGENCY_KINDS:
        raise InvalidInput("agency_kind", _("must be one of %(choices)s", choices=", ".join(AGENCY_KINDS)))
    name = v.required_text(name, "name")
    if session.scalar(select(Organisation).where(Organisation.name == name, Organisation.member_id == member.id)):
        raise Conflict(_("%(code)s already has an agency named %(name)r", code=member.code, name=name))
    agency = Organisation(
        name=name, short_name=short_name.strip(), kind="agency", agency_kind=agency_kind, member_id=member.id
    )
    session.add(agency)
    session.flush()
    audit(
        session,
        actor=actor,
        action="agency.create",
        target_type="organisation",
        target_id=agency.id,
        details={"member": member.code, "name": name, "agency_kind": agency_kind},
    )
    bump_directory(session)
    return agency


def designate(
    session: Session,
    *,
    actor: Principal,
    network: Network,
    member: Member,
    agency: Organisation,
    source: str,
    designated_on: date | None = None,
) -> Designation:
    """Record (or replace) the member's designated authority on the network, with the document that named it."""
    _require_admin(actor, network.id)
    if agency.member_id != member.id:
        raise InvalidInput("agency", _("%(name)s is not an agency of %(code)s", name=agency.name, code=member.code))
    membership = session.scalar(
        select(Membership).where(Membership.network_id == network.id, Membership.member_id == member.id)
    )
    if membership is None or membership.status != "active":
        raise InvalidInput(
            "member",
            _("%(code)s is not an active member of %(network_code)s", code=member.code, network_code=network.code),
        )
    source = v.required_text(source, "source", 1000)
    if designated_on is not None:
        designated_on = timeinput.in_years(designated_on, "designated_on")
    designation = session.scalar(
        select(Designation).where(Designation.network_id == network.id, Designation.member_id == member.id)
    )
    old = None
    if designation is None:
        designation = Designation(
            network_id=network.id,
            member_id=member.id,
            agency_id=agency.id,
            source=source,
            designated_on=designated_on or utcnow().date(),
        )
        session.add(designation)
    else:
        old = str(designation.agency_id)
        designation.agency_id = agency.id
        designation.source = source
        designation.designated_on = designated_on or utcnow().date()
    session.flush()
    audit(
        session,
        actor=actor,
        action="designation.set",
        target_type="designation",
        target_id=designation.id,
        network_id=network.id,
        details={"member": member.code, "agency": agency.name, "source": source, "previous_agency_id": old},
    )
    bump_directory(session)
    return designation


# -- contact points and channels --


def create_contact_point(
    session: Session,
    *,
    actor: Principal,
    agency: Organisation,
    name: str,
    timezone: str,
    kind: str = "desk",
    languages: list[str] | None = None,
    is_24_7: bool = False,
    notes: str = "",
    channels: list[dict[str, Any]] | None = None,
) -> ContactPoint:
    require_edit_organisation(session, actor, agency.id)
    if kind not in CONTACT_POINT_KINDS:
        raise InvalidInput("kind", _("must be desk or person"))
    langs = [v.language(x) for x in (languages or [])]
    cp = ContactPoint(
        organisation_id=agency.id,
        name=v.required_text(name, "name"),
        kind=kind,
        timezone=v.timezone(timezone),
        languages=langs,
        is_24_7=is_24_7,
        notes=notes,
    )
    session.add(cp)
    session.flush()
    region = agency.member.code if agency.member and agency.member.kind == "state" else None
    for i, ch in enumerate(channels or []):
        _new_channel(
            cp,
            kind=ch.get("kind", ""),
            value=ch.get("value", ""),
            label=ch.get("label", ""),
            position=i,
            region=region,
        )
    session.flush()
    audit(
        session,
        actor=actor,
        action="contact_point.create",
        target_type="contact_point",
        target_id=cp.id,
        details={
            "name": cp.name,
            "agency": agency.name,
            "kind": kind,
            "timezone": cp.timezone,
            "languages": langs,
            "channels": [(c.kind, c.value) for c in cp.channels],
        },
    )
    bump_directory(session)
    return cp


def update_contact_point(
    session: Session, *, actor: Principal, contact_point: ContactPoint, changes: dict[str, Any]
) -> ContactPoint:
    require_edit_organisation(session, actor, contact_point.organisation_id)
    before: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "name":
            value = v.required_text(value, "name")
        elif field == "timezone":
            value = v.timezone(value)
        elif field == "languages":
            value = [v.language(x) for x in value]
        elif field == "kind":
            if value not in CONTACT_POINT_KINDS:
                raise InvalidInput("kind", _("must be desk or person"))
        elif field not in ("is_24_7", "notes", "is_active"):
            raise InvalidInput(field, _("cannot be changed here"))
        before[field] = getattr(contact_point, field)
        setattr(contact_point, field, value)
    audit(
        session,
        actor=actor,
        action="contact_point.update",
        target_type="contact_point",
        target_id=contact_point.id,
        details={"before": before, "after": changes},
    )
    bump_directory(session)
    return contact_point


def _new_channel(cp: ContactPoint, *, kind: str, value: str, label: str, position: int, region: str | None) -> Channel:
    if kind not in CHANNEL_KINDS:
        raise InvalidInput(
            "kind", _("%(kind)r is not a channel kind (%(choices)s)", kind=kind, choices=", ".join(CHANNEL_KINDS))
        )
    channel = Channel(kind=kind, value=v.channel_value(kind, value, region), label=label.strip(), position=position)
    cp.channels.append(channel)
    return channel


def add_channel(
    session: Session, *, actor: Principal, contact_point: ContactPoint, kind: str, value: str, label: str = ""
) -> Channel:
    require_edit_organisation(session, actor, contact_point.organisation_id)
    org = contact_point.organisation
    region = org.member.code if org.member and org.member.kind == "state" else None
    position = max((c.position for c in contact_point.channels), default=-1) + 1
    channel = _new_channel(contact_point, kind=kind, value=value, label=label, position=position, region=region)
    session.flush()
    audit(
        session,
        actor=actor,
        action="channel.create",
        target_type="channel",
        target_id=channel.id,
        details={"contact_point": str(contact_point.id), "kind": kind, "value": channel.value},
    )
    bump_directory(session)
    return channel


def remove_channel(session: Session, *, actor: Principal, channel: Channel) -> None:
    cp = channel.contact_point
    require_edit_organisation(session, actor, cp.organisation_id)
    audit(
        session,
        actor=actor,
        action="channel.delete",
        target_type="channel",
        target_id=channel.id,
        details={"contact_point": str(cp.id), "kind": channel.kind, "value": channel.value},
    )
    cp.channels.remove(channel)
    session.delete(channel)
    bump_directory(session)


def start_channel_verification(session: Session, *, actor: Principal, channel: Channel) -> str:
    """Create a single-use verification code; the caller delivers it on the channel after commit."""
    require_edit_organisation(session, actor, channel.contact_point.organisation_id)
    code = secrets.token_urlsafe(24)
    channel.verification_code_hash = digest(code)
    channel.verification_sent_at = utcnow()
    channel.verification_expires_at = utcnow() + timedelta(hours=VERIFICATION_HOURS)
    audit(
        session,
        actor=actor,
        action="channel.verification_sent",
        target_type="channel",
        target_id=channel.id,
        details={"kind": channel.kind, "value": channel.value},
    )
    return code


def confirm_channel_verification(session: Session, *, actor: Principal, code: str) -> Channel:
    """The contact confirms the test message: the code proves the channel reaches them. Single use, expiring."""
    channel = session.scalar(select(Channel).where(Channel.verification_code_hash == digest(code)))
    if channel is None or channel.verification_expires_at is None:
        raise NotFound(_("this verification link is unknown or was already used"))
    if channel.verification_expires_at < utcnow():
        raise InvalidInput("code", _("this verification link has expired; ask for a new one"))
    channel.verified_at = utcnow()
    channel.verification_code_hash = None
    channel.verification_expires_at = None
    audit(
        session,
        actor=actor,
        action="channel.verified",
        target_type="channel",
        target_id=channel.id,
        details={"kind": channel.kind, "value": channel.value},
    )
    bump_directory(session)
    return channel
