"""Entity resolution: duplicates contributed by different members are proposed; an analyst accepts (every
statement kept, the entity view shows the merged names), rejects (never proposed again) or undoes a merge; only
analysts decide, and only on entities they can see."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select

from liaison.actions import merges
from liaison.actions.bank import StatementInput, create_entity
from liaison.db import transaction
from liaison.errors import Conflict, NotFound, PermissionDenied
from liaison.marking import Marking
from liaison.models import AuditEvent, BankEntity, MergeProposal, Statement
from liaison.queries import bank as bankq
from liaison.queries import bank_merges as q
from liaison.queries.bank_access import viewer_for
from tests.bank.conftest import BankWorld, principals
from tests.conftest import BACKEND

BASIS = "Art. 18 Europol Regulation"


def person(bank: BankWorld, who: str, *names: str, born: str = "1981", nationality: str = "SY", tlp: str = "AMBER"):
    statements = [
        StatementInput(
            "name", n, name_kind="primary" if i == 0 else "alias", source=f"{who} file", marking=Marking(tlp)
        )
        for i, n in enumerate(names)
    ]
    statements += [
        StatementInput("birthDate", born, source=f"{who} file", marking=Marking(tlp)),
        StatementInput("nationality", nationality, source=f"{who} file", marking=Marking(tlp)),
    ]
    with transaction(bank.sessions) as s:
        e = create_entity(
            s,
            actor=bank[who],
            schema="Person",
            statements=statements,
            data_subject_category="suspect",
            legal_basis=BASIS,
        )
        ident = e.id
    return ident


def propose(bank: BankWorld, who: str) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]:
    with transaction(bank.sessions) as s:
        made = merges.propose_merges(s, actor=bank[who])
        return [(p.id, p.entity_id, p.other_id) for p in made]


def decide(bank: BankWorld, who: str, verb: str, proposal_id: uuid.UUID) -> MergeProposal:
    with transaction(bank.sessions) as s:
        p = getattr(merges, verb)(s, actor=bank[who], proposal_id=proposal_id)
        s.flush()
        s.expunge(p)
        return p


def statements_of(bank: BankWorld, entity_id: uuid.UUID) -> int:
    with bank.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Statement).where(Statement.entity_id == entity_id)) or 0)


def view(bank: BankWorld, who: str, entity_id: uuid.UUID) -> dict:
    with transaction(bank.sessions) as s:
        return bankq.entity_view(s, bank[who], entity_id)


@pytest.fixture
def pair(bank: BankWorld) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """The same man contributed by the German and the French analyst, a namesake the German analyst entered
    twice, and somebody else."""
    de = person(bank, "de.analyst", "Mohammed Ali HASSAN", "Abu Ali")
    fr = person(bank, "fr.analyst", "HASSAN, Mohammed Ali", "Abou Ali")
    same_org = person(bank, "de.analyst", "Karim Haddad", born="1975", nationality="FR")
    person(bank, "de.analyst", "Karim Haddad", born="1975", nationality="FR")
    return de, fr, same_org


def test_duplicates_across_organisations_are_proposed_with_an_explanation(bank: BankWorld, pair) -> None:
    de, fr, same_org = pair
    made = propose(bank, "de.analyst")
    assert [(e, o) for _, e, o in made] == [(de, fr)]  # the older entity is kept; one org's duplicates are its own
    with bank.sessions() as s:
        rows = q.list_proposals(s, viewer_for(s, bank["de.analyst"]))
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.merge.propose")).all()
    assert len(rows) == 1
    p = rows[0]
    assert p["status"] == "proposed" and 0 < p["score"] <= 1
    assert {p["entity"]["caption"], p["other"]["caption"]} == {"Mohammed Ali HASSAN", "HASSAN, Mohammed Ali"}
    assert p["entity"]["contributor"] != p["other"]["contributor"]
    assert p["explanation"]["name"]["name"] and p["explanation"]["other_name"]["name"]
    assert p["explanation"]["details"]["features"]  # which features added or took away
    assert events and events[-1].details["proposed"] == 1
    assert propose(bank, "de.analyst") == []  # nothing proposed twice


def test_accept_keeps_every_statement_and_the_view_shows_the_merged_names(bank: BankWorld, pair) -> None:
    de, fr, _ = pair
    before = statements_of(bank, de), statements_of(bank, fr)
    [(pid, _, _)] = propose(bank, "fr.analyst")
    p = decide(bank, "fr.analyst", "accept", pid)
    assert p.status == "accepted" and p.decided_by_name == "fr.analyst"
    with bank.sessions() as s:
        assert s.get(BankEntity, fr).merged_into_id == de
        assert s.get(BankEntity, de).merged_into_id is None
    assert (statements_of(bank, de), statements_of(bank, fr)) == before
    data = view(bank, "de.analyst", de)
    names = {n["name"] for n in data["names"]}
    assert {"Mohammed Ali HASSAN", "HASSAN, Mohammed Ali", "Abu Ali", "Abou Ali"} <= names
    assert str(fr) in data["merged"]
    provenance = {s["contributor"] for s in data["properties"]["name"]}
    assert len(provenance) == 2  # each name keeps its contributor
    with bank.sessions() as s:
        here = q.merged_here(s, viewer_for(s, bank["de.analyst"]), de)
        assert [m["proposal_id"] for m in here] == [str(pid)]
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(pid))).all() == [
            "bank.merge.accept"
        ]
    with pytest.raises(Conflict):
        decide(bank, "de.analyst", "accept", pid)  # decided already


def test_undo_restores_both_entities(bank: BankWorld, pair) -> None:
    de, fr, _ = pair
    [(pid, _, _)] = propose(bank, "de.analyst")
    decide(bank, "de.analyst", "accept", pid)
    p = decide(bank, "fr.analyst", "undo", pid)
    assert p.status == "undone"
    with bank.sessions() as s:
        assert s.get(BankEntity, fr).merged_into_id is None
    data = view(bank, "de.analyst", de)
    assert "HASSAN, Mohammed Ali" not in {n["name"] for n in data["names"]} and data["merged"] == []
    assert view(bank, "de.analyst", fr)["merged_into"] is None
    assert propose(bank, "de.analyst") == []  # an undone merge is not proposed again
    with pytest.raises(Conflict):
        decide(bank, "de.analyst", "undo", pid)


def test_a_rejected_pair_is_not_proposed_again(bank: BankWorld, pair) -> None:
    [(pid, _, _)] = propose(bank, "de.analyst")
    assert decide(bank, "de.analyst", "reject", pid).status == "rejected"
    assert propose(bank, "fr.analyst") == []
    with bank.sessions() as s:
        assert q.list_proposals(s, viewer_for(s, bank["de.analyst"]), status="proposed") == []
        assert len(q.list_proposals(s, viewer_for(s, bank["de.analyst"]), status="rejected")) == 1
    with pytest.raises(Conflict):
        decide(bank, "de.analyst", "accept", pid)


def test_only_analysts_propose_and_decide(bank: BankWorld, pair) -> None:
    for who in ("jp.screener", "fr.cp", "outsider"):
        with pytest.raises(PermissionDenied):
            propose(bank, who)
    [(pid, _, _)] = propose(bank, "de.analyst")
    for verb in ("accept", "reject"):
        with pytest.raises(PermissionDenied):
            decide(bank, "jp.screener", verb, pid)
    with bank.sessions() as s:  # a screening officer reads the proposals; an outsider does not
        assert len(q.list_proposals(s, viewer_for(s, bank["jp.screener"]))) == 1
        with pytest.raises(PermissionDenied):
            q.list_proposals(s, viewer_for(s, bank["outsider"]))
        assert s.get(MergeProposal, pid).status == "proposed"


def test_an_entity_one_cannot_see_is_never_proposed_to_them(bank: BankWorld) -> None:
    de = person(bank, "de.analyst", "Youssef Benali")
    secret = person(bank, "fr.analyst", "BENALI, Youssef", tlp="RED")  # the French unit only
    assert propose(bank, "de.analyst") == []
    made = propose(bank, "fr.analyst")
    assert [(e, o) for _, e, o in made] == [(de, secret)]
    pid = made[0][0]
    with bank.sessions() as s:
        assert q.list_proposals(s, viewer_for(s, bank["de.analyst"])) == []  # it does not exist for them
        assert len(q.list_proposals(s, viewer_for(s, bank["fr.analyst"]))) == 1
    with pytest.raises(NotFound):
        decide(bank, "de.analyst", "accept", pid)
    with pytest.raises(NotFound):
        decide(bank, "de.analyst", "accept", uuid.uuid4())


def test_merging_into_a_merged_entity_goes_to_its_canonical_one(bank: BankWorld) -> None:
    a = person(bank, "de.analyst", "Omar Farouk SALEH")
    b = person(bank, "fr.analyst", "SALEH, Omar Farouk")
    c = person(bank, "operator", "Omar Farouk Saleh")
    made = {frozenset((e, o)): (pid, e, o) for pid, e, o in propose(bank, "operator")}
    assert set(made) == {frozenset((a, b)), frozenset((b, c)), frozenset((a, c))}
    ab, bc, ac = made[frozenset((a, b))], made[frozenset((b, c))], made[frozenset((a, c))]
    assert (ab[1], bc[1]) == (a, b)  # the older entity is the one kept
    decide(bank, "de.analyst", "accept", ab[0])
    decide(bank, "de.analyst", "accept", bc[0])  # b was merged into a: c goes to a
    with bank.sessions() as s:
        assert s.get(BankEntity, c).merged_into_id == a
    with pytest.raises(Conflict):
        decide(bank, "de.analyst", "accept", ac[0])  # c is merged already
    data = view(bank, "de.analyst", a)
    assert {"SALEH, Omar Farouk", "Omar Farouk Saleh"} <= {n["name"] for n in data["names"]}


def test_merge_api_and_its_refusals(api) -> None:
    fr = api.as_("fr.analyst")
    de = api.as_("de.analyst")
    people = principals(api.sessions)
    for who, name in (("de.analyst", "Mohammed Ali HASSAN"), ("fr.analyst", "HASSAN, Mohammed Ali")):
        with transaction(api.sessions) as s:
            statements = [StatementInput("name", name, name_kind="primary")]
            create_entity(
                s,
                actor=people[who],
                schema="Person",
                statements=statements,
                legal_basis=BASIS,
                data_subject_category="suspect",
            )
    assert api.as_("jp.screener").post("/api/v1/bank/merge-proposals/run").status_code == 403
    r = fr.post("/api/v1/bank/merge-proposals/run", json={"threshold": 0.5})
    assert r.status_code == 201 and r.json()["proposed"] == 1, r.text
    pid = r.json()["proposals"][0]["id"]
    listed = de.get("/api/v1/bank/merge-proposals").json()
    assert [p["id"] for p in listed] == [pid]
    assert api.as_("outsider").get("/api/v1/bank/merge-proposals").status_code == 403
    assert api.as_("jp.screener").post(f"/api/v1/bank/merge-proposals/{pid}/accept").status_code == 403
    assert de.post(f"/api/v1/bank/merge-proposals/{uuid.uuid4()}/accept").status_code == 404
    assert de.post("/api/v1/bank/merge-proposals/not-an-id/accept").status_code == 404
    r = de.post(f"/api/v1/bank/merge-proposals/{pid}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert de.post(f"/api/v1/bank/merge-proposals/{pid}/reject").status_code == 409
    r = fr.post(f"/api/v1/bank/merge-proposals/{pid}/undo")
    assert r.status_code == 200 and r.json()["status"] == "undone"
    assert de.get("/api/v1/bank/merge-proposals", params={"status": "undone"}).json()[0]["id"] == pid


def query_plans(bank: BankWorld, work: Callable[[], object]) -> list[str]:
    """SQLite's plan for every SELECT that ``work`` runs, one line per query."""
    engine = bank.sessions.kw["bind"]
    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    with engine.connect() as c:
        return [" | ".join(str(r[3]) for r in c.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", p)) for sql, p in seen]


@pytest.mark.skipif(BACKEND != "sqlite", reason="reads SQLite's query plans")
def test_listing_proposals_reads_the_entities_of_the_proposals_not_the_whole_bank(bank: BankWorld, pair) -> None:
    """The merges page took 3-5 s with nothing to show: to find the entities the viewer may see it read every
    entity of the bank, and SQLite looked each one's names up through the (prop, value) index, that is through
    every name in the bank. Listing, and finding one proposal to decide on, must read only the proposals'
    entities, each by its key."""

    def listing() -> None:
        with bank.sessions() as s:
            viewer = viewer_for(s, bank["de.analyst"])
            rows = q.list_proposals(s, viewer)
            for row in rows:
                q.proposal_or_404(s, viewer, row["id"])

    before = query_plans(bank, listing)
    assert propose(bank, "de.analyst")
    after = query_plans(bank, listing)
    assert len(after) > len(before)  # the proposal's entities were summarised
    for plan in before + after:
        assert "SCAN bank_entities" not in plan and "SCAN bank_statements" not in plan, plan
        assert "ix_bank_statements_prop_value" not in plan, plan
