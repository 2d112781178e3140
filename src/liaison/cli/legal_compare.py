"""Common legal ground at the command line: ``liaison legal ...`` (this module's part is filled in by its slice)."""

from __future__ import annotations

import typer

legal = typer.Typer()
