"""The incident map: a bundled outline, one mark per incident sized by casualties and told apart by attack type,
safe under the pages' CSP, and the same bytes for the same data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from liaison.incident_map import incident_map, outline, project, radius, style_of


@dataclass(frozen=True)
class P:
    latitude: float
    longitude: float
    killed: int
    wounded: int
    attack_type: int
    occurred_on: date
    place: str
    group_name: str


POINTS = [
    P(48.85, 2.35, 10, 50, 3, date(2015, 11, 13), "Paris, France", "<Front & Co>"),
    P(33.3, 44.4, 0, 0, 2, date(2020, 1, 1), "Baghdad, Iraq", ""),
    P(-33.9, 151.2, 1, 0, 7, date(2020, 1, 2), "Sydney", ""),
    P(-75.0, 0.0, 1, 0, 1, date(2020, 1, 3), "Antarctica", ""),  # south of the map: not drawn
]


def test_the_outline_is_bundled_and_projected() -> None:
    assert len(outline()) > 150
    assert project(90 - 6, -180) == (0.0, 28.0) and project(0, 0) == (360.0, 28 + 84 * 2)
    assert radius(0) == 2.5 and radius(60) > radius(1) and radius(10**6) == 14.0


def test_marks_titles_shapes_and_safety() -> None:
    svg = incident_map("Incidents", POINTS, total=10)
    assert svg.count("<circle") >= 2 and "<polygon" in svg  # bombing and armed assault: circles; facility: triangle
    assert "&lt;Front &amp; Co&gt;" in svg and "<Front" not in svg
    assert "Paris, France" in svg and "Antarctica" not in svg
    assert " style=" not in svg and "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")
    assert "the most recent of 10" in svg
    assert style_of(1) != style_of(2) != style_of(4) and style_of(1)[1] != style_of(4)[1]
    assert incident_map("Incidents", POINTS, total=10) == svg
    assert len(re.findall(r"<title>", svg)) >= 4


def test_an_empty_map_says_so() -> None:
    svg = incident_map("Incidents", [])
    assert "No incident with coordinates" in svg and "<path" in svg
