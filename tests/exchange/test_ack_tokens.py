"""Acknowledgement-link tokens: round trip, forgeries, expiry, and garbage."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.exchange.tokens import MAX_TOKEN_LENGTH, AckClaim, TokenError, make_ack_token, read_ack_token

KEY = "node-key-for-tests-only"
NOTIFICATION = uuid.UUID("0b5f9c1e-7a43-4d2e-9a55-3c8e1f2d4b6a")
SENT = datetime(2026, 11, 23, 2, 47, tzinfo=UTC)
EXPIRES = SENT + timedelta(hours=24)


def token() -> str:
    return make_ack_token(KEY, NOTIFICATION, EXPIRES)


def kind_of(key: str, text: str, now: datetime = SENT) -> str:
    with pytest.raises(TokenError) as caught:
        read_ack_token(key, text, now)
    return caught.value.kind


def test_round_trip() -> None:
    assert read_ack_token(KEY, token(), SENT) == AckClaim(NOTIFICATION, EXPIRES)


def test_shape_and_signature_follow_the_documented_recipe() -> None:
    text = token()
    assert re.fullmatch(r"[0-9a-f]{32}\.[0-9]+\.[A-Za-z0-9_-]{43}", text)
    id_hex, expiry, signature = text.split(".")
    assert id_hex == NOTIFICATION.hex
    assert int(expiry) == int(EXPIRES.timestamp()) == 1_795_488_420
    mac = hmac.new(KEY.encode(), b"liaison-ack\0" + id_hex.encode() + b"." + expiry.encode(), hashlib.sha256)
    assert signature == base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def test_any_time_zone_gives_the_same_token_and_fractions_of_a_second_are_dropped() -> None:
    tokyo = EXPIRES.astimezone(timezone(timedelta(hours=9)))
    assert make_ack_token(KEY, NOTIFICATION, tokyo) == token()
    assert make_ack_token(KEY, NOTIFICATION, EXPIRES + timedelta(microseconds=999_999)) == token()


def test_valid_until_the_second_of_expiry() -> None:
    assert read_ack_token(KEY, token(), EXPIRES - timedelta(microseconds=1)).notification_id == NOTIFICATION
    assert kind_of(KEY, token(), EXPIRES) == "expired"
    assert kind_of(KEY, token(), EXPIRES + timedelta(days=400)) == "expired"


def test_tampered_id_is_forged() -> None:
    id_hex, expiry, signature = token().split(".")
    other = uuid.uuid4().hex
    assert kind_of(KEY, f"{other}.{expiry}.{signature}") == "forged"


def test_tampered_expiry_is_forged_even_when_extended() -> None:
    id_hex, expiry, signature = token().split(".")
    later = int(expiry) + 86_400
    assert kind_of(KEY, f"{id_hex}.{later}.{signature}") == "forged"
    assert kind_of(KEY, f"{id_hex}.0{expiry}.{signature}") == "forged"  # another spelling of the same time


def test_tampered_signature_is_forged() -> None:
    text = token()
    flipped = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert kind_of(KEY, flipped) == "forged"


def test_another_key_is_forged() -> None:
    assert kind_of("another-node", token()) == "forged"


def test_forgery_is_reported_before_expiry() -> None:
    id_hex, _, signature = token().split(".")
    stale = int((SENT - timedelta(days=30)).timestamp())
    assert kind_of(KEY, f"{id_hex}.{stale}.{signature}") == "forged"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-a-token",
        NOTIFICATION.hex,
        f"{NOTIFICATION.hex.upper()}.1795834020.{'A' * 43}",
        f"{NOTIFICATION}.1795834020.{'A' * 43}",  # dashed UUID form
        f"{NOTIFICATION.hex}.-1.{'A' * 43}",
        f"{NOTIFICATION.hex}.1795834020.{'A' * 42}",
        f"{NOTIFICATION.hex}.1795834020.{'A' * 43}=",
        f"{NOTIFICATION.hex}.1795834020.{'A' * 43}\n",
        f"{NOTIFICATION.hex}.1795834020.{'A' * 42}+",
        f"{NOTIFICATION.hex}.１７９５８３４０２０.{'A' * 43}",  # full-width digits
        f"{NOTIFICATION.hex}.99999999999999999999.{'A' * 43}",
        "x" * (MAX_TOKEN_LENGTH + 1),
    ],
)
def test_malformed(text: str) -> None:
    assert kind_of(KEY, text) == "malformed"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_ack_token(KEY, NOTIFICATION, EXPIRES.replace(tzinfo=None))
    with pytest.raises(ValueError, match="timezone-aware"):
        read_ack_token(KEY, token(), SENT.replace(tzinfo=None))


def test_an_empty_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="key"):
        make_ack_token("", NOTIFICATION, EXPIRES)


def test_error_message_names_the_kind() -> None:
    with pytest.raises(TokenError, match=r"^expired: expired at 2026-11-24T02:47:00\+00:00$"):
        read_ack_token(KEY, token(), EXPIRES)


@given(st.text(max_size=300))
def test_garbage_only_ever_raises_token_error(text: str) -> None:
    with pytest.raises(TokenError) as caught:
        read_ack_token(KEY, text, SENT)
    assert caught.value.kind in {"malformed", "forged", "expired"}


@given(
    st.uuids(),
    st.integers(min_value=946_684_800, max_value=7_258_118_400).map(lambda s: datetime.fromtimestamp(s, UTC)),
    st.text(min_size=1, max_size=50),
)
def test_round_trip_for_any_id_expiry_and_key(notification_id: uuid.UUID, expires_at: datetime, key: str) -> None:
    text = make_ack_token(key, notification_id, expires_at)
    assert len(text) <= MAX_TOKEN_LENGTH
    claim = read_ack_token(key, text, expires_at - timedelta(seconds=1))
    assert claim == AckClaim(notification_id, expires_at)
    assert kind_of(key, text, expires_at) == "expired"


@given(st.integers(min_value=0, max_value=86), st.characters(categories=("L", "N", "P", "S")))
def test_changing_any_character_never_yields_a_valid_token(position: int, replacement: str) -> None:
    text = token()
    if text[position] == replacement:
        return
    changed = text[:position] + replacement + text[position + 1 :]
    assert kind_of(KEY, changed) in {"malformed", "forged"}
