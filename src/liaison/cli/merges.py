"""Merge proposals at the command line: ``liaison bank propose-merges``, ``liaison bank merges`` and
``liaison bank merge accept|reject|undo ID``.

Like every local command they act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then has exactly their own rights.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, handled, lazy_gettext
from liaison.i18n import _, ngettext

merge_app = typer.Typer(help=lazy_gettext("Decide on one merge proposal: accept, reject, undo."), no_args_is_help=True)

commands = typer.Typer()  # this module's commands; liaison.cli adds them to `liaison bank`


IdArg = Annotated[str, typer.Argument(help=lazy_gettext("The merge proposal's id (from `liaison bank merges`)."))]


class Status(StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    rejected = "rejected"
    undone = "undone"
    all = "all"


def _line(p: dict[str, Any]) -> str:
    a, b = p["entity"], p["other"]
    return (
        f"{p['id']}  {p['status']:<8}  {p['score']:.2f}  {a['caption']} [{a['reference']}]"
        f" <- {b['caption']} [{b['reference']}]"
    )


@commands.command(
    "propose-merges",
    help=lazy_gettext(
        "Find likely duplicates contributed by different members and store them as merge proposals.\n"
        "\n"
        "A pair rejected before, or whose merge was undone, is not proposed again."
    ),
)
def propose_merges(
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0, help=lazy_gettext("Least score (default: the algorithm's).")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=lazy_gettext("At most this many new proposals."))] = 200,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import merges as act
    from liaison.db import transaction
    from liaison.queries import bank_merges as q
    from liaison.queries.bank_access import viewer_for

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        made = act.propose_merges(session, actor=actor, threshold=threshold, limit=limit)
        out = q.proposals_json(session, viewer_for(session, actor), made)
    if as_json:
        emit({"proposed": len(out), "proposals": out})
        return
    typer.echo(ngettext("%(num)d new merge proposal(s)", "%(num)d new merge proposal(s)", len(out)))
    for p in out:
        typer.echo(_line(p))


@commands.command(
    "merges",
    help=lazy_gettext(
        "List merge proposals, best score first: id, status, score, the entity kept <- the one merged into it."
    ),
)
def merges(
    status: Annotated[Status, typer.Option("--status", help=lazy_gettext("Which proposals."))] = Status.proposed,
    limit: Annotated[int, typer.Option("--limit", min=1, help=lazy_gettext("At most this many."))] = 200,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.queries import bank_merges as q
    from liaison.queries.bank_access import viewer_for

    c = ctx()
    actor = c.actor(as_user)
    with handled(), c.sessions() as session:
        out = q.list_proposals(
            session, viewer_for(session, actor), status=None if status is Status.all else status.value, limit=limit
        )
    if as_json:
        emit(out)
        return
    if not out:
        typer.echo(_("no merge proposals"))
    for p in out:
        typer.echo(_line(p))


def _decide(proposal_id: str, verb: str, as_json: bool, as_user: str | None) -> None:
    from liaison.actions import merges as act
    from liaison.db import transaction
    from liaison.queries import bank_merges as q
    from liaison.queries.bank_access import viewer_for

    decide = {"accept": act.accept, "reject": act.reject, "undo": act.undo}[verb]
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        p = decide(session, actor=actor, proposal_id=proposal_id.strip())
        session.flush()
        out = q.proposals_json(session, viewer_for(session, actor), [p])[0]
    if as_json:
        emit(out)
    else:
        typer.echo(_line(out))


@merge_app.command(
    "accept",
    help=lazy_gettext(
        "Merge the second entity into the first; both keep every statement. Exit 1 if it is not proposed."
    ),
)
def accept(proposal_id: IdArg, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    _decide(proposal_id, "accept", as_json, as_user)


@merge_app.command("reject", help=lazy_gettext("Not the same entity: the pair is never proposed again."))
def reject(proposal_id: IdArg, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    _decide(proposal_id, "reject", as_json, as_user)


@merge_app.command("undo", help=lazy_gettext("Separate an accepted merge again."))
def undo(proposal_id: IdArg, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    _decide(proposal_id, "undo", as_json, as_user)
