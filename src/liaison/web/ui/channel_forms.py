"""Channel forms on the agency page: add a channel, remove one, and send it a test message to verify it.

The test message mirrors the API (``POST /api/v1/channels/{id}/verification``): the single-use code is stored
by the action and committed first, then the message is handed to the channel's sender; a message that
cannot be sent is shown as a delivery failure (502), never as sent.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import directory as act
from liaison.channels import ChannelError
from liaison.channels.verification import deliver_verification
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput
from liaison.i18n import _
from liaison.queries import directory as q
from liaison.web.deps import state
from liaison.web.ui.agency import agency_response, visible_agency
from liaison.web.ui.common import Me, check_csrf, form_error, redirect, uuid_or_404

router = APIRouter()
FormStr = Annotated[str, Form()]
SENT_VIA = {"LogSender": "log", "SmtpSender": "smtp"}


@router.post("/agencies/{agency_id}/contact-points/{contact_point_id}/channels")
def add_channel(
    request: Request,
    agency_id: str,
    contact_point_id: str,
    me: Me,
    csrf_token: FormStr = "",
    kind: FormStr = "",
    value: FormStr = "",
    label: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, ident = visible_agency(request, me, agency_id)
    cp_id = uuid_or_404(contact_point_id, "contact point")
    try:
        with transaction(state(request).sessions) as session:
            cp = q.agency_contact_point(session, ident, cp_id)
            act.add_channel(session, actor=me.principal, contact_point=cp, kind=kind, value=value, label=label[:100])
    except (InvalidInput, Conflict) as exc:
        form = {"kind": kind, "value": value, "label": label}
        return agency_response(
            request,
            me,
            agency_id,
            error=form_error(exc, "value"),
            error_form=f"addch-{cp_id}",
            form=form,
            status=exc.status,
        )
    return redirect(f"/agencies/{ident}?saved=channel#cp-{cp_id}")


@router.post("/agencies/{agency_id}/channels/{channel_id}/remove")
def remove_channel(request: Request, agency_id: str, channel_id: str, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, ident = visible_agency(request, me, agency_id)
    ch_id = uuid_or_404(channel_id, "channel")
    with transaction(state(request).sessions) as session:
        channel = q.agency_channel(session, ident, ch_id)
        cp_id = channel.contact_point_id
        act.remove_channel(session, actor=me.principal, channel=channel)
    return redirect(f"/agencies/{ident}?saved=channel_removed#cp-{cp_id}")


@router.post("/agencies/{agency_id}/channels/{channel_id}/test")
def send_test_message(request: Request, agency_id: str, channel_id: str, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, ident = visible_agency(request, me, agency_id)
    ch_id = uuid_or_404(channel_id, "channel")
    st = state(request)
    with transaction(st.sessions) as session:
        channel = q.agency_channel(session, ident, ch_id)
        code = act.start_channel_verification(session, actor=me.principal, channel=channel)
        kind, value, contact = channel.kind, channel.value, channel.contact_point.name
    try:
        sent = deliver_verification(st.settings, kind=kind, value=value, contact_name=contact, code=code)
    except ChannelError as exc:
        failure = (
            _(
                "The test message to %(value)s (%(contact)s) could not be sent: %(error)s. Nothing was sent; check "
                "the address or number.",
                value=value,
                contact=contact,
                error=exc.public,
            )
            if exc.permanent
            else _(
                "The test message to %(value)s (%(contact)s) could not be sent: %(error)s. Nothing was sent; try "
                "again later.",
                value=value,
                contact=contact,
                error=exc.public,
            )
        )
        return agency_response(request, me, agency_id, failure=failure, status=502)
    via = SENT_VIA.get(sent, "log")
    return redirect(f"/agencies/{ident}?sent={ch_id}&via={via}#ch-{ch_id}")
