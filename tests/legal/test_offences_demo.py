"""The demo offences: every demo state has some, all marked as demonstration data, with the variation the
benchmark and the gap report need, and the demo case's answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from liaison.demo_legal_offences import DEMO_CASE, KNOWN, REVIEWER, state_codes
from liaison.legal.dual import check_dual, parse_case
from liaison.models import AuditEvent, NationalOffence, OffenceMapping
from liaison.queries.legal_facts import load_facts
from tests.conftest import Db
from tests.legal.offences_support import load_demo_offences


def test_every_demo_state_has_demo_offences_and_the_demo_case_answers(db: Db) -> None:
    load_demo_offences(db.sessions)
    with db.sessions() as s:
        facts = load_facts(s)
        states = set(s.scalars(select(NationalOffence.jurisdiction)))
        assert states == set(state_codes()) and len(states) >= 59
        assert s.scalar(select(func.count()).where(NationalOffence.demo.is_(False))) == 0
        assert s.scalar(select(func.count()).where(NationalOffence.verified.is_(True))) == 0
        reviewers = set(s.scalars(select(OffenceMapping.reviewed_by)))
        assert reviewers == {REVIEWER}
        assert s.scalar(select(func.count()).where(AuditEvent.action == "legal.offence.create")) == s.scalar(
            select(func.count()).select_from(NationalOffence)
        )
    behaviours = {j: {e for o in offs for e in o.elements} for j, offs in facts.offences.items()}
    assert any("travel" not in found for j, found in behaviours.items() if j not in KNOWN)
    assert any("receive_training" not in found for j, found in behaviours.items() if j not in KNOWN)
    assert "ideological_motive" in behaviours["NZ"] and "self_determination" in behaviours["SA"]
    assert any(o.language == "es" for o in facts.offences["MX"])

    case = parse_case(DEMO_CASE, today=date(2026, 12, 3))
    jp = check_dual(facts, set(case.conduct), "FR", "JP", "extradition", case.on)
    nz = check_dual(facts, set(case.conduct), "FR", "NZ", "extradition", case.on)
    assert (jp.verdict, nz.verdict) == ("met", "not_met")
    assert jp.certainty == "demo" and any("Demonstration data" in line for line in jp.explanation)
    assert nz.requested_matches and nz.requested_matches[0].missing == ["ideological_motive"]
    # a terrorist killing is punishable everywhere in the demo: the murder offences match it, whatever their label
    killing = {"kill", "intentional", "intimidate_population", "serious_damage"}
    for state in facts.offences:
        assert check_dual(facts, killing, "FR", state, "extradition", case.on).verdict in ("met", "unknown"), state
