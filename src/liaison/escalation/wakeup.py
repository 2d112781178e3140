"""Waking the workers when work falls due: PostgreSQL's ``LISTEN``/``NOTIFY`` on the channel ``liaison_jobs``.

Why: a worker that only polls either polls hot (every idle worker on every machine asks the database several
times a second) or delivers late (a flash notice waits for the next poll). An in-process event wakes only the
worker in the process that sent the message; the ``liaison worker`` processes, on this machine or others, learn
of it from the database. So the transaction that makes work due sends ``NOTIFY liaison_jobs`` before it
commits, and PostgreSQL delivers the notification on commit only: never for a rolled-back transaction, never
before the rows are visible to the worker it wakes.

- :func:`due` records, in the caller's transaction, that a job falls due at some time (:mod:`queue` calls it
  for every job it schedules); a message sent or an exercise scheduled (``session.info["dispatch"]``) counts
  as due now. Just before the commit one ``pg_notify`` is sent for work due now (empty payload) and one for the
  earliest job due later within :data:`HORIZON` (its due time as Unix seconds), so every listening worker also
  wakes on time for the next escalation step instead of at its next poll.
- :class:`Listener` holds one dedicated connection in autocommit per worker, ``LISTEN``\\ s, and calls back on
  each notification. When the connection is lost it reconnects with backoff; meanwhile the worker polls at
  ``LIAISON_WORKER_POLL_SECONDS`` as before. While it listens, the worker polls only as a fallback, every
  ``LIAISON_WORKER_LISTEN_POLL_SECONDS`` (a notification can be missed: sent while this worker reconnected).

SQLite has no ``NOTIFY``: there the worker is the one embedded in ``liaison serve`` and is woken in-process
(``app.py``), polling stays its only other mechanism. A ``NOTIFY`` costs the committing transaction a short
global lock in PostgreSQL: one per transaction that makes work due, none on the delivery path (a delivery
recorded as sent schedules nothing).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

log = logging.getLogger("liaison.worker")

CHANNEL = "liaison_jobs"
HORIZON = timedelta(hours=1)
"""Jobs due later than this are left to the polling: a worker would only keep their time in memory for long."""
_NOW, _LATER = "wake_now", "wake_at"


def due(session: Session, at: datetime) -> None:
    """A job of this transaction falls due ``at``: wake the workers when it commits (PostgreSQL)."""
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if at <= datetime.now(UTC):
        session.info[_NOW] = True
    elif _LATER not in session.info or at < session.info[_LATER]:
        session.info[_LATER] = at


def _payloads(info: dict[str, Any], now: datetime) -> list[str]:
    out = []
    later: datetime | None = info.pop(_LATER, None)
    if info.pop(_NOW, False) or info.get("dispatch") or (later is not None and later <= now):
        out.append("")
    if later is not None and now < later <= now + HORIZON:
        out.append(f"{later.timestamp():.3f}")
    return out


@event.listens_for(Session, "before_commit")
def _notify(session: Session) -> None:
    """Send the notifications in the committing transaction: PostgreSQL delivers them on commit only."""
    if not any(k in session.info for k in (_NOW, _LATER, "dispatch")):
        return
    if session.get_bind().dialect.name != "postgresql":
        _forget(session)
        return
    for payload in _payloads(session.info, datetime.now(UTC)):
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_NOW, None)
    session.info.pop(_LATER, None)


def conninfo(url: URL) -> str:
    """The libpq connection string (a ``postgresql://`` URI) for the engine's SQLAlchemy URL."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
"""TCP keepalives on the listening connection, which otherwise only reads: a database host gone silent is
noticed within about half a minute, rather than never."""


class Listener:
    """One connection ``LISTEN``\\ ing on :data:`CHANNEL` in a daemon thread. ``on_wake(None)``: work is due now
    (also called on every (re)connection: something may have been sent while it was away); ``on_wake(t)``:
    work falls due at Unix time ``t``. :attr:`listening` is set while the connection is up."""

    def __init__(self, url: URL, on_wake: Callable[[float | None], None], *, max_backoff: float = 10.0) -> None:
        self.conninfo = conninfo(url)
        self.on_wake = on_wake
        self.max_backoff = max_backoff
        self.listening = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Listener:
        self._thread = threading.Thread(target=self._run, name="liaison-listen", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        dsn = make_conninfo(self.conninfo, connect_timeout=5, **KEEPALIVES)
        pause = 0.2
        while not self._stopping.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    log.info("listening for wake-ups on %s", CHANNEL)
                    pause = 0.2
                    self.on_wake(None)
                    while not self._stopping.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self.on_wake(_parse(note.payload))
            except Exception as exc:  # connection lost, database restarting: poll meanwhile, then reconnect
                if self._stopping.is_set():
                    break
                log.warning("wake-up listener: %s; polling, reconnecting in %.1f s", _first_line(exc), pause)
            finally:
                self.listening.clear()
            self._stopping.wait(pause)
            pause = min(2 * pause, self.max_backoff)


def _parse(payload: str) -> float | None:
    try:
        return float(payload) if payload else None
    except ValueError:
        return None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"
