"""Reading merge proposals and merged entities, with the bank's need to know.

A proposal is shown only to a bank reader who can see *both* entities (unknown and invisible look the same:
404). What it says about the entities is rebuilt for each reader from the statements *they* may see; the stored
explanation names the statements whose names matched and is shown only when the reader may see both of them.

A merged entity points at the entity it was merged into (``merged_into_id``); following the pointers ends at
its *canonical* entity, which the bank shows in its place.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session, aliased, lazyload

from liaison.bank.access import Viewer
from liaison.errors import id_or_404, unknown
from liaison.models import BankEntity, ListReference, MergeProposal, Organisation, Statement
from liaison.queries.bank_access import require_reader, visible_entity, visible_statement

PROPOSAL_STATUSES = ("proposed", "accepted", "rejected", "undone")
NAME_ORDER = {"primary": 0, "alias": 1, "former_name": 2, "code_name": 3, "weak_alias": 4}
SUMMARY_PROPS = ("birthDate", "nationality", "country", "position", "address")
MAX_CHAIN = 100


def canonical(session: Session, entity: BankEntity) -> BankEntity:
    """The entity at the end of ``entity``'s chain of merges (itself when it was never merged)."""
    seen = {entity.id}
    current = entity
    while current.merged_into_id is not None and len(seen) < MAX_CHAIN:
        nxt = session.get(BankEntity, current.merged_into_id)
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        current = nxt
    return current


def visible_values(
    session: Session, viewer: Viewer, entity_ids: Iterable[uuid.UUID], props: Iterable[str]
) -> dict[uuid.UUID, list[Statement]]:
    """The current statements of ``props`` about each entity that ``viewer`` may see, oldest first."""
    ids = list(dict.fromkeys(entity_ids))
    out: dict[uuid.UUID, list[Statement]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(Statement)
            .where(
                Statement.entity_id.in_(ids[start : start + 500]),
                Statement.prop.in_(list(props)),
                Statement.retracted_at.is_(None),
                visible_statement(viewer),
            )
            .order_by(Statement.created_at, Statement.id)
        )
        for s in rows:
            out[s.entity_id].append(s)
    return out


def caption_of(names: list[Statement]) -> str:
    """The best visible name: a primary name first, then an alias, ... (the oldest of the kind)."""
    ranked = sorted(names, key=lambda s: NAME_ORDER.get(s.name_kind or "primary", 9))
    return ranked[0].value if ranked else ""


def entity_summaries(session: Session, viewer: Viewer, entities: Iterable[BankEntity]) -> dict[uuid.UUID, dict]:
    """What a merge page shows of each entity, side by side: names, a few identifying facts, the list reference,
    the contributor, how many statements the viewer may see."""
    rows = {e.id: e for e in entities}
    values = visible_values(session, viewer, rows, ("name", *SUMMARY_PROPS))
    refs: dict[uuid.UUID, list[ListReference]] = {}
    for r in session.scalars(select(ListReference).where(ListReference.entity_id.in_(list(rows)))):
        refs.setdefault(r.entity_id, []).append(r)
    org_ids = {e.contributor_organisation_id for e in rows.values() if e.contributor_organisation_id}
    orgs = (
        {o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))}
        if org_ids
        else {}
    )
    out = {}
    for ident, e in rows.items():
        stmts = values.get(ident, [])
        names = [s for s in stmts if s.prop == "name"]
        ref = sorted(refs.get(ident, []), key=lambda r: (r.list_name, r.reference))
        facts: dict[str, list[str]] = {}
        for s in stmts:
            if s.prop != "name" and s.value not in facts.get(s.prop, []):
                facts.setdefault(s.prop, []).append(s.value)
        out[ident] = {
            "id": str(ident),
            "schema": e.schema,
            "caption": caption_of(names) or str(ident),
            "reference": ref[0].reference if ref else str(ident),
            "references": [{"list": r.list_name, "reference": r.reference} for r in ref],
            "status": e.status,
            "contributor": orgs.get(e.contributor_organisation_id, "") if e.contributor_organisation_id else "",
            "names": [
                {"name": s.value, "kind": s.name_kind or "primary", "script": s.script or ""}
                for s in sorted(names, key=lambda s: NAME_ORDER.get(s.name_kind or "primary", 9))
            ],
            "facts": facts,
            "merged_into_id": str(e.merged_into_id) if e.merged_into_id else None,
        }
    return out


