"""Incident CSV rows for the tests: a valid GTD-layout row, and files made of rows."""

from __future__ import annotations

from typing import Any

HEADER = (
    "eventid,iyear,imonth,iday,country,country_txt,region,region_txt,provstate,city,latitude,longitude,"
    "attacktype1,attacktype1_txt,weaptype1,weaptype1_txt,targtype1,targtype1_txt,nkill,nwound,gname,claimed,"
    "success,suicide,summary,scite1,tlp,releasable_to"
)
COLUMNS = HEADER.split(",")


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "eventid": "201501010001",
        "iyear": 2015,
        "imonth": 1,
        "iday": 1,
        "country": 95,
        "country_txt": "Iraq",
        "region": 10,
        "region_txt": "Middle East & North Africa",
        "provstate": "Baghdad",
        "city": "Baghdad",
        "latitude": 33.3,
        "longitude": 44.4,
        "attacktype1": 3,
        "attacktype1_txt": "Bombing/Explosion",
        "weaptype1": 6,
        "weaptype1_txt": "Explosives",
        "targtype1": 14,
        "targtype1_txt": "Private Citizens & Property",
        "nkill": 4,
        "nwound": 10,
        "gname": "Unknown",
        "claimed": 0,
        "success": 1,
        "suicide": 0,
        "summary": "A car bomb in a market.",
        "scite1": "Test source",
        "tlp": "",
        "releasable_to": "",
    }
    return base | changes


def csv_text(*rows: dict[str, Any]) -> str:
    lines = [HEADER]
    for r in rows:
        cells = []
        for c in COLUMNS:
            text = str(r[c])
            cells.append('"' + text.replace('"', '""') + '"' if any(x in text for x in ',"\n') else text)
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"
