"""Briefing figures of the financing analysis: ``funding:<group id>`` (the flow graph, with the funders as its
table) and ``flags`` (flagged amounts by rule, with every flag as a row). Built by the same access-filtered
queries as the page, so a briefing holds only what its author may see, marked as the strictest row drawn."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from liaison.actions.bank_bulk import marking_from_text
from liaison.charts import bar_chart
from liaison.graph import entity_href, render_graph
from liaison.i18n import _, lazy_gettext
from liaison.marking import Marking, stricter
from liaison.principal import Principal
from liaison.queries import funding as q
from liaison.queries.figures import Figure, Table, register

SYNTHETIC = lazy_gettext("Synthetic demo data: generated transactions, not real ones.")


def _strictest(labels: list[str | None]) -> Marking:
    found = Marking("CLEAR")
    for label in labels:
        if label:
            found = stricter(found, marking_from_text(label))
    return found


@register("funding", lazy_gettext("Funding of a group"), needs_argument=True)
def funding_figure(session: Session, actor: Principal, argument: str) -> Figure:
    data = q.funding(session, actor, argument)
    cur = data["currency"]
    title = _("Funding of %(group)s", group=data["group"]["caption"])
    svg = render_graph(
        data["graph"], title=title, href=lambda i: entity_href(i) if not i.startswith("name:") else "#", max_nodes=80
    )
    rows = [
        [f["caption"], f"{f['total']} {cur}" if f["total"] else _("funding relation, no amount"), str(f["hops"])]
        for f in data["funders"]
    ]
    notes = [_("Amounts in %(currency)s at each transaction's date (ECB reference rates).", currency=cur)]
    notes += [str(SYNTHETIC)] if data["synthetic"] else []
    notes += [f"{f['label']}: {f['party']['caption']} ({f['first']} – {f['last']})" for f in data["flags"]]
    return Figure(
        key=f"funding:{argument}",
        title=title,
        marking=_strictest([data["marking"]]),
        svg=svg,
        table=Table([_("Funder"), _("Sent towards the group"), _("Steps away")], rows),
        notes=notes,
    )


@register("flags", lazy_gettext("Financing flags"))
def flags_figure(session: Session, actor: Principal, argument: str) -> Figure:
    data = q.flags(session, actor)
    cur = data["currency"]
    totals: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    for f in data["flags"]:
        totals[f["rule"]] = totals.get(f["rule"], Decimal(0)) + Decimal(f["amount"])
        labels[f["rule"]] = f["label"]
    title = _("Financing flags")
    svg = bar_chart(title, [(labels[r], float(v)) for r, v in totals.items()], x_label=cur, unit=cur)
    rows = [
        [
            f["label"],
            f["party"]["caption"],
            f"{f['first']} – {f['last']}",
            f"{f['amount']} {cur}",
            str(len(f["transactions"])),
            f["marking"] or "",
        ]
        for f in data["flags"]
    ]
    notes = [str(SYNTHETIC)] if data["synthetic"] else []
    return Figure(
        key="flags",
        title=title,
        marking=_strictest([f["marking"] for f in data["flags"]]),
        svg=svg,
        table=Table([_("Rule"), _("Party"), _("Dates"), _("Amount"), _("Transactions"), _("Marking")], rows),
        notes=notes,
    )
