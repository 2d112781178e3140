"""Finding 9b: changing a password ended the user's other web sessions but left their API tokens working, so
whoever had taken a token kept it after the owner changed the password. Now a password change (by the user,
or a reset by an admin) revokes all the user's API tokens, each revocation audited; the account page says so,
with the count, before the change."""

from __future__ import annotations

import pytest

from liaison.actions import accounts
from tests.conftest import Databases
from tests.security.conftest import csrf, web_login
from tests.security.db_access import audit_rows, opened, user_row
from tests.world import ADMIN, PASSWORD

NEW_PASSWORD = "a-brand-new-password-2"


@pytest.fixture
def world_tokens(databases: Databases) -> dict[str, str]:
    return databases.extra["world"][1]  # type: ignore[index]


def test_changing_the_password_revokes_the_api_tokens(make_client, world_db_url, world_tokens):
    client = make_client()
    old = {"Authorization": f"Bearer {world_tokens['fr.cp']}"}
    assert client.get("/api/v1/me", headers=old).status_code == 200  # in use (and cached) before the change
    web_login(client, "fr.cp")
    page = client.get("/account")
    made = client.post("/account/tokens", data={"csrf_token": csrf(page.text), "name": "script", "days": "30"})
    assert made.status_code == 200
    page = client.get("/account")
    assert "revokes all 2 of your API tokens" in page.text  # said before the change, with the count
    form = {
        "csrf_token": csrf(page.text),
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }
    r = client.post("/account/password", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert "API tokens revoked" in client.get(r.headers["location"]).text
    refused = client.get("/api/v1/me", headers=old)
    assert refused.status_code == 401
    assert client.get("/api/v1/me").status_code == 200  # the session that made the change goes on
    revoked = audit_rows(world_db_url, "api_token.revoke")
    assert len(revoked) == 2 and all(d["reason"] == "password changed" for d in revoked)
    assert audit_rows(world_db_url, "user.password") == [{"tokens_revoked": 2, "reset_by_admin": False}]
    assert "revokes any API token you have (you have none now)" in client.get("/account").text


def test_an_admin_reset_revokes_them_too(make_client, world_db_url, world_tokens):
    client = make_client()
    with opened(world_db_url) as session:
        revoked = accounts.set_password(session, actor=ADMIN, user=user_row(session, "jp.cp"), password=NEW_PASSWORD)
    assert revoked == 1
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {world_tokens['jp.cp']}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {world_tokens['fr.cp']}"}).status_code == 200
    assert audit_rows(world_db_url, "user.password") == [{"tokens_revoked": 1, "reset_by_admin": True}]
