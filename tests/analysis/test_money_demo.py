"""The financing demo: imported through the analysts' importer, every row synthetic, and the flags find exactly
the planted patterns (and the common funders exactly the planted two)."""

from __future__ import annotations

from sqlalchemy import func, select

from liaison import demo_money
from liaison.db import transaction
from liaison.demo_analysis import GROUPS
from liaison.models.analysis import Transaction
from liaison.queries import funding as q
from tests.analysis.conftest_money import money_bank  # noqa: F401 - the `bank` fixture
from tests.analysis.money_helpers import organisation
from tests.bank.conftest import BankWorld


def test_the_flags_find_exactly_the_planted_patterns(bank: BankWorld) -> None:
    # The Eastern Levant Network is left out: a group another demo part has not created stays a name.
    groups = {name: str(organisation(bank, name, who="fr.analyst")) for name in GROUPS[:3]}
    with transaction(bank.sessions) as s:
        counts = demo_money.load(s, operator=bank["operator"])
    assert counts["transactions"] == len(demo_money.rows()) and counts["parties_linked"] == 3
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Transaction).where(Transaction.synthetic.is_(False))) == 0
        found = q.flags(s, bank["operator"])
        funding = q.funding(s, bank["de.analyst"], groups[GROUPS[0]])
        common = q.common_funders(s, bank["de.analyst"], [groups[GROUPS[0]], groups[GROUPS[2]]])
    flags = {(f["rule"], f["party"]["caption"]) for f in found["flags"]}
    assert flags == set(demo_money.PLANTED.items())
    smurf = next(f for f in found["flags"] if f["rule"] == "structuring")
    assert [t["reference"] for t in smurf["transactions"]] == ["HKR-1", "HKR-2", "HKR-3", "HKR-4"]
    circle = next(f for f in found["flags"] if f["rule"] == "circular")
    assert [p["caption"] for p in circle["cycle"]] == list(demo_money.CYCLE)
    assert {f["caption"] for f in common["funders"]} == set(demo_money.COMMON)
    assert funding["synthetic"] and {"structuring", "pass_through"} <= {f["rule"] for f in funding["flags"]}
    exchange = next(f for f in funding["funders"] if f["caption"] == demo_money.EXCHANGE)
    assert exchange["hops"] == 1 and exchange["schema"] == "Account"
    assert len({t["currency"] for t in funding["transactions"] if t["currency"]}) >= 4


def test_the_background_alone_raises_no_flag() -> None:
    from datetime import date
    from decimal import Decimal

    from liaison.analysis import money, rates

    planted = {"HKR-", "GDE-", "MIE-GDE", "BHH-", "CRT-", "TML-"}
    flows = [
        money.Flow(
            r["reference"],
            r["from"],
            r["to"],
            date.fromisoformat(r["date"]),
            rates.convert(Decimal(r["amount"]), r["currency"], date.fromisoformat(r["date"])).amount,
        )
        for r in demo_money.rows()
        if not any(r["reference"].startswith(p) for p in planted) and r["kind"] != "ownership"
    ]
    assert money.flags(flows) == []
