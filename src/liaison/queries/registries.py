"""The registries' read side: liaison officers, experts, training activities with their attendance, and the
members' national-strategy self-assessments with their gaps matched to experts and courses. Shared by the CLI,
the API and the pages; every answer is built here once (the ``*_json`` shapes).

Names of officers, experts and attendees are personal data, shown on need to know and audited:

- the registries are for users whose agency's member belongs to a network, the networks' secretariats, node
  admins and auditors (:func:`require_reader`); anyone else is refused, except for the training calendar and their
  own member's strategy, which they see without names;
- an officer is shown to the members of the networks it serves (``networks``), and to the members that posted it
  and host it; an expert to any member sharing a network with the expert's member, and to that member;
- training attendance lists (names) to every reader above.

A read that shows names is audited in the caller's transaction (``registry.officer.read``, ``registry.expert.read``,
``registry.training.read``, ``registry.strategy.read``), as the bank audits its reads: the caller commits the read
and its record together.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.errors import NotFound, PermissionDenied, id_or_404
from liaison.i18n import _
from liaison.legal import strategy as core
from liaison.legal.elements import UnknownCode, suggest
from liaison.models import (
    Channel,
    ContactPoint,
    CooperationProfile,
    Expert,
    LiaisonOfficer,
    Member,
    Membership,
    Network,
    Organisation,
    StrategyAssessment,
    TrainingActivity,
)
from liaison.principal import Principal
from liaison.queries.legal_facts import member_code as own_member
from liaison.queries.legal_facts import require_legal_editor

DEMO_NOTE = "demonstration data: fictional, not verified"


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads, in the codes the registries use: their member, the networks it belongs to (and those they
    administer or audit), and whether they see everything (node admin, global auditor or secretariat, operator)."""

    actor: Principal
    member: str | None
    networks: frozenset[str]
    everything: bool

    @property
    def may_read_names(self) -> bool:
        return self.everything or bool(self.networks)


def reader_for(session: Session, actor: Principal) -> Reader:
    member = session.scalar(select(Member.code).where(Member.id == actor.member_id)) if actor.member_id else None
    ids = set(actor.member_networks) | set(actor.administered_networks)
    ids |= {n for role, n in actor.grants if role == "auditor" and n is not None}
    codes = frozenset(session.scalars(select(Network.code).where(Network.id.in_(ids)))) if ids else frozenset()
    return Reader(actor, member, codes, actor.operator or actor.sees_all())


def require_reader(reader: Reader) -> None:
    if not reader.may_read_names:
        raise PermissionDenied(
            _("the registries name people: they are for members of a network, the secretariats, admins and auditors")
        )


def require_signed_in(actor: Principal) -> None:
    if not (actor.operator or actor.grants or actor.member_id is not None):
        raise PermissionDenied(_("you need an agency or a role to read the registries"))


def member_networks(session: Session) -> dict[str, frozenset[str]]:
    """Member code -> the codes of the networks it is an active member of."""
    rows = session.execute(
        select(Member.code, Network.code)
        .join(Membership, Membership.member_id == Member.id)
        .join(Network, Network.id == Membership.network_id)
        .where(Membership.status == "active")
    )
    out: dict[str, set[str]] = {}
    for member, network in rows:
        out.setdefault(member, set()).add(network)
    return {k: frozenset(v) for k, v in out.items()}


def sees_officer(reader: Reader, officer: LiaisonOfficer) -> bool:
    return (
        reader.everything
        or (reader.member is not None and reader.member in (officer.posted_by, officer.posted_to))
        or bool(reader.networks & set(officer.networks or ()))
    )


def sees_expert(reader: Reader, expert: Expert, networks: dict[str, frozenset[str]]) -> bool:
    return (
        reader.everything
        or reader.member == expert.member
        or bool(reader.networks & networks.get(expert.member, frozenset()))
    )


# -- codes given by people --


