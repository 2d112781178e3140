"""From a name in any script to comparable Latin tokens.

Steps, in order, each chosen because a real list or a real query needs it:

1. NFKC and casefold; split into name parts with rigour's Unicode-aware tokenizer (hyphens, commas and
   apostrophes separate or vanish, so "SURNAME, Given" and "al-Tubasi" tokenise like "Given Surname", "al Tubasi").
2. Arabic-script parts (Arabic, Persian, Urdu) are folded first: hamza carriers to their bare letter, ta marbuta
   to ha, ayn to alif (Latin spellings write it as a vowel or not at all), Persian yeh/keheh to Arabic forms,
   harakat and tatweel removed; the article "ال" glued to a word is cut off; then ICU's Arabic-Latin.
3. Other scripts: rigour's ``maybe_ascii`` (its Cyrillic/Greek/Armenian/Georgian/Hangul spellings, e.g.
   Шевченко -> shevchenko), and ICU ``Any-Latin; Latin-ASCII`` for everything else.
4. Honorifics (sheikh, mullah, haji, dr, ...) and particles (al, el, bin, ibn, abu, ...) are removed and kept
   aside for the explanation; "Abd al-X", "Abdul X", "Abdel-X", "Abdurrahman" fuse to one part "abdX", because
   the servant-of compound is one name in Arabic however it is spaced.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rigour.names.tokenize import tokenize_name
from rigour.text.translit import maybe_ascii

ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ء": None,
        "ة": "ه",
        "ى": "ي",
        "ع": "ا",
        "ـ": None,
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ڪ": "ك",
        "ە": "ه",
        "ۀ": "ه",
        "ھ": "ه",
    }
)
HARAKAT = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
ARABIC_HONORIFICS = frozenset(
    {"السيد", "السيده", "الشيخ", "شيخ", "الحاج", "حاج", "حاجي", "الدكتور", "دكتور", "الاستاذ", "الانسه", "ملا", "مولوي"}
    | {"دکتر", "دكتر", "مهندس", "اقاي", "اقا", "خانم", "سيد", "سيده", "بانو", "جناب"}
)
HONORIFICS = frozenset(
    "sheikh shaykh sheik shaikh shaykhs shekh shaik shiekh shykh mullah mulla mullo molla moulla mla mawlawi maulvi "
    "maulavi moulavi mawlavi mowlawi mawlana maulana moulana mwlwy haji hajji hadji hajj alhaj alhaji alhajji hajy "
    "qari qazi mufti imam ustad ustaz ustadh dr doctor prof professor mr mrs ms mme mlle miss mister herr frau "
    "sir dott ing dipl univ mag bay bayan hanim bey gospodin gospozha sayyed seyyed sayyid syed".split()
)
# Particles that vary between spellings of one name: dropped from comparison, kept for the explanation.
PARTICLES = frozenset(
    "al el ul ad ar as at az an ash ad ed bin ibn ben bint bnt bn abn abu abou abo abw aboo umm um om ould wuld".split()
)
ABD_FORMS = frozenset("abd abdul abdel abdal abdol abdur abdar abdor abdu abdi abdoul abdoel abdus abdul".split())
ABD_GLUED = re.compile(r"^abd(?:(?:ou|oe|u|e|a|o)(?:sh|[lrsnzdt]))?(?P<rest>[a-z]{3,})$")
ABU_GLUED = re.compile(r"^ab(?:ou|u|o)(?P<rest>[bcdfghjklmnpqrstvwxz][a-z]{2,})$")
NON_ALNUM = re.compile(r"[^a-z0-9]+")

_local = threading.local()


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready to compare: Latin ASCII parts in their original order, and what was set aside."""

    text: str
    tokens: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    scripts: frozenset[str] = frozenset()


def _icu() -> Any:
    """One ICU transliterator per thread (they are not thread-safe and cannot be pickled to worker processes)."""
    tr = getattr(_local, "icu", None)
    if tr is None:
        import icu

        tr = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
        _local.icu = tr
    return tr


def script_of(token: str) -> str:
    """The Unicode script of a token's first letter (``Latin``, ``Arabic``, ``Cyrillic``, ...)."""
    for ch in token:
        if ch.isalpha():
            if ch.isascii():
                return "Latin"
            name = unicodedata.name(ch, "")
            return name.split(" ", 1)[0].capitalize() if name else "Unknown"
    return "Common"


def _ascii(text: str) -> str:
    return NON_ALNUM.sub("", text.lower())


@lru_cache(maxsize=262_144)
def latinize(token: str) -> tuple[str, str]:
    """(script, Latin ASCII form) of one name part; Arabic-script parts folded and stripped of the article."""
    if token.isascii():
        return "Latin", _ascii(token)
    script = script_of(token)
    if script == "Arabic":
        folded = HARAKAT.sub("", token).translate(ARABIC_FOLD)
        if folded in ARABIC_HONORIFICS:
            return script, ""
        if folded.startswith("ال") and len(folded) > 3:
            folded = folded[2:]
        return script, _ascii(_icu().transliterate(folded))
    out = maybe_ascii(token)
    if not out.isascii():
        out = _icu().transliterate(out)
    return script, _ascii(out)


def _fuse(tokens: list[str], ignored: list[str]) -> list[str]:
    """Drop honorifics and particles, fuse Abd-compounds, split a glued Abu."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not tok:
            continue
        if tok in HONORIFICS:
            ignored.append(tok)
            continue
        if tok in ABD_FORMS:
            if i >= len(tokens):  # "Abdul" left alone at the end (a reordered "Aziz Abbasin Abdul")
                out.append("abd")
                continue
            j = i
            while j < len(tokens) and tokens[j] in PARTICLES and tokens[j] not in {"abu", "bin", "ibn"}:
                ignored.append(tokens[j])
                j += 1
            if j < len(tokens) and tokens[j] and tokens[j] not in HONORIFICS:
                out.append("abd" + _strip_abd(tokens[j]))
                i = j + 1
                continue
        if tok.startswith("abd") and len(tok) > 5:
            m = ABD_GLUED.match(tok)
            if m:
                out.append("abd" + m.group("rest"))
                continue
        if tok in PARTICLES:
            ignored.append(tok)
            continue
        m = ABU_GLUED.match(tok)
        if m and len(tok) >= 6:
            ignored.append(tok[: len(tok) - len(m.group("rest"))])
            out.append(m.group("rest"))
            continue
        out.append(tok)
    return out


def _strip_abd(word: str) -> str:
    """The name after "abd": ``allah`` in "abd allah" is kept whole but spelt like the glued "abdullah"."""
    if word.startswith(("al", "el", "ul")) and len(word) > 4:
        return word[2:]
    return word


@lru_cache(maxsize=131_072)
def analyze(text: str) -> NameForm:
    """The comparable form of a name. Pure and cached; the same text always gives the same form."""
    clean = unicodedata.normalize("NFKC", text).casefold()
    raw = tokenize_name(clean)
    scripts: set[str] = set()
    latin: list[str] = []
    ignored: list[str] = []
    for tok in raw:
        script, lat = latinize(tok)
        if script != "Common":
            scripts.add(script)
        if not lat:
            ignored.append(tok)
            continue
        latin.append(lat)
    tokens = _fuse(latin, ignored)
    if not tokens:  # a name made only of particles ("Abu", "Al") is compared as it is written
        tokens = [t for t in latin if t]
        ignored = []
    return NameForm(text=text, tokens=tuple(tokens), ignored=tuple(ignored), scripts=frozenset(scripts))
