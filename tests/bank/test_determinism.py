"""Screening and search give byte-identical output in every process, whatever ``PYTHONHASHSEED`` is.

Python salts ``hash()`` of strings per process, so anything that ranks, buckets or breaks a tie by it (or by the
order of a set of strings) answers differently from one run to the next: the same name was a MATCH in one
process and absent from the top 5 in another. Here one database (the demo bank: its fictional records and the
UN list) is shared by several processes, each started with another hash seed, each building its own name index
and running the same screening and searches (as the node operator and as a German analyst, who sees less);
their JSON output must be the same bytes.

Run as a module (``python -m tests.bank.test_determinism URL``), this file is the probe each process runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from liaison.actions import directory
from liaison.db import make_engine, make_session_factory, transaction
from liaison.demo_bank import load_bank_demo
from liaison.principal import Principal

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("0", "1", "2", "3", "7", "42")
# Names with many near-equal candidates (common given names, kunyas, short names) are where ties decide.
SCREENED = (
    ("golani", "Abu Muhammad al-Golani", "", ""),
    ("muhammad", "Muhammad", "", ""),
    ("abu-muhammad", "Abu Muhammad", "", ""),
    ("mohammed-ali", "Mohammed Ali", "", ""),
    ("ahmad-hassan", "Ahmad Hassan", "", ""),
    ("abdullah", "Abdullah", "", ""),
    ("abd-al-rahman", "Abd al-Rahman Muhammad", "", ""),
    ("abu-bakr", "Abu Bakr", "", ""),
    ("ali", "Ali", "", ""),
    ("kim-chol", "Kim Chol", "", ""),
    ("kim-yong-chol", "Kim Yong Chol", "", ""),
    ("ri-won-ho", "Ri Wonho", "", ""),
    ("hajji-ibrahim", "Hajji Ibrahim", "", ""),
    ("sheikh-ahmed", "Sheikh Ahmed", "", ""),
    ("anabi", "Abu Ubaydah Yusuf al-Anabi", "", ""),
    ("yusuf", "Yusuf", "", ""),
    ("asiri", "Ibrahim al-Asiri", "1982", "SA"),
    ("hamid", "Hamid al-Ali", "1960", "KW"),
    ("arabic-muhammad", "محمد", "", ""),
    ("arabic-abdallah", "عبد الله", "", ""),
    ("cyrillic", "Дмитрий Волканов", "", ""),
    ("bin-laden", "Usama bin Laden", "", ""),
    ("al-qaida", "Al-Qaida", "", ""),
    ("nusrah", "Jabhat al-Nusrah", "", ""),
    ("haqqani", "Haqqani Network", "", ""),
    ("code-name", "Le Comptable", "", ""),
    ("haddar", "Karim Hadar", "", ""),
    ("tikrani", "Yousef Tikrani", "1980", "JO"),
    ("shimali", "Abu Hamza al-Shimali", "", ""),
    ("mohammed-1975", "Mohammed", "1975", "SY"),
)
SEARCHED = ("Abu Muhammad al-Golani", "Muhammad", "Abdullah", "Kim", "Abu Hamza", "Crescent", "محمد")


OPERATOR = Principal(None, "operator (test)", None, None, frozenset({("admin", None)}), via="cli", ip="test")


def fill_bank_demo(url: str) -> None:
    """The demo's bank (its fictional records, contributed by French, German and Jordanian analysts, and the UN
    list) without the rest of the demo."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as s:
        for code in ("FR", "DE", "JO"):
            member = directory.ensure_member(s, actor=OPERATOR, code=code)
            directory.create_agency(s, actor=OPERATOR, member=member, name=f"{code} police", agency_kind="police")
        assert load_bank_demo(s, operator=OPERATOR)["un_list"] > 1000
    engine.dispose()


def probe(url: str) -> dict[str, Any]:
    """Build a name index over ``url`` in this process, then screen and search; everything as JSON-ready data."""
    from liaison.actions.screening import screen
    from liaison.demo_bank import _analyst
    from liaison.matching import Query
    from liaison.queries import bank
    from liaison.queries.bank_index import BankIndex

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    index = BankIndex(engine)
    index.rebuild()
    queries = [Query(qid, name, birth or None, nat or None) for qid, name, birth, nat in SCREENED]
    out: dict[str, Any] = {}
    with transaction(sessions) as s:
        analyst = _analyst(s, "DE")
        assert analyst is not None
        for who, actor in (("operator", OPERATOR), ("analyst", analyst)):
            _, lines = screen(s, actor=actor, queries=queries, top=5, index=index)
            out[f"screen/{who}"] = lines
            out[f"search/{who}"] = [bank.search(s, actor, text, limit=10, index=index) for text in SEARCHED]
    engine.dispose()
    return out


def _run(url: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(  # noqa: S603 - our own interpreter running this module
        [sys.executable, "-m", "tests.bank.test_determinism", url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_screening_and_search_are_the_same_in_every_process(databases: Any, tmp_path: Path) -> None:
    url = databases.clone("bank-demo", fill_bank_demo, tmp_path)
    with ThreadPoolExecutor(2) as pool:  # two at a time: the machine may have no more cores than that
        outputs = dict(zip(SEEDS, pool.map(lambda seed: _run(url, seed), SEEDS), strict=True))
    first = json.loads(outputs[SEEDS[0]])
    # the probe saw what it was meant to: the UN list and the demo records, hits for every name, ties among them
    lines = {line["query_id"]: line["matches"] for line in first["screen/operator"]}
    assert all(lines.values()) and len(lines["golani"]) == 5
    assert lines["anabi"][0]["reference"] == "QDi.389" and lines["anabi"][0]["match"]
    assert lines["code-name"][0]["name"] == "Le Comptable"  # a demo record (TLP:AMBER+STRICT)
    scores = [m["score"] for matches in lines.values() for m in matches]
    assert len(scores) > len(set(scores)) + 50, "expected many tied scores"
    analyst = {line["query_id"]: line["matches"] for line in first["screen/analyst"]}
    assert all(m["name"] != "Le Comptable" for m in analyst["code-name"])  # the analyst sees less
    for seed, output in outputs.items():
        assert output == outputs[SEEDS[0]], f"PYTHONHASHSEED={seed} answered differently from {SEEDS[0]}"


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1]), ensure_ascii=False, sort_keys=True))


def test_a_record_does_not_depend_on_the_order_the_database_returned_its_statements() -> None:
    """Nothing orders the statements within an entity (PostgreSQL may return them in any order); the record the
    index gets, whose name order breaks ties and whose dates are listed in explanations, must be the same."""
    from liaison.matching import Name
    from liaison.queries.bank_index import BankIndex, _Draft

    names = [Name("Abu Hamza", "weak_alias", 1), Name("Yusuf al-Tikrani", "primary", 2), Name("Yusuf", "alias", 1)]
    births = [("1980", 1), ("1979", 2), ("1980", 1)]
    index = BankIndex(make_engine("sqlite://"))
    e = "7d0c5f2e-2f4b-4a59-9d1e-0b6f2c3a4d5e"
    records = [
        index._record(e, [(e, _Draft("Person", "active", order(names), order(births), []))], {}, {}, set())
        for order in (list, lambda items: list(reversed(items)))
    ]
    assert records[0] == records[1]
    assert [n.kind for n in records[0].names] == ["primary", "alias", "weak_alias"]
    assert records[0].birth_dates == (("1979", 2), ("1980", 1))
