"""Incidents as the viewer may see them: the list, trends over time and the points of the map.

The bank's access filter is in every statement's WHERE clause (:func:`visible_statement` on :class:`Incident`,
which has the bank's handling columns), so a count, a sum or a dot on the map never includes a row the viewer
may not read. A perpetrator is linked to its bank entity only where the viewer may see that entity
(:func:`visible_entity`); otherwise the incident shows the name as its source wrote it, and nothing more.
Every answer carries the strictest marking of the rows it drew on.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, extract, func, select
from sqlalchemy.orm import Session

from liaison.analysis import gtd
from liaison.bank.access import Viewer
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.marking import Marking, stricter
from liaison.models import BankEntity
from liaison.models.analysis import Incident
from liaison.models.bank import releasable_codes
from liaison.queries.bank_access import entity_or_404, require_reader, visible_entity, visible_statement
from liaison.timeinput import calendar_day

Dimension = Literal["region", "attack-type", "target-type", "group"]
Period = Literal["month", "quarter", "year"]
DIMENSIONS: tuple[str, ...] = ("region", "attack-type", "target-type", "group")
PERIODS: tuple[str, ...] = ("month", "quarter", "year")
TOP_SERIES = 5  # series drawn one by one; the rest are summed as "other"
MAP_LIMIT = 5000  # points on a map: the most recent first
_COLUMN = {"region": Incident.region, "attack-type": Incident.attack_type, "target-type": Incident.target_type}
_TABLE = {"region": gtd.REGIONS, "attack-type": gtd.ATTACK_TYPES, "target-type": gtd.TARGET_TYPES}


@dataclass(frozen=True, slots=True)
class Filters:
    """What the list, the trends and the map are narrowed to (None: any)."""

    start: date | None = None
    end: date | None = None
    region: int | None = None
    country: str | None = None
    attack_type: int | None = None
    target_type: int | None = None
    group: uuid.UUID | None = None

    def check(self) -> Filters:
        """Refuse codes the codebook does not have (an API or CLI filter), so a typo is not an empty answer."""
        for name, value, table in (
            ("region", self.region, gtd.REGIONS),
            ("attack_type", self.attack_type, gtd.ATTACK_TYPES),
            ("target_type", self.target_type, gtd.TARGET_TYPES),
        ):
            if value is not None and value not in table:
                raise InvalidInput(name, _("%(value)s is not a code of the GTD codebook", value=value))
        if self.country is not None and gtd.country_code(self.country) is None:
            raise InvalidInput("country", _("%(value)r is not a country", value=self.country))
        if self.start and self.end and self.start > self.end:
            raise InvalidInput("from", _("the start is after the end"))
        return self

    def where(self, viewer: Viewer) -> list[ColumnElement[bool]]:
        clauses = [visible_statement(viewer, Incident)]
        if self.start:
            clauses.append(Incident.occurred_on >= self.start)
        if self.end:
            clauses.append(Incident.occurred_on <= self.end)
        if self.region is not None:
            clauses.append(Incident.region == self.region)
        if self.country:
            found = gtd.country_code(self.country)
            clauses.append(Incident.country == (found[0] if found else self.country.upper()))
        if self.attack_type is not None:
            clauses.append(Incident.attack_type == self.attack_type)
        if self.target_type is not None:
            clauses.append(Incident.target_type == self.target_type)
        if self.group is not None:
            clauses.append(Incident.group_entity_id == self.group)
        return clauses


def parse_filters(
    *,
    start: str | None = None,
    end: str | None = None,
    region: str | int | None = None,
    country: str | None = None,
    attack_type: str | int | None = None,
    target_type: str | int | None = None,
    group: str | uuid.UUID | None = None,
) -> Filters:
    """Filters as the CLI, API and page receive them (text), checked; empty values are no filter."""

    def code(name: str, value: str | int | None) -> int | None:
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise InvalidInput(name, _("%(value)r is not a code of the GTD codebook", value=value)) from None

    group_id = None
    if group:
        try:
            group_id = group if isinstance(group, uuid.UUID) else uuid.UUID(str(group))
        except ValueError:
            raise InvalidInput("group", _("%(value)r is not an entity id", value=group)) from None
    return Filters(
        start=calendar_day(start, "from") if start else None,
        end=calendar_day(end, "to") if end else None,
        region=code("region", region),
        country=country.strip() or None if country else None,
        attack_type=code("attack_type", attack_type),
        target_type=code("target_type", target_type),
        group=group_id,
    ).check()


def _allowed(session: Session, viewer: Viewer, filters: Filters) -> Filters:
    """The filters, once the viewer is known to read the bank and to see the group filtered on: filtering on a
    group the viewer may not see would tell which incidents are linked to it (a 404, as for any hidden entity)."""
    require_reader(viewer)
    if filters.group is not None:
        entity_or_404(session, viewer, filters.group)
    return filters


def _marking(session: Session, viewer: Viewer, filters: Filters) -> tuple[Marking | None, bool]:
    """The strictest marking of the rows the filters select, and whether any of them is synthetic."""
    rows = session.execute(
        select(Incident.tlp, Incident.originator_control, Incident.purpose, Incident.releasable_to, Incident.synthetic)
        .where(*filters.where(viewer))
        .distinct()
    ).all()
    found: Marking | None = None
    synthetic = False
    for tlp, oc, purpose, rel, synth in sorted(rows, key=lambda r: (r[0], r[1], r[2], r[3], r[4])):
        m = Marking(tlp, oc, purpose, releasable_codes(rel))
        found = m if found is None else stricter(found, m)
        synthetic = synthetic or synth
    return found, synthetic


def visible_groups(session: Session, viewer: Viewer, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The group entities among ``ids`` that the viewer may see."""
    wanted = sorted(ids)
    seen: set[uuid.UUID] = set()
    for start in range(0, len(wanted), 500):
        seen.update(
            session.scalars(
                select(BankEntity.id).where(BankEntity.id.in_(wanted[start : start + 500]), visible_entity(viewer))
            )
        )
    return seen


