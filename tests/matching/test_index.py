"""Index behaviour: audiences hide names and evidence completely, explanations, updates, determinism."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.matching import DEFAULT, Index, Name, Query, Record, analyze
from liaison.matching.score import compare_parts

PUBLIC, SECRET = 1, 2


def test_an_invisible_name_neither_matches_nor_appears_in_the_explanation() -> None:
    record = Record(
        "p1",
        (Name("Karim Benali", audience=PUBLIC), Name("Abu Hafs al-Masri", "code_name", audience=SECRET)),
        birth_dates=(("1971", SECRET),),
        nationalities=(("DZ", SECRET),),
    )
    index = Index.build([record])
    assert index.search(Query("q", "Abu Hafs al-Masri"), audiences=frozenset({PUBLIC})) == []
    hits = index.search(Query("q", "Abu Hafs al-Masri"), audiences=frozenset({PUBLIC, SECRET}))
    assert hits and hits[0].match
    hits = index.search(Query("q", "Karim Benali", birth_date="1971", nationality="DZ"), audiences=frozenset({PUBLIC}))
    assert "Masri" not in str(hits[0].to_dict())
    features = {f.name for f in hits[0].explanation.features}
    assert "birth_year" not in features and "nationality" not in features
    assert "Hafs" not in str(hits[0].explanation.to_dict())


def test_explanation_names_the_pair_and_the_features() -> None:
    index = Index.build([Record("r", (Name("Mohammed Yusuf Tawfiq", "alias"),), reference="QDi.1")])
    hit = index.search(Query("q", "Sheikh Muhammad Youssef Taufik"))[0]
    data = hit.to_dict()
    assert data["reference"] == "QDi.1" and data["entity_id"] == "r"
    explanation = data["explanation"]
    assert explanation["algorithm"] == DEFAULT
    assert explanation["matched_name"] == "Mohammed Yusuf Tawfiq" and explanation["matched_kind"] == "alias"
    detail = " ".join(f["detail"] for f in explanation["features"])
    assert "transliteration" in detail and "sheikh" in detail


def test_added_and_removed_records_are_seen_at_once() -> None:
    # A namesake ("c") and a second Olga Petrova ("d") stay in the index throughout, so every search below has
    # hits to look at: a search that found nothing at all cannot pass for one that no longer finds "b" or "a".
    index = Index.build(
        [
            Record("a", (Name("Olga Petrova"),)),
            Record("c", (Name("Tarkhan Batirashvili"),)),
            Record("d", (Name("Olga Petrova"),)),
        ]
    )
    index.add(Record("b", (Name("Tarkhan Batirashvili"),)))
    hits = index.search(Query("q", "Tarkhan Batyrashvili"))
    assert {h.record_id for h in hits[:2]} == {"b", "c"} and hits[0].match and hits[1].match
    index.remove("b")
    hits = index.search(Query("q", "Tarkhan Batirashvili"))
    assert hits and hits[0].record_id == "c"
    assert "b" not in {h.record_id for h in hits}
    index.add(Record("a", (Name("Olga Ivanova"),)))  # replacing a record drops its old names
    hits = index.search(Query("q", "Olga Petrova"))
    assert hits and hits[0].record_id == "d" and hits[0].match
    assert not any(h.record_id == "a" and h.name == "Olga Petrova" for h in hits)
    hits = index.search(Query("q", "Olga Ivanova"))
    assert hits and (hits[0].record_id, hits[0].name) == ("a", "Olga Ivanova") and hits[0].match


def test_schema_filter() -> None:
    index = Index.build([Record("p", (Name("Al Nusrah Front"),), "Organization"), Record("q", (Name("Nusrah"),))])
    hits = index.search(Query("q", "Al-Nusrah Front", schema="Organization"))
    assert [h.record_id for h in hits] == ["p"]


def test_search_is_deterministic() -> None:
    records = [Record(f"r{i}", (Name(f"Muhammad Ali {s}"),)) for i, s in enumerate(["Hasan", "Husayn", "Hassan"])]
    first = [h.to_dict() for h in Index.build(records).search(Query("q", "Mohamed Ali Hassan"))]
    second = [h.to_dict() for h in Index.build(list(reversed(records))).search(Query("q", "Mohamed Ali Hassan"))]
    assert first == second
    assert len(first) == 3 and first[0]["entity_id"] == "r2"  # all three found, the exact spelling first


PARTS = ["muhammad", "ali", "hassan", "karim", "olga", "petrova", "yusuf", "x"]
names = st.lists(st.sampled_from(PARTS), min_size=1, max_size=4, unique=True)


@settings(max_examples=200, deadline=None)
@given(names, names)
def test_scores_stay_in_range_and_ignore_reversed_order(a: list[str], b: list[str]) -> None:
    """Reversing a name keeps which parts are in the middle, so the score must not move."""
    forward = compare_parts(tuple(a), tuple(b)).score
    assert 0.0 <= forward <= 1.0
    assert abs(compare_parts(tuple(reversed(a)), tuple(b)).score - forward) < 1e-9


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_text_normalises_without_error(text: str) -> None:
    form = analyze(text)
    assert all(t.isascii() for t in form.tokens)
