"""Link analysis at scale, through the database: a synthetic bank of 100,000 entities and 500,000 relation
statements (planted cells, one group of 5,000 members, mixed markings from twelve contributing organisations
of six members, grades and dates) bulk-inserted into a fresh database; then the link index built from it, path
queries as a non-operator analyst sees them, the centrality of the 5,000-member group and whole-graph
communities, each beside plain networkx on the same graph in the same run.

    .venv/bin/python bench/analysis.py [--entities 100000 --relations 500000] [--database-url URL] [--json]

``--database-url`` names a PostgreSQL server: a scratch ``liaison_bench_analysis_<random>`` database is made
there and dropped afterwards; without it, a fresh SQLite file. networkx runs in a forked child that is stopped
after ``--cap`` seconds ("did not finish in N s"). Targets: path p95 under 200 ms with the access rules applied;
whole-graph analyses under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
from sqlalchemy import insert, select, text

from liaison.bank.access import Viewer, statement_visible
from liaison.models import BankEntity, BankRevision, Member, Organisation, Statement

MEMBERS = ("FR", "DE", "JO", "IT", "ES", "NL")
# Relation markings: (tlp, releasable to one member?, share). Most AMBER/GREEN; some strict or restricted.
MARKINGS = (("AMBER", False, 0.55), ("GREEN", False, 0.28), ("AMBER+STRICT", False, 0.07), ("RED", True, 0.04),
            ("AMBER", True, 0.06))  # fmt: skip
GRADES = [r + c for r in "ABCDEF" for c in "123456"]
GRADE_WEIGHTS = [max(1, 12 - 2 * "ABCDEF".index(g[0]) - "123456".index(g[1])) for g in GRADES]
FIRST = ("Samir", "Nadia", "Lucas", "Anis", "Murat", "Jonas", "Leonie", "Omar", "Bilal", "Layla", "Moussa", "Aminata",
         "Hassan", "Rustam", "Aylin", "Walid", "Karim", "Dmitri", "Yusuf", "Idris", "Kamal", "Timur", "Ibrahim",
         "Fatouma", "Mehmet", "Nour", "Elias", "Zelimkhan", "Sofiane", "Hamza", "Самир", "Тимур", "Рустам", "Дмитрий",
         "عمر", "بلال", "ليلى", "حسن", "كمال", "نور")  # fmt: skip
LAST = ("Benali", "Oukil", "Moreau", "Belkacem", "Yildiz", "Becker", "Hartmann", "al-Masri", "Qasem", "Haddadin",
        "Traore", "Diallo", "Kurdi", "Nazarov", "Demir", "Saab", "Haddar", "Volkanov", "Darwish", "Aliev", "Keita",
        "Kaya", "Haidar", "Wagner", "Mebarki", "Obeidat", "Дудаев", "Алиев", "Назаров", "المصري", "قاسم", "درويش",
        "حيدر", "كردي")  # fmt: skip
TARGET_PATH_MS = 200.0
TARGET_WHOLE_S = 60.0


@dataclass
class Bank:
    """The synthetic bank as rows, plus what the measurements need to know about it."""

    members: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    big_group: uuid.UUID | None = None
    persons: list[uuid.UUID] = field(default_factory=list)
    cells: int = 0


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def generate(entities: int, relations: int, *, group_size: int = 5000, seed: int = 13) -> Bank:
    """Rows of a synthetic bank with a known structure.

    Persons sit in cells of 8 to 40; each cell belongs to a group (the first group gets ``group_size`` members).
    Of the relations: one membership per person, one leader per group, a training area for a fifth of the
    persons, and the rest ties of which 85% fall inside a cell (the planted communities) and 15% between random
    persons. Each relation is contributed by one of twelve organisations with a marking drawn from MARKINGS."""
    rng = random.Random(seed)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    bank = Bank()
    for code in MEMBERS:
        mid = _uuid(rng)
        bank.members.append({"id": mid, "code": code, "name": f"Bench member {code}", "kind": "state",
                             "created_at": now, "updated_at": now})  # fmt: skip
        for k in range(2):
            bank.organisations.append({
                "id": _uuid(rng), "name": f"Bench agency {code}-{k}", "short_name": f"{code}{k}", "kind": "agency",
                "member_id": mid, "created_at": now, "updated_at": now,
            })  # fmt: skip
    orgs = [(o["id"], MEMBERS[i // 2]) for i, o in enumerate(bank.organisations)]
    n_groups = max(2, entities // 200)
    n_places = max(1, entities // 100)
    n_persons = entities - n_groups - n_places
    group_size = min(group_size, n_persons // 2)
    kinds = ["Organization"] * n_groups + ["Address"] * n_places + ["Person"] * n_persons
    ids = [_uuid(rng) for _ in kinds]
    groups, places, persons = ids[:n_groups], ids[n_groups : n_groups + n_places], ids[n_groups + n_places :]
    bank.big_group, bank.persons = groups[0], persons
    rows = bank.statements
    weights = [m[2] for m in MARKINGS]
    start = date(2015, 1, 1)

    def statement(subject: uuid.UUID, prop: str, value: str, obj: uuid.UUID | None, *, open_only: bool = False) -> None:
        org, member = orgs[rng.randrange(len(orgs))]
        tlp, restricted, _w = MARKINGS[
            0 if open_only and rng.random() < 0.7 else rng.choices(range(len(MARKINGS)), weights)[0]
        ]
        if open_only and tlp not in ("AMBER", "GREEN"):
            tlp, restricted = "GREEN", False
        grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
        rows.append({
            "id": _uuid(rng), "entity_id": subject, "prop": prop, "value": value, "object_id": obj,
            "name_kind": "primary" if prop == "name" else None, "contributor_organisation_id": org,
            "source": f"Bench report {rng.randrange(10_000)}",
            "observed_on": start + timedelta(days=rng.randrange(4300)),
            "reliability": grade[0], "credibility": grade[1], "tlp": tlp, "originator_control": False, "purpose": "",
            "releasable_to": f",{rng.choice([m for m in MEMBERS if m != member])}," if restricted else "",
            "created_by_name": "bench", "created_at": now, "updated_at": now,
        })  # fmt: skip

    for ident, kind in zip(ids, kinds, strict=True):
        bank.entities.append({
            "id": ident, "schema": kind, "data_subject_category": "suspect" if kind == "Person" else None,
            "legal_basis": "bench: synthetic", "status": "active", "created_by_name": "bench",
            "contributor_organisation_id": orgs[0][0], "created_at": now, "updated_at": now,
        })  # fmt: skip
    for i, g in enumerate(groups):
        statement(g, "name", f"Bench group {i}", None, open_only=True)
    for i, p in enumerate(places):
        statement(p, "name", f"Bench training area {i}", None, open_only=True)
    for p in persons:
        # 2% of persons known only to their contributor (a strict name): they are not there for others at all.
        statement(p, "name", f"{rng.choice(FIRST)} {rng.choice(LAST)}", None, open_only=rng.random() < 0.98)
    # Cells: the first group's cells hold group_size persons, the rest go round the other groups.
    cells: list[list[uuid.UUID]] = []
    cell_group: list[uuid.UUID] = []
    at = 0
    while at < n_persons:
        size = rng.randint(8, 40)
        cell = persons[at : at + size]
        if at < group_size:
            cell = persons[at : min(at + size, group_size)]
        cells.append(cell)
        cell_group.append(groups[0] if at < group_size else groups[1 + len(cells) % (n_groups - 1)])
        at += len(cell)
    bank.cells = len(cells)
    for cell, g in zip(cells, cell_group, strict=True):
        for p in cell:
            statement(p, "member_of", "", g)
    for g in groups:
        led = [c for c, cg in zip(cells, cell_group, strict=True) if cg == g]
        if led:
            statement(led[0][0], "leader_of", "", g)
    for cell in cells:
        place = places[rng.randrange(n_places)]
        for p in cell[: max(1, len(cell) // 5)]:
            statement(p, "trains_at", "", place)
    left = max(0, relations - (len(rows) - entities))
    ties = ("associate_of", "associate_of", "associate_of", "family_of", "finances")
    for _ in range(left):
        if rng.random() < 0.85:
            cell = cells[rng.randrange(len(cells))]
            a, b = rng.sample(cell, 2) if len(cell) > 1 else (cell[0], persons[rng.randrange(n_persons)])
        else:
            a, b = persons[rng.randrange(n_persons)], persons[rng.randrange(n_persons)]
        if a == b:
            b = persons[(persons.index(a) + 1) % n_persons] if n_persons < 5000 else persons[rng.randrange(n_persons)]
        if a != b:
            statement(a, rng.choice(ties[:4]), "", b)
    return bank


def _chunks(rows: list[dict[str, Any]], size: int = 20_000) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def load(url: str, bank: Bank, progress: Callable[[str], None]) -> float:
    """Bulk-insert the rows (SQLAlchemy Core, one transaction) into a migrated database; seconds taken."""
    from liaison.db import make_engine

    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Member.__table__), bank.members)
        conn.execute(insert(Organisation.__table__), bank.organisations)
        for rows in _chunks(bank.entities):
            conn.execute(insert(BankEntity.__table__), rows)
        done = 0
        for rows in _chunks(bank.statements):
            conn.execute(insert(Statement.__table__), rows)
            done += len(rows)
            progress(f"statements {done:,}/{len(bank.statements):,}")
        if conn.scalar(select(BankRevision.revision).where(BankRevision.id == 1)) is None:
            conn.execute(insert(BankRevision.__table__), [{"id": 1, "revision": 1}])
        else:
            conn.execute(text("UPDATE bank_revision SET revision = revision + 1 WHERE id = 1"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


# -- networkx, on the same rows read back from the database --


@dataclass
class NxGraphs:
    whole: nx.Graph
    visible: nx.Graph  # the viewer's: visible relations between entities with a visible name
    visible_build_seconds: float


def networkx_graphs(url: str, viewer: Viewer) -> NxGraphs:
    """The whole relation graph and the viewer's filtered one, built by networkx from the database rows (the
    filter is the bank's pure rule, applied row by row)."""
    from liaison.db import make_engine
    from liaison.models.bank import releasable_codes

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Statement.entity_id, Statement.object_id, Statement.prop, Statement.tlp,
                   Statement.contributor_organisation_id, Statement.releasable_to)
            .where(Statement.retracted_at.is_(None), (Statement.object_id.is_not(None)) | (Statement.prop == "name"))
        ).all()  # fmt: skip
    engine.dispose()
    whole = nx.Graph()
    for s, o, *_rest in rows:
        if o is not None:
            whole.add_edge(s, o)
    started = time.perf_counter()

    def sees(tlp: str, org: uuid.UUID | None, rel: str) -> bool:
        return statement_visible(viewer, tlp=tlp, contributor_organisation_id=org, releasable_to=releasable_codes(rel))

    named = {s for s, o, prop, tlp, org, rel in rows if prop == "name" and sees(tlp, org, rel)}
    visible = nx.Graph()
    visible.add_nodes_from(named)
    visible.add_edges_from(
        (s, o)
        for s, o, prop, tlp, org, rel in rows
        if o is not None and s in named and o in named and sees(tlp, org, rel)
    )
    return NxGraphs(whole, visible, time.perf_counter() - started)


