"""Held-out screening cases, built from sources independent of the matcher (see screening_heldout.py).

Every case comes from the UN list itself or from a published table, never from ``liaison.matching``:

* ``alias_variant``: an alias of one person, held out of the index, searched for: the list's own spellings of
  one person as each other's variants. Only aliases that are *spelling* variants of a name kept in the index
  count (same number of words, each word beginning with the same letter, rapidfuzz ratio of the words >= 60),
  since a code name or a new identity ("Abu Muhammad al-Golani" / "Ahmed Hussein al-Shara") is no variant.
* ``translit_standard``: a Latin name rewritten with the correspondences between published romanisation
  standards for Arabic-script names (``STANDARDS`` below, each rule citing its source).
* (not built: ICU's ``Arabic-Latin/BGN`` and ``Persian-Latin/BGN`` need vocalised text; on the list's unvocalised
  Arabic script they give consonant strings such as "mhmd ywns hmd" that nobody types.)
* ``dropped_part``: one word of a name of three or more words dropped at random (middle or family name).
* ``reordered``: the words of a name shuffled at random (particles stay with their word); ``surname_first``:
  "LAST, First Middle".
* ``compound``: two words written together ("Abdul Rahman" -> "Abdulrahman", "Abu Bakr" -> "Abubakr") or a
  compound written apart ("Nasrullah" -> "Nasr Ullah").
* ``arabic_part``: part of the list's Arabic-script name only (one word dropped), against the full list.
* ``typo``: one random keyboard edit (substitution, deletion, insertion, transposition) in one word.
* ``near_namesake`` (negative): the given name of one listed person with the family name of another, where no
  listed name holds both (particles aside, rapidfuzz ``token_set_ratio`` < 85 against every listed name).
* ``unlisted`` (negative): Faker names of ten locales, none listed.

The list is split by a stable rule: sha256 of the reference, even -> ``tuning``, odd -> ``heldout``.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from screening_cases import faker_names

from liaison.interchange.un_list import ListEntry, ListFile
from liaison.matching import Name, Record

UNLISTED_LOCALES = ("ar_AA", "fa_IR", "ru_RU", "en_US", "fr_FR", "de_DE", "tr_TR", "es_ES", "it_IT", "en_IN")
SAME_NAME = 85  # token_set_ratio from which a built near-namesake is taken to be a listed name after all
NEGATIVE_KINDS = frozenset({"near_namesake", "unlisted"})
PARTICLE = re.compile(
    r"^['‘’]?(abd|abdul|abdel|abu|abou|al|el|bin|ibn|ben|bint|ould|ag|haji|hajji|mullah|mulla|maulavi|mawlawi|sheikh|"
    r"qari|sayed|sayyed|syed|dr\.?|عبد|ابو|أبو|بن|ابن|بنت|ملا|حاجي|سيد|سید|شيخ)$",
    re.I,
)
ARABIC_ORIGIN = re.compile(r"^(QD|TA|IQ|LY|SO|YE)i\.")
ARABIC = re.compile("[\u0600-\u06ff]")

# Correspondences between published romanisation standards for Arabic-script names, as (pattern, replacement,
# source). Sources: ALA-LC Romanization Tables, Arabic (Library of Congress, 2012) and Persian (2012); BGN/PCGN
# Romanization of Arabic (1956) and of Persian (1958); the French usage of the Institut géographique national
# (ch for ش, dj for ج, ou for و/ū, assimilated article); the Turkish alphabet's spelling of the same names (c for
# ج, ş for ش, v for و, final devoicing d/t, b/p, k for ق); Gulf and Egyptian pronunciation spellings in
# BGN/PCGN's notes (g for ق and ج). Patterns apply to lower-cased ASCII words.
STANDARDS: list[tuple[str, str, str]] = [
    (r"sh", "ch", "French: ch for sh (ش)"),
    (r"sh", "sch", "German: sch for sh (ش)"),
    (r"sh", "s", "Turkish: ş for sh, written s without the cedilla"),
    (r"(?<![dk])j", "dj", "French: dj for j (ج)"),
    (r"(?<![dk])j", "c", "Turkish: c for j (ج): Cemal, Cafer"),
    (r"(?<![dk])j", "g", "Egyptian: g for j (ج): Gamal"),
    (r"kh", "h", "Turkish: h for kh (خ): Halil"),
    (r"kh", "x", "Uzbek/Tajik Latin: x for kh (خ)"),
    (r"q", "k", "Turkish and Persian usage: k for q (ق)"),
    (r"q", "g", "Gulf pronunciation: g for q (ق): Gasim"),
    (r"th", "s", "Persian/Turkish: s for th (ث): Osman, Sabit"),
    (r"th", "t", "colloquial: t for th (ث)"),
    (r"dh", "z", "Persian/Turkish: z for dh (ذ, ض, ظ): Zakir"),
    (r"dh", "d", "colloquial: d for dh (ذ)"),
    (r"gh", "g", "Turkish: ğ for gh (غ)"),
    (r"(?<=[^aeiou])u(?=[^aeiou])", "ou", "French: ou for u (ū)"),
    (r"^w", "ou", "French: ou for w (و): Ouahab"),
    (r"^w", "v", "Persian BGN/PCGN and Turkish: v for w (و): Vali"),
    (r"(?<=[aeiou])w(?=[aeiou])", "v", "Persian BGN/PCGN: v for w (و) between vowels"),
    (r"(?<=[^aeiou])i(?=[^aeiou])", "e", "Persian BGN/PCGN: e for short i (kasra)"),
    (r"(?<=[^aeiou])u(?=[^aeiou])", "o", "Persian BGN/PCGN: o for short u (damma)"),
    (r"ee", "i", "ALA-LC ī written i (English ee)"),
    (r"oo", "u", "ALA-LC ū written u (English oo)"),
    (r"(?<=[^aeiou])i(?=[^aeiou])", "ee", "English usage: ee for ī"),
    (r"ay", "ei", "diphthong ay written ei (Hussein)"),
    (r"ai", "ay", "diphthong ai written ay (ALA-LC)"),
    (r"aw", "au", "diphthong aw written au"),
    (r"ah$", "a", "ta marbuta written a (ALA-LC: -ah, BGN: -a)"),
    (r"(?<=[^aeiouh])a$", "ah", "ta marbuta written ah (ALA-LC)"),
    (r"(?<=[^aeiouh])a$", "e", "Persian BGN/PCGN: -e for final he"),
    (r"(?<=[aeiou])d$", "t", "Turkish final devoicing: Ahmet, Mehmet"),
    (r"(?<=[aeiou])b$", "p", "Turkish final devoicing: Recep"),
    (r"([bdfjklmnrstz])\1", r"\1", "shadda not written (BGN/PCGN usage)"),
    (r"^al$", "el", "French/Egyptian: el for the article"),
]
SUN_LETTERS = "tdrzsnl"


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    expected: str | None  # reference of the right record, None for a negative
    half: str  # "tuning" | "heldout"
    source: str = ""  # the listed name it was built from, or the rule applied


def half_of(reference: str) -> str:
    """The stable split: sha256 of the reference, even -> tuning, odd -> heldout."""
    return "tuning" if hashlib.sha256(reference.encode("utf-8")).digest()[-1] % 2 == 0 else "heldout"


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text.strip()) if w]


def _groups(text: str) -> list[str]:
    """Words with a leading particle kept on the word it belongs to ("Abd al-Khaliq", "bin Laden")."""
    out: list[str] = []
    pending = ""
    for word in _words(text):
        if PARTICLE.match(word.strip("'")):
            pending = f"{pending} {word}".strip()
            continue
        out.append(f"{pending} {word}".strip())
        pending = ""
    if pending:
        out.append(pending) if not out else out.__setitem__(-1, f"{out[-1]} {pending}")
    return out


def _letters(word: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii(word).lower())


def is_spelling_variant(a: str, b: str) -> bool:
    """Two names that spell the same words differently (the rule for ``alias_variant``; no matcher involved)."""
    wa, wb = [_letters(w) for w in _words(a)], [_letters(w) for w in _words(b)]
    wa, wb = [w for w in wa if w], [w for w in wb if w]
    if len(wa) != len(wb) or len(wa) < 2 or wa == wb:
        return False
    return all(x[0] == y[0] and fuzz.ratio(x, y) >= 60 for x, y in zip(wa, wb, strict=True))


def to_record(entry: ListEntry, *, with_script: bool = True, without: frozenset[str] = frozenset()) -> Record:
    names = entry.all_names() if with_script else entry.names
    return Record(
        id=entry.reference,
        names=tuple(Name(n.text, n.kind) for n in names if n.text not in without),
        schema=entry.schema,
        reference=entry.reference,
        birth_dates=tuple((d, 0) for d in entry.birth_dates),
        nationalities=tuple((n, 0) for n in entry.nationalities),
    )


def held_out_aliases(un: ListFile, seed: int = 5) -> dict[str, str]:
    """Per person, one alias that is a spelling variant of another of its Latin names: it leaves the index."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    for entry in un.entries:
        latin = [n.text for n in entry.names if n.kind in ("primary", "alias")]
        pairs = [(a, b) for a in latin for b in latin if a != b and is_spelling_variant(a, b)]
        if pairs:
            held, _kept = rng.choice(pairs)
            if held != entry.names[0].text:
                out[entry.reference] = held
    return out


