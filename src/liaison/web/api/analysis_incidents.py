"""Incidents API: import a CSV in the GTD layout, list the incidents, and their trends over time.

Thin: read the upload under ``LIAISON_IMPORT_MAX_BYTES`` (413 over it), then call
:mod:`liaison.actions.incidents` (one transaction, in a worker thread) or :mod:`liaison.queries.incidents`
(access-filtered in SQL).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from liaison.actions import incidents as act
from liaison.actions.bank_bulk import marking_from_text, parse_grade
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.queries import incidents as q
from liaison.queries.bank_access import viewer_for
from liaison.web.api.bank_models import errors
from liaison.web.api.common import read_upload
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse

router = APIRouter(tags=["analysis"])

FromQ = Annotated[str | None, Query(alias="from", max_length=10, description="From this day, YYYY-MM-DD.")]
ToQ = Annotated[str | None, Query(alias="to", max_length=10, description="Up to this day, YYYY-MM-DD.")]
RegionQ = Annotated[int | None, Query(description="GTD region code (1-12).")]
CountryQ = Annotated[str | None, Query(max_length=60, description="ISO 3166 alpha-2 code or country name.")]
AttackQ = Annotated[int | None, Query(description="GTD attack type code (1-9).")]
TargetQ = Annotated[int | None, Query(description="GTD target type code (1-22).")]
GroupQ = Annotated[str | None, Query(max_length=40, description="The perpetrator group's entity id.")]


@router.post(
    "/incidents/imports",
    status_code=201,
    responses=errors(403, 413, 422),
    summary="Import incidents from CSV in the GTD codebook's column layout",
    description=(
        "The file is the `file` field of a multipart upload (or the raw body). Columns as in the GTD codebook "
        "(eventid, iyear, imonth, iday, country_txt, region, provstate, city, latitude, longitude, attacktype1, "
        "weaptype1, targtype1, nkill, nwound, gname, claimed, success, suicide, summary, scite1; other GTD columns "
        "are ignored), plus optional tlp, releasable_to, reliability, credibility. One transaction: a bad row "
        "refuses the whole file (422, every bad row with its line and reason in `errors`) unless "
        "`skip_invalid=true`, which imports the good rows and lists the refused ones in `report.refused`. "
        "`marking`, `grade` and `source` apply to rows that give none. An eventid already imported by your "
        "organisation is updated. Perpetrators are linked to bank organisations you may see by exact name. "
        "Over LIAISON_IMPORT_MAX_BYTES: 413. Analysts."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def create_import(
    request: Request,
    actor: Actor,
    st: State,
    skip_invalid: Annotated[bool, Query(description="Import the good rows; report the refused ones.")] = False,
    marking: Annotated[str, Query(max_length=200)] = "TLP:AMBER",
    grade: Annotated[str, Query(max_length=2)] = "F6",
    source: Annotated[str, Query(max_length=300)] = "",
) -> JSONResponse:
    limit = st.settings.import_max_bytes
    data, filename = await read_upload(request, limit)
    if not data:
        raise InvalidInput("file", _("the file is empty"))
    reliability, credibility = parse_grade(grade)
    out = await run_in_threadpool(
        act.run_import,
        st.sessions,
        actor=actor,
        data=data,
        filename=filename,
        skip_invalid=skip_invalid,
        marking=marking_from_text(marking),
        reliability=reliability,
        credibility=credibility,
        source=source or filename,
        max_bytes=limit,
    )
    return JSONResponse(out, status_code=201)


@router.get(
    "/incidents",
    responses=errors(403, 404, 422),
    summary="The incidents you may see, newest first",
    description=(
        "Filtered by date, region, country, attack type, target type and group (an entity id you may see: 404 "
        "otherwise). Each incident carries its marking and grade; `group_id` is set only where you may see the "
        "group's record. `marking` is the strictest of the incidents selected; `synthetic` says the data is "
        "generated. Bank readers."
    ),
)
def list_incidents(
    actor: Actor,
    st: State,
    start: FromQ = None,
    end: ToQ = None,
    region: RegionQ = None,
    country: CountryQ = None,
    attack_type: AttackQ = None,
    target_type: TargetQ = None,
    group: GroupQ = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    filters = q.parse_filters(
        start=start,
        end=end,
        region=region,
        country=country,
        attack_type=attack_type,
        target_type=target_type,
        group=group,
    )
    with st.sessions() as session:
        return q.list_incidents(session, viewer_for(session, actor), filters, page=page, per_page=per_page).to_dict()


@router.get(
    "/analysis/trends",
    responses=errors(403, 404, 422),
    summary="Incident trends over time by region, attack type, target type or group",
    description=(
        "`by`: region, attack-type, target-type or group; `period`: month, quarter or year. For each series (the "
        "five largest; the rest summed as `other`): the count, killed and wounded per period (periods with no "
        "incident count 0), over the incidents you may see, with the strictest marking of those counted. "
        "Bank readers."
    ),
)
def get_trends(
    actor: Actor,
    st: State,
    by: Annotated[str, Query(max_length=20)] = "region",
    period: Annotated[str, Query(max_length=10)] = "year",
    start: FromQ = None,
    end: ToQ = None,
    region: RegionQ = None,
    country: CountryQ = None,
    group: GroupQ = None,
) -> dict[str, Any]:
    filters = q.parse_filters(start=start, end=end, region=region, country=country, group=group)
    with st.sessions() as session:
        return q.trends(session, viewer_for(session, actor), by, period, filters).to_dict()
