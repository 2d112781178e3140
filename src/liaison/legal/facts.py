"""The legal facts as plain values, and the answers the cores give.

:func:`liaison.queries.legal_facts.load_facts` reads one :class:`LegalFacts` from the database (cached per
revision of the legal tables); the cores (:mod:`.basis`, :mod:`.dual`, :mod:`.compare`, :mod:`.drafting`) take it
and never touch the database, so the benchmark and the property tests run them on generated facts.

Every fact keeps its :class:`Source`; every answer carries the :class:`Citation` list it rests on and a
``certainty`` that is the weakest of them (:func:`weakest`): an answer never sounds surer than its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

REQUEST_KINDS = ("mla", "extradition", "spontaneous")

# How sure an answer is, best first. "stale": a source read more than STALE_AFTER_DAYS ago.
CERTAINTIES = ("verified", "unverified", "stale", "demo")
STALE_AFTER_DAYS = 365


@dataclass(frozen=True, slots=True)
class Source:
    text: str = ""
    url: str = ""
    retrieved_on: date | None = None
    verified: bool = False
    demo: bool = False

    def certainty(self, today: date) -> str:
        if self.demo:
            return "demo"
        if self.retrieved_on is None or (today - self.retrieved_on).days > STALE_AFTER_DAYS:
            return "stale"
        return "verified" if self.verified else "unverified"


@dataclass(frozen=True, slots=True)
class Citation:
    """What an answer rests on: a label people read ("CETS 196, Art. 20"), the source and how fresh it is."""

    label: str
    source: str = ""
    url: str = ""
    retrieved_on: date | None = None
    certainty: str = "unverified"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "source": self.source,
            "url": self.url,
            "retrieved_on": self.retrieved_on.isoformat() if self.retrieved_on else None,
            "certainty": self.certainty,
        }


def cite(label: str, source: Source, today: date) -> Citation:
    return Citation(label, source.text, source.url, source.retrieved_on, source.certainty(today))


def weakest(citations: list[Citation] | tuple[Citation, ...]) -> str:
    """The least certain of the citations ("verified" if there are none to doubt)."""
    rank = max((CERTAINTIES.index(c.certainty) for c in citations), default=0)
    return CERTAINTIES[rank]


@dataclass(frozen=True, slots=True)
class ProvisionFact:
    code: str  # "<instrument>:<article slug>"
    article: str  # "Art. 3"
    role: str
    summary: str = ""
    elements: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()  # groups of alternatives: one of each


@dataclass(frozen=True, slots=True)
class InstrumentFact:
    code: str
    title: str
    short_title: str
    kind: str
    organisation: str
    adopted_on: date | None
    in_force_on: date | None
    binds_members: bool
    request_kinds: tuple[str, ...]
    parties: tuple[str, ...]  # a bilateral treaty's two states
    provisions: tuple[ProvisionFact, ...]
    source: Source = field(default_factory=Source)

    @property
    def name(self) -> str:
        return self.short_title or self.title


@dataclass(frozen=True, slots=True)
class ReservationFact:
    kind: str  # reservation, declaration
    article: str
    effect: str  # excludes_article, excludes_kind, no_treaty_basis, condition, interpretative
    request_kind: str = ""
    text: str = ""
    source: Source = field(default_factory=Source)


@dataclass(frozen=True, slots=True)
class ParticipationFact:
    jurisdiction: str
    instrument: str
    consent: str  # ratification, accession, ... ("" signed only)
    signed_on: date | None
    consented_on: date | None
    in_force_on: date | None
    withdrawn_on: date | None
    reservations: tuple[ReservationFact, ...] = ()
    source: Source = field(default_factory=Source)

    def in_force(self, on: date) -> bool:
        return (
            bool(self.consent)
            and self.in_force_on is not None
            and self.in_force_on <= on
            and (self.withdrawn_on is None or self.withdrawn_on > on)
        )


@dataclass(frozen=True, slots=True)
class MappingFact:
    model: str  # a ProvisionFact.code
    coverage: str  # full, partial, none
    evidence: str = ""
    reviewed_by: str = ""
    reviewed_on: date | None = None


@dataclass(frozen=True, slots=True)
class OffenceFact:
    id: str
    jurisdiction: str
    citation: str
    label: str  # in the original language
    language: str
    label_en: str
    max_penalty_months: int | None  # liaison.legal.elements.LIFE for life
    elements: tuple[str, ...]
    any_of: tuple[tuple[str, ...], ...]
    mappings: tuple[MappingFact, ...] = ()
    source: Source = field(default_factory=Source)
    in_force_from: date | None = None
    repealed_on: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.repealed_on is None or self.repealed_on > on
        )


@dataclass(frozen=True, slots=True)
class ProfileFact:
    jurisdiction: str
    treaty_required_mla: bool
    treaty_required_extradition: bool
    reciprocity_accepted: bool
    extradites_nationals: bool
    dual_criminality_mla: bool
    extradition_threshold_months: int
    mla_threshold_months: int
    assurances_required: tuple[str, ...]
    languages: tuple[str, ...]
    central_authority: str = ""
    source: Source = field(default_factory=Source)


@dataclass(frozen=True, slots=True)
class JurisdictionFact:
    code: str
    name: str
    organisations: tuple[str, ...]
    source: Source = field(default_factory=Source)


@dataclass
class LegalFacts:
    """Everything the cores need, keyed for lookups in O(1)."""

    jurisdictions: dict[str, JurisdictionFact] = field(default_factory=dict)
    instruments: dict[str, InstrumentFact] = field(default_factory=dict)
    # (jurisdiction, instrument) -> participation
    participations: dict[tuple[str, str], ParticipationFact] = field(default_factory=dict)
    offences: dict[str, tuple[OffenceFact, ...]] = field(default_factory=dict)  # by jurisdiction
    profiles: dict[str, ProfileFact] = field(default_factory=dict)
    revision: int = 0

    def provision(self, code: str) -> ProvisionFact | None:
        instrument = self.instruments.get(code.split(":", 1)[0])
        return next((p for p in instrument.provisions if p.code == code), None) if instrument else None


# -- answers --


@dataclass
class BasisItem:
    """One instrument that can carry the request, as it stands between the two states."""

    instrument: str
    name: str
    organisation: str
    kind: str  # convention, protocol, directive, resolution, bilateral
    provisions: list[ProvisionFact]  # the articles that serve this kind of request
    reservations: list[str]  # what the parties' reservations and declarations change, in words
    stands_in: bool  # a multilateral convention standing in for a missing bilateral treaty
    citations: list[Citation]


@dataclass
class BasisAnswer:
    requesting: str
    requested: str
    kind: str
    on: date
    items: list[BasisItem]
    bilateral: bool  # a bilateral treaty in force between them
    treaty_required: bool  # the requested state needs a treaty for this kind of request
    reciprocity: bool  # the requested state would act on reciprocity alone
    verdict: str  # "treaty", "reciprocity", "none"
    certainty: str
    notes: list[str]
    citations: list[Citation]


@dataclass
class OffenceMatch:
    """A national offence against the facts: which of its elements the facts show, which they lack."""

    offence: OffenceFact
    matched: list[str]
    missing: list[str]
    excluded_by: list[str]  # exclusion elements present in the facts
    coverage: float  # share of the offence's elements the facts show
    full: bool  # every element present, no exclusion: the conduct is this offence
    threshold_months: int
    threshold_met: bool | None  # None: the penalty is not stated


@dataclass
class DualAnswer:
    """Dual criminality of the facts' conduct in one requested state (and in the requesting one)."""

    requesting: str
    requested: str
    kind: str
    conduct: list[str]
    requested_matches: list[OffenceMatch]
    requesting_matches: list[OffenceMatch]
    verdict: str  # "met", "not_met", "not_required", "unknown" (no offences recorded)
    explanation: list[str]
    certainty: str
    citations: list[Citation]
