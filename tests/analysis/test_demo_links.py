"""The demo network has the structure it was built with, and the link analysis finds it: the leader and the two
brokers on top of betweenness, the three cells as communities, a network that grows year by year, and a French
analyst shown less than the operator (the restricted records and the Levant bridges), on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison import demo_links
from liaison.demo_analysis import GROUPS
from liaison.demo_bank import _analyst
from liaison.models import BankEntity, Statement
from liaison.principal import Principal
from liaison.queries import links
from liaison.queries.link_index import LinkIndex
from tests.conftest import OPERATOR, Db

LEADER, BROKERS = "Yusuf al-Tikrani", {"Idris Abdullahi", "Kamal Darwish"}


@pytest.fixture
def session(demo: Db) -> Iterator[Session]:
    with demo.sessions() as s:
        yield s


@pytest.fixture
def index(demo: Db, session: Session) -> LinkIndex:
    return LinkIndex.load(session)


def named(session: Session, name: str) -> uuid.UUID:
    found = session.scalar(select(Statement.entity_id).where(Statement.prop == "name", Statement.value == name))
    assert found is not None, name
    return found


def analyst(session: Session, code: str) -> Principal:
    found = _analyst(session, code)
    assert found is not None
    return found


def by_caption(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["entity"]["caption"]: m for m in out["members"]}


def test_the_demo_adds_the_groups_and_about_fifty_fictional_persons(session: Session) -> None:
    for group in GROUPS:
        named(session, group)
    persons = session.scalar(
        select(func.count(func.distinct(Statement.entity_id)))
        .join(BankEntity, BankEntity.id == Statement.entity_id)
        .where(BankEntity.schema == "Person", Statement.source.in_(demo_links.SOURCES.values()))
    )
    assert 40 <= (persons or 0) <= 60
    # Every new record says it is invented; members join from 2019 to 2026.
    years = session.scalars(
        select(Statement.observed_on).where(Statement.prop == "member_of", Statement.observed_on.is_not(None))
    ).all()
    assert min(years).year == 2019 and max(years).year >= 2025


def test_leader_and_brokers_top_the_brigades_network_and_the_cells_are_communities(
    session: Session, index: LinkIndex
) -> None:
    out = links.group_network(session, OPERATOR, named(session, GROUPS[0]), index=index)
    members = by_caption(out)
    ranked = sorted(members, key=lambda c: -members[c]["betweenness"])
    assert set(ranked[:3]) == {LEADER, *BROKERS}
    assert "leader" in members[LEADER]["roles"]
    assert all("broker" in members[b]["roles"] for b in BROKERS)
    cells = []
    for key, *_rest, people in demo_links.CELLS[:3]:
        found = {members[latin]["community"] for latin, _other, _mark in people}
        assert len(found) == 1, (key, found)  # the whole cell in one community
        cells.append(found.pop())
    assert len(set(cells)) == 3  # and each cell its own


def test_the_network_grows_year_by_year(session: Session, index: LinkIndex) -> None:
    years = links.timeline(session, OPERATOR, named(session, GROUPS[0]), index=index)["years"]
    assert [y["year"] for y in years][0] == 2019 and years[-1]["year"] == 2026
    sizes = [y["members"] for y in years]
    assert sizes == sorted(sizes) and sizes[-1] > 3 * sizes[0]


def test_a_french_analyst_sees_a_smaller_network_and_no_path_to_the_levant(session: Session, index: LinkIndex) -> None:
    brigades, levant = named(session, GROUPS[0]), named(session, "Hassan Kurdi")
    full = by_caption(links.group_network(session, OPERATOR, brigades, index=index))
    fr = by_caption(links.group_network(session, analyst(session, "FR"), brigades, index=index))
    assert {"Rami Khalaileh", "Ziad Shboul"} <= set(full)
    assert not {"Rami Khalaileh", "Ziad Shboul"} & set(fr)  # Jordan's AMBER+STRICT records
    assert set(fr) < set(full)
    leader = named(session, LEADER)
    assert links.shortest_paths(session, OPERATOR, leader, levant, index=index)["paths"]
    assert links.shortest_paths(session, analyst(session, "DE"), leader, levant, index=index)["paths"]
    assert links.shortest_paths(session, analyst(session, "FR"), leader, levant, index=index)["paths"] == []
