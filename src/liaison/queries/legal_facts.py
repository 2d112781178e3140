"""The legal tables read into one :class:`~liaison.legal.facts.LegalFacts`, kept per database until they change.

The legal tables are small (hundreds of instruments and participations, a few thousand offences) and change
rarely, so every answer runs on an in-memory copy. The copy is keyed by a fingerprint of the tables (row counts
and the latest ``updated_at`` of each), read in one cheap query: a change made by any process is seen on the
next answer. Legal facts are public law, not personal data: any signed-in user may read them.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from liaison.errors import NotFound, PermissionDenied
from liaison.i18n import _
from liaison.legal import facts as f
from liaison.legal.elements import suggest
from liaison.models import (
    CooperationProfile,
    Instrument,
    Jurisdiction,
    Member,
    NationalOffence,
    OffenceMapping,
    Participation,
    Provision,
    Reservation,
)
from liaison.principal import Principal

_TABLES = (Jurisdiction, Instrument, Provision, Participation, Reservation, NationalOffence, OffenceMapping)
_TABLES_ALL = (*_TABLES, CooperationProfile)

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[Any, ...], f.LegalFacts]] = {}


def _source(row: Any) -> f.Source:
    return f.Source(row.source, row.source_url, row.retrieved_on, row.verified, row.demo)


def fingerprint(session: Session) -> tuple[Any, ...]:
    parts = [select(func.count(), func.max(t.updated_at)) for t in _TABLES_ALL]
    return tuple(tuple(r) for r in session.execute(union_all(*parts)))


def load_facts(session: Session) -> f.LegalFacts:
    """The legal facts as they stand now (from the cache when nothing changed)."""
    bind = session.get_bind()
    key = str(bind.engine.url)
    mark = fingerprint(session)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == mark:
            return hit[1]
    facts = read_facts(session)
    with _lock:
        facts.revision = (_cache.get(key, ((), f.LegalFacts()))[1].revision or 0) + 1
        _cache[key] = (mark, facts)
    return facts


def read_facts(session: Session) -> f.LegalFacts:
    """Read every legal table (no cache): also the benchmark's "from the raw tables" baseline's first half."""
    out = f.LegalFacts()
    for j in session.scalars(select(Jurisdiction)):
        out.jurisdictions[j.code] = f.JurisdictionFact(j.code, j.name, tuple(j.organisations or ()), _source(j))
    for i in session.scalars(select(Instrument)):
        provisions = tuple(
            f.ProvisionFact(
                p.code, p.article, p.role, p.summary, tuple(p.elements or ()), tuple(tuple(g) for g in p.any_of or ())
            )
            for p in i.provisions
        )
        out.instruments[i.code] = f.InstrumentFact(
            i.code,
            i.title,
            i.short_title,
            i.kind,
            i.organisation,
            i.adopted_on,
            i.in_force_on,
            i.binds_members,
            tuple(i.request_kinds or ()),
            tuple(i.parties or ()),
            provisions,
            _source(i),
        )
    for p in session.scalars(select(Participation)):
        reservations = tuple(
            f.ReservationFact(r.kind, r.article, r.effect, r.request_kind, r.text, _source(r))
            for r in p.reservations
            if r.withdrawn_on is None
        )
        out.participations[(p.jurisdiction, p.instrument)] = f.ParticipationFact(
            p.jurisdiction,
            p.instrument,
            p.consent,
            p.signed_on,
            p.consented_on,
            p.in_force_on,
            p.withdrawn_on,
            reservations,
            _source(p),
        )
    mappings: dict[Any, list[f.MappingFact]] = {}
    for m in session.scalars(select(OffenceMapping)):
        mappings.setdefault(m.offence_id, []).append(
            f.MappingFact(m.model, m.coverage, m.evidence, m.reviewed_by, m.reviewed_on)
        )
    by_state: dict[str, list[f.OffenceFact]] = {}
    for o in session.scalars(select(NationalOffence).order_by(NationalOffence.jurisdiction, NationalOffence.citation)):
        by_state.setdefault(o.jurisdiction, []).append(
            f.OffenceFact(
                str(o.id),
                o.jurisdiction,
                o.citation,
                o.label,
                o.language,
                o.label_en,
                o.max_penalty_months,
                tuple(o.elements or ()),
                tuple(tuple(g) for g in o.any_of or ()),
                tuple(mappings.get(o.id, ())),
                _source(o),
                o.in_force_from,
                o.repealed_on,
            )
        )
    out.offences = {k: tuple(v) for k, v in by_state.items()}
    for c in session.scalars(select(CooperationProfile)):
        out.profiles[c.jurisdiction] = f.ProfileFact(
            c.jurisdiction,
            c.treaty_required_mla,
            c.treaty_required_extradition,
            c.reciprocity_accepted,
            c.extradites_nationals,
            c.dual_criminality_mla,
            c.extradition_threshold_months,
            c.mla_threshold_months,
            tuple(c.assurances_required or ()),
            tuple(c.languages or ()),
            c.central_authority,
            _source(c),
        )
    return out


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# -- codes given by people --


def jurisdiction_code(facts: f.LegalFacts, code: str) -> str:
    """An ISO code as given (any case) if the legal tables know it; else NotFound with suggestions."""
    found = code.strip().upper()
    if found in facts.jurisdictions:
        return found
    known = {c.lower(): c for c in facts.jurisdictions}  # suggest() compares in lower case
    hints = [known[s] for s in suggest(code, known)]
    raise NotFound(_unknown(_("member"), code, hints), hints)


def instrument_code(facts: f.LegalFacts, code: str) -> str:
    found = code.strip().lower()
    if found in facts.instruments:
        return found
    hints = suggest(found, set(facts.instruments))
    raise NotFound(_unknown(_("instrument"), code, hints), hints)


def _unknown(kind: str, code: str, suggestions: list[str]) -> str:
    if suggestions:
        return _(
            "unknown %(kind)s %(code)s; did you mean %(suggestions)s?",
            kind=kind,
            code=code,
            suggestions=", ".join(suggestions),
        )
    return _("unknown %(kind)s %(code)s", kind=kind, code=code)


# -- who may read and write --


def member_code(session: Session, actor: Principal) -> str | None:
    """The code of the actor's member (their agency's state or organisation), if any."""
    if actor.member_id is None:
        return None
    return session.scalar(select(Member.code).where(Member.id == actor.member_id))


def require_legal_reader(actor: Principal) -> None:
    """Legal facts are public law: any signed-in user with an agency or a role reads them."""
    if not (actor.operator or actor.grants or actor.member_id is not None):
        raise PermissionDenied(_("you need an agency or a role to read the legal tables"))


def require_legal_editor(session: Session, actor: Principal, jurisdiction: str | None) -> None:
    """Who keeps the legal tables: the node's admins and the networks' secretariats for any state; a contact
    point for its own member's state. ``jurisdiction`` None: the shared tables (instruments), secretariats only."""
    if actor.operator or actor.is_admin or any(role == "network_admin" for role, _net in actor.grants):
        return
    if (
        jurisdiction is not None
        and any(role == "contact_point" for role, _net in actor.grants)
        and member_code(session, actor) == jurisdiction
    ):
        return
    raise PermissionDenied(
        _("only a secretariat or %(member)s's own contact points keep these facts", member=jurisdiction or "-")
    )
