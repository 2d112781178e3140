"""National offences from CSV: every bad row refused with its reason, nothing half-imported, then a good file
imported and audited; the CLI's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from liaison.actions.legal_offences import OffencesImportRefused, import_offences
from liaison.cli import app
from liaison.db import transaction
from liaison.errors import PermissionDenied
from liaison.interchange.offences_csv import CsvFileError, read
from liaison.legal.elements import LIFE
from liaison.models import AuditEvent, Jurisdiction, NationalOffence, OffenceMapping
from tests.bank.conftest import principals
from tests.conftest import Api

HEADER = "jurisdiction,citation,label,elements,any_of,max_penalty,language,label_en,models,verified,retrieved_on\n"
GOOD = (
    "DE,§ 211 StGB,Mord,kill intentional,,life,de,Murder,eu-2017-541:art-3=partial,yes,2026-10-01\n"
    "DE,§ 129a StGB,Bildung terroristischer Vereinigungen,intentional aim_terrorist_offence,"
    "direct_group participate_group,120,de,Forming terrorist organisations,cets-217:art-2=full,no,\n"
)
BAD = (
    "DE,§ 89c StGB,Terrorismusfinanzierung,finanse intentional,,120,de,,,,\n"  # line 4: unknown element
    "DE,§ 211 StGB,Mord,kill,,life,de,,,,\n"  # line 5: duplicate of line 2
    "FX,art. 1,x,kill,,12,,,,,\n"  # line 6: unknown state
    "DE,§ 1,x,kill,,ten,,,,,\n"  # line 7: penalty
    "DE,§ 2,x,kill,,12,,,eu-2017-541:art-33=full,,\n"  # line 8: unknown model
    "DE,§ 3,x,kill,,12,,,,,2026-02-30\n"  # line 9: date
)


def test_read_checks_rows() -> None:
    rows, errors = read(HEADER + GOOD + BAD)
    assert [r.citation for r in rows] == ["§ 211 StGB", "§ 129a StGB", "art. 1", "§ 2"]
    assert rows[0].max_penalty_months == LIFE and rows[0].verified and rows[1].any_of == (GROUP,)
    reasons = {e.line: e.reason for e in errors}
    assert sorted(reasons) == [4, 5, 7, 9]
    assert "finance" in reasons[4] and "line 2" in reasons[5] and "months" in reasons[7] and "date" in reasons[9]
    with pytest.raises(CsvFileError):
        read("jurisdiction,citation,label,colour\n")
    with pytest.raises(CsvFileError):
        read("jurisdiction,citation,label\n")


GROUP = ("direct_group", "participate_group")


def test_all_or_nothing_then_imported(api: Api, world_db_url: str, tmp_path: Path) -> None:
    with transaction(api.sessions) as s:
        s.add(Jurisdiction(code="DE", name="Germany", organisations=["UN", "EU", "CoE"]))
        s.add(Jurisdiction(code="FR", name="France", organisations=["UN", "EU", "CoE"]))
    people = principals(api.sessions)
    with pytest.raises(OffencesImportRefused) as refused, transaction(api.sessions) as s:
        import_offences(s, actor=people["secretariat"], data=(HEADER + GOOD + BAD).encode(), filename="de.csv")
    lines = [e["line"] for e in refused.value.errors]
    assert lines == [4, 5, 6, 7, 8, 9]
    assert "FR" in str(refused.value.errors[2]["detail"]) and "art-3" in str(refused.value.errors[4]["detail"])
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(NationalOffence)) == 0
    with pytest.raises(PermissionDenied), transaction(api.sessions) as s:
        import_offences(s, actor=people["fr.cp"], data=(HEADER + GOOD).encode(), filename="de.csv")

    file = tmp_path / "de.csv"
    file.write_text(HEADER + GOOD, encoding="utf-8")
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test"}
    r = CliRunner().invoke(app, ["legal", "offences-import", str(file), "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"offences": 2, "mappings": 2, "states": ["DE"]}
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OffenceMapping)) == 2
        assert s.scalar(select(func.count()).where(AuditEvent.action == "legal.offence.import")) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + BAD, encoding="utf-8")
    r = CliRunner().invoke(app, ["legal", "offences-import", str(bad)], env=env)
    assert r.exit_code == 1 and "line 4" in r.output and "finance" in r.output and "nothing was imported" in r.output
