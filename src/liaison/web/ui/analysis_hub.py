"""The analysis centre's front page (``/analysis``) and the briefing page (``/analysis/briefing``).

For the bank's readers (analysts and screening officers); everyone else gets 403, as on the bank's pages. The hub
lists the groups the reader may see and the ways into each analysis; the briefing page takes the items chosen
with the pictures' "Add to briefing" links (``?include=KEY&include=KEY2``), lets the reader add others, and
answers the PDF made by :mod:`liaison.actions.briefings` (audited there).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import briefings as act
from liaison.briefing import MAX_ITEMS
from liaison.db import transaction
from liaison.errors import InvalidInput
from liaison.queries import figures
from liaison.queries.analysis_groups import visible_groups
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.web.deps import state
from liaison.web.ui.bank_display import reader_language
from liaison.web.ui.common import Me, check_csrf, render

router = APIRouter()
FormStr = Annotated[str, Form()]


@router.get("/analysis")
def hub(request: Request, me: Me) -> Response:
    with reader_language(me), transaction(state(request).sessions) as session:
        groups = visible_groups(session, me.principal)
    return render(request, "analysis_home.html", me=me, groups=groups)


def _kinds() -> list[dict[str, Any]]:
    figures.load()
    return [
        {"name": k.name, "label": str(k.label), "needs_argument": k.needs_argument}
        for k in sorted(figures.KINDS.values(), key=lambda k: k.name)
    ]


def _form(
    request: Request, me: Me, *, include: list[str], title: str, language: str, error: str = "", status: int = 200
) -> Response:
    with reader_language(me), transaction(state(request).sessions) as session:
        require_reader(viewer_for(session, me.principal))
    chosen = list(dict.fromkeys(i.strip() for i in include if i.strip()))
    return render(
        request,
        "analysis_briefing.html",
        me=me,
        status=status,
        chosen=chosen,
        kinds=_kinds(),
        title_value=title,
        language_value=language or i18n.normalize(me.language) or i18n.current(),
        error=error,
        max_items=MAX_ITEMS,
    )


@router.get("/analysis/briefing")
def briefing_page(request: Request, me: Me, include: Annotated[list[str], Query()] = []) -> Response:  # noqa: B006
    return _form(request, me, include=include[: MAX_ITEMS * 2], title="", language="")


@router.post("/analysis/briefing")
def briefing_export(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    title: FormStr = "",
    language: FormStr = "",
    include: Annotated[list[str], Form()] = [],  # noqa: B006
    extra: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    items = [*include, *extra.split()]
    code = i18n.normalize(language) or i18n.normalize(me.language) or i18n.current()
    try:
        with i18n.use_locale(code), i18n.use_zone(i18n.valid_zone(me.time_zone) or i18n.current_zone()):
            with transaction(state(request).sessions) as session:
                made = act.export_briefing(session, actor=me.principal, items=items, title=title)
    except InvalidInput as exc:
        with reader_language(me):
            return _form(request, me, include=items, title=title, language=code, error=exc.reason, status=422)
    return Response(
        made.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="liaison-briefing.pdf"', "cache-control": "no-store"},
    )
