"""Money transactions as CSV: read and checked here, row by row (pure: no database).

Columns (a header row is required; order is free; names are case-insensitive):

- required: ``date`` (YYYY-MM-DD), ``amount`` (a positive number, a point for decimals, at most two decimals,
  no thousands separator), ``currency`` (an ISO 4217 code such as EUR, USD), ``from`` and ``to`` (a bank
  entity's id, or a name: an exact name of an entity the importer may see links the party to it, any other
  name is kept as the account's name), ``reference`` (may be empty) and ``source`` (may be empty: the
  import's source);
- optional: ``kind`` (transfer, payment, funding or ownership; default transfer), ``tlp`` (TLP 2.0, e.g.
  ``TLP:AMBER``), ``releasable_to`` (member codes, e.g. ``FR DE``), ``reliability`` (A-F) and ``credibility``
  (1-6); empty cells take the import's defaults.

A bad row is not a bad file: :func:`read` returns the good rows and, for every other, its line and the reason
(an impossible date, an amount that is negative, zero, not a number or absurd, an unknown currency code or TLP
level, an empty party). Only a file that is not CSV, has no usable header or is not text is refused whole
(:class:`CsvFileError`). Cells go through :func:`liaison.interchange.csv_safe.restore` (a file we exported reads
back as written); the text may start with a byte-order mark and be UTF-8, UTF-16 or UTF-32 (:func:`decode`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry

from liaison.errors import LiaisonError
from liaison.i18n import _
from liaison.interchange import csv_safe
from liaison.marking import Marking, MarkingError, parse_tlp

REQUIRED = ("date", "amount", "currency", "from", "to", "reference", "source")
OPTIONAL = ("kind", "tlp", "releasable_to", "reliability", "credibility")
COLUMNS = REQUIRED + OPTIONAL
KINDS = ("transfer", "payment", "funding", "ownership")
MAX_AMOUNT = Decimal("1000000000000")  # a trillion: above it an amount is a typing error, not a transaction
FIRST_DAY = date(1900, 1, 1)
LIMITS = {"from": 300, "to": 300, "reference": 200, "source": 300}
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
_MEMBER = re.compile(r"[A-Z][A-Z0-9-]{1,19}\Z")


class CsvFileError(LiaisonError):
    """The whole file is unreadable (not text, not CSV, no usable header)."""

    status = 422
    code = "invalid"

    def __init__(self, detail: str, line: int = 1) -> None:
        super().__init__(_("line %(line)s: %(reason)s", line=line, reason=detail), line=line)
        self.line = line
        self.reason = detail


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    on: date
    amount: Decimal
    currency: str
    from_party: str
    to_party: str
    reference: str
    source: str
    kind: str
    tlp: str | None
    releasable_to: tuple[str, ...] | None
    reliability: str | None
    credibility: str | None


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "detail": _("line %(line)s: %(reason)s", line=self.line, reason=self.reason)}


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), or UTF-16/UTF-32 announced by their BOM."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            _("the file is not %(encoding)s text (%(reason)s); save it as UTF-8", encoding=encoding, reason=exc.reason),
            0,
        ) from exc


def read(text: str) -> tuple[list[Row], list[RowError]]:
    """Every row of the file, checked: (good rows, refused rows with their reasons)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    for item in iterate(text):
        if isinstance(item, Row):
            rows.append(item)
        else:
            errors.append(item)
    return rows, errors


