"""Name comparison for ``liaison-name-v2``: v1's order-free part alignment, made strict where v1 was lenient.

What changed from :mod:`liaison.matching.score` (v1), each for a false match seen on real lists or Faker names:

* **Arabic-script parts keep their long vowels.** Arabic writes long vowels (alif, waw, ya) and drops short ones,
  so a part transliterated from Arabic script ("hmydy", حمیدی) may only match a Latin part ("Hamed") when every
  long vowel it writes has a compatible vowel in the same place of the Latin form (ya: i/e/y, waw: o/u/w,
  alif: a/e) and both have the same consonants. Hamidi is not Hamed, Abbasi is not Absi, Aamir is not Omar.
  Whether a part comes from Arabic script is known from the name's text, not guessed from missing vowels.
* **Typos keep the first letter** of short parts (Yong/Song are two names, not a typo), three-letter parts get
  no typo tolerance, two-edit typos need seven letters, the same first letter and Latin text on both sides;
  between two Arabic-script parts (consonant-dense, one letter is a different name) a typo needs six letters.
* **A skeleton one consonant off** ("transliteration+typo") needs four consonants on both sides; only z/d and
  s/t (Qadhafi/Kazafi, Uthman/Osman) count as the same consonant, not as a typo.
* **A misspelt honorific** (Shyakh, Mjllah) left without a partner is ignored like the honorific itself, and a
  misspelt Abd ("Abdgl Sayed") still joins the next part.
* **An initial confirms little**: "S." matches "Shakry" for the initial's side, but counts only 0.35 of the
  full part on the other side.
* **Joining two parts into one** ("Abu Bakr"/"Abubakr") needs 0.9 similarity, and on an Arabic-script side only
  the compound endings الله/الدين join ("عصمت الله" / "Esmatullah").
* **Disagreeing parts cost**: when both names keep parts the other lacks (Kim *Yong* Chol / Kim *Song* Chol),
  those parts are a conflict, not a dropped middle name: they count in full, and each conflicting pair takes
  ``CONFLICT`` off the score (reported as its own feature).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel, Levenshtein

from liaison.matching.keys import DIGRAPH_MAP, DIGRAPHS, LETTER_MAP, skeleton
from liaison.matching.normalize import HONORIFICS
from liaison.matching.score import MIN_PART, ONE_PART_CAP, NameComparison, PartPair

INITIAL = 0.75  # the initial's side
INITIAL_FULL = 0.35  # the full part's side
MIDDLE_WEIGHT = 0.5
CONFLICT = 0.1
JOIN_MIN = 0.9
ARABIC_JOINABLE = frozenset({"lh", "llh", "alh", "dyn"})  # الله, الدين after the article is cut
ARABIC_TEXT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
VOWEL_LETTERS = frozenset("aeiouyw")
SOFT = str.maketrans({"z": "d", "s": "t"})  # dh/z (Qadhafi/Kazafi), th/s (Uthman/Osman): one sound, two spellings
ABD_LIKE = ("abdul", "abdel", "abdal", "abdur", "abdoul")  # a typo here leaves the Abd- compound unfused
LONG_HONORIFICS = tuple(h for h in HONORIFICS if len(h) >= 5)
COMPATIBLE = {"a": frozenset("ae"), "y": frozenset("iey"), "w": frozenset("ouw")}


@lru_cache(maxsize=65_536)
def is_arabic(text: str) -> bool:
    """Whether a name is written in Arabic script (Arabic, Persian, Urdu, Pashto)."""
    return not text.isascii() and ARABIC_TEXT.search(text) is not None


@lru_cache(maxsize=262_144)
def shape(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(consonant classes, vowel letters in each gap): gap 0 is before the first consonant, gap n after the last.

    Unlike the skeleton, a consonant repeated across a vowel counts twice (Khalil has two l's, حلا one). An initial
    vowel is the consonant "A" (as in the skeleton) and also counts as a vowel of the gap after it. A final "h"
    (ta marbuta, Abdallah/Abdalla) is dropped and counts as a final vowel."""
    body = DIGRAPHS.sub(lambda m: DIGRAPH_MAP[m.group(0)], token).translate(LETTER_MAP)
    cons: list[str] = []
    gaps: list[str] = [""]
    last_vowel = False
    for i, ch in enumerate(body):
        if i == 0 and ch in "aeiou":
            cons.append("A")
            gaps.append(ch)
            last_vowel = True
            continue
        if ch in VOWEL_LETTERS and not (i == 0 and ch in "yw"):
            gaps[-1] += ch
            last_vowel = True
            continue
        if cons and cons[-1] == ch and not last_vowel:
            continue
        cons.append(ch)
        gaps.append("")
        last_vowel = False
    if len(cons) > 2 and cons[-1] == "H" and token.endswith("h") and token[-2:-1] not in ("k", "s", "c", "g", "z"):
        cons.pop()
        last = gaps.pop()
        gaps[-1] += last or "a"
    return tuple(cons), tuple(gaps)


