"""What every bank import shares: the provenance given to a file (:class:`Defaults`), the import record and
report, and a writer that puts entity, statement and
list-reference rows in the database in batches, inside the caller's transaction.

Why not the ORM or a Core ``insert()``: at a million entities (four or five million statements) the per-value
cost of SQLAlchemy's bind processing (UUIDs, aware datetimes) outweighs the database's own work. The writer
renders each row once, as a plain tuple in the form the database stores, from values the import has already
checked: on SQLite one ``executemany`` of a prepared ``INSERT`` per batch; on PostgreSQL ``COPY ... FROM STDIN``
(psycopg's ``cursor.copy()``), several times faster than ``INSERT`` there. Both run on the session's own
connection, so the import stays one transaction: a refused file or an error rolls every batch back.

Identifiers are time-ordered (UUID version 7 layout: a millisecond timestamp, then a counter), so the primary
key and ``entity_id`` indexes grow at their right edge instead of taking random inserts all over the B-tree.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from babel.numbers import format_percent
from sqlalchemy.orm import Session

from liaison import i18n
from liaison.actions.audit import audit
from liaison.actions.bank import bump_bank
from liaison.actions.exchange import parse_marking
from liaison.bank.access import Viewer
from liaison.errors import InvalidInput, LiaisonError, TooLarge
from liaison.i18n import _, ngettext
from liaison.marking import Marking
from liaison.models import BankImport
from liaison.models.bank import CHANGE_LIST_MAX, releasable_text
from liaison.principal import Principal
from liaison.queries.bank_access import require_analyst, viewer_for
from liaison.timeinput import calendar_day

BATCH = 5000
DROP_INDEXES_AFTER = 20_000  # rows: SQLite indexes are rebuilt at the end of a load at least this big (and bigger
# than the table it goes into)
MAX_ERRORS = 20
REPORT_LIMIT = 2000  # references listed per report section; the counts are always complete
Progress = Callable[[int], None]
Provenance = tuple[str, date | None, str, str, Marking]  # source, observed on, reliability, credibility, marking

ENTITY_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "schema",
    "data_subject_category",
    "legal_basis",
    "review_date",
    "status",
    "contributor_organisation_id",
    "created_by_name",
)
STATEMENT_COLUMNS = (
    "id",
    "entity_id",
    "prop",
    "value",
    "name_kind",
    "script",
    "object_id",
    "review_date",
    "created_at",
    "updated_at",
    "contributor_organisation_id",
    "import_id",
    "created_by_name",
    "source",
    "observed_on",
    "reliability",
    "credibility",
    "tlp",
    "originator_control",
    "purpose",
    "releasable_to",
)
REFERENCE_COLUMNS = (
    "id",
    "entity_id",
    "list_name",
    "reference",
    "listed_on",
    "delisted_on",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Defaults:
    """Provenance given to every statement of a file (a CSV row may override it)."""

    source: str = ""
    reliability: str = "F"
    credibility: str = "6"
    marking: Marking = field(default_factory=lambda: Marking("AMBER"))
    observed_on: date | None = None
    data_subject_category: str | None = "suspect"
    legal_basis: str = ""
    # The contributing organisation's id as the file gives it (None: the importer's organisation). The import
    # keeps it only where the node operator imports and this node knows the organisation (see bank_import).
    contributor: str | None = None


def parse_grade(text: str) -> tuple[str, str]:
    """``B2`` to ("B", "2")."""
    value = text.strip().upper()
    if len(value) != 2 or value[0] not in "ABCDEF" or value[1] not in "123456":
        raise InvalidInput(
            "grade", _("%(text)r is not a grade: source reliability A-F and credibility 1-6, e.g. B2", text=text)
        )
    return value[0], value[1]


_PURPOSE = re.compile(r",?\s*purpose:\s*", re.IGNORECASE)
_ORIGINATOR = re.compile(r"\boriginator control\b", re.IGNORECASE)


def marking_from_text(text: str) -> Marking:
    """``TLP:AMBER+STRICT REL TO FR DE`` (or ``..., REL TO FR, DE``) to a marking; also reads the bank's own label
    (:attr:`Marking.label`: ``TLP:RED, originator control, REL TO FR, DE, purpose: ...``), so an exported marking
    is read back exactly."""
    head, *purpose = _PURPOSE.split(text, maxsplit=1)
    head, oc = _ORIGINATOR.subn(" ", head)
    level, _sep, rel = head.upper().replace(",", " ").partition("REL TO")
    return parse_marking(level.strip() or "AMBER", bool(oc), purpose[0] if purpose else "", rel.split())


def provenance(defaults: Defaults, meta: dict[str, str] | None) -> Defaults:
    """The file's defaults overridden by a row's provenance columns (CSV), checked."""
    if not meta:
        return defaults
    reliability, credibility = (
        parse_grade(meta["grade"]) if "grade" in meta else (defaults.reliability, defaults.credibility)
    )
    observed = defaults.observed_on
    if "observed_on" in meta:
        observed = calendar_day(meta["observed_on"], "observed_on")
    return Defaults(
        source=meta.get("source", defaults.source),
        reliability=reliability,
        credibility=credibility,
        marking=marking_from_text(meta["marking"]) if "marking" in meta else defaults.marking,
        observed_on=observed,
        data_subject_category=meta.get("data_subject_category", defaults.data_subject_category),
        legal_basis=meta.get("legal_basis", defaults.legal_basis),
        contributor=meta.get("contributor", defaults.contributor),
    )


class ImportRefused(LiaisonError):
    """The file was refused and nothing was imported; ``errors`` lists the bad lines."""

    status = 422
    code = "invalid"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first, more = errors[0]["detail"], len(errors) - 1
        detail = (
            ngettext(
                "%(error)s (and %(num)d more): nothing was imported",
                "%(error)s (and %(num)d more): nothing was imported",
                more,
                error=first,
            )
            if more
            else _("%(error)s: nothing was imported", error=first)
        )
        super().__init__(detail, errors=errors)
        self.errors = errors


class MassDelisting(LiaisonError):
    """A re-import would delist more than the allowed share of a list's active entries: refused, nothing was
    imported. ``extra`` holds the figures (see :meth:`DelistingGuard.check`)."""

    status = 409
    code = "mass_delisting"

    def __init__(self, figures: dict[str, Any]) -> None:
        super().__init__(_("%(error)s: nothing was imported", error=mass_delisting_text(figures)), **figures)
        self.figures = figures


def mass_delisting_text(figures: dict[str, Any]) -> str:
    """``this import would delist 1,021 of the 1,021 active entries of un-sc (100.0%), over the limit of 10%``"""
    locale = i18n.babel_locale()
    return ngettext(
        "this import would delist %(delisting)s of the %(active)s active entry of %(list)s (%(share)s), over the "
        "limit of %(threshold)s (LIAISON_IMPORT_MAX_DELISTED_SHARE)",
        "this import would delist %(delisting)s of the %(active)s active entries of %(list)s (%(share)s), over the "
        "limit of %(threshold)s (LIAISON_IMPORT_MAX_DELISTED_SHARE)",
        figures["active"],
        delisting=i18n.number(figures["delisting"]),
        active=i18n.number(figures["active"]),
        list=figures["list"],
        share=format_percent(figures["share"], "#,##0.0%", locale=locale),
        threshold=format_percent(figures["threshold"], "#,##0.##%", locale=locale),
    )


@dataclass(frozen=True)
class DelistingGuard:
    """How a re-import treats entries missing from its file (a list or an FtM snapshot delists them).

    Delisting more than ``max_share`` of the list's active entries is refused, as a truncated or empty file
    would: unless ``allow`` (the operator's ``--allow-mass-delisting``), or in a ``dry_run``, which reports it."""

    max_share: float = 0.10
    allow: bool = False
    dry_run: bool = False

    def check(self, list_name: str, delisting: list[str], active: int) -> dict[str, Any] | None:
        """None when ``delisting`` (the references the import would delist) is within the share of ``active``
        (a first import, with nothing active, never is a mass delisting); else the figures, raising
        :class:`MassDelisting` with them unless allowed or a dry run."""
        if not active or len(delisting) / active <= self.max_share:
            return None
        figures = {
            "list": list_name,
            "delisting": len(delisting),
            "active": active,
            "share": round(len(delisting) / active, 4),
            "threshold": self.max_share,
            "allowed": self.allow,
            "examples": sorted(delisting)[:20],
        }
        if not (self.allow or self.dry_run):
            raise MassDelisting(figures)
        return figures


class Ids:
    """Time-ordered UUIDs (version 7 layout) as 32 hex digits: a 48-bit millisecond timestamp taken once, then a
    74-bit counter from a random start, so ids made by one writer sort in the order they were made."""

    def __init__(self) -> None:
        self.head = ((time.time_ns() // 1_000_000) << 16) | (0x7 << 12)  # the high 64 bits, without rand_a
        self.counter = int.from_bytes(os.urandom(8)) >> 3  # 61 bits: the low 62 bits overflow into rand_a rarely
        self._high = ""
        self._epoch = -1

    def next(self) -> str:
        self.counter += 1
        n = self.counter
        epoch = n >> 62
        if epoch != self._epoch:
            self._epoch, self._high = epoch, f"{self.head | (epoch & 0xFFF):016x}"
        return self._high + f"{0x8000_0000_0000_0000 | (n & 0x3FFF_FFFF_FFFF_FFFF):016x}"


def as_uuid(hex_id: str) -> uuid.UUID:
    return uuid.UUID(hex=hex_id)


class BulkWriter:
    """Collects rows for one import and writes them in batches (entities first, so foreign keys hold).

    The batches are written by a thread of the writer's own while the import goes on checking the next lines:
    the database driver releases the GIL while the database works, so checking and writing overlap (on two
    cores, most of the database's time is hidden). The session's connection belongs to that thread until
    :meth:`sync`: call it before using the session for anything else, and use the writer as a context manager
    so an error waits for the thread before the transaction is rolled back."""

    def __init__(self, session: Session, import_id: uuid.UUID, by_name: str, contributor: uuid.UUID | None) -> None:
        self.session = session
        conn = session.connection()
        self.dialect = conn.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"bulk import on {self.dialect}")
        self.sqlite = self.dialect == "sqlite"
        self._raw: Any = conn.connection.driver_connection  # the driver's connection, for the writer thread
        now = datetime.now(UTC)
        self.now = now.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else now.isoformat()
        self.by_name = by_name
        self.contributor = contributor.hex if contributor else None
        self.import_id = import_id.hex
        self.ids = Ids()
        self.entities: list[tuple[Any, ...]] = []
        self.statements: list[tuple[Any, ...]] = []
        self.references: list[tuple[Any, ...]] = []
        self._heads: dict[tuple[Provenance, str | None], int] = {}
        self._head_rows: list[tuple[Any, ...]] = []
        self._dates: dict[date | None, str | None] = {None: None}
        self.written = 0
        # Entities this import touched, for the name indexes' change log (None: too many, they rebuild).
        self.touched: set[str] | None = set()
        self._queue: queue.Queue[tuple[str, tuple[str, ...], list[tuple[Any, ...]]] | None] = queue.Queue(maxsize=3)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._dropped: list[str] = []  # CREATE INDEX statements to run again at the end
        self._before = 0
        if self.sqlite:  # a bigger page cache for this connection while it loads (memory only; reset in close)
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            self._before = int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM bank_statements").scalar_one())

    def day(self, day: date | None) -> str | None:
        found = self._dates.get(day, "")
        if found == "":
            found = self._dates[day] = day.isoformat() if day else None
        return found

    def entity(
        self,
        schema: str,
        category: str | None,
        legal_basis: str,
        review: date | None,
        ident: str | None = None,
        status: str = "active",
    ) -> str:
        """Queue a new entity; returns its id (32 hex digits)."""
        ident = ident or self.ids.next()
        self.touch(ident)
        self.entities.append(
            (
                ident,
                self.now,
                self.now,
                schema,
                category,
                legal_basis,
                self.day(review),
                status,
                self.contributor,
                self.by_name,
            )
        )
        return ident

    def head(self, p: Provenance, contributor: str | None = None) -> int:
        """The number of the columns every statement of one provenance shares (rendered once). ``contributor``
        (an organisation id, 32 hex digits) stands for the writer's own, already checked by the import."""
        found = self._heads.get((p, contributor))
        if found is None:
            source, observed, reliability, credibility, marking = p
            oc: Any = int(marking.originator_control) if self.sqlite else marking.originator_control
            found = self._heads[(p, contributor)] = len(self._head_rows)
            self._head_rows.append(
                (
                    self.now,
                    self.now,
                    contributor or self.contributor,
                    self.import_id,
                    self.by_name,
                    source.strip()[:300],
                    self.day(observed),
                    reliability,
                    credibility,
                    marking.tlp,
                    oc,
                    marking.purpose,
                    releasable_text(marking.releasable_to),
                )
            )
        return found

    def head_for(self, d: Defaults) -> int:
        """:meth:`head` of a file's, a row's or a value's provenance."""
        return self.head((d.source, d.observed_on, d.reliability, d.credibility, d.marking), d.contributor)

    def statement(
        self,
        entity_id: str | uuid.UUID,
        prop: str,
        value: str,
        kind: str | None,
        script: str | None,
        object_id: str | uuid.UUID | None,
        review: date | None,
        head: int,
    ) -> None:
        """Queue a checked statement; ``head`` from :meth:`head`."""
        eid = entity_id if isinstance(entity_id, str) else entity_id.hex
        if self.touched is not None:
            self.touch(eid)
        obj = object_id.hex if isinstance(object_id, uuid.UUID) else object_id
        self.statements.append((self.ids.next(), eid, prop, value, kind, script, obj, self.day(review), head))
        if len(self.statements) >= BATCH:
            self.flush()

    def touch(self, entity_id: str | uuid.UUID) -> None:
        """Note a changed entity (its names, dates, nationalities, status) for the indexes' change log."""
        if self.touched is not None:
            self.touched.add(entity_id if isinstance(entity_id, str) else entity_id.hex)
            if len(self.touched) > CHANGE_LIST_MAX:
                self.touched = None

    def reference(
        self,
        entity_id: str | uuid.UUID,
        list_name: str,
        reference: str,
        listed_on: date | None,
        delisted_on: date | None = None,
    ) -> None:
        eid = entity_id if isinstance(entity_id, str) else entity_id.hex
        self.references.append(
            (self.ids.next(), eid, list_name, reference, self.day(listed_on), self.day(delisted_on), self.now, self.now)
        )

    def flush(self) -> None:
        for table, columns, rows in (
            ("bank_entities", ENTITY_COLUMNS, self.entities),
            ("bank_statements", STATEMENT_COLUMNS, self.statements),
            ("bank_references", REFERENCE_COLUMNS, self.references),
        ):
            if rows:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._work, name="bank-import-writer", daemon=True)
                    self._thread.start()
                self._queue.put((table, columns, list(rows)))
                self.written += len(rows)
                rows.clear()
        if self._error is not None:
            self._stop()

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                if self._error is None:
                    self._write(*item)
            except BaseException as exc:  # handed to the import's thread by sync()
                self._error = exc
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def sync(self) -> None:
        """Wait until every queued batch is written; raise the writer thread's error if it had one."""
        if self._thread is not None:
            self._queue.join()
        if self._error is not None:
            self._stop()

    def _stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
            return
        self.abort()

    def abort(self) -> None:
        """The import failed: let the thread finish its batch before the rollback (the import's error is the
        one to raise, not the thread's); batches still queued are dropped."""
        self._error = RuntimeError("import aborted")  # the thread skips what is left in its queue
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._error = None
        if self.sqlite:
            with contextlib.suppress(Exception):  # the connection goes back to the pool with its usual cache
                self._raw.execute("PRAGMA cache_size=-2000")

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(columns)
        statements = table == "bank_statements"  # rows of 8 values and the number of their shared columns
        if not self.sqlite:
            heads = self._head_rows
            with self._raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row[:8], *heads[row[8]]) if statements else row)
            return
        if not self._dropped and self.written >= max(DROP_INDEXES_AFTER, self._before):
            self._drop_indexes()
        cur = self._raw.cursor()
        try:
            if not statements:
                marks = ", ".join("?" * len(columns))
                cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - constants
                return
            # Statements go through a scratch table, then one INSERT ... SELECT per provenance: the shared columns
            # are bound once, and the database's work (constraints, indexes) runs in one call that releases the
            # GIL, so the import's thread goes on checking lines meanwhile (an executemany takes the GIL back
            # for every row).
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS bulk_statements ({', '.join(columns[:8])}, head INTEGER)")
            cur.executemany("INSERT INTO temp.bulk_statements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            shared = ", ".join("?" * (len(columns) - 8))
            for head in sorted({row[8] for row in rows}):
                cur.execute(
                    f"INSERT INTO bank_statements ({names}) SELECT {', '.join(columns[:8])}, {shared} "  # noqa: S608
                    "FROM temp.bulk_statements WHERE head = ?",
                    (*self._head_rows[head], head),
                )
            cur.execute("DELETE FROM temp.bulk_statements")
        finally:
            cur.close()

    def _drop_indexes(self) -> None:
        """A load bigger than the table it goes into: drop the secondary indexes of the bank's tables now and
        build them again at the end (sorting once beats inserting at random into them row by row). SQLite DDL
        is transactional, so a rollback brings them back; readers keep seeing the committed state."""
        cur = self._raw.cursor()
        try:
            found = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE "
                "'CREATE UNIQUE%' AND tbl_name IN ('bank_entities', 'bank_statements')"
            ).fetchall()
            for name, sql in found:
                cur.execute(f'DROP INDEX "{name}"')
                self._dropped.append(sql)
        finally:
            cur.close()

    def _restore_indexes(self) -> None:
        if self._dropped:
            conn = self.session.connection()
            for sql in self._dropped:
                conn.exec_driver_sql(sql)
            self._dropped = []

    def close(self) -> None:
        """Write what is left, wait for it, and hand the connection back to the session."""
        self.flush()
        self._stop()
        self._restore_indexes()
        if self.sqlite:
            self.session.connection().exec_driver_sql("DROP TABLE IF EXISTS temp.bulk_statements")
            self.session.connection().exec_driver_sql("PRAGMA cache_size=-2000")


