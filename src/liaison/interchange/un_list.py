"""A pure reader of the UN Security Council Consolidated List XML.

The list is read with ``defusedxml`` because an uploaded file is untrusted: a DTD, an entity declaration
(billion laughs) or an external entity is refused before anything is built. Malformed XML is refused with the
line and column the parser stopped at. Nothing here touches the database: the bank's import action turns the
:class:`ListFile` into entities and statements in one transaction.

Alias quality on the list maps to name kinds: ``Good`` and ``a.k.a.`` are aliases, ``Low`` is a weak alias
(a nickname or a partial name the list itself calls low quality), ``f.k.a.`` is a former name.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError  # noqa: S405 (types only; parsing goes through defusedxml)

import defusedxml.ElementTree as SafeET
import pycountry
from defusedxml import DefusedXmlException

from liaison.errors import LiaisonError
from liaison.i18n import _

ALIAS_KINDS = {"good": "alias", "a.k.a.": "alias", "aka": "alias", "low": "weak_alias", "f.k.a.": "former_name"}
ROOT = "CONSOLIDATED_LIST"

# Names the list uses that pycountry does not know, or demonyms.
COUNTRY_FIXES = {
    "iran (islamic republic of)": "IR",
    "palestinian": "PS",
    "state of palestine": "PS",
    "yemeni": "YE",
    "saudi arabian": "SA",
    "afghan": "AF",
    "algerian": "DZ",
    "somali": "SO",
    "sudanese": "SD",
    "ethiopian": "ET",
    "kuwaiti": "KW",
    "turkey": "TR",
    "democratic republic of the congo": "CD",
    "united states": "US",
    "syria": "SY",
    "russia": "RU",
    "libyan arab jamahiriya": "LY",
    "the former yugoslav republic of macedonia": "MK",
    "united kingdom": "GB",
    "iraqi": "IQ",
    "jordanian": "JO",
    "egyptian": "EG",
    "tunisian": "TN",
    "moroccan": "MA",
    "pakistani": "PK",
    "indonesian": "ID",
    "syrian": "SY",
    "libyan": "LY",
}


class UNListError(LiaisonError):
    """The document is not a UN Consolidated List we accept; ``line`` names where, when known."""

    status = 422
    code = "invalid"

    def __init__(self, detail: str, line: int | None = None) -> None:
        super().__init__(detail, line=line)
        self.line = line


@dataclass(frozen=True)
class ListName:
    text: str
    kind: str  # primary | alias | weak_alias | former_name
    note: str | None = None


@dataclass(frozen=True)
class ListDocument:
    type: str | None
    number: str | None
    issuing_country: str | None  # ISO alpha-2 where it resolves, else the list's text
    note: str | None


@dataclass(frozen=True)
class ListEntry:
    reference: str
    data_id: str
    schema: str  # "Person" | "Organization"
    list_type: str
    listed_on: date | None
    names: tuple[ListName, ...]
    original_script_names: tuple[ListName, ...] = ()
    title: tuple[str, ...] = ()
    designation: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    birth_date_notes: tuple[str, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    nationality_texts: tuple[str, ...] = ()
    documents: tuple[ListDocument, ...] = ()
    addresses: tuple[str, ...] = ()
    address_countries: tuple[str, ...] = ()
    gender: str | None = None
    comments: str | None = None
    last_updated: tuple[date, ...] = ()

    @property
    def primary_name(self) -> str:
        return self.names[0].text if self.names else self.reference

    def all_names(self) -> tuple[ListName, ...]:
        return self.names + self.original_script_names


@dataclass(frozen=True)
class ListFile:
    generated: datetime | None
    entries: tuple[ListEntry, ...] = field(default=())

    def by_reference(self) -> dict[str, ListEntry]:
        return {e.reference: e for e in self.entries}


def parse(source: bytes | BinaryIO) -> ListFile:
    """Read the consolidated list from bytes or a binary file; raise :class:`UNListError` on anything hostile.

    The reader sets no size limit of its own: the caller's (``LIAISON_IMPORT_MAX_BYTES`` for a bank import)
    governs, checked before the bytes are read here."""
    data = source if isinstance(source, bytes) else source.read()
    try:
        root = SafeET.parse(io.BytesIO(data), forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as exc:
        raise UNListError(
            _("refused: the XML declares a DTD or entities, which a UN list never needs (%(reason)s)", reason=exc)
        ) from exc
    except ParseError as exc:
        line, column = exc.position
        raise UNListError(
            _("malformed XML at line %(line)s, column %(column)s: %(reason)s", line=line, column=column, reason=exc),
            line=line,
        ) from exc
    if _local(root.tag) != ROOT:
        raise UNListError(
            _(
                "the root element is <%(element)s>, not <%(root)s>: this is not a UN consolidated list",
                element=_local(root.tag),
                root=ROOT,
            )
        )
    entries: list[ListEntry] = []
    for section, tag, schema in (("INDIVIDUALS", "INDIVIDUAL", "Person"), ("ENTITIES", "ENTITY", "Organization")):
        for group in root.iter(section):
            for node in group.iter(tag):
                entries.append(_entry(node, schema))
    return ListFile(generated=_datetime(root.get("dateGenerated")), entries=tuple(entries))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def _text(node: Element | None, tag: str) -> str:
    if node is None:
        return ""
    child = node.find(tag)
    return _clean(child.text) if child is not None else ""


def _values(node: Element, tag: str) -> tuple[str, ...]:
    return tuple(v for group in node.findall(tag) for v in (_clean(x.text) for x in group.findall("VALUE")) if v)


def _datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def country_code(text: str) -> str | None:
    """ISO 3166 alpha-2 for a country name or demonym as the list writes it, or None."""
    key = _clean(text).lower().strip(" .")
    if not key or key == "na":
        return None
    if key in COUNTRY_FIXES:
        return COUNTRY_FIXES[key]
    base = re.sub(r"\s*\(.*?\)\s*", " ", key).strip()
    for candidate in (key, base):
        if candidate in COUNTRY_FIXES:
            return COUNTRY_FIXES[candidate]
        try:
            return str(pycountry.countries.lookup(candidate).alpha_2)
        except LookupError:
            pass
    for fix, code in COUNTRY_FIXES.items():  # "Sudanese by birth", "Possibly Ethiopian", "United States. Also ..."
        if re.search(rf"\b{re.escape(fix)}\b", base):
            return code
    try:
        return str(pycountry.countries.search_fuzzy(base)[0].alpha_2)
    except LookupError:
        return None


def _countries(texts: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    codes: list[str] = []
    unresolved: list[str] = []
    for text in texts:
        code = country_code(text)
        if code:
            if code not in codes:
                codes.append(code)
        elif text and text.lower() != "na":
            unresolved.append(text)
    return tuple(codes), tuple(unresolved)


def _names(node: Element, schema: str) -> tuple[tuple[ListName, ...], tuple[ListName, ...]]:
    parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    names: list[ListName] = []
    primary = " ".join(p for p in parts if p)
    if primary:
        names.append(ListName(primary, "primary"))
    alias_tag = "INDIVIDUAL_ALIAS" if schema == "Person" else "ENTITY_ALIAS"
    for alias in node.findall(alias_tag):
        text = _text(alias, "ALIAS_NAME")
        if not text:
            continue
        quality = _text(alias, "QUALITY").lower()
        kind = ALIAS_KINDS.get(quality, "alias")
        name = ListName(text, kind, _text(alias, "NOTE") or None)
        if name not in names:
            names.append(name)
    script = tuple(ListName(t, "primary") for t in (_clean(n.text) for n in node.findall("NAME_ORIGINAL_SCRIPT")) if t)
    return tuple(names), script


def _birth_dates(node: Element) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Partial ISO dates: ``1964-07-17``, ``1971``, or a range ``1960/1965``; free-text notes kept apart."""
    dates: list[str] = []
    notes: list[str] = []
    for dob in node.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        value = ""
        exact = _text(dob, "DATE")
        if exact:
            value = exact[:10] if _date(exact) else exact
        elif _text(dob, "YEAR"):
            value = _text(dob, "YEAR")
        elif _text(dob, "FROM_YEAR") or _text(dob, "TO_YEAR"):
            start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
            value = f"{start or end}/{end or start}" if start != end else start
        note = _text(dob, "NOTE")
        if value and value not in dates:
            dates.append(value)
        if note:
            notes.append(note)
            if not value:
                years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", note)
                for year in years:
                    if year not in dates:
                        dates.append(year)
    return tuple(dates), tuple(notes)


