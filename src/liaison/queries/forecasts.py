"""Backtested forecasts over the incidents a viewer may see: monthly counts by region, target type or group, and a
group's likely next target types and regions (the maths is :mod:`liaison.analysis.forecast`).

The access filter is in the SQL (:func:`liaison.queries.bank_access.visible_statement` on the incidents' handling
columns), so a forecast never rests on a row the viewer may not read; its marking is the strictest of the rows it
used, and it says when they are synthetic. The work is bounded: at most :data:`MAX_SERIES` series (the largest
first) and the last :data:`MAX_MONTHS` months, with a note saying so.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from liaison.analysis import forecast as model
from liaison.analysis.gtd import REGIONS, TARGET_TYPES
from liaison.analysis.gtd import label as gtd_label
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.marking import Marking, stricter
from liaison.models.analysis import Incident
from liaison.models.bank import releasable_codes
from liaison.principal import Principal
from liaison.queries.bank_access import require_reader, viewer_for, visible_statement

BY = ("region", "target-type", "group")
MAX_SERIES = 24
MAX_MONTHS = 180
MAX_HORIZON = 6
BACKTEST_ORIGINS = 24


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _key_column(by: str) -> Any:
    return {"region": Incident.region, "target-type": Incident.target_type, "group": Incident.group_name}[by]


def label(by: str, key: Any) -> str:
    """A series' name as people read it: the codebook's name of a region or target type, a group's name."""
    if by == "region":
        return gtd_label(REGIONS, int(key))
    if by == "target-type":
        return gtd_label(TARGET_TYPES, int(key))
    return str(key)


def _group_filter(
    session: Session, visible: ColumnElement[bool], group: str | None
) -> tuple[ColumnElement[bool] | None, str]:
    """The incidents of ``group``: a bank entity id (incidents linked to it) or, for incidents not linked to the
    bank, the perpetrator's name as the source wrote it (gname). The group's name is read from an incident the
    viewer may see (``visible``), never from another."""
    if not group:
        return None, ""
    try:
        ident = uuid.UUID(group)
    except ValueError:
        return Incident.group_name == group, group
    name = session.scalar(
        select(Incident.group_name)
        .where(Incident.group_entity_id == ident, visible)
        .order_by(Incident.occurred_on.desc())
        .limit(1)
    )
    return Incident.group_entity_id == ident, name or group


def _marking_and_synthetic(session: Session, where: list[Any]) -> tuple[Marking | None, bool, bool]:
    """The strictest marking of the rows used, whether any and whether all of them are synthetic."""
    rows = session.execute(
        select(Incident.tlp, Incident.originator_control, Incident.purpose, Incident.releasable_to, Incident.synthetic)
        .where(*where)
        .distinct()
    ).all()
    marking: Marking | None = None
    for tlp, oc, purpose, rel, _synthetic in rows:
        m = Marking(tlp, oc, purpose, releasable_codes(rel))
        marking = m if marking is None else stricter(marking, m)
    flags = {bool(r[4]) for r in rows}
    return marking, True in flags, flags == {True}


def forecast(
    session: Session, actor: Principal, *, by: str = "region", group: str | None = None, horizon: int = 1
) -> dict[str, Any]:
    """:func:`forecast_marked` without the Marking object (its label is in the JSON)."""
    return forecast_marked(session, actor, by=by, group=group, horizon=horizon)[0]


