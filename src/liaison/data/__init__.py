"""Public data the product ships with, read from the installed package (never from outside the repository).

``un-sc-consolidated-2017-07-03.xml`` is the United Nations Security Council Consolidated List as generated on
3 July 2017 (``dateGenerated="2017-07-03T20:27:45.483-04:00"``), a public document published by the Security
Council's sanctions committees (https://scsanctions.un.org/). It is the only real personal data Liaison uses: the
demo imports it into the bank, and the tests and benchmarks screen against it. It is kept unchanged.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
UN_LIST_2017 = HERE / "un-sc-consolidated-2017-07-03.xml"
WORLD_110M = HERE / "world-110m.json"
"""Natural Earth's 1:110m countries (public domain: https://www.naturalearthdata.com/about/terms-of-use/), as
equirectangular SVG paths made by ``scripts/world_outline.py`` from the npm package world-atlas 2.0.2; the
incident map's outline (:mod:`liaison.incident_map`)."""
