"""Importing incidents: all or nothing, --skip-invalid, re-import, group linking as the importer sees the bank,
the import record and audit, oversize and malformed files, and the access filter on every read."""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import func, select

from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.bank_bulk import ImportRefused
from liaison.actions.incidents import import_incidents, run_import
from liaison.db import transaction
from liaison.errors import PermissionDenied, TooLarge
from liaison.interchange.incidents_csv import FileRefused
from liaison.marking import Marking
from liaison.models import AuditEvent, BankImport
from liaison.models.analysis import Incident
from liaison.queries import incidents as q
from liaison.queries.bank_access import viewer_for
from tests.analysis.incident_rows import csv_text, row
from tests.bank import conftest as bank_conftest
from tests.bank.conftest import BankWorld

bank = bank_conftest.bank  # the bank fixture (tests/bank/conftest.py), for this module outside tests/bank


def group(bank: BankWorld, who: str, name: str, marking: Marking, alias: str | None = None) -> uuid.UUID:
    names = [StatementInput("name", name, name_kind="primary", marking=marking)]
    if alias:
        names.append(StatementInput("name", alias, name_kind="alias", marking=marking))
    with transaction(bank.sessions) as s:
        return create_entity(s, actor=bank[who], schema="Organization", statements=names).id


def count(bank: BankWorld) -> int:
    with bank.sessions() as s:
        return s.scalar(select(func.count()).select_from(Incident)) or 0


def test_a_clean_file_goes_in_whole_with_its_report_and_audit(bank: BankWorld) -> None:
    text = csv_text(row(eventid="1"), row(eventid="2", country_txt="France", region=8, latitude=48.9, longitude=2.3))
    out = run_import(bank.sessions, actor=bank["fr.analyst"], data=text, filename="gtd.csv")
    assert (out["added"], out["refused"], out["kind"]) == (2, 0, "incidents")
    with bank.sessions() as s:
        imp = s.get(BankImport, uuid.UUID(out["id"]))
        assert imp is not None and imp.kind == "incidents" and imp.report["added_count"] == 2
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "incidents.import")).all()
        assert [e.details["added_count"] for e in events] == [2]
        stored = s.scalars(select(Incident).order_by(Incident.event_key)).all()
        assert [i.country for i in stored] == ["IQ", "FR"]
        assert stored[0].tlp == "AMBER" and stored[0].import_id == imp.id


def test_one_bad_row_refuses_the_file_and_nothing_is_written(bank: BankWorld) -> None:
    text = csv_text(row(eventid="1"), row(eventid="2", imonth=13), row(eventid="3", nkill=-2))
    with pytest.raises(ImportRefused) as refused:
        run_import(bank.sessions, actor=bank["fr.analyst"], data=text)
    assert [e["line"] for e in refused.value.errors] == [3, 4]
    assert count(bank) == 0
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankImport).where(BankImport.kind == "incidents")) == 0


def test_skip_invalid_imports_the_good_rows_and_lists_the_refused(bank: BankWorld) -> None:
    text = csv_text(row(eventid="1"), row(eventid="2", region=3), row(eventid="3", latitude=0, longitude=0))
    out = run_import(bank.sessions, actor=bank["fr.analyst"], data=text.encode(), skip_invalid=True)
    assert (out["added"], out["refused"]) == (1, 2)
    assert [e["line"] for e in out["report"]["refused"]] == [3, 4]
    assert "region 3" in out["report"]["refused"][0]["detail"]
    assert count(bank) == 1


def test_reimport_updates_or_leaves_unchanged_and_never_rewrites_another_organisations_record(
    bank: BankWorld,
) -> None:
    run_import(bank.sessions, actor=bank["fr.analyst"], data=csv_text(row(eventid="1"), row(eventid="2")))
    again = run_import(
        bank.sessions, actor=bank["fr.analyst"], data=csv_text(row(eventid="1"), row(eventid="2", nkill=9))
    )
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 1, 1)
    with pytest.raises(ImportRefused, match="another organisation"):
        run_import(bank.sessions, actor=bank["de.analyst"], data=csv_text(row(eventid="2", nkill=0)))
    with bank.sessions() as s:
        assert s.scalar(select(Incident.killed).where(Incident.event_key == "2")) == 9


def test_groups_link_by_normalised_name_only_where_the_importer_sees_them(bank: BankWorld) -> None:
    shared = group(bank, "fr.analyst", "Northern Front", Marking("GREEN"), alias="Jabhat al-Shamal")
    group(bank, "fr.analyst", "Hidden Cell", Marking("AMBER+STRICT"))
    text = csv_text(
        row(eventid="1", gname="northern  FRONT"),
        row(eventid="2", gname="Jabhat al-Shamal"),
        row(eventid="3", gname="Hidden Cell"),
    )
    out = run_import(bank.sessions, actor=bank["de.analyst"], data=io.BytesIO(text.encode()))
    assert out["report"]["unlinked_groups"] == ["Hidden Cell"]
    with bank.sessions() as s:
        linked = dict(s.execute(select(Incident.event_key, Incident.group_entity_id)).all())
    assert linked == {"1": shared, "2": shared, "3": None}


