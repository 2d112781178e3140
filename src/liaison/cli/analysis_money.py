"""``liaison analyze funding|flags`` and ``liaison transactions import`` (placeholder until built)."""

from __future__ import annotations

import typer

from liaison.cli.context import lazy_gettext

analyze = typer.Typer()
transactions_app = typer.Typer(help=lazy_gettext("Money transactions for the analysis centre."), no_args_is_help=True)
