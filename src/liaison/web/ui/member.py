"""The member page: the duty answer with every channel, the fallback chain, the roster ahead, and its edit forms."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import evidence
from liaison.actions import rosters as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, NotFound
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.queries import directory as q
from liaison.queries.duty import duty_answer, shifts
from liaison.queries.snapshot import DesignationView, MemberView, NetworkView, Snapshot
from liaison.timeinput import instant
from liaison.web.deps import state
from liaison.web.ui import fmt
from liaison.web.ui.common import (
    FormError,
    Me,
    Viewer,
    check_csrf,
    form_error,
    parse_local,
    parse_uuid,
    redirect,
    render,
)
from liaison.web.ui.forms import zone_choices
from liaison.web.ui.views import (
    agency_contacts,
    can_edit,
    day_names,
    describe_rotation,
    member_or_404,
    member_url,
    network_or_404,
    override_rows,
    roster_zone,
)

router = APIRouter()
FormStr = Annotated[str, Form()]
SHIFT_DAYS = 14
SAVED = {
    "override": lazy_gettext("Override saved. It wins over the rotation for its time."),
    "override_deleted": lazy_gettext("Override removed."),
    "confirmed": lazy_gettext("Roster confirmed as true as it stands."),
    "rotation": lazy_gettext("Rotation added. Check the shifts below."),
    "rotation_deleted": lazy_gettext("Rotation deleted. Check the shifts below for gaps."),
    "deputy": lazy_gettext("Deputy saved."),
    "deputy_cleared": lazy_gettext("Deputy cleared: the fallback now starts with the agency's 24/7 desk."),
}


def _when(at: str | None, at_local: str, tz: str) -> datetime:
    if at:
        return instant(at)
    if at_local.strip():
        return parse_local(at_local, tz, "at").astimezone(UTC)
    return utcnow()


def lookup(request: Request, me: Viewer, code: str, member: str) -> tuple[Snapshot, NetworkView, MemberView]:
    snap = state(request).cache.get()
    n = network_or_404(snap, me.principal, code)
    return snap, n, member_or_404(snap, n, member)


def roster_of(snap: Snapshot, n: NetworkView, m: MemberView) -> DesignationView:
    d = snap.designations.get((n.id, m.id))
    if d is None:
        raise NotFound(
            _(
                "%(member)s has designated no authority on %(network)s, so there is no roster to change",
                member=m.name,
                network=n.code,
            )
        )
    return d


def member_response(
    request: Request,
    me: Viewer,
    code: str,
    member: str,
    *,
    when: datetime,
    at_given: bool,
    saved: str = "",
    error: FormError | None = None,
    error_form: str = "override",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    snap, n, m = lookup(request, me, code, member)
    answer = duty_answer(snap, n, m, when)
    evidence.duty_answers_read(state(request).read_audit, actor=me.principal, answers=[answer], network_id=n.id)
    d = answer.designation
    zone = roster_zone(d, answer.contact)
    upcoming: list[tuple[Any, Any]] = []
    overrides = []
    rotations = []
    editable = False
    choices = []
    if d is not None:
        today = when.astimezone(fmt.zone(zone)).date()
        rotations = [describe_rotation(r, snap.contacts, today) for r in d.rotations]
        for s in shifts(snap, d, when, SHIFT_DAYS):
            upcoming.append((s, snap.contacts.get(uuid.UUID(s.participant)) if s.participant else None))
        overrides = override_rows([o for o in d.overrides if o.end > when - timedelta(days=1)], snap.contacts)
        editable = can_edit(snap, me.principal, d)
        choices = agency_contacts(snap, d) if editable else []
    roster_zones = zone_choices([zone, *(c.timezone for c in choices)]) if editable else []
    mine = i18n.valid_zone(me.time_zone) or i18n.current_zone()  # the zone the page is shown in (see render)
    zones = sorted({"UTC", zone, mine, *(c.timezone for c in ([answer.contact] if answer.contact else []))})
    return render(
        request,
        "member.html",
        status=status,
        me=me,
        network=n,
        member=m,
        a=answer,
        d=d,
        zone=zone,
        zones=zones,
        at=when,
        at_given=at_given,
        now=utcnow(),
        upcoming=upcoming,
        overrides=overrides,
        rotations=rotations,
        roster_zones=roster_zones,
        slots=min(max(len(choices), 2), 8),
        weekdays=day_names("abbreviated"),
        today=utcnow().astimezone(fmt.zone(zone)).date().isoformat(),
        editable=editable,
        choices=choices,
        saved=SAVED.get(saved, ""),
        error=error,
        error_form=error_form,
        form=form or {},
        deputy=snap.contacts.get(d.deputy_id) if d and d.deputy_id else None,
        url=member_url(n.code, m.code),
        shift_days=SHIFT_DAYS,
        ics=f"/api/v1/networks/{n.code}/members/{m.code}/roster.ics",
    )


@router.get("/networks/{code}/members/{member}")
def member_page(
    request: Request,
    code: str,
    member: str,
    me: Me,
    at: str | None = None,
    at_local: str = "",
    tz: str = "",
    saved: str = "",
) -> Response:
    snap, n, m = lookup(request, me, code, member)
    if (code, member) != (n.code, m.code):
        params = {k: v for k, v in (("at", at), ("at_local", at_local), ("tz", tz)) if v}
        return redirect(member_url(n.code, m.code) + (f"?{urlencode(params)}" if params else ""))
    when = _when(at, at_local, tz)
    return member_response(request, me, code, member, when=when, at_given=bool(at or at_local.strip()), saved=saved)


@router.post("/networks/{code}/members/{member}/overrides")
def add_override(
    request: Request,
    code: str,
    member: str,
    me: Me,
    csrf_token: FormStr = "",
    contact_point_id: FormStr = "",
    start: FormStr = "",
    end: FormStr = "",
    tz: FormStr = "UTC",
    reason: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    snap, n, m = lookup(request, me, code, member)
    d = roster_of(snap, n, m)
    try:
        contact = parse_uuid(contact_point_id, "contact_point_id")
        begins, ends = parse_local(start, tz, "start"), parse_local(end, tz, "end")
        with transaction(state(request).sessions) as session:
            act.add_override(
                session,
                actor=me.principal,
                designation=q.designation(session, d.id),
                contact_point_id=contact,
                start=begins,
                end=ends,
                reason=reason[:500],
            )
    except (InvalidInput, Conflict) as exc:
        form = {"contact_point_id": contact_point_id, "start": start, "end": end, "tz": tz, "reason": reason}
        return member_response(
            request,
            me,
            n.code,
            m.code,
            when=utcnow(),
            at_given=False,
            error=form_error(exc),
            form=form,
            status=exc.status,
        )
    return redirect(member_url(n.code, m.code) + "?saved=override#overrides")


@router.post("/networks/{code}/members/{member}/overrides/{override_id}/delete")
def delete_override(
    request: Request, code: str, member: str, override_id: str, me: Me, csrf_token: FormStr = ""
) -> Response:
    check_csrf(me.csrf, csrf_token)
    snap, n, m = lookup(request, me, code, member)
    d = roster_of(snap, n, m)
    ident = parse_uuid(override_id, "override")
    with transaction(state(request).sessions) as session:
        override = q.roster_override(session, ident, d.id)
        act.delete_override(session, actor=me.principal, override=override)
    return redirect(member_url(n.code, m.code) + "?saved=override_deleted#overrides")


@router.post("/networks/{code}/members/{member}/roster/confirm")
def confirm_roster(request: Request, code: str, member: str, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    snap, n, m = lookup(request, me, code, member)
    d = roster_of(snap, n, m)
    with transaction(state(request).sessions) as session:
        act.confirm_roster(session, actor=me.principal, designation=q.designation(session, d.id))
    return redirect(member_url(n.code, m.code) + "?saved=confirmed#designation")
