"""Reachability exercises at the command line: ``liaison exercise schedule`` / ``list`` / ``report``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, handled, lazy_gettext, parse_at
from liaison.i18n import _, ngettext
from liaison.timeinput import EXERCISE_WINDOW_MINUTES

exercise_app = typer.Typer(help=lazy_gettext("Reachability exercises across a network."), no_args_is_help=True)


@exercise_app.command(
    "schedule",
    help=lazy_gettext(
        "Schedule a reachability test across NETWORK; print the exercise id.\n"
        "\n"
        "At --at the worker sends every member's contact on duty a reachability test, to be\n"
        "acknowledged within --window minutes (the network's secretariat)."
    ),
)
def exercise_schedule(
    network: Annotated[str, typer.Argument(help=lazy_gettext("Network code."))],
    at: Annotated[
        str, typer.Option("--at", help=lazy_gettext("ISO 8601 instant with offset, e.g. 2026-12-01T03:00:00+01:00."))
    ],
    window: Annotated[
        int,
        typer.Option(
            "--window",
            min=EXERCISE_WINDOW_MINUTES.least,
            max=EXERCISE_WINDOW_MINUTES.most,
            help=lazy_gettext("Minutes each member has to acknowledge."),
        ),
    ] = 30,
    note: Annotated[str, typer.Option("--note", help=lazy_gettext("A note added to the test message."))] = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import exchange as act
    from liaison.actions.exercises import schedule_exercise
    from liaison.db import transaction

    when = parse_at(at)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        net = act.get_network(session, actor, network)
        ex = schedule_exercise(session, actor=actor, network=net, at=when, window_minutes=window, note=note)
        data = {
            "id": str(ex.id),
            "network": net.code,
            "scheduled_at": ex.scheduled_at.isoformat(),
            "window_minutes": ex.window_minutes,
            "note": ex.note or None,
        }
    if as_json:
        emit(data)
    else:
        typer.echo(data["id"])


@exercise_app.command("list", help=lazy_gettext("The network's exercises, newest first (the network's secretariat)."))
def exercise_list(
    network: Annotated[str, typer.Argument(help=lazy_gettext("Network code."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import exchange as act
    from liaison.queries.exercises import exercises_of

    c = ctx()
    actor = c.actor(as_user)
    with handled(), c.sessions() as session:
        net = act.get_network(session, actor, network)
        rows: list[dict[str, Any]] = [
            {
                "id": str(e.id),
                "scheduled_at": e.scheduled_at.isoformat(),
                "window_minutes": e.window_minutes,
                "status": e.status,
                "started_at": e.started_at.isoformat() if e.started_at else None,
                "note": e.note or None,
                "created_by": e.created_by,
            }
            for e in exercises_of(session, actor, net)
        ]
    if as_json:
        emit(rows)
        return
    for r in rows:
        window = _("%(minutes)d min", minutes=r["window_minutes"])
        typer.echo(f"{r['id']}  {r['scheduled_at'][:16]}  {r['status']:<9} {window}  {r['note'] or ''}")
    typer.echo(ngettext("%(num)d exercise(s)", "%(num)d exercise(s)", len(rows)))


@exercise_app.command(
    "report",
    help=lazy_gettext(
        "An exercise's report: each member's time to acknowledge, unreachable contacts, stale or failed\n"
        "channels, and the trend over past exercises (metadata only)."
    ),
)
def exercise_report(
    exercise_id: Annotated[str, typer.Argument(help=lazy_gettext("The exercise id."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.queries.exercises import get_exercise, report

    c = ctx()
    actor = c.actor(as_user)
    with handled(), c.sessions() as session:
        data = report(session, actor, get_exercise(session, actor, exercise_id))
    if as_json:
        emit(data)
        return
    e = data["exercise"]
    share = f"{e['reached']}/{e['members']}" if e["members"] else "-"
    typer.echo(
        _(
            "%(network)s reachability exercise %(id)s  [%(status)s]",
            network=data["network"],
            id=e["id"],
            status=e["status"],
        )
    )
    typer.echo(
        _(
            "scheduled %(at)s, window %(minutes)d min; reached %(share)s",
            at=e["scheduled_at"],
            minutes=e["window_minutes"],
            share=share,
        )
    )
    for m in data["members"]:
        seconds = m["seconds_to_acknowledge"]
        took = _("%(seconds).0f s", seconds=seconds) if seconds is not None else "-"
        typer.echo(f"  {m['member']:<9} {m['result']:<12} {took:>8}  {', '.join(m['contacts']) or '-'}")
        for p in m["problems"]:
            where = f"{p['channel']} {p['address']}: " if p["channel"] else ""
            typer.echo(f"            ! {where}{p['problem']}")
    if data["trend"]:
        typer.echo(_("trend (share reached, median time to acknowledge):"))
        for t in data["trend"]:
            bar = "#" * round(20 * (t["reached_share"] or 0))
            median = _("%(seconds).0f s", seconds=t["median_seconds"]) if t["median_seconds"] is not None else "-"
            typer.echo(f"  {t['scheduled_at'][:10]}  {bar:<20} {t['reached']}/{t['members']}  {median}")
