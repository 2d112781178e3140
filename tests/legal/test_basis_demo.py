"""The demo's legal tables: every demo state (and the 60th) with organisations and a profile, the demo request's
pair France to Japan has a real answer with citations, everything is marked demonstration data, and the legal
benchmark runs end to end at a tiny size."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

from liaison.demo_data import STATES
from liaison.legal.basis import find_basis
from liaison.queries.legal_facts import load_facts

BENCH = Path(__file__).resolve().parents[2] / "bench" / "legal.py"


def test_the_demo_request_from_france_to_japan_has_a_basis_with_citations(demo):
    with demo.sessions() as s:
        facts = load_facts(s)
    codes = {line.split()[0] for line in STATES.strip().splitlines()}
    assert codes <= set(facts.jurisdictions) and len(facts.jurisdictions) >= 60
    assert set(facts.profiles) == set(facts.jurisdictions)
    assert all(j.source.demo for j in facts.jurisdictions.values())
    assert "EU" in facts.jurisdictions["FR"].organisations and "LAS" in facts.jurisdictions["JO"].organisations
    jp = facts.profiles["JP"]
    assert jp.treaty_required_extradition and not jp.extradites_nationals and "ja" in jp.languages
    answer = find_basis(facts, "FR", "JP", "mla", date(2026, 12, 3))
    assert answer.verdict == "treaty" and answer.bilateral and answer.items[0].instrument == "demo-fr-jp-mla"
    assert len(answer.citations) > 10 and answer.certainty == "demo"
    assert any("Demonstration data" in n for n in answer.notes)
    extradition = find_basis(facts, "FR", "JP", "extradition", date(2026, 12, 3))
    assert extradition.verdict == "treaty" and all(i.stands_in for i in extradition.items)
    assert any(r for p in facts.participations.values() for r in p.reservations if r.effect == "no_treaty_basis")
    eu = find_basis(facts, "FR", "DE", "extradition", date(2026, 12, 3))
    assert "eu-2002-eaw" in [i.instrument for i in eu.items]


def test_the_benchmark_runs_and_agrees_with_its_baseline():
    spec = importlib.util.spec_from_file_location("bench_legal", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    result = module.main(["--states", "4", "--workers", "2", "--kinds", "mla,extradition"])
    basis = result["parts"]["basis"]
    assert basis["tuning"]["pairs"] + basis["heldout"]["pairs"] == 12 and basis["heldout"]["pairs"] >= 2
    assert basis["mismatch_count"] == 0 and set(basis["matrix_s"]) == {1, 2}
    assert basis["tuning"]["ours"]["answers"] == 2 * basis["tuning"]["pairs"]
    dual = result["parts"]["dual"]
    assert dual["mismatch_count"] == 0 and dual["heldout"]["ours"]["answers"] == 2 * dual["heldout"]["pairs"]
    assert sum(dual["verdicts"].values()) == 24 and set(dual["verdicts"]) <= {
        "met",
        "not_met",
        "not_required",
        "unknown",
    }
