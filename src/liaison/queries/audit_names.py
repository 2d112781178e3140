"""Names for the ids an audit log shows: users, organisations, members, networks, contact points, channels,
messages, exercises, bank records and API tokens, found in one query for a whole page of events.

The audit log stores ids (a name may change, an id does not); the auditor reads names. Only what identifies a
thing without telling its content is read: a message is named by its network and date, never its subject, and a
bank record by its kind and date, never a name it holds (an auditor has no need to know either; the links lead
to pages that check access themselves).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, Uuid, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from liaison.models import (
    ApiToken,
    BankEntity,
    Channel,
    ContactPoint,
    Exercise,
    Member,
    Message,
    Network,
    Organisation,
    User,
)
from liaison.models.base import UTCDateTime

UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
CHUNK = 900  # ids per query: well under SQLite's limit on bound parameters


@dataclass(frozen=True, slots=True)
class Named:
    """What an id is. ``name`` and ``detail`` depend on the kind (user: display name and username; member: name and
    code; contact point and channel: name and agency; message and exercise: network code; bank record: schema);
    ``at`` dates messages, exercises and bank records; ``parent`` is the agency of a contact point or channel."""

    kind: str
    id: uuid.UUID
    name: str
    detail: str
    at: datetime | None
    parent: uuid.UUID | None


def ids_in(value: Any) -> Iterable[uuid.UUID]:
    """Every id written as text in ``value`` (a target id, a details dict, lists within it)."""
    if isinstance(value, str):
        if UUID_TEXT.match(value):
            yield uuid.UUID(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from ids_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from ids_in(item)


def _named_rows(ids: list[uuid.UUID]) -> Select[Any]:
    no_at = cast(null(), UTCDateTime())
    no_parent = cast(null(), Uuid())
    text = String()
    parts = [
        select(Message.id, literal("message", text), literal("", text), Network.code, Message.created_at, no_parent)
        .join(Network, Network.id == Message.network_id)
        .where(Message.id.in_(ids)),
        select(
            Exercise.id, literal("exercise", text), literal("", text), Network.code, Exercise.scheduled_at, no_parent
        )
        .join(Network, Network.id == Exercise.network_id)
        .where(Exercise.id.in_(ids)),
        select(
            BankEntity.id,
            literal("entity", text),
            literal("", text),
            BankEntity.schema,
            BankEntity.created_at,
            no_parent,
        ).where(BankEntity.id.in_(ids)),
        select(User.id, literal("user", text), User.display_name, User.username, no_at, no_parent).where(
            User.id.in_(ids)
        ),
        select(
            Organisation.id, literal("organisation", text), Organisation.name, Organisation.kind, no_at, no_parent
        ).where(Organisation.id.in_(ids)),
        select(Member.id, literal("member", text), Member.name, Member.code, no_at, no_parent).where(
            Member.id.in_(ids)
        ),
        select(Network.id, literal("network", text), Network.name, Network.code, no_at, no_parent).where(
            Network.id.in_(ids)
        ),
        select(
            ContactPoint.id,
            literal("contact_point", text),
            ContactPoint.name,
            Organisation.name,
            no_at,
            ContactPoint.organisation_id,
        )
        .join(Organisation, Organisation.id == ContactPoint.organisation_id)
        .where(ContactPoint.id.in_(ids)),
        select(
            Channel.id, literal("channel", text), ContactPoint.name, Channel.kind, no_at, ContactPoint.organisation_id
        )
        .join(ContactPoint, ContactPoint.id == Channel.contact_point_id)
        .where(Channel.id.in_(ids)),
        select(ApiToken.id, literal("api_token", text), ApiToken.name, ApiToken.prefix, no_at, no_parent).where(
            ApiToken.id.in_(ids)
        ),
    ]
    return union_all(*parts)  # type: ignore[return-value]


def names(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Named]:
    """What each of ``ids`` is, for those this node knows (one query per 900 ids; a page of events needs one)."""
    wanted = sorted(set(ids))
    found: dict[uuid.UUID, Named] = {}
    for start in range(0, len(wanted), CHUNK):
        for ident, kind, name, detail, at, parent in session.execute(_named_rows(wanted[start : start + CHUNK])):
            found.setdefault(ident, Named(kind, ident, name or "", detail or "", at, parent))
    return found
