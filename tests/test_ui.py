"""The web pages, driven over HTTP with the demo directory: login, CSRF, the duty board, the member page,
need-to-know, suggestions, the TOTP login, channel verification, and the edit forms."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.actions.directory import start_channel_verification
from liaison.app import create_app
from liaison.db import make_engine, make_session_factory, transaction
from liaison.models import AuditEvent, Channel, ContactPoint, Organisation
from liaison.settings import load_settings
from tests.conftest import DEMO_NOW, DEMO_PASSWORD, OPERATOR

AT = quote(DEMO_NOW.isoformat())  # the demo directory is built around this instant
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(demo_db_url: str) -> Iterator[TestClient]:
    """The real app over a private copy of the demo database (loaded once per session, cloned per test)."""
    app = create_app(load_settings(database_url=demo_db_url, env="test", base_url="http://testserver"))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD, next_path: str = "/"):
    page = client.get(f"/login?next={quote(next_path)}")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(page.text),
                                       "next": next_path}, follow_redirects=False)


def logged_in(client: TestClient, username: str) -> TestClient:
    r = login(client, username)
    assert r.status_code == 303, r.text
    return client


def test_login_sets_a_strict_session_cookie_and_lands_on_the_networks(client):
    r = login(client, "secretariat.ftf")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "liaison_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "Find a member" in home.text and 'href="/networks/FTF"' in home.text


def test_wrong_password_is_401_with_the_form_again(client):
    r = login(client, "secretariat.ftf", "not-the-password")
    assert r.status_code == 401
    assert "Wrong username or password" in r.text and 'name="password"' in r.text
    assert "liaison_session" not in r.headers.get("set-cookie", "")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_need_a_login_and_next_stays_on_this_site(client):
    r = client.get("/networks/FTF?q=fr", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/networks/FTF%3Fq%3Dfr"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert login(client, "fr.ftf", next_path=evil).headers["location"] == "/"
        client.cookies.clear()
    assert login(client, "fr.ftf", next_path="/networks/FTF").headers["location"] == "/networks/FTF"


def test_posts_without_the_csrf_token_are_refused(client):
    logged_in(client, "secretariat.ftf")
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    r = client.post("/networks/FTF/members/FR/roster/confirm", data={})
    assert r.status_code == 403 and "security token" in r.text
    token = csrf(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_login_form_itself_carries_a_token(client):
    r = client.post("/login", data={"username": "fr.ftf", "password": DEMO_PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "expired" in r.text
    assert "liaison_session" not in r.headers.get("set-cookie", "")


def test_board_shows_every_member_with_local_time_and_audits_the_read(client):
    logged_in(client, "secretariat.ftf")
    r = client.get(f"/networks/FTF?at={AT}")
    assert r.status_code == 200
    page = r.text
    for name in ("France", "Japan", "Kenya", "United States"):
        assert name in page
    assert "Asia/Tokyo (UTC+09:00)" in page and "21:00 Tokyo" in page  # 12:00 UTC is 21:00 in Tokyo
    assert "Europe/Paris (UTC+01:00)" in page and "13:00 Paris" in page
    assert 'href="tel:+' in page
    st = client.app.state.liaison  # type: ignore[attr-defined]
    st.read_audit.flush()
    with st.sessions() as s:
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "duty.read")).all()
    assert reads and reads[-1].actor_name == "secretariat.ftf" and reads[-1].via == "web"


def test_board_filter_and_gap_message(client):
    logged_in(client, "secretariat.ftf")
    page = client.get("/networks/FTF", params={"q": "kenya", "at": "2026-11-28T12:00:00Z"}).text  # a Saturday
    assert "Kenya" in page and "Japan" not in page
    assert "Nobody on duty" in page and "call fallback" in page  # shown in capitals by the stylesheet
    member = client.get("/networks/FTF/members/KE", params={"at_local": "2026-11-28T15:00", "tz": "Africa/Nairobi"})
    assert member.status_code == 200
    assert "Nobody on duty" in member.text and "Nobody is on duty for Kenya on FTF at that time" in member.text
    assert client.get("/networks/FTF/members/KE", params={"at": "2026-11-28T15:00"}).status_code == 422


def test_member_page_has_tap_to_call_fallback_chain_and_ics_link(client):
    logged_in(client, "fr.ftf")
    r = client.get(f"/networks/FTF/members/FR?at={AT}")
    assert r.status_code == 200
    page = r.text
    assert re.search(r'href="tel:\+33\d{9}"', page)
    assert 'href="mailto:' in page
    assert "On duty then" in page and "Fallback chain" in page and "Agency 24/7 desk" in page
    assert "/api/v1/networks/FTF/members/FR/roster.ics" in page
    ics = client.get("/api/v1/networks/FTF/members/FR/roster.ics")  # the export works with the cookie session
    assert ics.status_code == 200 and ics.text.startswith("BEGIN:VCALENDAR")
    assert "Designated agency" in page and "Source" in page


def test_member_lookup_by_name_redirects_to_the_code(client):
    logged_in(client, "fr.ftf")
    r = client.get("/networks/FTF/members/france", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/networks/FTF/members/FR"
    r = client.get("/find", params={"q": "Norway"}, follow_redirects=False)  # a member of FTF only
    assert r.status_code == 303 and r.headers["location"] == "/networks/FTF/members/NO"
    r = client.get("/find", params={"q": "JPN"})  # on FTF and VOT: both are offered
    assert 'href="/networks/FTF/members/JP"' in r.text and 'href="/networks/VOT/members/JP"' in r.text
    r = client.get("/find", params={"q": "Japn"})
    assert "No member matches" in r.text and 'href="/networks/FTF/members/JP"' in r.text


def test_member_page_says_which_overlapping_override_wins(client):
    logged_in(client, "secretariat.ftf")
    page = client.get(f"/networks/FTF/members/FR?at={AT}").text
    assert "the one created later wins" in page
    assert "partly overruled" in page and "override 2 wins" in page and "this one wins" in page


def test_outsider_cannot_see_the_ftf_network_or_learn_it_exists(client):
    logged_in(client, "outsider")
    assert 'href="/networks/FTF"' not in client.get("/").text
    for url in ("/networks/FTF", "/networks/FTF/members/FR", "/networks/FTF/readiness"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "Foreign Terrorist Fighters" not in r.text and "tel:" not in r.text
    api = client.get("/api/v1/networks/FTF/members/FR/roster.ics")
    assert api.status_code == 404


def test_404_page_links_to_the_close_matches(client):
    logged_in(client, "fr.ftf")
    r = client.get("/networks/FTF/members/Frnace")
    assert r.status_code == 404
    assert 'href="/networks/FTF/members/FR"' in r.text and "Did you mean" in r.text
    r = client.get("/networks/FTX")
    assert r.status_code == 404 and 'href="/networks/FTF"' in r.text


def enable_totp(client: TestClient, username: str) -> pyotp.TOTP:
    """Log in, set up the second factor from the account page, log out; returns the authenticator."""
    logged_in(client, username)
    token = csrf(client.get("/account").text)
    assert client.post("/account/totp/begin", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    account = client.get("/account").text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', account).group(1).replace(" ", "")
    assert "otpauth://totp/" in account
    totp = pyotp.TOTP(secret)
    r = client.post("/account/totp/enable", data={"csrf_token": token, "code": wrong_code(totp)})
    assert r.status_code == 422 and "code" in r.text.lower()
    r = client.post("/account/totp/enable", data={"csrf_token": token, "code": totp.now()}, follow_redirects=False)
    assert r.status_code == 303
    client.post("/logout", data={"csrf_token": token})
    return totp


def next_code(totp: pyotp.TOTP) -> str:
    """The next time step's code: accepted (clock drift), and newer than the one that turned the factor on."""
    return totp.at(time.time() + totp.interval)


