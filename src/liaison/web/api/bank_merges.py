"""Merge proposals API: list them, run the duplicate finder, accept, reject, undo (analysts).

Thin like the other routers: each write is one transaction through :mod:`liaison.actions.merges`. A proposal
whose entities the caller may not both see does not exist for them (404).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from liaison.actions import merges as act
from liaison.db import transaction
from liaison.queries import bank_merges as q
from liaison.queries.bank_access import viewer_for
from liaison.web.api.common import ApiModel
from liaison.web.deps import Actor, State

router = APIRouter(tags=["bank"])
ProposalId = Path(description="The merge proposal's id")


class RunIn(ApiModel):
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Least score (default: the algorithm's).")
    limit: int = Field(act.DEFAULT_LIMIT, ge=1, le=10_000, description="At most this many new proposals.")


@router.get("/bank/merge-proposals", summary="Merge proposals whose two entities you may see")
def list_proposals(
    actor: Actor,
    st: State,
    status: Literal["proposed", "accepted", "rejected", "undone"] | None = None,
    limit: int = Query(200, ge=1, le=5000),
) -> list[dict[str, Any]]:
    with st.sessions() as session:
        return q.list_proposals(session, viewer_for(session, actor), status=status, limit=limit)


@router.post(
    "/bank/merge-proposals/run",
    status_code=201,
    summary="Find likely duplicates contributed by different members and propose them (analysts)",
)
def run(actor: Actor, st: State, body: RunIn | None = None) -> dict[str, Any]:
    body = body or RunIn.model_validate({})
    with transaction(st.sessions) as session:
        made = act.propose_merges(session, actor=actor, threshold=body.threshold, limit=body.limit)
        out = q.proposals_json(session, viewer_for(session, actor), made)
    return {"proposed": len(out), "proposals": out}


def _decided(st: Any, actor: Any, proposal_id: str, decide: Any) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        p = decide(session, actor=actor, proposal_id=proposal_id)
        session.flush()
        return q.proposals_json(session, viewer_for(session, actor), [p])[0]


@router.post("/bank/merge-proposals/{proposal_id}/accept", summary="Merge the two entities (analysts)")
def accept(actor: Actor, st: State, proposal_id: str = ProposalId) -> dict[str, Any]:
    return _decided(st, actor, proposal_id, act.accept)


@router.post("/bank/merge-proposals/{proposal_id}/reject", summary="Not the same: never propose again (analysts)")
def reject(actor: Actor, st: State, proposal_id: str = ProposalId) -> dict[str, Any]:
    return _decided(st, actor, proposal_id, act.reject)


@router.post("/bank/merge-proposals/{proposal_id}/undo", summary="Separate a merged entity again (analysts)")
def undo(actor: Actor, st: State, proposal_id: str = ProposalId) -> dict[str, Any]:
    return _decided(st, actor, proposal_id, act.undo)
