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
  ``marking`` (e.g. ``TLP:AMBER+STRICT REL TO FR DE``, or as the bank labels it:
  ``TLP:RED, originator control, REL TO FR, DE, purpose: ...``), ``observed_on`` (YYYY-MM-DD), ``contributor``
  (the contributing organisation's id; kept only by the node operator's import, for an organisation this node
  knows: anyone else's import is their own contribution) and ``contributor_name`` (read by people, not by the
  import);
- persons: ``data_subject_category`` (suspect, convicted, foreign_terrorist_fighter, associate, victim,
  witness), ``legal_basis``; any entity: ``review_date`` (YYYY-MM-DD);
- ``references``: list references, ``LIST/REFERENCE`` optionally followed by ``listed YYYY-MM-DD`` and
  ``delisted YYYY-MM-DD`` (e.g. ``un-sc/QDi.400 listed 2001-10-06``).

A cell holds several values separated by ``;`` (e.g. ``alias: Abu Karim; Karim al-Faransi``).

A row whose ``key`` repeats an earlier row's (same schema) adds values to that entity with its own provenance
columns: that is how the bank's export writes an entity whose values have different markings or grades. The
entity's own columns (``data_subject_category``, ``legal_basis``, ``review_date``, ``references``) are read from
its first row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from liaison.bank.props import NAME_KINDS, PROPS, RELATIONS
from liaison.errors import LiaisonError
from liaison.i18n import _, ngettext
from liaison.interchange import csv_safe

SEPARATOR = ";"
PROVENANCE = ("source", "grade", "marking", "observed_on", "contributor", "contributor_name")
META = (*PROVENANCE, "data_subject_category", "legal_basis", "review_date", "references")
_REFERENCE = re.compile(
    r"^(?P<list>[^/\s]+)/(?P<ref>\S+)(?:\s+listed\s+(?P<listed>\d{4}-\d{2}-\d{2}))?"
    r"(?:\s+delisted\s+(?P<delisted>\d{4}-\d{2}-\d{2}))?$"
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
        super().__init__(_("line %(line)s: %(reason)s", line=line, reason=detail), line=line)
        self.line = line
        self.reason = detail


@dataclass(frozen=True)
class CsvRow:
    line: int
    key: str
    schema: str
    values: tuple[tuple[str, str, str | None], ...]  # (prop, value, name kind)
    relations: tuple[tuple[str, str], ...]  # (relation, key or entity id)
    meta: dict[str, str]
    more: bool = False  # repeats an earlier row's key: more values of that entity
    references: tuple[tuple[str, str, str | None, str | None], ...] = ()  # list, reference, listed, delisted


def reference_text(list_name: str, reference: str, listed_on: str | None, delisted_on: str | None) -> str:
    """A list reference as the ``references`` column writes it."""
    text = f"{list_name}/{reference}"
    text += f" listed {listed_on}" if listed_on else ""
    return text + (f" delisted {delisted_on}" if delisted_on else "")


def split(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split(SEPARATOR) if v.strip()]


def read(text: str) -> Iterator[CsvRow]:
    """Parse the CSV text; raise :class:`CsvError` naming the first bad line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CsvError(_("the file is empty: expected a header row (schema,name,...)"), 1) from None
    except csv.Error as exc:
        raise CsvError(_("not CSV (%(reason)s)", reason=exc), 1) from exc
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CsvError(
            _(
                "unknown column(s) %(unknown)s; known: %(known)s",
                unknown=", ".join(repr(u) for u in unknown),
                known=", ".join(COLUMNS),
            ),
            1,
        )
    for required in ("schema", "name"):
        if required not in header:
            raise CsvError(_("the header needs a %(required)r column", required=required), 1)
    if len(set(header)) != len(header):
        raise CsvError(_("a column appears twice in the header"), 1)
    keys: dict[str, str] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise CsvError(
                    ngettext(
                        "%(cells)s cells where the header has %(num)d column",
                        "%(cells)s cells where the header has %(num)d columns",
                        len(header),
                        cells=len(cells),
                    ),
                    line,
                )
            row = dict(zip(header, map(csv_safe.restore, cells), strict=True))
            yield _row(row, line, keys)
    except csv.Error as exc:
        raise CsvError(_("not CSV (%(reason)s)", reason=exc), reader.line_num) from exc


def _row(row: dict[str, str], line: int, keys: dict[str, str]) -> CsvRow:
    schema = row["schema"].strip()
    if schema not in PROPS:
        raise CsvError(_("schema %(schema)r is not one of %(choices)s", schema=schema, choices=", ".join(PROPS)), line)
    key = row.get("key", "").strip()
    more = False
    if key:
        if key in keys and keys[key] != schema:
            raise CsvError(
                _("key %(key)r was used by an earlier row of another schema (%(keys)s)", key=key, keys=keys[key]), line
            )
        more = key in keys
        keys[key] = schema
    values: list[tuple[str, str, str | None]] = []
    for column, kind in NAME_COLUMNS.items():
        values.extend(("name", v, kind) for v in split(row.get(column)))
    for column, prop in VALUE_COLUMNS.items():
        found = split(row.get(column))
        if found and prop not in PROPS[schema]:
            raise CsvError(_("a %(schema)s has no %(column)s", schema=schema, column=column), line)
        values.extend((prop, v, None) for v in found)
    relations = tuple((rel, target) for rel in RELATIONS for target in split(row.get(rel)))
    meta = {m: row[m].strip() for m in META if row.get(m, "").strip() and m not in ("references", "contributor_name")}
    references = []
    for text in split(row.get("references")):
        match = _REFERENCE.match(text)
        if match is None:
            form = "LIST/REFERENCE [listed YYYY-MM-DD] [delisted YYYY-MM-DD]"
            raise CsvError(_("references: %(text)r is not %(form)s", text=text, form=form), line)
        references.append((match["list"], match["ref"], match["listed"], match["delisted"]))
    return CsvRow(line, key, schema, tuple(values), relations, meta, more, tuple(references))


def write(rows: Iterable[dict[str, list[str]]]) -> Iterator[str]:
    """CSV text, header first; each row maps column names to its values (joined with ``; ``). Cells are
    written by :mod:`liaison.interchange.csv_safe` (no formulas; :func:`read` takes its quote off again)."""
    buffer = io.StringIO()
    out = csv_safe.Writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        out.writerow([f"{SEPARATOR} ".join(row.get(c, ())) for c in COLUMNS])
        yield buffer.getvalue()
