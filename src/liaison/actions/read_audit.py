"""The read-audit buffer: audit rows for reads of personal data, batched off the request path.

It is the one writer of audit rows outside an action's transaction, on purpose: a duty lookup must not wait on a
database write. What is recorded, and when, is said by the callers in :mod:`liaison.actions.evidence`.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from liaison.models import AuditEvent, utcnow
from liaison.principal import Principal


class ReadAudit:
    """Audit rows for reads of personal data, written in batches off the request path.

    A duty lookup that names a person is a read of personal data and is audited. Writing one row per
    request synchronously would serialise every lookup on the database, so reads are buffered and
    flushed every ``interval`` seconds (and at shutdown). Identical reads within one interval (same
    user, origin, target and persons shown) become one row with ``count``, ``first_at`` and ``last_at``:
    the record still says who saw whose data, when, and how often. At most one interval can be lost if
    the process is killed.
    """

    def __init__(self, sessions: sessionmaker[Session], interval: float = 0.5) -> None:
        self._sessions = sessions
        self._interval = interval
        self._rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(
        self,
        actor: Principal,
        action: str,
        target_type: str,
        target_id: str,
        details: dict[str, Any],
        network_id: Any = None,
    ) -> None:
        now = utcnow()
        key = (
            actor.user_id,
            actor.username,
            actor.via,
            actor.ip,
            action,
            target_type,
            target_id,
            repr(sorted(details.items())),
        )
        with self._lock:
            row = self._rows.get(key)
            if row is None:
                self._rows[key] = {
                    "at": now,
                    "actor_id": actor.user_id,
                    "actor_name": actor.username,
                    "organisation_id": actor.organisation_id,
                    "action": action,
                    "target_type": target_type,
                    "target_id": target_id,
                    "network_id": network_id,
                    "via": actor.via,
                    "ip": actor.ip,
                    "details": {**details, "count": 1, "first_at": now.isoformat(), "last_at": now.isoformat()},
                }
            else:
                row["details"]["count"] += 1
                row["last_at_dt"] = now

    def flush(self) -> int:
        """Write every read recorded so far; when it returns they are committed, even if the background
        thread had already taken some of them (flushes are serialised)."""
        with self._flushing:
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            pending, self._rows = self._rows, {}
        rows = list(pending.values())
        if rows:
            now = utcnow()
            for r in rows:
                if "last_at_dt" in r:
                    r["details"]["last_at"] = r.pop("last_at_dt").isoformat()
                r.setdefault("id", uuid.uuid4())
                r["created_at"] = r["updated_at"] = now
            try:
                with self._sessions() as session, session.begin():
                    session.execute(insert(AuditEvent), rows)  # one executemany, no ORM objects
            except Exception:
                with self._lock:  # keep them for the next flush: an audit row is never dropped on an error
                    for i, r in enumerate(rows):
                        self._rows[("retry", id(r), i)] = r
                raise
        return len(rows)

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self._interval):
                try:
                    self.flush()
                except Exception:  # keep rows for the next try; never kill the thread
                    time.sleep(self._interval)

        self._thread = threading.Thread(target=loop, name="read-audit", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.flush()
