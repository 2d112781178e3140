"""Common legal ground at scale: the legal basis for every ordered pair of the demo's 60 jurisdictions (3,540 pairs,
each for mutual legal assistance, extradition and spontaneous information), and the dual criminality of a case's
conduct for each of them (one of five kinds of case per pair), beside a naive baseline that
recomputes each answer from the raw tables (SQL queries per pair, no cache) in the same run.

    .venv/bin/python bench/legal.py [--workers 2] [--states 60] [--kinds mla,extradition,spontaneous] [--json]

The legal tables are loaded into a fresh SQLite file through the demo's legal loader
(:func:`liaison.demo_legal_basis.load`: the seed instruments, 60 states, their participations, reservations and
profiles). Ours: :func:`liaison.legal.basis.find_basis` over :func:`liaison.queries.legal_facts.load_facts` (read
once, then cached); every answer timed alone (p50, p95, max) and the whole matrix timed end to end, in this
process and with ``--workers N`` processes (each loads the facts itself: that load is inside the time). The
baseline reads, for each pair, the two states, their participations and reservations, the instruments and the
requested state's profile with SQL and answers from those rows alone; its answers must equal ours (the run fails
otherwise). A fifth of the pairs (chosen by a fixed seed) is held out: nothing was tuned on them, and they are
reported on their own. Each part of the benchmark is one function (:data:`PARTS`): ``basis`` and ``dual``; the
dual baseline reads the two states' offences and mappings and the requested state's profile per pair.
Targets: under 100 ms p95 per answer; the whole matrix in under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

TARGET_P95_MS = 100.0
TARGET_MATRIX_S = 60.0
ON = date(2026, 12, 3)
HELD_OUT_SHARE = 0.2


@dataclass
class Bench:
    """What every part needs: the database, the states, the pairs (tuning and held out), the options."""

    url: str
    states: list[str]
    kinds: list[str]
    workers: int
    tuning: list[tuple[str, str]] = field(default_factory=list)
    heldout: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return self.tuning + self.heldout


def load(url: str) -> dict[str, Any]:
    """The demo's legal tables into the database at ``url``; returns the loader's counts and its time."""
    from liaison import demo_legal_basis, demo_legal_offences
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.principal import Principal

    operator = Principal(None, "bench operator", None, None, frozenset({("admin", None)}), via="cli", ip="bench")
    engine = make_engine(url)
    started = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        counts = demo_legal_basis.load(session, operator=operator)
        counts["offences"] = demo_legal_offences.load(session, operator=operator).get("offences", 0)
    engine.dispose()
    return {"seconds": time.perf_counter() - started, "counts": counts}


def split(states: list[str], seed: int = 14) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every ordered pair, a fixed fifth of them held out."""
    pairs = [(a, b) for a in states for b in states if a != b]
    rng = random.Random(seed)
    held = set(rng.sample(range(len(pairs)), round(len(pairs) * HELD_OUT_SHARE)))
    return [p for n, p in enumerate(pairs) if n not in held], [p for n, p in enumerate(pairs) if n in held]


def _stats(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "answers": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max_ms": ordered[-1],
    }


def _key(answer: Any) -> tuple[Any, ...]:
    """What must agree between ours and the baseline: verdict, instruments and what stands in."""
    return (answer.verdict, tuple((i.instrument, i.stands_in, len(i.provisions)) for i in answer.items),
            answer.certainty, answer.treaty_required)  # fmt: skip


# -- the naive baseline: the raw tables, per pair, no cache --


