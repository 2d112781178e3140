"""Link analysis on what the viewer may see: "how is A connected to B?", a group's network (members, roles,
centrality, cells), the whole graph's communities and a group's structure over time.

Need to know twice over. The in-memory index (:mod:`liaison.queries.link_index`) walks only relations whose
audience the viewer may see, between entities one of whose names they may see. Every edge it finds is then
read back from the database with the bank's SQL access clause (:func:`visible_statement`, :func:`visible_entity`):
a path with an edge or entity the SQL refuses is dropped whole. Nothing in an answer counts or names what was
left out (no "hidden node", no number of paths withheld). An entity the viewer may not see is a 404, as an
unknown one.

Every analysis is audited (``analysis.path``, ``analysis.network``, ``analysis.communities``,
``analysis.timeline``) with the entity ids it showed, in the transaction of the read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.analysis import grades, network
from liaison.bank.access import Viewer
from liaison.bank.props import RELATIONS
from liaison.errors import InvalidInput, NotFound
from liaison.graph import entity_href, relation_words
from liaison.i18n import _
from liaison.marking import Marking, stricter
from liaison.models import BankEntity, Statement
from liaison.principal import Principal
from liaison.queries.bank import captions, roots, visible_ids
from liaison.queries.bank_access import entity_id_or_404, require_reader, viewer_for, visible_statement
from liaison.queries.link_index import LinkIndex, link_index_for

MEMBERSHIP = ("member_of", "leader_of")
MAX_GROUP = 20_000  # members of one group analysed at most
TOP_PER_COMMUNITY = 8


# -- small helpers --


def _index(session: Session, index: LinkIndex | None) -> LinkIndex:
    return (index or link_index_for(session)).get()


def check_filters(min_grade: str | None, since: date | None, until: date | None) -> str | None:
    """The minimum grade in its canonical form; refuses a bad grade or an inverted window."""
    grade = None
    if min_grade:
        try:
            grade = grades.parse(min_grade)
        except ValueError as exc:
            raise InvalidInput("min_grade", _("not an Admiralty grade (A-F then 1-6, as in B2)")) from exc
    if since and until and since > until:
        raise InvalidInput("since", _("the window starts after it ends"))
    return grade


def _filters(min_grade: str | None, since: date | None, until: date | None) -> dict[str, str | None]:
    return {
        "min_grade": min_grade,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }


def _chunks(ids: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def readable_statements(session: Session, viewer: Viewer, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Statement]:
    """The current statements among ``ids`` that the SQL access clause lets ``viewer`` read."""
    wanted = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, Statement] = {}
    for chunk in _chunks(wanted):
        q = select(Statement).where(
            Statement.id.in_(chunk), Statement.retracted_at.is_(None), visible_statement(viewer)
        )
        found.update({s.id: s for s in session.scalars(q)})
    return found


def _nodes(session: Session, viewer: Viewer, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """Graph JSON nodes of the entities among ``ids`` that exist for ``viewer`` (by SQL)."""
    wanted = list(dict.fromkeys(ids))
    seen = visible_ids(session, viewer, wanted)
    schema: dict[uuid.UUID, str] = {}
    for chunk in _chunks([i for i in wanted if i in seen]):
        schema.update(
            {
                i: sc
                for i, sc in session.execute(select(BankEntity.id, BankEntity.schema).where(BankEntity.id.in_(chunk)))
            }
        )
    names = captions(session, viewer, [i for i in wanted if i in seen])
    return {
        i: {
            "id": str(i),
            "caption": names.get(i, "") or str(i),
            "schema": schema.get(i, ""),
            "href": entity_href(str(i)),
            "roles": [],
            "community": None,
            "weight": 0.5,
        }
        for i in wanted
        if i in seen
    }


def trim(graph: dict[str, Any], max_nodes: int) -> dict[str, Any]:
    """The first ``max_nodes`` nodes of a Graph JSON (a group's network lists the group, then its members best
    tied first) and the edges among them, for a picture that must stay readable; the marking is kept."""
    if len(graph["nodes"]) <= max_nodes:
        return graph
    nodes = graph["nodes"][:max_nodes]
    kept = {n["id"] for n in nodes}
    edges = [e for e in graph["edges"] if e["source"] in kept and e["target"] in kept]
    return {"nodes": nodes, "edges": edges, "marking": graph["marking"]}


def edge_json(s: Statement, source: uuid.UUID, target: uuid.UUID) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "source": str(source),
        "target": str(target),
        "relation": s.prop,
        "label": relation_words(s.prop),
        "grade": s.grade,
        "style": grades.style(s.grade),
        "source_citation": s.source,
        "observed_on": s.observed_on.isoformat() if s.observed_on else None,
        "marking": s.marking.label,
        "amount": None,
    }


def strictest(markings: Iterable[Marking]) -> Marking:
    out: Marking | None = None
    for m in markings:
        out = m if out is None else stricter(out, m)
    return out or Marking("CLEAR")


def _entity(session: Session, viewer: Viewer, ident: uuid.UUID | str) -> uuid.UUID:
    """The root of a visible entity (404 for an unknown or invisible one; a merged one answers as its root)."""
    found = entity_id_or_404(session, viewer, ident)
    root = roots(session, [found])[found]
    if root != found:
        entity_id_or_404(session, viewer, root)
    return root


def resolve(session: Session, actor: Principal, text: str) -> uuid.UUID:
    """An entity given by id or by name (the best-matching visible entity; several close ones: refused with them
    as suggestions)."""
    from liaison.queries import bank as q

    text = " ".join((text or "").split())
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    if not text:
        raise InvalidInput("entity", _("give an entity id or name"))
    hits = [h for h in q.search(session, actor, text, limit=5) if h["match"]]
    exact = [h for h in hits if h["caption"].casefold() == text.casefold() or h["name"].casefold() == text.casefold()]
    chosen = exact if exact else hits
    if len(chosen) == 1 or (chosen and len({h["entity_id"] for h in chosen[:1]}) == 1 and exact):
        return uuid.UUID(chosen[0]["entity_id"])
    raise NotFound(
        _("no single entity named %(name)r", name=text), [f"{h['caption']} ({h['entity_id']})" for h in hits]
    )


# -- paths --


def shortest_paths(
    session: Session,
    actor: Principal,
    a: uuid.UUID | str,
    b: uuid.UUID | str,
    *,
    min_grade: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = network.PATH_LIMIT,
    index: LinkIndex | None = None,
) -> dict[str, Any]:
    """The shortest paths between two entities over the relations the actor may see (see the module docstring),
    each edge with its relation, source, grade, date and marking; best graded first."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    grade = check_filters(min_grade, since, until)
    limit = max(1, min(limit, network.PATH_LIMIT))
    ra, rb = _entity(session, viewer, a), _entity(session, viewer, b)
    idx = _index(session, index)
    found = idx.paths(idx.allowed(viewer), ra, rb, min_grade=grade, since=since, until=until, limit=limit * 3)
    statements = readable_statements(session, viewer, (s for _nodes_, sids in found for s in sids))
    ends = roots(session, [e for s in statements.values() for e in (s.entity_id, s.object_id) if e is not None])
    nodes = _nodes(session, viewer, [n for path, _sids in found for n in path] + [ra, rb])
    paths: list[network.Path] = []
    for path, sids in found:
        if any(s not in statements for s in sids) or any(n not in nodes for n in path):
            continue  # the database refuses what the index allowed (a change not yet caught up): drop it whole
        edges = []
        for (u, v), sid in zip(zip(path, path[1:], strict=False), sids, strict=True):
            s = statements[sid]
            src, dst = ends.get(s.entity_id), ends.get(s.object_id) if s.object_id else None
            if {src, dst} != {u, v}:
                break
            edges.append(
                network.Edge(
                    str(s.id),
                    str(src),
                    str(dst),
                    s.prop,
                    s.grade,
                    s.observed_on,
                    s.marking.label,
                    source_citation=s.source,
                )
            )
        else:
            paths.append(network.Path(tuple(str(n) for n in path), tuple(edges)))
    paths = sorted(paths, key=network.path_order)[:limit]
    shown_edges = {e.id: statements[uuid.UUID(e.id)] for p in paths for e in p.edges}
    shown_nodes = {n for p in paths for n in p.nodes} | {str(ra), str(rb)}
    marking = strictest(s.marking for s in shown_edges.values())
    graph_nodes = [
        nodes[uuid.UUID(n)] | {"roles": ["focus"] if n in (str(ra), str(rb)) else []} for n in sorted(shown_nodes)
    ]
    graph = {
        "nodes": graph_nodes,
        "edges": [
            edge_json(s, uuid.UUID(e.source), uuid.UUID(e.target))
            for e, s in ((e, shown_edges[e.id]) for e in {e.id: e for p in paths for e in p.edges}.values())
        ],
        "marking": marking.label,
    }
    out = {
        "a": nodes[ra],
        "b": nodes[rb],
        "filters": _filters(grade, since, until),
        "length": len(paths[0].edges) if paths else None,
        "paths": [
            {
                "nodes": [nodes[uuid.UUID(n)] for n in p.nodes],
                "edges": [edge_json(shown_edges[e.id], uuid.UUID(e.source), uuid.UUID(e.target)) for e in p.edges],
            }
            for p in paths
        ],
        "graph": graph,
        "marking": marking.label,
    }
    audit(
        session,
        actor=actor,
        action="analysis.path",
        target_type="bank_entity",
        target_id=ra,
        details={"a": str(ra), "b": str(rb), "entities": sorted(shown_nodes), "statements": sorted(shown_edges)},
    )
    return out