def incident_dict(incident: Incident, group_visible: bool) -> dict[str, Any]:
    """One incident as the CLI, API and page show it (the group's id only where the viewer may see it)."""
    return {
        "id": str(incident.id),
        "eventid": incident.event_key,
        "date": incident.occurred_on.isoformat(),
        "date_precision": incident.date_precision,
        "country": incident.country,
        "country_name": gtd.country_name(incident.country),
        "region": incident.region,
        "region_label": gtd.label(gtd.REGIONS, incident.region),
        "province": incident.province,
        "city": incident.city,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "attack_type": incident.attack_type,
        "attack_type_label": gtd.label(gtd.ATTACK_TYPES, incident.attack_type),
        "weapon_type": incident.weapon_type,
        "weapon_type_label": gtd.label(gtd.WEAPON_TYPES, incident.weapon_type),
        "target_type": incident.target_type,
        "target_type_label": gtd.label(gtd.TARGET_TYPES, incident.target_type),
        "killed": incident.killed,
        "wounded": incident.wounded,
        "group_name": incident.group_name,
        "group_id": str(incident.group_entity_id) if group_visible and incident.group_entity_id else None,
        "claimed": incident.claimed,
        "success": incident.success,
        "suicide": incident.suicide,
        "summary": incident.summary,
        "source": incident.source,
        "grade": incident.grade,
        "marking": incident.marking.label,
        "synthetic": incident.synthetic,
    }


@dataclass
class IncidentPage:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    marking: Marking | None
    synthetic: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "marking": self.marking.label if self.marking else None,
            "synthetic": self.synthetic,
        }


