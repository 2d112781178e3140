"""Registers every analysis's briefing figures with :mod:`liaison.queries.figures` (by importing their modules)."""

from __future__ import annotations

from liaison.queries import (
    forecast_figures,  # noqa: F401
    funding_figures,  # noqa: F401
    incidents_figures,  # noqa: F401
    links_figures,  # noqa: F401
)
