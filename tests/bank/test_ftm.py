"""FollowTheMoney JSON lines: round trip, relations, and bad lines refused whole."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import func, select

from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.bank_import import Defaults, ImportRefused, import_ftm
from liaison.db import transaction
from liaison.errors import TooLarge
from liaison.marking import Marking
from liaison.models import BankEntity, Statement
from liaison.queries.bank_access import viewer_for
from liaison.queries.bank_export import export_ftm
from tests.bank.conftest import BankWorld

FILE = [
    {"id": "g1", "schema": "Organization", "properties": {"name": ["Northern Front"], "alias": ["NF"],
     "notes": ["ideology: violent separatism", "founded in a garage"]}},
    {"id": "p1", "schema": "Person", "properties": {"name": ["Karim Haddad", "كريم حداد"], "weakAlias": ["Abu Karim"],
     "birthDate": ["1984-03-02"], "nationality": ["fr"], "topics": ["crime.terror"]}},
    {"id": "a1", "schema": "Address", "properties": {"full": ["Camp 7, Wadi X"], "country": ["sy"]}},
    {"id": "m1", "schema": "Membership",
     "properties": {"member": ["p1"], "organization": ["g1"], "role": ["treasurer"]}},
    {"id": "l1", "schema": "UnknownLink", "properties": {"subject": ["g1"], "object": ["a1"], "role": ["trains_at"]}},
]  # fmt: skip


def lines(records: list[dict]) -> list[bytes]:
    return [orjson.dumps(r) + b"\n" for r in records]


def load(bank: BankWorld, records: list[dict] | list[bytes], who: str = "fr.analyst", **kw: object):  # type: ignore[no-untyped-def]
    raw = records if records and isinstance(records[0], bytes) else lines(records)  # type: ignore[arg-type]
    defaults = Defaults(source="DGSI file 7", reliability="B", credibility="2", legal_basis="Art. 18", **kw)  # type: ignore[arg-type]
    with transaction(bank.sessions) as s:
        imp = import_ftm(s, actor=bank[who], lines=raw, filename="x.ftm.json", defaults=defaults)
        s.expunge(imp)
    return imp


def export(bank: BankWorld, who: str) -> list[dict]:
    with bank.sessions() as s:
        return [orjson.loads(x) for x in export_ftm(s, viewer_for(s, bank[who]))]


def normal(records: list[dict]) -> set[tuple[str, str, str]]:
    """Entities by (schema, first name) and their property values, ids aside."""
    names = {r["id"]: r["properties"].get("name", r["properties"].get("full", ["?"]))[0] for r in records}
    out = set()
    for r in records:
        for prop, values in r["properties"].items():
            for v in values:
                out.add((r["schema"], prop, names.get(v, v)))
    return out


def test_round_trip(bank: BankWorld) -> None:
    imp = load(bank, FILE)
    assert imp.added == 3 and imp.report["relations"] == 2
    assert imp.report["ignored"] == {"Person:topics": 1}
    first = export(bank, "fr.analyst")
    assert len(first) == 5
    person = next(r for r in first if r["schema"] == "Person")
    assert person["properties"]["weakAlias"] == ["Abu Karim"] and person["properties"]["nationality"] == ["fr"]
    group = next(r for r in first if r["schema"] == "Organization")
    assert "ideology: violent separatism" in group["properties"]["notes"]
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).where(Statement.prop == "ideology")) == 1
        assert s.scalar(select(func.count()).where(Statement.prop == "trains_at")) == 1
        assert {st.grade for st in s.scalars(select(Statement))} == {"B2"}
    load(bank, [orjson.dumps(r) for r in first])  # the export imports again, and exports the same picture
    second = export(bank, "fr.analyst")
    assert len(second) == 10
    assert normal(first) <= normal(second) and normal(second) <= normal(first)


def test_only_visible_statements_leave(bank: BankWorld) -> None:
    load(bank, FILE, marking=Marking("AMBER+STRICT"))
    assert export(bank, "de.analyst") == []
    with transaction(bank.sessions) as s:
        create_entity(
            s,
            actor=bank["de.analyst"],
            schema="Organization",
            statements=[StatementInput("name", "Other", name_kind="primary", marking=Marking("GREEN"))],
        )
    assert len(export(bank, "fr.analyst")) == 6
    assert [r["properties"]["name"] for r in export(bank, "de.analyst")] == [["Other"]]


@pytest.mark.parametrize(
    ("bad", "line", "words"),
    [
        (b"{not json\n", 6, "not JSON"),
        (orjson.dumps({"id": "x", "schema": "Vessel", "properties": {"name": ["Ship"]}}), 6, "does not keep Vessel"),
        (orjson.dumps({"id": "x", "schema": "Spaceship", "properties": {}}), 6, "unknown FollowTheMoney schema"),
        (
            orjson.dumps({"id": "x", "schema": "Person", "properties": {"shoeSize": ["44"]}}),
            6,
            "no property 'shoeSize'",
        ),
        (
            orjson.dumps({"id": "x", "schema": "Person", "properties": {"name": ["A"], "birthDate": ["1984-13-40"]}}),
            6,
            "birthDate",
        ),
        (
            orjson.dumps({"id": "x", "schema": "Person", "properties": {"name": ["A"], "nationality": ["narnia"]}}),
            6,
            "nationality",
        ),
        (orjson.dumps({"id": "x", "schema": "Person", "properties": {"birthDate": ["1984"]}}), 6, "at least one name"),
        (
            orjson.dumps(
                {"id": "m9", "schema": "Membership", "properties": {"member": ["p1"], "organization": ["zz"]}}
            ),
            6,
            "no entity 'zz'",
        ),
        (orjson.dumps({"id": "p1", "schema": "Person", "properties": {"name": ["Twin"]}}), 6, "appears twice"),
    ],
)
def test_a_bad_line_refuses_the_whole_file(bank: BankWorld, bad: bytes, line: int, words: str) -> None:
    with pytest.raises(ImportRefused) as err:
        load(bank, [*lines(FILE), bad])
    assert err.value.errors[0]["line"] == line and words in err.value.detail
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 0


def test_oversize_stream(bank: BankWorld) -> None:
    with pytest.raises(TooLarge), transaction(bank.sessions) as s:
        import_ftm(s, actor=bank["fr.analyst"], lines=lines(FILE), defaults=Defaults(legal_basis="x"), max_bytes=200)
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 0
