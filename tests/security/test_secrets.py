"""Finding 4: a public secret outside development.

The built-in development secret is published in the source. A node that signs with it lets anyone forge
acknowledgement links (stopping an escalation), CSRF tokens and webhook signatures. Only an explicit
``LIAISON_ENV=development`` may run on it, loudly; every other mode, the default included, refuses it, a
missing secret and a short one, and ``liaison check-config`` fails on them.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.exchange.tokens import make_ack_token
from liaison.models import Addressee, Notification, utcnow
from liaison.settings import DEV_SECRET, ConfigError, load_settings
from tests.conftest import free_port
from tests.security.conftest import web_login

LIAISON = str(Path(sys.executable).parent / "liaison")
BANNER = "this node uses the public built-in secret; never use it with real data"


@pytest.fixture
def no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment without the run's own secret (tests/conftest.py sets one)."""
    monkeypatch.delenv("LIAISON_SECRET_KEY", raising=False)
    monkeypatch.delenv("LIAISON_SECRET_KEY_FILE", raising=False)


def cli_env(**liaison: str | None) -> dict[str, str]:
    """This process's environment without any LIAISON_ setting, plus the given ones (None: left out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    return env | {f"LIAISON_{k.upper()}": v for k, v in liaison.items() if v is not None}


# -- settings --


@pytest.mark.parametrize("env", ["test", "production"])
def test_outside_development_a_node_without_a_secret_does_not_start(env: str, no_secret: None) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(env=env)
    message = str(refused.value)
    assert "LIAISON_SECRET_KEY" in message and "LIAISON_SECRET_KEY_FILE" in message
    assert "LIAISON_ENV=development" in message  # how to try Liaison locally instead


@pytest.mark.parametrize("secret", [DEV_SECRET, "s" * 31], ids=["public", "short"])
def test_outside_development_the_public_or_a_short_secret_is_refused(secret: str) -> None:
    for env in ("test", "production"):
        with pytest.raises(ConfigError, match="LIAISON_SECRET_KEY"):
            load_settings(env=env, secret_key=secret)


def test_without_liaison_env_a_node_is_production_and_needs_a_secret(
    monkeypatch: pytest.MonkeyPatch, no_secret: None
) -> None:
    monkeypatch.delenv("LIAISON_ENV", raising=False)
    with pytest.raises(ConfigError, match="LIAISON_ENV=development"):
        load_settings()
    assert load_settings(secret_key="k" * 32).env == "production"


def test_only_explicit_development_runs_on_the_public_secret(no_secret: None) -> None:
    settings = load_settings(env="development")
    assert settings.secret_key == DEV_SECRET and settings.public_secret
    assert not load_settings(env="development", secret_key="d" * 40).public_secret


# -- liaison check-config, the real command in its own process --


@pytest.mark.parametrize(
    ("env", "secret"),
    [(None, None), ("test", None), ("test", DEV_SECRET), ("production", DEV_SECRET), ("production", "short")],
    ids=["default-none", "test-none", "test-public", "production-public", "production-short"],
)
def test_check_config_fails_on_a_missing_public_or_short_secret(
    world_db_url: str, env: str | None, secret: str | None
) -> None:
    environ = cli_env(env=env, secret_key=secret, database_url=world_db_url)
    done = subprocess.run([LIAISON, "check-config"], env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout
    assert "LIAISON_SECRET_KEY" in done.stderr and "configuration ok" not in done.stdout

    done = subprocess.run([LIAISON, "check-config", "--json"], env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False and "LIAISON_SECRET_KEY" in report["errors"][0]


def test_check_config_passes_with_a_real_secret_and_warns_loudly_in_development(world_db_url: str) -> None:
    own = cli_env(env="test", secret_key="r" * 48, database_url=world_db_url)
    done = subprocess.run([LIAISON, "check-config"], env=own, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("configuration ok"), done.stderr
    assert "DEVELOPMENT MODE" not in done.stdout + done.stderr

    development = cli_env(env="development", database_url=world_db_url)
    done = subprocess.run([LIAISON, "check-config"], env=development, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "WARNING: DEVELOPMENT MODE" in done.stderr and "public built-in secret" in done.stderr
    assert "LIAISON_SECRET_KEY=(public built-in development secret)" in done.stdout
    assert done.stdout.rstrip().endswith("configuration ok for DEVELOPMENT MODE only")
    done = subprocess.run(
        [LIAISON, "check-config", "--json"], env=development, capture_output=True, text=True, timeout=60
    )
    report = json.loads(done.stdout)
    assert report["ok"] is True and "DEVELOPMENT MODE" in report["warnings"][0]


# -- development mode says so: at start-up and on every page --


def test_development_mode_warns_at_start_up_and_on_every_page(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="liaison"):
        dev = make_client(env="development", secret_key="")
    assert any(r.levelno == logging.WARNING and "public built-in secret" in r.getMessage() for r in caplog.records)

    login = dev.get("/login")
    assert BANNER in login.text and 'class="dev-banner"' in login.text
    assert web_login(dev, "fr.cp").status_code == 303
    for path in ("/", "/account", "/no-such-page"):
        assert BANNER in dev.get(path).text, path

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="liaison"):
        own = make_client()  # test mode, the run's own secret
    assert not [r for r in caplog.records if "public built-in secret" in r.getMessage()]
    assert BANNER not in own.get("/login").text


def test_liaison_serve_in_development_warns_on_standard_error(tmp_path: Path, world_db_url: str) -> None:
    port = free_port()
    environ = cli_env(env="development", database_url=world_db_url, embedded_worker="false", log_level="warning")
    proc = subprocess.Popen(
        [LIAISON, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=15)
    assert "WARNING: DEVELOPMENT MODE" in err and "never use it with real data" in err


# -- what the public secret would allow: a forged acknowledgement stopping an escalation --


def test_an_ack_link_forged_with_the_public_secret_does_not_stop_an_escalation(api) -> None:  # type: ignore[no-untyped-def]
    body = {
        "network": "FTF", "kind": "request", "priority": "flash", "subject": "Travel of a suspect",
        "body": "Flight JL 45 tonight.", "legal_basis": "Art. 7 Decision 2005/671/JHA",
        "marking": {"tlp": "amber"}, "to": ["FR"],
    }  # fmt: skip
    sent = api.as_("jp.cp").post("/api/v1/messages", json=body)
    assert sent.status_code == 201, sent.text
    message_id = uuid.UUID(sent.json()["id"])
    deadline = time.monotonic() + 20
    notification_id = None
    while notification_id is None and time.monotonic() < deadline:  # the app's own worker notifies France
        with api.sessions() as s:
            notification_id = s.scalar(select(Notification.id).where(Notification.message_id == message_id))
        time.sleep(0.05)
    assert notification_id is not None, "the contact on duty in France was not notified"

    forged = make_ack_token(DEV_SECRET, notification_id, utcnow() + timedelta(hours=1))
    anonymous = api.as_(None)
    r = anonymous.post(f"/api/v1/ack/{forged}")
    assert r.status_code == 403 and "forged" in r.json()["detail"]
    with api.sessions() as s:
        addressee = s.scalars(select(Addressee).where(Addressee.message_id == message_id)).one()
        assert addressee.acknowledged_at is None and addressee.escalation == "running"

    # The same link signed with the node's own secret works: the refusal above was the key, nothing else.
    own_secret = api.client.app.state.liaison.settings.secret_key
    genuine = make_ack_token(own_secret, notification_id, utcnow() + timedelta(hours=1))
    assert anonymous.post(f"/api/v1/ack/{genuine}").status_code == 200
