"""Pages: the incidents of the analysis centre (``/analysis/incidents``): filters, trend charts, the incident
map and a table, each picture ready for a briefing; and the import form (``/analysis/incidents/import``) for
analysts, which shows every refused row with its reason."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from liaison.actions import incidents as act
from liaison.actions.bank_bulk import ImportRefused, marking_from_text, parse_grade
from liaison.analysis import gtd
from liaison.db import transaction
from liaison.errors import InvalidInput, LiaisonError, TooLarge
from liaison.i18n import _
from liaison.marking import LEVELS
from liaison.queries import bank as bankq
from liaison.queries import incidents as q
from liaison.queries import incidents_figures as figures
from liaison.queries.bank_access import require_analyst, require_reader, viewer_for
from liaison.web.deps import state
from liaison.web.ui.common import Me, check_csrf, render

router = APIRouter()
FormStr = Annotated[str, Form()]
PER_PAGE = 50


def _choices() -> dict[str, Any]:
    return {
        "regions": [(c, str(label)) for c, label in gtd.REGIONS.items()],
        "attack_types": [(c, str(label)) for c, label in gtd.ATTACK_TYPES.items()],
        "target_types": [(c, str(label)) for c, label in gtd.TARGET_TYPES.items()],
        "periods": [("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month"))],
        "levels": LEVELS,
    }


@router.get("/analysis/incidents")
def incidents_page(
    request: Request,
    me: Me,
    group: str = "",
    region: str = "",
    country: str = "",
    attack_type: str = "",
    target_type: str = "",
    period: str = "year",
    page: int = 1,
) -> Response:
    params = request.query_params
    start, end = params.get("from", "")[:10], params.get("to", "")[:10]
    given = {
        "group": group[:40],
        "region": region[:3],
        "country": country[:60],
        "attack_type": attack_type[:3],
        "target_type": target_type[:3],
        "from": start,
        "to": end,
        "period": period if period in q.PERIODS else "year",
    }
    error = None
    try:
        filters = q.parse_filters(
            start=start or None,
            end=end or None,
            region=region,
            country=country,
            attack_type=attack_type,
            target_type=target_type,
            group=group or None,
        )
    except InvalidInput as exc:
        error, filters = exc.detail, q.Filters()
    st = state(request)
    with st.sessions() as session:
        viewer = viewer_for(session, me.principal)
        require_reader(viewer)
        # First: a group the viewer may not see is a 404 before anything else is drawn.
        listing = q.list_incidents(session, viewer, filters, page=max(1, page), per_page=PER_PAGE)
        group_caption = bankq.captions(session, viewer, {filters.group}).get(filters.group, "") if filters.group else ""
        pictures = [figures.trend_figure(session, viewer, by, given["period"], filters) for by in q.DIMENSIONS]
        pictures += [figures.breakdown_figure(session, viewer, by, filters) for by in ("target-type", "group")]
        pictures.append(figures.map_figure(session, viewer, filters))
    keep = {k: v for k, v in given.items() if v and k != "period"} | {"period": given["period"]}
    pages = max(1, -(-listing.total // PER_PAGE))

    def page_url(n: int) -> str:
        return "/analysis/incidents?" + urlencode(keep | {"page": n})

    return render(
        request,
        "analysis_incidents.html",
        me=me,
        error=error,
        given=given,
        group_caption=group_caption,
        listing=listing,
        pictures=pictures,
        pages=pages,
        page_url=page_url,
        analyst=viewer.analyst,
        synthetic_note=figures.synthetic_note(),
        **_choices(),
    )


def _import_page(request: Request, me: Me, *, status: int = 200, **context: Any) -> Response:
    with state(request).sessions() as session:
        require_analyst(viewer_for(session, me.principal))
    defaults: dict[str, Any] = {
        "error": None,
        "errors": [],
        "result": None,
        "skip_invalid": False,
        "tlp": "AMBER",
        "grade": "F6",
    }
    return render(
        request,
        "analysis_incidents_import.html",
        status=status,
        me=me,
        max_bytes=state(request).settings.import_max_bytes,
        **(defaults | context),
        **_choices(),
    )


@router.get("/analysis/incidents/import")
def import_form(request: Request, me: Me) -> Response:
    return _import_page(request, me)


@router.post("/analysis/incidents/import")
def import_upload(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    tlp: FormStr = "AMBER",
    releasable_to: FormStr = "",
    grade: FormStr = "F6",
    skip_invalid: FormStr = "",
    file: Annotated[UploadFile | str, File()] = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    form: dict[str, Any] = {
        "tlp": tlp,
        "grade": grade,
        "skip_invalid": bool(skip_invalid),
        "releasable_to": releasable_to,
    }
    if isinstance(file, str) or not file.filename:
        return _import_page(request, me, status=422, error=_("Choose a CSV file to import."), **form)
    limit = st.settings.import_max_bytes
    try:
        marking = marking_from_text(f"TLP:{tlp} REL TO {releasable_to}" if releasable_to.strip() else f"TLP:{tlp}")
        reliability, credibility = parse_grade(grade)
        with transaction(st.sessions) as session:
            imp = act.import_incidents(
                session,
                actor=me.principal,
                data=file.file,
                filename=file.filename,
                skip_invalid=bool(skip_invalid),
                marking=marking,
                reliability=reliability,
                credibility=credibility,
                source=file.filename,
                max_bytes=limit,
            )
            result = act.summary(imp)
    except ImportRefused as exc:
        return _import_page(
            request,
            me,
            status=422,
            error=_("The file was refused: nothing was imported."),
            errors=[e["detail"] for e in exc.errors],
            **form,
        )
    except (TooLarge, LiaisonError) as exc:
        return _import_page(request, me, status=exc.status, error=exc.detail, **form)
    return _import_page(request, me, result=result, **form)
