"""Looking at the rows behind the app in the security tests: a user's lockout state and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.db import make_engine, make_session_factory
from liaison.models import AuditEvent, User


@contextmanager
def opened(url: str) -> Iterator[Session]:
    """A session on the test's database, committed on leaving (for the few rows a test sets up itself)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def user_row(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def audit_rows(url: str, action: str, target_id: str | None = None) -> list[dict[str, Any]]:
    """The details of every audit row of ``action`` (on ``target_id`` when given), oldest first."""
    with opened(url) as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)
        if target_id is not None:
            query = query.where(AuditEvent.target_id == target_id)
        return [dict(row.details or {}) for row in session.scalars(query)]
