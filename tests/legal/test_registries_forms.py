"""The registries' web forms: a member's contact point adds, edits and ends a liaison officer's posting, adds an
expert and a training activity and records attendance; each write is audited; a bad value re-shows the form with
what was typed and the error beside its field; another member's contact point and an outsider are refused; the
add links and forms show only to those who may write."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from liaison.models import AuditEvent, Expert, LiaisonOfficer, TrainingActivity, TrainingAttendance, utcnow
from tests.bank.test_ui_bank import log_in
from tests.conftest import Api
from tests.legal.registries_world import build

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:2000]
    return found.group(1)


def audits(api: Api, action: str, actor: str) -> list[AuditEvent]:
    with api.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_name == actor)))


def count(api: Api, model: Any) -> int:
    with api.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def officer_form(csrf: str, desk: uuid.UUID, **changes: Any) -> dict[str, Any]:
    today = utcnow().date()
    form: dict[str, Any] = {
        "csrf_token": csrf,
        "name": "Anne Nouvelle",
        "posted_by": "FR",
        "posted_to": "JP",
        "post": "Embassy of France, Tokyo",
        "network": ["FTF"],
        "languages": "fr, ja",
        "contact_point_id": str(desk),
        "email": "anne@fr.example",
        "phone": "+81 3-3581-0142",
        "from_on": (today - timedelta(days=10)).isoformat(),
        "until_on": (today + timedelta(days=700)).isoformat(),
        "source": "Note verbale 44/2026",
    }
    return form | changes


def test_a_contact_point_adds_edits_and_ends_an_officer_and_each_step_is_audited(api: Api) -> None:
    ids = api.world.ids  # type: ignore[attr-defined]
    client = log_in(api.client, "fr.cp")
    listing = client.get("/registries/officers")
    assert 'href="/registries/officers/new"' in listing.text
    page = client.get("/registries/officers/new")
    assert page.status_code == 200, page.text
    html = page.text
    for name in ("name", "posted_by", "posted_to", "post", "languages", "contact_point_id", "email", "phone"):
        assert f'<label for="f-{name}">' in html and f'id="f-{name}"' in html, name
    assert '<label for="f-from_on">' in html and '<label for="f-until_on">' in html and 'id="f-networks"' in html
    # Posted by: France, the user's member, and only it; the directory link offers France's contact points only.
    posted_by = re.search(r'<select id="f-posted_by".*?</select>', html, re.S).group(0)  # type: ignore[union-attr]
    assert '<option value="FR" selected>' in posted_by and 'value="JP"' not in posted_by
    assert str(ids["fr_desk"]) in html and str(ids["hana"]) not in html and str(ids["sec_desk"]) not in html

    r = client.post("/registries/officers/new", data=officer_form(token(html), ids["fr_desk"]), follow_redirects=False)
    assert r.status_code == 303, r.text
    assert re.fullmatch(r"/registries/officers/[0-9a-f-]{36}\?saved=created", r.headers["location"])
    ident = r.headers["location"].split("/")[3].split("?")[0]
    shown = client.get(r.headers["location"])
    assert "Liaison officer added." in shown.text and "Anne Nouvelle" in shown.text and "Permanence 24/7" in shown.text
    assert (
        f'href="/registries/officers/{ident}/edit"' in shown.text and f"/registries/officers/{ident}/end" in shown.text
    )
    with api.sessions() as s:
        o = s.get(LiaisonOfficer, uuid.UUID(ident))
        assert o is not None
        assert (o.posted_by, o.posted_to, o.networks, o.languages) == ("FR", "JP", ["FTF"], ["fr", "ja"])
        assert o.phone == "+81335810142" and o.email == "anne@fr.example" and o.contact_point_id == ids["fr_desk"]
        assert o.source == "Note verbale 44/2026" and o.entered_by == "fr.cp" and not o.demo
    [created] = audits(api, "registry.officer.create", "fr.cp")
    assert created.target_id == ident and created.via == "web"

    edit = client.get(f"/registries/officers/{ident}/edit")
    assert edit.status_code == 200 and 'value="Anne Nouvelle"' in edit.text and 'value="+81335810142"' in edit.text
    assert f'<option value="{ids["fr_desk"]}" selected>' in edit.text
    changed = officer_form(token(edit.text), ids["fr_desk"], post="Embassy of France, Osaka", phone="+81 6-6941-0351")
    r = client.post(f"/registries/officers/{ident}/edit", data=changed, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/registries/officers/{ident}?saved=updated"
    assert "Changes saved." in client.get(r.headers["location"]).text
    [updated] = audits(api, "registry.officer.update", "fr.cp")
    assert updated.details["changed"] == ["phone", "post"]

    today = utcnow().date()
    r = client.post(
        f"/registries/officers/{ident}/end",
        data={"csrf_token": token(edit.text), "until_on": today.isoformat()},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/registries/officers/{ident}?saved=ended"
    with api.sessions() as s:
        o = s.get(LiaisonOfficer, uuid.UUID(ident))
        assert o is not None and o.until_on == today and o.post == "Embassy of France, Osaka"
    [ended] = audits(api, "registry.officer.end", "fr.cp")
    assert ended.details["until_on"] == today.isoformat() and ended.details["before"] is not None
    # A last day before the first is refused beside the field, the day typed kept.
    early = (today - timedelta(days=30)).isoformat()
    bad = client.post(f"/registries/officers/{ident}/end", data={"csrf_token": token(edit.text), "until_on": early})
    assert bad.status_code == 422 and 'id="end-until_on-error"' in bad.text and f'value="{early}"' in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert (
        client.post(f"/registries/officers/{ident}/end", data={"csrf_token": "x", "until_on": early}).status_code == 403
    )


def test_bad_values_show_the_officer_form_again_with_what_was_typed(api: Api) -> None:
    ids = api.world.ids  # type: ignore[attr-defined]
    client = log_in(api.client, "fr.cp")
    csrf = token(client.get("/registries/officers/new").text)
    cases = {
        "phone": {"phone": "12"},
        "email": {"email": "anne-at-example"},
        "from_on": {"from_on": "2026-02-30"},
        "until_on": {"until_on": "2020-01-01"},  # before the first day in post
        "networks": {"network": []},
        "contact_point_id": {"contact_point_id": str(ids["hana"])},  # Japan's, not the posting member's
    }
    for field, change in cases.items():
        form = officer_form(csrf, ids["fr_desk"], name="Typed <Name>", post="Kept post", **change)
        r = client.post("/registries/officers/new", data=form)
        assert r.status_code == 422, (field, r.text[:500])
        html = r.text
        assert f'id="f-{field}-error"' in html, field
        assert 'role="alert"' in html and f'href="#f-{field}"' in html
        assert 'value="Typed &lt;Name&gt;"' in html and 'value="Kept post"' in html  # nothing typed is lost
        assert '<option value="JP" selected>' in html and 'value="fr, ja"' in html
        for key, value in change.items():
            if key != "network" and key != "contact_point_id":
                assert f'value="{value}"' in html, field
    form = officer_form(csrf, ids["fr_desk"], phone="12")
    assert 'value="FTF" id="f-networks" checked' in client.post("/registries/officers/new", data=form).text
    assert count(api, LiaisonOfficer) == 0
    assert client.post("/registries/officers/new", data=officer_form("x", ids["fr_desk"])).status_code == 403


def test_only_the_keepers_of_a_members_records_may_write_and_see_the_links(api: Api) -> None:
    ids = api.world.ids  # type: ignore[attr-defined]
    reg = build(api.sessions, ids["fr_desk"])
    before = count(api, LiaisonOfficer)
    # Japan's contact point may not post an officer for France, nor edit or end France's.
    client = log_in(api.client, "jp.cp")
    page = client.get("/registries/officers/new")
    assert page.status_code == 200 and '<option value="JP" selected>' in page.text
    assert '<option value="FR"' not in re.search(r'id="f-posted_by".*?</select>', page.text, re.S).group(0)  # type: ignore[union-attr]
    csrf = token(page.text)
    assert client.post("/registries/officers/new", data=officer_form(csrf, ids["fr_desk"])).status_code == 403
    shown = client.get(f"/registries/officers/{reg.fr_to_jp}")
    assert shown.status_code == 200 and "/edit" not in shown.text and "/end" not in shown.text
    assert client.get(f"/registries/officers/{reg.fr_to_jp}/edit").status_code == 403
    form = officer_form(csrf, ids["fr_desk"], posted_to="DE")
    assert client.post(f"/registries/officers/{reg.fr_to_jp}/edit", data=form).status_code == 403
    end = {"csrf_token": csrf, "until_on": utcnow().date().isoformat()}
    assert client.post(f"/registries/officers/{reg.fr_to_jp}/end", data=end).status_code == 403
    attend = {"csrf_token": csrf, "member": "FR", "participant": "Someone", "count": "1"}
    assert client.post(f"/registries/training/{reg.course}/attendance", data=attend).status_code == 403
    # An outsider: no form, no write.
    client = log_in(api.client, "outsider")
    csrf = token(client.get("/registries/training").text)
    for url in ("/registries/officers/new", "/registries/experts/new", "/registries/training/new"):
        assert client.get(url).status_code == 403, url
    assert client.post("/registries/officers/new", data=officer_form(csrf, ids["fr_desk"])).status_code == 403
    training = {"csrf_token": csrf, "title": "Outsider course", "organiser": "CH", "starts_on": "2027-01-10"}
    assert client.post("/registries/training/new", data=training).status_code == 403
    assert "Record attendance" not in client.get(f"/registries/training/{reg.course}").text
    assert (
        client.post(f"/registries/training/{reg.course}/attendance", data=attend | {"csrf_token": csrf}).status_code
        == 403
    )
    # A reader (France's analyst) sees the registries without any add link or form.
    client = log_in(api.client, "fr.analyst")
    for url, link in (
        ("/registries/officers", "/registries/officers/new"),
        ("/registries/experts", "/registries/experts/new"),
        ("/registries/training", "/registries/training/new"),
    ):
        r = client.get(url)
        assert r.status_code == 200 and link not in r.text, url
    officer = client.get(f"/registries/officers/{reg.fr_to_jp}")
    assert officer.status_code == 200 and "Odile Posted" in officer.text and "/edit" not in officer.text
    assert "Record attendance" not in client.get(f"/registries/training/{reg.course}").text
    assert client.get("/registries/experts/new").status_code == 403
    assert count(api, LiaisonOfficer) == before and count(api, TrainingActivity) == 2
    # The secretariat keeps every member's records: all members are offered.
    client = log_in(api.client, "secretariat")
    page = client.get("/registries/officers/new").text
    posted_by = re.search(r'id="f-posted_by".*?</select>', page, re.S).group(0)  # type: ignore[union-attr]
    assert all(f'<option value="{m}"' in posted_by for m in ("CH", "DE", "FR", "JP"))


def test_an_expert_is_added_with_checklist_fields_and_topics(api: Api) -> None:
    client = log_in(api.client, "fr.cp")
    assert 'href="/registries/experts/new"' in client.get("/registries/experts").text
    page = client.get("/registries/experts/new")
    assert page.status_code == 200 and '<label for="f-name">' in page.text and 'id="f-fields"' in page.text
    assert '<label class="check"><input type="checkbox" name="field" value="p2-border-security"' in page.text
    today = utcnow().date()
    form = {
        "csrf_token": token(page.text),
        "name": "Sophie Experte",
        "member": "FR",
        "organisation": "DGSI",
        "field": ["p2-border-security", "p4-oversight"],
        "other_topics": "Cryptocurrency tracing\nPrison radicalisation",
        "languages": "fr, en",
        "available_from": today.isoformat(),
        "available_until": (today + timedelta(days=200)).isoformat(),
        "availability": "Two weeks' notice",
        "email": "sophie@fr.example",
        "source": "Letter 3/2026",
    }
    for change, field in (
        ({"email": "sophie.example"}, "email"),
        ({"available_until": "2026-13-01"}, "available_until"),
        ({"available_until": (today - timedelta(days=1)).isoformat()}, "available_until"),
        ({"languages": "french"}, "languages"),
        ({"field": [], "other_topics": ""}, "fields"),
        ({"other_topics": "p2-bordr-security"}, "other_topics"),
    ):
        bad = client.post("/registries/experts/new", data=form | change)
        assert bad.status_code == 422, (field, bad.text[:300])
        assert f'id="f-{field}-error"' in bad.text and 'value="Sophie Experte"' in bad.text, field
        assert "Two weeks&#39; notice" in bad.text and 'value="DGSI"' in bad.text
        if field != "fields":
            assert 'value="p4-oversight" checked' in bad.text, field
    assert count(api, Expert) == 0
    r = client.post("/registries/experts/new", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/registries/experts?saved=expert#expert-")
    listing = client.get(r.headers["location"])
    assert (
        "Expert added." in listing.text
        and "Sophie Experte" in listing.text
        and "Cryptocurrency tracing" in listing.text
    )
    with api.sessions() as s:
        e = s.scalar(select(Expert))
        assert e is not None and e.member == "FR" and e.languages == ["fr", "en"]
        assert e.fields == ["p2-border-security", "p4-oversight", "Cryptocurrency tracing", "Prison radicalisation"]
        assert e.available_from == today and e.email == "sophie@fr.example" and e.source == "Letter 3/2026"
    [row] = audits(api, "registry.expert.create", "fr.cp")
    assert row.details["member"] == "FR"
    # Japan's contact point may not add an expert for France.
    client = log_in(api.client, "jp.cp")
    csrf = token(client.get("/registries/experts/new").text)
    assert client.post("/registries/experts/new", data=form | {"csrf_token": csrf}).status_code == 403
    assert count(api, Expert) == 1


def test_a_training_activity_is_added_and_attendance_recorded(api: Api) -> None:
    client = log_in(api.client, "fr.cp")
    assert 'href="/registries/training/new"' in client.get("/registries/training").text
    page = client.get("/registries/training/new")
    assert page.status_code == 200 and '<label for="f-title">' in page.text and '<label for="f-capacity">' in page.text
    start = utcnow().date() + timedelta(days=30)
    form = {
        "csrf_token": token(page.text),
        "title": "Financial investigations workshop",
        "organiser": "FR",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=2)).isoformat(),
        "place": "Lyon",
        "online": "1",
        "topic": ["p2-terrorist-financing"],
        "other_topics": "",
        "languages": "en, fr",
        "capacity": "30",
        "description": "Three days of casework.",
        "source": "Invitation 7/2026",
    }
    for change, field in (
        ({"capacity": "lots"}, "capacity"),
        ({"capacity": "0"}, "capacity"),
        ({"starts_on": ""}, "starts_on"),
        ({"ends_on": (start - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"title": " "}, "title"),
        ({"topic": ["p9-nothing"]}, "topics"),
    ):
        bad = client.post("/registries/training/new", data=form | change)
        assert bad.status_code == 422, (field, bad.text[:300])
        assert f'id="f-{field}-error"' in bad.text and "Three days of casework." in bad.text, field
        assert 'value="Lyon"' in bad.text and 'id="f-online" name="online" value="1" checked' in bad.text
    assert count(api, TrainingActivity) == 0
    r = client.post("/registries/training/new", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=training")
    url = r.headers["location"].split("?")[0]
    shown = client.get(r.headers["location"])
    assert "Training activity added." in shown.text and "Financial investigations workshop" in shown.text
    assert "Record attendance" in shown.text and '<label for="att-member">' in shown.text
    with api.sessions() as s:
        t = s.scalar(select(TrainingActivity))
        assert t is not None and t.online and t.capacity == 30 and t.topics == ["p2-terrorist-financing"]
        assert t.organiser == "FR" and t.ends_on == start + timedelta(days=2) and t.source == "Invitation 7/2026"
    [row] = audits(api, "registry.training.create", "fr.cp")
    assert row.target_id == url.rsplit("/", 1)[1]

    csrf = token(shown.text)
    named = {"csrf_token": csrf, "member": "FR", "participant": "Jean Participant", "count": "1", "agency": "DGSI"}
    r = client.post(f"{url}/attendance", data=named, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?saved=attendance#attendance"
    r = client.post(
        f"{url}/attendance", data={"csrf_token": csrf, "member": "FR", "count": "3"}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get(f"{url}?saved=attendance")
    assert "Attendance recorded." in page.text and "Jean Participant" in page.text
    # A name with a headcount, or a headcount that is no number: the form comes back with what was typed.
    bad = client.post(f"{url}/attendance", data=named | {"participant": "Paul Typed", "count": "2"})
    assert bad.status_code == 422 and 'id="att-count-error"' in bad.text and 'value="Paul Typed"' in bad.text
    bad = client.post(f"{url}/attendance", data=named | {"participant": "", "count": "many"})
    assert bad.status_code == 422 and 'id="att-count-error"' in bad.text and 'value="many"' in bad.text
    # France's contact point records France's attendees, not Japan's.
    assert client.post(f"{url}/attendance", data=named | {"member": "JP"}).status_code == 403
    with api.sessions() as s:
        rows = list(s.scalars(select(TrainingAttendance).order_by(TrainingAttendance.count)))
        assert [(a.member, a.participant, a.count) for a in rows] == [("FR", "Jean Participant", 1), ("FR", "", 3)]
    assert len(audits(api, "registry.training.attend", "fr.cp")) == 2
