"""Configuration fails loudly, names the variable, and has no default secret outside development."""

from __future__ import annotations

import pytest

from liaison.settings import DEV_SECRET, ConfigError, load_settings


def test_development_has_a_marked_secret(monkeypatch):
    monkeypatch.delenv("LIAISON_SECRET_KEY", raising=False)
    settings = load_settings(env="development")
    assert settings.secret_key == DEV_SECRET and settings.public_secret
    assert not load_settings(env="development", secret_key="d" * 40).public_secret


def test_production_needs_a_real_secret():
    with pytest.raises(ConfigError, match="LIAISON_SECRET_KEY"):
        load_settings(env="production", secret_key="")
    with pytest.raises(ConfigError, match="at least 32"):
        load_settings(env="production", secret_key="short")
    assert load_settings(env="production", secret_key="x" * 40, base_url="https://n.example.org").secure_cookies


def test_production_is_the_default(monkeypatch):
    monkeypatch.delenv("LIAISON_ENV", raising=False)
    assert load_settings(secret_key="x" * 40).env == "production"


def test_secret_from_file(tmp_path, monkeypatch):
    f = tmp_path / "secret"
    f.write_text("s" * 48 + "\n")
    monkeypatch.setenv("LIAISON_SECRET_KEY_FILE", str(f))
    assert load_settings(env="production").secret_key == "s" * 48


def test_bad_values_name_the_variable(monkeypatch):
    monkeypatch.setenv("LIAISON_PORT", "99999")
    with pytest.raises(ConfigError, match="LIAISON_PORT"):
        load_settings()
    monkeypatch.delenv("LIAISON_PORT")
    with pytest.raises(ConfigError, match="LIAISON_DATABASE_URL"):
        load_settings(database_url="mysql://x")


def test_cookies_secure_unless_plain_http():
    assert load_settings(base_url="https://liaison.example.org").secure_cookies
    assert not load_settings(base_url="http://127.0.0.1:8000").secure_cookies
