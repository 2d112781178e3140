"""The forecast models against synthetic data whose truth is known (liaison.analysis.synthetic).

The model's settings were tuned by looking at the default scenario (seed 13); the held-out scenarios (other
seeds, levels, trends, dispersion and a different shift) were not looked at while tuning, and their figures are
checked and printed separately (run with ``-s`` to see them): figures on tuned cases flatter.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from liaison.analysis import forecast as F
from liaison.analysis import synthetic as S


def monthly(scenario: S.Scenario, rows: list[dict], column: str, key: object) -> list[int]:
    index = {m: i for i, m in enumerate(scenario.month_list())}
    counts = Counter(index[(r["iyear"], r["imonth"])] for r in rows if r[column] == key)
    return [counts.get(i, 0) for i in range(scenario.months)]


def next_month(scenario: S.Scenario) -> tuple[int, int]:
    year, month = scenario.month_list()[-1]
    return (year + 1, 1) if month == 12 else (year, month + 1)


def clean(seed: int, trend: float, amplitude: float, level: float = 20.0) -> S.Scenario:
    """One region, Poisson counts, a known trend and season: nothing else to get in the way."""
    source = S.Source("Unknown", level, trend, amplitude, 7, {10: 1.0}, {3: 1.0})
    return S.Scenario(seed=seed, start=date(2016, 1, 1), months=120, sources=(source,), dispersion=0.0)


# -- the generator -----------------------------------------------------------------------------------------------


def test_generator_is_deterministic_and_in_the_codebook_layout():
    scenario = S.default_scenario()
    rows = S.generate(scenario)
    assert rows == S.generate(S.default_scenario())
    assert rows != S.generate(S.default_scenario(seed=14))
    assert list(rows[0]) == S.COLUMNS
    assert len({r["eventid"] for r in rows}) == len(rows)
    assert all("synthetic" in r["summary"].lower() and r["dbsource"] == "synthetic" for r in rows)
    for r in rows:
        assert r["region"] == next(c[3] for c in S.CITIES if c[0] == r["country"])
        city = next(c for c in S.CITIES if c[5] == r["city"])
        assert abs(r["latitude"] - city[6]) < 0.1 and abs(r["longitude"] - city[7]) < 0.1
    header = S.to_csv(rows[:3]).splitlines()[0]
    assert header.split(",") == S.COLUMNS


def test_generated_counts_follow_the_planted_expectation():
    scenario = S.default_scenario()
    rows = S.generate(scenario)
    for region in (6, 10, 11):
        y = monthly(scenario, rows, "region", region)
        truth = [scenario.expected("region", region, yy, mm) for yy, mm in scenario.month_list()]
        assert sum(y) == pytest.approx(sum(truth), rel=0.06)
    # the planted shift: Northern Crescent Brigades' transportation share before and after January 2025
    brigade = [r for r in rows if r["gname"] == "Northern Crescent Brigades"]
    before = [r["targtype1"] == 19 for r in brigade if r["iyear"] < 2025]
    after = [r["targtype1"] == 19 for r in brigade if r["iyear"] >= 2025]
    assert sum(before) == 0 and sum(after) / len(after) == pytest.approx(0.55, abs=0.08)


# -- counts -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "trend", "amplitude"), [(1, 1.15, 0.4), (2, 0.9, 0.3), (3, 1.0, 0.0)])
def test_the_count_model_recovers_the_planted_trend_and_season(seed, trend, amplitude):
    scenario = clean(seed, trend, amplitude, level=300.0)
    y = monthly(scenario, S.generate(scenario), "region", 10)
    fit = F.fit_counts(y, 1)
    assert fit.yearly_growth() == pytest.approx(trend, abs=0.04)
    truth = [S.season(amplitude, 7, m) for m in range(1, 13)]
    errors = [abs(a - b) for a, b in zip(fit.seasonal_index(), truth, strict=True)]
    assert sum(errors) / 12 < 0.05 and max(errors) < 0.15
    result = F.forecast_counts("region:10", y, (2016, 1))
    expected = scenario.expected("region", 10, *next_month(scenario))
    lo, hi = result.point.interval80
    assert lo <= expected <= hi
    assert result.point.value == pytest.approx(expected, rel=0.15)


def test_short_history_shrinks_the_season_toward_one():
    scenario = clean(4, 1.0, 0.5, level=5.0)
    y = monthly(scenario, S.generate(scenario), "region", 10)
    year = y[:12]
    raw = [v / (sum(year) / 12) for v in year]  # one year's own ratios: the unshrunk index
    spread = lambda index: max(index) - min(index)  # noqa: E731
    assert spread(F.fit_counts(year, 1).seasonal_index()) < 0.8 * spread(raw)
    assert F.forecast_counts("x", y[:3], (2016, 1)).point is None  # too little: no number at all


def pooled_backtest(scenarios: list[S.Scenario]) -> dict[str, float]:
    """Backtests of every region series of the scenarios, pooled: coverage and how often the model beats the
    seasonal naive."""
    inside80 = inside95 = origins = wins = series = 0
    for scenario in scenarios:
        rows = S.generate(scenario)
        for region in sorted({r["region"] for r in rows}):
            y = monthly(scenario, rows, "region", region)
            bt = F.backtest_counts(y, scenario.start.month, origins=24)
            assert bt is not None
            inside80 += round(bt.model.coverage80 * bt.origins)
            inside95 += round(bt.model.coverage95 * bt.origins)
            origins += bt.origins
            wins += bt.model.mae < bt.baseline.mae
            series += 1
    return {"coverage80": inside80 / origins, "coverage95": inside95 / origins, "wins": wins / series}


def test_backtest_coverage_is_near_nominal_and_the_model_beats_seasonal_naive_tuned():
    figures = pooled_backtest([S.default_scenario()])
    print("\ntuned scenario (seed 13):", figures)
    assert 0.75 <= figures["coverage80"] <= 0.95
    assert 0.90 <= figures["coverage95"] <= 1.0
    assert figures["wins"] == 1.0


def test_backtest_on_held_out_scenarios():
    figures = pooled_backtest(S.held_out_scenarios())
    print("\nheld-out scenarios:", figures)
    assert 0.70 <= figures["coverage80"] <= 0.97
    assert 0.88 <= figures["coverage95"] <= 1.0
    assert figures["wins"] >= 0.8


@pytest.mark.parametrize("trend", [1.2, 0.85])
def test_the_model_beats_seasonal_naive_on_a_trending_series(trend):
    scenario = clean(7, trend, 0.3)
    y = monthly(scenario, S.generate(scenario), "region", 10)
    bt = F.backtest_counts(y, 1, origins=24)
    assert bt.model.mae < bt.baseline.mae and bt.model.rmse < bt.baseline.rmse
    assert bt.model.mase < bt.baseline.mase


def test_negative_binomial_quantiles_match_the_poisson_limit_and_widen_with_dispersion():
    assert F.nb_interval(10.0, 0.0, 0.95) == (4, 17)  # Poisson(10): 2.5 % and 97.5 % quantiles
    assert F.nb_interval(10.0, 0.5, 0.95)[1] > 17
    assert F.nb_quantile(0.0, 0.3, 0.9) == 0


# -- a group's next targets and regions ---------------------------------------------------------------------------


def group_events(scenario: S.Scenario, rows: list[dict], group: str, column: str) -> list[tuple[int, int]]:
    index = {m: i for i, m in enumerate(scenario.month_list())}
    return [(index[(r["iyear"], r["imonth"])], r[column]) for r in rows if r["gname"] == group]


@pytest.mark.parametrize(
    ("scenario", "group", "column", "dimension", "planted"),
    [
        (S.default_scenario(), "Northern Crescent Brigades", "targtype1", "target-type", 19),
        (S.default_scenario(), "Eastern Levant Network", "region", "region", 8),
        (S.held_out_scenarios()[0], "Northern Crescent Brigades", "targtype1", "target-type", 19),
        (S.held_out_scenarios()[1], "Northern Crescent Brigades", "targtype1", "target-type", 21),
    ],
    ids=["tuned-targets", "tuned-regions", "held-out-1001", "held-out-2002"],
)
def test_the_group_model_catches_a_planted_shift_sooner_than_historical_frequencies(
    scenario, group, column, dimension, planted
):
    rows = S.generate(scenario)
    cats = list(range(1, 23)) if dimension == "target-type" else list(range(1, 13))
    result = F.forecast_categories(
        dimension, group_events(scenario, rows, group, column), scenario.months, (scenario.start.year, 1), cats
    )
    print(f"\n{group} {dimension}:", result.model_scores, result.baseline_scores, result.model["half_life_months"])
    assert result.model_scores.log_loss < result.baseline_scores.log_loss
    assert result.model_scores.brier < result.baseline_scores.brier
    top = result.categories[0]
    assert top["code"] == planted and top["probability"] > top["baseline"]
    assert top["interval95"][0] <= top["interval80"][0] <= top["probability"] <= top["interval80"][1]


def test_after_the_shift_recency_wins_month_by_month():
    """Within the months after the planted shift, the decayed model's log loss falls below the all-time
    frequencies' within a few months and stays there."""
    scenario = S.default_scenario()
    rows = S.generate(scenario)
    events = group_events(scenario, rows, "Northern Crescent Brigades", "targtype1")
    shift = scenario.month_list().index((2025, 1))
    cats = list(range(1, 23))
    later = range(shift + 4, scenario.months)
    ours, theirs = F.score(events, later, cats, 6.0), F.score(events, later, cats, None)
    assert ours.log_loss < theirs.log_loss - 0.3
    assert ours.top1 > theirs.top1


def test_a_stable_group_loses_little_to_the_baseline():
    scenario = S.default_scenario()
    rows = S.generate(scenario)
    result = F.forecast_categories(
        "target-type",
        group_events(scenario, rows, "Sahel Shield Front", "targtype1"),
        scenario.months,
        (2016, 1),
        list(range(1, 23)),
    )
    assert result.model_scores.log_loss < result.baseline_scores.log_loss + 0.05


def test_a_scenario_can_end_with_the_last_complete_month():
    months = S.months_before(date(2016, 1, 1), date(2026, 12, 2))
    scenario = S.default_scenario(months=months)
    assert months == 131 and scenario.month_list()[-1] == (2026, 11)
    assert max((r["iyear"], r["imonth"]) for r in S.generate(scenario)) == (2026, 11)
