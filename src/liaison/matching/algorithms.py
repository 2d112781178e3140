"""Named, versioned matching algorithms, each with a default threshold and an explanation for every score.

An algorithm's name and version are stored with every screening hit, so a decision can be traced to the exact
logic that produced its score. Changing how scores are computed means a new version, not an edit in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from liaison.matching import score_v2, score_v3
from liaison.matching.normalize import NameForm, analyze
from liaison.matching.score import NameComparison, compare_parts
from liaison.matching.types import Explanation, Feature, Query, Record

YEAR = re.compile(r"(\d{4})")
KIND_ADJUSTMENT = {"weak_alias": -0.05}  # the list itself calls these low quality


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A query normalised once, then compared with many names."""

    query: Query
    form: NameForm
    years: tuple[int, int] | None
    full_date: str | None
    nationality: str | None


@dataclass(frozen=True, slots=True)
class NameScore:
    """A query against one name of a record, before record-level evidence."""

    value: float
    name: str
    kind: str
    comparison: NameComparison


def year_range(text: str) -> tuple[int, int] | None:
    """(first, last) year of a partial date: "1974", "1974-05-02", "1960/1965"; None when there is no year."""
    years = [int(y) for y in YEAR.findall(text)]
    if not years:
        return None
    return min(years[0], years[-1]), max(years[0], years[-1])


class Algorithm(Protocol):
    name: str
    version: str
    threshold: float

    def prepare(self, query: Query) -> PreparedQuery: ...

    def compare_name(self, prepared: PreparedQuery, tokens: tuple[str, ...], text: str, kind: str) -> NameScore: ...

    def finish(
        self,
        prepared: PreparedQuery,
        best: NameScore,
        birth_dates: tuple[str, ...],
        nationalities: tuple[str, ...],
    ) -> tuple[float, Explanation]: ...

    def score(
        self, query: Query, record: Record, audiences: frozenset[int] | None = None
    ) -> tuple[float, Explanation]: ...


class LiaisonNameV1:
    """Cross-script part alignment (see :mod:`liaison.matching.score`) plus birth-year and nationality evidence."""

    name = "liaison-name-v1"
    version = "1"
    threshold = 0.8

    def prepare(self, query: Query) -> PreparedQuery:
        full = query.birth_date.strip() if query.birth_date else None
        years = year_range(full) if full else None
        nat = query.nationality.strip().upper() if query.nationality else None
        return PreparedQuery(
            query=query,
            form=analyze(query.name),
            years=years,
            full_date=full if full and len(full) == 10 else None,
            nationality=nat or None,
        )

    def compare_name(self, prepared: PreparedQuery, tokens: tuple[str, ...], text: str, kind: str) -> NameScore:
        comparison = compare_parts(prepared.form.tokens, tokens)
        value = comparison.score + KIND_ADJUSTMENT.get(kind, 0.0) if comparison.score > 0 else 0.0
        return NameScore(max(0.0, value), text, kind, comparison)

    def finish(
        self,
        prepared: PreparedQuery,
        best: NameScore,
        birth_dates: tuple[str, ...],
        nationalities: tuple[str, ...],
    ) -> tuple[float, Explanation]:
        features = [Feature("name", best.comparison.score, best.comparison.detail())]
        if best.kind in KIND_ADJUSTMENT:
            features.append(Feature.worded(best.kind, KIND_ADJUSTMENT[best.kind], best.kind))
        if prepared.form.ignored:
            features.append(
                Feature.worded("ignored_parts", 0.0, "ignored_parts", parts=" ".join(prepared.form.ignored))
            )
        features.extend(self._birth(prepared, birth_dates))
        features.extend(self._nationality(prepared, nationalities))
        score = min(1.0, max(0.0, sum(f.weight for f in features)))
        if best.comparison.score == 0:
            score = 0.0
        explanation = Explanation(self.name, prepared.query.name, best.name, best.kind, tuple(features))
        return score, explanation

    def _birth(self, prepared: PreparedQuery, birth_dates: tuple[str, ...]) -> list[Feature]:
        if prepared.years is None or not birth_dates:
            return []
        if prepared.full_date and prepared.full_date in birth_dates:
            return [Feature.worded("birth_date", 0.08, "birth_date_agrees", date=prepared.full_date)]
        lo, hi = prepared.years
        gaps: list[tuple[int, str]] = []
        for text in birth_dates:
            span = year_range(text)
            if span is None:
                continue
            gap = max(0, span[0] - hi, lo - span[1])
            gaps.append((gap, text))
        if not gaps:
            return []
        gap, text = min(gaps)
        shown = prepared.query.birth_date
        if gap == 0:
            return [Feature.worded("birth_year", 0.05, "birth_year_agrees", given=str(shown), listed=text)]
        if gap <= 1:
            return [Feature.worded("birth_year", 0.0, "birth_year_close", given=str(shown), listed=text)]
        weight = -0.08 if gap <= 4 else -0.15
        listed = ", ".join(birth_dates)
        return [
            Feature.worded("birth_year", weight, "birth_year_disagrees", given=str(shown), listed=listed, gap=str(gap))
        ]

    def _nationality(self, prepared: PreparedQuery, nationalities: tuple[str, ...]) -> list[Feature]:
        if not prepared.nationality or not nationalities:
            return []
        if prepared.nationality in nationalities:
            return [Feature.worded("nationality", 0.03, "nationality_agrees", nationality=prepared.nationality)]
        listed = ", ".join(nationalities)
        return [
            Feature.worded("nationality", -0.05, "nationality_differs", nationality=prepared.nationality, listed=listed)
        ]

    def score(self, query: Query, record: Record, audiences: frozenset[int] | None = None) -> tuple[float, Explanation]:
        """The score of one record for one query, looking only at what ``audiences`` may see."""
        prepared = self.prepare(query)
        best: NameScore | None = None
        for name in record.names:
            if audiences is not None and name.audience not in audiences:
                continue
            current = self.compare_name(prepared, analyze(name.text).tokens, name.text, name.kind)
            if best is None or current.value > best.value:
                best = current
        if best is None:
            empty = NameComparison(0.0, (), prepared.form.tokens, ())
            best = NameScore(0.0, "", "", empty)
        births = tuple(v for v, a in record.birth_dates if audiences is None or a in audiences)
        nats = tuple(v for v, a in record.nationalities if audiences is None or a in audiences)
        return self.finish(prepared, best, births, nats)


