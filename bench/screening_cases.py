"""Screening benchmark cases: UN list names, generated variants, and unlisted Faker names as negatives.

Every case is (class, query text, expected reference or None). Variants are generated with a seeded RNG so
every run (and every system in a run) sees the same cases.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from faker import Faker

from liaison.interchange.un_list import ListEntry, ListFile
from liaison.matching import Name, Record

C = TypeVar("C")

NEGATIVE_LOCALES = ("ar_AA", "fa_IR", "ru_RU", "en_US", "fr_FR", "de_DE", "tr_TR")
# Spelling variants a screening analyst meets (each pattern applied to whole name parts, case-insensitive).
TRANSLIT_RULES: list[tuple[str, str]] = [
    (r"\bmohamm?e?d\b", "Muhammad"),
    (r"\bmuhamm?a?d\b", "Mohamed"),
    (r"\bmohamm?ad\b", "Mouhamad"),
    (r"\babdul\s*", "Abd al-"),
    (r"\babd al[- ]", "Abdul "),
    (r"\babdel\s*", "Abd el-"),
    (r"\byusuf\b", "Youssef"),
    (r"\byousef\b", "Yusuf"),
    (r"\btawfiq\b", "Taufik"),
    (r"\bosama\b", "Usama"),
    (r"\busama\b", "Osama"),
    (r"\bomar\b", "Umar"),
    (r"\bumar\b", "Omar"),
    (r"\bhussein\b", "Husayn"),
    (r"\bhusayn\b", "Hussein"),
    (r"\bhassan\b", "Hasan"),
    (r"\bahmed\b", "Ahmad"),
    (r"\bahmad\b", "Ahmed"),
    (r"\bqasim\b", "Kassem"),
    (r"\bali\b", "Aly"),
    (r"\bsaleh\b", "Salih"),
    (r"\bsalih\b", "Saleh"),
    (r"ou", "u"),
    (r"ee", "i"),
    (r"q", "k"),
    (r"iyy", "iy"),
    (r"kh", "h"),
    (r"sh", "ch"),
    (r"dh", "z"),
]


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    expected: str | None  # reference of the right record, None for a negative


def to_record(entry: ListEntry, *, with_script: bool = True) -> Record:
    names = entry.all_names() if with_script else entry.names
    return Record(
        id=entry.reference,
        names=tuple(Name(n.text, n.kind) for n in names),
        schema=entry.schema,
        reference=entry.reference,
        birth_dates=tuple((d, 0) for d in entry.birth_dates),
        nationalities=tuple((n, 0) for n in entry.nationalities),
    )


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip()) if w]


def typo(word: str, rng: random.Random) -> str:
    """One keyboard-style edit: substitution, deletion, insertion or transposition, never the first letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("sub", "del", "ins", "swap"))
    letters = "abcdefghijklmnopqrstuvwxyz"
    if op == "sub":
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    if op == "del":
        return word[:i] + word[i + 1 :]
    if op == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


BOUND = re.compile(r"^['‘]?(abd|abdul|abdel|abu|abou|al|el|bin|ibn|ben|bint|ould|haji|mullah|mohammad)$", re.I)


def _droppable(words: list[str], i: int) -> bool:
    """A real middle name: not a particle, not half of an Abd- compound, not glued to one by a hyphen."""
    word = words[i]
    if BOUND.match(word) or BOUND.match(words[i - 1]) or word.lower().startswith(("al-", "el-", "abd-", "abu-")):
        return False
    return len(word) > 2


def _typo_name(text: str, rng: random.Random) -> str | None:
    words = _words(text)
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    words[i] = typo(words[i], rng)
    return " ".join(words)


def translit_variant(text: str, rng: random.Random) -> str | None:
    rules = list(TRANSLIT_RULES)
    rng.shuffle(rules)
    out = text
    changed = 0
    for pattern, repl in rules:
        new = re.sub(pattern, repl, out, count=1, flags=re.IGNORECASE)
        if new != out:
            out = new
            changed += 1
            if changed == 2:
                break
    return out if out != text else None


def list_cases(un: ListFile, seed: int = 7) -> list[Case]:
    """Cases built from the list itself: its names as written, and generated variants of them."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for entry in un.entries:
        ref = entry.reference
        for name in entry.names:
            kind = {"primary": "primary", "weak_alias": "weak_alias"}.get(name.kind, "alias")
            cases.append(Case(kind, name.text, ref))
        for name in entry.original_script_names:
            cases.append(Case("original_script", name.text, ref))
        primary = entry.names[0].text if entry.names else None
        if not primary:
            continue
        words = _words(primary)
        if entry.schema == "Person" and len(words) >= 2:
            cases.append(Case("reordered", " ".join(words[1:] + words[:1]), ref))
            cases.append(Case("surname_comma", f"{words[-1]}, {' '.join(words[:-1])}", ref))
        middles = [i for i in range(1, len(words) - 1) if _droppable(words, i)]
        if entry.schema == "Person" and middles:
            drop = rng.choice(middles)
            cases.append(Case("dropped_middle", " ".join(w for i, w in enumerate(words) if i != drop), ref))
        source = rng.choice([n.text for n in entry.names if n.kind in ("primary", "alias")] or [primary])
        variant = _typo_name(source, rng)
        if variant:
            cases.append(Case("typo", variant, ref))
        variant = translit_variant(source, rng)
        if variant:
            cases.append(Case("translit", variant, ref))
        weak = [n.text for n in entry.names if n.kind == "weak_alias"]
        if weak:
            variant = _typo_name(rng.choice(weak), rng)
            if variant:
                cases.append(Case("weak_alias_typo", variant, ref))
        if entry.original_script_names:
            cases.append(Case("cross_script", entry.original_script_names[0].text, ref))
    return cases


def stratified_sample(cases: Sequence[C], per_group: int, key: Callable[[C], Hashable], seed: int = 3) -> list[C]:
    """At most ``per_group`` cases of each group (by ``key``), groups in sorted order, drawn with one seeded
    generator, so every system of a run, and every run, is judged on the same sample."""
    groups: dict[Hashable, list[C]] = defaultdict(list)
    for case in cases:
        groups[key(case)].append(case)
    rng = random.Random(seed)
    out: list[C] = []
    for group_key in sorted(groups):  # type: ignore[type-var]
        group = groups[group_key]
        out.extend(group if len(group) <= per_group else rng.sample(group, per_group))
    return out


def faker_names(locales: Sequence[str], per_locale: int, listed: set[str], seed: int) -> Iterator[tuple[str, str]]:
    """``per_locale`` distinct Faker names of each locale, none equal (case aside) to a ``listed`` one, as
    (locale, name); each locale seeded with ``seed`` plus its position, so a run gives the same names."""
    for n, locale in enumerate(locales):
        fake = Faker(locale)
        fake.seed_instance(seed + n)
        seen: set[str] = set()
        while len(seen) < per_locale:
            name = fake.name()
            if name.casefold() in listed or name in seen:
                continue
            seen.add(name)
            yield locale, name


def negative_cases(count: int, listed: set[str], seed: int = 11) -> list[Case]:
    """Unlisted people: Faker names from several locales and scripts, none equal to a listed name."""
    per_locale = max(1, count // len(NEGATIVE_LOCALES))
    return [
        Case(f"negative_{locale}", name, None)
        for locale, name in faker_names(NEGATIVE_LOCALES, per_locale, listed, seed)
    ]


def cross_script_records(un: ListFile) -> list[Record]:
    """The list without its original-script names: a query in Arabic script must cross scripts to match."""
    return [to_record(e, with_script=False) for e in un.entries]
