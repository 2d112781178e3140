"""The registries' forms, for the people who keep them (:func:`liaison.queries.legal_facts.require_legal_editor`:
a member's own contact points for their member, the networks' secretariats and the node's admins): add a liaison
officer, edit one and end its posting, add an expert, add a training activity and record who attended it.

Server-rendered and without JavaScript: a form posts back (CSRF-checked) and, once saved, redirects to the record
(POST, redirect, GET); a bad value re-shows the form with everything typed kept and the error beside its field.
Every write is an audited action of :mod:`liaison.actions.registries`; this module only reads the forms. It also
renders the officer and training-activity pages (:mod:`liaison.web.ui.registries` calls :func:`officer_response`
and :func:`activity_response`), since their end-of-posting and attendance forms post here.

The router is included by :mod:`liaison.web.ui.registries` before its own routes, so ``/registries/officers/new``
is not taken for an officer's id.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison.actions import registries as act
from liaison.db import transaction
from liaison.errors import InvalidInput, PermissionDenied
from liaison.i18n import _, lazy_gettext
from liaison.legal import strategy as core
from liaison.legal.elements import UnknownCode
from liaison.models import utcnow
from liaison.principal import Principal
from liaison.queries import registries as q
from liaison.queries.legal_facts import member_code as own_member
from liaison.queries.legal_facts import require_legal_editor
from liaison.web.deps import state
from liaison.web.ui.common import (
    FormError,
    Me,
    Viewer,
    check_csrf,
    field_label,
    form_error,
    parse_uuid,
    redirect,
    render,
)
from liaison.web.ui.forms import optional_date, parse_date, parse_int, parse_languages

router = APIRouter()
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]

# The forms' own words for their fields, so an error names what the person sees.
LABELS = {
    "name": lazy_gettext("Name"),
    "posted_by": lazy_gettext("Posted by"),
    "posted_to": lazy_gettext("Posted to"),
    "post": lazy_gettext("Post"),
    "networks": lazy_gettext("Networks"),
    "languages": lazy_gettext("Languages"),
    "contact_point_id": lazy_gettext("Reachable through the directory"),
    "email": lazy_gettext("E-mail"),
    "phone": lazy_gettext("Phone"),
    "from_on": lazy_gettext("In post from"),
    "until_on": lazy_gettext("In post until"),
    "source": lazy_gettext("Source"),
    "member": lazy_gettext("Member"),
    "organisation": lazy_gettext("Organisation"),
    "fields": lazy_gettext("Fields"),
    "other_topics": lazy_gettext("Other topics"),
    "available_from": lazy_gettext("Available from"),
    "available_until": lazy_gettext("Available until"),
    "availability": lazy_gettext("Availability"),
    "title": lazy_gettext("Title"),
    "organiser": lazy_gettext("Organiser"),
    "starts_on": lazy_gettext("Starts on"),
    "ends_on": lazy_gettext("Ends on"),
    "place": lazy_gettext("Place"),
    "topics": lazy_gettext("Topics"),
    "capacity": lazy_gettext("Places"),
    "description": lazy_gettext("Description"),
    "participant": lazy_gettext("Participant's name"),
    "count": lazy_gettext("Headcount"),
    "agency": lazy_gettext("Agency"),
}

# What the page says after a save (``?saved=`` takes only these keys).
SAVED = {
    "created": lazy_gettext("Liaison officer added."),
    "updated": lazy_gettext("Changes saved."),
    "ended": lazy_gettext("Posting ended."),
    "expert": lazy_gettext("Expert added."),
    "training": lazy_gettext("Training activity added."),
    "attendance": lazy_gettext("Attendance recorded."),
}


def today_() -> Any:
    return utcnow().date()


def saved_message(key: str) -> str:
    found = SAVED.get(key)
    return str(found) if found is not None else ""


def labelled(exc: InvalidInput) -> FormError:
    error = form_error(exc)
    label = LABELS.get(error.field)
    return FormError(error.field, str(label) if label is not None else field_label(error.field), error.message)


def may_edit(session: Session, actor: Principal, member: str) -> bool:
    try:
        require_legal_editor(session, actor, member)
    except PermissionDenied:
        return False
    return True


def require_writer(writable: list[str]) -> None:
    if not writable:
        raise PermissionDenied(
            _("only a member's own contact points, the secretariats and the node's admins add to the registries")
        )


def default_member(session: Session, actor: Principal, writable: list[str]) -> str:
    """The member a form starts with: the user's own when they may write for it, the only one they may else."""
    own = own_member(session, actor)
    if own in writable:
        return own or ""
    return writable[0] if len(writable) == 1 else ""


