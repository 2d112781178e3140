"""The message page: the marking, the text, attachments, addressees with their acknowledgements, the delivery
and escalation history, case steps, the thread, and the forms to act on it (acknowledge, answer the response
clock, reply, forward, consent to forwarding, close, record a case step, export).

Reading the page, an attachment or an export is audited. A form is shown only when ``message_json(...)["you"]``
allows it; a refusal shows the page again with the reason beside that form and what was typed kept.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import evidence
from liaison.actions import exchange as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, PermissionDenied, TooLarge
from liaison.escalation import parse_policy
from liaison.exchange.attachments import human_size
from liaison.exchange.wording import policy_words, priority_label
from liaison.i18n import _
from liaison.models import utcnow
from liaison.models.exchange import CASE_STEPS
from liaison.queries import exchange as q
from liaison.queries.message_access import message_or_404, require
from liaison.web.deps import state
from liaison.web.ui.common import FormError, Me, Viewer, check_csrf, parse_local, redirect, render
from liaison.web.ui.exchange import codes, own_member_code, read_uploads
from liaison.web.ui.exchange_views import (
    ANSWERS,
    CASE_STEP_LABELS,
    DONE,
    TLP_HANDLING,
    addressee_rows,
    form_err,
    forward_choices,
    history,
    kind_label,
    parse_iso,
    response_timer,
    speaking,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison.models import Message

router = APIRouter()
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
Files = Annotated[list[UploadFile | str], File()]


def message_response(
    request: Request,
    me: Viewer,
    message_id: str,
    *,
    done: str = "",
    error: FormError | None = None,
    error_form: str = "",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    st = state(request)
    now = utcnow()
    with transaction(st.sessions) as session:
        data = q.read_message(session, me.principal, message_id, now)
        count = q.unacknowledged(session, me.principal)
    snap = st.cache.get()
    you = data["you"]
    may_act = you["may_reply"] or you["may_close"] or you["may_export"]
    due = parse_iso(data["response_due_at"])
    mine_waiting = [a for a in data["addressees"] if a["yours"] and not a["answered_at"]]
    steps_left = [s for s in CASE_STEPS if s not in {c["step"] for c in data["case_steps"]}]
    if error_form == "close" and not you["may_close"]:
        error_form = ""  # a form this user is not shown (an addressee's close): the reason goes atop the page
    with speaking(me):
        events = history(data)
        addressees = addressee_rows(data, now)
        response = response_timer(due, now) if due and data["status"] == "open" and mine_waiting else None
        policy = policy_words(parse_policy(data["escalation_policy"]).to_json()) if data["escalation_policy"] else ""
    return render(
        request,
        "message.html",
        status=status,
        me=me,
        m=data,
        now=now,
        now_iso=now.isoformat(timespec="seconds"),
        sent_at=parse_iso(data["sent_at"]),
        kind_label=kind_label(data["kind"]),
        priority_label=priority_label,
        handling=TLP_HANDLING.get(data["marking"]["tlp"], ""),
        history=events,
        addressees=addressees,
        response=response,
        response_due=due,
        policy_words=policy,
        answers=ANSWERS,
        zone=reader_zone(me),
        parse_iso=parse_iso,
        may_answer=you["addressee"] and data["kind"] == "request" and data["status"] == "open" and may_act,
        may_consent=you["sender"] and data["marking"]["originator_control"] and data["status"] == "open" and may_act,
        may_step=data["kind"] == "victim_referral"
        and data["status"] == "open"
        and data["case_step"] != "closed"
        and you["may_reply"],
        steps=[(s, CASE_STEP_LABELS[s]) for s in (steps_left or CASE_STEPS)],
        step_labels=CASE_STEP_LABELS,
        forward_to=forward_choices(snap, data, own_member_code(snap, me.principal)) if you["may_forward"] else [],
        sizes={a["id"]: human_size(a["size"]) for a in data["attachments"]},
        done=DONE.get(done, ""),
        error=error,
        error_form=error_form,
        form=form or {},
        max_size=human_size(st.settings.attachment_max_bytes),
        inbox_count=count,
    )


def reader_zone(me: Viewer) -> str:
    """The zone a date typed into a form means: the reader's own (their setting, else their browser's)."""
    return i18n.valid_zone(me.time_zone) or i18n.current_zone()


@router.get("/messages/{message_id}")
def message_page(request: Request, message_id: str, me: Me, done: str = "") -> Response:
    return message_response(request, me, message_id, done=done)


def _act_on(
    request: Request,
    me: Viewer,
    message_id: str,
    form_name: str,
    form: dict[str, Any],
    done: str,
    work: Callable[[Session, Message], object],
) -> Response:
    """Run ``work(session, message)`` in one transaction; a refusal shows the page again with the error beside the
    form it came from and what was typed kept."""
    try:
        with transaction(state(request).sessions) as session:
            m = message_or_404(session, me.principal, message_id)
            result = work(session, m)
    except (InvalidInput, Conflict, PermissionDenied, TooLarge) as exc:
        return message_response(
            request, me, message_id, error=form_err(exc), error_form=form_name, form=form, status=exc.status
        )
    target = f"/messages/{result}" if isinstance(result, uuid.UUID) else f"/messages/{quote(message_id)}"
    return redirect(f"{target}?done={done}")


@router.post("/messages/{message_id}/answer")
def answer_clock(
    request: Request,
    message_id: str,
    me: Me,
    csrf_token: FormStr = "",
    decision: FormStr = "",
    answer_by: FormStr = "",
    note: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    form = {"answer_by": answer_by, "note": note}

    def work(session: Session, m: Message) -> None:
        if decision not in ("will", "cannot"):
            raise InvalidInput("decision", _("choose whether you will answer"))
        zone = reader_zone(me)
        by = parse_local(answer_by, zone, "answer_by") if decision == "will" and answer_by.strip() else None
        act.answer_clock(
            session, actor=me.principal, message=m, will_answer=decision == "will", answer_by=by, note=note
        )

    return _act_on(request, me, message_id, "answer", form, "answer", work)


@router.post("/messages/{message_id}/reply")
def reply(
    request: Request,
    message_id: str,
    me: Me,
    csrf_token: FormStr = "",
    body: FormStr = "",
    attachments: Files = [],  # noqa: B006
) -> Response:
    check_csrf(me.csrf, csrf_token)
    limit = state(request).settings.attachment_max_bytes

    def work(session: Session, m: Message) -> uuid.UUID:
        uploads = read_uploads(attachments, limit)
        r = act.reply(
            session,
            actor=me.principal,
            message=m,
            body=body.replace("\r\n", "\n"),
            attachments=uploads,
            max_attachment_bytes=limit,
        )
        return r.id

    return _act_on(request, me, message_id, "reply", {"body": body}, "reply", work)


@router.post("/messages/{message_id}/forward")
def forward(
    request: Request,
    message_id: str,
    me: Me,
    csrf_token: FormStr = "",
    to: FormList = [],  # noqa: B006
    note: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)

    def work(session: Session, m: Message) -> uuid.UUID:
        return act.forward(session, actor=me.principal, message=m, to_members=codes(to), note=note).id

    return _act_on(request, me, message_id, "forward", {"to": [c.upper() for c in to], "note": note}, "forward", work)


@router.post("/messages/{message_id}/consent")
def consent(request: Request, message_id: str, me: Me, csrf_token: FormStr = "", members: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)

    def work(session: Session, m: Message) -> None:
        named = codes(members)
        if not named:
            raise InvalidInput("members", _("name at least one member, or * for any member of the network"))
        act.grant_forward_consent(session, actor=me.principal, message=m, members=named)

    return _act_on(request, me, message_id, "consent", {"members": members}, "consent", work)


@router.post("/messages/{message_id}/close")
def close(request: Request, message_id: str, me: Me, csrf_token: FormStr = "", outcome: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)

    def work(session: Session, m: Message) -> None:
        act.close(session, actor=me.principal, message=m, outcome=outcome)

    return _act_on(request, me, message_id, "close", {"outcome": outcome}, "closed", work)


@router.post("/messages/{message_id}/steps")
def case_step(
    request: Request,
    message_id: str,
    me: Me,
    csrf_token: FormStr = "",
    step: FormStr = "",
    note: FormStr = "",
    at: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)

    def work(session: Session, m: Message) -> None:
        when = parse_local(at, reader_zone(me), "at") if at.strip() else None
        act.record_case_step(session, actor=me.principal, message=m, step=step, note=note, at=when)

    return _act_on(request, me, message_id, "step", {"step": step, "note": note, "at": at}, "step", work)


# -- attachments and export: audited reads, downloaded, never rendered ----------------------------------------------


def _download(data: bytes, filename: str, content_type: str) -> Response:
    """Bytes as a download, never shown inline; ``X-Content-Type-Options: nosniff`` comes with every response."""
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename) or "download"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(
        data,
        media_type=content_type,
        headers={
            "content-disposition": disposition,
            "cache-control": "no-store",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


@router.get("/messages/{message_id}/attachments/{attachment_id}")
def attachment(request: Request, message_id: str, attachment_id: str, me: Me) -> Response:
    with transaction(state(request).sessions) as session:
        m = message_or_404(session, me.principal, message_id)
        require(me.principal, m, "read")
        row = q.attachment_of(session, m, attachment_id)
        evidence.attachment_read(session, actor=me.principal, message=m, attachment=row)
        data, filename, ctype = row.data, row.filename, row.content_type
    return _download(data, filename, ctype)


@router.get("/messages/{message_id}/export")
def export(request: Request, message_id: str, me: Me) -> Response:
    """The message with its history as JSON (the marking travels with it); refused for TLP:RED except to its
    sender."""
    with transaction(state(request).sessions) as session:
        m = message_or_404(session, me.principal, message_id)
        require(me.principal, m, "export")
        data = q.message_json(session, me.principal, m)
        data.pop("you", None)
        evidence.message_export(
            session, actor=me.principal, message=m, details={"format": "json", "tlp": m.tlp, "via_page": True}
        )
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return _download(body, f"message-{data['id'][:8]}.json", "application/json")