def _both_visible(viewer: Viewer) -> ColumnElement[bool]:
    """The proposal's two entities are visible to ``viewer``: checked for each proposal row, through its two
    entities, so listing no proposals reads nothing of the bank and listing some reads only their entities (not
    every visible entity of the bank, which took seconds with only the UN list loaded)."""
    one, other = aliased(BankEntity), aliased(BankEntity)
    return and_(
        exists(select(one.id).where(one.id == MergeProposal.entity_id, visible_entity(viewer, one))),
        exists(select(other.id).where(other.id == MergeProposal.other_id, visible_entity(viewer, other))),
    )


def proposal_or_404(session: Session, viewer: Viewer, proposal_id: uuid.UUID | str) -> MergeProposal:
    """The proposal if ``viewer`` may see both of its entities; otherwise 404, as for an unknown one."""
    require_reader(viewer)
    ident = id_or_404(proposal_id, "merge proposal")
    found = session.scalar(select(MergeProposal).where(MergeProposal.id == ident, _both_visible(viewer)))
    if found is None:
        raise unknown("merge proposal", proposal_id)
    return found


def _explanation(p: MergeProposal, visible: set[str]) -> dict[str, Any]:
    """The stored explanation, or only its score when it names a statement the viewer may not see."""
    ex = p.explanation or {}
    named = {str(ex.get(k, {}).get("statement_id", "")) for k in ("name", "other_name") if isinstance(ex.get(k), dict)}
    if named - visible - {""}:
        return {"hidden": True, "algorithm": ex.get("algorithm", "")}
    return ex


def proposals_json(session: Session, viewer: Viewer, proposals: list[MergeProposal]) -> list[dict[str, Any]]:
    entity_ids = {p.entity_id for p in proposals} | {p.other_id for p in proposals}
    # entity_summaries reads what the viewer may see itself: not every statement of both entities (selectin)
    quiet = (lazyload(BankEntity.statements), lazyload(BankEntity.references))
    entities = (
        list(session.scalars(select(BankEntity).where(BankEntity.id.in_(list(entity_ids))).options(*quiet)))
        if proposals
        else []
    )
    summaries = entity_summaries(session, viewer, entities)
    named = {
        uuid.UUID(str(v["statement_id"]))
        for p in proposals
        for k in ("name", "other_name")
        if isinstance(v := (p.explanation or {}).get(k), dict) and _is_uuid(v.get("statement_id"))
    }
    visible = (
        {
            str(i)
            for i in session.scalars(select(Statement.id).where(Statement.id.in_(named), visible_statement(viewer)))
        }
        if named
        else set()
    )
    return [
        {
            "id": str(p.id),
            "status": p.status,
            "score": round(p.score, 4),
            "explanation": _explanation(p, visible),
            "entity": summaries[p.entity_id],
            "other": summaries[p.other_id],
            "proposed_by": p.proposed_by_name,
            "proposed_at": p.created_at.isoformat(),
            "decided_by": p.decided_by_name or None,
            "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        }
        for p in proposals
    ]


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def list_proposals(
    session: Session, viewer: Viewer, *, status: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Proposals whose two entities ``viewer`` may see, best score first (decided ones newest first)."""
    require_reader(viewer)
    q = select(MergeProposal).where(_both_visible(viewer))
    if status:
        q = q.where(MergeProposal.status == status)
    q = q.order_by(
        (MergeProposal.status != "proposed"),
        MergeProposal.score.desc(),
        MergeProposal.created_at.desc(),
        MergeProposal.entity_id,  # proposals made together tie on score and time
        MergeProposal.other_id,
    ).limit(limit)
    return proposals_json(session, viewer, list(session.scalars(q)))


def merged_here(session: Session, viewer: Viewer, entity_id: uuid.UUID) -> list[dict[str, Any]]:
    """The entities merged into ``entity_id`` (directly) that ``viewer`` may see, each with the accepted proposal
    that merged it, so the page can offer to undo it."""
    rows = session.execute(
        select(MergeProposal, BankEntity)
        .join(BankEntity, BankEntity.id == MergeProposal.other_id)
        .where(
            MergeProposal.status == "accepted",
            BankEntity.merged_into_id == entity_id,
            visible_entity(viewer),
        )
        .order_by(MergeProposal.decided_at, MergeProposal.id)
    ).all()
    summaries = entity_summaries(session, viewer, [e for _, e in rows])
    return [
        {
            "proposal_id": str(p.id),
            "entity": summaries[e.id],
            "decided_by": p.decided_by_name,
            "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        }
        for p, e in rows
    ]


def accepted_merge_of(session: Session, other_id: uuid.UUID) -> MergeProposal | None:
    """The latest accepted proposal that merged ``other_id`` into another entity, if any."""
    return session.scalar(
        select(MergeProposal)
        .where(MergeProposal.other_id == other_id, MergeProposal.status == "accepted")
        .order_by(MergeProposal.decided_at.desc())
    )
