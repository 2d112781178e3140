"""The bank's read side, shared by the API, the web pages and the CLI: search, the entity view and the
neighbourhood graph.

Need to know is applied in SQL (:mod:`liaison.queries.bank_access`) and in the name index (audiences): a viewer
never receives a statement they may not see, and an entity none of whose names they may see does not exist for
them: not in search results, not at the end of a relation, not in a graph, and its page is a 404 like an
unknown id. A merged entity is shown as part of the entity it was merged into, every statement keeping its
provenance. Every view of a person's record is audited in the transaction of the read, naming the statements
shown, whoever asks and however they ask.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from liaison.actions.audit import audit
from liaison.bank.props import NAME_KINDS, RELATIONS
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.matching import Query
from liaison.models import BankEntity, BankImport, ListReference, Organisation, Statement
from liaison.principal import Principal
from liaison.queries.bank_access import entity_or_404, require_reader, viewer_for, visible_entity, visible_statement
from liaison.queries.bank_index import BankIndex, index_for

MEMBERSHIP = ("member_of", "leader_of")
MAX_LIMIT = 200


# -- small helpers --


def _chunks(ids: Iterable[uuid.UUID], size: int = 500) -> Iterable[list[uuid.UUID]]:
    items = list(dict.fromkeys(ids))
    for i in range(0, len(items), size):
        yield items[i : i + size]


def roots(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Each id's canonical entity: the one it was (transitively) merged into, or itself."""
    out = {i: i for i in ids}
    pending = set(out)
    for _round in range(10):  # merge chains are short; a cycle must not spin
        if not pending:
            break
        step: dict[uuid.UUID, uuid.UUID] = {}
        for chunk in _chunks(pending):
            rows = session.execute(select(BankEntity.id, BankEntity.merged_into_id).where(BankEntity.id.in_(chunk)))
            step.update({a: b for a, b in rows if b is not None})
        pending = set()
        for start, cur in out.items():
            if cur in step:
                out[start] = step[cur]
                pending.add(step[cur])
    return out


def merged_members(session: Session, root: uuid.UUID) -> list[uuid.UUID]:
    """``root`` and every entity merged into it, directly or through another merged one."""
    found = [root]
    frontier = [root]
    while frontier and len(found) < 1000:
        frontier = list(session.scalars(select(BankEntity.id).where(BankEntity.merged_into_id.in_(frontier))))
        found += [f for f in frontier if f not in found]
    return found


