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

Two forms of a line are read. The plain one (``properties``), which every FtM producer writes, takes the
provenance the import gives the file. The statement form, which the bank's own export writes, is FtM's
statement-level entity (``statements``: one object per value, as ``followthemoney``'s ``StatementEntity``
reads them) with the bank's provenance added to each value (``marking``, ``grade``, ``source``,
``observed_on``, ``contributor``, ``name_kind``) and the entity's own (``liaison``: data-subject category,
legal basis, review date, status and list references), so a value never travels without its marking and a
record keeps its list references from one node to the next. The keys are documented in README.md
("Exports: audience, markings, provenance").
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson
from followthemoney import model
from followthemoney.schema import Schema

from liaison.bank.props import NAME_KIND_FTM, PROPS, RELATIONS
from liaison.errors import LiaisonError
from liaison.i18n import _

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
        super().__init__(_("line %(line)s: %(reason)s", line=line, reason=detail), line=line)
        self.line = line
        self.reason = detail


# Provenance keys of a value in the statement form (their text as in the analysts' CSV columns).
PROVENANCE_KEYS = ("source", "grade", "marking", "observed_on", "contributor")
# The entity's own keys under ``liaison`` in the statement form.
ENTITY_KEYS = ("data_subject_category", "legal_basis", "review_date", "status")
Given = tuple[tuple[str, str], ...]  # a value's provenance: sorted (key, text) pairs of PROVENANCE_KEYS
Reference = tuple[str, str, str | None, str | None]  # list, reference, listed on, delisted on (ISO dates)


class FtmEntity(NamedTuple):  # a NamedTuple, not a dataclass: a million of them are made in an import
    line: int
    id: str
    schema: str  # the bank's schema
    values: tuple[tuple[str, str, str | None], ...]  # (prop, value, name kind)
    meta: dict[str, str] | None = None  # the statement form's entity keys (ENTITY_KEYS)
    given: tuple[Given, ...] | None = None  # the statement form: each value's provenance, in the order of values
    references: tuple[Reference, ...] = ()


class FtmRelation(NamedTuple):
    line: int
    id: str
    prop: str  # a bank relation
    subject: str
    object: str
    note: str = ""
    given: Given | None = None


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
            raise FtmError(_("not JSON (%(reason)s)", reason=exc), number) from exc
        if not isinstance(data, dict):
            raise FtmError(_("a line is one JSON object (an FtM entity)"), number)
        yield from _entity(data, number, stats)


def _props(data: dict[str, object], schema: Schema, line: int) -> dict[str, list[str]]:
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise FtmError(_("'properties' is not an object"), line)
    known = schema.properties
    out: dict[str, list[str]] = {}
    for key, values in props.items():
        if key not in known:
            raise FtmError(_("%(name)s has no property %(key)r in FollowTheMoney", name=schema.name, key=key), line)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise FtmError(_("%(key)s: values are a list of strings", key=key), line)
        # FtM's schema (above) decides what is a property; values are deduplicated in order, as an EntityProxy
        # does, and checked by the bank's own value rules when the import writes them.
        if values:
            out[key] = values if len(values) == 1 else list(dict.fromkeys(values))
    return out


def _statements(
    data: dict[str, object], schema: Schema, line: int
) -> tuple[dict[str, list[str]], dict[str, list[Given]]]:
    """The statement form: values by FtM property, and each value's provenance beside it."""
    raw = data.get("statements")
    if not isinstance(raw, list):
        raise FtmError(_("'statements' is a list of FtM statements"), line)
    known = schema.properties
    props: dict[str, list[str]] = {}
    given: dict[str, list[Given]] = {}
    seen: set[tuple[str, str, Given]] = set()
    for stmt in raw:
        if not isinstance(stmt, dict):
            raise FtmError(_("a statement is a JSON object"), line)
        prop, value = stmt.get("prop"), stmt.get("value")
        if not isinstance(prop, str) or not isinstance(value, str):
            raise FtmError(_("a statement needs a 'prop' and a 'value' (text)"), line)
        if prop not in known:
            raise FtmError(_("%(name)s has no property %(prop)r in FollowTheMoney", name=schema.name, prop=prop), line)
        pairs = _texts(stmt, PROVENANCE_KEYS, functools.partial(_not_text, prop), line)
        kind = stmt.get("name_kind")
        if isinstance(kind, str) and kind:
            pairs.append(("name_kind", kind))
        this = tuple(sorted(pairs))
        if (prop, value, this) in seen:  # the same value from the same source twice: once
            continue
        seen.add((prop, value, this))
        props.setdefault(prop, []).append(value)
        given.setdefault(prop, []).append(this)
    return props, given


