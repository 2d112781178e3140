"""``liaison analyze path|centrality|communities|timeline``: link analysis over the bank, on what the acting user
may see (the node operator unless ``--as`` names a user). Entities are given by id or by name. Exit codes as
every command: 0 ok, 1 not found / refused / too large, 2 a badly given option."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _

analyze = typer.Typer()

MinGradeOpt = Annotated[
    str | None, typer.Option("--min-grade", help=lazy_gettext("Only relations graded at least this, e.g. B2."))
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help=lazy_gettext("Only relations observed on or after this date (YYYY-MM-DD).")),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help=lazy_gettext("Only relations observed on or before this date (YYYY-MM-DD).")),
]


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(_("%(option)s: %(value)r is not a date (YYYY-MM-DD)", option=option, value=value), 2)


def _grade(value: str | None) -> str | None:
    from liaison.analysis import grades

    if not value:
        return None
    try:
        return grades.parse(value)
    except ValueError:
        fail(_("--min-grade: %(value)r is not an Admiralty grade (A-F then 1-6, as in B2)", value=value), 2)


def _edge_line(e: dict[str, Any], names: dict[str, str]) -> str:
    when = e["observed_on"] or "-"
    return (
        f"  {names.get(e['source'], e['source'])} --{e['label']}--> {names.get(e['target'], e['target'])}"
        f"  [{e['grade']}, {when}, {e['source_citation'] or '-'}, {e['marking']}]"
    )


@analyze.command(
    "path", help=lazy_gettext("How is A connected to B? The shortest paths, each relation with its source.")
)
def path(
    a: Annotated[str, typer.Argument(help=lazy_gettext("An entity id or name."))],
    b: Annotated[str, typer.Argument(help=lazy_gettext("An entity id or name."))],
    min_grade: MinGradeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10, help=lazy_gettext("At most this many paths."))] = 10,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import links

    grade, start, end = _grade(min_grade), _date(since, "--since"), _date(until, "--until")
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        data = links.shortest_paths(
            session,
            actor,
            links.resolve(session, actor, a),
            links.resolve(session, actor, b),
            min_grade=grade,
            since=start,
            until=end,
            limit=limit,
        )
    if as_json:
        emit(data)
        return
    typer.echo(f"{data['a']['caption']} -> {data['b']['caption']}   {data['marking']}")
    if not data["paths"]:
        typer.echo(_("no path between them"))
        return
    for k, p in enumerate(data["paths"], 1):
        names = {n["id"]: n["caption"] for n in p["nodes"]}
        typer.echo(_("path %(n)s:", n=k))
        for e in p["edges"]:
            typer.echo(_edge_line(e, names))


@analyze.command(
    "centrality", help=lazy_gettext("A group's members, their roles and centrality; leaders and brokers marked.")
)
def centrality(
    group: Annotated[str, typer.Argument(help=lazy_gettext("The group's id or name."))],
    min_grade: MinGradeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import links

    grade, start, end = _grade(min_grade), _date(since, "--since"), _date(until, "--until")
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        data = links.group_network(
            session, actor, links.resolve(session, actor, group), min_grade=grade, since=start, until=end
        )
    if as_json:
        emit(data)
        return
    cells = data["communities"]
    typer.echo(f"{data['group']['caption']}   {data['marking']}")
    typer.echo(
        _(
            "%(members)s members, %(cells)s cells (modularity %(q)s)",
            members=len(data["members"]),
            cells=cells["count"],
            q=cells["modularity"],
        )
    )
    heads = (_("degree"), _("between"), _("eigen"), _("cell"), _("name"))
    typer.echo(f"{heads[0]:>8} {heads[1]:>8} {heads[2]:>8} {heads[3]:>5}  {heads[4]}")
    for m in data["members"]:
        roles = ", ".join([*m["stated_roles"], *(r for r in m["roles"] if r not in m["stated_roles"])])
        typer.echo(
            f"{m['degree']:>8.3f} {m['betweenness']:>8.3f} {m['eigenvector']:>8.3f} {m['community']!s:>5}"
            f"  {m['entity']['caption']}  ({roles})"
        )


@analyze.command("communities", help=lazy_gettext("Cells of the whole graph you may see (Leiden), largest first."))
def communities(
    min_grade: MinGradeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import links

    grade, start, end = _grade(min_grade), _date(since, "--since"), _date(until, "--until")
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        data = links.communities(session, actor, min_grade=grade, since=start, until=end)
    if as_json:
        emit(data)
        return
    typer.echo(
        _(
            "%(cells)s cells over %(entities)s entities and %(relations)s relations (modularity %(q)s)",
            cells=data["count"],
            entities=data["entities"],
            relations=data["relations"],
            q=data["modularity"],
        )
    )
    for cell in data["communities"]:
        names = ", ".join(m["caption"] for m in cell["members"])
        typer.echo(f"{cell['community']:>4} {cell['size']:>6}  {names}")


@analyze.command("timeline", help=lazy_gettext("How a group's network grew, year by year."))
def timeline(
    group: Annotated[str, typer.Argument(help=lazy_gettext("The group's id or name."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import links

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        data = links.timeline(session, actor, links.resolve(session, actor, group))
    if as_json:
        emit(data)
        return
    typer.echo(f"{data['group']['caption']}   {data['marking']}")
    if not data["years"]:
        typer.echo(_("no dated relations"))
    for y in data["years"]:
        broker = y["top_broker"]["caption"] if y["top_broker"] else "-"
        typer.echo(f"{y['year']}  {y['members']:>6} {y['relations']:>6} {y['density']:>7.3f}  {broker}")