def visible_ids(session: Session, viewer: Any, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    out: set[uuid.UUID] = set()
    for chunk in _chunks(ids):
        out |= set(session.scalars(select(BankEntity.id).where(BankEntity.id.in_(chunk), visible_entity(viewer))))
    return out


def name_rank(s: Statement) -> tuple[int, int, str, str]:
    """Best name first: primary before alias before weak alias; Latin script first (most readers' script);
    better graded first."""
    kind = NAME_KINDS.index(s.name_kind) if s.name_kind in NAME_KINDS else len(NAME_KINDS)
    return (kind, 0 if s.script == "Latn" else 1, s.reliability + s.credibility, s.value)


def captions(session: Session, viewer: Any, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The best visible current name of each entity (names of entities merged into it included)."""
    wanted = list(ids)
    members: dict[uuid.UUID, uuid.UUID] = {i: i for i in wanted}
    for chunk in _chunks(wanted):
        for child, parent in session.execute(
            select(BankEntity.id, BankEntity.merged_into_id).where(BankEntity.merged_into_id.in_(chunk))
        ):
            if parent is not None:
                members[child] = parent
    best: dict[uuid.UUID, Statement] = {}
    for chunk in _chunks(members):
        # ``prop || ''``: SQLite, with no statistics, would otherwise pick the (prop, value) index and read every
        # name in the bank for each chunk (82 % of a path query's time on a bank of 100,000 entities).
        q = select(Statement).where(
            Statement.entity_id.in_(chunk),
            Statement.prop.concat("") == "name",
            Statement.retracted_at.is_(None),
            visible_statement(viewer),
        )
        for s in session.scalars(q):
            owner = members[s.entity_id]
            if owner not in best or name_rank(s) < name_rank(best[owner]):
                best[owner] = s
    return {i: best[i].value if i in best else "" for i in wanted}


def organisation_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))).all())


def statement_json(s: Statement, orgs: dict[uuid.UUID, str]) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "entity_id": str(s.entity_id),
        "prop": s.prop,
        "value": s.value,
        "name_kind": s.name_kind,
        "script": s.script,
        "object_id": str(s.object_id) if s.object_id else None,
        "contributor": orgs.get(s.contributor_organisation_id, "") if s.contributor_organisation_id else "node",
        "source": s.source,
        "observed_on": s.observed_on.isoformat() if s.observed_on else None,
        "grade": s.grade,
        "reliability": s.reliability,
        "credibility": s.credibility,
        "marking": s.marking.label,
        "tlp": s.tlp,
        "review_date": s.review_date.isoformat() if s.review_date else None,
        "retracted_at": s.retracted_at.isoformat() if s.retracted_at else None,
    }


def _reference(refs: Iterable[ListReference]) -> str | None:
    ordered = sorted(refs, key=lambda r: (r.list_name != "un-sc", r.list_name, r.reference))
    return ordered[0].reference if ordered else None


# -- search --


def _in_entity_or_merged(column: Any) -> ColumnElement[bool]:
    """``column`` (an entity id column of a correlated subquery) is the outer entity or one merged into it."""
    child = aliased(BankEntity)
    return or_(column == BankEntity.id, column.in_(select(child.id).where(child.merged_into_id == BankEntity.id)))


def _filters(
    session: Session,
    viewer: Any,
    *,
    schema: str | None,
    nationality: str | None,
    birth_year: int | None,
    list_name: str | None,
    group: uuid.UUID | None,
    status: str | None,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [BankEntity.merged_into_id.is_(None), visible_entity(viewer)]
    if schema:
        clauses.append(BankEntity.schema == schema)
    if status:
        clauses.append(BankEntity.status == status)
    if nationality:
        s = aliased(Statement)
        clauses.append(
            exists(
                select(s.id).where(
                    _in_entity_or_merged(s.entity_id),
                    s.prop == "nationality",
                    s.value == nationality.upper(),
                    s.retracted_at.is_(None),
                    visible_statement(viewer, s),
                )
            )
        )
    if birth_year is not None:
        s = aliased(Statement)
        year = f"{birth_year:04d}"
        in_range = and_(
            s.value.like("____/____"), func.substr(s.value, 1, 4) <= year, func.substr(s.value, 6, 4) >= year
        )
        clauses.append(
            exists(
                select(s.id).where(
                    _in_entity_or_merged(s.entity_id),
                    s.prop == "birthDate",
                    or_(s.value.like(f"{year}%"), in_range),
                    s.retracted_at.is_(None),
                    visible_statement(viewer, s),
                )
            )
        )
    if list_name:
        r = aliased(ListReference)
        clauses.append(exists(select(r.id).where(_in_entity_or_merged(r.entity_id), r.list_name == list_name)))
    if group is not None:
        entity_or_404(session, viewer, group)  # an invisible group is as unknown as a missing one
        s = aliased(Statement)
        groups = merged_members(session, group)
        clauses.append(
            exists(
                select(s.id).where(
                    _in_entity_or_merged(s.entity_id),
                    s.prop.in_(MEMBERSHIP),
                    s.object_id.in_(groups),
                    s.retracted_at.is_(None),
                    visible_statement(viewer, s),
                )
            )
        )
    return clauses


def search(
    session: Session,
    actor: Principal,
    text: str,
    *,
    schema: str | None = None,
    nationality: str | None = None,
    birth_year: int | None = None,
    list_name: str | None = None,
    group: uuid.UUID | None = None,
    status: str | None = None,
    limit: int = 20,
    index: BankIndex | None = None,
) -> list[dict[str, Any]]:
    """Entities matching ``text`` (by name, across scripts, through the name index) and the filters, best
    first; with an empty ``text``, the entities passing the filters. Only entities the actor may see, found
    through names they may see. The search is audited (``bank.search``)."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    text = " ".join((text or "").split())
    if len(text) > 300:
        raise InvalidInput("q", _("at most 300 characters"))
    limit = max(1, min(limit, MAX_LIMIT))
    clauses = _filters(
        session,
        viewer,
        schema=schema,
        nationality=nationality,
        birth_year=birth_year,
        list_name=list_name,
        group=group,
        status=status,
    )
    scored: dict[uuid.UUID, Any] = {}
    if text:
        idx = index or index_for(session)
        query = Query(
            id="search",
            name=text,
            birth_date=str(birth_year) if birth_year else None,
            nationality=nationality.upper() if nationality else None,
            schema=schema,
        )
        for hit in idx.search(viewer, query, top=max(limit * 5, 50), threshold=None):
            scored.setdefault(uuid.UUID(hit.record_id), hit)
        found: set[uuid.UUID] = set()
        for chunk in _chunks(scored):
            found |= set(session.scalars(select(BankEntity.id).where(BankEntity.id.in_(chunk), *clauses)))
        ordered = [i for i in scored if i in found][:limit]
    else:
        ordered = list(
            session.scalars(
                select(BankEntity.id).where(*clauses).order_by(BankEntity.created_at, BankEntity.id).limit(limit)
            )
        )
    entities = (
        {e.id: e for e in session.scalars(select(BankEntity).where(BankEntity.id.in_(ordered)))} if ordered else {}
    )
    names = captions(session, viewer, ordered)
    out = []
    for ident in ordered:
        e = entities[ident]
        found_hit = scored.get(ident)
        out.append(
            {
                "entity_id": str(ident),
                "reference": _reference(e.references) or str(ident),
                "schema": e.schema,
                "caption": names.get(ident, ""),
                "status": e.status,
                "score": round(found_hit.score, 4) if found_hit else None,
                "match": found_hit.match if found_hit else None,
                "name": found_hit.name if found_hit else names.get(ident, ""),
                "explanation": found_hit.explanation.to_dict() if found_hit else None,
            }
        )
    filters = {"schema": schema, "nationality": nationality, "birth_year": birth_year, "list": list_name}
    filters |= {"group": str(group) if group else None, "status": status}
    audit(
        session,
        actor=actor,
        action="bank.search",
        target_type="bank",
        details={"q": text, "filters": {k: v for k, v in filters.items() if v}, "results": len(out)},
    )
    return out


# -- the entity view --


def entity_view(session: Session, actor: Principal, entity_id: uuid.UUID | str) -> dict[str, Any]:
    """The entity JSON (see the brief in docs): visible statements only, conflicting ones side by side by
    property, relations in both directions whose other end is visible, list references, merged entities.

    A person's record view is audited (``bank.entity.view``, with the statement ids shown) in this session's
    transaction: the caller commits the read and its record together."""
    viewer = viewer_for(session, actor)
    entity = entity_or_404(session, viewer, entity_id)
    root = roots(session, [entity.id])[entity.id]
    members = merged_members(session, entity.id)
    shown_members = [entity.id] + sorted(visible_ids(session, viewer, members[1:]), key=members.index)
    statements = list(
        session.scalars(
            select(Statement)
            .where(Statement.entity_id.in_(shown_members), visible_statement(viewer))
            # Conflicting values side by side, the best graded first (A1 before F6), then the oldest.
            .order_by(Statement.prop, Statement.reliability, Statement.credibility, Statement.created_at, Statement.id)
        )
    )
    incoming = list(
        session.scalars(
            select(Statement)
            .where(Statement.object_id.in_(shown_members), Statement.prop.in_(RELATIONS), visible_statement(viewer))
            .order_by(Statement.created_at, Statement.id)
        )
    )
    outgoing = [s for s in statements if s.prop in RELATIONS and s.object_id is not None]
    ends = roots(session, [s.object_id for s in outgoing if s.object_id] + [s.entity_id for s in incoming])
    seen_ends = visible_ids(session, viewer, set(ends.values()))
    # A relation is shown only if its far end exists for the viewer (it would otherwise reveal that entity).
    outgoing = [s for s in outgoing if s.object_id and ends[s.object_id] in seen_ends]
    incoming = [s for s in incoming if ends[s.entity_id] in seen_ends and ends[s.entity_id] not in shown_members]
    end_info = {e.id: e for e in session.scalars(select(BankEntity).where(BankEntity.id.in_(seen_ends)))}
    end_names = captions(session, viewer, seen_ends)
    orgs = organisation_names(session, [s.contributor_organisation_id for s in statements + incoming])

    def other(ident: uuid.UUID) -> dict[str, Any]:
        e = end_info[ident]
        return {"id": str(ident), "schema": e.schema, "caption": end_names.get(ident, ""), "status": e.status}

    values = [s for s in statements if s.prop not in RELATIONS]
    properties: dict[str, list[dict[str, Any]]] = {}
    for s in values:
        properties.setdefault(s.prop, []).append(statement_json(s, orgs))
    names = sorted((s for s in values if s.prop == "name" and s.retracted_at is None), key=name_rank)
    relations = [
        {
            "relation": s.prop,
            "direction": "out",
            "other": other(ends[s.object_id]),
            "statement": statement_json(s, orgs),
        }
        for s in outgoing
        if s.object_id
    ] + [
        {"relation": s.prop, "direction": "in", "other": other(ends[s.entity_id]), "statement": statement_json(s, orgs)}
        for s in incoming
    ]
    refs = [
        r
        for m in shown_members
        for r in session.scalars(
            select(ListReference)
            .where(ListReference.entity_id == m)
            .order_by(ListReference.list_name, ListReference.reference)
        )
    ]
    shown = [s.id for s in statements if s.prop not in RELATIONS or s in outgoing] + [s.id for s in incoming]
    data = {
        "id": str(entity.id),
        "schema": entity.schema,
        "caption": names[0].value if names else "",
        "reference": _reference(refs) or str(entity.id),
        "status": entity.status,
        "data_subject_category": entity.data_subject_category,
        "legal_basis": entity.legal_basis,
        "review_date": entity.review_date.isoformat() if entity.review_date else None,
        "contributor": orgs.get(entity.contributor_organisation_id, "")
        if entity.contributor_organisation_id
        else "node",
        "merged_into": str(root) if root != entity.id else None,
        "names": [{"name": s.value, "kind": s.name_kind, "script": s.script, "statement_id": str(s.id)} for s in names],
        "properties": properties,
        "relations": relations,
        "references": [
            {
                "list": r.list_name,
                "reference": r.reference,
                "listed_on": r.listed_on.isoformat() if r.listed_on else None,
                "delisted_on": r.delisted_on.isoformat() if r.delisted_on else None,
            }
            for r in refs
        ],
        "merged": [str(m) for m in shown_members[1:]],
    }
    if entity.schema == "Person":
        audit(
            session,
            actor=actor,
            action="bank.entity.view",
            target_type="bank_entity",
            target_id=entity.id,
            details={"statements": [str(i) for i in shown]},
        )
    return data


# -- the neighbourhood graph --


def neighbourhood(
    session: Session, actor: Principal, entity_id: uuid.UUID | str, *, depth: int = 2, limit: int = 60
) -> dict[str, list[dict[str, Any]]]:
    """The entities within ``depth`` relations of the entity, and the relations between them: visible
    relations between visible entities only (merged entities drawn as the entity they were merged into)."""
    viewer = viewer_for(session, actor)
    start = entity_or_404(session, viewer, entity_id).id
    start = roots(session, [start])[start]
    depth = max(1, min(depth, 3))
    limit = max(2, min(limit, 300))
    level: dict[uuid.UUID, int] = {start: 0}
    members_of: dict[uuid.UUID, uuid.UUID] = {m: start for m in merged_members(session, start)}
    edges: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID, str]] = {}
    frontier = [start]
    for d in range(1, depth + 1):
        ids = [m for m, r in members_of.items() if r in frontier]
        rels: list[Statement] = []
        for chunk in _chunks(ids):
            rels += session.scalars(
                select(Statement)
                .where(
                    Statement.prop.in_(RELATIONS),
                    Statement.retracted_at.is_(None),
                    or_(Statement.entity_id.in_(chunk), Statement.object_id.in_(chunk)),
                    visible_statement(viewer),
                )
                .order_by(Statement.created_at, Statement.id)  # the order edges are listed in
            )
        ends = roots(session, [e for s in rels for e in (s.entity_id, s.object_id) if e is not None])
        new = {r for r in ends.values() if r not in level}
        new &= visible_ids(session, viewer, new)
        frontier = []
        for r in sorted(new, key=str):
            if len(level) >= limit:
                break
            level[r] = d
            frontier.append(r)
            for m in merged_members(session, r):
                members_of[m] = r
        for s in rels:
            if s.object_id is None:
                continue
            a, b = ends[s.entity_id], ends[s.object_id]
            if a in level and b in level and a != b:
                edges[s.id] = (a, b, s.prop)
        if not frontier:
            break
    entities = {e.id: e for e in session.scalars(select(BankEntity).where(BankEntity.id.in_(list(level))))}
    names = captions(session, viewer, level)
    nodes = [
        {
            "id": str(i),
            "schema": entities[i].schema,
            "caption": names.get(i, ""),
            "status": entities[i].status,
            "depth": d,
        }
        for i, d in sorted(level.items(), key=lambda kv: (kv[1], names.get(kv[0], "")))
    ]
    return {
        "nodes": nodes,
        "edges": [
            {"source": str(a), "target": str(b), "relation": rel, "statement_id": str(sid)}
            for sid, (a, b, rel) in edges.items()
        ],
    }


def list_names(session: Session) -> list[str]:
    """The names of the lists the bank holds references from, sorted."""
    return sorted(session.scalars(select(ListReference.list_name).distinct()))


def recent_imports(session: Session, limit: int) -> list[BankImport]:
    """The bank's imports, newest first."""
    return list(session.scalars(select(BankImport).order_by(BankImport.created_at.desc()).limit(limit)))
