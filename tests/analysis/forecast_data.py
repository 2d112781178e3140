"""Synthetic incidents (liaison.analysis.synthetic) written straight into the incidents table for the forecast's
query, page, API and CLI tests (the import action is another part's; these tests are about reading)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from liaison.analysis import synthetic as S
from liaison.models.analysis import Incident


def small_scenario(seed: int = 13) -> S.Scenario:
    """Five years of the default world, thinned: enough for a backtest, quick to insert."""
    full = S.default_scenario(seed=seed, start=date(2021, 1, 1), months=72)
    return S.Scenario(seed=seed, start=full.start, months=full.months, sources=full.sources, dispersion=0.05)


def insert(session: Session, rows: list[dict[str, Any]], *, tlp: str = "GREEN", releasable_to: str = "") -> int:
    session.add_all(
        Incident(
            event_key=f"{r['eventid']}{tlp[0]}",
            occurred_on=date(r["iyear"], r["imonth"], r["iday"]),
            country=S.iso_country(r),
            region=r["region"],
            province=r["provstate"],
            city=r["city"],
            latitude=r["latitude"],
            longitude=r["longitude"],
            attack_type=r["attacktype1"],
            weapon_type=r["weaptype1"],
            target_type=r["targtype1"],
            killed=r["nkill"],
            wounded=r["nwound"],
            group_name=r["gname"],
            claimed=bool(r["claimed"]),
            success=bool(r["success"]),
            suicide=bool(r["suicide"]),
            summary=r["summary"],
            source="synthetic test data",
            reliability="B",
            credibility="2",
            tlp=tlp,
            releasable_to=releasable_to,
            synthetic=True,
            created_by_name="tests",
        )
        for r in rows
    )
    session.flush()
    return len(rows)


def load(sessions: Any, seed: int = 13) -> list[dict[str, Any]]:
    """Insert the small scenario: most rows TLP:GREEN, the Eastern Levant Network's TLP:AMBER for DE only (so
    the French analyst's forecast rests on fewer rows than the German's)."""
    rows = S.generate(small_scenario(seed))
    hidden = [r for r in rows if r["gname"] == "Eastern Levant Network"]
    open_rows = [r for r in rows if r["gname"] != "Eastern Levant Network"]
    with sessions.begin() as s:
        insert(s, open_rows)
        insert(s, hidden, tlp="AMBER", releasable_to=",DE,")
    return rows
