"""The financing analysis's pure cores: the dated rate table and the flow rules, on planted patterns and on
clean data that must raise nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.analysis import money, rates
from liaison.analysis.money import Flow, Rules

D = Decimal


def flow(i: object, a: str, b: str, on: date | None, amount: str | None, kind: str = "transfer") -> Flow:
    return Flow(str(i), a, b, on, None if amount is None else D(amount), kind)


# -- rates --


def test_a_business_day_uses_its_own_rate() -> None:
    got = rates.convert(D("111.72"), "USD", date(2026, 10, 30))
    assert got.rate_date == date(2026, 10, 30) and not got.stale
    assert got.amount == D("100.00")  # 1 EUR = 1.1172 USD that day


def test_a_weekend_uses_the_last_earlier_business_day_and_says_which() -> None:
    saturday = date(2024, 6, 15)
    got = rates.convert(D(100), "GBP", saturday)
    assert got.rate_date == date(2024, 6, 14) and not got.stale
    assert got == rates.convert(D(100), "GBP", date(2024, 6, 14)).__class__(got.amount, "EUR", got.rate_date, False)


def test_after_the_table_the_last_rate_is_used_and_marked_stale() -> None:
    got = rates.convert(D(100), "RUB", date(2024, 1, 10))
    assert got.rate_date <= date(2022, 3, 1) and got.stale


def test_unknown_currency_and_dates_before_the_table_are_errors() -> None:
    with pytest.raises(rates.RateError, match="XYZ"):
        rates.convert(D(1), "XYZ", date(2024, 1, 2))
    with pytest.raises(rates.RateError, match="1999-01-04"):
        rates.convert(D(1), "USD", date(1998, 12, 31))


def test_cross_rates_and_a_reporting_currency_other_than_the_euro() -> None:
    assert rates.convert(D(100), "USD", date(2024, 3, 1), to="USD").amount == D("100.00")
    eur = rates.convert(D(100), "EUR", date(2024, 3, 1), to="USD")
    assert D(100) < eur.amount < D(120)


@settings(max_examples=40, deadline=None)
@given(
    st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2),
    st.sampled_from(["USD", "GBP", "CHF", "JPY", "TRY"]),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31)),
)
def test_conversion_is_positive_decimal_and_never_uses_a_later_rate(amount: D, cur: str, day: date) -> None:
    got = rates.convert(amount, cur, day)
    assert isinstance(got.amount, Decimal) and got.amount >= 0
    assert got.rate_date <= day
    assert got.amount == got.amount.quantize(D("0.01"))


# -- tracing --


def test_upstream_respects_time_order_along_a_chain() -> None:
    flows = [
        flow(1, "A", "M", date(2024, 1, 1), "500"),  # arrived before M paid the group: kept
        flow(2, "M", "G", date(2024, 1, 5), "900"),
        flow(3, "B", "M", date(2024, 2, 1), "700"),  # arrived after M's only payment: not funding G
        flow(4, "C", "A", date(2023, 12, 1), "100"),  # two hops, in order
        flow(5, "D", "G", date(2023, 1, 1), "50"),  # before the window
    ]
    up = money.upstream(flows, "G", since=date(2023, 6, 1), until=date(2024, 12, 31))
    assert {f.id for f in up.flows} == {"1", "2", "4"}
    assert up.hops == {"G": 0, "M": 1, "A": 2, "C": 3}
    assert up.direct == {"M": D(900)} and up.sent["A"] == D(500)


def test_funding_relations_without_amount_pass_the_deadline_through() -> None:
    flows = [
        flow("r", "Patron", "G", None, None, "finances"),
        flow(1, "Donor", "Patron", date(2025, 5, 1), "1000"),
    ]
    up = money.upstream(flows, "G", until=date(2025, 12, 31))
    assert set(up.hops) == {"G", "Patron", "Donor"} and up.sent == {"Donor": D(1000)}


def test_common_funders_of_two_groups() -> None:
    flows = [
        flow(1, "F1", "G1", date(2024, 1, 1), "100"),
        flow(2, "F1", "X", date(2024, 1, 1), "200"),
        flow(3, "X", "G2", date(2024, 1, 2), "150"),
        flow(4, "F2", "G1", date(2024, 1, 1), "10"),
    ]
    common = money.common_funders(flows, ["G1", "G2"])
    assert common == [("F1", {"G1": D(100), "G2": D(200)})]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABCDEG"), st.sampled_from("ABCDEG"), st.integers(0, 60), st.integers(1, 5000)),
        max_size=40,
    )
)
def test_every_kept_flow_can_reach_the_group_in_time_order(raw: list[tuple[str, str, int, int]]) -> None:
    start = date(2024, 1, 1)
    flows = [flow(i, a, b, start + timedelta(days=d), str(n)) for i, (a, b, d, n) in enumerate(raw)]
    up = money.upstream(flows, "G", max_hops=10)
    kept = up.flows
    for f in kept:
        assert f.source != f.target
        if f.target != "G":
            assert any(g.source == f.target and g.on >= f.on for g in kept), f  # type: ignore[operator]


# -- flags: planted patterns and clean data --


def test_structuring_just_below_the_threshold_is_flagged_with_its_transactions() -> None:
    day = date(2024, 4, 1)
    flows = [
        flow("s1", "Smurf", "R1", day, "9500"),
        flow("s2", "Smurf", "R2", day + timedelta(days=2), "9800"),
        flow("s3", "Smurf", "R3", day + timedelta(days=5), "9100"),
        flow("n1", "Smurf", "R4", day + timedelta(days=6), "8000"),  # below the band
        flow("n2", "Smurf", "R5", day + timedelta(days=6), "10000"),  # at the threshold: reported anyway
        flow("n3", "Other", "R1", day, "9500"),
    ]
    found = money.flags(flows)
    assert [(f.rule, f.party, f.role, f.transactions) for f in found] == [
        ("structuring", "Smurf", "sender", ("s1", "s2", "s3"))
    ]
    assert found[0].amount == D(28400)


def test_structuring_by_receiver_and_a_configurable_threshold() -> None:
    day = date(2024, 4, 1)
    flows = [flow(i, f"S{i}", "Collector", day + timedelta(days=i), "4700") for i in range(4)]
    assert money.flags(flows) == []
    found = money.flags(flows, Rules(threshold=D(5000)))
    assert [(f.party, f.role, len(f.transactions)) for f in found] == [("Collector", "receiver", 4)]


def test_structuring_spread_over_more_than_the_window_is_not_flagged() -> None:
    flows = [flow(i, "S", f"R{i}", date(2024, 1, 1) + timedelta(days=10 * i), "9500") for i in range(5)]
    assert money.flags(flows) == []


def test_rapid_pass_through() -> None:
    day = date(2025, 2, 10)
    flows = [
        flow("in", "Source", "Mule", day, "50000"),
        flow("o1", "Mule", "X", day + timedelta(days=1), "30000"),
        flow("o2", "Mule", "Y", day + timedelta(days=2), "12000"),
        flow("late", "Mule", "Z", day + timedelta(days=5), "8000"),
        # A shop paying out a small share, and another paying out late: not flagged.
        flow("i2", "Client", "Shop", day, "1000"),
        flow("o3", "Shop", "Supplier", day + timedelta(days=1), "300"),
        flow("o4", "Shop", "Landlord", day + timedelta(days=20), "900"),
    ]
    found = money.flags(flows)
    assert [(f.rule, f.party, f.transactions) for f in found] == [("pass_through", "Mule", ("in", "o1", "o2"))]


def test_circular_flow_in_time_order_within_the_window() -> None:
    day = date(2025, 6, 1)
    flows = [
        flow("c1", "A", "B", day, "20000"),
        flow("c2", "B", "C", day + timedelta(days=10), "19000"),
        flow("c3", "C", "A", day + timedelta(days=25), "18000"),
        # Out of order: D->E after E->D, never returning in time.
        flow("x1", "E", "D", day, "500"),
        flow("x2", "D", "E", day + timedelta(days=200), "500"),
    ]
    found = money.flags(flows)
    assert [(f.rule, f.party, f.parties, f.transactions) for f in found] == [
        ("circular", "A", ("A", "B", "C"), ("c1", "c2", "c3"))
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 29), st.integers(0, 700), st.integers(10, 8000)),
        max_size=60,
    )
)
def test_clean_data_raises_no_flag(raw: list[tuple[int, int, int, int]]) -> None:
    """Donors pay groups (never the other way), amounts well below the band, so no rule can fire."""
    flows = [
        flow(i, f"donor{a}", f"group{b % 5}", date(2023, 1, 1) + timedelta(days=d), str(n))
        for i, (a, b, d, n) in enumerate(raw)
    ]
    assert money.flags(flows) == []


def test_the_reporting_currency_setting_is_validated() -> None:
    from liaison.settings import ConfigError, load_settings

    assert load_settings(env="test", reporting_currency="usd").reporting_currency == "USD"
    assert load_settings(env="test").reporting_currency == "EUR"
    with pytest.raises(ConfigError, match="LIAISON_REPORTING_CURRENCY"):
        load_settings(env="test", reporting_currency="XYZ")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABCDE"), st.sampled_from("ABCDE"), st.integers(0, 120), st.integers(1, 12000)),
        max_size=40,
    )
)
def test_every_flag_satisfies_its_rule(raw: list[tuple[str, str, int, int]]) -> None:
    """Whatever the data, a flag's own transactions show the pattern it names, with the default parameters."""
    start = date(2024, 1, 1)
    flows = [flow(i, a, b, start + timedelta(days=d), str(n)) for i, (a, b, d, n) in enumerate(raw) if a != b]
    by_id = {f.id: f for f in flows}
    rules = Rules()
    for flag in money.flags(flows):
        txs = [by_id[t] for t in flag.transactions]
        assert flag.amount == sum((t.amount or D(0) for t in txs), D(0))
        if flag.rule == "structuring":
            assert len(txs) >= rules.min_count
            assert all(D(9000) <= (t.amount or 0) < D(10000) for t in txs)
            assert all((t.source if flag.role == "sender" else t.target) == flag.party for t in txs)
        elif flag.rule == "pass_through":
            ins = [t for t in txs if t.target == flag.party]
            outs = [t for t in txs if t.source == flag.party]
            assert ins and outs
            assert sum(o.amount or 0 for o in outs) >= rules.share * min(i.amount or 0 for i in ins)
        else:
            assert [t.source for t in txs] == list(flag.parties)
            assert txs[-1].target == flag.parties[0]
            assert all(a.on <= b.on for a, b in zip(txs, txs[1:], strict=False))  # type: ignore[operator]
            assert (txs[-1].on - txs[0].on).days <= rules.circular_days  # type: ignore[operator]
