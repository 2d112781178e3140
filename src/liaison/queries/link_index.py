"""The process-wide link index over the bank: every current (not retracted) relation statement, in memory as
integer arrays, so "how is A connected to B?" is a breadth-first search in memory instead of a recursive query.

What it holds, per entity (a node number): its schema, the entity it was merged into (relations are drawn
between the *roots*, as the bank's neighbourhood does), and the audience numbers of its current *name*
statements (:class:`liaison.bank.access.Audiences`: the entity exists for a viewer iff one of those is theirs).
Per relation statement (an edge number): subject and object nodes, relation code, grade, date observed and its
audience number. The statement ids are kept to read the found edges back from the database.

A path query for a viewer (:meth:`LinkIndex.paths`) is given the audience numbers the viewer may see and walks
only edges of those audiences whose two ends (roots) are visible, so a hidden statement or entity is never part
of an answer; :mod:`liaison.queries.links` then re-reads the edges with the SQL access clause (defence in depth).

Freshness is the name index's (:mod:`liaison.queries.bank_index`): the ``bank_revision`` row is read at most every
``check_interval`` seconds (at once after a commit in this process that changed the bank); on a change the
entities the change log names are reloaded (their names and the relations they are the subject of); a merge or
unmerge, a transaction that changed too many entities, or a change log pruned past the index's revision, make it
rebuild. Loading is two streaming SELECTs of the needed columns (entities, then statements).

For a benchmark: ``LinkIndex.load(engine)`` builds at once, ``index.allowed(viewer)`` gives the audiences and
``index.paths(allowed, a, b)`` is exactly the in-memory part of a request.
"""

from __future__ import annotations

import logging
import sys
import threading
import time as clock
import uuid
import weakref
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, String, event, select, type_coerce
from sqlalchemy.orm import Session

from liaison.analysis import grades
from liaison.analysis.network import PATH_LIMIT, PATH_SECONDS, Budget, bidirectional_paths, narrow_hint
from liaison.bank.access import Audiences, Viewer
from liaison.bank.props import RELATIONS
from liaison.models import BankChange, BankEntity, Statement
from liaison.models.bank import CHANGES_KEPT, releasable_codes
from liaison.queries.index_refresher import Refresher

log = logging.getLogger("liaison.bank.links")

BATCH = 20_000
_REL_CODE = {r: i for i, r in enumerate(RELATIONS)}
_NO_NAMES: frozenset[int] = frozenset()


def _raw(column: Any) -> Any:
    return type_coerce(column, String)


def _uuid(raw: Any) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))


def grade_code(reliability: str, credibility: str) -> int:
    """A grade as one small int (reliability index * 8 + credibility index)."""
    return grades.RELIABILITY.index(reliability) * 8 + grades.CREDIBILITY.index(credibility)


