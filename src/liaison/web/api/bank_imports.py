"""Bank import and export API: upload a UN list, FollowTheMoney JSON lines or the analysts' CSV; list the imports;
stream the FtM or CSV export of what the caller may see and the export's audience may receive.

Thin: read the body (raw, or a multipart ``file`` field) under ``LIAISON_IMPORT_MAX_BYTES``, then call
:mod:`liaison.actions.bank_import` in one transaction in a worker thread. A refused file answers 422 with every
bad line in ``errors``, and nothing is imported; a re-import that would delist more than
``LIAISON_IMPORT_MAX_DELISTED_SHARE`` of a list answers 409 with the figures unless ``allow_mass_delisting``.
``dry_run`` answers the report the import would give, and writes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from liaison import i18n
from liaison.actions import bank_import as act
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.i18n import _
from liaison.marking import MarkingError, export_audience, parse_tlp
from liaison.principal import Principal
from liaison.queries import bank as bankq
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.queries.bank_export import export_csv, export_ftm, marking_counts
from liaison.web.api.bank_models import errors
from liaison.web.api.common import read_limited
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison.models import BankImport

router = APIRouter(prefix="/bank", tags=["bank"])

Kind = Literal["un-sc", "ftm", "csv"]


async def _upload(request: Request, limit: int) -> tuple[bytes, str]:
    too_large = _(
        "the file is over the import limit of %(limit)s bytes (LIAISON_IMPORT_MAX_BYTES)", limit=i18n.number(limit)
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 65536:
        raise TooLarge(too_large)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=10, max_part_size=limit + 1) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput("file", _("upload the file as the form field 'file'"))
            return await upload.read(), upload.filename or ""
    return await read_limited(request, limit, too_large), request.headers.get("x-filename", "")[:300]


def _import(
    st: AppState,
    actor: Principal,
    kind: str,
    data: bytes,
    filename: str,
    defaults: Any,
    dataset: str | None,
    guard: act.DelistingGuard,
) -> dict[str, Any]:
    limit = st.settings.import_max_bytes

    def work(session: Session) -> BankImport:
        if kind == "un-sc":
            return act.import_un_list(session, actor=actor, data=data, filename=filename, max_bytes=limit, guard=guard)
        if kind == "ftm":
            return act.import_ftm(
                session,
                actor=actor,
                lines=io.BytesIO(data),
                filename=filename,
                defaults=defaults,
                max_bytes=limit,
                dataset=dataset,
                guard=guard,
            )
        return act.import_csv(session, actor=actor, data=data, filename=filename, defaults=defaults, max_bytes=limit)

    return act.run_import(st.sessions, actor=actor, work=work, dry_run=guard.dry_run)


@router.post(
    "/imports/{kind}",
    status_code=201,
    responses=errors(403, 409, 413, 422),
    summary="Import a UN list (un-sc), FollowTheMoney JSON lines (ftm) or the analysts' CSV (csv)",
    description=(
        "The file is the raw body, or the `file` field of a multipart upload. One transaction: the answer is the "
        "import's report (added, changed, unchanged, delisted, refused); a bad line refuses the whole file (422, "
        "every bad line in `errors`) and nothing is imported. For ftm and csv, `marking`, `grade`, `source`, "
        "`category` and `legal_basis` give the provenance of every statement (a CSV row may override them). "
        "An FtM import keeps each entity's FtM id under its `dataset` (default: the file name): importing a newer "
        "file of the same dataset updates those entities in place, and delists those missing from the file. "
        "A re-import that would delist more than `LIAISON_IMPORT_MAX_DELISTED_SHARE` (default 10%) of the list's "
        "active entries (an empty or truncated file) is refused with 409 (`mass_delisting`: the figures `delisting`, "
        "`active`, `share`, `threshold`; audited as `bank.import_refused`) unless `allow_mass_delisting=true`. "
        "With `dry_run=true` the answer (200) is the report the import would give, nothing is written, and "
        "`report.mass_delisting` says when the import would be refused (`allowed: false`). "
        "Analysts (a node admin may import the UN list)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
            },
        }
    },
)
async def create_import(
    request: Request,
    actor: Actor,
    st: State,
    kind: Annotated[Kind, Path(description="un-sc, ftm or csv")],
    marking: Annotated[str, Query(max_length=200)] = "TLP:AMBER",
    grade: Annotated[str, Query(max_length=2)] = "F6",
    source: Annotated[str, Query(max_length=300)] = "",
    category: Annotated[str, Query(max_length=30)] = "suspect",
    legal_basis: Annotated[str, Query(max_length=500)] = "",
    dataset: Annotated[str | None, Query(max_length=26)] = None,
    dry_run: Annotated[bool, Query(description="Report what the import would do; write nothing.")] = False,
    allow_mass_delisting: Annotated[
        bool, Query(description="Delist even more than LIAISON_IMPORT_MAX_DELISTED_SHARE of the list.")
    ] = False,
) -> Response:
    data, filename = await _upload(request, st.settings.import_max_bytes)
    if not data:
        raise InvalidInput("file", _("the file is empty"))
    reliability, credibility = act.parse_grade(grade)
    defaults = act.Defaults(
        source=source or filename,
        reliability=reliability,
        credibility=credibility,
        marking=act.marking_from_text(marking),
        data_subject_category=category,
        legal_basis=legal_basis,
    )
    guard = act.DelistingGuard(st.settings.import_max_delisted_share, allow_mass_delisting, dry_run)
    out = await run_in_threadpool(_import, st, actor, kind, data, filename, defaults, dataset, guard)
    return JSONResponse(out, status_code=200 if dry_run else 201)


@router.get(
    "/imports",
    responses=errors(403),
    summary="The imports, newest first",
    description="Every bank reader sees the list of imports (kind, file, who, counts) with their reports.",
)
def list_imports(actor: Actor, st: State, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    with st.sessions() as session:
        require_reader(viewer_for(session, actor))
        rows = bankq.recent_imports(session, limit)
        return [act.import_summary(i) for i in rows]


def _export(actor: Principal, st: AppState, kind: str, max_marking: str | None) -> StreamingResponse:
    try:
        level = parse_tlp(max_marking) if max_marking is not None else None
    except MarkingError as exc:
        raise InvalidInput("max_marking", str(exc)) from exc
    with transaction(st.sessions) as session:  # audited before anything leaves
        viewer = viewer_for(session, actor)
        markings = marking_counts(session, viewer, level)
        act.record_export(session, actor=actor, kind=kind, lines=-1, max_marking=level, markings=markings)
    write = export_ftm if kind == "ftm" else export_csv

    def lines() -> Iterator[str]:
        with st.sessions() as session:
            yield from write(session, viewer_for(session, actor), level)

    media, name = ("application/x-ndjson", "bank.ftm.json") if kind == "ftm" else ("text/csv", "bank.csv")
    return StreamingResponse(
        lines(),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Liaison-Audience": export_audience(level),
            "X-Liaison-Markings": ", ".join(f"TLP:{tlp} {n}" for tlp, n in markings.items()),
        },
    )


MaxMarking = Annotated[
    str | None,
    Query(
        max_length=20,
        description="Also export values marked up to this level (AMBER, AMBER+STRICT or RED), each with its "
        "marking. Without it the audience is the network: only TLP:CLEAR and GREEN values without handling "
        "conditions leave.",
    ),
]
_AUDIENCE = (
    "Of what you may see, only what the export's audience may receive: without `max_marking`, TLP:CLEAR and "
    "GREEN values with no handling condition; with it, every value up to that level, each carrying its marking, "
    "grade, source and contributor. The audience is in the `X-Liaison-Audience` header. Audited as "
    "`bank.export` with the audience and the values by marking."
)


@router.get(
    "/export.ftm",
    responses=errors(403, 422),
    summary="Export the bank as FollowTheMoney JSON lines (FtM statement form)",
    description="Streamed JSON lines: entities with their values and list references, then relations. " + _AUDIENCE,
    response_class=StreamingResponse,
)
def export(actor: Actor, st: State, max_marking: MaxMarking = None) -> StreamingResponse:
    return _export(actor, st, "ftm", max_marking)


@router.get(
    "/export.csv",
    responses=errors(403, 422),
    summary="Export the bank as the analysts' CSV",
    description="One row per entity and provenance, relations by entity id. " + _AUDIENCE,
    response_class=StreamingResponse,
)
def export_csv_file(actor: Actor, st: State, max_marking: MaxMarking = None) -> StreamingResponse:
    return _export(actor, st, "csv", max_marking)
