"""Directory import and export: JSON and CSV round trips, idempotence, located errors, limits, API and CLI."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from liaison.actions import accounts, rosters
from liaison.actions import directory as act
from liaison.cli.directory import directory_app
from liaison.db import make_engine, make_session_factory, transaction
from liaison.errors import InvalidInput, PermissionDenied
from liaison.interchange.directory_io import (
    CSV_COLUMNS,
    MAX_BYTES,
    TooLarge,
    export_contacts_csv,
    export_directory,
    import_contacts_csv,
    import_directory,
    load_organisations,
    parse_document,
)
from liaison.models import (
    AuditEvent,
    Channel,
    ContactPoint,
    Designation,
    Member,
    Network,
    Organisation,
    Override,
    Rotation,
    utcnow,
)
from liaison.principal import Principal
from liaison.queries import snapshot
from liaison.queries.duty import duty_answer
from tests.conftest import Databases

ADMIN = Principal(None, "operator", None, None, frozenset({("admin", None)}), via="cli")
NOW = utcnow().replace(microsecond=0)


@dataclass
class Db:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def snap(self) -> snapshot.Snapshot:
        with self.sessions() as session:
            return snapshot.build(session)

    def export(self, networks: list[str] | None = None) -> dict[str, Any]:
        with self.sessions() as session:
            orgs = load_organisations(session)
            return export_directory(snapshot.build(session), networks, organisations=orgs)

    def count(self, model: type) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def counts(self) -> dict[str, int]:
        models = (Network, Member, Organisation, Designation, ContactPoint, Channel, Rotation, Override, AuditEvent)
        return {m.__name__: self.count(m) for m in models}


@pytest.fixture
def new_db(tmp_path: Path, databases: Databases) -> Iterator[Callable[[str], Db]]:
    """Fresh empty databases of the suite's backend (SQLite or PostgreSQL), cloned from the migrated template."""
    made: list[Db] = []

    def make(name: str) -> Db:
        folder = tmp_path / name
        folder.mkdir()
        url = databases.clone("empty", None, folder)
        engine = make_engine(url)
        made.append(Db(url, engine, make_session_factory(engine)))
        return made[-1]

    yield make
    for db in made:
        db.engine.dispose()


