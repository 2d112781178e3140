"""A file that leaves the bank is a disclosure: an export carries only what its audience may receive, and a
full export carries every value's marking, grade, source and contributor, and every entity's list references,
so that another node's import gives back the same bank (issue 9, items 2 and 4).

The source node is the demo (its fictional records, among them a TLP:RED passport number and an AMBER+STRICT
code name, and the 2017 UN list); the other node has the same directory and an empty bank."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from liaison.actions.bank_import import Defaults, import_csv, import_ftm, import_un_list
from liaison.cli import app
from liaison.data import UN_LIST_2017
from liaison.db import make_engine, make_session_factory, transaction
from liaison.demo_bank import _analyst
from liaison.models import (
    AuditEvent,
    BankChange,
    BankEntity,
    BankImport,
    ListReference,
    MergeProposal,
    ScreeningDecision,
    ScreeningHit,
    ScreeningRun,
    Statement,
)
from liaison.models.analysis import Incident, Transaction
from liaison.models.bank import releasable_codes
from liaison.queries.bank import search
from liaison.queries.bank_access import viewer_for
from liaison.queries.bank_export import export_csv, export_ftm
from tests.conftest import OPERATOR, Databases, load_demo_into

SECRETS = ("X4471920", "Le Comptable")  # the demo's TLP:RED passport number and AMBER+STRICT code name
runner = CliRunner()


class Node:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)


def _empty_bank(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        for model in (
            Incident,
            Transaction,
            ScreeningHit,
            ScreeningDecision,
            ScreeningRun,
            MergeProposal,
            Statement,
            ListReference,
        ):
            s.execute(delete(model))
        s.execute(update(BankEntity).values(merged_into_id=None))
        for model in (BankEntity, BankImport, BankChange):
            s.execute(delete(model))


@pytest.fixture
def source(demo_db_url: str) -> Iterator[Node]:
    node = Node(demo_db_url)
    yield node
    node.engine.dispose()


@pytest.fixture
def other(databases: Databases, tmp_path: Path) -> Iterator[Node]:
    """Another node: the same directory, nothing in its bank."""
    (tmp_path / "other").mkdir()
    node = Node(databases.clone("demo", load_demo_into, tmp_path / "other"))
    _empty_bank(node.sessions)
    yield node
    node.engine.dispose()


def ftm_export(node: Node, max_marking: str | None) -> list[bytes]:
    with node.sessions() as s:
        return [line.encode() for line in export_ftm(s, viewer_for(s, OPERATOR), max_marking)]


def csv_export(node: Node, max_marking: str | None) -> str:
    with node.sessions() as s:
        return "".join(export_csv(s, viewer_for(s, OPERATOR), max_marking))


def ftm_import(node: Node, lines: list[bytes], actor: object = OPERATOR) -> BankImport:
    with transaction(node.sessions) as s:
        imp = import_ftm(s, actor=actor, lines=lines, filename="demo.ftm.json", defaults=Defaults(legal_basis="x"))  # type: ignore[arg-type]
        s.expunge(imp)
    return imp


Provenance = tuple[object, ...]


def statements(node: Node, ids: dict[uuid.UUID, uuid.UUID] | None = None) -> Counter[Provenance]:
    """Every current statement with its whole provenance; entities by ``ids`` (this node's id -> source's)."""
    found: Counter[Provenance] = Counter()
    columns = (
        Statement.entity_id, Statement.prop, Statement.value, Statement.name_kind, Statement.object_id,
        Statement.tlp, Statement.originator_control, Statement.purpose, Statement.releasable_to,
        Statement.reliability + Statement.credibility, Statement.source, Statement.observed_on,
        Statement.contributor_organisation_id,
    )  # fmt: skip
    with node.sessions() as s:
        for row in s.execute(select(*columns).where(Statement.retracted_at.is_(None))):
            entity, prop, value, kind, obj, tlp, oc, purpose, rel, grade, src, observed, contributor = row
            if ids is not None:
                entity, obj = ids[entity], ids[obj] if obj else None
            key = (entity, prop, value, kind, obj, tlp, oc, purpose, releasable_codes(rel), grade, src, observed)
            found[(*key, contributor)] += 1
    return found


def source_ids(node: Node) -> dict[uuid.UUID, uuid.UUID]:
    """This node's entity -> the source node's, through the reference the import kept (the source's id)."""
    with node.sessions() as s:
        rows = s.execute(
            select(ListReference.entity_id, ListReference.reference).where(ListReference.list_name.like("ftm:%"))
        )
        return {eid: uuid.UUID(ref) for eid, ref in rows}


def test_the_default_export_holds_nothing_stricter_than_green(source: Node) -> None:
    lines = ftm_export(source, None)
    text = b"".join(lines).decode()
    assert not any(secret in text for secret in SECRETS)
    markings = Counter(st["marking"] for line in lines for st in orjson.loads(line)["statements"])
    assert set(markings) == {"TLP:CLEAR", "TLP:GREEN"}  # every value says so, and nothing else left
    rows = list(csv.DictReader(io.StringIO(csv_export(source, None))))
    assert rows and {r["marking"] for r in rows} == {"TLP:CLEAR", "TLP:GREEN"}
    assert not any(secret in str(r) for r in rows for secret in SECRETS)
    with source.sessions() as s:  # the AMBER demo records did not leave (their GREEN notes alone do not name them)
        assert s.scalar(select(func.count()).where(Statement.value == "Karim Haddar")) == 1
    assert "Karim Haddar" not in text


def test_a_full_export_round_trips_every_marking_grade_source_and_contributor(source: Node, other: Node) -> None:
    lines = ftm_export(source, "RED")
    text = b"".join(lines).decode()
    assert all(secret in text for secret in SECRETS)
    imp = ftm_import(other, lines)
    assert imp.refused == 0 and imp.report["references_count"] > 1000
    assert statements(other, source_ids(other)) == statements(source)
    with other.sessions() as s:  # spelled out for the two secrets
        code = s.scalar(select(Statement).where(Statement.value == "Le Comptable"))
        assert code is not None and (code.name_kind, code.tlp, code.grade) == ("code_name", "AMBER+STRICT", "A2")
        passport = s.scalar(select(Statement).where(Statement.value.startswith("X4471920")))
        assert passport is not None and passport.marking.label == "TLP:RED, REL TO FR" and passport.grade == "A1"
        assert passport.contributor_organisation_id != code.contributor_organisation_id
    again = ftm_import(other, lines)  # the same dataset again: found by the source's ids, nothing new
    assert (again.added, again.changed, again.delisted) == (0, 0, 0)
    assert statements(other, source_ids(other)) == statements(source)


def test_an_analysts_import_keeps_the_markings_and_is_their_contribution(source: Node, other: Node) -> None:
    with other.sessions() as s:
        french = _analyst(s, "FR")
    assert french is not None
    imp = ftm_import(other, ftm_export(source, "RED"), actor=french)
    assert imp.report["references_not_restored_count"] == 1021  # list membership is the node's to state
    with other.sessions() as s:
        assert s.scalar(select(func.count()).where(ListReference.list_name == "un-sc")) == 0
    mine = statements(other, source_ids(other))
    theirs = statements(source)
    assert sorted(k[:-1] for k in mine.elements()) == sorted(k[:-1] for k in theirs.elements())
    assert {k[-1] for k in mine} == {french.organisation_id}  # an analyst cannot contribute in another's name


def test_the_csv_export_follows_the_same_rule_and_round_trips(source: Node, other: Node) -> None:
    text = csv_export(source, "RED")
    assert all(secret in text for secret in SECRETS)
    with transaction(other.sessions) as s:
        imp = import_csv(s, actor=OPERATOR, data=text.encode(), filename="demo.csv", defaults=Defaults(legal_basis="x"))
        assert imp.refused == 0

    def without_entities(found: Counter[Provenance]) -> Counter[Provenance]:
        # A CSV cell separates values with ';': a value holding one leaves with ',' instead. A relation column
        # names the other entity only: a relation's note stays behind (the FtM export carries it).
        out: Counter[Provenance] = Counter()
        for k, n in found.items():
            value = "" if k[4] is not None else str(k[2]).replace(";", ",")
            out[(k[1], value, k[3], k[4] is not None, *k[5:])] += n
        return out

    assert without_entities(statements(other)) == without_entities(statements(source))
    with other.sessions() as s:
        assert s.scalar(select(func.count()).where(ListReference.list_name == "un-sc")) == 1021


def test_a_round_trip_keeps_list_references_membership_and_the_source_ids(source: Node, other: Node) -> None:
    with transaction(source.sessions) as s:  # one delisted entry, to see that it stays delisted
        ref = s.scalar(select(ListReference).where(ListReference.reference == "QDi.317"))
        assert ref is not None
        ref.delisted_on = date(2020, 1, 2)
        s.execute(update(BankEntity).where(BankEntity.id == ref.entity_id).values(status="delisted"))
        delisted_id = ref.entity_id
    lines = ftm_export(source, None)  # the default export: the UN list is TLP:CLEAR
    ftm_import(other, lines)
    assert ftm_import(other, lines).added == 0  # imported again: found by the source's ids, still delisted

    def listed(node: Node) -> set[tuple[str, str, date | None, date | None]]:
        with node.sessions() as s:
            rows = s.execute(
                select(ListReference.list_name, ListReference.reference, ListReference.listed_on,
                       ListReference.delisted_on).where(ListReference.list_name == "un-sc")
            )  # fmt: skip
            return {(a, b, c, d) for a, b, c, d in rows}

    un = listed(source)
    assert len(un) == 1021 and listed(other) == un
    ids = source_ids(other)
    back = {v: k for k, v in ids.items()}
    with other.sessions() as s:
        found = search(s, OPERATOR, "", list_name="un-sc", limit=5)
        assert len(found) == 5 and {h["reference"] for h in found} <= {ref for _l, ref, _a, _b in un}
        assert s.get(BankEntity, back[delisted_id]).status == "delisted"  # type: ignore[union-attr]
        golani = s.scalar(select(ListReference.entity_id).where(ListReference.reference == "QDi.317"))
        assert golani is not None and ids[golani] == delisted_id  # followed from one node to the other
    with transaction(other.sessions) as s:  # and the UN list itself finds its entries there
        again = import_un_list(s, actor=OPERATOR, data=UN_LIST_2017.read_bytes(), filename="un.xml")
        assert again.added == 0 and again.unchanged + again.changed == 1021


def _cli(node: Node, *args: str):  # type: ignore[no-untyped-def]
    env = {"LIAISON_DATABASE_URL": node.url, "LIAISON_ENV": "test"}  # the secret: the run's own (tests/conftest.py)
    return runner.invoke(app, list(args), env=env)


def test_every_export_is_audited_with_its_audience_and_markings(source: Node, tmp_path: Path) -> None:
    out = tmp_path / "bank.ftm.json"
    r = _cli(source, "export", "ftm", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "audience: the network" in r.stderr and "X4471920" not in out.read_text()
    r = _cli(source, "export", "csv", "--max-marking", "amber+strict", "-o", str(tmp_path / "bank.csv"))
    assert r.exit_code == 0, r.output
    text = (tmp_path / "bank.csv").read_text()
    assert "Le Comptable" in text and "X4471920" not in text  # AMBER+STRICT asked for, RED not
    assert _cli(source, "export", "ftm", "--max-marking", "PURPLE").exit_code == 2
    with source.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.export").order_by(AuditEvent.at)).all()
    assert [(e.details["kind"], e.details["max_marking"]) for e in rows] == [("ftm", None), ("csv", "AMBER+STRICT")]
    assert set(rows[0].details["markings"]) == {"CLEAR", "GREEN"} and "network" in rows[0].details["audience"]
    assert rows[1].details["markings"]["AMBER+STRICT"] >= 1 and "RED" not in rows[1].details["markings"]
