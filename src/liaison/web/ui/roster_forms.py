"""Roster forms on the member page: add or delete a rotation, set or clear the deputy.

Who may change a roster is decided by the actions (the network's secretariat, or the designated agency's
own contact points), exactly as in the API; these handlers only read the form and re-show it on an error.
"""

from __future__ import annotations

import uuid
from datetime import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import rosters as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.queries import directory as q
from liaison.queries.snapshot import DesignationView, Snapshot
from liaison.web.deps import state
from liaison.web.ui.common import FormError, Me, check_csrf, form_error, parse_uuid, redirect
from liaison.web.ui.forms import optional_date, optional_time, parse_date, parse_int, parse_time, parse_weekdays
from liaison.web.ui.member import lookup, member_response, roster_of
from liaison.web.ui.views import member_url

router = APIRouter()
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]
LABELS = {  # this form's own words for the fields, so the error names what the person sees
    "start": lazy_gettext("First hand-over date"),
    "end": lazy_gettext("Ends on"),
    "every": lazy_gettext("Every how many weeks or days"),
    "timezone": lazy_gettext("Time zone of the hand-over"),
    "window_start": lazy_gettext("Only between: from"),
    "window_end": lazy_gettext("Only between: to"),
    "weekdays": lazy_gettext("Only on"),
    "period": lazy_gettext("Hand over"),
}


def _participants(snap: Snapshot, values: list[str]) -> list[uuid.UUID]:
    chosen = [parse_uuid(v, "participants") for v in values if v.strip()]
    if not chosen:
        raise InvalidInput("participants", _("choose at least one contact point, in the order they take turns"))
    for cp in chosen:
        if cp not in snap.contacts:
            raise InvalidInput("participants", _("choose contact points from the list"))
    return chosen


def _window(start: str, end: str) -> tuple[time, time] | None:
    a, b = optional_time(start, "window_start"), optional_time(end, "window_end")
    if (a is None) != (b is None):
        raise InvalidInput("window_end" if a else "window_start", _("give both ends of the daily window, or neither"))
    return (a, b) if a is not None and b is not None else None


def _labelled(error: FormError) -> FormError:
    return FormError(error.field, str(LABELS.get(error.field, error.label)), error.message)


@router.post("/networks/{code}/members/{member}/rotations")
def add_rotation(
    request: Request,
    code: str,
    member: str,
    me: Me,
    csrf_token: FormStr = "",
    participant: FormList = None,
    timezone: FormStr = "",
    start: FormStr = "",
    handoff: FormStr = "",
    period: FormStr = "weekly",
    every: FormStr = "1",
    layer: FormStr = "0",
    end: FormStr = "",
    window_start: FormStr = "",
    window_end: FormStr = "",
    weekday: FormList = None,
    name: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    snap, n, m = lookup(request, me, code, member)
    d: DesignationView = roster_of(snap, n, m)
    try:
        people = _participants(snap, participant or [])
        zone = timezone.strip() or snap.contacts[people[0]].timezone
        with transaction(state(request).sessions) as session:
            act.add_rotation(
                session,
                actor=me.principal,
                designation=q.designation(session, d.id),
                participants=people,
                timezone=zone,
                start=parse_date(start, "start"),
                handoff=parse_time(handoff, "handoff"),
                period=period,
                every=parse_int(every, "every", 1, 52),
                layer=parse_int(layer, "layer", 0, 20),
                end=optional_date(end, "end"),
                window=_window(window_start, window_end),
                weekdays=parse_weekdays(weekday),
                name=name.strip()[:200],
            )
    except (InvalidInput, Conflict) as exc:
        form: dict[str, Any] = {
            "participant": participant or [],
            "timezone": timezone,
            "start": start,
            "handoff": handoff,
            "period": period,
            "every": every,
            "layer": layer,
            "end": end,
            "window_start": window_start,
            "window_end": window_end,
            "weekday": weekday or [],
            "name": name,
        }
        return member_response(
            request,
            me,
            n.code,
            m.code,
            when=utcnow(),
            at_given=False,
            error=_labelled(form_error(exc, "participants")),
            error_form="rotation",
            form=form,
            status=exc.status,
        )
    return redirect(member_url(n.code, m.code) + "?saved=rotation#rotations")


@router.post("/networks/{code}/members/{member}/rotations/{rotation_id}/delete")
def delete_rotation(
    request: Request, code: str, member: str, rotation_id: str, me: Me, csrf_token: FormStr = ""
) -> Response:
    check_csrf(me.csrf, csrf_token)
    snap, n, m = lookup(request, me, code, member)
    d = roster_of(snap, n, m)
    ident = parse_uuid(rotation_id, "rotation")
    with transaction(state(request).sessions) as session:
        rotation = q.roster_rotation(session, ident, d.id)
        act.delete_rotation(session, actor=me.principal, rotation=rotation)
    return redirect(member_url(n.code, m.code) + "?saved=rotation_deleted#rotations")


@router.post("/networks/{code}/members/{member}/deputy")
def set_deputy(
    request: Request, code: str, member: str, me: Me, csrf_token: FormStr = "", deputy_id: FormStr = ""
) -> Response:
    check_csrf(me.csrf, csrf_token)
    snap, n, m = lookup(request, me, code, member)
    d = roster_of(snap, n, m)
    try:
        deputy = parse_uuid(deputy_id, "deputy_id") if deputy_id.strip() else None
        with transaction(state(request).sessions) as session:
            act.set_deputy(
                session, actor=me.principal, designation=q.designation(session, d.id), contact_point_id=deputy
            )
    except (InvalidInput, Conflict) as exc:
        return member_response(
            request,
            me,
            n.code,
            m.code,
            when=utcnow(),
            at_given=False,
            error=form_error(exc, "deputy_id"),
            error_form="deputy",
            form={"deputy_id": deputy_id},
            status=exc.status,
        )
    saved = "deputy" if deputy else "deputy_cleared"
    return redirect(member_url(n.code, m.code) + f"?saved={saved}#designation")
