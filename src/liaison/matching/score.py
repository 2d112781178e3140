"""Comparing two names part by part, and the evidence around them.

A name score is built from an alignment of name parts, whatever their order: each query part is paired with at
most one part of the listed name, best pairs first. A pair scores 1 when the Latin forms are equal, and less
when they differ only by transliteration (same consonant skeleton), by a typo (one or two edits), or when one
side is an initial. The name score is then a blend of how much of the query was found in the name and how much
of the name was found in the query, the larger side weighing more: a query that drops a listed middle name
still scores high, a query that shares only one part with a name does not. Parts missing from the middle of the
longer name weigh half (dropped middle names are common, dropped surnames are not).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel, Levenshtein

from liaison.matching.keys import MIN_TYPO_SKELETON, skeleton

MIN_PART = 0.7  # below this a pair of parts is not a match at all
INITIAL = 0.75
ONE_PART_CAP = 0.6  # both names have several parts but only one is shared
MIDDLE_WEIGHT = 0.5


@lru_cache(maxsize=1 << 20)
def part_similarity(a: str, b: str) -> tuple[float, str]:
    """(similarity in [0, 1], how) for two Latin ASCII name parts."""
    if a == b:
        return 1.0, "exact"
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return (INITIAL, "initial") if a[0] == b[0] else (0.0, "")
    longest = max(la, lb)
    best, how = 0.0, ""
    dist = OSA.distance(a, b, score_cutoff=3)  # a swap of two letters is one typo
    if dist == 1:
        best, how = (0.9 if longest >= 5 else 0.85 if longest == 4 else 0.72), "typo"
    elif dist == 2 and longest >= 7:
        best, how = 0.82, "typo"
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb:
        plausible = _vowel_poor(a) or _vowel_poor(b) or Indel.normalized_similarity(a, b) >= 0.6
        value = (0.92 if len(sa) >= 3 else 0.88 if len(sa) == 2 else 0.8) if plausible else 0.0
        if value > best:
            best, how = value, "transliteration"
    elif (
        best < 0.8
        and len(sa) >= MIN_TYPO_SKELETON
        and len(sb) >= MIN_TYPO_SKELETON
        and Levenshtein.distance(sa, sb, score_cutoff=2) == 1
        and Indel.normalized_similarity(a, b) >= 0.6
    ):
        best, how = 0.8, "transliteration+typo"
    if best == 0.0 and longest >= 6:
        ratio = Indel.normalized_similarity(a, b)
        if ratio >= 0.8:
            best, how = 0.9 * ratio, "similar"
    return best, how


def _vowel_poor(token: str) -> bool:
    """A part written without short vowels (Arabic script: "mhmd", "hsyn"): its skeleton is all we can compare."""
    return sum(1 for ch in token[1:] if ch in "aeiou") * 3 <= len(token)


@dataclass(frozen=True, slots=True)
class PartPair:
    query: str
    name: str
    similarity: float
    how: str

    def describe(self) -> str:
        if self.how == "exact":
            return f"{self.query}={self.name}"
        return f"{self.query}~{self.name} ({self.how} {self.similarity:.2f})"


@dataclass(frozen=True, slots=True)
class NameComparison:
    score: float
    pairs: tuple[PartPair, ...]
    query_unmatched: tuple[str, ...]
    name_unmatched: tuple[str, ...]
    capped: bool = False

    def detail(self) -> str:
        text = ", ".join(p.describe() for p in self.pairs) or "no part in common"
        if self.query_unmatched:
            text += "; not in name: " + " ".join(self.query_unmatched)
        if self.name_unmatched:
            text += "; not in query: " + " ".join(self.name_unmatched)
        if self.capped:
            text += f"; only one part in common (capped at {ONE_PART_CAP})"
        return text


def _weights(tokens: tuple[str, ...], matched: list[float]) -> list[float]:
    """Part weights: an initial weighs half, an unmatched part between two matched ones (a middle name) half."""
    weights = [0.5 if len(t) == 1 else 1.0 for t in tokens]
    hits = [i for i, s in enumerate(matched) if s > 0]
    if len(hits) >= 2:
        for i in range(hits[0] + 1, hits[-1]):
            if matched[i] == 0:
                weights[i] *= MIDDLE_WEIGHT
    return weights


def compare_parts(query: tuple[str, ...], name: tuple[str, ...]) -> NameComparison:
    """Align the parts of two names (order-free) and score the alignment in [0, 1]."""
    if not query or not name:
        return NameComparison(0.0, (), query, name)
    if query == name:
        return NameComparison(1.0, tuple(PartPair(t, t, 1.0, "exact") for t in query), (), ())
    candidates: list[tuple[float, int, int, int, str]] = []
    for i, a in enumerate(query):
        for j, b in enumerate(name):
            sim, how = part_similarity(a, b)
            if sim >= MIN_PART:
                candidates.append((sim, -abs(i - j), i, j, how))
    candidates.sort(reverse=True)
    q_sim = [0.0] * len(query)
    n_sim = [0.0] * len(name)
    chosen: list[tuple[int, PartPair]] = []
    for sim, _order, i, j, how in candidates:
        if q_sim[i] or n_sim[j]:
            continue
        q_sim[i] = n_sim[j] = sim
        chosen.append((i, PartPair(query[i], name[j], sim, how)))
    _glue(query, name, q_sim, n_sim, chosen, flip=False)
    _glue(name, query, n_sim, q_sim, chosen, flip=True)
    q_w = _weights(query, q_sim)
    n_w = _weights(name, n_sim)
    q_cov = sum(s * w for s, w in zip(q_sim, q_w, strict=True)) / sum(q_w)
    n_cov = sum(s * w for s, w in zip(n_sim, n_w, strict=True)) / sum(n_w)
    score = 0.65 * max(q_cov, n_cov) + 0.35 * min(q_cov, n_cov)
    matched = max(sum(1 for s in q_sim if s > 0), sum(1 for s in n_sim if s > 0))
    capped = False
    if matched <= 1 and max(len(query), len(name)) >= 2 and score > ONE_PART_CAP:
        score, capped = ONE_PART_CAP, True
    chosen.sort(key=lambda item: item[0])
    return NameComparison(
        score=min(1.0, score),
        pairs=tuple(p for _i, p in chosen),
        query_unmatched=tuple(t for t, s in zip(query, q_sim, strict=True) if s == 0),
        name_unmatched=tuple(t for t, s in zip(name, n_sim, strict=True) if s == 0),
        capped=capped,
    )


def _glue(
    left: tuple[str, ...],
    right: tuple[str, ...],
    l_sim: list[float],
    r_sim: list[float],
    chosen: list[tuple[int, PartPair]],
    *,
    flip: bool,
) -> None:
    """Two unmatched parts on one side that are one part on the other ("Abu Bakr" / "Abubakr", or a reordered
    "Aziz Abbasin Abdul" against "Abdul Aziz Abbasin"): adjacent pairs first, then any order."""
    free = [i for i, s in enumerate(l_sim) if not s]
    if len(free) < 2:
        return
    initials = {part[0] for part, s in zip(right, r_sim, strict=True) if not s}
    if not initials.intersection(left[i][0] for i in free):
        return
    pairs = [(a, b) for a in free for b in free if a != b]
    pairs.sort(key=lambda ab: (ab[1] - ab[0] != 1, ab))
    for a, b in pairs:
        if l_sim[a] or l_sim[b]:
            continue
        joined = left[a] + left[b]
        for j, part in enumerate(right):
            if r_sim[j] or part[0] != joined[0] or abs(len(part) - len(joined)) > 3:
                continue
            sim, _how = part_similarity(joined, part)
            if sim >= 0.85:
                l_sim[a] = l_sim[b] = r_sim[j] = sim
                pair = PartPair(part, joined, sim, "joined") if flip else PartPair(joined, part, sim, "joined")
                chosen.append((j if flip else a, pair))
                break