def naive_basis(session: Any, a: str, b: str, kind: str) -> Any:
    """The answer from rows read for this pair alone (SQL each time), through the same rules."""
    from sqlalchemy import select

    from liaison.legal import facts as f
    from liaison.legal.basis import find_basis
    from liaison.models import CooperationProfile, Instrument, Jurisdiction, Participation

    def src(row: Any) -> f.Source:
        return f.Source(row.source, row.source_url, row.retrieved_on, row.verified, row.demo)

    out = f.LegalFacts()
    for j in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_((a, b)))):
        out.jurisdictions[j.code] = f.JurisdictionFact(j.code, j.name, tuple(j.organisations or ()), src(j))
    parts = session.scalars(select(Participation).where(Participation.jurisdiction.in_((a, b)))).all()
    for p in parts:
        res = tuple(f.ReservationFact(r.kind, r.article, r.effect, r.request_kind, r.text, src(r))
                    for r in p.reservations if r.withdrawn_on is None)  # fmt: skip
        out.participations[(p.jurisdiction, p.instrument)] = f.ParticipationFact(
            p.jurisdiction, p.instrument, p.consent, p.signed_on, p.consented_on, p.in_force_on, p.withdrawn_on,
            res, src(p))  # fmt: skip
    for i in session.scalars(select(Instrument)):
        if kind not in (i.request_kinds or ()):
            continue
        provisions = tuple(f.ProvisionFact(p.code, p.article, p.role, p.summary, tuple(p.elements or ()),
                                           tuple(tuple(g) for g in p.any_of or ())) for p in i.provisions)  # fmt: skip
        out.instruments[i.code] = f.InstrumentFact(
            i.code, i.title, i.short_title, i.kind, i.organisation, i.adopted_on, i.in_force_on, i.binds_members,
            tuple(i.request_kinds or ()), tuple(i.parties or ()), provisions, src(i))  # fmt: skip
    c = session.scalar(select(CooperationProfile).where(CooperationProfile.jurisdiction == b))
    if c is not None:
        out.profiles[b] = f.ProfileFact(
            c.jurisdiction, c.treaty_required_mla, c.treaty_required_extradition, c.reciprocity_accepted,
            c.extradites_nationals, c.dual_criminality_mla, c.extradition_threshold_months, c.mla_threshold_months,
            tuple(c.assurances_required or ()), tuple(c.languages or ()), c.central_authority, src(c))  # fmt: skip
    return find_basis(out, a, b, kind, ON, today=ON)


# -- ours, whole matrix in a worker process --


def _matrix_chunk(args: tuple[str, list[tuple[str, str]], list[str]]) -> int:
    from liaison.db import make_engine, make_session_factory
    from liaison.legal.basis import find_basis
    from liaison.queries.legal_facts import load_facts

    url, pairs, kinds = args
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        facts = load_facts(session)
    engine.dispose()
    for a, b in pairs:
        for kind in kinds:
            find_basis(facts, a, b, kind, ON, today=ON)
    return len(pairs) * len(kinds)


