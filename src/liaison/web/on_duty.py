"""The duty answer as the API serves it, shared by the documented route (:mod:`liaison.web.api.directory`) and the
fast path (:mod:`liaison.web.fastpath`), so both authenticate, check need to know, audit and answer alike."""

from __future__ import annotations

from typing import Any

from liaison.actions import evidence
from liaison.principal import Principal
from liaison.queries.duty import duty_answer, duty_answer_bytes, network_member
from liaison.queries.snapshot import Snapshot
from liaison.timeinput import instant
from liaison.web.state import AppState


def on_duty_bytes(st: AppState, snap: Snapshot, actor: Principal, network: str, member: str, at: str | None) -> bytes:
    """The duty answer as JSON bytes for the fast path; same content as the route's."""
    n, m = network_member(snap, actor, network, member)
    payload, memo = duty_answer_bytes(snap, n, m, instant(at))
    if memo.persons:
        evidence.duty_read(st.read_audit, actor=actor, network_id=n.id, persons=list(memo.persons), members=[m.code])
    return payload


def on_duty_payload(st: AppState, actor: Principal, network: str, member: str, at: str | None) -> dict[str, Any]:
    """The duty answer as JSON, for the route."""
    snap = st.cache.get()
    n, m = network_member(snap, actor, network, member)
    answer = duty_answer(snap, n, m, instant(at))
    evidence.duty_answers_read(st.read_audit, actor=actor, answers=[answer], network_id=n.id)
    return answer.to_json()
