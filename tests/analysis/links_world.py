"""A small group network for the link analysis tests: a group with a faction, two cells of members tied by one
broker, a stated leader, and one member (name and membership) marked RED by the French analyst."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from liaison.actions.bank import StatementInput, add_statement, create_entity
from liaison.db import transaction
from liaison.marking import Marking
from liaison.principal import Principal


@dataclass
class LinksWorld:
    group: uuid.UUID
    faction: uuid.UUID
    people: dict[str, uuid.UUID] = field(default_factory=dict)
    secret: uuid.UUID | None = None


def _entity(s: Session, actor: Principal, schema: str, name: str, marking: Marking | None = None) -> uuid.UUID:
    extra = {"data_subject_category": "suspect", "legal_basis": "Art. 18"} if schema == "Person" else {}
    return create_entity(
        s,
        actor=actor,
        schema=schema,
        statements=[StatementInput("name", name, name_kind="primary", marking=marking or Marking("AMBER"))],
        **extra,  # type: ignore[arg-type]
    ).id


def _rel(
    s: Session,
    actor: Principal,
    a: uuid.UUID,
    b: uuid.UUID,
    rel: str,
    year: int,
    grade: str = "B2",
    marking: Marking | None = None,
) -> None:
    add_statement(
        s,
        actor=actor,
        entity_id=a,
        statement=StatementInput(
            rel,
            "",
            object_id=b,
            observed_on=date(year, 6, 1),
            reliability=grade[0],
            credibility=grade[1],
            source=f"report {year}",
            marking=marking or Marking("AMBER"),
        ),
    )


def build(sessions: sessionmaker[Session], analyst: Principal) -> LinksWorld:
    with transaction(sessions) as s:
        group = _entity(s, analyst, "Organization", "Test Brigades")
        faction = _entity(s, analyst, "Organization", "Test Youth")
        w = LinksWorld(group, faction)
        for name in ("Amir Leader", "Bilal One", "Carim Two", "Broker Dan", "Emad Three", "Fares Four", "Ghali Five"):
            w.people[name.split()[0]] = _entity(s, analyst, "Person", name)
        p = w.people
        _rel(s, analyst, faction, group, "faction_of", 2018)
        _rel(s, analyst, p["Amir"], group, "leader_of", 2018)
        for who in ("Bilal", "Carim", "Broker"):
            _rel(s, analyst, p[who], group, "member_of", 2019)
        for who in ("Emad", "Fares", "Ghali"):
            _rel(s, analyst, p[who], faction, "member_of", 2020)
        for a, b in (("Amir", "Bilal"), ("Bilal", "Carim"), ("Amir", "Carim"), ("Carim", "Broker")):
            _rel(s, analyst, p[a], p[b], "associate_of", 2019)
        for a, b in (("Broker", "Emad"), ("Emad", "Fares"), ("Fares", "Ghali"), ("Emad", "Ghali")):
            _rel(s, analyst, p[a], p[b], "associate_of", 2020, grade="C3")
        w.secret = _entity(s, analyst, "Person", "Secret Sami", Marking("RED"))
        _rel(s, analyst, w.secret, group, "member_of", 2021, marking=Marking("RED"))
    return w