def bounded(work: Callable[[], Any], cap: float) -> tuple[Any, float | None]:
    """Run ``work`` in a forked child (it shares the graphs copy-on-write); (result, seconds), or (None, None)
    when it did not finish within ``cap`` seconds (the child is stopped)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run() -> None:
        started = time.perf_counter()
        out = work()
        child.send((out, time.perf_counter() - started))

    proc = ctx.Process(target=run, daemon=True)
    proc.start()
    got = parent.poll(cap)
    result = parent.recv() if got else (None, None)
    if not got:
        proc.terminate()
    proc.join()
    return result


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")  # noqa: E731
    return {"p50_ms": pick(0.5) * 1000, "p95_ms": pick(0.95) * 1000, "max_ms": (ordered[-1] if ordered else 0) * 1000}


def pairs(persons: list[uuid.UUID], graph: nx.Graph, count: int, seed: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Random pairs of persons the viewer sees (whether connected or not: a miss is a query too)."""
    rng = random.Random(seed)
    seen = [p for p in persons if p in graph]
    return [tuple(rng.sample(seen, 2)) for _ in range(count)]  # type: ignore[misc]


def time_each(work: Callable[[uuid.UUID, uuid.UUID], Any], chosen: list[tuple[uuid.UUID, uuid.UUID]]) -> dict[str, Any]:
    samples, found = [], 0
    for a, b in chosen:
        started = time.perf_counter()
        out = work(a, b)
        samples.append(time.perf_counter() - started)
        found += bool(out)
    return {**percentiles(samples), "connected": found, "queries": len(chosen)}


