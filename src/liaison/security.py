"""Password hashing (argon2), TOTP (pyotp), random tokens and their stored digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from liaison.i18n import _, ngettext

_hasher = PasswordHasher()
TOKEN_PREFIX = "lsn_"  # noqa: S105 - a public prefix, not a secret
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _decoy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_decoy(password: str) -> None:
    """Spend the time of one password check against nothing: a login for an unknown or locked account then
    takes as long as one for a real account, so timing does not tell an attacker which accounts exist."""
    verify_password(_decoy_hash(), password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length beats composition rules (NIST SP 800-63B)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext(
            "must be at least %(num)d character", "must be at least %(num)d characters", MIN_PASSWORD_LENGTH
        )
    if len(set(password)) < 4:
        return _("is too repetitive")
    return None


def new_token(prefix: str = TOKEN_PREFIX) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored for a bearer secret: a SHA-256, enough for 256-bit random tokens (no slow hash needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


TOTP_WINDOW = 1  # time steps (30 s each) accepted either side of now, for clock drift


def totp_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is, within the window around ``now``, or None when it matches none.

    The step, not a yes/no, is returned so that the caller can refuse a code whose step is not newer than the
    last one it accepted: a code seen over someone's shoulder or replayed from a log is then worth nothing
    (RFC 6238 section 5.2)."""
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if same(code, totp.generate_otp(step)):
            return step
    return None


def sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
