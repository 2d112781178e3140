"""Screening quality and speed on the UN list, beside nomenklatura logic-v1/v2 and rapidfuzz, then at scale.

    .venv/bin/python bench/screening.py [--quick] [--scale 100000,1000000] [--json] [--no-peers]

Quality: every name of the UN Security Council list (2017 copy shipped in src/liaison/data) as a query, plus generated
variants (reordering, "SURNAME, Given", dropped middle name, typo, transliteration, typo in a weak alias,
original-script name against the list without its original-script names) and unlisted Faker names in seven
locales as negatives. A positive is *found* when the right record is in the top 5 and flagged as a match; a
negative is a *false match* when anything is flagged. Every system runs on the same fixed random sample of
cases per class (its size is printed); ours and the token_sort baseline also run on every case.

Precision among listed names: every name of every entry screened against the whole list; a flag on another
entry is a false match between two listed persons, except for the entries the list itself carries twice
(``SAME_PERSON``). Ours and nomenklatura logic-v1/v2 (same WRatio candidate blocking as above) on the same names.

Scale (see screening_scale.py): synthetic persons with the UN list planted among them; index build time,
queries per second on 2 processes, peak memory, found rate of planted variants, beside brute-force rapidfuzz.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening_cases import (  # noqa: E402
    Case,
    cross_script_records,
    list_cases,
    negative_cases,
    stratified_sample,
    to_record,
)
from screening_peers import Nomenklatura, Ours, Outcome, TokenSort, fit_threshold, rethreshold  # noqa: E402

from liaison.data import UN_LIST_2017  # noqa: E402
from liaison.interchange.un_list import parse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UN_FILE = UN_LIST_2017


# Entries the 2017 list carries twice for one person, under two sanctions regimes (Al-Qaida and Somalia), with the
# same names and birth year: a flag between them is right, not a false match. Found by comparing every pair of
# entries that share a two-word name: only these two pairs also share a birth date.
SAME_PERSON: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"QDi.042", "SOi.002"}),  # Hassan Dahir Aweys, born 1935
        frozenset({"QDi.172", "SOi.003"}),  # Hassan Abdillahi Hersi al-Turki, born 1944
    }
)


def listed_precision(un, systems: dict[str, object], limit: int | None = None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every listed name (Latin and original script) screened against the whole list: the flags on other entries.

    Returns per system: names screened, names with a false flag, and the distinct pairs of entries flagged."""
    queries = [(e.reference, n.text) for e in un.entries for n in e.all_names()]
    if limit is not None and len(queries) > limit:
        queries = random.Random(5).sample(queries, limit)
    out: dict[str, object] = {}
    for name, system in systems.items():
        pairs: set[tuple[str, str]] = set()
        flagged_names = 0
        start = time.perf_counter()
        for ref, text in queries:
            others = [
                other
                for other, score in system.ranked(text)  # type: ignore[attr-defined]
                if other != ref
                and score >= system.threshold  # type: ignore[attr-defined]
                and frozenset((ref, other)) not in SAME_PERSON
            ]
            if others:
                flagged_names += 1
                pairs.update(tuple(sorted((ref, other))) for other in others)  # type: ignore[misc]
        out[name] = {
            "names": len(queries),
            "flagged_names": flagged_names,
            "false_rate": flagged_names / max(1, len(queries)),
            "pairs": sorted(pairs),
            "seconds": round(time.perf_counter() - start, 1),
        }
    return out


def sample_cases(cases: list[Case], per_class: int, seed: int = 3) -> list[Case]:
    return stratified_sample(cases, per_class, lambda case: case.kind, seed)


def run_system(system, cases: list[Case], latin_system=None) -> tuple[list[tuple[Case, Outcome]], float]:  # type: ignore[no-untyped-def]
    """Outcomes of one system on ``cases``; cross-script cases go to its Latin-only twin. Returns (outcomes, s)."""
    outcomes = []
    start = time.perf_counter()
    for case in cases:
        target = latin_system if case.kind == "cross_script" and latin_system is not None else system
        outcomes.append((case, target.run(case)))
    return outcomes, time.perf_counter() - start


def summarise(outcomes: list[tuple[Case, Outcome]], seconds: float) -> dict[str, object]:
    per_class: dict[str, dict[str, float]] = {}
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for case, outcome in outcomes:
        groups[case.kind].append(outcome)
    for kind, items in sorted(groups.items()):
        if kind.startswith("negative"):
            per_class[kind] = {"n": len(items), "false_match": sum(o.false_match for o in items) / len(items)}
        else:
            per_class[kind] = {
                "n": len(items),
                "found": sum(o.found for o in items) / len(items),
                "blocked": sum(o.blocked for o in items) / len(items),
            }
    positives = [o for c, o in outcomes if c.expected]
    negatives = [o for c, o in outcomes if c.expected is None]
    return {
        "classes": per_class,
        "found": sum(o.found for o in positives) / max(1, len(positives)),
        "false_match": sum(o.false_match for o in negatives) / max(1, len(negatives)),
        "positives": len(positives),
        "negatives": len(negatives),
        "queries_per_second": len(outcomes) / seconds if seconds else 0.0,
    }


