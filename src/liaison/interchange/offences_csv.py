"""National offences as CSV: read and checked here, row by row (pure: no database).

Columns (a header row is required; order is free; names are case-insensitive):

- required: ``jurisdiction`` (ISO code), ``citation``, ``label`` (in the original language), ``elements``
  (conduct element codes separated by spaces; may be empty when ``any_of`` is given);
- optional: ``language`` (ISO 639-1), ``label_en``, ``max_penalty`` (months as a whole number, ``life``, or
  empty: not stated), ``any_of`` (groups of alternatives separated by ``;``, the codes of a group by spaces:
  ``kill injure; intimidate_population compel_government``), ``in_force_from`` and ``repealed_on``
  (YYYY-MM-DD), ``source``, ``source_url``, ``retrieved_on`` (YYYY-MM-DD), ``verified`` (yes/no), ``models``
  (mappings, ``model=coverage`` separated by spaces: ``eu-2017-541:art-3=partial``).

:func:`read` returns the good rows and, for every other, its line and the reason (an unknown conduct element with
the nearest known ones, an impossible date, a penalty that is not a number of months, a coverage that is not
full/partial/none, the same jurisdiction and citation twice). Whether the states and models exist, and whether
the importer may write them, is the action's question (:func:`liaison.actions.legal_offences.import_offences`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

from liaison.i18n import _
from liaison.interchange import csv_safe
from liaison.interchange.transactions_csv import CsvFileError, RowError, decode, open_table
from liaison.legal.elements import LIFE, UnknownCode, check_codes

REQUIRED = ("jurisdiction", "citation", "label", "elements")
OPTIONAL = (
    "language",
    "label_en",
    "max_penalty",
    "any_of",
    "in_force_from",
    "repealed_on",
    "source",
    "source_url",
    "retrieved_on",
    "verified",
    "models",
)
COLUMNS = REQUIRED + OPTIONAL
COVERAGES = ("full", "partial", "none")

__all__ = ["COLUMNS", "CsvFileError", "OffenceRow", "RowError", "decode", "read"]


@dataclass(frozen=True, slots=True)
class OffenceRow:
    line: int
    jurisdiction: str
    citation: str
    label: str
    language: str
    label_en: str
    max_penalty_months: int | None
    elements: tuple[str, ...]
    any_of: tuple[tuple[str, ...], ...]
    in_force_from: date | None
    repealed_on: date | None
    source: str
    source_url: str
    retrieved_on: date | None
    verified: bool
    models: tuple[tuple[str, str], ...]  # (model code, coverage)


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def read(text: str) -> tuple[list[OffenceRow], list[RowError]]:
    """Every row, checked: (good rows, refused rows with their reasons); :class:`CsvFileError` for the file."""
    reader, header = open_table(text, COLUMNS, REQUIRED)
    rows: list[OffenceRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                errors.append(
                    RowError(
                        line,
                        _("%(cells)s cells where the header has %(columns)s", cells=len(cells), columns=len(header)),
                    )
                )
                continue
            values = dict(zip(header, (csv_safe.restore(c).strip() for c in cells), strict=True))
            try:
                row = _check(values, line)
            except _Bad as bad:
                errors.append(RowError(line, bad.reason))
                continue
            key = (row.jurisdiction, row.citation)
            if key in seen:
                errors.append(RowError(line, _("the same offence as line %(line)s", line=seen[key])))
                continue
            seen[key] = line
            rows.append(row)
    except csv.Error as exc:
        raise CsvFileError(_("not CSV (%(reason)s)", reason=exc), reader.line_num) from exc
    return rows, errors


def _codes(text: str) -> tuple[str, ...]:
    try:
        return tuple(check_codes(text.split()))
    except UnknownCode as exc:
        if exc.suggestions:
            raise _Bad(
                _(
                    "unknown conduct element %(code)r; did you mean %(names)s?",
                    code=exc.code,
                    names=", ".join(exc.suggestions),
                )
            ) from exc
        raise _Bad(_("unknown conduct element %(code)r", code=exc.code)) from exc


def _day(text: str, column: str) -> date | None:
    if not text:
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise _Bad(_("%(column)s: %(text)r is not a date (YYYY-MM-DD)", column=column, text=text[:20])) from None
    if found.year < 1800:
        raise _Bad(_("%(column)s: %(text)r is not a plausible date", column=column, text=text[:20]))
    return found


def _penalty(text: str) -> int | None:
    if not text:
        return None
    if text.lower() == "life":
        return LIFE
    if not text.isdigit() or not 0 < int(text) < LIFE:
        raise _Bad(_("max_penalty: %(text)r is not a number of months or 'life'", text=text[:20]))
    return int(text)


def _check(c: dict[str, str], line: int) -> OffenceRow:
    state = c["jurisdiction"].upper()
    if not (2 <= len(state) <= 8 and state.isalnum()):
        raise _Bad(_("jurisdiction: %(text)r is not a state code", text=c["jurisdiction"][:20]))
    for column in ("citation", "label"):
        if not c[column]:
            raise _Bad(_("%(column)s is required", column=column))
    elements = _codes(c["elements"])
    groups = tuple(g for g in (_codes(part) for part in c.get("any_of", "").split(";")) if g)
    if not elements and not groups:
        raise _Bad(_("an offence needs at least one conduct element"))
    start, end = _day(c.get("in_force_from", ""), "in_force_from"), _day(c.get("repealed_on", ""), "repealed_on")
    if start and end and end <= start:
        raise _Bad(_("repealed on or before it came into force"))
    verified = c.get("verified", "").lower()
    if verified not in ("", "yes", "no", "true", "false", "1", "0"):
        raise _Bad(_("verified: %(text)r is not yes or no", text=verified[:20]))
    models: list[tuple[str, str]] = []
    for item in c.get("models", "").split():
        model, _sep, coverage = item.partition("=")
        if coverage not in COVERAGES:
            raise _Bad(_("models: %(item)r: the coverage is one of full, partial, none", item=item[:80]))
        models.append((model.lower(), coverage))
    return OffenceRow(
        line,
        state,
        c["citation"][:300],
        c["label"][:400],
        c.get("language", "").lower()[:8],
        c.get("label_en", "")[:400],
        _penalty(c.get("max_penalty", "")),
        elements,
        groups,
        start,
        end,
        c.get("source", "")[:500],
        c.get("source_url", "")[:500],
        _day(c.get("retrieved_on", ""), "retrieved_on"),
        verified in ("yes", "true", "1"),
        tuple(models),
    )
