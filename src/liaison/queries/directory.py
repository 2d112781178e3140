"""Directory rows looked up for a change or a page: networks, members, membership requests, agencies with their
contact points, designations and their roster items.

Reads of the live directory go through the snapshot (:mod:`liaison.queries.snapshot`); these load the ORM rows an
action changes, or the few things the snapshot does not hold (requests, the agency page's verification state).
A lookup named ``..._or_404`` answers an unknown row like one of another owner: ``NotFound``, the same words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.errors import NotFound, unknown
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
    Override,
    Rotation,
    User,
)

# -- networks and members --


def network(session: Session, ident: uuid.UUID) -> Network:
    """The network row of a snapshot view (which exists: the snapshot said so)."""
    return session.get_one(Network, ident)


def network_by_code(session: Session, code: str) -> Network | None:
    """The network with exactly this code (callers normalise what a user typed)."""
    return session.scalar(select(Network).where(Network.code == code))


def member(session: Session, ident: uuid.UUID) -> Member:
    return session.get_one(Member, ident)


def member_or_none(session: Session, ident: uuid.UUID) -> Member | None:
    return session.get(Member, ident)


def member_by_code(session: Session, code: str) -> Member | None:
    """The member with exactly this code (callers normalise what a user typed)."""
    return session.scalar(select(Member).where(Member.code == code))


def membership(session: Session, network_id: uuid.UUID, member_id: uuid.UUID) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.network_id == network_id, Membership.member_id == member_id)
    )


def memberships(session: Session, network_id: uuid.UUID) -> list[Membership]:
    return list(session.scalars(select(Membership).where(Membership.network_id == network_id)))


# -- membership requests --


def membership_requests(session: Session, network_id: uuid.UUID, status: str | None = None) -> list[MembershipRequest]:
    """A network's requests, oldest first; only those with ``status`` if given."""
    q = select(MembershipRequest).where(MembershipRequest.network_id == network_id)
    if status:
        q = q.where(MembershipRequest.status == status)
    return list(session.scalars(q.order_by(MembershipRequest.created_at)))


def requests_newest_first(session: Session, network_id: uuid.UUID) -> list[MembershipRequest]:
    """A network's requests, newest first (the secretariat's page)."""
    return list(
        session.scalars(
            select(MembershipRequest)
            .where(MembershipRequest.network_id == network_id)
            .order_by(MembershipRequest.created_at.desc())
        )
    )


def requests_by(session: Session, user_id: uuid.UUID | None) -> list[MembershipRequest]:
    """The requests a user made, newest first."""
    return list(
        session.scalars(
            select(MembershipRequest)
            .where(MembershipRequest.requested_by_id == user_id)
            .order_by(MembershipRequest.created_at.desc())
        )
    )


def membership_request(session: Session, ident: uuid.UUID) -> MembershipRequest | None:
    return session.get(MembershipRequest, ident)


def usernames(session: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """User names by id (unknown and None ids are left out)."""
    found = session.execute(select(User.id, User.username).where(User.id.in_(ids - {None})))
    return {row.id: row.username for row in found}


# -- agencies and contact points --


def agency(session: Session, ident: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, ident)


def agency_or_404(session: Session, ident: uuid.UUID) -> Organisation:
    found = session.get(Organisation, ident)
    if found is None:
        raise unknown("agency", ident)
    return found


def agencies_of(session: Session, member_id: uuid.UUID) -> list[tuple[uuid.UUID, str, str]]:
    """A member's agencies as (id, name, agency kind), by name."""
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.agency_kind)
        .where(Organisation.member_id == member_id, Organisation.kind == "agency")
        .order_by(Organisation.name)
    )
    return [(r.id, r.name, r.agency_kind) for r in rows]


def agency_contact_point(session: Session, agency_id: uuid.UUID, contact_point_id: uuid.UUID) -> ContactPoint:
    """A contact point of this agency, or 404 (one of another agency is answered like an unknown one)."""
    cp = session.get(ContactPoint, contact_point_id)
    if cp is None or cp.organisation_id != agency_id:
        raise NotFound(_("no contact point %(id)s in this agency", id=contact_point_id))
    return cp


