"""Search, the entity view and the neighbourhood: found across scripts, filtered, never leaking what a viewer
may not see, and every view of a person's record audited.

The small fictional world (:func:`build_fictional`, also used by the screening and API tests): the German
analyst's suspect "Karim Benali" (with an Arabic-script name and a code name) is a member of the "Northern
Front"; the French analyst's "Youssef Haddad" is AMBER+STRICT (France only) and also a member of the Northern
Front; a second organisation "Southern Cell" is a faction of the Northern Front.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from liaison.actions.bank import StatementInput, create_entity
from liaison.data import UN_LIST_2017
from liaison.db import transaction
from liaison.errors import NotFound, PermissionDenied
from liaison.marking import Marking
from liaison.models import AuditEvent
from liaison.principal import Principal
from liaison.queries import bank as q
from liaison.queries.bank_index import BankIndex, shared_index
from tests.bank.conftest import BankWorld

BASIS = "Art. 18 Europol Regulation"
UN_LIST = UN_LIST_2017
STRICT = Marking("AMBER+STRICT")


@dataclass
class Fictional:
    karim: uuid.UUID
    front: uuid.UUID
    cell: uuid.UUID
    youssef: uuid.UUID


def build_fictional(sessions: sessionmaker[Session], people: dict[str, Principal]) -> Fictional:
    def name(text: str, kind: str = "primary", **kw: object) -> StatementInput:
        return StatementInput("name", text, name_kind=kind, source="test file 1", **kw)  # type: ignore[arg-type]

    with transaction(sessions) as s:
        de, fr = people["de.analyst"], people["fr.analyst"]
        front = create_entity(
            s, actor=de, schema="Organization", statements=[name("Northern Front"), StatementInput("country", "SY")]
        ).id
        cell = create_entity(
            s,
            actor=de,
            schema="Organization",
            statements=[name("Southern Cell"), StatementInput("faction_of", "", object_id=front)],
        ).id
        karim = create_entity(
            s,
            actor=de,
            schema="Person",
            data_subject_category="suspect",
            legal_basis=BASIS,
            statements=[
                name("Karim Benali", reliability="B", credibility="2"),
                name("كريم بن علي"),
                name("The Falcon", "code_name"),
                StatementInput("birthDate", "1975-03-14", source="BKA file", reliability="B", credibility="2"),
                StatementInput("birthDate", "1976", source="informant", reliability="D", credibility="4"),
                StatementInput("nationality", "DZ"),
                StatementInput("member_of", "", object_id=front),
            ],
        ).id
        youssef = create_entity(
            s,
            actor=fr,
            schema="Person",
            data_subject_category="suspect",
            legal_basis=BASIS,
            statements=[
                name("Youssef Haddad", marking=STRICT),
                StatementInput("nationality", "DZ", marking=STRICT),
                StatementInput("member_of", "", object_id=front, marking=STRICT),
            ],
        ).id
    return Fictional(karim, front, cell, youssef)


@pytest.fixture
def world(bank: BankWorld) -> Fictional:
    return build_fictional(bank.sessions, bank.people)


def _search(bank: BankWorld, who: str, text: str, **kw: object) -> list[dict[str, object]]:
    with transaction(bank.sessions) as s:
        return q.search(s, bank[who], text, **kw)  # type: ignore[arg-type]


def _view(bank: BankWorld, who: str, entity_id: uuid.UUID) -> dict[str, object]:
    with transaction(bank.sessions) as s:
        return q.entity_view(s, bank[who], entity_id)


def _views(bank: BankWorld) -> list[AuditEvent]:
    with bank.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.entity.view")))


def test_search_finds_across_scripts_and_code_names(bank: BankWorld, world: Fictional) -> None:
    for text in ("Karim Benali", "BENALI, Karim", "كريم بن علي", "Kareem Ben Ali", "the falcon"):
        hits = _search(bank, "jp.screener", text)
        assert hits and hits[0]["entity_id"] == str(world.karim), text
        assert hits[0]["caption"] == "Karim Benali"  # the best visible name, whatever matched
    assert _search(bank, "de.analyst", "Northern Front")[0]["entity_id"] == str(world.front)


def test_filters_narrow_and_list_without_text(bank: BankWorld, world: Fictional) -> None:
    ids = lambda hits: {h["entity_id"] for h in hits}  # noqa: E731
    assert ids(_search(bank, "de.analyst", "", schema="Organization")) == {str(world.front), str(world.cell)}
    assert ids(_search(bank, "de.analyst", "", nationality="DZ")) == {str(world.karim)}
    assert ids(_search(bank, "de.analyst", "", birth_year=1976)) == {str(world.karim)}
    assert ids(_search(bank, "de.analyst", "Karim Benali", birth_year=1990)) == set()
    assert ids(_search(bank, "de.analyst", "", group=world.front)) == {str(world.karim)}
    assert ids(_search(bank, "fr.analyst", "", group=world.front)) == {str(world.karim), str(world.youssef)}
    assert ids(_search(bank, "de.analyst", "", list_name="un-sc")) == set()
    assert ids(_search(bank, "de.analyst", "", status="delisted")) == set()


def test_strict_names_never_leak_through_search(bank: BankWorld, world: Fictional) -> None:
    assert _search(bank, "fr.analyst", "Youssef Haddad")[0]["entity_id"] == str(world.youssef)
    for who in ("de.analyst", "jp.screener"):
        assert all(h["entity_id"] != str(world.youssef) for h in _search(bank, who, "Youssef Haddad"))
        assert all(h["entity_id"] != str(world.youssef) for h in _search(bank, who, "", nationality="DZ"))
        with pytest.raises(NotFound):  # invisible and unknown look the same
            _view(bank, who, world.youssef)
        with pytest.raises(NotFound):
            _view(bank, who, uuid.uuid4())


def test_people_without_a_bank_role_cannot_search(bank: BankWorld, world: Fictional) -> None:
    for who in ("fr.cp", "outsider"):
        with pytest.raises(PermissionDenied):
            _search(bank, who, "Karim")


def test_entity_view_shows_conflicts_side_by_side_and_relations(bank: BankWorld, world: Fictional) -> None:
    d = _view(bank, "jp.screener", world.karim)
    assert d["caption"] == "Karim Benali" and d["schema"] == "Person" and d["reference"] == str(world.karim)
    births = d["properties"]["birthDate"]  # type: ignore[index]
    assert [(b["value"], b["grade"], b["source"]) for b in births] == [
        ("1975-03-14", "B2", "BKA file"),
        ("1976", "D4", "informant"),
    ]
    assert births[0]["contributor"] and births[0]["marking"] == "TLP:AMBER"
    assert {n["kind"] for n in d["names"]} == {"primary", "code_name"}  # type: ignore[union-attr]
    assert [(r["relation"], r["direction"], r["other"]["caption"]) for r in d["relations"]] == [  # type: ignore[union-attr]
        ("member_of", "out", "Northern Front")
    ]


def test_relations_from_invisible_entities_are_hidden(bank: BankWorld, world: Fictional) -> None:
    rels = lambda who: {(r["relation"], r["other"]["id"]) for r in _view(bank, who, world.front)["relations"]}  # noqa: E731
    assert ("member_of", str(world.youssef)) in rels("fr.analyst")
    assert rels("de.analyst") == {("member_of", str(world.karim)), ("faction_of", str(world.cell))}


def test_neighbourhood_is_visible_only(bank: BankWorld, world: Fictional) -> None:
    with bank.sessions() as s:
        de = q.neighbourhood(s, bank["de.analyst"], world.karim, depth=2)
        fr = q.neighbourhood(s, bank["fr.analyst"], world.karim, depth=2)
        with pytest.raises(NotFound):
            q.neighbourhood(s, bank["jp.screener"], world.youssef)
    assert {n["id"] for n in de["nodes"]} == {str(world.karim), str(world.front), str(world.cell)}
    assert {n["id"] for n in fr["nodes"]} == {str(world.karim), str(world.front), str(world.cell), str(world.youssef)}
    assert all(str(world.youssef) not in (e["source"], e["target"]) for e in de["edges"])
    assert {(e["source"], e["relation"], e["target"]) for e in de["edges"]} == {
        (str(world.karim), "member_of", str(world.front)),
        (str(world.cell), "faction_of", str(world.front)),
    }


def test_every_view_of_a_person_is_audited_with_the_statements_shown(bank: BankWorld, world: Fictional) -> None:
    d = _view(bank, "jp.screener", world.karim)
    _view(bank, "de.analyst", world.front)  # an organisation is not personal data
    _view(bank, "fr.analyst", world.karim)
    rows = _views(bank)
    assert [(r.actor_name, r.target_id) for r in rows] == [
        ("jp.screener", str(world.karim)),
        ("fr.analyst", str(world.karim)),
    ]
    shown = {s["id"] for statements in d["properties"].values() for s in statements}  # type: ignore[union-attr]
    shown |= {r["statement"]["id"] for r in d["relations"]}  # type: ignore[union-attr]
    assert set(rows[0].details["statements"]) == shown


def test_the_index_catches_up_with_new_and_changed_entities(bank: BankWorld, world: Fictional) -> None:
    with bank.sessions() as s:
        index = shared_index(s.get_bind())  # type: ignore[arg-type]
    index.get()
    first = index.revision
    with transaction(bank.sessions) as s:
        new = create_entity(
            s,
            actor=bank["de.analyst"],
            schema="Person",
            data_subject_category="associate",
            legal_basis=BASIS,
            statements=[StatementInput("name", "Omar Tizi", name_kind="primary")],
        ).id
    assert _search(bank, "de.analyst", "Omar Tizi")[0]["entity_id"] == str(new)  # this process: at once
    assert index.revision > first and index.last_catch_up["rebuilt"] is False
    assert index.last_catch_up["entities"] == 1


def test_search_finds_the_un_list_across_scripts(bank: BankWorld) -> None:
    from liaison.actions.bank_import import import_un_list

    with transaction(bank.sessions) as s:
        import_un_list(s, actor=bank["operator"], data=UN_LIST.read_bytes(), filename=UN_LIST.name)
    with bank.sessions() as s:
        engine = s.get_bind()
    started = time.perf_counter()
    index = BankIndex(engine)  # type: ignore[arg-type]
    index.rebuild()
    print(f"\nUN list name index: {index.size} entities in {time.perf_counter() - started:.2f}s")
    assert index.size == 650 + 371
    for text in ("إياد نظمي صالح خليل", "Eyad Nazmi Saleh Khalil", "KHALIL, Iyad Nazmi", "Ияд Назми Салих Халил"):
        hits = _search(bank, "jp.screener", text, limit=5)
        assert hits and hits[0]["reference"] == "QDi.400", (text, hits[:2])
    filtered = _search(bank, "jp.screener", "", list_name="un-sc", nationality="JO", schema="Person", limit=200)
    assert "QDi.400" in {h["reference"] for h in filtered}
    d = _view(bank, "jp.screener", uuid.UUID(str(hits[0]["entity_id"])))
    assert d["reference"] == "QDi.400" and d["references"][0]["list"] == "un-sc"  # type: ignore[index]
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "bank.entity.view")) == 1


def test_merged_entities_are_found_as_the_one_they_joined_and_delisted_ones_are_marked(
    bank: BankWorld, world: Fictional
) -> None:
    from liaison.actions.bank import bump_bank
    from liaison.models import BankEntity

    assert _search(bank, "de.analyst", "Northern Front")  # the index is built before the change
    with transaction(bank.sessions) as s:
        other = create_entity(
            s,
            actor=bank["de.analyst"],
            schema="Person",
            data_subject_category="suspect",
            legal_basis=BASIS,
            statements=[StatementInput("name", "Abu Saqr", name_kind="code_name")],
        ).id
    with transaction(bank.sessions) as s:  # what accepting a merge proposal does (actions.merges)
        merged = s.get(BankEntity, other)
        front = s.get(BankEntity, world.front)
        assert merged is not None and front is not None
        merged.merged_into_id = world.karim
        front.status = "delisted"
        bump_bank(s)
    hits = _search(bank, "de.analyst", "Abu Saqr")
    assert hits[0]["entity_id"] == str(world.karim) and hits[0]["name"] == "Abu Saqr"
    assert all(h["entity_id"] != str(other) for h in hits)
    found = _search(bank, "de.analyst", "Northern Front")[0]
    assert found["entity_id"] == str(world.front) and found["status"] == "delisted"
    d = _view(bank, "de.analyst", world.karim)
    assert d["merged"] == [str(other)] and "Abu Saqr" in {n["name"] for n in d["names"]}  # type: ignore[union-attr]
    assert _view(bank, "de.analyst", other)["merged_into"] == str(world.karim)
