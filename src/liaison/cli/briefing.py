"""``liaison briefing FILE.pdf --include ...``: a marked PDF briefing (placeholder until built)."""

from __future__ import annotations

import typer

commands = typer.Typer()
