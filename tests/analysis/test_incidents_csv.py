"""The GTD-layout incident CSV reader: each bad row refused with its line and reason, the file itself refused
when it is not readable CSV."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from liaison.analysis import gtd
from liaison.interchange.incidents_csv import FileRefused, IncidentRow, RowError, decode, read
from tests.analysis.incident_rows import csv_text, row


def parsed(*rows: dict) -> list[IncidentRow | RowError]:  # type: ignore[type-arg]
    return list(read(csv_text(*rows)))


def only_error(**changes: object) -> str:
    [item] = parsed(row(**changes))
    assert isinstance(item, RowError), item
    assert item.line == 2
    return item.reason


def test_a_gtd_row_reads_with_its_codes_and_country() -> None:
    [item] = parsed(row())
    assert isinstance(item, IncidentRow)
    assert item.occurred_on == date(2015, 1, 1) and item.date_precision == "day"
    assert (item.country, item.region, item.attack_type, item.weapon_type, item.target_type) == ("IQ", 10, 3, 6, 14)
    assert (item.killed, item.wounded, item.claimed, item.success, item.suicide) == (4, 10, False, True, False)
    assert item.source == "Test source" and item.tlp is None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"attacktype1": 10}, "attacktype1: 10 is not a code"),
        ({"weaptype1": 0}, "weaptype1: 0 is not a code"),
        ({"targtype1": 23}, "targtype1: 23"),
        ({"region": 13}, "region: 13"),
        ({"imonth": 13}, "imonth: 13 is not a month"),
        ({"imonth": 2, "iday": 31}, "2015-2-31 is not a date"),
        ({"imonth": 0, "iday": 5}, "imonth is 0"),
        ({"iyear": 2999}, "not a year"),
        ({"latitude": 91}, "out of range"),
        ({"longitude": -181}, "out of range"),
        ({"latitude": 0, "longitude": 0}, "0, 0"),
        ({"latitude": ""}, "both latitude and longitude"),
        ({"nkill": -1}, "nkill: -1 is negative"),
        ({"nwound": "2.5"}, "not a whole number"),
        ({"country_txt": "Narnia"}, "Narnia"),
        ({"region": 8}, "not the region of Iraq"),
        ({"tlp": "TLP:WHITE"}, "TLP 1.0"),
        ({"tlp": "PURPLE"}, "not a TLP 2.0 level"),
        ({"claimed": 2}, "claimed: 2"),
        ({"success": 7}, "success: 7"),
        ({"eventid": "a b"}, "not an identifier"),
        ({"releasable_to": "fr, 1x"}, "not member codes"),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_its_reason(changes: dict, words: str) -> None:  # type: ignore[type-arg]
    assert words in only_error(**changes)


def test_unknown_month_or_day_gives_the_date_precision() -> None:
    year, month = parsed(row(eventid="a", imonth=0, iday=0), row(eventid="b", imonth=7, iday=0))
    assert isinstance(year, IncidentRow) and isinstance(month, IncidentRow)
    assert (year.occurred_on, year.date_precision) == (date(2015, 1, 1), "year")
    assert (month.occurred_on, month.date_precision) == (date(2015, 7, 1), "month")


def test_historical_names_and_their_own_regions() -> None:
    east, west, intl = parsed(
        row(eventid="e", iyear=1985, country_txt="East Germany (GDR)", region=9, latitude=52.5, longitude=13.4),
        row(eventid="w", iyear=1985, country_txt="West Germany (FRG)", region=8, latitude=50.1, longitude=8.7),
        row(eventid="i", country_txt="International", region=5, latitude="", longitude=""),
    )
    assert isinstance(east, IncidentRow) and (east.country, east.region) == ("DE", 9)
    assert isinstance(west, IncidentRow) and (west.country, west.region) == ("DE", 8)
    assert isinstance(intl, IncidentRow) and intl.country == gtd.INTERNATIONAL and intl.latitude is None
    assert gtd.country_code("Ivory Coast") == ("CI", 11) and gtd.country_code("Kosovo") == ("XK", 9)


def test_duplicate_eventids_and_ragged_rows() -> None:
    items = list(read(csv_text(row(), row()) + "1,2,3\n"))
    assert isinstance(items[0], IncidentRow)
    assert isinstance(items[1], RowError) and "appears twice" in items[1].reason and items[1].line == 3
    assert isinstance(items[2], RowError) and items[2].line == 4 and "cells" in items[2].reason


def test_formula_quotes_are_taken_off_and_extra_gtd_columns_ignored() -> None:
    text = csv_text(row(city="'=Baghdad")).replace("eventid,", "eventid,extra_col,", 1)
    text = text.replace("\n201501010001,", "\n201501010001,ignored,", 1)
    [item] = read(text)
    assert isinstance(item, IncidentRow) and item.city == "=Baghdad"


def test_files_that_are_not_csv_text_are_refused_whole() -> None:
    with pytest.raises(FileRefused, match="empty"):
        list(read(""))
    with pytest.raises(FileRefused, match="lacks"):
        list(read("eventid,iyear\n1,2015\n"))
    with pytest.raises(FileRefused, match="NUL"):
        list(read(csv_text(row()) + "\x00"))
    with pytest.raises(FileRefused, match="twice"):
        list(read("eventid,eventid\n"))
    with pytest.raises(FileRefused, match="UTF-8"):
        decode(b"eventid\n\xff\xfe\xfa")


def test_encodings_and_byte_order_marks() -> None:
    text = csv_text(row(city="Bagdād"))
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode(), text.encode("utf-16")):
        [item] = read(decode(data))
        assert isinstance(item, IncidentRow) and item.city == "Bagdād"
