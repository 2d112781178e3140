"""Writing national offences and mappings: checked codes with suggestions, permissions, audit rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liaison.actions.legal_offences import OffenceInput, Provenance, save_mapping, save_offence
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound, PermissionDenied
from liaison.legal.elements import LIFE
from liaison.models import AuditEvent, Jurisdiction, NationalOffence, OffenceMapping
from tests.bank.conftest import principals
from tests.conftest import Api


def _states(api: Api) -> None:
    with transaction(api.sessions) as s:
        for code in ("FR", "DE"):
            s.add(Jurisdiction(code=code, name=code, organisations=["UN"]))


def murder(state: str = "FR", **kw: object) -> OffenceInput:
    values: dict[str, object] = {
        "jurisdiction": state,
        "citation": "Code pénal, art. 221-1",
        "label": "Meurtre",
        "language": "fr",
        "label_en": "Murder",
        "max_penalty_months": 360,
        "elements": ["kill", "intentional"],
        "provenance": Provenance(source="Légifrance", verified=True),
    } | kw
    return OffenceInput(**values)  # type: ignore[arg-type]


def test_offences_and_mappings_are_saved_audited_and_updated(api: Api) -> None:
    _states(api)
    people = principals(api.sessions)
    with transaction(api.sessions) as s:
        o = save_offence(s, actor=people["fr.cp"], data=murder(state="fr"))
        oid = o.id
        save_offence(s, actor=people["fr.cp"], data=murder(max_penalty_months=None, life=True))
        m = save_mapping(
            s,
            actor=people["fr.cp"],
            offence_id=oid,
            model="EU-2017-541:art-3",
            coverage="partial",
            evidence="Murder is one of the acts of Art. 3(1)(a).",
            provenance=Provenance(reviewed_by="A. Reviewer"),
        )
        assert m.model == "eu-2017-541:art-3"
    with api.sessions() as s:
        rows = s.scalars(select(NationalOffence)).all()
        assert len(rows) == 1 and rows[0].max_penalty_months == LIFE and rows[0].jurisdiction == "FR"
        assert rows[0].verified and rows[0].entered_by == "fr.cp"
        mapping = s.scalars(select(OffenceMapping)).one()
        assert mapping.coverage == "partial" and mapping.reviewed_by == "A. Reviewer"
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("legal.%")))]
        assert sorted(actions) == ["legal.mapping.create", "legal.offence.create", "legal.offence.update"]


def test_who_may_write(api: Api) -> None:
    _states(api)
    people = principals(api.sessions)
    with transaction(api.sessions) as s:
        save_offence(s, actor=people["secretariat"], data=murder(state="DE", citation="§ 211 StGB", label="Mord"))
    for who, state in (("fr.cp", "DE"), ("outsider", "FR"), ("fr.analyst", "FR")):
        with pytest.raises(PermissionDenied), transaction(api.sessions) as s:
            save_offence(s, actor=people[who], data=murder(state=state))


def test_unknown_codes_are_refused_with_suggestions(api: Api) -> None:
    _states(api)
    people = principals(api.sessions)
    with pytest.raises(InvalidInput) as e, transaction(api.sessions) as s:
        save_offence(s, actor=people["fr.cp"], data=murder(elements=["kil", "intentional"]))
    assert e.value.field == "elements" and "kill" in e.value.detail
    with pytest.raises(InvalidInput) as e, transaction(api.sessions) as s:
        save_offence(s, actor=people["fr.cp"], data=murder(any_of=[["kill", "injur"]]))
    assert "injure" in e.value.detail
    with pytest.raises(NotFound) as nf, transaction(api.sessions) as s:
        save_offence(s, actor=people["fr.cp"], data=murder(state="FX"))
    assert "FR" in nf.value.suggestions
    with pytest.raises(InvalidInput), transaction(api.sessions) as s:
        save_offence(s, actor=people["fr.cp"], data=murder(max_penalty_months=-3))
    with pytest.raises(InvalidInput), transaction(api.sessions) as s:
        save_offence(s, actor=people["fr.cp"], data=murder(elements=[]))
    with transaction(api.sessions) as s:
        oid = save_offence(s, actor=people["fr.cp"], data=murder()).id
    with pytest.raises(NotFound) as nf, transaction(api.sessions) as s:
        save_mapping(s, actor=people["fr.cp"], offence_id=oid, model="eu-2017-541:art-33", coverage="full")
    assert "eu-2017-541:art-3" in nf.value.suggestions
    with pytest.raises(InvalidInput), transaction(api.sessions) as s:
        save_mapping(s, actor=people["fr.cp"], offence_id=oid, model="eu-2017-541:art-3", coverage="most")
    with pytest.raises(NotFound), transaction(api.sessions) as s:
        save_mapping(s, actor=people["fr.cp"], offence_id="nope", model="eu-2017-541:art-3", coverage="full")
    with api.sessions() as s:
        assert s.scalar(select(OffenceMapping.id)) is None
