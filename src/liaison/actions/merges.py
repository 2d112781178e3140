"""Entity resolution: propose merges of duplicates contributed by different members; accept, reject, undo.

Proposing builds a name index (:mod:`liaison.matching`) over the entities the analyst may see, from the
statements they may see, and searches each entity's names (with its birth date and nationality as evidence)
against it. A pair is proposed when the two entities have the same schema, come from *different* contributing
organisations (duplicates inside one organisation are that organisation's to fix), neither is merged already,
the score passes the threshold, and the pair was never proposed before: a rejected pair is not proposed again,
and neither is one whose merge was undone.

Accepting points the other entity at the proposal's entity, or at the entity that one was itself merged into
(chains are resolved to the canonical entity). Nothing else changes: both entities keep every statement with its
provenance, so undoing is clearing the pointer. Every decision is an analyst's, on entities they can see; each is
audited and bumps the bank revision so the name index catches up.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.actions.bank import bump_bank
from liaison.bank.access import Viewer
from liaison.errors import Conflict, InvalidInput
from liaison.i18n import _, lazy_gettext
from liaison.matching import Index, Name, Query, Record
from liaison.models import BankEntity, ListReference, MergeProposal, Statement, utcnow
from liaison.principal import Principal
from liaison.queries.bank_access import require_analyst, viewer_for, visible_entity, visible_statement
from liaison.queries.bank_merges import canonical, proposal_or_404

DEFAULT_LIMIT = 200
TOP = 10  # hits looked at per name: the entity's own record is usually the first
DECISION_ACTIONS = {"accepted": "bank.merge.accept", "rejected": "bank.merge.reject", "undone": "bank.merge.undo"}
EVIDENCE_PROPS = ("name", "birthDate", "nationality")


@dataclass(frozen=True, slots=True)
class Candidate:
    entity_id: uuid.UUID  # the one kept (older)
    other_id: uuid.UUID  # the one merged into it
    score: float
    explanation: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Entity:
    id: uuid.UUID
    schema: str
    contributor: uuid.UUID | None
    created_at_key: str
    reference: str | None
    names: tuple[tuple[str, str, uuid.UUID], ...]  # (text, kind, statement id)
    birth_date: str | None
    nationality: str | None


def _analyst(session: Session, actor: Principal) -> Viewer:
    viewer = viewer_for(session, actor)
    require_analyst(viewer)
    return viewer


def _load(session: Session, viewer: Viewer) -> dict[uuid.UUID, _Entity]:
    """The entities ``viewer`` may see and that are not merged, with the names and evidence they may see."""
    rows = session.execute(
        select(BankEntity.id, BankEntity.schema, BankEntity.contributor_organisation_id, BankEntity.created_at)
        .where(BankEntity.merged_into_id.is_(None), visible_entity(viewer))
        .order_by(BankEntity.created_at, BankEntity.id)  # the order entities are searched from decides ties
    ).all()
    ids = [r[0] for r in rows]
    values: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
    refs: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        q = (
            select(Statement.entity_id, Statement.prop, Statement.value, Statement.name_kind, Statement.id)
            .where(
                Statement.entity_id.in_(chunk),
                Statement.prop.in_(EVIDENCE_PROPS),
                Statement.retracted_at.is_(None),
                visible_statement(viewer),
            )
            .order_by(Statement.created_at, Statement.id)
        )
        for s in session.execute(q):
            values[s.entity_id].append(s)
        q_refs = (
            select(ListReference.entity_id, ListReference.reference)
            .where(ListReference.entity_id.in_(chunk))
            .order_by(ListReference.list_name != "un-sc", ListReference.list_name, ListReference.reference)
        )
        for entity_id, reference in session.execute(q_refs):
            refs.setdefault(entity_id, reference)  # the UN list's first, as everywhere
    out = {}
    for ident, schema, contributor, created in rows:
        stmts = values[ident]
        names = tuple((s.value, s.name_kind or "primary", s.id) for s in stmts if s.prop == "name")
        if not names:
            continue
        out[ident] = _Entity(
            ident,
            schema,
            contributor,
            f"{created.isoformat()}|{ident}",
            refs.get(ident),
            names,
            next((s.value for s in stmts if s.prop == "birthDate"), None),
            next((s.value for s in stmts if s.prop == "nationality"), None),
        )
    return out


def _record(e: _Entity) -> Record:
    return Record(
        id=str(e.id),
        names=tuple(Name(text, kind, 0) for text, kind, _ in e.names),
        schema=e.schema,
        reference=e.reference,
        birth_dates=((e.birth_date, 0),) if e.birth_date else (),
        nationalities=((e.nationality, 0),) if e.nationality else (),
    )


def find_candidates(
    session: Session, viewer: Viewer, *, threshold: float | None = None, limit: int = DEFAULT_LIMIT
) -> list[Candidate]:
    """Pairs worth proposing, best first (nothing is written). ``threshold`` None: the algorithm's own."""
    entities = _load(session, viewer)
    if len(entities) < 2:
        return []
    known = {frozenset((a, b)) for a, b in session.execute(select(MergeProposal.entity_id, MergeProposal.other_id))}
    index = Index.build([_record(e) for e in entities.values()])
    best: dict[frozenset[uuid.UUID], Candidate] = {}
    # Every pair crosses organisations, so one of its two entities lies outside the largest contributor's: only
    # those are searched from (a bank that is mostly one list is compared in a fraction of the time).
    counts = Counter(e.contributor for e in entities.values())
    largest = max(counts, key=lambda org: (counts[org], str(org)))  # a tie must not go by arrival order
    for e in entities.values():
        if e.contributor == largest:
            continue
        for text, _kind, statement_id in e.names:
            query = Query(str(e.id), text, e.birth_date, e.nationality, e.schema)
            for hit in index.search(query, top=TOP, threshold=threshold):
                other = entities.get(uuid.UUID(hit.record_id))
                if other is None or other.id == e.id or other.schema != e.schema:
                    continue
                if other.contributor == e.contributor:
                    continue
                passes = hit.match if threshold is None else hit.score >= threshold
                pair = frozenset((e.id, other.id))
                if not passes or pair in known:
                    continue
                found = best.get(pair)
                if found is not None and found.score >= hit.score:
                    continue
                keep, merge = sorted((e, other), key=lambda x: (x.reference is None, x.created_at_key))
                matched_id = next((sid for t, _, sid in other.names if t == hit.name), None)
                name = {"entity_id": str(e.id), "name": text, "statement_id": str(statement_id)}
                other_name = {"entity_id": str(other.id), "name": hit.name, "statement_id": str(matched_id or "")}
                best[pair] = Candidate(
                    keep.id,
                    merge.id,
                    float(hit.score),
                    {
                        "algorithm": hit.explanation.algorithm,
                        "name": name,
                        "other_name": other_name,
                        "details": hit.explanation.to_dict(),
                    },
                )
    return sorted(best.values(), key=lambda c: (-c.score, str(c.entity_id), str(c.other_id)))[:limit]