# -- a group's network --


def _group_edges(
    idx: LinkIndex,
    allowed: frozenset[int] | None,
    group: int,
    *,
    min_grade: str | None,
    since: date | None,
    until: date | None,
) -> tuple[set[int], dict[int, set[str]], list[int]]:
    """(factions, member -> its stated roles, the membership edges) of a group, over what the viewer may see."""
    step = idx.neighbours(allowed, min_grade=min_grade, since=since, until=until)
    factions: set[int] = set()
    links: list[int] = []
    for v, k in step(group):
        if idx.e_rel[k] == _REL["faction_of"] and idx.root(idx.e_dst[k]) == group:
            factions.add(v)
            links.append(k)
    roles: dict[int, set[str]] = {f: {"faction"} for f in factions}
    for head in [group, *sorted(factions)]:
        for v, k in step(head):
            rel = idx.e_rel[k]
            if rel in (_REL["member_of"], _REL["leader_of"]) and idx.root(idx.e_dst[k]) == head and v != group:
                roles.setdefault(v, set()).add("leader" if rel == _REL["leader_of"] else "member")
                links.append(k)
                if len(roles) > MAX_GROUP:
                    network.check_size(len(roles), 0, max_nodes=MAX_GROUP)
    return factions, roles, links


_REL = {r: i for i, r in enumerate(RELATIONS)}


