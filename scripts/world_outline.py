"""Convert Natural Earth's 1:110m countries (TopoJSON from the npm package world-atlas, countries-110m.json) into
src/liaison/data/world-110m.json: one SVG path per country in equirectangular coordinates (x = longitude + 180,
y = 90 - latitude, in degrees rounded to 0.1), ready for liaison.incident_map to draw without any geometry
library. Natural Earth is in the public domain. Run once after `npm install`:

    python scripts/world_outline.py node_modules/world-atlas/countries-110m.json src/liaison/data/world-110m.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(r: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Russia's Chukotka, Fiji) made continuous, plus a copy 360 degrees
    over, so each side of the map draws its half instead of a stripe across the world (the map clips both)."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(r, r[1:], strict=False)):
        return [r]
    out = [r[0]]
    for lon, lat in r[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        out.append((lon, lat))
    shift = 360 if min(p[0] for p in out) < -180 else -360
    return [out, [(lon + shift, lat) for lon, lat in out]]


def path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for r in (piece for whole in rings for piece in unwrap(whole)):
        cells: list[str] = []
        last = None
        for lon, lat in r:
            cell = f"{lon + 180:.1f} {90 - lat:.1f}".replace(".0 ", " ").removesuffix(".0")
            if cell != last:
                cells.append(cell)
                last = cell
        if len(cells) >= 3:
            parts.append("M" + "L".join(cells) + "Z")
    return "".join(parts)


def main(source: str, target: str) -> None:
    topo = json.loads(Path(source).read_text())
    arcs = decode_arcs(topo)
    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [ring(arcs, r) for polygon in polygons for r in polygon]
        d = path(rings)
        if d:
            countries.append({"id": geometry.get("id", ""), "name": geometry["properties"]["name"], "d": d})
    countries.sort(key=lambda c: (c["name"], c["id"]))
    out = {
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via world-atlas 2.0.2 countries-110m.json",
        "projection": "equirectangular: x = longitude + 180, y = 90 - latitude (degrees)",
        "countries": countries,
    }
    Path(target).write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
