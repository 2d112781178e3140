"""Need to know, as a matrix: users x messages x actions, through the API, each cell its own test.

A message is readable only by the sender's organisation and the organisations answering for its addressees
(and, through the copy, by those it was lawfully forwarded to). Whoever may not read a message gets 404 for
anything they try with it, exactly as for a message that does not exist; whoever reads it but may not do the
action gets 403. The inbox lists exactly the messages a user may read, so a listing never leaks existence.

The messages (sent through the actions when the world is built, once per test session):

- A: jp.cp -> FR on FTF, request, TLP:AMBER
- B: jp.cp -> FR on FTF, request, TLP:RED
- C: fr.cp -> JP on FTF, threat notice, TLP:GREEN
- F: secretariat -> FR on FTF, threat notice, TLP:GREEN (the original of D)
- D: fr.cp's forward of F to JP: a copy Japan reads, while it cannot read F itself
- E: de.analyst -> FR on VOT (addressed to Claire Fictive by name), victim referral, TLP:AMBER
- G: fr.cp -> JP on FTF, request, TLP:RED (a RED message the other way: France sends, Japan is addressed)

Besides the personas of tests/world.py, ``fr.auditor`` is an auditor-only account of the French agency: it
reads what its agency reads but acts on nothing. France is designated on VOT here (tests/world.py leaves it
undesignated) so that a VOT message can be forwarded to France.

Each message exists once per action, so that cells never see each other's effects (a reply acknowledges, so
replying and acknowledging the same copy would make the outcome depend on the order of the tests); the matrix
runs on one world per module, and the inbox test on a fresh one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.client import PersonaClient
from tests.conftest import Databases, build_world_into
from tests.world import ADMIN, PASSWORD

from liaison.actions import accounts, directory
from liaison.actions import exchange as act
from liaison.app import create_app
from liaison.db import make_engine, make_session_factory, transaction
from liaison.marking import Marking
from liaison.models import AuditEvent, ContactPoint, Member, Message, Network, Organisation, User
from liaison.queries.principals import principal_for_user
from liaison.settings import load_settings

USERS = ("fr.cp", "jp.cp", "secretariat", "admin", "auditor", "de.analyst", "outsider", "fr.auditor")
MESSAGES = ("A", "B", "C", "D", "E", "F", "G")
ACTIONS = ("read", "reply", "forward", "export", "acknowledge", "close")

# 200/201: allowed. 404: may not read it (looks like no such message). 403: reads it, may not do this.
TABLE = """
message  user         read  reply  forward  export  acknowledge  close
A        fr.cp        200   201    403      200     200          403
A        jp.cp        200   201    201      200     403          200
A        fr.auditor   200   403    403      403     403          403
A        secretariat  404   404    404      404     404          404
A        admin        404   404    404      404     404          404
A        auditor      404   404    404      404     404          404
A        de.analyst   404   404    404      404     404          404
A        outsider     404   404    404      404     404          404
B        fr.cp        200   201    403      403     200          403
B        jp.cp        200   201    403      200     403          200
B        fr.auditor   200   403    403      403     403          403
B        secretariat  404   404    404      404     404          404
B        admin        404   404    404      404     404          404
B        auditor      404   404    404      404     404          404
B        de.analyst   404   404    404      404     404          404
B        outsider     404   404    404      404     404          404
C        fr.cp        200   201    201      200     403          200
C        jp.cp        200   201    201      200     200          403
C        fr.auditor   200   403    403      403     403          403
C        secretariat  404   404    404      404     404          404
C        admin        404   404    404      404     404          404
C        auditor      404   404    404      404     404          404
C        de.analyst   404   404    404      404     404          404
C        outsider     404   404    404      404     404          404
D        fr.cp        200   201    201      200     403          200
D        jp.cp        200   201    201      200     200          403
D        fr.auditor   200   403    403      403     403          403
D        secretariat  404   404    404      404     404          404
D        admin        404   404    404      404     404          404
D        auditor      404   404    404      404     404          404
D        de.analyst   404   404    404      404     404          404
D        outsider     404   404    404      404     404          404
E        fr.cp        200   201    403      200     200          403
E        jp.cp        404   404    404      404     404          404
E        fr.auditor   200   403    403      403     403          403
E        secretariat  404   404    404      404     404          404
E        admin        404   404    404      404     404          404
E        auditor      404   404    404      404     404          404
E        de.analyst   200   201    201      200     403          200
E        outsider     404   404    404      404     404          404
F        fr.cp        200   201    201      200     200          403
F        jp.cp        404   404    404      404     404          404
F        fr.auditor   200   403    403      403     403          403
F        secretariat  200   201    201      200     403          200
F        admin        404   404    404      404     404          404
F        auditor      404   404    404      404     404          404
F        de.analyst   404   404    404      404     404          404
F        outsider     404   404    404      404     404          404
G        fr.cp        200   201    403      200     403          200
G        jp.cp        200   201    403      403     200          403
G        fr.auditor   200   403    403      403     403          403
G        secretariat  404   404    404      404     404          404
G        admin        404   404    404      404     404          404
G        auditor      404   404    404      404     404          404
G        de.analyst   404   404    404      404     404          404
G        outsider     404   404    404      404     404          404
"""


def _parse(table: str) -> dict[tuple[str, str, str], int]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == list(ACTIONS)
    out = {(m, u, a): int(code) for m, u, *codes in rows for a, code in zip(ACTIONS, codes, strict=True)}
    assert len(out) == len(MESSAGES) * len(USERS) * len(ACTIONS), "every cell is written out"
    return out


EXPECTED = _parse(TABLE)
READERS = {m: {u for u in USERS if EXPECTED[(m, u, "read")] == 200} for m in MESSAGES}
NETWORK = {"A": "FTF", "B": "FTF", "C": "FTF", "D": "FTF", "E": "VOT", "F": "FTF", "G": "FTF"}
MEMBER = {"fr.cp": "FR", "fr.auditor": "FR", "jp.cp": "JP", "de.analyst": "DE"}
OTHER = {"FTF": {"FR": "JP", "JP": "FR"}, "VOT": {"FR": "DE", "DE": "FR"}}
# The facts the rules are about, written out so the table can be checked against them (and they against the
# database, in test_the_facts_behind_the_rules): each persona's organisation, each message's marking, sending
# organisation, and the organisations answering for its addressees.
ORGANISATION = {
    "fr.cp": "Unité de coordination",
    "fr.auditor": "Unité de coordination",
    "jp.cp": "National Police Agency",
    "secretariat": "FTF Secretariat",
    "admin": "Node operator",
    "auditor": "Node operator",
    "de.analyst": "Bundesamt",
    "outsider": "Swiss office",
}
TLP = {"A": "AMBER", "B": "RED", "C": "GREEN", "D": "GREEN", "E": "AMBER", "F": "GREEN", "G": "RED"}
SENT_BY = {
    "A": "National Police Agency",
    "B": "National Police Agency",
    "C": "Unité de coordination",
    "D": "Unité de coordination",
    "E": "Bundesamt",
    "F": "FTF Secretariat",
    "G": "Unité de coordination",
}
ADDRESSED_TO = {
    "A": {"Unité de coordination"},
    "B": {"Unité de coordination"},
    "C": {"National Police Agency"},
    "D": {"National Police Agency"},
    "E": {"Unité de coordination"},
    "F": {"Unité de coordination"},
    "G": {"National Police Agency"},
}
ACTS_ON_MESSAGES = {u for u in USERS if u not in ("fr.auditor", "auditor")}  # auditor-only accounts only read


def forward_to(message: str, user: str) -> str:
    """The member a user forwards to: the network's other member (Japan for the secretariat and outsiders)."""
    network = NETWORK[message]
    return OTHER[network].get(MEMBER.get(user, ""), "JP" if network == "FTF" else "DE")


