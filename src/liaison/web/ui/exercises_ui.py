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

from babel.dates import format_skeleton
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import exercises as act
from liaison.charts import Svg, bar_chart, line_chart
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, PermissionDenied
from liaison.exchange.wording import reason_text, target_label
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.queries import exchange as q
from liaison.queries import exercises as xq
from liaison.queries.directory import network as network_row
from liaison.queries.snapshot import NetworkView
from liaison.timeinput import EXERCISE_WINDOW_MINUTES
from liaison.web.deps import state
from liaison.web.ui import fmt
from liaison.web.ui.common import FormError, Me, Viewer, check_csrf, parse_local, redirect, render
from liaison.web.ui.exchange import inbox_count
from liaison.web.ui.exchange_views import Timer, duration, kind_label, speaking, timer
from liaison.web.ui.forms import parse_int, zone_choices
from liaison.web.ui.views import network_or_404, visible_networks

if TYPE_CHECKING:
    from liaison.models import Exercise

router = APIRouter()
FormStr = Annotated[str, Form()]
RESULT_LABELS = {
    # Translators: a member's result in a reachability exercise
    "reached": lazy_gettext("Reached"),
    "late": lazy_gettext("Acknowledged late"),
    "unreachable": lazy_gettext("Unreachable"),
    "waiting": lazy_gettext("Waiting"),
}
RESULT_TONES = {"reached": "ok", "late": "warn", "unreachable": "bad", "waiting": "info"}
STATUS_LABELS = {
    # Translators: the state of a reachability exercise
    "scheduled": lazy_gettext("scheduled"),
    "running": lazy_gettext("running"),
    "finished": lazy_gettext("finished"),
    "cancelled": lazy_gettext("cancelled"),
}
STATUS_TONES = {"scheduled": "info", "running": "warn", "finished": "ok", "cancelled": ""}
PROBLEM_LABELS = {"failed": lazy_gettext("failed"), "stale": lazy_gettext("stale"), "skipped": lazy_gettext("skipped")}
FIELD_LABELS = {"at": lazy_gettext("Time"), "window_minutes": lazy_gettext("Window"), "note": lazy_gettext("Note")}


def overseen(request: Request, me: Viewer, code: str) -> NetworkView:
    n = network_or_404(state(request).cache.get(), me.principal, code)
    if not me.principal.administers(n.id):
        raise PermissionDenied(
            _("only the secretariat of %(network)s sees its dashboard and exercises", network=n.code)
        )
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
        raise PermissionDenied(_("the dashboard is for a network's secretariat"))
    if len(mine) == 1:
        return redirect(f"/networks/{mine[0].code}/dashboard")
    return render(
        request, "dashboard.html", me=me, choose=mine, network=None, inbox_count=inbox_count(request, me.principal)
    )


CHART_WIDTH = 420
"""Drawn about as wide as a phone shows it, so its 12-pixel text stays readable there; it scales up on a desk."""


def response_chart(times: list[dict[str, Any]], network: str) -> Svg:
    items = [(t["member"], None if t["median_seconds"] is None else round(t["median_seconds"] / 60, 1)) for t in times]
    return bar_chart(
        _("Median time to acknowledge, %(network)s", network=network),
        items,
        x_label=_("minutes"),
        # Translators: unit after a value on a chart, e.g. "12 min"
        unit=_("min"),
        width=CHART_WIDTH,
    )


@router.get("/networks/{code}/dashboard")
def dashboard_page(request: Request, code: str, me: Me) -> Response:
    n = overseen(request, me, code)
    if code != n.code:
        return redirect(f"/networks/{n.code}/dashboard")
    now = utcnow()
    with state(request).sessions() as session:
        data = q.dashboard(session, me.principal, network_row(session, n.id), now)
    with speaking(me):
        for row in data["escalating"]:
            nxt = row["next"]
            due = _dt(nxt["due_at"]) if nxt else None
            row["next_text"] = (
                _("next: %(who)s at %(time)s", who=target_label(nxt["target"]), time=_local_and_utc(due)) if due else ""
            )
        for t in data["response_times"]:
            t["median_text"] = duration(t["median_seconds"])
            t["p90_text"] = duration(t["p90_seconds"])
        chart = response_chart(data["response_times"], n.code)
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
        chart=chart,
        inbox_count=inbox_count(request, me.principal),
    )


# -- exercises ------------------------------------------------------------------------------------------------------


def _local_and_utc(at: datetime) -> str:
    """A time in the reader's zone with UTC beside it, as plain text (for texts built here)."""
    return str(fmt.user_time_utc(at).striptags())


def trend_label(row: dict[str, Any]) -> str:
    """An exercise's day on the chart's axis, in the reader's language and zone ("25 Nov", "25 нояб.")."""
    at = _dt(row["started_at"] or row["scheduled_at"]) or utcnow()
    return format_skeleton("MMMd", at, tzinfo=fmt.zone(i18n.current_zone()), locale=i18n.babel_locale())


