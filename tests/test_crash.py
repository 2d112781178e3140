"""A killed process writes nothing half-way: a load killed mid-transaction leaves no trace, and the next
run starts cleanly (no stale lock on SQLite, no stuck transaction on PostgreSQL).

The kill comes only once the load is seen writing: uncommitted rows on disk (pages in SQLite's write-ahead log;
heap pages of the tables on PostgreSQL) while no row is visible yet. A kill before the first write would prove
nothing, so the test waits for that evidence rather than sleeping a fixed time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from liaison.db import make_engine
from liaison.models import AuditEvent, ContactPoint, Member, Network

LIAISON = str(Path(sys.executable).parent / "liaison")


COUNTED = (Network, Member, ContactPoint, AuditEvent)
ENOUGH = 64 * 1024  # bytes: some sixteen pages, well past a header or a lone page


def counts(url: str) -> dict[str, int]:
    """Rows visible to another connection. Read outside a write transaction (no BEGIN IMMEDIATE on SQLite), so
    it does not wait for the load's write lock."""
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return {m.__name__: conn.scalar(select(func.count()).select_from(m)) or 0 for m in COUNTED}
    finally:
        engine.dispose()


def written_but_not_committed(url: str) -> int:
    """Bytes the load has written and not committed: frames in SQLite's write-ahead log (a fresh database has
    none, and committed frames would show as rows), or heap pages of the counted tables on PostgreSQL (empty
    tables have none). Zero until the load's transaction starts writing."""
    if url.startswith("sqlite"):
        wal = Path(url.removeprefix("sqlite:///") + "-wal")
        return wal.stat().st_size if wal.exists() else 0
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = [m.__table__.name for m in COUNTED]  # type: ignore[attr-defined]
            return sum(conn.scalar(text(f"SELECT pg_relation_size('{t}')")) or 0 for t in tables)
    finally:
        engine.dispose()


def test_sigkill_during_a_load_leaves_nothing_half_written(empty_db_url):
    env = {**os.environ, "LIAISON_DATABASE_URL": empty_db_url, "LIAISON_ENV": "development"}
    assert written_but_not_committed(empty_db_url) == 0
    load = [LIAISON, "demo", "load", "--bench", "400,5,365", "--password", "a-long-bench-password"]
    proc = subprocess.Popen(load, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # a generous wait for the first writes, not a speed requirement
        while written_but_not_committed(empty_db_url) < ENOUGH:
            assert proc.poll() is None, "the load finished before it was seen writing; make it bigger"
            assert time.monotonic() < deadline, "the load never started writing"
            time.sleep(0.1)
        # Writing has begun and nothing is visible yet: the load is inside its one transaction.
        assert counts(empty_db_url) == {"Network": 0, "Member": 0, "ContactPoint": 0, "AuditEvent": 0}
        assert proc.poll() is None, "the load finished before it could be killed; make it bigger"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert written_but_not_committed(empty_db_url) >= ENOUGH  # the half-written data is there, on disk...
    assert counts(empty_db_url) == {"Network": 0, "Member": 0, "ContactPoint": 0, "AuditEvent": 0}  # ...unseen

    small = [LIAISON, "demo", "load", "--bench", "3,2,30", "--password", "a-long-bench-password"]
    done = subprocess.run(small, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = counts(empty_db_url)
    assert after["Network"] == 1 and after["Member"] == 3 and after["AuditEvent"] > 0
