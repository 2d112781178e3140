"""Working languages of the people a message reaches: comparing a message's language with an addressee's, and
choosing the language a contact point's notification is written in.

Contact points list their working languages as ISO 639 codes, two letters (``fr``) or three (``fra``, ``jpn``);
a message's language is stored as two letters where ISO 639-1 has them. Pure functions, no web or database.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pycountry

from liaison import i18n


@lru_cache(maxsize=1024)
def alpha2(code: str) -> str:
    """``code`` lower-cased, as its two-letter ISO 639-1 code where there is one (``fra`` and ``fre`` -> ``fr``)."""
    value = (code or "").strip().lower().replace("_", "-").split("-")[0]
    if len(value) == 3:
        found = pycountry.languages.get(alpha_3=value)
        if found is None:  # a bibliographic code (fre, ger, chi)
            found = next((lang for lang in pycountry.languages if getattr(lang, "bibliographic", None) == value), None)
        if found is not None and getattr(found, "alpha_2", None):
            return str(found.alpha_2)
    return value


def ordered(codes: Iterable[str]) -> tuple[str, ...]:
    """Each language once (as :func:`alpha2`), in the order first given."""
    return tuple(dict.fromkeys(alpha2(c) for c in codes if c and c.strip()))


def understood(message_language: str | None, working: Iterable[str]) -> bool:
    """Whether an addressee working in ``working`` reads a message in ``message_language``. A message whose
    language is not said, or an addressee that lists no language, is not warned about (nothing to compare)."""
    listed = ordered(working)
    return not message_language or not listed or alpha2(message_language) in listed


def notice_language(working: Iterable[str], default: str) -> str:
    """The language of a contact point's notification: the first of its working languages Liaison speaks,
    else the node's default (``LIAISON_DEFAULT_LANGUAGE``)."""
    for code in working:
        spoken = i18n.normalize(alpha2(code))
        if spoken:
            return spoken
    return i18n.normalize(default) or i18n.DEFAULT


__all__ = ["alpha2", "notice_language", "ordered", "understood"]
