"""Common legal ground: jurisdictions, instruments and their provisions, who is party to what, national offences
mapped to the international offence models, each member's cooperation profile, legal requests, and the
registries of liaison officers, experts, training and national strategy self-assessments.

Every fact carries its provenance (:class:`_Sourced`): where it comes from, when that source was read, whether
someone checked it against the source (``verified``) and whether it is demonstration data. A legal-basis answer
never states more certainty than these columns allow (see :mod:`liaison.legal.basis`).

Codes, not foreign keys, tie the legal tables to each other and to the directory: a jurisdiction is an ISO 3166
alpha-2 code (a directory :class:`~liaison.models.directory.Member` where one exists), an instrument a stable
slug (``eu-2017-541``, ``cets-196``), a conduct element a slug from :mod:`liaison.legal.elements`. That keeps the
seed dataset and the CSV imports independent of row ids and lets a node import another node's tables.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.base import Record


class _Sourced:
    """Provenance: the source, when it was read, who entered the fact and when, and how sure we are of it."""

    source: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    retrieved_on: Mapped[date | None] = mapped_column(Date)
    verified: Mapped[bool] = mapped_column(default=False)
    # Demonstration data: generated or illustrative; every page and answer that uses it says so.
    demo: Mapped[bool] = mapped_column(default=False)
    entered_by: Mapped[str] = mapped_column(String(200), default="")
    entered_by_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_on: Mapped[date | None] = mapped_column(Date)


class Jurisdiction(_Sourced, Record):
    """A state (ISO 3166 alpha-2) and the organisations it belongs to (UN, CoE, EU, LAS, OIC, OAS, AU)."""

    __tablename__ = "legal_jurisdictions"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)


class Instrument(_Sourced, Record):
    """A convention, protocol, directive, Security Council resolution or bilateral treaty."""

    __tablename__ = "legal_instruments"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    short_title: Mapped[str] = mapped_column(String(120), default="")
    # convention, protocol, directive, resolution, bilateral
    kind: Mapped[str] = mapped_column(String(20))
    # UN, CoE, EU, LAS, OIC, OAS, AU, or "bilateral"
    organisation: Mapped[str] = mapped_column(String(20))
    adopted_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    # Binds every member of ``organisation`` without ratification (a Chapter VII resolution, a directive).
    binds_members: Mapped[bool] = mapped_column(default=False)
    # The request kinds it can be the legal basis of: mla, extradition, spontaneous
    request_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # For a bilateral treaty: its two parties (ISO codes)
    parties: Mapped[list[str]] = mapped_column(JSON, default=list)

    provisions = relationship("Provision", lazy="selectin", cascade="all, delete-orphan", order_by="Provision.position")


class Provision(Record):
    """One article of an instrument by its role: ``offence`` (an offence model: a set of conduct elements),
    ``definition``, ``depoliticisation``, ``aut_dedere`` (extradite or prosecute), ``refusal_ground``,
    ``contact_point`` (a 24/7 point of contact), ``mla``, ``extradition_basis`` (the instrument may serve as the
    treaty an extradition needs), ``spontaneous`` (spontaneous information)."""

    __tablename__ = "legal_provisions"

    instrument_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("legal_instruments.id", ondelete="CASCADE"), index=True)
    # The stable key of an offence model: "<instrument code>:<article slug>", e.g. "eu-2017-541:art-3"
    code: Mapped[str] = mapped_column(String(80), unique=True)
    article: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text, default="")
    # conduct element codes (offence and definition provisions): all must be present
    elements: Mapped[list[str]] = mapped_column(JSON, default=list)
    # groups of alternatives: at least one element of each group (the listed acts; the alternative aims)
    any_of: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Participation(_Sourced, Record):
    """A state's signature, consent to be bound (ratification, accession, approval, acceptance, succession) and
    entry into force for it of one instrument."""

    __tablename__ = "legal_participations"

    jurisdiction: Mapped[str] = mapped_column(String(8), index=True)
    instrument: Mapped[str] = mapped_column(String(40), index=True)
    signed_on: Mapped[date | None] = mapped_column(Date)
    consent: Mapped[str] = mapped_column(String(20), default="")  # ratification, accession, ... ("" not bound)
    consented_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)

    reservations = relationship(
        "Reservation", lazy="selectin", cascade="all, delete-orphan", order_by="Reservation.article"
    )
    __table_args__ = (UniqueConstraint("jurisdiction", "instrument"),)


class Reservation(_Sourced, Record):
    """A declaration or reservation and its effect: ``excludes_article`` (the article does not apply to or for
    this state), ``excludes_kind`` (the instrument is not a basis for ``request_kind`` with this state),
    ``no_treaty_basis`` (the state does not take the instrument as the treaty basis for extradition),
    ``condition`` (applies under a condition stated in ``text``), ``interpretative`` (no legal effect)."""

    __tablename__ = "legal_reservations"

    participation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_participations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="reservation")  # reservation, declaration
    article: Mapped[str] = mapped_column(String(40), default="")
    effect: Mapped[str] = mapped_column(String(30))
    request_kind: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)


class NationalOffence(_Sourced, Record):
    """An offence in one state's law: its citation, its label in the original language, its maximum penalty
    and the conduct elements it requires."""

    __tablename__ = "legal_national_offences"

    jurisdiction: Mapped[str] = mapped_column(String(8), index=True)
    citation: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(400))
    language: Mapped[str] = mapped_column(String(8), default="")
    label_en: Mapped[str] = mapped_column(String(400), default="")
    # months; None: not stated; LIFE (see liaison.legal.elements) for life imprisonment
    max_penalty_months: Mapped[int | None] = mapped_column(Integer)
    elements: Mapped[list[str]] = mapped_column(JSON, default=list)
    any_of: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # as on Provision
    in_force_from: Mapped[date | None] = mapped_column(Date)
    repealed_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("jurisdiction", "citation"),)


class OffenceMapping(_Sourced, Record):
    """A national offence mapped to an international offence model (a provision), with its coverage
    (``full``, ``partial``, ``none``) and the evidence for it; ``reviewed_by``/``reviewed_on`` say who checked."""

    __tablename__ = "legal_offence_mappings"

    offence_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_national_offences.id", ondelete="CASCADE"), index=True
    )
    model: Mapped[str] = mapped_column(String(80), index=True)  # a Provision.code
    coverage: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("offence_id", "model"),)


class CooperationProfile(_Sourced, Record):
    """How a state cooperates: whether it needs a treaty, accepts reciprocity, extradites its own nationals,
    which assurances it requires, which languages it accepts, and its dual-criminality penalty thresholds."""

    __tablename__ = "legal_cooperation_profiles"

    jurisdiction: Mapped[str] = mapped_column(String(8), unique=True)
    treaty_required_mla: Mapped[bool] = mapped_column(default=False)
    treaty_required_extradition: Mapped[bool] = mapped_column(default=True)
    reciprocity_accepted: Mapped[bool] = mapped_column(default=True)
    extradites_nationals: Mapped[bool] = mapped_column(default=False)
    dual_criminality_mla: Mapped[bool] = mapped_column(default=False)
    # minimum maximum penalty (months) the conduct must carry in both states
    extradition_threshold_months: Mapped[int] = mapped_column(Integer, default=12)
    mla_threshold_months: Mapped[int] = mapped_column(Integer, default=0)
    # death_penalty, life_sentence, fair_trial, speciality, no_torture, ...
    assurances_required: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1
    central_authority: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class LegalRequest(Record):
    """A mutual legal assistance, extradition or spontaneous-information request: drafted, checked for
    completeness, sent through the urgent exchange as a ``request`` message (whose response clock runs), and
    tracked to its answer. Assurances given travel with it; whether they were honoured is recorded at the end."""

    __tablename__ = "legal_requests"

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # mla, extradition, spontaneous
    requesting: Mapped[str] = mapped_column(String(8), index=True)
    requested: Mapped[str] = mapped_column(String(8), index=True)
    network_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("networks.id"))
    title: Mapped[str] = mapped_column(String(300))
    facts: Mapped[str] = mapped_column(Text, default="")
    conduct: Mapped[list[str]] = mapped_column(JSON, default=list)  # conduct element codes
    measures: Mapped[str] = mapped_column(Text, default="")  # what is asked for
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)  # instrument codes relied on
    dual_criminality: Mapped[str] = mapped_column(Text, default="")  # the statement
    assurances: Mapped[list[str]] = mapped_column(JSON, default=list)  # given with the request
    language: Mapped[str] = mapped_column(String(8), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    response_hours: Mapped[int] = mapped_column(Integer, default=72)
    # draft, sent, acknowledged, answered, refused, closed, withdrawn
    status: Mapped[str] = mapped_column(String(20), default="draft")
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"), index=True)
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(Text, default="")
    # None: not yet known; True/False once the requested state says whether the assurances were honoured
    assurances_honoured: Mapped[bool | None]
    created_by: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The completeness check and the answers it relied on, frozen when sent: the court sees what the sender saw.
    check: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    demo: Mapped[bool] = mapped_column(default=False)


class LiaisonOfficer(_Sourced, Record):
    """An officer posted by one member (``posted_by``) to another state or an organisation (``posted_to``)."""

    __tablename__ = "legal_liaison_officers"

    name: Mapped[str] = mapped_column(String(200))
    posted_by: Mapped[str] = mapped_column(String(20), index=True)  # member code
    posted_to: Mapped[str] = mapped_column(String(20), index=True)  # member code (state or organisation)
    post: Mapped[str] = mapped_column(String(300), default="")  # e.g. "Embassy of France, Amman"
    networks: Mapped[list[str]] = mapped_column(JSON, default=list)  # network codes
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_point_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contact_points.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    from_on: Mapped[date | None] = mapped_column(Date)
    until_on: Mapped[date | None] = mapped_column(Date)


class Expert(_Sourced, Record):
    """Someone a member offers for advice or training: fields, languages, availability."""

    __tablename__ = "legal_experts"

    name: Mapped[str] = mapped_column(String(200))
    member: Mapped[str] = mapped_column(String(20), index=True)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # strategy checklist item codes and topics
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    availability: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(300), default="")


class TrainingActivity(_Sourced, Record):
    __tablename__ = "legal_training_activities"

    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(20))  # member code
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(default=False)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # strategy checklist item codes
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    attendances = relationship(
        "TrainingAttendance", lazy="selectin", cascade="all, delete-orphan", order_by="TrainingAttendance.member"
    )


class TrainingAttendance(Record):
    __tablename__ = "legal_training_attendances"

    activity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("legal_training_activities.id", ondelete="CASCADE"), index=True
    )
    member: Mapped[str] = mapped_column(String(20))
    participant: Mapped[str] = mapped_column(String(200), default="")  # a name, or "" for a headcount only
    agency: Mapped[str] = mapped_column(String(300), default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    entered_by: Mapped[str] = mapped_column(String(200), default="")


class StrategyAssessment(_Sourced, Record):
    """A member's self-assessment of one item of the national-strategy checklist (drawn from the pillars of the
    UN Global Counter-Terrorism Strategy, :mod:`liaison.legal.strategy`): met, partial, gap or not assessed."""

    __tablename__ = "legal_strategy_assessments"

    member: Mapped[str] = mapped_column(String(20), index=True)
    item: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("member", "item"),)
