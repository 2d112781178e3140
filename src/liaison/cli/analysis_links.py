"""``liaison analyze path|centrality|communities|timeline``: link analysis over the bank (placeholder until built)."""

from __future__ import annotations

import typer

analyze = typer.Typer()
