"""Link analysis over the bank's entities and relations: pure (no database, no web), on igraph.

A :class:`Graph` holds entities (nodes) and relation statements (edges), each edge with its provenance (statement
id, relation code, Admiralty grade, date observed, marking, audience number, source citation). Whoever builds a
graph has already applied need to know: only visible relations between visible entities go in. This module
answers on what it is given:

- :func:`shortest_paths`: every shortest path between two entities (at most ``limit``), relations read in both
  directions, each path as its edges, filtered by minimum grade and date window;
- :func:`centrality`: degree, betweenness and eigenvector centrality (normalised to 0..1) with the *leader* and
  *broker* roles;
- :func:`communities`: Leiden with the modularity objective, seeded so the same graph gives the same cells;
- :func:`timeline`: the structure year by year.

The path search itself (:func:`bidirectional_paths`) works on integer nodes and edges through a neighbour
function, so the bank's in-memory index (:mod:`liaison.queries.link_index`) runs exactly this code.

Date filter: with neither ``since`` nor ``until`` every edge counts, dated or not. Once a window is asked for,
an undated edge is left out: nobody can say it falls inside the window, and a path an analyst defends as
"in 2023" must not rest on a relation of unknown date.

Bounds: a graph refuses more than ``max_nodes``/``max_edges`` and every analysis has a time budget; both raise
:class:`GraphTooLarge` with a sentence saying how to narrow the question, never a hung request.
"""

from __future__ import annotations

import random
import threading
import time
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

import igraph as ig

from liaison.analysis import grades
from liaison.errors import LiaisonError
from liaison.i18n import _

MAX_NODES = 200_000
MAX_EDGES = 1_000_000
PATH_LIMIT = 10
PATH_SECONDS = 2.0
ANALYSIS_SECONDS = 60.0
SEED = 13
LEIDEN_SECONDS = 30.0
LEIDEN_ROUNDS = 20
LEIDEN_GAIN = 0.001
TOP_ROLES = 3  # at most this many leaders found by eigenvector, and brokers


class GraphTooLarge(LiaisonError):
    """An analysis over more than the bounds allow, or one that ran out of time: the message says how to narrow it."""

    status = 422
    code = "graph_too_large"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    schema: str = ""
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Edge:
    """One relation statement: ``source`` --relation--> ``target``."""

    id: str  # the statement's id
    source: str
    target: str
    relation: str
    grade: str = "F6"
    observed_on: date | None = None
    marking: str = ""
    audience: int = 0
    source_citation: str = ""


@dataclass(frozen=True, slots=True)
class Path:
    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True, slots=True)
class Score:
    id: str
    degree: float
    betweenness: float
    eigenvector: float
    community: int | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Communities:
    membership: dict[str, int]  # node -> community number, 0 the largest
    modularity: float
    sizes: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class YearStructure:
    year: int
    members: int
    edges: int
    density: float
    top_broker: str | None


class Budget:
    """A deadline; :meth:`check` raises :class:`GraphTooLarge` once it has passed."""

    def __init__(self, seconds: float, hint: str) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.hint = hint

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise GraphTooLarge(
                _(
                    "the analysis took longer than %(seconds)s seconds; narrow it with %(hint)s",
                    seconds=int(self.seconds),
                    hint=self.hint,
                )
            )


def narrow_hint() -> str:
    return _("a minimum grade, a date window or a smaller group")


def check_size(nodes: int, edges: int, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES) -> None:
    if edges > max_edges or nodes > max_nodes:
        raise GraphTooLarge(
            _(
                "this graph has %(nodes)s entities and %(edges)s relations (at most %(max_nodes)s and %(max_edges)s);"
                " narrow it with %(hint)s",
                nodes=nodes,
                edges=edges,
                max_nodes=max_nodes,
                max_edges=max_edges,
                hint=narrow_hint(),
            )
        )


def edge_passes(
    grade: str, observed_on: date | None, *, min_grade: str | None, since: date | None, until: date | None
) -> bool:
    """The grade and date filters on one edge (see the module docstring on undated edges)."""
    if min_grade and not grades.at_least(grade, min_grade):
        return False
    if since is None and until is None:
        return True
    if observed_on is None:
        return False
    return (since is None or observed_on >= since) and (until is None or observed_on <= until)


# -- the path search (integer nodes and edges) --

Neighbours = Callable[[int], Iterable[tuple[int, int]]]


