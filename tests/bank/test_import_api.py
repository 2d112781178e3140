"""Imports and the FtM export over the API: upload, refusal with every bad line, need to know."""

from __future__ import annotations

import orjson

from tests.bank.conftest import plain
from tests.conftest import Api

CSV = """key,schema,name,code_name,birth_date,marking
nf,Organization,Northern Front Test,,,TLP:GREEN
kh,Person,Karim Haddad Test,Le Comptable,1984,TLP:AMBER+STRICT
"""


def test_upload_list_and_export(api: Api) -> None:
    fr = api.as_("fr.analyst")
    r = fr.post(
        "/api/v1/bank/imports/csv",
        params={"legal_basis": "Art. 18", "grade": "B2"},
        files={"file": ("units.csv", CSV.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 2 and r.json()["filename"] == "units.csv"
    listed = api.as_("jp.screener").get("/api/v1/bank/imports").json()
    assert listed[0]["id"] == r.json()["id"]
    everything = {"max_marking": "RED"}
    mine = plain([orjson.loads(x) for x in fr.get("/api/v1/bank/export.ftm", params=everything).text.splitlines()])
    german = api.as_("de.analyst").get("/api/v1/bank/export.ftm", params=everything)
    theirs = plain([orjson.loads(x) for x in german.text.splitlines()])
    names = {n for e in mine for n in e["properties"].get("name", [])}
    assert {"Karim Haddad Test", "Northern Front Test"} <= names
    other = {n for e in theirs for n in e["properties"].get("name", [])}
    assert "Northern Front Test" in other and "Karim Haddad Test" not in other


def test_refusals(api: Api) -> None:
    fr = api.as_("fr.analyst")
    bad = "schema,name,nationality\nPerson,A,Narnia\nPerson,B,ZZ\n"
    r = fr.post("/api/v1/bank/imports/csv", params={"legal_basis": "x"}, content=bad.encode())
    assert r.status_code == 422
    assert [e["line"] for e in r.json()["errors"]] == [2, 3]
    assert fr.post("/api/v1/bank/imports/xml", content=b"x").status_code == 422
    assert api.as_("fr.cp").post("/api/v1/bank/imports/csv", content=CSV.encode()).status_code == 403
    assert api.as_("outsider").get("/api/v1/bank/export.ftm").status_code == 403
    assert api.as_("outsider").get("/api/v1/bank/imports").status_code == 403
    hostile = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CONSOLIDATED_LIST>&e;</CONSOLIDATED_LIST>'
    assert fr.post("/api/v1/bank/imports/un-sc", content=hostile).status_code == 422


def test_the_export_endpoints_state_their_audience_and_keep_strict_values_in(api: Api) -> None:
    fr = api.as_("fr.analyst")
    r = fr.post("/api/v1/bank/imports/csv", params={"legal_basis": "Art. 18", "grade": "B2"}, content=CSV.encode())
    assert r.status_code == 201, r.text
    default = fr.get("/api/v1/bank/export.ftm")
    assert default.status_code == 200 and "network" in default.headers["x-liaison-audience"]
    assert "Northern Front Test" in default.text and "Le Comptable" not in default.text
    assert {s["marking"] for line in default.text.splitlines() for s in orjson.loads(line)["statements"]} == {
        "TLP:GREEN"
    }
    table = fr.get("/api/v1/bank/export.csv")
    assert table.status_code == 200 and "Northern Front Test" in table.text and "Le Comptable" not in table.text
    strict = fr.get("/api/v1/bank/export.csv", params={"max_marking": "AMBER+STRICT"})
    assert "Le Comptable" in strict.text and "TLP:AMBER+STRICT" in strict.text
    assert strict.headers["x-liaison-markings"] == "TLP:GREEN 1, TLP:AMBER+STRICT 3"
    assert fr.get("/api/v1/bank/export.ftm", params={"max_marking": "PURPLE"}).status_code == 422