def _vowels_agree(arabic: str, other: str, other_arabic: bool, *, soft: bool = False) -> bool:
    """Every long vowel the Arabic-script part writes has a compatible vowel in the same place of the other
    (``soft``: z/d and s/t count as one consonant)."""
    a_cons, a_gaps = shape(arabic)
    o_cons, o_gaps = shape(other)
    if soft:
        a_cons = tuple(c.translate(SOFT) for c in a_cons)
        o_cons = tuple(c.translate(SOFT) for c in o_cons)
    if a_cons != o_cons:
        return False
    if a_cons[0] == "A":  # an initial alif or ayn carries the first vowel: it is not a long vowel of its own
        a_gaps = (a_gaps[0], a_gaps[1][1:], *a_gaps[2:])
    if other_arabic:
        if o_cons[0] == "A":
            o_gaps = (o_gaps[0], o_gaps[1][1:], *o_gaps[2:])
        return a_gaps == o_gaps  # the same script writes the same long vowels
    last = len(a_gaps) - 1
    for k, (gap, theirs) in enumerate(zip(a_gaps, o_gaps, strict=True)):
        if not gap:
            continue
        if k == last and gap == "y" and "a" in theirs:  # a final ى/ی (alif maqsura) is read "a": Mustafa, Isa
            continue
        if not any(ch in COMPATIBLE.get(v, VOWEL_LETTERS) for v in gap for ch in theirs):
            return False
    return True


@lru_cache(maxsize=1 << 18)  # per process: at 1M names a larger cache costs more memory than it saves time
def part_similarity(a: str, b: str, a_ar: bool = False, b_ar: bool = False) -> tuple[float, str]:
    """(similarity in [0, 1], how) for two Latin ASCII name parts; ``*_ar``: the part comes from Arabic script."""
    if a == b:
        return 1.0, "exact"
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return (INITIAL, "initial") if a[0] == b[0] else (0.0, "")
    longest = max(la, lb)
    same_first = a[0] == b[0]
    best, how = 0.0, ""
    dist = OSA.distance(a, b, score_cutoff=3)  # a swap of two letters is one typo
    if dist == 1 and longest >= (6 if a_ar and b_ar else 4) and (same_first or longest >= 6):
        best, how = (0.9 if longest >= 5 and same_first else 0.85), "typo"
    elif dist == 2 and longest >= 7 and same_first and not (a_ar or b_ar):
        best, how = 0.82, "typo"
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb and (len(sa) >= 2 or len(shape(a)[0]) >= 2):  # Sassi/ساسي: one consonant, written twice
        if a_ar or b_ar:
            plausible = _vowels_agree(a, b, b_ar) if a_ar else _vowels_agree(b, a, a_ar)
        else:
            plausible = Indel.normalized_similarity(a, b) >= 0.6
        value = (0.92 if len(sa) >= 3 else 0.88) if plausible else 0.0
        if value > best:
            best, how = value, "transliteration"
    elif (
        best < 0.8
        and len(sa) >= 4
        and len(sb) >= 4
        and sa[0] == sb[0]
        and Levenshtein.distance(sa, sb, score_cutoff=2) == 1
        and Indel.normalized_similarity(a, b) >= 0.6
    ):
        best, how = 0.8, "transliteration+typo"
    if (
        best < 0.85
        and sa != sb
        and len(sa) == len(sb) >= (2 if sa[0] == sb[0] else 3)
        and sa.translate(SOFT) == sb.translate(SOFT)
    ):
        if a_ar or b_ar:
            plausible = _vowels_agree(a, b, b_ar, soft=True) if a_ar else _vowels_agree(b, a, a_ar, soft=True)
        else:
            plausible = Indel.normalized_similarity(a, b) >= 0.6
        if plausible:
            best, how = 0.85, "transliteration"
    if best == 0.0 and longest >= 6 and same_first:
        ratio = Indel.normalized_similarity(a, b)
        if ratio >= 0.8:
            best, how = 0.9 * ratio, "similar"
    return best, how