def member_code(session: Session, code: str, field: str = "member") -> str:
    """A directory member's code as given (any case; a state's ISO alpha-3 code is taken for its alpha-2 one);
    NotFound with the nearest codes else."""
    import pycountry

    found = code.strip().upper()
    known = set(session.scalars(select(Member.code)))
    if found in known:
        return found
    country = pycountry.countries.get(alpha_3=found) if len(found) == 3 else None
    if country is not None and country.alpha_2 in known:
        return str(country.alpha_2)
    near = _near(found, known)
    raise NotFound(_unknown(field, code, near), near)


def network_code(session: Session, code: str) -> str:
    found = code.strip().upper()
    known = set(session.scalars(select(Network.code)))
    if found in known:
        return found
    near = _near(found, known)
    raise NotFound(_unknown("network", code, near), near)


def _near(code: str, known: set[str]) -> list[str]:
    """The nearest upper-case codes (``suggest`` compares in lower case)."""
    by_lower = {k.lower(): k for k in known}
    return [by_lower[k] for k in suggest(code, by_lower)]


def item_code(code: str) -> str:
    try:
        return core.item_code(code)
    except UnknownCode as exc:
        raise NotFound(_unknown("checklist item", code, exc.suggestions), exc.suggestions) from None


def _unknown(kind: str, code: str, suggestions: list[str]) -> str:
    if suggestions:
        return _(
            "unknown %(kind)s %(code)s; did you mean %(suggestions)s?",
            kind=kind,
            code=code,
            suggestions=", ".join(suggestions),
        )
    return _("unknown %(kind)s %(code)s", kind=kind, code=code)


# -- shapes --


def provenance(row: Any, organisations: dict[uuid.UUID, str] | None = None) -> dict[str, Any]:
    org = row.entered_by_organisation_id
    return {
        "source": row.source,
        "source_url": row.source_url,
        "retrieved_on": row.retrieved_on.isoformat() if row.retrieved_on else None,
        "entered_by": row.entered_by,
        "entered_by_organisation": (organisations or {}).get(org, "") if org else "",
        "entered_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "verified": row.verified,
        "demo": row.demo,
    }


def organisations(session: Session, rows: Iterable[Any]) -> dict[uuid.UUID, str]:
    ids = {r.entered_by_organisation_id for r in rows if r.entered_by_organisation_id}
    if not ids:
        return {}
    rows_ = session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return {ident: name for ident, name in rows_}


def _current(start: date | None, end: date | None, today: date) -> bool:
    return (start is None or start <= today) and (end is None or end >= today)


def officer_json(o: LiaisonOfficer, today: date, orgs: dict[uuid.UUID, str]) -> dict[str, Any]:
    return {
        "id": str(o.id),
        "name": o.name,
        "posted_by": o.posted_by,
        "posted_to": o.posted_to,
        "post": o.post,
        "networks": list(o.networks or ()),
        "languages": list(o.languages or ()),
        "email": o.email,
        "phone": o.phone,
        "from_on": o.from_on.isoformat() if o.from_on else None,
        "until_on": o.until_on.isoformat() if o.until_on else None,
        "current": _current(o.from_on, o.until_on, today),
        "contact_point_id": str(o.contact_point_id) if o.contact_point_id else None,
        "href": f"/registries/officers/{o.id}",
        "provenance": provenance(o, orgs),
    }


def expert_json(e: Expert, today: date, orgs: dict[uuid.UUID, str]) -> dict[str, Any]:
    fact = expert_fact(e)
    return {
        "id": str(e.id),
        "name": e.name,
        "member": e.member,
        "organisation": e.organisation,
        "fields": [{"code": f, "label": core.label(f), "item": f in core.BY_CODE} for f in e.fields or ()],
        "languages": list(e.languages or ()),
        "available_from": e.available_from.isoformat() if e.available_from else None,
        "available_until": e.available_until.isoformat() if e.available_until else None,
        "availability": e.availability,
        "available": core.availability(fact, today),
        "email": e.email,
        "provenance": provenance(e, orgs),
    }


