"""Writes to the registries: liaison officers, experts, training activities and their attendance, and a member's
self-assessment of its national strategy. Each write is one audited action in the caller's transaction
(``registry.officer.create``, ``registry.officer.update``, ``registry.officer.end``, ``registry.officer.delete``,
``registry.expert.create``, ``registry.expert.delete``,
``registry.training.create``, ``registry.training.attend``, ``registry.strategy.assess``).

Who writes: the member's own contact points (role ``contact_point``, their agency's member is the officer's
``posted_by``, the expert's ``member``, the activity's ``organiser``, the attendee's member or the assessed
member), a network secretariat (``network_admin``) or a node admin; see
:func:`liaison.queries.legal_facts.require_legal_editor`. Every record keeps who entered it, for which
organisation, and its source.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import validation as v
from liaison.actions.audit import audit
from liaison.errors import InvalidInput, NotFound, id_or_404
from liaison.i18n import _
from liaison.legal import strategy as core
from liaison.legal.elements import UnknownCode
from liaison.models import (
    ContactPoint,
    Expert,
    LiaisonOfficer,
    Member,
    Organisation,
    StrategyAssessment,
    TrainingActivity,
    TrainingAttendance,
)
from liaison.principal import Principal
from liaison.queries import registries as q
from liaison.queries.legal_facts import require_legal_editor


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record comes from; ``demo`` records are demonstration data (never ``verified``)."""

    source: str = ""
    source_url: str = ""
    retrieved_on: date | None = None
    verified: bool = False
    demo: bool = False


@dataclass
class OfficerIn:
    name: str
    posted_by: str
    posted_to: str
    post: str = ""
    networks: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    contact_point_id: uuid.UUID | str | None = None
    email: str = ""
    phone: str = ""
    from_on: date | None = None
    until_on: date | None = None


@dataclass
class ExpertIn:
    name: str
    member: str
    organisation: str = ""
    fields: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    available_from: date | None = None
    available_until: date | None = None
    availability: str = ""
    email: str = ""


@dataclass
class TrainingIn:
    title: str
    organiser: str
    starts_on: date
    ends_on: date | None = None
    place: str = ""
    online: bool = False
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    capacity: int | None = None
    description: str = ""


def _stamp(row: Any, actor: Principal, prov: Provenance) -> None:
    row.source = prov.source.strip()[:500]
    row.source_url = prov.source_url.strip()[:500]
    row.retrieved_on = prov.retrieved_on
    row.verified = prov.verified and not prov.demo
    row.demo = prov.demo
    row.entered_by = actor.username
    row.entered_by_organisation_id = actor.organisation_id


def _topics(values: list[str], name: str) -> list[str]:
    try:
        return core.topics(values)
    except UnknownCode as exc:
        raise NotFound(q._unknown("checklist item", exc.code, exc.suggestions), exc.suggestions) from None


def _languages(values: list[str], name: str = "languages") -> list[str]:
    return list(dict.fromkeys(v.language(x, name) for x in values if x.strip()))


def _period(start: date | None, end: date | None, name: str) -> None:
    if start and end and end < start:
        raise InvalidInput(name, _("ends before it starts"))


# -- officers --


def _contact_point(session: Session, ident: uuid.UUID | str | None, posted_by: str) -> uuid.UUID | None:
    """The directory contact point an officer is reachable through: one of the posting member's own agencies'."""
    if not ident:
        return None
    cp_id = id_or_404(ident, "contact point")
    row = session.execute(
        select(ContactPoint.id, Member.code)
        .join(Organisation, Organisation.id == ContactPoint.organisation_id)
        .outerjoin(Member, Member.id == Organisation.member_id)
        .where(ContactPoint.id == cp_id)
    ).first()
    if row is None:
        raise NotFound(_("no contact point %(id)s", id=str(cp_id)))
    if row[1] != posted_by:
        raise InvalidInput(
            "contact_point_id",
            _("choose a contact point of an agency of %(member)s, the posting member", member=posted_by),
        )
    return cp_id


