"""Incidents as CSV in the Global Terrorism Database codebook's column layout (pure: no database).

A header row is required; column order is free and GTD's other columns (there are about 135) are ignored, so a
GTD export goes in as it is. Read: ``eventid``, ``iyear``, ``imonth``, ``iday``, ``country_txt`` (or ``country``
holding an ISO code or a name; GTD's numeric ``country`` is ignored when ``country_txt`` is there), ``region``,
``provstate``, ``city``, ``latitude``, ``longitude``, ``attacktype1``, ``weaptype1``, ``targtype1``, ``nkill``,
``nwound``, ``gname``, ``claimed``, ``success``, ``suicide``, ``summary``, ``scite1`` (or ``dbsource``) as the
source; and Liaison's own, optional: ``tlp``, ``releasable_to`` (member codes), ``reliability`` (A-F),
``credibility`` (1-6). The ``*_txt`` label columns are read by people, not by the import: the codes decide.

Every row is checked and each bad one refused with its line and reason (:class:`RowError`); what the file as a
whole gets wrong (no header, not CSV, not text) is a :class:`FileRefused`. As in the codebook, ``imonth`` or
``iday`` 0 means unknown: the date is then the first of the month or year, and ``date_precision`` says so.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from liaison.analysis import gtd
from liaison.errors import LiaisonError
from liaison.i18n import _
from liaison.interchange import csv_safe
from liaison.marking import MarkingError, parse_tlp

REQUIRED = ("eventid", "iyear", "imonth", "iday", "region", "attacktype1", "weaptype1", "targtype1")
_EVENT_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,39}\Z")
_MEMBER = re.compile(r"[A-Z][A-Z0-9-]{1,19}\Z")
_LIMITS = {"provstate": 200, "city": 200, "gname": 300, "source": 300, "summary": 20_000}
FIRST_YEAR = 1900


class FileRefused(LiaisonError):
    """The file as a whole cannot be read (not text, not CSV, no usable header)."""

    status = 422
    code = "invalid"


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str

    @property
    def detail(self) -> str:
        return _("line %(line)s: %(reason)s", line=self.line, reason=self.reason)


@dataclass(frozen=True, slots=True)
class IncidentRow:
    line: int
    event_key: str
    occurred_on: date
    date_precision: str  # day | month | year
    country: str  # ISO alpha-2 (XX: international)
    region: int
    province: str
    city: str
    latitude: float | None
    longitude: float | None
    attack_type: int
    weapon_type: int
    target_type: int
    killed: int | None
    wounded: int | None
    group_name: str
    claimed: bool | None
    success: bool
    suicide: bool
    summary: str
    source: str
    tlp: str | None  # None: the import's default marking
    releasable_to: tuple[str, ...] | None
    reliability: str | None
    credibility: str | None


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def decode(data: bytes | str) -> str:
    """The text of a file: UTF-8 (with or without a byte-order mark) or UTF-16 with its mark."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRefused(_("the file is not UTF-16 text (%(reason)s)", reason=exc.reason)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _(
                "the file is not UTF-8 text (%(reason)s at byte %(at)s): save it as UTF-8 CSV",
                reason=exc.reason,
                at=exc.start,
            )
        ) from exc


def read(text: str) -> Iterator[IncidentRow | RowError]:
    """Each data row of the CSV text, checked: an :class:`IncidentRow`, or a :class:`RowError` saying why not.
    Raises :class:`FileRefused` when the file itself cannot be read."""
    if "\x00" in text:
        raise FileRefused(_("the file holds NUL characters: it is not CSV text"))
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FileRefused(_("the file is empty: expected a header row (eventid,iyear,imonth,iday,...)")) from None
    except csv.Error as exc:
        raise FileRefused(_("not CSV (%(reason)s)", reason=exc)) from exc
    if len(set(header)) != len(header):
        raise FileRefused(_("line 1: a column appears twice in the header"))
    missing = [c for c in REQUIRED if c not in header]
    if "country_txt" not in header and "country" not in header:
        missing.append("country_txt")
    if missing:
        raise FileRefused(_("line 1: the header lacks the column(s) %(columns)s", columns=", ".join(missing)))
    seen: set[str] = set()
    today = date.today()  # noqa: DTZ011 - the calendar day, for "not in the future"
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
            row = {h: csv_safe.restore(c).strip() for h, c in zip(header, cells, strict=True)}
            try:
                parsed = _row(row, line, today)
            except _Bad as bad:
                yield RowError(line, bad.reason)
                continue
            if parsed.event_key in seen:
                yield RowError(line, _("eventid %(id)s appears twice in the file", id=parsed.event_key))
                continue
            seen.add(parsed.event_key)
            yield parsed
    except csv.Error as exc:
        raise FileRefused(_("line %(line)s: not CSV (%(reason)s)", line=reader.line_num, reason=exc)) from exc


