"""Directory interchange: the document format shared by export and import (see directory_io)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from liaison.errors import InvalidInput, TooLarge
from liaison.i18n import _, lazy_gettext

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


TOO_LARGE = lazy_gettext("the document is over the %(size)s MB limit; split it by network", size=MAX_MB)


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise TooLarge(str(TOO_LARGE))


def decode_text(data: bytes) -> str:
    check_size(len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "document", _("is not UTF-8 text (byte %(start)s); save it as CSV UTF-8", start=exc.start)
        ) from exc


def parse_document(data: bytes | str) -> dict[str, Any]:
    """The JSON document in ``data``, refused over the size limit or when it is not a JSON object."""
    check_size(len(data) if isinstance(data, bytes) else text_size(data))
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "document",
            _(
                "is not JSON (line %(lineno)s, column %(colno)s: %(msg)s)",
                lineno=exc.lineno,
                colno=exc.colno,
                msg=exc.msg,
            ),
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("document", _("is not JSON that can be read (bad encoding or nested too deeply)")) from exc
    if not isinstance(doc, dict):
        raise InvalidInput("document", _("must be a JSON object"))
    return doc


def text_size(text: str) -> int:
    return len(text) if len(text) * 4 <= MAX_BYTES else len(text.encode("utf-8", "surrogatepass"))
