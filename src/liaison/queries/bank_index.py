"""The process-wide name index over the bank: every current name of every entity, with birth dates and
nationalities as evidence, in a :class:`liaison.matching.Index`, kept in step with the database.

Each name, birth date and nationality carries the *audience* number of its statement's marking
(:class:`liaison.bank.access.Audiences`); a search is given the numbers the viewer may see, so a name the viewer
may not see is never a candidate and an entity none of whose names they may see is never a hit.

Freshness works like the directory cache (:mod:`liaison.queries.snapshot`): every bank write bumps
``bank_revision`` in its own transaction (``actions.bank.bump_bank``). :meth:`BankIndex.get` reads that one row
at most every ``check_interval`` seconds, at once after a commit in this process that changed the bank
(``session.info["bank_changed"]``), and on a change catches up *incrementally*: the entities the change log
(``bank_changes``, written with each revision) names since the revision the index holds are reloaded; a
transaction that changed too many to list, or many changes, make it rebuild. Merged entities are searched as
the entity they were merged into (their names are added to it); delisted entities stay searchable and are marked.

Where it lives: the web app keeps one in its :class:`liaison.web.state.AppState`; a CLI command builds one on
demand (:func:`shared_index`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time as clock
import uuid
import weakref
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, String, event, select, type_coerce
from sqlalchemy.orm import Session

from liaison import matching
from liaison.bank.access import Audiences, Viewer
from liaison.i18n import _
from liaison.matching.algorithms import ALGORITHMS, DEFAULT, Algorithm
from liaison.models import BankChange, BankEntity, ListReference, Statement
from liaison.models.bank import CHANGES_KEPT, releasable_codes
from liaison.queries.index_refresher import Refresher

log = logging.getLogger("liaison.bank.index")

INDEXED_PROPS = ("name", "birthDate", "nationality")
BATCH = 20_000
# Preferred list when an entity has references on several lists.
LIST_ORDER = {"un-sc": 0}


@dataclass
class _Draft:
    """What the loader gathers for one entity before it becomes a :class:`matching.Record`."""

    schema: str
    status: str
    names: list[matching.Name] = field(default_factory=list)
    birth_dates: list[tuple[str, int]] = field(default_factory=list)
    nationalities: list[tuple[str, int]] = field(default_factory=list)


def _raw(column: Any) -> Any:
    """A column read (or compared) as the driver gives it: SQLite's stored text, PostgreSQL's native types."""
    return type_coerce(column, String)


def _key(raw_id: Any) -> str:
    """The record id of an entity: its UUID in the usual form, whatever form the driver gave."""
    return str(raw_id if isinstance(raw_id, uuid.UUID) else uuid.UUID(str(raw_id)))


class BankIndex(Refresher):
    """The name index of one database, with the revision it covers. Thread-safe: one lock around catch-up and
    search (the matching index is mutated in place)."""

    REFRESHER = "bank name index"

    def __init__(self, engine: Engine, *, algorithm: str | None = None, check_interval: float = 1.0) -> None:
        self._engine = engine
        # Reads outside a transaction: on SQLite a transaction would take the write lock (BEGIN IMMEDIATE, see
        # liaison.db) and hold every writer back for the length of a rebuild.
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "sqlite" else engine
        )
        self.algorithm = choose_algorithm(algorithm)
        self.check_interval = check_interval
        self._lock = threading.RLock()
        self._index: Any = None
        self._audiences = Audiences()
        self._audience_memo: dict[tuple[str, uuid.UUID | None, str], int] = {}
        self._allowed_memo: dict[tuple[Any, ...], frozenset[int]] = {}
        self.revision = -1
        self._checked_at = 0.0
        self._dirty = True
        # Keyed by raw entity ids (see _raw): the latest update seen per entity, and merged -> merged into.
        self._merged_into: dict[Any, Any] = {}
        self._refreshing = threading.Lock()
        self._delisted: set[str] = set()
        self._schemas: dict[str, str] = {}
        self.size = 0
        self.last_build_seconds = 0.0
        self.last_catch_up: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        _INDEXES.add(self)

    # -- freshness --

    def get(self) -> BankIndex:
        """This index, caught up with the stored revision if a check is due. While another thread is catching up,
        a search goes on with the index as it is (only the first build is waited for)."""
        if self._dirty or self._index is None or clock.monotonic() - self._checked_at >= self.check_interval:
            self.refresh(wait=self._index is None)
        return self

    def refresh(self, *, wait: bool = True) -> None:
        if not self._refreshing.acquire(blocking=wait):
            return
        try:
            self._dirty = False
            self._checked_at = clock.monotonic()
            revision = self._stored_revision()
            if self._index is None:
                self.rebuild()
            elif revision != self.revision:
                self._catch_up()
        finally:
            self._refreshing.release()

    # -- building --

    def rebuild(self) -> None:
        """Load every entity and build the index afresh; searches use the old index until the new one is ready."""
        started = clock.perf_counter()
        revision = self._stored_revision()
        schemas: dict[str, str] = {}
        delisted: set[str] = set()
        with self._reader.connect() as conn:
            self._merged_into = self._merges(conn)
            fresh = matching.Index.build(self._records(conn, None, schemas, delisted), algorithm=self.algorithm.name)
        with self._lock:
            self._index, self._schemas, self._delisted = fresh, schemas, delisted
            self.size = len(fresh)
            self.revision = revision
        self.last_build_seconds = clock.perf_counter() - started
        log.info("bank name index: %d entities in %.2fs", self.size, self.last_build_seconds)

    def _catch_up(self) -> None:
        """Reload the entities the change log names since our revision; rebuild when told to or when many."""
        started = clock.perf_counter()
        revision = self._stored_revision()
        with self._reader.connect() as conn:
            rows = conn.execute(
                select(_raw(BankChange.entity_id)).where(
                    BankChange.revision > self.revision, BankChange.revision <= revision
                )
            ).all()
            todo = {e for (e,) in rows}
            if (
                None in todo
                or revision - self.revision >= CHANGES_KEPT // 2  # the log may have been pruned past us
                or len(todo) > max(5_000, self.size // 10)
            ):
                self.rebuild()
                self.last_catch_up = {"entities": len(todo), "rebuilt": True}
                return
            old_merges = self._merged_into
            new_merges = self._merges(conn)
            moved = {e for e in old_merges.keys() | new_merges.keys() if old_merges.get(e) != new_merges.get(e)}
            todo |= moved
            roots = {_root(e, old_merges) for e in todo} | {_root(e, new_merges) for e in todo}
            self._merged_into = new_merges
            live = [r for r in roots if r not in new_merges]
            schemas: dict[str, str] = {}
            delisted: set[str] = set()
            records = list(self._records(conn, live, schemas, delisted))
        with self._lock:
            for root in roots:
                key = _key(root)
                self._index.remove(key)
                self._schemas.pop(key, None)
                self._delisted.discard(key)
            for record in records:
                self._index.add(record)
            self._schemas.update(schemas)
            self._delisted |= delisted
            self.size = len(self._index)
            self.revision = revision
        self.last_catch_up = {
            "entities": len(todo),
            "rebuilt": False,
            "seconds": round(clock.perf_counter() - started, 4),
        }

    def _merges(self, conn: Connection) -> dict[Any, Any]:
        rows = conn.execute(
            select(_raw(BankEntity.id), _raw(BankEntity.merged_into_id)).where(BankEntity.merged_into_id.is_not(None))
        )
        return {a: b for a, b in rows if b is not None}

    def _audience(self, tlp: str, org: uuid.UUID | None, releasable: str) -> int:
        key = (tlp, org, releasable)
        n = self._audience_memo.get(key)
        if n is None:
            n = self._audience_memo[key] = self._audiences.number(tlp, org, releasable_codes(releasable))
            self._allowed_memo.clear()
        return n

    def _records(
        self, conn: Connection, only: Collection[Any] | None, schemas: dict[str, str], delisted: set[str]
    ) -> Iterator[matching.Record]:
        """Stream the entities (all, or the roots in ``only`` with what was merged into them) as records.

        Entities and their statements are read in two streams ordered by entity id and walked in step, so
        memory holds one entity at a time; merged entities and merge targets wait until the end. Ids and times
        stay in the driver's raw form (no per-row conversion): that is most of the load time saved."""
        members: set[Any] | None = None
        if only is not None:
            wanted = set(only)
            members = wanted | {e for e in self._merged_into if _root(e, self._merged_into) in wanted}
            if not members:
                return
        refs = self._references(conn, members)
        involved = set(self._merged_into) | set(self._merged_into.values())
        waiting: dict[Any, _Draft] = {}
        for ident, draft in self._drafts(conn, members):
            if ident in involved:
                waiting[ident] = draft
            else:
                yield self._record(ident, [(ident, draft)], refs, schemas, delisted)
        groups: dict[Any, list[tuple[Any, _Draft]]] = {}
        for ident, draft in waiting.items():
            groups.setdefault(_root(ident, self._merged_into), []).append((ident, draft))
        for root, parts in groups.items():
            if root in waiting:
                parts.sort(key=lambda p: p[0] != root)  # the root first: its schema and status count
                yield self._record(root, parts, refs, schemas, delisted)

    def _chunks(self, ids: set[Any] | None) -> Iterable[list[Any] | None]:
        if ids is None:
            yield None
            return
        ordered = sorted(ids)
        for i in range(0, len(ordered), 500):
            yield ordered[i : i + 500]

    def _drafts(self, conn: Connection, members: set[Any] | None) -> Iterator[tuple[Any, _Draft]]:
        e, s = BankEntity, Statement
        e_cols = (_raw(e.id), e.schema, e.status)
        s_cols = (
            _raw(s.entity_id),
            s.prop,
            s.value,
            s.name_kind,
            s.tlp,
            s.contributor_organisation_id,
            s.releasable_to,
            _raw(s.retracted_at),
        )
        for chunk in self._chunks(members):
            eq = select(*e_cols).order_by(e.id)
            sq = select(*s_cols).where(s.prop.in_(INDEXED_PROPS)).order_by(s.entity_id)
            if chunk is not None:
                eq = eq.where(_raw(e.id).in_(chunk))
                sq = sq.where(_raw(s.entity_id).in_(chunk))
            # Both results are closed on every exit (a consumer that stops early, an error, a statement written
            # after the entities were read): an abandoned server-side cursor stays open on PostgreSQL until
            # garbage collection finds it. yield_per goes on the statement: on the connection it would stream
            # every later query on it too.
            with (
                conn.execute(eq.execution_options(yield_per=BATCH)) as entities,
                self._reader.connect() as other,  # a second cursor for the statements
                other.execute(sq.execution_options(yield_per=BATCH)) as statement_rows,
            ):
                statements = iter(statement_rows)
                pending = next(statements, None)
                for ident, schema, status in entities:
                    draft = _Draft(sys.intern(schema), status)
                    while pending is not None and pending[0] < ident:
                        pending = next(statements, None)
                    while pending is not None and pending[0] == ident:
                        _, prop, value, kind, tlp, org, rel, retracted = pending
                        if retracted is None:
                            audience = self._audience(tlp, org, rel)
                            if prop == "name":
                                draft.names.append(matching.Name(value, kind or "alias", audience))
                            elif prop == "birthDate":
                                draft.birth_dates.append((value, audience))
                            else:
                                draft.nationalities.append((value, audience))
                        pending = next(statements, None)
                    yield ident, draft

    def _references(self, conn: Connection, members: set[Any] | None) -> dict[Any, str]:
        """The reference shown for each entity: the UN list's first, else the first of any list."""
        found: dict[Any, str] = {}
        ranks: dict[Any, int] = {}
        r = ListReference
        cols = (_raw(r.entity_id), r.list_name, r.reference)
        for chunk in self._chunks(members):
            q = select(*cols)
            if chunk is not None:
                q = q.where(_raw(r.entity_id).in_(chunk))
            with conn.execute(q.execution_options(yield_per=BATCH)) as rows:
                for ident, list_name, ref in rows:
                    rank = LIST_ORDER.get(list_name, 9)
                    old = found.get(ident)
                    if old is None or (rank, ref) < (ranks.get(ident, 9), old):
                        found[ident] = ref
                        if rank != 9:
                            ranks[ident] = rank
        return found

    def _record(
        self,
        root: Any,
        parts: list[tuple[Any, _Draft]],
        refs: dict[Any, str],
        schemas: dict[str, str],
        delisted: set[str],
    ) -> matching.Record:
        head = parts[0][1]
        names: list[matching.Name] = []
        births: list[tuple[str, int]] = []
        nats: list[tuple[str, int]] = []
        reference = None
        for ident, draft in parts:
            ref = refs.get(ident)
            if ref is not None and reference is None:
                reference = ref
            names += draft.names
            births += draft.birth_dates
            nats += draft.nationalities
        key = _key(root)
        schemas[key] = head.schema
        if head.status == "delisted":
            delisted.add(key)
        # In a stable order, whatever order the database returned the statements in (it promises none within
        # an entity): the order of a record's names breaks ties between them, its dates are listed in explanations.
        return matching.Record(
            id=key,
            names=tuple(sorted(set(names), key=_name_order)),
            schema=head.schema,
            reference=reference,
            birth_dates=tuple(sorted(set(births))),
            nationalities=tuple(sorted(set(nats))),
        )

    # -- searching --

    def allowed(self, viewer: Viewer) -> frozenset[int] | None:
        """The audience numbers ``viewer`` may see (None: all, for the node operator)."""
        if viewer.operator:
            return None
        key = (viewer.organisation_id, viewer.member_code, viewer.roles)
        found = self._allowed_memo.get(key)
        if found is None:
            found = self._allowed_memo[key] = self._audiences.allowed(viewer)
        return found

    def search(
        self, viewer: Viewer, query: matching.Query, *, top: int = 5, threshold: float | None = None
    ) -> list[matching.Hit]:
        """The best ``top`` hits for ``query`` among the names ``viewer`` may see."""
        if not viewer.reads_bank:
            return []
        self.get()
        with self._lock:
            return list(self._index.search(query, top=top, threshold=threshold, audiences=self.allowed(viewer)))

    def delisted(self, entity_id: str) -> bool:
        return entity_id in self._delisted

    def schema_of(self, entity_id: str) -> str | None:
        return self._schemas.get(entity_id)


