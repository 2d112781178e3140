"""Pages of the link analysis: a group's network (picture, members with roles and centrality, cells, structure
over time) and "how is A connected to B?".

Thin: parse the query string, call :mod:`liaison.queries.links` (need to know and audit are there), draw the
server-side pictures (:func:`liaison.graph.render_graph`, :func:`liaison.charts.line_chart`) so the pages work
without JavaScript; analysis.js turns the graph into an interactive one from the same Graph JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from liaison.analysis.network import GraphTooLarge
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound
from liaison.graph import render_graph
from liaison.i18n import _, lazy_gettext
from liaison.queries import links
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.queries.link_index import shared_link_index
from liaison.queries.links_figures import structure_chart
from liaison.web.deps import state
from liaison.web.ui.bank_display import HELPERS, reader_language
from liaison.web.ui.common import Me, render, uuid_or_404

router = APIRouter()

PICTURE_NODES = 300  # the interactive picture of a big group: the best-tied members
TABLE_ROWS = 500


def _date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(field, _("not a date (YYYY-MM-DD)")) from exc


def _form(min_grade: str, since: str, until: str) -> dict[str, str]:
    return {"min_grade": min_grade.strip().upper()[:2], "since": since.strip()[:10], "until": until.strip()[:10]}


def role_words() -> dict[str, Any]:
    return {
        "member": lazy_gettext("member"),
        "leader": lazy_gettext("leader"),
        "faction": lazy_gettext("faction"),
        "broker": lazy_gettext("broker"),
    }


@router.get("/analysis/groups/{group_id}")
def group_page(
    request: Request, group_id: str, me: Me, min_grade: str = "", since: str = "", until: str = ""
) -> Response:
    ident = uuid_or_404(group_id, "entity")
    st = state(request)
    form = _form(min_grade, since, until)
    error = ""
    index = shared_link_index(st.engine).get()
    with transaction(st.sessions) as session:
        require_reader(viewer_for(session, me.principal))
        try:
            start, end = _date(form["since"], "since"), _date(form["until"], "until")
            data = links.group_network(
                session, me.principal, ident, min_grade=form["min_grade"] or None, since=start, until=end, index=index
            )
        except (InvalidInput, GraphTooLarge) as exc:
            error = exc.detail
            data = links.group_network(session, me.principal, ident, index=index)
        years = links.timeline(session, me.principal, ident, index=index)
    total = len(data["members"])
    data["graph"] = links.trim(data["graph"], PICTURE_NODES)
    shown_members = data["members"][:TABLE_ROWS]
    with reader_language(me):
        name = data["group"]["caption"]
        svg = render_graph(data["graph"], title=_("Network of %(name)s", name=name), max_nodes=80)
        chart = structure_chart(years["years"], _("Structure of %(name)s over time", name=name))
    cells: dict[int, list[dict[str, Any]]] = {}
    for m in shown_members:
        if m["community"] is not None:
            cells.setdefault(m["community"], []).append(m)
    return render(
        request,
        "analysis_group.html",
        me=me,
        d=data,
        members=shown_members,
        total=total,
        years=years,
        graph_svg=svg,
        chart=chart,
        cells=sorted(cells.items()),
        form=form,
        error=error,
        title=name,
        role_words=role_words(),
        **HELPERS,
    )


@router.get("/analysis/path")
def path_page(
    request: Request, me: Me, a: str = "", b: str = "", min_grade: str = "", since: str = "", until: str = ""
) -> Response:
    st = state(request)
    form = _form(min_grade, since, until) | {"a": a.strip()[:300], "b": b.strip()[:300]}
    error = ""
    data: dict[str, Any] | None = None
    svg = None
    index = shared_link_index(st.engine).get() if form["a"] and form["b"] else None
    with transaction(st.sessions) as session:
        require_reader(viewer_for(session, me.principal))
        if index is not None:
            try:
                start, end = _date(form["since"], "since"), _date(form["until"], "until")
                data = links.shortest_paths(
                    session,
                    me.principal,
                    links.resolve(session, me.principal, form["a"]),
                    links.resolve(session, me.principal, form["b"]),
                    min_grade=form["min_grade"] or None,
                    since=start,
                    until=end,
                    index=index,
                )
            except (InvalidInput, GraphTooLarge, NotFound) as exc:
                error = exc.detail
    if data is not None:
        for p in data["paths"]:
            p["names"] = {n["id"]: n["caption"] for n in p["nodes"]}
        with reader_language(me):
            svg = render_graph(
                data["graph"],
                title=_("%(a)s and %(b)s", a=data["a"]["caption"], b=data["b"]["caption"]),
            )
    return render(
        request,
        "analysis_path.html",
        me=me,
        d=data,
        graph_svg=svg,
        form=form,
        error=error,
        title=_("How are they connected?"),
        **HELPERS,
    )
