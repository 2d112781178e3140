"""Asking to join a network: open to any logged-in user, by the network's code (they may not see it yet).

The network's secretariat decides on its administration page; the requester follows the decision here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import directory as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput
from liaison.i18n import _, lazy_gettext
from liaison.queries import directory as q
from liaison.web.deps import state
from liaison.web.ui.common import FormError, Me, Viewer, check_csrf, form_error, redirect, renamed, render

router = APIRouter()
FormStr = Annotated[str, Form()]
STATUS_LABELS = {
    "pending": lazy_gettext("pending"),
    "approved": lazy_gettext("approved"),
    "declined": lazy_gettext("declined"),
}


def join_response(
    request: Request,
    me: Viewer,
    *,
    sent: str = "",
    error: FormError | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    with state(request).sessions() as session:
        mine = [
            {
                "id": str(r.id),
                "network": r.network.code,
                "member": _("%(name)s (%(code)s)", name=r.member_name, code=r.member_code),
                "status": r.status,
                "status_label": STATUS_LABELS.get(r.status, r.status),
                "created_at": r.created_at,
                "note": r.decision_note,
            }
            for r in q.requests_by(session, me.principal.user_id)
        ]
        own = q.member_or_none(session, me.principal.member_id) if me.principal.member_id else None
        defaults = {"member_code": own.code, "member_kind": own.kind, "member_name": own.name} if own else {}
    just_sent = next((r for r in mine if r["id"] == sent), None)
    return render(
        request,
        "join.html",
        status=status,
        me=me,
        requests=mine,
        just_sent=just_sent,
        error=error,
        form=form or defaults,
    )


@router.get("/join")
def join_page(request: Request, me: Me, sent: str = "") -> Response:
    return join_response(request, me, sent=sent)


@router.post("/join")
def ask_to_join(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    network: FormStr = "",
    member_code: FormStr = "",
    member_kind: FormStr = "state",
    member_name: FormStr = "",
    message: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        with transaction(state(request).sessions) as session:
            net = q.network_by_code(session, network.strip().upper())
            if net is None:
                raise InvalidInput("network", _("no network has this code; ask its secretariat for the code"))
            req = act.request_membership(
                session,
                actor=me.principal,
                network=net,
                member_code=member_code,
                member_kind=member_kind,
                member_name=member_name,
                message=message.strip()[:2000],
            )
            ident = req.id
    except (InvalidInput, Conflict) as exc:
        form = {
            "network": network,
            "member_code": member_code,
            "member_kind": member_kind,
            "member_name": member_name,
            "message": message,
        }
        error = renamed(form_error(exc, "network"), {"kind": "member_kind"})
        return join_response(request, me, error=error, form=form, status=exc.status)
    return redirect(f"/join?sent={ident}")
