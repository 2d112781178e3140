"""Screening at scale: synthetic persons (Faker name pools, seven locales, three scripts) with the UN list planted.

Index build time, queries per second on 2 processes (the index is built once, then two forked workers share it
copy-on-write and each takes half of the query batches through ``multiprocessing.Pool.map``), peak memory
(``ru_maxrss`` of the builder, and PSS summed over builder and workers, which counts shared pages once), and the
found rate of planted variants; beside brute-force rapidfuzz ``token_sort_ratio`` over the same names
(``process.cdist`` with ``workers=2``) on a sample of the queries.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import resource
import time
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils
from screening_cases import Case, list_cases, negative_cases, to_record

from liaison.data import UN_LIST_2017
from liaison.interchange.un_list import parse
from liaison.matching import Index, Name, Query, Record

LOCALES = {"ar_AA": "EG", "fa_IR": "IR", "ru_RU": "RU", "en_US": "US", "fr_FR": "FR", "de_DE": "DE", "tr_TR": "TR"}
SCALE_CLASSES = ("typo", "translit", "reordered", "surname_comma", "dropped_middle", "weak_alias_typo", "alias")
UN_FILE = UN_LIST_2017
_INDEX: Index | None = None


def _pool(provider: object, *names: str) -> list[str]:
    out: list[str] = []
    for attr in names:
        value = getattr(provider, attr, None)
        if value:
            out.extend(value.keys() if isinstance(value, dict) else value)
    return sorted(set(out))


def name_pools() -> dict[str, tuple[list[str], list[str], list[str]]]:
    """(first names, last names, middle names) per locale, straight from Faker's person providers."""
    pools = {}
    for locale in LOCALES:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        first = _pool(provider, "first_names", "first_names_male", "first_names_female")
        last = _pool(provider, "last_names", "last_names_male")
        middle = _pool(provider, "middle_names_male")
        pools[locale] = (first, last, middle)
    return pools


def synthetic_records(count: int, seed: int = 5) -> Iterator[Record]:
    """``count`` persons: a primary name in the locale's script, often an alias (Latin spelling or another
    name), sometimes a weak alias (a kunya or a first name alone), a birth year and a nationality."""
    import icu

    latin = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
    rng = random.Random(seed)
    pools = name_pools()
    locales = list(LOCALES)
    for i in range(count):
        locale = locales[i % len(locales)]
        first, last, middle = pools[locale]
        parts = [rng.choice(first)]
        if middle and rng.random() < 0.7:
            parts.append(rng.choice(middle))
        elif rng.random() < 0.3:
            parts.append(rng.choice(first))
        parts.append(rng.choice(last))
        primary = " ".join(parts)
        names = [Name(primary, "primary")]
        if rng.random() < 0.5:
            alias = latin.transliterate(primary) if not primary.isascii() else f"{rng.choice(first)} {parts[-1]}"
            names.append(Name(alias, "alias"))
        if rng.random() < 0.2:
            names.append(Name(f"Abu {rng.choice(first)}" if locale == "ar_AA" else parts[0], "weak_alias"))
        year = str(1940 + rng.randrange(60))
        yield Record(f"syn-{i}", tuple(names), "Person", None, ((year, 0),), ((LOCALES[locale], 0),))


def mixed(planted: list[Record], synthetic: Iterator[Record], seed: int) -> list[Record]:
    """The planted records at random places among the synthetic ones: the index must not find them by build order
    (ties in candidate evidence go to the earlier name, and capped postings keep their first ids)."""
    records = list(synthetic)
    rng = random.Random(seed)
    for record in planted:
        records.insert(rng.randrange(len(records) + 1), record)
    return records