def _pick(value: str, allowed: list[str], field: str) -> str:
    value = value.strip().upper()
    if value not in allowed:
        raise InvalidInput(field, _("choose one from the list"))
    return value


def _items(values: list[str] | None, field: str) -> list[str]:
    """Ticked checklist items: each must be one of the list."""
    chosen = [x.strip() for x in values or [] if x.strip()]
    if any(x not in core.BY_CODE for x in chosen):
        raise InvalidInput(field, _("choose items from the list"))
    return chosen


def _other_topics(text: str, field: str) -> list[str]:
    """Topics written in words, one per line (or separated by semicolons)."""
    lines = [line.strip()[:200] for line in re.split(r"[\n;]+", text or "") if line.strip()]
    try:
        return core.topics(lines)
    except UnknownCode as exc:
        raise InvalidInput(
            field,
            _(
                "%(code)s looks like a checklist code but is none: tick the items above, other topics in words",
                code=exc.code,
            ),
        ) from None


def _optional_int(value: str, field: str) -> int | None:
    return parse_int(value, field, 1, 100000) if (value or "").strip() else None


def _provenance(source: str) -> act.Provenance:
    source = source.strip()
    return act.Provenance(source, retrieved_on=today_() if source else None)


def _forms_context() -> dict[str, Any]:
    return {
        "items": core.ITEMS,
        "pillars": core.PILLARS,
        "item_label": core.label,
    }


# -- liaison officers --------------------------------------------------------------------------------------------


def _officer_form(
    name: str = "",
    posted_by: str = "",
    posted_to: str = "",
    post: str = "",
    networks: list[str] | None = None,
    languages: str = "",
    contact_point_id: str = "",
    email: str = "",
    phone: str = "",
    from_on: str = "",
    until_on: str = "",
    source: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "posted_by": posted_by,
        "posted_to": posted_to,
        "post": post,
        "networks": [n.strip().upper() for n in networks or [] if n.strip()],
        "languages": languages,
        "contact_point_id": contact_point_id,
        "email": email,
        "phone": phone,
        "from_on": from_on,
        "until_on": until_on,
        "source": source,
    }


def _posted_officer(
    name: FormStr = "",
    posted_by: FormStr = "",
    posted_to: FormStr = "",
    post: FormStr = "",
    network: FormList = None,
    languages: FormStr = "",
    contact_point_id: FormStr = "",
    email: FormStr = "",
    phone: FormStr = "",
    from_on: FormStr = "",
    until_on: FormStr = "",
    source: FormStr = "",
) -> dict[str, Any]:
    """The officer form as posted (the add and the edit form are one form)."""
    return _officer_form(
        name, posted_by, posted_to, post, network, languages, contact_point_id, email, phone, from_on, until_on, source
    )


PostedOfficer = Annotated[dict[str, Any], Depends(_posted_officer)]


def _officer_in(session: Session, form: dict[str, Any]) -> act.OfficerIn:
    members = [m["code"] for m in q.member_choices(session)]
    if not form["posted_by"].strip():
        raise InvalidInput("posted_by", _("choose one from the list"))
    posted_to = _pick(form["posted_to"], members, "posted_to")
    networks = [n["code"] for n in q.network_choices(session)]
    if any(n not in networks for n in form["networks"]):
        raise InvalidInput("networks", _("choose networks from the list"))
    cp = form["contact_point_id"].strip()
    return act.OfficerIn(
        name=form["name"],
        posted_by=form["posted_by"],
        posted_to=posted_to,
        post=form["post"],
        networks=form["networks"],
        languages=parse_languages(form["languages"]),
        contact_point_id=parse_uuid(cp, "contact_point_id") if cp else None,
        email=form["email"],
        phone=form["phone"],
        from_on=optional_date(form["from_on"], "from_on"),
        until_on=optional_date(form["until_on"], "until_on"),
    )


