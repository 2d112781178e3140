"""Common legal ground API, the legal-basis part: the basis between two states, the instruments and their
parties, the seed, writing participations and profiles, and the ratification CSV import. Thin: the answers are
:mod:`liaison.legal.basis` over :func:`liaison.queries.legal_facts.load_facts`; the writes are
:mod:`liaison.actions.legal_facts` (audited there)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from liaison.actions import legal_facts as act
from liaison.db import transaction
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.legal.basis import (
    answer_dict,
    check_pair,
    find_basis,
    instrument_dict,
    instruments_list,
)
from liaison.legal.facts import CERTAINTIES
from liaison.principal import Principal
from liaison.queries.legal_facts import instrument_code, jurisdiction_code, load_facts, require_legal_reader
from liaison.web.api.common import read_upload
from liaison.web.api.exchange_models import ErrorOut
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState

router = APIRouter(tags=["legal"])

_TEXT = {
    403: "Refused: reading needs an agency or a role; writing a state's facts needs a secretariat or that state's "
    "own contact points",
    404: "Unknown state or instrument (`suggestions` lists the nearest codes)",
    413: "The file is over LIAISON_IMPORT_MAX_BYTES",
    422: "A field's value is wrong; a refused CSV lists every refused row with its line and reason in `errors`",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorOut, "description": _TEXT[c]} for c in codes}


class CitationOut(BaseModel):
    label: str
    source: str
    url: str
    retrieved_on: date | None
    certainty: str = Field(description=f"One of {', '.join(CERTAINTIES)}: how far to trust the source")


class ProvisionOut(BaseModel):
    code: str
    article: str
    role: str
    summary: str


class BasisItemOut(BaseModel):
    instrument: str
    name: str
    organisation: str
    kind: str
    stands_in: bool = Field(description="A multilateral convention standing in for a missing bilateral treaty")
    provisions: list[ProvisionOut]
    reservations: list[str] = Field(description="What the parties' reservations and declarations change")
    certainty: str
    citations: list[CitationOut]


class BasisOut(BaseModel):
    requesting: str
    requested: str
    kind: str
    on: date
    verdict: str = Field(description="treaty, reciprocity or none")
    certainty: str = Field(description="The weakest of the citations: the answer is never surer than its sources")
    bilateral: bool
    treaty_required: bool
    reciprocity: bool
    items: list[BasisItemOut]
    notes: list[str]
    citations: list[CitationOut]


def _today() -> date:
    return datetime.now(UTC).date()


@router.get(
    "/legal/basis",
    response_model=BasisOut,
    responses=errors(403, 404, 422),
    summary="The legal basis for a request from one state to another",
    description=(
        "The instruments in force between `requesting` and `requested` on `on` (default today) that can carry a "
        "request of `kind`, net of both parties' reservations and declarations; whether a multilateral convention "
        "stands in for a missing bilateral treaty; the verdict (`treaty`, `reciprocity`, `none`); plain-language "
        "notes; and every citation with its source, retrieval date and certainty. `certainty` is the weakest "
        "citation's: demonstration or unverified data is said so. Any user with an agency or a role."
    ),
)
def basis(
    actor: Actor,
    st: State,
    requesting: Annotated[str, Query(max_length=8, description="ISO code of the requesting state")],
    requested: Annotated[str, Query(max_length=8, description="ISO code of the requested state")],
    kind: Annotated[Literal["mla", "extradition", "spontaneous"], Query()] = "mla",
    on: Annotated[date | None, Query(description="The day (YYYY-MM-DD); default today")] = None,
) -> Response:
    require_legal_reader(actor)
    with st.sessions() as session:
        facts = load_facts(session)
    a, b = jurisdiction_code(facts, requesting), jurisdiction_code(facts, requested)
    check_pair(a, b)
    answer = find_basis(facts, a, b, kind, on or _today(), today=_today())
    return JSONResponse(answer_dict(answer))


@router.get(
    "/legal/instruments",
    responses=errors(403),
    summary="The instruments: conventions, protocols, EU acts, resolutions and bilateral treaties",
    description="Each with its organisation, dates, the request kinds it can carry and how many states it is in "
    "force for today. Any user with an agency or a role.",
)
def instruments(actor: Actor, st: State) -> Response:
    require_legal_reader(actor)
    with st.sessions() as session:
        facts = load_facts(session)
    return JSONResponse({"instruments": instruments_list(facts, _today())})


@router.get(
    "/legal/instruments/{code}",
    responses=errors(403, 404),
    summary="One instrument: its provisions by role and its parties with their reservations",
    description="Every participation with its dates, reservations, source and certainty. Any user with an agency "
    "or a role.",
)
def instrument(code: str, actor: Actor, st: State) -> Response:
    require_legal_reader(actor)
    with st.sessions() as session:
        facts = load_facts(session)
    return JSONResponse(instrument_dict(facts, instrument_code(facts, code), _today()))


class ReservationIn(BaseModel):
    effect: Literal["excludes_article", "excludes_kind", "no_treaty_basis", "condition", "interpretative"]
    kind: Literal["reservation", "declaration"] = "reservation"
    article: str = Field("", max_length=40)
    request_kind: Literal["", "mla", "extradition", "spontaneous"] = ""
    text: str = Field("", max_length=2000)


class ParticipationIn(BaseModel):
    signed_on: date | None = None
    consent: Literal["", "ratification", "accession", "acceptance", "approval", "succession"] = ""
    consented_on: date | None = None
    in_force_on: date | None = None
    withdrawn_on: date | None = None
    reservations: list[ReservationIn] | None = Field(None, description="Replaces the reservations when given")
    source: str = Field(..., min_length=1, max_length=500, description="Where this comes from")
    source_url: str = Field("", max_length=500)
    retrieved_on: date | None = None


@router.put(
    "/legal/participations/{jurisdiction}/{instrument}",
    responses=errors(403, 404, 422),
    summary="Set a state's participation in an instrument, with its reservations and declarations",
    description="An upsert: signature, consent, entry into force, withdrawal, reservations (each with its effect), "
    "and the source with its retrieval date; who entered it is recorded. Secretariats, or the state's own contact "
    "points. Audited (`legal.participation.set`).",
)
def put_participation(jurisdiction: str, instrument: str, body: ParticipationIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        row = act.set_participation(
            session,
            actor=actor,
            jurisdiction=jurisdiction,
            instrument=instrument,
            signed_on=body.signed_on,
            consent=body.consent,
            consented_on=body.consented_on,
            in_force_on=body.in_force_on,
            withdrawn_on=body.withdrawn_on,
            reservations=None
            if body.reservations is None
            else [act.ReservationIn(r.effect, r.article, r.request_kind, r.text, r.kind) for r in body.reservations],
            provenance=act.Provenance(body.source, body.source_url, body.retrieved_on),
        )
        out = {
            "jurisdiction": row.jurisdiction,
            "instrument": row.instrument,
            "consent": row.consent,
            "in_force_on": row.in_force_on,
            "reservations": len(row.reservations),
            "entered_by": row.entered_by,
        }
    return JSONResponse(out)


Organisation = Literal["UN", "CoE", "EU", "LAS", "OIC", "OAS", "AU"]


class JurisdictionIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    organisations: list[Organisation] = Field(default_factory=lambda: list[Organisation](["UN"]))
    source: str = Field(..., min_length=1, max_length=500)
    source_url: str = Field("", max_length=500)
    retrieved_on: date | None = None


@router.put(
    "/legal/jurisdictions/{code}",
    responses=errors(403, 422),
    summary="Set a state and the organisations it belongs to",
    description="An upsert by ISO code, with its source and retrieval date; who entered it is recorded. Secretariats, "
    "or the state's own contact points. Audited (`legal.jurisdiction.set`).",
)
def put_jurisdiction(code: str, body: JurisdictionIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        provenance = act.Provenance(body.source, body.source_url, body.retrieved_on)
        row = act.set_jurisdiction(
            session, actor=actor, code=code, name=body.name, organisations=body.organisations, provenance=provenance
        )
        out = {"code": row.code, "name": row.name, "organisations": row.organisations, "entered_by": row.entered_by}
    return JSONResponse(out)


class ProfileIn(BaseModel):
    treaty_required_mla: bool | None = None
    treaty_required_extradition: bool | None = None
    reciprocity_accepted: bool | None = None
    extradites_nationals: bool | None = None
    dual_criminality_mla: bool | None = None
    extradition_threshold_months: int | None = Field(None, ge=0, le=9999)
    mla_threshold_months: int | None = Field(None, ge=0, le=9999)
    assurances_required: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=20)
    languages: list[Annotated[str, Field(min_length=2, max_length=8)]] | None = Field(None, max_length=30)
    central_authority: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=4000)
    source: str = Field(..., min_length=1, max_length=500)
    source_url: str = Field("", max_length=500)
    retrieved_on: date | None = None


@router.put(
    "/legal/profiles/{jurisdiction}",
    responses=errors(403, 404, 422),
    summary="Set how a state cooperates: treaty required, reciprocity, nationals, assurances, languages",
    description="Fields left out keep their value. With its source and retrieval date; who entered it is "
    "recorded. Secretariats, or the state's own contact points. Audited (`legal.profile.set`).",
)
def put_profile(jurisdiction: str, body: ProfileIn, actor: Actor, st: State) -> Response:
    values = body.model_dump(exclude_none=True, exclude={"source", "source_url", "retrieved_on"})
    with transaction(st.sessions) as session:
        row = act.set_profile(session, actor=actor, jurisdiction=jurisdiction, values=values,
                              provenance=act.Provenance(body.source, body.source_url, body.retrieved_on))  # fmt: skip
        out = {"jurisdiction": row.jurisdiction, "languages": row.languages, "entered_by": row.entered_by}
    return JSONResponse(out)


def _import(st: AppState, actor: Principal, data: bytes, filename: str, dry_run: bool) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        result = act.import_participations(
            session, actor=actor, data=data, filename=filename, max_bytes=st.settings.import_max_bytes, dry_run=dry_run
        )
        return result.as_dict()


@router.post(
    "/legal/participations/imports",
    status_code=201,
    responses=errors(403, 413, 422),
    summary="Import a ratification table from CSV",
    description=(
        "Columns: jurisdiction, instrument, consent, source (required); signed_on, consented_on, in_force_on, "
        "withdrawn_on, retrieved_on, source_url, reservation_effect, reservation_article, reservation_kind, "
        "reservation_text. The file is the raw body or the `file` field of a multipart upload. Any refused row "
        "(unknown state or instrument, with suggestions; an impossible or future date; in force before "
        "signature, consent or adoption; a duplicate row; a state you may not edit) refuses the file: 422 with "
        "every refused row in `errors`, nothing imported. `dry_run=true` checks and writes nothing. Audited."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
            },
        }
    },
)
async def import_csv(
    request: Request,
    actor: Actor,
    st: State,
    dry_run: Annotated[bool, Query(description="Check the file, write nothing.")] = False,
) -> Response:
    data, filename = await read_upload(request, st.settings.import_max_bytes)
    if not data:
        raise InvalidInput("file", _("the file is empty"))
    out = await run_in_threadpool(_import, st, actor, data, filename, dry_run)
    return JSONResponse(out, status_code=200 if dry_run else 201)
