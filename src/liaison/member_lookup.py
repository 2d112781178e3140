"""Which member someone means: one resolver for every command, request and page that takes a member.

A member is named by its code (``FR``, ``EUROPOL``), a state also by its ISO 3166 alpha-3 code (``FRA``) or by
its name in English, as the directory spells it or as ISO 3166 does (``Germany``, ``Federal Republic of
Germany``), in any case. When nothing matches, the close matches come best first, each member compared by its
code and by all its names, so ``Germany`` suggests DE before GE.

Pure (pycountry and rapidfuzz, no database): the directory snapshot and the exchange's database both call it
with the members of a network, as a mapping from code to name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import pycountry
from rapidfuzz import fuzz

SUGGESTIONS = 5

ALSO_KNOWN_AS = {
    "GB": ("UK", "Britain", "Great Britain"),
    "NL": ("Holland",),
    "TR": ("Turkey",),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "MM": ("Burma",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
}
"""English names in common use that ISO 3166 no longer (or never) gives."""


def _fold(text: str) -> str:
    """Case, spacing and accents folded: ``  Türkiye`` and ``turkiye`` compare equal."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1024)
def country_names(code: str) -> tuple[str, ...]:
    """The English names ISO 3166 gives a state (name, common name, official name), folded; () for others."""
    c = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if c is None:
        return ()
    names = [getattr(c, attr, None) for attr in ("name", "common_name", "official_name")]
    return tuple(dict.fromkeys(_fold(str(n)) for n in [*names, *ALSO_KNOWN_AS.get(code, ())] if n))


def _names(code: str, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((_fold(name), *country_names(code))))


def resolve(query: str, members: Mapping[str, str]) -> str | None:
    """The code of the member of ``members`` (code to name) that ``query`` names, or None."""
    key = query.strip().upper()
    if not key:
        return None
    if key in members:
        return key
    if len(key) == 3 and (c := pycountry.countries.get(alpha_3=key)) and str(c.alpha_2) in members:
        return str(c.alpha_2)
    folded = _fold(query)
    named = [code for code in sorted(members) if folded in _names(code, members[code])]
    if len(named) == 1:
        return named[0]
    if len(folded) <= 3:  # too short to be anything but a code: "UK" is not Ukraine
        return None
    try:  # a state's other spellings ISO 3166 knows of (e.g. "Korea" for the Republic of Korea)
        found = pycountry.countries.search_fuzzy(query.strip())
    except LookupError:
        return None
    close = {
        str(c.alpha_2) for c in found if str(c.alpha_2) in members and fuzz.WRatio(folded, _fold(str(c.name))) >= 90
    }
    return close.pop() if len(close) == 1 else None


def suggest(query: str, members: Mapping[str, str], limit: int = SUGGESTIONS) -> list[str]:
    """Codes of the members closest to ``query``, best first (ties by code): a short query is compared whole
    with codes and names, a longer one also with the parts of each name."""
    q = _fold(query)
    if not q:
        return []
    scored = []
    for code, name in members.items():
        score = fuzz.ratio(q, code.casefold())
        for n in _names(code, name):
            score = max(score, 0.95 * fuzz.WRatio(q, n) if len(q) > 3 else fuzz.ratio(q, n))
        if score >= 55:
            scored.append((-score, code))
    return [code for _score, code in sorted(scored)[:limit]]
