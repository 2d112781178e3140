"""The forecast's SVG pictures: well-formed, CSP-safe, and saying in words what they draw."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from liaison.forecast_charts import forecast_chart, probability_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_forecast_chart_draws_history_point_and_both_bands():
    history = [(f"2026-{m:02d}", float(m)) for m in range(1, 13)]
    forecast = {"period": "2027-01", "value": 12.4, "interval80": [8, 17], "interval95": [6, 20]}
    svg = forecast_chart("Region <A> & B", history, forecast, y_label="incidents")
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output; well-formed, the title escaped
    assert "style=" not in svg and "<script" not in svg
    classes = {c for e in root.iter() for c in (e.get("class") or "").split()}
    assert {"chart-band-80", "chart-band-95", "chart-history"} <= classes
    desc = root.find(f"{SVG}desc").text
    assert "2027-01" in desc and "80 % interval 8 to 17" in desc and "95 % interval 6 to 20" in desc
    assert "chart-empty" in forecast_chart("x", [], None, y_label="n")


def test_probability_chart_puts_the_interval_and_the_baseline_beside_each_bar():
    rows = [
        {"label": "Transportation", "probability": 0.6, "interval80": [0.5, 0.7], "baseline": 0.14},
        {"label": "Police", "probability": 0.2, "interval80": [0.12, 0.3], "baseline": 0.5},
    ]
    svg = probability_chart("Likely next target types", rows)
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output
    assert len([e for e in root.iter() if e.get("class") == "chart-interval"]) == 2
    assert len([e for e in root.iter() if e.get("class") == "chart-baseline"]) == 2
    assert "historical frequency 0.14" in root.find(f"{SVG}desc").text