def _group_graph(
    session: Session,
    viewer: Viewer,
    idx: LinkIndex,
    group_id: uuid.UUID | str,
    *,
    min_grade: str | None,
    since: date | None,
    until: date | None,
) -> tuple[
    uuid.UUID,
    dict[uuid.UUID, dict[str, Any]],
    dict[str, set[str]],
    list[dict[str, Any]],
    network.Graph,
    network.Graph,
    Marking,
]:
    """The group's entities (Graph JSON nodes), stated roles, edges (Graph JSON, SQL-checked), the pure graph
    of its members and factions (for centrality), the same with the group, and the strictest marking shown."""
    root = _entity(session, viewer, group_id)
    allowed = idx.allowed(viewer)
    with idx._lock:
        g = idx.node(root)
        if g is None:
            factions: set[int] = set()
            roles: dict[int, set[str]] = {}
            links: list[int] = []
            among: list[int] = []
        else:
            factions, roles, links = _group_edges(idx, allowed, g, min_grade=min_grade, since=since, until=until)
            step = idx.neighbours(allowed, min_grade=min_grade, since=since, until=until)
            members = set(roles)
            among = sorted({k for m in members for v, k in step(m) if v in members})
        wanted = sorted(set(links) | set(among))
        ends = {k: idx.edge(k) for k in wanted}
        member_ids = {idx.ids[m]: r for m, r in roles.items()}
    statements = readable_statements(session, viewer, (e[5] for e in ends.values()))
    nodes = _nodes(session, viewer, [root, *member_ids])
    edges: list[dict[str, Any]] = []
    pure_edges: list[network.Edge] = []
    all_edges: list[network.Edge] = []
    for k in wanted:
        src, dst, _rel, _grade, _day, sid = ends[k]
        s = statements.get(sid)
        a, b = idx.ids[src], idx.ids[dst]
        if s is None or a not in nodes or b not in nodes:
            continue
        edges.append(edge_json(s, a, b))
        edge = network.Edge(str(sid), str(a), str(b), s.prop, s.grade, s.observed_on, s.marking.label)
        all_edges.append(edge)
        if a != root and b != root:
            pure_edges.append(edge)
    roles_by_id = {str(i): r for i, r in member_ids.items() if i in nodes}
    shown = [network.Node(str(i), nodes[i]["schema"], nodes[i]["caption"]) for i in member_ids if i in nodes]
    members_graph = network.Graph(shown, pure_edges)
    whole = network.Graph([*shown, network.Node(str(root), nodes[root]["schema"])], all_edges)
    marking = strictest(statements[uuid.UUID(e["id"])].marking for e in edges)
    return root, nodes, roles_by_id, edges, members_graph, whole, marking