def _int(row: dict[str, str], column: str, *, required: bool = True) -> int | None:
    text = row.get(column, "")
    if not text:
        if required:
            raise _Bad(_("%(column)s is empty", column=column))
        return None
    try:
        number = float(text)
    except ValueError:
        raise _Bad(_("%(column)s: %(value)r is not a number", column=column, value=text[:40])) from None
    if not math.isfinite(number) or number != int(number):
        raise _Bad(_("%(column)s: %(value)r is not a whole number", column=column, value=text[:40]))
    return int(number)


def _code(row: dict[str, str], column: str, table: dict[int, object]) -> int:
    value = _int(row, column)
    if value not in table:
        raise _Bad(
            _(
                "%(column)s: %(value)s is not a code of the GTD codebook (%(low)s-%(high)s)",
                column=column,
                value=value,
                low=min(table),
                high=max(table),
            )
        )
    return value


def _flag(row: dict[str, str], column: str, default: bool) -> bool:
    value = _int(row, column, required=False)
    if value is None:
        return default
    if value not in (0, 1):
        raise _Bad(_("%(column)s: %(value)s is not 1 (yes) or 0 (no)", column=column, value=value))
    return value == 1


def _date(row: dict[str, str], today: date) -> tuple[date, str]:
    year, month, day = _int(row, "iyear"), _int(row, "imonth"), _int(row, "iday")
    assert year is not None and month is not None and day is not None
    if not FIRST_YEAR <= year <= today.year:
        raise _Bad(_("iyear: %(year)s is not a year from %(first)s to this year", year=year, first=FIRST_YEAR))
    if not 0 <= month <= 12:
        raise _Bad(_("imonth: %(month)s is not a month (1-12, or 0 when unknown)", month=month))
    if month == 0 and day != 0:
        raise _Bad(_("iday is given but imonth is 0 (unknown)"))
    try:
        when = date(year, month or 1, day or 1)
    except ValueError:
        raise _Bad(_("%(year)s-%(month)s-%(day)s is not a date", year=year, month=month, day=day)) from None
    if when > today:
        raise _Bad(_("%(date)s is in the future", date=when.isoformat()))
    return when, "year" if month == 0 else "month" if day == 0 else "day"


