"""Bank API: search, the entity view and its neighbourhood, screening runs and decisions on hits.

Thin: parse, call :mod:`liaison.queries.bank` and :mod:`liaison.actions.screening`. Unknown and invisible
entities are both 404. Viewing a person's record is audited in the transaction of the read. The name index is
the app's (:attr:`liaison.web.state.AppState.bank_index`), caught up before the transaction opens so a rebuild
never holds a write lock.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from liaison import i18n, matching
from liaison.actions import screening as act
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.i18n import _
from liaison.interchange import screening_csv
from liaison.principal import Principal
from liaison.queries import bank as q
from liaison.timeinput import BIRTH_YEARS
from liaison.web import input_errors
from liaison.web.api.bank_models import (
    DecisionIn,
    DecisionOut,
    EntityOut,
    GraphOut,
    ScreeningIn,
    ScreeningOut,
    SearchOut,
    errors,
)
from liaison.web.api.common import read_limited
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState

if TYPE_CHECKING:
    from liaison.models import ScreeningRun

router = APIRouter(prefix="/bank", tags=["bank"])

EntityId = Path(description="The entity's id")
Schema = Literal["Person", "Organization", "Address", "Event"]


@router.get(
    "/search",
    response_model=SearchOut,
    responses=errors(403, 404, 422),
    summary="Search the bank by name (any script, any spelling) with filters",
    description=(
        "`q` is matched against every name you may see (aliases, code names and original-script names "
        "included) by the matching library; the filters narrow in SQL. Without `q`, the entities passing the "
        "filters are listed. Only entities you may see, through names you may see. Audited as `bank.search`."
    ),
)
def search(
    actor: Actor,
    st: State,
    q_: Annotated[str, Query(alias="q", max_length=300, description="A name")] = "",
    schema: Schema | None = None,
    nationality: Annotated[str | None, Query(min_length=2, max_length=2, description="ISO alpha-2")] = None,
    birth_year: Annotated[int | None, Query(ge=BIRTH_YEARS[0], le=BIRTH_YEARS[1])] = None,
    list_: Annotated[str | None, Query(alias="list", max_length=40, description="e.g. un-sc")] = None,
    group: Annotated[uuid.UUID | None, Query(description="Member or leader of this organisation")] = None,
    status: Literal["active", "delisted"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Response:
    index = st.bank_index.get() if q_.strip() else None
    with transaction(st.sessions) as session:
        items = q.search(
            session,
            actor,
            q_,
            schema=schema,
            nationality=nationality,
            birth_year=birth_year,
            list_name=list_,
            group=group,
            status=status,
            limit=limit,
            index=index,
        )
    return JSONResponse({"items": items})


@router.get(
    "/entities/{entity_id}",
    response_model=EntityOut,
    responses=errors(403, 404),
    summary="An entity: every statement you may see with its provenance (viewing a person is audited)",
)
def entity(actor: Actor, st: State, entity_id: uuid.UUID = EntityId) -> Response:
    with transaction(st.sessions) as session:
        data = q.entity_view(session, actor, entity_id)
    return JSONResponse(data)


@router.get(
    "/entities/{entity_id}/neighbourhood",
    response_model=GraphOut,
    responses=errors(403, 404),
    summary="The entities within `depth` relations, and the relations between them (for the graph)",
)
def neighbourhood(
    actor: Actor,
    st: State,
    entity_id: uuid.UUID = EntityId,
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    limit: Annotated[int, Query(ge=2, le=300)] = 60,
) -> Response:
    with st.sessions() as session:
        data = q.neighbourhood(session, actor, entity_id, depth=depth, limit=limit)
    return JSONResponse(data)


# -- screening --


def _run_json(run: ScreeningRun, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": str(run.id),
        "by": run.by_name,
        "via": run.via,
        "filename": run.filename,
        "algorithm": run.algorithm,
        "threshold": run.threshold,
        "top": run.top,
        "query_count": run.query_count,
        "match_count": run.match_count,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "results": results,
    }


def _json_queries(body: ScreeningIn) -> list[matching.Query]:
    out = []
    seen: set[str] = set()
    for i, item in enumerate(body.queries):
        where = f"queries[{i}]"
        if item.id in seen:
            raise InvalidInput(f"{where}.id", _("duplicate id %(id)r", id=item.id))
        seen.add(item.id)
        if not item.name.strip():
            raise InvalidInput(f"{where}.name", _("empty name"))
        if item.birth_date and screening_csv.birth_date(item.birth_date) is None:
            raise InvalidInput(f"{where}.birth_date", _("use YYYY, YYYY-MM or YYYY-MM-DD"))
        nat = screening_csv.country(item.nationality) if item.nationality else None
        if item.nationality and nat is None:
            raise InvalidInput(
                f"{where}.nationality", _("unknown country %(nationality)r", nationality=item.nationality)
            )
        out.append(matching.Query(item.id, " ".join(item.name.split()), item.birth_date or None, nat))
    return out


def _inline_schema(model: type[ScreeningIn]) -> dict[str, Any]:
    """The model's JSON schema with its nested definitions written in place (the body is read by hand, so
    FastAPI does not put the model in the components)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.rsplit("/", 1)[1]])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(schema))


