"""Finding 1: wrong second-factor codes were never locked out. A right password reset the failure count, so
whoever knew the password got five code guesses per login, forever. Now wrong codes have their own count,
which only a right code (or an admin) clears, and five in a row lock the account, password step included."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from liaison.actions.accounts import CODE_LOCKOUT_AFTER, CODE_LOCKOUT_MAX_MINUTES, LOCKOUT_MINUTES, code_lock_minutes
from liaison.cli import app
from liaison.models import utcnow
from tests.security.conftest import web_login
from tests.security.db_access import audit_rows, opened, user_row
from tests.security.second_factor import code_step, enrol, next_code, wrong_code


def lapse_lock(url: str, username: str) -> None:
    """Let the lock run out (rather than wait a quarter of an hour)."""
    with opened(url) as session:
        user_row(session, username).locked_until = utcnow() - timedelta(seconds=1)


def test_wrong_codes_over_several_logins_lock_the_account(make_client, world_db_url):
    attacker, owner = make_client(), make_client()
    totp = enrol(attacker, "fr.cp")
    wrong = wrong_code(totp)
    assert web_login(attacker, "fr.cp").headers["location"].startswith("/login/totp")
    for _ in range(CODE_LOCKOUT_AFTER - 1):
        assert code_step(attacker, wrong).status_code == 401
    assert web_login(owner, "fr.cp").headers["location"].startswith("/login/totp")  # a login waiting for its code
    attacker.cookies.clear()
    # Logging in again with the right password must not buy fresh guesses: the next wrong code locks.
    assert web_login(attacker, "fr.cp").headers["location"].startswith("/login/totp")
    last = code_step(attacker, wrong)
    assert last.status_code == 401 and "Too many wrong codes" in last.text
    refused = code_step(owner, next_code(totp))  # even the right code, while the lock lasts
    assert refused.status_code == 401 and "locked" in refused.text
    assert owner.get("/api/v1/me").status_code == 401
    owner.cookies.clear()
    again = web_login(owner, "fr.cp")  # the lock refuses the password step as well
    assert again.status_code == 401 and "Wrong username or password." in again.text

    with opened(world_db_url) as session:
        user = user_row(session, "fr.cp")
        assert user.failed_codes == CODE_LOCKOUT_AFTER and user.locked_until and user.locked_until > utcnow()
        user_id = str(user.id)
    failed = audit_rows(world_db_url, "login.failed", user_id)
    codes = [d for d in failed if d["reason"] == "wrong second factor"]
    assert [d["failed_codes"] for d in codes] == list(range(1, CODE_LOCKOUT_AFTER + 1))
    assert codes[-1]["locked_minutes"] == LOCKOUT_MINUTES and all("locked_minutes" not in d for d in codes[:-1])
    locked = [d for d in failed if d["reason"] == "locked"]
    assert locked == [
        {"reason": "locked", "step": "second factor"},
        {"reason": "locked", "step": "password", "password": "right"},
    ]

    lapse_lock(world_db_url, "fr.cp")
    assert web_login(owner, "fr.cp").headers["location"].startswith("/login/totp")
    assert code_step(owner, next_code(totp)).status_code == 303  # the right code clears the count
    assert owner.get("/api/v1/me").json()["username"] == "fr.cp"
    with opened(world_db_url) as session:
        assert user_row(session, "fr.cp").failed_codes == 0


def test_after_a_lock_each_further_wrong_code_locks_again_for_longer(make_client, world_db_url):
    client = make_client()
    totp = enrol(client, "jp.cp")
    wrong = wrong_code(totp)
    web_login(client, "jp.cp")
    for _ in range(CODE_LOCKOUT_AFTER):
        assert code_step(client, wrong).status_code == 401
    lapse_lock(world_db_url, "jp.cp")
    client.cookies.clear()
    assert web_login(client, "jp.cp").headers["location"].startswith("/login/totp")
    assert code_step(client, wrong).status_code == 401
    with opened(world_db_url) as session:
        user = user_row(session, "jp.cp")
        assert user.locked_until and user.locked_until > utcnow() + timedelta(minutes=2 * LOCKOUT_MINUTES - 1)
    assert code_step(client, next_code(totp)).headers["location"] == "/login"  # the pending login has ended
    assert client.get("/api/v1/me").status_code == 401


def test_the_lock_doubles_up_to_a_day():
    assert [code_lock_minutes(n) for n in range(CODE_LOCKOUT_AFTER)] == [0] * CODE_LOCKOUT_AFTER
    assert [code_lock_minutes(CODE_LOCKOUT_AFTER + k) for k in range(4)] == [15, 30, 60, 120]
    assert code_lock_minutes(CODE_LOCKOUT_AFTER + 100) == CODE_LOCKOUT_MAX_MINUTES == 24 * 60


def test_an_admin_unlock_lifts_the_lock_and_clears_the_count(make_client, world_db_url):
    client = make_client()
    totp = enrol(client, "de.analyst")
    web_login(client, "de.analyst")
    for _ in range(CODE_LOCKOUT_AFTER):
        code_step(client, wrong_code(totp))
    client.cookies.clear()
    assert web_login(client, "de.analyst").status_code == 401
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test"}
    result = CliRunner().invoke(app, ["user", "unlock", "de.analyst"], env=env)
    assert result.exit_code == 0, result.output
    with opened(world_db_url) as session:
        user = user_row(session, "de.analyst")
        assert (user.failed_codes, user.locked_until) == (0, None)
    assert audit_rows(world_db_url, "user.unlock") == [
        {"failed_logins": 0, "failed_codes": CODE_LOCKOUT_AFTER, "was_locked": True}
    ]
    assert web_login(client, "de.analyst").headers["location"].startswith("/login/totp")
    assert code_step(client, next_code(totp)).status_code == 303
