"""Registers every analysis's briefing figures with :mod:`liaison.queries.figures` (by importing their modules)."""

from __future__ import annotations

from liaison.queries import forecast_figures  # noqa: F401
from liaison.queries import funding_figures  # noqa: F401
from liaison.queries import incidents_figures  # noqa: F401
