"""Importing transactions from CSV: each bad row refused with its reason, nothing written from a dirty file
unless skip_invalid, parties linked to the entities the importer may see, the import recorded and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from liaison.actions.bank_bulk import ImportRefused
from liaison.actions.transactions import import_transactions
from liaison.db import transaction
from liaison.errors import PermissionDenied, TooLarge
from liaison.interchange import transactions_csv as tcsv
from liaison.marking import Marking
from liaison.models import AuditEvent, BankImport
from liaison.models.analysis import Transaction
from tests.analysis.conftest_money import money_bank  # noqa: F401 - the `bank` fixture
from tests.analysis.money_helpers import HEADER, csv_text, load, organisation
from tests.bank.conftest import BankWorld

GOOD = ("2024-03-01", "9500.00", "USD", "Acme Trading", "Northern Front", "ref-1", "bank statement")

BAD_ROWS = {
    "impossible date": (("2024-02-30", "10", "EUR", "A", "B", "r", "s"), "does not exist"),
    "not a date": (("01/02/2024", "10", "EUR", "A", "B", "r", "s"), "not a date"),
    "future date": (("2999-01-01", "10", "EUR", "A", "B", "r", "s"), "between 1900 and today"),
    "negative": (("2024-01-01", "-10", "EUR", "A", "B", "r", "s"), "negative"),
    "zero": (("2024-01-01", "0.00", "EUR", "A", "B", "r", "s"), "zero"),
    "non-numeric": (("2024-01-01", "ten", "EUR", "A", "B", "r", "s"), "not a number"),
    "thousands separator": (("2024-01-01", "1,000", "EUR", "A", "B", "r", "s"), "not a number"),
    "absurd": (("2024-01-01", "5000000000000", "EUR", "A", "B", "r", "s"), "absurd"),
    "three decimals": (("2024-01-01", "1.005", "EUR", "A", "B", "r", "s"), "two decimals"),
    "unknown currency": (("2024-01-01", "10", "XXY", "A", "B", "r", "s"), "ISO 4217"),
    "empty from": (("2024-01-01", "10", "EUR", "", "B", "r", "s"), "from: empty"),
    "empty to": (("2024-01-01", "10", "EUR", "A", "", "r", "s"), "to: empty"),
    "same party": (("2024-01-01", "10", "EUR", "A", "a", "r", "s"), "same party"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_each_kind_of_bad_row_is_refused_with_its_reason(case: str) -> None:
    row, reason = BAD_ROWS[case]
    rows, errors = tcsv.read(csv_text([GOOD, row]).decode())
    assert len(rows) == 1 and len(errors) == 1
    assert errors[0].line == 3 and reason in errors[0].reason


def test_optional_columns_are_checked() -> None:
    base = dict(zip(("date", "amount", "currency", "from", "to", "reference", "source"), GOOD, strict=True))
    rows, errors = tcsv.read(
        csv_text(
            [
                base | {"tlp": "TLP:WHITE"},
                base | {"tlp": "purple"},
                base | {"reliability": "G"},
                base | {"credibility": "9"},
                base | {"kind": "gift"},
                base | {"releasable_to": "fr de", "tlp": "amber+strict", "kind": "payment"},
            ]
        ).decode()
    )
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert "TLP 1.0" in errors[0].reason and "TLP 2.0" in errors[1].reason
    assert rows[0].tlp == "AMBER+STRICT" and rows[0].releasable_to == ("DE", "FR") and rows[0].kind == "payment"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"date,amount\n", "lacks the column"),
        (b"date,amount,currency,from,to,reference,source,colour\n", "unknown column"),
        (b"\xff\xfe\x00d\x00", "not utf-16"),
        (b"date,amount\xff\n", "not utf-8"),
        (HEADER.encode() + b'2024-01-01,"10,EUR,A,B,r,s\n', "not CSV"),
        (HEADER.encode() + b"2024-01-01,10\x00,EUR,A,B,r,s\n", "NUL"),
    ],
)
def test_malformed_files_are_refused_whole(data: bytes, reason: str) -> None:
    with pytest.raises(tcsv.CsvFileError) as exc:
        tcsv.read(tcsv.decode(data))
    assert reason.lower() in exc.value.detail.lower()


def test_bom_utf16_and_formula_quotes_are_read() -> None:
    text = HEADER + "2024-01-01,10,EUR,'=Evil Corp,Ünïcode GmbH,r,s\n"
    for data in (("\ufeff" + text).encode(), text.encode("utf-16")):
        rows, errors = tcsv.read(tcsv.decode(data))
        assert not errors and rows[0].from_party == "=Evil Corp" and rows[0].to_party == "Ünïcode GmbH"


def count(bank: BankWorld) -> int:
    with bank.sessions() as s:
        return s.scalar(select(func.count()).select_from(Transaction)) or 0


def test_a_dirty_file_writes_nothing_unless_skip_invalid(bank: BankWorld) -> None:
    data = csv_text([GOOD, BAD_ROWS["zero"][0], GOOD, BAD_ROWS["unknown currency"][0]])
    with pytest.raises(ImportRefused) as exc:
        load(bank, data)
    assert [e["line"] for e in exc.value.errors] == [3, 5]
    assert count(bank) == 0
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankImport)) == 0
    imp = load(bank, data, skip_invalid=True)
    assert (imp.added, imp.refused) == (2, 2) and imp.kind == "transactions"
    assert [e["line"] for e in imp.report["refused"]] == [3, 5] and "zero" in imp.report["refused"][0]["detail"]
    assert count(bank) == 2
    with bank.sessions() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.import")).one()
        assert event.details["kind"] == "transactions" and event.details["added_count"] == 2


def test_skip_invalid_with_no_good_row_imports_nothing(bank: BankWorld) -> None:
    with pytest.raises(ImportRefused):
        load(bank, csv_text([BAD_ROWS["zero"][0]]), skip_invalid=True)
    assert count(bank) == 0


def test_oversize_is_refused(bank: BankWorld) -> None:
    with pytest.raises(TooLarge), transaction(bank.sessions) as s:
        import_transactions(s, actor=bank["fr.analyst"], data=csv_text([GOOD] * 100), max_bytes=1024)


def test_only_analysts_import(bank: BankWorld) -> None:
    for who in ("jp.screener", "fr.cp", "outsider"):
        with pytest.raises(PermissionDenied):
            load(bank, csv_text([GOOD]), who=who)


def test_parties_link_to_entities_the_importer_may_see(bank: BankWorld) -> None:
    front = organisation(bank, "Northern Front")
    hidden = organisation(bank, "Hidden Fund", marking=Marking("RED"))  # French only
    rows = [
        GOOD,
        ("2024-03-02", "10", "EUR", "Hidden Fund", str(front), "r2", "s"),
        ("2024-03-03", "10", "EUR", str(hidden), "Acme Trading", "r3", "s"),
    ]
    load(bank, csv_text(rows), who="de.analyst", marking=Marking("GREEN"))
    with bank.sessions() as s:
        txs = {t.reference: t for t in s.scalars(select(Transaction))}
    assert txs["ref-1"].to_entity_id == front and txs["ref-1"].from_entity_id is None
    assert txs["r2"].to_entity_id == front and txs["r2"].from_entity_id is None  # German cannot see Hidden Fund
    assert txs["r3"].from_entity_id is None and txs["r3"].from_name == str(hidden)
    assert {t.tlp for t in txs.values()} == {"GREEN"} and txs["ref-1"].source == "bank statement"
    load(bank, csv_text([("2024-03-04", "10", "EUR", "Hidden Fund", "X", "r4", "")]), who="fr.analyst")
    with bank.sessions() as s:
        t = s.scalars(select(Transaction).where(Transaction.reference == "r4")).one()
    assert t.from_entity_id == hidden and t.source == "test"