def _pss() -> int:
    try:
        for line in Path(f"/proc/{os.getpid()}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _work(batch: list[tuple[int, str, str | None]]) -> tuple[list[tuple[int, bool, bool]], int, int]:
    assert _INDEX is not None
    out = []
    for i, text, expected in batch:
        hits = _INDEX.search(Query(str(i), text), top=5)
        found = expected is not None and any(h.record_id == expected and h.match for h in hits)
        # synthetic persons share Faker's name pools with the negatives: only a listed (planted) record is false
        false = expected is None and any(h.match and not h.record_id.startswith("syn-") for h in hits)
        out.append((i, found, false))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return out, rss, _pss()


def scale(count: int, quick: bool = False) -> dict[str, object]:
    global _INDEX
    un = parse(UN_FILE.read_bytes())
    persons = [e for e in un.entries if e.schema == "Person"]
    planted = [to_record(e) for e in persons]
    rng = random.Random(count)
    listed = {n.text.casefold() for e in un.entries for n in e.all_names()}
    per_class = 60 if quick else 300
    cases: list[Case] = []
    person_refs = {e.reference for e in persons}
    by_class: dict[str, list[Case]] = {}
    for case in list_cases(un):
        if case.expected in person_refs and case.kind in SCALE_CLASSES:
            by_class.setdefault(case.kind, []).append(case)
    for kind in SCALE_CLASSES:
        group = by_class.get(kind, [])
        cases.extend(group if len(group) <= per_class else rng.sample(group, per_class))
    cases.extend(negative_cases(140 if quick else 700, listed, seed=23))

    gc.collect()
    start = time.perf_counter()
    index = Index.build(mixed(planted, synthetic_records(count - len(planted)), seed=count))
    build = time.perf_counter() - start
    gc.freeze()  # keep the workers from touching (and so copying) every object's header when they collect
    _INDEX = index
    builder_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    work = [(i, c.query, c.expected) for i, c in enumerate(cases)]
    batches = [work[i : i + 25] for i in range(0, len(work), 25)]
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pool.map(_work, batches[:2])  # warm-up: caches and lazily created transliterators in each worker
        start = time.perf_counter()
        results = pool.map(_work, batches, chunksize=1)
        seconds = time.perf_counter() - start
    outcomes = [o for batch, _rss, _pss_ in results for o in batch]
    worker_rss = max(r for _b, r, _p in results)
    worker_pss = max(p for _b, _r, p in results)
    per_class_found: dict[str, float] = {}
    for kind in SCALE_CLASSES:
        items = [o for o in outcomes if cases[o[0]].kind == kind]
        if items:
            per_class_found[kind] = sum(o[1] for o in items) / len(items)
    positives = [o for o in outcomes if cases[o[0]].expected]
    negatives = [o for o in outcomes if cases[o[0]].expected is None]
    result: dict[str, object] = {
        "records": len(index),
        "names": index.name_count,
        "build_seconds": build,
        "queries": len(cases),
        "queries_per_second_2proc": len(cases) / seconds,
        "found": sum(o[1] for o in positives) / max(1, len(positives)),
        "false_match": sum(o[2] for o in negatives) / max(1, len(negatives)),
        "classes": per_class_found,
        "builder_peak_rss_mb": builder_rss / 2**20,
        "worker_peak_rss_mb": worker_rss / 2**20,
        "total_pss_mb": (_pss() + 2 * worker_pss) / 2**20,
    }
    result["brute_force"] = brute_force(index, cases, 20 if quick else 40)
    _INDEX = None
    gc.unfreeze()
    return result


def brute_force(index: Index, cases: list[Case], sample: int) -> dict[str, object]:
    """rapidfuzz token_sort_ratio over every indexed name, 2 workers, on a fixed sample of the cases."""
    names = [utils.default_process(t) for t in index._name_text]
    owners = np.array(index._name_rec.view())
    rng = random.Random(99)
    chosen = rng.sample(cases, min(sample, len(cases)))
    start = time.perf_counter()
    found = 0
    positives = 0
    for batch_start in range(0, len(chosen), 10):
        batch = chosen[batch_start : batch_start + 10]
        scores = process.cdist(
            [utils.default_process(c.query) for c in batch],
            names,
            scorer=fuzz.token_sort_ratio,
            dtype=np.uint8,
            workers=2,
        )
        for case, row in zip(batch, scores, strict=True):
            if case.expected is None:
                continue
            positives += 1
            top = np.argpartition(-row.astype(np.int16), 40)[:40]
            ranked = sorted(((int(row[j]), index._rec_ids[owners[j]]) for j in top), reverse=True)
            seen: list[str] = []
            for score, ref in ranked:
                if ref not in seen:
                    seen.append(ref)
                if ref == case.expected and len(seen) <= 5 and score >= 67:
                    found += 1
                    break
    seconds = time.perf_counter() - start
    return {
        "sample": len(chosen),
        "queries_per_second_2proc": len(chosen) / seconds,
        "found": found / max(1, positives),
        "threshold": 0.67,
    }


def print_scale(results: list[dict[str, object]]) -> None:
    print("\nScale: synthetic persons (Faker pools, 7 locales) with the 650 UN persons planted")
    header = f"{'':<38}" + "".join(f"{r['records']:>14,}" for r in results)
    print(header)
    print("-" * len(header))
    rows = [
        ("names indexed", lambda r: f"{r['names']:>14,}"),
        ("index build (s)", lambda r: f"{r['build_seconds']:>14.1f}"),
        ("queries", lambda r: f"{r['queries']:>14}"),
        ("ours: queries/s (2 processes)", lambda r: f"{r['queries_per_second_2proc']:>14.1f}"),
        ("ours: found (planted variants)", lambda r: f"{r['found']:>14.3f}"),
        ("ours: false match (unlisted)", lambda r: f"{r['false_match']:>14.3f}"),
        ("ours: builder peak RSS (MB)", lambda r: f"{r['builder_peak_rss_mb']:>14.0f}"),
        ("ours: worker peak RSS (MB)", lambda r: f"{r['worker_peak_rss_mb']:>14.0f}"),
        ("ours: PSS builder+2 workers (MB)", lambda r: f"{r['total_pss_mb']:>14.0f}"),
        ("brute token_sort: queries/s (2 thr)", lambda r: f"{r['brute_force']['queries_per_second_2proc']:>14.1f}"),
        ("brute token_sort: found (sample)", lambda r: f"{r['brute_force']['found']:>14.3f}"),
        ("brute token_sort: sample size", lambda r: f"{r['brute_force']['sample']:>14}"),
    ]
    for label, cell in rows:
        print(f"{label:<38}" + "".join(cell(r) for r in results))
    for r in results:
        classes = ", ".join(f"{k} {v:.3f}" for k, v in r["classes"].items())  # type: ignore[attr-defined]
        print(f"  {r['records']:,}: found by class: {classes}")