def choose_algorithm(name: str | None) -> Algorithm:
    """The named matching algorithm, or the library's default; an unknown name is refused with the known ones."""
    from liaison.errors import InvalidInput

    found = ALGORITHMS.get(name or DEFAULT)
    if found is None:
        raise InvalidInput(
            "algorithm",
            _("unknown algorithm %(name)r; known: %(choices)s", name=name, choices=", ".join(sorted(ALGORITHMS))),
        )
    return found


_KIND_RANK = {kind: i for i, kind in enumerate(matching.NAME_KINDS)}


def _name_order(name: matching.Name) -> tuple[int, str, int]:
    """Primary names first, then aliases, code names, former names, weak aliases; then by text."""
    return _KIND_RANK.get(name.kind, len(_KIND_RANK)), name.text, name.audience


def _root(ident: Any, merged_into: dict[Any, Any]) -> Any:
    """The entity ``ident`` was (transitively) merged into, or itself."""
    seen = {ident}
    while ident in merged_into:
        ident = merged_into[ident]
        if ident in seen:  # a cycle would be a bug elsewhere; stop rather than spin
            break
        seen.add(ident)
    return ident


# -- one index per database, per process --

_INDEXES: weakref.WeakSet[BankIndex] = weakref.WeakSet()
_SHARED: dict[tuple[int, str], BankIndex] = {}
_SHARED_LOCK = threading.Lock()


def shared_index(engine: Engine, algorithm: str | None = None) -> BankIndex:
    """The index of ``engine``'s database for this process (built on first use: the CLI's case)."""
    key = (id(engine), choose_algorithm(algorithm).name)
    with _SHARED_LOCK:
        found = _SHARED.get(key)
        if found is None or found._engine is not engine:
            found = _SHARED[key] = BankIndex(engine, algorithm=algorithm)
        return found


def index_for(session: Session, algorithm: str | None = None) -> BankIndex:
    bind = session.get_bind()
    return shared_index(bind if isinstance(bind, Engine) else bind.engine, algorithm)


@event.listens_for(Session, "after_commit")
def _bank_committed(session: Session) -> None:
    """A commit in this process that changed the bank: every index checks the revision on its next use."""
    if session.info.pop("bank_changed", False):
        for index in list(_INDEXES):
            index.mark_dirty()


@event.listens_for(Session, "after_rollback")
def _bank_rolled_back(session: Session) -> None:
    session.info.pop("bank_changed", None)
