"""One member's administration on a network, for its secretariat: membership status and the designation.

The designation names one of the member's agencies (or a new one, created in the same transaction) as its
authority on the network, with the document that said so (a declaration, a note verbale) and its date.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import directory as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, NotFound
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.models.accounts import AGENCY_KINDS
from liaison.models.directory import MEMBERSHIP_STATUSES
from liaison.queries import directory as q
from liaison.web.deps import state
from liaison.web.ui.admin import admin_network, admin_url
from liaison.web.ui.common import (
    FormError,
    Me,
    Viewer,
    check_csrf,
    form_error,
    parse_uuid,
    redirect,
    renamed,
    render,
)
from liaison.web.ui.forms import optional_date
from liaison.web.ui.views import member_url

router = APIRouter()
FormStr = Annotated[str, Form()]
SAVED = {
    "approved": lazy_gettext(
        "Request approved: %(member)s is now an active member. Next, record its designated authority below."
    ),
    "admitted": lazy_gettext("%(member)s is now an active member. Next, record its designated authority below."),
    "status": lazy_gettext("Membership status saved."),
    "designation": lazy_gettext("Designation saved. The agency's contact points can now keep its roster."),
}
DESIGNATION_FIELDS = {"agency": "agency_id", "name": "new_agency_name"}  # action's field -> form's


@dataclass(frozen=True, slots=True)
class MembershipFacts:
    member_id: uuid.UUID
    code: str
    name: str
    kind: str
    status: str
    joined_on: date | None
    agencies: tuple[tuple[uuid.UUID, str, str], ...]  # (id, name, agency kind) of the member's agencies


def _facts(request: Request, network_id: uuid.UUID, code: str) -> MembershipFacts:
    with state(request).sessions() as session:
        member = q.member_by_code(session, code.strip().upper())
        ms = q.membership(session, network_id, member.id) if member is not None else None
        if member is None or ms is None:
            raise NotFound(_("“%(code)s” has never been a member of this network", code=code))
        agencies = q.agencies_of(session, member.id)
        return MembershipFacts(
            member.id,
            member.code,
            member.name,
            member.kind,
            ms.status,
            ms.joined_on,
            tuple((a_id, a_name, a_kind) for a_id, a_name, a_kind in agencies),
        )


def manage_response(
    request: Request,
    me: Viewer,
    code: str,
    member: str,
    *,
    saved: str = "",
    error: FormError | None = None,
    error_form: str = "",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    snap, n = admin_network(request, me, code)
    facts = _facts(request, n.id, member)
    d = snap.designations.get((n.id, facts.member_id))
    return render(
        request,
        "admin_member.html",
        status=status,
        me=me,
        network=n,
        m=facts,
        d=d,
        statuses=MEMBERSHIP_STATUSES,
        agency_kinds=AGENCY_KINDS,
        saved=str(SAVED[saved]) % {"member": facts.name} if saved in SAVED else "",
        error=error,
        error_form=error_form,
        form=form or {},
        today=utcnow().date().isoformat(),
        admin=admin_url(n.code),
        url=f"{admin_url(n.code)}/members/{facts.code}",
        member_page=member_url(n.code, facts.code) if facts.status == "active" else "",
    )


@router.get("/networks/{code}/admin/members/{member}")
def manage_member(request: Request, code: str, member: str, me: Me, saved: str = "") -> Response:
    return manage_response(request, me, code, member, saved=saved)


@router.post("/networks/{code}/admin/members/{member}/status")
def change_status(
    request: Request, code: str, member: str, me: Me, csrf_token: FormStr = "", status: FormStr = ""
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, n = admin_network(request, me, code)
    facts = _facts(request, n.id, member)
    try:
        with transaction(state(request).sessions) as session:
            act.set_membership_status(
                session,
                actor=me.principal,
                network=q.network(session, n.id),
                member=q.member(session, facts.member_id),
                status=status,
            )
    except (InvalidInput, Conflict) as exc:
        return manage_response(
            request,
            me,
            n.code,
            facts.code,
            error=form_error(exc, "status"),
            error_form="status",
            form={"status": status},
            status=exc.status,
        )
    return redirect(f"{admin_url(n.code)}/members/{facts.code}?saved=status")


@router.post("/networks/{code}/admin/members/{member}/designation")
def set_designation(
    request: Request,
    code: str,
    member: str,
    me: Me,
    csrf_token: FormStr = "",
    agency_id: FormStr = "",
    new_agency_name: FormStr = "",
    agency_kind: FormStr = "other",
    source: FormStr = "",
    designated_on: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, n = admin_network(request, me, code)
    facts = _facts(request, n.id, member)
    try:
        on = optional_date(designated_on, "designated_on")
        with transaction(state(request).sessions) as session:
            owner = q.member(session, facts.member_id)
            if agency_id == "new":
                agency = act.create_agency(
                    session, actor=me.principal, member=owner, name=new_agency_name, agency_kind=agency_kind
                )
            else:
                found = q.agency(session, parse_uuid(agency_id, "agency_id"))
                if found is None or found.member_id != owner.id:
                    raise InvalidInput(
                        "agency_id", _("choose one of the agencies of %(member)s, or a new one", member=owner.name)
                    )
                agency = found
            act.designate(
                session,
                actor=me.principal,
                network=q.network(session, n.id),
                member=owner,
                agency=agency,
                source=source,
                designated_on=on,
            )
    except (InvalidInput, Conflict) as exc:
        form = {
            "agency_id": agency_id,
            "new_agency_name": new_agency_name,
            "agency_kind": agency_kind,
            "source": source,
            "designated_on": designated_on,
        }
        err = renamed(form_error(exc, "new_agency_name"), DESIGNATION_FIELDS)
        return manage_response(
            request, me, n.code, facts.code, error=err, error_form="designation", form=form, status=exc.status
        )
    return redirect(f"{admin_url(n.code)}/members/{facts.code}?saved=designation")
