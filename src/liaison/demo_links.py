"""Demo: demo_links part of the analysis centre's demo (placeholder until built)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.principal import Principal


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    return {}