def wrong_code(totp: pyotp.TOTP) -> str:
    return f"{(int(totp.now()) + 500_000) % 1_000_000:06d}"


def test_totp_login_end_to_end(client):
    totp = enable_totp(client, "jp.ftf")
    r = login(client, "jp.ftf", next_path="/networks/FTF")
    assert r.status_code == 303 and r.headers["location"] == "/login/totp?next=/networks/FTF"
    assert client.get("/networks/FTF", follow_redirects=False).status_code == 303  # not logged in yet
    step = client.get(r.headers["location"])
    assert step.status_code == 200 and "6-digit code" in step.text
    form = {"csrf_token": csrf(step.text), "code": wrong_code(totp), "next": "/networks/FTF"}
    r = client.post("/login/totp", data=form)
    assert r.status_code == 401 and "wrong" in r.text
    half_open = client.cookies.get("liaison_session")
    r = client.post("/login/totp", data={**form, "code": next_code(totp)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/networks/FTF"
    assert client.get("/networks/FTF").status_code == 200
    # the session token is replaced once the second factor is proven; the half-open one is dead
    fresh = client.cookies.get("liaison_session")
    assert fresh and fresh != half_open
    client.cookies.clear()
    client.cookies.set("liaison_session", half_open)
    assert client.get("/networks/FTF", follow_redirects=False).status_code == 303


def test_too_many_wrong_codes_end_the_pending_login(client):
    totp = enable_totp(client, "fr.ftf")
    login(client, "fr.ftf")
    step = client.get("/login/totp")
    form = {"csrf_token": csrf(step.text), "code": wrong_code(totp)}
    for _ in range(4):
        assert client.post("/login/totp", data=form).status_code == 401
    last = client.post("/login/totp", data=form)
    assert last.status_code == 401 and "Too many wrong codes" in last.text
    r = client.post("/login/totp", data={**form, "code": totp.now()}, follow_redirects=False)
    assert r.headers["location"] == "/login"  # the right code no longer helps: the password is asked again


def _verification_code(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as s:
            channel = s.scalars(select(Channel).join(ContactPoint).join(Organisation)
                                .where(Channel.kind == "email").limit(1)).one()
            return start_channel_verification(s, actor=OPERATOR, channel=channel), channel.value
    finally:
        engine.dispose()


def test_verify_link_is_a_button_and_works_once(client, demo_db_url):
    code, value = _verification_code(demo_db_url)
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200 and "Confirm this channel reaches me" in page.text
    assert client.get(f"/verify/{code}").status_code == 200  # opening the link twice consumes nothing
    assert client.post(f"/verify/{code}", data={}).status_code == 403  # no form token: nothing confirmed
    ok = client.post(f"/verify/{code}", data={"csrf_token": csrf(page.text)})
    assert ok.status_code == 200 and "Channel confirmed" in ok.text and value in ok.text
    again = client.post(f"/verify/{code}", data={"csrf_token": csrf(page.text)})
    assert again.status_code == 404 and "already used" in again.text
    assert client.get(f"/verify/{code}").status_code == 404
    assert client.post("/verify/not-a-code", data={"csrf_token": csrf(page.text)}).status_code == 404


def test_override_form_names_the_wrong_field_then_saves(client):
    logged_in(client, "secretariat.ftf")
    page = client.get("/networks/FTF/members/JP").text
    token = csrf(page)
    contact = re.search(r'<option value="([0-9a-f-]{36})"', page).group(1)
    start = (DEMO_NOW + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    end = (DEMO_NOW + timedelta(days=399)).strftime("%Y-%m-%dT%H:%M")
    form = {"csrf_token": token, "contact_point_id": contact, "start": start, "end": end, "tz": "Asia/Tokyo",
            "reason": "Cover for a conference"}
    r = client.post("/networks/FTF/members/JP/overrides", data=form)
    assert r.status_code == 422 and "End</a>: must be after start" in r.text and 'aria-invalid="true"' in r.text
    r = client.post("/networks/FTF/members/JP/overrides", data={**form, "contact_point_id": ""})
    assert r.status_code == 422 and "Contact point" in r.text
    r = client.post("/networks/FTF/members/JP/overrides", data={**form, "tz": "Mars/Olympus"})
    assert r.status_code == 422 and "Time zone" in r.text
    r = client.post("/networks/FTF/members/JP/overrides", data={**form, "end": (DEMO_NOW + timedelta(days=401))
                    .strftime("%Y-%m-%dT%H:%M")}, follow_redirects=False)
    assert r.status_code == 303
    later = client.get(f"/networks/FTF/members/JP?at={quote((DEMO_NOW + timedelta(days=400, hours=1)).isoformat())}")
    assert "Cover for a conference" in later.text and "Override saved" not in later.text


def test_contact_point_sees_no_edit_forms_for_another_member(client):
    logged_in(client, "jp.ftf")
    assert "Add an override" in client.get("/networks/FTF/members/JP").text
    page = client.get("/networks/FTF/members/FR").text
    assert "Add an override" not in page and "/roster/confirm" not in page
    r = client.post("/networks/FTF/members/FR/roster/confirm", data={"csrf_token": csrf(page)})
    assert r.status_code == 403


def test_readiness_page_groups_by_severity(client):
    logged_in(client, "secretariat.ftf")
    r = client.get("/networks/FTF/readiness")
    assert r.status_code == 200
    assert "Critical" in r.text and "Warnings" in r.text and "Notices" in r.text


def test_audit_page_is_for_auditors_with_csv_export(client):
    logged_in(client, "fr.ftf")
    assert client.get("/audit").status_code == 403
    client.cookies.clear()
    logged_in(client, "auditor")
    r = client.get("/audit", params={"action": "login."})
    assert r.status_code == 200 and "login.success" in r.text
    assert "/api/v1/audit?action=login.&amp;format=csv" in r.text
    assert client.get("/api/v1/audit", params={"format": "csv", "action": "login."}).status_code == 200


def test_api_token_is_shown_once_and_can_be_revoked(client):
    logged_in(client, "fr.ftf")
    token = csrf(client.get("/account").text)
    r = client.post("/account/tokens", data={"csrf_token": token, "name": "duty screen", "days": "30"})
    assert r.status_code == 200
    plain = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    assert plain not in client.get("/account").text
    token_id = re.search(r'action="/account/tokens/([0-9a-f-]{36})/revoke"', r.text).group(1)
    assert client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    fresh = TestClient(client.app)
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_pages_have_no_inline_script_or_style_for_the_csp(client):
    logged_in(client, "secretariat.ftf")
    for url in ("/", "/networks/FTF", "/networks/FTF/members/FR", "/networks/FTF/readiness", "/account",
                "/login", "/networks/nope"):
        html = client.get(url).text
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
        assert 'href="#main"' in html and 'id="main"' in html, url


def test_unknown_paths_are_a_page_for_people_and_json_for_machines(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_a_node_that_requires_totp_sends_people_to_set_it_up_first(demo_db_url):
    settings = load_settings(database_url=demo_db_url, env="test", base_url="http://testserver", require_totp=True)
    with TestClient(create_app(settings), base_url="http://testserver") as c:
        login(c, "fr.ftf")
        r = c.get("/networks/FTF", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/account?saved=totp_required")
        assert "requires a second factor" in c.get(r.headers["location"]).text
        token = csrf(c.get("/account").text)  # the account page stays reachable: set the factor up there
        assert c.post("/account/totp/begin", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', c.get("/account").text).group(1).replace(" ", "")
        totp = pyotp.TOTP(secret)
        r = c.post("/account/totp/enable", data={"csrf_token": token, "code": totp.now()}, follow_redirects=False)
        assert r.status_code == 303
        c.post("/logout", data={"csrf_token": token})
        login(c, "fr.ftf")
        step = c.get("/login/totp")
        code = next_code(totp)  # not the one just used to turn the factor on: a code counts once
        r = c.post("/login/totp", data={"csrf_token": csrf(step.text), "code": code}, follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/networks/FTF").status_code == 200


def test_totp_is_required_by_default_in_production_only():
    assert load_settings(env="production", secret_key="p" * 40).totp_required
    assert not load_settings(env="development").totp_required
    assert not load_settings(env="production", secret_key="p" * 40, require_totp=False).totp_required
