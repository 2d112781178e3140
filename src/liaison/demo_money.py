"""Demo: synthetic money transactions around the demo groups, with the patterns analysts flag planted in them.

Everything here is generated (``synthetic``, source "synthetic demo data") among fictional parties and the
groups of :data:`liaison.demo_analysis.GROUPS`, named by their primary names: the import links a name to the
group when the bank holds exactly one entity of that name, and keeps it as a name otherwise (a group another
part of the demo has not created is an account name, nothing fails). It goes in through the analysts' importer
(:func:`liaison.actions.transactions.import_transactions`), as a CSV written in memory.

The background (private donors each giving to one group, in EUR, USD, GBP, CHF and TRY over 2023-2026, amounts
far from the reporting threshold, no party both receiving and paying) raises no flag by construction. Planted
on top of it, each raising exactly one flag (:data:`PLANTED`):

- structuring: one sender pays the main group four times just below 10,000 EUR within six days;
- pass-through: an exchange house forwards 40,000 of the 48,000 USD it received, the next day;
- circular: 30,000 EUR goes round three companies and back within about five weeks, each hop days apart;
- two common funders (a charity and a trading company) give to both the main group and the Sahel Shield Front.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from liaison.actions.transactions import ImportDefaults, import_transactions
from liaison.demo_analysis import GROUPS
from liaison.demo_bank import _analyst as demo_analyst
from liaison.interchange.transactions_csv import write_rows
from liaison.marking import Marking
from liaison.principal import Principal

SOURCE = "synthetic demo data"
MAIN, YOUTH, SAHEL, LEVANT = GROUPS
SMURF = "Hassan K. Rahimi"
EXCHANGE = "Golden Dune Exchange"
CHARITY = "Al-Noor Charitable Trust"
TRADER = "Meridian Import-Export LLC"
CYCLE = ("Blue Harbour Holdings", "Coral Reef Trading", "Tamarind Logistics")
PLANTED = {"structuring": SMURF, "pass_through": EXCHANGE, "circular": CYCLE[0]}
COMMON = (CHARITY, TRADER)  # common funders of MAIN and SAHEL
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "TRY")
FIRST, LAST = date(2023, 1, 2), date(2026, 10, 30)


def rows(seed: int = 13) -> list[dict[str, str]]:
    """The demo's transactions as CSV rows (deterministic for a seed)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    out: list[dict[str, str]] = []

    def add(on: date, amount: str, currency: str, a: str, b: str, ref: str, kind: str = "transfer") -> None:
        out.append(
            {
                "date": on.isoformat(),
                "amount": amount,
                "currency": currency,
                "from": a,
                "to": b,
                "reference": ref,
                "source": SOURCE,
                "kind": kind,
            }
        )

    span = (LAST - FIRST).days
    # Background: each donor gives to one group only, amounts from 150 to 6,000 in the currency (under 8,000 EUR
    # in any of them: far below the structuring band), at least a week apart.
    for n in range(1, 19):
        donor, group = f"Private donor {n:02d}", GROUPS[n % len(GROUPS)]
        for k in range(rng.randint(3, 8)):
            on = FIRST + timedelta(days=rng.randrange(span))
            currency = rng.choice(CURRENCIES)
            amount = rng.randint(150, 6000) * (20 if currency == "TRY" else 1)
            add(on, f"{amount}.00", currency, donor, group, f"DN-{n:02d}-{k}", rng.choice(("transfer", "payment")))
    # The common funders: both give to the main group and to the Sahel Shield Front, over the years.
    for k, year in enumerate((2023, 2024, 2025, 2026)):
        add(date(year, 3, 14), "15000.00", "EUR", CHARITY, MAIN, f"ANC-{year}", "funding")
        add(date(year, 4, 2), "12500.00", "EUR", CHARITY, SAHEL, f"ANC-S-{year}", "funding")
        add(date(year, 9, 20 + k), "22000.00", "USD", TRADER, SAHEL, f"MIE-S-{year}")
    add(date(2023, 1, 16), "100000.00", "USD", TRADER, EXCHANGE, "MIE-SHARES", "ownership")
    # Planted pass-through: the trading company pays the exchange house, which forwards most of it the next day.
    add(date(2025, 2, 10), "48000.00", "USD", TRADER, EXCHANGE, "MIE-GDE-7781")
    add(date(2025, 2, 11), "40000.00", "USD", EXCHANGE, MAIN, "GDE-OUT-0211")
    # Planted structuring: four payments just below 10,000 EUR within six days.
    for k, (day_of, paid) in enumerate(((3, "9400.00"), (4, "9650.00"), (6, "9800.00"), (8, "9550.00"))):
        add(date(2024, 11, day_of), paid, "EUR", SMURF, MAIN, f"HKR-{k + 1}")
    # Planted circular flow, each hop days apart (no pass-through), then part of it on to the Levant network.
    a, b, c = CYCLE
    add(date(2025, 6, 2), "30000.00", "EUR", a, b, "BHH-CRT-01")
    add(date(2025, 6, 16), "29000.00", "EUR", b, c, "CRT-TML-01")
    add(date(2025, 7, 8), "28000.00", "EUR", c, a, "TML-BHH-01")
    add(date(2025, 8, 20), "14000.00", "GBP", c, LEVANT, "TML-ELN-01")
    return sorted(out, key=lambda r: (r["date"], r["reference"]))


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    """Import the demo's transactions as a contribution of France's first agency (as the bank's demo records
    are contributed by members' analysts); nothing when the directory has no French member."""
    importer = demo_analyst(session, "FR")
    if importer is None:
        return {"transactions": 0, "parties_linked": 0}
    data = write_rows(rows()).encode()
    defaults = ImportDefaults(Marking("AMBER"), SOURCE, "C", "3", synthetic=True)
    imp = import_transactions(session, actor=importer, data=data, filename="demo-transactions.csv", defaults=defaults)
    return {"transactions": imp.added, "parties_linked": imp.report.get("parties_linked", 0)}