def _not_text(prop: str, key: str) -> str:
    return _("%(prop)s: a statement's %(key)r is text", prop=prop, key=key)


def _texts(
    obj: dict[str, object], keys: tuple[str, ...], error: Callable[[str], str], line: int
) -> list[tuple[str, str]]:
    """The given ``keys`` of ``obj`` that hold text, in ``keys`` order; a key holding anything else is refused
    with ``error(key)``. Missing and empty keys are left out."""
    pairs = []
    for key in keys:
        found = obj.get(key)
        if found is None or found == "":
            continue
        if not isinstance(found, str):
            raise FtmError(error(key), line)
        pairs.append((key, found))
    return pairs


def _liaison(data: dict[str, object], line: int) -> tuple[dict[str, str] | None, tuple[Reference, ...]]:
    """The statement form's entity keys and list references."""
    raw = data.get("liaison")
    if raw is None:
        return None, ()
    if not isinstance(raw, dict):
        raise FtmError(_("'liaison' is an object"), line)
    meta = dict(_texts(raw, ENTITY_KEYS, lambda key: _("liaison.%(key)s is text", key=key), line))
    refs: list[Reference] = []
    for ref in raw.get("references") or ():
        if not isinstance(ref, dict):
            raise FtmError(_("a reference is an object (list, reference, listed_on, delisted_on)"), line)
        fields = [ref.get(k) for k in ("list", "reference", "listed_on", "delisted_on")]
        if not all(isinstance(f, str) and f for f in fields[:2]) or not all(
            f is None or isinstance(f, str) for f in fields[2:]
        ):
            raise FtmError(_("a reference names its 'list' and 'reference' (text)"), line)
        refs.append((str(fields[0]), str(fields[1]), fields[2] or None, fields[3] or None))
    return meta or None, tuple(refs)


def _entity(data: dict[str, object], line: int, stats: ReadStats) -> Iterator[FtmEntity | FtmRelation]:
    name = data.get("schema")
    ftm_id = data.get("id")
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        raise FtmError(_("unknown FollowTheMoney schema %(name)r", name=name), line)
    if not isinstance(ftm_id, str) or not ftm_id.strip():
        raise FtmError(_("an entity needs an 'id'"), line)
    given_by: dict[str, list[Given]] | None = None
    if "statements" in data:
        props, given_by = _statements(data, schema, line)
    else:
        props = _props(data, schema, line)
    if schema.name in RELATION_SCHEMAS:
        first = next(iter(given_by.values()))[0] if given_by else None
        yield _relation(schema.name, ftm_id, props, line)._replace(given=first)
        return
    bank_schema = SCHEMAS.get(schema.name)
    if bank_schema is None:
        kept = ", ".join(sorted(set(SCHEMAS) | set(RELATION_SCHEMAS)))
        raise FtmError(
            _("the bank does not keep %(name)s entities (it keeps %(kept)s)", name=schema.name, kept=kept), line
        )
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
                relation = FtmRelation(line, f"{ftm_id}:involved:{n}", "involved_in", other, ftm_id)
                yield relation._replace(given=given_by[prop][n]) if given_by else relation
        else:
            stats.ignored[f"{schema.name}:{prop}"] += len(found)
    if bank_schema == "Address" and not any(p == "name" for p, _v, _k in values):
        values.extend(("name", v, "primary") for v in props.get("full", ()))
    if given_by is None:
        yield FtmEntity(line, ftm_id, bank_schema, tuple(values))
        return
    # Each value's provenance, in the order the loop above took the values (one value per kept FtM value).
    taken = [prop for prop in props if prop in NAME_PROPS or prop == "notes" or prop in PROPS[bank_schema]]
    given = [g for prop in taken for g in given_by[prop]]
    if len(given) < len(values):  # an Address named by its ``full``
        given.extend(given_by.get("full", ()))
    meta, references = _liaison(data, line)
    # A name's kind travels with it (FtM has no code name): the statement form gives it back.
    kinds = [dict(g).get("name_kind") for g in given]
    values = [(p, v, kinds[i] or k if p == "name" else k) for i, (p, v, k) in enumerate(values)]
    yield FtmEntity(line, ftm_id, bank_schema, tuple(values), meta, tuple(given), references)


