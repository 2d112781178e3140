"""liaison.queries.forecasts on both backends: the access filter in the SQL, the JSON shape, bounds, markings."""

from __future__ import annotations

import pytest

from liaison.errors import InvalidInput, PermissionDenied
from liaison.queries import forecasts as q
from tests.analysis import forecast_data
from tests.bank.conftest import bank  # noqa: F401


@pytest.fixture
def world(bank):  # noqa: F811
    rows = forecast_data.load(bank.sessions)
    return bank, rows


def test_region_forecast_carries_interval_and_backtest_beside_the_baseline(world):
    bank_, rows = world
    with bank_.sessions() as s:
        out = q.forecast(s, bank_["de.analyst"], by="region")
    assert out["synthetic"] and out["all_synthetic"]
    assert out["marking"].startswith("TLP:AMBER")  # the strictest row used
    by_key = {series["key"]: series for series in out["series"]}
    assert set(by_key) == {str(r["region"]) for r in rows}
    mena = by_key["10"]
    assert mena["series"] == "Middle East & North Africa"
    assert sum(h["count"] for h in mena["history"]) == sum(r["region"] == 10 for r in rows)
    f = mena["forecast"]
    assert f["period"] == "2027-01"
    assert f["interval95"][0] <= f["interval80"][0] <= f["value"] <= f["interval80"][1] <= f["interval95"][1]
    bt = mena["backtest"]
    assert bt["origins"] == 24 and set(bt["model"]) >= {"mae", "rmse", "mase", "coverage80"}
    assert set(bt["baseline"]) == set(bt["model"])
    assert mena["model"]["name"] == "poisson-trend-season"


def test_what_a_viewer_may_not_see_does_not_count(world):
    bank_, rows = world
    with bank_.sessions() as s:
        de = q.forecast(s, bank_["de.analyst"], by="group")
        fr = q.forecast(s, bank_["fr.analyst"], by="group")
        fr_regions = q.forecast(s, bank_["fr.analyst"], by="region")
    assert "Eastern Levant Network" in {x["key"] for x in de["series"]}
    assert "Eastern Levant Network" not in {x["key"] for x in fr["series"]}
    assert fr_regions["marking"].startswith("TLP:GREEN")
    seen = sum(h["count"] for x in fr_regions["series"] for h in x["history"])
    assert seen == sum(r["gname"] != "Eastern Levant Network" for r in rows)
    with bank_.sessions() as s:
        hidden = q.forecast(s, bank_["fr.analyst"], group="Eastern Levant Network")
    assert hidden["series"] == [] and hidden["marking"] is None  # no count, no hint
    for persona in ("fr.cp", "outsider"):
        with bank_.sessions() as s, pytest.raises(PermissionDenied):
            q.forecast(s, bank_[persona], by="region")


def test_group_forecast_names_likely_targets_with_intervals_and_the_baseline(world):
    bank_, _rows = world
    with bank_.sessions() as s:
        out = q.forecast(s, bank_["jp.screener"], group="Northern Crescent Brigades")
    assert out["by"] == "group" and out["group"] == "Northern Crescent Brigades"
    targets, regions = out["next"]
    assert targets["dimension"] == "target-type" and regions["dimension"] == "region"
    top = targets["categories"][0]
    assert top["code"] == 19 and top["label"].startswith("Transportation")  # the planted shift of January 2025
    assert top["interval80"][0] <= top["probability"] <= top["interval80"][1]
    assert top["probability"] > top["baseline"]
    assert targets["backtest"]["model"]["log_loss"] < targets["backtest"]["baseline"]["log_loss"]
    assert out["series"][0]["forecast"]["interval80"]


def test_bad_arguments_and_bounds(world, monkeypatch):
    bank_, _rows = world
    with bank_.sessions() as s:
        with pytest.raises(InvalidInput):
            q.forecast(s, bank_["de.analyst"], by="weather")
        with pytest.raises(InvalidInput):
            q.forecast(s, bank_["de.analyst"], by="region", horizon=99)
        with pytest.raises(InvalidInput):
            q.forecast(s, bank_["de.analyst"], group="a\x00b")  # PostgreSQL cannot even compare it
        monkeypatch.setattr(q, "MAX_SERIES", 3)
        monkeypatch.setattr(q, "MAX_MONTHS", 36)
        out = q.forecast(s, bank_["de.analyst"], by="target-type")
    assert len(out["series"]) == 3
    assert any("largest" in n for n in out["notes"]) and any("36 months" in n for n in out["notes"])
    assert len(out["series"][0]["history"]) == 36


def test_a_group_by_its_bank_entity_and_nothing_leaks_through_the_id(world):
    from sqlalchemy import update

    from liaison.models import BankEntity
    from liaison.models.analysis import Incident

    bank_, _rows = world
    with bank_.sessions.begin() as s:  # two bare entities to link to (the link is all this test needs)
        made = [BankEntity(schema="Organization", created_by_name="tests") for _ in range(2)]
        s.add_all(made)
        s.flush()
        entity = [e.id for e in made]
        s.execute(
            update(Incident)
            .where(Incident.group_name == "Northern Crescent Brigades")
            .values(group_entity_id=entity[0])
        )
        s.execute(
            update(Incident).where(Incident.group_name == "Eastern Levant Network").values(group_entity_id=entity[1])
        )
    with bank_.sessions() as s:
        linked = q.forecast(s, bank_["fr.analyst"], group=str(entity[0]))
        hidden = q.forecast(s, bank_["fr.analyst"], group=str(entity[1]))
        shown = q.forecast(s, bank_["de.analyst"], group=str(entity[1]))
    assert linked["group"] == "Northern Crescent Brigades" and linked["next"][0]["categories"]
    assert hidden["group"] == str(entity[1]) and hidden["series"] == []  # not even the name
    assert shown["group"] == "Eastern Levant Network" and shown["series"]


def test_the_generated_csv_passes_the_incidents_import_and_forecasts_the_same(bank):  # noqa: F811
    """The synthetic CSV goes through the real reader and import action (every row accepted, countries as the
    generator meant them), and the forecast over the imported rows matches the one over rows inserted directly."""
    from datetime import date

    from liaison.actions.incidents import import_incidents
    from liaison.analysis import synthetic as S
    from liaison.interchange import incidents_csv
    from liaison.marking import Marking

    scenario = S.default_scenario(seed=5, start=date(2022, 1, 1), months=36)
    rows = S.generate(scenario)
    parsed = list(incidents_csv.read(S.to_csv(rows)))
    assert [p for p in parsed if isinstance(p, incidents_csv.RowError)] == []
    assert [p.country for p in parsed] == [S.iso_country(r) for r in rows]
    with bank.sessions.begin() as s:
        imp = import_incidents(
            s, actor=bank["de.analyst"], data=S.to_csv(rows), marking=Marking("GREEN"), synthetic=True, source="t"
        )
        assert (imp.added, imp.refused) == (len(rows), 0)
    with bank.sessions() as s:
        out = q.forecast(s, bank["fr.analyst"], by="region")
    assert out["all_synthetic"]
    assert sum(h["count"] for x in out["series"] for h in x["history"]) == len(rows)
