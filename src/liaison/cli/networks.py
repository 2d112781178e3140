"""Networks at the command line: ``liaison networks`` and the escalation policies, ``liaison network
set-escalation`` / ``escalation``."""

from __future__ import annotations

from typing import Annotated

import typer

from liaison.cli.context import AsOpt, JsonOpt, Priority, ctx, emit, handled, lazy_gettext
from liaison.i18n import _, ngettext

network_app = typer.Typer(help=lazy_gettext("Network settings: escalation policies."), no_args_is_help=True)

commands = typer.Typer()  # this module's commands; liaison.cli adds them to `liaison`


@commands.command("networks", help=lazy_gettext("List networks and their member codes."))
def networks(as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    rows = [
        {"code": n.code, "name": n.name, "members": list(n.members)}
        for n in sorted(snap.networks.values(), key=lambda n: n.code)
        if actor.can_see_network(n.id)
    ]
    if as_json:
        emit(rows)
        return
    for r in rows:
        members = ngettext("%(num)d member", "%(num)d members", len(r["members"]))
        typer.echo(f"{r['code']:<8} {r['name']}  ({members})")
        typer.echo("         " + " ".join(r["members"]))


@network_app.command(
    "set-escalation",
    help=lazy_gettext(
        "Set the network's escalation policy for a priority (the network's secretariat or a node admin).\n"
        "\n"
        "Targets: on-duty, deputy, desk (the agency's 24/7 desk), secretariat; delays in h/m/s.\n"
        "A last `repeat` re-runs the chain until someone acknowledges (`repeat:N`: N rounds in all).\n"
        "Messages already sent keep the policy frozen into them. A bad policy is refused naming the step."
    ),
)
def set_escalation(
    network: Annotated[str, typer.Argument(help=lazy_gettext("Network code."))],
    priority: Annotated[Priority, typer.Argument(help=lazy_gettext("flash, urgent or routine."))],
    policy: Annotated[
        str,
        typer.Argument(
            help=lazy_gettext('Steps TARGET@DELAY, e.g. "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat".')
        ),
    ],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import exchange as act
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


@network_app.command(
    "escalation",
    help=lazy_gettext("The network's escalation policy for each priority (or the default, when it set none)."),
)
def show_escalation(
    network: Annotated[str, typer.Argument(help=lazy_gettext("Network code."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import exchange as act

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
        default = "  " + _("(default)") if r["default"] else ""
        typer.echo(f"{code} {r['priority']:<8} {r['policy']}{default}")
    typer.echo(f"{code} {'test':<8} {act.TEST_POLICY}  " + _("(reachability tests never escalate)"))