def _relation(schema: str, ftm_id: str, props: dict[str, list[str]], line: int) -> FtmRelation:
    subject_prop, object_prop, relation = RELATION_SCHEMAS[schema]
    subjects, objects = props.get(subject_prop, []), props.get(object_prop, [])
    if len(subjects) != 1 or len(objects) != 1:
        raise FtmError(
            _(
                "a %(schema)s names exactly one %(subject_prop)s and one %(object_prop)s",
                schema=schema,
                subject_prop=subject_prop,
                object_prop=object_prop,
            ),
            line,
        )
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


class Value(NamedTuple):
    """One exported value in the statement form, with its provenance (keys of PROVENANCE_KEYS)."""

    prop: str  # the bank's property
    value: str
    kind: str | None  # a name's kind
    given: dict[str, str]
    statement_id: str
    entity_id: str  # the entity that holds it (another than the line's when merged into it)


def ftm_value(schema: Schema, prop: str, value: str, kind: str | None) -> tuple[str, str]:
    """The FtM property and text of a bank value (as :func:`entity_line` writes it)."""
    if prop == "name":
        return NAME_KIND_FTM.get(kind or "primary", "alias"), value
    found = schema.properties.get(prop)
    if found is not None:
        return prop, value.lower() if found.type.name == "country" else value
    return "notes", f"{prop}: {value}"


def _statement(
    canonical: str, schema: str, dataset: str, v: Value, ftm_prop: str, text: str, kind: str | None
) -> dict[str, object]:
    out: dict[str, object] = {
        "id": v.statement_id,
        "canonical_id": canonical,
        "entity_id": v.entity_id,
        "schema": schema,
        "prop": ftm_prop,
        "value": text,
        "dataset": dataset,
    }
    if kind:
        out["name_kind"] = kind
    out.update((k, t) for k, t in v.given.items() if t)
    return out


def statement_line(
    entity_id: str,
    schema: str,
    values: Iterable[Value],
    *,
    dataset: str,
    meta: dict[str, str] | None = None,
    references: Iterable[Reference] = (),
) -> str:
    """One JSON line for an entity in FtM's statement form, each value with its provenance (see the module)."""
    ftm = model.get(schema)
    assert ftm is not None
    statements = []
    captions: list[tuple[bool, str]] = []
    for v in values:
        prop, text = ftm_value(ftm, v.prop, v.value, v.kind)
        if v.prop == "name":
            captions.append((v.kind not in (None, "primary"), v.value))
        statements.append(_statement(entity_id, schema, dataset, v, prop, text, v.kind if v.prop == "name" else None))
    caption = min(captions, key=lambda c: c[0])[1] if captions else ""  # the first primary name, else the first
    data: dict[str, object] = {"id": entity_id, "schema": schema, "caption": caption, "statements": statements}
    liaison: dict[str, object] = {k: t for k, t in (meta or {}).items() if t}
    refs = [
        {"list": name, "reference": ref, "listed_on": listed, "delisted_on": delisted}
        for name, ref, listed, delisted in references
    ]
    if refs:
        liaison["references"] = refs
    if liaison:
        data["liaison"] = liaison
    return orjson.dumps(data).decode()


def relation_statement_line(
    relation_id: str, prop: str, subject: str, obj: str, note: str, given: dict[str, str], *, dataset: str
) -> str:
    """One JSON line for a relation in FtM's statement form; every statement carries the relation's provenance."""
    schema = RELATION_FTM.get(prop, "UnknownLink")
    subject_prop, object_prop, _relation = RELATION_SCHEMAS[schema]
    pairs = [(subject_prop, subject), (object_prop, obj)]
    if schema == "UnknownLink":
        pairs.append(("role", prop))
    if note:
        pairs.append(("role", note))
    v = Value(prop, "", None, given, relation_id, relation_id)
    statements = [
        _statement(relation_id, schema, dataset, v._replace(statement_id=f"{relation_id}:{n}"), p, text, None)
        for n, (p, text) in enumerate(pairs)
    ]
    return orjson.dumps({"id": relation_id, "schema": schema, "statements": statements}).decode()
