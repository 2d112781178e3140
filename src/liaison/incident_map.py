"""The incident map: incidents drawn on a bundled world outline as server-rendered SVG (pure: no web, no db).

The outline is Natural Earth's 1:110m countries (public domain), converted once by ``scripts/world_outline.py``
into ``liaison/data/world-110m.json``: paths already in an equirectangular projection (x = longitude + 180,
y = 90 - latitude, in degrees), so drawing is a scale and a shift, and no tiles are fetched from anywhere.
Antarctica's latitudes (south of 60°S) are cut off; no incident happens there.

Each incident is a mark sized by its casualties (killed and wounded: area grows with the number, so a large
attack does not hide a region) and told apart by attack type with colour *and* shape, for colour-blind readers
and black-and-white printouts. Each mark has a ``<title>`` (date, place, attack type, casualties, group). The
SVG follows :mod:`liaison.charts`' rules: presentation attributes only (no ``style=``, no script), ``role="img"``
with a title and a spoken summary, every text escaped.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Protocol

from liaison.analysis import gtd
from liaison.charts import PALETTE, Svg, _open, _text, fmt
from liaison.data import WORLD_110M
from liaison.i18n import _, ngettext

SCALE = 2.0  # SVG units per degree: 720 wide, about the width of the charts, so their text reads the same size
NORTH, SOUTH = 84.0, -60.0  # latitudes shown
WIDTH = int(360 * SCALE)
MAP_HEIGHT = int((NORTH - SOUTH) * SCALE)
TOP = 28  # room for the title
SHAPES = ("circle", "square", "triangle")
LAND, BORDER = "#d9d9d9", "#ffffff"


class Point(Protocol):
    """What the map needs of an incident (:class:`liaison.queries.incidents.MapPoint` has it)."""

    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def killed(self) -> int: ...
    @property
    def wounded(self) -> int: ...
    @property
    def attack_type(self) -> int: ...
    @property
    def occurred_on(self) -> date: ...
    @property
    def place(self) -> str: ...
    @property
    def group_name(self) -> str: ...


@cache
def outline() -> tuple[str, ...]:
    """The countries' paths (equirectangular degrees), read once."""
    data = json.loads(WORLD_110M.read_text(encoding="utf-8"))
    return tuple(c["d"] for c in data["countries"])


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """A point's position on the map (SVG units)."""
    return (longitude + 180) * SCALE, TOP + (NORTH - latitude) * SCALE


def style_of(attack_type: int) -> tuple[str, str]:
    """The colour and shape of an attack type: three colours by three shapes for the nine codebook types."""
    index = max(0, attack_type - 1)
    return PALETTE[index % 3], SHAPES[(index // 3) % 3]


def radius(casualties: int) -> float:
    """The mark's radius: area in proportion to the casualties, from 2.5 units (none) to 14."""
    return min(14.0, 2.5 + 1.2 * math.sqrt(max(0, casualties)))


def _mark(x: float, y: float, r: float, colour: str, shape: str, title: str) -> str:
    common = f'fill="{colour}" fill-opacity="0.55" stroke="{colour}" stroke-width="1"'
    inner = f"<title>{_text(title)}</title>"
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}>{inner}</circle>'
    if shape == "square":
        side = r * 1.77  # the same area as the circle
        return (
            f'<rect x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" height="{side:.1f}" {common}>'
            f"{inner}</rect>"
        )
    h = r * 1.5
    points = f"{x:.1f},{y - h:.1f} {x - h * 0.87:.1f},{y + h / 2:.1f} {x + h * 0.87:.1f},{y + h / 2:.1f}"
    return f'<polygon points="{points}" {common}>{inner}</polygon>'


def describe(point: Point) -> str:
    """The words of a mark's tooltip."""
    words = _(
        "%(date)s, %(place)s: %(attack)s, %(killed)s killed, %(wounded)s wounded",
        date=point.occurred_on.isoformat(),
        place=point.place or "?",
        attack=gtd.label(gtd.ATTACK_TYPES, point.attack_type),
        killed=fmt(point.killed),
        wounded=fmt(point.wounded),
    )
    return f"{words} ({point.group_name})" if point.group_name else words


def incident_map(title: str, points: Sequence[Point], *, total: int | None = None) -> Svg:
    """The map of ``points`` (``total``: how many the filters selected, when the map draws fewer)."""
    total = len(points) if total is None else total
    shown = [p for p in points if SOUTH <= p.latitude <= NORTH and -180 <= p.longitude <= 180]
    types = sorted({p.attack_type for p in shown})
    summary = ngettext(
        "%(title)s. %(num)d incident drawn on a world map",
        "%(title)s. %(num)d incidents drawn on a world map",
        len(shown),
        title=title,
    )
    if total > len(shown):
        summary += " " + _("(the most recent of %(total)s)", total=fmt(total))
    summary += ". " + _("Size: casualties; colour and shape: attack type.")
    legend_rows = math.ceil(len(types) / 3) if types else 0
    height = TOP + MAP_HEIGHT + 12 + 20 * legend_rows + (18 if shown else 0)
    clip = "map-clip-" + hashlib.sha256(f"{title}\0{summary}".encode()).hexdigest()[:12]
    parts = [
        f'<rect class="map-sea" x="0" y="{TOP}" width="{WIDTH}" height="{MAP_HEIGHT}" fill="#eef4fa"/>',
        f'<clipPath id="{clip}"><rect x="0" y="{TOP}" width="{WIDTH}" height="{MAP_HEIGHT}"/></clipPath>',
        f'<g clip-path="url(#{clip})"><g class="map-land" transform="translate(0 {TOP - (90 - NORTH) * SCALE:.1f})'
        f' scale({SCALE})" fill="{LAND}" stroke="{BORDER}" stroke-width="0.2">',
        *(f'<path d="{d}"/>' for d in outline()),
        "</g></g>",
    ]
    # Big marks first, so a small one on top of a big one stays visible and clickable; ties in a stable order.
    ordered = sorted(
        shown,
        key=lambda p: (-(p.killed + p.wounded), p.occurred_on, p.latitude, p.longitude, p.attack_type, p.place),
    )
    parts.append('<g class="map-incidents">')
    for p in ordered:
        x, y = project(p.latitude, p.longitude)
        colour, shape = style_of(p.attack_type)
        parts.append(_mark(x, y, radius(p.killed + p.wounded), colour, shape, describe(p)))
    parts.append("</g>")
    if not shown:
        empty = _text(_("No incident with coordinates"))
        parts.append(
            f'<text class="chart-empty" x="{WIDTH / 2:.0f}" y="{TOP + MAP_HEIGHT / 2:.0f}" text-anchor="middle"'
            f' fill="currentColor">{empty}</text>'
        )
    else:
        y0 = TOP + MAP_HEIGHT + 20
        note = _text(_("Size: killed and wounded. Colour and shape: attack type."))
        parts.append(f'<text class="map-note" x="8" y="{y0}" fill="currentColor">{note}</text>')
        for n, code in enumerate(types):
            colour, shape = style_of(code)
            x, y = 16 + (n % 3) * (WIDTH / 3), y0 + 18 + 20 * (n // 3)
            parts.append(
                '<g class="map-legend">'
                + _mark(x, y - 4, 5, colour, shape, gtd.label(gtd.ATTACK_TYPES, code))
                + f'<text x="{x + 12:.0f}" y="{y:.0f}" fill="currentColor">'
                f"{_text(gtd.label(gtd.ATTACK_TYPES, code))}</text></g>"
            )
    return Svg(_open("map", title, WIDTH, height, summary) + "".join(parts) + "</svg>")
