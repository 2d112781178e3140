"""Script-aware index keys for a name part.

The key of a part is its *consonant skeleton*: the Latin form reduced to consonant classes, vowels dropped.
Arabic script writes no short vowels, so إياد نظمي becomes "ayad nzmy" in Latin letters while a list writes
"Iyad Nazmi"; both reduce to the skeletons "Ad nzm". The classes also absorb the usual transliteration
variants: q/k/c (Tawfiq, Taufik), kh/h (Khalil, Халил -> Halil), g/j (Gamal, Jamal), p/b, v/f, sh/ch/sch,
th/t, dh/d; w and y count as vowels except at the start (Yusuf, Youssef, يوسف -> "ysf"); doubled letters and a
final h collapse (Abdallah, Abdalla). An initial vowel is kept as "A" so Usama and Sama stay apart.

For typos the index keeps, per skeleton, its one-letter deletions (SymSpell): two skeletons one edit apart
share a deletion, so a typo in a consonant still reaches the right postings.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

DIGRAPHS = re.compile(r"sch|sh|ch|kh|gh|th|dh|ph|zh|ck|dj|tch|ts")
DIGRAPH_MAP = {
    "sch": "S",
    "sh": "S",
    "ch": "S",
    "tch": "S",
    "kh": "H",
    "gh": "j",
    "th": "t",
    "dh": "d",
    "ph": "f",
    "zh": "z",
    "ck": "k",
    "dj": "j",
    "ts": "s",
}
LETTER_MAP = str.maketrans({"p": "b", "v": "f", "q": "k", "c": "k", "g": "j", "x": "k", "h": "H"})
VOWELS = frozenset("aeiouyw'")
MIN_SKELETON = 2  # shorter skeletons ("l" for Lee) say too little: such parts are found by their exact form
MIN_TYPO_SKELETON = 3


@lru_cache(maxsize=262_144)
def skeleton(token: str) -> str:
    """The consonant-class skeleton of one Latin ASCII name part (see the module docstring)."""
    if not token:
        return ""
    if token.isdigit():
        return token
    first_vowel = token[0] in "aeiou"
    body = DIGRAPHS.sub(lambda m: DIGRAPH_MAP[m.group(0)], token).translate(LETTER_MAP)
    out: list[str] = ["A"] if first_vowel else []
    start = 1 if first_vowel else 0
    for i, ch in enumerate(body):
        if i < start:
            continue
        if ch in VOWELS and not (i == 0 and ch in "yw"):
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    if len(out) > 2 and out[-1] == "H":
        out.pop()
    return "".join(out)


def deletions(skel: str) -> Iterator[str]:
    """One-letter deletions of a skeleton (the initial-vowel marker stays)."""
    for i in range(1 if skel.startswith("A") else 0, len(skel)):
        yield skel[:i] + skel[i + 1 :]


def key_code(text: str) -> int:
    """A stable 32-bit code for a key string: the same in every process (unlike ``hash``)."""
    return zlib.crc32(text.encode("utf-8")) or 1


def single_key(skel: str) -> int:
    return key_code("s:" + skel)


def exact_key(token: str) -> int:
    return key_code("e:" + token)


def pair_key(a: int, b: int) -> int:
    """A key for two parts of one name, whatever their order: 63 bits (a signed int64), above every single key."""
    lo, hi = (a, b) if a <= b else (b, a)
    return ((lo & 0x7FFFFFFF) << 32) | hi


def glued_key(tokens: Iterable[str]) -> int:
    """The skeleton of the whole name written as one word: finds "Ri Won Ho" from "Ri Wonho"."""
    return key_code("w:" + skeleton("".join(tokens)))


def token_keys(token: str) -> tuple[int, ...]:
    """The single keys of a part: its skeleton when long enough, else its exact form."""
    skel = skeleton(token)
    if len(skel) >= MIN_SKELETON:
        return (single_key(skel),)
    return (exact_key(token),)


def typo_keys(token: str) -> list[int]:
    """SymSpell keys of a whole part: the part itself and its one-letter deletions, in their own key space.

    Two parts one edit apart (Wainakh/Waiyakh, Fatma/Fata) share one of these keys. Unlike skeleton keys they keep
    the vowels, so they stay selective for one-word names (weak aliases, code names) among a million records."""
    forms = dict.fromkeys([token, *(token[:i] + token[i + 1 :] for i in range(len(token)))])
    return [key_code("d:" + form) for form in forms]
