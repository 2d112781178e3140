"""Per-application state: settings, engine, session factory, directory cache, the read-audit buffer."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from liaison.models import AuditEvent
from liaison.principal import Principal
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import Settings


class ReadAudit:
    """Audit rows for reads of personal data, written in small batches off the request path.

    A duty lookup that names a person is a read of personal data and is audited; writing one row per
    request synchronously would serialise every lookup on the database. Rows are flushed every
    ``interval`` seconds and at shutdown, so at most that much can be lost if the process is killed.
    """

    def __init__(self, sessions: sessionmaker[Session], interval: float = 0.5) -> None:
        self._sessions = sessions
        self._interval = interval
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, actor: Principal, action: str, target_type: str, target_id: str, details: dict[str, Any],
               network_id: Any = None) -> None:
        row = {"actor_id": actor.user_id, "actor_name": actor.username, "organisation_id": actor.organisation_id,
               "action": action, "target_type": target_type, "target_id": target_id, "network_id": network_id,
               "via": actor.via, "ip": actor.ip, "details": details}
        with self._lock:
            self._rows.append(row)

    def flush(self) -> int:
        with self._lock:
            rows, self._rows = self._rows, []
        if rows:
            try:
                with self._sessions() as session, session.begin():
                    session.add_all(AuditEvent(**r) for r in rows)
            except Exception:
                with self._lock:  # keep them for the next flush: an audit row is never dropped on an error
                    self._rows[:0] = rows
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


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: DirectoryCache
    read_audit: ReadAudit
    principals: dict[str, tuple[float, Principal, Any]] = field(default_factory=dict)
