"""How a name index in another process learns about bank changes: the change log written with each revision."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from liaison.actions.bank import StatementInput, bump_bank, create_entity
from liaison.bank.access import Viewer
from liaison.db import transaction
from liaison.matching import Query
from liaison.models import BankChange, Statement, utcnow
from liaison.queries.bank_index import BankIndex
from tests.bank.conftest import BankWorld

EVERYONE = Viewer(None, None, operator=True)


def _new_person(bank: BankWorld, name: str):
    with transaction(bank.sessions) as s:
        entity = create_entity(
            s,
            actor=bank["de.analyst"],
            schema="Person",
            data_subject_category="suspect",
            legal_basis="Art. 18 Europol Regulation",
            statements=[StatementInput("name", name, name_kind="primary")],
        )
        return entity.id


def _index(bank: BankWorld) -> BankIndex:
    with bank.sessions() as s:
        index = BankIndex(s.get_bind())  # type: ignore[arg-type]
    index.rebuild()
    return index


def test_a_write_that_committed_late_is_not_missed(bank: BankWorld) -> None:
    """A transaction that stayed open for an hour (a long import) commits rows stamped an hour ago; the
    index, which had already looked at the bank since, still picks them up: it follows revisions, not clocks."""
    _new_person(bank, "Idris Kalani")
    index = _index(bank)  # "another process", already built
    with transaction(bank.sessions) as s:
        late = create_entity(
            s,
            actor=bank["de.analyst"],
            schema="Person",
            data_subject_category="suspect",
            legal_basis="Art. 18 Europol Regulation",
            statements=[StatementInput("name", "Yusuf Barakzai", name_kind="primary")],
        ).id
        an_hour_ago = utcnow() - timedelta(hours=1)
        s.execute(update(Statement).where(Statement.entity_id == late).values(updated_at=an_hour_ago))
    index.refresh()
    assert index.last_catch_up == {"entities": 1, "rebuilt": False, "seconds": index.last_catch_up["seconds"]}
    hits = index.search(EVERYONE, Query("q", "Youssef Barakzai"))
    assert hits and hits[0].record_id == str(late)


def test_each_revision_names_the_entities_it_changed(bank: BankWorld) -> None:
    first = _new_person(bank, "Samir Qadri")
    second = _new_person(bank, "Layla Haddad")
    with bank.sessions() as s:
        rows = s.execute(select(BankChange.revision, BankChange.entity_id).order_by(BankChange.revision)).all()
    assert [e for _, e in rows][-2:] == [first, second]
    assert rows[-1][0] == rows[-2][0] + 1


def test_a_change_too_large_to_list_makes_indexes_rebuild(bank: BankWorld) -> None:
    index = _index(bank)
    with transaction(bank.sessions) as s:
        bump_bank(s, None)
    index.refresh()
    assert index.last_catch_up["rebuilt"] is True
