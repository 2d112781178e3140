"""The financing API: upload (multipart, 422 with every bad row, skip_invalid, 413), then funding, common
funders and flags as the caller may see them."""

from __future__ import annotations

from sqlalchemy import select

from liaison.models import Statement
from tests.analysis.money_helpers import csv_text
from tests.conftest import Api

ROWS = [(f"2024-06-0{i}", "9700", "EUR", "Api Smurf", "Front Api Test", f"a{i}", "bank") for i in range(1, 4)]
ROWS.append(("2024-06-05", "200", "USD", "Api Smurf", "Second Front Api Test", "b", "bank"))


def ids(api: Api) -> dict[str, str]:
    fr = api.as_("fr.analyst")
    csv = "schema,name,marking\nOrganization,Front Api Test,TLP:GREEN\nOrganization,Second Front Api Test,TLP:GREEN\n"
    assert fr.post("/api/v1/bank/imports/csv", content=csv.encode()).status_code == 201
    with api.sessions() as s:
        return {
            v: str(e)
            for v, e in s.execute(
                select(Statement.value, Statement.entity_id).where(Statement.value.like("%Front Api Test"))
            )
        }


def test_upload_and_analyse(api: Api) -> None:
    groups = ids(api)
    fr = api.as_("fr.analyst")
    dirty = csv_text([*ROWS, ("2024-02-30", "5", "EUR", "A", "B", "r", "s")])
    r = fr.post("/api/v1/transactions/imports", files={"file": ("t.csv", dirty, "text/csv")})
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 6 and "exist" in r.json()["errors"][0]["detail"]
    r = fr.post(
        "/api/v1/transactions/imports",
        params={"skip_invalid": "true", "marking": "TLP:GREEN", "grade": "B2"},
        files={"file": ("t.csv", dirty, "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 4 and r.json()["refused"] == 1 and r.json()["report"]["parties_linked"] == 2
    assert api.as_("jp.screener").post("/api/v1/transactions/imports", content=dirty).status_code == 403

    r = api.as_("de.analyst").get(
        f"/api/v1/analysis/groups/{groups['Front Api Test']}/funding", params={"from": "2024-01-01", "to": "2024-12-31"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["funders"][0]["caption"] == "Api Smurf" and body["funders"][0]["total"] == "29100.00"
    assert body["graph"]["marking"] == "TLP:GREEN" and body["flags"][0]["rule"] == "structuring"
    r = api.as_("jp.screener").get(
        "/api/v1/analysis/common-funders",
        params=[("group", groups["Front Api Test"]), ("group", groups["Second Front Api Test"])],
    )
    assert r.status_code == 200 and [f["caption"] for f in r.json()["funders"]] == ["Api Smurf"]
    r = api.as_("fr.analyst").get("/api/v1/analysis/flags")
    assert r.status_code == 200 and any(f["rule"] == "structuring" for f in r.json()["flags"])
    assert api.as_("outsider").get("/api/v1/analysis/flags").status_code == 403
    assert api.as_("fr.analyst").get("/api/v1/analysis/flags", params={"from": "2024-02-30"}).status_code == 422
    assert (
        api.as_("fr.analyst")
        .get(
            f"/api/v1/analysis/groups/{groups['Front Api Test']}/funding",
            params={"from": "2024-05-01", "to": "2024-01-01"},
        )
        .status_code
        == 422
    )


def test_oversize_is_413(api: Api) -> None:
    """The declared length is checked before the body is read (the limit is LIAISON_IMPORT_MAX_BYTES)."""
    fr = api.as_("fr.analyst")
    size = 64 * 1024**3 + 1

    def body():
        yield b"date,amount,currency,from,to,reference,source\n"

    headers = fr.headers | {"content-length": str(size)}
    r = fr.client.post("/api/v1/transactions/imports", content=body(), headers=headers)
    assert r.status_code == 413
