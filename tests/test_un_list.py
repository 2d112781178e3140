"""The UN Security Council Consolidated List reader: the real 2017 file, and hostile or broken XML refused."""

from __future__ import annotations

import io
from datetime import date

import pytest

from liaison.data import UN_LIST_2017
from liaison.interchange.un_list import ListFile, ListName, UNListError, country_code, parse

UN_FILE = UN_LIST_2017


@pytest.fixture(scope="module")
def un_list() -> ListFile:
    return parse(UN_FILE.read_bytes())


def test_the_real_list_has_650_individuals_and_371_entities(un_list: ListFile) -> None:
    schemas = [e.schema for e in un_list.entries]
    assert schemas.count("Person") == 650
    assert schemas.count("Organization") == 371
    assert len({e.reference for e in un_list.entries}) == 1021
    assert un_list.generated is not None and un_list.generated.year == 2017


def test_an_al_qaida_individual_keeps_names_script_and_partial_birth_date(un_list: ListFile) -> None:
    entry = un_list.by_reference()["QDi.400"]
    assert entry.schema == "Person"
    assert entry.list_type == "Al-Qaida"
    assert entry.listed_on == date(2017, 2, 22)
    assert entry.names[0] == ListName("IYAD NAZMI SALIH KHALIL", "primary")
    assert ListName("Eyad Nazmi Saleh Khalil", "alias") in entry.names
    assert ListName("Abu-Julaybib", "weak_alias") in entry.names
    assert entry.original_script_names == (ListName("إياد نظمي صالح خليل", "primary"),)
    assert entry.birth_dates == ("1974",)
    assert entry.nationalities == ("JO",)
    assert entry.address_countries == ("SY",)
    assert entry.documents[0].type == "Passport" and entry.documents[0].number == "Jordan 654781"
    assert "Al-Nusrah Front" in (entry.comments or "")


def test_exact_dates_ranges_and_former_names(un_list: ListFile) -> None:
    entries = un_list.by_reference()
    assert entries["KPi.033"].birth_dates == ("1964-07-17",)
    assert any("/" in d for e in un_list.entries for d in e.birth_dates)  # BETWEEN FROM_YEAR/TO_YEAR
    adf = entries["CDe.001"]
    assert adf.schema == "Organization"
    assert ListName("NALU", "former_name") in adf.names
    kinds = {n.kind for e in un_list.entries for n in e.names}
    assert kinds == {"primary", "alias", "weak_alias", "former_name"}


def test_country_names_and_demonyms_resolve_to_iso_codes() -> None:
    assert country_code("Iran (Islamic Republic of)") == "IR"
    assert country_code("Democratic People's Republic of Korea") == "KP"
    assert country_code("Saudi Arabian") == "SA"
    assert country_code("Sudanese by birth") == "SD"
    assert country_code(" na") is None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>
</CONSOLIDATED_LIST>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME>
<REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused(document: bytes) -> None:
    with pytest.raises(UNListError, match="refused"):
        parse(document)


def test_truncated_xml_names_the_line() -> None:
    text = UN_FILE.read_bytes()[:5000]
    with pytest.raises(UNListError, match=r"line \d+") as caught:
        parse(io.BytesIO(text))
    assert caught.value.line is not None and caught.value.line >= 1


def test_a_document_with_another_root_is_refused() -> None:
    with pytest.raises(UNListError, match="not a UN consolidated list"):
        parse(b"<?xml version='1.0'?><rss><channel/></rss>")


def test_an_entry_without_reference_is_refused() -> None:
    doc = (
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>7</DATAID></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    with pytest.raises(UNListError, match="DATAID 7"):
        parse(doc)