@dataclass(frozen=True, slots=True)
class ComparisonV2(NameComparison):
    """A v1 comparison plus the conflict penalty (parts on both sides that found no partner)."""

    penalty: float = 0.0
    conflicts: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    def detail(self) -> str:
        text = NameComparison.detail(self)
        if self.ignored:
            text += "; misspelt honorific, ignored: " + " ".join(self.ignored)
        return text

    def penalty_detail(self) -> str:
        return "parts that disagree: " + ", ".join(self.conflicts)


@lru_cache(maxsize=65_536)
def near_honorific(token: str) -> bool:
    """A misspelt honorific ("Shyakh", "Mjllah"): one edit from a long honorific, so it says nothing."""
    return len(token) >= 5 and any(OSA.distance(token, h, score_cutoff=1) <= 1 for h in LONG_HONORIFICS)


def _abd_like(token: str) -> bool:
    return 4 <= len(token) <= 6 and any(OSA.distance(token, f, score_cutoff=1) <= 1 for f in ABD_LIKE)


def _weights(tokens: tuple[str, ...], matched: list[float], conflict: bool, ignored: set[int]) -> list[float]:
    """An initial weighs half, a misspelt honorific nothing; an unmatched middle part (a dropped middle name)
    half, unless both sides have leftovers (then it disagrees rather than being dropped)."""
    weights = [0.0 if i in ignored else 0.5 if len(t) == 1 else 1.0 for i, t in enumerate(tokens)]
    hits = [i for i, s in enumerate(matched) if s > 0]
    if len(hits) >= 2 and not conflict:
        for i in range(hits[0] + 1, hits[-1]):
            if matched[i] == 0:
                weights[i] *= MIDDLE_WEIGHT
    return weights


Similarity = Callable[[str, str, bool, bool], tuple[float, str]]


def compare_parts(
    query: tuple[str, ...],
    name: tuple[str, ...],
    q_ar: bool = False,
    n_ar: bool = False,
    similarity: Similarity | None = None,
    honorific_first: bool = False,
) -> ComparisonV2:
    """Align the parts of two names (order-free) and score the alignment in [0, 1] (before the penalty).

    ``similarity`` compares two parts (default: this module's :func:`part_similarity`; v3 passes its own);
    ``honorific_first``: a misspelt honorific is ignored only as a name's first part (v3)."""
    similarity = similarity or part_similarity
    if not query or not name:
        return ComparisonV2(0.0, (), query, name)
    if query == name:
        return ComparisonV2(1.0, tuple(PartPair(t, t, 1.0, "exact") for t in query), (), ())
    candidates: list[tuple[float, int, int, int, str]] = []
    for i, a in enumerate(query):
        for j, b in enumerate(name):
            sim, how = similarity(a, b, q_ar, n_ar)
            if sim >= MIN_PART:
                candidates.append((sim, -abs(i - j), i, j, how))
    candidates.sort(reverse=True)
    q_sim = [0.0] * len(query)
    n_sim = [0.0] * len(name)
    chosen: list[tuple[int, PartPair]] = []
    for sim, _order, i, j, how in candidates:
        if q_sim[i] or n_sim[j]:
            continue
        if how == "initial":  # the initial's side is confirmed, the full part's side barely
            q_sim[i] = INITIAL if len(query[i]) == 1 else INITIAL_FULL
            n_sim[j] = INITIAL if len(name[j]) == 1 else INITIAL_FULL
        else:
            q_sim[i] = n_sim[j] = sim
        chosen.append((i, PartPair(query[i], name[j], sim, how)))
    _glue(query, name, q_sim, n_sim, chosen, q_ar, n_ar, flip=False, similarity=similarity)
    _glue(name, query, n_sim, q_sim, chosen, n_ar, q_ar, flip=True, similarity=similarity)
    q_ign = {i for i, t in enumerate(query) if not q_sim[i] and (i == 0 or not honorific_first) and near_honorific(t)}
    n_ign = {j for j, t in enumerate(name) if not n_sim[j] and (j == 0 or not honorific_first) and near_honorific(t)}
    q_left = [t for i, t in enumerate(query) if q_sim[i] == 0 and len(t) > 1 and i not in q_ign]
    n_left = [t for j, t in enumerate(name) if n_sim[j] == 0 and len(t) > 1 and j not in n_ign]
    clash = min(len(q_left), len(n_left))
    conflict = clash > 0
    q_w = _weights(query, q_sim, conflict, q_ign)
    n_w = _weights(name, n_sim, conflict, n_ign)
    if not sum(q_w) or not sum(n_w):
        return ComparisonV2(0.0, (), query, name)
    q_cov = sum(s * w for s, w in zip(q_sim, q_w, strict=True)) / sum(q_w)
    n_cov = sum(s * w for s, w in zip(n_sim, n_w, strict=True)) / sum(n_w)
    score = 0.65 * max(q_cov, n_cov) + 0.35 * min(q_cov, n_cov)
    matched = max(sum(1 for s in q_sim if s > 0), sum(1 for s in n_sim if s > 0))
    capped = False
    if matched <= 1 and max(len(query) - len(q_ign), len(name) - len(n_ign)) >= 2 and score > ONE_PART_CAP:
        score, capped = ONE_PART_CAP, True
    chosen.sort(key=lambda item: item[0])
    penalty = CONFLICT * clash if score > 0 and not capped else 0.0
    return ComparisonV2(
        score=min(1.0, score),
        pairs=tuple(p for _i, p in chosen),
        query_unmatched=tuple(t for i, t in enumerate(query) if q_sim[i] == 0 and i not in q_ign),
        name_unmatched=tuple(t for j, t in enumerate(name) if n_sim[j] == 0 and j not in n_ign),
        capped=capped,
        penalty=penalty,
        conflicts=tuple(f"{a}/{b}" for a, b in zip(q_left, n_left, strict=False)) if penalty else (),
        ignored=tuple(query[i] for i in sorted(q_ign)) + tuple(name[j] for j in sorted(n_ign)),
    )


