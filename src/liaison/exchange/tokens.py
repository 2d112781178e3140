"""Signed, expiring tokens for acknowledgement links.

A notification sent by e-mail or SMS carries a link that lets the person on duty acknowledge the message
without logging in first: at 3 a.m. on a phone, one tap must be enough to stop the escalation. The link
holds a token ``<notification id, 32 hex>.<expiry, unix seconds>.<signature>``; the signature is the
unpadded base64url HMAC-SHA256, under the node's key, of ``b"liaison-ack\\0" + id + b"." + expiry``. The
prefix keeps these signatures from being valid for any other use of the same key.

Nothing is stored to make a token, and a token proves only that this node issued it for that notification
and that it has not expired. **Single use is the caller's job**: the acknowledgement action records the
use in the database (in the same transaction as the acknowledgement) and refuses a second one.

Expiry is kept to the whole second (fractions are dropped), and a token is valid while ``now`` is
before its expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from liaison.i18n import _

MAX_TOKEN_LENGTH = 200
_PURPOSE = b"liaison-ack\0"
# 32 lower-case hex, 1-11 digits of expiry (up to year 5138), 43 characters of base64url (32 bytes).
_SHAPE = re.compile(r"([0-9a-f]{32})\.([0-9]{1,11})\.([A-Za-z0-9_-]{43})")

TokenErrorKind = Literal["malformed", "forged", "expired"]


class TokenError(ValueError):
    """A token that cannot be honoured; ``kind`` says why, for the page shown and for the audit log."""

    def __init__(self, kind: TokenErrorKind, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind: TokenErrorKind = kind


@dataclass(frozen=True)
class AckClaim:
    notification_id: uuid.UUID
    expires_at: datetime


def _signature(key: str, id_hex: str, expiry: str) -> str:
    if not key:
        raise ValueError("the signing key must not be empty")
    message = _PURPOSE + id_hex.encode("ascii") + b"." + expiry.encode("ascii")
    digest = hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def make_ack_token(key: str, notification_id: uuid.UUID, expires_at: datetime) -> str:
    """A URL-safe token acknowledging ``notification_id`` until ``expires_at`` (an aware datetime)."""
    _require_aware("expires_at", expires_at)
    expiry = str(math.floor(expires_at.timestamp()))
    if not _SHAPE.fullmatch(f"{'0' * 32}.{expiry}.{'A' * 43}"):
        raise ValueError(f"expires_at out of range: {expires_at.isoformat()}")
    id_hex = notification_id.hex
    return f"{id_hex}.{expiry}.{_signature(key, id_hex, expiry)}"


def read_ack_token(key: str, token: str, now: datetime) -> AckClaim:
    """The claim in ``token``, or :class:`TokenError`.

    The signature is checked before the expiry, so a forged token is reported as forged even when the
    expiry it carries has passed: "expired" then always means "genuine but late", which is worth telling
    the user, while a forgery is worth telling the security officer.
    """
    _require_aware("now", now)
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError(
            "malformed", _("longer than %(max_token_length)s characters", max_token_length=MAX_TOKEN_LENGTH)
        )
    match = _SHAPE.fullmatch(token)
    if match is None:
        raise TokenError("malformed", _("not of the form <id>.<expiry>.<signature>"))
    id_hex, expiry, signature = match.groups()
    expected = _signature(key, id_hex, expiry)
    if not hmac.compare_digest(signature.encode("ascii"), expected.encode("ascii")):
        raise TokenError("forged", _("the signature does not match"))
    try:
        expires_at = datetime.fromtimestamp(int(expiry), UTC)
    except (OverflowError, OSError, ValueError) as exc:  # a genuine token always fits; be safe anyway
        raise TokenError("malformed", _("expiry out of range")) from exc
    if now >= expires_at:
        raise TokenError("expired", _("expired at %(expires_at)s", expires_at=expires_at.isoformat()))
    return AckClaim(uuid.UUID(hex=id_hex), expires_at)
