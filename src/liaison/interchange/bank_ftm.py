"""FollowTheMoney entities as JSON lines, read and written with the ``followthemoney`` library (pure: no database).

The bank keeps four FtM schemas: Person, Organization (Company and PublicBody are read as organisations),
Address and Event. Names travel as FtM's name properties (``name`` primary, ``alias``, ``weakAlias``,
``previousName``; a code name leaves as an ``alias``, since FtM has no code-name property). Bank properties FtM
does not have (an organisation's ideology, structure, recruitment, funding, weapons, training area) travel as
``notes`` written ``"ideology: ..."`` and are read back into their property.

Relations are FtM interval entities: Membership (member of), Directorship (leader of), Family, Associate, and
UnknownLink for the others, whose ``role`` names the bank relation (finances, trains_at, successor_of,
faction_of, involved_in). An Event's ``involved`` entities are read as ``involved_in`` relations.

FtM properties the bank does not keep (``topics``, ``sourceUrl``, ``email``, ...) are skipped and counted, so the
import report says what was left behind; a property FtM itself does not know, an unsupported schema, or a line
that is not a JSON object is an error naming the line.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson
from followthemoney import model
from followthemoney.schema import Schema

from liaison.bank.props import NAME_KIND_FTM, PROPS, RELATIONS
from liaison.errors import LiaisonError

SCHEMAS = {
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Organization",
    "PublicBody": "Organization",
    "Address": "Address",
    "Event": "Event",
}
NAME_PROPS = {"name": "primary", "alias": "alias", "weakAlias": "weak_alias", "previousName": "former_name"}
# FtM interval schema: (subject property, object property, bank relation; None: read from ``role``).
RELATION_SCHEMAS: dict[str, tuple[str, str, str | None]] = {
    "Membership": ("member", "organization", "member_of"),
    "Directorship": ("director", "organization", "leader_of"),
    "Family": ("person", "relative", "family_of"),
    "Associate": ("person", "associate", "associate_of"),
    "UnknownLink": ("subject", "object", None),
}
RELATION_FTM = {relation: schema for schema, (_s, _o, relation) in RELATION_SCHEMAS.items() if relation}
DATE_PROPS = frozenset({"birthDate", "date", "incorporationDate"})


class FtmError(LiaisonError):
    """A line of the FtM file the bank cannot take; ``line`` names it (1-based)."""

    status = 422
    code = "invalid"

    def __init__(self, detail: str, line: int) -> None:
        super().__init__(f"line {line}: {detail}", line=line)
        self.line = line


class FtmEntity(NamedTuple):  # a NamedTuple, not a dataclass: a million of them are made in an import
    line: int
    id: str
    schema: str  # the bank's schema
    values: tuple[tuple[str, str, str | None], ...]  # (prop, value, name kind)


class FtmRelation(NamedTuple):
    line: int
    id: str
    prop: str  # a bank relation
    subject: str
    object: str
    note: str = ""


@dataclass
class ReadStats:
    ignored: Counter[str] = field(default_factory=Counter)  # "Person:topics" -> values skipped


@functools.cache
def _extra_props(bank_schema: str, ftm_schema: str) -> frozenset[str]:
    """Bank properties FtM's schema lacks: they travel as prefixed notes."""
    ftm = model.get(ftm_schema)
    assert ftm is not None
    return frozenset(p for p in PROPS[bank_schema] if p not in ftm.properties)


def read(lines: Iterable[bytes | str], stats: ReadStats | None = None) -> Iterator[FtmEntity | FtmRelation]:
    """Parse FtM JSON lines; blank lines are skipped. Raises :class:`FtmError` naming the first bad line."""
    stats = stats if stats is not None else ReadStats()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise FtmError(f"not JSON ({exc})", number) from exc
        if not isinstance(data, dict):
            raise FtmError("a line is one JSON object (an FtM entity)", number)
        yield from _entity(data, number, stats)


def _props(data: dict[str, object], schema: Schema, line: int) -> dict[str, list[str]]:
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise FtmError("'properties' is not an object", line)
    known = schema.properties
    out: dict[str, list[str]] = {}
    for key, values in props.items():
        if key not in known:
            raise FtmError(f"{schema.name} has no property {key!r} in FollowTheMoney", line)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise FtmError(f"{key}: values are a list of strings", line)
        # FtM's schema (above) decides what is a property; values are deduplicated in order, as an EntityProxy
        # does, and checked by the bank's own value rules when the import writes them.
        if values:
            out[key] = values if len(values) == 1 else list(dict.fromkeys(values))
    return out


