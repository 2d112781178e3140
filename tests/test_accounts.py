"""Login lockout after wrong passwords, each attempt audited. (Wrong second-factor codes have their own count:
tests/security/test_totp_lockout.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from liaison.actions.accounts import LOCKOUT_AFTER, check_password
from liaison.db import make_engine, make_session_factory, transaction
from liaison.errors import NotAuthenticated
from liaison.models import AuditEvent, User
from tests.world import PASSWORD


def attempt(db, password: str) -> str:
    try:
        with db.sessions() as s:
            try:
                check_password(s, username="fr.cp", password=password, ip="203.0.113.9")
            finally:
                s.commit()  # failed attempts and their audit rows are kept, as the login page does
        return "ok"
    except NotAuthenticated as exc:
        return exc.detail


@pytest.fixture
def Db(world_db_url):  # noqa: N802 - reads like the Db the attempts go to
    engine = make_engine(world_db_url)

    class Sessions:
        sessions = make_session_factory(engine)

    yield Sessions
    engine.dispose()


def test_repeated_wrong_passwords_lock_the_account(Db):  # noqa: N803
    for _ in range(LOCKOUT_AFTER):
        assert attempt(Db, "not-the-password") == "wrong username or password"
    # even the right one, for now; answered like a wrong one, so the answer does not say the account exists
    assert attempt(Db, PASSWORD) == "wrong username or password"
    with Db.sessions() as s:
        reasons = [
            e.details["reason"] for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed"))
        ]
        assert reasons.count("wrong password") == LOCKOUT_AFTER and reasons.count("locked") == 1
        user = s.scalars(select(User).where(User.username == "fr.cp")).one()
        assert user.locked_until is not None and user.failed_logins == 0
    with transaction(Db.sessions) as s:
        s.scalars(select(User).where(User.username == "fr.cp")).one().locked_until = None
    assert attempt(Db, PASSWORD) == "ok"
    with Db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login.failed")) == 11


@pytest.mark.parametrize("wrong", ["", "x" * 40])
def test_wrong_password_shapes_are_refused(Db, wrong):  # noqa: N803
    assert attempt(Db, wrong) == "wrong username or password"