def officer_form_response(
    request: Request,
    me: Viewer,
    form: dict[str, Any],
    *,
    officer: dict[str, Any] | None = None,
    error: FormError | None = None,
    status: int = 200,
) -> Response:
    with transaction(state(request).sessions) as session:
        writable = q.writable_members(session, me.principal)
        require_writer(writable)
        chosen = form["posted_by"]
        order = [chosen, *(m for m in writable if m != chosen)] if chosen in writable else writable
        groups = q.contact_point_choices(session, order)
        members = q.member_choices(session)
        networks = q.network_choices(session)
    names = {m["code"]: m["name"] for m in members}
    return render(
        request,
        "registries_officer_form.html",
        status=status,
        me=me,
        form=form,
        error=error,
        officer=officer,
        writable=[{"code": c, "name": names.get(c, c)} for c in writable],
        members=members,
        networks=networks,
        cp_groups=[(code, groups[code]) for code in order],
        section="officers",
        **_forms_context(),
    )


@router.get("/registries/officers/new")
def officer_new_page(request: Request, me: Me) -> Response:
    with transaction(state(request).sessions) as session:
        writable = q.writable_members(session, me.principal)
        require_writer(writable)
        member = default_member(session, me.principal, writable)
    return officer_form_response(request, me, _officer_form(posted_by=member))


