"""Who sees what in the bank: markings hide statements, and an entity whose names are hidden does not exist."""

from __future__ import annotations

import uuid

import orjson
import pytest
from sqlalchemy import select

from liaison.actions.bank import StatementInput, create_entity
from liaison.db import transaction
from liaison.errors import NotFound, PermissionDenied
from liaison.marking import Marking
from liaison.models import Statement
from liaison.queries.bank_access import entity_or_404, viewer_for, visible_statement
from liaison.queries.bank_export import export_ftm
from tests.bank.conftest import BankWorld, plain

STRICT = Marking("AMBER+STRICT")


def french_record(bank: BankWorld, name_marking: Marking, dob_marking: Marking = STRICT) -> uuid.UUID:
    with transaction(bank.sessions) as s:
        e = create_entity(
            s,
            actor=bank["fr.analyst"],
            schema="Person",
            statements=[
                StatementInput("name", "Karim Haddad", name_kind="primary", marking=name_marking),
                StatementInput("birthDate", "1984-03-02", marking=dob_marking),
                StatementInput("nationality", "FR", marking=Marking("AMBER")),
            ],
            data_subject_category="suspect",
            legal_basis="Art. 18 Europol Regulation",
        )
        return e.id


def seen(bank: BankWorld, who: str, entity_id: uuid.UUID) -> set[str]:
    """The props of ``entity_id`` that ``who`` may see, through the SQL clause."""
    with bank.sessions() as s:
        viewer = viewer_for(s, bank[who])
        entity_or_404(s, viewer, entity_id)
        return set(s.scalars(select(Statement.prop).where(Statement.entity_id == entity_id, visible_statement(viewer))))


def exported(bank: BankWorld, who: str) -> list[dict]:
    with bank.sessions() as s:
        return plain([orjson.loads(line) for line in export_ftm(s, viewer_for(s, bank[who]), "RED")])


def test_strict_statement_is_hidden_from_the_german_analyst(bank: BankWorld) -> None:
    eid = french_record(bank, Marking("AMBER"))
    assert seen(bank, "fr.analyst", eid) == {"name", "birthDate", "nationality"}
    assert seen(bank, "de.analyst", eid) == {"name", "nationality"}
    assert seen(bank, "jp.screener", eid) == {"name", "nationality"}
    german = exported(bank, "de.analyst")
    assert len(german) == 1 and "birthDate" not in german[0]["properties"]
    assert exported(bank, "fr.analyst")[0]["properties"]["birthDate"] == ["1984-03-02"]


def test_releasable_to_germany_opens_it_to_the_german_analyst_only(bank: BankWorld) -> None:
    eid = french_record(bank, Marking("AMBER"), Marking("AMBER+STRICT", releasable_to=("DE",)))
    assert "birthDate" in seen(bank, "de.analyst", eid)
    assert "birthDate" not in seen(bank, "jp.screener", eid)


def test_red_is_for_the_named_only(bank: BankWorld) -> None:
    eid = french_record(bank, Marking("AMBER"), Marking("RED"))
    assert "birthDate" not in seen(bank, "de.analyst", eid)
    assert "birthDate" in seen(bank, "fr.analyst", eid)


def test_an_entity_whose_names_are_hidden_does_not_exist(bank: BankWorld) -> None:
    eid = french_record(bank, STRICT)
    assert "name" in seen(bank, "fr.analyst", eid)
    for who in ("de.analyst", "jp.screener"):
        with pytest.raises(NotFound), bank.sessions() as s:
            entity_or_404(s, viewer_for(s, bank[who]), eid)
        assert exported(bank, who) == []
    with pytest.raises(NotFound), bank.sessions() as s:  # unknown and hidden look the same
        entity_or_404(s, viewer_for(s, bank["de.analyst"]), uuid.uuid4())


def test_people_without_a_bank_role_are_refused(bank: BankWorld) -> None:
    eid = french_record(bank, Marking("CLEAR"), Marking("CLEAR"))
    for who in ("fr.cp", "outsider"):
        with pytest.raises(PermissionDenied), bank.sessions() as s:
            entity_or_404(s, viewer_for(s, bank[who]), eid)
        with pytest.raises(PermissionDenied), bank.sessions() as s:
            list(export_ftm(s, viewer_for(s, bank[who])))