def group_network(
    session: Session,
    actor: Principal,
    group_id: uuid.UUID | str,
    *,
    min_grade: str | None = None,
    since: date | None = None,
    until: date | None = None,
    index: LinkIndex | None = None,
) -> dict[str, Any]:
    """A group's network: its members (by member_of / leader_of of the group and of its factions, which
    are stated faction_of it), their stated roles, the relations among them, centrality and cells, with leaders
    and brokers marked.

    Centrality and cells are computed over the members and factions (the group itself left out: tied to
    everyone, it would be the centre of every measure)."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    grade = check_filters(min_grade, since, until)
    idx = _index(session, index)
    root, nodes, roles, edges, pure, _whole, marking = _group_graph(
        session, viewer, idx, group_id, min_grade=grade, since=since, until=until
    )
    leaders = [i for i, r in roles.items() if "leader" in r]
    cells = network.communities(pure)
    scores = network.centrality(pure, leaders=leaders, cells=cells)
    top = max((s.eigenvector for s in scores), default=0.0) or 1.0
    for s in scores:
        node = nodes[uuid.UUID(s.id)]
        node["roles"] = sorted(set(s.roles))
        node["community"] = s.community
        node["weight"] = round(0.2 + 0.8 * s.eigenvector / top, 3)
    nodes[root]["roles"] = ["focus"]
    nodes[root]["weight"] = 1.0
    members: list[dict[str, Any]] = [
        {
            "entity": {k: nodes[uuid.UUID(s.id)][k] for k in ("id", "caption", "schema", "href")},
            "stated_roles": sorted(roles.get(s.id, ())),
            "roles": list(s.roles),
            "degree": s.degree,
            "betweenness": s.betweenness,
            "eigenvector": s.eigenvector,
            "community": s.community,
        }
        for s in scores
    ]
    graph = {
        "nodes": [nodes[root], *(nodes[uuid.UUID(s.id)] for s in scores)],
        "edges": edges,
        "marking": marking.label,
    }
    out = {
        "group": {k: nodes[root][k] for k in ("id", "caption", "schema", "href")},
        "filters": _filters(grade, since, until),
        "members": members,
        "leaders": [m["entity"]["id"] for m in members if "leader" in m["roles"]],
        "brokers": [m["entity"]["id"] for m in members if "broker" in m["roles"]],
        "communities": {
            "count": len(cells.sizes),
            "modularity": cells.modularity,
            "sizes": cells.sizes,
        },
        "graph": graph,
        "marking": marking.label,
    }
    audit(
        session,
        actor=actor,
        action="analysis.network",
        target_type="bank_entity",
        target_id=root,
        details={"entities": [str(root), *(m["entity"]["id"] for m in members)], "relations": len(edges)},
    )
    return out


def timeline(
    session: Session, actor: Principal, group_id: uuid.UUID | str, *, index: LinkIndex | None = None
) -> dict[str, Any]:
    """The structure of a group's network year by year (members tied by dated relations observed by then,
    relations, density, the top broker)."""
    return timeline_marked(session, actor, group_id, index=index)[0]


def timeline_marked(
    session: Session, actor: Principal, group_id: uuid.UUID | str, *, index: LinkIndex | None = None
) -> tuple[dict[str, Any], Marking]:
    """:func:`timeline` and the strictest marking of the relations it counted (for a briefing)."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    idx = _index(session, index)
    root, nodes, _roles, _edges, _members, whole, marking = _group_graph(
        session, viewer, idx, group_id, min_grade=None, since=None, until=None
    )
    years = network.timeline(whole, ignore=[str(root)])
    out = {
        "group": {k: nodes[root][k] for k in ("id", "caption", "schema", "href")},
        "years": [
            {
                "year": y.year,
                "members": y.members,
                "relations": y.edges,
                "density": y.density,
                "top_broker": (
                    {k: nodes[uuid.UUID(y.top_broker)][k] for k in ("id", "caption", "schema", "href")}
                    if y.top_broker
                    else None
                ),
            }
            for y in years
        ],
        "marking": marking.label,
    }
    brokers = sorted({y.top_broker for y in years if y.top_broker})
    audit(
        session,
        actor=actor,
        action="analysis.timeline",
        target_type="bank_entity",
        target_id=root,
        details={"entities": [str(root), *brokers]},
    )
    return out, marking


