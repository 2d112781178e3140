"""Finding 5: formula injection in CSV exports. A spreadsheet runs a cell starting with ``= + - @`` as a formula;
a user name typed into the login form, a bank name or a phone number must reach the auditor's, the analyst's and
the secretariat's spreadsheets as text. One writer (liaison.interchange.csv_safe) serves every export, and our
importers read its quote back off, so a round trip loses nothing."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from liaison.cli import app
from liaison.interchange import bank_csv, csv_safe, screening_csv
from tests.conftest import Api
from tests.security.conftest import web_login

SRC = Path(__file__).resolve().parents[2] / "src" / "liaison"
# What a spreadsheet runs as a formula (OWASP), written out here rather than taken from the module under test.
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PROBE = "=cmd|' /C calc'!A0"
HOSTILE = {
    "=cmd|' /C calc'!A0 Test",
    "+1+cmd|' /C calc'!A0 Test",
    "@SUM(1+1)*cmd|' /C calc'!A0 Test",
    "-2+3+cmd|' /C calc'!A0 Test",
    '\uff1dHYPERLINK("http://evil.example") Test',
}


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def formulas(text: str) -> list[str]:
    """Every cell a spreadsheet would run (a plain negative number is only a number)."""
    return [
        c for row in cells(text) for c in row if c.startswith(FORMULA) and not re.fullmatch(r"-[0-9]+(\.[0-9]+)?", c)
    ]


def import_hostile_names(api: Api) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["key", "schema", "name", "marking"])
    w.writerows([f"h{i}", "Person", name, "TLP:GREEN"] for i, name in enumerate(sorted(HOSTILE)))
    r = api.as_("fr.analyst").post(
        "/api/v1/bank/imports/csv", params={"legal_basis": "Art. 18", "grade": "B2"}, content=out.getvalue().encode()
    )
    assert r.status_code == 201, r.text


def bank_names(text: str) -> set[str]:
    return {value for row in bank_csv.read(text) for prop, value, _ in row.values if prop == "name"}


# -- the probe's path: an unauthenticated login attempt, then the auditor's export --


def test_a_login_attempt_named_like_a_formula_reaches_the_auditors_csv_as_text(api: Api) -> None:
    r = web_login(api.client, PROBE, "not-the-password")  # type: ignore[arg-type]
    assert r.status_code != 303  # refused: nobody logged in
    export = api.as_("auditor").get("/api/v1/audit", params={"format": "csv", "action": "login.failed"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert formulas(export.text) == []
    assert "'" + PROBE in [c for row in cells(export.text) for c in row]


# -- the bank: API and command line --


def test_the_bank_csv_export_over_the_api_writes_hostile_names_as_text_and_reads_them_back(api: Api) -> None:
    import_hostile_names(api)
    export = api.as_("fr.analyst").get("/api/v1/bank/export.csv", params={"max_marking": "RED"})
    assert export.status_code == 200, export.text
    assert formulas(export.text) == []
    written = {c for row in cells(export.text) for c in row}
    assert {"'" + name for name in HOSTILE} <= written
    assert HOSTILE <= bank_names(export.text)  # the bank's own importer takes the quote off again


def test_liaison_export_csv_writes_hostile_names_as_text(api: Api, world_db_url: str, tmp_path: Path) -> None:
    import_hostile_names(api)
    out = tmp_path / "bank.csv"
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test"}
    r = CliRunner().invoke(
        app, ["export", "csv", "--as", "fr.analyst", "--max-marking", "red", "-o", str(out)], env=env
    )
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert formulas(text) == []
    assert HOSTILE <= bank_names(text)


def test_a_bank_csv_round_trip_through_import_loses_nothing(api: Api) -> None:
    """Export, import the export as another file, export again: the names are the same, quotes included."""
    import_hostile_names(api)
    fr = api.as_("fr.analyst")
    first = fr.get("/api/v1/bank/export.csv", params={"max_marking": "RED"}).text
    quoted = {"'Abd al-Test", "''=Test quoted twice", "'=Test already quoted"}
    out = io.StringIO()
    csv.writer(out).writerows(
        [["schema", "name", "marking"], *(["Person", csv_safe.neutralise(n), "TLP:GREEN"] for n in sorted(quoted))]
    )
    r = fr.post(
        "/api/v1/bank/imports/csv", params={"legal_basis": "Art. 18", "grade": "B2"}, content=out.getvalue().encode()
    )
    assert r.status_code == 201, r.text
    second = fr.get("/api/v1/bank/export.csv", params={"max_marking": "RED"}).text
    assert bank_names(first) | quoted == bank_names(second)
    assert formulas(second) == []


# -- the directory and the screening file --


def test_the_directory_csv_writes_names_and_numbers_as_text_and_imports_back_unchanged(api: Api) -> None:
    agency = api.world.ids["dgsi"]  # type: ignore[attr-defined]
    for name in ("@night desk", "-weekend desk", "'=desk named with a quote"):
        r = api.as_("fr.cp").post(
            f"/api/v1/agencies/{agency}/contact-points", json={"name": name, "timezone": "Europe/Paris"}
        )
        assert r.status_code == 201, r.text
    export = api.as_("secretariat").get("/api/v1/directory/export", params={"format": "csv"})
    assert export.status_code == 200, export.text
    assert formulas(export.text) == []
    written = {c for row in cells(export.text) for c in row}
    assert {"'@night desk", "'-weekend desk", "''=desk named with a quote"} <= written
    assert any(c.startswith("'+33") for c in written)  # E.164 numbers start with +
    r = api.as_("secretariat").post(
        "/api/v1/directory/import", params={"format": "csv", "dry_run": "true"}, content=export.text.encode()
    )
    assert r.status_code == 200, r.text
    assert r.json()["changed"] is False and r.json()["unchanged"] > 0, r.json()


def test_the_screening_file_reads_a_quoted_cell_as_the_name() -> None:
    out = io.StringIO()
    w = csv_safe.Writer(out)
    w.writerow(["id", "name"])
    w.writerows([[str(i), name] for i, name in enumerate(sorted(HOSTILE))])
    assert formulas(out.getvalue()) == []
    assert {q.name for q in screening_csv.parse(out.getvalue())} == {" ".join(n.split()) for n in HOSTILE}


# -- the rule itself, and one writer for every export --


@given(st.text())
def test_neutralise_then_restore_gives_the_value_back(value: str) -> None:
    from liaison.textsafety import visible_bidi

    cell = csv_safe.neutralise(value)
    assert not cell.startswith(FORMULA) or re.fullmatch(r"-[0-9]+(\.[0-9]+)?", cell)
    assert csv_safe.restore(cell) == visible_bidi(value)


def test_every_csv_export_goes_through_the_one_writer() -> None:
    """No module writes CSV but csv_safe; every module reading CSV takes csv_safe's quote off."""
    writers, readers = [], []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "csv_safe.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\s*\(", text):
            writers.append(str(path.relative_to(SRC)))
        if re.search(r"csv\.(reader|DictReader)\s*\(", text) and "restore" not in text:
            readers.append(str(path.relative_to(SRC)))
    assert writers == [], "write CSV with liaison.interchange.csv_safe.Writer"
    assert readers == [], "read CSV cells through liaison.interchange.csv_safe.restore"
