"""Who a user is, as a :class:`~liaison.principal.Principal`: shared by the web layer and the CLI (which must
not import the web framework just to know who is acting)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import Membership, Network, User
from liaison.principal import Principal


def principal_for_user(session: Session, user: User, via: str, ip: str) -> Principal:
    """The user's rights: role grants, plus the networks their agency's member belongs to (or that their
    organisation is the secretariat of): that is what need to know lets them see."""
    member_id = user.organisation.member_id if user.organisation else None
    networks = set(session.scalars(select(Network.id).where(Network.secretariat_id == user.organisation_id)))
    if member_id is not None:
        networks.update(
            session.scalars(
                select(Membership.network_id).where(Membership.member_id == member_id, Membership.status == "active")
            )
        )
    return Principal(
        user.id,
        user.username,
        user.organisation_id,
        member_id,
        frozenset((g.role, g.network_id) for g in user.grants),
        frozenset(networks),
        via,
        ip,
    )
