"""The registries at the command line: ``liaison registry officers|experts|training|strategy``."""

from __future__ import annotations

import typer

from liaison.cli.context import lazy_gettext

registry_app = typer.Typer(
    help=lazy_gettext("Registries: liaison officers, experts, training and national strategies."),
    no_args_is_help=True,
)
