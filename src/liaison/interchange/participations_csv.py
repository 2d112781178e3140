"""Ratification tables as CSV: read and checked here, row by row (pure: no database).

Columns (a header row is required; order is free; names are case-insensitive):

- required: ``jurisdiction`` (ISO 3166 alpha-2, e.g. FR), ``instrument`` (a code of the legal tables, e.g.
  ``cets-196``), ``consent`` (ratification, accession, acceptance, approval, succession, or empty / signature_only
  for a signature alone), ``source`` (where the row comes from, e.g. the depositary's status list);
- optional: ``signed_on``, ``consented_on``, ``in_force_on``, ``withdrawn_on``, ``retrieved_on`` (YYYY-MM-DD),
  ``source_url``, and one reservation or declaration per row: ``reservation_effect`` (excludes_article,
  excludes_kind, no_treaty_basis, condition, interpretative), ``reservation_article``, ``reservation_kind`` (the
  request kind an ``excludes_kind`` takes out: mla, extradition, spontaneous), ``reservation_text``.

What can be checked without the database is checked here (an impossible date such as 2019-02-30, a date in the
future, consent after entry into force, a bad code or effect); what needs the legal tables (an unknown state or
instrument, with suggestions; a date before the instrument's adoption; a duplicate row; who may write it) is
checked by :func:`liaison.actions.legal_facts.import_participations`. A file is imported whole or not at all.
The hostile-file habits are those of the other importers: UTF-8/16/32 by byte-order mark, no NUL, strict CSV,
cells through :func:`liaison.interchange.csv_safe.restore`, every cell's length bounded, a row limit.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from liaison.i18n import _
from liaison.interchange import csv_safe
from liaison.interchange.transactions_csv import CsvFileError, RowError, decode, open_table

__all__ = ["COLUMNS", "CsvFileError", "Row", "RowError", "decode", "iterate", "read", "write_rows"]

REQUIRED = ("jurisdiction", "instrument", "consent", "source")
OPTIONAL = ("signed_on", "consented_on", "in_force_on", "withdrawn_on", "retrieved_on", "source_url",
            "reservation_effect", "reservation_article", "reservation_kind", "reservation_text")  # fmt: skip
COLUMNS = REQUIRED + OPTIONAL
CONSENTS = ("ratification", "accession", "acceptance", "approval", "succession", "signature_only", "")
EFFECTS = ("excludes_article", "excludes_kind", "no_treaty_basis", "condition", "interpretative")
KINDS = ("mla", "extradition", "spontaneous")
LIMITS = {"source": 500, "source_url": 500, "reservation_text": 2000, "reservation_article": 40}
MAX_ROWS = 50_000
FIRST_DAY = date(1900, 1, 1)
_STATE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,6}\Z")
_INSTRUMENT = re.compile(r"[a-z0-9][a-z0-9.-]{1,39}\Z")


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    jurisdiction: str
    instrument: str
    consent: str
    signed_on: date | None
    consented_on: date | None
    in_force_on: date | None
    withdrawn_on: date | None
    source: str
    source_url: str
    retrieved_on: date | None
    reservation_effect: str
    reservation_article: str
    reservation_kind: str
    reservation_text: str


def read(text: str) -> tuple[list[Row], list[RowError]]:
    """Every row of the file, checked: (good rows, refused rows with their reasons)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    for item in iterate(text):
        (rows if isinstance(item, Row) else errors).append(item)  # type: ignore[arg-type]
    return rows, errors


def iterate(text: str, *, today: date | None = None) -> Iterator[Row | RowError]:
    """The rows one by one; raises :class:`CsvFileError` for the file as a whole."""
    today = today or datetime.now(UTC).date()
    reader, header = open_table(text, COLUMNS, REQUIRED)
    count = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise CsvFileError(_("more than %(limit)s rows: split the file", limit=MAX_ROWS), line)
            if len(cells) != len(header):
                yield RowError(
                    line,
                    _("%(cells)s cells where the header has %(columns)s", cells=len(cells), columns=len(header)),
                )
                continue
            yield check(dict(zip(header, (csv_safe.restore(c).strip() for c in cells), strict=True)), line, today)
    except csv.Error as exc:
        raise CsvFileError(_("not CSV (%(reason)s)", reason=exc), reader.line_num) from exc


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def check(cells: dict[str, str], line: int, today: date) -> Row | RowError:
    """One row's values, or the first reason it is refused."""
    try:
        return _check(cells, line, today)
    except _Bad as bad:
        return RowError(line, bad.reason)