def _officer_values(session: Session, actor: Principal, data: OfficerIn) -> dict[str, Any]:
    """The officer's columns from ``data``, checked; the actor must keep the posting member's records."""
    posted_by = q.member_code(session, data.posted_by, "posted_by")
    require_legal_editor(session, actor, posted_by)
    posted_to = q.member_code(session, data.posted_to, "posted_to")
    if posted_to == posted_by:
        raise InvalidInput("posted_to", _("an officer is posted to another member than the one posting it"))
    networks = list(dict.fromkeys(q.network_code(session, n) for n in data.networks if n.strip()))
    if not networks:
        raise InvalidInput("networks", _("name at least one network the officer serves"))
    _period(data.from_on, data.until_on, "until_on")
    region = posted_to if len(posted_to) == 2 else None
    return {
        "name": v.required_text(data.name, "name"),
        "posted_by": posted_by,
        "posted_to": posted_to,
        "post": data.post.strip()[:300],
        "networks": networks,
        "languages": _languages(data.languages),
        "contact_point_id": _contact_point(session, data.contact_point_id, posted_by),
        "email": v.email(data.email, "email") if data.email.strip() else "",
        "phone": v.phone(data.phone, region, "phone") if data.phone.strip() else "",
        "from_on": data.from_on,
        "until_on": data.until_on,
    }


def create_officer(session: Session, *, actor: Principal, data: OfficerIn, prov: Provenance) -> LiaisonOfficer:
    values = _officer_values(session, actor, data)
    o = LiaisonOfficer(**values)
    _stamp(o, actor, prov)
    session.add(o)
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.officer.create",
        target_type="liaison_officer",
        target_id=o.id,
        details={
            "posted_by": values["posted_by"],
            "posted_to": values["posted_to"],
            "networks": values["networks"],
            "demo": prov.demo,
        },
    )
    return o


def _officer(session: Session, ident: uuid.UUID | str, actor: Principal) -> LiaisonOfficer:
    """The officer, if the actor may see it: one it may not see is unknown to it, as on the read side."""
    o = session.get(LiaisonOfficer, id_or_404(ident, "liaison officer"))
    if o is None or not q.sees_officer(q.reader_for(session, actor), o):
        raise NotFound(_("no liaison officer %(id)s", id=str(ident)[:40]))
    return o


def update_officer(
    session: Session, *, actor: Principal, ident: uuid.UUID | str, data: OfficerIn, source: str | None = None
) -> LiaisonOfficer:
    """Replace an officer's details. The actor keeps both the old and the new posting member's records. A changed
    record is no longer verified against its source (until someone verifies it again); who entered it stays."""
    o = _officer(session, ident, actor)
    require_legal_editor(session, actor, o.posted_by)
    values = _officer_values(session, actor, data)
    changed = sorted(k for k, value in values.items() if getattr(o, k) != value)
    if source is not None and source.strip()[:500] != o.source:
        o.source = source.strip()[:500]
        changed.append("source")
    for k, value in values.items():
        setattr(o, k, value)
    if changed:
        o.verified = False
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.officer.update",
        target_type="liaison_officer",
        target_id=o.id,
        details={"posted_by": o.posted_by, "posted_to": o.posted_to, "changed": changed},
    )
    return o


def end_officer(session: Session, *, actor: Principal, ident: uuid.UUID | str, until_on: date) -> LiaisonOfficer:
    """End a posting: the officer's last day in post (today, a past day or a day to come)."""
    o = _officer(session, ident, actor)
    require_legal_editor(session, actor, o.posted_by)
    _period(o.from_on, until_on, "until_on")
    before = o.until_on
    o.until_on = until_on
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.officer.end",
        target_type="liaison_officer",
        target_id=o.id,
        details={
            "posted_by": o.posted_by,
            "until_on": until_on.isoformat(),
            "before": before.isoformat() if before else None,
        },
    )
    return o


def delete_officer(session: Session, *, actor: Principal, ident: uuid.UUID | str) -> None:
    o = _officer(session, ident, actor)
    require_legal_editor(session, actor, o.posted_by)
    audit(
        session,
        actor=actor,
        action="registry.officer.delete",
        target_type="liaison_officer",
        target_id=o.id,
        details={"posted_by": o.posted_by, "posted_to": o.posted_to},
    )
    session.delete(o)


# -- experts --


def create_expert(session: Session, *, actor: Principal, data: ExpertIn, prov: Provenance) -> Expert:
    member = q.member_code(session, data.member)
    require_legal_editor(session, actor, member)
    fields = _topics(data.fields, "fields")
    if not fields:
        raise InvalidInput("fields", _("name at least one field (a checklist item code or a topic)"))
    languages = _languages(data.languages)
    if not languages:
        raise InvalidInput("languages", _("name at least one language the expert works in"))
    _period(data.available_from, data.available_until, "available_until")
    e = Expert(
        name=v.required_text(data.name, "name"),
        member=member,
        organisation=data.organisation.strip()[:300],
        fields=fields,
        languages=languages,
        available_from=data.available_from,
        available_until=data.available_until,
        availability=data.availability.strip()[:300],
        email=v.email(data.email, "email") if data.email.strip() else "",
    )
    _stamp(e, actor, prov)
    session.add(e)
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.expert.create",
        target_type="expert",
        target_id=e.id,
        details={"member": member, "fields": fields, "demo": prov.demo},
    )
    return e


