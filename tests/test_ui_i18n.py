"""The reader's language and time zone on the pages: the switcher on every page, the account's settings (audited,
mirrored into cookies at login, winning over the browser's), the API's /me, fallbacks for unknown codes and zones,
the audit page's names for ids, and axe-core served only outside production."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.app import create_app
from liaison.models import AuditEvent, Member, Network, User
from liaison.queries.audit_names import names
from liaison.settings import load_settings
from tests.test_ui import csrf, logged_in

HTML_LANG = re.compile(r'<html lang="([^"]+)" dir="([^"]+)">')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def client(demo_db_url: str) -> Iterator[TestClient]:
    app = create_app(load_settings(database_url=demo_db_url, env="test", base_url="http://testserver"))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def lang_dir(html: str) -> tuple[str, str]:
    found = HTML_LANG.search(html)
    assert found, "no <html lang dir>"
    return found.group(1), found.group(2)


def audit_rows(c: TestClient, action: str) -> list[AuditEvent]:
    with c.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def user_row(c: TestClient, username: str) -> User:
    with c.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
        return s.scalars(select(User).where(User.username == username)).one()


def switch(c: TestClient, language: str, page: str = "/login", next_path: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf(c.get(page).text)
    return c.post("/language", data={"language": language, "csrf_token": token, "next": next_path or page},
                  follow_redirects=False)


def test_an_arabic_browser_gets_the_login_page_right_to_left(client: TestClient) -> None:
    r = client.get("/login", headers={"Accept-Language": "ar-SA,ar;q=0.9,en;q=0.5"})
    assert r.status_code == 200 and lang_dir(r.text) == ("ar", "rtl")
    assert r.headers["content-language"] == "ar"
    assert client.get("/login", headers={"Accept-Language": "de-DE"}).headers["content-language"] == "en"


def test_the_switcher_before_login_sets_the_cookie_and_comes_back(client: TestClient) -> None:
    page = client.get("/login?next=/networks/FTF").text
    assert 'action="/language"' in page and '<option value="ar" lang="ar">العربية</option>' in page
    assert 'name="next" value="/login?next=/networks/FTF"' in page  # back to this very page
    r = switch(client, "ar", "/login?next=/networks/FTF")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/networks/FTF"
    cookie = r.headers["set-cookie"].lower()
    assert "liaison_lang=ar" in cookie and "max-age=31536000" in cookie and "samesite=lax" in cookie
    back = client.get(r.headers["location"])
    assert lang_dir(back.text) == ("ar", "rtl") and back.headers["content-language"] == "ar"
    assert '<option value="ar" lang="ar" selected>' in back.text
    fr = switch(client, "fr")
    assert lang_dir(client.get(fr.headers["location"]).text) == ("fr", "ltr")


def test_the_switcher_refuses_forged_forms_and_foreign_next_and_ignores_unknown_codes(client: TestClient) -> None:
    forged = client.post("/language", data={"language": "ar", "csrf_token": "forged", "next": "/login"},
                         follow_redirects=False)
    assert forged.status_code == 303 and "liaison_lang" not in forged.headers.get("set-cookie", "")
    assert switch(client, "ar", next_path="https://evil.example/").headers["location"] == "/"
    unknown = switch(client, "tlh")
    assert unknown.status_code == 303 and "liaison_lang" not in unknown.headers.get("set-cookie", "")
    logged_in(client, "fr.ftf")
    refused = client.post("/language", data={"language": "ar", "csrf_token": "forged", "next": "/"})
    assert refused.status_code == 403
    assert user_row(client, "fr.ftf").language is None


def test_unknown_language_and_zone_cookies_give_english_and_utc(client: TestClient) -> None:
    client.cookies.set("liaison_lang", "klingon")
    client.cookies.set("liaison_tz", "Mars/Olympus_Mons")
    client.cookies.set("liaison_browser_tz", "../../etc/passwd")
    r = client.get("/login")
    assert r.status_code == 200 and lang_dir(r.text) == ("en", "ltr")
    assert "your time zone, \u2068UTC\u2069," in r.text


def test_switching_when_logged_in_saves_the_setting_audited(client: TestClient) -> None:
    logged_in(client, "fr.ftf")
    r = switch(client, "es", "/account")
    assert r.status_code == 303 and r.headers["location"] == "/account"
    assert user_row(client, "fr.ftf").language == "es"
    event = audit_rows(client, "user.preferences")[-1]
    assert event.actor_name == "fr.ftf" and event.details == {"before": {"language": None}, "after": {"language": "es"}}
    client.cookies.delete("liaison_lang")  # another device: no cookie, an Arabic browser
    page = client.get("/account", headers={"Accept-Language": "ar"})
    assert lang_dir(page.text) == ("es", "ltr") and page.headers["content-language"] == "es"


def test_account_settings_are_saved_audited_mirrored_at_login_and_win_over_the_header(client: TestClient) -> None:
    logged_in(client, "jp.ftf")
    page = client.get("/account")
    assert 'id="preferences"' in page.text and '<option value="Asia/Tokyo">Asia/Tokyo</option>' in page.text
    r = client.post("/account/preferences", data={"csrf_token": csrf(page.text), "language": "ar",
                                                 "time_zone": "Asia/Amman"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account?saved=preferences#preferences"
    cookies = r.headers.get_list("set-cookie")
    assert any(c.startswith("liaison_lang=ar;") for c in cookies)
    assert any(c.startswith('liaison_tz="Asia/Amman"') or c.startswith("liaison_tz=Asia/Amman") for c in cookies)
    event = audit_rows(client, "user.preferences")[-1]
    assert event.details == {"before": {"language": None, "time_zone": None},
                             "after": {"language": "ar", "time_zone": "Asia/Amman"}}
    saved = client.get(r.headers["location"], headers={"Accept-Language": "fr"})
    assert lang_dir(saved.text) == ("ar", "rtl")
    assert "Asia/Amman" in saved.text.split('<footer class="foot">')[1]
    # A fresh browser, French: the login mirrors the settings into cookies, and the user's language wins.
    fresh = TestClient(client.app, base_url="http://testserver")
    fresh.headers["Accept-Language"] = "fr"
    login = fresh.post("/login", data={"username": "jp.ftf", "password": "correct-horse-battery-staple",
                                       "csrf_token": csrf(fresh.get("/login").text), "next": "/"},
                       follow_redirects=False)
    assert login.status_code == 303
    mirrored = " ".join(login.headers.get_list("set-cookie"))
    assert "liaison_lang=ar" in mirrored and "Asia/Amman" in mirrored
    assert lang_dir(fresh.get("/").text) == ("ar", "rtl")
    # Back to the browser's: the setting cleared, and an unknown zone falls back to UTC without an error page.
    token = csrf(fresh.get("/account").text)
    again = fresh.post("/account/preferences", data={"csrf_token": token, "language": "", "time_zone": "Nowhere/x"},
                       follow_redirects=False)
    assert again.status_code == 303
    assert (user_row(client, "jp.ftf").language, user_row(client, "jp.ftf").time_zone) == (None, "UTC")


def test_the_api_shows_and_sets_language_and_time_zone(client: TestClient) -> None:
    logged_in(client, "us.vot")
    made = client.post("/account/tokens", data={"csrf_token": csrf(client.get("/account").text), "name": "i18n"})
    plain = re.search(r'id="new-token">([^<]+)<', made.text).group(1)  # type: ignore[union-attr]
    api = TestClient(client.app, base_url="http://testserver", headers={"Authorization": f"Bearer {plain}"})
    assert api.get("/api/v1/me").json()["language"] is None
    r = api.patch("/api/v1/me", json={"language": "pt-BR", "time_zone": "America/Sao_Paulo"})
    assert r.status_code == 200 and r.json() == {"language": "pt", "time_zone": "America/Sao_Paulo"}
    assert api.patch("/api/v1/me", json={"time_zone": "Atlantis/Capital"}).json() == {"language": "pt",
                                                                                     "time_zone": "UTC"}
    me = api.get("/api/v1/me").json()
    assert (me["language"], me["time_zone"]) == ("pt", "UTC")
    assert api.patch("/api/v1/me", json={"colour": "red"}).status_code == 422
    assert len(audit_rows(client, "user.preferences")) == 2


def test_the_audit_page_names_ids_and_says_actions_in_words(client: TestClient) -> None:
    logged_in(client, "fr.ftf")
    switch(client, "fr", "/account")
    client.cookies.clear()
    logged_in(client, "auditor")
    page = client.get("/audit", params={"action": "user.preferences"}).text
    fr = user_row(client, "fr.ftf")
    assert "Language or time zone changed" in page and '<code class="action-code" dir="ltr">user.preferences' in page
    assert f'href="/audit?user={fr.username}"' in page and fr.display_name in page
    assert "<dt>Language</dt>" in page and "→" in page
    table = page.split("<tbody>")[1]
    assert not UUID.search(table), "an id is shown where a name could be"
    with client.app.state.liaison.sessions() as s:  # type: ignore[attr-defined]
        ftf = s.scalars(select(Network).where(Network.code == "FTF")).one()
        france = s.scalars(select(Member).where(Member.code == "FR")).one()
        found = names(s, [ftf.id, france.id, fr.id, fr.organisation_id])
    assert {n.kind for n in found.values()} == {"network", "member", "user", "organisation"}
    assert found[france.id].detail == "FR" and found[ftf.id].detail == "FTF"


def test_the_names_of_a_page_of_events_come_from_one_query(demo_db_url: str) -> None:
    from sqlalchemy import event

    from liaison.db import make_engine, make_session_factory
    from liaison.queries.audit import events
    from liaison.web.ui.audit_view import event_ids

    engine = make_engine(demo_db_url)  # an engine of its own: nothing else runs on it
    try:
        with make_session_factory(engine)() as s:
            ids = {i for e in events(s, limit=500) for i in event_ids(e)}
            statements: list[str] = []
            listen = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
            event.listen(engine, "before_cursor_execute", listen)
            try:
                found = names(s, ids)
            finally:
                event.remove(engine, "before_cursor_execute", listen)
    finally:
        engine.dispose()
    assert len(ids) > 50 and len(found) > 30
    assert len(statements) == 1 and statements[0].count("UNION ALL") >= 9, statements


def test_axe_core_is_served_in_test_mode_only(client: TestClient, demo_db_url: str) -> None:
    r = client.get("/static/vendor/axe.min.js")
    assert r.status_code == 200 and "axe" in r.text[:2000] and r.headers["content-type"].startswith("text/javascript")
    production = create_app(load_settings(database_url=demo_db_url, env="production", base_url="http://testserver",
                                          secret_key="s" * 48, require_totp=False))
    with TestClient(production, base_url="http://testserver") as c:
        assert c.get("/static/vendor/axe.min.js").status_code == 404
        assert c.get("/static/liaison.js").status_code == 200
