"""Shared by the offences and dual-criminality tests: offence facts built by hand, and a database holding the demo
offences with a few cooperation profiles."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from liaison.legal.facts import OffenceFact, ProfileFact, Source

DEMO = Source("Demonstration data", demo=True)
ON = date(2026, 12, 3)


def offence(
    citation: str,
    elements: tuple[str, ...],
    any_of: tuple[tuple[str, ...], ...] = (),
    penalty: int | None = 120,
    state: str = "XX",
    label: str = "",
    source: Source = DEMO,
    **kw: object,
) -> OffenceFact:
    return OffenceFact(
        id=citation,
        jurisdiction=state,
        citation=citation,
        label=label or citation,
        language="en",
        label_en=label or citation,
        max_penalty_months=penalty,
        elements=elements,
        any_of=any_of,
        source=source,
        **kw,  # type: ignore[arg-type]
    )


def profile(state: str, *, extradition: int = 12, mla: int = 0, dual_mla: bool = False) -> ProfileFact:
    return ProfileFact(
        state, False, True, True, False, dual_mla, extradition, mla, (), ("en",), "", Source("profile", demo=True)
    )


def load_demo_offences(sessions: sessionmaker[Session]) -> None:
    """The demo offences (every demo state), and profiles for FR, JP and NZ as the demo case needs them."""
    from liaison import demo_legal_offences
    from liaison.db import transaction
    from liaison.models import CooperationProfile
    from tests.conftest import OPERATOR

    with transaction(sessions) as s:
        demo_legal_offences.load(s, operator=OPERATOR)
        for code, extradition, dual_mla in (("FR", 12, True), ("JP", 36, False), ("NZ", 12, True)):
            s.add(
                CooperationProfile(
                    jurisdiction=code,
                    extradition_threshold_months=extradition,
                    mla_threshold_months=12 if dual_mla else 0,
                    dual_criminality_mla=dual_mla,
                    source="Demonstration data",
                    demo=True,
                )
            )
