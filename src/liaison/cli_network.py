"""Network-wide exchange settings and exercises at the command line: ``liaison network set-escalation`` /
``escalation`` and ``liaison exercise schedule`` / ``list`` / ``report`` (registered by
:func:`liaison.cli_exchange.register`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from liaison.cli_exchange import AsOpt, JsonOpt, Priority
from liaison.timeinput import EXERCISE_WINDOW_MINUTES

exercise_app = typer.Typer(help="Reachability exercises across a network.", no_args_is_help=True)
network_app = typer.Typer(help="Network settings: escalation policies.", no_args_is_help=True)


# -- escalation policies --


@network_app.command("set-escalation")
def set_escalation(
    network: Annotated[str, typer.Argument(help="Network code.")],
    priority: Annotated[Priority, typer.Argument(help="flash, urgent or routine.")],
    policy: Annotated[
        str, typer.Argument(help='Steps TARGET@DELAY, e.g. "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat".')
    ],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Set the network's escalation policy for a priority (the network's secretariat or a node admin).

    Targets: on-duty, deputy, desk (the agency's 24/7 desk), secretariat; delays in h/m/s.
    A last `repeat` re-runs the chain until someone acknowledges (`repeat:N`: N rounds in all).
    Messages already sent keep the policy frozen into them. A bad policy is refused naming the step."""
    from liaison.actions import exchange as act
    from liaison.cli import ctx, emit, handled
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        net = act.get_network(session, actor, network)
        p = act.set_escalation(session, actor=actor, network=net, priority=priority.value, text=policy)
        code = net.code
    if as_json:
        emit({"network": code, "priority": priority.value, "policy": p.text})
    else:
        typer.echo(f"{code} {priority.value}: {p.text}")


@network_app.command("escalation")
def show_escalation(
    network: Annotated[str, typer.Argument(help="Network code.")],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """The network's escalation policy for each priority (or the default, when it set none)."""
    from liaison.actions import exchange as act
    from liaison.cli import ctx, emit, handled

    c = ctx()
    actor = c.actor(as_user)
    with handled(), c.sessions() as session:
        net = act.get_network(session, actor, network)
        in_force = act.policies_in_force(session, net.id)
        code = net.code
    rows = [{"priority": p, "policy": text, "default": default} for p, (text, default) in in_force.items()]
    if as_json:
        emit({"network": code, "policies": rows, "reachability_test": act.TEST_POLICY})
        return
    for r in rows:
        typer.echo(f"{code} {r['priority']:<8} {r['policy']}" + ("  (default)" if r["default"] else ""))
    typer.echo(f"{code} {'test':<8} {act.TEST_POLICY}  (reachability tests never escalate)")


# -- reachability exercises --


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
    from liaison.cli import ctx, emit, handled, parse_at
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
    from liaison.cli import ctx, emit, handled
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
    from liaison.cli import ctx, emit, handled
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
