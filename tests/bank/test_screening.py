"""Screening: runs and hits stored and audited, only visible names screened, decisions remembered for the next
run of the same name by the same organisation; and the CLI (`liaison screen`, `search`, `bank show`)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from liaison.actions.screening import decide, query_key, screen
from liaison.cli import app
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound, PermissionDenied
from liaison.matching import DEFAULT, Query
from liaison.models import AuditEvent, ScreeningDecision, ScreeningHit, ScreeningRun
from tests.bank.conftest import BankWorld
from tests.bank.test_search import Fictional, build_fictional

runner = CliRunner()


@pytest.fixture
def world(bank: BankWorld) -> Fictional:
    return build_fictional(bank.sessions, bank.people)


def _screen(bank: BankWorld, who: str, *queries: Query, **kw: object) -> tuple[uuid.UUID, list[dict[str, object]]]:
    with transaction(bank.sessions) as s:
        run, lines = screen(s, actor=bank[who], queries=list(queries), **kw)  # type: ignore[arg-type]
        return run.id, lines


def _first(lines: list[dict[str, object]], query_id: str) -> dict[str, object]:
    line = next(x for x in lines if x["query_id"] == query_id)
    return line["matches"][0]  # type: ignore[index,no-any-return]


def test_screening_stores_the_run_and_its_hits_and_audits(bank: BankWorld, world: Fictional) -> None:
    run_id, lines = _screen(
        bank,
        "jp.screener",
        Query("a", "BENALI, Karim", "1975", "DZ"),
        Query("b", "Nobody Atall Unknownson"),
        top=3,
    )
    assert [x["query_id"] for x in lines] == ["a", "b"]
    m = _first(lines, "a")
    assert set(m) == {"entity_id", "reference", "name", "score", "match", "explanation"}
    assert m["entity_id"] == str(world.karim) and m["reference"] == str(world.karim) and m["match"] is True
    assert 0 < m["score"] <= 1  # type: ignore[operator]
    assert m["explanation"]["matched_name"] and m["explanation"]["features"]  # type: ignore[index]
    assert all(not x["match"] for x in lines[1]["matches"])  # type: ignore[union-attr]
    with bank.sessions() as s:
        run = s.get(ScreeningRun, run_id)
        assert run is not None and run.query_count == 2 and run.match_count == 1 and run.by_name == "jp.screener"
        assert run.algorithm.startswith(f"{DEFAULT}@") and run.finished_at is not None
        assert s.scalar(select(func.count()).select_from(ScreeningHit).where(ScreeningHit.run_id == run_id)) >= 1
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "bank.screening"))
        assert event is not None and event.target_id == str(run_id) and event.details["queries"] == 2


def test_screening_only_sees_names_the_screener_may_see(bank: BankWorld, world: Fictional) -> None:
    _, theirs = _screen(bank, "fr.analyst", Query("y", "Youssef Haddad"))
    assert _first(theirs, "y")["entity_id"] == str(world.youssef)
    for who in ("jp.screener", "de.analyst"):
        _, lines = _screen(bank, who, Query("y", "Youssef Haddad", nationality="DZ"), top=10)
        assert all(m["entity_id"] != str(world.youssef) for m in lines[0]["matches"])  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        _screen(bank, "fr.cp", Query("y", "Youssef Haddad"))


def test_a_decision_changes_the_next_run_of_the_same_name_for_the_organisation(
    bank: BankWorld, world: Fictional
) -> None:
    _, lines = _screen(bank, "de.analyst", Query("1", "Karim Benali"))
    assert _first(lines, "1")["match"] is True
    with bank.sessions() as s:
        hit_id = s.scalar(select(ScreeningHit.id).where(ScreeningHit.entity_id == world.karim))
    assert hit_id is not None
    with transaction(bank.sessions) as s:
        hit = decide(s, actor=bank["de.analyst"], hit_id=hit_id, verdict="false_match", note="older man, other town")
        assert hit.match is False and hit.decision == "false_match"
    # The same name, written another way, by the same organisation: the decision applies.
    _, again = _screen(bank, "de.analyst", Query("2", "BENALI,  karim"))
    m = _first(again, "2")
    assert m["entity_id"] == str(world.karim) and m["match"] is False
    assert m["explanation"]["decision"]["text"].startswith("decided false match by de.analyst on ")  # type: ignore[index]
    # Another organisation keeps its own judgement.
    _, other = _screen(bank, "jp.screener", Query("3", "Karim Benali"))
    assert _first(other, "3")["match"] is True and "decision" not in _first(other, "3")["explanation"]  # type: ignore[operator]
    # Deciding again replaces the verdict.
    with bank.sessions() as s:
        second = s.scalar(select(ScreeningHit.id).where(ScreeningHit.query_id == "2"))
    with transaction(bank.sessions) as s:
        decide(s, actor=bank["de.analyst"], hit_id=second, verdict="true_match")  # type: ignore[arg-type]
    _, third = _screen(bank, "de.analyst", Query("4", "Karim Benali"))
    assert _first(third, "4")["match"] is True
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ScreeningDecision)) == 1
        assert s.scalar(select(func.count()).where(AuditEvent.action == "bank.decision")) == 2


def test_only_analysts_of_the_runs_organisation_decide(bank: BankWorld, world: Fictional) -> None:
    _screen(bank, "jp.screener", Query("1", "Karim Benali"))
    with bank.sessions() as s:
        hit_id = s.scalar(select(ScreeningHit.id))
    assert hit_id is not None
    with pytest.raises(PermissionDenied, match="only an analyst"), transaction(bank.sessions) as s:
        decide(s, actor=bank["jp.screener"], hit_id=hit_id, verdict="true_match")
    with pytest.raises(NotFound), transaction(bank.sessions) as s:  # another organisation's run
        decide(s, actor=bank["de.analyst"], hit_id=hit_id, verdict="true_match")
    with pytest.raises(NotFound), transaction(bank.sessions) as s:
        decide(s, actor=bank["de.analyst"], hit_id=uuid.uuid4(), verdict="true_match")


def test_bad_parameters_are_refused(bank: BankWorld, world: Fictional) -> None:
    for kw in ({"top": 0}, {"threshold": 1.5}, {"algorithm": "soundex"}):
        with pytest.raises(InvalidInput):
            _screen(bank, "jp.screener", Query("1", "Karim Benali"), **kw)
    with pytest.raises(InvalidInput, match="unique"):
        _screen(bank, "jp.screener", Query("1", "A"), Query("1", "B"))


def test_query_key_ignores_order_case_and_particles() -> None:
    assert query_key("BENALI, Karim") == query_key("karim  benali")
    assert query_key("Abdallah al-Tubasi") == query_key("TUBASI, Abdallah Al")


# -- the CLI --


def _cli(bank: BankWorld, *args: str):  # type: ignore[no-untyped-def]
    env = {"LIAISON_DATABASE_URL": bank.url, "LIAISON_ENV": "test"}  # the secret: the run's own (tests/conftest.py)
    return runner.invoke(app, list(args), env=env)


def test_cli_screen_prints_json_lines_and_honest_exit_codes(bank: BankWorld, world: Fictional, tmp_path: Path) -> None:
    csv = tmp_path / "names.csv"
    csv.write_text("id,name,birth_date,nationality\nq1,Karim Benali,1975,DZ\nq2,Youssef Haddad,,\n", encoding="utf-8")
    r = _cli(bank, "screen", str(csv), "--json", "--top", "2")
    assert r.exit_code == 0, r.output
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["query_id"] for x in lines] == ["q1", "q2"]
    assert set(lines[0]) == {"query_id", "matches"}
    assert set(lines[0]["matches"][0]) == {"entity_id", "reference", "name", "score", "match", "explanation"}
    assert lines[0]["matches"][0]["entity_id"] == str(world.karim)
    # The operator sees every marking: the strict French record is found too.
    assert lines[1]["matches"][0]["entity_id"] == str(world.youssef)
    assert "screened 2/2" in r.stderr and "matched" in r.stderr
    assert _cli(bank, "screen", str(csv), "--fail-on-match").exit_code == 3
    table = _cli(bank, "screen", "run", str(csv), "--as", "jp.screener")
    assert table.exit_code == 0 and "Karim Benali" in table.stdout
    assert table.stdout.split("q2  Youssef Haddad\n", 1)[1].strip() == "(no candidate)"  # strict: not for Japan
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,nationality\nq1,Karim,Atlantis\n")
    r = _cli(bank, "screen", str(bad))
    assert r.exit_code == 1 and "line 2" in r.stderr and "Atlantis" in r.stderr
    assert _cli(bank, "screen", str(tmp_path / "missing.csv")).exit_code == 2
    assert _cli(bank, "screen", str(csv), "--top", "0").exit_code == 2


def test_cli_search_show_and_decide(bank: BankWorld, world: Fictional, tmp_path: Path) -> None:
    r = _cli(bank, "search", "كريم بن علي", "--json", "--as", "jp.screener")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["entity_id"] == str(world.karim)
    r = _cli(bank, "search", "--nationality", "DZ", "--as", "jp.screener")
    assert r.exit_code == 0 and "Karim Benali" in r.stdout and "Youssef" not in r.stdout
    r = _cli(bank, "bank", "show", str(world.karim), "--json", "--as", "jp.screener")
    assert r.exit_code == 0 and json.loads(r.stdout)["caption"] == "Karim Benali"
    assert "1975-03-14" in _cli(bank, "bank", "show", str(world.karim)).stdout
    r = _cli(bank, "bank", "show", str(world.youssef), "--as", "jp.screener")
    assert r.exit_code == 1 and "no entity" in r.stderr
    with bank.sessions() as s:
        views = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.entity.view")))
    assert [(v.actor_name, v.via) for v in views] == [("jp.screener", "cli"), ("operator (cli)", "cli")]
    csv = tmp_path / "one.csv"
    csv.write_text("id,name\nq1,Karim Benali\n")
    assert _cli(bank, "screen", str(csv), "--as", "de.analyst").exit_code == 0
    with bank.sessions() as s:
        hit_id = s.scalar(select(ScreeningHit.id).where(ScreeningHit.entity_id == world.karim))
    r = _cli(bank, "screen", "decide", str(hit_id), "false", "--as", "jp.screener")
    assert r.exit_code == 1  # another organisation's run: not found
    r = _cli(bank, "screen", "decide", str(hit_id), "false", "--as", "de.analyst", "--note", "not him")
    assert r.exit_code == 0, r.output and "false_match" in r.stdout
    r = _cli(bank, "screen", str(csv), "--json", "--as", "de.analyst")
    m = json.loads(r.stdout.splitlines()[0])["matches"][0]
    assert m["match"] is False and "decided false match by de.analyst" in m["explanation"]["decision"]["text"]


def test_a_hit_whose_entity_became_hidden_looks_like_an_unknown_hit(bank: BankWorld, world: Fictional) -> None:
    """The German analyst saw Youssef through a name the French unit shared as AMBER, then withdrew: deciding on
    that hit must not tell the German analyst that a hidden entity stands behind it."""
    from liaison.actions.bank import StatementInput, add_statement, retract_statement

    with transaction(bank.sessions) as s:
        name = StatementInput("name", "Youssef Haddad", name_kind="primary")
        shared = add_statement(s, actor=bank["fr.analyst"], entity_id=world.youssef, statement=name).id
    _, lines = _screen(bank, "de.analyst", Query("1", "Youssef Haddad"))
    assert _first(lines, "1")["entity_id"] == str(world.youssef)
    with bank.sessions() as s:
        hit_id = s.scalar(select(ScreeningHit.id).where(ScreeningHit.entity_id == world.youssef))
    assert hit_id is not None
    with transaction(bank.sessions) as s:
        retract_statement(s, actor=bank["fr.analyst"], statement_id=shared)
    unknown = uuid.uuid4()
    with pytest.raises(NotFound) as hidden_error, transaction(bank.sessions) as s:
        decide(s, actor=bank["de.analyst"], hit_id=hit_id, verdict="true_match")
    with pytest.raises(NotFound) as unknown_error, transaction(bank.sessions) as s:
        decide(s, actor=bank["de.analyst"], hit_id=unknown, verdict="true_match")
    assert str(hidden_error.value).replace(str(hit_id), "ID") == str(unknown_error.value).replace(str(unknown), "ID")
    assert str(world.youssef) not in str(hidden_error.value)
