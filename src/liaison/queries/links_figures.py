"""The link analysis's briefing figures: ``group-network:<id>`` (the network picture with its members table),
``group-timeline:<id>`` (structure over time) and ``path:<a>,<b>`` (how two entities are connected). Each runs
as the viewer through :mod:`liaison.queries.links` (need to know, audit) and is marked as the strictest of the
statements it drew on."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from liaison.charts import Svg, line_chart
from liaison.errors import InvalidInput
from liaison.graph import render_graph
from liaison.i18n import _, lazy_gettext
from liaison.marking import Marking
from liaison.principal import Principal
from liaison.queries import links
from liaison.queries.bank_access import viewer_for
from liaison.queries.figures import Figure, Table, register


def _marking(session: Session, actor: Principal, graph: dict[str, Any]) -> Marking:
    """The strictest marking of the statements behind the graph's edges (read again as the viewer)."""
    viewer = viewer_for(session, actor)
    found = links.readable_statements(session, viewer, (uuid.UUID(e["id"]) for e in graph["edges"]))
    return links.strictest(s.marking for s in found.values())


def structure_chart(years: list[dict[str, Any]], title: str) -> Svg:
    """Members and relations by year, as a line chart (the group page draws the same)."""
    return line_chart(
        title,
        [str(y["year"]) for y in years],
        [(_("members"), [y["members"] for y in years]), (_("relations"), [y["relations"] for y in years])],
        y_label=_("count"),
    )


def _fmt(value: float) -> str:
    return f"{value:.3f}"


@register("group-network", lazy_gettext("A group's network"), needs_argument=True)
def group_network(session: Session, actor: Principal, argument: str) -> Figure:
    data = links.group_network(session, actor, argument.strip())
    name = data["group"]["caption"]
    title = _("Network of %(name)s", name=name)
    words = {"member": _("member"), "leader": _("leader"), "faction": _("faction"), "broker": _("broker")}
    rows = [
        [
            m["entity"]["caption"],
            ", ".join(words.get(r, r) for r in m["stated_roles"]),
            ", ".join(words.get(r, r) for r in m["roles"]),
            _fmt(m["degree"]),
            _fmt(m["betweenness"]),
            _fmt(m["eigenvector"]),
            "" if m["community"] is None else str(m["community"]),
        ]
        for m in data["members"]
    ]
    columns = [_("Name"), _("Stated role"), _("Found role"), _("Degree"), _("Betweenness"), _("Eigenvector"), _("Cell")]
    cells = data["communities"]
    return Figure(
        key=f"group-network:{data['group']['id']}",
        title=title,
        marking=_marking(session, actor, data["graph"]),
        svg=render_graph(data["graph"], title=title, max_nodes=80),
        table=Table(columns, rows),
        notes=[
            _(
                "%(cells)s cells (Leiden, modularity %(q)s); a thick ring marks a leader, a dashed ring a broker.",
                cells=cells["count"],
                q=cells["modularity"],
            )
        ],
    )


@register("group-timeline", lazy_gettext("A group's structure over time"), needs_argument=True)
def group_timeline(session: Session, actor: Principal, argument: str) -> Figure:
    data, marking = links.timeline_marked(session, actor, argument.strip())
    title = _("Structure of %(name)s over time", name=data["group"]["caption"])
    years = data["years"]
    rows = [
        [
            str(y["year"]),
            str(y["members"]),
            str(y["relations"]),
            _fmt(y["density"]),
            y["top_broker"]["caption"] if y["top_broker"] else "",
        ]
        for y in years
    ]
    return Figure(
        key=f"group-timeline:{data['group']['id']}",
        title=title,
        marking=marking,
        svg=structure_chart(years, title),
        table=Table([_("Year"), _("Members"), _("Relations"), _("Density"), _("Top broker")], rows),
        notes=[_("Relations of unknown date are not counted.")],
    )


@register("path", lazy_gettext("How two entities are connected"), needs_argument=True)
def path(session: Session, actor: Principal, argument: str) -> Figure:
    a, sep, b = argument.partition(",")
    if not sep or not a.strip() or not b.strip():
        raise InvalidInput("include", _("a path figure names two entities, as in path:ID,ID"))
    data = links.shortest_paths(session, actor, a.strip(), b.strip())
    title = _("How %(a)s and %(b)s are connected", a=data["a"]["caption"], b=data["b"]["caption"])
    rows = []
    for k, p in enumerate(data["paths"], 1):
        names = {n["id"]: n["caption"] for n in p["nodes"]}
        for e in p["edges"]:
            rows.append(
                [
                    str(k),
                    names.get(e["source"], ""),
                    e["label"],
                    names.get(e["target"], ""),
                    e["source_citation"],
                    e["grade"],
                    e["observed_on"] or "",
                    e["marking"],
                ]
            )
    columns = [_("Path"), _("From"), _("Relation"), _("To"), _("Source"), _("Grade"), _("Observed"), _("Marking")]
    notes = [] if data["paths"] else [_("No connection found among the relations you may see.")]
    return Figure(
        key=f"path:{data['a']['id']},{data['b']['id']}",
        title=title,
        marking=_marking(session, actor, data["graph"]),
        svg=render_graph(data["graph"], title=title),
        table=Table(columns, rows),
        notes=notes,
    )
