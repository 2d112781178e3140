"""The forecast at the command line, over the API, on its page and in briefing figures, on both backends, over
synthetic incidents inserted for the test (tests/analysis/forecast_data.py)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from liaison.actions.accounts import create_api_token
from liaison.app import create_app
from liaison.cli import app as cli_app
from liaison.models import User
from liaison.queries import figures
from liaison.settings import load_settings
from tests.analysis import forecast_data
from tests.bank.conftest import bank  # noqa: F401
from tests.world import ADMIN, PASSWORD

runner = CliRunner()
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def world(bank):  # noqa: F811
    forecast_data.load(bank.sessions)
    return bank


def cli(world, *args: str):
    return runner.invoke(cli_app, list(args), env={"LIAISON_DATABASE_URL": world.url, "LIAISON_ENV": "test"})


def test_cli_json_has_the_forecast_its_interval_and_both_errors(world):
    r = cli(world, "analyze", "forecast", "--by", "target-type", "--json", "--as", "de.analyst")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    first = data["series"][0]
    assert set(first) >= {"series", "history", "forecast", "backtest", "model"}
    assert set(first["forecast"]) == {"period", "value", "interval80", "interval95"}
    assert set(first["backtest"]) >= {"model", "baseline", "origins"}
    assert {"mae", "rmse", "mase", "coverage80"} <= set(first["backtest"]["model"])


def test_cli_table_shows_the_error_beside_the_baseline_and_says_synthetic(world):
    r = cli(world, "analyze", "forecast", "--by", "region", "--as", "fr.analyst")
    assert r.exit_code == 0, r.output
    assert "synthetic" in r.output and "baseline MAE" in r.output and "Middle East & North Africa" in r.output
    g = cli(world, "analyze", "forecast", "--group", "Northern Crescent Brigades", "--as", "fr.analyst")
    assert g.exit_code == 0, g.output
    assert "Likely next target types" in g.output and "historical frequency" in g.output
    assert "Transportation" in g.output.split("Likely next target types")[1].splitlines()[2]
    bad = cli(world, "analyze", "forecast", "--by", "region", "--as", "outsider")
    assert bad.exit_code == 1


@pytest.fixture
def client(world):
    app = create_app(load_settings(database_url=world.url, env="test", base_url="http://testserver"))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def login(client: TestClient, username: str) -> None:
    page = client.get("/login?next=/")
    token = CSRF.search(page.text).group(1)
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_the_page_shows_charts_bands_backtests_and_the_synthetic_notice(client):
    login(client, "de.analyst")
    r = client.get("/analysis/forecast?by=region")
    assert r.status_code == 200, r.text
    html = r.text
    assert "synthetic-notice" in html and "How this forecast is made" in html
    assert html.count('class="chart chart-forecast"') >= 5 and "chart-band-80" in html and "chart-band-95" in html
    assert "Baseline: same month last year" in html and 'data-picture="forecast:region:10"' in html
    assert "style=" not in html and "<script>" not in html  # the CSP: no inline style or script
    g = client.get("/analysis/forecast?by=group&group=Northern+Crescent+Brigades")
    assert g.status_code == 200
    assert "chart-probability" in g.text and "Baseline: historical frequencies" in g.text
    assert 'data-picture="forecast-group:Northern Crescent Brigades"' in g.text


def test_the_page_is_for_bank_readers(client):
    login(client, "fr.cp")
    assert client.get("/analysis/forecast").status_code == 403


def test_api_answers_with_the_documented_shape_and_refuses_others(client, world):
    with world.sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == "jp.screener"))
        _, token = create_api_token(s, actor=ADMIN, user=user, name="t", totp_required=False)
    headers = {"authorization": f"Bearer {token}"}
    r = client.get("/api/v1/analysis/forecast?by=group", headers=headers)
    assert r.status_code == 200, r.text
    assert {s["key"] for s in r.json()["series"]} >= {"Northern Crescent Brigades", "Sahel Shield Front"}
    assert "Eastern Levant Network" not in {s["key"] for s in r.json()["series"]}  # AMBER, for DE only
    g = client.get("/api/v1/analysis/forecast", params={"group": "Northern Crescent Brigades"}, headers=headers)
    assert g.json()["next"][0]["backtest"]["baseline"]["log_loss"] > 0
    assert client.get("/api/v1/analysis/forecast?by=weather", headers=headers).status_code == 422
    assert client.get("/api/v1/analysis/forecast?horizon=9", headers=headers).status_code == 422


def test_briefing_figures_are_marked_and_carry_the_errors(world):
    with world.sessions() as s:
        fig = figures.build(s, world["de.analyst"], "forecast:region")
        group = figures.build(s, world["de.analyst"], "forecast-group:Northern Crescent Brigades")
        one = figures.build(s, world["fr.analyst"], "forecast:target-type:19")
    assert fig.marking.tlp == "AMBER" and one.marking.tlp == "GREEN"
    assert "Baseline MAE" in fig.table.columns and len(fig.table.rows) >= 5
    assert fig.svg is not None and any("Synthetic" in n for n in fig.notes)
    assert group.svg is not None and group.table.rows[0][0].startswith("Transportation")
    assert [r[0] for r in one.table.rows] == ["Transportation (not aviation)"]