def open_table(text: str, columns: Sequence[str], required: Sequence[str]) -> tuple[Any, list[str]]:
    """A strict CSV reader over ``text`` past its checked header, and the header (lower case). The file as a whole
    is refused (:class:`CsvFileError`) for NUL characters, no header, a broken quote, an unknown, missing or
    repeated column. The transactions, ratification and national-offence imports share it."""
    if "\x00" in text:
        raise CsvFileError(_("the file holds NUL characters: not a CSV text file"))
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = [csv_safe.restore(h).strip().lower() for h in next(reader)]
    except StopIteration:
        raise CsvFileError(
            _("the file is empty: expected a header row (%(columns)s)", columns=",".join(required))
        ) from None
    except csv.Error as exc:
        raise CsvFileError(_("not CSV (%(reason)s)", reason=exc)) from exc
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise CsvFileError(
            _(
                "unknown column(s) %(unknown)s; known: %(known)s",
                unknown=", ".join(repr(u[:40]) for u in unknown[:5]),
                known=", ".join(columns),
            )
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvFileError(_("the header lacks the column(s) %(missing)s", missing=", ".join(missing)))
    if len(set(header)) != len(header):
        raise CsvFileError(_("a column appears twice in the header"))
    return reader, header


def iterate(text: str) -> Iterator[Row | RowError]:
    """The rows one by one (for big files); raises :class:`CsvFileError` for the file as a whole."""
    reader, header = open_table(text, COLUMNS, REQUIRED)
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield RowError(
                    line,
                    _("%(cells)s cells where the header has %(columns)s", cells=len(cells), columns=len(header)),
                )
                continue
            yield check(dict(zip(header, (csv_safe.restore(c).strip() for c in cells), strict=True)), line)
    except csv.Error as exc:
        raise CsvFileError(_("not CSV (%(reason)s)", reason=exc), reader.line_num) from exc


def check(cells: dict[str, str], line: int) -> Row | RowError:
    """One row's values, or the first reason it is refused."""
    try:
        return _check(cells, line)
    except _Bad as bad:
        return RowError(line, bad.reason)


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _check(c: dict[str, str], line: int) -> Row:
    for column, limit in LIMITS.items():
        if len(c.get(column, "")) > limit:
            raise _Bad(_("%(column)s: longer than %(limit)s characters", column=column, limit=limit))
    on = day(c["date"])
    amount = parse_amount(c["amount"])
    currency = c["currency"].upper()
    if not re.fullmatch(r"[A-Z]{3}", currency) or pycountry.currencies.get(alpha_3=currency) is None:
        raise _Bad(_("currency: %(code)r is not an ISO 4217 currency code", code=c["currency"][:20]))
    if not c["from"]:
        raise _Bad(_("from: empty (the paying party is needed)"))
    if not c["to"]:
        raise _Bad(_("to: empty (the receiving party is needed)"))
    if c["from"].casefold() == c["to"].casefold():
        raise _Bad(_("from and to are the same party"))
    kind = (c.get("kind") or "transfer").lower()
    if kind not in KINDS:
        raise _Bad(_("kind: %(kind)r is not one of %(kinds)s", kind=kind[:30], kinds=", ".join(KINDS)))
    tlp = None
    if c.get("tlp"):
        try:
            tlp = parse_tlp(c["tlp"][:40])
        except MarkingError as exc:
            raise _Bad(str(exc)) from None
    releasable: tuple[str, ...] | None = None
    if c.get("releasable_to"):
        codes = tuple(sorted({x for x in re.split(r"[\s,;]+", c["releasable_to"].upper()) if x}))
        if not all(_MEMBER.match(x) for x in codes):
            raise _Bad(_("releasable_to: member codes are upper-case letters, digits or dashes"))
        try:
            Marking(tlp or "AMBER", releasable_to=codes)
        except MarkingError as exc:
            raise _Bad(str(exc)) from None
        releasable = codes
    reliability = (c.get("reliability") or "").upper() or None
    if reliability is not None and (len(reliability) != 1 or reliability not in "ABCDEF"):
        raise _Bad(_("reliability: %(value)r is not A-F", value=reliability[:10]))
    credibility = c.get("credibility") or None
    if credibility is not None and (len(credibility) != 1 or credibility not in "123456"):
        raise _Bad(_("credibility: %(value)r is not 1-6", value=credibility[:10]))
    return Row(
        line,
        on,
        amount,
        currency,
        c["from"],
        c["to"],
        c.get("reference", ""),
        c.get("source", ""),
        kind,
        tlp,
        releasable,
        reliability,
        credibility,
    )


def day(text: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise _Bad(_("date: %(text)r is not a date (YYYY-MM-DD)", text=text[:30]))
    try:
        on = date.fromisoformat(text)
    except ValueError:
        raise _Bad(_("date: %(text)s does not exist", text=text)) from None
    if on < FIRST_DAY or on > datetime.now(UTC).date():
        raise _Bad(_("date: %(text)s is not between 1900 and today", text=text))
    return on


def parse_amount(text: str) -> Decimal:
    value = text.replace(" ", "")
    if value.startswith("-"):
        raise _Bad(_("amount: %(text)s is negative; give the direction by from and to", text=text[:30]))
    if not _AMOUNT.match(value):
        raise _Bad(_("amount: %(text)r is not a number (digits, a point for decimals)", text=text[:30]))
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise _Bad(_("amount: %(text)r is not a number (digits, a point for decimals)", text=text[:30])) from None
    if amount <= 0:
        raise _Bad(_("amount: zero"))
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _Bad(_("amount: %(text)s has more than two decimals", text=text[:30]))
    if amount >= MAX_AMOUNT:
        raise _Bad(_("amount: %(text)s is absurd (a trillion or more)", text=text[:30]))
    return amount


def write_rows(rows: list[dict[str, str]]) -> str:
    """CSV text of transactions (header and rows, every cell through csv_safe): the demo and the tests."""
    buffer = io.StringIO()
    out = csv_safe.Writer(buffer, lineterminator="\n")
    columns = [c for c in COLUMNS if c in REQUIRED or any(c in r for r in rows)]
    out.writerow(columns)
    for r in rows:
        out.writerow([r.get(c, "") for c in columns])
    return buffer.getvalue()
