"""Helpers for the second-factor findings: set up TOTP through the account page, and make codes."""

from __future__ import annotations

import re
import time

import pyotp
from fastapi.testclient import TestClient

from tests.security.conftest import csrf, web_login

SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


def enrol(client: TestClient, username: str) -> pyotp.TOTP:
    """Log in, set up the second factor from the account page, log out; returns the authenticator."""
    return enrol_with_code(client, username)[0]


def enrol_with_code(client: TestClient, username: str) -> tuple[pyotp.TOTP, str]:
    """As :func:`enrol`, also returning the code that turned the factor on."""
    assert web_login(client, username).status_code == 303
    token = csrf(client.get("/account").text)
    assert client.post("/account/totp/begin", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    found = SECRET.search(client.get("/account").text)
    assert found, "no TOTP secret on the account page"
    totp = pyotp.TOTP(found.group(1).replace(" ", ""))
    code = totp.now()
    form = {"csrf_token": token, "code": code}
    assert client.post("/account/totp/enable", data=form, follow_redirects=False).status_code == 303
    client.post("/logout", data={"csrf_token": token})
    client.cookies.clear()
    return totp, code


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step: still accepted (clock drift window), and newer than one just used."""
    return totp.at(time.time() + totp.interval)


def wrong_code(totp: pyotp.TOTP) -> str:
    """A code that matches no step in the accepted window."""
    valid = {totp.at(time.time() + k * totp.interval) for k in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 1_000_000, 7919)) if c not in valid)


def code_step(client: TestClient, code: str, next_path: str = "/") -> object:
    """Post a code to the second step of a pending login (the session cookie is the client's)."""
    page = client.get("/login/totp")
    return client.post(
        "/login/totp", data={"csrf_token": csrf(page.text), "code": code, "next": next_path}, follow_redirects=False
    )