def _grade_text(code: int) -> str:
    return grades.RELIABILITY[code // 8] + grades.CREDIBILITY[code % 8]


class LinkIndex(Refresher):
    """The relations of one database, with the revision they cover. Thread-safe (one lock)."""

    REFRESHER = "bank link index"

    def __init__(self, engine: Engine, *, check_interval: float = 1.0) -> None:
        self._engine = engine
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "sqlite" else engine
        )
        self.check_interval = check_interval
        self._lock = threading.RLock()
        self._refreshing = threading.Lock()
        self._audiences = Audiences()
        self._audience_memo: dict[tuple[str, Any, str], int] = {}
        self._allowed_memo: dict[tuple[Any, ...], frozenset[int]] = {}
        self.revision = -1
        self.built = False
        self._checked_at = 0.0
        self._dirty = True
        self._clear()
        self.last_build_seconds = 0.0
        self.last_catch_up: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        _INDEXES.add(self)

    def _clear(self) -> None:
        # Nodes
        self._node: dict[Any, int] = {}  # raw id (as the driver gives it) -> node
        self._by_uuid: dict[uuid.UUID, int] = {}
        self.ids: list[uuid.UUID] = []
        self.schemas: list[str] = []
        self._merged: list[int] = []  # node -> node it was merged into, or -1
        self.names: list[frozenset[int]] = []  # node -> audiences of its current names
        # Edges (parallel arrays; a removed edge is dead and its slot reused)
        self.e_src: list[int] = []
        self.e_dst: list[int] = []
        self.e_aud: list[int] = []
        self.e_rel: list[int] = []
        self.e_grade: list[int] = []
        self.e_day: list[int] = []  # date.toordinal(), 0 when undated
        self.e_sid: list[Any] = []  # raw statement id
        self.e_alive: list[bool] = []
        self._free: list[int] = []
        self._owned: dict[int, list[int]] = {}  # subject node -> its edges
        self._adj: dict[int, list[tuple[int, int]]] = {}  # root node -> (other root, edge)
        self.edge_count = 0

    # -- freshness (as liaison.queries.bank_index) --

    @classmethod
    def load(cls, bind: Engine | Session) -> LinkIndex:
        """An index of ``bind``'s database, built now."""
        engine = bind if isinstance(bind, Engine) else _engine_of(bind)
        index = cls(engine)
        index.refresh()
        return index

    def get(self) -> LinkIndex:
        """This index, caught up if a check is due; while another thread catches up, a query goes on with the
        index as it is (only the first build is waited for)."""
        if self._dirty or not self.built or clock.monotonic() - self._checked_at >= self.check_interval:
            self.refresh(wait=not self.built)
        return self

    def refresh(self, *, wait: bool = True) -> None:
        if not self._refreshing.acquire(blocking=wait):
            return
        try:
            self._dirty = False
            self._checked_at = clock.monotonic()
            revision = self._stored_revision()
            if not self.built:
                self.rebuild()
            elif revision != self.revision:
                self._catch_up(revision)
        finally:
            self._refreshing.release()

    def rebuild(self) -> None:
        started = clock.perf_counter()
        revision = self._stored_revision()
        fresh = LinkIndex(self._engine)  # built aside: queries go on over the old arrays meanwhile
        with self._reader.connect() as conn:
            fresh._load(conn, None)
        with self._lock:
            for name in _STATE:
                setattr(self, name, getattr(fresh, name))
            self.revision = revision
            self.built = True
        self.last_build_seconds = clock.perf_counter() - started
        log.info(
            "bank link index: %d entities, %d relations in %.2fs",
            len(self.ids),
            self.edge_count,
            self.last_build_seconds,
        )

    def _catch_up(self, revision: int) -> None:
        started = clock.perf_counter()
        with self._reader.connect() as conn:
            rows = conn.execute(
                select(_raw(BankChange.entity_id)).where(
                    BankChange.revision > self.revision, BankChange.revision <= revision
                )
            ).all()
            todo = {e for (e,) in rows}
            if (
                None in todo
                or revision - self.revision >= CHANGES_KEPT // 2
                or len(todo) > max(5_000, len(self.ids) // 10)
            ):
                self.rebuild()
                self.last_catch_up = {"entities": len(todo), "rebuilt": True}
                return
            with self._lock:
                merged = not self._load(conn, todo)
                if not merged:
                    self.revision = revision
            if merged:  # a merge or unmerge: the ends of many relations move
                self.rebuild()
                self.last_catch_up = {"entities": len(todo), "rebuilt": True}
                return
        self.last_catch_up = {
            "entities": len(todo),
            "rebuilt": False,
            "seconds": round(clock.perf_counter() - started, 4),
        }

    # -- loading --

    def _node_for(self, raw: Any) -> int:
        n = self._node.get(raw)
        if n is None:
            ident = _uuid(raw)
            n = self._by_uuid.get(ident)
            if n is None:
                n = len(self.ids)
                self.ids.append(ident)
                self.schemas.append("")
                self._merged.append(-1)
                self.names.append(_NO_NAMES)
                self._by_uuid[ident] = n
            self._node[raw] = n
        return n

    def _audience(self, tlp: str, org: Any, releasable: str) -> int:
        key = (tlp, org, releasable)
        n = self._audience_memo.get(key)
        if n is None:
            org_id = None if org is None else _uuid(org)
            n = self._audience_memo[key] = self._audiences.number(tlp, org_id, releasable_codes(releasable))
            self._allowed_memo.clear()
        return n

    def _load(self, conn: Connection, only: Collection[Any] | None) -> bool:
        """Load every entity and relation (``only`` None) or reload the entities in ``only``. Returns False when a
        reload finds a merge changed (the caller rebuilds: every edge's ends may move)."""
        e, s = BankEntity, Statement
        chunks: Iterable[list[Any] | None] = [None] if only is None else _chunks(only)
        for chunk in chunks:
            q = select(_raw(e.id), e.schema, _raw(e.merged_into_id))
            if chunk is not None:
                q = q.where(_raw(e.id).in_(chunk))
            # ``with``: the result (a server-side cursor on PostgreSQL) is closed on an early return or an error
            with conn.execute(q.execution_options(yield_per=BATCH)) as rows:
                for raw, schema, merged in rows:
                    n = self._node_for(raw)
                    into = -1 if merged is None else self._node_for(merged)
                    if only is not None and into != self._merged[n]:
                        return False
                    self.schemas[n] = sys.intern(schema)
                    self._merged[n] = into
        if only is not None:
            for raw in only:
                n = self._node_for(raw)
                for k in self._owned.pop(n, []):
                    self._drop(k)
                self.names[n] = _NO_NAMES
        names: dict[int, set[int]] = {}
        cols = (
            _raw(s.id),
            _raw(s.entity_id),
            _raw(s.object_id),
            s.prop,
            s.tlp,
            _raw(s.contributor_organisation_id),
            s.releasable_to,
            s.reliability,
            s.credibility,
            s.observed_on,
        )
        pending: list[tuple[int, int, int, int, int, int, Any]] = []
        for chunk in chunks:
            q = select(*cols).where(s.retracted_at.is_(None), s.prop.in_(("name", *RELATIONS)))
            if chunk is not None:
                q = q.where(_raw(s.entity_id).in_(chunk))
            with conn.execute(q.execution_options(yield_per=BATCH)) as result:
                for sid, subject, obj, prop, tlp, org, rel, reliability, credibility, day in result:
                    n = self._node_for(subject)
                    audience = self._audience(tlp, org, rel)
                    if prop == "name":
                        names.setdefault(n, set()).add(audience)
                    elif obj is not None:
                        day_number = day.toordinal() if isinstance(day, date) else 0
                        pending.append(
                            (
                                n,
                                self._node_for(obj),
                                audience,
                                _REL_CODE[prop],
                                grade_code(reliability, credibility),
                                day_number,
                                sid,
                            )
                        )
        for n, found in names.items():
            self.names[n] = frozenset(found)
        for edge in pending:
            self._add(*edge)
        return True

    def root(self, n: int) -> int:
        seen = 0
        while self._merged[n] >= 0 and seen < 50:  # merge chains are short; a cycle must not spin
            n = self._merged[n]
            seen += 1
        return n

    def _add(self, src: int, dst: int, aud: int, rel: int, grade: int, day: int, sid: Any) -> None:
        if self._free:
            k = self._free.pop()
            self.e_src[k], self.e_dst[k], self.e_aud[k], self.e_rel[k] = src, dst, aud, rel
            self.e_grade[k], self.e_day[k], self.e_sid[k], self.e_alive[k] = grade, day, sid, True
        else:
            k = len(self.e_src)
            self.e_src.append(src)
            self.e_dst.append(dst)
            self.e_aud.append(aud)
            self.e_rel.append(rel)
            self.e_grade.append(grade)
            self.e_day.append(day)
            self.e_sid.append(sid)
            self.e_alive.append(True)
        self._owned.setdefault(src, []).append(k)
        a, b = self.root(src), self.root(dst)
        if a != b:
            self._adj.setdefault(a, []).append((b, k))
            self._adj.setdefault(b, []).append((a, k))
        self.edge_count += 1

    def _drop(self, k: int) -> None:
        a, b = self.root(self.e_src[k]), self.root(self.e_dst[k])
        for x in (a, b):
            lst = self._adj.get(x)
            if lst is not None:
                lst[:] = [pair for pair in lst if pair[1] != k]
        self.e_alive[k] = False
        self._free.append(k)
        self.edge_count -= 1

    # -- querying --

    def allowed(self, viewer: Viewer) -> frozenset[int] | None:
        """The audience numbers ``viewer`` may see (None: all, the node operator; empty: not a bank reader)."""
        if not viewer.reads_bank:
            return frozenset()
        if viewer.operator:
            return None
        key = (viewer.organisation_id, viewer.member_code, viewer.roles)
        with self._lock:
            found = self._allowed_memo.get(key)
            if found is None:
                found = self._allowed_memo[key] = self._audiences.allowed(viewer)
            return found

    def node(self, ident: uuid.UUID) -> int | None:
        """The node of an entity id as drawn (its root), or None if the index has never seen it."""
        n = self._by_uuid.get(ident)
        return None if n is None else self.root(n)

    def visible(self, allowed: frozenset[int] | None, n: int) -> bool:
        """Does the entity (a root node) exist for the viewer (one of its own current names is theirs)?"""
        found = self.names[n]
        return bool(found) if allowed is None else not found.isdisjoint(allowed)

    def edge_passes(
        self, k: int, allowed: frozenset[int] | None, min_grade: int | None, since: int | None, until: int | None
    ) -> bool:
        if allowed is not None and self.e_aud[k] not in allowed:
            return False
        if min_grade is not None:
            g = self.e_grade[k]
            if g // 8 > min_grade // 8 or g % 8 > min_grade % 8:
                return False
        if since is not None or until is not None:
            day = self.e_day[k]
            if day == 0 or (since is not None and day < since) or (until is not None and day > until):
                return False
        return True

    def neighbours(
        self,
        allowed: frozenset[int] | None,
        *,
        min_grade: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Any:
        """The neighbour function of the search for this viewer and these filters: (root, edge) pairs over the
        edges the viewer may see, between entities that exist for them."""
        grade = grade_code(min_grade[0], min_grade[1]) if min_grade else None
        lo = since.toordinal() if since else None
        hi = until.toordinal() if until else None
        seen: dict[int, bool] = {}
        adj = self._adj

        def visible(n: int) -> bool:
            v = seen.get(n)
            if v is None:
                v = seen[n] = self.visible(allowed, n)
            return v

        def step(u: int) -> list[tuple[int, int]]:
            return [(v, k) for v, k in adj.get(u, ()) if self.edge_passes(k, allowed, grade, lo, hi) and visible(v)]

        return step

    def paths(
        self,
        allowed: frozenset[int] | None,
        a: uuid.UUID,
        b: uuid.UUID,
        *,
        min_grade: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = PATH_LIMIT,
        seconds: float = PATH_SECONDS,
    ) -> list[tuple[list[uuid.UUID], list[uuid.UUID]]]:
        """The shortest paths from ``a`` to ``b`` the viewer with audiences ``allowed`` may see: (entity ids as
        drawn, statement ids). Nothing when either end does not exist for the viewer."""
        self.get()
        with self._lock:
            na, nb = self.node(a), self.node(b)
            if na is None or nb is None or not self.visible(allowed, na) or not self.visible(allowed, nb):
                return []
            found = bidirectional_paths(
                na,
                nb,
                self.neighbours(allowed, min_grade=min_grade, since=since, until=until),
                limit=limit,
                budget=Budget(seconds, narrow_hint()),
            )
            return [([self.ids[n] for n in nodes], [_uuid(self.e_sid[k]) for k in edges]) for nodes, edges in found]

    def edges_among(self, allowed: frozenset[int] | None, roots: Collection[int]) -> list[int]:
        """The visible edges between the given (visible) roots."""
        wanted = set(roots)
        out = []
        with self._lock:
            for r in wanted:
                for v, k in self._adj.get(r, ()):
                    if v in wanted and r < v and self.edge_passes(k, allowed, None, None, None):
                        out.append(k)
        return sorted(set(out))

    def visible_edges(self, allowed: frozenset[int] | None) -> Iterable[int]:
        """Every edge the viewer may see, between entities that exist for them (whole-graph analyses)."""
        with self._lock:
            for k, alive in enumerate(self.e_alive):
                if not alive or not self.edge_passes(k, allowed, None, None, None):
                    continue
                a, b = self.root(self.e_src[k]), self.root(self.e_dst[k])
                if a != b and self.visible(allowed, a) and self.visible(allowed, b):
                    yield k

    def visible_pairs(
        self,
        allowed: frozenset[int] | None,
        *,
        min_grade: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> tuple[list[uuid.UUID], list[tuple[int, int]], int]:
        """The whole graph the viewer may see, for cells: the entities (roots, sorted by id, so the numbering
        does not depend on load order), the tied pairs of their positions (parallel relations and directions
        joined), and how many relations there are."""
        grade = grade_code(min_grade[0], min_grade[1]) if min_grade else None
        lo = since.toordinal() if since else None
        hi = until.toordinal() if until else None
        seen: dict[int, bool] = {}
        raw: set[tuple[int, int]] = set()
        count = 0
        with self._lock:
            for k, alive in enumerate(self.e_alive):
                if not alive or not self.edge_passes(k, allowed, grade, lo, hi):
                    continue
                a, b = self.root(self.e_src[k]), self.root(self.e_dst[k])
                if a == b:
                    continue
                for n in (a, b):
                    if n not in seen:
                        seen[n] = self.visible(allowed, n)
                if seen[a] and seen[b]:
                    raw.add((a, b) if a < b else (b, a))
                    count += 1
            nodes = sorted({n for pair in raw for n in pair}, key=self.ids.__getitem__)
            ids = [self.ids[n] for n in nodes]
        position = {n: i for i, n in enumerate(nodes)}
        pairs = sorted({(min(position[a], position[b]), max(position[a], position[b])) for a, b in raw})
        return ids, pairs, count

    def edge(self, k: int) -> tuple[int, int, str, str, date | None, uuid.UUID]:
        """(source root, target root, relation, grade, date, statement id) of edge ``k``."""
        day = self.e_day[k]
        return (
            self.root(self.e_src[k]),
            self.root(self.e_dst[k]),
            RELATIONS[self.e_rel[k]],
            _grade_text(self.e_grade[k]),
            date.fromordinal(day) if day else None,
            _uuid(self.e_sid[k]),
        )


# What a rebuild swaps in.
_STATE = (
    "_node",
    "_by_uuid",
    "ids",
    "schemas",
    "_merged",
    "names",
    "e_src",
    "e_dst",
    "e_aud",
    "e_rel",
    "e_grade",
    "e_day",
    "e_sid",
    "e_alive",
    "_free",
    "_owned",
    "_adj",
    "edge_count",
    "_audiences",
    "_audience_memo",
    "_allowed_memo",
)


def _chunks(ids: Collection[Any]) -> list[list[Any]]:
    ordered = sorted(ids, key=str)
    return [ordered[i : i + 500] for i in range(0, len(ordered), 500)]


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


# -- one index per database, per process --

_INDEXES: weakref.WeakSet[LinkIndex] = weakref.WeakSet()
_SHARED: dict[int, LinkIndex] = {}
_SHARED_LOCK = threading.Lock()


def shared_link_index(engine: Engine) -> LinkIndex:
    """The link index of ``engine``'s database for this process (built on first use)."""
    with _SHARED_LOCK:
        found = _SHARED.get(id(engine))
        if found is None or found._engine is not engine:
            found = _SHARED[id(engine)] = LinkIndex(engine)
        return found


def link_index_for(session: Session) -> LinkIndex:
    return shared_link_index(_engine_of(session))


@event.listens_for(Session, "before_commit")
def _bank_committing(session: Session) -> None:
    # The name index's after_commit hook pops "bank_changed": note it for ours before it does.
    if session.info.get("bank_changed"):
        session.info["links_changed"] = True


@event.listens_for(Session, "after_commit")
def _bank_committed(session: Session) -> None:
    if session.info.pop("links_changed", False):
        for index in list(_INDEXES):
            index.mark_dirty()


@event.listens_for(Session, "after_rollback")
def _bank_rolled_back(session: Session) -> None:
    session.info.pop("links_changed", None)
