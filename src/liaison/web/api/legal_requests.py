"""Legal requests API: draft, check, send through the urgent exchange, track, close; and the reciprocity ledger.
Thin: every answer is :mod:`liaison.queries.legal_requests` or :mod:`liaison.actions.legal_requests`, run as the
caller; a request the caller may not see is unknown (404)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from liaison.actions import legal_requests as a
from liaison.db import transaction
from liaison.principal import Principal
from liaison.queries import legal_requests as q
from liaison.web.api.bank_models import ErrorOut
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse

if TYPE_CHECKING:
    from liaison.models import LegalRequest

router = APIRouter(tags=["legal"])

_ERRORS = {
    403: "Refused: only the requesting member's contact points (or admins) draft, send and close its requests",
    404: "No such request, member, instrument, conduct element or assurance, or a request you may not see "
    "(the two look the same); `suggestions` lists close codes",
    409: "Refused: the request is incomplete (the blocking items are named), already sent, or not open",
    422: "A field's value is wrong; `field` names it",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorOut, "description": _ERRORS[c]} for c in codes}


CODE = r"^[A-Za-z0-9_.-]*$"  # member and network codes: no control characters reach a query


class DraftIn(BaseModel):
    requested: str = Field(description="The requested member (ISO code).", max_length=20, pattern=CODE)
    requesting: str | None = Field(
        None, description="The requesting member (default: the caller's).", max_length=20, pattern=CODE
    )
    kind: Literal["mla", "extradition", "spontaneous"] = "mla"
    title: str = Field(max_length=300)
    facts: str = Field("", max_length=50_000)
    conduct: list[str] = Field(default_factory=list, description="Conduct element codes (liaison.legal.elements).")
    measures: str = Field("", max_length=20_000)
    legal_basis: list[str] = Field(default_factory=list, description="Instrument codes relied on, or `reciprocity`.")
    dual_criminality: str = Field("", max_length=20_000, description="The dual-criminality statement.")
    assurances: list[str] = Field(default_factory=list, description="Assurances given (death_penalty, fair_trial...).")
    language: str = Field("", max_length=8, description="ISO 639 code of the request's language.")
    deadline: date | None = None
    response_hours: int = Field(72, description="The response clock of the exchange message, in hours.")
    network: str | None = Field(
        None, description="The network to send on (default: the first both share).", pattern=CODE
    )


class SendIn(BaseModel):
    network: str | None = Field(None, max_length=40, pattern=CODE)
    priority: Literal["flash", "urgent", "routine"] = "routine"


class CloseIn(BaseModel):
    outcome: str = Field(max_length=2000)
    assurances_honoured: bool | None = Field(None, description="Required when assurances were given.")


def _save(session: Session, actor: Principal, body: DraftIn, reference: str | None) -> LegalRequest:
    return a.save_draft(session, actor=actor, reference=reference, **body.model_dump())


@router.post(
    "/legal/requests",
    status_code=201,
    responses=errors(403, 404, 422),
    summary="Draft a legal request",
    description="Creates a draft; codes are checked (unknown ones: 404 with suggestions). Completeness is checked "
    "by `POST /legal/requests/{reference}/check`. Audited (`legal.request.draft`).",
)
def create(body: DraftIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        req = _save(session, actor, body, None)
        out = q.detail(session, actor, req.reference)
    return JSONResponse(out, status_code=201)


@router.put(
    "/legal/requests/{reference}",
    responses=errors(403, 404, 409, 422),
    summary="Update a draft",
    description="Only while the request is a draft (409 after it was sent); its stored check is cleared.",
)
def update(reference: str, body: DraftIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        req = _save(session, actor, body, reference)
        out = q.detail(session, actor, req.reference)
    return JSONResponse(out)


@router.get(
    "/legal/requests",
    responses=errors(422),
    summary="The request tracker",
    description="The requests you may see (your member's, sent or received; admins and auditors: all), newest "
    "first, each with its deadline (`deadline_state`: ok, due, overdue) and response clock (`clock`: running, "
    "due_soon, overdue, answered_in_time, answered_late, refused). `status=open`: sent and not closed.",
)
def list_requests(
    actor: Actor,
    st: State,
    status: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    member: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    with transaction(st.sessions) as session:
        a.sync_open(session, actor=actor)
        out = q.tracker(session, actor, status=status, kind=kind, member=member)
    return JSONResponse(out)


@router.get(
    "/legal/requests/{reference}",
    responses=errors(404),
    summary="One request: content, check (frozen once sent), clock, timeline",
    description="Reading a request's facts is audited (`legal.request.read`).",
)
def get(reference: str, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        req = a.request_or_404(session, actor, reference)
        a.sync(session, actor=actor, requests=[req])
        out = q.detail(session, actor, reference)
        a.record_read(session, actor=actor, request=req)
    return JSONResponse(out)


@router.post(
    "/legal/requests/{reference}/check",
    responses=errors(404),
    summary="The completeness check",
    description="Runs the legal-basis finder, the dual-criminality check on the request's conduct and the "
    "completeness check: `items` (code, ok, severity blocking|warning, message saying what to do), `complete`, "
    "`certainty` (demo or unverified data is said), `suggested_statement`, `basis`, `dual`. Stored on a draft.",
)
def check(reference: str, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        out = a.check(session, actor=actor, reference=reference)
    return JSONResponse(out)


@router.post(
    "/legal/requests/{reference}/send",
    responses=errors(403, 404, 409),
    summary="Send a complete request through the urgent exchange",
    description="Refused (409) while a blocking item remains. Sent as a `request` message to the requested "
    "member on a network both share, with its response clock; the message id is linked and the check frozen.",
)
def send(reference: str, actor: Actor, st: State, body: SendIn | None = None) -> Response:
    body = body or SendIn(network=None)
    with transaction(st.sessions) as session:
        req = a.send(session, actor=actor, reference=reference, network=body.network, priority=body.priority)
        out = q.detail(session, actor, req.reference)
    return JSONResponse(out)


@router.post(
    "/legal/requests/{reference}/close",
    responses=errors(403, 404, 409, 422),
    summary="Record the outcome and whether the assurances were honoured, and close",
    description="The requesting side. Closes the exchange message too when the caller's agency sent it.",
)
def close(reference: str, body: CloseIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        req = a.close(
            session,
            actor=actor,
            reference=reference,
            outcome=body.outcome,
            assurances_honoured=body.assurances_honoured,
        )
        out = q.detail(session, actor, req.reference)
    return JSONResponse(out)


@router.get(
    "/legal/ledger",
    responses=errors(404),
    summary="The reciprocity ledger",
    description="Per member: requests sent and received; of the requests it received, how many it answered, the "
    "median and 90th percentile response time (sent to answered, hours and days) and the share answered within "
    "the response clock; assurances it gave and how many were honoured; requests awaiting its answer (open, "
    "overdue). Counts every sent request of the node; `demo` says when demonstration data are counted.",
)
def ledger(actor: Actor, st: State, member: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    with transaction(st.sessions) as session:
        a.sync_open(session, actor=actor, visible_only=False)
        out = q.ledger(session, actor, member=member)
    return JSONResponse(out)