def training_json(t: TrainingActivity, names: bool, orgs: dict[uuid.UUID, str]) -> dict[str, Any]:
    attendance = [
        {
            "member": a.member,
            "participant": a.participant if names else None,
            "agency": a.agency,
            "count": a.count,
            "entered_by": a.entered_by if names else None,
        }
        for a in t.attendances
    ]
    return {
        "id": str(t.id),
        "title": t.title,
        "organiser": t.organiser,
        "starts_on": t.starts_on.isoformat(),
        "ends_on": t.ends_on.isoformat() if t.ends_on else None,
        "place": t.place,
        "online": t.online,
        "topics": [{"code": c, "label": core.label(c), "item": c in core.BY_CODE} for c in t.topics or ()],
        "languages": list(t.languages or ()),
        "capacity": t.capacity,
        "description": t.description,
        "attendance": attendance,
        "attendees": sum(a.count for a in t.attendances),
        "names_shown": names,
        "href": f"/registries/training/{t.id}",
        "provenance": provenance(t, orgs),
    }


def expert_fact(e: Expert) -> core.ExpertFact:
    return core.ExpertFact(
        str(e.id),
        e.name,
        e.member,
        tuple(e.fields or ()),
        tuple(e.languages or ()),
        e.available_from,
        e.available_until,
    )


def course_fact(t: TrainingActivity) -> core.CourseFact:
    return core.CourseFact(
        str(t.id),
        t.title,
        t.organiser,
        t.starts_on,
        t.ends_on,
        tuple(t.topics or ()),
        tuple(t.languages or ()),
        t.online,
    )


def _notice(rows: Iterable[Any]) -> dict[str, Any]:
    rows = list(rows)
    demo = any(r.demo for r in rows)
    unverified = any(not r.verified for r in rows)
    notes = []
    if demo:
        notes.append(_("Demonstration data: fictional people and activities, not verified."))
    elif unverified:
        notes.append(_("Some records are not verified against their source."))
    return {"demo": demo, "unverified": unverified, "notes": notes}


# -- officers --


def officers(
    session: Session,
    actor: Principal,
    *,
    today: date,
    posted_to: str | None = None,
    posted_by: str | None = None,
    network: str | None = None,
    current_only: bool = False,
) -> dict[str, Any]:
    """The liaison officers the reader may see, filtered: ``posted_to`` answers "whom do I contact in member X"."""
    reader = reader_for(session, actor)
    require_reader(reader)
    stmt = select(LiaisonOfficer).order_by(LiaisonOfficer.posted_to, LiaisonOfficer.name, LiaisonOfficer.id)
    filters: dict[str, str] = {}
    if posted_to:
        filters["posted_to"] = member_code(session, posted_to, "posted_to")
        stmt = stmt.where(LiaisonOfficer.posted_to == filters["posted_to"])
    if posted_by:
        filters["posted_by"] = member_code(session, posted_by, "posted_by")
        stmt = stmt.where(LiaisonOfficer.posted_by == filters["posted_by"])
    if network:
        filters["network"] = network_code(session, network)
    rows = [
        o
        for o in session.scalars(stmt)
        if sees_officer(reader, o)
        and (not network or filters["network"] in (o.networks or ()))
        and (not current_only or _current(o.from_on, o.until_on, today))
    ]
    orgs = organisations(session, rows)
    if rows:
        audit(
            session,
            actor=actor,
            action="registry.officer.read",
            target_type="registry",
            target_id="officers",
            details={"filters": filters, "officers": [str(o.id) for o in rows]},
        )
    return {"filters": filters, "officers": [officer_json(o, today, orgs) for o in rows], **_notice(rows)}


def officer(session: Session, actor: Principal, ident: uuid.UUID | str, *, today: date) -> dict[str, Any]:
    """One officer with the directory contact point it is reachable through (its channels and page)."""
    reader = reader_for(session, actor)
    require_reader(reader)
    o = session.get(LiaisonOfficer, id_or_404(ident, "liaison officer"))
    if o is None or not sees_officer(reader, o):
        raise NotFound(_("no liaison officer %(id)s", id=str(ident)[:40]))
    out = officer_json(o, today, organisations(session, [o]))
    out["contact_point"] = contact_point_json(session, o.contact_point_id) if o.contact_point_id else None
    audit(
        session,
        actor=actor,
        action="registry.officer.read",
        target_type="liaison_officer",
        target_id=o.id,
        details={"officers": [str(o.id)]},
    )
    return out | _notice([o])


