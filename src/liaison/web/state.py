"""Per-application state: settings, engine, session factory, directory cache, the read-audit buffer
(:class:`liaison.actions.read_audit.ReadAudit`, named here too for the app factory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from liaison.actions.read_audit import ReadAudit
from liaison.principal import Principal
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import Settings

__all__ = ["AppState", "ReadAudit"]


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: DirectoryCache
    read_audit: ReadAudit
    reads: sessionmaker[Session]  # autocommit reads: no transaction, no lock (authentication look-ups)
    principals: dict[str, tuple[float, Principal, Any]] = field(default_factory=dict)
    worker: Any = None  # the embedded escalation worker (liaison.escalation.worker.Worker), if running
    _bank_index: Any = None

    @property
    def bank_index(self) -> Any:
        """The bank's name index (liaison.queries.bank_index.BankIndex), built on first use."""
        if self._bank_index is None:
            from liaison.queries.bank_index import shared_index

            self._bank_index = shared_index(self.engine)
        return self._bank_index
