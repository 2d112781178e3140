"""Finding 2: LIAISON_REQUIRE_TOTP could be bypassed. A user without a second factor logged in with a password;
the pages sent them to set one up, but the same cookie read /api/v1/me, made an API token at /account/tokens,
and that token read /api/v1/messages. Now, until the factor is set up, the session can only set it up (or log
out), no token can be issued to such a user, and the tokens they already hold are refused."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from liaison.actions import accounts
from liaison.cli import app
from liaison.errors import PermissionDenied
from liaison.models import ApiToken
from tests.conftest import Databases
from tests.security.conftest import csrf, web_login
from tests.security.db_access import opened, user_row
from tests.security.second_factor import SECRET, code_step, next_code
from tests.world import ADMIN

ENROL = "/account?saved=totp_required#totp"


def token_count(url: str, username: str) -> int:
    with opened(url) as session:
        user = user_row(session, username)
        return session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) or 0


@pytest.fixture
def world_tokens(databases: Databases) -> dict[str, str]:
    """The bearer token each persona of the test world was given before the node required a second factor."""
    return databases.extra["world"][1]  # type: ignore[index]


def test_a_password_alone_reaches_nothing_but_the_set_up(make_client, world_db_url):
    client = make_client(require_totp=True)
    assert web_login(client, "fr.cp").status_code == 303
    page = client.get("/account")
    assert page.status_code == 200 and 'action="/account/totp/begin"' in page.text  # set-up: the one thing left
    assert 'action="/account/tokens"' not in page.text and 'action="/account/password"' not in page.text
    token = csrf(page.text)
    me = client.get("/api/v1/me")
    assert me.status_code == 403 and "second factor" in me.json()["detail"]
    made = client.post("/api/v1/tokens", json={"name": "sneaky"}, headers={"X-CSRF-Token": token})
    assert made.status_code == 403
    form = client.post(
        "/account/tokens", data={"csrf_token": token, "name": "sneaky", "days": "30"}, follow_redirects=False
    )
    assert form.status_code == 303 and form.headers["location"] == ENROL
    changed = client.post(
        "/account/password",
        follow_redirects=False,
        data={
            "csrf_token": token,
            "current_password": "a-long-test-password-1",
            "new_password": "another-long-password-2",
            "new_password_again": "another-long-password-2",
        },
    )
    assert changed.status_code == 303 and changed.headers["location"] == ENROL
    assert client.get("/api/v1/messages").status_code == 403
    assert token_count(world_db_url, "fr.cp") == 1  # only the one the world gave it: nothing new


def test_tokens_of_a_user_without_a_second_factor_are_refused_until_it_is_on(make_client, world_tokens):
    client = make_client(require_totp=True)
    bearer = {"Authorization": f"Bearer {world_tokens['fr.cp']}"}
    refused = client.get("/api/v1/messages", headers=bearer)
    assert refused.status_code == 401 and "second factor" in refused.json()["detail"]
    web_login(client, "fr.cp")
    token = csrf(client.get("/account").text)
    client.post("/account/totp/begin", data={"csrf_token": token})
    found = SECRET.search(client.get("/account").text)
    assert found
    totp = pyotp.TOTP(found.group(1).replace(" ", ""))
    assert (
        client.post(
            "/account/totp/enable", data={"csrf_token": token, "code": totp.now()}, follow_redirects=False
        ).status_code
        == 303
    )
    assert client.get("/api/v1/me").status_code == 200  # the session that proved a code may now read
    assert client.get("/api/v1/messages", headers=bearer).status_code == 200
    client.cookies.clear()
    web_login(client, "fr.cp")
    assert code_step(client, next_code(totp)).status_code == 303
    made = client.post(
        "/account/tokens", data={"csrf_token": csrf(client.get("/account").text), "name": "ok", "days": "30"}
    )
    assert made.status_code == 200 and 'id="new-token"' in made.text


def test_no_one_can_issue_a_token_to_a_user_without_a_second_factor(world_db_url):
    with opened(world_db_url) as session:
        user = user_row(session, "fr.cp")
        with pytest.raises(PermissionDenied, match="second factor"):
            accounts.create_api_token(session, actor=ADMIN, user=user, name="for a script", totp_required=True)
        _token, plain = accounts.create_api_token(session, actor=ADMIN, user=user, name="ok", totp_required=False)
        assert plain


def test_the_cli_issues_no_token_to_a_user_without_a_second_factor(world_db_url):
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test", "LIAISON_REQUIRE_TOTP": "true"}
    result = CliRunner().invoke(app, ["user", "token", "fr.cp"], env=env)
    assert result.exit_code != 0 and "second factor" in result.output
    assert token_count(world_db_url, "fr.cp") == 1