def _place(node: Element, *tags: str) -> str:
    return ", ".join(p for p in (_text(node, t) for t in tags) if p)


def _documents(node: Element) -> tuple[ListDocument, ...]:
    docs: list[ListDocument] = []
    for doc in node.findall("INDIVIDUAL_DOCUMENT"):
        kind, number = _text(doc, "TYPE_OF_DOCUMENT"), _text(doc, "NUMBER")
        if not (kind or number):
            continue
        country_text = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
        issuing = (country_code(country_text) or country_text) if country_text else None
        note = "; ".join(p for p in (_text(doc, "NOTE"), _text(doc, "DATE_OF_ISSUE"), _text(doc, "CITY_OF_ISSUE")) if p)
        docs.append(ListDocument(kind or None, number or None, issuing, note or None))
    return tuple(docs)


def _entry(node: Element, schema: str) -> ListEntry:
    reference = _text(node, "REFERENCE_NUMBER")
    if not reference:
        raise UNListError(_("an entry (DATAID %(value)s) has no REFERENCE_NUMBER", value=_text(node, "DATAID") or "?"))
    names, script = _names(node, schema)
    prefix = "INDIVIDUAL" if schema == "Person" else "ENTITY"
    addresses: list[str] = []
    address_country_texts: list[str] = []
    for addr in node.findall(f"{prefix}_ADDRESS"):
        text = _place(addr, "STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        if text:
            addresses.append(text)
        if _text(addr, "COUNTRY"):
            address_country_texts.append(_text(addr, "COUNTRY"))
    birth_dates, dob_notes = _birth_dates(node)
    births = tuple(
        p
        for p in (_place(b, "CITY", "STATE_PROVINCE", "COUNTRY") for b in node.findall("INDIVIDUAL_PLACE_OF_BIRTH"))
        if p
    )
    nationalities, nationality_texts = _countries(_values(node, "NATIONALITY"))
    address_countries, _unresolved = _countries(address_country_texts)
    updated = tuple(d for d in (_date(v) for v in _values(node, "LAST_DAY_UPDATED")) if d)
    return ListEntry(
        reference=reference,
        data_id=_text(node, "DATAID"),
        schema=schema,
        list_type=_text(node, "UN_LIST_TYPE"),
        listed_on=_date(_text(node, "LISTED_ON")),
        names=names,
        original_script_names=script,
        title=_values(node, "TITLE"),
        designation=_values(node, "DESIGNATION"),
        birth_dates=birth_dates,
        birth_date_notes=dob_notes,
        birth_places=births,
        nationalities=nationalities,
        nationality_texts=nationality_texts,
        documents=_documents(node),
        addresses=tuple(addresses),
        address_countries=address_countries,
        gender=_text(node, "GENDER") or None,
        comments=_text(node, "COMMENTS1") or None,
        last_updated=updated,
    )