def matrix(
    bench: Bench, workers: int, chunk: Callable[[tuple[str, list[tuple[str, str]], list[str]]], int] | None = None
) -> float:
    """The whole matrix end to end with ``workers`` processes (1: this process, facts loaded fresh)."""
    from liaison.queries.legal_facts import clear_cache

    chunk = chunk or _matrix_chunk
    pairs = bench.pairs
    started = time.perf_counter()
    if workers <= 1:
        clear_cache()
        chunk((bench.url, pairs, bench.kinds))
    else:
        chunks = [pairs[n::workers] for n in range(workers)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = sum(pool.map(chunk, [(bench.url, c, bench.kinds) for c in chunks]))
        assert done == len(pairs) * len(bench.kinds)
    return time.perf_counter() - started


# -- the parts --


def _part(
    bench: Bench,
    progress: Callable[[str], None],
    name: str,
    ours: Callable[[Any, str, str, str], Any],
    naive: Callable[[Any, str, str, str], Any],
    key: Callable[[Any], tuple[Any, ...]],
    chunk: Callable[[tuple[str, list[tuple[str, str]], list[str]]], int],
) -> dict[str, Any]:
    """One part: every answer timed alone (tuning and held out, ours on the cached facts and the baseline from
    the raw tables), their agreement, and the whole matrix. ``ours(facts, a, b, kind)``, ``naive(session, a, b,
    kind)``."""
    from liaison.db import make_engine, make_session_factory
    from liaison.queries.legal_facts import clear_cache, load_facts

    engine = make_engine(bench.url)
    sessions = make_session_factory(engine)
    clear_cache()
    started = time.perf_counter()
    with sessions() as session:
        facts = load_facts(session)
    out: dict[str, Any] = {"facts_load_ms": (time.perf_counter() - started) * 1000, "kinds": bench.kinds}
    verdicts: dict[str, int] = {}
    mismatches: list[Any] = []
    for label, pairs in (("tuning", bench.tuning), ("heldout", bench.heldout)):
        ours_ms: list[float] = []
        naive_ms: list[float] = []
        answers = {}
        for a, b in pairs:
            for kind in bench.kinds:
                t = time.perf_counter()
                answer = ours(facts, a, b, kind)
                ours_ms.append((time.perf_counter() - t) * 1000)
                answers[(a, b, kind)] = key(answer)
                verdicts[answer.verdict] = verdicts.get(answer.verdict, 0) + 1
        with sessions() as session:
            for a, b in pairs:
                for kind in bench.kinds:
                    t = time.perf_counter()
                    answer = naive(session, a, b, kind)
                    naive_ms.append((time.perf_counter() - t) * 1000)
                    if key(answer) != answers[(a, b, kind)]:
                        mismatches.append((a, b, kind))
                session.expunge_all()
        out[label] = {"pairs": len(pairs), "ours": _stats(ours_ms), "naive": _stats(naive_ms),
                      "naive_total_s": sum(naive_ms) / 1000, "ours_total_s": sum(ours_ms) / 1000}  # fmt: skip
        progress(f"{name} ({label}): ours {out[label]['ours']}, naive {out[label]['naive']}")
    engine.dispose()
    out["verdicts"] = verdicts
    out["mismatches"] = mismatches[:20]
    out["mismatch_count"] = len(mismatches)
    out["matrix_s"] = {1: matrix(bench, 1, chunk)}
    if bench.workers > 1:
        out["matrix_s"][bench.workers] = matrix(bench, bench.workers, chunk)
    progress(f"{name} matrix: {out['matrix_s']}")
    if mismatches:
        raise SystemExit(f"ours and the baseline disagree on {len(mismatches)} answers, e.g. {mismatches[:3]}")
    return out


def part_basis(bench: Bench, progress: Callable[[str], None]) -> dict[str, Any]:
    """The legal basis: per answer (tuning and held out, ours and the baseline), the matrix, and agreement."""
    from liaison.legal.basis import find_basis

    return _part(
        bench,
        progress,
        "basis",
        lambda facts, a, b, kind: find_basis(facts, a, b, kind, ON, today=ON),
        naive_basis,
        _key,
        _matrix_chunk,
    )


# -- dual criminality --

# The facts of five kinds of case, as conduct elements; each pair is checked for one of them (fixed by the pair).
CASES: tuple[tuple[str, ...], ...] = (
    ("finance", "intentional", "knowing_terrorist_purpose", "intimidate_population", "transnational"),
    ("kill", "bombing", "weapons_explosives", "intentional", "intimidate_population", "serious_damage", "public_place"),
    ("travel", "intentional", "aim_terrorist_offence", "transnational"),
    ("participate_group", "recruit", "intentional", "online"),
    ("receive_training", "intentional", "aim_terrorist_offence", "destabilise_structures"),
)


def _case(a: str, b: str) -> frozenset[str]:
    return frozenset(CASES[(sum(map(ord, a)) * 31 + sum(map(ord, b))) % len(CASES)])


def _dual_key(answer: Any) -> tuple[Any, ...]:
    return (answer.verdict, answer.certainty, tuple(m.offence.id for m in answer.requested_matches if m.full),
            tuple(m.offence.id for m in answer.requesting_matches if m.full))  # fmt: skip


def naive_dual(session: Any, a: str, b: str, kind: str, conduct: frozenset[str]) -> Any:
    """The answer from the two states' offences, mappings and the requested state's profile, read with SQL for
    this pair alone, through the same rules."""
    from sqlalchemy import select

    from liaison.legal import facts as f
    from liaison.legal.dual import check_dual
    from liaison.models import CooperationProfile, NationalOffence, OffenceMapping

    def src(row: Any) -> f.Source:
        return f.Source(row.source, row.source_url, row.retrieved_on, row.verified, row.demo)

    out = f.LegalFacts()
    rows = session.scalars(select(NationalOffence).where(NationalOffence.jurisdiction.in_((a, b)))
                           .order_by(NationalOffence.jurisdiction, NationalOffence.citation)).all()  # fmt: skip
    maps: dict[Any, list[f.MappingFact]] = {}
    for m in session.scalars(select(OffenceMapping).where(OffenceMapping.offence_id.in_([o.id for o in rows]))):
        maps.setdefault(m.offence_id, []).append(f.MappingFact(m.model, m.coverage, m.evidence, m.reviewed_by,
                                                               m.reviewed_on))  # fmt: skip
    by_state: dict[str, list[f.OffenceFact]] = {}
    for o in rows:
        by_state.setdefault(o.jurisdiction, []).append(f.OffenceFact(
            str(o.id), o.jurisdiction, o.citation, o.label, o.language, o.label_en, o.max_penalty_months,
            tuple(o.elements or ()), tuple(tuple(g) for g in o.any_of or ()), tuple(maps.get(o.id, ())), src(o),
            o.in_force_from, o.repealed_on))  # fmt: skip
    out.offences = {k: tuple(v) for k, v in by_state.items()}
    c = session.scalar(select(CooperationProfile).where(CooperationProfile.jurisdiction == b))
    if c is not None:
        out.profiles[b] = f.ProfileFact(
            c.jurisdiction, c.treaty_required_mla, c.treaty_required_extradition, c.reciprocity_accepted,
            c.extradites_nationals, c.dual_criminality_mla, c.extradition_threshold_months, c.mla_threshold_months,
            tuple(c.assurances_required or ()), tuple(c.languages or ()), c.central_authority, src(c))  # fmt: skip
    return check_dual(out, conduct, a, b, kind, ON)


def _dual_chunk(args: tuple[str, list[tuple[str, str]], list[str]]) -> int:
    from liaison.db import make_engine, make_session_factory
    from liaison.legal.dual import check_dual
    from liaison.queries.legal_facts import load_facts

    url, pairs, kinds = args
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        facts = load_facts(session)
    engine.dispose()
    for a, b in pairs:
        for kind in kinds:
            check_dual(facts, _case(a, b), a, b, kind, ON)
    return len(pairs) * len(kinds)


def part_dual(bench: Bench, progress: Callable[[str], None]) -> dict[str, Any]:
    """Dual criminality of a case's conduct for every pair: per answer (ours and the baseline), the matrix, and
    agreement."""
    from liaison.legal.dual import check_dual

    return _part(
        bench,
        progress,
        "dual",
        lambda facts, a, b, kind: check_dual(facts, _case(a, b), a, b, kind, ON),
        lambda session, a, b, kind: naive_dual(session, a, b, kind, _case(a, b)),
        _dual_key,
        _dual_chunk,
    )


PARTS: dict[str, Callable[[Bench, Callable[[str], None]], dict[str, Any]]] = {"basis": part_basis, "dual": part_dual}


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def table(r: dict[str, Any]) -> str:
    lines = [
        f"{r['states']} states ({os.cpu_count()} cores, Python {platform.python_version()}); demo legal tables "
        f"loaded in {r['load']['seconds']:.1f} s ({r['load']['counts']['participations']:,} participations, "
        f"{r['load']['counts'].get('offences', 0):,} national offences)",
    ]
    names = {"basis": ("Legal basis", "find_basis"), "dual": ("Dual criminality", "check_dual")}
    for part, b in r["parts"].items():
        lines += ["", *_part_table(names[part], b)]
    lines.append(f"load average before / after {r['load_before'][0]:.1f} / {r['load_after'][0]:.1f}")
    return "\n".join(lines)


def _part_table(name: tuple[str, str], b: dict[str, Any]) -> list[str]:
    pairs = b["tuning"]["pairs"] + b["heldout"]["pairs"]
    lines = [
        f"{name[0]}: {pairs:,} ordered pairs x {len(b['kinds'])} kinds ({', '.join(b['kinds'])}); "
        f"facts read once in {b['facts_load_ms']:.0f} ms",
        f"{'per answer, ms':<52}{'answers':>9}{'p50':>10}{'p95':>10}{'max':>10}",
    ]
    for label in ("tuning", "heldout"):
        for side, title in (
            (("ours", f"ours ({name[1]} on cached facts)")),
            ("naive", "naive (SQL per pair, no cache)"),
        ):
            m = b[label][side]
            lines.append(f"{label + ': ' + title:<52}{m['answers']:>9,}{m['p50_ms']:>10.3f}{m['p95_ms']:>10.3f}"
                         f"{m['max_ms']:>10.3f}")  # fmt: skip
    naive_total = b["tuning"]["naive_total_s"] + b["heldout"]["naive_total_s"]
    matrix = ", ".join(f"{w} process(es) {s:.2f} s" for w, s in b["matrix_s"].items())
    lines += [
        f"whole matrix, ours: {matrix}; naive baseline, one process: {naive_total:.1f} s",
        f"verdicts: {b['verdicts']}; ours and the baseline agree on every answer ({b['mismatch_count']} differ)",
        f"target: p95 < {TARGET_P95_MS:.0f} ms per answer: "
        f"{_met(max(b['tuning']['ours']['p95_ms'], b['heldout']['ours']['p95_ms']) < TARGET_P95_MS)}; "
        f"whole matrix < {TARGET_MATRIX_S:.0f} s: {_met(min(b['matrix_s'].values()) < TARGET_MATRIX_S)}",
    ]
    return lines


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=2, help="processes for the whole-matrix run (besides one)")
    p.add_argument("--states", type=int, default=60, help="use the first N states (tests use a few)")
    p.add_argument("--kinds", default="mla,extradition,spontaneous")
    p.add_argument("--parts", default=",".join(PARTS), help="which parts to run")
    p.add_argument("--json", action="store_true", help="print JSON")
    return p


def run(url: str, args: argparse.Namespace, progress: Callable[[str], None]) -> dict[str, Any]:
    from sqlalchemy import select

    from liaison.db import make_engine, make_session_factory
    from liaison.models import Jurisdiction

    result: dict[str, Any] = {"load_before": os.getloadavg(), "load": load(url)}
    progress(f"loaded: {result['load']['counts']}")
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        states = sorted(session.scalars(select(Jurisdiction.code)))[: args.states]
    engine.dispose()
    tuning, heldout = split(states)
    bench = Bench(url, states, [k for k in args.kinds.split(",") if k], args.workers, tuning, heldout)
    result["states"] = len(states)
    result["parts"] = {name: PARTS[name](bench, progress) for name in args.parts.split(",") if name}
    result["load_after"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from liaison.migrate import upgrade

    args = parser().parse_args(argv)
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="bench-legal-"))
    url = f"sqlite:///{workdir / 'legal.db'}"
    try:
        upgrade(url)
        result = run(url, args, progress)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2, default=str) if args.json else table(result))
    return result


if __name__ == "__main__":
    main()
