"""Synthetic incidents with KNOWN structure, in the Global Terrorism Database codebook's CSV layout.

Every incident comes from a *source*: one background source per region (unattributed violence) and one per group.
A source has a monthly rate ``level * trend ** years * season(month)`` (``season`` a cosine with a given amplitude
and peak month, so its twelve values average 1) and draws its monthly count from a negative binomial with that mean
(``dispersion`` 0 gives Poisson). Each incident of a source then draws its region and target type from the source's
mix, and a group's mixes change at a known date (``shift_on``): the planted "target shift" a forecast has to catch.

Because the sources are independent, the expected count of any series is known exactly
(:meth:`Scenario.expected`): a test compares a forecast with the truth rather than with another estimate. The text
of every row says "synthetic", and nothing here reads a clock, a file or a database: the same seed gives the same
rows on every machine.

Codes are the GTD codebook's numbers (regions 1-12, attack types 1-9, weapon types 1-13, target types 1-22).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from liaison.interchange import csv_safe

COLUMNS = (
    "eventid iyear imonth iday country country_txt region region_txt provstate city latitude longitude "
    "attacktype1 attacktype1_txt weaptype1 weaptype1_txt targtype1 targtype1_txt nkill nwound gname claimed "
    "success suicide summary dbsource"
).split()

REGIONS = {
    1: "North America",
    2: "Central America & Caribbean",
    3: "South America",
    4: "East Asia",
    5: "Southeast Asia",
    6: "South Asia",
    7: "Central Asia",
    8: "Western Europe",
    9: "Eastern Europe",
    10: "Middle East & North Africa",
    11: "Sub-Saharan Africa",
    12: "Australasia & Oceania",
}
ATTACK_TYPES = {
    1: "Assassination",
    2: "Armed Assault",
    3: "Bombing/Explosion",
    4: "Hijacking",
    5: "Hostage Taking (Barricade Incident)",
    6: "Hostage Taking (Kidnapping)",
    7: "Facility/Infrastructure Attack",
    8: "Unarmed Assault",
    9: "Unknown",
}
WEAPON_TYPES = {
    1: "Biological",
    2: "Chemical",
    3: "Radiological",
    4: "Nuclear",
    5: "Firearms",
    6: "Explosives",
    7: "Fake Weapons",
    8: "Incendiary",
    9: "Melee",
    10: "Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)",
    11: "Sabotage Equipment",
    12: "Other",
    13: "Unknown",
}
TARGET_TYPES = {
    1: "Business",
    2: "Government (General)",
    3: "Police",
    4: "Military",
    5: "Abortion Related",
    6: "Airports & Aircraft",
    7: "Government (Diplomatic)",
    8: "Educational Institution",
    9: "Food or Water Supply",
    10: "Journalists & Media",
    11: "Maritime",
    12: "NGO",
    13: "Other",
    14: "Private Citizens & Property",
    15: "Religious Figures/Institutions",
    16: "Telecommunication",
    17: "Terrorists/Non-State Militia",
    18: "Tourists",
    19: "Transportation",
    20: "Unknown",
    21: "Utilities",
    22: "Violent Political Party",
}

# (GTD country code, ISO alpha-2, country_txt, region, provstate, city, latitude, longitude): real places, so the
# map puts each point inside the right country.
CITIES = (
    (95, "IQ", "Iraq", 10, "Baghdad", "Baghdad", 33.315, 44.366),
    (95, "IQ", "Iraq", 10, "Nineveh", "Mosul", 36.340, 43.130),
    (200, "SY", "Syria", 10, "Aleppo", "Aleppo", 36.202, 37.134),
    (200, "SY", "Syria", 10, "Deir ez-Zor", "Deir ez-Zor", 35.336, 40.140),
    (110, "LB", "Lebanon", 10, "Beirut", "Beirut", 33.894, 35.502),
    (60, "EG", "Egypt", 10, "North Sinai", "Arish", 31.132, 33.798),
    (228, "YE", "Yemen", 10, "Aden", "Aden", 12.785, 45.019),
    (132, "ML", "Mali", 11, "Mopti", "Mopti", 14.494, -4.184),
    (132, "ML", "Mali", 11, "Gao", "Gao", 16.272, -0.044),
    (31, "BF", "Burkina Faso", 11, "Sahel", "Djibo", 14.102, -1.626),
    (148, "NE", "Niger", 11, "Tillaberi", "Tillaberi", 14.212, 1.454),
    (147, "NG", "Nigeria", 11, "Borno", "Maiduguri", 11.846, 13.160),
    (182, "SO", "Somalia", 11, "Banaadir", "Mogadishu", 2.047, 45.318),
    (4, "AF", "Afghanistan", 6, "Kabul", "Kabul", 34.555, 69.207),
    (4, "AF", "Afghanistan", 6, "Nangarhar", "Jalalabad", 34.430, 70.447),
    (153, "PK", "Pakistan", 6, "Khyber Pakhtunkhwa", "Peshawar", 34.008, 71.578),
    (92, "IN", "India", 6, "Jammu and Kashmir", "Srinagar", 34.083, 74.797),
    (160, "PH", "Philippines", 5, "Sulu", "Jolo", 6.052, 121.002),
    (160, "PH", "Philippines", 5, "Lanao del Sur", "Marawi", 7.999, 124.292),
    (69, "FR", "France", 8, "Ile-de-France", "Paris", 48.857, 2.352),
    (75, "DE", "Germany", 8, "Berlin", "Berlin", 52.520, 13.405),
    (603, "GB", "United Kingdom", 8, "England", "London", 51.507, -0.128),
    (45, "CO", "Colombia", 3, "Cauca", "Popayan", 2.444, -76.614),
)

# Weapon types most used in each attack type (first one most often).
_WEAPONS = {1: (5, 6), 2: (5, 9), 3: (6,), 4: (5,), 5: (5,), 6: (5, 13), 7: (8, 6, 11), 8: (9, 12), 9: (13,)}


def season(amplitude: float, peak_month: int, month: int) -> float:
    """The multiplicative seasonal index of ``month`` (1-12): ``1 + amplitude * cos(2 pi (month - peak) / 12)``;
    the twelve indices average exactly 1."""
    return 1.0 + amplitude * math.cos(2 * math.pi * (month - peak_month) / 12)


@dataclass(frozen=True)
class Source:
    """Where incidents come from: a region's background or a group. ``regions`` and ``targets`` are
    ``{code: weight}`` mixes; from ``shift_on`` on, ``regions_after`` / ``targets_after`` replace them."""

    name: str  # the group's name (gname), or "Unknown" for a background source
    level: float  # expected incidents a month at the start, before seasonality
    trend: float  # multiplicative change a year (1.10: +10 % a year)
    amplitude: float  # seasonal amplitude (0: none)
    peak_month: int
    regions: Mapping[int, float]
    targets: Mapping[int, float]
    attacks: Mapping[int, float] = field(default_factory=lambda: {3: 0.5, 2: 0.3, 1: 0.1, 6: 0.1})
    shift_on: date | None = None
    regions_after: Mapping[int, float] | None = None
    targets_after: Mapping[int, float] | None = None

    def rate(self, start: date, year: int, month: int) -> float:
        years = (year - start.year) + (month - start.month) / 12
        return self.level * self.trend**years * season(self.amplitude, self.peak_month, month)

    def mix(self, kind: str, year: int, month: int) -> dict[int, float]:
        """The normalised region or target mix in force in that month."""
        shifted = self.shift_on is not None and date(year, month, 1) >= self.shift_on
        before = self.regions if kind == "region" else self.targets
        after = self.regions_after if kind == "region" else self.targets_after
        chosen = after if shifted and after is not None else before
        total = sum(chosen.values())
        return {code: weight / total for code, weight in chosen.items()}


@dataclass(frozen=True)
class Scenario:
    """The true parameters behind a synthetic data set; :func:`generate` draws the rows."""

    seed: int
    start: date  # first month
    months: int
    sources: tuple[Source, ...]
    dispersion: float = 0.05  # negative binomial: variance = mean + dispersion * mean ** 2 (0: Poisson)

    def month_list(self) -> list[tuple[int, int]]:
        first = self.start.year * 12 + self.start.month - 1
        return [((first + i) // 12, (first + i) % 12 + 1) for i in range(self.months)]

    def expected(self, by: str, key: int | str, year: int, month: int) -> float:
        """The true expected count in a month of the series ``by`` ("region", "target-type" or "group") ``key``
        (may be a month after the data: the truth a forecast is checked against)."""
        total = 0.0
        for s in self.sources:
            rate = s.rate(self.start, year, month)
            if by == "group":
                total += rate if s.name == key else 0.0
            elif by == "region":
                total += rate * s.mix("region", year, month).get(int(key), 0.0)
            else:
                total += rate * s.mix("target", year, month).get(int(key), 0.0)
        return total

    def group(self, name: str) -> Source:
        return next(s for s in self.sources if s.name == name)


def _background(region: int, level: float, trend: float, amplitude: float, peak: int) -> Source:
    return Source(
        "Unknown", level, trend, amplitude, peak, {region: 1.0}, {14: 0.35, 3: 0.2, 4: 0.15, 2: 0.15, 1: 0.15}
    )


def default_scenario(seed: int = 13, *, start: date = date(2016, 1, 1), months: int = 131) -> Scenario:
    """The demo's world, January 2016 to November 2026: the four demo groups
    (:data:`liaison.demo_analysis.GROUPS`) and two others. A caller that imports it passes ``months`` so that it
    ends before today (an importer refuses dates in the future).

    Planted: the Middle East background rises 8 % a year with a summer peak, Sub-Saharan Africa's rises 15 % a year
    peaking in the dry season (March), South Asia's falls; the Northern Crescent Brigades move from police to
    transportation targets in January 2025, and the Eastern Levant Network moves from the Middle East to Western
    Europe in July 2024.
    """
    return Scenario(
        seed=seed,
        start=start,
        months=months,
        sources=(
            _background(10, 14.0, 1.08, 0.35, 7),
            _background(11, 9.0, 1.15, 0.30, 3),
            _background(6, 12.0, 0.95, 0.20, 5),
            _background(5, 3.0, 1.0, 0.0, 1),
            _background(8, 1.5, 1.0, 0.0, 1),
            Source(
                "Northern Crescent Brigades",
                4.0,
                1.05,
                0.25,
                7,
                {10: 0.8, 8: 0.2},
                {3: 0.55, 4: 0.2, 2: 0.15, 14: 0.1},
                shift_on=date(2025, 1, 1),
                targets_after={19: 0.55, 3: 0.15, 14: 0.2, 2: 0.1},
            ),
            Source(
                "Crescent Youth Wing",
                1.5,
                1.10,
                0.0,
                1,
                {10: 1.0},
                {8: 0.4, 14: 0.3, 15: 0.3},
                attacks={2: 0.6, 8: 0.4},
            ),
            Source("Sahel Shield Front", 3.0, 1.12, 0.30, 3, {11: 1.0}, {4: 0.5, 3: 0.2, 14: 0.3}),
            Source(
                "Eastern Levant Network",
                2.0,
                1.0,
                0.2,
                8,
                {10: 0.85, 8: 0.15},
                {2: 0.4, 7: 0.3, 1: 0.3},
                shift_on=date(2024, 7, 1),
                regions_after={8: 0.7, 10: 0.3},
            ),
            Source("Mountain Valley Front", 2.5, 0.97, 0.4, 6, {6: 1.0}, {3: 0.5, 4: 0.3, 8: 0.2}),
            Source("Archipelago Liberation Army", 1.2, 1.0, 0.0, 1, {5: 1.0}, {18: 0.4, 11: 0.3, 14: 0.3}),
        ),
    )


def months_before(start: date, today: date) -> int:
    """How many whole months from ``start``'s month up to (not including) ``today``'s: the ``months`` of a scenario
    that ends with the last complete month, as a demo loader passes it (this module reads no clock)."""
    return (today.year - start.year) * 12 + today.month - start.month


def held_out_scenarios() -> list[Scenario]:
    """Scenarios the model was NOT tuned on (other seeds, levels, trends and a different shift), for figures that
    do not flatter: the tests report on these separately."""
    base = default_scenario(seed=1001)
    low = Scenario(
        seed=2002,
        start=date(2017, 1, 1),
        months=120,
        dispersion=0.15,
        sources=(
            _background(3, 5.0, 1.12, 0.5, 11),
            _background(10, 20.0, 0.93, 0.25, 4),
            Source(
                "Northern Crescent Brigades",
                6.0,
                1.0,
                0.1,
                2,
                {10: 1.0},
                {4: 0.6, 3: 0.2, 2: 0.2},
                shift_on=date(2025, 6, 1),
                targets_after={21: 0.6, 4: 0.2, 1: 0.2},
            ),
        ),
    )
    return [base, low]


def _pick(rng: np.random.Generator, mix: Mapping[int, float]) -> int:
    codes = list(mix)
    weights = np.array([mix[c] for c in codes], dtype=float)
    return int(codes[int(rng.choice(len(codes), p=weights / weights.sum()))])


def _count(rng: np.random.Generator, mean: float, dispersion: float) -> int:
    """A negative binomial draw with this mean and variance ``mean + dispersion * mean**2`` (a gamma-Poisson
    mixture); Poisson when ``dispersion`` is 0."""
    if mean <= 0:
        return 0
    if dispersion > 0:
        mean = float(rng.gamma(1 / dispersion, mean * dispersion))
    return int(rng.poisson(mean))


_Place = tuple[int, str, str, str, str, float, float]


def _places_by_region() -> dict[int, list[_Place]]:
    by_region: dict[int, list[_Place]] = {}
    for code, iso, country, region, prov, city, lat, lon in CITIES:
        by_region.setdefault(region, []).append((code, iso, country, prov, city, lat, lon))
    return by_region


def generate(scenario: Scenario) -> list[dict[str, Any]]:
    """The incidents of ``scenario`` as rows in the GTD CSV layout (:data:`COLUMNS`), sorted by date; the same
    scenario always gives the same rows."""
    rng = np.random.default_rng(scenario.seed)
    places = _places_by_region()
    rows: list[dict[str, Any]] = []
    for year, month in scenario.month_list():
        days = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
        for source in scenario.sources:
            n = _count(rng, source.rate(scenario.start, year, month), scenario.dispersion)
            for _ in range(n):
                region = _pick(rng, source.mix("region", year, month))
                target = _pick(rng, source.mix("target", year, month))
                attack = _pick(rng, source.attacks)
                weapons = _WEAPONS[attack]
                weapon = weapons[0] if rng.random() < 0.8 or len(weapons) == 1 else weapons[1]
                options = places[region]
                ccode, iso, country, prov, city, lat, lon = options[int(rng.integers(len(options)))]
                day = int(rng.integers(1, days + 1))
                known = source.name != "Unknown"
                killed = int(rng.poisson(1.5 if attack in (2, 3) else 0.4))
                rows.append(
                    {
                        "_date": date(year, month, day),
                        "country": ccode,
                        "_iso": iso,
                        "country_txt": country,
                        "region": region,
                        "region_txt": REGIONS[region],
                        "provstate": prov,
                        "city": city,
                        # within ~10 km of the city, so points do not stack
                        "latitude": round(lat + float(rng.uniform(-0.08, 0.08)), 4),
                        "longitude": round(lon + float(rng.uniform(-0.08, 0.08)), 4),
                        "attacktype1": attack,
                        "attacktype1_txt": ATTACK_TYPES[attack],
                        "weaptype1": weapon,
                        "weaptype1_txt": WEAPON_TYPES[weapon],
                        "targtype1": target,
                        "targtype1_txt": TARGET_TYPES[target],
                        "nkill": killed,
                        "nwound": int(rng.poisson(2.0 * killed + 0.5)),
                        "gname": source.name,
                        "claimed": (1 if rng.random() < 0.6 else 0) if known else 0,
                        "success": 1 if rng.random() < 0.9 else 0,
                        "suicide": 1 if attack == 3 and rng.random() < 0.05 else 0,
                    }
                )
    rows.sort(key=lambda r: (r["_date"], r["region"], r["gname"], r["targtype1"]))
    counts: dict[date, int] = {}
    out = []
    for row in rows:
        d = row.pop("_date")
        row.pop("_iso")
        counts[d] = counts.get(d, 0) + 1
        eventid = f"{d:%Y%m%d}{counts[d]:04d}"  # GTD's own form: date and a sequence number
        what = row["attacktype1_txt"].lower()
        out.append(
            {
                "eventid": eventid,
                "iyear": d.year,
                "imonth": d.month,
                "iday": d.day,
                **row,
                "summary": f"Synthetic incident ({what} in {row['city']}), generated for testing and demonstration.",
                "dbsource": "synthetic",
            }
        )
    return [{column: r[column] for column in COLUMNS} for r in out]


def iso_country(row: Mapping[str, Any]) -> str:
    """The ISO 3166 alpha-2 code of a generated row's country (the GTD layout has only its own numbers)."""
    return next((iso for code, iso, *_rest in CITIES if code == int(row["country"])), "")


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as a GTD-layout CSV (header line first)."""
    out = io.StringIO()
    writer = csv_safe.Writer(out, lineterminator="\n")  # every CSV this node writes goes through the one writer
    writer.writerow(COLUMNS)
    writer.writerows([row.get(c, "") for c in COLUMNS] for row in rows)
    return out.getvalue()
