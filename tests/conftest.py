"""Shared fixtures: real databases (SQLite, and PostgreSQL when LIAISON_TEST_POSTGRES_URL is set), personas.

The suite runs once per backend: ``LIAISON_TEST_BACKEND=postgresql`` makes every database fixture a fresh
PostgreSQL database cloned from a migrated template (``CREATE DATABASE ... TEMPLATE``). With the backend set
to PostgreSQL and the server unreachable, the session fails; it never skips silently.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from sqlalchemy.orm import Session, sessionmaker

from liaison.db import make_engine, make_session_factory, transaction
from liaison.migrate import upgrade
from liaison.principal import Principal

# Tests never run on the public development secret: they run in test mode (which refuses it) with a random
# secret of their own, set in the environment so that the `liaison` processes tests start inherit both.
os.environ.setdefault("LIAISON_ENV", "test")
if not os.environ.get("LIAISON_SECRET_KEY"):
    os.environ["LIAISON_SECRET_KEY"] = secrets.token_urlsafe(48)

BACKEND = os.environ.get("LIAISON_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("LIAISON_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DEMO_PASSWORD = "correct-horse-battery-staple"
# A fixed "now" for demo data keeps answers reproducible; tests that need the wall clock use their own.
DEMO_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium, installed by scripts/install-system-deps.sh; driven by playwright in the browser tests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
OPERATOR = Principal(None, "operator (test)", None, None, frozenset({("admin", None)}), via="cli", ip="test")


def pytest_report_header(config: pytest.Config) -> str:
    return f"liaison database backend: {BACKEND}" + (f" ({PG_URL})" if BACKEND == "postgresql" else "")


def _compile_stale_catalogs() -> None:
    """``make catalogs`` for a run started without make: each catalog compiled when its .mo is older than its .po.
    (The server never compiles; a catalog that does not compile stops the run here, as it stops ``make``.)"""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from liaison.i18n import LOCALE_DIR

    for po in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        tmp = mo.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog)
        tmp.replace(mo)  # atomic: xdist workers may compile at once


def pytest_sessionstart(session: pytest.Session) -> None:
    _compile_stale_catalogs()
    if BACKEND == "postgresql":
        try:
            with psycopg.connect(PG_URL, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            raise pytest.UsageError(f"LIAISON_TEST_BACKEND=postgresql but {PG_URL} is unreachable: {exc}") from exc


class Databases:
    """Makes empty or demo-filled databases of the configured backend, cheaply, from migrated templates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.created: list[str] = []
        self.templates: dict[str, str] = {}
        self.extra: dict[str, object] = {}

    def _pg_admin(self) -> psycopg.Connection:
        return psycopg.connect(PG_URL, autocommit=True)

    def _pg_url(self, name: str) -> str:
        base = PG_URL.rsplit("/", 1)[0]
        return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)

    def template(self, name: str, fill: Callable[[str], object] | None) -> str:
        if name in self.templates:
            return self.templates[name]
        if BACKEND == "postgresql":
            dbname = f"liaison_tpl_{name}_{uuid.uuid4().hex[:8]}"
            with self._pg_admin() as conn:
                conn.execute(f'CREATE DATABASE "{dbname}"')
            self.created.append(dbname)
            url = self._pg_url(dbname)
        else:
            url = f"sqlite:///{self.root / f'template-{name}.db'}"
        upgrade(url)
        if fill:
            self.extra[name] = fill(url)
        engine = make_engine(url)
        engine.dispose()
        self.templates[name] = url
        return url

    def clone(self, name: str, fill: Callable[[str], object] | None, dest: Path) -> str:
        tpl = self.template(name, fill)
        if BACKEND == "postgresql":
            dbname = f"liaison_t_{uuid.uuid4().hex[:12]}"
            with self._pg_admin() as conn:
                conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{tpl.rsplit("/", 1)[1]}"')
            self.created.append(dbname)
            return self._pg_url(dbname)
        src = Path(tpl.removeprefix("sqlite:///"))
        target = dest / f"{name}.db"
        shutil.copyfile(src, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        """Drop one database made by ``clone`` at once, for tests that make many (one per scenario)."""
        if BACKEND == "postgresql":
            name = url.rsplit("/", 1)[1]
            with self._pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.created.remove(name)
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    def drop_all(self) -> None:
        if BACKEND != "postgresql" or not self.created:
            return
        with self._pg_admin() as conn:
            for name in reversed(self.created):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_demo_into(url: str) -> None:
    from liaison.demo import load_demo

    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            load_demo(session, actor=OPERATOR, now=DEMO_NOW, password=DEMO_PASSWORD)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("templates"))
    yield dbs
    dbs.drop_all()