def delete_expert(session: Session, *, actor: Principal, ident: uuid.UUID | str) -> None:
    e = session.get(Expert, id_or_404(ident, "expert"))
    if e is None:
        raise NotFound(_("no expert %(id)s", id=str(ident)[:40]))
    require_legal_editor(session, actor, e.member)
    audit(session, actor=actor, action="registry.expert.delete", target_type="expert", target_id=e.id)
    session.delete(e)


# -- training --


def create_training(session: Session, *, actor: Principal, data: TrainingIn, prov: Provenance) -> TrainingActivity:
    organiser = q.member_code(session, data.organiser, "organiser")
    require_legal_editor(session, actor, organiser)
    _period(data.starts_on, data.ends_on, "ends_on")
    if data.capacity is not None and data.capacity < 1:
        raise InvalidInput("capacity", _("give a positive number of places"))
    t = TrainingActivity(
        title=v.required_text(data.title, "title", 300),
        organiser=organiser,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        place=data.place.strip()[:200],
        online=data.online,
        topics=_topics(data.topics, "topics"),
        languages=_languages(data.languages),
        capacity=data.capacity,
        description=data.description.strip(),
    )
    _stamp(t, actor, prov)
    session.add(t)
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.training.create",
        target_type="training_activity",
        target_id=t.id,
        details={"organiser": organiser, "topics": t.topics, "demo": prov.demo},
    )
    return t


def attend(
    session: Session,
    *,
    actor: Principal,
    activity: uuid.UUID | str,
    member: str,
    participant: str = "",
    agency: str = "",
    count: int = 1,
) -> TrainingAttendance:
    """Record who attended (a named participant, or a headcount with ``participant`` empty)."""
    t = session.get(TrainingActivity, id_or_404(activity, "training activity"))
    if t is None:
        raise NotFound(_("no training activity %(id)s", id=str(activity)[:40]))
    code = q.member_code(session, member)
    require_legal_editor(session, actor, code)
    participant = participant.strip()[:200]
    if count < 1 or (participant and count != 1):
        raise InvalidInput("count", _("a named participant counts once; a headcount is a positive number"))
    if participant and any(a.member == code and a.participant == participant for a in t.attendances):
        raise InvalidInput("participant", _("%(name)s is already recorded as attending", name=participant))
    row = TrainingAttendance(
        activity_id=t.id,
        member=code,
        participant=participant,
        agency=agency.strip()[:300],
        count=count,
        entered_by=actor.username,
    )
    session.add(row)
    t.attendances.append(row)
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.training.attend",
        target_type="training_activity",
        target_id=t.id,
        details={"member": code, "named": bool(participant), "count": count},
    )
    return row


# -- national strategies --


def assess(
    session: Session,
    *,
    actor: Principal,
    member: str,
    item: str,
    status: str,
    evidence: str = "",
    assessed_on: date | None = None,
    prov: Provenance | None = None,
    today: date | None = None,
) -> StrategyAssessment:
    """Set a member's status on one checklist item (met, partial, gap, not_assessed), with its evidence."""
    try:
        code = q.member_code(session, member)
    except NotFound:
        require_legal_editor(session, actor, member.strip().upper()[:20])  # an unknown member tells nothing more
        raise
    require_legal_editor(session, actor, code)
    item = q.item_code(item)
    if status not in core.STATUSES:
        raise InvalidInput("status", _("give one of %(statuses)s", statuses=", ".join(core.STATUSES)))
    prov = prov or Provenance(source=_("self-assessment"))
    row = session.scalar(
        select(StrategyAssessment).where(StrategyAssessment.member == code, StrategyAssessment.item == item)
    )
    before = row.status if row else None
    if row is None:
        row = StrategyAssessment(member=code, item=item)
        session.add(row)
    row.status = status
    row.evidence = evidence.strip()
    row.assessed_on = assessed_on or today or date.today()  # noqa: DTZ011 - a calendar day, the caller's when given
    _stamp(row, actor, prov)
    session.flush()
    audit(
        session,
        actor=actor,
        action="registry.strategy.assess",
        target_type="member",
        target_id=code,
        details={"item": item, "status": status, "before": before},
    )
    return row
