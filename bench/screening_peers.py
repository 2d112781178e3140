"""The systems compared in the screening benchmark, behind one interface: ``run(case) -> Outcome``.

* ``ours``: :class:`liaison.matching.Index` with its default algorithm and threshold.
* ``token_sort``: rapidfuzz ``token_sort_ratio`` brute force over every name (threshold fitted afterwards).
* ``logic-v1`` / ``logic-v2``: nomenklatura's algorithms (yente's default is logic-v2) on FollowTheMoney
  proxies, threshold 0.7 (yente's default), over a neutral candidate set: the 20 records whose names are
  closest by rapidfuzz ``WRatio`` on ASCII-transliterated forms of query and names (never our index).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from rigour.text.translit import ascii_text
from screening_cases import Case

from liaison.matching import DEFAULT, Index, Query, Record

PEER_THRESHOLD = 0.7
BLOCK = 20


@dataclass
class Outcome:
    found: bool  # right record in the top 5 and flagged as a match (positives)
    false_match: bool  # some record flagged as a match (negatives)
    right_score: float | None  # score of the right record when it is in the top 5
    best_score: float  # best score of any record
    blocked: bool = True  # the right record reached the scoring stage (peers' candidate set)


def _outcome(case: Case, ranked: Sequence[tuple[str, float]], threshold: float) -> Outcome:
    top = ranked[:5]
    right = next((s for ref, s in top if ref == case.expected), None)
    best = top[0][1] if top else 0.0
    found = case.expected is not None and right is not None and right >= threshold
    return Outcome(found, case.expected is None and best >= threshold, right, best)


class Ours:
    name = "ours"

    def __init__(self, records: list[Record], algorithm: str = DEFAULT) -> None:
        start = time.perf_counter()
        self.index = Index.build(records, algorithm=algorithm)
        self.build_seconds = time.perf_counter() - start
        self.threshold = self.index.algorithm.threshold

    def ranked(self, text: str, top: int = 6) -> list[tuple[str, float]]:
        return [(h.record_id, h.score) for h in self.index.search(Query("q", text), top=top)]

    def run(self, case: Case) -> Outcome:
        return _outcome(case, self.ranked(case.query, 5), self.threshold)


class Names:
    """All names of a record set, flat, for brute-force and blocking peers."""

    def __init__(self, records: list[Record]) -> None:
        self.texts = [n.text for r in records for n in r.names]
        self.owner = [r.id for r in records for n in r.names]
        self.ascii = [utils.default_process(ascii_text(t)) for t in self.texts]


class TokenSort:
    name = "token_sort"

    def __init__(self, records: list[Record]) -> None:
        self.names = Names(records)
        self.threshold = 0.0  # fitted after the run (see fit_threshold)

    def ranked(self, text: str) -> list[tuple[str, float]]:
        found = process.extract(
            text, self.names.texts, scorer=fuzz.token_sort_ratio, processor=utils.default_process, limit=40
        )
        best: dict[str, float] = {}
        for _name, score, i in found:
            ref = self.names.owner[i]
            best[ref] = max(best.get(ref, 0.0), score / 100.0)
        return sorted(best.items(), key=lambda kv: -kv[1])

    def run(self, case: Case) -> Outcome:
        return _outcome(case, self.ranked(case.query), 0.0)


class Nomenklatura:
    def __init__(self, algorithm_name: str, records: list[Record]) -> None:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm

        algorithm = get_algorithm(algorithm_name)
        assert algorithm is not None
        self.algorithm = algorithm
        self.config = algorithm.default_config()
        self.name = algorithm_name
        self.threshold = PEER_THRESHOLD
        self.model = model
        self.names = Names(records)
        self.proxies = {r.id: self._proxy(r) for r in records}
        self.counter = 0

    def _proxy(self, record: Record):  # type: ignore[no-untyped-def]
        entity = self.model.make_entity(record.schema if record.schema in ("Person", "Organization") else "LegalEntity")
        entity.id = record.id
        for name in record.names:
            entity.add("name", name.text)
        if record.schema == "Person":
            for value, _aud in record.birth_dates:
                entity.add("birthDate", value.split("/")[0], quiet=True)
            for value, _aud in record.nationalities:
                entity.add("nationality", value.lower(), quiet=True)
        return entity

    def block(self, text: str, size: int = BLOCK) -> list[str]:
        found = process.extract(utils.default_process(ascii_text(text)), self.names.ascii, scorer=fuzz.WRatio, limit=80)
        refs: list[str] = []
        for _name, _score, i in found:
            ref = self.names.owner[i]
            if ref not in refs:
                refs.append(ref)
            if len(refs) == size:
                break
        return refs

    def scored(self, text: str, candidates: list[str]) -> list[tuple[str, float]]:
        self.counter += 1  # nomenklatura caches name analysis by entity id: every query gets its own
        query = self.model.make_entity("Person")
        query.id = f"query-{self.counter}"
        query.add("name", text)
        scored = []
        for ref in candidates:
            result = self.proxies[ref]
            if result.schema.name != "Person":
                query_entity = self.model.make_entity("LegalEntity")
                query_entity.id = f"query-{self.counter}-le"
                query_entity.add("name", text)
            else:
                query_entity = query
            scored.append((ref, self.algorithm.compare(query_entity, result, self.config).score))
        scored.sort(key=lambda kv: -kv[1])
        return scored

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """The 21 closest records by WRatio (20 once the query's own entry is set aside), scored."""
        return self.scored(text, self.block(text, BLOCK + 1))

    def run(self, case: Case) -> Outcome:
        candidates = self.block(case.query)
        outcome = _outcome(case, self.scored(case.query, candidates), self.threshold)
        outcome.blocked = case.expected is None or case.expected in candidates
        return outcome


def fit_threshold(outcomes: Sequence[tuple[Case, Outcome]]) -> tuple[float, float]:
    """The threshold maximising F1 (found positives vs flagged negatives), and that F1."""
    best = (0.0, -1.0)
    for step in range(50, 101):
        t = step / 100
        tp = sum(1 for c, o in outcomes if c.expected and o.right_score is not None and o.right_score >= t)
        fn = sum(1 for c, _o in outcomes if c.expected) - tp
        fp = sum(1 for c, o in outcomes if c.expected is None and o.best_score >= t)
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        if f1 > best[1]:
            best = (t, f1)
    return best


def rethreshold(case: Case, outcome: Outcome, threshold: float) -> Outcome:
    found = case.expected is not None and outcome.right_score is not None and outcome.right_score >= threshold
    false = case.expected is None and outcome.best_score >= threshold
    return Outcome(found, false, outcome.right_score, outcome.best_score, outcome.blocked)