def quality(quick: bool, peers: bool) -> dict[str, object]:
    un = parse(UN_FILE.read_bytes())
    records = [to_record(e) for e in un.entries]
    latin = cross_script_records(un)
    listed = {n.text.casefold() for e in un.entries for n in e.all_names()}
    cases = list_cases(un) + negative_cases(280 if quick else 1400, listed)
    per_class = 15 if quick else 80
    sample = sample_cases(cases, per_class)
    results: dict[str, object] = {"cases": len(cases), "sample_per_class": per_class, "sample": len(sample)}

    ours, ours_latin = Ours(records), Ours(latin)
    full, seconds = run_system(ours, cases, ours_latin)
    results["ours_all_cases"] = summarise(full, seconds)
    results["ours_all_cases"]["threshold"] = ours.threshold  # type: ignore[index]
    systems: dict[str, dict[str, object]] = {}
    out, seconds = run_system(ours, sample, ours_latin)
    systems["ours"] = summarise(out, seconds) | {"threshold": ours.threshold}

    token, token_latin = TokenSort(records), TokenSort(latin)
    token_cases = cases if not quick else sample
    out_all, seconds_all = run_system(token, token_cases, token_latin)
    threshold, f1 = fit_threshold(out_all)
    out_all = [(c, rethreshold(c, o, threshold)) for c, o in out_all]
    chosen = {id(c) for c in sample}
    out = [(c, o) for c, o in out_all if id(c) in chosen]
    qps_all = len(token_cases) / seconds_all
    systems["token_sort"] = summarise(out, len(out) / qps_all) | {"threshold": threshold, "threshold_f1": f1}

    if peers:
        for name in ("logic-v1", "logic-v2"):
            peer, peer_latin = Nomenklatura(name, records), Nomenklatura(name, latin)
            peer.run(Case("warm-up", "Warm Up", None))
            out, seconds = run_system(peer, sample, peer_latin)
            systems[name] = summarise(out, seconds) | {"threshold": peer.threshold}
    results["systems"] = systems
    precision_systems: dict[str, object] = {"ours": ours, "ours (v2)": Ours(records, "liaison-name-v2")}
    if peers:
        for name in ("logic-v1", "logic-v2"):
            precision_systems[name] = Nomenklatura(name, records)
    results["listed_precision"] = listed_precision(un, precision_systems, 600 if quick else None)
    return results


def print_quality(results: dict[str, object]) -> None:
    systems: dict[str, dict] = results["systems"]  # type: ignore[assignment]
    names = list(systems)
    print(
        f"\nUN list quality: {results['cases']} cases; side by side on a fixed sample of "
        f"{results['sample']} ({results['sample_per_class']} per class)"
    )
    header = f"{'class':<22}{'n':>5}" + "".join(f"{n:>13}" for n in names) + f"{'ours (all)':>13}{'n all':>7}"
    print(header)
    print("-" * len(header))
    ours_all = results["ours_all_cases"]["classes"]  # type: ignore[index]
    for kind in systems["ours"]["classes"]:
        row = systems["ours"]["classes"][kind]
        key = "false_match" if kind.startswith("negative") else "found"
        cells = "".join(f"{systems[n]['classes'].get(kind, {}).get(key, float('nan')):>13.3f}" for n in names)
        all_cell = ours_all.get(kind, {}).get(key, float("nan"))
        print(f"{kind:<22}{row['n']:>5}{cells}{all_cell:>13.3f}{ours_all.get(kind, {}).get('n', 0):>7}")
    print("-" * len(header))
    for label, key in (("FOUND (positives)", "found"), ("FALSE MATCH (negatives)", "false_match")):
        cells = "".join(f"{systems[n][key]:>13.3f}" for n in names)
        print(f"{label:<27}{cells}{results['ours_all_cases'][key]:>13.3f}")  # type: ignore[index]
    cells = "".join(f"{systems[n]['queries_per_second']:>13.1f}" for n in names)
    print(f"{'queries/s (1 core)':<27}{cells}{results['ours_all_cases']['queries_per_second']:>13.1f}")  # type: ignore[index]
    cells = "".join(f"{systems[n]['threshold']:>13.2f}" for n in names)
    print(f"{'threshold':<27}{cells}")
    for n in names:
        blocked = [v.get("blocked", 1.0) for k, v in systems[n]["classes"].items() if not k.startswith("negative")]
        if n.startswith("logic"):
            print(
                f"  {n}: right record in its WRatio top-20 candidate set for {sum(blocked) / len(blocked):.3f} "
                "of positives (mean over classes)"
            )
    precision: dict[str, dict] = results["listed_precision"]  # type: ignore[assignment]
    first = next(iter(precision.values()))
    print(f"\nListed names screened against the other entries ({first['names']} names; same-person pairs excepted)")
    for n, row in precision.items():
        print(
            f"  {n:<16} names flagging another entry {row['flagged_names']:>4} ({row['false_rate']:.3f}); "
            f"distinct entry pairs {len(row['pairs']):>4}; {row['seconds']} s"
        )
    ts = systems["token_sort"]
    print(f"  token_sort threshold {ts['threshold']:.2f} maximises its F1 ({ts['threshold_f1']:.3f}) over its cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sample and a 20,000-person scale run")
    parser.add_argument("--scale", default=None, help="comma-separated person counts (default 100000,1000000)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    parser.add_argument("--no-peers", action="store_true", help="skip nomenklatura (faster iterations)")
    parser.add_argument("--no-quality", action="store_true", help="only the scale part")
    args = parser.parse_args()
    output: dict[str, object] = {}
    if not args.no_quality:
        output["quality"] = quality(args.quick, not args.no_peers)
        if not args.json:
            print_quality(output["quality"])  # type: ignore[arg-type]
    scales = [int(s) for s in (args.scale or ("20000" if args.quick else "100000,1000000")).split(",") if s]
    if scales and scales != [0]:
        from screening_scale import print_scale, scale

        output["scale"] = [scale(n, quick=args.quick) for n in scales]
        if not args.json:
            print_scale(output["scale"])  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(output, indent=2, default=str))


if __name__ == "__main__":
    main()
