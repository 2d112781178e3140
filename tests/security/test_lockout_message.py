"""Finding 9a: a locked account answered "too many failed attempts; try again later" where an unknown user got
"wrong username or password", telling a caller which accounts exist. Now both get the same answer (text and
status), after the same work; the audit row keeps the true reason. (There is no login API: logging in is the
web form only.)"""

from __future__ import annotations

import re

from liaison.actions.accounts import LOCKOUT_AFTER
from tests.security.conftest import web_login
from tests.security.db_access import audit_rows, opened, user_row

ALERT = re.compile(r'<div class="alert"[^>]*>(.*?)</div>', re.S)


def answer(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """What the login form says back: its status and the text of its alert."""
    found = ALERT.search(response.text)
    return response.status_code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


def test_a_locked_account_is_answered_like_an_unknown_one(make_client, world_db_url):
    client = make_client()
    for _ in range(LOCKOUT_AFTER):
        assert web_login(client, "fr.cp", password="not-the-password").status_code == 401
    unknown = answer(web_login(client, "fr.nobody", password="not-the-password"))
    assert unknown == (401, "Wrong username or password.")
    assert answer(web_login(client, "fr.cp", password="not-the-password")) == unknown
    assert answer(web_login(client, "fr.cp")) == unknown  # the right password, while the lock lasts
    with opened(world_db_url) as session:
        user_id = str(user_row(session, "fr.cp").id)
    reasons = [d["reason"] for d in audit_rows(world_db_url, "login.failed", user_id)]
    assert reasons == ["wrong password"] * LOCKOUT_AFTER + ["locked", "locked"]
    assert [d["reason"] for d in audit_rows(world_db_url, "login.failed", "")] == ["unknown user"]
