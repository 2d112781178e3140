"""The neighbourhood graph of a bank entity as server-rendered SVG: pure, deterministic, CSP-safe.

Input is the read side's neighbourhood (:func:`liaison.queries.bank.neighbourhood`)::

    {"nodes": [{"id", "label", "schema", "focus"}], "edges": [{"source", "target", "kind"}]}

(``caption`` is read for ``label``, ``depth == 0`` for ``focus`` and ``relation`` for ``kind``, the read side's
own names.)

The layout is computed here, in plain Python, so the drawing is the same on every run and every machine:
networkx gives each entity its distance from the entity in focus (breadth-first), the entities are placed on
rings by that distance (each near the one that brought it into the picture), and a short, seeded
Fruchterman-Reingold relaxation pulls related entities together and pushes the rest apart. networkx's own
``spring_layout``/``kamada_kawai_layout`` would need numpy and scipy, which are not dependencies of Liaison;
sixty nodes need no numerical library.

Like :mod:`liaison.charts`, the SVG carries no ``style=`` attribute and no script (the pages' CSP forbids both):
shapes and colours come from CSS classes in ``liaison.css`` (``graph-person``, ``graph-organization``, ...), with
presentation attributes as a fallback where the stylesheet is absent. Each entity is a link to its page, with a
``<title>`` for screen readers and a tooltip; the ``<desc>`` says in words who is related to whom. Entities are
told apart by shape as well as colour. Every label is XML-escaped: names come from contributors and lists.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import networkx as nx

from liaison import i18n
from liaison.charts import Svg
from liaison.i18n import _, lazy_gettext, ngettext

SHAPES = {"Person": "circle", "Organization": "square", "Address": "diamond", "Event": "triangle"}
COLOURS = {"Person": "#0072B2", "Organization": "#D55E00", "Address": "#009E73", "Event": "#CC79A7"}
OTHER_COLOUR = "#56B4E9"
SCHEMA_WORDS = {
    "Person": lazy_gettext("person"),
    "Organization": lazy_gettext("organisation"),
    "Address": lazy_gettext("place"),
    "Event": lazy_gettext("incident"),
}
# The bank's relations (liaison.bank.props.RELATIONS) in words, read from the source entity to the target.
RELATION_WORDS = {
    "member_of": lazy_gettext("member of"),
    "leader_of": lazy_gettext("leader of"),
    "finances": lazy_gettext("finances"),
    "trains_at": lazy_gettext("trains at"),
    "associate_of": lazy_gettext("associate of"),
    "family_of": lazy_gettext("family of"),
    "successor_of": lazy_gettext("successor of"),
    "faction_of": lazy_gettext("faction of"),
    "involved_in": lazy_gettext("involved in"),
    "related": lazy_gettext("related to"),
}
RADIUS = 14
FOCUS_RADIUS = 20
LABEL_CHARS = 24
MAX_NODES = 60
MAX_UNIT = 150.0  # pixels between rings at most
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 90.0, 36.0, 40.0
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_CLASS = re.compile(r"[^a-z0-9_-]")
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;", "'": "&#39;"})


def _class(value: str) -> str:
    return _NOT_CLASS.sub("", value.lower()) or "other"


def relation_words(kind: str) -> str:
    """``member_of`` -> ``member of``, in the current language (a kind without words: its code, spaced)."""
    found = RELATION_WORDS.get(kind)
    return str(found) if found is not None else kind.replace("_", " ").strip()


def edge_title(source: str, relations: str, target: str) -> str:
    # Translators: a graph edge's tooltip, "Source member of Target"
    return _("%(source)s %(relations)s %(target)s", source=source, relations=relations, target=target)


def short(label: str, limit: int = LABEL_CHARS) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    schema: str
    focus: bool
    roles: tuple[str, ...] = ()  # leader, broker (link analysis)


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kinds: tuple[str, ...]
    style: str = ""  # confirmed | probable | doubtful (analysis.grades.style): solid, dashed, dotted


# How an edge is drawn by the grade of its best statement (analysis.grades.STYLES), and role words.
DASHES = {"confirmed": "", "probable": "7 4", "doubtful": "2 4"}
STYLE_ORDER = ("confirmed", "probable", "doubtful")
ROLE_WORDS = {"leader": lazy_gettext("leader"), "broker": lazy_gettext("broker")}


def _parse(graph: Mapping[str, Any], max_nodes: int) -> tuple[list[Node], list[Edge], int]:
    """Nodes sorted (focus first, then by distance from it, then id), at most ``max_nodes`` of them; edges between
    kept nodes, the kinds of parallel edges joined. Returns (nodes, edges, how many nodes were left out)."""
    seen: dict[str, Node] = {}
    for raw in graph.get("nodes") or []:
        ident = str(raw.get("id", ""))
        if ident and ident not in seen:
            label = str(raw.get("label") or raw.get("caption") or ident)
            roles = tuple(str(r) for r in raw.get("roles") or ())
            focus = bool(raw.get("focus")) or raw.get("depth") == 0 or "focus" in roles
            kept_roles = tuple(r for r in roles if r in ROLE_WORDS)
            seen[ident] = Node(ident, label, str(raw.get("schema") or ""), focus, kept_roles)
    kinds: dict[tuple[str, str], set[str]] = {}
    styles: dict[tuple[str, str], str] = {}
    for raw in graph.get("edges") or []:
        a, b = str(raw.get("source", "")), str(raw.get("target", ""))
        if a in seen and b in seen and a != b:
            kinds.setdefault((a, b), set()).add(str(raw.get("kind") or raw.get("relation") or "related"))
            style = str(raw.get("style") or "")
            if style in DASHES:  # parallel statements: drawn as the best graded of them
                old = styles.get((a, b))
                if old is None or STYLE_ORDER.index(style) < STYLE_ORDER.index(old):
                    styles[(a, b)] = style
    g = nx.Graph()
    g.add_nodes_from(sorted(seen))
    g.add_edges_from(sorted(kinds))
    focus = sorted(n.id for n in seen.values() if n.focus)[:1]
    depth: dict[str, int] = {}
    if focus:
        depth = dict(nx.single_source_shortest_path_length(g, focus[0]))
    far = len(seen) + 1
    order = sorted(seen, key=lambda i: (depth.get(i, far), not seen[i].focus, i))
    kept = set(order[:max_nodes])
    nodes = [seen[i] for i in order if i in kept]
    edges = [
        Edge(a, b, tuple(sorted(k)), styles.get((a, b), ""))
        for (a, b), k in sorted(kinds.items())
        if a in kept and b in kept
    ]
    return nodes, edges, len(seen) - len(nodes)


def layout(
    nodes: Sequence[Node], edges: Sequence[Edge], *, width: float, height: float, iterations: int = 120, seed: int = 4
) -> dict[str, tuple[float, float]]:
    """Positions inside ``width`` x ``height`` (with a margin for labels): rings by distance from the focus, then a
    seeded force relaxation. Deterministic for the same nodes and edges."""
    if not nodes:
        return {}
    ids = [n.id for n in nodes]
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((e.source, e.target) for e in edges)
    focus = next((n.id for n in nodes if n.focus), ids[0])
    pos: dict[str, list[float]] = {}
    # Rings: breadth-first from the focus; each entity starts near its parent's angle. Other components follow.
    angle: dict[str, float] = {}
    ring = 0
    for component_start in [focus, *ids]:
        if component_start in pos:
            continue
        layers = list(nx.bfs_layers(g, [component_start]))
        for depth, layer in enumerate(layers):
            r = ring + depth
            members = sorted(layer, key=lambda i: (_parent_angle(g, i, angle), i))
            for k, ident in enumerate(members):
                a = (2 * math.pi * k / len(members)) + 0.35 * r if depth else 0.0
                angle[ident] = a
                pos[ident] = [r * math.cos(a), r * math.sin(a)] if r else [0.0, 0.0]
        ring += len(layers)
    if len(ids) > 1:
        _relax(g, ids, pos, focus, iterations, random.Random(seed))  # noqa: S311 - layout jitter, not security
    return _fit(pos, width, height)


def _parent_angle(g: nx.Graph, ident: str, angle: dict[str, float]) -> float:
    placed = [angle[n] for n in g.neighbors(ident) if n in angle]
    return min(placed) if placed else 0.0


def _relax(
    g: nx.Graph, ids: list[str], pos: dict[str, list[float]], focus: str, iterations: int, rng: random.Random
) -> None:
    """Fruchterman-Reingold on the unit scale of the rings; the focus stays put at the centre."""
    k = 1.0
    temperature = 0.6
    for ident in ids:  # break exact symmetries (two leaves on one spot) the same way every time
        if ident != focus:
            pos[ident][0] += rng.uniform(-0.05, 0.05)
            pos[ident][1] += rng.uniform(-0.05, 0.05)
    for _step in range(iterations):
        move = {i: [0.0, 0.0] for i in ids}
        for n, a in enumerate(ids):
            ax, ay = pos[a]
            for b in ids[n + 1 :]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                d2 = max(dx * dx + dy * dy, 1e-4)
                f = k * k / d2
                move[a][0] += dx * f
                move[a][1] += dy * f
                move[b][0] -= dx * f
                move[b][1] -= dy * f
        for a, b in g.edges():
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = max(math.hypot(dx, dy), 1e-3)
            f = d / k
            move[a][0] -= dx * f
            move[a][1] -= dy * f
            move[b][0] += dx * f
            move[b][1] += dy * f
        for ident in ids:
            if ident == focus:
                continue
            mx, my = move[ident]
            length = math.hypot(mx, my)
            if length > 0:
                step = min(length, temperature)
                pos[ident][0] += mx / length * step
                pos[ident][1] += my / length * step
        temperature = max(temperature * 0.96, 0.01)


def _fit(pos: dict[str, list[float]], width: float, height: float) -> dict[str, tuple[float, float]]:
    """Scale into the drawing, keeping the aspect ratio, with room for the labels under the shapes. A small graph
    is not blown up (at most ``MAX_UNIT`` pixels a ring) and starts at the top: the caller trims the height."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    avail_x, avail_y = width - 2 * MARGIN_X, height - MARGIN_TOP - MARGIN_BOTTOM
    scale = min(
        avail_x / span_x if span_x > 1e-9 else math.inf, avail_y / span_y if span_y > 1e-9 else math.inf, MAX_UNIT
    )
    cx = (max(xs) + min(xs)) / 2
    return {
        i: (round(width / 2 + (p[0] - cx) * scale, 1), round(MARGIN_TOP + (p[1] - min(ys)) * scale, 1))
        for i, p in pos.items()
    }


