"""The information bank's pages for analysts and screening officers: search (one box and filters) and the entity
page (names in every script, statements side by side by property with their provenance and grade, relations,
list references, merged entities, the neighbourhood graph). Screening is in :mod:`liaison.web.ui.bank_screening`,
merge proposals in :mod:`liaison.web.ui.bank_merges`; this module's router includes both.

Need to know is the read side's (:mod:`liaison.queries.bank`): a page never shows a statement its reader may not
see, an invisible entity is a 404 like an unknown one, and every view of a person's record is audited (the read
and its audit row commit together). Searches are audited too.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from liaison.actions.bank import country
from liaison.bank.props import SCHEMAS, SINGLE_VALUED
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound
from liaison.graph import render_graph
from liaison.i18n import _, lazy_gettext
from liaison.queries import bank as bankq
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.queries.bank_merges import accepted_merge_of, merged_here
from liaison.timeinput import BIRTH_YEARS
from liaison.web.deps import state
from liaison.web.ui import bank_merges, bank_screening
from liaison.web.ui.bank_display import HELPERS, entity_title, reader_language
from liaison.web.ui.common import Me, render, uuid_or_404

router = APIRouter()
router.include_router(bank_screening.router)
router.include_router(bank_merges.router)

DONE = {
    "undo": lazy_gettext("The merge is undone: that entity stands on its own again."),
    "accept": lazy_gettext("Merged."),
    "reject": lazy_gettext("Rejected."),
}
PAGE_SIZES = (20, 50, 100, 200)


# -- search --


def _filters(form: dict[str, str]) -> tuple[dict[str, Any], str]:
    """The search filters from the query string, and an error to show (a bad filter is ignored, and said so)."""
    out: dict[str, Any] = {}
    error = ""
    if form["schema"] in SCHEMAS:
        out["schema"] = form["schema"]
    if form["nationality"]:
        code = country(form["nationality"])
        if code is None:
            error = _('"%(value)s" is not a country code like SY or SYR', value=form["nationality"])
        else:
            out["nationality"] = code
    if form["birth_year"]:
        try:
            year = int(form["birth_year"])
            if not BIRTH_YEARS[0] <= year <= BIRTH_YEARS[1]:
                raise ValueError
            out["birth_year"] = year
        except ValueError:
            error = _('"%(value)s" is not a year like 1975', value=form["birth_year"])
    if form["list"]:
        out["list_name"] = form["list"]
    return out, error


@router.get("/bank")
def search_page(
    request: Request,
    me: Me,
    q: str = "",
    schema: str = "",
    nationality: str = "",
    birth_year: str = "",
    list_name: Annotated[str, Query(alias="list")] = "",
    group: str = "",
    limit: int = 20,
) -> Response:
    form = {
        "q": q.strip(),
        "schema": schema,
        "nationality": nationality.strip(),
        "birth_year": birth_year.strip(),
        "list": list_name.strip(),
        "group": group.strip(),
    }
    limit = max(x for x in PAGE_SIZES if x <= max(limit, PAGE_SIZES[0]))
    with reader_language(me):  # the filters' errors are worded here
        filters, error = _filters(form)
    results: list[dict[str, Any]] | None = None
    group_caption = ""
    st = state(request)
    with reader_language(me), transaction(st.sessions) as session:
        viewer = viewer_for(session, me.principal)
        require_reader(viewer)
        lists = bankq.list_names(session)
        if form["group"]:
            group_id, group_caption, group_error = _group(session, me, form["group"])
            error = error or group_error
            if group_id is not None:
                filters["group"] = group_id
        asked = bool(form["q"] or filters)
        if asked and not error:
            try:
                results = bankq.search(session, me.principal, form["q"], limit=limit, **filters)
            except (InvalidInput, NotFound) as exc:
                error = exc.detail
    return render(
        request,
        "bank_search.html",
        me=me,
        form=form,
        results=results,
        error=error,
        lists=lists,
        schemas=SCHEMAS,
        group_caption=group_caption,
        limit=limit,
        more=limit * 2 if results is not None and len(results) >= limit and limit < PAGE_SIZES[-1] else 0,
        more_query=str(request.url.include_query_params(limit=min(limit * 2, PAGE_SIZES[-1])).query),
        **HELPERS,
    )


def _group(session: Any, me: Any, value: str) -> tuple[uuid.UUID | None, str, str]:
    """A group filter typed as an id or as a name (the best-scoring organisation whose name matches)."""
    try:
        ident = uuid.UUID(value)
    except ValueError:
        found = bankq.search(session, me.principal, value, schema="Organization", limit=1)
        if not found:
            return None, "", _('no group called "%(name)s"', name=value)
        return uuid.UUID(found[0]["entity_id"]), found[0]["caption"], ""
    caption = bankq.captions(session, viewer_for(session, me.principal), [ident]).get(ident, "")
    return ident, caption, ""


# -- the entity page --


def _groups(properties: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Statements by property (names apart), current first; ``conflict`` when a single-valued property has
    differing current values."""
    out = []
    for prop, stmts in properties.items():
        if prop == "name":
            continue
        ordered = sorted(stmts, key=lambda s: (s["retracted_at"] is not None, s["grade"], s["value"]))
        current = {s["value"].strip().casefold() for s in stmts if not s["retracted_at"]}
        out.append(
            {
                "prop": prop,
                "statements": ordered,
                "conflict": prop in SINGLE_VALUED and len(current) > 1,
            }
        )
    return out


@router.get("/bank/entities/{entity_id}")
def entity_page(request: Request, entity_id: str, me: Me, done: str = "") -> Response:
    ident = uuid_or_404(entity_id, "entity")
    st = state(request)
    with transaction(st.sessions) as session:
        viewer = viewer_for(session, me.principal)
        require_reader(viewer)
        data = bankq.entity_view(session, me.principal, ident)
        graph = bankq.neighbourhood(session, me.principal, ident, depth=2)
        merged = merged_here(session, viewer, ident)
        merged_by = None
        if data["merged_into"]:
            merged_by = accepted_merge_of(session, ident)
            root = uuid.UUID(data["merged_into"])
            root_caption = bankq.captions(session, viewer, [root]).get(root, "")
        else:
            root_caption = ""
    rank = {n["statement_id"]: i for i, n in enumerate(data["names"])}  # best name first, as the read side ranks
    names = sorted(
        data["properties"].get("name", []), key=lambda s: (s["retracted_at"] is not None, rank.get(s["id"], 999))
    )
    with reader_language(me):  # the graph's title is drawn here, before the page
        title = entity_title(data["caption"], data["reference"], data["id"], data["schema"])
        svg = render_graph(graph, title=_("Neighbourhood of %(name)s", name=title))
    return render(
        request,
        "bank_entity.html",
        me=me,
        e=data,
        names=names,
        groups=_groups(data["properties"]),
        graph=svg,
        graph_count=len(graph["nodes"]),
        merged=merged,
        merged_by=str(merged_by.id) if merged_by is not None else "",
        root_caption=root_caption,
        analyst=viewer.analyst,
        title=title,
        done=DONE.get(done, ""),
        **HELPERS,
    )
