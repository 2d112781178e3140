"""The screening CSV: what is accepted, and errors that name the line."""

from __future__ import annotations

import pytest

from liaison.errors import TooLarge
from liaison.interchange.screening_csv import ScreeningFileError, parse
from liaison.matching import Query


def test_reads_id_name_and_optional_columns_in_any_order() -> None:
    text = (
        "\ufeffname,id,nationality,birth_date\n"
        '"BENALI, Karim",q1,Algeria,1975\n'
        "كريم بن علي,q2,DZA,1975-03\n"
        "Omar  Tizi,q3,,\n"
        "\n"
        "Anna Berg,q4,se,1980-02-29\n"
    )
    assert parse(text.encode()) == [
        Query("q1", "BENALI, Karim", "1975", "DZ"),
        Query("q2", "كريم بن علي", "1975-03", "DZ"),
        Query("q3", "Omar Tizi", None, None),
        Query("q4", "Anna Berg", "1980-02-29", "SE"),
    ]
    assert parse("id,name\nx,Syrian Name\n") == [Query("x", "Syrian Name")]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id,nom\n1,A\n", 1, "wrong columns"),
        ("id,name,dob\n1,A,1970\n", 1, "unknown 'dob'"),
        ("id,name\n1,A\n2,B,extra\n", 3, "3 fields"),
        ("id,name\n1,A\n2,  \n", 3, "empty name"),
        ("id,name\n,A\n", 2, "empty id"),
        ("id,name,birth_date\n1,A,1975\n2,B,14/03/1975\n", 3, "bad birth_date"),
        ("id,name,birth_date\n1,A,1975-02-30\n", 2, "bad birth_date"),
        ("id,name,nationality\n1,A,Atlantis\n", 2, "unknown country 'Atlantis'"),
        ("id,name\n1,A\n2,B\n1,C\n", 4, "duplicate id '1' (first on line 2)"),
    ],
)
def test_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ScreeningFileError) as caught:
        parse(text.encode())
    assert caught.value.line == line
    assert f"line {line}:" in caught.value.detail and words in caught.value.detail


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"id,name\n", "no names"),
        ("id,name\n1,Zoë\n".encode("latin-1"), "not UTF-8"),
        (b"id,name\n1,A\x00B\n", "NUL"),
    ],
)
def test_refuses_files_that_are_not_screening_csv(data: bytes, words: str) -> None:
    with pytest.raises(ScreeningFileError, match=words):
        parse(data)


def test_refuses_more_rows_than_the_limit() -> None:
    rows = "".join(f"{i},Name {i}\n" for i in range(11))
    with pytest.raises(TooLarge, match="more than 10 rows"):
        parse(("id,name\n" + rows).encode(), max_rows=10)
    assert len(parse(("id,name\n" + rows).encode(), max_rows=11)) == 11