@router.post("/registries/officers/new")
def officer_create(
    request: Request,
    me: Me,
    form: PostedOfficer,
    csrf_token: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        with transaction(state(request).sessions) as session:
            officer = act.create_officer(
                session, actor=me.principal, data=_officer_in(session, form), prov=_provenance(form["source"])
            )
            ident = officer.id
    except InvalidInput as exc:
        return officer_form_response(request, me, form, error=labelled(exc), status=exc.status)
    return redirect(f"/registries/officers/{ident}?saved=created")


@router.get("/registries/officers/{officer_id}/edit")
def officer_edit_page(request: Request, officer_id: str, me: Me) -> Response:
    with transaction(state(request).sessions) as session:
        o = q.officer(session, me.principal, officer_id, today=today_())
        require_legal_editor(session, me.principal, o["posted_by"])
    form = _officer_form(
        o["name"],
        o["posted_by"],
        o["posted_to"],
        o["post"],
        o["networks"],
        ", ".join(o["languages"]),
        o["contact_point_id"] or "",
        o["email"],
        o["phone"],
        o["from_on"] or "",
        o["until_on"] or "",
        o["provenance"]["source"],
    )
    return officer_form_response(request, me, form, officer={"id": o["id"], "name": o["name"], "href": o["href"]})


@router.post("/registries/officers/{officer_id}/edit")
def officer_update(
    request: Request,
    officer_id: str,
    me: Me,
    form: PostedOfficer,
    csrf_token: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        with transaction(state(request).sessions) as session:
            officer = act.update_officer(
                session, actor=me.principal, ident=officer_id, data=_officer_in(session, form), source=form["source"]
            )
            ident = officer.id
    except InvalidInput as exc:
        with transaction(state(request).sessions) as session:
            o = q.officer(session, me.principal, officer_id, today=today_())
        shown = {"id": o["id"], "name": o["name"], "href": o["href"]}
        return officer_form_response(request, me, form, officer=shown, error=labelled(exc), status=exc.status)
    return redirect(f"/registries/officers/{ident}?saved=updated")


def officer_response(
    request: Request,
    me: Viewer,
    officer_id: str,
    *,
    saved: str = "",
    error: FormError | None = None,
    end_form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """One officer's page: its details, the directory contact point, and for its keepers the edit link and the
    form that ends the posting."""
    with transaction(state(request).sessions) as session:
        data = q.officer(session, me.principal, officer_id, today=today_())
        editable = may_edit(session, me.principal, data["posted_by"])
    return render(
        request,
        "registries_officer.html",
        status=status,
        me=me,
        o=data,
        editable=editable,
        saved=saved_message(saved),
        error=error,
        end_form=end_form or {"until_on": data["until_on"] or today_().isoformat()},
        section="officers",
    )


@router.post("/registries/officers/{officer_id}/end")
def officer_end(
    request: Request, officer_id: str, me: Me, csrf_token: FormStr = "", until_on: FormStr = ""
) -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        day = parse_date(until_on, "until_on")
        with transaction(state(request).sessions) as session:
            ident = act.end_officer(session, actor=me.principal, ident=officer_id, until_on=day).id
    except InvalidInput as exc:
        return officer_response(
            request, me, officer_id, error=labelled(exc), end_form={"until_on": until_on}, status=exc.status
        )
    return redirect(f"/registries/officers/{ident}?saved=ended")


# -- experts -----------------------------------------------------------------------------------------------------


def _expert_form(
    name: str = "",
    member: str = "",
    organisation: str = "",
    fields: list[str] | None = None,
    other_topics: str = "",
    languages: str = "",
    available_from: str = "",
    available_until: str = "",
    availability: str = "",
    email: str = "",
    source: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "member": member,
        "organisation": organisation,
        "fields": [x.strip() for x in fields or [] if x.strip()],
        "other_topics": other_topics,
        "languages": languages,
        "available_from": available_from,
        "available_until": available_until,
        "availability": availability,
        "email": email,
        "source": source,
    }


def member_form_response(
    request: Request,
    me: Viewer,
    template: str,
    form: dict[str, Any],
    *,
    section: str,
    error: FormError | None = None,
    status: int = 200,
) -> Response:
    """An expert's or a training activity's form: the member is one of those the user keeps records for."""
    with transaction(state(request).sessions) as session:
        writable = q.writable_members(session, me.principal)
        require_writer(writable)
        names = {m["code"]: m["name"] for m in q.member_choices(session)}
    return render(
        request,
        template,
        status=status,
        me=me,
        form=form,
        error=error,
        writable=[{"code": c, "name": names.get(c, c)} for c in writable],
        section=section,
        **_forms_context(),
    )


@router.get("/registries/experts/new")
def expert_new_page(request: Request, me: Me) -> Response:
    with transaction(state(request).sessions) as session:
        writable = q.writable_members(session, me.principal)
        require_writer(writable)
        member = default_member(session, me.principal, writable)
    return member_form_response(
        request, me, "registries_expert_form.html", _expert_form(member=member), section="experts"
    )


@router.post("/registries/experts/new")
def expert_create(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    name: FormStr = "",
    member: FormStr = "",
    organisation: FormStr = "",
    field: FormList = None,
    other_topics: FormStr = "",
    languages: FormStr = "",
    available_from: FormStr = "",
    available_until: FormStr = "",
    availability: FormStr = "",
    email: FormStr = "",
    source: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    form = _expert_form(
        name,
        member,
        organisation,
        field,
        other_topics,
        languages,
        available_from,
        available_until,
        availability,
        email,
        source,
    )
    try:
        if not member.strip():
            raise InvalidInput("member", _("choose one from the list"))
        data = act.ExpertIn(
            name=name,
            member=member,
            organisation=organisation,
            fields=_items(field, "fields") + _other_topics(other_topics, "other_topics"),
            languages=parse_languages(languages),
            available_from=optional_date(available_from, "available_from"),
            available_until=optional_date(available_until, "available_until"),
            availability=availability,
            email=email,
        )
        with transaction(state(request).sessions) as session:
            ident = act.create_expert(session, actor=me.principal, data=data, prov=_provenance(source)).id
    except InvalidInput as exc:
        return member_form_response(
            request,
            me,
            "registries_expert_form.html",
            form,
            section="experts",
            error=labelled(exc),
            status=exc.status,
        )
    return redirect(f"/registries/experts?saved=expert#expert-{ident}")


# -- training ----------------------------------------------------------------------------------------------------


def _training_form(
    title: str = "",
    organiser: str = "",
    starts_on: str = "",
    ends_on: str = "",
    place: str = "",
    online: str = "",
    topics: list[str] | None = None,
    other_topics: str = "",
    languages: str = "",
    capacity: str = "",
    description: str = "",
    source: str = "",
) -> dict[str, Any]:
    return {
        "title": title,
        "organiser": organiser,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "place": place,
        "online": bool(online.strip()),
        "topics": [x.strip() for x in topics or [] if x.strip()],
        "other_topics": other_topics,
        "languages": languages,
        "capacity": capacity,
        "description": description,
        "source": source,
    }


@router.get("/registries/training/new")
def training_new_page(request: Request, me: Me) -> Response:
    with transaction(state(request).sessions) as session:
        writable = q.writable_members(session, me.principal)
        require_writer(writable)
        member = default_member(session, me.principal, writable)
    return member_form_response(
        request, me, "registries_training_form.html", _training_form(organiser=member), section="training"
    )


@router.post("/registries/training/new")
def training_create(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    title: FormStr = "",
    organiser: FormStr = "",
    starts_on: FormStr = "",
    ends_on: FormStr = "",
    place: FormStr = "",
    online: FormStr = "",
    topic: FormList = None,
    other_topics: FormStr = "",
    languages: FormStr = "",
    capacity: FormStr = "",
    description: FormStr = "",
    source: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    form = _training_form(
        title,
        organiser,
        starts_on,
        ends_on,
        place,
        online,
        topic,
        other_topics,
        languages,
        capacity,
        description,
        source,
    )
    try:
        if not organiser.strip():
            raise InvalidInput("organiser", _("choose one from the list"))
        data = act.TrainingIn(
            title=title,
            organiser=organiser,
            starts_on=parse_date(starts_on, "starts_on"),
            ends_on=optional_date(ends_on, "ends_on"),
            place=place,
            online=form["online"],
            topics=_items(topic, "topics") + _other_topics(other_topics, "other_topics"),
            languages=parse_languages(languages),
            capacity=_optional_int(capacity, "capacity"),
            description=description[:5000],
        )
        with transaction(state(request).sessions) as session:
            ident = act.create_training(session, actor=me.principal, data=data, prov=_provenance(source)).id
    except InvalidInput as exc:
        return member_form_response(
            request,
            me,
            "registries_training_form.html",
            form,
            section="training",
            error=labelled(exc),
            status=exc.status,
        )
    return redirect(f"/registries/training/{ident}?saved=training")


def activity_response(
    request: Request,
    me: Viewer,
    activity_id: str,
    *,
    saved: str = "",
    error: FormError | None = None,
    attend_form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """A training activity's page, with the attendance form for those who keep a member's records."""
    with transaction(state(request).sessions) as session:
        data = q.training(session, me.principal, activity_id, today=today_())
        writable = q.writable_members(session, me.principal)
        member = default_member(session, me.principal, writable) if writable else ""
    form = attend_form or {"member": member, "participant": "", "count": "1", "agency": ""}
    return render(
        request,
        "registries_activity.html",
        status=status,
        me=me,
        t=data,
        writable=writable,
        saved=saved_message(saved),
        error=error,
        form=form,
        section="training",
    )


@router.post("/registries/training/{activity_id}/attendance")
def attendance_add(
    request: Request,
    activity_id: str,
    me: Me,
    csrf_token: FormStr = "",
    member: FormStr = "",
    participant: FormStr = "",
    count: FormStr = "",
    agency: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    form = {"member": member, "participant": participant, "count": count, "agency": agency}
    try:
        if not member.strip():
            raise InvalidInput("member", _("choose one from the list"))
        number = parse_int(count or "1", "count", 1, 100000)
        with transaction(state(request).sessions) as session:
            row = act.attend(
                session,
                actor=me.principal,
                activity=activity_id,
                member=member,
                participant=participant,
                agency=agency,
                count=number,
            )
            ident: uuid.UUID = row.activity_id
    except InvalidInput as exc:
        return activity_response(request, me, activity_id, error=labelled(exc), attend_form=form, status=exc.status)
    return redirect(f"/registries/training/{ident}?saved=attendance#attendance")
