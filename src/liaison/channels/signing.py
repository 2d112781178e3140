"""Webhook signatures, following the Standard Webhooks specification (https://www.standardwebhooks.com).

A receiving agency should not have to learn a Liaison-specific scheme: any Standard Webhooks library
verifies what we send. Each request carries three headers:

- ``webhook-id``: the message id, the same on every retry, so the receiver can drop duplicates;
- ``webhook-timestamp``: unix seconds of this attempt, so a captured request cannot be replayed later;
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``, possibly several
  space-separated, so a receiver can accept the old and the new secret during a rotation.

Secrets are written ``whsec_<base64 of the key>``. Ours are derived, not stored: :func:`channel_secret`
is an HMAC of the channel id under the node key, so a new webhook channel needs nothing new in the
database and rotating the node key rotates every webhook secret at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format marker, not a secret
_DERIVATION = b"liaison-webhook-secret\0"
# The specification asks that id and timestamp contain no "."; we also keep ids to header-safe text.
_MSG_ID = re.compile(r"[A-Za-z0-9_:-]{1,128}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureError(ValueError):
    """A request whose signature headers are missing, wrong or out of date."""


def channel_secret(node_key: str, channel_id: uuid.UUID) -> str:
    """The ``whsec_`` secret of one webhook channel, derived from the node key (32 random-looking bytes)."""
    if not node_key:
        raise ValueError("the node key must not be empty")
    raw = hmac.new(node_key.encode("utf-8"), _DERIVATION + channel_id.bytes, hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(raw).decode("ascii")


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is whsec_ followed by base64") from exc
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def _signature(key: bytes, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = msg_id.encode("ascii") + b"." + timestamp.encode("ascii") + b"." + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers that sign ``body`` as message ``msg_id`` sent at ``timestamp`` (unix seconds)."""
    if not _MSG_ID.fullmatch(msg_id):
        raise ValueError(f"message id must be 1-128 characters of A-Z a-z 0-9 _ : -, not {msg_id!r}")
    if timestamp < 0:
        raise ValueError("timestamp must not be negative")
    stamp = str(timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + _signature(_key(secret), msg_id, stamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: int, tolerance: int = 300) -> None:
    """Return if ``headers`` hold a valid ``v1`` signature of ``body`` made within ``tolerance`` seconds of
    ``now``; raise :class:`SignatureError` otherwise. Header names are matched without regard to case.

    The caller should also remember ``webhook-id`` for a while and drop repeats: the timestamp window only
    limits how late a replay can come.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    values = []
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        value = lowered.get(name)
        if not value:
            raise SignatureError(f"missing {name} header")
        values.append(value.strip())
    msg_id, stamp, signatures = values
    if not _TIMESTAMP.fullmatch(stamp):
        raise SignatureError(f"webhook-timestamp is not unix seconds: {stamp[:40]!r}")
    age = now - int(stamp)
    if age > tolerance:
        raise SignatureError(f"webhook-timestamp is {age} seconds old (tolerance {tolerance})")
    if -age > tolerance:
        raise SignatureError(f"webhook-timestamp is {-age} seconds in the future (tolerance {tolerance})")
    try:
        expected = _signature(_key(secret), msg_id, stamp, body).encode("ascii")
    except UnicodeEncodeError as exc:
        raise SignatureError("webhook-id is not ASCII") from exc
    for candidate in signatures.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode("utf-8"), expected):
            return
    raise SignatureError("no webhook-signature matches")
