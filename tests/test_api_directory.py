"""The directory API: the duty answer, lookups with suggestions, validation, and need-to-know access."""

from __future__ import annotations

from sqlalchemy import func, select

from liaison.models import AuditEvent, ContactPoint

AT_MONDAY_NOON = "2026-11-23T12:00:00Z"  # week 46 of the French rotation: Claire's week
AT_MONDAY_EARLY = "2026-11-23T06:30:00Z"  # 07:30 in Paris, before the 08:00 handoff: still Marc
AT_SATURDAY = "2026-11-28T03:00:00Z"  # Japan covers weekdays only


def test_duty_answer_names_contact_channels_languages_and_local_time(api):
    r = api.as_("jp.cp").get("/api/v1/networks/FTF/on-duty/FR", params={"at": AT_MONDAY_NOON})
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["network"], d["member"]) == ("FTF", "FR")
    c = d["contact"]
    assert c["name"] == "Claire Fictive"
    assert c["agency"] == "Unité de coordination"
    assert {"kind": "mobile", "value": "+33612345678"} in [
        {"kind": x["kind"], "value": x["value"]} for x in c["channels"]
    ]
    assert c["languages"] == ["fr", "en"]
    assert c["timezone"] == "Europe/Paris"
    assert c["local_time"].startswith("2026-11-23T13:00")
    assert d["shift"]["start"] == "2026-11-23T07:00:00+00:00"
    assert [f["role"] for f in d["fallback"]] == ["deputy", "secretariat"]
    assert d["fallback"][0]["name"] == "Permanence 24/7"
    assert d["next"]["contact"] == "Marc Exemple"


def test_handoff_is_at_local_time(api):
    d = api.as_("jp.cp").get("/api/v1/networks/FTF/on-duty/fra", params={"at": AT_MONDAY_EARLY}).json()
    assert d["contact"]["name"] == "Marc Exemple"


def test_gap_says_so_and_gives_the_fallback(api):
    d = api.as_("fr.cp").get("/api/v1/networks/FTF/on-duty/Japan", params={"at": AT_SATURDAY}).json()
    assert d["contact"] is None and d["gap"] is True
    assert "Nobody is on duty" in d["message"]
    assert [f["name"] for f in d["fallback"]] == ["FTF Secretariat desk"]


def test_unknown_member_and_network_404_with_suggestions(api):
    r = api.as_("fr.cp").get("/api/v1/networks/FTF/on-duty/Frnace")
    assert r.status_code == 404
    assert "FR" in r.json()["suggestions"]
    r = api.as_("fr.cp").get("/api/v1/networks/FTX/on-duty/FR")
    assert r.status_code == 404
    assert r.json()["suggestions"][0] == "FTF"


def test_member_of_another_network_is_explained(api):
    r = api.as_("fr.cp").get("/api/v1/networks/FTF/on-duty/DE")
    assert r.status_code == 404
    assert "not an active member of FTF" in r.json()["detail"]


def test_invalid_at_is_422_naming_the_field(api):
    r = api.as_("fr.cp").get("/api/v1/networks/FTF/on-duty/FR", params={"at": "2026-11-23T12:00"})
    assert r.status_code == 422
    assert r.json()["field"] == "at"


def test_every_request_is_authenticated(api):
    assert api.as_(None).get("/api/v1/networks").status_code == 401
    bad = api.client.get("/api/v1/networks", headers={"Authorization": "Bearer lsn_forged"})
    assert bad.status_code == 401


def test_need_to_know_outsider_sees_nothing(api):
    outsider = api.as_("outsider")
    assert outsider.get("/api/v1/networks").json() == []
    r = outsider.get("/api/v1/networks/FTF/on-duty/FR")
    assert r.status_code == 404  # not 403: the network's existence is not revealed
    assert r.json()["suggestions"] == []


def test_member_agency_sees_only_its_networks(api):
    assert [n["code"] for n in api.as_("de.analyst").get("/api/v1/networks").json()] == ["VOT"]
    assert api.as_("de.analyst").get("/api/v1/networks/FTF/board").status_code == 404
    assert [n["code"] for n in api.as_("secretariat").get("/api/v1/networks").json()] == ["FTF"]
    assert len(api.as_("auditor").get("/api/v1/networks").json()) == 2


def test_board_lists_every_member_with_local_time(api):
    rows = api.as_("secretariat").get("/api/v1/networks/FTF/board", params={"at": "2026-11-23T03:00:00Z"}).json()
    assert [r["member"] for r in rows] == ["FR", "JP"]
    assert rows[0]["contact"]["name"] == "Marc Exemple"  # 04:00 in Paris: last week's officer until 08:00
    assert rows[1]["contact"]["local_time"].startswith("2026-11-23T12:00")  # Tokyo, UTC+9
    assert rows[1]["contact"]["name"] == "Hana Kasou"


def _cp_count(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(ContactPoint))