def contact_point_json(session: Session, ident: uuid.UUID) -> dict[str, Any] | None:
    cp = session.get(ContactPoint, ident)
    if cp is None:
        return None
    org = session.get(Organisation, cp.organisation_id)
    channels = session.scalars(select(Channel).where(Channel.contact_point_id == cp.id).order_by(Channel.position))
    return {
        "id": str(cp.id),
        "name": cp.name,
        "kind": cp.kind,
        "is_24_7": cp.is_24_7,
        "active": cp.is_active,
        "languages": list(cp.languages or ()),
        "timezone": cp.timezone,
        "agency": org.name if org else "",
        "href": f"/agencies/{cp.organisation_id}#cp-{cp.id}",
        "channels": [
            {"kind": c.kind, "value": c.value, "label": c.label, "verified": c.verified_at is not None}
            for c in channels
        ],
    }


# -- experts --


def experts(
    session: Session,
    actor: Principal,
    *,
    today: date,
    field: str | None = None,
    language: str | None = None,
    available: str | None = None,
    member: str | None = None,
) -> dict[str, Any]:
    """The experts the reader may see; ``field`` a checklist item code, ``available`` ``now`` or ``soon``
    (within :data:`liaison.legal.strategy.SOON_DAYS` days; ``soon`` includes ``now``)."""
    from liaison import validation as v

    reader = reader_for(session, actor)
    require_reader(reader)
    filters: dict[str, str] = {}
    if field:
        filters["field"] = item_code(field)
    if language:
        filters["language"] = v.language(language, "language")
    if available:
        if available not in ("now", "soon"):
            from liaison.errors import InvalidInput

            raise InvalidInput("available", _("give now or soon"))
        filters["available"] = available
    if member:
        filters["member"] = member_code(session, member)
    nets = member_networks(session)
    rows = []
    for e in session.scalars(select(Expert).order_by(Expert.name, Expert.id)):
        if not sees_expert(reader, e, nets):
            continue
        if field and filters["field"] not in (e.fields or ()):
            continue
        if language and filters["language"] not in (e.languages or ()):
            continue
        if member and e.member != filters["member"]:
            continue
        when = core.availability(expert_fact(e), today)
        if available == "now" and when != "now" or available == "soon" and when not in ("now", "soon"):
            continue
        rows.append(e)
    orgs = organisations(session, rows)
    if rows:
        audit(
            session,
            actor=actor,
            action="registry.expert.read",
            target_type="registry",
            target_id="experts",
            details={"filters": filters, "experts": [str(e.id) for e in rows]},
        )
    return {"filters": filters, "experts": [expert_json(e, today, orgs) for e in rows], **_notice(rows)}


# -- training --


def trainings(session: Session, actor: Principal, *, today: date, upcoming: bool = False) -> dict[str, Any]:
    """The training calendar: every signed-in user sees the activities; attendees' names only readers with need
    to know (:func:`require_reader`), audited."""
    require_signed_in(actor)
    reader = reader_for(session, actor)
    names = reader.may_read_names
    stmt = select(TrainingActivity).order_by(TrainingActivity.starts_on, TrainingActivity.title, TrainingActivity.id)
    rows = [t for t in session.scalars(stmt) if not upcoming or (t.ends_on or t.starts_on) >= today]
    orgs = organisations(session, rows)
    named = [str(t.id) for t in rows if any(a.participant for a in t.attendances)]
    if names and named:
        audit(
            session,
            actor=actor,
            action="registry.training.read",
            target_type="registry",
            target_id="training",
            details={"activities": named},
        )
    return {
        "upcoming": upcoming,
        "names_shown": names,
        "activities": [training_json(t, names, orgs) | {"past": (t.ends_on or t.starts_on) < today} for t in rows],
        **_notice(rows),
    }


def training(session: Session, actor: Principal, ident: uuid.UUID | str, *, today: date) -> dict[str, Any]:
    require_signed_in(actor)
    reader = reader_for(session, actor)
    t = session.get(TrainingActivity, id_or_404(ident, "training activity"))
    if t is None:
        raise NotFound(_("no training activity %(id)s", id=str(ident)[:40]))
    names = reader.may_read_names
    if names and any(a.participant for a in t.attendances):
        audit(
            session,
            actor=actor,
            action="registry.training.read",
            target_type="training_activity",
            target_id=t.id,
            details={"activities": [str(t.id)]},
        )
    out = training_json(t, names, organisations(session, [t]))
    return out | {"past": (t.ends_on or t.starts_on) < today} | _notice([t])


