"""Shared helpers of the financing tests: entities in the test world's bank, and CSV text of transactions."""

from __future__ import annotations

import uuid

from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.transactions import ImportDefaults, import_transactions
from liaison.db import transaction
from liaison.interchange.transactions_csv import write_rows
from liaison.marking import Marking
from liaison.models import BankImport
from tests.bank.conftest import BankWorld

HEADER = "date,amount,currency,from,to,reference,source\n"


def organisation(
    bank: BankWorld,
    name: str,
    *,
    who: str = "fr.analyst",
    marking: Marking | None = None,
    finances: uuid.UUID | None = None,
) -> uuid.UUID:
    statements = [StatementInput("name", name, name_kind="primary", marking=marking or Marking("AMBER"))]
    if finances is not None:
        statements.append(StatementInput("finances", "", object_id=finances, marking=marking or Marking("AMBER")))
    with transaction(bank.sessions) as s:
        return create_entity(s, actor=bank[who], schema="Organization", statements=statements).id


def csv_text(rows: list[tuple[str, ...]] | list[dict[str, str]]) -> bytes:
    cols = ("date", "amount", "currency", "from", "to", "reference", "source")
    dicts = [r if isinstance(r, dict) else dict(zip(cols, r, strict=False)) for r in rows]
    return write_rows(dicts).encode()


def load(
    bank: BankWorld, data: bytes, *, who: str = "fr.analyst", marking: Marking | None = None, skip_invalid: bool = False
) -> BankImport:
    with transaction(bank.sessions) as s:
        imp = import_transactions(
            s,
            actor=bank[who],
            data=data,
            filename="t.csv",
            skip_invalid=skip_invalid,
            defaults=ImportDefaults(marking=marking or Marking("AMBER"), source="test"),
        )
        s.expunge(imp)
        return imp