def begin_import(
    session: Session, actor: Principal, kind: str, filename: str, digest: str, admin_ok: bool = False
) -> tuple[Viewer, BankImport]:
    """Check the actor may import, and write the import's record (its report comes at the end)."""
    viewer = viewer_for(session, actor)
    if not (admin_ok and actor.is_admin):  # a node admin may load a public list in the node's name
        require_analyst(viewer)
    imp = BankImport(
        id=uuid.uuid4(),
        kind=kind,
        filename=filename[:300],
        sha256=digest,
        organisation_id=actor.organisation_id,
        by_name=actor.username,
        report={},
    )
    session.add(imp)
    session.flush()
    return viewer, imp


def finish_import(
    session: Session, actor: Principal, imp: BankImport, report: dict[str, Any], touched: set[str] | None = None
) -> BankImport:
    """Store the report and its counts, audit the import, and bump the bank revision with the entities it
    ``touched`` (None: the name indexes rebuild)."""
    for key in ("added", "changed", "unchanged", "delisted", "refused"):
        setattr(imp, key, report.get(f"{key}_count", 0))
    imp.report = report
    audit(
        session,
        actor=actor,
        action="bank.import",
        target_type="bank_import",
        target_id=imp.id,
        details={"kind": imp.kind, "filename": imp.filename, "sha256": imp.sha256}
        | {k: v for k, v in report.items() if k.endswith("_count") or k == "mass_delisting"},
    )
    bump_bank(session, None if touched is None else [as_uuid(e) for e in touched])
    session.flush()
    return imp


def check_size(data: bytes, max_bytes: int | None) -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLarge(
            _(
                "the file is %(size)s bytes, over the import limit of %(limit)s (LIAISON_IMPORT_MAX_BYTES)",
                size=i18n.number(len(data)),
                limit=i18n.number(max_bytes),
            )
        )
