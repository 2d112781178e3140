"""Need to know for the directory's objects named by id: may this user see the object at all?

Asked before any right to change the object is checked, so that one the user may not see is refused exactly
like one that does not exist (404, the same body), and a 403 is only ever about an object the user sees
(README: unknown and invisible look the same). What is visible is what the read routes show:

- an organisation (agency or secretariat): to its own users, to whoever sees a network it is designated on
  or is the secretariat of, and to node admins and auditors; its contact points and channels go with it;
- a rotation or an override: to whoever sees the network of its designation;
- a member: to whoever sees a network it belongs to, to its own users, and to secretariats and node admins
  (who admit members, so must be able to name any);
- a membership request: to its network's secretariat and to the user who made it;
- an API token: to its user and to node admins (who manage accounts).

Messages have their own rule (:mod:`liaison.queries.message_access`), the bank its own (:mod:`.bank_access`).
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy.orm import Session

from liaison.errors import unknown
from liaison.models import (
    ApiToken,
    Base,
    Channel,
    ContactPoint,
    Designation,
    Member,
    MembershipRequest,
    Organisation,
    Override,
    Rotation,
)
from liaison.principal import Principal
from liaison.queries.snapshot import Snapshot

T = TypeVar("T", bound=Base)


def sees_organisation(snap: Snapshot, actor: Principal, org_id: uuid.UUID) -> bool:
    if actor.sees_all() or actor.organisation_id == org_id:
        return True
    for (net_id, _member_id), d in snap.designations.items():
        if d.agency_id == org_id and actor.can_see_network(net_id):
            return True
    return any(n.secretariat_id == org_id and actor.can_see_network(n.id) for n in snap.networks.values())


def sees_member(snap: Snapshot, actor: Principal, member_id: uuid.UUID) -> bool:
    if actor.sees_all() or actor.administered_networks or actor.member_id == member_id:
        return True
    return any(m == member_id and actor.can_see_network(n) for n, m in snap.membership)


def sees(session: Session, snap: Snapshot, actor: Principal, obj: Base) -> bool:
    """Whether ``actor`` may see ``obj`` (one of the kinds the module lists)."""
    if isinstance(obj, Organisation):
        return sees_organisation(snap, actor, obj.id)
    if isinstance(obj, ContactPoint):
        return sees_organisation(snap, actor, obj.organisation_id)
    if isinstance(obj, Channel):
        return sees_organisation(snap, actor, obj.contact_point.organisation_id)
    if isinstance(obj, Rotation | Override):
        designation = session.get(Designation, obj.designation_id)
        return designation is not None and actor.can_see_network(designation.network_id)
    if isinstance(obj, Member):
        return sees_member(snap, actor, obj.id)
    if isinstance(obj, MembershipRequest):
        return actor.administers(obj.network_id) or (actor.user_id is not None and obj.requested_by_id == actor.user_id)
    if isinstance(obj, ApiToken):
        return actor.is_admin or (actor.user_id is not None and obj.user_id == actor.user_id)
    raise TypeError(f"no visibility rule for {type(obj).__name__}")


def visible_or_404(
    session: Session, snap: Snapshot, actor: Principal, model: type[T], ident: uuid.UUID, what: str
) -> T:
    """The object if ``actor`` may see it; unknown and invisible get the same 404 (``no <what> <id>``)."""
    obj = session.get(model, ident)
    if obj is None or not sees(session, snap, actor, obj):
        raise unknown(what, ident)
    return obj


# One lookup per kind, so a router names what it wants without importing the ORM models.


def visible_agency(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> Organisation:
    return visible_or_404(session, snap, actor, Organisation, ident, "agency")


def visible_contact_point(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> ContactPoint:
    return visible_or_404(session, snap, actor, ContactPoint, ident, "contact point")


def visible_channel(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> Channel:
    return visible_or_404(session, snap, actor, Channel, ident, "channel")


def visible_request(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> MembershipRequest:
    return visible_or_404(session, snap, actor, MembershipRequest, ident, "membership request")


def visible_rotation(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> Rotation:
    return visible_or_404(session, snap, actor, Rotation, ident, "rotation")


def visible_override(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> Override:
    return visible_or_404(session, snap, actor, Override, ident, "override")


def visible_token(session: Session, snap: Snapshot, actor: Principal, ident: uuid.UUID) -> ApiToken:
    return visible_or_404(session, snap, actor, ApiToken, ident, "token")
