"""The background half the bank's in-memory indexes share (the name index, :mod:`liaison.queries.bank_index`, and
the link index, :mod:`liaison.queries.link_index`): the stored bank revision they follow, and a daemon thread that
calls the index's ``refresh()`` every ``check_interval`` seconds until stopped, so no request waits for a build."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, text

log = logging.getLogger("liaison.bank")


class Refresher:
    """Mixed into an index that sets ``_engine``, ``check_interval``, ``_stop`` (an Event), ``_thread`` (None)
    and ``_dirty``, and defines ``refresh()``. ``REFRESHER`` names its thread and its log lines."""

    REFRESHER = "bank index"
    _engine: Engine
    check_interval: float
    _stop: threading.Event
    _thread: threading.Thread | None
    _dirty: bool

    def refresh(self, *, wait: bool = True) -> None:
        raise NotImplementedError

    def mark_dirty(self) -> None:
        self._dirty = True

    def start(self) -> None:
        """Build in the background, then keep up every ``check_interval`` seconds."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            delay = 0.0
            while not self._stop.wait(delay):
                delay = self.check_interval
                try:
                    self.refresh()
                except Exception:  # a database hiccup must not kill the refresher; the next tick retries
                    log.exception("%s: refresh failed", self.REFRESHER)
                    self.mark_dirty()

        self._thread = threading.Thread(target=loop, name=self.REFRESHER.replace(" ", "-") + "-refresher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._thread = None

    def _stored_revision(self) -> int:
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return int(conn.execute(text("SELECT revision FROM bank_revision WHERE id = 1")).scalar() or 0)
