"""Financing analysis API: a group's funding traced upstream, common funders, the flags, and the transactions
import. Thin: every answer is :mod:`liaison.queries.funding` or :mod:`liaison.actions.transactions`, run as the
caller with the bank's access rules; reads are audited in their transaction."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from liaison.actions.bank_bulk import marking_from_text, parse_grade
from liaison.actions.bank_import import import_summary
from liaison.actions.transactions import ImportDefaults, import_transactions
from liaison.db import transaction
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.marking import MarkingError
from liaison.principal import Principal
from liaison.queries import funding as q
from liaison.web.api.bank_models import errors
from liaison.web.api.common import read_upload
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState

router = APIRouter(tags=["analysis"])

From = Annotated[date | None, Query(alias="from", description="First day of the window (YYYY-MM-DD).")]
To = Annotated[date | None, Query(alias="to", description="Last day of the window (YYYY-MM-DD).")]


@router.get(
    "/analysis/groups/{group_id}/funding",
    responses=errors(403, 404, 422),
    summary="A group's funding traced upstream: flow graph, totals by funder, flags",
    description=(
        "Who funds the group, directly and through intermediaries, over the window: money cannot leave an "
        "intermediary before it arrived. Amounts are converted to the reporting currency "
        "(LIAISON_REPORTING_CURRENCY) at each transaction's date, with the rate date used. Only transactions and "
        "relations you may read are counted or drawn; a party that is not an entity you may see is shown by the "
        "name the transaction gives (schema `Account`, no link). Bank readers; audited."
    ),
)
def group_funding(group_id: uuid.UUID, actor: Actor, st: State, since: From = None, until: To = None) -> Response:
    with transaction(st.sessions) as session:
        out = q.funding(session, actor, group_id, since=since, until=until, currency=st.settings.reporting_currency)
    return JSONResponse(out)


@router.get(
    "/analysis/common-funders",
    responses=errors(403, 404, 422),
    summary="Parties funding every one of the groups",
    description="Give `group` two to ten times (entity ids). Bank readers; audited.",
)
def common_funders(
    actor: Actor,
    st: State,
    group: Annotated[list[uuid.UUID], Query(description="A group's entity id; give it 2-10 times.")],
    since: From = None,
    until: To = None,
) -> Response:
    with transaction(st.sessions) as session:
        out = q.common_funders(session, actor, group, since=since, until=until, currency=st.settings.reporting_currency)
    return JSONResponse(out)


@router.get(
    "/analysis/flags",
    responses=errors(403, 422),
    summary="Structuring, rapid pass-through and circular flows, each with the transactions that raised it",
    description="Over the transactions you may read in the window; the rules' parameters are in `rules`. Audited.",
)
def flags(actor: Actor, st: State, since: From = None, until: To = None) -> Response:
    with transaction(st.sessions) as session:
        out = q.flags(session, actor, since=since, until=until, currency=st.settings.reporting_currency)
    return JSONResponse(out)


def _import(st: AppState, actor: Principal, data: bytes, filename: str, defaults: ImportDefaults, skip: bool) -> Any:
    with transaction(st.sessions) as session:
        imp = import_transactions(
            session,
            actor=actor,
            data=data,
            filename=filename,
            defaults=defaults,
            skip_invalid=skip,
            max_bytes=st.settings.import_max_bytes,
        )
        return import_summary(imp)


@router.post(
    "/transactions/imports",
    status_code=201,
    responses=errors(403, 413, 422),
    summary="Import transactions from CSV (date, amount, currency, from, to, reference, source)",
    description=(
        "The file is the raw body or the `file` field of a multipart upload. A file with a bad row is refused "
        "(422, every bad row with its line and reason in `errors`) and nothing is imported, unless "
        "`skip_invalid=true`: then the good rows are imported and the refused ones listed in `report.refused`. "
        "`marking`, `grade` and `source` apply to rows without their own. Over LIAISON_IMPORT_MAX_BYTES: 413. "
        "Analysts."
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
    skip_invalid: Annotated[bool, Query(description="Import the good rows, report the refused ones.")] = False,
    marking: Annotated[str, Query(max_length=200)] = "TLP:AMBER",
    grade: Annotated[str, Query(max_length=2)] = "F6",
    source: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    try:
        mark = marking_from_text(marking)
    except MarkingError as exc:
        raise InvalidInput("marking", str(exc)) from exc
    reliability, credibility = parse_grade(grade)
    data, filename = await read_upload(request, st.settings.import_max_bytes)
    if not data:
        raise InvalidInput("file", _("the file is empty"))
    defaults = ImportDefaults(mark, source or filename, reliability, credibility)
    out = await run_in_threadpool(_import, st, actor, data, filename, defaults, skip_invalid)
    return JSONResponse(out, status_code=201)
