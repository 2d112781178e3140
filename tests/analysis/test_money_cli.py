"""`liaison transactions import` and `liaison analyze funding|common-funders|flags`: JSON answers and honest
exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from liaison.cli import app
from tests.analysis.conftest_money import money_bank  # noqa: F401 - the `bank` fixture
from tests.analysis.money_helpers import csv_text, organisation
from tests.bank.conftest import BankWorld

runner = CliRunner()


def run(bank: BankWorld, *args: str):
    env = {"LIAISON_DATABASE_URL": bank.url, "LIAISON_ENV": "test"}
    return runner.invoke(app, list(args), env=env)


def test_import_then_analyse(bank: BankWorld, tmp_path: Path) -> None:
    organisation(bank, "Northern Front")
    organisation(bank, "Southern Front")
    day = "2024-05-0"
    rows = [(f"{day}{i}", "9600", "EUR", "Smurf Co", "Northern Front", f"s{i}", "bank") for i in range(1, 5)]
    rows.append(("2024-05-06", "100", "EUR", "Smurf Co", "Southern Front", "x", "bank"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_text([*rows, ("2024-05-07", "-5", "EUR", "A", "B", "r", "s")]))
    r = run(bank, "transactions", "import", str(bad))
    assert r.exit_code == 1 and "line 7" in r.output and "negative" in r.output and "--skip-invalid" in r.output
    r = run(bank, "transactions", "import", str(bad), "--skip-invalid", "--json", "--tlp", "TLP:GREEN")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout[r.stdout.index("{") :])
    assert out["added"] == 5 and out["refused"] == 1 and out["kind"] == "transactions"
    r = run(bank, "transactions", "import", str(bad), "--tlp", "TLP:WHITE")
    assert r.exit_code == 2 and "TLP:CLEAR" in r.output

    r = run(bank, "analyze", "funding", "Northern Front", "--from", "2024-01-01", "--to", "2024-12-31", "--json")
    assert r.exit_code == 0, r.output
    funding = json.loads(r.stdout)
    assert funding["funders"][0]["caption"] == "Smurf Co" and funding["funders"][0]["total"] == "38400.00"
    assert [f["rule"] for f in funding["flags"]] == ["structuring"]
    r = run(bank, "analyze", "funding", "Northern Front")
    assert r.exit_code == 0 and "Smurf Co" in r.stdout
    r = run(bank, "analyze", "common-funders", "Northern Front", "Southern Front", "--json")
    assert r.exit_code == 0 and [f["caption"] for f in json.loads(r.stdout)["funders"]] == ["Smurf Co"]
    r = run(bank, "analyze", "flags", "--json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)["flags"]) == 1
    r = run(bank, "analyze", "funding", "No Such Group")
    assert r.exit_code == 1
    r = run(bank, "analyze", "funding", "Northern Front", "--from", "2024-13-01")
    assert r.exit_code == 2


def test_a_big_file_reports_progress_on_stderr(bank: BankWorld, tmp_path: Path) -> None:
    rows = [
        (f"2024-0{1 + i % 9}-1{i % 10}", f"{100 + i}.00", "EUR", f"Donor {i % 50}", "Cause", f"p{i}", "s")
        for i in range(6000)
    ]
    big = tmp_path / "big.csv"
    big.write_bytes(csv_text(rows))
    r = run(bank, "transactions", "import", str(big), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["added"] == 6000
    assert "6000 of 6000 rows written" in r.stderr
