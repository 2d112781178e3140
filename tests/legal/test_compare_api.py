"""GET /api/v1/legal/gaps/{member} and /api/v1/legal/compare: the answers, their documented shapes, refusals."""

from __future__ import annotations

from liaison.db import transaction
from liaison.web.api.legal_compare import ComparisonOut, GapReportOut
from tests.conftest import Api
from tests.legal import compare_world


def test_gaps_and_compare(api: Api) -> None:
    with transaction(api.sessions) as s:
        compare_world.insert(s)
    fr = api.as_("fr.cp")
    r = fr.get("/api/v1/legal/gaps/fr")
    assert r.status_code == 200, r.text
    body = r.json()
    GapReportOut.model_validate(body)
    assert body["member"] == "FR" and body["against"] == "eu-2017-541"
    assert body["counts"] == {"covered": 1, "partial": 1, "gap": 1}
    by = {row["model"]: row for row in body["rows"]}
    assert by["eu-2017-541:art-3"]["best"]["basis"] == "reviewed"
    assert by["eu-2017-541:art-11"]["best"]["basis"] == "computed"
    assert [e["code"] for e in by["eu-2017-541:art-11"]["missing"]] == ["knowing_terrorist_purpose"]
    assert body["certainty"] == "unverified" and body["demo"] is False
    r = fr.get("/api/v1/legal/gaps/JP", params={"against": "un"})
    assert r.status_code == 200 and r.json()["demo"] is True and r.json()["certainty"] == "demo"
    r = fr.get("/api/v1/legal/gaps/FX")
    assert r.status_code == 404 and "FR" in r.json()["suggestions"]
    r = fr.get("/api/v1/legal/gaps/FR", params={"against": "eu-2017-54"})
    assert r.status_code == 404 and "eu-2017-541" in r.json()["suggestions"]

    r = api.as_("de.analyst").get("/api/v1/legal/compare", params={"members": "FR,DE,JP"})
    assert r.status_code == 200, r.text
    body = r.json()
    ComparisonOut.model_validate(body)
    assert [e["code"] for e in body["shared"]] == ["kill", "intimidate_population", "intentional"]
    assert body["similarity"]["DE"]["JP"] == 0.333
    r = api.as_("de.analyst").get("/api/v1/legal/compare", params=[("members", "FR"), ("members", "DE")])
    assert r.status_code == 200 and [m["code"] for m in r.json()["members"]] == ["FR", "DE"]
    r = fr.get("/api/v1/legal/compare", params={"members": "FR"})
    assert r.status_code == 422 and r.json()["field"] == "members"
    r = fr.get("/api/v1/legal/compare", params={"members": "FR,XX"})
    assert r.status_code == 404
    assert api.as_(None).get("/api/v1/legal/compare", params={"members": "FR,DE"}).status_code == 401


def test_documented(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    gaps = paths["/api/v1/legal/gaps/{member}"]["get"]
    assert "computed" in gaps["description"] and "404" in gaps["responses"]
    assert "ComparisonOut" in str(paths["/api/v1/legal/compare"]["get"]["responses"]["200"])