def _coordinates(row: dict[str, str]) -> tuple[float | None, float | None]:
    lat_text, lon_text = row.get("latitude", ""), row.get("longitude", "")
    if not lat_text and not lon_text:
        return None, None
    if not lat_text or not lon_text:
        raise _Bad(_("give both latitude and longitude, or neither"))
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise _Bad(
            _("latitude/longitude: %(value)r is not a number", value=f"{lat_text[:20]},{lon_text[:20]}")
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Bad(_("coordinates %(lat)s, %(lon)s are out of range", lat=lat_text[:20], lon=lon_text[:20]))
    if lat == 0 and lon == 0:
        raise _Bad(_("coordinates 0, 0 are in the sea off Africa: a missing value written as zero"))
    return lat, lon


def _casualties(row: dict[str, str], column: str) -> int | None:
    value = _int(row, column, required=False)
    if value is not None and value < 0:
        raise _Bad(_("%(column)s: %(value)s is negative", column=column, value=value))
    return value


def _text(row: dict[str, str], column: str, value: str | None = None) -> str:
    text = row.get(column, "") if value is None else value
    if len(text) > _LIMITS[column]:
        raise _Bad(_("%(column)s is longer than %(limit)s characters", column=column, limit=_LIMITS[column]))
    return text


def _handling(row: dict[str, str]) -> tuple[str | None, tuple[str, ...] | None, str | None, str | None]:
    tlp = None
    if row.get("tlp"):
        try:
            tlp = parse_tlp(row["tlp"])
        except MarkingError as exc:
            raise _Bad(str(exc)) from None
    releasable = None
    if row.get("releasable_to"):
        codes = [c.upper() for c in re.split(r"[\s,;]+", row["releasable_to"]) if c]
        bad = [c for c in codes if not _MEMBER.match(c)]
        if bad:
            raise _Bad(_("releasable_to: %(codes)s are not member codes", codes=", ".join(bad[:5])))
        releasable = tuple(sorted(set(codes)))
    reliability = row.get("reliability", "").upper() or None
    if reliability is not None and (len(reliability) != 1 or reliability not in "ABCDEF"):
        raise _Bad(_("reliability: %(value)r is not A-F", value=reliability[:10]))
    credibility = row.get("credibility", "") or None
    if credibility is not None and (len(credibility) != 1 or credibility not in "123456"):
        raise _Bad(_("credibility: %(value)r is not 1-6", value=credibility[:10]))
    return tlp, releasable, reliability, credibility


def _row(row: dict[str, str], line: int, today: date) -> IncidentRow:
    key = row["eventid"]
    if not _EVENT_KEY.match(key):
        raise _Bad(_("eventid %(id)r is not an identifier (letters, digits, . _ : -; at most 40)", id=key[:60]))
    occurred_on, precision = _date(row, today)
    name = row.get("country_txt") or row.get("country", "")
    found = gtd.country_code(name)
    if found is None:
        raise _Bad(_("country %(name)r is not a country GTD or ISO 3166 knows", name=name[:80]))
    country, gtd_region = found
    region = _code(row, "region", gtd.REGIONS)
    if not gtd.fits_region(country, region, gtd_region):
        raise _Bad(
            _(
                "region %(region)s (%(label)s) is not the region of %(country)s",
                region=region,
                label=gtd.label(gtd.REGIONS, region),
                country=name[:80],
            )
        )
    latitude, longitude = _coordinates(row)
    claimed = _int(row, "claimed", required=False)
    if claimed not in (None, 1, 0, -9):
        raise _Bad(_("claimed: %(value)s is not 1, 0 or -9 (unknown)", value=claimed))
    tlp, releasable, reliability, credibility = _handling(row)
    return IncidentRow(
        line=line,
        event_key=key,
        occurred_on=occurred_on,
        date_precision=precision,
        country=country,
        region=region,
        province=_text(row, "provstate"),
        city=_text(row, "city"),
        latitude=latitude,
        longitude=longitude,
        attack_type=_code(row, "attacktype1", gtd.ATTACK_TYPES),
        weapon_type=_code(row, "weaptype1", gtd.WEAPON_TYPES),
        target_type=_code(row, "targtype1", gtd.TARGET_TYPES),
        killed=_casualties(row, "nkill"),
        wounded=_casualties(row, "nwound"),
        group_name=_text(row, "gname"),
        claimed=None if claimed in (None, -9) else claimed == 1,
        success=_flag(row, "success", True),
        suicide=_flag(row, "suicide", False),
        summary=_text(row, "summary"),
        source=_text(row, "source", row.get("scite1") or row.get("dbsource") or ""),
        tlp=tlp,
        releasable_to=releasable,
        reliability=reliability,
        credibility=credibility,
    )


COLUMNS = (
    "eventid",
    "iyear",
    "imonth",
    "iday",
    "country_txt",
    "region",
    "region_txt",
    "provstate",
    "city",
    "latitude",
    "longitude",
    "attacktype1",
    "attacktype1_txt",
    "weaptype1",
    "weaptype1_txt",
    "targtype1",
    "targtype1_txt",
    "nkill",
    "nwound",
    "gname",
    "claimed",
    "success",
    "suicide",
    "summary",
    "scite1",
    "tlp",
    "releasable_to",
    "reliability",
    "credibility",
)
"""The columns :func:`read` takes, in the order a file written for Liaison would list them."""
