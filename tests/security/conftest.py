"""Fixtures for the security tests: the real app over the small test world, driven by HTTP with real web
sessions (cookie + CSRF) and real API tokens. One test module per finding of the outside security probe."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from liaison.app import create_app
from liaison.settings import load_settings
from tests.world import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def web_login(client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/") -> Any:
    """Post the login form as a browser would (form cookie and its CSRF token); returns the response."""
    page = client.get(f"/login?next={quote(next_path)}")
    form = {"username": username, "password": password, "csrf_token": csrf(page.text), "next": next_path}
    return client.post("/login", data=form, follow_redirects=False)


@pytest.fixture
def make_client(world_db_url: str) -> Iterator[Callable[..., TestClient]]:
    """Start the real app over a fresh copy of the test world with the given setting overrides; each call
    gives a new client (its own cookie jar) on its own app."""
    opened: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        settings = {"database_url": world_db_url, "env": "test", "base_url": "http://testserver",
                    "embedded_worker": False, "smtp_url": "", **overrides}
        client = TestClient(create_app(load_settings(**settings)), base_url=settings["base_url"])
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)