# -- national strategies --


def member_languages(session: Session, member: str) -> list[str]:
    """The languages a member works in: its cooperation profile's, else those of its agencies' contact points."""
    profile = session.scalar(select(CooperationProfile).where(CooperationProfile.jurisdiction == member))
    if profile is not None and profile.languages:
        return sorted(set(profile.languages))
    found: set[str] = set()
    rows = session.scalars(
        select(ContactPoint.languages)
        .join(Organisation, Organisation.id == ContactPoint.organisation_id)
        .join(Member, Member.id == Organisation.member_id)
        .where(Member.code == member, ContactPoint.is_active.is_(True))
    )
    for langs in rows:
        found.update(langs or ())
    return sorted(found)


def _require_strategy_reader(reader: Reader, member: str) -> None:
    if reader.member == member:
        return
    require_reader(reader)


def item_json(code: str, a: StrategyAssessment | None, orgs: dict[uuid.UUID, str]) -> dict[str, Any]:
    """One checklist item with the member's assessment of it (``a`` None: not assessed)."""
    item = core.BY_CODE[code]
    status = a.status if a else "not_assessed"
    return {
        "code": item.code,
        "pillar": item.pillar,
        "label": str(item.label),
        "description": str(item.description),
        "status": status,
        "status_label": core.status_label(status),
        "evidence": a.evidence if a else "",
        "assessed_on": a.assessed_on.isoformat() if a and a.assessed_on else None,
        "provenance": provenance(a, orgs) if a else None,
    }


def strategy(
    session: Session,
    actor: Principal,
    member: str,
    *,
    today: date,
    languages: list[str] | None = None,
) -> dict[str, Any]:
    """A member's self-assessment: every checklist item with its status, evidence and provenance, the scores per
    pillar, and each gap (gap, partial or not assessed) with the experts and upcoming courses that cover it.
    Experts are those the reader may see (names only then, audited); a member's own experts are not offered."""
    reader = reader_for(session, actor)
    try:
        code = member_code(session, member)
    except NotFound:
        require_reader(reader)  # who may not read learns nothing more from an unknown member than a known one
        raise
    _require_strategy_reader(reader, code)
    rows = {
        a.item: a
        for a in session.scalars(select(StrategyAssessment).where(StrategyAssessment.member == code))
        if a.item in core.BY_CODE
    }
    status = {k: a.status for k, a in rows.items()}
    langs = sorted(set(languages)) if languages else member_languages(session, code)
    nets = member_networks(session)
    visible = [e for e in session.scalars(select(Expert)) if reader.may_read_names and sees_expert(reader, e, nets)]
    courses = list(session.scalars(select(TrainingActivity)))
    matched = core.match(
        core.gaps(status),
        [expert_fact(e) for e in visible],
        [course_fact(t) for t in courses],
        langs,
        today,
        exclude_member=code,
    )
    orgs = organisations(session, rows.values())
    items = [item_json(item.code, rows.get(item.code), orgs) for item in core.ITEMS]
    gaps: list[dict[str, Any]] = [
        {
            "item": m.gap.item.code,
            "label": str(m.gap.item.label),
            "pillar": m.gap.item.pillar,
            "status": m.gap.status,
            "status_label": core.status_label(m.gap.status),
            "experts": [
                {
                    "id": x.expert.id,
                    "name": x.expert.name,
                    "member": x.expert.member,
                    "languages": list(x.expert.languages),
                    "shared_languages": list(x.shared_languages),
                    "availability": x.availability,
                }
                for x in m.experts
            ],
            "courses": [
                {
                    "id": c.course.id,
                    "title": c.course.title,
                    "organiser": c.course.organiser,
                    "starts_on": c.course.starts_on.isoformat(),
                    "ends_on": c.course.ends_on.isoformat() if c.course.ends_on else None,
                    "online": c.course.online,
                    "languages": list(c.course.languages),
                    "shared_languages": list(c.shared_languages),
                    "href": f"/registries/training/{c.course.id}",
                }
                for c in m.courses
            ],
        }
        for m in matched
    ]
    shown = sorted({x.expert.id for m in matched for x in m.experts})
    if shown:
        audit(
            session,
            actor=actor,
            action="registry.strategy.read",
            target_type="member",
            target_id=code,
            details={"experts": shown},
        )
    scores = [
        {
            "pillar": s.pillar,
            "label": str(core.PILLARS[s.pillar]),
            "short": str(core.PILLAR_SHORT[s.pillar]),
            "items": s.items,
            "counts": s.counts,
            "score": s.score,
        }
        for s in core.pillar_scores(status)
    ]
    notice = _notice(rows.values())
    if not langs:
        notice["notes"].append(_("The member's languages are not known: matches are not filtered on language."))
    if not reader.may_read_names:
        notice["notes"].append(_("Experts are not shown: they are for members of a network."))
    return {
        "member": code,
        "languages": langs,
        "today": today.isoformat(),
        "items": items,
        "pillars": scores,
        "gaps": gaps,
        "experts_shown": reader.may_read_names,
        "checklist_source": core.SOURCE,
        **notice,
    }


