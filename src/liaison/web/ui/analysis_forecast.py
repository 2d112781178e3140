"""The forecast page: ``/analysis/forecast?by=region|target-type|group&group=ID``.

Per series: a chart of its history with the forecast point and its 80 % / 95 % bands, and the backtest table
(the model's error beside the seasonal naive's); for a group, its likely next target types and regions with
intervals beside its historical frequencies. The page says when the data are synthetic and how the forecast is
made. Thin: the numbers come from :mod:`liaison.queries.forecasts`, the pictures from
:mod:`liaison.queries.forecast_figures` (the same a briefing prints).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from liaison.db import transaction
from liaison.queries import forecast_figures as figures
from liaison.queries import forecasts as q
from liaison.web.deps import state
from liaison.web.ui.common import Me, render

router = APIRouter()


@router.get("/analysis/forecast")
def forecast_page(
    request: Request,
    me: Me,
    by: Literal["region", "target-type", "group"] = "region",
    group: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    with transaction(state(request).sessions) as session:
        data, marking = q.forecast_marked(session, me.principal, by=by, group=group or None)
    series = [{**s, "chart": figures.series_chart(s), "picture": f"forecast:{by}:{s['key']}"} for s in data["series"]]
    if group:
        series = [{**s, "picture": f"forecast-group:{group}"} for s in series]
    dims = [{**d, "chart": figures.category_chart(d)} for d in data.get("next", [])]
    return render(
        request,
        "analysis_forecast.html",
        me=me,
        data=data,
        series=series,
        dims=dims,
        marking=marking.label,
        notes=figures.notes(data),
        by=by,
        group=group or "",
    )
