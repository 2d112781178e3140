"""Exchange API: send, inbox, read, acknowledge, answer, reply, forward, close, case steps, export; the one-click
acknowledgement link; escalation policies; the secretariat's dashboard and reachability exercises.

Thin, like the other routers: parse, authorise (need to know lives in :mod:`liaison.queries.message_access`),
call the actions and queries, each write in one transaction that commits before the answer is sent. A refusal
(403) of an action on a message the actor may read is audited in a transaction of its own, since the action's
transaction rolls back (:func:`acting`). Unknown and unreadable messages look the same: 404.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from liaison import timeinput
from liaison.actions import evidence
from liaison.actions import exchange as act
from liaison.actions import exercises as exercise_act
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound, PermissionDenied, TooLarge
from liaison.escalation import parse_policy
from liaison.exchange.attachments import ALLOWED, human_size
from liaison.exchange.tokens import MAX_TOKEN_LENGTH
from liaison.i18n import _
from liaison.models import utcnow
from liaison.principal import Principal
from liaison.queries import exchange as q
from liaison.queries import exercises as exq
from liaison.queries.message_access import message_or_404, party, require
from liaison.timeinput import DASHBOARD_DAYS
from liaison.web.api.exchange_models import (
    AcknowledgedOut,
    AcknowledgeIn,
    AnswerIn,
    AnswerOut,
    AttachmentIn,
    CaseStepDone,
    CaseStepIn,
    ClosedOut,
    CloseIn,
    ConsentIn,
    ConsentOut,
    ErrorOut,
    ExerciseIn,
    ExerciseOut,
    ExportOut,
    ForwardIn,
    InboxOut,
    LinkOut,
    MessageIn,
    MessageOut,
    PoliciesOut,
    PolicyIn,
    Priority,
    ReplyIn,
    SentOut,
    _errors,
)
from liaison.web.deps import Actor, State, client_ip
from liaison.web.responses import JSONResponse
from liaison.web.state import AppState

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liaison.models import Exercise, Message

router = APIRouter(tags=["exchange"])

MessageId = Path(description="The message's id")


# -- helpers --


def _utc(value: datetime | None, field: str) -> datetime | None:
    return timeinput.within(value, field) if value is not None else None


def _uploads(items: list[AttachmentIn], max_bytes: int, field: str = "attachments") -> list[act.Upload]:
    """Decode every attachment before anything is written: bad base64 is a 422 naming the field, a file over
    the limit a 413 (refused from its encoded length, before decoding it)."""
    out = []
    for i, a in enumerate(items):
        text = "".join(a.content_base64.split())
        if len(text) > -(-max_bytes // 3) * 4:
            raise TooLarge(
                _(
                    "attachment %(filename)s: about %(size)s is over the %(limit)s limit",
                    filename=a.filename,
                    size=human_size(len(text) * 3 // 4),
                    limit=human_size(max_bytes),
                )
            )
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(f"{field}[{i}].content_base64", _("not valid base64 (%(reason)s)", reason=exc)) from exc
        out.append(act.Upload(a.filename, data, a.content_type))
    return out


def _sent(m: Message) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "thread_id": str(m.thread_id),
        "parent_id": str(m.parent_id) if m.parent_id else None,
        "forwarded_from_id": str(m.forwarded_from_id) if m.forwarded_from_id else None,
        "marking": m.marking.label,
        "addressees": [
            {
                "id": str(a.id),
                "member": a.member_code or None,
                "label": a.label,
                "contact_point_id": str(a.contact_point_id) if a.contact_point_id else None,
            }
            for a in m.addressees
        ],
        "escalation_policy": m.policy_text or None,
        "response_due_at": m.response_due_at.isoformat() if m.response_due_at else None,
    }


def record_refusal(st: AppState, actor: Principal, message_id: uuid.UUID, action: str, exc: PermissionDenied) -> None:
    """Audit a refused action on a message the actor may read, in its own transaction (the attempt is
    evidence, and the action's own transaction has rolled back)."""
    with transaction(st.sessions) as session:
        m = q.message_by_id(session, message_id)
        if m is None or not party(actor, m).reads:
            return
        evidence.message_refused(
            session, actor=actor, message=m, details={**exc.extra, "attempted": action, "reason": exc.detail}
        )


@contextmanager
def acting(st: AppState, actor: Principal, message_id: uuid.UUID, action: str) -> Iterator[Session]:
    """The transaction of one action on a message; a refusal is audited before it propagates."""
    try:
        with transaction(st.sessions) as session:
            yield session
    except PermissionDenied as exc:
        record_refusal(st, actor, message_id, action, exc)
        raise


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("\\", "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


# -- messages --


@router.post(
    "/messages",
    status_code=201,
    response_model=SentOut,
    responses=_errors(403, 404, 413, 422),
    summary="Send a request, threat notice, victim referral or reachability test",
    description=(
        "Everything is checked before anything is stored: an unknown addressee is a 404 with suggestions, an "
        "attachment over the size limit a 413, a bad one a 422. The network's escalation policy for the priority is "
        "frozen into the message, and the contact on duty of each addressee is notified at once."
    ),
)
def send(body: MessageIn, actor: Actor, st: State) -> Response:
    s = st.settings
    uploads = _uploads(body.attachments, s.attachment_max_bytes)
    marking = body.marking.parsed()
    snap = st.cache.get()  # before the transaction: a snapshot rebuild must not wait behind our own write lock
    with transaction(st.sessions) as session:
        m = act.send_message(
            session,
            actor=actor,
            network=act.get_network(session, actor, body.network),
            kind=body.kind,
            priority=body.priority,
            subject=body.subject,
            body=body.body,
            legal_basis=body.legal_basis,
            marking=marking,
            to_members=body.to,
            to_contacts=body.to_contacts,
            attachments=uploads,
            response_hours=body.response_hours or s.response_hours,
            max_attachment_bytes=s.attachment_max_bytes,
            snapshot=snap,
        )
        out = _sent(m)
    return JSONResponse(out, status_code=201)


@router.get("/messages", response_model=InboxOut, summary="Your inbox (or outbox): messages you may read, flash first")
def list_messages(
    actor: Actor,
    st: State,
    box: Literal["in", "out"] = Query("in", description="in: addressed to your organisation; out: sent by it"),
    status: Literal["open", "closed", "all"] = "open",
    network: str | None = Query(None, max_length=40),
    limit: int = Query(100, ge=1, le=500),
) -> Response:
    now = utcnow()
    with st.sessions() as session:
        items = q.inbox(session, actor, box=box, status=status, network=network, limit=limit, now=now)
        out = {"at": now.isoformat(), "items": [i.to_json(now) for i in items]}
    return JSONResponse(out)


@router.get(
    "/messages/{message_id}",
    response_model=MessageOut,
    responses=_errors(404),
    summary="A message with its delivery and escalation history (the read is audited)",
)
def read(actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> Response:
    with transaction(st.sessions) as session:
        data = q.read_message(session, actor, message_id)
    return JSONResponse(data)


@router.get(
    "/messages/{message_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The file, with the content type it was checked to be",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ALLOWED},
        },
        **_errors(404),
    },
    summary="Download an attachment (audited as a read)",
)
def attachment(attachment_id: uuid.UUID, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> Response:
    with transaction(st.sessions) as session:
        m = message_or_404(session, actor, message_id)
        found = next((a for a in m.attachments if a.id == attachment_id), None)
        if found is None:
            raise NotFound(_("no attachment %(id)s on this message", id=attachment_id))
        data, filename, ctype = found.data, found.filename, found.content_type
        evidence.message_read(
            session,
            actor=actor,
            message=m,
            details={"attachment": str(found.id), "filename": filename, "sha256": found.sha256},
        )
    return Response(
        data,
        media_type=ctype,
        headers={"Content-Disposition": _disposition(filename), "Cache-Control": "no-store"},
    )


@router.post(
    "/messages/{message_id}/acknowledge",
    response_model=AcknowledgedOut,
    responses=_errors(403, 404, 409),
    summary="Acknowledge receipt for the addressees your organisation answers for (stops their escalation)",
)
def acknowledge(actor: Actor, st: State, body: AcknowledgeIn | None = None, message_id: uuid.UUID = MessageId) -> Any:
    now = utcnow()
    with acting(st, actor, message_id, "acknowledge") as session:
        m = message_or_404(session, actor, message_id)
        done = act.acknowledge(session, actor=actor, message=m, member=body.member if body else None, now=now)
        return {"message_id": str(m.id), "acknowledged_for": [a.label for a in done], "acknowledged_at": now}


@router.post(
    "/messages/{message_id}/answer",
    response_model=AnswerOut,
    responses=_errors(403, 404, 422),
    summary="Say whether and by when you will answer a request (stops its response clock)",
)
def answer(body: AnswerIn, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> dict[str, Any]:
    answer_by = _utc(body.answer_by, "answer_by")
    with acting(st, actor, message_id, "answer") as session:
        m = message_or_404(session, actor, message_id)
        done = act.answer_clock(
            session, actor=actor, message=m, will_answer=body.will_answer, answer_by=answer_by, note=body.note
        )
        return {
            "message_id": str(m.id),
            "answer": "will_answer" if body.will_answer else "cannot_answer",
            "answer_by": answer_by.isoformat() if answer_by else None,
            "for": [a.label for a in done],
        }


@router.post(
    "/messages/{message_id}/replies",
    status_code=201,
    response_model=SentOut,
    responses=_errors(403, 404, 409, 413, 422),
    summary="Reply in the thread (to the sender, or from the sender to every addressee)",
    description="The reply's marking is at least as strict as the message's. Replying acknowledges.",
)
def reply(body: ReplyIn, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> Response:
    s = st.settings
    uploads = _uploads(body.attachments, s.attachment_max_bytes)
    marking = body.marking.parsed() if body.marking else None
    with acting(st, actor, message_id, "reply") as session:
        m = message_or_404(session, actor, message_id)
        r = act.reply(
            session,
            actor=actor,
            message=m,
            body=body.body,
            subject=body.subject,
            marking=marking,
            attachments=uploads,
            max_attachment_bytes=s.attachment_max_bytes,
        )
        out = _sent(r)
    return JSONResponse(out, status_code=201)


@router.post(
    "/messages/{message_id}/forward",
    status_code=201,
    response_model=SentOut,
    responses=_errors(403, 404, 422),
    summary="Forward to other members of the network, where the marking allows (the refusal says which rule)",
)
def forward(body: ForwardIn, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> Response:
    with acting(st, actor, message_id, "forward") as session:
        m = message_or_404(session, actor, message_id)
        copy = act.forward(session, actor=actor, message=m, to_members=body.to, note=body.note)
        out = _sent(copy)
    return JSONResponse(out, status_code=201)


@router.post(
    "/messages/{message_id}/forward-consent",
    response_model=ConsentOut,
    responses=_errors(403, 404),
    summary="The originator consents to onward forwarding to these members",
)
def forward_consent(body: ConsentIn, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> dict[str, Any]:
    with acting(st, actor, message_id, "forward_consent") as session:
        m = message_or_404(session, actor, message_id)
        consent = act.grant_forward_consent(session, actor=actor, message=m, members=body.members)
        return {"message_id": str(m.id), "forward_consent": list(consent)}


@router.post(
    "/messages/{message_id}/close",
    response_model=ClosedOut,
    responses=_errors(403, 404, 409, 422),
    summary="Close the message with an outcome (its sender; stops every escalation)",
    description=(
        "Closing ends the message for every addressee, so only its sender closes it. An addressee is refused "
        "(403): it ends its own part by acknowledging (`/acknowledge`) or answering the response clock "
        "(`/answer`), which stops the escalation of the addressees it answers for and no other."
    ),
)
def close(body: CloseIn, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> dict[str, Any]:
    with acting(st, actor, message_id, "close") as session:
        m = message_or_404(session, actor, message_id)
        act.close(session, actor=actor, message=m, outcome=body.outcome)
        return {
            "message_id": str(m.id),
            "status": m.status,
            "closed_at": m.closed_at.isoformat() if m.closed_at else None,
            "outcome": m.outcome,
        }


@router.post(
    "/messages/{message_id}/case-steps",
    response_model=CaseStepDone,
    status_code=201,
    responses=_errors(403, 404, 409, 422),
    summary="Record a step of a victim-assistance referral (dated and attributed)",
    description=(
        "The step `closed` closes the message when its sender records it; recorded by an addressee it closes "
        "only that addressee's part (its escalation stops; the message stays open for the sender to close)."
    ),
)
def case_step(body: CaseStepIn, actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> dict[str, Any]:
    at = _utc(body.at, "at")
    with acting(st, actor, message_id, "case_step") as session:
        m = message_or_404(session, actor, message_id)
        row = act.record_case_step(session, actor=actor, message=m, step=body.step, note=body.note, at=at)
        return {
            "message_id": str(m.id),
            "step": row.step,
            "at": row.at.isoformat(),
            "by": row.by_name,
            "status": m.status,
        }


@router.get(
    "/messages/{message_id}/export",
    response_model=ExportOut,
    responses=_errors(403, 404),
    summary="Export the thread as JSON: its messages you may read, with their history (audited)",
    description="TLP:RED may be read here but only its sender exports it; such messages of a thread are withheld.",
)
def export(actor: Actor, st: State, message_id: uuid.UUID = MessageId) -> Response:
    now = utcnow()
    with acting(st, actor, message_id, "export") as session:
        m = message_or_404(session, actor, message_id)
        require(actor, m, "export")
        thread = q.readable_thread(session, actor, m.thread_id)
        messages, withheld = [], []
        for x in thread:
            try:
                require(actor, x, "export")
            except PermissionDenied as exc:
                withheld.append({"id": str(x.id), "reason": exc.detail})
                continue
            messages.append(q.message_json(session, actor, x, now))
        evidence.message_export(
            session,
            actor=actor,
            message=m,
            details={
                "thread": str(m.thread_id),
                "messages": [d["id"] for d in messages],
                "withheld": [w["id"] for w in withheld],
            },
        )
        out = {
            "thread_id": str(m.thread_id),
            "exported_at": now.isoformat(),
            "exported_by": actor.username,
            "messages": messages,
            "withheld": withheld,
        }
    name = f"liaison-thread-{m.thread_id}.json"
    return JSONResponse(out, headers={"Content-Disposition": _disposition(name), "Cache-Control": "no-store"})


# -- the one-click acknowledgement link --


@router.post(
    "/ack/{token}",
    response_model=LinkOut,
    responses={
        403: {"model": ErrorOut, "description": "Forged, malformed or expired link (audited)"},
        404: {"model": ErrorOut, "description": "The link's message no longer exists"},
        409: {"model": ErrorOut, "description": "The link was already used (audited)"},
    },
    summary="Acknowledge with the signed link of a notification: no login, the token is the credential",
    description="A link works once and expires (LIAISON_ACK_LINK_HOURS after its step was due).",
)
def acknowledge_link(
    request: Request, st: State, token: str = Path(min_length=1, max_length=MAX_TOKEN_LENGTH)
) -> dict[str, Any]:
    result = act.acknowledge_with_token(
        st.sessions, key=st.settings.secret_key, token=token, via="api", ip=client_ip(request)
    )
    return {"message_id": str(result.message_id), "acknowledged_for": result.addressee.label, "first": result.first}


# -- escalation policies --


def _policies(session: Session, actor: Principal, network: str) -> dict[str, Any]:
    n = act.get_network(session, actor, network)
    out = []
    for priority, (text, default) in act.policies_in_force(session, n.id).items():
        p = parse_policy(text).to_json()
        out.append(
            {"priority": priority, "policy": text, "default": default, "steps": p["steps"], "repeat": p["repeat"]}
        )
    return {"network": n.code, "policies": out}


@router.get(
    "/networks/{network}/escalation",
    response_model=PoliciesOut,
    responses=_errors(404),
    summary="The escalation policy in force for each priority (marking the built-in defaults)",
)
def get_escalation(network: str, actor: Actor, st: State) -> Response:
    with st.sessions() as session:
        return JSONResponse(_policies(session, actor, network))


@router.put(
    "/networks/{network}/escalation/{priority}",
    response_model=PoliciesOut,
    responses=_errors(403, 404, 422),
    summary="Set the network's escalation policy for a priority (secretariat)",
    description="Messages already sent keep the policy frozen into them; a bad policy is a 422 naming the step.",
)
def put_escalation(network: str, priority: Priority, body: PolicyIn, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        act.set_escalation(
            session, actor=actor, network=act.get_network(session, actor, network), priority=priority, text=body.policy
        )
        session.flush()
        out = _policies(session, actor, network)
    return JSONResponse(out)


# -- oversight: dashboard and exercises --


@router.get(
    "/networks/{network}/dashboard",
    responses=_errors(403, 404),
    summary="Open items, escalations, failed deliveries, overdue clocks, response times (secretariat; metadata only)",
)
def get_dashboard(
    network: str, actor: Actor, st: State, days: int = Query(90, ge=DASHBOARD_DAYS.least, le=DASHBOARD_DAYS.most)
) -> Response:
    with st.sessions() as session:
        data = q.dashboard(session, actor, act.get_network(session, actor, network), days=days)
    return JSONResponse(data)


def _exercise(ex: Exercise) -> dict[str, Any]:
    return {
        "id": str(ex.id),
        "network": ex.network.code,
        "scheduled_at": ex.scheduled_at.isoformat(),
        "started_at": ex.started_at.isoformat() if ex.started_at else None,
        "window_minutes": ex.window_minutes,
        "status": ex.status,
        "note": ex.note or None,
        "created_by": ex.created_by,
    }


@router.get(
    "/networks/{network}/exercises",
    response_model=list[ExerciseOut],
    responses=_errors(403, 404),
    summary="The network's reachability exercises, newest first (secretariat)",
)
def list_exercises(network: str, actor: Actor, st: State, limit: int = Query(50, ge=1, le=500)) -> Response:
    with st.sessions() as session:
        rows = exq.exercises_of(session, actor, act.get_network(session, actor, network), limit=limit)
        return JSONResponse([_exercise(e) for e in rows])


@router.post(
    "/networks/{network}/exercises",
    status_code=201,
    response_model=ExerciseOut,
    responses=_errors(403, 404, 422),
    summary="Schedule a reachability exercise across the network (secretariat)",
)
def schedule_exercise(network: str, body: ExerciseIn, actor: Actor, st: State) -> Response:
    at = _utc(body.at, "at")
    assert at is not None
    with transaction(st.sessions) as session:
        ex = exercise_act.schedule_exercise(
            session,
            actor=actor,
            network=act.get_network(session, actor, network),
            at=at,
            window_minutes=body.window_minutes,
            note=body.note,
        )
        session.flush()
        out = _exercise(ex)
    return JSONResponse(out, status_code=201)


@router.get(
    "/exercises/{exercise_id}",
    responses=_errors(404),
    summary="An exercise's report: each member's time to acknowledge, unreachable contacts, stale channels, trend",
)
def exercise_report(exercise_id: uuid.UUID, actor: Actor, st: State) -> Response:
    with st.sessions() as session:
        data = exq.report(session, actor, exq.get_exercise(session, actor, exercise_id))
    return JSONResponse(data)


@router.post(
    "/exercises/{exercise_id}/cancel",
    response_model=ExerciseOut,
    responses=_errors(403, 404, 409),
    summary="Cancel a scheduled exercise (secretariat)",
)
def cancel_exercise(exercise_id: uuid.UUID, actor: Actor, st: State) -> Response:
    with transaction(st.sessions) as session:
        ex = exq.get_exercise(session, actor, exercise_id)
        exercise_act.cancel_exercise(session, actor=actor, exercise=ex)
        out = _exercise(ex)
    return JSONResponse(out)