def strategies(session: Session, actor: Principal) -> dict[str, Any]:
    """The overview matrix: every member with a self-assessment (or the reader's own), its status per item."""
    reader = reader_for(session, actor)
    rows = list(session.scalars(select(StrategyAssessment).order_by(StrategyAssessment.member)))
    if not reader.may_read_names:
        rows = [r for r in rows if r.member == reader.member]
        if reader.member is None:
            require_reader(reader)
    by_member: dict[str, dict[str, str]] = {}
    for r in rows:
        by_member.setdefault(r.member, {})[r.item] = r.status
    if reader.member and reader.member not in by_member:
        by_member[reader.member] = {}
    out = []
    for code in sorted(by_member):
        status = core.statuses(by_member[code])
        out.append(
            {
                "member": code,
                "statuses": status,
                "gaps": sum(1 for s in status.values() if s != "met"),
                "pillars": {s.pillar: s.score for s in core.pillar_scores(status)},
                "href": f"/registries/strategies/{code}",
            }
        )
    return {"items": [i.code for i in core.ITEMS], "members": out, **_notice(rows)}


# -- what the forms offer --


def writable_members(session: Session, actor: Principal) -> list[str]:
    """The members whose registry records the actor keeps (:func:`require_legal_editor`): every member for the
    node's admins and the secretariats, a contact point's own member, none for anyone else."""
    try:
        require_legal_editor(session, actor, None)
    except PermissionDenied:
        own = own_member(session, actor)
        if own is None:
            return []
        try:
            require_legal_editor(session, actor, own)
        except PermissionDenied:
            return []
        return [own]
    return list(session.scalars(select(Member.code).order_by(Member.code)))


def member_choices(session: Session) -> list[dict[str, str]]:
    """Every member of the directory, by code, with its name."""
    return [{"code": c, "name": n} for c, n in session.execute(select(Member.code, Member.name).order_by(Member.code))]


def network_choices(session: Session) -> list[dict[str, str]]:
    return [
        {"code": c, "name": n} for c, n in session.execute(select(Network.code, Network.name).order_by(Network.code))
    ]


def contact_point_choices(session: Session, members: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Member code -> the active contact points of its agencies, the ones an officer it posts may be reached
    through."""
    codes = list(members)
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in codes}
    if not codes:
        return out
    rows = session.execute(
        select(Member.code, ContactPoint.id, ContactPoint.name, ContactPoint.is_24_7, Organisation.name)
        .join(Organisation, Organisation.id == ContactPoint.organisation_id)
        .join(Member, Member.id == Organisation.member_id)
        .where(Member.code.in_(codes), ContactPoint.is_active.is_(True))
        .order_by(Member.code, Organisation.name, ContactPoint.name, ContactPoint.id)
    )
    for code, ident, name, is_24_7, agency in rows:
        out[code].append({"id": str(ident), "name": name, "is_24_7": is_24_7, "agency": agency})
    return out
