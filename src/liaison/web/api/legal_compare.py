"""The gap report and the definition comparator over the API: a member's offence crosswalk against EU 2017/541,
CETS 196/217 or the UN instruments, and members' definitions of terrorism compared. Thin: every answer is
:mod:`liaison.queries.legal_compare` (the pure :mod:`liaison.legal.compare` on the cached legal facts)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from liaison.db import transaction
from liaison.legal.compare import comparison_dict, report_dict
from liaison.queries import legal_compare as q
from liaison.web.api.exchange_models import ErrorOut
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse

router = APIRouter(prefix="/legal", tags=["legal"])


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        403: "Refused: the legal tables are for users with an agency or a role",
        404: "Unknown member or target (`suggestions` lists the nearest codes)",
        422: "Fewer than two different members to compare (`field` is `members`)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


class ElementOut(BaseModel):
    code: str = Field(description="The conduct element's code (liaison.legal.elements)")
    label: str = Field(description="The element in words, in the reader's language")
    facet: str = Field(description="behaviour, purpose, intent, context or exclusion")


class OffenceOut(BaseModel):
    id: str
    citation: str = Field(description="Where the offence is in the member's law")
    label: str = Field(description="The offence's name in the original language")
    language: str
    label_en: str
    max_penalty_months: int | None = Field(description="Maximum penalty in months (9999: life); null: not stated")


class CitationOut(BaseModel):
    label: str
    source: str
    url: str
    retrieved_on: str | None = Field(description="When the source was read (YYYY-MM-DD)")
    certainty: str = Field(description="verified, unverified, stale or demo")


class CoverOut(BaseModel):
    offence: OffenceOut
    coverage: str = Field(description="full, partial or none")
    basis: str = Field(
        description="reviewed (a reviewed mapping), mapped (a mapping nobody reviewed) or computed (from the "
        "elements; a help, not a finding). A recorded mapping always wins over a computed coverage."
    )
    computed_score: float = Field(description="The share of the model's elements the offence reaches, 0..1")
    missing: list[ElementOut] = Field(description="The model's elements the offence does not reach")
    extra: list[ElementOut] = Field(description="What the offence requires beyond the model (it is narrower)")
    evidence: str
    reviewed_by: str
    reviewed_on: str | None


class GapRowOut(BaseModel):
    model: str = Field(description="The offence model's code, e.g. eu-2017-541:art-3")
    instrument: str
    article: str
    label: str
    summary: str
    status: str = Field(description="covered, partial or gap")
    best: CoverOut | None = Field(description="The member's best offence for this model; null for a gap")
    others: list[CoverOut] = Field(description="Other offences that reach the model, best first")
    missing: list[ElementOut]
    certainty: str
    citations: list[CitationOut]


class GapReportOut(BaseModel):
    member: str
    member_name: str
    against: str = Field(description="The target: eu-2017-541, cets-196, cets-217, un, or an instrument code")
    target_name: str
    on: str
    counts: dict[str, int] = Field(description="Models covered, partial and gap")
    certainty: str = Field(description="The weakest of the citations: an answer never sounds surer than its sources")
    demo: bool = Field(description="Rests on demonstration data")
    notes: list[str] = Field(description="no_models, no_offences, computed (some coverage is computed)")
    rows: list[GapRowOut]
    citations: list[CitationOut]


class DefinitionOut(BaseModel):
    code: str
    name: str
    basis: str = Field(
        description="mapped (offences mapped to EU 2017/541 Art. 3 or a definition), purpose (offences requiring a "
        "terrorist purpose stand in), reference (an international definition), none (nothing recorded)"
    )
    elements: list[ElementOut]
    by_facet: dict[str, list[str]]
    offences: list[OffenceOut]
    citations: list[CitationOut]


class DivergenceOut(ElementOut):
    members: list[str] = Field(description="The members whose definition requires the element")
    without: list[str] = Field(description="The members whose definition does not")


class ComparisonOut(BaseModel):
    members: list[DefinitionOut]
    references: list[DefinitionOut] = Field(description="EU 2017/541 Art. 3 and UNSCR 1566 para. 3, when recorded")
    shared: list[ElementOut] = Field(description="The shared core: elements every member's definition requires")
    shared_by_facet: dict[str, list[str]]
    divergences: list[DivergenceOut]
    extras: dict[str, list[str]] = Field(description="Member -> elements only that member's definition requires")
    similarity: dict[str, dict[str, float | None]] = Field(description="Pairwise Jaccard similarity, 0..1")
    against_references: dict[str, dict[str, float | None]] = Field(
        description="Member -> reference code -> Jaccard similarity"
    )
    on: str
    certainty: str
    demo: bool
    citations: list[CitationOut]


@router.get(
    "/gaps/{member}",
    response_model=GapReportOut,
    responses=errors(403, 404),
    summary="A member's offence crosswalk and gap report against EU 2017/541, CETS 196/217 or the UN instruments",
    description=(
        "For each offence model of the target (`against`: `eu-2017-541` for the Directive's Arts 3-12, `cets-196`, "
        "`cets-217`, `un` for the UN instruments' offence articles, or any instrument code), the member's best "
        "national offence: a recorded mapping (coverage, evidence, reviewer, date) wins; without one the coverage "
        "is computed from the conduct elements and said to be (`basis`: `computed`). Status covered, partial or "
        "gap, with the missing elements, citations and a certainty no surer than the weakest source; `demo` says "
        "when demonstration data is involved. Any signed-in user with an agency or a role."
    ),
)
def gaps(
    actor: Actor,
    st: State,
    member: Annotated[str, Path(max_length=8, description="The member's ISO code, e.g. FR")],
    against: Annotated[
        str, Query(max_length=40, description="eu-2017-541 (default), cets-196, cets-217, un, or an instrument code")
    ] = "eu-2017-541",
) -> Response:
    with transaction(st.sessions) as session:
        out = report_dict(q.gaps(session, actor, member, against))
    return JSONResponse(out)


@router.get(
    "/compare",
    response_model=ComparisonOut,
    responses=errors(403, 404, 422),
    summary="Members' definitions of terrorism compared: shared core, divergences, extras, similarity",
    description=(
        "Each member's definition as a set of conduct elements: the union of its offences mapped to EU 2017/541 "
        "Art. 3 or to a definition provision, failing that of its offences that require a terrorist purpose. The "
        "shared core (every member requires), the divergences (who requires what), each member's extras, and "
        "Jaccard similarities between members and against EU 2017/541 Art. 3 and UNSCR 1566 para. 3 when "
        "recorded. Give `members` two to twenty times, or comma-separated."
    ),
)
def compare(
    actor: Actor,
    st: State,
    members: Annotated[list[str], Query(max_length=20, description="Member ISO codes: FR,DE,JP or repeated")],
) -> Response:
    with transaction(st.sessions) as session:
        out = comparison_dict(q.compare(session, actor, members))
    return JSONResponse(out)