# -- the world --


def fill(url: str) -> dict[str, Any]:
    """The world of tests/world.py, one more persona, France designated on VOT, and each message once per
    action; returns the tokens and the ids as ``{(message, action): id}``."""
    _world, tokens = build_world_into(url)  # type: ignore[misc]
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        with transaction(sessions) as s:
            dgsi = s.scalar(select(Organisation).where(Organisation.name == "Unité de coordination"))
            assert dgsi is not None
            user = accounts.create_user(
                s,
                actor=ADMIN,
                username="fr.auditor",
                display_name="French auditor",
                organisation=dgsi,
                password=PASSWORD,
                roles=[("auditor", None)],
            )
            _, tokens["fr.auditor"] = accounts.create_api_token(
                s, actor=ADMIN, user=user, name="test", totp_required=False
            )
            vot = s.scalar(select(Network).where(Network.code == "VOT"))
            fr = s.scalar(select(Member).where(Member.code == "FR"))
            assert vot is not None and fr is not None
            directory.designate(s, actor=ADMIN, network=vot, member=fr, agency=dgsi, source="Note 4/2026")
        ids = {}
        for action in ACTIONS:
            with transaction(sessions) as s:
                ids.update({(name, action): str(m.id) for name, m in _messages(s).items()})
        return {"tokens": tokens, "ids": ids}
    finally:
        engine.dispose()


