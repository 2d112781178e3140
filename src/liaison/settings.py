"""One typed Settings object, read from ``LIAISON_*`` environment variables.

Bad values fail at start-up with a message naming the variable. Secrets may be given inline or, better,
as a path in ``LIAISON_<NAME>_FILE``.

Safe by default: without ``LIAISON_ENV`` a node runs as ``production``. Only an explicit
``LIAISON_ENV=development`` may run on the built-in :data:`DEV_SECRET`, which is public (it is in this file):
whoever knows it can forge acknowledgement links, CSRF tokens and webhook signatures. Every other mode
(``test`` included) refuses a missing, public or short secret, so ``liaison check-config`` fails on one.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from liaison import i18n

DEV_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105 - refused outside development
MIN_SECRET_LENGTH = 32
DEVELOPMENT_MODE_WARNING = (
    "DEVELOPMENT MODE: this node uses the public built-in secret, so anyone can forge its acknowledgement "
    "links, CSRF tokens and webhook signatures; never use it with real data"
)


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIAISON_", extra="ignore", frozen=True)

    env: Literal["development", "test", "production"] = Field(
        "production",
        description="production (the default), test or development; only development may run on the public "
        "built-in secret, and it says so on every page.",
    )
    database_url: str = Field(
        "sqlite:///liaison.db",
        description="SQLAlchemy URL; SQLite by default, postgresql://... in production.",
    )
    secret_key: str = Field(
        "",
        description="Signs CSRF tokens, acknowledgement and verification links and webhooks; at least 32 characters, "
        "required unless LIAISON_ENV=development.",
    )
    base_url: str = Field("http://127.0.0.1:8000", description="Public URL of this node, used in links.")
    host: str = Field("127.0.0.1", description="Address `liaison serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `liaison serve` listens on.")
    session_hours: int = Field(12, ge=1, le=24 * 30, description="Lifetime of a web session, in hours.")
    cookie_secure: bool | None = Field(
        None, description="Send cookies only over HTTPS; defaults to true unless the base URL is http://."
    )
    require_totp: bool | None = Field(
        None,
        description="People must set up a TOTP second factor before using the web app or the API (no API token is "
        "issued to, or accepted from, a user without one); default: on in production.",
    )
    operator_name: str = Field("operator", description="Username the local CLI acts as when --as is not given.")
    node_name: str = Field("Liaison", description="Name of this node, shown in the page header.")
    default_language: str = Field(
        "en",
        description="Language of pages, notifications and the CLI when neither the user's setting nor the browser "
        "asks for one we speak: ar, en, es, fr, pt, ru or zh (an unknown code falls back to en).",
    )
    readiness_horizon_days: int = Field(28, ge=1, le=365, description="How far ahead readiness warnings look.")
    roster_stale_days: int = Field(90, ge=7, le=3650, description="A roster not confirmed for this long is stale.")
    channel_stale_days: int = Field(180, ge=7, le=3650, description="A channel not verified for this long is stale.")
    smtp_url: str = Field("", description="SMTP server for e-mail, e.g. smtp://127.0.0.1:1025 (empty: log only).")
    mail_from: str = Field("liaison@localhost", description="Sender address of Liaison's e-mail.")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Log level.")
    attachment_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, le=200 * 1024 * 1024, description="Largest attachment a message may carry, in bytes."
    )
    import_max_bytes: int = Field(
        200 * 1024 * 1024, ge=1024, le=64 * 1024**3, description="Largest file a bank import reads, in bytes."
    )
    import_max_delisted_share: float = Field(
        0.10,
        ge=0,
        le=1,
        description="Largest share (0-1) of a list's active entries a re-import may delist without "
        "--allow-mass-delisting.",
    )
    ack_link_hours: int = Field(72, ge=1, le=24 * 30, description="Lifetime of an acknowledgement link, in hours.")
    response_hours: float = Field(
        8.0, gt=0, le=24 * 30, description="Default response clock of a request for information, in hours."
    )
    webhook_allow_private: bool | None = Field(
        None, description="Allow webhooks to private and loopback addresses; default: off in production."
    )
    sms_transport: str = Field(
        "",
        description="SMS/voice gateway as module:Class implementing liaison.channels.Sender (empty: log only).",
    )
    embedded_worker: bool = Field(
        True, description="`liaison serve` also runs the escalation worker; turn off when running `liaison worker`."
    )
    worker_poll_seconds: float = Field(0.2, gt=0, le=60, description="How often the worker looks for due timers.")
    worker_listen_poll_seconds: float = Field(
        2.0,
        gt=0,
        le=300,
        description="On PostgreSQL, how often the worker still looks for due timers while LISTEN/NOTIFY wakes it "
        "(a fallback for a missed notification); LIAISON_WORKER_POLL_SECONDS applies while it is not listening.",
    )
    worker_lease_seconds: float = Field(
        60,
        ge=1,
        le=3600,
        description="How long a worker's claim on a job lasts: after a crash, other workers take its jobs once "
        "the lease runs out (a restart under the same name takes them back at once).",
    )
    match_threshold: float | None = Field(
        None, ge=0, le=1, description="Score from which a screening hit is a match (default: the algorithm's own)."
    )
    screen_max_rows: int = Field(10_000, ge=1, le=1_000_000, description="Most names one screening file may hold.")
    reporting_currency: str = Field(
        "EUR",
        description="Currency the financing analysis converts every amount into (ISO 4217, one the bundled ECB "
        "rate table quotes, e.g. EUR, USD, GBP).",
    )
    worker_name: str = Field(
        "", description="Name of this worker (default: host name and process id); see `liaison worker --help`."
    )

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_files(cls, data: dict[str, object]) -> dict[str, object]:
        for name in ("secret_key", "database_url"):
            path = os.environ.get(f"LIAISON_{name.upper()}_FILE")
            if path:
                try:
                    data[name] = Path(path).read_text().strip()
                except OSError as exc:
                    raise ValueError(f"LIAISON_{name.upper()}_FILE: cannot read {path}: {exc}") from exc
        return data

    @field_validator("default_language")
    @classmethod
    def _spoken_language(cls, value: str) -> str:
        return i18n.normalize(value) or i18n.DEFAULT

    @field_validator("reporting_currency")
    @classmethod
    def _quoted_currency(cls, value: str) -> str:
        code = value.strip().upper()
        if code != "EUR":  # the euro needs no table; any other code must be one the bundled table quotes
            from liaison.analysis import rates

            if not rates.known(code):
                raise ValueError(f"{value!r} is not a currency of the bundled ECB rate table")
        return code

    @field_validator("database_url")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError("LIAISON_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if value.startswith("postgres:"):
            value = "postgresql:" + value[len("postgres:") :]
        return value

    @model_validator(mode="after")
    def _no_public_secret_outside_development(self) -> Settings:
        if self.env == "development":
            if not self.secret_key:
                object.__setattr__(self, "secret_key", DEV_SECRET)
            return self
        if not self.secret_key:
            raise ValueError(
                f"LIAISON_SECRET_KEY (or LIAISON_SECRET_KEY_FILE) is required when LIAISON_ENV is {self.env} "
                f"(a random string of at least {MIN_SECRET_LENGTH} characters, e.g. from "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`); "
                "to try Liaison locally, set LIAISON_ENV=development"
            )
        if self.secret_key == DEV_SECRET:
            raise ValueError(
                "LIAISON_SECRET_KEY is the public built-in development secret, which anyone can use to forge "
                f"links and tokens; it is refused when LIAISON_ENV is {self.env}"
            )
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise ValueError(f"LIAISON_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters")
        return self

    @property
    def public_secret(self) -> bool:
        """This node signs with the published built-in secret (possible only in development mode)."""
        return self.secret_key == DEV_SECRET

    @cached_property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not self.base_url.startswith("http://")

    @property
    def webhooks_to_private(self) -> bool:
        return self.webhook_allow_private if self.webhook_allow_private is not None else self.env != "production"

    @property
    def totp_required(self) -> bool:
        return self.require_totp if self.require_totp is not None else self.env == "production"

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg 3 driver made explicit for PostgreSQL."""
        url = self.database_url
        if url.startswith("postgresql:"):
            url = "postgresql+psycopg:" + url[len("postgresql:") :]
        return url


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; raise ConfigError with the variable's name on a bad value."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            if field == "settings":  # a rule across fields: its message names the variables itself
                lines.append(str(err["msg"]).removeprefix("Value error, "))
            else:
                lines.append(f"LIAISON_{field.upper()}: {err['msg']}")
        raise ConfigError("; ".join(lines)) from exc
