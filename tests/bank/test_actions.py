"""Bank writes: creating entities, statements, retraction, review dates and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from liaison.actions.bank import (
    StatementInput,
    add_statement,
    create_entity,
    detect_script,
    partial_date,
    retract_statement,
    set_review_date,
)
from liaison.actions.bank_reviews import due_for_review, remind_reviews
from liaison.bank.props import default_review_date
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, PermissionDenied
from liaison.marking import Marking
from liaison.models import AuditEvent, BankEntity, BankRevision, Statement, utcnow
from liaison.queries.bank_access import viewer_for
from tests.bank.conftest import BankWorld

BASIS = "Art. 18 Europol Regulation"


def person(bank: BankWorld, who: str = "fr.analyst", *names: StatementInput, **kw: object) -> BankEntity:
    statements = list(names) or [StatementInput("name", "Karim Haddad", name_kind="primary", source="DGSI note 12")]
    with transaction(bank.sessions) as s:
        e = create_entity(
            s,
            actor=bank[who],
            schema="Person",
            statements=statements,
            data_subject_category=kw.pop("category", "suspect"),  # type: ignore[arg-type]
            legal_basis=BASIS,
            **kw,  # type: ignore[arg-type]
        )
        s.expunge_all()
    return e


def test_create_person_with_provenance_and_default_review(bank: BankWorld) -> None:
    e = person(
        bank,
        "fr.analyst",
        StatementInput("name", "Karim Haddad", name_kind="primary", reliability="B", credibility="2"),
        StatementInput("name", "كريم حداد", name_kind="primary"),
        StatementInput("name", "Abu Karim", name_kind="code_name"),
        StatementInput("birthDate", "1984"),
        StatementInput("birthDate", "1985", source="BKA report", reliability="C", credibility="3"),
        StatementInput("nationality", "fr"),
    )
    with bank.sessions() as s:
        row = s.get(BankEntity, e.id)
        assert row is not None
        assert row.contributor_organisation_id == bank["fr.analyst"].organisation_id
        assert row.review_date == default_review_date("suspect", utcnow().date())
        by_value = {st.value: st for st in row.statements}
        assert by_value["كريم حداد"].script == "Arab"
        assert by_value["Karim Haddad"].script == "Latn"
        assert by_value["Karim Haddad"].grade == "B2"
        assert by_value["FR"].prop == "nationality"  # codes are stored upper case
        assert {by_value["1984"].prop, by_value["1985"].prop} == {"birthDate"}  # conflicting statements coexist
        assert all(st.contributor_organisation_id == row.contributor_organisation_id for st in row.statements)
        assert s.scalar(select(BankRevision.revision)) >= 1
        assert s.scalar(select(func.count()).where(AuditEvent.action == "bank.entity.create")) == 1


@pytest.mark.parametrize(
    ("statements", "kw", "field"),
    [
        ([StatementInput("birthDate", "1980")], {}, "name"),
        ([StatementInput("name", "X", name_kind="nickname")], {}, "name_kind"),
        ([StatementInput("name", "X", name_kind="primary"), StatementInput("shoeSize", "44")], {}, "prop"),
        (
            [StatementInput("name", "X", name_kind="primary"), StatementInput("birthDate", "1980-13-01")],
            {},
            "birthDate",
        ),
        (
            [StatementInput("name", "X", name_kind="primary"), StatementInput("nationality", "Narnia")],
            {},
            "nationality",
        ),
        ([StatementInput("name", "X", name_kind="primary", reliability="G")], {}, "reliability"),
        ([StatementInput("name", "X", name_kind="primary")], {"category": None}, "data_subject_category"),
        ([StatementInput("name", "X", name_kind="primary")], {"legal_basis": " "}, "legal_basis"),
    ],
)
def test_invalid_input_writes_nothing(bank: BankWorld, statements: list[StatementInput], kw: dict, field: str) -> None:
    args = {"data_subject_category": kw.get("category", "suspect"), "legal_basis": kw.get("legal_basis", BASIS)}
    with pytest.raises(InvalidInput) as err, transaction(bank.sessions) as s:
        create_entity(s, actor=bank["de.analyst"], schema="Person", statements=statements, **args)
    assert err.value.field == field
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 0


def test_only_analysts_write(bank: BankWorld) -> None:
    for who in ("fr.cp", "outsider", "jp.screener"):
        with pytest.raises(PermissionDenied), transaction(bank.sessions) as s:
            create_entity(
                s,
                actor=bank[who],
                schema="Organization",
                statements=[StatementInput("name", "Front X", name_kind="primary")],
            )


def test_relation_to_an_invisible_entity_is_refused(bank: BankWorld) -> None:
    secret = person(
        bank,
        "fr.analyst",
        StatementInput("name", "Hidden One", name_kind="primary", marking=Marking("RED")),
    )
    with pytest.raises(InvalidInput), transaction(bank.sessions) as s:
        create_entity(
            s,
            actor=bank["de.analyst"],
            schema="Organization",
            statements=[
                StatementInput("name", "Group", name_kind="primary"),
                StatementInput("leader_of", "", object_id=secret.id),
            ],
        )
    with transaction(bank.sessions) as s:  # the French unit may relate to its own record
        group = create_entity(
            s,
            actor=bank["fr.analyst"],
            schema="Organization",
            statements=[StatementInput("name", "Group", name_kind="primary")],
        )
        add_statement(
            s,
            actor=bank["fr.analyst"],
            entity_id=secret.id,
            statement=StatementInput("leader_of", "", object_id=group.id),
        )


def test_retract_keeps_the_statement_and_only_the_contributor_may(bank: BankWorld) -> None:
    e = person(
        bank,
        "fr.analyst",
        StatementInput("name", "Karim Haddad", name_kind="primary"),
        StatementInput("name", "K. Haddad", name_kind="alias"),
    )
    with bank.sessions() as s:
        alias = s.scalar(select(Statement).where(Statement.entity_id == e.id, Statement.name_kind == "alias"))
        primary = s.scalar(select(Statement).where(Statement.entity_id == e.id, Statement.name_kind == "primary"))
        assert alias is not None and primary is not None
    with pytest.raises(PermissionDenied), transaction(bank.sessions) as s:
        retract_statement(s, actor=bank["de.analyst"], statement_id=alias.id)
    with transaction(bank.sessions) as s:
        retract_statement(s, actor=bank["fr.analyst"], statement_id=alias.id, reason="wrong person")
    with pytest.raises(Conflict), transaction(bank.sessions) as s:
        retract_statement(s, actor=bank["fr.analyst"], statement_id=primary.id)
    with bank.sessions() as s:
        kept = s.get(Statement, alias.id)
        assert kept is not None and kept.retracted_at is not None and kept.value == "K. Haddad"


def test_reviews_due_reminded_once_and_reset(bank: BankWorld) -> None:
    e = person(bank, "fr.analyst", category="witness")
    other = person(bank, "de.analyst", category="suspect")
    later = utcnow().date() + timedelta(days=400)
    with bank.sessions() as s:
        fr = viewer_for(s, bank["fr.analyst"])
        assert [d.entity_id for d in due_for_review(s, fr, later)] == [e.id]  # witness: one year; suspect: three
        assert len(due_for_review(s, viewer_for(s, bank["operator"]), later + timedelta(days=800))) == 2
    with transaction(bank.sessions) as s:
        first = remind_reviews(s, actor=bank["fr.analyst"], on=later)
    assert [d.entity_id for d in first[bank["fr.analyst"].organisation_id]] == [e.id]
    with transaction(bank.sessions) as s:  # not reminded twice within a week, again after it
        assert remind_reviews(s, actor=bank["fr.analyst"], on=later) == {}
        s.execute(  # a week and a day go by (the stamp is the wall clock's)
            update(BankEntity)
            .where(BankEntity.review_reminded_at.is_not(None))
            .values(review_reminded_at=utcnow() - timedelta(days=8))
        )
        assert remind_reviews(s, actor=bank["fr.analyst"], on=later) != {}
    with bank.sessions() as s:
        row = s.get(BankEntity, e.id)
        assert row is not None and row.review_reminded_at is not None
    with pytest.raises(PermissionDenied), transaction(bank.sessions) as s:
        set_review_date(s, actor=bank["de.analyst"], entity_id=e.id, review_date=later, reason="x")
    with pytest.raises(InvalidInput), transaction(bank.sessions) as s:
        set_review_date(s, actor=bank["fr.analyst"], entity_id=e.id, review_date=later, reason=" ")
    with transaction(bank.sessions) as s:
        set_review_date(
            s, actor=bank["fr.analyst"], entity_id=e.id, review_date=later + timedelta(days=365), reason="open case"
        )
    with bank.sessions() as s:
        row = s.get(BankEntity, e.id)
        assert row is not None and row.review_reminded_at is None
        assert due_for_review(s, viewer_for(s, bank["fr.analyst"]), later) == []
        assert s.scalar(select(func.count()).where(AuditEvent.action == "bank.review.set")) == 1
    assert other.id != e.id


def test_value_rules() -> None:
    assert detect_script("Иван Петров") == "Cyrl"
    assert detect_script("محمد") == "Arab"
    assert detect_script("John 12") == "Latn"
    assert detect_script("123") is None
    assert partial_date("1971") == "1971"
    assert partial_date("1971-05") == "1971-05"
    assert partial_date("1960/1965") == "1960/1965"
    assert partial_date("1965/1960") is None
    assert partial_date("1971-02-30") is None
    assert partial_date("circa 1971") is None