def _check(c: dict[str, str], line: int, today: date) -> Row:
    for column, limit in LIMITS.items():
        if len(c.get(column, "")) > limit:
            raise _Bad(_("%(column)s: longer than %(limit)s characters", column=column, limit=limit))
    state = c["jurisdiction"].upper()
    if not _STATE.match(state):
        raise _Bad(_("jurisdiction: %(code)r is not an ISO 3166 country code", code=c["jurisdiction"][:20]))
    instrument = c["instrument"].lower()
    if not _INSTRUMENT.match(instrument):
        raise _Bad(_("instrument: %(code)r is not an instrument code", code=c["instrument"][:40]))
    consent = c["consent"].lower().replace(" ", "_")
    if consent not in CONSENTS:
        raise _Bad(_("consent: %(value)r is not one of %(known)s", value=c["consent"][:30],
                     known=", ".join(x for x in CONSENTS if x)))  # fmt: skip
    consent = "" if consent == "signature_only" else consent
    days = {k: day(c.get(k, ""), k, today) for k in ("signed_on", "consented_on", "in_force_on", "withdrawn_on",
                                                       "retrieved_on")}  # fmt: skip
    if consent and days["consented_on"] is None:
        raise _Bad(_("consented_on: needed with consent %(consent)s", consent=consent))
    if not consent and (days["consented_on"] or days["in_force_on"]):
        raise _Bad(_("in force for a state that has not consented to be bound"))
    if days["withdrawn_on"] and days["in_force_on"] and days["withdrawn_on"] < days["in_force_on"]:
        raise _Bad(_("withdrawn_on: before the entry into force"))
    if not c["source"]:
        raise _Bad(_("source: empty (say where the row comes from)"))
    url = c.get("source_url", "")
    if url and not url.startswith(("https://", "http://")):
        raise _Bad(_("source_url: not a web address (https://...)"))
    effect = c.get("reservation_effect", "").lower()
    if effect and effect not in EFFECTS:
        raise _Bad(_("reservation_effect: %(value)r is not one of %(known)s", value=effect[:30],
                     known=", ".join(EFFECTS)))  # fmt: skip
    kind = c.get("reservation_kind", "").lower()
    if effect == "excludes_kind" and kind not in KINDS:
        raise _Bad(_("reservation_kind: %(value)r is not one of %(known)s", value=kind[:30], known=", ".join(KINDS)))
    if effect == "excludes_article" and not c.get("reservation_article"):
        raise _Bad(_("reservation_article: an excluded article needs the article"))
    if not effect and (c.get("reservation_article") or c.get("reservation_text") or kind):
        raise _Bad(_("reservation_effect: empty, but the row describes a reservation"))
    return Row(line, state, instrument, consent, days["signed_on"], days["consented_on"], days["in_force_on"],
               days["withdrawn_on"], c["source"], url, days["retrieved_on"], effect,
               c.get("reservation_article", ""), kind if effect == "excludes_kind" else "",
               c.get("reservation_text", ""))  # fmt: skip


def day(text: str, column: str, today: date) -> date | None:
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise _Bad(_("%(column)s: %(text)r is not a date (YYYY-MM-DD)", column=column, text=text[:30]))
    try:
        on = date.fromisoformat(text)
    except ValueError:
        raise _Bad(_("%(column)s: %(text)s does not exist", column=column, text=text)) from None
    if on < FIRST_DAY:
        raise _Bad(_("%(column)s: %(text)s is before 1900", column=column, text=text))
    if on > today:
        raise _Bad(_("%(column)s: %(text)s is in the future", column=column, text=text))
    return on


def write_rows(rows: list[dict[str, object]]) -> str:
    """CSV text of participations (header and rows, every cell through csv_safe): the demo and the tests."""
    buffer = io.StringIO()
    out = csv_safe.Writer(buffer, lineterminator="\n")
    columns = [c for c in COLUMNS if c in REQUIRED or any(c in r for r in rows)]
    out.writerow(columns)
    for r in rows:
        out.writerow([r.get(c, "") for c in columns])
    return buffer.getvalue()
