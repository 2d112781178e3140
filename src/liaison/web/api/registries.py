"""The registries' API: liaison officers, experts, training activities with attendance, and the members'
national-strategy self-assessments with their gaps matched to experts and courses.

Thin: every answer is :mod:`liaison.queries.registries`, every write :mod:`liaison.actions.registries`, run as the
caller. Names are shown on need to know and their reads are audited in the same transaction."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from liaison.actions import registries as a
from liaison.db import transaction
from liaison.models import utcnow
from liaison.queries import registries as q
from liaison.web.api.common import ApiModel
from liaison.web.api.exchange_models import ErrorOut
from liaison.web.deps import Actor, State

router = APIRouter(prefix="/registries", tags=["legal"])

Text = Annotated[str, Field(max_length=300)]
Code = Annotated[str, Field(min_length=1, max_length=20)]
Lang = Annotated[str, Field(min_length=2, max_length=3)]


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        403: "Refused: the registries name people (members of a network, secretariats, admins, auditors read them; "
        "a member's own contact points, secretariats and admins write)",
        404: "Unknown member, network, checklist item or record; `suggestions` lists close codes",
        422: "A field's value is wrong; `field` names it",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


def _today() -> date:
    return utcnow().date()


# -- response models --


class ProvenanceOut(BaseModel):
    source: str
    source_url: str
    retrieved_on: str | None
    entered_by: str = Field(description="Who entered the record")
    entered_by_organisation: str
    entered_at: str
    updated_at: str
    verified: bool = Field(description="Checked against its source")
    demo: bool = Field(description="Demonstration data: fictional")


class Notice(BaseModel):
    demo: bool = Field(description="Some records shown are demonstration data")
    unverified: bool
    notes: list[str] = Field(description="What the reader must know about the data, in words")


class ChannelOut(BaseModel):
    kind: str
    value: str
    label: str
    verified: bool


class ContactPointOut(BaseModel):
    id: str
    name: str
    kind: str
    is_24_7: bool
    active: bool
    languages: list[str]
    timezone: str
    agency: str
    href: str = Field(description="The contact point on its agency's page")
    channels: list[ChannelOut]


class OfficerOut(BaseModel):
    id: str
    name: str
    posted_by: str = Field(description="The member that posted the officer")
    posted_to: str = Field(description="The member the officer is posted to")
    post: str
    networks: list[str]
    languages: list[str]
    email: str
    phone: str = Field(description="E.164")
    from_on: str | None
    until_on: str | None
    current: bool = Field(description="In post today")
    contact_point_id: str | None = Field(description="The directory contact point the officer is reachable through")
    href: str
    provenance: ProvenanceOut


class OfficerDetailOut(OfficerOut, Notice):
    contact_point: ContactPointOut | None


class OfficersOut(Notice):
    filters: dict[str, str]
    officers: list[OfficerOut]


class TopicOut(BaseModel):
    code: str
    label: str
    item: bool = Field(description="A checklist item (else a free-text topic)")


class ExpertOut(BaseModel):
    id: str
    name: str
    member: str
    organisation: str
    fields: list[TopicOut]
    languages: list[str]
    available_from: str | None
    available_until: str | None
    availability: str
    available: str = Field(description="now, soon (within 90 days), later or ended")
    email: str
    provenance: ProvenanceOut


class ExpertsOut(Notice):
    filters: dict[str, str]
    experts: list[ExpertOut]


class AttendanceOut(BaseModel):
    member: str
    participant: str | None = Field(description="The name; null when names are not shown to the reader")
    agency: str
    count: int
    entered_by: str | None


class TrainingOut(BaseModel):
    id: str
    title: str
    organiser: str
    starts_on: str
    ends_on: str | None
    place: str
    online: bool
    topics: list[TopicOut]
    languages: list[str]
    capacity: int | None
    description: str
    attendance: list[AttendanceOut]
    attendees: int
    names_shown: bool
    href: str
    past: bool
    provenance: ProvenanceOut


class TrainingDetailOut(TrainingOut, Notice):
    pass


class TrainingsOut(Notice):
    upcoming: bool
    names_shown: bool
    activities: list[TrainingOut]


class ItemOut(BaseModel):
    code: str
    pillar: str
    label: str
    description: str
    status: str = Field(description="met, partial, gap, not_assessed")
    status_label: str
    evidence: str
    assessed_on: str | None
    provenance: ProvenanceOut | None


class PillarOut(BaseModel):
    pillar: str
    label: str
    short: str
    items: int
    counts: dict[str, int]
    score: float = Field(description="0..1: met counts 1, partly met 0.5")


class MatchedExpert(BaseModel):
    id: str
    name: str
    member: str
    languages: list[str]
    shared_languages: list[str]
    availability: str = Field(description="now or soon")


class MatchedCourse(BaseModel):
    id: str
    title: str
    organiser: str
    starts_on: str
    ends_on: str | None
    online: bool
    languages: list[str]
    shared_languages: list[str]
    href: str


class GapOut(BaseModel):
    item: str
    label: str
    pillar: str
    status: str
    status_label: str
    experts: list[MatchedExpert]
    courses: list[MatchedCourse]


class StrategyOut(Notice):
    member: str
    languages: list[str] = Field(description="The member's languages, used to match experts and courses")
    today: str
    items: list[ItemOut]
    pillars: list[PillarOut]
    gaps: list[GapOut]
    experts_shown: bool
    checklist_source: str


class StrategyRow(BaseModel):
    member: str
    statuses: dict[str, str]
    gaps: int
    pillars: dict[str, float]
    href: str


class StrategiesOut(Notice):
    items: list[str]
    members: list[StrategyRow]


class Created(BaseModel):
    id: str


# -- inputs --


class ProvenanceIn(ApiModel):
    source: Text = ""
    source_url: Text = ""
    retrieved_on: date | None = None


class OfficerIn(ProvenanceIn):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    posted_by: Code
    posted_to: Code
    post: Text = ""
    networks: Annotated[list[Code], Field(min_length=1, max_length=20)]
    languages: Annotated[list[Lang], Field(max_length=20)] = []
    contact_point_id: uuid.UUID | None = None
    email: Text = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    from_on: date | None = None
    until_on: date | None = None


class ExpertIn(ProvenanceIn):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    member: Code
    organisation: Text = ""
    fields: Annotated[list[Text], Field(min_length=1, max_length=30)]
    languages: Annotated[list[Lang], Field(min_length=1, max_length=20)]
    available_from: date | None = None
    available_until: date | None = None
    availability: Text = ""
    email: Text = ""


class TrainingIn(ProvenanceIn):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    organiser: Code
    starts_on: date
    ends_on: date | None = None
    place: Annotated[str, Field(max_length=200)] = ""
    online: bool = False
    topics: Annotated[list[Text], Field(max_length=30)] = []
    languages: Annotated[list[Lang], Field(max_length=20)] = []
    capacity: Annotated[int, Field(ge=1, le=100_000)] | None = None
    description: Annotated[str, Field(max_length=5000)] = ""


class AttendanceIn(ApiModel):
    member: Code
    participant: Annotated[str, Field(max_length=200)] = ""
    agency: Text = ""
    count: Annotated[int, Field(ge=1, le=10_000)] = 1


class AssessmentIn(ApiModel):
    status: Literal["met", "partial", "gap", "not_assessed"]
    evidence: Annotated[str, Field(max_length=5000)] = ""
    assessed_on: date | None = None
    source: Text = ""


def _prov(body: ProvenanceIn) -> a.Provenance:
    return a.Provenance(body.source, body.source_url, body.retrieved_on or _today())


# -- officers --


@router.get(
    "/officers",
    response_model=OfficersOut,
    responses=errors(403, 404, 422),
    summary="Liaison officers: who is posted where, by whom, for which networks",
    description=(
        'Filter with `posted_to` to answer "whom do I contact in member X". Each officer is shown to members of '
        "the networks it serves and to the members that posted and host it; secretariats, admins and auditors see "
        "all. Names are personal data: the read is audited (`registry.officer.read`)."
    ),
)
def list_officers(
    actor: Actor,
    st: State,
    posted_to: Annotated[str | None, Query(max_length=20, description="Member code")] = None,
    posted_by: Annotated[str | None, Query(max_length=20, description="Member code")] = None,
    network: Annotated[str | None, Query(max_length=20, description="Network code")] = None,
    current: Annotated[bool, Query(description="Only officers in post today")] = False,
) -> Any:
    with transaction(st.sessions) as session:
        return q.officers(
            session,
            actor,
            today=_today(),
            posted_to=posted_to,
            posted_by=posted_by,
            network=network,
            current_only=current,
        )


@router.get(
    "/officers/{officer_id}",
    response_model=OfficerDetailOut,
    responses=errors(403, 404),
    summary="One liaison officer, with the directory contact point they are reachable through",
    description="Audited (`registry.officer.read`).",
)
def get_officer(officer_id: uuid.UUID, actor: Actor, st: State) -> Any:
    with transaction(st.sessions) as session:
        return q.officer(session, actor, officer_id, today=_today())


@router.post(
    "/officers",
    status_code=201,
    response_model=Created,
    responses=errors(403, 404, 422),
    summary="Add a liaison officer",
    description="The posting member's own contact points, secretariats and admins. E-mail and phone are validated "
    "(phone stored as E.164). Audited (`registry.officer.create`).",
)
def create_officer(body: OfficerIn, actor: Actor, st: State) -> Any:
    data = a.OfficerIn(
        body.name,
        body.posted_by,
        body.posted_to,
        body.post,
        list(body.networks),
        list(body.languages),
        body.contact_point_id,
        body.email,
        body.phone,
        body.from_on,
        body.until_on,
    )
    with transaction(st.sessions) as session:
        o = a.create_officer(session, actor=actor, data=data, prov=_prov(body))
        return {"id": str(o.id)}


@router.delete(
    "/officers/{officer_id}",
    status_code=204,
    responses=errors(403, 404),
    summary="Remove a liaison officer",
    description="The posting member's own contact points, secretariats and admins. Audited.",
)
def delete_officer(officer_id: uuid.UUID, actor: Actor, st: State) -> None:
    with transaction(st.sessions) as session:
        a.delete_officer(session, actor=actor, ident=officer_id)


# -- experts --


@router.get(
    "/experts",
    response_model=ExpertsOut,
    responses=errors(403, 404, 422),
    summary="Experts: fields, languages, availability",
    description=(
        "`field` is a checklist item code (e.g. `p2-border-security`), `available` `now` or `soon` (within 90 days). "
        "An expert is shown to members sharing a network with the expert's member. Audited (`registry.expert.read`)."
    ),
)
def list_experts(
    actor: Actor,
    st: State,
    field: Annotated[str | None, Query(max_length=60)] = None,
    language: Annotated[str | None, Query(max_length=3)] = None,
    available: Literal["now", "soon"] | None = None,
    member: Annotated[str | None, Query(max_length=20)] = None,
) -> Any:
    with transaction(st.sessions) as session:
        return q.experts(
            session, actor, today=_today(), field=field, language=language, available=available, member=member
        )


@router.post(
    "/experts",
    status_code=201,
    response_model=Created,
    responses=errors(403, 404, 422),
    summary="Add an expert",
    description="`fields` are checklist item codes or free topics; a mistyped item code is refused with suggestions. "
    "Audited (`registry.expert.create`).",
)
def create_expert(body: ExpertIn, actor: Actor, st: State) -> Any:
    data = a.ExpertIn(
        body.name,
        body.member,
        body.organisation,
        list(body.fields),
        list(body.languages),
        body.available_from,
        body.available_until,
        body.availability,
        body.email,
    )
    with transaction(st.sessions) as session:
        e = a.create_expert(session, actor=actor, data=data, prov=_prov(body))
        return {"id": str(e.id)}


# -- training --


@router.get(
    "/training",
    response_model=TrainingsOut,
    responses=errors(403),
    summary="Training activities and who attended",
    description="Every signed-in user sees the calendar; attendees' names only members of a network, secretariats, "
    "admins and auditors (audited, `registry.training.read`); others see headcounts by member.",
)
def list_training(
    actor: Actor, st: State, upcoming: Annotated[bool, Query(description="Only activities not yet over")] = False
) -> Any:
    with transaction(st.sessions) as session:
        return q.trainings(session, actor, today=_today(), upcoming=upcoming)


@router.get(
    "/training/{activity_id}",
    response_model=TrainingDetailOut,
    responses=errors(403, 404),
    summary="One training activity with its attendance",
)
def get_training(activity_id: uuid.UUID, actor: Actor, st: State) -> Any:
    with transaction(st.sessions) as session:
        return q.training(session, actor, activity_id, today=_today())


@router.post(
    "/training",
    status_code=201,
    response_model=Created,
    responses=errors(403, 404, 422),
    summary="Add a training activity",
    description="The organising member's contact points, secretariats and admins. Audited.",
)
def create_training(body: TrainingIn, actor: Actor, st: State) -> Any:
    data = a.TrainingIn(
        body.title,
        body.organiser,
        body.starts_on,
        body.ends_on,
        body.place,
        body.online,
        list(body.topics),
        list(body.languages),
        body.capacity,
        body.description,
    )
    with transaction(st.sessions) as session:
        t = a.create_training(session, actor=actor, data=data, prov=_prov(body))
        return {"id": str(t.id)}


@router.post(
    "/training/{activity_id}/attendances",
    status_code=201,
    response_model=Created,
    responses=errors(403, 404, 422),
    summary="Record a participant, or a headcount, at a training activity",
    description="The participant's member's contact points, secretariats and admins. Audited.",
)
def attend(activity_id: uuid.UUID, body: AttendanceIn, actor: Actor, st: State) -> Any:
    with transaction(st.sessions) as session:
        row = a.attend(
            session,
            actor=actor,
            activity=activity_id,
            member=body.member,
            participant=body.participant,
            agency=body.agency,
            count=body.count,
        )
        return {"id": str(row.id)}


# -- strategies --


@router.get(
    "/strategies",
    response_model=StrategiesOut,
    responses=errors(403),
    summary="Self-assessments overview: each member's status per checklist item and score per pillar",
)
def list_strategies(actor: Actor, st: State) -> Any:
    with transaction(st.sessions) as session:
        return q.strategies(session, actor)


@router.get(
    "/strategies/{member}",
    response_model=StrategyOut,
    responses=errors(403, 404, 422),
    summary="A member's national-strategy self-assessment, its gaps matched to experts and courses",
    description=(
        "The checklist is drawn from the four pillars of the UN Global Counter-Terrorism Strategy (A/RES/60/288). "
        "For each item not met, the experts whose fields cover it, who share a language with the member and are "
        "available now or soon, and the courses on it not yet over. `language` overrides the member's languages."
    ),
)
def get_strategy(
    member: Annotated[str, Path(max_length=20, description="Member code")],
    actor: Actor,
    st: State,
    language: Annotated[list[str] | None, Query(max_length=10)] = None,
) -> Any:
    from liaison import validation as v

    langs = [v.language(x, "language") for x in language or []]
    with transaction(st.sessions) as session:
        return q.strategy(session, actor, member, today=_today(), languages=langs or None)


@router.put(
    "/strategies/{member}/{item}",
    response_model=ItemOut,
    responses=errors(403, 404, 422),
    summary="Set a member's status on one checklist item",
    description="The member's own contact points, secretariats and admins. Audited (`registry.strategy.assess`).",
)
def put_assessment(
    member: Annotated[str, Path(max_length=20, description="Member code")],
    item: Annotated[str, Path(max_length=60, description="Checklist item code, e.g. p2-border-security")],
    body: AssessmentIn,
    actor: Actor,
    st: State,
) -> Any:
    today = _today()
    prov = a.Provenance(body.source or "self-assessment", retrieved_on=today)
    with transaction(st.sessions) as session:
        row = a.assess(
            session,
            actor=actor,
            member=member,
            item=item,
            status=body.status,
            evidence=body.evidence,
            assessed_on=body.assessed_on,
            prov=prov,
            today=today,
        )
        return q.item_json(row.item, row, q.organisations(session, [row]))
