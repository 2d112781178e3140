"""The ``liaison`` command, assembled from one module per domain.

Each domain module (``node``, ``duty``, ``networks``, ``messages``, ...) holds its commands and imports only
:mod:`liaison.cli.context` (the context, output, errors and shared options) and the domain code, never another
domain module; this module alone puts them together, in the order ``liaison --help`` lists them.
Exit codes: 0 ok, 1 error (not found, invalid, forbidden), 2 usage, 3 nobody on duty (the fallback is printed)
or, with ``screen --fail-on-match``, a match.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
import typer.core
from typer.core import TyperGroup

from liaison.cli import (
    accounts,
    analysis_forecast,
    analysis_incidents,
    analysis_links,
    analysis_money,
    audit,
    bank,
    briefing,
    demo,
    directory,
    docs,
    duty,
    exercises,
    interchange,
    legal_basis,
    legal_compare,
    legal_offences,
    legal_requests,
    merges,
    messages,
    networks,
    node,
    registries,
    screening,
)
from liaison.cli.context import language, lazy_gettext
from liaison.i18n import use_locale

__all__ = ["app"]


# Languages written without spaces between words: rich's help tables wrap only at spaces and cut the rest of a
# line with "…", so their help goes through click's plain formatter, which breaks long words instead.
UNSPACED = frozenset({"zh"})


@contextmanager
def _speaking(code: str) -> Iterator[None]:
    rich = typer.core.HAS_RICH
    typer.core.HAS_RICH = rich and code not in UNSPACED
    try:
        with use_locale(code):
            yield
    finally:
        typer.core.HAS_RICH = rich


class _LocalisedGroup(TyperGroup):
    """The root group: runs the command in the CLI's language (:func:`liaison.cli.context.language`), also when a
    caller built the click command itself, as ``typer.testing.CliRunner`` does."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with _speaking(language(os.environ)):
            return super().main(*args, **kwargs)


class _Liaison(typer.Typer):
    """``liaison``: the help texts are looked up when Typer builds the click command from this app, on each call,
    so the call builds it in the CLI's language as well as running it there."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with _speaking(language(os.environ)):
            return super().__call__(*args, **kwargs)


app = _Liaison(
    cls=_LocalisedGroup,
    help=lazy_gettext("Liaison: 24/7 points-of-contact directory for counterterrorism networks."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _add(group: typer.Typer, commands: typer.Typer, *names: str) -> None:
    """Add the named commands that a domain module declared on its ``commands`` to ``group``, in this order."""
    declared = {c.name: c for c in commands.registered_commands}
    group.registered_commands.extend(declared[name] for name in names)


# Commands, then groups: the order of `liaison --help`.
_add(app, node.commands, "serve", "check-config")
_add(app, networks.commands, "networks")
_add(app, duty.commands, "on-duty", "board", "readiness")
_add(app, messages.commands, "send", "ack")
_add(app, node.commands, "worker")
_add(app, bank.commands, "search")

app.add_typer(node.db_app, name="db")
app.add_typer(demo.demo_app, name="demo")
app.add_typer(duty.roster_app, name="roster")
app.add_typer(accounts.user_app, name="user")
app.add_typer(directory.directory_app, name="directory")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(messages.message_app, name="message")
app.add_typer(exercises.exercise_app, name="exercise")
app.add_typer(networks.network_app, name="network")
app.add_typer(screening.screen_app, name="screen")

bank_app = typer.Typer(help=lazy_gettext("The security information bank."), no_args_is_help=True)
_add(bank_app, bank.commands, "show")
_add(bank_app, merges.commands, "propose-merges", "merges")
_add(bank_app, bank.commands, "reviews")
bank_app.add_typer(merges.merge_app, name="merge")
app.add_typer(bank_app, name="bank")

analyze_app = typer.Typer(
    help=lazy_gettext("The analysis centre: link analysis, funding, trends and forecasts."), no_args_is_help=True
)
for _module in (analysis_links, analysis_money, analysis_incidents, analysis_forecast):
    analyze_app.registered_commands.extend(_module.analyze.registered_commands)
app.add_typer(analyze_app, name="analyze")
app.add_typer(analysis_incidents.incidents_app, name="incidents")
app.add_typer(analysis_money.transactions_app, name="transactions")
app.registered_commands.extend(briefing.commands.registered_commands)

legal_app = typer.Typer(
    help=lazy_gettext("Common legal ground: legal basis, dual criminality, definitions and gaps."), no_args_is_help=True
)
for _module in (legal_basis, legal_offences, legal_compare):
    legal_app.registered_commands.extend(_module.legal.registered_commands)
app.add_typer(legal_app, name="legal")
app.add_typer(legal_requests.request_app, name="request")
app.add_typer(registries.registry_app, name="registry")

app.add_typer(interchange.import_app, name="import")
app.add_typer(interchange.export_app, name="export")
docs.register(app)
