"""The UN Security Council Consolidated List: import, idempotent re-import, delisting (guarded against a mass
delisting), dry runs, changes, hostile XML, the size limit."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from liaison.actions.bank_import import UN_LEGAL_BASIS, DelistingGuard, MassDelisting, import_un_list, run_import
from liaison.data import UN_LIST_2017
from liaison.db import transaction
from liaison.errors import LiaisonError, PermissionDenied, TooLarge
from liaison.models import AuditEvent, BankEntity, BankImport, ListReference, Statement
from tests.bank.conftest import BankWorld

UN_FILE = UN_LIST_2017
DATA = UN_FILE.read_bytes()
EMPTY = b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"
ENTRY = re.compile(rb"<(INDIVIDUAL|ENTITY)>.*?</\1>", re.S)


def reference(entry: bytes) -> str:
    found = re.search(rb"<REFERENCE_NUMBER>(.*?)</REFERENCE_NUMBER>", entry)
    assert found is not None
    return found.group(1).decode().strip()


def without(references: set[str], data: bytes = DATA) -> bytes:
    """The list without these entries (as a list shortened by the Security Council would be)."""
    out = ENTRY.sub(lambda m: b"" if reference(m.group(0)) in references else m.group(0), data)
    assert len(ENTRY.findall(out)) == len(ENTRY.findall(data)) - len(references)
    return out


def truncated(keep: int) -> bytes:
    """The list cut after its first ``keep`` entries (a download that stopped half way, closed again); the
    first 650 are individuals."""
    assert keep <= 650
    kept = [m.group(0) for m in ENTRY.finditer(DATA)][:keep]
    return b"<CONSOLIDATED_LIST><INDIVIDUALS>" + b"".join(kept) + b"</INDIVIDUALS></CONSOLIDATED_LIST>"


def run(bank: BankWorld, data: bytes = DATA, who: str = "operator", guard: DelistingGuard | None = None) -> BankImport:
    with transaction(bank.sessions) as s:
        imp = import_un_list(s, actor=bank[who], data=data, filename="un.xml", guard=guard)
        s.expunge(imp)
    return imp


def dry_run(bank: BankWorld, data: bytes) -> dict:
    def work(s):  # type: ignore[no-untyped-def]
        return import_un_list(
            s, actor=bank["operator"], data=data, filename="un.xml", guard=DelistingGuard(dry_run=True)
        )

    return run_import(bank.sessions, actor=bank["operator"], work=work, dry_run=True)


def state(bank: BankWorld) -> tuple[object, ...]:
    """Everything an import writes: entities and their status, statements (retracted or not), references and
    their delisting dates, the imports, the audit trail."""
    with bank.sessions() as s:
        return (
            sorted(s.execute(select(BankEntity.id, BankEntity.status, BankEntity.review_date)).all()),
            sorted(s.execute(select(Statement.id, Statement.retracted_at)).all()),
            sorted(s.execute(select(ListReference.reference, ListReference.delisted_on)).all()),
            s.scalar(select(func.count()).select_from(BankImport)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )


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


def test_an_empty_or_truncated_list_is_refused_with_the_figures_and_nothing_changes(bank: BankWorld) -> None:
    run(bank)
    before = state(bank)
    for data, delisting in ((EMPTY, 1021), (truncated(510), 511)):
        with pytest.raises(MassDelisting) as err:
            run_import(
                bank.sessions,
                actor=bank["operator"],
                work=lambda s, data=data: import_un_list(s, actor=bank["operator"], data=data, filename="un.xml"),
            )
        figures = err.value.extra
        assert (figures["delisting"], figures["active"], figures["threshold"]) == (delisting, 1021, 0.1)
        assert figures["share"] == round(delisting / 1021, 4) and not figures["allowed"]
        assert err.value.status == 409 and err.value.code == "mass_delisting"
        assert f"would delist {delisting:,} of the 1,021 active entries of un-sc" in err.value.detail
        assert "over the limit of 10%" in err.value.detail and "nothing was imported" in err.value.detail
    *written, audited = state(bank)
    assert written == list(before[:-1])  # not one row written, the import's own record included
    with bank.sessions() as s:
        refusals = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.import_refused")).all()
    assert audited == before[-1] + 2 and len(refusals) == 2  # the attempts are evidence: audited as refused
    assert refusals[0].details["reason"] == "mass_delisting" and refusals[0].details["delisting"] in (1021, 511)
    assert {r.details["sha256"] for r in refusals} == {hashlib.sha256(d).hexdigest() for d in (EMPTY, truncated(510))}
    assert all(e.status == "active" for e in (entity_of(bank, "QDi.400"), entity_of(bank, "KPi.030")))


def test_allowed_mass_delisting_is_done_audited_and_undone_by_the_full_list(bank: BankWorld) -> None:
    run(bank)
    imp = run(bank, EMPTY, guard=DelistingGuard(allow=True))
    assert (imp.added, imp.changed, imp.delisted) == (0, 0, 1021)
    assert imp.report["mass_delisting"] | {"examples": []} == {
        "list": "un-sc", "delisting": 1021, "active": 1021, "share": 1.0, "threshold": 0.1, "allowed": True,
        "examples": [],
    }  # fmt: skip
    with bank.sessions() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.import").order_by(AuditEvent.at)).all()
        assert event[-1].details["mass_delisting"]["allowed"] is True
        assert s.scalar(select(func.count()).where(BankEntity.status == "active")) == 0
    back = run(bank)  # nothing is active now: the full list is no mass delisting, it lists everyone again
    assert (back.added, back.changed, back.delisted, back.report["relisted_count"]) == (0, 1021, 0, 1021)


def test_the_share_is_the_setting_and_a_small_delisting_passes(bank: BankWorld) -> None:
    run(bank)
    six = {"QDi.400", "KPi.030", "QDe.001", "QDe.002", "QDi.001", "QDi.002"}
    with pytest.raises(MassDelisting):  # 6 of 1,021 is 0.59%
        run(bank, without(six), guard=DelistingGuard(max_share=0.005))
    five = run(bank, without(six - {"QDi.002"}), guard=DelistingGuard(max_share=0.005))  # 0.49%
    assert five.delisted == 5 and "mass_delisting" not in five.report
    assert five.report["delisted"] == sorted(six - {"QDi.002"})


def test_dry_run_reports_added_changed_delisted_relisted_and_writes_nothing(bank: BankWorld) -> None:
    run(bank)
    assert run(bank, without({"QDi.400"})).delisted == 1  # 1 of 1,021: not a mass delisting
    before = state(bank)
    block = next(m.group(0) for m in ENTRY.finditer(DATA) if reference(m.group(0)) == "QDi.400")
    extra = block.replace(b"QDi.400", b"QDi.999")  # a newly listed entry
    data = without({"QDe.001", "QDe.002", "QDi.001"}).replace(b"<INDIVIDUALS>", b"<INDIVIDUALS>" + extra, 1)
    data = data.replace(b"<ALIAS_NAME>Kim Hak Song</ALIAS_NAME>", b"<ALIAS_NAME>Kim Hak Sung</ALIAS_NAME>")
    report = dry_run(bank, data)
    assert report["dry_run"] is True and report["id"] is None
    assert (report["added"], report["changed"], report["delisted"], report["relisted"]) == (1, 2, 3, 1)
    assert report["report"]["added"] == ["QDi.999"]
    assert report["report"]["delisted"] == ["QDe.001", "QDe.002", "QDi.001"]
    assert {c["reference"]: c["relisted"] for c in report["report"]["changed"]} == {"QDi.400": True, "KPi.030": False}
    assert state(bank) == before
    empty = dry_run(bank, EMPTY)  # a dry run of an import that would be refused says so, and still writes nothing
    assert empty["delisted"] == 1020 and empty["report"]["mass_delisting"]["allowed"] is False
    assert state(bank) == before


def test_a_first_import_is_never_a_mass_delisting(bank: BankWorld) -> None:
    assert run(bank, EMPTY).added == 0
    half = run(bank, truncated(510))
    assert (half.added, half.delisted) == (510, 0)
    more = run(bank, truncated(600))  # more entries: nothing delisted
    assert (more.added, more.delisted, more.unchanged) == (90, 0, 510)


def test_the_import_limit_setting_governs_the_un_list_with_no_hidden_cap(bank: BankWorld) -> None:
    """LIAISON_IMPORT_MAX_BYTES is the only limit: a list of 65 MiB (the reader used to stop at 64 MiB)
    imports under a limit of 100 MiB, and is refused under a limit one byte short of it."""
    big = DATA + b"\n" * (65 * 1024 * 1024)
    with pytest.raises(TooLarge), transaction(bank.sessions) as s:
        import_un_list(s, actor=bank["operator"], data=big, max_bytes=len(big) - 1)
    with transaction(bank.sessions) as s:
        imp = import_un_list(s, actor=bank["operator"], data=big, max_bytes=100 * 1024 * 1024)
        assert imp.added == 1021
