"""A killed process writes nothing half-way: a load killed mid-transaction leaves no trace, and the next
run starts cleanly (no stale lock on SQLite, no stuck transaction on PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from liaison.db import make_engine, make_session_factory
from liaison.models import AuditEvent, ContactPoint, Member, Network

LIAISON = str(Path(sys.executable).parent / "liaison")


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            return {
                m.__name__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Network, Member, ContactPoint, AuditEvent)
            }
    finally:
        engine.dispose()


def test_sigkill_during_a_load_leaves_nothing_half_written(empty_db_url):
    env = {**os.environ, "LIAISON_DATABASE_URL": empty_db_url, "LIAISON_ENV": "development"}
    load = [LIAISON, "demo", "load", "--bench", "400,5,365", "--password", "a-long-bench-password"]
    proc = subprocess.Popen(load, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    assert proc.poll() is None, "the load finished before it could be killed; make it bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert counts(empty_db_url) == {"Network": 0, "Member": 0, "ContactPoint": 0, "AuditEvent": 0}

    small = [LIAISON, "demo", "load", "--bench", "3,2,30", "--password", "a-long-bench-password"]
    done = subprocess.run(small, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    after = counts(empty_db_url)
    assert after["Network"] == 1 and after["Member"] == 3 and after["AuditEvent"] > 0