class LiaisonNameV2(LiaisonNameV1):
    """v1's alignment made strict (see :mod:`liaison.matching.score_v2`): Arabic-script parts keep their long
    vowels, typos keep the first letter of short parts, initials confirm little, joins need 0.9, and parts that
    disagree on both sides cost ``score_v2.CONFLICT`` each."""

    name = "liaison-name-v2"
    version = "2"
    threshold = 0.8

    def compare_name(self, prepared: PreparedQuery, tokens: tuple[str, ...], text: str, kind: str) -> NameScore:
        q_ar = score_v2.is_arabic(prepared.query.name)
        comparison = score_v2.compare_parts(prepared.form.tokens, tokens, q_ar, score_v2.is_arabic(text))
        if comparison.score <= 0:
            return NameScore(0.0, text, kind, comparison)
        value = comparison.score - comparison.penalty + KIND_ADJUSTMENT.get(kind, 0.0)
        return NameScore(max(0.0, value), text, kind, comparison)

    def finish(
        self,
        prepared: PreparedQuery,
        best: NameScore,
        birth_dates: tuple[str, ...],
        nationalities: tuple[str, ...],
    ) -> tuple[float, Explanation]:
        score, explanation = super().finish(prepared, best, birth_dates, nationalities)
        comparison = best.comparison
        if not isinstance(comparison, score_v2.ComparisonV2) or not comparison.penalty or score == 0:
            return score, explanation
        conflict = Feature("conflict", -comparison.penalty, comparison.penalty_detail())
        features = (explanation.features[0], conflict, *explanation.features[1:])
        score = min(1.0, max(0.0, sum(f.weight for f in features)))
        return score, Explanation(self.name, prepared.query.name, best.name, best.kind, features)


class LiaisonNameV3(LiaisonNameV2):
    """v2's alignment and conflict penalty with v3's part comparison (see :mod:`liaison.matching.score_v3`):
    "transliteration" only where a romanisation rule relates two parts, an Abd- compound compared on the name
    after "abd", a particle or honorific written together with its word compared without it, and the published
    correspondences x/kh, v/w, ou/w."""

    name = "liaison-name-v3"
    version = "3"
    threshold = 0.8

    def compare_name(self, prepared: PreparedQuery, tokens: tuple[str, ...], text: str, kind: str) -> NameScore:
        q_ar = score_v2.is_arabic(prepared.query.name)
        comparison = score_v2.compare_parts(
            prepared.form.tokens,
            tokens,
            q_ar,
            score_v2.is_arabic(text),
            similarity=score_v3.part_similarity,
            honorific_first=True,
        )
        if comparison.score <= 0:
            return NameScore(0.0, text, kind, comparison)
        value = comparison.score - comparison.penalty + KIND_ADJUSTMENT.get(kind, 0.0)
        return NameScore(max(0.0, value), text, kind, comparison)


class TokenSortV1(LiaisonNameV1):
    """A literal baseline: rapidfuzz ``token_sort_ratio`` on the Latin forms, no part alignment, no evidence.

    Kept as a named algorithm so its figures can be shown beside ours from the same index."""

    name = "token-sort-v1"
    version = "1"
    threshold = 0.85

    def compare_name(self, prepared: PreparedQuery, tokens: tuple[str, ...], text: str, kind: str) -> NameScore:
        value = fuzz.token_sort_ratio(" ".join(prepared.form.tokens), " ".join(tokens)) / 100.0
        comparison = NameComparison(value, (), (), (), False)
        return NameScore(value, text, kind, comparison)

    def finish(
        self,
        prepared: PreparedQuery,
        best: NameScore,
        birth_dates: tuple[str, ...],
        nationalities: tuple[str, ...],
    ) -> tuple[float, Explanation]:
        feature = Feature.worded("token_sort_ratio", best.value, "token_sort_ratio")
        return best.value, Explanation(self.name, prepared.query.name, best.name, best.kind, (feature,))


DEFAULT = LiaisonNameV3.name
ALGORITHMS: dict[str, Algorithm] = {
    a.name: a for a in (LiaisonNameV1(), LiaisonNameV2(), LiaisonNameV3(), TokenSortV1())
}


def get_algorithm(name: str) -> Algorithm:
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise ValueError(f"unknown matching algorithm {name!r}; known: {', '.join(sorted(ALGORITHMS))}") from None