def agency_channel(session: Session, agency_id: uuid.UUID, channel_id: uuid.UUID) -> Channel:
    """A channel of one of this agency's contact points, or 404 (one of another agency is answered like an
    unknown one)."""
    channel = session.get(Channel, channel_id)
    if channel is None or channel.contact_point.organisation_id != agency_id:
        raise NotFound(_("no channel %(id)s in this agency", id=channel_id))
    return channel


def channel(session: Session, ident: uuid.UUID) -> Channel:
    return session.get_one(Channel, ident)


def channel_by_code_hash(session: Session, code_hash: str) -> Channel | None:
    """The channel awaiting the verification code with this digest, if any."""
    return session.scalar(select(Channel).where(Channel.verification_code_hash == code_hash))


@dataclass(frozen=True, slots=True)
class ChannelRow:
    id: uuid.UUID
    kind: str
    value: str
    label: str
    verified_at: datetime | None
    sent_at: datetime | None
    awaiting: bool  # a test message was sent and its link not yet used nor expired


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: uuid.UUID
    name: str
    kind: str
    is_24_7: bool
    timezone: str
    languages: tuple[str, ...]
    notes: str
    is_active: bool
    channels: tuple[ChannelRow, ...]

    @property
    def form(self) -> dict[str, str]:
        """The edit form's values as they stand."""
        return {
            "name": self.name,
            "kind": self.kind,
            "is_24_7": "on" if self.is_24_7 else "",
            "timezone": self.timezone,
            "languages": ", ".join(self.languages),
            "notes": self.notes,
            "is_active": "on" if self.is_active else "",
        }


@dataclass(frozen=True, slots=True)
class AgencyPage:
    id: uuid.UUID
    name: str
    short_name: str
    kind: str
    agency_kind: str
    member_code: str | None
    member_name: str | None
    member_kind: str | None
    contacts: tuple[ContactRow, ...]


def agency_page(session: Session, ident: uuid.UUID, now: datetime) -> AgencyPage:
    """The agency with every contact point (active first, 24/7 desks first, then by name) and the verification
    state of each channel at ``now``."""
    org = agency_or_404(session, ident)
    rows = session.scalars(select(ContactPoint).where(ContactPoint.organisation_id == ident))
    contacts = [
        ContactRow(
            cp.id,
            cp.name,
            cp.kind,
            cp.is_24_7,
            cp.timezone,
            tuple(cp.languages or ()),
            cp.notes,
            cp.is_active,
            tuple(
                ChannelRow(
                    ch.id,
                    ch.kind,
                    ch.value,
                    ch.label,
                    ch.verified_at,
                    ch.verification_sent_at,
                    ch.verification_expires_at is not None and ch.verification_expires_at > now,
                )
                for ch in cp.channels
            ),
        )
        for cp in rows
    ]
    owner = org.member
    return AgencyPage(
        org.id,
        org.name,
        org.short_name,
        org.kind,
        org.agency_kind,
        owner.code if owner else None,
        owner.name if owner else None,
        owner.kind if owner else None,
        tuple(sorted(contacts, key=lambda c: (not c.is_active, not c.is_24_7, c.name.casefold()))),
    )


# -- designations and their rosters --


def designation(session: Session, ident: uuid.UUID) -> Designation:
    """The designation row of a snapshot view."""
    return session.get_one(Designation, ident)


R = TypeVar("R", Override, Rotation)


def _roster_item(session: Session, model: type[R], ident: uuid.UUID, designation_id: uuid.UUID) -> R:
    what = model.__tablename__.removesuffix("s")
    item = session.get(model, ident)
    if item is None:
        raise unknown(what, ident)
    if item.designation_id != designation_id:
        if what == "override":
            raise NotFound(_("no override %(id)s on this roster", id=ident))
        raise NotFound(_("no rotation %(id)s on this roster", id=ident))
    return item


def roster_override(session: Session, ident: uuid.UUID, designation_id: uuid.UUID) -> Override:
    """An override of this roster, or 404 (one of another roster is answered like an unknown one)."""
    return _roster_item(session, Override, ident, designation_id)


def roster_rotation(session: Session, ident: uuid.UUID, designation_id: uuid.UUID) -> Rotation:
    """A rotation of this roster, or 404 (one of another roster is answered like an unknown one)."""
    return _roster_item(session, Rotation, ident, designation_id)
