"""The registries' API over the small known world: need to know on officers, experts and attendees' names,
audited reads, who may write (a member's own contact points, secretariats, admins), validation of phones and
e-mails, unknown codes refused with suggestions, and a strategy's gaps matched to experts and courses."""

from __future__ import annotations

from sqlalchemy import select

from liaison.models import AuditEvent, StrategyAssessment
from tests.conftest import Api
from tests.legal.registries_world import build


def names(r) -> list[str]:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    return sorted(o["name"] for o in r.json()["officers"])


def audits(api: Api, action: str, actor: str) -> list[AuditEvent]:
    with api.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_name == actor)))


def test_officers_are_shown_to_the_networks_they_serve_and_the_members_they_concern(api: Api) -> None:
    reg = build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    url = "/api/v1/registries/officers"
    assert names(api.as_("fr.cp").get(url)) == ["Dieter Posted", "Odile Posted"]  # FTF, and posted to FR
    assert names(api.as_("jp.cp").get(url)) == ["Odile Posted"]  # FTF only
    assert names(api.as_("de.analyst").get(url)) == ["Dieter Posted"]  # VOT, and its own officer
    assert names(api.as_("secretariat").get(url)) == ["Odile Posted"]  # the FTF secretariat: its network's
    assert names(api.as_("auditor").get(url)) == ["Dieter Posted", "Odile Posted"]
    r = api.as_("outsider").get(url)
    assert r.status_code == 403 and "name people" in r.json()["detail"]
    assert api.as_("outsider").get(f"{url}/{reg.fr_to_jp}").status_code == 403
    # "Whom do I contact in JP": the filter, and the officer page reaches the directory's contact point.
    assert names(api.as_("fr.cp").get(url, params={"posted_to": "jp"})) == ["Odile Posted"]
    assert names(api.as_("fr.cp").get(url, params={"network": "VOT"})) == ["Dieter Posted"]
    one = api.as_("jp.cp").get(f"{url}/{reg.fr_to_jp}").json()
    desk, dgsi = api.world.ids["fr_desk"], api.world.ids["dgsi"]  # type: ignore[attr-defined]
    assert one["contact_point"]["href"] == f"/agencies/{dgsi}#cp-{desk}"
    assert one["contact_point"]["channels"][0]["value"] == "+33140000000"
    assert one["phone"] == "+81335810142" and one["current"] is True
    assert one["provenance"]["source"] == "Note verbale 12/2026" and one["provenance"]["demo"] is False
    assert one["notes"] == ["Some records are not verified against their source."]
    assert api.as_("jp.cp").get(f"{url}/{reg.de_to_fr}").status_code == 404  # not theirs to know of
    r = api.as_("fr.cp").get(url, params={"posted_to": "JPZ"})
    assert r.status_code == 404 and r.json()["suggestions"] == ["JP"]


def test_reads_that_show_names_are_audited_and_refusals_show_none(api: Api) -> None:
    reg = build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    api.as_("jp.cp").get("/api/v1/registries/officers")
    [row] = audits(api, "registry.officer.read", "jp.cp")
    assert row.details["officers"] == [str(reg.fr_to_jp)] and row.via == "api"
    api.as_("fr.cp").get("/api/v1/registries/experts", params={"field": "p2-border-security"})
    [row] = audits(api, "registry.expert.read", "fr.cp")
    assert row.details == {"filters": {"field": "p2-border-security"}, "experts": [str(reg.jp_expert)]}
    # The outsider sees the training calendar with headcounts only, and no read of names is recorded.
    out = api.as_("outsider").get("/api/v1/registries/training").json()
    course = next(t for t in out["activities"] if t["id"] == str(reg.course))
    assert out["names_shown"] is False and course["attendees"] == 5
    assert {a["participant"] for a in course["attendance"]} == {None}
    assert "Taro" not in str(out)
    assert audits(api, "registry.training.read", "outsider") == []
    inside = api.as_("de.analyst").get(f"/api/v1/registries/training/{reg.course}").json()
    assert "Taro Attendee" in [a["participant"] for a in inside["attendance"]]
    assert len(audits(api, "registry.training.read", "de.analyst")) == 1
    assert api.as_("outsider").get("/api/v1/registries/experts").status_code == 403


def test_experts_are_shown_to_members_sharing_a_network_and_filtered(api: Api) -> None:
    build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]

    def experts(user: str, **params: str) -> list[str]:
        r = api.as_(user).get("/api/v1/registries/experts", params=params)
        assert r.status_code == 200, r.text
        return [e["name"] for e in r.json()["experts"]]

    assert experts("fr.cp") == ["Greta Expert", "Kenji Expert"]
    assert experts("de.analyst") == ["Greta Expert"]  # DE shares no network with JP
    assert experts("jp.cp") == ["Kenji Expert"]
    assert experts("fr.cp", language="ja") == ["Kenji Expert"]
    assert experts("fr.cp", available="now") == ["Greta Expert", "Kenji Expert"]
    r = api.as_("fr.cp").get("/api/v1/registries/experts", params={"field": "p2-border-secrity"})
    assert r.status_code == 404 and r.json()["suggestions"][0] == "p2-border-security"
    assert api.as_("fr.cp").get("/api/v1/registries/experts", params={"language": "xx"}).status_code == 422


