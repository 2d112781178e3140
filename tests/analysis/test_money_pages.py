"""The funding page, the import form and the briefing figures, on the demo's transactions."""

from __future__ import annotations

from liaison import demo_money
from liaison.db import transaction
from liaison.demo_analysis import GROUPS
from liaison.queries import figures
from tests.analysis.money_helpers import csv_text
from tests.bank.test_ui_bank import csrf, log_in
from tests.conftest import Api


def setup(api: Api) -> dict[str, str]:
    from sqlalchemy import select

    from liaison.models import Statement
    from tests.bank.conftest import principals

    fr = api.as_("fr.analyst")
    csv = "schema,name,marking\n" + "".join(f"Organization,{g},TLP:GREEN\n" for g in GROUPS[:3])
    assert fr.post("/api/v1/bank/imports/csv", content=csv.encode()).status_code == 201
    people = principals(api.sessions)
    with transaction(api.sessions) as s:
        demo_money.load(s, operator=people["operator"])
    with api.sessions() as s:
        return {
            v: str(e)
            for v, e in s.execute(select(Statement.value, Statement.entity_id).where(Statement.value.in_(GROUPS)))
        }


def test_pages(api: Api) -> None:
    groups = setup(api)
    main, sahel = groups[GROUPS[0]], groups[GROUPS[2]]
    client = log_in(api.client, "de.analyst")
    r = client.get(
        "/analysis/funding", params={"group": main, "other": sahel, "from": "2023-01-01", "to": "2026-12-31"}
    )
    assert r.status_code == 200, r.text
    page = r.text
    for text in (
        demo_money.SMURF,
        demo_money.EXCHANGE,
        demo_money.CHARITY,
        demo_money.TRADER,
        "graph-data",
        f'data-picture="funding:{main}"',
        "Synthetic demo data",
        "<svg",
        "HKR-1",
    ):
        assert text in page, text
    assert "Common funders of" in page
    assert client.get("/analysis/funding").status_code == 200
    assert client.get("/analysis/funding", params={"group": main, "from": "2024-02-30"}).status_code == 200
    assert "not a date" in client.get("/analysis/funding", params={"group": main, "from": "2024-02-30"}).text
    client = log_in(api.client, "fr.cp")
    assert client.get("/analysis/funding", params={"group": main}).status_code == 403


def test_import_form(api: Api) -> None:
    client = log_in(api.client, "fr.analyst")
    page = client.get("/analysis/transactions/import")
    assert page.status_code == 200
    token = csrf(page.text)
    dirty = csv_text([("2024-01-01", "10", "EUR", "A", "B", "r", "s"), ("2024-01-02", "-3", "EUR", "A", "B", "r", "s")])
    r = client.post(
        "/analysis/transactions/import",
        data={"csrf_token": token, "tlp": "GREEN"},
        files={"file": ("t.csv", dirty, "text/csv")},
    )
    assert r.status_code == 422 and "line 3" in r.text and "negative" in r.text
    r = client.post(
        "/analysis/transactions/import",
        data={"csrf_token": token, "tlp": "GREEN", "skip_invalid": "1"},
        files={"file": ("t.csv", dirty, "text/csv")},
    )
    assert r.status_code == 200 and "1 transactions imported" in r.text and "line 3" in r.text
    client = log_in(api.client, "jp.screener")
    assert client.get("/analysis/transactions/import").status_code == 403


def test_figures(api: Api) -> None:
    groups = setup(api)
    from tests.bank.conftest import principals

    people = principals(api.sessions)
    with api.sessions() as s:
        fig = figures.build(s, people["de.analyst"], f"funding:{groups[GROUPS[0]]}")
        flags = figures.build(s, people["de.analyst"], "flags")
    assert fig.svg and "<svg" in fig.svg and fig.marking.tlp == "AMBER" and fig.table and fig.table.rows
    assert any("Synthetic" in n for n in fig.notes)
    assert flags.table and len(flags.table.rows) == 3 and flags.svg and "<svg" in flags.svg