def _glue(
    left: tuple[str, ...],
    right: tuple[str, ...],
    l_sim: list[float],
    r_sim: list[float],
    chosen: list[tuple[int, PartPair]],
    l_ar: bool,
    r_ar: bool,
    *,
    flip: bool,
    similarity: Similarity = part_similarity,
) -> None:
    """Two unmatched parts on one side that are one part on the other ("Abu Bakr" / "Abubakr", "Aziz Abbasin
    Abdul" / "Abdul Aziz Abbasin"): adjacent pairs first, then any order; on an Arabic-script side only a part
    followed by الله or الدين."""
    free = [i for i, s in enumerate(l_sim) if not s and len(left[i]) > 1]
    if len(free) < 2:
        return
    open_right = [j for j, s in enumerate(r_sim) if not s and len(right[j]) >= 4]
    if not open_right:
        return
    firsts = {skeleton(right[j])[:1] for j in open_right}
    if l_ar:
        pairs = [(a, a + 1) for a in free if a + 1 in free and left[a + 1] in ARABIC_JOINABLE]
    else:
        pairs = [(a, b) for a in free for b in free if a != b]
        pairs.sort(key=lambda ab: (ab[1] - ab[0] != 1, ab))
    for a, b in pairs:
        if l_sim[a] or l_sim[b]:
            continue
        if skeleton(left[a])[:1] not in firsts:
            continue
        joined = left[a] + left[b]
        if b == a + 1 and _abd_like(left[a]):  # "Abdgl Sayed" is a misspelt "Abdul Sayed": abdsayed
            joined = "abd" + left[b]
        sj = skeleton(joined)
        for j in open_right:
            part = right[j]
            # 0.9 needs the same skeleton or a one-letter typo: anything else is not worth comparing
            if r_sim[j] or (abs(len(part) - len(joined)) > 1 and skeleton(part) != sj):
                continue
            sim, _how = similarity(joined, part, l_ar, r_ar)
            if sim >= JOIN_MIN:
                l_sim[a] = l_sim[b] = r_sim[j] = sim
                pair = PartPair(part, joined, sim, "joined") if flip else PartPair(joined, part, sim, "joined")
                chosen.append((j if flip else a, pair))
                break
