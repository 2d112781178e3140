"""Each variant class an analyst meets, matched by the default algorithm through the index."""

from __future__ import annotations

import pytest

from liaison.matching import ALGORITHMS, DEFAULT, Index, Name, Query, Record

RECORDS = [
    Record(
        "qdi-400",
        (
            Name("IYAD NAZMI SALIH KHALIL"),
            Name("Eyad Nazmi Saleh Khalil", "alias"),
            Name("إياد نظمي صالح خليل"),
            Name("Abu-Julaybib al-Urduni", "weak_alias"),
        ),
        reference="QDi.400",
        birth_dates=(("1974", 0),),
        nationalities=(("JO", 0),),
    ),
    Record("bin-laden", (Name("Usama bin Muhammad bin Awad bin Laden"), Name("Shaykh Usama", "weak_alias"))),
    Record("tawfiq", (Name("Ahmad Tawfiq Yusuf"),), birth_dates=(("1960/1965", 0),)),
    Record("rahman", (Name("Abd al-Rahman Mustafa al-Qaduli"), Name("Abu Alaa", "code_name"))),
    Record("shevchenko", (Name("Шевченко Андрей Николаевич"),)),
    Record("rouhani", (Name("حسن روحانی"),)),
    Record("omar", (Name("Mullah Mohammed Omar"), Name("Amir al-Mu'minin", "weak_alias"))),
    Record("smith", (Name("John Smith"),)),
    Record("kim", (Name("Kim Jong Un"),)),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(RECORDS)


def best(index: Index, name: str, **extra: str) -> tuple[str, float, bool]:
    hits = index.search(Query("q", name, **extra))
    assert hits, f"no hit for {name!r}"
    return hits[0].record_id, hits[0].score, hits[0].match


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("إياد نظمي صالح خليل", "qdi-400"),  # exact original script
        ("Iyad Nazmi Salih Khalil", "qdi-400"),
        ("أسامة بن محمد بن عوض بن لادن", "bin-laden"),  # Arabic -> Latin
        ("Усама бин Ладен", "bin-laden"),  # Cyrillic -> Latin
        ("Andrei Shevchenko", "shevchenko"),  # Latin -> Cyrillic
        ("Hassan Rouhani", "rouhani"),  # Latin -> Persian
        ("Ahmed Taufik Youssef", "tawfiq"),  # transliteration variants
        ("Abdulrahman Mustafa Qaduli", "rahman"),  # Abd al- / Abdul
        ("Abdel Rahman al Qaduli", "rahman"),
        ("KHALIL, Iyad Nazmi", "qdi-400"),  # "SURNAME, Given"
        ("Khalil Salih Nazmi Iyad", "qdi-400"),  # any order
        ("Iyad Nazmi Khalil", "qdi-400"),  # dropped middle name
        ("Iyad Nazmi Salih Khalli", "qdi-400"),  # typo
        ("Sheikh Muhammad Omar", "omar"),  # honorific and spelling
        ("Haji Mohamed Omar", "omar"),
        ("Abu Julaybib al-Urduny", "qdi-400"),  # weak alias with a typo
    ],
)
def test_variant_is_found_and_flagged(index: Index, query: str, expected: str) -> None:
    record_id, score, match = best(index, query)
    assert record_id == expected
    assert match, f"{query!r} scored {score:.3f}"


def test_weak_alias_typo_scores_lower_than_the_primary_name(index: Index) -> None:
    _rid, weak, _m = best(index, "Abu Julaybib al-Urduny")
    _rid, primary, _m = best(index, "Iyad Nazmi Salih Khalil")
    assert weak < primary


def test_a_shared_first_name_alone_is_not_a_match(index: Index) -> None:
    hits = index.search(Query("q", "Iyad Haddad"))
    assert [h.record_id for h in hits] == ["qdi-400"]  # found as a candidate (the shared "Iyad"), scored...
    assert not any(h.match for h in hits)  # ...and not flagged
    hits = index.search(Query("q", "Mary Johnson"))
    assert not any(h.match for h in hits)


def test_code_name_is_indexed(index: Index) -> None:
    record_id, _score, match = best(index, "Abu Alaa")
    assert record_id == "rahman" and match


def test_birth_year_agreement_raises_and_disagreement_lowers(index: Index) -> None:
    _r, plain, _m = best(index, "Eyad Nazmi Khalil")
    _r, agree, _m = best(index, "Eyad Nazmi Khalil", birth_date="1974-03-01")
    _r, disagree, _m = best(index, "Eyad Nazmi Khalil", birth_date="1990")
    assert agree > plain > disagree
    hit = index.search(Query("q", "Eyad Nazmi Khalil", birth_date="1990"))[0]
    feature = next(f for f in hit.explanation.features if f.name == "birth_year")
    assert feature.weight < 0 and "1974" in feature.detail


def test_birth_year_inside_a_listed_range_agrees(index: Index) -> None:
    hit = index.search(Query("q", "Ahmad Tawfiq Yusuf", birth_date="1963"))[0]
    assert any(f.name == "birth_year" and f.weight > 0 for f in hit.explanation.features)


def test_nationality_is_evidence(index: Index) -> None:
    same = index.search(Query("q", "Eyad Nazmi Khalil", nationality="JO"))[0]
    other = index.search(Query("q", "Eyad Nazmi Khalil", nationality="FR"))[0]
    assert same.score > other.score
    assert any(f.name == "nationality" and f.weight < 0 for f in other.explanation.features)


def test_every_algorithm_scores_a_record_directly() -> None:
    for name, algorithm in ALGORITHMS.items():
        score, explanation = algorithm.score(Query("q", "Iyad Nazmi Salih Khalil"), RECORDS[0])
        assert 0.9 <= score <= 1.0, name
        assert explanation.algorithm == name
    assert DEFAULT == "liaison-name-v3"