def trend_charts(trend: list[dict[str, Any]], network: str) -> tuple[Svg, Svg]:
    """Two charts (a share and a duration do not share an axis), labelled by day; the table under them gives
    the full dates."""
    labels = [trend_label(t) for t in trend]
    share = [None if t["reached_share"] is None else round(100 * t["reached_share"], 1) for t in trend]
    median = [None if t["median_seconds"] is None else round(t["median_seconds"] / 60, 1) for t in trend]
    return (
        line_chart(
            _("%(network)s exercises: members reached within the window", network=network),
            labels,
            [(_("Reached within the window (%(percent)s)", percent="%"), share)],
            y_label=_("%(percent)s of members", percent="%"),
            y_max=100,
            width=CHART_WIDTH,
        ),
        line_chart(
            _("%(network)s exercises: median time to acknowledge", network=network),
            labels,
            [(_("Median time to acknowledge (minutes)"), median)],
            y_label=_("minutes"),
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
    with speaking(me):
        zone = i18n.current_zone()
        for e in rows:
            t = by_id.get(str(e.id))
            shown = t["status"] if t else e.status
            reached = (
                _("%(reached)s of %(members)s", reached=fmt.number(t["reached"]), members=fmt.number(t["members"]))
                if t and t["members"]
                else ""
            )
            listed.append(
                ExerciseRow(str(e.id), e.scheduled_at, e.window_minutes, shown, e.note, e.created_by, reached)
            )
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
        form=form or {"at": "", "tz": zone, "window_minutes": "30", "note": ""},
        zones=zone_choices([zone, "UTC"]),
        status_labels=STATUS_LABELS,
        status_tones=STATUS_TONES,
        saved=saved,
        inbox_count=inbox_count(request, me.principal),
    )


@router.get("/networks/{code}/exercises")
def exercises_page(request: Request, code: str, me: Me, saved: str = "") -> Response:
    n = overseen(request, me, code)
    if code != n.code:
        return redirect(f"/networks/{n.code}/exercises")
    return exercises_response(request, me, n, saved=_("Exercise cancelled.") if saved == "cancelled" else "")


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
        error = FormError(exc.field, str(FIELD_LABELS.get(exc.field, exc.field)), message)
        return exercises_response(request, me, n, error=error, form=form, status=exc.status)
    return redirect(f"/exercises/{ident}?saved=scheduled")


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # failed, stale, skipped
    label: str
    channel: str
    address: str
    text: str


def problem_row(p: dict[str, Any]) -> Problem:
    """A channel problem of the exercise report, in words: the report's ``problem`` texts are English codes of a
    kind ("failed: ...", "never verified", "last verified 2026-01-02") or an escalation reason."""
    text = str(p["problem"])
    channel = str(fmt.KIND_LABELS.get(p["channel"] or "", p["channel"] or ""))
    if text.startswith("failed"):
        kind, shown = "failed", text.partition(": ")[2] or text
    elif p["channel"] and text == "never verified":
        kind, shown = "stale", _("never verified")
    elif p["channel"] and text.startswith("last verified "):
        day = text.removeprefix("last verified ")
        try:
            day = fmt.date_only(datetime.fromisoformat(day).replace(tzinfo=UTC))
        except ValueError:
            pass
        kind, shown = "stale", _("last verified %(day)s", day=day)
    elif p["channel"]:
        kind, shown = "stale", text
    else:
        kind, shown = "skipped", reason_text(text)
    return Problem(kind, str(PROBLEM_LABELS[kind]), channel, p["address"] or "", shown)


def _exercise(request: Request, me: Viewer, exercise_id: str) -> Exercise:
    with state(request).sessions() as session:
        return xq.get_exercise(session, me.principal, exercise_id)


def window_timer(summary: dict[str, Any], now: datetime) -> Timer | None:
    """While a running exercise's window is open, the time left to acknowledge."""
    started = _dt(summary["started_at"])
    if summary["status"] != "running" or started is None:
        return None
    ends = started + timedelta(minutes=summary["window_minutes"])
    # Translators: a live countdown, e.g. "window closes in 12:40"; keep {time} as it is
    template = _("window closes in %(time)s", time="{time}")
    return timer(ends, now, style="clock", template=template, late=_("window closed"))


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str, me: Me, saved: str = "") -> Response:
    now = utcnow()
    with state(request).sessions() as session:
        ex = xq.get_exercise(session, me.principal, exercise_id)
        data = xq.report(session, me.principal, ex, now)
        network = ex.network.code
    summary = data["exercise"]
    with speaking(me):
        for row in data["members"]:
            row["took"] = duration(row["seconds_to_acknowledge"])
            row["result_label"] = str(RESULT_LABELS.get(row["result"], row["result"]))
            row["tone"] = RESULT_TONES.get(row["result"], "info")
            row["problem_list"] = [problem_row(p) for p in row["problems"]]
        share_chart, median_chart = trend_charts(data["trend"], network)
        window = window_timer(summary, now)
        median = duration(summary["median_seconds"]) if summary["median_seconds"] is not None else ""
    return render(
        request,
        "exercise.html",
        me=me,
        r=data,
        x=summary,
        network=network,
        scheduled_at=_dt(summary["scheduled_at"]),
        started_at=_dt(summary["started_at"]),
        window=window,
        median=median,
        duration=duration,
        parse_iso=_dt,
        status_labels=STATUS_LABELS,
        status_tones=STATUS_TONES,
        now=now,
        share_chart=share_chart,
        median_chart=median_chart,
        counts={k: sum(1 for m in data["members"] if m["result"] == k) for k in RESULT_LABELS},
        result_labels=RESULT_LABELS,
        saved=_("Exercise scheduled. The worker starts it at its time.") if saved == "scheduled" else "",
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
