"""The financing tests' fixture: ``bank``, a fresh copy of the test world with the bank personas (the same as
tests/bank/conftest.py's, declared here under its name so test modules import it without shadowing it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from liaison.db import make_engine, make_session_factory
from tests.bank.conftest import BankWorld, principals
from tests.conftest import Databases, build_world_into


@pytest.fixture(name="bank")
def money_bank(databases: Databases, tmp_path) -> Iterator[BankWorld]:  # type: ignore[no-untyped-def]
    url = databases.clone("world", build_world_into, tmp_path)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield BankWorld(url, sessions, principals(sessions))
    engine.dispose()
