"""Legal requests at the command line: ``liaison request draft|check|send|list|show|answer|ledger``."""

from __future__ import annotations

import typer

from liaison.cli.context import lazy_gettext

request_app = typer.Typer(
    help=lazy_gettext("Mutual legal assistance and extradition requests: draft, check, send, track."),
    no_args_is_help=True,
)
