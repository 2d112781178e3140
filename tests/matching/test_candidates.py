"""The candidate stage among many alike names: typos in one-word aliases, shared names, updates, threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from liaison.matching import Index, Name, Query, Record

CROWD = [
    Record(f"c{i}", (Name(f"{first} {last}"), Name(first, "weak_alias")))
    for i, (first, last) in enumerate(
        (first, last)
        for first in ("Bahar", "Bashir", "Bakr", "Bilal", "Badr", "Bahri")
        for last in ("Hamdan", "Karimi", "Nasser", "Saleh", "Omari", "Haddad", "Rahimi", "Yousef")
    )
]


def test_a_typo_in_a_one_word_weak_alias_finds_it_among_names_with_the_same_skeleton() -> None:
    crowd = [Record(f"b{i}", (Name("بهار", "weak_alias"), Name("Abu باهرة", "weak_alias"))) for i in range(300)]
    target = Record("target", (Name("Karim Ould Salem"), Name("Bechir", "weak_alias")))
    index = Index.build([*CROWD, *crowd, target])
    hits = index.search(Query("q", "Beihir"))
    assert hits and hits[0].record_id == "target" and hits[0].match
    assert hits[0].explanation.matched_kind == "weak_alias"


def test_names_shared_by_many_records_do_not_crowd_out_a_better_one() -> None:
    crowd = [Record(f"b{i}", (Name("بهار", "weak_alias"),)) for i in range(300)]
    index = Index.build([*crowd, Record("target", (Name("Wainakh", "code_name"),))])
    assert index.search(Query("q", "Waiyakh"))[0].record_id == "target"
    hits = index.search(Query("q", "Bahar"), top=5)
    assert len(hits) == 5 and all(h.record_id.startswith("b") and h.match for h in hits)


def test_typo_keys_of_an_added_record_work_before_the_next_build() -> None:
    index = Index.build([*CROWD, Record("onos", (Name("Hadji Onos"),))])  # a namesake that stays
    index.add(Record("late", (Name("Hadji Onos", "weak_alias"),)))
    assert [h.record_id for h in index.search(Query("q", "Hadji Onoss"))] == ["onos", "late"]
    index.remove("late")
    assert [h.record_id for h in index.search(Query("q", "Hadji Onoss"))] == ["onos"]


def test_concurrent_searches_give_the_same_answers() -> None:
    index = Index.build(CROWD)
    queries = [f"{f} {s}" for f in ("Bashir", "Bilal", "Badr") for s in ("Karimi", "Haddad", "Omari")] * 5
    expected = [[h.record_id for h in index.search(Query("q", q))] for q in queries]
    assert all(expected), "every query finds something, so agreement is not between empty lists"
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda q: [h.record_id for h in index.search(Query("q", q))], queries))
    assert got == expected
