"""Bank import and export API: upload a UN list, FollowTheMoney JSON lines or the analysts' CSV; list the imports;
stream the FtM export of what the caller may see.

Thin: read the body (raw, or a multipart ``file`` field) under ``LIAISON_IMPORT_MAX_BYTES``, then call
:mod:`liaison.actions.bank_import` in one transaction in a worker thread. A refused file answers 422 with every
bad line in ``errors``, and nothing is imported; a re-import that would delist more than
``LIAISON_IMPORT_MAX_DELISTED_SHARE`` of a list answers 409 with the figures unless ``allow_mass_delisting``.
``dry_run`` answers the report the import would give, and writes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.actions import bank_import as act
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.models import BankImport
from liaison.principal import Principal
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.queries.bank_export import export_ftm
from liaison.web.api.bank_models import errors
from liaison.web.api.common import read_limited
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState

router = APIRouter(prefix="/bank", tags=["bank"])

Kind = Literal["un-sc", "ftm", "csv"]


async def _upload(request: Request, limit: int) -> tuple[bytes, str]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 65536:
        raise TooLarge(f"the file is over the import limit of {limit:,} bytes (LIAISON_IMPORT_MAX_BYTES)")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=10, max_part_size=limit + 1) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput("file", "upload the file as the form field 'file'")
            return await upload.read(), upload.filename or ""
    too_large = f"the file is over the import limit of {limit:,} bytes (LIAISON_IMPORT_MAX_BYTES)"
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
        raise InvalidInput("file", "the file is empty")
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
        rows = session.scalars(select(BankImport).order_by(BankImport.created_at.desc()).limit(limit))
        return [act.import_summary(i) for i in rows]


@router.get(
    "/export.ftm",
    responses=errors(403),
    summary="Export the bank as FollowTheMoney JSON lines (only what you may see)",
    description=(
        "Streamed JSON lines: entities with the statements you may see (code names as aliases), then relations "
        "between entities you may see. Audited as `bank.export`."
    ),
    response_class=StreamingResponse,
)
def export(actor: Actor, st: State) -> StreamingResponse:
    with transaction(st.sessions) as session:
        require_reader(viewer_for(session, actor))
        act.record_export(session, actor=actor, kind="ftm", lines=-1)

    def lines() -> Iterator[str]:
        with st.sessions() as session:
            yield from export_ftm(session, viewer_for(session, actor))

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="bank.ftm.json"'},
    )