def forecast_marked(
    session: Session, actor: Principal, *, by: str = "region", group: str | None = None, horizon: int = 1
) -> tuple[dict[str, Any], Marking]:
    """Forecasts, intervals and backtests for every series of ``by`` (``region``, ``target-type`` or ``group``),
    over the incidents ``actor`` may see; with ``group`` (a bank entity id or a group's name), that group's monthly
    count and its likely next target types and regions instead. Also returns the marking of the rows used
    (TLP:CLEAR when there were none)."""
    if by not in BY:
        raise InvalidInput("by", _("choose region, target-type or group"))
    if group is not None and (len(group) > 300 or any(ord(ch) < 32 or ord(ch) == 127 for ch in group)):
        raise InvalidInput("group", _("a group is its bank id or its name (at most 300 characters, no control codes)"))
    if not 1 <= horizon <= MAX_HORIZON:
        raise InvalidInput("horizon", _("the horizon is 1 to %(n)s months", n=MAX_HORIZON))
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    where: list[Any] = [visible_statement(viewer, Incident)]
    group_where, group_name = _group_filter(session, where[0], group)
    if group_where is not None:
        where.append(group_where)
    elif by == "group":
        where += [Incident.group_name != "", Incident.group_name != "Unknown"]
    first_day, last_day = session.execute(
        select(func.min(Incident.occurred_on), func.max(Incident.occurred_on)).where(*where)
    ).one()
    notes: list[str] = []
    result: dict[str, Any] = {"by": "group" if group else by, "group": group_name or None, "horizon": horizon}
    found, any_synthetic, all_synthetic = _marking_and_synthetic(session, where)
    marking = found or Marking("CLEAR")
    result |= {
        "marking": found.label if found else None,
        "synthetic": any_synthetic,
        "all_synthetic": all_synthetic,
        "model": model.CountModel().describe(),
        "baseline": "seasonal-naive",
        "series": [],
        "notes": notes,
    }
    if first_day is None:
        notes.append(_("No incidents you may see."))
        return result, Marking("CLEAR")
    start, end = _month(first_day), _month(last_day)
    if end - start + 1 > MAX_MONTHS:
        start = end - MAX_MONTHS + 1
        notes.append(_("History cut to the last %(n)s months.", n=MAX_MONTHS))
        where.append(Incident.occurred_on >= date(start // 12, start % 12 + 1, 1))
    n_months = end - start + 1
    first = (start // 12, start % 12 + 1)
    if group:
        return result | _group_forecast(session, where, group_name, start, n_months, first, horizon), marking
    key = _key_column(by)
    daily = session.execute(
        select(Incident.occurred_on, key, func.count()).where(*where).group_by(Incident.occurred_on, key)
    ).all()
    counts: dict[Any, list[int]] = {}
    for day, k, n in daily:
        counts.setdefault(k, [0] * n_months)[_month(day) - start] += n
    ranked = sorted(counts, key=lambda k: (-sum(counts[k]), str(k)))
    if len(ranked) > MAX_SERIES:
        notes.append(_("Showing the %(n)s largest of %(total)s series.", n=MAX_SERIES, total=len(ranked)))
        ranked = ranked[:MAX_SERIES]
    for k in ranked:
        one = model.forecast_counts(label(by, k), counts[k], first, horizon=horizon, origins=BACKTEST_ORIGINS).as_dict()
        result["series"].append({"key": str(k), **one})
    return result, marking


def _group_forecast(
    session: Session, where: list[Any], name: str, start: int, n_months: int, first: tuple[int, int], horizon: int
) -> dict[str, Any]:
    # counted in the database by day, target type and region: the work does not grow with the number of incidents
    rows = session.execute(
        select(Incident.occurred_on, Incident.target_type, Incident.region, func.count())
        .where(*where)
        .group_by(Incident.occurred_on, Incident.target_type, Incident.region)
    ).all()
    monthly: Counter[int] = Counter()
    targets: Counter[tuple[int, int]] = Counter()
    regions: Counter[tuple[int, int]] = Counter()
    for day, target, region, n in rows:
        t = _month(day) - start
        monthly[t] += n
        targets[t, int(target)] += n
        regions[t, int(region)] += n
    y = [monthly.get(i, 0) for i in range(n_months)]
    series = model.forecast_counts(name, y, first, horizon=horizon, origins=BACKTEST_ORIGINS).as_dict()
    nxt = []
    for dimension, counted, codes, names in (
        ("target-type", targets, range(1, 23), TARGET_TYPES),
        ("region", regions, range(1, 13), REGIONS),
    ):
        events = [(t, code, n) for (t, code), n in sorted(counted.items())]
        found = model.forecast_categories(dimension, events, n_months, first, list(codes)).as_dict()
        for row in found["categories"]:
            row["label"] = gtd_label(names, row["code"])
        nxt.append(found)
    return {"series": [{"key": name, **series}], "next": nxt, "group_model": nxt[0]["model"]["name"]}
