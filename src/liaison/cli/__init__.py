"""The ``liaison`` command, assembled from one module per domain.

Each domain module (``node``, ``duty``, ``networks``, ``messages``, ...) holds its commands and imports only
:mod:`liaison.cli.context` (the context, output, errors and shared options) and the domain code, never another
domain module; this module alone puts them together, in the order ``liaison --help`` lists them.
Exit codes: 0 ok, 1 error (not found, invalid, forbidden), 2 usage, 3 nobody on duty (the fallback is printed)
or, with ``screen --fail-on-match``, a match.
"""

from __future__ import annotations

import typer

from liaison.cli import (
    accounts,
    audit,
    bank,
    demo,
    directory,
    docs,
    duty,
    exercises,
    interchange,
    merges,
    messages,
    networks,
    node,
    screening,
)

__all__ = ["app"]

app = typer.Typer(
    help="Liaison: 24/7 points-of-contact directory for counterterrorism networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Commands, then groups: the order of `liaison --help`.
app.command()(node.serve)
app.command("check-config")(node.check_config)
app.command()(networks.networks)
app.command("on-duty")(duty.on_duty)
app.command()(duty.board)
app.command()(duty.readiness)
app.command("send")(messages.send)
app.command("ack")(messages.ack)
app.command("worker")(node.worker)
app.command("search")(bank.search)

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

bank_app = typer.Typer(help="The security information bank.", no_args_is_help=True)
bank_app.command("show")(bank.show)
bank_app.command("propose-merges")(merges.propose_merges)
bank_app.command("merges")(merges.merges)
bank_app.command("reviews")(bank.reviews)
bank_app.add_typer(merges.merge_app, name="merge")
app.add_typer(bank_app, name="bank")

app.add_typer(interchange.import_app, name="import")
app.add_typer(interchange.export_app, name="export")
docs.register(app)
