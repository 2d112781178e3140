"""A re-import that would delist much of a list (an empty or truncated file) is refused with the figures unless
allowed; a dry run reports without writing. FollowTheMoney snapshots, the command line (exit codes, messages)
and the API; the UN list's own cases are in test_import_un.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from liaison.actions.bank_import import Defaults, DelistingGuard, MassDelisting, import_ftm, run_import
from liaison.cli import app
from liaison.data import UN_LIST_2017
from liaison.db import make_engine, make_session_factory
from liaison.models import AuditEvent, BankEntity, BankImport, ListReference, Statement
from tests.bank.conftest import BankWorld
from tests.conftest import Api

DATA = UN_LIST_2017.read_bytes()
EMPTY = b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"
PEOPLE = [
    {
        "id": f"p{i:02}",
        "schema": "Person",
        "properties": {"name": [f"Watched Person {i}"], "birthDate": [str(1960 + i)]},
    }
    for i in range(20)
]
runner = CliRunner()


def lines(records: list[dict]) -> list[bytes]:
    return [orjson.dumps(r) + b"\n" for r in records]


def snapshot(bank: BankWorld, records: list[dict], guard: DelistingGuard | None = None, dry: bool = False) -> dict:
    guard = guard or DelistingGuard(dry_run=dry)

    def work(s):  # type: ignore[no-untyped-def]
        return import_ftm(
            s, actor=bank["fr.analyst"], lines=lines(records), filename="watch.ftm.json",
            defaults=Defaults(legal_basis="Art. 18"), dataset="watch", guard=guard,
        )  # fmt: skip

    return run_import(bank.sessions, actor=bank["fr.analyst"], work=work, dry_run=dry)


def state(bank: BankWorld) -> tuple[object, ...]:
    with bank.sessions() as s:
        return (
            sorted(s.execute(select(BankEntity.id, BankEntity.status)).all()),
            sorted(s.execute(select(Statement.id, Statement.retracted_at)).all()),
            sorted(s.execute(select(ListReference.reference, ListReference.delisted_on)).all()),
            s.scalar(select(func.count()).select_from(BankImport)),
        )


def refusals(sessions) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.import_refused")))


def test_an_ftm_snapshot_that_leaves_out_most_of_the_dataset_is_refused(bank: BankWorld) -> None:
    assert snapshot(bank, PEOPLE)["added"] == 20
    before = state(bank)
    for records, delisting in (([], 20), (PEOPLE[:10], 10), (PEOPLE[:17], 3)):
        with pytest.raises(MassDelisting) as err:
            snapshot(bank, records)
        assert (err.value.extra["delisting"], err.value.extra["active"]) == (delisting, 20)
        assert err.value.extra["list"].endswith(":watch") and err.value.extra["kind"] == "ftm"
        assert f"would delist {delisting} of the 20 active entries" in err.value.detail
    assert state(bank) == before
    assert [e.details["delisting"] for e in refusals(bank.sessions)] == [20, 10, 3]
    assert snapshot(bank, PEOPLE[:18])["delisted"] == 2  # 10%: not more than the share


def test_an_ftm_dry_run_reports_and_writes_nothing_and_the_flag_allows(bank: BankWorld) -> None:
    snapshot(bank, PEOPLE)
    snapshot(bank, PEOPLE[1:])  # p00 delisted (1 of 20)
    before = state(bank)
    changed = [
        dict(p, properties={**p["properties"], "birthDate": ["1999"]}) if p["id"] == "p05" else p for p in PEOPLE
    ]
    report = snapshot(bank, [*changed[:-3], {"id": "new", "schema": "Person", "properties": {"name": ["Newcomer"]}}],
                      dry=True)  # fmt: skip
    assert report["dry_run"] is True and report["id"] is None
    assert (report["added"], report["changed"], report["delisted"], report["relisted"]) == (1, 2, 3, 1)
    assert report["report"]["delisted"] == ["p17", "p18", "p19"]
    mass = report["report"]["mass_delisting"]  # 3 of 19 active is over 10%: a dry run reports it, not refuses
    assert (mass["delisting"], mass["active"], mass["allowed"]) == (3, 19, False)
    assert state(bank) == before and refusals(bank.sessions) == []
    allowed = snapshot(bank, PEOPLE[:5], guard=DelistingGuard(allow=True))
    assert (allowed["delisted"], allowed["relisted"], allowed["report"]["mass_delisting"]["delisting"]) == (15, 1, 15)


def _cli(url: str, *args: str, **env: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test", **env})


def test_cli_refuses_with_the_figures_exit_1_and_the_flags(world_db_url: str, tmp_path: Path) -> None:
    full, empty, fewer = tmp_path / "full.xml", tmp_path / "empty.xml", tmp_path / "fewer.xml"
    full.write_bytes(DATA)
    empty.write_bytes(EMPTY)
    fewer.write_bytes(re.sub(rb"<INDIVIDUAL><DATAID>6908576</DATAID>.*?</INDIVIDUAL>", b"", DATA, flags=re.S))
    r = _cli(world_db_url, "import", "un-sc", str(full))
    assert r.exit_code == 0 and "1021 added" in r.output, r.output
    r = _cli(world_db_url, "import", "un-sc", str(empty))
    assert r.exit_code == 1
    assert "this import would delist 1,021 of the 1,021 active entries of un-sc (100.0%), over the limit of 10%" in (
        r.output
    )
    assert "nothing was imported" in r.output and "--allow-mass-delisting" in r.output
    r = _cli(world_db_url, "import", "un-sc", str(fewer), "--dry-run")
    assert r.exit_code == 0
    assert "dry run of a un-sc import (nothing was written): 0 added, 0 changed, 1020 unchanged, 1 delisted" in (
        r.output
    )
    r = _cli(world_db_url, "import", "un-sc", str(empty), "--dry-run", "--json")
    assert r.exit_code == 1  # the import itself would be refused
    out = json.loads(r.stdout)
    assert out["dry_run"] is True and out["delisted"] == 1021 and out["report"]["mass_delisting"]["allowed"] is False
    assert "the import would be refused" in r.stderr
    r = _cli(world_db_url, "import", "un-sc", str(fewer), LIAISON_IMPORT_MAX_DELISTED_SHARE="0.0005")
    assert r.exit_code == 1 and "(0.1%), over the limit of 0.05%" in r.output  # 1 of 1,021
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as s:
            assert s.scalar(select(func.count()).where(BankEntity.status == "delisted")) == 0
            assert s.scalar(select(func.count()).select_from(BankImport)) == 1
        assert len(refusals(sessions)) == 2  # the dry run is no attempt
        r = _cli(world_db_url, "import", "un-sc", str(empty), "--allow-mass-delisting")
        assert r.exit_code == 0 and "1021 delisted" in r.output and "as --allow-mass-delisting allowed" in r.output
        with sessions() as s:
            assert s.scalar(select(func.count()).where(BankEntity.status == "delisted")) == 1021
    finally:
        engine.dispose()


def test_cli_ftm_snapshot_and_the_size_setting(world_db_url: str, tmp_path: Path) -> None:
    full, half = tmp_path / "watch.json", tmp_path / "watch-half.json"
    full.write_bytes(b"".join(lines(PEOPLE)))
    half.write_bytes(b"".join(lines(PEOPLE[:10])))
    args = ("import", "ftm", "--as", "fr.analyst", "--legal-basis", "Art. 18", "--dataset", "watch")
    assert _cli(world_db_url, *args, str(full)).exit_code == 0
    r = _cli(world_db_url, *args, str(half))
    assert r.exit_code == 1 and "would delist 10 of the 20 active entries" in r.output
    r = _cli(world_db_url, *args, str(half), "--dry-run")
    assert r.exit_code == 1 and "0 added, 0 changed, 10 unchanged, 10 delisted, 0 relisted" in r.output
    r = _cli(world_db_url, *args, str(half), "--allow-mass-delisting", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["delisted"] == 10
    un = tmp_path / "un.xml"
    un.write_bytes(DATA)
    r = _cli(world_db_url, "import", "un-sc", str(un), LIAISON_IMPORT_MAX_BYTES="4096")
    assert r.exit_code == 1 and "over the import limit of 4,096 (LIAISON_IMPORT_MAX_BYTES)" in r.output


def test_api_refuses_409_dry_run_and_allow(api: Api) -> None:
    fr = api.as_("fr.analyst")
    assert fr.post("/api/v1/bank/imports/un-sc", content=DATA).status_code == 201
    r = fr.post("/api/v1/bank/imports/un-sc", content=EMPTY)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "mass_delisting" and (body["delisting"], body["active"]) == (1021, 1021)
    assert (body["share"], body["threshold"]) == (1.0, 0.1) and "nothing was imported" in body["detail"]
    r = fr.post("/api/v1/bank/imports/un-sc", params={"dry_run": "true"}, content=EMPTY)
    assert r.status_code == 200 and r.json()["dry_run"] is True and r.json()["delisted"] == 1021
    assert r.json()["report"]["mass_delisting"]["allowed"] is False
    assert len(fr.get("/api/v1/bank/imports").json()) == 1  # neither the refusal nor the dry run left an import
    assert [e.details["delisting"] for e in refusals(api.sessions)] == [1021]
    r = fr.post("/api/v1/bank/imports/un-sc", params={"allow_mass_delisting": "true"}, content=EMPTY)
    assert r.status_code == 201 and r.json()["delisted"] == 1021


def test_api_import_limit_is_the_setting(world_db_url: str, databases) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from liaison.app import create_app
    from liaison.settings import load_settings

    _world, tokens = databases.extra["world"]
    settings = load_settings(database_url=world_db_url, env="test", base_url="http://testserver", import_max_bytes=4096)
    with TestClient(create_app(settings)) as client:
        r = client.post(
            "/api/v1/bank/imports/un-sc", content=DATA, headers={"Authorization": f"Bearer {tokens['fr.analyst']}"}
        )
    assert r.status_code == 413 and r.json()["code"] == "too_large"