def _messages(s: Session) -> dict[str, Message]:
    """One copy of each message of the matrix."""
    who = {u.username: principal_for_user(s, u, "api", "test") for u in s.scalars(select(User))}
    ftf = s.scalar(select(Network).where(Network.code == "FTF"))
    vot = s.scalar(select(Network).where(Network.code == "VOT"))
    claire = s.scalar(select(ContactPoint).where(ContactPoint.name == "Claire Fictive"))
    assert ftf is not None and vot is not None and claire is not None

    def send(user: str, network: Network, kind: str, tlp: str, subject: str, **to: Any) -> Message:
        return act.send_message(
            s,
            actor=who[user],
            network=network,
            kind=kind,
            priority="urgent",
            subject=subject,
            body=f"{subject}: the details.",
            legal_basis="Art. 7 Decision 2005/671/JHA",
            marking=Marking(tlp),
            **to,
        )

    msgs = {
        "A": send("jp.cp", ftf, "request", "AMBER", "A: travel of a suspect", to_members=["FR"]),
        "B": send("jp.cp", ftf, "request", "RED", "B: source identity", to_members=["FR"]),
        "C": send("fr.cp", ftf, "threat_notice", "GREEN", "C: threat to an event", to_members=["JP"]),
        "E": send("de.analyst", vot, "victim_referral", "AMBER", "E: victim referral", to_contacts=[claire.id]),
        "F": send("secretariat", ftf, "threat_notice", "GREEN", "F: alert", to_members=["FR"]),
        "G": send("fr.cp", ftf, "request", "RED", "G: informant's identity", to_members=["JP"]),
    }
    msgs["D"] = act.forward(s, actor=who["fr.cp"], message=msgs["F"], to_members=["JP"])
    return msgs


@dataclass
class Matrix:
    client: TestClient
    tokens: dict[str, str]
    ids: dict[tuple[str, str], str]

    def as_(self, user: str) -> PersonaClient:
        return PersonaClient(self.client, self.tokens[user])


def _matrix(databases: Databases, dest: Path) -> Iterator[Matrix]:
    url = databases.clone("matrix", fill, dest)
    extra = databases.extra["matrix"]
    assert isinstance(extra, dict)
    app = create_app(load_settings(database_url=url, env="test", base_url="http://testserver", embedded_worker=False))
    with TestClient(app) as client:
        yield Matrix(client, extra["tokens"], extra["ids"])


@pytest.fixture(scope="module")
def matrix(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    """One world for every cell (each cell has its own copy of the message, see the module doc)."""
    yield from _matrix(databases, tmp_path_factory.mktemp("matrix"))


@pytest.fixture
def fresh_matrix(databases: Databases, tmp_path: Path) -> Iterator[Matrix]:
    yield from _matrix(databases, tmp_path)


def attempt(mx: Matrix, message: str, user: str, action: str) -> Any:
    mid = mx.ids[(message, action)]
    client = mx.as_(user)
    url = f"/api/v1/messages/{mid}"
    if action == "read":
        return client.get(url)
    if action == "reply":
        return client.post(f"{url}/replies", json={"body": f"Reply from {user}"})
    if action == "forward":
        return client.post(f"{url}/forward", json={"to": [forward_to(message, user)]})
    if action == "export":
        return client.get(f"{url}/export")
    if action == "close":
        return client.post(f"{url}/close", json={"outcome": f"Closed by {user}"})
    return client.post(f"{url}/acknowledge", json={})


@pytest.mark.parametrize(
    ("message", "user", "action"),
    [pytest.param(*cell, id="-".join(cell)) for cell in EXPECTED],
)
def test_cell(matrix: Matrix, message: str, user: str, action: str) -> None:
    expected = EXPECTED[(message, user, action)]
    r = attempt(matrix, message, user, action)
    assert r.status_code == expected, f"{user} {action} {message}: {r.status_code} {r.text}"
    if expected == 404:
        # Indistinguishable from a message that does not exist.
        assert r.json() == {
            "detail": f"no message {matrix.ids[(message, action)]}",
            "code": "not_found",
            "suggestions": [],
        }
    elif action == "read":
        assert r.json()["id"] == matrix.ids[(message, action)]
    if expected == 403:  # a refusal to someone who reads the message is audited
        with matrix.client.app.state.liaison.sessions() as s:
            refused = s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "message.refused",
                    AuditEvent.target_id == matrix.ids[(message, action)],
                    AuditEvent.actor_name == user,
                )
            ).all()
        assert [e.details["attempted"] for e in refused] == [action]


