"""Standard Webhooks signatures: the specification's test vector, round trips, and every refusal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.channels.signing import SignatureError, channel_secret, sign, verify

# The vector in the tests of the specification's reference libraries (github.com/standard-webhooks), used
# here because the `standardwebhooks` package is not a dependency of Liaison.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

CHANNEL = uuid.UUID("6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f40")
NOW = 1_795_488_420
BODY = b'{"type":"message.flash","data":{"id":"42"}}'


def headers(secret: str = VECTOR_SECRET, body: bytes = BODY, at: int = NOW) -> dict[str, str]:
    return sign(secret, "msg_42", at, body)


def test_the_specification_test_vector() -> None:
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": VECTOR_SIGNATURE,
    }
    vector_headers = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    verify(VECTOR_SECRET, vector_headers, VECTOR_BODY, now=VECTOR_TIMESTAMP)


def test_an_independent_computation_agrees() -> None:
    secret = channel_secret("node-key", CHANNEL)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, b"msg_42." + str(NOW).encode() + b"." + BODY, hashlib.sha256).digest()
    assert headers(secret)["webhook-signature"] == "v1," + base64.b64encode(mac).decode()


def test_channel_secrets_are_stable_distinct_and_follow_the_format() -> None:
    secret = channel_secret("node-key", CHANNEL)
    assert secret == channel_secret("node-key", CHANNEL)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:], validate=True)) == 32  # the specification asks for 24 to 64
    assert secret != channel_secret("node-key", uuid.UUID(int=CHANNEL.int + 1))
    assert secret != channel_secret("rotated-node-key", CHANNEL)


def test_an_empty_node_key_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="node key"):
        channel_secret("", CHANNEL)


def test_round_trip_and_header_names_in_any_case() -> None:
    secret = channel_secret("node-key", CHANNEL)
    signed = headers(secret)
    verify(secret, signed, BODY, now=NOW)
    verify(secret, {name.title(): value for name, value in signed.items()}, BODY, now=NOW)


def test_a_secret_without_the_prefix_is_the_same_key() -> None:
    bare = VECTOR_SECRET.removeprefix("whsec_")
    assert sign(bare, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)["webhook-signature"] == VECTOR_SIGNATURE


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused(missing: str) -> None:
    signed = headers()
    del signed[missing]
    with pytest.raises(SignatureError, match=f"missing {missing} header"):
        verify(VECTOR_SECRET, signed, BODY, now=NOW)


def test_a_changed_body_id_or_timestamp_is_refused() -> None:
    signed = headers()
    with pytest.raises(SignatureError, match="no webhook-signature matches"):
        verify(VECTOR_SECRET, signed, BODY + b" ", now=NOW)
    with pytest.raises(SignatureError, match="no webhook-signature matches"):
        verify(VECTOR_SECRET, {**signed, "webhook-id": "msg_43"}, BODY, now=NOW)
    with pytest.raises(SignatureError, match="no webhook-signature matches"):
        verify(VECTOR_SECRET, {**signed, "webhook-timestamp": str(NOW + 1)}, BODY, now=NOW)


def test_another_secret_is_refused() -> None:
    with pytest.raises(SignatureError, match="no webhook-signature matches"):
        verify(channel_secret("node-key", CHANNEL), headers(), BODY, now=NOW)


def test_one_of_several_signatures_is_enough() -> None:
    good = headers()["webhook-signature"]
    others = ["v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v1a,bm90IGFuIGVkMjU1MTkgc2lnbmF0dXJl", "junk"]
    several = {**headers(), "webhook-signature": " ".join([others[0], others[1], good, others[2]])}
    verify(VECTOR_SECRET, several, BODY, now=NOW)
    # the right signature under another version label does not count
    relabelled = {**headers(), "webhook-signature": good.replace("v1,", "v2,")}
    with pytest.raises(SignatureError):
        verify(VECTOR_SECRET, relabelled, BODY, now=NOW)


@pytest.mark.parametrize(("offset", "ok"), [(0, True), (300, True), (-300, True), (301, False), (-301, False)])
def test_timestamp_tolerance(offset: int, ok: bool) -> None:
    signed = headers(at=NOW + offset)
    if ok:
        verify(VECTOR_SECRET, signed, BODY, now=NOW)
    else:
        with pytest.raises(SignatureError, match="seconds (old|in the future)"):
            verify(VECTOR_SECRET, signed, BODY, now=NOW)


def test_tolerance_can_be_set() -> None:
    verify(VECTOR_SECRET, headers(at=NOW - 3600), BODY, now=NOW, tolerance=3600)


@pytest.mark.parametrize("stamp", ["hello", "", " ", "1.5", "-1", "+1614265330", "1_614_265_330", "１２"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(stamp: str) -> None:
    with pytest.raises(SignatureError):
        verify(VECTOR_SECRET, {**headers(), "webhook-timestamp": stamp}, BODY, now=NOW)


@pytest.mark.parametrize("msg_id", ["", "msg.42", "msg 42", "msg\r\nx-evil: 1", "é", "m" * 129])
def test_unsafe_message_ids_are_not_signed(msg_id: str) -> None:
    with pytest.raises(ValueError, match="message id"):
        sign(VECTOR_SECRET, msg_id, NOW, BODY)


def test_a_malformed_secret_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="base64"):
        sign("whsec_not base64!", "msg_42", NOW, BODY)


@given(body=st.binary(max_size=500), msg_id=st.from_regex(r"[A-Za-z0-9_:-]{1,64}", fullmatch=True))
def test_round_trip_for_any_body_and_id(body: bytes, msg_id: str) -> None:
    secret = channel_secret("node-key", CHANNEL)
    verify(secret, sign(secret, msg_id, NOW, body), body, now=NOW)


@given(st.dictionaries(st.sampled_from(["webhook-id", "webhook-timestamp", "webhook-signature", "x"]), st.text()))
def test_arbitrary_headers_only_ever_raise_signature_error(arbitrary: dict[str, str]) -> None:
    with pytest.raises(SignatureError):
        verify(VECTOR_SECRET, arbitrary, BODY, now=NOW)
