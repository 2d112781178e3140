"""``liaison incidents import|list`` and ``liaison analyze trends``: JSON shapes, refusals and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from liaison.cli import app
from tests.analysis.incident_rows import csv_text, row

runner = CliRunner()


def run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test"})


def test_import_list_and_trends(world_db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(row(eventid="c1"), row(eventid="c2", targtype1=40)))
    refused = run(world_db_url, "incidents", "import", str(bad), "--as", "fr.analyst")
    assert refused.exit_code == 1 and "line 3" in refused.output and "targtype1: 40" in refused.output
    only_bad = tmp_path / "only-bad.csv"
    only_bad.write_text(csv_text(row(eventid="c9", iday=32)))
    nothing = run(world_db_url, "incidents", "import", str(only_bad), "--skip-invalid", "--json")
    assert nothing.exit_code == 1
    skipped = run(world_db_url, "incidents", "import", str(bad), "--skip-invalid", "--tlp", "TLP:GREEN", "--json")
    assert skipped.exit_code == 0, skipped.output
    data = json.loads(skipped.stdout)
    assert (data["added"], data["refused"]) == (1, 1) and data["kind"] == "incidents"
    good = tmp_path / "good.csv"
    good.write_text(
        csv_text(row(eventid="c3", iyear=2017, country_txt="Kenya", region=11, latitude=-1.3, longitude=36.8))
    )
    assert run(world_db_url, "incidents", "import", str(good)).exit_code == 0
    listed = run(world_db_url, "incidents", "list", "--region", "11", "--json")
    assert listed.exit_code == 0, listed.output
    assert [i["eventid"] for i in json.loads(listed.stdout)["items"]] == ["c3"]
    assert run(world_db_url, "incidents", "list", "--from", "2017-02-30").exit_code == 2
    trends = run(world_db_url, "analyze", "trends", "--by", "region", "--period", "year", "--json")
    assert trends.exit_code == 0, trends.output
    shape = json.loads(trends.stdout)
    assert shape["periods"] == ["2015", "2016", "2017"] and shape["totals"] == [1, 0, 1]
    assert {s["label"] for s in shape["series"]} == {"Middle East & North Africa", "Sub-Saharan Africa"}
    assert run(world_db_url, "analyze", "trends", "--by", "colour").exit_code == 2
    text = run(world_db_url, "analyze", "trends", "--by", "attack-type")
    assert text.exit_code == 0 and "Bombing/explosion" in text.stdout