def _entity(data: dict[str, object], line: int, stats: ReadStats) -> Iterator[FtmEntity | FtmRelation]:
    name = data.get("schema")
    ftm_id = data.get("id")
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        raise FtmError(f"unknown FollowTheMoney schema {name!r}", line)
    if not isinstance(ftm_id, str) or not ftm_id.strip():
        raise FtmError("an entity needs an 'id'", line)
    props = _props(data, schema, line)
    if schema.name in RELATION_SCHEMAS:
        yield _relation(schema.name, ftm_id, props, line)
        return
    bank_schema = SCHEMAS.get(schema.name)
    if bank_schema is None:
        kept = ", ".join(sorted(set(SCHEMAS) | set(RELATION_SCHEMAS)))
        raise FtmError(f"the bank does not keep {schema.name} entities (it keeps {kept})", line)
    extra = _extra_props(bank_schema, schema.name)
    values: list[tuple[str, str, str | None]] = []
    for prop, found in props.items():
        if prop in NAME_PROPS:
            values.extend(("name", v, NAME_PROPS[prop]) for v in found)
        elif prop == "notes" and extra:
            for v in found:
                head, sep, rest = v.partition(": ")
                values.append((head, rest, None) if sep and head in extra else ("notes", v, None))
        elif prop in PROPS[bank_schema]:
            values.extend((prop, v[:10] if prop in DATE_PROPS and "T" in v else v, None) for v in found)
        elif prop == "involved" and bank_schema == "Event":
            for n, other in enumerate(found):
                yield FtmRelation(line, f"{ftm_id}:involved:{n}", "involved_in", other, ftm_id)
        else:
            stats.ignored[f"{schema.name}:{prop}"] += len(found)
    if bank_schema == "Address" and not any(p == "name" for p, _v, _k in values):
        values.extend(("name", v, "primary") for v in props.get("full", ()))
    yield FtmEntity(line, ftm_id, bank_schema, tuple(values))


def _relation(schema: str, ftm_id: str, props: dict[str, list[str]], line: int) -> FtmRelation:
    subject_prop, object_prop, relation = RELATION_SCHEMAS[schema]
    subjects, objects = props.get(subject_prop, []), props.get(object_prop, [])
    if len(subjects) != 1 or len(objects) != 1:
        raise FtmError(f"a {schema} names exactly one {subject_prop} and one {object_prop}", line)
    roles = props.get("role", [])
    note = "; ".join(roles)
    if relation is None:
        known = [r for r in roles if r in RELATIONS]
        relation = known[0] if known else "associate_of"
        note = "; ".join(r for r in roles if r != relation)
    return FtmRelation(line, ftm_id, relation, subjects[0], objects[0], note)


# -- writing --


def entity_line(entity_id: str, schema: str, values: Iterable[tuple[str, str, str | None]]) -> str:
    """One JSON line for an entity; ``values`` are (prop, value, name kind) of the bank."""
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    ftm = proxy.schema
    for prop, value, kind in values:
        if prop == "name":
            proxy.add(NAME_KIND_FTM.get(kind or "primary", "alias"), value, cleaned=True)
        elif prop in ftm.properties:
            proxy.add(prop, value.lower() if ftm.properties[prop].type.name == "country" else value, cleaned=True)
        else:
            proxy.add("notes", f"{prop}: {value}", cleaned=True)
    return orjson.dumps(proxy.to_dict()).decode()


def relation_line(relation_id: str, prop: str, subject: str, obj: str, note: str = "") -> str:
    """One JSON line for a relation between two exported entities."""
    schema = RELATION_FTM.get(prop, "UnknownLink")
    subject_prop, object_prop, _relation = RELATION_SCHEMAS[schema]
    proxy = model.make_entity(schema)
    proxy.id = relation_id
    proxy.add(subject_prop, subject, cleaned=True)
    proxy.add(object_prop, obj, cleaned=True)
    roles = [prop] if schema == "UnknownLink" else []
    if note:
        roles.append(note)
    if roles:
        proxy.add("role", roles, cleaned=True)
    return orjson.dumps(proxy.to_dict()).decode()
