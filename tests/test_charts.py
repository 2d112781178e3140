"""SVG charts: well-formed, accessible, escaped, CSP-clean, and drawing what the data says.

defusedxml is not installed, so the standard parser reads the output; it is our own markup, built from
hostile labels on purpose, and no entity or DTD is ever involved.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output in tests
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.charts import DASHES, PALETTE, Svg, bar_chart, fmt, line_chart, nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & "quoted" \'single\''
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]


def parse(svg: str) -> ET.Element:
    assert "style=" not in svg
    assert "<script" not in svg.lower()
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def find_all(root: ET.Element, path: str) -> list[ET.Element]:
    return root.findall(path, NS)


def text_of(root: ET.Element, css_class: str) -> list[str]:
    return [el.text or "" for el in root.iter() if css_class in (el.get("class") or "").split()]


def test_line_chart_is_an_accessible_scalable_image() -> None:
    root = parse(line_chart("Time to acknowledge", DAYS, [("France", [1, 2, 3, 4, 5])], y_label="minutes"))
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 640 \d+", root.get("viewBox") or "")
    title, desc = root[0], root[1]
    assert (title.tag, title.text) == ("{http://www.w3.org/2000/svg}title", "Time to acknowledge")
    assert desc.tag == "{http://www.w3.org/2000/svg}desc"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_line_chart_description_summarises_in_words() -> None:
    svg = line_chart(
        "Time to acknowledge",
        DAYS,
        [("France", [12, 4, None, 30, 8]), ("Japan", [None] * 5)],
        y_label="minutes",
    )
    desc = find_all(parse(svg), "svg:desc")[0].text
    assert desc == (
        "Time to acknowledge. minutes, 5 points from Mon to Fri. "
        "France: lowest 4 (Tue), highest 30 (Thu), latest 8 (Fri); no data for 1 of 5. Japan: no data."
    )


def test_points_and_gaps() -> None:
    root = parse(line_chart("t", DAYS, [("a", [1, 2, None, 4, 5]), ("b", [1, None, 3, None, 5])], y_label="n"))
    first, second = (
        find_all(root, "svg:g[@class='chart-series chart-series-0']")[0],
        find_all(root, "svg:g[@class='chart-series chart-series-1']")[0],
    )
    assert len(find_all(first, "svg:circle")) == 4
    assert [len(p.get("points", "").split()) for p in find_all(first, "svg:polyline")] == [2, 2]
    # isolated points are drawn as markers only: no line crosses a gap
    assert len(find_all(second, "svg:circle")) == 3
    assert find_all(second, "svg:polyline") == []


def test_points_are_placed_on_the_scale() -> None:
    root = parse(line_chart("t", ["a", "b", "c"], [("s", [0, 50, 100])], y_label="%", width=640, height=240))
    circles = find_all(root, ".//svg:circle")
    xs = [float(c.get("cx", "")) for c in circles]
    ys = [float(c.get("cy", "")) for c in circles]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert ys[0] > ys[1] > ys[2]  # larger values higher up
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2])
    assert [t.text for t in find_all(root, ".//svg:title")[1:]] == ["s, a: 0", "s, b: 50", "s, c: 100"]


def test_series_differ_by_colour_and_dash_and_have_a_legend() -> None:
    names = [f"Member {i}" for i in range(4)]
    root = parse(line_chart("t", DAYS, [(n, [1, 2, 3, 4, 5]) for n in names], y_label="n"))
    groups = [g for g in find_all(root, "svg:g") if (g.get("class") or "").startswith("chart-series")]
    polylines = [find_all(g, "svg:polyline")[0] for g in groups]
    styles = [(g.get("stroke"), p.get("stroke-dasharray", "")) for g, p in zip(groups, polylines, strict=True)]
    assert len({colour for colour, _ in styles}) == 4
    assert len({dash for _, dash in styles}) == 4
    assert text_of(root, "chart-legend-label") == names
    assert [line.get("stroke") for line in find_all(root, "svg:g[@class='chart-legend']/svg:line")] == list(PALETTE[:4])


def test_axis_has_four_to_six_nice_ticks() -> None:
    root = parse(line_chart("t", DAYS, [("s", [3, 17, 41, 8, 0])], y_label="n"))
    assert text_of(root, "chart-tick-y") == ["0", "10", "20", "30", "40", "50"]


def test_y_max_sets_the_least_top_of_the_axis() -> None:
    root = parse(line_chart("t", DAYS, [("s", [3, 7, 12, 8, 5])], y_label="%", y_max=100))
    assert text_of(root, "chart-tick-y")[-1] == "100"
    root = parse(line_chart("t", DAYS, [("s", [3, 7, 130, 8, 5])], y_label="%", y_max=100))
    assert float(text_of(root, "chart-tick-y")[-1]) >= 130


def test_many_labels_are_thinned_out() -> None:
    labels = [f"2026-11-{d:02d}" for d in range(1, 31)]
    root = parse(line_chart("t", labels, [("s", list(range(30)))], y_label="n"))
    shown = text_of(root, "chart-tick-x")
    assert 2 <= len(shown) <= 8
    assert shown[0] == "2026-11-01"
    assert len(find_all(root, ".//svg:circle")) == 30


def test_every_text_is_escaped() -> None:
    svg = line_chart(HOSTILE, [HOSTILE, "b"], [(HOSTILE, [1, 2])], y_label=HOSTILE)
    root = parse(svg)
    assert root[0].text == HOSTILE
    assert HOSTILE in (root[1].text or "")
    assert text_of(root, "chart-legend-label") == [HOSTILE]
    assert text_of(root, "chart-axis-label") == [HOSTILE]
    bars = bar_chart(HOSTILE, [(HOSTILE, 1.0)], x_label=HOSTILE, unit=HOSTILE)
    root = parse(bars)
    assert root[0].text == HOSTILE
    assert find_all(root, ".//svg:rect/svg:title")[0].text == f"{HOSTILE}: 1{HOSTILE}"


def test_characters_that_xml_cannot_hold_are_dropped() -> None:
    root = parse(line_chart("a\x00b\x1bc\ufffe", ["x\x01"], [("s\x08", [1])], y_label="y"))
    assert root[0].text == "abc"


@pytest.mark.parametrize(
    "svg",
    [
        line_chart("Empty", [], [], y_label="n"),
        line_chart("Empty", DAYS, [], y_label="n"),
        line_chart("Empty", DAYS, [("s", [None] * 5)], y_label="n"),
        line_chart("Empty", DAYS, [("s", [math.nan, math.inf, None, None, None])], y_label="n"),
        bar_chart("Empty", [], x_label="n"),
        bar_chart("Empty", [("a", None)], x_label="n"),
    ],
)
def test_no_data_gives_a_small_chart_saying_so(svg: str) -> None:
    root = parse(svg)
    assert root[0].text == "Empty"
    assert root[1].text == "No data yet."
    assert text_of(root, "chart-empty") == ["No data yet"]
    assert root.get("viewBox") == "0 0 640 64"


def test_bar_chart_has_one_row_per_item_and_says_no_data() -> None:
    items = [("France", 98.5), ("Japan", None), ("Kenya", 50.0), ("Chile", 100.0)]
    root = parse(bar_chart("Reached within 15 minutes", items, x_label="share of tests", unit="%"))
    assert root.get("role") == "img" and root.get("width") == "100%"
    labels = [el.findtext("svg:title", namespaces=NS) for el in root.iter() if el.get("class") == "chart-label"]
    assert labels == ["France", "Japan", "Kenya", "Chile"]
    rects = find_all(root, ".//svg:rect")
    assert len(rects) == 3
    widths = [float(r.get("width", "")) for r in rects]
    assert widths[1] * 2 == pytest.approx(widths[2])  # 50 is half of 100 on a 0-100 axis
    assert text_of(root, "chart-no-data") == ["no data"]
    assert text_of(root, "chart-value") == ["98.5%", "50%", "100%"]
    assert text_of(root, "chart-tick-x") == ["0", "20", "40", "60", "80", "100"]
    assert text_of(root, "chart-axis-label") == ["share of tests"]
    assert root[1].text == (
        "Reached within 15 minutes. share of tests, 4 items: France: 98.5%; Japan: no data; Kenya: 50%; Chile: 100%."
    )


def test_bar_chart_units_and_long_labels() -> None:
    long = "Directorate-General for Internal Security, counter-terrorism desk"
    root = parse(bar_chart("t", [(long, 12.0), ("b", 3.25)], x_label="minutes", unit="min"))
    assert text_of(root, "chart-value") == ["12 min", "3.2 min"]
    label = next(el for el in root.iter() if el.get("class") == "chart-label")
    assert label.findtext("svg:title", namespaces=NS) == long
    assert len("".join(label.itertext())) - len(long) <= 32


def test_charts_insert_into_templates_unescaped() -> None:
    svg = bar_chart("t", [("a", 1.0)], x_label="n")
    assert isinstance(svg, Svg) and isinstance(svg, str)
    assert svg.__html__() == str(svg)


def test_different_charts_get_different_ids() -> None:
    one = parse(line_chart("A", DAYS, [("s", [1, 2, 3, 4, 5])], y_label="n"))
    two = parse(line_chart("B", DAYS, [("s", [1, 2, 3, 4, 5])], y_label="n"))
    assert one[0].get("id") != two[0].get("id")


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (1234, "1,234"), (1234.6, "1,235"), (12.5, "12.5"), (0.042, "0.042"), (-3, "-3")]
)
def test_fmt(value: float, text: str) -> None:
    assert fmt(value) == text


@given(st.floats(min_value=-1e9, max_value=0, allow_nan=False), st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_nice_ticks_are_four_to_six_round_even_steps_covering_the_range(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert 4 <= len(ticks) <= 6
    step = ticks[1] - ticks[0]
    assert all(b - a == pytest.approx(step, rel=1e-6) for a, b in zip(ticks, ticks[1:], strict=False))
    slack = step * 1e-6
    assert ticks[0] <= low + slack and ticks[-1] >= high - slack
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 2.5, 5, 10))


VALUES = st.one_of(st.none(), st.floats(min_value=-1e9, max_value=1e9), st.sampled_from([math.nan, -math.inf, 1e300]))


@given(
    title=st.text(max_size=40),
    labels=st.lists(st.text(max_size=20), max_size=12),
    series=st.lists(st.tuples(st.text(max_size=20), st.lists(VALUES, max_size=14)), max_size=len(DASHES) + 2),
)
def test_any_line_chart_is_well_formed(title: str, labels: list[str], series: list[tuple[str, list[float]]]) -> None:
    root = parse(line_chart(title, labels, series, y_label="n"))
    drawn = [[v for v in values[: len(labels)] if v is not None and abs(v) <= 1e15] for _, values in series]
    assert len(find_all(root, ".//svg:circle")) == sum(map(len, drawn))


@given(
    title=st.text(max_size=40),
    items=st.lists(st.tuples(st.text(max_size=50), VALUES), max_size=15),
    unit=st.text(max_size=5),
)
def test_any_bar_chart_is_well_formed(title: str, items: Sequence[tuple[str, float | None]], unit: str) -> None:
    root = parse(bar_chart(title, items, x_label="n", unit=unit))
    finite = [v for _, v in items if v is not None and abs(v) <= 1e15]
    assert len(find_all(root, ".//svg:rect")) == len(finite)
    assert all(float(r.get("width", "")) >= 0 for r in find_all(root, ".//svg:rect"))
