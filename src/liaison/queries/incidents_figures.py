"""The incident pictures a briefing (and the incidents page) can show: ``trends:DIMENSION[,GROUP]`` (counts over
time by region, attack-type, target-type or group, a line chart), ``breakdown:DIMENSION[,GROUP]`` (the totals, a
bar chart) and ``map[:GROUP]`` (the incident map). Each is built as the viewer, through the access-filtered
queries of :mod:`liaison.queries.incidents`, and marked as the strictest of the incidents it counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison import charts
from liaison.bank.access import Viewer
from liaison.errors import InvalidInput
from liaison.i18n import _, lazy_gettext
from liaison.incident_map import incident_map
from liaison.marking import Marking
from liaison.principal import Principal
from liaison.queries import incidents as q
from liaison.queries.bank_access import viewer_for
from liaison.queries.figures import Figure, Table, register

DIMENSION_TITLES: dict[str, Any] = {
    "region": lazy_gettext("Incidents by region"),
    "attack-type": lazy_gettext("Incidents by attack type"),
    "target-type": lazy_gettext("Incidents by target type"),
    "group": lazy_gettext("Incidents by group"),
}
BREAKDOWN_TITLES: dict[str, Any] = {
    "region": lazy_gettext("Incidents per region, in total"),
    "attack-type": lazy_gettext("Incidents per attack type, in total"),
    "target-type": lazy_gettext("Incidents per target type, in total"),
    "group": lazy_gettext("Incidents per group, in total"),
}
NO_ROWS = Marking("CLEAR")  # a picture of nothing holds nothing to protect


def synthetic_note() -> str:
    return _("Synthetic data: generated for the demo and the tests, not real incidents.")


def _argument(argument: str) -> tuple[str, q.Filters]:
    by, _sep, group = argument.partition(",")
    by = by.strip() or "region"
    if by not in q.DIMENSIONS:
        raise InvalidInput(
            "include", _("%(value)r: choose from %(choices)s", value=by, choices=", ".join(q.DIMENSIONS))
        )
    return by, q.parse_filters(group=group.strip() or None)


def _key(kind: str, by: str | None, filters: q.Filters) -> str:
    arg = ",".join(p for p in (by, str(filters.group) if filters.group else None) if p)
    return f"{kind}:{arg}" if arg else kind


def trend_figure(session: Session, viewer: Viewer, by: str, period: str, filters: q.Filters) -> Figure:
    """Incident counts per period, one line per series."""
    trend = q.trends(session, viewer, by, period, filters)
    title = str(DIMENSION_TITLES[by])
    svg = charts.line_chart(
        title, trend.labels, [(s.label, list(map(float, s.counts))) for s in trend.series], y_label=_("Incidents")
    )
    table = Table(
        [_("Period"), *(s.label for s in trend.series)],
        [[label, *(str(s.counts[i]) for s in trend.series)] for i, label in enumerate(trend.labels)],
    )
    notes = [synthetic_note()] if trend.synthetic else []
    return Figure(_key("trends", by, filters), title, trend.marking or NO_ROWS, svg, table, notes)


def breakdown_figure(session: Session, viewer: Viewer, by: str, filters: q.Filters) -> Figure:
    """The totals of each series (incidents, killed, wounded) as bars."""
    trend = q.trends(session, viewer, by, "year", filters, top=12)
    title = str(BREAKDOWN_TITLES[by])
    svg = charts.bar_chart(title, [(s.label, float(s.total)) for s in trend.series], x_label=_("Incidents"))
    table = Table(
        [_("Series"), _("Incidents"), _("Killed"), _("Wounded")],
        [[s.label, str(s.total), str(sum(s.killed)), str(sum(s.wounded))] for s in trend.series],
    )
    notes = [synthetic_note()] if trend.synthetic else []
    return Figure(_key("breakdown", by, filters), title, trend.marking or NO_ROWS, svg, table, notes)


def map_figure(session: Session, viewer: Viewer, filters: q.Filters) -> Figure:
    """The incident map (the most recent incidents with coordinates)."""
    data = q.map_points(session, viewer, filters)
    title = _("Incident map")
    svg = incident_map(title, data.points, total=data.total)
    notes = [synthetic_note()] if data.synthetic else []
    if data.total > len(data.points):
        notes.append(_("The %(shown)s most recent of %(total)s incidents.", shown=len(data.points), total=data.total))
    table = Table(
        [_("Date"), _("Place"), _("Killed"), _("Wounded"), _("Group")],
        [[p.occurred_on.isoformat(), p.place, str(p.killed), str(p.wounded), p.group_name] for p in data.points[:50]],
    )
    key = f"map:{filters.group}" if filters.group else "map"
    return Figure(key, title, data.marking or NO_ROWS, svg, table, notes)


@register("trends", lazy_gettext("Incident trends (trends:region|attack-type|target-type|group[,GROUP ID])"))
def _trends(session: Session, actor: Principal, argument: str) -> Figure:
    by, filters = _argument(argument)
    return trend_figure(session, viewer_for(session, actor), by, "year", filters)


@register("breakdown", lazy_gettext("Incident totals (breakdown:region|attack-type|target-type|group[,GROUP ID])"))
def _breakdown(session: Session, actor: Principal, argument: str) -> Figure:
    by, filters = _argument(argument)
    return breakdown_figure(session, viewer_for(session, actor), by, filters)


@register("map", lazy_gettext("Incident map (map[:GROUP ID])"))
def _map(session: Session, actor: Principal, argument: str) -> Figure:
    return map_figure(session, viewer_for(session, actor), q.parse_filters(group=argument.strip() or None))
