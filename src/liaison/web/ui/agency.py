"""The agency page: who the agency is, where it is designated, its contact points and their channels.

Anyone who may see the agency (need to know, as in the API) reads it; its own contact points and the
secretariats of the networks it is designated on also edit it: contact points, channels, test messages.
The channel forms live in :mod:`liaison.web.ui.channel_forms`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import directory as act
from liaison.actions import evidence
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, NotFound
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.models.directory import CHANNEL_KINDS
from liaison.queries import directory as q
from liaison.queries.directory import AgencyPage
from liaison.queries.snapshot import Snapshot
from liaison.queries.visibility import sees_organisation
from liaison.web.deps import state
from liaison.web.ui.common import FormError, Me, Viewer, check_csrf, form_error, redirect, render, uuid_or_404
from liaison.web.ui.forms import country_zones, parse_languages, zone_choices
from liaison.web.ui.views import member_url

if TYPE_CHECKING:
    from liaison.models import ContactPoint

router = APIRouter()
FormStr = Annotated[str, Form()]
SAVED = {
    "contact": lazy_gettext("Contact point added."),
    "contact_updated": lazy_gettext("Contact point saved."),
    "channel": lazy_gettext("Channel added. Send it a test message to verify it."),
    "channel_removed": lazy_gettext("Channel removed."),
}
SENT_VIA = {
    "log": lazy_gettext("the node's message log (no gateway for this kind of channel is set up on this node)"),
    "smtp": lazy_gettext("e-mail"),
}


def agency_networks(snap: Snapshot, agency_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Every network the agency is designated on (the edit right depends on them, seen or not)."""
    return frozenset(net for (net, _m), d in snap.designations.items() if d.agency_id == agency_id)


def visible_agency(request: Request, me: Viewer, agency_id: str) -> tuple[Snapshot, uuid.UUID]:
    """The agency's id if the viewer may see it; an invisible agency is answered like an unknown one."""
    snap = state(request).cache.get()
    ident = uuid_or_404(agency_id, "agency")
    if not sees_organisation(snap, me.principal, ident):
        raise NotFound(_("no agency %(id)s", id=ident))
    return snap, ident


def _load(request: Request, ident: uuid.UUID) -> AgencyPage:
    with state(request).sessions() as session:
        return q.agency_page(session, ident, utcnow())


