"""The demo's registries: fictional officers, experts, training with attendance and six self-assessments whose
gaps match experts and courses, all marked as demonstration data, on the pages the demo personas use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liaison.app import create_app
from liaison.models import Expert, LiaisonOfficer, StrategyAssessment, TrainingActivity, TrainingAttendance
from liaison.settings import load_settings
from tests.conftest import Db
from tests.test_ui import logged_in


@pytest.fixture
def client(demo_db_url: str) -> Iterator[TestClient]:
    app = create_app(load_settings(database_url=demo_db_url, env="test", base_url="http://testserver"))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def test_demo_registries_are_marked_and_matched(demo: Db) -> None:
    with demo.sessions() as s:
        for model in (LiaisonOfficer, Expert, TrainingActivity, StrategyAssessment):
            rows = s.scalars(select(model)).all()
            assert rows and all(r.demo and not r.verified for r in rows), model
        assert s.scalar(select(func.count()).select_from(TrainingAttendance)) > 0
        members = set(s.scalars(select(StrategyAssessment.member)))
        assert len(members) == 6
        posted = {(o.posted_by, o.posted_to) for o in s.scalars(select(LiaisonOfficer))}
    assert {("FR", "JO"), ("FR", "MA"), ("US", "KE"), ("JP", "ID")} <= posted


def test_demo_persona_reads_the_registries_pages(client: TestClient) -> None:
    logged_in(client, "fr.ftf")
    r = client.get("/registries/officers", params={"posted_to": "MA"})
    assert r.status_code == 200 and "Embassy of France, Rabat" in r.text and "demo-badge" in r.text
    r = client.get("/registries/strategies/JO")
    assert r.status_code == 200 and "strategy-picture" in r.text and "Demonstration data" in r.text
    assert "Advance Passenger Information and PNR in practice" in r.text  # JO's border gap has a course
    assert client.get("/registries/strategies").status_code == 200
    assert client.get("/registries/experts").status_code == 200
    assert client.get("/registries/training").status_code == 200
