"""Engine and session factory. SQLite gets WAL, a busy timeout and enforced foreign keys; PostgreSQL a pool."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from liaison.i18n import _


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide where transactions begin, so BEGIN IMMEDIATE works.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front. With a plain BEGIN, a transaction that reads and then
            # writes fails at once ("database is locked", which the busy timeout cannot help) whenever
            # another connection committed in between; SQLite is the embedded, small-node engine, so
            # serialising its transactions is the right trade (PostgreSQL is unaffected).
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


@event.listens_for(Session, "before_flush")
def _refuse_nul(session: Session, _context: Any, _instances: Any) -> None:
    """No stored text may hold a NUL character: PostgreSQL cannot store one and SQLite would silently keep it,
    so the same input would behave differently per engine. Refused here, whatever path the input took."""
    from liaison.errors import InvalidInput

    objs = sorted((*session.new, *session.dirty), key=lambda o: getattr(o, "__tablename__", "") == "audit_events")
    for obj in objs:  # the audit row last, so the error names the user's field rather than the record of it
        for attr in inspect(obj).mapper.column_attrs:
            if _has_nul(getattr(obj, attr.key, None)):
                raise InvalidInput(attr.key, _("must not contain NUL characters"))


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, so nothing is half-written."""
    with factory() as session, session.begin():
        yield session
