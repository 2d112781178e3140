"""Reachability exercises at the command line: ``liaison exercise schedule`` / ``list`` / ``report``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, handled, parse_at
from liaison.timeinput import EXERCISE_WINDOW_MINUTES

exercise_app = typer.Typer(help="Reachability exercises across a network.", no_args_is_help=True)


@exercise_app.command("schedule")
def exercise_schedule(
    network: Annotated[str, typer.Argument(help="Network code.")],
    at: Annotated[str, typer.Option("--at", help="ISO 8601 instant with offset, e.g. 2026-12-01T03:00:00+01:00.")],
    window: Annotated[
        int,
        typer.Option(
            "--window",
            min=EXERCISE_WINDOW_MINUTES.least,
            max=EXERCISE_WINDOW_MINUTES.most,
            help="Minutes each member has to acknowledge.",
        ),
    ] = 30,
    note: Annotated[str, typer.Option("--note", help="A note added to the test message.")] = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Schedule a reachability test across NETWORK; print the exercise id.

    At --at the worker sends every member's contact on duty a reachability test, to be
    acknowledged within --window minutes (the network's secretariat)."""
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


@exercise_app.command("list")
def exercise_list(
    network: Annotated[str, typer.Argument(help="Network code.")],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """The network's exercises, newest first (the network's secretariat)."""
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
        typer.echo(
            f"{r['id']}  {r['scheduled_at'][:16]}  {r['status']:<9} {r['window_minutes']} min  {r['note'] or ''}"
        )
    typer.echo(f"{len(rows)} exercise(s)")


@exercise_app.command("report")
def exercise_report(
    exercise_id: Annotated[str, typer.Argument(help="The exercise id.")],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """An exercise's report: each member's time to acknowledge, unreachable contacts, stale or failed
    channels, and the trend over past exercises (metadata only)."""
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
    typer.echo(f"{data['network']} reachability exercise {e['id']}  [{e['status']}]")
    typer.echo(f"scheduled {e['scheduled_at']}, window {e['window_minutes']} min; reached {share}")
    for m in data["members"]:
        took = f"{m['seconds_to_acknowledge']:.0f} s" if m["seconds_to_acknowledge"] is not None else "-"
        typer.echo(f"  {m['member']:<9} {m['result']:<12} {took:>8}  {', '.join(m['contacts']) or '-'}")
        for p in m["problems"]:
            where = f"{p['channel']} {p['address']}: " if p["channel"] else ""
            typer.echo(f"            ! {where}{p['problem']}")
    if data["trend"]:
        typer.echo("trend (share reached, median time to acknowledge):")
        for t in data["trend"]:
            bar = "#" * round(20 * (t["reached_share"] or 0))
            median = f"{t['median_seconds']:.0f} s" if t["median_seconds"] is not None else "-"
            typer.echo(f"  {t['scheduled_at'][:10]}  {bar:<20} {t['reached']}/{t['members']}  {median}")
