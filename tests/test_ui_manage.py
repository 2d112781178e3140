"""The editing pages, driven over HTTP with the demo directory: an agency's contact points and channels with test
messages, roster rotations and the deputy, network administration by the secretariat, asking to join, and changing
one's password. Every change goes through an action, so each one leaves an audit row."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liaison.channels import ChannelError
from liaison.channels.registry import LogSender, Outgoing
from liaison.models import AuditEvent, Channel, ContactPoint, MembershipRequest, Rotation, utcnow
from tests import test_ui
from tests.conftest import DEMO_PASSWORD
from tests.test_ui import csrf, login

client = test_ui.client  # the same fixture: the real app over a private copy of the demo database

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def as_user(c: TestClient, username: str) -> TestClient:
    """Log in as someone else. Pending read-audit rows are written first, so the login never races them."""
    c.cookies.clear()
    c.app.state.liaison.read_audit.flush()  # type: ignore[attr-defined]
    r = login(c, username)
    assert r.status_code == 303, r.text
    return c


def own_agency(c: TestClient) -> str:
    """The logged-in user's agency page, found the way a person finds it: "My agency" (or "Secretariat") in the menu."""
    match = re.search(rf'href="(/agencies/{UUID})">(?:My agency|Secretariat)<', c.get("/").text)
    assert match, "no 'My agency' link in the navigation"
    return match.group(1)


def agency_of(c: TestClient, network: str, member: str) -> str:
    match = re.search(
        rf'Designated authority on {network}: <a href="(/agencies/{UUID})"',
        c.get(f"/networks/{network}/members/{member}").text,
    )
    assert match, f"no agency link on the {network}/{member} member page"
    return match.group(1)


def audit_rows(c: TestClient, action: str) -> list[AuditEvent]:
    with c.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def count(c: TestClient, model: type) -> int:
    with c.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def error_link(html: str) -> tuple[str, str]:
    """(field id, label) the error summary at the top of a re-shown form points at."""
    match = re.search(r'id="form-error">\s*<p><strong>Not saved.</strong> <a href="#([^"]+)">([^<]+)</a>', html)
    assert match, "no error summary on the page"
    return match.group(1), match.group(2)


@pytest.fixture
def outbox() -> Iterator[Callable[[], list[Outgoing]]]:
    """The channel test messages the logging sender kept (the demo's notifications share its outbox)."""
    LogSender.outbox.clear()
    yield lambda: [item for item in LogSender.outbox if item.subject == "Liaison: please confirm this channel"]
    LogSender.outbox.clear()


# -- the agency page -----------------------------------------------------------------------------------------------


