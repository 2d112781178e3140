"""The UN Security Council Consolidated List: import, idempotent re-import, delisting, changes, hostile XML."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from liaison.actions.bank_import import UN_LEGAL_BASIS, import_un_list
from liaison.data import UN_LIST_2017
from liaison.db import transaction
from liaison.errors import LiaisonError, PermissionDenied, TooLarge
from liaison.models import AuditEvent, BankEntity, BankImport, ListReference, Statement
from tests.bank.conftest import BankWorld

UN_FILE = UN_LIST_2017
DATA = UN_FILE.read_bytes()


def run(bank: BankWorld, data: bytes = DATA, who: str = "operator") -> BankImport:
    with transaction(bank.sessions) as s:
        imp = import_un_list(s, actor=bank[who], data=data, filename="un.xml")
        s.expunge(imp)
    return imp


def counts(bank: BankWorld) -> tuple[int, int]:
    with bank.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(BankEntity)) or 0,
            s.scalar(select(func.count()).select_from(Statement)) or 0,
        )


def entity_of(bank: BankWorld, reference: str) -> BankEntity:
    with bank.sessions() as s:
        found = s.scalar(
            select(BankEntity)
            .join(ListReference)
            .where(ListReference.list_name == "un-sc", ListReference.reference == reference)
        )
        assert found is not None
        s.expunge_all()
        return found


def test_import_counts_references_and_provenance(bank: BankWorld) -> None:
    imp = run(bank)
    assert (imp.added, imp.changed, imp.refused) == (1021, 0, 0)
    with bank.sessions() as s:
        by_schema = dict(s.execute(select(BankEntity.schema, func.count()).group_by(BankEntity.schema)).all())
        assert by_schema == {"Person": 650, "Organization": 371}
        assert s.scalar(select(func.count()).where(AuditEvent.action == "bank.import")) == 1
    e = entity_of(bank, "QDi.400")
    assert e.schema == "Person" and e.data_subject_category == "suspect" and e.legal_basis == UN_LEGAL_BASIS
    assert e.contributor_organisation_id is None
    with bank.sessions() as s:
        rows = s.scalars(select(Statement).where(Statement.entity_id == e.id)).all()
    names = {(r.value, r.name_kind, r.script) for r in rows if r.prop == "name"}
    assert ("IYAD NAZMI SALIH KHALIL", "primary", "Latn") in names
    assert ("إياد نظمي صالح خليل", "primary", "Arab") in names
    assert ("Abu-Julaybib", "weak_alias", "Latn") in names
    values = {(r.prop, r.value) for r in rows}
    assert ("birthDate", "1974") in values and ("nationality", "JO") in values
    assert any(p == "passportNumber" and v.startswith("Jordan 654781") for p, v in values)
    assert all(r.tlp == "CLEAR" and r.grade == "A2" and r.source.startswith("UN Security Council") for r in rows)


def test_reimport_is_idempotent_and_delists_without_deleting(bank: BankWorld) -> None:
    run(bank)
    before = counts(bank)
    again = run(bank)
    assert (again.added, again.changed, again.unchanged, again.delisted) == (0, 0, 1021, 0)
    assert counts(bank) == before
    removed = re.sub(rb"<INDIVIDUAL><DATAID>6908576</DATAID>.*?</INDIVIDUAL>", b"", DATA, count=1, flags=re.S)
    assert removed != DATA
    third = run(bank, removed)
    assert (third.added, third.changed, third.delisted) == (0, 0, 1)
    assert third.report["delisted"] == ["QDi.400"]
    e = entity_of(bank, "QDi.400")
    assert e.status == "delisted" and counts(bank) == before  # kept, with every statement
    with bank.sessions() as s:
        ref = s.scalar(select(ListReference).where(ListReference.reference == "QDi.400"))
        assert ref is not None and ref.delisted_on is not None
    back = run(bank)  # listed again
    assert (back.changed, back.report["changed"][0]["relisted"]) == (1, True)
    assert entity_of(bank, "QDi.400").status == "active"


def test_changed_alias_retracts_the_old_and_adds_the_new(bank: BankWorld) -> None:
    run(bank)
    changed = DATA.replace(b"<ALIAS_NAME>Kim Hak Song</ALIAS_NAME>", b"<ALIAS_NAME>Kim Hak Sung</ALIAS_NAME>")
    imp = run(bank, changed)
    assert (imp.added, imp.changed, imp.unchanged) == (0, 1, 1020)
    assert imp.report["changed"] == [{"reference": "KPi.030", "added": 1, "retracted": 1, "relisted": False}]
    e = entity_of(bank, "KPi.030")
    with bank.sessions() as s:
        rows = {
            r.value: r
            for r in s.scalars(select(Statement).where(Statement.entity_id == e.id, Statement.prop == "name"))
        }
    assert rows["Kim Hak Song"].retracted_at is not None
    assert rows["Kim Hak Sung"].retracted_at is None and rows["Kim Hak Sung"].name_kind == "alias"


@pytest.mark.parametrize(
    "data",
    [
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><CONSOLIDATED_LIST>&b;'
        b"</CONSOLIDATED_LIST>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CONSOLIDATED_LIST>&e;'
        b"</CONSOLIDATED_LIST>",
        b"<html></html>",
    ],
)
def test_bad_xml_is_refused_and_nothing_changes(bank: BankWorld, data: bytes) -> None:
    with pytest.raises(LiaisonError):
        run(bank, data)
    assert counts(bank) == (0, 0)


def test_oversize_and_permissions(bank: BankWorld) -> None:
    with pytest.raises(TooLarge), transaction(bank.sessions) as s:
        import_un_list(s, actor=bank["operator"], data=DATA, max_bytes=1024)
    for who in ("fr.cp", "outsider", "jp.screener"):
        with pytest.raises(PermissionDenied):
            run(bank, who=who)
    assert counts(bank) == (0, 0)
