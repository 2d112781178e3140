"""The information bank at scale, through the database: N synthetic persons as FollowTheMoney JSON lines (the
Faker name pools of ``screening_scale.synthetic_records``: seven locales, three scripts, aliases, weak aliases,
birth years, nationalities) with the UN Security Council list planted, imported with ``import_ftm`` into a fresh
SQLite database (and PostgreSQL with ``--postgres``), then the process-wide name index (``BankIndex``) built
from the database, and screening queries (planted variants of listed names, and unlisted Faker names) on two
processes; beside brute-force rapidfuzz ``token_sort_ratio`` over the same names on a sample.

    .venv/bin/python bench/bank_scale.py --sizes 100000,1000000 [--postgres URL] [--json]

Each import runs in a child process, so its peak memory is its own; the index is built in this process, and
two forked workers share it copy-on-write for the queries (PSS counts shared pages once).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screening_cases import Case, list_cases, negative_cases  # noqa: E402
from screening_scale import SCALE_CLASSES, UN_FILE, _pss, synthetic_records  # noqa: E402

from liaison.bank.access import Viewer  # noqa: E402
from liaison.interchange.un_list import parse  # noqa: E402
from liaison.matching import Query  # noqa: E402
from liaison.principal import Principal  # noqa: E402

NAME_PROP = {"primary": "name", "alias": "alias", "weak_alias": "weakAlias"}
OPERATOR = Principal(None, "bench (operator)", None, None, frozenset({("admin", None)}), via="cli", ip="bench")
VIEWER = Viewer(None, None, True, frozenset({"analyst"}))
_BANK: Any = None


def write_ftm(path: Path, count: int) -> None:
    """``count`` synthetic persons as FtM JSON lines."""
    with path.open("wb") as out:
        for r in synthetic_records(count):
            props: dict[str, list[str]] = {}
            for n in r.names:
                props.setdefault(NAME_PROP[n.kind], []).append(n.text)
            props["birthDate"] = [b for b, _a in r.birth_dates]
            props["nationality"] = [c.lower() for c, _a in r.nationalities]
            out.write(orjson.dumps({"id": r.id, "schema": "Person", "properties": props}) + b"\n")


def _in_child(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` in a forked child; returns its result with the child's peak RSS."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()

    def run() -> None:
        try:
            result = work()
            result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            child.send(result)
        except BaseException as exc:
            child.send({"error": repr(exc)})
            raise

    proc = ctx.Process(target=run)
    proc.start()
    result = parent.recv()
    proc.join()
    if "error" in result:
        raise RuntimeError(result["error"])
    return dict(result)


def load(url: str, ftm: Path) -> dict[str, Any]:
    """Migrate a fresh database, import the UN list and the FtM file; times of each."""
    from liaison.actions.bank_import import Defaults, import_ftm, import_un_list
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    with transaction(sessions) as s:
        import_un_list(s, actor=OPERATOR, data=UN_FILE.read_bytes(), filename=UN_FILE.name)
    un_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(sessions) as s, ftm.open("rb") as lines:
        imp = import_ftm(
            s, actor=OPERATOR, lines=lines, filename=ftm.name, defaults=Defaults(legal_basis="bench: synthetic")
        )
        added = imp.added
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "un_import_seconds": un_seconds,
        "ftm_entities": added,
        "ftm_import_seconds": seconds,
        "ftm_import_cpu_seconds": time.process_time() - cpu,
        "ftm_entities_per_second": added / seconds,
    }


def build_index(url: str) -> tuple[Any, float]:
    from liaison.db import make_engine
    from liaison.queries.bank_index import BankIndex

    gc.collect()
    bank = BankIndex(make_engine(url))
    started = time.perf_counter()
    bank.rebuild()
    return bank, time.perf_counter() - started


def _work(batch: list[tuple[int, str, str | None]]) -> tuple[list[tuple[int, bool, bool]], int, int]:
    assert _BANK is not None
    index = _BANK._index
    out = []
    for i, text, expected in batch:
        hits = index.search(Query(str(i), text), top=5)
        found = expected is not None and any(h.reference == expected and h.match for h in hits)
        # the synthetic persons share Faker's name pools with the negatives: only a listed record is a false match
        false = expected is None and any(h.match and h.reference and not h.reference.startswith("syn-") for h in hits)
        out.append((i, found, false))
    return out, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, _pss()


def cases(quick: bool, seed: int) -> list[Case]:
    un = parse(UN_FILE.read_bytes())
    persons = {e.reference for e in un.entries if e.schema == "Person"}
    rng = random.Random(seed)
    by_class: dict[str, list[Case]] = {}
    for case in list_cases(un):
        if case.expected in persons and case.kind in SCALE_CLASSES:
            by_class.setdefault(case.kind, []).append(case)
    per_class = 60 if quick else 300
    chosen: list[Case] = []
    for kind in SCALE_CLASSES:
        group = by_class.get(kind, [])
        chosen.extend(group if len(group) <= per_class else rng.sample(group, per_class))
    listed = {n.text.casefold() for e in un.entries for n in e.all_names()}
    return chosen + negative_cases(140 if quick else 700, listed, seed=23)


def screen(bank: Any, work_cases: list[Case]) -> dict[str, Any]:
    global _BANK
    _BANK = bank
    gc.freeze()  # the workers must not touch (and so copy) every object's header when they collect
    work = [(i, c.query, c.expected) for i, c in enumerate(work_cases)]
    batches = [work[i : i + 25] for i in range(0, len(work), 25)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_work, batches[:2])  # warm-up: lazily made transliterators and caches in each worker
        started = time.perf_counter()
        results = pool.map(_work, batches, chunksize=1)
        seconds = time.perf_counter() - started
    gc.unfreeze()
    _BANK = None
    outcomes = [o for batch, _r, _p in results for o in batch]
    positives = [o for o in outcomes if work_cases[o[0]].expected]
    negatives = [o for o in outcomes if work_cases[o[0]].expected is None]
    return {
        "queries": len(work),
        "queries_per_second_2proc": len(work) / seconds,
        "found": sum(o[1] for o in positives) / max(1, len(positives)),
        "false_match": sum(o[2] for o in negatives) / max(1, len(negatives)),
        "worker_peak_rss_mb": max(r for _b, r, _p in results) / 2**20,
        "total_pss_mb": (_pss() + 2 * max(p for _b, _r, p in results)) / 2**20,
    }


def brute_force(bank: Any, work_cases: list[Case], sample: int) -> dict[str, Any]:
    """rapidfuzz token_sort_ratio over every indexed name (2 threads), on a fixed sample of the cases."""
    index = bank._index
    names = [utils.default_process(t) for t in index._name_text]
    owners = np.array(index._name_rec.view())
    refs = index._rec_refs
    chosen = random.Random(99).sample(work_cases, min(sample, len(work_cases)))
    started = time.perf_counter()
    found = positives = 0
    for start in range(0, len(chosen), 10):
        batch = chosen[start : start + 10]
        scores = process.cdist(
            [utils.default_process(c.query) for c in batch], names, scorer=fuzz.token_sort_ratio, dtype=np.uint8,
            workers=2,
        )  # fmt: skip
        for case, row in zip(batch, scores, strict=True):
            if case.expected is None:
                continue
            positives += 1
            top = np.argpartition(-row.astype(np.int16), 40)[:40]
            seen: list[str | None] = []
            for score, ref in sorted(((int(row[j]), refs[owners[j]]) for j in top), key=lambda x: -x[0]):
                if ref not in seen:
                    seen.append(ref)
                if ref == case.expected and len(seen) <= 5 and score >= 67:
                    found += 1
                    break
    seconds = time.perf_counter() - started
    return {"sample": len(chosen), "queries_per_second_2thr": len(chosen) / seconds, "found": found / max(1, positives)}


def _pg_database(server: str, name: str, create: bool) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def run(count: int, workdir: Path, postgres: str | None, quick: bool) -> dict[str, Any]:
    ftm = workdir / f"persons-{count}.ftm.json"
    if not ftm.exists():
        started = time.perf_counter()
        _in_child(lambda: (write_ftm(ftm, count), {})[1])
        print(f"[{count:,}] wrote {ftm} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    result: dict[str, Any] = {"persons": count, "load_before": os.getloadavg()}
    db = workdir / f"bank-{count}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    sqlite_url = f"sqlite:///{db}"
    result["sqlite"] = _in_child(lambda: load(sqlite_url, ftm))
    print(f"[{count:,}] sqlite import: {result['sqlite']}", file=sys.stderr)
    if postgres:
        pg_url = _pg_database(postgres, f"liaison_bank_scale_{count}", True)
        result["postgresql"] = _in_child(lambda: load(pg_url, ftm))
        result["postgresql"]["index_build_seconds"] = _in_child(lambda: {"s": build_index(pg_url)[1]})["s"]
        _pg_database(postgres, f"liaison_bank_scale_{count}", False)
        print(f"[{count:,}] postgresql import: {result['postgresql']}", file=sys.stderr)
    bank, seconds = build_index(sqlite_url)
    result["index"] = {
        "entities": bank.size,
        "names": bank._index.name_count,
        "build_seconds": seconds,
        "builder_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    work_cases = cases(quick, count)
    result["ours"] = screen(bank, work_cases)
    result["brute_force"] = brute_force(bank, work_cases, 20 if quick else 40)
    result["load_after"] = os.getloadavg()
    del bank
    gc.collect()
    return result


def _pg(key: str, form: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: format(r["postgresql"][key], form) if "postgresql" in r else "-"


ROWS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("SQLite: FtM import (s)", lambda r: f"{r['sqlite']['ftm_import_seconds']:.1f}"),
    ("SQLite: FtM entities/s", lambda r: f"{r['sqlite']['ftm_entities_per_second']:,.0f}"),
    ("SQLite: import peak RSS (MB)", lambda r: f"{r['sqlite']['peak_rss_mb']:,.0f}"),
    (
        "PostgreSQL: FtM import (s)",
        lambda r: f"{r['postgresql']['ftm_import_seconds']:.1f}" if "postgresql" in r else "-",
    ),
    ("PostgreSQL: FtM entities/s", _pg("ftm_entities_per_second", ",.0f")),
    (
        "PostgreSQL: index build (s)",
        lambda r: f"{r['postgresql']['index_build_seconds']:.1f}" if "postgresql" in r else "-",
    ),
    ("index: entities", lambda r: f"{r['index']['entities']:,}"),
    ("index: names", lambda r: f"{r['index']['names']:,}"),
    ("index: build from SQLite (s)", lambda r: f"{r['index']['build_seconds']:.1f}"),
    ("index: builder peak RSS (MB)", lambda r: f"{r['index']['builder_peak_rss_mb']:,.0f}"),
    ("ours: queries", lambda r: f"{r['ours']['queries']}"),
    ("ours: queries/s (2 processes)", lambda r: f"{r['ours']['queries_per_second_2proc']:,.1f}"),
    ("ours: found (planted variants)", lambda r: f"{r['ours']['found']:.3f}"),
    ("ours: false match (unlisted)", lambda r: f"{r['ours']['false_match']:.3f}"),
    ("ours: PSS builder+2 workers (MB)", lambda r: f"{r['ours']['total_pss_mb']:,.0f}"),
    ("brute token_sort: queries/s (2 thr)", lambda r: f"{r['brute_force']['queries_per_second_2thr']:,.1f}"),
    ("brute token_sort: found (sample)", lambda r: f"{r['brute_force']['found']:.3f}"),
    ("brute token_sort: sample size", lambda r: f"{r['brute_force']['sample']}"),
    ("load average before / after", lambda r: f"{r['load_before'][0]:.1f} / {r['load_after'][0]:.1f}"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="persons per run, comma-separated")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is made and dropped)")
    parser.add_argument("--workdir", type=Path, help="where the files and the SQLite database go (default: temp)")
    parser.add_argument("--quick", action="store_true", help="fewer queries")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bank-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = [run(int(n), workdir, args.postgres, args.quick) for n in args.sizes.split(",")]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"\nInformation bank at scale (synthetic persons + the UN list; {os.cpu_count()} cores)")
    header = f"{'':<38}" + "".join(f"{r['persons']:>14,}" for r in results)
    print(header + "\n" + "-" * len(header))
    for label, cell in ROWS:
        print(f"{label:<38}" + "".join(f"{cell(r):>14}" for r in results))


if __name__ == "__main__":
    main()
