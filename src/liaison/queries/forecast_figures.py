"""The forecast's pictures for briefings and for its page: ``forecast:region``, ``forecast:target-type`` (the
largest series' chart, and a table of every series: forecast, intervals, backtest error beside the baseline's),
``forecast:region:<code>`` (one series), and ``forecast-group:<group id or name>`` (the group's likely next target
types and regions beside its historical frequencies)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.errors import InvalidInput
from liaison.forecast_charts import forecast_chart, probability_chart
from liaison.i18n import _, lazy_gettext
from liaison.principal import Principal
from liaison.queries import forecasts as q
from liaison.queries.figures import Figure, Table, register


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def notes(data: dict[str, Any]) -> list[str]:
    found = list(data["notes"])
    if data["synthetic"]:
        found.append(_("Synthetic data: generated with known structure for testing and demonstration."))
    return found


def series_chart(series: dict[str, Any]) -> Any:
    history = [(h["period"], h["count"]) for h in series["history"]]
    return forecast_chart(
        _("%(series)s: incidents a month and forecast", series=series["series"]),
        history,
        series["forecast"],
        y_label=_("incidents"),
    )


def series_table(series: list[dict[str, Any]]) -> Table:
    columns = [_("Series"), _("Period"), _("Forecast"), _("Interval (80 %)"), _("Interval (95 %)")]
    columns += [_("MAE"), _("Baseline MAE"), _("MASE"), _("Baseline MASE"), _("Coverage (80 %)")]
    rows = []
    for s in series:
        f, bt = s["forecast"], s["backtest"]
        row = [s["series"], f["period"] if f else "-", f"{f['value']:.1f}" if f else _("too little history")]
        row += (
            [f"{f['interval80'][0]}–{f['interval80'][1]}", f"{f['interval95'][0]}–{f['interval95'][1]}"]
            if f
            else ["-", "-"]
        )
        if bt:
            m, b = bt["model"], bt["baseline"]
            row += [_n(m["mae"]), _n(b["mae"]), _n(m["mase"]), _n(b["mase"]), _n(m["coverage80"])]
        else:
            row += ["-"] * 5
        rows.append(row)
    return Table(columns, rows)


def category_chart(dim: dict[str, Any]) -> Any:
    title = _("Likely next target types") if dim["dimension"] == "target-type" else _("Likely next regions")
    return probability_chart(f"{title} ({dim['period']})", dim["categories"])


def category_table(dim: dict[str, Any]) -> Table:
    columns = [_("Category"), _("Probability"), _("Interval (80 %)"), _("Interval (95 %)"), _("Historical frequency")]
    rows = [
        [
            c["label"],
            _n(c["probability"]),
            f"{c['interval80'][0]:.2f}–{c['interval80'][1]:.2f}",
            f"{c['interval95'][0]:.2f}–{c['interval95'][1]:.2f}",
            _n(c["baseline"]),
        ]
        for c in dim["categories"]
    ]
    m, b = dim["backtest"]["model"], dim["backtest"]["baseline"]
    if m and b:
        rows.append([_("Backtest: log loss"), _n(m["log_loss"]), "", "", _n(b["log_loss"])])
        rows.append([_("Backtest: Brier score"), _n(m["brier"]), "", "", _n(b["brier"])])
        rows.append([_("Backtest: top-1 hit rate"), _n(m["top1"]), "", "", _n(b["top1"])])
    return Table(columns, rows)


@register("forecast", lazy_gettext("Forecast of incident counts"), needs_argument=True)
def forecast_figure(session: Session, actor: Principal, argument: str) -> Figure:
    by, _sep, key = argument.partition(":")
    if by not in ("region", "target-type", "group"):
        raise InvalidInput("include", _("forecast:region, forecast:target-type or forecast:group"))
    data, marking = q.forecast_marked(session, actor, by=by)
    chosen = [s for s in data["series"] if s["key"] == key] if key else data["series"]
    title = {"region": _("Forecast by region"), "target-type": _("Forecast by target type")}.get(
        by, _("Forecast by group")
    )
    svg = series_chart(chosen[0]) if chosen else None
    return Figure(f"forecast:{argument}", title, marking, svg, series_table(chosen), notes(data))


@register("forecast-group", lazy_gettext("A group's likely next targets"), needs_argument=True)
def group_figure(session: Session, actor: Principal, argument: str) -> Figure:
    data, marking = q.forecast_marked(session, actor, group=argument)
    dims = data.get("next", [])
    title = _("Likely next targets of %(group)s", group=data["group"] or argument)
    svg = category_chart(dims[0]) if dims else None
    table = category_table(dims[0]) if dims else None
    extra = (
        [
            _(
                "Regions: %(list)s",
                list=", ".join(f"{c['label']} {c['probability']:.2f}" for c in dims[1]["categories"][:3]),
            )
        ]
        if len(dims) > 1
        else []
    )
    return Figure(f"forecast-group:{argument}", title, marking, svg, table, notes(data) + extra)
