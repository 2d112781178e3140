"""API: backtested forecasts of incident counts and of a group's next target types and regions.

Thin: parse, call :func:`liaison.queries.forecasts.forecast`. The JSON carries, for each series, the forecast with
its 80 % and 95 % intervals, the model's rolling-origin backtest error beside the seasonal-naive baseline's, and
the model's name and parameters; for a group, the likely next target types and regions with intervals beside the
group's historical frequencies and both scored by backtest.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from liaison.db import transaction
from liaison.queries import forecasts as q
from liaison.web.api.bank_models import errors
from liaison.web.deps import Actor, State
from liaison.web.responses import JSONResponse

router = APIRouter(prefix="/analysis", tags=["analysis"])


@router.get(
    "/forecast",
    responses=errors(403, 422),
    summary="Next-period incident counts (or a group's likely next targets) with intervals and backtest errors",
    description=(
        "Monthly incident counts by `region`, `target-type` or `group` over the incidents you may see, each series "
        "with `history`, `forecast` (`period`, `value`, `interval80`, `interval95`), `backtest` (`model` and "
        "`baseline`: MAE, RMSE, MASE, interval coverage; `origins`: rolling-origin months) and `model` (name and "
        "parameters). The baseline is seasonal naive (the same month a year before). With `group` (a bank entity "
        "id or the group's name), that group's count and `next`: its likely next target types and regions as "
        "probabilities with intervals, beside its historical frequencies, with log loss, Brier score and top-1 "
        "hit rate of both. `marking` is the strictest of the incidents used; `synthetic` says whether any were "
        "generated. At most 24 series and 180 months (`notes` says when it cut)."
    ),
)
def forecast(
    actor: Actor,
    st: State,
    by: Annotated[Literal["region", "target-type", "group"], Query(description="What a series is")] = "region",
    group: Annotated[str | None, Query(max_length=300, description="A group: bank entity id or name")] = None,
    horizon: Annotated[int, Query(ge=1, le=6, description="Months ahead")] = 1,
) -> Response:
    with transaction(st.sessions) as session:
        data = q.forecast(session, actor, by=by, group=group, horizon=horizon)
    return JSONResponse(data)
