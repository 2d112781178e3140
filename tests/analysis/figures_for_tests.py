"""Briefing figures registered for the tests only (kinds ``test-*``), until the analyses register their own: one
built from the bank as the viewer (the names of an entity the viewer may see, marked as the strictest of them),
and fixed ones with a known marking."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.charts import Svg, bar_chart
from liaison.marking import Marking, stricter
from liaison.models import Statement
from liaison.principal import Principal
from liaison.queries.bank_access import entity_or_404, viewer_for, visible_statement
from liaison.queries.figures import Figure, Table, register


@register("test-names", "Names of an entity (test)", needs_argument=True)
def names(session: Session, actor: Principal, argument: str) -> Figure:
    viewer = viewer_for(session, actor)
    entity = entity_or_404(session, viewer, argument)
    rows = session.scalars(
        select(Statement)
        .where(Statement.entity_id == entity.id, Statement.prop == "name", visible_statement(viewer))
        .order_by(Statement.value)
    ).all()
    marking = Marking("CLEAR")
    for s in rows:
        rel = tuple(code for code in s.releasable_to.split(",") if code)
        marking = stricter(marking, Marking(s.tlp, s.originator_control, s.purpose, rel))
    return Figure(
        key=f"test-names:{argument}",
        title=f"Names of {uuid.UUID(str(entity.id))}",
        marking=marking,
        svg=bar_chart("Names", [(s.value, 1.0) for s in rows], x_label="statements"),
        table=Table(["Name", "Source"], [[s.value, s.source] for s in rows]),
    )


@register("test-green", "A green chart (test)")
def green(session: Session, actor: Principal, argument: str) -> Figure:
    return Figure(
        key="test-green",
        title="Attacks by region (test)",
        marking=Marking("GREEN"),
        svg=bar_chart("Attacks by region", [("Sahel", 3.0), ("Levant", 5.0)], x_label="incidents"),
        table=Table(["Region", "Incidents"], [["Sahel", "3"], ["Levant", "5"]]),
        notes=["Synthetic data"],
    )


@register("test-amber", "An amber table (test)")
def amber(session: Session, actor: Principal, argument: str) -> Figure:
    rows = [[f"row {i}", "Northern Crescent Brigades"] for i in range(120)]  # long: the table runs over pages
    return Figure(
        key="test-amber",
        title="Funding flags (test)",
        marking=Marking("AMBER", releasable_to=("DE", "FR")),
        table=Table(["Flag", "Group"], rows),
    )


@register("test-external", "A picture naming an outside image (test)", needs_argument=True)
def external(session: Session, actor: Principal, argument: str) -> Figure:
    """An SVG that names an image on another host (``argument``: a port on loopback): a briefing must not fetch it."""
    url = f"http://127.0.0.1:{int(argument)}/tracker.png"
    svg = Svg(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        f'<image href="{url}" width="10" height="10"/></svg>'
    )
    return Figure(key=f"test-external:{argument}", title="Outside image (test)", marking=Marking("CLEAR"), svg=svg)
