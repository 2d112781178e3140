"""Registers every analysis's briefing figures with :mod:`liaison.queries.figures` (by importing their modules)."""

from __future__ import annotations

from liaison.queries import links_figures  # noqa: F401
