"""`liaison legal gaps` and `liaison legal compare`: text and --json answers, honest exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from liaison.cli import app
from liaison.db import transaction
from tests.conftest import Db
from tests.legal import compare_world

runner = CliRunner()


def run(db: Db, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": db.url, "LIAISON_ENV": "test"})


def test_gaps(db: Db) -> None:
    with transaction(db.sessions) as s:
        compare_world.insert(s)
    r = run(db, "legal", "gaps", "fr")
    assert r.exit_code == 0, r.output
    assert "France (FR) against EU 2017/541: covered 1, partial 1, gap 1" in r.stdout
    assert "Certainty: unverified" in r.stdout and "computed" in r.stdout
    assert "Code pénal, art. 421-1" in r.stdout and "Secretariat reviewer" in r.stdout
    assert "missing: Knowing it is to be used for a terrorist offence" in r.stdout
    r = run(db, "legal", "gaps", "FR", "--against", "eu-2017-541", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["counts"] == {"covered": 1, "partial": 1, "gap": 1} and out["certainty"] == "unverified"
    assert {row["model"]: row["status"] for row in out["rows"]}["eu-2017-541:art-4"] == "gap"
    r = run(db, "legal", "gaps", "JP", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["demo"] is True
    r = run(db, "legal", "gaps", "JP")
    assert "Demonstration data" in r.stdout
    r = run(db, "legal", "gaps", "FX")
    assert r.exit_code == 1 and "unknown member FX" in r.stderr and "FR" in r.stderr
    r = run(db, "legal", "gaps", "FR", "--against", "cets-169")
    assert r.exit_code == 1 and "cets-196" in r.stderr


def test_compare(db: Db) -> None:
    with transaction(db.sessions) as s:
        compare_world.insert(s)
    r = run(db, "legal", "compare", "FR", "DE", "jp")
    assert r.exit_code == 0, r.output
    assert "Shared core" in r.stdout and "Killing a person" in r.stdout
    assert "0.62" in r.stdout or "0.63" in r.stdout
    assert "JP: no offence is mapped to a definition" in r.stdout
    r = run(db, "legal", "compare", "FR", "DE", "JP", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [e["code"] for e in out["shared"]] == ["kill", "intimidate_population", "intentional"]
    assert out["similarity"]["FR"]["DE"] == 0.625 and out["demo"] is True
    assert [x["code"] for x in out["references"]] == ["eu-2017-541:art-3", "unscr-1566:para-3"]
    r = run(db, "legal", "compare", "FR")
    assert r.exit_code == 2 and "at least two" in r.stderr
    r = run(db, "legal", "compare", "FR", "fr")
    assert r.exit_code == 2
    r = run(db, "legal", "compare", "FR", "DX")
    assert r.exit_code == 1 and "DE" in r.stderr
    r = run(db, "legal", "compare", "--help")
    assert r.exit_code == 0 and "Jaccard" in r.stdout