def _standard_variant(text: str, rng: random.Random) -> tuple[str, str] | None:
    words = _words(text)
    rules = list(STANDARDS)
    rng.shuffle(rules)
    applied: list[str] = []
    for pattern, repl, source in rules:
        spots = [i for i, w in enumerate(words) if re.search(pattern, w.lower())]
        if not spots:
            continue
        i = rng.choice(spots)
        new = re.sub(pattern, repl, words[i].lower(), count=1)
        if new == words[i].lower():
            continue
        words[i] = new.capitalize() if words[i][:1].isupper() else new
        applied.append(source)
        if len(applied) == 2:
            break
    if not applied:
        return None
    # the article assimilated to a sun letter (BGN/PCGN "ash Sham"; ALA-LC keeps "al-"), when the name has one
    out = " ".join(words)
    return out, "; ".join(applied)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    op = rng.choice(("sub", "del", "ins", "swap"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op == "sub":
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    if op == "del":
        return word[:i] + word[i + 1 :]
    if op == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    if i + 1 >= len(word):
        return word[:i] + word[i - 1]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


COMPOUND_SPLIT = re.compile(r"^(?P<a>[a-z]{3,}?)(?P<b>ullah|ulla|allah|uddin|uddeen|eddine|addin|udin|rahman|aziz)$")


def _compound(text: str, rng: random.Random) -> str | None:
    """A compound written apart ("Nasrullah" -> "Nasr Ullah") or a particle written together with its word
    ("Abu Ali" -> "Abuali", "AL-DURI" -> "ALDURI", "Abd al-Malik" -> "Abdalmalik")."""
    words = _words(text)
    splits = [i for i, w in enumerate(words) if COMPOUND_SPLIT.match(w.lower())]
    hyphens = [i for i, w in enumerate(words) if "-" in w and PARTICLE.match(w.split("-")[0])]
    joins = [
        i
        for i in range(len(words) - 1)
        if PARTICLE.match(words[i]) and not PARTICLE.match(words[i + 1]) and words[i + 1][:1].isalpha()
    ]
    options = [("split", i) for i in splits] + [("hyphen", i) for i in hyphens] + [("join", i) for i in joins]
    if not options:
        return None
    how, i = rng.choice(options)
    word = words[i]
    if how == "split":
        m = COMPOUND_SPLIT.match(word.lower())
        assert m is not None
        a, b = m.group("a"), m.group("b")
        words[i : i + 1] = [a.upper(), b.upper()] if word.isupper() else [a.capitalize(), b.capitalize()]
    elif how == "hyphen":
        words[i] = word.replace("-", "") if word.isupper() else word[:1].upper() + word.replace("-", "")[1:].lower()
    else:
        nxt = words[i + 1].replace("-", "")
        words[i : i + 2] = [word + (nxt if word.isupper() else nxt.lower())]
    return " ".join(words)


def build_cases(un: ListFile, held: dict[str, str], seed: int = 23) -> list[Case]:
    """Every case of every kind, for both halves (each case carries its half)."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for entry in un.entries:
        ref, half = entry.reference, half_of(entry.reference)
        primary = entry.names[0].text if entry.names else ""
        if ref in held:
            cases.append(Case("alias_variant", held[ref], ref, half, primary))
        if not primary:
            continue
        latin = [n.text for n in entry.names if n.kind in ("primary", "alias") and n.text != held.get(ref)]
        source = rng.choice(latin)
        variant = _standard_variant(source, rng) if ARABIC_ORIGIN.match(ref) else None
        if variant:
            cases.append(Case("translit_standard", variant[0], ref, half, f"{source}: {variant[1]}"))
        for script in entry.original_script_names[:1]:
            text = script.text
            parts = _groups(text)
            if ARABIC.search(text) and len(parts) >= 3:
                drop = rng.randrange(len(parts))
                cases.append(
                    Case("arabic_part", " ".join(w for k, w in enumerate(parts) if k != drop), ref, half, text)
                )
        if entry.schema != "Person":
            variant_c = _compound(source, rng)
            if variant_c:
                cases.append(Case("compound", variant_c, ref, half, source))
            continue
        groups = _groups(primary)
        if len(groups) >= 3:
            drop = rng.randrange(1, len(groups))  # a middle or the family name, never the given name
            cases.append(
                Case("dropped_part", " ".join(g for k, g in enumerate(groups) if k != drop), ref, half, primary)
            )
        if len(groups) >= 2:
            order = groups[:]
            while order == groups:
                rng.shuffle(order)
            cases.append(Case("reordered", " ".join(order), ref, half, primary))
            cases.append(Case("surname_first", f"{groups[-1].upper()}, {' '.join(groups[:-1])}", ref, half, primary))
        variant_c = _compound(source, rng)
        if variant_c:
            cases.append(Case("compound", variant_c, ref, half, source))
        words = _words(source)
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long:
            i = rng.choice(long)
            words[i] = _typo(words[i], rng)
            cases.append(Case("typo", " ".join(words), ref, half, source))
    cases.extend(near_namesakes(un, rng))
    cases.extend(unlisted(un))
    return cases


def _plain(text: str) -> str:
    """A name without particles and honorifics, ASCII lower case: "MUHAMMAD AL-'ALI" -> "muhammad ali"."""
    words = re.split(r"[^a-z]+", _ascii(text).lower())
    return " ".join(w for w in words if w and not PARTICLE.match(w))


def near_namesakes(un: ListFile, rng: random.Random, per_person: int = 1) -> list[Case]:
    """A listed given name with another listed person's family name, where no listed name holds both (particles
    and honorifics aside, rapidfuzz ``token_set_ratio`` below ``SAME_NAME``: "Muhammad al-Ali" is no near-namesake
    when "Ali Mohammed" is listed)."""
    persons = [e for e in un.entries if e.schema == "Person" and e.names and len(_groups(e.names[0].text)) >= 2]
    listed = [_plain(n.text) for e in un.entries for n in e.names]
    out: list[Case] = []
    for entry in persons:
        given = _groups(entry.names[0].text)[0]
        if PARTICLE.match(given.split()[0]) and len(given.split()) == 1:
            continue
        for _ in range(per_person * 4):
            other = rng.choice(persons)
            if other.reference == entry.reference:
                continue
            family = _groups(other.names[0].text)[-1]
            query = f"{given} {family}"
            best = process.extractOne(_plain(query), listed, scorer=fuzz.token_set_ratio)
            if best is not None and best[1] >= SAME_NAME:
                continue
            out.append(
                Case("near_namesake", query, None, half_of(entry.reference), f"{entry.reference}+{other.reference}")
            )
            break
    return out


def unlisted(un: ListFile, per_locale: int = 120, seed: int = 31) -> list[Case]:
    """Faker names of ten locales, none listed; each split into a half by the same hash of the name."""
    listed = {n.text.casefold() for e in un.entries for n in e.all_names()}
    return [
        Case("unlisted", name, None, half_of(name), locale)
        for locale, name in faker_names(UNLISTED_LOCALES, per_locale, listed, seed)
    ]