def list_incidents(
    session: Session, viewer: Viewer, filters: Filters, *, page: int = 1, per_page: int = 50
) -> IncidentPage:
    """One page of the incidents the viewer may see, newest first (ties by eventid)."""
    filters = _allowed(session, viewer, filters)
    page, per_page = max(1, page), min(max(1, per_page), 500)
    where = filters.where(viewer)
    total = session.scalar(select(func.count()).select_from(Incident).where(*where)) or 0
    found = list(
        session.scalars(
            select(Incident)
            .where(*where)
            .order_by(Incident.occurred_on.desc(), Incident.event_key)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    groups = visible_groups(session, viewer, {i.group_entity_id for i in found if i.group_entity_id})
    marking, synthetic = _marking(session, viewer, filters) if total else (None, False)
    items = [incident_dict(i, i.group_entity_id in groups) for i in found]
    return IncidentPage(items, total, page, per_page, marking, synthetic)


# -- trends ---------------------------------------------------------------------------------------------------


@dataclass
class Series:
    key: str
    label: str
    counts: list[int]
    killed: list[int]
    wounded: list[int]
    group_id: str | None = None  # for a group the viewer may see

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Trend:
    by: str
    period: str
    labels: list[str]
    series: list[Series]
    marking: Marking | None
    synthetic: bool
    totals: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "period": self.period,
            "periods": self.labels,
            "totals": self.totals,
            "series": [
                {
                    "key": s.key,
                    "label": s.label,
                    "group_id": s.group_id,
                    "total": s.total,
                    "counts": s.counts,
                    "killed": s.killed,
                    "wounded": s.wounded,
                }
                for s in self.series
            ],
            "marking": self.marking.label if self.marking else None,
            "synthetic": self.synthetic,
        }


def period_of(year: int, month: int, period: str) -> tuple[int, int]:
    """The (year, index) a month falls in: the month itself, its quarter (1-4), or the year (index 0)."""
    return (year, month) if period == "month" else (year, (month - 1) // 3 + 1) if period == "quarter" else (year, 0)


def period_label(key: tuple[int, int], period: str) -> str:
    year, index = key
    return f"{year}-{index:02d}" if period == "month" else f"{year} Q{index}" if period == "quarter" else str(year)


def _next(key: tuple[int, int], period: str) -> tuple[int, int]:
    year, index = key
    last = {"month": 12, "quarter": 4}.get(period, 0)
    if index >= last:
        return year + 1, 1 if last else 0
    return year, index + 1


def trends(
    session: Session,
    viewer: Viewer,
    by: str,
    period: str = "year",
    filters: Filters | None = None,
    *,
    top: int = TOP_SERIES,
) -> Trend:
    """Incident counts, killed and wounded per period, one series per region, attack type, target type or group
    (the ``top`` largest by count; the rest summed as one "other" series). Periods with no incident count 0."""
    filters = _allowed(session, viewer, filters or Filters())
    if by not in DIMENSIONS:
        raise InvalidInput("by", _("%(value)r: choose from %(choices)s", value=by, choices=", ".join(DIMENSIONS)))
    if period not in PERIODS:
        raise InvalidInput("period", _("%(value)r: choose from %(choices)s", value=period, choices=", ".join(PERIODS)))
    if by == "group":
        dims: list[Any] = [Incident.group_name, Incident.group_entity_id]
    else:
        dims = [_COLUMN[by]]
    year, month = extract("year", Incident.occurred_on), extract("month", Incident.occurred_on)
    stmt: Select[Any] = (
        select(
            year,
            month,
            *dims,
            func.count(),
            func.coalesce(func.sum(Incident.killed), 0),
            func.coalesce(func.sum(Incident.wounded), 0),
        )
        .where(*filters.where(viewer))
        .group_by(year, month, *dims)
    )
    cells: dict[str, dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    names: dict[str, str] = {}
    group_ids: dict[str, set[uuid.UUID]] = defaultdict(set)
    for row in session.execute(stmt):
        y, m, *values = row
        if by == "group":
            name, entity, count, killed, wounded = values
            key = (name or "").strip() or "Unknown"
            if entity is not None:
                group_ids[key].add(entity)
            names[key] = key
        else:
            code, count, killed, wounded = values
            key = str(code)
            names[key] = gtd.label(_TABLE[by], code)
        cell = cells[key][period_of(int(y), int(m), period)]
        cell[0] += int(count)
        cell[1] += int(killed)
        cell[2] += int(wounded)
    if not cells:
        return Trend(by, period, [], [], None, False)
    keys = sorted({k for per in cells.values() for k in per})
    labels_keys = [keys[0]]
    while labels_keys[-1] < keys[-1]:
        labels_keys.append(_next(labels_keys[-1], period))
    order = sorted(cells, key=lambda k: (-sum(c[0] for c in cells[k].values()), names[k], k))
    shown, rest = order[:top], order[top:]

    def series(key: str, label: str, parts: list[str]) -> Series:
        rows = [[sum(cells[p][k][i] for p in parts if k in cells[p]) for i in range(3)] for k in labels_keys]
        return Series(key, label, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    out = [series(k, names[k], [k]) for k in shown]
    if rest:
        out.append(series("other", _("Other (%(num)s)", num=len(rest)), rest))
    if by == "group":
        single = {k: next(iter(ids)) for k, ids in group_ids.items() if len(ids) == 1 and k in shown}
        seen = visible_groups(session, viewer, set(single.values()))
        for s in out:
            if s.key in single and single[s.key] in seen:
                s.group_id = str(single[s.key])
    totals = [sum(s.counts[i] for s in out) for i in range(len(labels_keys))]
    marking, synthetic = _marking(session, viewer, filters)
    return Trend(by, period, [period_label(k, period) for k in labels_keys], out, marking, synthetic, totals)


# -- the map --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapPoint:
    latitude: float
    longitude: float
    killed: int
    wounded: int
    attack_type: int
    occurred_on: date
    place: str
    group_name: str


@dataclass
class MapData:
    points: list[MapPoint]
    total: int  # incidents with coordinates the filters select (the map draws at most MAP_LIMIT)
    marking: Marking | None
    synthetic: bool


def map_points(session: Session, viewer: Viewer, filters: Filters | None = None, *, limit: int = MAP_LIMIT) -> MapData:
    """The incidents with coordinates, most recent first, for the map."""
    filters = _allowed(session, viewer, filters or Filters())
    where = [*filters.where(viewer), and_(Incident.latitude.is_not(None), Incident.longitude.is_not(None))]
    total = session.scalar(select(func.count()).select_from(Incident).where(*where)) or 0
    rows = session.execute(
        select(
            Incident.latitude,
            Incident.longitude,
            Incident.killed,
            Incident.wounded,
            Incident.attack_type,
            Incident.occurred_on,
            Incident.city,
            Incident.country,
            Incident.group_name,
        )
        .where(*where)
        .order_by(Incident.occurred_on.desc(), Incident.event_key)
        .limit(limit)
    )
    points = [
        MapPoint(
            float(lat or 0.0),  # never None: the query keeps rows with coordinates
            float(lon or 0.0),
            int(killed or 0),
            int(wounded or 0),
            int(attack),
            when,
            ", ".join(p for p in (city, gtd.country_name(country)) if p),
            gname or "",
        )
        for lat, lon, killed, wounded, attack, when, city, country, gname in rows
    ]
    marking, synthetic = _marking(session, viewer, filters) if total else (None, False)
    return MapData(points, total, marking, synthetic)
