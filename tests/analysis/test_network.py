"""The pure link analysis against a slow reference in plain networkx: the same path lengths, every shortest path,
no filtered edge ever used; centrality, cells and the bounds."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.analysis import grades
from liaison.analysis.network import (
    Edge,
    Graph,
    GraphTooLarge,
    Node,
    bidirectional_paths,
    centrality,
    communities,
    edge_passes,
    shortest_paths,
    timeline,
)

GRADES = [r + c for r in "ABCF" for c in "1236"]
DATES = [None, date(2019, 5, 1), date(2021, 1, 1), date(2023, 7, 9)]


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(2, 12))
    ids = [f"n{i:02d}" for i in range(n)]
    raw = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(GRADES), st.sampled_from(DATES)),
            max_size=30,
        )
    )
    edges = [Edge(f"s{k:03d}", ids[a], ids[b], "associate_of", g, d) for k, (a, b, g, d) in enumerate(raw)]
    return Graph([Node(i, "Person") for i in ids], edges)


def reference(graph: Graph, a: str, b: str, **filters: object) -> nx.MultiGraph:
    g = nx.MultiGraph()
    g.add_nodes_from(graph.nodes)
    for e in graph.edges:
        if edge_passes(e.grade, e.observed_on, **filters):  # type: ignore[arg-type]
            g.add_edge(e.source, e.target, key=e.id)
    return g


@settings(max_examples=150, deadline=None)
@given(
    graphs(),
    st.sampled_from([None, "B2", "C3"]),
    st.sampled_from([None, date(2020, 1, 1)]),
    st.sampled_from([None, date(2022, 12, 31)]),
)
def test_paths_agree_with_networkx_and_never_use_a_filtered_edge(graph, min_grade, since, until) -> None:
    filters = {"min_grade": min_grade, "since": since, "until": until}
    ref = reference(graph, "n00", "n01", **filters)
    paths = shortest_paths(graph, "n00", "n01", limit=1000, **filters)  # type: ignore[arg-type]
    if not nx.has_path(ref, "n00", "n01"):
        assert paths == []
        return
    length = nx.shortest_path_length(ref, "n00", "n01")
    # networkx gives node sequences; a path over parallel relations counts once per statement chosen.
    expected = 0
    for nodes in nx.all_shortest_paths(ref, "n00", "n01"):
        count = 1
        for u, v in zip(nodes, nodes[1:], strict=False):
            count *= ref.number_of_edges(u, v)
        expected += count
    assert len(paths) == min(expected, 1000)
    for p in paths:
        assert len(p.edges) == length
        assert p.nodes[0] == "n00" and p.nodes[-1] == "n01"
        for (u, v), e in zip(zip(p.nodes, p.nodes[1:], strict=False), p.edges, strict=True):
            assert {u, v} == {e.source, e.target}
            assert grades.at_least(e.grade, min_grade)
            if since or until:
                assert e.observed_on is not None
                assert (since is None or e.observed_on >= since) and (until is None or e.observed_on <= until)
    assert len({tuple(e.id for e in p.edges) for p in paths}) == len(paths)


def test_bidirectional_search_on_a_line_and_a_diamond() -> None:
    line = {0: [(1, 0)], 1: [(0, 0), (2, 1)], 2: [(1, 1)]}
    assert bidirectional_paths(0, 2, lambda n: line[n]) == [([0, 1, 2], [0, 1])]
    diamond = {0: [(1, 0), (2, 1)], 1: [(0, 0), (3, 2)], 2: [(0, 1), (3, 3)], 3: [(1, 2), (2, 3)]}
    assert sorted(bidirectional_paths(0, 3, lambda n: diamond[n])) == [([0, 1, 3], [0, 2]), ([0, 2, 3], [1, 3])]
    assert bidirectional_paths(0, 3, lambda n: diamond[n], limit=1) == [([0, 1, 3], [0, 2])]
    assert bidirectional_paths(0, 0, lambda n: diamond[n]) == [([0], [])]


def test_undated_edges_count_only_without_a_window() -> None:
    g = Graph([Node("a"), Node("b")], [Edge("s1", "a", "b", "associate_of", "B2", None)])
    assert len(shortest_paths(g, "a", "b")) == 1
    assert shortest_paths(g, "a", "b", since=date(2020, 1, 1)) == []


def two_cells() -> Graph:
    """Two triangles of people tied by one broker, one of them stated leader."""
    people = ["a1", "a2", "a3", "b1", "b2", "b3", "x"]
    pairs = [("a1", "a2"), ("a2", "a3"), ("a1", "a3"), ("b1", "b2"), ("b2", "b3"), ("b1", "b3")]
    pairs += [("a1", "x"), ("x", "b1")]
    edges = [Edge(f"s{k}", s, t, "associate_of", "B2", date(2018 + k // 3, 1, 1)) for k, (s, t) in enumerate(pairs)]
    return Graph([Node(p, "Person") for p in people], edges)


def test_centrality_marks_the_stated_leader_and_the_broker_between_cells() -> None:
    g = two_cells()
    cells = communities(g)
    assert cells.sizes[0] >= 3 and cells.modularity > 0.2
    assert cells.membership["a2"] == cells.membership["a3"] != cells.membership["b2"]
    scores = {s.id: s for s in centrality(g, leaders=["b2"], cells=cells)}
    assert "broker" in scores["x"].roles
    assert scores["x"].betweenness == max(s.betweenness for s in scores.values())
    assert scores["b2"].roles == ("leader",)
    assert all(0 <= s.degree <= 1 and 0 <= s.betweenness <= 1 and 0 <= s.eigenvector <= 1 for s in scores.values())
    again = communities(two_cells())
    assert again == cells  # seeded: the same cells every time


def test_leaders_by_eigenvector_when_none_is_stated() -> None:
    star = Graph([Node(str(i)) for i in range(6)], [Edge(f"s{i}", "0", str(i), "associate_of") for i in range(1, 6)])
    scores = {s.id: s for s in centrality(star)}
    assert "leader" in scores["0"].roles


def test_timeline_grows_with_the_statements() -> None:
    years = timeline(two_cells())
    assert [y.year for y in years] == [2018, 2019, 2020]
    assert [y.edges for y in years] == [3, 6, 8]
    assert years[-1].members == 7 and years[-1].top_broker == "x"


def test_too_large_a_graph_is_refused_with_a_way_to_narrow_it() -> None:
    with pytest.raises(GraphTooLarge) as err:
        Graph([Node(str(i)) for i in range(10)], [], max_nodes=5)
    assert "narrow it" in err.value.detail
