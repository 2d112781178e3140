"""Finding 8: a TOTP code could be used twice (the same code logged in twice, 1.5 s apart). Now the time step
of the last accepted code is kept per user and a code whose step is not newer is refused, at login and when
the factor is turned on."""

from __future__ import annotations

from tests.security.conftest import web_login
from tests.security.db_access import audit_rows, opened, user_row
from tests.security.second_factor import code_step, enrol, enrol_with_code, next_code


def test_a_code_logs_in_once(make_client, world_db_url):
    first, second = make_client(), make_client()
    totp = enrol(first, "fr.cp")
    code = next_code(totp)
    web_login(first, "fr.cp")
    web_login(second, "fr.cp")
    assert code_step(first, code).status_code == 303
    assert first.get("/api/v1/me").status_code == 200
    replay = code_step(second, code)  # the same code again, a moment later
    assert replay.status_code == 401 and "wrong" in replay.text
    assert second.get("/api/v1/me").status_code == 401
    assert code_step(second, totp.now()).status_code == 401  # an older step than the one used: refused too
    with opened(world_db_url) as session:
        user_id = str(user_row(session, "fr.cp").id)
    used = [d for d in audit_rows(world_db_url, "login.failed", user_id) if d.get("code") == "already used"]
    assert len(used) == 2 and all(d["reason"] == "wrong second factor" for d in used)


def test_the_code_that_turns_the_factor_on_is_used_up(make_client):
    client = make_client()
    _totp, code = enrol_with_code(client, "jp.cp")
    web_login(client, "jp.cp")
    assert code_step(client, code).status_code == 401
    assert client.get("/api/v1/me").status_code == 401
