"""Directory interchange: the document format shared by export and import (see directory_io)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from liaison.errors import InvalidInput, TooLarge

FORMAT = "liaison-directory"
VERSION = 1
MAX_MB = 20
MAX_BYTES = MAX_MB * 1024 * 1024
CSV_COLUMNS = (
    "network",
    "member",
    "member_name",
    "agency",
    "contact_point",
    "contact_kind",
    "is_24_7",
    "timezone",
    "languages",
    "channel_kind",
    "channel_value",
    "verified_at",
)
KINDS = (
    "networks",
    "members",
    "memberships",
    "agencies",
    "designations",
    "contact_points",
    "channels",
    "rotations",
    "overrides",
)
CSV_SOURCE = "CSV import"
OUTCOME_RANK = {"unchanged": 0, "updated": 1, "added": 2}
CLOCK_SKEW = timedelta(hours=1)  # a timestamp from another node may be this far ahead of our clock


TOO_LARGE = f"the document is over the {MAX_MB} MB limit; split it by network"


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise TooLarge(TOO_LARGE)


def decode_text(data: bytes) -> str:
    check_size(len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("document", f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from exc


def parse_document(data: bytes | str) -> dict[str, Any]:
    """The JSON document in ``data``, refused over the size limit or when it is not a JSON object."""
    check_size(len(data) if isinstance(data, bytes) else text_size(data))
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InvalidInput("document", f"is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("document", "is not JSON that can be read (bad encoding or nested too deeply)") from exc
    if not isinstance(doc, dict):
        raise InvalidInput("document", "must be a JSON object")
    return doc


def text_size(text: str) -> int:
    return len(text) if len(text) * 4 <= MAX_BYTES else len(text.encode("utf-8", "surrogatepass"))
