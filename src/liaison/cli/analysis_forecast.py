"""``liaison analyze forecast``: backtested forecasts of incident counts and of a group's next targets.

Every figure is printed with its interval, and every series with the model's backtest error beside the seasonal
naive's (for a group's targets: log loss, Brier score and top-1 hit rate beside the all-time frequencies').
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, handled, lazy_gettext, usage
from liaison.i18n import _

analyze = typer.Typer()


class By(StrEnum):
    region = "region"
    target_type = "target-type"
    group = "group"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@analyze.command(
    "forecast",
    help=lazy_gettext(
        "Next month's incident counts by region, target type or group, with 80 % and 95 % prediction intervals and the "
        "rolling-origin backtest error beside the seasonal-naive baseline's; with --group, that group's likely "
        "next target types and regions beside its historical frequencies. Only incidents you may see."
    ),
)
def forecast(
    by: Annotated[By, typer.Option("--by", help=lazy_gettext("region, target-type or group."))] = By.region,
    group: Annotated[
        str | None, typer.Option("--group", help=lazy_gettext("A group: its bank entity id or its name."))
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=6, help=lazy_gettext("Months ahead (1-6)."))] = 1,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.queries import forecasts as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), c.sessions() as session:
        data = q.forecast(session, actor, by=by.value, group=group, horizon=horizon)
    if as_json:
        emit(data)
        return
    _print(data)


def _print(d: dict[str, Any]) -> None:
    if d["marking"]:
        typer.echo(d["marking"])
    if d["synthetic"]:
        typer.echo(_("These incidents are synthetic (generated for testing and demonstration)."))
    for note in d["notes"]:
        typer.echo(note)
    head = [_("series"), _("period"), _("forecast"), _("80 %"), _("95 %"), _("MAE"), _("baseline MAE")]
    head += [_("MASE"), _("baseline MASE"), _("coverage 80 %")]
    rows = [head]
    for s in d["series"]:
        f, bt = s["forecast"], s["backtest"]
        row = [s["series"], f["period"] if f else "-", _num(f["value"], 1) if f else _("too little history")]
        row += (
            [f"{f['interval80'][0]}-{f['interval80'][1]}", f"{f['interval95'][0]}-{f['interval95'][1]}"]
            if f
            else ["", ""]
        )
        if bt:
            row += [_num(bt["model"]["mae"]), _num(bt["baseline"]["mae"]), _num(bt["model"]["mase"])]
            row += [_num(bt["baseline"]["mase"]), _num(bt["model"]["coverage80"])]
        else:
            row += ["-"] * 5
        rows.append(row)
    _table(rows)
    bt = next((s["backtest"] for s in d["series"] if s["backtest"]), None)
    if bt:
        typer.echo(
            _(
                "Backtest: rolling origin over the last %(n)s months, %(h)s month(s) ahead; baseline: the same month"
                " a year before.",
                n=bt["origins"],
                h=bt["horizon"],
            )
        )
    for dim in d.get("next", []):
        title = _("Likely next target types") if dim["dimension"] == "target-type" else _("Likely next regions")
        typer.echo("\n" + title + f" ({dim['period']})")
        rows = [[_("category"), _("probability"), _("80 %"), _("95 %"), _("historical frequency")]]
        for c in dim["categories"]:
            lo, hi = c["interval80"]
            lo95, hi95 = c["interval95"]
            rows.append(
                [
                    c["label"],
                    _num(c["probability"]),
                    f"{lo:.2f}-{hi:.2f}",
                    f"{lo95:.2f}-{hi95:.2f}",
                    _num(c["baseline"]),
                ]
            )
        _table(rows)
        m, b = dim["backtest"]["model"], dim["backtest"]["baseline"]
        if m and b:
            typer.echo(
                _(
                    "Backtest over %(n)s months (%(events)s incidents): log loss %(ll)s (historical frequencies "
                    "%(bll)s), Brier %(br)s (%(bbr)s), top-1 hits %(t)s (%(bt)s); half-life %(hl)s months.",
                    n=dim["backtest"]["origins"],
                    events=m["events"],
                    ll=_num(m["log_loss"]),
                    bll=_num(b["log_loss"]),
                    br=_num(m["brier"]),
                    bbr=_num(b["brier"]),
                    t=_num(m["top1"]),
                    bt=_num(b["top1"]),
                    hl=dim["model"]["half_life_months"],
                )
            )


def _table(rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        typer.echo("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