def propose_merges(
    session: Session, *, actor: Principal, threshold: float | None = None, limit: int = DEFAULT_LIMIT
) -> list[MergeProposal]:
    """Store a proposal for each likely duplicate pair found among what ``actor`` may see (see the module)."""
    viewer = _analyst(session, actor)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InvalidInput("threshold", _("give a score between 0 and 1"))
    if limit < 1:
        raise InvalidInput("limit", _("give at least 1"))
    made = []
    for c in find_candidates(session, viewer, threshold=threshold, limit=limit):
        p = MergeProposal(
            id=uuid.uuid4(),
            entity_id=c.entity_id,
            other_id=c.other_id,
            score=c.score,
            explanation=c.explanation,
            status="proposed",
            proposed_by_name=actor.username,
        )
        session.add(p)
        made.append(p)
    session.flush()
    audit(
        session,
        actor=actor,
        action="bank.merge.propose",
        target_type="bank",
        details={
            "threshold": threshold,
            "limit": limit,
            "proposed": len(made),
            "proposals": [str(p.id) for p in made[:50]],
        },
    )
    if made:
        bump_bank(session, [])  # proposals change no name in the index
    return made


# What a merge proposal's state (proposed, accepted, rejected, undone) means to someone acting on it.
_MERGE_STATES = {
    "proposed": lazy_gettext("this merge proposal is still proposed: accept it first"),
    "accepted": lazy_gettext("this merge proposal was already accepted"),
    "rejected": lazy_gettext("this merge proposal was already rejected"),
    "undone": lazy_gettext("this merge proposal was already undone"),
}


def _merge_state(status: str, expect: str) -> str:
    known = _MERGE_STATES.get(status)
    if known is None:
        return _("this merge proposal is %(status)s, not %(expect)s", status=status, expect=expect)
    return str(known)


def _decide(session: Session, actor: Principal, proposal_id: uuid.UUID | str, expect: str) -> MergeProposal:
    viewer = _analyst(session, actor)
    p = proposal_or_404(session, viewer, proposal_id)
    if p.status != expect:
        raise Conflict(_merge_state(p.status, expect))
    return p


def _record_decision(session: Session, actor: Principal, p: MergeProposal, status: str, details: dict) -> None:
    p.status = status
    p.decided_by_name = actor.username
    p.decided_at = utcnow()
    audit(
        session,
        actor=actor,
        action=DECISION_ACTIONS[status],
        target_type="merge_proposal",
        target_id=p.id,
        details={"entity": str(p.entity_id), "other": str(p.other_id), "score": p.score, **details},
    )
    bump_bank(session, [p.entity_id, p.other_id])


def accept(session: Session, *, actor: Principal, proposal_id: uuid.UUID | str) -> MergeProposal:
    """Merge the proposal's other entity into its entity (or that entity's canonical one); statements stay."""
    p = _decide(session, actor, proposal_id, "proposed")
    entity = session.get(BankEntity, p.entity_id)
    other = session.get(BankEntity, p.other_id)
    assert entity is not None and other is not None  # noqa: S101 - the foreign keys guarantee it
    if other.merged_into_id is not None:
        raise Conflict(_("the other entity is already merged into another one: undo that merge first"))
    target = canonical(session, entity)
    if target.id == other.id:
        raise Conflict(_("these entities are already merged the other way round"))
    other.merged_into_id = target.id
    _record_decision(session, actor, p, "accepted", {"merged_into": str(target.id)})
    return p


def reject(session: Session, *, actor: Principal, proposal_id: uuid.UUID | str) -> MergeProposal:
    """Not the same entity: the pair will not be proposed again."""
    p = _decide(session, actor, proposal_id, "proposed")
    _record_decision(session, actor, p, "rejected", {})
    return p


def undo(session: Session, *, actor: Principal, proposal_id: uuid.UUID | str) -> MergeProposal:
    """Separate an accepted merge again: the other entity stands on its own, with every statement it had."""
    p = _decide(session, actor, proposal_id, "accepted")
    other = session.get(BankEntity, p.other_id)
    assert other is not None  # noqa: S101 - the foreign key guarantees it
    was = other.merged_into_id
    other.merged_into_id = None
    _record_decision(session, actor, p, "undone", {"was_merged_into": str(was) if was else None})
    return p
