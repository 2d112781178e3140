"""API: a marked PDF briefing of chosen analysis pictures and tables (:mod:`liaison.actions.briefings`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from liaison import i18n
from liaison.actions import briefings as act
from liaison.briefing import MAX_ITEMS
from liaison.db import transaction
from liaison.principal import Principal
from liaison.web.api.bank_models import errors
from liaison.web.deps import Actor, State
from liaison.web.state import AppState

router = APIRouter(tags=["analysis"])


class BriefingIn(BaseModel):
    title: Annotated[str, Field(max_length=act.MAX_TITLE, description="The cover's title")] = ""
    include: Annotated[
        list[Annotated[str, Field(max_length=act.MAX_ITEM)]],
        Field(
            max_length=MAX_ITEMS,
            description=(
                "The items, in order: `KIND` or `KIND:ARGUMENT` (e.g. `group-network:<entity id>`, `trends:region`); "
                "the kinds are those the analysis pages offer under *Add to briefing*"
            ),
        ),
    ]
    language: Annotated[str | None, Field(description="The briefing's language (default: the request's)")] = None


@router.post(
    "/briefings",
    summary="A marked PDF briefing of chosen pictures and tables",
    description=(
        f"Builds each item as you (only what you may see), and answers the PDF: a cover (title, author, "
        f"organisation, date), then each figure with its own marking, notes and table. The briefing is marked as "
        f"its strictest figure, at the top and bottom of every page. At most {MAX_ITEMS} items; an unknown item "
        f"is a 422 naming the kinds. For analysts and screening officers. Audited as `analysis.briefing.export`."
    ),
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF"}, **errors(403, 422)},
    response_class=Response,
)
async def create_briefing(body: BriefingIn, actor: Actor, st: State) -> Response:
    # WeasyPrint takes a second or more for a long briefing: off the event loop.
    language = i18n.normalize(body.language) if body.language else None
    made = await run_in_threadpool(_export, st, actor, body, language or i18n.current())
    return Response(
        made.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="liaison-briefing.pdf"',
            "X-Liaison-Marking": made.marking.label.encode("ascii", "replace").decode(),
            "X-Liaison-Pages": str(made.pages),
        },
    )


def _export(st: AppState, actor: Principal, body: BriefingIn, language: str) -> Any:
    with i18n.use_locale(language), transaction(st.sessions) as session:
        return act.export_briefing(session, actor=actor, items=body.include, title=body.title)