def bidirectional_paths(
    a: int, b: int, neighbours: Neighbours, *, limit: int = PATH_LIMIT, budget: Budget | None = None
) -> list[tuple[list[int], list[int]]]:
    """Every shortest path from ``a`` to ``b`` (at most ``limit``), as (nodes, edges), by breadth-first search from
    both ends, the smaller frontier first.

    Each side keeps, for every node it reached, *all* its (parent, edge) pairs one level closer to its start. The
    first expansion that reaches a node the other side holds ends the search: the two balls were disjoint before,
    so the distance is exactly the two radii plus one and every shortest path crosses the newly reached layer at a
    node the other side holds (at its full radius). The paths are the products of the two sides' parent chains
    through those meeting nodes, enumerated lazily in a fixed order (parents sorted by edge number)."""
    if a == b:
        return [([a], [])]
    if limit <= 0:
        return []
    fwd: dict[int, list[tuple[int, int]]] = {a: []}
    bwd: dict[int, list[tuple[int, int]]] = {b: []}
    front_f, front_b = [a], [b]
    steps = 0
    while front_f and front_b:
        forward = len(front_f) <= len(front_b)
        frontier, mine, other = (front_f, fwd, bwd) if forward else (front_b, bwd, fwd)
        reached: dict[int, list[tuple[int, int]]] = {}
        for u in frontier:
            steps += 1
            if budget is not None and steps % 512 == 0:
                budget.check()
            for v, e in neighbours(u):
                if v in mine:
                    continue
                found = reached.get(v)
                if found is None:
                    reached[v] = [(u, e)]
                else:
                    found.append((u, e))
        mine.update(reached)
        meet = sorted(v for v in reached if v in other)
        if meet:
            return list(islice(_join(meet, fwd, bwd), limit))
        if forward:
            front_f = list(reached)
        else:
            front_b = list(reached)
    return []


def _halves(node: int, parents: dict[int, list[tuple[int, int]]]) -> Iterator[tuple[list[int], list[int]]]:
    """Paths from ``node`` back to the side's start: (nodes from node to start, edges in that order)."""
    ups = parents[node]
    if not ups:
        yield [node], []
        return
    for parent, edge in sorted(ups, key=lambda pe: pe[1]):
        for nodes, edges in _halves(parent, parents):
            yield [node, *nodes], [edge, *edges]


def _join(
    meet: list[int], fwd: dict[int, list[tuple[int, int]]], bwd: dict[int, list[tuple[int, int]]]
) -> Iterator[tuple[list[int], list[int]]]:
    for m in meet:
        backs = None
        for n1, e1 in _halves(m, fwd):
            if backs is None:
                backs = list(islice(_halves(m, bwd), 10_000))
            for n2, e2 in backs:
                yield n1[::-1] + n2[1:], e1[::-1] + e2


# -- the graph --


