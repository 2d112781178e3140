"""``liaison analyze forecast``: backtested forecasts (placeholder until built)."""

from __future__ import annotations

import typer

analyze = typer.Typer()