def test_the_table_follows_the_rules() -> None:
    """A cross-check of the table: nothing is allowed to whoever cannot read; an auditor-only account never
    acts; TLP:RED is never forwarded and only its sender exports it; only an addressee acknowledges; only the
    sender closes (closing ends every addressee's part).

    The table is what test_cell holds the application to, so these rules are enforced through it: a persona
    the rules forbid has a 403 or 404 cell here, and the application allowing it fails that cell."""
    for (message, user, action), code in EXPECTED.items():
        readable = user in READERS[message]
        assert (code == 404) == (not readable), (message, user, action)
        if not readable:
            continue
        org = ORGANISATION[user]
        if user not in ACTS_ON_MESSAGES:
            assert code == (200 if action == "read" else 403), (message, user, action)
        elif action == "forward" and TLP[message] == "RED":
            assert code == 403, (message, user, action)
        elif action == "export" and TLP[message] == "RED":
            assert code == (200 if org == SENT_BY[message] else 403), (message, user, action)
        elif action == "acknowledge":
            assert code == (200 if org in ADDRESSED_TO[message] else 403), (message, user, action)
        elif action == "close":  # it ends every addressee's part: the sender's, never an addressee's
            assert code == (200 if org == SENT_BY[message] else 403), (message, user, action)
    # Each rule has cells on both sides, so neither half of it is vacuous.
    red_exports = {EXPECTED[(m, u, "export")] for m in MESSAGES for u in READERS[m] if TLP[m] == "RED"}
    acks = {EXPECTED[(m, u, "acknowledge")] for m in MESSAGES for u in READERS[m] & ACTS_ON_MESSAGES}
    closes = {EXPECTED[(m, u, "close")] for m in MESSAGES for u in READERS[m] & ACTS_ON_MESSAGES}
    assert red_exports == acks == closes == {200, 403}
    readers_not_addressed = {
        (m, u) for m in MESSAGES for u in READERS[m] & ACTS_ON_MESSAGES if ORGANISATION[u] not in ADDRESSED_TO[m]
    }
    assert {("C", "fr.cp"), ("D", "fr.cp"), ("E", "de.analyst"), ("F", "secretariat")} <= readers_not_addressed


def test_the_facts_behind_the_rules(matrix: Matrix) -> None:
    """The organisations, markings and addressees the rules above are checked against are those of the
    messages in the database."""
    with matrix.client.app.state.liaison.sessions() as s:
        names = {o.id: o.name for o in s.scalars(select(Organisation))}
        users = {u.username: names[u.organisation_id] for u in s.scalars(select(User)) if u.username in USERS}
        assert users == ORGANISATION
        for message in MESSAGES:
            for action in ACTIONS:
                m = s.get_one(Message, uuid.UUID(matrix.ids[(message, action)]))
                assert m.tlp == TLP[message], message
                assert names[m.sender_organisation_id] == SENT_BY[message], message
                assert {names[a.organisation_id] for a in m.addressees} == ADDRESSED_TO[message], message


def test_inbox_lists_exactly_what_each_user_may_read(fresh_matrix: Matrix) -> None:
    for user in USERS:
        listed: list[str] = []
        for box in ("in", "out"):
            r = fresh_matrix.as_(user).get("/api/v1/messages", params={"box": box, "status": "all", "limit": 500})
            assert r.status_code == 200, r.text
            listed += [i["id"] for i in r.json()["items"]]
        may_read = {mid for (message, _action), mid in fresh_matrix.ids.items() if user in READERS[message]}
        assert len(listed) == len(set(listed)), f"{user}: a message listed twice"
        assert set(listed) == may_read, user
        for mid in may_read:  # and each one listed opens
            assert fresh_matrix.as_(user).get(f"/api/v1/messages/{mid}").status_code == 200
