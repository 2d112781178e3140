"""Dual-criminality API: the conduct-based check for a case's facts against requested states, and a member's
national offences with their mappings to the international offence models. Thin: the answers are
:mod:`liaison.queries.legal_check`'s (the pure core is :mod:`liaison.legal.dual`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from liaison.db import transaction
from liaison.legal.dual import parse_case
from liaison.models import utcnow
from liaison.queries import legal_check as q
from liaison.web.api.bank_models import ErrorOut
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse

router = APIRouter(tags=["legal"])

_ERRORS = {
    403: "Refused: you need an agency or a role to read the legal tables",
    404: "Unknown member (state), with the nearest known codes in `suggestions`",
    422: "A field's value is wrong (an unknown conduct element, with suggestions; a kind; a date); `field` names it",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorOut, "description": _ERRORS[c]} for c in codes}


class CheckIn(BaseModel):
    """The facts of a case and the states to check them against."""

    title: str = Field("", max_length=300)
    summary: str = Field("", max_length=4000)
    conduct: list[str] = Field(
        ..., min_length=1, max_length=60, description="Conduct element codes (see liaison.legal.elements)."
    )
    requesting: str = Field(..., max_length=8, description="The requesting state (ISO code).")
    requested: list[str] = Field(..., min_length=1, max_length=60, description="The requested states (ISO codes).")
    kind: str = Field("extradition", description="mla, extradition or spontaneous.")
    on: date | None = Field(None, description="The day the law is taken as it stands (default: today).")


class CitationOut(BaseModel):
    label: str
    source: str
    url: str
    retrieved_on: date | None
    certainty: str


class MatchOut(BaseModel):
    id: str
    jurisdiction: str
    citation: str
    label: str
    language: str
    label_en: str
    max_penalty_months: int | None
    life: bool
    matched: list[str]
    missing: list[str] = Field(description="Missing elements; an unmet group of alternatives as 'a|b|c'.")
    excluded_by: list[str]
    coverage: float
    full: bool
    threshold_months: int
    threshold_met: bool | None
    demo: bool
    verified: bool
    mappings: list[dict[str, Any]]


class AnswerOut(BaseModel):
    requesting: str
    requested: str
    kind: str
    conduct: list[str]
    verdict: str = Field(description="met, not_met, not_required or unknown.")
    certainty: str = Field(description="The weakest of the citations: verified, unverified, stale or demo.")
    demo: bool
    requested_matches: list[MatchOut]
    requesting_matches: list[MatchOut]
    explanation: list[str]
    citations: list[CitationOut]


class CheckOut(BaseModel):
    case: dict[str, Any]
    answers: list[AnswerOut]


class OffenceOut(BaseModel):
    id: str
    citation: str
    label: str
    language: str
    label_en: str
    max_penalty_months: int | None
    penalty: str
    elements: list[str]
    any_of: list[list[str]]
    in_force_from: date | None
    repealed_on: date | None
    certainty: str
    source: str
    mappings: list[dict[str, Any]]


class OffencesOut(BaseModel):
    member: str
    name: str
    offences: list[OffenceOut]
    certainty: str
    demo: bool
    citations: list[CitationOut]


@router.post(
    "/legal/check",
    response_model=CheckOut,
    responses=errors(403, 404, 422),
    summary="Conduct-based dual-criminality check of a case's facts against each requested state",
    description=(
        "The test is the conduct, not the label: each national offence is a set of conduct elements, and is made "
        "out when the facts show every element it requires, one of each group of alternatives, and none of its "
        "exclusions. For each requested state: the matching offences (and the nearest ones that are not made out), "
        "whether the maximum penalty reaches the requested state's threshold (extradition or MLA, from its "
        "cooperation profile), the same for the requesting state, a verdict (`met`, `not_met`, `not_required`: "
        "spontaneous information, or MLA where the state does not require dual criminality; `unknown`: no "
        "offences recorded or penalty not stated) and an explanation with citations. `certainty` is the weakest "
        "citation's; demonstration or unverified data is said in the explanation. Any signed-in user with an "
        "agency or role."
    ),
)
def check(body: CheckIn, actor: Actor, st: State) -> Response:
    data = body.model_dump(exclude={"requested"})
    data["on"] = body.on.isoformat() if body.on else None
    case = parse_case(data, today=utcnow().date())
    with transaction(st.sessions) as session:
        out = q.check(session, actor, case, body.requested)
    return JSONResponse(out)


@router.get(
    "/legal/offences/{member}",
    response_model=OffencesOut,
    responses=errors(403, 404),
    summary="A member's national offences, their conduct elements and their mappings to the offence models",
    description=(
        "Each offence with its citation, label in the original language (and in English), maximum penalty "
        "(`max_penalty_months`; 9999 is life imprisonment; null: not stated), elements, groups of alternatives, "
        "and its mappings (model code, coverage full/partial/none, reviewer and date). `certainty` per offence "
        "and overall; `demo` when any of it is demonstration data."
    ),
)
def offences(member: str, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        out = q.offences(session, actor, member, utcnow().date())
    return JSONResponse(out)