def nx_path(graph: nx.Graph) -> Callable[[uuid.UUID, uuid.UUID], Any]:
    def one(a: uuid.UUID, b: uuid.UUID) -> Any:
        try:
            return nx.shortest_path(graph, a, b)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None

    return one


def nx_centrality(graph: nx.Graph) -> dict[str, Any]:
    started = time.perf_counter()
    nx.degree_centrality(graph)
    degree = time.perf_counter() - started
    nx.eigenvector_centrality(graph, max_iter=1000)
    eigen = time.perf_counter() - started - degree
    nx.betweenness_centrality(graph)
    return {"degree_s": degree, "eigenvector_s": eigen, "betweenness_s": time.perf_counter() - started - degree - eigen}


def nx_communities(graph: nx.Graph) -> dict[str, Any]:
    found = nx.community.louvain_communities(graph, seed=13)
    return {"communities": len(found), "modularity": nx.community.modularity(graph, found)}


# -- ours --


class Ours:
    """Our side, through the functions a request uses (:mod:`liaison.queries.links`), each query in its own
    transaction as a request's (with its audit row), as a non-operator analyst."""

    def __init__(self, url: str, viewer: Viewer, member_id: uuid.UUID) -> None:
        from liaison.db import make_engine, make_session_factory
        from liaison.principal import Principal

        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)
        self.actor = Principal(None, "bench analyst", viewer.organisation_id, member_id,
                               frozenset({("analyst", None)}), via="cli", ip="bench")  # fmt: skip
        self.index: Any = None
        self.viewer = viewer
        self.allowed: frozenset[int] | None = None

    def build(self) -> float:
        from liaison.queries.link_index import LinkIndex

        started = time.perf_counter()
        self.index = LinkIndex.load(self.engine)
        self.allowed = self.index.allowed(self.viewer)
        return time.perf_counter() - started

    def path_in_memory(self, a: uuid.UUID, b: uuid.UUID) -> Any:
        """The index's part of a request alone: the search over what the viewer may see, no SQL, no audit."""
        return self.index.paths(self.allowed, a, b, limit=30)

    def path(self, a: uuid.UUID, b: uuid.UUID) -> Any:
        from liaison.db import transaction
        from liaison.queries import links

        with transaction(self.sessions) as session:
            return links.shortest_paths(session, self.actor, a, b, index=self.index)["paths"]

    def centrality(self, group: uuid.UUID) -> dict[str, Any]:
        from liaison.db import transaction
        from liaison.queries import links

        started = time.perf_counter()
        with transaction(self.sessions) as session:
            out = links.group_network(session, self.actor, group, index=self.index)
        return {"seconds": time.perf_counter() - started, "members": len(out["members"]),
                "leaders": len(out["leaders"]), "brokers": len(out["brokers"]),
                "communities": out["communities"]["count"]}  # fmt: skip

    def communities(self) -> dict[str, Any]:
        from liaison.db import transaction
        from liaison.queries import links

        started = time.perf_counter()
        with transaction(self.sessions) as session:
            out = links.communities(session, self.actor, index=self.index)
        return {"seconds": time.perf_counter() - started, "communities": out["count"], "modularity": out["modularity"],
                "entities": out["entities"], "relations": out["relations"]}  # fmt: skip

    def close(self) -> None:
        self.engine.dispose()