def test_row_marking_or_the_importers_default(bank: BankWorld) -> None:
    text = csv_text(row(eventid="1", tlp="RED", releasable_to="FR"), row(eventid="2"))
    run_import(bank.sessions, actor=bank["fr.analyst"], data=text, marking=Marking("GREEN"), reliability="B")
    with bank.sessions() as s:
        found = {i.event_key: (i.tlp, i.releasable_to, i.grade) for i in s.scalars(select(Incident))}
    assert found == {"1": ("RED", ",FR,", "B6"), "2": ("GREEN", "", "B6")}


def test_oversize_malformed_and_unauthorised(bank: BankWorld) -> None:
    text = csv_text(row())
    with pytest.raises(TooLarge):
        run_import(bank.sessions, actor=bank["fr.analyst"], data=text, max_bytes=100)
    with pytest.raises(TooLarge):
        run_import(bank.sessions, actor=bank["fr.analyst"], data=io.StringIO(text), max_bytes=100)
    with pytest.raises(FileRefused):
        run_import(bank.sessions, actor=bank["fr.analyst"], data=b"\x00\x01garbage")
    with pytest.raises(FileRefused):
        run_import(bank.sessions, actor=bank["fr.analyst"], data='eventid,"iyear\n1,2')
    for who in ("jp.screener", "fr.cp", "outsider"):
        with pytest.raises(PermissionDenied), transaction(bank.sessions) as s:
            import_incidents(s, actor=bank[who], data=text)
    assert count(bank) == 0


def test_every_read_keeps_to_what_the_viewer_may_see(bank: BankWorld) -> None:
    hidden_group = group(bank, "fr.analyst", "Hidden Cell", Marking("AMBER+STRICT"))
    text = csv_text(
        row(eventid="open", gname="Hidden Cell", nkill=1, nwound=0),
        row(eventid="strict", tlp="AMBER+STRICT", nkill=100, nwound=0, iyear=2016),
        row(eventid="rel", tlp="RED", releasable_to="DE", nkill=10, nwound=0, iyear=2016),
    )
    run_import(bank.sessions, actor=bank["fr.analyst"], data=text)
    with bank.sessions() as s:
        fr, de, jp = (viewer_for(s, bank[p]) for p in ("fr.analyst", "de.analyst", "jp.screener"))
        assert q.list_incidents(s, fr, q.Filters()).total == 3
        de_page = q.list_incidents(s, de, q.Filters())
        assert sorted(i["eventid"] for i in de_page.items) == ["open", "rel"]
        assert de_page.marking is not None and de_page.marking.tlp == "RED"
        assert [i["eventid"] for i in q.list_incidents(s, jp, q.Filters()).items] == ["open"]
        # The group link shows only to who may see the group; its name, from the incident, shows to all.
        [jp_item] = q.list_incidents(s, jp, q.Filters()).items
        assert jp_item["group_name"] == "Hidden Cell" and jp_item["group_id"] is None
        fr_open = next(i for i in q.list_incidents(s, fr, q.Filters()).items if i["eventid"] == "open")
        assert fr_open["group_id"] == str(hidden_group)
        # Filtering on a group one may not see is a 404, as for any hidden entity.
        from liaison.errors import NotFound

        with pytest.raises(NotFound):
            q.list_incidents(s, jp, q.Filters(group=hidden_group))
        assert q.list_incidents(s, fr, q.Filters(group=hidden_group)).total == 1
        # Trends and the map count only the visible rows.
        assert q.trends(s, jp, "region", "year").to_dict()["totals"] == [1]
        de_trend = q.trends(s, de, "region", "year")
        assert de_trend.labels == ["2015", "2016"] and de_trend.totals == [1, 1]
        assert [sum(x.killed) for x in de_trend.series] == [11]
        assert q.map_points(s, jp).total == 1 and q.map_points(s, fr).total == 3
        with pytest.raises(PermissionDenied):
            q.list_incidents(s, viewer_for(s, bank["outsider"]), q.Filters())


def test_trends_by_period_fill_gaps_and_fold_the_rest(bank: BankWorld) -> None:
    rows = [
        row(eventid="a", iyear=2014, imonth=11, iday=2, attacktype1=1),
        row(eventid="b", iyear=2015, imonth=2, iday=3, attacktype1=2),
        row(eventid="c", iyear=2015, imonth=2, iday=4, attacktype1=1),
    ]
    run_import(bank.sessions, actor=bank["fr.analyst"], data=csv_text(*rows))
    with bank.sessions() as s:
        fr = viewer_for(s, bank["fr.analyst"])
        months = q.trends(s, fr, "attack-type", "month")
        assert months.labels == ["2014-11", "2014-12", "2015-01", "2015-02"] and months.totals == [1, 0, 0, 2]
        quarters = q.trends(s, fr, "attack-type", "quarter", top=1)
        assert quarters.labels == ["2014 Q4", "2015 Q1"]
        assert [x.key for x in quarters.series] == ["1", "other"] and quarters.totals == [1, 2]
        by_group = q.trends(s, fr, "group", "year")
        assert [x.label for x in by_group.series] == ["Unknown"]
