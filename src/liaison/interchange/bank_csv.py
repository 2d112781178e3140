"""The analysts' CSV: one row per entity, read and written here (pure: no database).

Columns (a header row is required; order is free; only ``schema`` and ``name`` are required):

- ``key``: a label for the row, so other rows can relate to it (any text unique in the file);
- ``schema``: Person, Organization, Address or Event;
- names: ``name`` (primary), ``alias``, ``code_name``, ``weak_alias``, ``former_name``;
- values, by the bank's property names in snake case: ``birth_date`` (YYYY, YYYY-MM, YYYY-MM-DD or a range
  YYYY/YYYY), ``birth_place``, ``nationality`` and ``country`` (ISO 3166 codes), ``gender``, ``title``,
  ``position``, ``id_number``, ``passport_number``, ``address``, ``ideology``, ``structure``, ``recruitment``,
  ``funding``, ``weapons``, ``training_area``, ``incorporation_date``, ``full``, ``latitude``, ``longitude``,
  ``date``, ``location``, ``summary``, ``notes``;
- relations: ``member_of``, ``leader_of``, ``finances``, ``trains_at``, ``associate_of``, ``family_of``,
  ``successor_of``, ``faction_of``, ``involved_in``: the ``key`` of another row, or the id of an entity already
  in the bank;
- provenance of the row's statements (empty: the import's defaults): ``source``, ``grade`` (e.g. ``B2``),
  ``marking`` (e.g. ``TLP:AMBER+STRICT REL TO FR DE``), ``observed_on`` (YYYY-MM-DD);
- persons: ``data_subject_category`` (suspect, convicted, foreign_terrorist_fighter, associate, victim,
  witness), ``legal_basis``; any entity: ``review_date`` (YYYY-MM-DD).

A cell holds several values separated by ``;`` (e.g. ``alias: Abu Karim; Karim al-Faransi``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from liaison.bank.props import NAME_KINDS, PROPS, RELATIONS
from liaison.errors import LiaisonError

SEPARATOR = ";"
META = (
    "source",
    "grade",
    "marking",
    "observed_on",
    "data_subject_category",
    "legal_basis",
    "review_date",
)


def snake(prop: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", prop).lower()


VALUE_COLUMNS = {snake(p): p for props in PROPS.values() for p in props if p != "name"}
NAME_COLUMNS = {("name" if kind == "primary" else kind): kind for kind in NAME_KINDS}
COLUMNS = ("key", "schema", *NAME_COLUMNS, *VALUE_COLUMNS, *RELATIONS, *META)


class CsvError(LiaisonError):
    """A row (or the header, line 1) the bank cannot take."""

    status = 422
    code = "invalid"

    def __init__(self, detail: str, line: int) -> None:
        super().__init__(f"line {line}: {detail}", line=line)
        self.line = line


@dataclass(frozen=True)
class CsvRow:
    line: int
    key: str
    schema: str
    values: tuple[tuple[str, str, str | None], ...]  # (prop, value, name kind)
    relations: tuple[tuple[str, str], ...]  # (relation, key or entity id)
    meta: dict[str, str]


def split(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split(SEPARATOR) if v.strip()]


def read(text: str) -> Iterator[CsvRow]:
    """Parse the CSV text; raise :class:`CsvError` naming the first bad line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CsvError("the file is empty: expected a header row (schema,name,...)", 1) from None
    except csv.Error as exc:
        raise CsvError(f"not CSV ({exc})", 1) from exc
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CsvError(f"unknown column(s) {', '.join(repr(u) for u in unknown)}; known: {', '.join(COLUMNS)}", 1)
    for required in ("schema", "name"):
        if required not in header:
            raise CsvError(f"the header needs a {required!r} column", 1)
    if len(set(header)) != len(header):
        raise CsvError("a column appears twice in the header", 1)
    keys: set[str] = set()
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise CsvError(f"{len(cells)} cells where the header has {len(header)} columns", line)
            row = dict(zip(header, cells, strict=True))
            yield _row(row, line, keys)
    except csv.Error as exc:
        raise CsvError(f"not CSV ({exc})", reader.line_num) from exc


def _row(row: dict[str, str], line: int, keys: set[str]) -> CsvRow:
    schema = row["schema"].strip()
    if schema not in PROPS:
        raise CsvError(f"schema {schema!r} is not one of {', '.join(PROPS)}", line)
    key = row.get("key", "").strip()
    if key:
        if key in keys:
            raise CsvError(f"key {key!r} was used by an earlier row", line)
        keys.add(key)
    values: list[tuple[str, str, str | None]] = []
    for column, kind in NAME_COLUMNS.items():
        values.extend(("name", v, kind) for v in split(row.get(column)))
    for column, prop in VALUE_COLUMNS.items():
        found = split(row.get(column))
        if found and prop not in PROPS[schema]:
            raise CsvError(f"a {schema} has no {column}", line)
        values.extend((prop, v, None) for v in found)
    relations = tuple((rel, target) for rel in RELATIONS for target in split(row.get(rel)))
    meta = {m: row[m].strip() for m in META if row.get(m, "").strip()}
    return CsvRow(line, key, schema, tuple(values), relations, meta)


def write(rows: Iterable[dict[str, list[str]]]) -> Iterator[str]:
    """CSV text, header first; each row maps column names to its values (joined with ``; ``)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        out.writerow([f"{SEPARATOR} ".join(row.get(c, ())) for c in COLUMNS])
        yield buffer.getvalue()
