"""Incidents over the API and the pages: import (multipart, 413, row errors), list, trends, the page with its
pictures and table, the import form; and the briefing figures."""

from __future__ import annotations

import re

from liaison.queries import figures
from liaison.queries.bank_access import viewer_for
from tests.analysis.incident_rows import csv_text, row
from tests.bank.test_ui_bank import csrf, log_in
from tests.conftest import Api

ROWS = csv_text(
    row(eventid="w1", gname="Test Front"),
    row(eventid="w2", iyear=2016, attacktype1=2, country_txt="France", region=8, latitude=48.9, longitude=2.3),
    row(eventid="w3", iyear=2016, tlp="AMBER+STRICT", summary="strict one"),
)


def test_api_import_list_and_trends(api: Api) -> None:
    fr = api.as_("fr.analyst")
    bad = csv_text(row(eventid="x1"), row(eventid="x2", attacktype1=99))
    r = fr.post("/api/v1/incidents/imports", files={"file": ("bad.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422 and [e["line"] for e in r.json()["errors"]] == [3]
    r = fr.post(
        "/api/v1/incidents/imports",
        params={"skip_invalid": "true"},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 201 and (r.json()["added"], r.json()["refused"]) == (1, 1)
    r = fr.post("/api/v1/incidents/imports", files={"file": ("gtd.csv", ROWS.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    assert api.as_("jp.screener").post("/api/v1/incidents/imports", content=ROWS.encode()).status_code == 403
    listed = api.as_("de.analyst").get("/api/v1/incidents", params={"region": 8}).json()
    assert [i["eventid"] for i in listed["items"]] == ["w2"] and listed["marking"] == "TLP:AMBER"
    assert api.as_("de.analyst").get("/api/v1/incidents").json()["total"] == 3  # x1, w1, w2: not the strict one
    assert fr.get("/api/v1/incidents").json()["total"] == 4
    assert fr.get("/api/v1/incidents", params={"region": 13}).status_code == 422
    assert fr.get("/api/v1/incidents", params={"from": "2016-13-01"}).status_code == 422
    assert api.as_("outsider").get("/api/v1/incidents").status_code == 403
    trend = fr.get("/api/v1/analysis/trends", params={"by": "attack-type", "period": "year"}).json()
    assert trend["periods"] == ["2015", "2016"] and trend["totals"] == [2, 2]
    assert fr.get("/api/v1/analysis/trends", params={"by": "weather"}).status_code == 422
    spec = api.client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/incidents/imports", "/api/v1/incidents", "/api/v1/analysis/trends"} <= set(spec)


def test_api_refuses_an_oversize_upload_with_413(api: Api) -> None:
    big = ROWS.encode() + b"x" * (api.client.app.state.liaison.settings.import_max_bytes + 10)  # type: ignore[attr-defined]
    r = api.as_("fr.analyst").post("/api/v1/incidents/imports", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413


def test_pages_show_pictures_table_and_import_errors(api: Api) -> None:
    client = log_in(api.client, "fr.analyst")
    form = client.get("/analysis/incidents/import")
    assert form.status_code == 200
    bad = csv_text(row(eventid="p1"), row(eventid="p2", imonth=2, iday=30))
    r = client.post(
        "/analysis/incidents/import",
        data={"csrf_token": csrf(form.text), "tlp": "AMBER", "grade": "F6"},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422 and "line 3" in r.text and "is not a date" in r.text
    r = client.post(
        "/analysis/incidents/import",
        data={"csrf_token": csrf(form.text), "tlp": "GREEN", "grade": "B2"},
        files={"file": ("gtd.csv", ROWS.encode(), "text/csv")},
    )
    assert r.status_code == 200 and "3 added" in r.text
    page = client.get("/analysis/incidents", params={"period": "quarter"})
    assert page.status_code == 200
    keys = re.findall(r'data-picture="([^"]+)"', page.text)
    assert keys == [
        "trends:region",
        "trends:attack-type",
        "trends:target-type",
        "trends:group",
        "breakdown:target-type",
        "breakdown:group",
        "map",
    ]
    assert "2015 Q1" in page.text and "w1" not in page.text  # the table shows places, not ids
    assert "Baghdad" in page.text and " style=" not in page.text and "<script>" not in page.text
    filtered = client.get("/analysis/incidents", params={"region": "8"})
    assert "Paris" not in filtered.text or "France" in filtered.text
    screener = log_in(api.client, "jp.screener")
    assert screener.get("/analysis/incidents").status_code == 200
    assert screener.get("/analysis/incidents/import").status_code == 403


def test_briefing_figures_are_marked_as_their_strictest_row(api: Api) -> None:
    fr = api.as_("fr.analyst")
    assert fr.post("/api/v1/incidents/imports", content=ROWS.encode()).status_code == 201
    with api.sessions() as s:
        from tests.bank.conftest import principals

        people = principals(api.sessions)
        fig = figures.build(s, people["fr.analyst"], "trends:region")
        assert fig.marking.tlp == "AMBER+STRICT" and fig.svg and fig.table and fig.table.rows
        de_fig = figures.build(s, people["de.analyst"], "trends:attack-type")
        assert de_fig.marking.tlp == "AMBER"
        the_map = figures.build(s, people["de.analyst"], "map")
        assert the_map.key == "map" and the_map.svg and "<title>" in the_map.svg
        assert figures.build(s, people["fr.analyst"], "breakdown:group").table is not None
        assert viewer_for(s, people["de.analyst"]).reads_bank
