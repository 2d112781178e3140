"""Link analysis API: paths between two entities, a group's network, the whole graph's cells, a group's timeline.

Thin: parse, call :mod:`liaison.queries.links`. The link index is caught up before the transaction opens (as the
bank's name index) and every analysis is audited in the transaction of the read. Unknown and invisible entities
are both 404; a graph too large to analyse is a 422 saying how to narrow it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from liaison.db import transaction
from liaison.queries import links
from liaison.queries.link_index import shared_link_index
from liaison.web.api.analysis_links_models import CommunitiesOut, NetworkOut, PathsOut, TimelineOut, errors
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse

router = APIRouter(prefix="/analysis", tags=["analysis"])

GroupId = Path(description="The group's entity id")
MinGrade = Annotated[
    str | None, Query(max_length=2, description="Only relations graded at least this (both letters), e.g. B2")
]
Since = Annotated[date | None, Query(description="Only relations observed on or after (undated ones are left out)")]
Until = Annotated[date | None, Query(description="Only relations observed on or before (undated ones are left out)")]


@router.get(
    "/paths",
    response_model=PathsOut,
    responses=errors(403, 404, 422),
    summary="How is A connected to B? The shortest paths over the relations you may see",
    description=(
        "Every shortest path (at most `limit`, best graded first), relations read in both directions, each edge "
        "with its relation, source, grade, date and marking. A path through a statement or entity you may not see "
        "is not shown and not counted. Audited as `analysis.path`."
    ),
)
def paths(
    actor: Actor,
    st: State,
    a: Annotated[uuid.UUID, Query(description="An entity id")],
    b: Annotated[uuid.UUID, Query(description="An entity id")],
    min_grade: MinGrade = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=10)] = 10,
) -> Response:
    index = shared_link_index(st.engine).get()
    with transaction(st.sessions) as session:
        data = links.shortest_paths(
            session, actor, a, b, min_grade=min_grade, since=since, until=until, limit=limit, index=index
        )
    return JSONResponse(data)


@router.get(
    "/groups/{group_id}/network",
    response_model=NetworkOut,
    responses=errors(403, 404, 422),
    summary="A group's members, roles, centrality and cells, with leaders and brokers marked",
    description=(
        "Members are those stated member_of or leader_of the group or of its factions (faction_of it). Centrality "
        "(degree, betweenness, eigenvector, normalised 0..1) and cells (Leiden, modularity, seeded) are computed "
        "over the members and factions. `graph` is the Graph JSON the picture draws. Audited as `analysis.network`."
    ),
)
def network(
    actor: Actor,
    st: State,
    group_id: uuid.UUID = GroupId,
    min_grade: MinGrade = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    index = shared_link_index(st.engine).get()
    with transaction(st.sessions) as session:
        data = links.group_network(session, actor, group_id, min_grade=min_grade, since=since, until=until, index=index)
    return JSONResponse(data)


@router.get(
    "/communities",
    response_model=CommunitiesOut,
    responses=errors(403, 422),
    summary="Cells of the whole graph you may see (Leiden, modularity), largest first",
)
def communities(
    actor: Actor,
    st: State,
    min_grade: MinGrade = None,
    since: Since = None,
    until: Until = None,
    top: Annotated[int, Query(ge=1, le=50, description="Members listed per cell")] = 8,
) -> Response:
    index = shared_link_index(st.engine).get()
    with transaction(st.sessions) as session:
        data = links.communities(session, actor, min_grade=min_grade, since=since, until=until, top=top, index=index)
    return JSONResponse(data)


@router.get(
    "/groups/{group_id}/timeline",
    response_model=TimelineOut,
    responses=errors(403, 404, 422),
    summary="How a group's network grew, year by year (members, relations, density, top broker)",
)
def timeline(actor: Actor, st: State, group_id: uuid.UUID = GroupId) -> Response:
    index = shared_link_index(st.engine).get()
    with transaction(st.sessions) as session:
        data = links.timeline(session, actor, group_id, index=index)
    return JSONResponse(data)