def build_directory(db: Db) -> None:
    """Two networks, a secretariat desk, four members (one suspended), rosters with layers and an override."""
    a = ADMIN
    with transaction(db.sessions) as s:
        sec = accounts.create_organisation(s, actor=a, name="FTF Secretariat", kind="secretariat",
                                           agency_kind="international_organisation", short_name="FTF-S")
        act.create_contact_point(s, actor=a, agency=sec, name="FTF Secretariat desk", timezone="Europe/Brussels",
                                 is_24_7=True, languages=["en", "fr"],
                                 channels=[{"kind": "phone", "value": "+32 2 501 11 11"},
                                           {"kind": "email", "value": "ftf@example.org", "label": "duty"}])
        ftf = act.create_network(s, actor=a, code="FTF", name="Foreign terrorist fighters",
                                 description="Returnees", secretariat_id=sec.id)
        vot = act.create_network(s, actor=a, code="VOT", name="Victims of terrorism")
        fr, jp, de = (act.ensure_member(s, actor=a, code=c) for c in ("FR", "JP", "DE"))
        interpol = act.ensure_member(s, actor=a, code="INTERPOL", kind="organisation", name="INTERPOL")
        for m in (fr, jp, de, interpol):
            act.admit_member(s, actor=a, network=ftf, member=m)
        act.admit_member(s, actor=a, network=vot, member=fr)
        dgsi = act.create_agency(s, actor=a, member=fr, name="DGSI", agency_kind="intelligence", short_name="DGSI")
        victims = act.create_agency(s, actor=a, member=fr, name="France Victimes", agency_kind="victim_support")
        npa = act.create_agency(s, actor=a, member=jp, name="National Police Agency", agency_kind="police",
                                short_name="NPA")
        bka = act.create_agency(s, actor=a, member=de, name="BKA", agency_kind="police")
        for net, member, agency in ((ftf, fr, dgsi), (vot, fr, victims), (ftf, jp, npa), (ftf, de, bka)):
            act.designate(s, actor=a, network=net, member=member, agency=agency, source=f"Note verbale {member.code}",
                          designated_on=date(2025, 3, 1))
        desk = act.create_contact_point(s, actor=a, agency=dgsi, name="DGSI permanence", timezone="Europe/Paris",
                                        is_24_7=True, languages=["fr", "en"],
                                        channels=[{"kind": "phone", "value": "01 40 97 00 00"}])
        martin = act.create_contact_point(s, actor=a, agency=dgsi, name="Claire Martin", kind="person",
                                          timezone="Europe/Paris", languages=["fr", "en"],
                                          channels=[{"kind": "mobile", "value": "+33 6 12 34 56 78"},
                                                    {"kind": "email", "value": "c.martin@example.fr"}])
        dubois = act.create_contact_point(s, actor=a, agency=dgsi, name="Luc Dubois", kind="person",
                                          timezone="Europe/Paris", languages=["fr"],
                                          channels=[{"kind": "mobile", "value": "+33 6 98 76 54 32"}])
        act.create_contact_point(s, actor=a, agency=victims, name="France Victimes 116006", timezone="Europe/Paris",
                                 is_24_7=True, languages=["fr"],
                                 channels=[{"kind": "phone", "value": "+33 1 41 83 42 00"}])
        npa_desk = act.create_contact_point(s, actor=a, agency=npa, name="NPA international desk",
                                            timezone="Asia/Tokyo", is_24_7=True, languages=["ja", "en"],
                                            channels=[{"kind": "phone", "value": "+81 3-3581-0141"},
                                                      {"kind": "webhook", "value": "https://npa.example.jp/hook"}])
        old = act.create_contact_point(s, actor=a, agency=npa, name="Old night desk", timezone="Asia/Tokyo")
        act.update_contact_point(s, actor=a, contact_point=old, changes={"is_active": False})
        act.create_contact_point(s, actor=a, agency=bka, name="BKA Lagezentrum", timezone="Europe/Berlin",
                                 is_24_7=True, languages=["de", "en"],
                                 channels=[{"kind": "phone", "value": "+49 30 1234567"}])
        fr_ftf = s.scalar(select(Designation).where(Designation.network_id == ftf.id,
                                                    Designation.member_id == fr.id))
        jp_ftf = s.scalar(select(Designation).where(Designation.network_id == ftf.id,
                                                    Designation.member_id == jp.id))
        rosters.add_rotation(s, actor=a, designation=fr_ftf, participants=[martin.id, dubois.id],
                             timezone="Europe/Paris", start=date(2026, 1, 5), handoff=time(8), name="weekly")
        rosters.add_rotation(s, actor=a, designation=fr_ftf, participants=[desk.id], timezone="Europe/Paris",
                             start=date(2026, 1, 5), handoff=time(0), period="daily", layer=1,
                             window=(time(0), time(6)), weekdays=[5, 6], name="weekend nights")
        rosters.add_override(s, actor=a, designation=fr_ftf, contact_point_id=dubois.id,
                             start=NOW + timedelta(days=1), end=NOW + timedelta(days=2), reason="leave")
        rosters.set_deputy(s, actor=a, designation=fr_ftf, contact_point_id=desk.id)
        rosters.confirm_roster(s, actor=a, designation=fr_ftf)
        rosters.add_rotation(s, actor=a, designation=jp_ftf, participants=[npa_desk.id], timezone="Asia/Tokyo",
                             start=date(2026, 1, 1), handoff=time(9), period="daily")
        code = act.start_channel_verification(s, actor=a, channel=desk.channels[0])
        act.confirm_channel_verification(s, actor=a, code=code)
        act.set_membership_status(s, actor=a, network=ftf, member=de, status="suspended")


@pytest.fixture
def source(new_db: Callable[[str], Db]) -> Db:
    db = new_db("source")
    build_directory(db)
    return db


def duty_answers(db: Db) -> list[dict[str, Any]]:
    snap = db.snap()
    out = []
    for n in sorted(snap.networks.values(), key=lambda n: n.code):
        for code in n.members:
            for hours in (0, 30, 80, 130, 400):
                out.append(duty_answer(snap, n, snap.members[code], NOW + timedelta(hours=hours)).to_json())
    return out


