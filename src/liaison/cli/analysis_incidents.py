"""``liaison incidents import|list`` and ``liaison analyze trends`` (placeholder until built)."""

from __future__ import annotations

import typer

from liaison.cli.context import lazy_gettext

analyze = typer.Typer()
incidents_app = typer.Typer(help=lazy_gettext("Incidents (Global Terrorism Database layout)."), no_args_is_help=True)
