"""The financing read side: the access filter in SQL (transactions and relations the viewer may not read are
not counted, drawn or hinted at), parties as links or names, amounts converted, and the audit of each read."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from liaison.errors import NotFound, PermissionDenied
from liaison.marking import Marking
from liaison.models import AuditEvent
from liaison.queries import funding as q
from tests.analysis.conftest_money import money_bank  # noqa: F401 - the `bank` fixture
from tests.analysis.money_helpers import csv_text, load, organisation
from tests.bank.conftest import BankWorld


def world(bank: BankWorld) -> dict[str, str]:
    group = organisation(bank, "Northern Front")
    other = organisation(bank, "Southern Front")
    secret = organisation(bank, "Secret Patron", marking=Marking("RED"))  # the French see it, nobody else
    patron = organisation(bank, "Open Patron", finances=group)  # an amount-less funding relation
    load(
        bank,
        csv_text(
            [
                ("2024-01-10", "1000.00", "USD", "Acme Trading", "Relay Ltd", "a", "bank"),
                ("2024-01-12", "900.00", "EUR", "Relay Ltd", "Northern Front", "b", "bank"),
                ("2024-02-01", "500.00", "GBP", "Secret Patron", "Northern Front", "c", "bank"),
                ("2024-02-02", "300.00", "EUR", "Acme Trading", "Southern Front", "d", "bank"),
                ("2024-03-01", "50.00", "EUR", "Open Patron", "Northern Front", "e", "bank"),
            ]
        ),
        marking=Marking("AMBER"),
    )
    load(
        bank,
        csv_text([("2024-01-20", "7000.00", "EUR", "Hidden Donor", "Northern Front", "h", "x")]),
        marking=Marking("RED"),
    )
    return {"group": str(group), "other": str(other), "secret": str(secret), "patron": str(patron)}


def test_funding_traces_upstream_with_conversion_and_links(bank: BankWorld) -> None:
    ids = world(bank)
    with bank.sessions() as s:
        out = q.funding(s, bank["fr.analyst"], ids["group"], since=date(2024, 1, 1), until=date(2024, 12, 31))
        s.commit()
    funders = {f["caption"]: f for f in out["funders"]}
    assert set(funders) == {"Acme Trading", "Relay Ltd", "Secret Patron", "Open Patron", "Hidden Donor"}
    assert funders["Relay Ltd"]["schema"] == "Account" and funders["Relay Ltd"]["href"] is None
    assert funders["Secret Patron"]["href"] == f"/bank/entities/{ids['secret']}"
    assert funders["Acme Trading"]["hops"] == 2 and funders["Relay Ltd"]["direct"] == "900.00"
    usd = next(t for t in out["transactions"] if t["reference"] == "a")
    assert usd["currency"] == "USD" and usd["rate_date"] == "2024-01-10" and 800 < float(usd["converted"]) < 1000
    relations = [e for e in out["graph"]["edges"] if e["relation"] == "finances"]
    assert len(relations) == 1 and relations[0]["amount"] is None
    assert out["graph"]["marking"].startswith("TLP:RED")
    assert {n["schema"] for n in out["graph"]["nodes"]} == {"Organization", "Account"}


def test_the_german_analyst_sees_neither_the_red_transaction_nor_the_red_entity(bank: BankWorld) -> None:
    ids = world(bank)
    with bank.sessions() as s:
        out = q.funding(s, bank["de.analyst"], ids["group"])
        s.commit()
    text = str(out)
    assert "Hidden Donor" not in text and "7000" not in text and "TLP:RED" not in text
    # The secret patron's transaction is visible (AMBER): the party shows by the name the transaction gives,
    # without a link to the entity the German analyst may not see.
    patron = next(f for f in out["funders"] if f["caption"] == "Secret Patron")
    assert patron["href"] is None and patron["schema"] == "Account" and ids["secret"] not in text
    with pytest.raises(NotFound), bank.sessions() as s:
        q.funding(s, bank["de.analyst"], ids["secret"])


def test_readers_only(bank: BankWorld) -> None:
    ids = world(bank)
    for who in ("fr.cp", "outsider"):
        with pytest.raises(PermissionDenied), bank.sessions() as s:
            q.funding(s, bank[who], ids["group"])


def test_common_funders_and_audit(bank: BankWorld) -> None:
    ids = world(bank)
    with bank.sessions() as s:
        out = q.common_funders(s, bank["fr.analyst"], [ids["group"], ids["other"]])
        s.commit()
    assert [f["caption"] for f in out["funders"]] == ["Acme Trading"]
    with bank.sessions() as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert "analysis.common_funders" in actions


def test_window_excludes_later_money(bank: BankWorld) -> None:
    ids = world(bank)
    with bank.sessions() as s:
        out = q.funding(s, bank["fr.analyst"], ids["group"], until=date(2024, 1, 31))
    assert {f["caption"] for f in out["funders"]} == {"Acme Trading", "Relay Ltd", "Hidden Donor", "Open Patron"}
