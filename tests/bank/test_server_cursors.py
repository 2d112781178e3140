"""Streamed reads close their server-side cursor however they end.

On PostgreSQL a ``yield_per`` read is a named cursor held open in the transaction. A reader that stops early (an
export whose client went away, an index rebuild that meets a statement written after its entity query) must close
it there and then; left to the garbage collector it stays open on the server and psycopg warns at some unrelated
later moment."""

from __future__ import annotations

import gc
import uuid
import warnings

import pytest
from sqlalchemy import text

from liaison.actions.bank import StatementInput, create_entity
from liaison.db import transaction
from liaison.marking import Marking
from liaison.queries.bank_access import viewer_for
from liaison.queries.bank_export import entities
from liaison.queries.bank_index import BankIndex
from tests.bank.conftest import BankWorld
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="server-side cursors exist on PostgreSQL only")


def three_records(bank: BankWorld) -> list[uuid.UUID]:
    ids = []
    with transaction(bank.sessions) as s:
        for name in ("Karim Haddad", "Omar Sadiq", "Yusuf Demir"):
            e = create_entity(
                s,
                actor=bank["fr.analyst"],
                schema="Person",
                statements=[StatementInput("name", name, name_kind="primary", marking=Marking("AMBER"))],
                data_subject_category="suspect",
                legal_basis="Art. 18 Europol Regulation",
            )
            ids.append(e.id)
    return ids


def resource_warnings(stop_early) -> list[str]:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        stop_early()
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_an_export_abandoned_after_its_first_entity_leaves_no_cursor_open(bank: BankWorld) -> None:
    three_records(bank)
    with bank.sessions() as s:
        viewer = viewer_for(s, bank["fr.analyst"])

        def stop_early() -> None:
            stream = entities(s, viewer, "RED")
            assert next(stream).values  # the cursor is open and streaming
            stream.close()

        assert resource_warnings(stop_early) == []
        assert s.execute(text("SELECT count(*) FROM pg_cursors")).scalar() == 0


def test_the_name_index_closes_both_streams_when_its_reader_stops_early(bank: BankWorld) -> None:
    three_records(bank)
    index = BankIndex(bank.sessions.kw["bind"])
    with index._reader.connect() as conn:

        def stop_early() -> None:
            drafts = index._drafts(conn, None)
            next(drafts)
            drafts.close()

        assert resource_warnings(stop_early) == []
        assert conn.execute(text("SELECT name, statement FROM pg_cursors")).all() == []