class Graph:
    """Entities and the relations between them, numbered for igraph. Edges whose ends are not among the nodes, and
    relations of an entity with itself, are left out (a relation to an entity the viewer may not see is not
    given here at all; this is the second lock)."""

    def __init__(
        self, nodes: Iterable[Node], edges: Iterable[Edge], *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> None:
        self.nodes: dict[str, Node] = {}
        for n in nodes:
            self.nodes.setdefault(n.id, n)
            if len(self.nodes) > max_nodes:
                check_size(len(self.nodes), 0, max_nodes=max_nodes, max_edges=max_edges)
        kept: dict[str, Edge] = {}
        for e in edges:
            if e.source in self.nodes and e.target in self.nodes and e.source != e.target:
                kept.setdefault(e.id, e)
                if len(kept) > max_edges:
                    check_size(len(self.nodes), len(kept), max_nodes=max_nodes, max_edges=max_edges)
        self.edges: list[Edge] = sorted(kept.values(), key=lambda e: e.id)
        self.ids: list[str] = sorted(self.nodes)
        self.number: dict[str, int] = {n: i for i, n in enumerate(self.ids)}
        self._adjacency: list[list[tuple[int, int]]] | None = None

    def __len__(self) -> int:
        return len(self.nodes)

    def filtered(self, *, min_grade: str | None = None, since: date | None = None, until: date | None = None) -> Graph:
        """The same entities with only the relations passing the grade and date filters."""
        return Graph(
            self.nodes.values(),
            [
                e
                for e in self.edges
                if edge_passes(e.grade, e.observed_on, min_grade=min_grade, since=since, until=until)
            ],
        )

    def subgraph(self, ids: Iterable[str]) -> Graph:
        keep = set(ids)
        return Graph((n for n in self.nodes.values() if n.id in keep), self.edges)

    def adjacency(self) -> list[list[tuple[int, int]]]:
        """For each node number, its (neighbour number, edge number) pairs, both directions, sorted."""
        if self._adjacency is None:
            adj: list[list[tuple[int, int]]] = [[] for _ in self.ids]
            for k, e in enumerate(self.edges):
                s, t = self.number[e.source], self.number[e.target]
                adj[s].append((t, k))
                adj[t].append((s, k))
            self._adjacency = adj
        return self._adjacency

    def igraph(self) -> ig.Graph:
        """Undirected, simple (parallel relations and their directions joined: centrality and cells are about who
        is tied to whom, not how many statements say so)."""
        pairs = {tuple(sorted((self.number[e.source], self.number[e.target]))) for e in self.edges}
        return ig.Graph(n=len(self.ids), edges=sorted(pairs), directed=False)


def shortest_paths(
    graph: Graph,
    a: str,
    b: str,
    *,
    min_grade: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = PATH_LIMIT,
    seconds: float = PATH_SECONDS,
) -> list[Path]:
    """The shortest paths between ``a`` and ``b`` over the relations passing the filters, best graded first."""
    if a not in graph.nodes or b not in graph.nodes:
        return []
    g = graph.filtered(min_grade=min_grade, since=since, until=until) if (min_grade or since or until) else graph
    adj = g.adjacency()
    found = bidirectional_paths(
        g.number[a],
        g.number[b],
        adj.__getitem__,
        limit=max(limit * 5, 50),
        budget=Budget(seconds, narrow_hint()),
    )
    paths = [Path(tuple(g.ids[n] for n in nodes), tuple(g.edges[e] for e in edges)) for nodes, edges in found]
    return sorted(paths, key=path_order)[:limit]


def grade_rank(grade: str) -> int:
    """0 for A1 up to 10 for F6: the sum of the two scales' positions."""
    return grades.RELIABILITY.index(grade[0]) + grades.CREDIBILITY.index(grade[1])


def path_order(p: Path) -> tuple[int, int, tuple[str, ...]]:
    """Best path first: its weakest edge's grade, then all its edges' grades together, then the statement ids."""
    ranks = [grade_rank(e.grade) for e in p.edges] or [0]
    return max(ranks), sum(ranks), tuple(e.id for e in p.edges)


# -- centrality, roles, communities --


def communities(graph: Graph, *, seed: int = SEED, seconds: float = LEIDEN_SECONDS) -> Communities:
    """Cells of ``graph`` (see :func:`partition`), keyed by entity id."""
    if not graph.ids:
        return Communities({}, 0.0, [])
    check_size(len(graph.ids), len(graph.edges))
    pairs = {tuple(sorted((graph.number[e.source], graph.number[e.target]))) for e in graph.edges}
    return partition(graph.ids, sorted(pairs), seed=seed, seconds=seconds)  # type: ignore[arg-type]


def partition(
    ids: Sequence[str], pairs: Sequence[tuple[int, int]], *, seed: int = SEED, seconds: float = LEIDEN_SECONDS
) -> Communities:
    """Cells: Leiden with the modularity objective from a fixed seed, over nodes ``0..len(ids)-1`` tied by
    ``pairs``. Communities are numbered by size, largest first (ties by their first member's id), so the numbers
    are stable too.

    Leiden runs one iteration at a time, each refining the last partition, until an iteration gains less than
    ``LEIDEN_GAIN`` modularity, ``LEIDEN_ROUNDS`` have run, or ``seconds`` have passed. (Run "until stable" in one
    call, igraph may iterate for minutes on a large graph with little structure, for a last gain in the fourth
    decimal.) Small graphs converge long before the time limit, so the same graph gives the same cells."""
    if not ids:
        return Communities({}, 0.0, [])
    check_size(len(ids), len(pairs))
    g = ig.Graph(n=len(ids), edges=list(pairs), directed=False)
    deadline = time.monotonic() + seconds
    membership: list[int] | None = None
    best = -1.0
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - reproducible partition, not security
        try:
            for _round in range(LEIDEN_ROUNDS):
                found = g.community_leiden(
                    objective_function="modularity", n_iterations=1, initial_membership=membership
                )
                quality = g.modularity(found.membership) if g.ecount() else 0.0
                gain = quality - best
                if membership is None or gain > 0:
                    membership, best = list(found.membership), quality
                if gain < LEIDEN_GAIN or time.monotonic() > deadline:
                    break
        finally:
            ig.set_random_number_generator(random)
    assert membership is not None
    groups: dict[int, list[int]] = {}
    for node, c in enumerate(membership):
        groups.setdefault(c, []).append(node)
    order = sorted(groups.values(), key=lambda members: (-len(members), ids[members[0]]))
    numbered = {ids[n]: k for k, members in enumerate(order) for n in members}
    return Communities(numbered, round(float(max(best, 0.0) if g.ecount() else 0.0), 4), [len(m) for m in order])


_RNG_LOCK = threading.Lock()


def centrality(
    graph: Graph,
    *,
    leaders: Iterable[str] = (),
    cells: Communities | None = None,
    seconds: float = ANALYSIS_SECONDS,
) -> list[Score]:
    """Each entity's degree, betweenness and eigenvector centrality, normalised to 0..1, with its roles.

    - *leader*: the entities in ``leaders`` (those stated to lead the group or a faction); when none is, the top
      entities by eigenvector centrality (tied to the best-tied);
    - *broker*: the top entities by betweenness (on most shortest paths between others) that tie at least two
      communities together.

    Sorted by eigenvector centrality, then betweenness, then id."""
    n = len(graph.ids)
    if n == 0:
        return []
    check_size(n, len(graph.edges))
    budget = Budget(seconds, narrow_hint())
    g = graph.igraph()
    degrees = g.degree()
    degree = [d / (n - 1) if n > 1 else 0.0 for d in degrees]
    budget.check()
    raw_between = g.betweenness(directed=False)
    pairs = (n - 1) * (n - 2) / 2
    between = [b / pairs if pairs else 0.0 for b in raw_between]
    budget.check()
    with warnings.catch_warnings():
        # igraph warns that a disconnected graph's smaller components get (nearly) zero: that is the answer we
        # document (the measure ranks entities within the best-tied part of the network).
        warnings.simplefilter("ignore", RuntimeWarning)
        eigen = [max(0.0, float(x)) for x in g.eigenvector_centrality()] if g.ecount() else [0.0] * n
    cells = cells or communities(graph)
    stated = {x for x in leaders if x in graph.number}
    if not stated:
        ranked = sorted(range(n), key=lambda i: (-eigen[i], graph.ids[i]))
        stated = {graph.ids[i] for i in ranked[:TOP_ROLES] if eigen[i] > 0 and eigen[i] >= 0.5}
    adj = graph.adjacency()
    brokers: set[str] = set()
    for i in sorted(range(n), key=lambda i: (-between[i], graph.ids[i])):
        if len(brokers) >= TOP_ROLES or between[i] <= 0:
            break
        near = {cells.membership.get(graph.ids[j]) for j, _e in adj[i]} | {cells.membership.get(graph.ids[i])}
        if len(near) >= 2:
            brokers.add(graph.ids[i])
    scores = []
    for i, ident in enumerate(graph.ids):
        roles = tuple(r for r, on in (("leader", ident in stated), ("broker", ident in brokers)) if on)
        scores.append(
            Score(
                ident,
                round(degree[i], 4),
                round(between[i], 4),
                round(float(eigen[i]), 4),
                cells.membership.get(ident),
                roles,
            )
        )
    return sorted(scores, key=lambda s: (-s.eigenvector, -s.betweenness, s.id))


def timeline(
    graph: Graph,
    *,
    years: Sequence[int] | None = None,
    ignore: Collection[str] = (),
    seconds: float = ANALYSIS_SECONDS,
) -> list[YearStructure]:
    """The network as known at the end of each year: the dated relations observed by then and the entities they
    tie (undated relations cannot be placed in time and are left out). Entities in ``ignore`` (the group itself,
    tied to every member) count neither as members nor as brokers, and their relations not in the density. Density
    is relations over possible pairs; the top broker is the entity with the highest betweenness that year."""
    dated = [e for e in graph.edges if e.observed_on is not None]
    if not dated:
        return []
    first = min(e.observed_on.year for e in dated if e.observed_on)
    last = max(e.observed_on.year for e in dated if e.observed_on)
    wanted = years or range(first, last + 1)
    skip = set(ignore)
    budget = Budget(seconds, narrow_hint())
    out = []
    for year in wanted:
        budget.check()
        known = [e for e in dated if e.observed_on is not None and e.observed_on.year <= year]
        ids = {x for e in known for x in (e.source, e.target)} - skip
        g = Graph((graph.nodes[i] for i in ids), known)
        simple = g.igraph()
        m = simple.ecount()
        n = len(g.ids)
        density = (2 * m / (n * (n - 1))) if n > 1 else 0.0
        top = None
        if n > 2 and m:
            between = simple.betweenness(directed=False)
            best = max(range(n), key=lambda i: (between[i], -i))
            top = g.ids[best] if between[best] > 0 else None
        out.append(YearStructure(year, n, m, round(density, 4), top))
    return out