def without_stamp(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def run_import(db: Db, *, doc: dict[str, Any] | None = None, text: str | None = None, actor: Principal = ADMIN,
               dry_run: bool = False) -> Any:
    with transaction(db.sessions) as session:
        if text is not None:
            return import_contacts_csv(session, actor=actor, text=text, dry_run=dry_run)
        return import_directory(session, actor=actor, document=json.loads(json.dumps(doc)), dry_run=dry_run)


def changed_kinds(report: Any) -> dict[str, dict[str, int]]:
    return {k: c for k, c in report.counts.items() if c["added"] or c["updated"]}


# -- JSON -----------------------------------------------------------------------------------------------------------


def test_json_round_trip_into_an_empty_node_gives_the_same_duty_answers(source: Db, new_db: Callable[[str], Db]):
    doc = source.export()
    assert doc["format"] == "liaison-directory" and doc["version"] == 1
    fr = next(m for m in doc["networks"][0]["members"] if m["code"] == "FR")["designation"]
    assert fr["deputy"] == "DGSI permanence" and fr["rotations"][0]["participants"] == ["Claire Martin", "Luc Dubois"]
    target = new_db("target")

    report = run_import(target, doc=doc)

    assert report.counts["networks"]["added"] == 2 and report.counts["memberships"]["added"] == 5
    assert report.counts["rotations"]["added"] == 3 and report.counts["overrides"]["added"] == 1
    assert report.total("unchanged") == 0 and report.warnings == []
    assert duty_answers(target) == duty_answers(source)
    assert without_stamp(target.export()) == without_stamp(doc)  # ids, verification, statuses all kept
    assert target.count(AuditEvent) > 0  # every write went through an audited action


def test_importing_an_export_into_the_same_node_changes_nothing(source: Db):
    before = source.counts()
    revision = source.snap().revision

    report = run_import(source, doc=source.export())

    assert not report.changed and report.total("unchanged") > 20, report.to_json()
    assert report.to_json()["counts"]["channels"] == {"added": 0, "updated": 0, "unchanged": 10}
    assert source.counts() == before and source.snap().revision == revision


def test_changed_values_update_in_place_and_keep_ids(source: Db):
    doc = source.export()
    desk = doc["agencies"][0]["contact_points"][0]
    desk["languages"] = ["en"]
    fr = next(m for m in doc["networks"][0]["members"] if m["code"] == "FR")["designation"]
    fr["rotations"][0]["handoff"] = "09:00:00"
    rotation_id = fr["rotations"][0]["id"]

    report = run_import(source, doc=doc)

    assert changed_kinds(report) == {"contact_points": {"added": 0, "updated": 1, "unchanged": 7},
                                     "rotations": {"added": 0, "updated": 1, "unchanged": 2}}
    with source.sessions() as s:
        assert s.get(Rotation, uuid.UUID(rotation_id)).handoff == time(9)


def test_dry_run_reports_but_writes_nothing(source: Db, new_db: Callable[[str], Db]):
    target = new_db("target")
    report = run_import(target, doc=source.export(), dry_run=True)
    assert report.dry_run and report.counts["contact_points"]["added"] == 8
    assert target.count(ContactPoint) == 0 and target.count(AuditEvent) == 0


def test_unknown_country_code_names_the_json_path(source: Db, new_db: Callable[[str], Db]):
    doc = source.export()
    doc["networks"][0]["members"][1]["code"] = "XX"
    target = new_db("target")
    with pytest.raises(InvalidInput, match=r"^networks\[0\]\.members\[1\]\.code: 'XX' is not an ISO 3166"):
        run_import(target, doc=doc)
    assert target.count(Network) == 0 and target.count(AuditEvent) == 0


def test_a_bad_phone_in_json_names_its_path(source: Db):
    doc = source.export()
    doc["agencies"][1]["contact_points"][0]["channels"].append({"kind": "phone", "value": "+33 12"})
    with pytest.raises(InvalidInput) as err:
        run_import(source, doc=doc)
    assert str(err.value).startswith("agencies[1].contact_points[0].channels[1].value: '+33 12' is not a valid phone")


def test_a_secretariat_imports_only_its_own_network(source: Db):
    with source.sessions() as s:
        vot = s.scalar(select(Network).where(Network.code == "VOT"))
    officer = Principal(None, "vot-secretariat", None, None, frozenset({("network_admin", vot.id)}), via="cli")
    with pytest.raises(PermissionDenied, match=r"^networks\[0\]: only FTF's secretariat"):
        run_import(source, doc=source.export(), actor=officer)
    outsider = Principal(None, "outsider", None, None, frozenset(), via="cli")
    with pytest.raises(PermissionDenied, match="node admin or a network's secretariat"):
        run_import(source, doc=source.export(), actor=outsider)


# -- CSV ------------------------------------------------------------------------------------------------------------


def test_csv_round_trip(source: Db, new_db: Callable[[str], Db]):
    text = export_contacts_csv(source.snap(), None)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {"network": "FTF", "member": "FR", "channel_kind": "phone", "channel_value": "'+33140970000"}.items() <= \
        next(r for r in rows if r["contact_point"] == "DGSI permanence").items()  # no formula in a spreadsheet
    assert next(r for r in rows if r["contact_point"] == "Claire Martin")["languages"] == "fr;en"
    assert not any(r["member"] == "DE" for r in rows)  # suspended members are not listed

    assert not run_import(source, text=text).changed

    target = new_db("target")
    report = run_import(target, text=text)
    assert report.counts["channels"]["added"] == 7 and report.counts["designations"]["added"] == 3
    assert export_contacts_csv(target.snap(), None) == text


def test_csv_with_a_bad_phone_names_the_line_and_writes_nothing(source: Db, new_db: Callable[[str], Db]):
    lines = export_contacts_csv(source.snap(), None).splitlines()
    bad = next(i for i, line in enumerate(lines) if "+33140970000" in line)
    lines[bad] = lines[bad].replace("'+33140970000", "+33 12")
    target = new_db("target")
    before = target.counts()

    with pytest.raises(InvalidInput) as err:
        run_import(target, text="\n".join(lines))

    assert str(err.value).startswith(f"line {bad + 1}: channel_value: '+33 12' is not a valid phone number")
    assert target.counts() == before


def test_csv_with_wrong_columns_is_refused(source: Db):
    good = export_contacts_csv(source.snap(), None)
    renamed = good.replace("channel_value", "phone_number", 1)
    with pytest.raises(InvalidInput, match="missing columns channel_value; unknown columns 'phone_number'"):
        run_import(source, text=renamed)
    with pytest.raises(InvalidInput, match="^line 1: missing columns"):
        run_import(source, text="")
    with pytest.raises(InvalidInput, match="^line 2: has more cells"):
        run_import(source, text=",".join(CSV_COLUMNS) + "\nFTF,FR,France,DGSI,x,desk,true,Europe/Paris,fr,,,,extra\n")


def test_csv_from_a_european_spreadsheet(new_db: Callable[[str], Db]):
    db = new_db("target")
    text = "\ufeff" + ";".join(CSV_COLUMNS) + "\r\n" + (
        "FTF;FR;;Police nationale;Permanence;desk;yes;Europe/Paris;fr;phone;01 40 97 00 00;\r\n"
        "FTF;FR;;Police nationale;Permanence;desk;yes;Europe/Paris;fr;email;pn@example.fr;\r\n")
    report = run_import(db, text=text)
    assert report.counts["channels"]["added"] == 2 and report.counts["contact_points"]["added"] == 1
    with db.sessions() as s:
        assert {c.value for c in s.scalars(select(Channel))} == {"+33140970000", "pn@example.fr"}
    with pytest.raises(InvalidInput, match=r"^line 2: member: 'XX' is not an ISO 3166 country code"):
        run_import(db, text=",".join(CSV_COLUMNS) + "\nFTF,XX,,,,,,,,,,\n")
    with pytest.raises(InvalidInput, match="^line 3: contact_point: 'Permanence' is described differently on line 2"):
        run_import(db, text=text.replace("yes;Europe/Paris;fr;email", "no;Europe/Paris;fr;email"))


# -- limits ---------------------------------------------------------------------------------------------------------


def test_hostile_input_is_refused(source: Db):
    huge = b'{"format": "liaison-directory", "padding": "' + b"x" * (30 * 1024 * 1024) + b'"}'
    with pytest.raises(TooLarge) as err:
        parse_document(huge)
    assert err.value.status == 413
    with pytest.raises(TooLarge):
        run_import(source, text="a" * (MAX_BYTES + 1))
    with pytest.raises(InvalidInput, match="^document: is not JSON"):
        parse_document(b"[" * 100_000)
    with pytest.raises(InvalidInput, match="^document: must be a JSON object"):
        parse_document(b"[]")
    with pytest.raises(InvalidInput, match=r"^networks\[0\]\.members: must be a list"):
        run_import(source, doc={"format": "liaison-directory", "version": 1, "networks": [{"code": "FTF",
                                                                                          "members": "FR"}]})
    with pytest.raises(InvalidInput, match="^version: this node reads version 1"):
        run_import(source, doc={"format": "liaison-directory", "version": 2})


def test_formula_cells_are_neutralised_and_round_trip(new_db: Callable[[str], Db]):
    db = new_db("target")
    text = ",".join(CSV_COLUMNS) + '\nFTF,FR,,"=HYPERLINK(""http://x"")",Desk,desk,true,Europe/Paris,fr,,,\n'
    run_import(db, text=text)
    exported = export_contacts_csv(db.snap(), None)
    assert "'=HYPERLINK" in exported
    assert not run_import(db, text=exported).changed


# -- API and CLI ----------------------------------------------------------------------------------------------------


def test_api_export_and_import(source: Db, new_db: Callable[[str], Db]):
    from fastapi.testclient import TestClient

    from liaison.app import create_app
    from liaison.settings import load_settings
    from liaison.web.api import interchange

    target = new_db("target")
    with transaction(target.sessions) as s:
        org = accounts.create_organisation(s, actor=ADMIN, name="Node operator", kind="operator")
        user = accounts.create_user(s, actor=ADMIN, username="ops", display_name="Ops", organisation=org,
                                    password="a long enough passphrase", roles=[("admin", None)])
        _token, plain = accounts.create_api_token(s, actor=ADMIN, user=user, name="test", totp_required=False)
    app = create_app(load_settings(database_url=target.url, env="test"))
    if not any(getattr(r, "path", "") == "/api/v1/directory/export" for r in app.routes):
        app.include_router(interchange.router, prefix="/api/v1")
    auth = {"Authorization": f"Bearer {plain}"}
    body = json.dumps(source.export()).encode()
    with TestClient(app) as client:
        dry = client.post("/api/v1/directory/import?dry_run=true", content=body, headers=auth)
        assert dry.status_code == 200 and dry.json()["dry_run"] and dry.json()["added"] > 20
        assert client.get("/api/v1/directory/export", headers=auth).json()["networks"] == []
        done = client.post("/api/v1/directory/import", content=body, headers=auth)
        assert done.status_code == 200 and done.json()["counts"]["networks"]["added"] == 2
        text = export_contacts_csv(source.snap(), ["FTF"])
        csv_out = client.get("/api/v1/directory/export?network=FTF&format=csv", headers=auth)
        assert csv_out.headers["content-type"].startswith("text/csv") and csv_out.text == text
        again = client.post("/api/v1/directory/import?format=csv", content=text.encode(), headers=auth)
        assert again.status_code == 200 and not again.json()["changed"]
        bad = client.post("/api/v1/directory/import", content=b'{"format": 1}', headers=auth)
        assert bad.status_code == 422 and bad.json()["detail"].startswith("format: must be")
        big = client.post("/api/v1/directory/import", content=b" " * (MAX_BYTES + 1), headers=auth)
        assert big.status_code == 413 and big.json()["code"] == "too_large"
        unknown = client.get("/api/v1/directory/export?network=NOPE", headers=auth)
        assert unknown.status_code == 404
        assert client.post("/api/v1/directory/import", content=body).status_code == 401


def test_cli_export_and_import(source: Db, new_db: Callable[[str], Db], tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "directory.json"
    result = runner.invoke(directory_app, ["export", "--network", "FTF", "-o", str(out)],
                           env={"LIAISON_DATABASE_URL": source.url})
    assert result.exit_code == 0, result.output
    assert [n["code"] for n in json.loads(out.read_text())["networks"]] == ["FTF"]
    result = runner.invoke(directory_app, ["export", "--format", "csv"], env={"LIAISON_DATABASE_URL": source.url})
    assert result.exit_code == 0 and result.output.startswith(",".join(CSV_COLUMNS))

    target = new_db("target")
    env = {"LIAISON_DATABASE_URL": target.url}
    result = runner.invoke(directory_app, ["import", str(out), "--dry-run", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["dry_run"] and target.count(Network) == 0
    result = runner.invoke(directory_app, ["import", str(out)], env=env)
    assert result.exit_code == 0 and "networks" in result.output and target.count(Network) == 1

    bad = tmp_path / "contacts.csv"
    bad.write_text(",".join(CSV_COLUMNS) + "\nFTF,FR,,DGSI,Desk,desk,true,Europe/Paris,fr,phone,+33 12,\n")
    result = runner.invoke(directory_app, ["import", str(bad)], env=env)
    assert result.exit_code == 1 and "line 2: channel_value: '+33 12' is not a valid phone" in result.output
    result = runner.invoke(directory_app, ["export", "--network", "NOPE"], env=env)
    assert result.exit_code == 1 and "no network 'NOPE'" in result.output