@router.post(
    "/screenings",
    status_code=201,
    response_model=ScreeningOut,
    responses=errors(403, 413, 422),
    summary="Screen a batch of names: a CSV (text/csv or a multipart upload) or JSON",
    description=(
        "The CSV has `id,name` and optionally `birth_date,nationality` (header required; an error names the "
        'line and nothing is screened). JSON: `{"queries": [{"id", "name", "birth_date", '
        '"nationality"}], "top", "threshold"}`. For a CSV, `top`, `threshold` and `algorithm` are query '
        "parameters. Each result line is `{query_id, matches: [{hit_id, entity_id, reference, name, score, match, "
        "decision, explanation}]}`; your organisation's remembered decisions are applied."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
                "application/json": {"schema": _inline_schema(ScreeningIn)},
            },
        }
    },
)
async def create_screening(
    request: Request,
    actor: Actor,
    st: State,
    top: Annotated[int, Query(ge=1, le=50)] = 5,
    threshold: Annotated[float | None, Query(ge=0, le=1)] = None,
    algorithm: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    max_rows = st.settings.screen_max_rows
    limit = max_rows * 2 * screening_csv.MAX_FIELD + 65536
    too_large = _("the body is over %(limit)s bytes", limit=i18n.number(limit))
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    filename = ""
    if content_type == "application/json":
        try:
            body = ScreeningIn.model_validate_json(await read_limited(request, limit, too_large))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "body"
            raise InvalidInput(where, input_errors.message(first)) from exc
        if len(body.queries) > max_rows:
            raise TooLarge(_("more than %(max_rows)s names (LIAISON_SCREEN_MAX_ROWS)", max_rows=max_rows))
        queries = _json_queries(body)
        top, threshold, algorithm = body.top, body.threshold, body.algorithm or algorithm
    elif content_type == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(too_large)
        async with request.form(max_files=1, max_fields=5, max_part_size=limit) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput("file", _("upload the CSV as the form field 'file'"))
            filename = upload.filename or ""
            data = await upload.read()
        queries = screening_csv.parse(data, max_rows=max_rows)
    elif content_type in ("text/csv", "application/csv", "text/plain"):
        queries = screening_csv.parse(await read_limited(request, limit, too_large), max_rows=max_rows)
    else:
        raise InvalidInput("Content-Type", _("send text/csv, multipart/form-data (field 'file') or application/json"))
    cut = threshold if threshold is not None else st.settings.match_threshold
    out = await run_in_threadpool(_screen, st, actor, queries, top, cut, algorithm, filename)
    return JSONResponse(out, status_code=201)


def _screen(
    st: AppState,
    actor: Principal,
    queries: list[matching.Query],
    top: int,
    threshold: float | None,
    algorithm: str | None,
    filename: str,
) -> dict[str, Any]:
    from liaison.queries.bank_index import shared_index

    index = (st.bank_index if algorithm is None else shared_index(st.engine, algorithm)).get()
    with transaction(st.sessions) as session:
        run, _lines = act.screen(
            session,
            actor=actor,
            queries=queries,
            top=top,
            threshold=threshold,
            algorithm=algorithm,
            filename=filename,
            via="api",
            index=index,
        )
        session.flush()
        return _run_json(run, act.results(session, run, with_ids=True, queries=[x.id for x in queries]))


@router.get(
    "/screenings/{run_id}",
    response_model=ScreeningOut,
    responses=errors(403, 404),
    summary="A screening run of your organisation with its results",
)
def get_screening(run_id: uuid.UUID, actor: Actor, st: State) -> Response:
    with st.sessions() as session:
        run = act.run_or_404(session, actor, run_id)
        data = _run_json(run, act.results(session, run, with_ids=True))
    return JSONResponse(data)


@router.post(
    "/hits/{hit_id}/decision",
    response_model=DecisionOut,
    responses=errors(403, 404, 422),
    summary="Decide that a hit is a true or a false match (analysts); applied to the next screening of the name",
)
def decide(hit_id: uuid.UUID, body: DecisionIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        hit = act.decide(session, actor=actor, hit_id=hit_id, verdict=body.verdict, note=body.note)
        out = {"hit_id": str(hit.id), "entity_id": str(hit.entity_id), "decision": hit.decision, "match": hit.match}
    return JSONResponse(out)
