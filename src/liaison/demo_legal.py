"""The demo's common legal ground: the instruments (the seed dataset), the demo states' participations,
cooperation profiles and national offences (demonstration data, marked as such), a demo case's request from
France to Japan, and the registries. Each part is its own module; this loads them in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.principal import Principal


def load_legal_demo(session: Session, *, operator: Principal) -> dict[str, Any]:
    """Load every part; returns counts by part."""
    from liaison import demo_legal_basis, demo_legal_offences, demo_legal_requests, demo_registries

    counts: dict[str, Any] = {}
    counts["basis"] = demo_legal_basis.load(session, operator=operator)
    counts["offences"] = demo_legal_offences.load(session, operator=operator)
    counts["registries"] = demo_registries.load(session, operator=operator)
    counts["requests"] = demo_legal_requests.load(session, operator=operator)
    return counts
