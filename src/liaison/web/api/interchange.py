"""Directory interchange API: export the networks one may see as JSON or CSV; import them back (secretariat)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from liaison.actions import evidence
from liaison.db import transaction
from liaison.errors import InvalidInput, PermissionDenied
from liaison.i18n import _
from liaison.interchange import directory_io as dio
from liaison.principal import Principal
from liaison.web.api.common import read_limited
from liaison.web.deps import Actor, Snap, State
from liaison.web.state import AppState

router = APIRouter(tags=["interchange"])

Format = Literal["json", "csv"]


@router.get(
    "/directory/export",
    summary="Export the directory (networks you may see) as JSON or CSV",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def export_directory(
    actor: Actor,
    st: State,
    snap: Snap,
    network: Annotated[list[str] | None, Query(description="Network code; repeat for several (default: all)")] = None,
    fmt: Annotated[Format, Query(alias="format")] = "json",
) -> Response:
    codes = dio.visible_networks(snap, actor, network)
    evidence.directory_export(
        st.read_audit, actor=actor, details={"networks": "all" if codes is None else codes, "format": fmt}
    )
    stamp = f"liaison-directory-{snap.revision}"
    if fmt == "csv":
        return Response(
            dio.export_contacts_csv(snap, codes),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{stamp}.csv"'},
        )
    with st.sessions() as session:
        organisations = dio.load_organisations(session)
    doc = dio.export_directory(snap, codes, organisations=organisations)
    return Response(
        orjson.dumps(doc),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{stamp}.json"'},
    )


@router.post(
    "/directory/import",
    summary="Import a directory export (JSON) or a contacts CSV",
    description="Node admin, or the secretariat of every network in the document. The body is the JSON "
    "document, or CSV with `?format=csv` or `Content-Type: text/csv`; at most 20 MB. One "
    "transaction: the first invalid value is refused with its JSON path or CSV line, and "
    "nothing is written. `?dry_run=true` checks and counts without writing.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def import_directory(
    request: Request,
    actor: Actor,
    st: State,
    fmt: Annotated[Format | None, Query(alias="format")] = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    if not actor.is_admin and not actor.administered_networks:
        raise PermissionDenied(_("importing a directory needs a node admin or a network's secretariat"))
    body = await _read_limited(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    kind = fmt or ("csv" if content_type in ("text/csv", "application/csv") else "json")
    report = await run_in_threadpool(_import, st, actor, body, kind, dry_run)
    return report.to_json()


async def _read_limited(request: Request) -> bytes:
    """The body, refused with 413 as soon as the declared or the actual size passes the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise InvalidInput("Content-Length", _("is not a number"))
    return await read_limited(request, dio.MAX_BYTES, str(dio.TOO_LARGE))


def _import(st: AppState, actor: Principal, body: bytes, kind: str, dry_run: bool) -> dio.ImportReport:
    if kind == "csv":
        text = dio.decode_text(body)
        with transaction(st.sessions) as session:
            return dio.import_contacts_csv(session, actor=actor, text=text, dry_run=dry_run)
    document = dio.parse_document(body)
    with transaction(st.sessions) as session:
        return dio.import_directory(session, actor=actor, document=document, dry_run=dry_run)