def _shape(schema: str, x: float, y: float, r: float, colour: str) -> str:
    kind = SHAPES.get(schema, "circle")
    common = f'class="graph-shape" fill="{colour}" stroke="currentColor" stroke-width="2"'
    if kind == "square":
        return f'<rect {common} x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" rx="3"/>'
    if kind == "diamond":
        d = r * 1.25
        points = f"{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} {x - d:.1f},{y:.1f}"
        return f'<polygon {common} points="{points}"/>'
    if kind == "triangle":
        d = r * 1.3
        points = f"{x:.1f},{y - d:.1f} {x + d:.1f},{y + d * 0.8:.1f} {x - d:.1f},{y + d * 0.8:.1f}"
        return f'<polygon {common} points="{points}"/>'
    return f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'


def _role_rings(roles: tuple[str, ...], x: float, y: float, r: float) -> str:
    """A leader gets a thick solid ring, a broker a dashed one (told apart without colour)."""
    out = ""
    if "leader" in roles:
        out += (
            f'<circle class="graph-role graph-role-leader" cx="{x:.1f}" cy="{y:.1f}" r="{r + 5:.1f}" fill="none"'
            ' stroke="currentColor" stroke-width="3"/>'
        )
    if "broker" in roles:
        out += (
            f'<circle class="graph-role graph-role-broker" cx="{x:.1f}" cy="{y:.1f}" r="{r + 9:.1f}" fill="none"'
            ' stroke="currentColor" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    return out


def entity_href(entity_id: str) -> str:
    return f"/bank/entities/{quote(entity_id, safe='')}"


def render_graph(
    graph: Mapping[str, Any],
    *,
    title: str | None = None,
    href: Callable[[str], str] = entity_href,
    width: int = 720,
    height: int = 480,
    max_nodes: int = MAX_NODES,
) -> Svg:
    """The neighbourhood as an SVG string (see the module docstring); an empty graph draws a short note."""
    title = title or _("Neighbourhood")
    nodes, edges, left_out = _parse(graph, max_nodes)
    names = {n.id: n.label for n in nodes}
    ident = (
        "graph-"
        + hashlib.sha256(
            "\0".join([title, *sorted(names), *(f"{e.source}>{e.target}" for e in edges)]).encode()
        ).hexdigest()[:12]
    )
    if not nodes:
        empty = _("No related entities to draw.")
        return Svg(
            _open(ident, title, empty, width, 64)
            + f'<text class="graph-empty" x="8" y="40" fill="currentColor">{_text(empty)}</text></svg>'
        )
    pos = layout(nodes, edges, width=width, height=height)
    height = min(height, math.ceil(max(y for _, y in pos.values()) + MARGIN_BOTTOM))
    focus = next((n for n in nodes if n.focus), None)
    counts = {
        "entities": ngettext("%(num)d entity", "%(num)d entities", len(nodes)),
        "relations": ngettext("%(num)d relation", "%(num)d relations", len(edges)),
    }
    sentences = [
        # Translators: the spoken summary of the neighbourhood graph, e.g. "5 entities and 4 relations around X."
        _("%(entities)s and %(relations)s around %(focus)s.", focus=focus.label, **counts)
        if focus
        else _("%(entities)s and %(relations)s.", **counts)
    ]
    sentences += [
        # Translators: one relation of the graph, read aloud: "Source: member of Target."
        _(
            "%(source)s: %(relations)s %(target)s.",
            source=names[e.source],
            relations=i18n.listing(map(relation_words, e.kinds), style="unit"),
            target=names[e.target],
        )
        for e in edges
    ]
    if left_out:
        sentences.append(
            ngettext("%(num)d more entity is not drawn.", "%(num)d more entities are not drawn.", left_out)
        )
    parts = [
        f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path class="graph-arrow" d="M0,0L10,5L0,10z" fill="currentColor"/></marker>'
        "</defs>",
        '<g class="graph-edges">',
    ]
    radius = {n.id: FOCUS_RADIUS if n.focus else RADIUS for n in nodes}
    for e in edges:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        sx, sy = x1 + ux * (radius[e.source] + 2), y1 + uy * (radius[e.source] + 2)
        tx, ty = x2 - ux * (radius[e.target] + 5), y2 - uy * (radius[e.target] + 5)
        words = i18n.listing((relation_words(k) for k in e.kinds), style="unit")
        classes = " ".join(f"graph-edge-{_class(k)}" for k in e.kinds)
        if e.style:
            classes += f" graph-edge-{e.style}"
        dash = f' stroke-dasharray="{DASHES[e.style]}"' if DASHES.get(e.style) else ""
        tip = edge_title(names[e.source], words, names[e.target])
        parts.append(
            f'<g class="graph-edge {classes}"><title>{_text(tip)}</title>'
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="currentColor" stroke-width="1.5"'
            f' stroke-opacity="0.6"{dash} marker-end="url(#{ident}-arrow)"/>'
            f'<text class="graph-edge-label" x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 4:.1f}" text-anchor="middle"'
            f' font-size="11" fill="currentColor" paint-order="stroke">{_text(short(words, 30))}</text></g>'
        )
    parts.append('</g><g class="graph-nodes">')
    for n in nodes:
        x, y = pos[n.id]
        r = radius[n.id]
        classes = f"graph-node graph-{_class(n.schema)}" + (" graph-focus" if n.focus else "")
        classes += "".join(f" graph-{role}" for role in n.roles)
        found = SCHEMA_WORDS.get(n.schema)
        what = str(found) if found is not None else n.schema.lower() or _("entity")
        if n.roles:
            what = i18n.listing([what, *(str(ROLE_WORDS[r]) for r in n.roles)], style="unit")
        tooltip = (
            _("%(label)s (%(what)s, this entity)", label=n.label, what=what)
            if n.focus
            else _("%(label)s (%(what)s)", label=n.label, what=what)
        )
        parts.append(
            f'<a class="{classes}" href="{_attr(href(n.id))}"><title>{_text(tooltip)}</title>'
            + _shape(n.schema, x, y, r, COLOURS.get(n.schema, OTHER_COLOUR))
            + _role_rings(n.roles, x, y, r)
            + f'<text class="graph-label" x="{x:.1f}" y="{y + r + 15:.1f}" text-anchor="middle" fill="currentColor"'
            f"{' font-weight=' + chr(34) + 'bold' + chr(34) if n.focus else ''}>{_text(short(n.label))}</text></a>"
        )
    parts.append("</g>")
    return Svg(_open(ident, title, " ".join(sentences), width, height) + "".join(parts) + "</svg>")


def _open(ident: str, title: str, summary: str, width: int, height: int) -> str:
    # role="group", not "img": an image role would hide the links inside from assistive technology.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="group"'
        f' aria-labelledby="{ident}-t" aria-describedby="{ident}-d" viewBox="0 0 {width} {height}" width="100%"'
        f' preserveAspectRatio="xMidYMid meet" {_FONT}>'
        f'<title id="{ident}-t">{_text(title)}</title><desc id="{ident}-d">{_text(summary)}</desc>'
    )
