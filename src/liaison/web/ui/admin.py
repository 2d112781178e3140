"""Network administration for its secretariat: membership requests, members and their status, admitting a member.

Each member's own administration page (status, designation) is in :mod:`liaison.web.ui.admin_member`.
Only the network's secretariat (or a node admin) gets here; others who see the network are refused (403),
and those who do not see it are answered as if it did not exist (404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import directory as act
from liaison.actions.exchange import policies_in_force
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from liaison.i18n import _, lazy_gettext
from liaison.models.directory import MEMBERSHIP_STATUSES
from liaison.queries import directory as q
from liaison.queries.snapshot import NetworkView, Snapshot
from liaison.web.deps import state
from liaison.web.ui import words
from liaison.web.ui.common import (
    FormError,
    Me,
    Viewer,
    check_csrf,
    form_error,
    redirect,
    renamed,
    render,
    uuid_or_404,
)
from liaison.web.ui.views import network_or_404

router = APIRouter()
FormStr = Annotated[str, Form()]
SAVED = {"declined": lazy_gettext("Request declined. The requester sees the decision and your note.")}
PRIORITY_WORDS = {
    # Translators: a message priority; the escalation policy of flash messages follows.
    "flash": lazy_gettext("Flash messages"),
    "urgent": lazy_gettext("Urgent messages"),
    "routine": lazy_gettext("Routine messages"),
}
DECIDED_SHOWN = 20
MEMBER_FIELDS = {"code": "member_code", "kind": "member_kind", "name": "member_name"}  # action's -> form's


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: uuid.UUID
    member_code: str
    member_name: str
    member_kind: str
    message: str
    status: str
    created_at: datetime
    requested_by: str
    decided_at: datetime | None
    decided_by: str
    note: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    code: str
    name: str
    kind: str
    status: str
    joined_on: date | None
    agency: str | None
    agency_id: uuid.UUID | None


def admin_network(request: Request, me: Viewer, code: str) -> tuple[Snapshot, NetworkView]:
    snap = state(request).cache.get()
    n = network_or_404(snap, me.principal, code)
    if not me.principal.administers(n.id):
        raise PermissionDenied(_("only the secretariat of %(network)s administers it", network=n.code))
    return snap, n


def admin_url(network: str) -> str:
    return f"/networks/{network}/admin"


def _requests(request: Request, network_id: uuid.UUID) -> list[RequestRow]:
    with state(request).sessions() as session:
        rows = q.requests_newest_first(session, network_id)
        names = q.usernames(session, {r.requested_by_id for r in rows} | {r.decided_by_id for r in rows})
    out = [
        RequestRow(
            r.id,
            r.member_code,
            r.member_name,
            r.member_kind,
            r.message,
            r.status,
            r.created_at,
            names.get(r.requested_by_id, "") if r.requested_by_id else "",
            r.decided_at,
            names.get(r.decided_by_id, "") if r.decided_by_id else "",
            r.decision_note,
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: r.status != "pending")  # stable: newest first within each group


def _members(request: Request, snap: Snapshot, network_id: uuid.UUID) -> list[MemberRow]:
    with state(request).sessions() as session:
        rows = q.memberships(session, network_id)
        found = [(ms.member.code, ms.member.name, ms.member.kind, ms.status, ms.joined_on, ms.member_id) for ms in rows]
    out = []
    for code, name, kind, status, joined, member_id in found:
        d = snap.designations.get((network_id, member_id))
        out.append(MemberRow(code, name, kind, status, joined, d.agency if d else None, d.agency_id if d else None))
    order = {s: i for i, s in enumerate(MEMBERSHIP_STATUSES)}
    return sorted(out, key=lambda m: (order.get(m.status, 9), m.name.casefold()))


def admin_response(
    request: Request,
    me: Viewer,
    code: str,
    *,
    saved: str = "",
    error: FormError | None = None,
    error_form: str = "",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    snap, n = admin_network(request, me, code)
    requests = _requests(request, n.id)
    members = _members(request, snap, n.id)
    with state(request).sessions() as session:
        in_force = policies_in_force(session, n.id)
    policies = [
        (PRIORITY_WORDS.get(priority, priority), words.policy_sentences(text), default)
        for priority, (text, default) in in_force.items()
    ]
    codes = {net.id: net.code for net in snap.networks.values()}
    grants = [(role, codes.get(net) if net else None) for role, net in sorted(me.principal.grants, key=str)]
    mine = [(role, network) for role, network in grants if network in (None, n.code)]
    return render(
        request,
        "network_admin.html",
        status=status,
        me=me,
        network=n,
        pending=[r for r in requests if r.status == "pending"],
        decided=[r for r in requests if r.status != "pending"][:DECIDED_SHOWN],
        members=members,
        counts={s: sum(1 for m in members if m.status == s) for s in MEMBERSHIP_STATUSES},
        saved=SAVED.get(saved, ""),
        error=error,
        error_form=error_form,
        form=form or {},
        url=admin_url(n.code),
        policies=policies,
        my_roles=words.roles_text(mine),
    )


@router.get("/networks/{code}/admin")
def admin_page(request: Request, code: str, me: Me, saved: str = "") -> Response:
    return admin_response(request, me, code, saved=saved)


@router.post("/networks/{code}/admin/requests/{request_id}")
def decide_request(
    request: Request,
    code: str,
    request_id: str,
    me: Me,
    csrf_token: FormStr = "",
    decision: FormStr = "",
    note: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, n = admin_network(request, me, code)
    ident = uuid_or_404(request_id, "membership request")
    try:
        if decision not in ("approve", "decline"):
            raise InvalidInput("decision", _("press Approve or Decline"))
        with transaction(state(request).sessions) as session:
            req = q.membership_request(session, ident)
            if req is None or req.network_id != n.id:
                raise NotFound(_("no membership request %(id)s on %(network)s", id=ident, network=n.code))
            act.decide_membership_request(
                session, actor=me.principal, request=req, approve=decision == "approve", note=note.strip()[:2000]
            )
            member_code = req.member_code
    except (InvalidInput, Conflict) as exc:
        return admin_response(
            request,
            me,
            n.code,
            error=form_error(exc, "note"),
            error_form=f"req-{ident}",
            form={"note": note},
            status=exc.status,
        )
    if decision == "approve":
        return redirect(f"{admin_url(n.code)}/members/{member_code}?saved=approved")
    return redirect(f"{admin_url(n.code)}?saved=declined#requests")


@router.post("/networks/{code}/admin/members")
def admit_member(
    request: Request,
    code: str,
    me: Me,
    csrf_token: FormStr = "",
    member_code: FormStr = "",
    member_kind: FormStr = "state",
    member_name: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, n = admin_network(request, me, code)
    try:
        with transaction(state(request).sessions) as session:
            member = act.ensure_member(
                session, actor=me.principal, code=member_code, kind=member_kind, name=member_name
            )
            act.admit_member(session, actor=me.principal, network=q.network(session, n.id), member=member)
            admitted = member.code
    except (InvalidInput, Conflict) as exc:
        err = renamed(form_error(exc, "member_code"), MEMBER_FIELDS)
        form = {"member_code": member_code, "member_kind": member_kind, "member_name": member_name}
        return admin_response(request, me, n.code, error=err, error_form="admit", form=form, status=exc.status)
    return redirect(f"{admin_url(n.code)}/members/{admitted}?saved=admitted")