def test_bad_fields_are_422_naming_the_field_and_nothing_is_written(api):
    agency = api.world.ids["dgsi"]
    fr = api.as_("fr.cp")
    before = _cp_count(api)
    cases = [
        ({"name": "Desk", "timezone": "Europe/Parris"}, "timezone"),
        ({"name": "Desk", "timezone": "Europe/Paris", "languages": ["french"]}, "languages"),
        (
            {
                "name": "Desk",
                "timezone": "Europe/Paris",
                "channels": [{"kind": "phone", "value": "+33 1 40 00 00 01"}, {"kind": "phone", "value": "+33 12"}],
            },
            "value",
        ),
        ({"name": "Desk", "timezone": "Europe/Paris", "channels": [{"kind": "email", "value": "desk@"}]}, "value"),
        ({"name": "", "timezone": "Europe/Paris"}, "name"),
    ]
    for body, field in cases:
        r = fr.post(f"/api/v1/agencies/{agency}/contact-points", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, r.json()
    assert _cp_count(api) == before


def test_bad_country_code_is_422(api):
    r = api.as_("admin").post("/api/v1/networks/FTF/members", json={"code": "XX", "kind": "state"})
    assert r.status_code == 422
    assert r.json()["field"] == "code"


def test_contact_points_edit_only_their_own_agency(api):
    body = {
        "name": "Night desk",
        "timezone": "Europe/Paris",
        "channels": [{"kind": "phone", "value": "01 40 00 00 02"}],
    }
    r = api.as_("fr.cp").post(f"/api/v1/agencies/{api.world.ids['dgsi']}/contact-points", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["channels"][0]["value"] == "+33140000002"  # national format, stored as E.164
    r = api.as_("fr.cp").post(f"/api/v1/agencies/{api.world.ids['npa']}/contact-points", json=body)
    assert r.status_code == 403
    # Germany sees VOT only, where France has designated no agency: France's agency is invisible, so unknown.
    r = api.as_("de.analyst").post(f"/api/v1/agencies/{api.world.ids['dgsi']}/contact-points", json=body)
    assert r.status_code == 404 and r.json()["detail"] == f"no agency {api.world.ids['dgsi']}"


def test_changes_are_audited_with_actor_and_origin(api):
    api.as_("fr.cp").patch(f"/api/v1/contact-points/{api.world.ids['claire']}", json={"languages": ["fr", "en", "es"]})
    with api.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "contact_point.update")).one()
    assert ev.actor_name == "fr.cp" and ev.via == "api" and ev.ip
    assert ev.details["after"] == {"languages": ["fr", "en", "es"]}
    assert ev.details["before"] == {"languages": ["fr", "en"]}


def test_reads_of_personal_data_are_audited(api):
    api.as_("jp.cp").get("/api/v1/networks/FTF/on-duty/FR", params={"at": AT_MONDAY_NOON})
    api.client.app.state.liaison.read_audit.flush()
    with api.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "duty.read")).one()
    assert ev.actor_name == "jp.cp"
    assert str(api.world.ids["claire"]) in ev.details["persons"]


def test_audit_log_is_for_auditors_and_exports_csv(api):
    assert api.as_("fr.cp").get("/api/v1/audit").status_code == 403
    rows = api.as_("auditor").get("/api/v1/audit", params={"action": "rotation."}).json()
    assert len(rows) == 2 and all(r["action"] == "rotation.create" for r in rows)
    csv = api.as_("auditor").get("/api/v1/audit", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("id,at,actor_name,action")
    # reading the audit log is itself audited
    assert api.as_("auditor").get("/api/v1/audit", params={"action": "audit."}).json()[0]["actor_name"] == "auditor"


def test_revoked_token_stops_working(api):
    fr = api.as_("fr.cp")
    tokens = fr.get("/api/v1/tokens").json()
    assert fr.delete(f"/api/v1/tokens/{tokens[0]['id']}").status_code == 204
    assert fr.get("/api/v1/networks").status_code == 401


def test_openapi_documents_the_answer(api):
    schema = api.client.get("/openapi.json").json()
    assert "/api/v1/networks/{network}/on-duty/{member}" in schema["paths"]
    assert "/api/v1/networks/{network}/members/{member}/roster.ics" in schema["paths"]


def test_secretariat_keeps_its_own_desk_and_members_are_created_only_by_secretariats(api):
    desk = api.world.ids["sec_desk"]
    assert (
        api.as_("secretariat").patch(f"/api/v1/contact-points/{desk}", json={"notes": "night line"}).status_code == 200
    )
    assert api.as_("fr.cp").patch(f"/api/v1/contact-points/{desk}", json={"notes": "x"}).status_code == 403
    r = api.as_("fr.cp").post("/api/v1/networks/FTF/members", json={"code": "BE", "kind": "state"})
    assert r.status_code == 403


def test_nul_characters_are_refused_everywhere_with_a_422(api):
    from liaison.actions.directory import update_contact_point
    from liaison.db import transaction
    from liaison.errors import InvalidInput
    from liaison.models import ContactPoint
    from tests.world import ADMIN

    fr = api.as_("fr.cp")
    r = fr.patch(f"/api/v1/contact-points/{api.world.ids['claire']}", json={"notes": "a\u0000b"})
    assert r.status_code == 422 and "NUL" in r.json()["detail"]
    r = fr.get("/api/v1/networks/FTF/membership-requests", params={"status": "\u0000"})
    assert r.status_code == 422
    assert fr.get("/api/v1/networks/FT%00F/on-duty/FR").status_code == 422
    # and whatever path the input takes (UI forms, imports), nothing with a NUL reaches the database
    try:
        with transaction(api.sessions) as s:
            cp = s.get_one(ContactPoint, api.world.ids["claire"])
            update_contact_point(s, actor=ADMIN, contact_point=cp, changes={"notes": "x\u0000"})
        raise AssertionError("the NUL was stored")
    except InvalidInput as exc:
        assert exc.field == "notes"


def test_strict_input_unknown_fields_and_non_boolean_flags_are_refused(api):
    fr = api.as_("fr.cp")
    url = f"/api/v1/contact-points/{api.world.ids['claire']}"
    assert fr.patch(url, json={"is_active": 0}).status_code == 422
    assert fr.patch(url, json={"langauges": ["fr"]}).json()["field"] == "langauges"


def test_an_outsider_cannot_add_agencies(api):
    r = api.as_("outsider").post("/api/v1/members/CH/agencies", json={"name": "Shadow office"})
    assert r.status_code == 403