@pytest.fixture
def empty_db_url(databases: Databases, tmp_path: Path) -> str:
    """A fresh, migrated, empty database."""
    return databases.clone("empty", None, tmp_path)


@pytest.fixture
def demo_db_url(databases: Databases, tmp_path: Path) -> str:
    """A fresh database holding the demo directory (loaded once per session, cloned per test)."""
    return databases.clone("demo", load_demo_into, tmp_path)


@dataclass
class Db:
    url: str
    sessions: sessionmaker[Session]


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Db]:
    engine = make_engine(empty_db_url)
    yield Db(empty_db_url, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def demo(demo_db_url: str) -> Iterator[Db]:
    engine = make_engine(demo_db_url)
    yield Db(demo_db_url, make_session_factory(engine))
    engine.dispose()


@dataclass
class Api:
    """A running app (TestClient) over a built world, with one bearer token per persona."""

    client: object
    tokens: dict[str, str]
    world: object
    sessions: sessionmaker[Session]

    def as_(self, user: str | None):
        from tests.client import PersonaClient

        return PersonaClient(self.client, self.tokens.get(user) if user else None)  # type: ignore[arg-type]


def build_world_into(url: str) -> tuple[object, dict[str, str]]:
    from sqlalchemy import select

    from liaison.actions.accounts import create_api_token
    from liaison.models import User
    from tests.world import ADMIN, build_world

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    world = build_world(sessions)
    tokens = {}
    with transaction(sessions) as s:
        for user in s.scalars(select(User)):
            _, tokens[user.username] = create_api_token(s, actor=ADMIN, user=user, name="test", totp_required=False)
    engine.dispose()
    return world, tokens


@pytest.fixture
def world_db_url(databases: Databases, tmp_path: Path) -> str:
    """A fresh database holding the small known world of tests/world.py (built once, cloned per test)."""
    return databases.clone("world", build_world_into, tmp_path)


@pytest.fixture
def api(world_db_url: str, databases: Databases) -> Iterator[Api]:
    from fastapi.testclient import TestClient

    from liaison.app import create_app
    from liaison.settings import load_settings

    world, tokens = databases.extra["world"]  # type: ignore[misc]
    app = create_app(load_settings(database_url=world_db_url, env="test", base_url="http://testserver"))
    engine = make_engine(world_db_url)
    with TestClient(app) as client:
        yield Api(client, tokens, world, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where the browser tests write their screenshots: the test's own tmp_path, or the directory named by
    LIAISON_SCREENSHOT_DIR (created if need be) for someone who wants to look at them after a run. Never a
    path outside the repository and the test's temporary directory unless asked for."""
    chosen = os.environ.get("LIAISON_SCREENSHOT_DIR")
    if not chosen:
        return tmp_path
    out = Path(chosen)
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Debian chromium for one test module."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh to install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox(MessageHandler):
    """Keeps every message a loopback SMTP server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []  # type: ignore[type-arg]

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def,override]
        self.messages.append(message)


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    """A real SMTP server (aiosmtpd) on a free loopback port, and what it received."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()
