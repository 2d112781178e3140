"""Fixtures for the exchange: the small world of tests/world.py, its personas as principals, and a worker
whose clock the test moves and whose senders record what they send."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from liaison.channels.registry import Outgoing
from liaison.db import make_engine, make_session_factory
from liaison.escalation.worker import Worker
from liaison.models import User
from liaison.principal import Principal
from liaison.queries.principals import principal_for_user
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import Settings, load_settings

# A Wednesday: Claire is on duty for France (weeks from Monday 2026-01-05 alternate Claire, Marc).
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def on_duty_now(
    sessions: sessionmaker[Session],
    ids: dict,
    who: tuple[tuple[str, str], ...] = (("d_fr", "claire"),),
    before: timedelta = timedelta(hours=1),
    after: timedelta = timedelta(hours=2),
    reason: str = "",
) -> None:
    """Tests on the real clock: the world's rosters alternate weekly (France) and cover office hours (Japan), so
    overrides put the named contacts (designation id key, contact id key) on duty around now, whatever the day."""
    from tests.world import ADMIN

    from liaison.actions import rosters
    from liaison.db import transaction
    from liaison.models import Designation
    from liaison.models import utcnow as _now

    now = _now()
    with transaction(sessions) as s:
        for designation, contact in who:
            rosters.add_override(
                s,
                actor=ADMIN,
                designation=s.get_one(Designation, ids[designation]),
                contact_point_id=ids[contact],
                start=now - before,
                end=now + after,
                reason=reason,
            )


@dataclass
class Recorder:
    """A sender that records every item, and fails while ``down`` is set (like a dead SMTP server)."""

    sent: list[Outgoing] = field(default_factory=list)
    down: bool = False

    def send(self, item: Outgoing) -> None:
        from liaison.channels import ChannelError

        if self.down:
            raise ChannelError("connection refused", permanent=False)
        self.sent.append(item)


@dataclass
class Exchange:
    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings
    ids: dict
    now: list[datetime]
    senders: dict[str, Recorder]
    worker: Worker

    def as_(self, username: str, via: str = "web") -> Principal:
        with self.sessions() as s:
            user = s.scalar(select(User).where(User.username == username))
            assert user is not None
            return principal_for_user(s, user, via, "test")

    def tick(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.now[0] = self.now[0] + timedelta(**delta)
        return self.now[0]

    def run(self) -> int:
        """Run the worker until nothing more is due at the current (fake) time."""
        total = 0
        while (n := self.worker.run_once()) > 0:
            total += n
        return total

    def sent_to(self, kind: str = "email") -> list[str]:
        return [o.to for o in self.senders[kind].sent]


@pytest.fixture
def ex(world_db_url: str, databases) -> Iterator[Exchange]:
    world, _tokens = databases.extra["world"]
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)
    settings = load_settings(database_url=world_db_url, env="test", base_url="http://liaison.test")
    now = [T0]
    rec = {k: Recorder() for k in ("email", "webhook", "mobile", "phone", "inbox")}
    cache = DirectoryCache(engine)
    clock: Callable[[], datetime] = lambda: now[0]  # noqa: E731
    worker = Worker(settings, sessions, cache, name="test-worker", by_kind=rec, threads=2, clock=clock)  # type: ignore[arg-type]
    yield Exchange(engine, sessions, settings, world.ids, now, rec, worker)
    worker.pool.shutdown()
    engine.dispose()