def agency_response(
    request: Request,
    me: Viewer,
    agency_id: str,
    *,
    saved: str = "",
    sent: dict[str, Any] | None = None,
    failure: str = "",
    error: FormError | None = None,
    error_form: str = "",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    snap, ident = visible_agency(request, me, agency_id)
    page = _load(request, ident)
    networks = agency_networks(snap, ident)
    editable = me.principal.can_edit_organisation(ident, networks)
    designations = sorted(
        (
            (snap.networks_by_id[net], snap.members_by_id[mem])
            for (net, mem), d in snap.designations.items()
            if d.agency_id == ident and me.principal.can_see_network(net) and net in snap.networks_by_id
        ),
        key=lambda pair: pair[0].code,
    )
    persons = [str(c.id) for c in page.contacts if c.kind == "person"]
    if persons:
        evidence.agency_persons_read(state(request).read_audit, actor=me.principal, agency_id=ident, persons=persons)
    likely = [c.timezone for c in page.contacts] + country_zones(page.member_code)
    if sent is not None:  # name the channel from the directory, never from the query string
        found = [(c, ch) for c in page.contacts for ch in c.channels if str(ch.id) == sent.get("channel")]
        if found:
            contact, channel = found[0]
            sent = {**sent, "contact": contact.name, "kind": channel.kind, "value": channel.value}
        else:
            sent = None
    return render(
        request,
        "agency.html",
        status=status,
        me=me,
        agency=page,
        designations=[(n, m, member_url(n.code, m.code)) for n, m in designations],
        editable=editable,
        zones=zone_choices(likely) if editable else [],
        default_zone=(likely or ["UTC"])[0],
        channel_kinds=CHANNEL_KINDS,
        saved=SAVED.get(saved, ""),
        sent=sent,
        failure=failure,
        error=error,
        error_form=error_form,
        form=form or {},
        now=utcnow(),
        url=f"/agencies/{ident}",
    )


@router.get("/agencies/{agency_id}")
def agency_page(request: Request, agency_id: str, me: Me, saved: str = "", sent: str = "", via: str = "") -> Response:
    shown = {"channel": sent, "via": SENT_VIA[via]} if sent and via in SENT_VIA else None
    return agency_response(request, me, agency_id, saved=saved, sent=shown)


def contact_changes(cp: ContactPoint, values: dict[str, Any]) -> dict[str, Any]:
    """Only what the form changed, so the audit row says what happened."""
    return {k: v for k, v in values.items() if getattr(cp, k) != v}


@router.post("/agencies/{agency_id}/contact-points")
def add_contact_point(
    request: Request,
    agency_id: str,
    me: Me,
    csrf_token: FormStr = "",
    name: FormStr = "",
    kind: FormStr = "desk",
    is_24_7: FormStr = "",
    timezone: FormStr = "",
    languages: FormStr = "",
    notes: FormStr = "",
    channel_kind: FormStr = "",
    channel_value: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, ident = visible_agency(request, me, agency_id)
    first = [{"kind": channel_kind, "value": channel_value}] if channel_value.strip() else []
    try:
        with transaction(state(request).sessions) as session:
            agency = q.agency_or_404(session, ident)
            act.create_contact_point(
                session,
                actor=me.principal,
                agency=agency,
                name=name,
                timezone=timezone.strip(),
                kind=kind,
                languages=parse_languages(languages),
                is_24_7=bool(is_24_7),
                notes=notes.strip()[:2000],
                channels=first,
            )
    except (InvalidInput, Conflict) as exc:
        form = {
            "name": name,
            "kind": kind,
            "is_24_7": is_24_7,
            "timezone": timezone,
            "languages": languages,
            "notes": notes,
            "channel_kind": channel_kind,
            "channel_value": channel_value,
        }
        err = form_error(exc, "name")
        if first and err.field in ("value", "kind"):  # the first channel's fields carry a prefix on this form
            err = FormError("channel_" + err.field, _("First channel"), err.message)
        return agency_response(request, me, agency_id, error=err, error_form="new-cp", form=form, status=exc.status)
    return redirect(f"/agencies/{ident}?saved=contact#contact-points")


@router.post("/agencies/{agency_id}/contact-points/{contact_point_id}")
def edit_contact_point(
    request: Request,
    agency_id: str,
    contact_point_id: str,
    me: Me,
    csrf_token: FormStr = "",
    name: FormStr = "",
    kind: FormStr = "desk",
    is_24_7: FormStr = "",
    timezone: FormStr = "",
    languages: FormStr = "",
    notes: FormStr = "",
    is_active: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    _snap, ident = visible_agency(request, me, agency_id)
    cp_id = uuid_or_404(contact_point_id, "contact point")
    try:
        with transaction(state(request).sessions) as session:
            cp = q.agency_contact_point(session, ident, cp_id)
            values = {
                "name": name.strip(),
                "kind": kind,
                "is_24_7": bool(is_24_7),
                "timezone": timezone.strip(),
                "languages": parse_languages(languages),
                "notes": notes.strip()[:2000],
                "is_active": bool(is_active),
            }
            changes = contact_changes(cp, values)
            if changes:
                act.update_contact_point(session, actor=me.principal, contact_point=cp, changes=changes)
    except (InvalidInput, Conflict) as exc:
        form = {
            "name": name,
            "kind": kind,
            "is_24_7": is_24_7,
            "timezone": timezone,
            "languages": languages,
            "notes": notes,
            "is_active": is_active,
        }
        return agency_response(
            request,
            me,
            agency_id,
            error=form_error(exc, "name"),
            error_form=f"edit-{cp_id}",
            form=form,
            status=exc.status,
        )
    return redirect(f"/agencies/{ident}?saved=contact_updated#cp-{cp_id}")
