"""Demo content of the analysis centre, loaded after the bank's (:mod:`liaison.demo_bank`): a larger fictional
network around the bank's groups, money transactions with the patterns analysts flag, and synthetic incidents
with known structure. All of it is generated and marked ``synthetic``; the pages say so.

The groups the parts share (by their primary names, as the bank holds them):
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.principal import Principal

# From the bank's demo (liaison.demo_bank) and added by the network demo (liaison.demo_links).
GROUPS = (
    "Northern Crescent Brigades",  # the main group: cells, leaders, brokers, funders
    "Crescent Youth Wing",  # its faction
    "Sahel Shield Front",  # a second group sharing funders with the first
    "Eastern Levant Network",  # a third group, for trends and common funders
)


def load_analysis_demo(session: Session, *, operator: Principal) -> dict[str, Any]:
    """Load every part; returns counts by part."""
    from liaison import demo_incidents, demo_links, demo_money

    counts: dict[str, Any] = {}
    counts["network"] = demo_links.load(session, operator=operator)
    counts["transactions"] = demo_money.load(session, operator=operator)
    counts["incidents"] = demo_incidents.load(session, operator=operator)
    return counts
