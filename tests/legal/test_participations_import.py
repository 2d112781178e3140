"""Ratification tables as CSV: a good file imports (and again changes nothing); every refusal reason is given
row by row with its line, and a file with any refused row imports nothing; hostile files are refused whole."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from liaison.actions.bank_bulk import ImportRefused
from liaison.actions.legal_facts import import_participations
from liaison.db import transaction
from liaison.errors import TooLarge
from liaison.interchange import participations_csv as pcsv
from liaison.models import AuditEvent, Participation
from tests.legal.basis_world import load
from tests.world import ADMIN

HEADER = "jurisdiction,instrument,consent,signed_on,consented_on,in_force_on,source,retrieved_on"
GOOD = f"""{HEADER}
DE,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,CoE Treaty Office,2026-11-30
JP,un-1999-financing,acceptance,2001-10-30,2002-06-11,2002-07-11,UNTC,2026-11-30
"""


@pytest.fixture
def world(api):
    load(api.sessions)
    return api


def _count(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Participation))


def test_a_good_file_imports_and_a_second_run_changes_nothing(world):
    before = _count(world.sessions)
    with transaction(world.sessions) as s:
        dry = import_participations(s, actor=ADMIN, data=GOOD.encode(), filename="t.csv", dry_run=True)
    assert dry.dry_run and dry.added == 2 and _count(world.sessions) == before
    with transaction(world.sessions) as s:
        done = import_participations(s, actor=ADMIN, data=GOOD.encode(), filename="t.csv")
    assert (done.added, done.updated, done.unchanged) == (2, 0, 0) and _count(world.sessions) == before + 2
    with transaction(world.sessions) as s:
        again = import_participations(s, actor=ADMIN, data=GOOD.encode(), filename="t.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    with world.sessions() as s:
        row = s.scalar(select(Participation).where(Participation.jurisdiction == "JP",
                                                   Participation.instrument == "un-1999-financing"))  # fmt: skip
        assert row.source == "UNTC" and row.retrieved_on == date(2026, 11, 30) and row.entered_by == ADMIN.username
        audits = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "legal.participations.import")
        assert s.scalar(audits) == 2


BAD = f"""{HEADER}
DE,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,CoE,2026-11-30
XF,cets-196,ratification,2006-01-01,2008-01-01,2008-08-01,CoE,2026-11-30
DE,cets-916,ratification,2006-01-01,2008-01-01,2008-08-01,CoE,2026-11-30
DE,cets-196,ratification,2019-02-30,2019-03-01,2019-07-01,CoE,2026-11-30
DE,cets-196,ratification,2010-01-01,2011-01-01,2009-01-01,CoE,2026-11-30
DE,un-1999-financing,ratification,1998-01-01,2004-01-01,2004-08-01,UNTC,2026-11-30
DE,cets-030,ratification,1960-01-01,1962-01-01,2999-08-01,CoE,2026-11-30
DE,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,CoE,2026-11-30
"""


def test_every_refusal_reason_row_by_row_and_nothing_half_imported(world):
    before = _count(world.sessions)
    with pytest.raises(ImportRefused) as refused, transaction(world.sessions) as s:
        import_participations(s, actor=ADMIN, data=BAD.encode(), filename="bad.csv")
    errors = {e["line"]: e["detail"] for e in refused.value.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert "unknown member XF" in errors[3] and "FR" in errors[3]  # with a suggestion
    assert "unknown instrument cets-916" in errors[4] and "cets-196" in errors[4]
    assert "2019-02-30 does not exist" in errors[5]
    assert "before signature" in errors[6]
    assert "before the instrument was adopted" in errors[7]
    assert "in the future" in errors[8]
    assert "already appear on line 2" in errors[9]
    assert _count(world.sessions) == before  # the good row 2 was not written either


def test_a_contact_point_imports_only_its_own_state(world):
    from tests.legal.test_seed import _principal

    fr_cp = _principal(world, "fr.cp")
    mine = f"{HEADER}\nFR,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,JO,2026-11-30\n"
    with transaction(world.sessions) as s:
        assert import_participations(s, actor=fr_cp, data=mine.encode()).added == 1
    theirs = mine + "JP,cets-217,ratification,2015-10-22,2019-01-01,2019-05-01,x,2026-11-30\n"
    with pytest.raises(ImportRefused) as refused, transaction(world.sessions) as s:
        import_participations(s, actor=fr_cp, data=theirs.encode())
    assert [e["line"] for e in refused.value.errors] == [3]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"jurisdiction,instrument\x00,consent,source\n", "NUL"),
        (b"\xff\xfe\x00\xd8", "not"),
        (b"jurisdiction,instrument,consent,source,=cmd|' /C calc'!A0\n", "unknown column"),
        (b"jurisdiction,instrument,source\nFR,cets-196,x\n", "lacks the column"),
        (b'jurisdiction,instrument,consent,source\n"FR,cets-196\n', "CSV"),
    ],
)
def test_hostile_files_are_refused_whole(world, data, reason):
    with pytest.raises(ImportRefused) as refused, transaction(world.sessions) as s:
        import_participations(s, actor=ADMIN, data=data)
    assert reason in refused.value.errors[0]["detail"]


def test_formula_cells_are_read_back_as_text_and_size_is_limited(world):
    text = pcsv.write_rows([{"jurisdiction": "FR", "instrument": "cets-217", "consent": "", "signed_on": "2015-10-22",
                             "source": "=HYPERLINK(\"http://x\")"}])  # fmt: skip
    assert "'=HYPERLINK" in text
    rows, errors = pcsv.read(text)
    assert errors == [] and rows[0].source.startswith("=HYPERLINK")
    with pytest.raises(TooLarge), transaction(world.sessions) as s:
        import_participations(s, actor=ADMIN, data=GOOD.encode(), max_bytes=10)