def run(url: str, args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    """Generate, load, and measure both sides on a migrated database at ``url``."""
    result: dict[str, Any] = {"entities": args.entities, "relations": args.relations, "load_before": os.getloadavg()}
    started = time.perf_counter()
    bank = generate(args.entities, args.relations, group_size=args.group_size, seed=args.seed)
    relations = sum(1 for s in bank.statements if s["object_id"] is not None)
    result |= {"generate_s": time.perf_counter() - started, "relation_statements": relations, "cells": bank.cells}
    progress(f"generated {len(bank.entities):,} entities, {relations:,} relations in {result['generate_s']:.1f}s")
    result["load_s"] = load(url, bank, progress)
    progress(f"loaded in {result['load_s']:.1f}s")
    viewer_org, viewer_member = bank.organisations[0]["id"], bank.members[0]["id"]
    viewer = Viewer(viewer_org, MEMBERS[0], False, frozenset({"analyst"}))
    big, persons = bank.big_group, bank.persons
    del bank
    graphs = networkx_graphs(url, viewer)
    result["graph"] = {
        "nodes": graphs.whole.number_of_nodes(),
        "edges": graphs.whole.number_of_edges(),
        "viewer_nodes": graphs.visible.number_of_nodes(),
        "viewer_edges": graphs.visible.number_of_edges(),
    }
    progress(f"networkx graphs: {result['graph']}")
    ours = Ours(url, viewer, viewer_member)
    result["index_build_s"] = ours.build()
    progress(f"index built in {result['index_build_s']:.1f}s")
    for label, seed in (("tuning", args.seed + 1), ("heldout", args.seed + 2)):
        chosen = pairs(persons, graphs.visible, args.pairs, seed)
        result[f"path_{label}"] = {
            "ours": time_each(ours.path, chosen),
            "ours_memory": time_each(ours.path_in_memory, chosen),
            "nx_whole": time_each(nx_path(graphs.whole), chosen),
            "nx_viewer": time_each(nx_path(graphs.visible), chosen),
        }
        progress(f"paths ({label}): {result[f'path_{label}']}")
    assert big is not None
    members = [m for m in graphs.visible.neighbors(big)] if big in graphs.visible else []
    group_graph = graphs.visible.subgraph(members).copy()
    result["group"] = {"members": len(members), "edges": group_graph.number_of_edges()}
    result["group"]["ours"] = ours.centrality(big)
    progress(f"group centrality (ours): {result['group']['ours']}")
    out, seconds = bounded(lambda: nx_centrality(group_graph), args.cap)
    result["group"]["nx"] = {"seconds": seconds, **(out or {})}
    progress(f"group centrality (networkx): {result['group']['nx']}")
    result["communities"] = {"ours": ours.communities()}
    progress(f"communities (ours): {result['communities']['ours']}")
    out, seconds = bounded(lambda: nx_communities(graphs.visible), args.cap)
    result["communities"]["nx"] = {"seconds": seconds, **(out or {})}
    progress(f"communities (networkx): {result['communities']['nx']}")
    result["peak_rss_mb"] = _peak_rss_mb()
    result["load_after"] = os.getloadavg()
    ours.close()
    return result


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _s(value: float | None, cap: float) -> str:
    return f"did not finish in {cap:.0f} s" if value is None else f"{value:,.1f} s"


PATH_ROWS = (
    ("ours", "ours: request (access filter, SQL re-read, audit)"),
    ("ours_memory", "ours: in-memory search alone (index.paths)"),
    ("nx_whole", "networkx shortest_path, whole graph"),
    ("nx_viewer", "networkx shortest_path, viewer's subgraph"),
)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def table(r: dict[str, Any], cap: float) -> str:
    """The figures as a printed table, targets beside them."""
    g, c = r["graph"], r["communities"]
    lines = [
        f"Link analysis at scale: {r['entities']:,} entities, {r['relation_statements']:,} relation statements, "
        f"{r['cells']:,} planted cells ({os.cpu_count()} cores, Python {platform.python_version()})",
        f"generate {r['generate_s']:.1f} s; bulk load through the database {r['load_s']:.1f} s; graph "
        f"{g['nodes']:,} nodes / {g['edges']:,} edges; the viewer sees {g['viewer_nodes']:,} / {g['viewer_edges']:,}",
        f"ours: link index build from the database {r['index_build_s']:.1f} s",
        "",
        f"{'path query, ms (' + str(r['path_tuning']['ours']['queries']) + ' pairs per set)':<60}"
        f"{'p50':>10}{'p95':>10}{'max':>10}{'found':>10}",
    ]
    for label in ("tuning", "heldout"):
        for side, name in PATH_ROWS:
            m = r[f"path_{label}"][side]
            lines.append(
                f"{label + ': ' + name:<60}{_ms(m['p50_ms']):>10}{_ms(m['p95_ms']):>10}{_ms(m['max_ms']):>10}"
                f"{m['connected']:>10}"
            )
    worst = max(r["path_tuning"]["ours"]["p95_ms"], r["path_heldout"]["ours"]["p95_ms"])
    lines.append(f"target: path p95 < {TARGET_PATH_MS:.0f} ms with access rules: {_met(worst < TARGET_PATH_MS)}")
    grp = r["group"]
    nxg = grp["nx"]
    detail = ""
    if nxg.get("seconds") is not None:
        detail = (
            f" (degree {nxg['degree_s']:.2f} s, eigenvector {nxg['eigenvector_s']:.2f} s, "
            f"betweenness {nxg['betweenness_s']:.1f} s)"
        )
    lines += [
        "",
        f"centrality of the {grp['members']:,}-member group ({grp['edges']:,} ties among members): "
        f"ours (group_network: degree, betweenness, eigenvector, Leiden cells, roles) {grp['ours']['seconds']:.1f} s; "
        f"networkx {_s(nxg.get('seconds'), cap)}{detail}",
    ]
    nxc = c["nx"]
    tail = ""
    if nxc.get("seconds") is not None:
        tail = f", {nxc['communities']:,} communities, modularity {nxc['modularity']:.3f}"
    lines.append(
        f"whole-graph communities: ours (igraph Leiden, via links.communities) {c['ours']['seconds']:.1f} s, "
        f"{c['ours']['communities']:,} communities, modularity {c['ours']['modularity']:.3f}; "
        f"networkx louvain_communities {_s(nxc.get('seconds'), cap)}{tail}"
    )
    whole = max(c["ours"]["seconds"], grp["ours"]["seconds"])
    lines.append(f"target: whole-graph analyses < {TARGET_WHOLE_S:.0f} s: {_met(whole < TARGET_WHOLE_S)}")
    lines.append(
        f"peak RSS {r['peak_rss_mb']:,.0f} MB; load average before / after {r['load_before'][0]:.1f} / "
        f"{r['load_after'][0]:.1f}"
    )
    return "\n".join(lines)


def _pg_database(server: str, name: str, create: bool) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entities", type=int, default=100_000)
    p.add_argument("--relations", type=int, default=500_000)
    p.add_argument("--group-size", type=int, default=5_000, help="members of the big group")
    p.add_argument("--pairs", type=int, default=200, help="path queries per set (tuning and held-out)")
    p.add_argument("--cap", type=float, default=300.0, help="seconds networkx may take per analysis")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--database-url", help="a PostgreSQL server URL (a scratch database is made and dropped)")
    p.add_argument("--json", action="store_true", help="print JSON")
    return p


def main(argv: list[str] | None = None) -> None:
    from liaison.migrate import upgrade

    args = parser().parse_args(argv)
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    scratch, workdir = None, None
    if args.database_url:
        scratch = f"liaison_bench_analysis_{secrets.token_hex(4)}"
        url = _pg_database(args.database_url, scratch, True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-analysis-"))
        url = f"sqlite:///{workdir / 'bank.db'}"
    try:
        upgrade(url)
        result = run(url, args, progress)
    finally:
        if scratch:
            _pg_database(args.database_url, scratch, False)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2, default=str) if args.json else table(result, args.cap))


if __name__ == "__main__":
    main()
