"""The secretariat's pages of the exchange: the dashboard (open items, escalations in progress, overdue response
clocks, failed deliveries, response times per member) and reachability exercises (schedule, list, report with the
trend over past exercises).

Metadata only: kinds, priorities, who and when, never subjects or text; a secretariat reads the content only of
the messages it sent or was sent. Only the network's secretariat and node admins get here: others who see the
network are refused (403), and those who do not see it are answered as if it did not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import exercises as act
from liaison.charts import Svg, bar_chart, line_chart
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, PermissionDenied
from liaison.models import utcnow
from liaison.queries import exchange as q
from liaison.queries import exercises as xq
from liaison.queries.directory import network as network_row
from liaison.queries.snapshot import NetworkView
from liaison.timeinput import EXERCISE_WINDOW_MINUTES
from liaison.web.deps import state
from liaison.web.ui.common import FormError, Me, Viewer, check_csrf, parse_local, redirect, render
from liaison.web.ui.exchange import inbox_count
from liaison.web.ui.exchange_views import TARGET_LABELS, Timer, duration, kind_label, timer
from liaison.web.ui.forms import parse_int, zone_choices
from liaison.web.ui.views import network_or_404, visible_networks

if TYPE_CHECKING:
    from liaison.models import Exercise

router = APIRouter()
FormStr = Annotated[str, Form()]
RESULT_LABELS = {
    "reached": "Reached",
    "late": "Acknowledged late",
    "unreachable": "Unreachable",
    "waiting": "Waiting",
}
RESULT_TONES = {"reached": "ok", "late": "warn", "unreachable": "bad", "waiting": "info"}
FIELD_LABELS = {"at": "Time", "window_minutes": "Window", "note": "Note"}


def overseen(request: Request, me: Viewer, code: str) -> NetworkView:
    n = network_or_404(state(request).cache.get(), me.principal, code)
    if not me.principal.administers(n.id):
        raise PermissionDenied(f"only the secretariat of {n.code} sees its dashboard and exercises")
    return n


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- the dashboard --------------------------------------------------------------------------------------------------


@router.get("/dashboard")
def dashboard_choice(request: Request, me: Me) -> Response:
    """The "Dashboard" menu entry: straight to the one network a secretariat runs, else a choice."""
    snap = state(request).cache.get()
    mine = [n for n in visible_networks(snap, me.principal) if me.principal.administers(n.id)]
    if not mine:
        raise PermissionDenied("the dashboard is for a network's secretariat")
    if len(mine) == 1:
        return redirect(f"/networks/{mine[0].code}/dashboard")
    return render(
        request, "dashboard.html", me=me, choose=mine, network=None, inbox_count=inbox_count(request, me.principal)
    )


CHART_WIDTH = 420
"""Drawn about as wide as a phone shows it, so its 12-pixel text stays readable there; it scales up on a desk."""


def response_chart(times: list[dict[str, Any]], network: str) -> Svg:
    items = [(t["member"], None if t["median_seconds"] is None else round(t["median_seconds"] / 60, 1)) for t in times]
    return bar_chart(f"Median time to acknowledge, {network}", items, x_label="minutes", unit="min", width=CHART_WIDTH)


@router.get("/networks/{code}/dashboard")
def dashboard_page(request: Request, code: str, me: Me) -> Response:
    n = overseen(request, me, code)
    if code != n.code:
        return redirect(f"/networks/{n.code}/dashboard")
    now = utcnow()
    with state(request).sessions() as session:
        data = q.dashboard(session, me.principal, network_row(session, n.id), now)
    for row in data["escalating"]:
        nxt = row["next"]
        due = _dt(nxt["due_at"]) if nxt else None
        row["next_text"] = f"next: {TARGET_LABELS.get(nxt['target'], nxt['target'])} at {due:%H:%M} UTC" if due else ""
    for t in data["response_times"]:
        t["median_text"] = duration(t["median_seconds"])
        t["p90_text"] = duration(t["p90_seconds"])
    return render(
        request,
        "dashboard.html",
        me=me,
        choose=[],
        network=n,
        d=data,
        now=now,
        at=lambda value: _dt(value),
        kind_label=kind_label,
        chart=response_chart(data["response_times"], n.code),
        inbox_count=inbox_count(request, me.principal),
    )


# -- exercises ------------------------------------------------------------------------------------------------------


def trend_label(row: dict[str, Any]) -> str:
    return (_dt(row["started_at"] or row["scheduled_at"]) or utcnow()).strftime("%d %b")


def trend_charts(trend: list[dict[str, Any]], network: str) -> tuple[Svg, Svg]:
    """Two charts (a share and a duration do not share an axis), labelled by day; the table under them gives
    the full dates."""
    labels = [trend_label(t) for t in trend]
    share = [None if t["reached_share"] is None else round(100 * t["reached_share"], 1) for t in trend]
    median = [None if t["median_seconds"] is None else round(t["median_seconds"] / 60, 1) for t in trend]
    return (
        line_chart(
            f"{network} exercises: members reached within the window",
            labels,
            [("Reached within the window (%)", share)],
            y_label="% of members",
            y_max=100,
            width=CHART_WIDTH,
        ),
        line_chart(
            f"{network} exercises: median time to acknowledge",
            labels,
            [("Median time to acknowledge (minutes)", median)],
            y_label="minutes",
            width=CHART_WIDTH,
        ),
    )


@dataclass(frozen=True, slots=True)
class ExerciseRow:
    id: str
    scheduled_at: datetime
    window_minutes: int
    status: str
    note: str
    created_by: str
    reached: str  # "1 of 2" once started


def exercises_response(
    request: Request,
    me: Viewer,
    n: NetworkView,
    *,
    error: FormError | None = None,
    form: dict[str, str] | None = None,
    saved: str = "",
    status: int = 200,
) -> Response:
    now = utcnow()
    with state(request).sessions() as session:
        network = network_row(session, n.id)
        rows = xq.exercises_of(session, me.principal, network)
        started = [e for e in rows if e.status == "running"]
        trend = xq.report(session, me.principal, started[0], now)["trend"] if started else []
    by_id = {t["id"]: t for t in trend}
    listed = []
    for e in rows:
        t = by_id.get(str(e.id))
        shown = t["status"] if t else e.status
        reached = f"{t['reached']} of {t['members']}" if t and t["members"] else ""
        listed.append(ExerciseRow(str(e.id), e.scheduled_at, e.window_minutes, shown, e.note, e.created_by, reached))
    share_chart, median_chart = trend_charts(trend, n.code)
    return render(
        request,
        "exercises.html",
        status=status,
        me=me,
        network=n,
        rows=listed,
        now=now,
        share_chart=share_chart,
        median_chart=median_chart,
        trend=trend,
        error=error,
        form=form or {"at": "", "tz": "UTC", "window_minutes": "30", "note": ""},
        zones=zone_choices(["UTC"]),
        saved=saved,
        inbox_count=inbox_count(request, me.principal),
    )


@router.get("/networks/{code}/exercises")
def exercises_page(request: Request, code: str, me: Me, saved: str = "") -> Response:
    n = overseen(request, me, code)
    if code != n.code:
        return redirect(f"/networks/{n.code}/exercises")
    return exercises_response(request, me, n, saved="Exercise cancelled." if saved == "cancelled" else "")


@router.post("/networks/{code}/exercises")
def schedule(
    request: Request,
    code: str,
    me: Me,
    csrf_token: FormStr = "",
    at: FormStr = "",
    tz: FormStr = "UTC",
    window_minutes: FormStr = "30",
    note: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    n = overseen(request, me, code)
    form = {"at": at, "tz": tz, "window_minutes": window_minutes, "note": note}
    try:
        when = parse_local(at, tz, "at").astimezone(UTC)
        span = EXERCISE_WINDOW_MINUTES
        window = parse_int(window_minutes, "window_minutes", span.least, span.most)
        with transaction(state(request).sessions) as session:
            ex = act.schedule_exercise(
                session,
                actor=me.principal,
                network=network_row(session, n.id),
                at=when,
                window_minutes=window,
                note=note,
            )
            ident = ex.id
    except InvalidInput as exc:
        message = exc.reason
        error = FormError(exc.field, FIELD_LABELS.get(exc.field, exc.field), message)
        return exercises_response(request, me, n, error=error, form=form, status=exc.status)
    return redirect(f"/exercises/{ident}?saved=scheduled")


def _exercise(request: Request, me: Viewer, exercise_id: str) -> Exercise:
    with state(request).sessions() as session:
        return xq.get_exercise(session, me.principal, exercise_id)


def window_timer(summary: dict[str, Any], now: datetime) -> Timer | None:
    """While a running exercise's window is open, the time left to acknowledge."""
    started = _dt(summary["started_at"])
    if summary["status"] != "running" or started is None:
        return None
    ends = started + timedelta(minutes=summary["window_minutes"])
    return timer(ends, now, style="clock", prefix="window closes in ", late="window closed")


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str, me: Me, saved: str = "") -> Response:
    now = utcnow()
    with state(request).sessions() as session:
        ex = xq.get_exercise(session, me.principal, exercise_id)
        data = xq.report(session, me.principal, ex, now)
        network = ex.network.code
    for row in data["members"]:
        row["took"] = duration(row["seconds_to_acknowledge"])
        row["result_label"] = RESULT_LABELS.get(row["result"], row["result"])
        row["tone"] = RESULT_TONES.get(row["result"], "info")
    share_chart, median_chart = trend_charts(data["trend"], network)
    summary = data["exercise"]
    return render(
        request,
        "exercise.html",
        me=me,
        r=data,
        x=summary,
        network=network,
        scheduled_at=_dt(summary["scheduled_at"]),
        started_at=_dt(summary["started_at"]),
        window=window_timer(summary, now),
        now=now,
        share_chart=share_chart,
        median_chart=median_chart,
        counts={k: sum(1 for m in data["members"] if m["result"] == k) for k in RESULT_LABELS},
        result_labels=RESULT_LABELS,
        saved="Exercise scheduled. The worker starts it at its time." if saved == "scheduled" else "",
        inbox_count=inbox_count(request, me.principal),
    )


@router.post("/exercises/{exercise_id}/cancel")
def cancel(request: Request, exercise_id: str, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        with transaction(state(request).sessions) as session:
            ex = xq.get_exercise(session, me.principal, exercise_id)
            code = ex.network.code
            act.cancel_exercise(session, actor=me.principal, exercise=ex)
    except Conflict:
        return redirect(f"/exercises/{exercise_id}")  # it started meanwhile: the report says so
    return redirect(f"/networks/{code}/exercises?saved=cancelled")
