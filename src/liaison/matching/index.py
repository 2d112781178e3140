"""The candidate index: from a query to a few dozen names worth scoring, without looking at every name.

Every name (primary, alias, code name, former name, weak alias) is indexed under integer keys:

* one key per part: its consonant skeleton (:mod:`liaison.matching.keys`), or its exact form when short;
* one key per pair of parts of the same name, order-free: selective even when each part is common
  ("Muhammad" + "Ali");
* one key for the whole name glued into one word ("Ri Won Ho" / "Ri Wonho");
* for one-part names, weak aliases and code names, whole-part typo keys (the part and its one-letter deletions,
  vowels kept): among a million persons a skeleton like "bHr" is shared by thousands, "behir" by a few.

Keys are 32-bit CRCs (pairs 64-bit) held in one sorted numpy array with CSR postings of int32 name ids, built
once by :meth:`Index.build`; names added later go to a small dictionary beside it, removed records are
tombstoned. A query looks up its own keys plus, for typo tolerance, the keys of vocabulary skeletons one edit
away (a SymSpell deletion dictionary over the skeletons seen at build), and for a stray or misspelt "Abd"
("Manan Agha Abdul", "Abdpl Baqi") the keys of the fused Abd- compound the list writes.

Ranking is vectorised: all keys are looked up at once, their postings gathered in one numpy gather, most telling
keys first until ``BUDGET`` ids are read; each posting weighs its key's weight times its IDF, summed per name in
a per-thread scratch buffer. A name with more parts than the query has its sum shared out (``LENGTH_PENALTY``
per extra part), since long names collect keys by chance. Names alike (same parts and kind) tie, so the shortlist
is made of distinct forms: the ``POOL`` best by evidence, cut to ``CANDIDATES`` by evidence and by a cheap
rapidfuzz similarity, plus ``BY_SKELETON`` by the same similarity on the parts' skeletons; only those forms get
the algorithm's full score (once per form), and the best name of each record wins.

Audience filtering happens before ranking: a name the caller may not see never takes a candidate slot, never
scores and never appears in an explanation; birth dates and nationalities are filtered the same way.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from hashlib import blake2b
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from liaison.matching.algorithms import DEFAULT, Algorithm, NameScore, get_algorithm
from liaison.matching.keys import (
    MIN_SKELETON,
    MIN_TYPO_SKELETON,
    deletions,
    exact_key,
    glued_key,
    pair_key,
    single_key,
    skeleton,
    typo_keys,
)
from liaison.matching.normalize import analyze
from liaison.matching.score_v2 import is_arabic
from liaison.matching.score_v3 import alternative_forms
from liaison.matching.types import NAME_KINDS, Hit, Query, Record

CANDIDATES = 16  # distinct name forms scored per query
POOL = 200  # names ranked by key evidence, then re-ranked by a cheap string similarity
BY_EVIDENCE = 8  # of the CANDIDATES, how many are taken on key evidence alone (the rest by string similarity)
RERANK = fuzz.token_sort_ratio
BY_SKELETON = 4  # forms scored beyond CANDIDATES: the best by RERANK on the parts' skeletons not already taken
SKELETON_MIN = 90  # ... if their skeletons are nearly the query's: the same name in other letters, not a namesake
PER_FORM = 6  # names of one form scored per query (they cost one score: see ``search``)
TYPO_MIN = 4  # parts this long get whole-part typo keys (in one-part names, weak aliases and code names)
TYPO_KINDS = frozenset({"weak_alias", "code_name"})
MAX_PARTS = 6  # parts of a name that get pair keys
SINGLE_CAP = 4000  # a part key this common adds nothing a pair key does not (when the query has two parts)
POSTING_CAP = 20000  # never read more than this many ids from one key
BUDGET = 4000  # ids read per query, most telling keys first (the key that crosses the budget is read whole)
NEIGHBOURS = 10  # typo neighbours per query part
LENGTH_PENALTY = 0.25
ABD_LIKE = ("abd", "abdul", "abdel", "abdal", "abdur", "abul")
KIND_CODES = {kind: i for i, kind in enumerate(NAME_KINDS)}
SCHEMA_CODES = {"Person": 0, "Organization": 1}


class _Column:
    """A growable numpy column (amortised appends after build)."""

    def __init__(self, dtype: type, data: Iterable[int] = ()) -> None:
        self.data: NDArray = np.fromiter(data, dtype=dtype)
        self.size = len(self.data)

    def append(self, value: int) -> None:
        if self.size == len(self.data):
            grown = np.zeros(max(16, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size] = value
        self.size += 1

    def view(self) -> NDArray:
        return self.data[: self.size]


def name_keys(tokens: tuple[str, ...], kind: str = "primary") -> list[int]:
    """Every key a name is indexed under."""
    singles = []
    for tok in tokens:
        skel = skeleton(tok)
        singles.append(single_key(skel) if len(skel) >= MIN_SKELETON else exact_key(tok))
    keys = list(dict.fromkeys(singles))
    first = list(dict.fromkeys(singles[:MAX_PARTS]))
    keys.extend(pair_key(a, b) for a, b in combinations(first, 2))
    if tokens:
        keys.append(glued_key(tokens))
    if len(tokens) == 1 or kind in TYPO_KINDS:
        typo = [k for tok in tokens[:MAX_PARTS] if len(tok) >= TYPO_MIN for k in typo_keys(tok)]
        keys.extend(dict.fromkeys(typo))
    return keys


def form_code(tokens: tuple[str, ...], kind: str) -> int:
    """A 64-bit code for a name's form (its parts and kind), the same in every process: unlike ``hash``, whose
    string hashing changes with ``PYTHONHASHSEED``. Two forms sharing a code would be ranked as one (about one
    chance in 10^7 among a million distinct forms); nothing is ordered by the code itself."""
    digest = blake2b(f"{kind}:{' '.join(tokens)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class Index:
    """Names of many records, searchable by one query at a time. Not thread-safe for writes."""

    def __init__(self, algorithm: str = DEFAULT) -> None:
        self.algorithm: Algorithm = get_algorithm(algorithm)
        self._rec_ids: list[str] = []
        self._rec_refs: list[str | None] = []
        self._rec_pos: dict[str, int] = {}
        self._rec_evidence: dict[int, tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]] = {}
        self._rec_alive = _Column(np.uint8)
        self._rec_schema = _Column(np.uint8)
        self._name_text: list[str] = []
        self._name_tokens: list[tuple[str, ...]] = []
        self._name_rec = _Column(np.int32)
        self._name_kind = _Column(np.uint8)
        self._name_aud = _Column(np.int32)
        self._name_parts = _Column(np.uint8)
        self._name_form = _Column(np.int64)  # form_code(parts, kind): names alike score alike
        self._keys: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._offsets: NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self._postings: NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._delta: dict[int, list[int]] = defaultdict(list)
        self._skeletons: dict[str, list[str]] = defaultdict(list)  # skeleton or one deletion -> skeletons
        self._seen_skeletons: set[str] = set()
        self._vocab: dict[str, str] = {}  # interned parts: names share their part strings
        self._local = threading.local()  # per-thread scratch buffers for candidate ranking

    # ---- building -------------------------------------------------------------------------------------------
    @classmethod
    def build(cls, records: Iterable[Record], algorithm: str = DEFAULT) -> Index:
        """An index of ``records``: keys sorted into numpy arrays in one pass (fast to build, compact to hold)."""
        index = cls(algorithm)
        key_parts: list[NDArray[np.int64]] = []
        id_parts: list[NDArray[np.int32]] = []
        keys_buf: list[int] = []
        ids_buf: list[int] = []
        for record in records:
            for name_id, keys in index._add_record(record):
                keys_buf.extend(keys)
                ids_buf.extend([name_id] * len(keys))
            if len(keys_buf) > 1_000_000:
                key_parts.append(np.array(keys_buf, dtype=np.int64))
                id_parts.append(np.array(ids_buf, dtype=np.int32))
                keys_buf, ids_buf = [], []
        key_parts.append(np.array(keys_buf, dtype=np.int64))
        id_parts.append(np.array(ids_buf, dtype=np.int32))
        all_keys = np.concatenate(key_parts)
        all_ids = np.concatenate(id_parts)
        del key_parts, id_parts
        order = np.argsort(all_keys, kind="stable")
        all_keys = all_keys[order]
        index._postings = all_ids[order]
        del order, all_ids
        index._keys, starts = np.unique(all_keys, return_index=True)
        index._offsets = np.append(starts, len(all_keys)).astype(np.int64)
        return index

    def _tokens(self, text: str) -> tuple[str, ...]:
        vocab = self._vocab
        return tuple(vocab.setdefault(t, t) for t in analyze(text).tokens)

    def _add_record(self, record: Record) -> list[tuple[int, list[int]]]:
        if record.id in self._rec_pos:
            self.remove(record.id)
        rec = len(self._rec_ids)
        self._rec_ids.append(record.id)
        self._rec_refs.append(record.reference)
        self._rec_pos[record.id] = rec
        self._rec_alive.append(1)
        self._rec_schema.append(SCHEMA_CODES.get(record.schema, 2))
        if record.birth_dates or record.nationalities:
            self._rec_evidence[rec] = (record.birth_dates, record.nationalities)
        out: list[tuple[int, list[int]]] = []
        for name in record.names:
            tokens = self._tokens(name.text)
            if not tokens:
                continue
            name_id = len(self._name_text)
            self._name_text.append(name.text)
            self._name_tokens.append(tokens)
            self._name_rec.append(rec)
            self._name_kind.append(KIND_CODES.get(name.kind, 1))
            self._name_aud.append(name.audience)
            self._name_parts.append(min(len(tokens), 255))
            self._name_form.append(form_code(tokens, name.kind))
            for tok in tokens:
                self._learn_skeleton(skeleton(tok))
            out.append((name_id, name_keys(tokens, name.kind)))
        return out

    def _learn_skeleton(self, skel: str) -> None:
        if len(skel) < MIN_SKELETON or skel in self._seen_skeletons:
            return
        self._seen_skeletons.add(skel)
        self._skeletons[skel].append(skel)
        if len(skel) >= MIN_TYPO_SKELETON:
            for d in deletions(skel):
                self._skeletons[d].append(skel)

    def add(self, record: Record) -> None:
        """Add or replace one record after build (kept in a side dictionary until the next build)."""
        for name_id, keys in self._add_record(record):
            for key in keys:
                self._delta[key].append(name_id)

    def remove(self, record_id: str) -> None:
        """Tombstone a record: its names stop being candidates at once."""
        rec = self._rec_pos.pop(record_id, None)
        if rec is not None:
            self._rec_alive.data[rec] = 0
            self._rec_evidence.pop(rec, None)

    def __len__(self) -> int:
        return len(self._rec_pos)

    @property
    def name_count(self) -> int:
        return len(self._name_text)

    # ---- searching ------------------------------------------------------------------------------------------
    def _neighbours(self, skel: str) -> list[str]:
        """Vocabulary skeletons one edit from ``skel`` (not ``skel`` itself), closest and shortest first."""
        if len(skel) < MIN_SKELETON:
            return []
        found: set[str] = set(self._skeletons.get(skel, ()))  # one letter more
        if len(skel) >= MIN_TYPO_SKELETON:  # one letter less, or another letter
            for d in deletions(skel):
                found.update(self._skeletons.get(d, ()))
        found.discard(skel)
        near = sorted(s for s in found if Levenshtein.distance(skel, s, score_cutoff=1) <= 1)
        return near[:NEIGHBOURS]

    def _query_keys(self, tokens: tuple[str, ...]) -> tuple[list[int], list[float], list[bool]]:
        """(keys, weights, is_single) for a query's parts: own skeletons, typo neighbours, pairs, glued."""
        per_part: list[list[tuple[int, float]]] = []
        for tok in tokens[:MAX_PARTS]:
            skel = skeleton(tok)
            if len(skel) < MIN_SKELETON:
                per_part.append([(exact_key(tok), 1.0)])
                continue
            options = [(single_key(skel), 1.0)]
            options.extend((single_key(n), 0.6) for n in self._neighbours(skel))
            # the same part as another spelling standard writes it, or without a particle written onto it
            for form in alternative_forms(tok):
                alt = skeleton(form)
                if len(alt) >= MIN_SKELETON and alt != skel:
                    options.append((single_key(alt), 0.9))
                elif len(alt) < MIN_SKELETON:  # indexed by its exact form (name_keys): Mawlawinanai -> nanai
                    options.append((exact_key(form), 0.9))
            per_part.append(options)
        keys: list[int] = []
        weights: list[float] = []
        singles: list[bool] = []
        for options in per_part:
            for key, weight in options:
                keys.append(key)
                weights.append(weight)
                singles.append(True)
        for left, right in combinations(per_part, 2):
            for ka, wa in left:
                for kb, wb in right:
                    if wa < 1.0 and wb < 1.0:
                        continue
                    keys.append(pair_key(ka, kb))
                    weights.append(2.0 * wa * wb)
                    singles.append(False)
        if tokens:
            keys.append(glued_key(tokens))
            weights.append(1.5)
            singles.append(False)
        for i, tok in enumerate(tokens[:MAX_PARTS]):
            # a stray or misspelt Abd ("Manan Agha Abdul", "Abdpl Baqi"): the listed name has it fused, abdmanan
            if tok in ABD_LIKE or (4 <= len(tok) <= 6 and Levenshtein.distance(tok, "abdul", score_cutoff=1) <= 1):
                for j, other in enumerate(tokens[:MAX_PARTS]):
                    if j != i and other not in ABD_LIKE and len(other) > 2:
                        keys.append(single_key(skeleton("abd" + other)))
                        weights.append(1.0)
                        singles.append(True)
        typo = [k for tok in tokens[:MAX_PARTS] if len(tok) >= TYPO_MIN for k in typo_keys(tok)]
        for key in dict.fromkeys(typo):
            keys.append(key)
            weights.append(1.0)
            singles.append(False)
        return keys, weights, singles

    def _scratch(self) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Per-thread buffers as long as the name table: evidence sums and first-occurrence marks."""
        local = self._local
        size = len(self._name_text)
        acc: NDArray[np.float64] | None = getattr(local, "acc", None)
        if acc is None or len(acc) < size:
            local.acc = acc = np.zeros(size + 1024, dtype=np.float64)
            local.mark = np.zeros(size + 1024, dtype=np.int32)
        return acc, local.mark

    def _postings_of(self, keys: list[int], weights: list[float], singles: list[bool], several: bool) -> tuple:
        """(name ids, weight of each) over every key's postings, gathered without a Python loop over keys."""
        codes = np.array(keys, dtype=np.int64)
        weight = np.array(weights, dtype=np.float64)
        single = np.array(singles, dtype=bool)
        total = max(len(self._name_text), 1)
        ids_parts: list[NDArray] = []
        w_parts: list[NDArray] = []
        if len(self._keys):
            pos = np.minimum(np.searchsorted(self._keys, codes), len(self._keys) - 1)
            starts = self._offsets[pos]
            df = np.where(self._keys[pos] == codes, self._offsets[pos + 1] - starts, 0)
            use = (df > 0) & ~(single & several & (df > SINGLE_CAP))
            starts, df = starts[use], df[use]
            key_w = weight[use] * np.log1p(total / df)
            # the most telling keys first; once BUDGET ids are read, commoner keys add cost more than evidence
            by_value = np.argsort(-key_w, kind="stable")
            lengths = np.minimum(df[by_value], POSTING_CAP)
            within = np.cumsum(lengths) - lengths < BUDGET
            by_value = by_value[within]
            starts, key_w, lengths = starts[by_value], key_w[by_value], lengths[within]
            if len(lengths):
                ends = np.cumsum(lengths)
                where = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)
                ids_parts.append(self._postings[where])
                w_parts.append(np.repeat(key_w, lengths))
        if self._delta:
            for i, key in enumerate(keys):
                extra = self._delta.get(key)
                if not extra or (singles[i] and several and len(extra) > SINGLE_CAP):
                    continue
                ids_parts.append(np.array(extra[:POSTING_CAP], dtype=np.int32))
                w_parts.append(np.full(len(ids_parts[-1]), weights[i] * np.log1p(total / len(extra))))
        if not ids_parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
        return np.concatenate(ids_parts), np.concatenate(w_parts)

    def _candidates(self, tokens: tuple[str, ...], audiences: frozenset[int] | None, schema: str | None) -> NDArray:
        """The names worth scoring, best first: the ``POOL`` best by key evidence, cut to ``CANDIDATES`` by taking
        the ``BY_EVIDENCE`` best on evidence and the rest by rapidfuzz ``WRatio`` on the Latin forms."""
        ids, ws = self._postings_of(*self._query_keys(tokens), several=len(tokens) >= 2)
        if not len(ids):
            return ids
        acc, mark = self._scratch()
        np.add.at(acc, ids, ws)
        order = np.arange(len(ids), dtype=np.int32)
        mark[ids] = order
        uniq = ids[mark[ids] == order]  # one occurrence of each name, whichever write won
        score = acc[uniq]
        acc[uniq] = 0.0
        rec_of = self._name_rec.view()[uniq]
        keep = self._rec_alive.view()[rec_of] == 1
        if audiences is not None:
            keep &= np.isin(self._name_aud.view()[uniq], np.fromiter(audiences, dtype=np.int32))
        if schema is not None:
            keep &= self._rec_schema.view()[rec_of] == SCHEMA_CODES.get(schema, 2)
        uniq, score = uniq[keep], score[keep]
        # a name with more parts than the query collects more keys by chance: each extra part costs a share
        extra = self._name_parts.view()[uniq].astype(np.float64) - len(tokens)
        score = score / (1.0 + LENGTH_PENALTY * np.maximum(extra, 0.0))
        return self._shortlist(tokens, uniq, score)

    def _shortlist(self, tokens: tuple[str, ...], uniq: NDArray, score: NDArray) -> NDArray:
        """Distinct names first: thousands of persons may carry the very same "Bahar" or "Abu Fateh", which tie on
        evidence and would fill every slot. The ``POOL`` best distinct forms by evidence, cut to ``CANDIDATES``
        forms (``BY_EVIDENCE`` on evidence, the rest by ``RERANK`` on the Latin forms) and ``BY_SKELETON`` more by
        ``RERANK`` on the skeletons; then the names of those forms, at most ``PER_FORM`` each, best form first."""
        forms = self._name_form.view()[uniq]
        _, first = np.unique(forms, return_index=True)
        reps, rep_score = uniq[first], score[first]
        if len(reps) > POOL:
            reps, rep_score = _best(reps, rep_score, POOL)
        pool = reps[np.lexsort((reps, -rep_score))]
        if len(pool) > CANDIDATES:
            rest_tokens = [self._name_tokens[i] for i in pool[BY_EVIDENCE:].tolist()]
            texts = [" ".join(t) for t in rest_tokens]
            similar = process.cdist([" ".join(tokens)], texts, scorer=RERANK, dtype=np.float32)[0]
            by_text = np.argsort(-similar, kind="stable")[: CANDIDATES - BY_EVIDENCE]
            # and a few more by the skeletons the keys are made of: a spelling the letter classes fold (Golani /
            # Jawlani) is as alike as an identical one there, where the raw letters prefer another "Muhammad X"
            skels = [_skeleton_text(t) for t in rest_tokens]
            folded = process.cdist([_skeleton_text(tokens)], skels, scorer=RERANK, dtype=np.float32)[0]
            folded[by_text] = -1.0
            by_skeleton = np.argsort(-folded, kind="stable")[:BY_SKELETON]
            by_skeleton = by_skeleton[folded[by_skeleton] >= SKELETON_MIN]
            rest = pool[BY_EVIDENCE:][np.concatenate([by_text, by_skeleton])]
            pool = np.concatenate([pool[:BY_EVIDENCE], rest])
        if len(uniq) == len(reps):
            return pool
        chosen = self._name_form.view()[pool]
        by_form = np.argsort(chosen)
        picked = np.nonzero(np.isin(forms, chosen))[0]
        rank = by_form[np.searchsorted(chosen, forms[picked], sorter=by_form)]
        names = uniq[picked]
        order = np.lexsort((names, rank))
        names, rank = names[order], rank[order]
        starts = np.r_[True, rank[1:] != rank[:-1]]
        at = np.arange(len(rank))
        within = at - np.maximum.accumulate(np.where(starts, at, 0))
        return names[within < PER_FORM]

    def search(
        self,
        query: Query,
        top: int = 5,
        threshold: float | None = None,
        audiences: frozenset[int] | None = None,
    ) -> list[Hit]:
        """The ``top`` best records for ``query``, best first; ``match`` is score >= threshold."""
        algorithm = self.algorithm
        limit = algorithm.threshold if threshold is None else threshold
        prepared = algorithm.prepare(query)
        if not prepared.form.tokens:
            return []
        best: dict[int, NameScore] = {}
        # names with the same parts, kind and script score the same (an algorithm sees a name's text only through
        # its script, see score_v2.is_arabic): among a million persons many candidates share their parts
        seen: dict[tuple[tuple[str, ...], str, bool], NameScore] = {}
        for name_id in self._candidates(prepared.form.tokens, audiences, query.schema).tolist():
            kind = NAME_KINDS[int(self._name_kind.data[name_id])]
            tokens, text = self._name_tokens[name_id], self._name_text[name_id]
            same = (tokens, kind, is_arabic(text))
            current = seen.get(same)
            if current is None:
                current = seen[same] = algorithm.compare_name(prepared, tokens, text, kind)
            elif current.name != text:
                current = replace(current, name=text)
            rec = int(self._name_rec.data[name_id])
            if current.value > 0 and (rec not in best or current.value > best[rec].value):
                best[rec] = current
        hits: list[Hit] = []
        # evidence moves a score by at most ~0.25: finishing the best few by name is enough to rank the top
        ranked = sorted(best.items(), key=lambda item: (-item[1].value, item[0]))[: max(3 * top, 15)]
        for rec, name_score in ranked:
            births, nats = self._rec_evidence.get(rec, ((), ()))
            if audiences is not None:
                births = tuple(b for b in births if b[1] in audiences)
                nats = tuple(n for n in nats if n[1] in audiences)
            score, explanation = algorithm.finish(
                prepared, name_score, tuple(b[0] for b in births), tuple(n[0] for n in nats)
            )
            hits.append(
                Hit(self._rec_ids[rec], self._rec_refs[rec], name_score.name, score, score >= limit, explanation)
            )
        hits.sort(key=lambda h: (-h.score, h.record_id))
        return hits[:top]


def _skeleton_text(tokens: tuple[str, ...]) -> str:
    """A name's parts as their skeletons (:func:`liaison.matching.keys.skeleton`, the part itself when too short)."""
    return " ".join(skel if len(skel := skeleton(tok)) >= MIN_SKELETON else tok for tok in tokens)


def _best(ids: NDArray, score: NDArray, count: int) -> tuple[NDArray, NDArray]:
    """The ``count`` ids of highest score, in no particular order; among ids tied at the cut, the smallest. Which
    of many tied names (a thousand "Muhammad"s) make the cut must not depend on the order they arrived in."""
    cut = np.partition(score, len(score) - count)[len(score) - count]
    above = score > cut
    tied = ids[score == cut]
    room = count - int(np.count_nonzero(above))  # at least 1: ``cut`` is the count-th highest score
    if room < len(tied):
        tied = np.partition(tied, room - 1)[:room]
    return np.concatenate([ids[above], tied]), np.concatenate([score[above], np.full(len(tied), cut)])
