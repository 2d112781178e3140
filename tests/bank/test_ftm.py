"""FollowTheMoney JSON lines: round trip, relations, and bad lines refused whole."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import func, select, text

from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.bank_import import Defaults, DelistingGuard, ImportRefused, import_ftm
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.marking import Marking
from liaison.models import BankEntity, Statement
from liaison.queries.bank_access import viewer_for
from liaison.queries.bank_export import export_ftm
from tests.bank.conftest import BankWorld, plain

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


def load(  # type: ignore[no-untyped-def]
    bank: BankWorld,
    records: list[dict] | list[bytes],
    who: str = "fr.analyst",
    dataset: str | None = None,
    guard: DelistingGuard | None = None,
    **kw: object,
):
    raw = records if records and isinstance(records[0], bytes) else lines(records)  # type: ignore[arg-type]
    defaults = Defaults(source="DGSI file 7", reliability="B", credibility="2", legal_basis="Art. 18", **kw)  # type: ignore[arg-type]
    with transaction(bank.sessions) as s:
        imp = import_ftm(
            s, actor=bank[who], lines=raw, filename="x.ftm.json", defaults=defaults, dataset=dataset, guard=guard
        )
        s.expunge(imp)
    return imp


def export(bank: BankWorld, who: str, max_marking: str | None = "RED") -> list[dict]:
    """What ``who`` exports (everything they may see, unless ``max_marking`` says less), as plain FtM entities."""
    return plain(raw_export(bank, who, max_marking))


def raw_export(bank: BankWorld, who: str, max_marking: str | None = "RED") -> list[dict]:
    with bank.sessions() as s:
        return [orjson.loads(x) for x in export_ftm(s, viewer_for(s, bank[who]), max_marking)]


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
    load(bank, [orjson.dumps(r) for r in raw_export(bank, "fr.analyst")], dataset="again")  # the export imports
    # again (another dataset: the export's ids are not the file's), and exports the same picture
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
        (
            orjson.dumps(
                {"id": "s1", "schema": "Person", "statements": [{"prop": "name", "value": "A", "grade": 2}]}
            ),
            6,
            "name: a statement's 'grade' is text",
        ),
        (
            orjson.dumps(
                {
                    "id": "s2",
                    "schema": "Person",
                    "statements": [{"prop": "name", "value": "A"}],
                    "liaison": {"review_date": ["2030-01-01"]},
                }
            ),
            6,
            "liaison.review_date is text",
        ),
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


def _statements(bank: BankWorld) -> list[tuple[str, str, bool]]:
    with bank.sessions() as s:
        rows = s.execute(select(Statement.prop, Statement.value, Statement.retracted_at.is_not(None)))
        return sorted((p, v, r) for p, v, r in rows)


def test_reimport_updates_in_place(bank: BankWorld) -> None:
    first = load(bank, FILE)
    assert first.report["list"].endswith(":x") and first.added == 3
    again = load(bank, FILE)  # the same file again: nothing new, nothing duplicated
    assert (again.added, again.changed, again.unchanged, again.delisted) == (0, 0, 3, 0)
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 3
        assert s.scalar(select(func.count()).select_from(Statement)) == 14
    newer = [dict(r, properties=dict(r["properties"])) for r in FILE if r["id"] not in ("a1", "l1")]
    newer[1]["properties"]["birthDate"] = ["1985"]  # p1: one value changed
    newer[2]["properties"]["role"] = ["financier"]  # the membership's note changed
    third = load(bank, newer, guard=DelistingGuard(allow=True))  # 1 of 3 delisted: over the 10% share
    assert (third.added, third.changed, third.unchanged, third.delisted) == (0, 2, 0, 1)
    changed = {c["reference"]: (c["added"], c["retracted"]) for c in third.report["changed"]}
    assert changed == {"p1": (2, 2), "g1": (0, 1)}  # g1 lost its link to the address (trains_at)
    assert third.report["delisted"] == ["a1"]
    rows = _statements(bank)
    assert ("birthDate", "1984-03-02", True) in rows and ("birthDate", "1985", False) in rows
    assert ("member_of", "treasurer", True) in rows and ("member_of", "financier", False) in rows
    with bank.sessions() as s:
        statuses = dict(s.execute(select(BankEntity.schema, BankEntity.status)).all())
        assert statuses == {"Organization": "active", "Person": "active", "Address": "delisted"}
    back = load(bank, FILE)  # the address is listed again (re-activated), its link comes back as a new value
    assert back.delisted == 0 and back.added == 0
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).where(BankEntity.status == "delisted")) == 0
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 3


def test_datasets_are_kept_apart(bank: BankWorld) -> None:
    load(bank, FILE)
    with transaction(bank.sessions) as s:
        other = import_ftm(
            s, actor=bank["fr.analyst"], lines=lines(FILE), filename="x.ftm.json", dataset="partner-list",
            defaults=Defaults(legal_basis="Art. 18"),
        )  # fmt: skip
        assert other.added == 3 and other.report["list"].endswith(":partner-list")
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 6
    with pytest.raises(InvalidInput), transaction(bank.sessions) as s:
        import_ftm(s, actor=bank["fr.analyst"], lines=lines(FILE), dataset="no spaces", defaults=Defaults())


def test_another_organisation_does_not_update_the_dataset(bank: BankWorld) -> None:
    load(bank, FILE)
    theirs = load(bank, FILE, who="de.analyst")
    assert theirs.added == 3 and theirs.changed == 0  # same file name, but their own contribution
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 6


def test_a_big_load_in_batches(bank: BankWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small batches and index rebuilding (as a big file would trigger them), then a refused file."""
    from liaison.actions import bank_bulk

    monkeypatch.setattr(bank_bulk, "BATCH", 7)
    monkeypatch.setattr(bank_bulk, "DROP_INDEXES_AFTER", 10)
    people = [
        {"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Person {i}"], "alias": [f"Alias {i}"],
         "birthDate": [str(1950 + i)], "nationality": ["de"]}}
        for i in range(40)
    ]  # fmt: skip
    imp = load(bank, people)
    assert imp.added == 40
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Statement)) == 160
        assert s.scalar(select(func.count()).where(Statement.prop == "name", Statement.value == "Person 7")) == 1
    bad = [*lines([{**p, "id": f"q{p['id']}"} for p in people]), b"{oops\n"]
    with pytest.raises(ImportRefused):
        load(bank, bad)
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 40
        if s.get_bind().dialect.name == "sqlite":
            indexes = {n for (n,) in s.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
            assert "ix_bank_statements_prop_value" in indexes


def test_the_export_is_ftm_statement_form_that_followthemoney_reads(bank: BankWorld) -> None:
    from followthemoney.dataset import Dataset
    from followthemoney.statement import StatementEntity

    load(bank, FILE)
    dataset = Dataset.make({"name": "liaison", "title": "Liaison export"})
    lines = raw_export(bank, "fr.analyst")
    for line, ours in zip(lines, plain(lines), strict=True):
        entity = StatementEntity(dataset, line)
        assert entity.schema.name == ours["schema"]
        assert {p: sorted(v) for p, v in entity.properties.items()} == {
            p: sorted(v) for p, v in ours["properties"].items()
        }
        assert all(s["marking"] == "TLP:AMBER" and s["grade"] == "B2" for s in line["statements"])
