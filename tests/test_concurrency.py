"""Concurrent read-then-write transactions all succeed (on SQLite they used to fail with 'database is locked')."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from liaison.actions.accounts import create_api_token
from liaison.db import make_engine, make_session_factory, transaction
from liaison.models import ApiToken, User
from tests.world import ADMIN


def test_parallel_read_then_write_transactions(world_db_url):
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)

    def work(i: int) -> None:
        with transaction(sessions) as s:
            user = s.scalars(select(User).where(User.username == "fr.cp")).one()  # read ...
            s.scalar(select(func.count()).select_from(ApiToken))
            create_api_token(s, actor=ADMIN, user=user, name=f"concurrent-{i}", totp_required=False)  # ... then write

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(40)))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.name.like("concurrent-%"))) == 40
    engine.dispose()
