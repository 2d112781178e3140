"""The screening CSV: the names a screening officer checks against the bank, one a row.

Columns ``id,name`` and optionally ``birth_date,nationality`` (any order, header required). UTF-8 with or
without a byte-order mark. A birth date may be partial (``1975``, ``1975-03``, ``1975-03-14``); a nationality is
an ISO 3166 alpha-2 or alpha-3 code or a country's name (``Syria``, ``Syrian Arab Republic``, ``SYR``). Every
error names the line, and one bad row refuses the whole file: a screening is never run on part of a list
without the officer knowing.
"""

from __future__ import annotations

import csv
import io
import re

import pycountry

from liaison.errors import LiaisonError, TooLarge
from liaison.i18n import _
from liaison.interchange.csv_safe import restore
from liaison.matching import Query

REQUIRED = ("id", "name")
OPTIONAL = ("birth_date", "nationality")
MAX_FIELD = 1000
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Common names pycountry does not take as they are written.
COUNTRY_NAMES = {
    "iran": "IR",
    "syria": "SY",
    "russia": "RU",
    "turkey": "TR",
    "palestine": "PS",
    "united states": "US",
    "usa": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "south korea": "KR",
    "north korea": "KP",
    "laos": "LA",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "kosovo": "XK",
}


class ScreeningFileError(LiaisonError):
    """The file is not a screening CSV we accept; ``line`` names where (1 is the header)."""

    status = 422
    code = "invalid"

    def __init__(self, detail: str, line: int | None = None) -> None:
        located = _("line %(line)s: %(reason)s", line=line, reason=detail) if line else detail
        super().__init__(located, line=line, field="file")
        self.line = line


def country(text: str) -> str | None:
    """ISO alpha-2 for an alpha-2/alpha-3 code or a country name; None when unknown (no fuzzy guessing: a
    screening must not silently compare against the wrong country)."""
    key = " ".join(text.split()).strip(" .")
    if not key:
        return None
    if key.lower() in COUNTRY_NAMES:
        return COUNTRY_NAMES[key.lower()]
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


def birth_date(text: str) -> str | None:
    """The date as given (``1975``, ``1975-03`` or ``1975-03-14``) if it is a real (partial) date, else None."""
    m = DATE.match(text)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not 1800 <= int(year) <= 2100:
        return None
    if month is not None and not 1 <= int(month) <= 12:
        return None
    if day is not None:
        from datetime import date

        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return None
    return text


def parse(data: bytes | str, *, max_rows: int = 10_000) -> list[Query]:
    """The queries of a screening CSV; :class:`ScreeningFileError` naming the line on anything wrong, and
    :class:`TooLarge` over ``max_rows`` rows."""
    if isinstance(data, bytes):
        if len(data) > max_rows * 2 * MAX_FIELD + 4096:
            raise TooLarge(_("the file is too large for %(max_rows)s rows", max_rows=max_rows))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ScreeningFileError(_("not UTF-8 text (save the file as UTF-8 CSV)"), line) from exc
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        raise ScreeningFileError(_("the file contains NUL characters (is it a CSV file?)"))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ScreeningFileError(_("malformed CSV (%(reason)s)", reason=exc), 1) from exc
    if header is None or not any(h.strip() for h in header):
        raise ScreeningFileError(_("the file is empty: it needs a header line 'id,name[,birth_date,nationality]'"))
    columns = [h.strip().lower() for h in header]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    missing = [c for c in REQUIRED if c not in columns]
    if unknown or missing or len(set(columns)) != len(columns):
        problems = []
        if missing:
            problems.append(_("missing %(columns)s", columns=", ".join(missing)))
        if unknown:
            problems.append(_("unknown %(columns)s", columns=", ".join(repr(c) for c in unknown)))
        if len(set(columns)) != len(columns):
            problems.append(_("a column is repeated"))
        raise ScreeningFileError(
            # Translators: the problems of a screening file's header, joined by "; "
            _(
                "wrong columns (%(problems)s): expected id,name and optionally birth_date,nationality",
                problems="; ".join(problems),
            ),
            1,
        )
    where = {c: i for i, c in enumerate(columns)}
    queries: list[Query] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are harmless
            if len(row) != len(columns):
                raise ScreeningFileError(
                    _("%(fields)s fields where the header has %(columns)s", fields=len(row), columns=len(columns)), line
                )
            if len(queries) >= max_rows:
                raise TooLarge(
                    _("more than %(max_rows)s rows (LIAISON_SCREEN_MAX_ROWS); split the file", max_rows=max_rows)
                )
            cells = {c: restore(row[i].strip()) for c, i in where.items()}
            if any(len(v) > MAX_FIELD for v in cells.values()):
                raise ScreeningFileError(
                    _("a field is longer than %(max_field)s characters", max_field=MAX_FIELD), line
                )
            ident, name = cells["id"], " ".join(cells["name"].split())
            if not ident:
                raise ScreeningFileError(_("empty id"), line)
            if not name:
                raise ScreeningFileError(_("empty name (id %(ident)s)", ident=ident), line)
            if ident in seen:
                raise ScreeningFileError(
                    _("duplicate id %(ident)r (first on line %(seen)s)", ident=ident, seen=seen[ident]), line
                )
            seen[ident] = line
            dob = cells.get("birth_date", "")
            if dob and birth_date(dob) is None:
                raise ScreeningFileError(_("bad birth_date %(dob)r: use YYYY, YYYY-MM or YYYY-MM-DD", dob=dob), line)
            nat_text = cells.get("nationality", "")
            nat = country(nat_text) if nat_text else None
            if nat_text and nat is None:
                raise ScreeningFileError(
                    _(
                        "unknown country %(nat_text)r: use an ISO 3166 code (SY, SYR) or the country's name",
                        nat_text=nat_text,
                    ),
                    line,
                )
            queries.append(Query(id=ident, name=name, birth_date=dob or None, nationality=nat))
    except csv.Error as exc:
        raise ScreeningFileError(_("malformed CSV (%(reason)s)", reason=exc), reader.line_num) from exc
    if not queries:
        raise ScreeningFileError(_("no names to screen: the file has a header but no rows"))
    return queries
