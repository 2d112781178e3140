"""Screening recall and precision on cases the matcher was not built from, tuning half beside held-out half.

    .venv/bin/python bench/screening_heldout.py [--per-kind 150] [--no-peers] [--json] [--show KIND]

Cases (screening_heldout_cases.py) come from the UN list's own aliases, romanisation standards other than ours,
random drops, reorders, joins and splits, and Faker names. The list's entries are split by sha256 of the reference
into a tuning half and a held-out half; matching is tuned on the first only and reported on both. Each system sees
the same index (the whole list less the held-out aliases) and the same fixed sample of at most ``--per-kind`` cases
per kind and half. Found: the right record in the top 5 and flagged; false match: anything flagged for a
negative (near-namesake or unlisted name).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening_cases import stratified_sample  # noqa: E402
from screening_heldout_cases import NEGATIVE_KINDS, Case, build_cases, held_out_aliases, to_record  # noqa: E402
from screening_peers import Nomenklatura, Ours  # noqa: E402

from liaison.data import UN_LIST_2017  # noqa: E402
from liaison.interchange.un_list import parse  # noqa: E402
from liaison.matching import DEFAULT  # noqa: E402

KIND_ORDER = (
    "alias_variant",
    "translit_standard",
    "dropped_part",
    "arabic_part",
    "compound",
    "typo",
    "reordered",
    "surname_first",
    "near_namesake",
    "unlisted",
)


def sample(cases: list[Case], per_kind: int, seed: int = 3) -> list[Case]:
    return stratified_sample(cases, per_kind, lambda case: (case.half, case.kind), seed)


def run(systems: dict[str, object], cases: list[Case]) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, system in systems.items():
        start = time.perf_counter()
        table: dict[str, dict[str, list[int]]] = {"tuning": defaultdict(list), "heldout": defaultdict(list)}
        missed: dict[str, list[str]] = defaultdict(list)
        for case in cases:
            outcome = system.run(case)  # type: ignore[attr-defined]
            bad = outcome.false_match if case.kind in NEGATIVE_KINDS else not outcome.found
            table[case.half][case.kind].append(int(bad))
            if bad and case.half == "tuning":
                missed[case.kind].append(f"{case.query!r} <- {case.source} ({case.expected})")
        seconds = time.perf_counter() - start
        summary: dict[str, object] = {"seconds": round(seconds, 1), "missed_tuning": missed}
        for half, kinds in table.items():
            per_kind = {}
            pos_bad = pos_n = 0
            for kind, bads in kinds.items():
                rate = sum(bads) / len(bads)
                per_kind[kind] = {"n": len(bads), "rate": rate if kind in NEGATIVE_KINDS else 1 - rate}
                if kind not in NEGATIVE_KINDS:
                    pos_bad += sum(bads)
                    pos_n += len(bads)
            summary[half] = {"kinds": per_kind, "found": 1 - pos_bad / max(1, pos_n), "positives": pos_n}
        results[name] = summary
    return results


def print_results(results: dict[str, dict[str, object]], counts: dict[str, int]) -> None:
    names = list(results)
    for half in ("tuning", "heldout"):
        print(f"\n{half} half (found rate; false-match rate for negatives)")
        header = f"{'kind':<20}{'n':>5}" + "".join(f"{n:>18}" for n in names)
        print(header)
        print("-" * len(header))
        first = results[names[0]][half]["kinds"]  # type: ignore[index]
        for kind in [k for k in KIND_ORDER if k in first]:
            cells = "".join(f"{results[n][half]['kinds'][kind]['rate']:>18.3f}" for n in names)  # type: ignore[index]
            print(f"{kind:<20}{first[kind]['n']:>5}{cells}")
        cells = "".join(f"{results[n][half]['found']:>18.3f}" for n in names)  # type: ignore[index]
        print(f"{'FOUND (positives)':<25}{cells}")
    cells = "".join(f"{results[n]['seconds']:>18.1f}" for n in names)
    print(f"{'seconds':<25}{cells}")
    print("cases available per half/kind:", json.dumps(counts, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=150, help="cases per kind and half, same for every system")
    parser.add_argument("--no-peers", action="store_true", help="skip nomenklatura (faster iterations)")
    parser.add_argument("--algorithms", default=None, help=f"comma-separated; default {DEFAULT} (and v2 if not it)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", default=None, help="print the tuning-half misses of these kinds (comma-separated)")
    args = parser.parse_args()

    un = parse(UN_LIST_2017.read_bytes())
    held = held_out_aliases(un)
    without = frozenset(held.values())
    full = [to_record(e, without=without) for e in un.entries]
    cases = build_cases(un, held)
    counts: dict[str, int] = defaultdict(int)
    for case in cases:
        counts[f"{case.half}/{case.kind}"] += 1
    chosen = sample(cases, args.per_kind)

    algorithms = args.algorithms.split(",") if args.algorithms else list(dict.fromkeys([DEFAULT, "liaison-name-v2"]))
    systems: dict[str, object] = {}
    for algorithm in algorithms:
        systems[algorithm] = Ours(full, algorithm)
    if not args.no_peers:
        for peer in ("logic-v2", "logic-v1"):
            systems[peer] = Nomenklatura(peer, full)
    results = run(systems, chosen)
    if args.json:
        print(json.dumps({"counts": counts, "results": results}, indent=2, default=str))
        return
    print_results(results, dict(counts))
    if args.show:
        for kind in args.show.split(","):
            for name in results:
                for line in results[name]["missed_tuning"].get(kind, []):  # type: ignore[attr-defined]
                    print(f"  {name} {kind}: {line}")


if __name__ == "__main__":
    main()
