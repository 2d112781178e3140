"""What every ``liaison`` command shares: its context (settings, database, the acting user), JSON output, errors
and exit codes, and the options that every domain names alike.

Exit codes: 0 ok, 1 error (not found, invalid, forbidden), 2 usage, 3 nobody on duty or a match where the command
says so. The domain modules of :mod:`liaison.cli` import this module and the domain code, never each other.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, NoReturn, cast

import typer

from liaison import i18n
from liaison.errors import InvalidInput, LiaisonError, NotFound
from liaison.i18n import _
from liaison.settings import ConfigError, Settings, load_settings


def lazy_gettext(message: str) -> str:
    """A help text, looked up in the CLI's language when Typer builds the click command (it calls ``str()``
    methods on it, which :class:`babel.support.LazyProxy` passes on), typed as the ``str`` Typer asks for.
    Named as :func:`liaison.i18n.lazy_gettext` so that ``make catalogs-extract`` finds the messages."""
    return cast(str, i18n.lazy_gettext(message))


JsonOpt = Annotated[bool, typer.Option("--json", help=lazy_gettext("Print JSON."))]
AsOpt = Annotated[str | None, typer.Option("--as", help=lazy_gettext("Act as this user (default: the node operator)."))]
AtOpt = Annotated[
    str | None, typer.Option("--at", help=lazy_gettext("ISO 8601 instant with offset, 1970-2199 (default: now)."))
]


class Priority(StrEnum):
    """A message's priority, as ``liaison send`` and ``liaison network set-escalation`` take it."""

    flash = "flash"
    urgent = "urgent"
    routine = "routine"


def language(environ: Mapping[str, str]) -> str:
    """The language the CLI speaks: ``LIAISON_LANGUAGE``, else the POSIX locale (``LANGUAGE``'s list, then the
    first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set, as gettext reads them; the ``C`` locale asks for
    none), else ``LIAISON_DEFAULT_LANGUAGE``, else English. A code we do not speak falls through to the next."""
    posix = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    wanted: list[str] = []
    if posix and posix.split(".")[0] not in ("C", "POSIX"):
        wanted = [*environ.get("LANGUAGE", "").split(":"), posix]
    return i18n.choose(environ.get("LIAISON_LANGUAGE"), wanted, environ.get("LIAISON_DEFAULT_LANGUAGE"))


def fail(message: str, code: int = 1, suggestions: list[str] | None = None) -> NoReturn:
    typer.echo(_("error: %(error)s", error=message), err=True)
    if suggestions:
        typer.echo(_("did you mean: %(names)s", names=", ".join(suggestions)), err=True)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(_("configuration: %(error)s", error=exc), 1)


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def handled() -> Iterator[None]:
    """Map domain errors to a clear message and exit code 1."""
    try:
        yield
    except NotFound as exc:
        fail(exc.detail, 1, exc.suggestions)
    except LiaisonError as exc:
        fail(exc.detail, 1)


@contextmanager
def usage() -> Iterator[None]:
    """Map a badly given option (an instant out of range, a date that is not one) to exit 2, a usage error."""
    try:
        yield
    except InvalidInput as exc:
        option = "--" + exc.field.replace("_", "-") if exc.field else ""
        fail(_("%(field)s: %(reason)s", field=option, reason=exc.reason) if option else exc.detail, 2)


def parse_at(value: str | None, option: str = "at") -> datetime:
    """The instant given with ``--at`` (or another option), checked by :func:`liaison.timeinput.instant`."""
    from liaison.models import utcnow
    from liaison.timeinput import instant

    with usage():
        return instant(value, option, default=utcnow)
    raise AssertionError  # unreachable


class Ctx:
    def __init__(self, s: Settings) -> None:
        from sqlalchemy.pool import NullPool

        from liaison.db import make_engine, make_session_factory

        self.settings = s
        self.engine = make_engine(s.sqlalchemy_url, poolclass=NullPool)  # a command needs no pool
        self.sessions = make_session_factory(self.engine)

    def actor(self, username: str | None):
        """The node operator (audited as such), or the named user with their own rights."""
        from sqlalchemy import select

        from liaison.models import User
        from liaison.principal import Principal
        from liaison.queries.principals import principal_for_user

        name = (username or self.settings.operator_name).lower()
        with self.sessions() as session:
            user = session.scalar(select(User).where(User.username == name))
            if user is not None:
                p = principal_for_user(session, user, "cli", "local")
                # Without --as, the operator's account acts with the node operator's authority.
                return p if username else dataclasses.replace(p, operator=p.is_admin)
        if username:
            fail(_("no user %(name)r", name=username))
        return Principal(None, f"{name} (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")

    def snapshot(self):
        from liaison.queries.snapshot import build

        with self.sessions() as session:
            return build(session)


def ctx() -> Ctx:
    return Ctx(settings())
