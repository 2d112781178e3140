"""Bank fixtures: the test world (tests/world.py) with its bank personas as principals.

Personas: ``de.analyst`` (German police, analyst), ``fr.analyst`` (French unit, analyst), ``jp.screener``
(Japanese police, screening officer), ``fr.cp`` (a contact point: no bank role), ``outsider`` (no role), and
``OPERATOR`` (the node operator at the command line)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from liaison.db import make_engine, make_session_factory
from liaison.principal import Principal
from tests.conftest import OPERATOR, Databases, build_world_into


@dataclass
class BankWorld:
    url: str
    sessions: sessionmaker[Session]
    people: dict[str, Principal]

    def __getitem__(self, username: str) -> Principal:
        return self.people[username]


def principals(sessions: sessionmaker[Session]) -> dict[str, Principal]:
    from liaison.models import User
    from liaison.queries.principals import principal_for_user

    with sessions() as s:
        found = {u.username: principal_for_user(s, u, "api", "test") for u in s.scalars(select(User))}
    found["operator"] = OPERATOR
    return found


@pytest.fixture
def bank(databases: Databases, tmp_path) -> Iterator[BankWorld]:
    """A fresh copy of the test world, with the personas' principals."""
    url = databases.clone("world", build_world_into, tmp_path)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield BankWorld(url, sessions, principals(sessions))
    engine.dispose()


def properties(line: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    """The plain FtM view (``properties``) of an exported line in FtM's statement form."""
    found: dict[str, list[str]] = {}
    for stmt in line.get("statements", []):
        found.setdefault(stmt["prop"], []).append(stmt["value"])
    return found


def plain(lines: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    """Exported lines as plain FtM entities (id, schema, properties)."""
    return [{"id": r["id"], "schema": r["schema"], "properties": properties(r)} for r in lines]