def test_a_member_writes_its_own_records_and_a_secretariat_any(api: Api) -> None:
    build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    body = {
        "name": "New Officer",
        "posted_by": "FR",
        "posted_to": "JP",
        "networks": ["FTF"],
        "phone": "+33 6 12 34 56 70",
    }
    r = api.as_("fr.cp").post("/api/v1/registries/officers", json=body)
    assert r.status_code == 201, r.text
    [row] = audits(api, "registry.officer.create", "fr.cp")
    created = r.json()["id"]
    assert row.target_id == created
    assert api.as_("jp.cp").delete(f"/api/v1/registries/officers/{created}").status_code == 403
    assert api.as_("fr.cp").delete(f"/api/v1/registries/officers/{created}").status_code == 204
    assert api.as_("fr.cp").get(f"/api/v1/registries/officers/{created}").status_code == 404
    assert api.as_("jp.cp").post("/api/v1/registries/officers", json=body).status_code == 403
    assert api.as_("fr.analyst").post("/api/v1/registries/officers", json=body).status_code == 403
    assert api.as_("outsider").post("/api/v1/registries/officers", json=body).status_code == 403
    bad = api.as_("fr.cp").post("/api/v1/registries/officers", json=body | {"phone": "12"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
    bad = api.as_("fr.cp").post("/api/v1/registries/officers", json=body | {"email": "not-an-address"})
    assert bad.status_code == 422 and bad.json()["field"] == "email"
    bad = api.as_("fr.cp").post("/api/v1/registries/officers", json=body | {"networks": ["FTX"]})
    assert bad.status_code == 404 and bad.json()["suggestions"] == ["FTF"]
    bad = api.as_("fr.cp").post("/api/v1/registries/officers", json=body | {"posted_to": "FX"})
    assert bad.status_code == 404 and "FR" in bad.json()["suggestions"]

    put = "/api/v1/registries/strategies/{}/{}"
    r = api.as_("fr.cp").put(put.format("FR", "p2-contact-point"), json={"status": "met", "evidence": "Desk"})
    assert r.status_code == 200 and r.json()["status"] == "met" and r.json()["provenance"]["entered_by"] == "fr.cp"
    assert api.as_("fr.cp").put(put.format("JP", "p2-contact-point"), json={"status": "gap"}).status_code == 403
    assert api.as_("secretariat").put(put.format("JP", "p2-contact-point"), json={"status": "gap"}).status_code == 200
    r = api.as_("fr.cp").put(put.format("FR", "p2-contact-pont"), json={"status": "met"})
    assert r.status_code == 404 and r.json()["suggestions"][0] == "p2-contact-point"
    assert api.as_("fr.cp").put(put.format("FR", "p2-contact-point"), json={"status": "done"}).status_code == 422
    with api.sessions() as s:
        found = s.scalars(select(StrategyAssessment).where(StrategyAssessment.member == "JP")).all()
    assert [(a.item, a.status, a.entered_by) for a in found] == [("p2-contact-point", "gap", "secretariat")]
    assert len(audits(api, "registry.strategy.assess", "secretariat")) == 1


def test_a_strategy_matches_its_gaps_to_experts_and_upcoming_courses(api: Api) -> None:
    reg = build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    r = api.as_("fr.cp").get("/api/v1/registries/strategies/fr")
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["member"] == "FR" and out["languages"] == ["en", "fr"]  # from FR's contact points
    first = out["gaps"][0]
    assert first["item"] == "p2-border-security" and first["status"] == "gap"
    assert [e["name"] for e in first["experts"]] == ["Kenji Expert"] and first["experts"][0]["shared_languages"] == [
        "en"
    ]
    assert [c["id"] for c in first["courses"]] == [str(reg.course)]  # the past one is left out
    assert "p4-oversight" not in [g["item"] for g in out["gaps"]]
    assert {p["pillar"] for p in out["pillars"]} == {"p1", "p2", "p3", "p4"}
    [row] = audits(api, "registry.strategy.read", "fr.cp")
    assert row.details["experts"] == [str(reg.jp_expert)]
    # In Japanese only, the expert still matches (ja); the course (en, fr) no longer does.
    ja = api.as_("fr.cp").get("/api/v1/registries/strategies/FR", params={"language": "ja"}).json()["gaps"][0]
    assert [e["name"] for e in ja["experts"]] == ["Kenji Expert"] and ja["courses"] == []
    # The outsider's member (CH) sees its own self-assessment, without experts; not another member's.
    own = api.as_("outsider").get("/api/v1/registries/strategies/CH").json()
    assert own["experts_shown"] is False and all(g["experts"] == [] for g in own["gaps"])
    assert api.as_("outsider").get("/api/v1/registries/strategies/FR").status_code == 403
    r = api.as_("fr.cp").get("/api/v1/registries/strategies/FX")
    assert r.status_code == 404 and "FR" in r.json()["suggestions"]
    matrix = api.as_("auditor").get("/api/v1/registries/strategies").json()
    assert [m["member"] for m in matrix["members"]] == ["FR"]
    assert matrix["members"][0]["statuses"]["p2-border-security"] == "gap"


def test_openapi_documents_the_registries(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]  # type: ignore[attr-defined]
    for path in ("officers", "officers/{officer_id}", "experts", "training", "strategies/{member}"):
        assert f"/api/v1/registries/{path}" in paths
    assert "StrategyOut" in str(paths["/api/v1/registries/strategies/{member}"]["get"]["responses"]["200"])
