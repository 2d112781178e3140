"""Demo data for common legal ground (this module's part is filled in by its slice)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.principal import Principal


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    return {}