# -- the whole graph --


def communities(
    session: Session,
    actor: Principal,
    *,
    min_grade: str | None = None,
    since: date | None = None,
    until: date | None = None,
    top: int = TOP_PER_COMMUNITY,
    max_communities: int = 50,
    index: LinkIndex | None = None,
) -> dict[str, Any]:
    """Cells of the whole graph the actor may see (Leiden, modularity), largest first, each with its size and its
    best-tied members. Entities with no visible relation are not part of any cell."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    grade = check_filters(min_grade, since, until)
    idx = _index(session, index)
    allowed = idx.allowed(viewer)
    ids, pairs, count = idx.visible_pairs(allowed, min_grade=grade, since=since, until=until)
    if count > network.MAX_EDGES:
        network.check_size(len(ids), count)
    cells = network.partition([str(i) for i in ids], pairs)
    degree = [0] * len(ids)
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    by_cell: dict[int, list[int]] = {}
    for n, ident in enumerate(ids):
        c = cells.membership[str(ident)]
        if c < max_communities:
            by_cell.setdefault(c, []).append(n)
    shown: dict[int, list[uuid.UUID]] = {
        c: [ids[n] for n in sorted(members, key=lambda n: (-degree[n], str(ids[n])))[:top]]
        for c, members in by_cell.items()
    }
    nodes = _nodes(session, viewer, [i for members in shown.values() for i in members])
    out = {
        "filters": _filters(grade, since, until),
        "entities": len(ids),
        "relations": count,
        "modularity": cells.modularity,
        "count": len(cells.sizes),
        "communities": [
            {
                "community": c,
                "size": cells.sizes[c],
                "members": [
                    {k: nodes[i][k] for k in ("id", "caption", "schema", "href")} for i in shown[c] if i in nodes
                ],
            }
            for c in sorted(shown)
        ],
    }
    audit(
        session,
        actor=actor,
        action="analysis.communities",
        target_type="bank",
        details={"entities": sorted(str(i) for i in nodes)},
    )
    return out