def test_contact_point_adds_a_contact_point_and_a_channel_to_its_own_agency(client):
    as_user(client, "fr.ftf")
    url = own_agency(client)
    page = client.get(url).text
    assert "Interior Ministry Counter-Terrorism Coordination Office" in page and "Designated authority on" in page
    assert 'href="tel:+33' in page and "verified" in page and "Add a contact point" in page
    token = csrf(page)
    r = client.post(
        f"{url}/contact-points",
        follow_redirects=False,
        data={
            "csrf_token": token,
            "name": "CTCO night desk",
            "kind": "desk",
            "is_24_7": "on",
            "timezone": "Europe/Paris",
            "languages": "fr, en",
            "channel_kind": "phone",
            "channel_value": "01 23 45 67 89",
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith(url)
    page = client.get(r.headers["location"]).text
    assert "Contact point added" in page and "CTCO night desk" in page
    assert 'href="tel:+33123456789"' in page  # the national number, kept in E.164
    heading = r'<h3 class="contact-name"><bdi dir="auto">CTCO night desk<'
    cp_id = re.search(rf'<li class="cp" id="cp-({UUID})">\s*{heading}', page).group(1)
    r = client.post(
        f"{url}/contact-points/{cp_id}/channels",
        follow_redirects=False,
        data={"csrf_token": token, "kind": "mobile", "value": "06 12 34 56 78", "label": "night line"},
    )
    assert r.status_code == 303
    with client.app.state.liaison.sessions() as s:
        cp = s.get_one(ContactPoint, uuid.UUID(cp_id))
        assert cp.is_24_7 and cp.timezone == "Europe/Paris" and cp.languages == ["fr", "en"]
        assert [(ch.kind, ch.value, ch.label) for ch in cp.channels] == [
            ("phone", "+33123456789", ""),
            ("mobile", "+33612345678", "night line"),
        ]
    created = audit_rows(client, "contact_point.create")[-1]
    assert created.actor_name == "fr.ftf" and created.via == "web" and created.details["name"] == "CTCO night desk"
    added = audit_rows(client, "channel.create")[-1]
    assert added.actor_name == "fr.ftf" and added.details["value"] == "+33612345678"
    # the same contact point, edited: now inactive; the audit row says what changed
    r = client.post(
        f"{url}/contact-points/{cp_id}",
        follow_redirects=False,
        data={
            "csrf_token": token,
            "name": "CTCO night desk",
            "kind": "desk",
            "is_24_7": "on",
            "timezone": "Europe/Paris",
            "languages": "fr en es",
        },
    )
    assert r.status_code == 303
    assert audit_rows(client, "contact_point.update")[-1].details["after"] == {
        "languages": ["fr", "en", "es"],
        "is_active": False,
    }
    assert "inactive" in client.get(url).text


def test_contact_point_cannot_change_another_agency_and_nothing_is_written(client):
    as_user(client, "fr.ftf")
    jp = agency_of(client, "FTF", "JP")
    page = client.get(jp)  # need to know: both are on FTF, so France sees Japan's agency ...
    assert page.status_code == 200 and "National Counter-Terrorism Police Unit" in page.text
    assert "Add a contact point" not in page.text and "Send test message" not in page.text  # ... but edits nothing
    token = csrf(page.text)
    jp_cp = re.search(rf'id="cp-({UUID})"', page.text).group(1)
    jp_channel = re.search(rf'id="ch-({UUID})"', page.text).group(1)
    before = (count(client, ContactPoint), count(client, Channel))
    attempts = [
        (f"{jp}/contact-points", {"name": "Intruder desk", "timezone": "Asia/Tokyo"}),
        (f"{jp}/contact-points/{jp_cp}", {"name": "Renamed", "timezone": "Asia/Tokyo"}),
        (f"{jp}/contact-points/{jp_cp}/channels", {"kind": "phone", "value": "+81 3 1234 5678"}),
        (f"{jp}/channels/{jp_channel}/remove", {}),
        (f"{jp}/channels/{jp_channel}/test", {}),
    ]
    for url, data in attempts:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    as_user(client, "outsider")  # who may not see the agency is told it does not exist
    token = csrf(client.get("/").text)
    assert client.get(jp).status_code == 404
    for url, data in attempts:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert client.get("/agencies/not-an-id").status_code == 404
    assert (count(client, ContactPoint), count(client, Channel)) == before
    changes = (
        "contact_point.create",
        "contact_point.update",
        "channel.create",
        "channel.delete",
        "channel.verification_sent",
    )
    assert not [e for a in changes for e in audit_rows(client, a) if e.actor_name in ("fr.ftf", "outsider")]


def test_bad_fields_are_422_naming_the_field_and_nothing_is_written(client):
    as_user(client, "jp.ftf")
    url = own_agency(client)
    token = csrf(client.get(url).text)
    before = (count(client, ContactPoint), count(client, Channel))
    form = {"csrf_token": token, "name": "Osaka desk", "timezone": "Asia/Tokyo", "languages": "ja"}
    r = client.post(f"{url}/contact-points", data={**form, "timezone": "Mars/Olympus"})
    assert r.status_code == 422 and error_link(r.text) == ("new-cp-timezone", "Time zone")
    assert 'id="new-cp-timezone"' in r.text and 'aria-invalid="true"' in r.text and "Mars/Olympus" in r.text
    r = client.post(f"{url}/contact-points", data={**form, "languages": "ja, xx"})
    assert r.status_code == 422 and error_link(r.text) == ("new-cp-languages", "Languages")
    r = client.post(f"{url}/contact-points", data={**form, "name": " "})
    assert r.status_code == 422 and error_link(r.text)[0] == "new-cp-name"
    r = client.post(f"{url}/contact-points", data={**form, "channel_kind": "phone", "channel_value": "12"})
    assert r.status_code == 422 and error_link(r.text)[0] == "new-cp-channel_value"
    cp = re.search(rf'id="cp-({UUID})"', r.text).group(1)
    r = client.post(f"{url}/contact-points/{cp}/channels", data={"csrf_token": token, "kind": "email", "value": "no"})
    assert r.status_code == 422 and error_link(r.text) == (f"addch-{cp}-value", "Value")
    assert (count(client, ContactPoint), count(client, Channel)) == before


def test_test_message_carries_a_link_that_verifies_the_channel(client, outbox):
    as_user(client, "fr.ftf")
    url = own_agency(client)
    page = client.get(url).text
    token = csrf(page)
    cp = re.search(rf'id="cp-({UUID})"', page).group(1)
    client.post(
        f"{url}/contact-points/{cp}/channels",
        data={"csrf_token": token, "kind": "email", "value": "backup.desk@ctco.fr.example"},
    )
    page = client.get(url).text
    channel = re.search(rf'<li id="ch-({UUID})">(?:(?!</li>).)*backup\.desk@ctco\.fr\.example', page, re.S).group(1)

    def state_of_channel() -> str:
        return re.search(rf'<li id="ch-{channel}">(.*?)</li>', client.get(url).text, re.S).group(1)

    assert "unverified" in state_of_channel()
    r = client.post(f"{url}/channels/{channel}/test", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    shown = client.get(r.headers["location"]).text
    assert "Test message sent" in shown and "backup.desk@ctco.fr.example" in shown and "test sent" in shown
    sent = outbox()[-1]
    assert sent.to == "backup.desk@ctco.fr.example" and sent.kind == "email"
    link = re.search(r"http://testserver(/verify/[\w-]+)", sent.body).group(1)
    client.cookies.clear()  # whoever holds the message confirms it; no login needed
    confirm = client.get(link)
    assert confirm.status_code == 200
    done = client.post(link, data={"csrf_token": csrf(confirm.text)})
    assert done.status_code == 200 and "Channel confirmed" in done.text
    with client.app.state.liaison.sessions() as s:
        assert s.get_one(Channel, uuid.UUID(channel)).verified_at is not None
    assert audit_rows(client, "channel.verification_sent")[-1].actor_name == "fr.ftf"
    assert audit_rows(client, "channel.verified")[-1].target_id == channel
    as_user(client, "fr.ftf")
    assert "verified" in state_of_channel() and "unverified" not in state_of_channel()


def test_a_test_message_that_cannot_be_sent_says_so(client, outbox, monkeypatch):
    def refuse(*_args, **_kw):
        raise ChannelError("SMTP delivery failed: connection refused", permanent=False)

    monkeypatch.setattr("liaison.web.ui.channel_forms.deliver_verification", refuse)
    as_user(client, "fr.ftf")
    url = own_agency(client)
    page = client.get(url).text
    channel = re.search(rf'id="ch-({UUID})"', page).group(1)
    r = client.post(f"{url}/channels/{channel}/test", data={"csrf_token": csrf(page)})
    assert r.status_code == 502
    assert "Not sent." in r.text and "could not be sent" in r.text and "try again later" in r.text
    assert "Test message sent" not in r.text and not outbox()


def test_removing_a_channel_asks_first_then_removes_it(client):
    as_user(client, "fr.ftf")
    url = own_agency(client)
    page = client.get(url).text
    channel = re.search(rf'id="ch-({UUID})"', page).group(1)
    assert "Yes, remove this channel" in page  # the confirmation, inside a closed <details>
    r = client.post(f"{url}/channels/{channel}/remove", data={"csrf_token": csrf(page)}, follow_redirects=False)
    assert r.status_code == 303 and f'id="ch-{channel}"' not in client.get(url).text
    assert audit_rows(client, "channel.delete")[-1].target_id == channel


# -- rosters on the member page -------------------------------------------------------------------------------------


def test_secretariat_adds_a_rotation_and_the_duty_answer_follows_it(client):
    as_user(client, "secretariat.ftf")
    member = "/networks/FTF/members/JP"
    page = client.get(member).text
    assert "Weekly, hand-over" in page or "Daily, hand-over" in page  # the demo's rotations, in plain words
    form = page[page.index('id="add-rotation"') :]
    people = re.findall(rf'<option value="({UUID})">([^<(]+?)</option>', form)  # persons (desks say 24/7)
    at = quote("2027-06-09T03:00:00Z")  # a Wednesday, 12:00 in Tokyo

    def on_duty(html: str) -> str:
        name = r'<h3 class="contact-name"><bdi dir="auto">([^<]+)</bdi></h3>'
        return re.search(name, html.split('id="fallback"')[0]).group(1)

    before = on_duty(client.get(f"{member}?at={at}").text)
    sunday = on_duty(client.get(f"{member}?at={quote('2027-06-06T03:00:00Z')}").text)  # the day before it starts
    who_id, who = next((i, n) for i, n in people if n != before)
    data = {
        "csrf_token": csrf(page),
        "participant": [who_id, ""],
        "start": "2027-06-07",
        "handoff": "09:00",
        "period": "weekly",
        "every": "1",
        "layer": "7",
        "name": "Summer cover",
        "timezone": "",
    }
    rotations = count(client, Rotation)
    r = client.post(f"{member}/rotations", data={**data, "end": "2027-06-01"})
    assert r.status_code == 422 and error_link(r.text) == ("rotation-end", "Ends on")
    assert '<details class="editor" id="add-rotation" open>' in r.text and 'value="2027-06-01"' in r.text
    r = client.post(f"{member}/rotations", data={**data, "participant": ["", ""]})
    assert r.status_code == 422 and error_link(r.text) == ("rotation-participants", "Participants")
    r = client.post(f"{member}/rotations", data={**data, "timezone": "Mars/Olympus"})
    assert r.status_code == 422 and error_link(r.text) == ("rotation-timezone", "Time zone of the hand-over")
    assert count(client, Rotation) == rotations
    r = client.post(f"{member}/rotations", data=data, follow_redirects=False)
    assert r.status_code == 303 and count(client, Rotation) == rotations + 1
    then = client.get(f"{member}?at={at}").text
    assert on_duty(then) == who  # on duty then, by the new layer
    assert f"Weekly, hand-over Monday 09:00 Asia/Tokyo, {who}; layer 7" in then  # its zone: the participant's
    assert on_duty(client.get(f"{member}?at={quote('2027-06-06T03:00:00Z')}").text) == sunday  # not before it starts
    row = audit_rows(client, "rotation.create")[-1]
    assert row.actor_name == "secretariat.ftf" and row.details["layer"] == 7 and row.details["participants"] == [who]
    rotation_id = re.search(rf'id="rotation-({UUID})">\s*<p class="rotation-name"[^>]*>Summer cover<', then).group(1)
    r = client.post(f"{member}/rotations/{rotation_id}/delete", data={"csrf_token": csrf(then)}, follow_redirects=False)
    assert r.status_code == 303 and "Summer cover" not in client.get(member).text
    assert on_duty(client.get(f"{member}?at={at}").text) == before
    assert audit_rows(client, "rotation.delete")[-1].target_id == rotation_id


def test_deputy_is_set_and_cleared_by_the_agency_and_not_by_others(client):
    as_user(client, "jp.ftf")
    member = "/networks/FTF/members/JP"
    page = client.get(member).text
    token = csrf(page)
    choices = re.findall(
        rf'<option value="({UUID})"[^>]*>([^<]+)</option>',
        page[page.index('id="deputy-deputy_id"') :].split("</select>")[0],
    )
    deputy_id, name = choices[0]
    r = client.post(f"{member}/deputy", data={"csrf_token": token, "deputy_id": deputy_id}, follow_redirects=False)
    assert r.status_code == 303
    assert re.search(rf"<dt>Deputy</dt><dd>{re.escape(name.replace(' (24/7)', ''))}</dd>", client.get(member).text)
    r = client.post(f"{member}/deputy", data={"csrf_token": token, "deputy_id": ""}, follow_redirects=False)
    assert r.status_code == 303 and "<dt>Deputy</dt><dd>none</dd>" in client.get(member).text
    assert audit_rows(client, "designation.deputy")[-1].actor_name == "jp.ftf"
    assert client.post("/networks/FTF/members/FR/deputy", data={"csrf_token": token}).status_code == 403
    assert (
        client.post(
            "/networks/FTF/members/FR/rotations",
            data={"csrf_token": token, "participant": [deputy_id], "start": "2027-01-04", "handoff": "08:00"},
        ).status_code
        == 403
    )


# -- network administration and asking to join ---------------------------------------------------------------------


def test_secretariat_approves_the_pending_request_and_the_member_joins_the_board(client):
    as_user(client, "secretariat.vot")
    board = client.get("/networks/VOT").text
    assert "Iceland" not in board and 'href="/networks/VOT/admin"' in board  # the board links to administration
    page = client.get("/networks/VOT/admin").text
    assert "Iceland" in page and "pending" in page and "victim support service" in page
    req = re.search(rf'action="/networks/VOT/admin/requests/({UUID})"', page).group(1)
    r = client.post(
        f"/networks/VOT/admin/requests/{req}",
        follow_redirects=False,
        data={"csrf_token": csrf(page), "decision": "approve", "note": "Welcome to the network."},
    )
    assert r.status_code == 303 and r.headers["location"] == "/networks/VOT/admin/members/IS?saved=approved"
    assert "Next, record its designated authority" in client.get(r.headers["location"]).text
    board = client.get("/networks/VOT").text
    assert 'id="m-IS"' in board and "Iceland" in board
    row = audit_rows(client, "membership_request.approved")[-1]
    assert row.actor_name == "secretariat.vot" and row.details == {"member": "IS", "note": "Welcome to the network."}
    assert audit_rows(client, "membership.admit")[-1].details == {"member": "IS"}
    again = client.post(f"/networks/VOT/admin/requests/{req}", data={"csrf_token": csrf(page), "decision": "decline"})
    assert again.status_code == 409 and "already approved" in again.text


def test_secretariat_admits_a_member_designates_a_new_agency_and_suspends_it(client):
    as_user(client, "secretariat.ftf")
    token = csrf(client.get("/networks/FTF/admin").text)
    r = client.post("/networks/FTF/admin/members", data={"csrf_token": token, "member_code": "QQ"})
    assert r.status_code == 422 and error_link(r.text) == ("admit-member_code", "Member code")
    r = client.post(
        "/networks/FTF/admin/members",
        data={"csrf_token": token, "member_code": "lux", "member_kind": "state"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/networks/FTF/admin/members/LU?saved=admitted"
    manage = "/networks/FTF/admin/members/LU"
    form = {
        "csrf_token": token,
        "agency_id": "new",
        "new_agency_name": "Luxembourg CT Unit",
        "agency_kind": "police",
        "source": "",
        "designated_on": "2026-11-20",
    }
    r = client.post(f"{manage}/designation", data=form)
    assert r.status_code == 422 and error_link(r.text) == ("designation-source", "Source")
    r = client.post(f"{manage}/designation", data={**form, "source": "Note verbale 88/2026"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/networks/FTF/members/LU").text
    assert "Luxembourg CT Unit" in page and "Note verbale 88/2026" in page
    assert audit_rows(client, "designation.set")[-1].details["agency"] == "Luxembourg CT Unit"
    assert audit_rows(client, "agency.create")[-1].actor_name == "secretariat.ftf"
    r = client.post(f"{manage}/status", data={"csrf_token": token, "status": "suspended"}, follow_redirects=False)
    assert r.status_code == 303
    assert 'id="m-LU"' not in client.get("/networks/FTF").text
    assert "suspended" in client.get("/networks/FTF/admin").text


def test_only_the_secretariat_administers_a_network(client):
    as_user(client, "fr.ftf")
    token = csrf(client.get("/").text)
    assert 'href="/networks/FTF/admin"' not in client.get("/networks/FTF").text
    assert client.get("/networks/FTF/admin").status_code == 403
    assert client.get("/networks/FTF/admin/members/FR").status_code == 403
    r = client.post("/networks/FTF/admin/members", data={"csrf_token": token, "member_code": "LU"})
    assert r.status_code == 403
    as_user(client, "secretariat.vot")  # another network's secretariat does not even see FTF
    assert client.get("/networks/FTF/admin").status_code == 404
    as_user(client, "outsider")
    assert client.get("/networks/VOT/admin").status_code == 404


def test_anyone_may_ask_to_join_and_sees_the_decision(client):
    as_user(client, "outsider")
    page = client.get("/join").text
    assert 'value="IS"' in page  # the requester's own member is offered
    token = csrf(page)
    r = client.post("/join", data={"csrf_token": token, "network": "NOPE", "member_code": "IS"})
    assert r.status_code == 422 and error_link(r.text) == ("join-network", "Network")
    form = {
        "csrf_token": token,
        "network": "ftf",
        "member_code": "ISL",
        "member_kind": "state",
        "message": "Our police liaison office would answer 24/7.",
    }
    r = client.post("/join", data=form, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    text = re.sub("<[^>]+>|[\u2068\u2069]", "", page)  # names and codes are isolated for right-to-left pages
    assert "Your request is pending" in text and "Iceland (IS) asked to join FTF" in text
    assert client.post("/join", data=form).status_code == 409  # one pending request at a time
    assert audit_rows(client, "membership_request.create")[-1].actor_name == "outsider"
    as_user(client, "secretariat.ftf")
    admin = client.get("/networks/FTF/admin").text
    req = re.search(rf'action="/networks/FTF/admin/requests/({UUID})"', admin).group(1)
    client.post(
        f"/networks/FTF/admin/requests/{req}",
        data={"csrf_token": csrf(admin), "decision": "decline", "note": "Please write to the secretariat."},
    )
    as_user(client, "outsider")
    mine = client.get("/join").text
    assert "declined" in mine and "Please write to the secretariat." in mine
    with client.app.state.liaison.sessions() as s:
        assert s.scalar(select(MembershipRequest.status).where(MembershipRequest.id == uuid.UUID(req))) == "declined"


# -- account ---------------------------------------------------------------------------------------------------------


def test_password_change_then_log_in_with_the_new_one(client):
    as_user(client, "us.vot")
    token = csrf(client.get("/account").text)
    new = "a-fresh-passphrase-2027"
    form = {"csrf_token": token, "current_password": DEMO_PASSWORD, "new_password": new, "new_password_again": new}
    r = client.post("/account/password", data={**form, "current_password": "not-my-password"})
    assert r.status_code == 422 and "is not your current password" in r.text
    r = client.post("/account/password", data={**form, "new_password": "short", "new_password_again": "short"})
    assert r.status_code == 422 and "must be at least 12 characters" in r.text  # the action's own words
    r = client.post("/account/password", data={**form, "new_password_again": new + "x"})
    assert r.status_code == 422 and "does not match" in r.text
    r = client.post("/account/password", data=form, follow_redirects=False)
    assert r.status_code == 303 and "Password changed" in client.get(r.headers["location"]).text
    assert audit_rows(client, "user.password")[-1].actor_name == "us.vot"
    client.post("/logout", data={"csrf_token": token})
    assert login(client, "us.vot").status_code == 401  # the old password no longer works
    assert login(client, "us.vot", new).status_code == 303


# -- CSRF and CSP ------------------------------------------------------------------------------------------------------


def test_new_pages_have_no_inline_script_or_style_and_keep_the_skip_link(client):
    as_user(client, "secretariat.ftf")
    for url in (
        agency_of(client, "FTF", "FR"),
        own_agency(client),
        "/networks/FTF/admin",
        "/networks/FTF/admin/members/FR",
        "/join",
        "/networks/FTF/members/FR",
    ):
        html = client.get(url).text
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert 'href="#main"' in html, url


def test_every_new_form_refuses_a_post_without_its_csrf_token(client):
    as_user(client, "secretariat.ftf")
    agency = agency_of(client, "FTF", "JP")
    page = client.get(agency).text
    cp = re.search(rf'id="cp-({UUID})"', page).group(1)
    channel = re.search(rf'id="ch-({UUID})"', page).group(1)
    member = client.get("/networks/FTF/members/JP").text
    rotation = re.search(rf"/rotations/({UUID})/delete", member).group(1)
    with client.app.state.liaison.sessions() as s:
        req = s.scalar(select(MembershipRequest.id).limit(1))
    client.app.state.liaison.read_audit.flush()
    since = utcnow()
    posts = [
        f"{agency}/contact-points",
        f"{agency}/contact-points/{cp}",
        f"{agency}/contact-points/{cp}/channels",
        f"{agency}/channels/{channel}/remove",
        f"{agency}/channels/{channel}/test",
        "/networks/FTF/members/JP/rotations",
        f"/networks/FTF/members/JP/rotations/{rotation}/delete",
        "/networks/FTF/members/JP/deputy",
        f"/networks/FTF/admin/requests/{req}",
        "/networks/FTF/admin/members",
        "/networks/FTF/admin/members/JP/status",
        "/networks/FTF/admin/members/JP/designation",
        "/join",
        "/account/password",
    ]
    for url in posts:
        for token in ({}, {"csrf_token": "forged"}):
            r = client.post(url, data={**token, "name": "x", "status": "withdrawn", "decision": "approve"})
            assert r.status_code == 403 and "security token" in r.text, url
    client.app.state.liaison.read_audit.flush()
    with client.app.state.liaison.sessions() as s:
        # The app's worker may escalate the demo's live flash request meanwhile: that is not this test's business.
        written = s.scalars(select(AuditEvent.action).where(AuditEvent.at >= since, AuditEvent.via != "worker")).all()
    assert all(a in ("duty.read", "contact_point.read") for a in written), written


def test_roster_items_are_deleted_only_through_their_own_roster(client):
    as_user(client, "secretariat.ftf")
    fr = client.get("/networks/FTF/members/FR").text
    override = re.search(rf"/overrides/({UUID})/delete", fr).group(1)
    rotation = re.search(rf"/rotations/({UUID})/delete", fr).group(1)
    token = csrf(fr)
    for path in (f"overrides/{override}", f"rotations/{rotation}"):  # France's items, through Japan's page
        r = client.post(f"/networks/FTF/members/JP/{path}/delete", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 404
    r = client.post(
        f"/networks/FTF/members/FR/overrides/{override}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert audit_rows(client, "override.delete")[-1].target_id == override
    assert f"/overrides/{override}/delete" not in client.get("/networks/FTF/members/FR").text
