"""The urgent exchange for people: the inbox with live timers and one-tap acknowledgement, composing a message,
and the one-click acknowledgement page reached from a notification. The message page and its action forms are in
:mod:`liaison.web.ui.message_page`; the page models in :mod:`liaison.web.ui.exchange_views`.

Every page works without JavaScript: timers are rendered as text with a ``data-countdown`` attribute that
``exchange.js`` counts down, and every action is a plain POST form carrying the session's CSRF token (except
the acknowledgement link, whose signed token is the credential). Every change goes through
:mod:`liaison.actions.exchange`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import evidence
from liaison.actions import exchange as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooLarge
from liaison.exchange.attachments import human_size
from liaison.exchange.languages import alpha2, ordered
from liaison.exchange.tokens import TokenError, read_ack_token
from liaison.exchange.wording import priority_label
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.models.exchange import MESSAGE_KINDS, PRIORITIES
from liaison.principal import Principal
from liaison.queries import exchange as q
from liaison.queries.message_access import acts, message_or_404
from liaison.queries.snapshot import NetworkView, Snapshot
from liaison.web.deps import client_ip, state
from liaison.web.ui.common import FormError, Me, Viewer, check_csrf, redirect, render, safe_next
from liaison.web.ui.exchange_views import (
    DONE,
    TLP_HANDLING,
    form_err,
    inbox_rows,
    kind_label,
    language_warnings,
    member_languages,
    speaking,
)
from liaison.web.ui.fmt import language_name

router = APIRouter()
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
Files = Annotated[list[UploadFile | str], File()]
CONTENT_ON_LINK_PAGE = ("CLEAR", "GREEN")
"""Markings whose subject and text the acknowledgement page shows to the link holder (who is not logged in)."""


def inbox_count(request: Request, p: Principal) -> int:
    with state(request).sessions() as session:
        return q.unacknowledged(session, p)


# -- the inbox --


@router.get("/inbox")
def inbox_page(request: Request, me: Me, box: str = "in", status: str = "open", done: str = "") -> Response:
    box = box if box in ("in", "out") else "in"
    status = status if status in ("open", "closed", "all") else "open"
    now = utcnow()
    with state(request).sessions() as session, speaking(me):
        items = q.inbox(session, me.principal, box=box, status=status, now=now, order="waiting")
        rows = inbox_rows(items, now)
        count = q.unacknowledged(session, me.principal)
    return render(
        request,
        "inbox.html",
        me=me,
        rows=rows,
        box=box,
        show=status,
        now=now,
        now_iso=now.isoformat(timespec="seconds"),
        inbox_count=count,
        done=DONE.get(done, ""),
        kind_label=kind_label,
        priority_label=priority_label,
        acts=acts(me.principal),
        may_send=bool(sendable_networks(state(request).cache.get(), me.principal)),
    )


@router.post("/messages/{message_id}/acknowledge")
def acknowledge(request: Request, message_id: str, me: Me, csrf_token: FormStr = "", next: FormStr = "") -> Response:
    """One tap from the inbox or the message page; going back where the tap came from."""
    check_csrf(me.csrf, csrf_token)
    back = safe_next(next, f"/messages/{quote(message_id)}")
    sep = "&" if "?" in back else "?"
    try:
        with transaction(state(request).sessions) as session:
            m = message_or_404(session, me.principal, message_id)
            act.acknowledge(session, actor=me.principal, message=m)
    except Conflict:
        return redirect(f"{back}{sep}done=already")
    return redirect(f"{back}{sep}done=ack")


# -- composing ---------------------------------------------------------------------------------------------------------


def sendable_networks(snap: Snapshot, p: Principal) -> list[NetworkView]:
    return sorted(
        (n for n in snap.networks.values() if n.id in p.member_networks or p.administers(n.id)),
        key=lambda n: n.code,
    )


def own_member_code(snap: Snapshot, p: Principal) -> str | None:
    m = snap.members_by_id.get(p.member_id) if p.member_id else None
    return m.code if m else None


@dataclass(frozen=True, slots=True)
class Addressable:
    """A member one may write to, with the working languages of whoever answers for it now."""

    code: str
    name: str
    languages: tuple[str, ...]


def addressables(snap: Snapshot, network: NetworkView, own: str | None, now: datetime) -> list[Addressable]:
    return [
        Addressable(c, snap.members[c].name if c in snap.members else c, member_languages(snap, network, c, now))
        for c in network.members
        if c != own
    ]


def language_choices(members: list[Addressable], chosen: str) -> list[str]:
    """The languages a message may be said to be in: those Liaison speaks, those the members work in, and the
    one chosen; sorted by their names in the reader's language."""
    codes = ordered([*i18n.LANGUAGES, *(lang for m in members for lang in m.languages), *([chosen] if chosen else [])])
    return sorted(codes, key=lambda c: (language_name(c).casefold(), c))


def compose_response(
    request: Request,
    me: Viewer,
    network: str = "",
    *,
    form: dict[str, Any] | None = None,
    error: FormError | None = None,
    suggestions: list[str] | None = None,
    dropped: list[str] | None = None,
    not_understood: list[str] | None = None,
    status: int = 200,
) -> Response:
    st = state(request)
    snap = st.cache.get()
    networks = sendable_networks(snap, me.principal)
    if not networks:
        raise PermissionDenied(_("your agency's member takes part in no network you may send on"))
    chosen = next((n for n in networks if n.code == network.strip().upper()), networks[0])
    own = own_member_code(snap, me.principal)
    with speaking(me):
        members = addressables(snap, chosen, own, utcnow())
        language = alpha2((form or {}).get("language") or i18n.current())
        choices = language_choices(members, language)
    with st.sessions() as session:
        count = q.unacknowledged(session, me.principal)
    values = {
        "kind": "request",
        "priority": "urgent",
        "tlp": "AMBER",
        "to": [],
        "to_text": "",
        "subject": "",
        "body": "",
        "legal_basis": "",
        "purpose": "",
        "releasable_to": "",
        "originator_control": "",
        "language_ok": "",
        **(form or {}),
        "language": language,
    }
    return render(
        request,
        "compose.html",
        status=status,
        me=me,
        networks=networks,
        network=chosen,
        members=members,
        form=values,
        error=error,
        suggestions=suggestions or [],
        dropped=dropped or [],
        not_understood=not_understood or [],
        languages_spoken=choices,
        kinds=[(k, kind_label(k)) for k in MESSAGE_KINDS],
        priorities=PRIORITIES,
        priority_label=priority_label,
        levels=list(TLP_HANDLING.items()),
        max_size=human_size(st.settings.attachment_max_bytes),
        response_hours=st.settings.response_hours,
        inbox_count=count,
    )


@router.get("/messages/new")
def compose_page(request: Request, me: Me, network: str = "") -> Response:
    return compose_response(request, me, network)


def codes(*values: str | list[str]) -> list[str]:
    """Member codes from ticked boxes and typed text ("fr, jp" or "FR JP"), upper case, each once, in order."""
    out: list[str] = []
    for v in values:
        for part in [v] if isinstance(v, str) else v:
            out += [c.strip().upper() for c in part.replace(";", ",").replace(" ", ",").split(",") if c.strip()]
    return list(dict.fromkeys(out))


def read_uploads(files: list[UploadFile | str] | None, max_bytes: int) -> list[act.Upload]:
    """The files of a multipart form, each read to at most one byte over the limit (an oversize file is refused
    by name without being read whole). A file input left empty sends a nameless, empty part, which arrives as
    an empty string: it is skipped."""
    uploads = []
    for f in files or []:
        if isinstance(f, str) or not f.filename:
            continue
        data = f.file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge(
                _("%(file)s: the file is over the %(size)s limit", file=f.filename, size=human_size(max_bytes)),
                field="attachments",
            )
        uploads.append(act.Upload(f.filename, data, f.content_type))
    return uploads


@router.post("/messages/new")
def compose_submit(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    network: FormStr = "",
    kind: FormStr = "request",
    priority: FormStr = "urgent",
    to: FormList = [],  # noqa: B006 (FastAPI copies defaults)
    to_text: FormStr = "",
    subject: FormStr = "",
    body: FormStr = "",
    legal_basis: FormStr = "",
    tlp: FormStr = "AMBER",
    originator_control: FormStr = "",
    purpose: FormStr = "",
    releasable_to: FormStr = "",
    language: FormStr = "",
    language_ok: FormStr = "",
    attachments: Files = [],  # noqa: B006
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    form = {
        "kind": kind,
        "priority": priority,
        "to": [c.upper() for c in to],
        "to_text": to_text,
        "subject": subject,
        "body": body,
        "legal_basis": legal_basis,
        "tlp": tlp,
        "originator_control": originator_control,
        "purpose": purpose,
        "releasable_to": releasable_to,
        "language": language.strip(),
        "language_ok": language_ok,
    }
    names = [f.filename for f in attachments or [] if not isinstance(f, str) and f.filename]
    with st.sessions() as session:
        act.get_network(session, me.principal, network)  # a network one cannot see is a 404 page, as elsewhere
    if language.strip() and not language_ok:
        # Nothing is sent in a language none of an addressee's contact points works in without a second look:
        # the form comes back with the warning and a box to send anyway (the page warns live with JavaScript).
        snap = st.cache.get()
        view = snap.networks.get(network.strip().upper())
        if view is not None:
            named = [c for c in codes(to, to_text) if c in view.member_set]
            now = utcnow()
            missing = language_warnings(language.strip(), {c: member_languages(snap, view, c, now) for c in named})
            if missing:
                return compose_response(
                    request, me, network, form=form, not_understood=missing, dropped=names, status=409
                )
    try:
        uploads = read_uploads(attachments, st.settings.attachment_max_bytes)
        marking = act.parse_marking(tlp, bool(originator_control), purpose, codes(releasable_to))
        snap = st.cache.get()  # before the transaction: a rebuild must not wait behind our own write lock
        with transaction(st.sessions) as session:
            net = act.get_network(session, me.principal, network)
            m = act.send_message(
                session,
                actor=me.principal,
                network=net,
                kind=kind,
                priority=priority,
                subject=subject,
                body=body.replace("\r\n", "\n"),
                legal_basis=legal_basis,
                marking=marking,
                to_members=codes(to, to_text),
                attachments=uploads,
                response_hours=st.settings.response_hours,
                max_attachment_bytes=st.settings.attachment_max_bytes,
                snapshot=snap,
                language=language.strip() or None,
            )
            mid = m.id
    except (InvalidInput, NotFound, TooLarge, PermissionDenied) as exc:
        field = "to" if isinstance(exc, NotFound) else ("attachments" if isinstance(exc, TooLarge) else "")
        return compose_response(
            request,
            me,
            network,
            form=form,
            error=form_err(exc, field),
            suggestions=list(getattr(exc, "suggestions", []) or []),
            dropped=names,
            status=exc.status,
        )
    return redirect(f"/messages/{mid}?done=sent")


# -- the one-click acknowledgement link (no login: the signed token is the credential) -------------------------------


@dataclass(frozen=True, slots=True)
class LinkInfo:
    kind: str
    priority: str
    sender: str
    network: str
    tlp: str
    subject: str | None  # only for CLEAR and GREEN
    body: str | None
    message_id: str
    acknowledged_at: datetime | None
    acknowledged_by: str
    used: bool


def _link_info(request: Request, token: str) -> tuple[LinkInfo | None, str]:
    """What the link page may show, or (None, why) for a link that cannot be honoured. A forged or malformed token
    reveals nothing; an expired one says only that it expired."""
    st = state(request)
    try:
        claim = read_ack_token(st.settings.secret_key, token, utcnow())
    except TokenError as exc:
        return None, "expired" if exc.kind == "expired" else "invalid"
    with transaction(st.sessions) as session:
        link = q.ack_link(session, claim.notification_id)
        if link is None:
            return None, "invalid"
        n, m, a = link.notification, link.message, link.addressee
        content = m.tlp in CONTENT_ON_LINK_PAGE and n.ack_used_at is None
        if content:  # the link holder is not logged in: reading even GREEN content through it is audited
            evidence.link_read(session, actor=act.link_actor(n, "link", client_ip(request)), message=m, notification=n)
        info = LinkInfo(
            kind=m.kind,
            priority=m.priority,
            sender=link.sender,
            network=link.network,
            tlp=m.tlp,
            subject=m.subject if content else None,
            body=m.body if content else None,
            message_id=str(m.id),
            acknowledged_at=a.acknowledged_at,
            acknowledged_by=a.acknowledged_by,
            used=n.ack_used_at is not None,
        )
    return info, ""


NOT_VALID = lazy_gettext(
    "This acknowledgement link is not valid. Check that it was copied whole, or log in to acknowledge."
)
REFUSALS = {
    "invalid": (404, NOT_VALID),  # shown for a GET: nothing said about what the link was for
    "forged": (403, NOT_VALID),
    "malformed": (403, NOT_VALID),
    "expired": (403, lazy_gettext("This acknowledgement link has expired. Log in to Liaison to acknowledge.")),
    "used": (409, lazy_gettext("This acknowledgement link was already used. Each link works once.")),
}


def _refused(request: Request, token: str, why: str) -> Response:
    status, text = REFUSALS[why]
    return render(request, "ack.html", status=status, token=token, info=None, refusal=text, result=None)


@router.get("/ack/{token}")
def ack_page(request: Request, token: str) -> Response:
    """Only a question and one button: mail scanners that open the link acknowledge nothing."""
    info, why = _link_info(request, token)
    if info is None:
        return _refused(request, token, why)
    if info.used:
        return _refused(request, token, "used")
    return render(
        request,
        "ack.html",
        token=token,
        info=info,
        refusal="",
        result=None,
        kind_label=kind_label,
        priority_label=priority_label,
    )


@router.post("/ack/{token}")
def ack_submit(request: Request, token: str) -> Response:
    st = state(request)
    try:
        result = act.acknowledge_with_token(
            st.sessions, key=st.settings.secret_key, token=token, via="link", ip=client_ip(request)
        )
    except PermissionDenied:
        try:
            read_ack_token(st.settings.secret_key, token, utcnow())
            why = "invalid"
        except TokenError as exc:
            why = exc.kind
        return _refused(request, token, why)
    except Conflict:
        return _refused(request, token, "used")
    except NotFound:
        return _refused(request, token, "invalid")
    a = result.addressee
    outcome = {
        "first": result.first,
        "label": a.label,
        "by": a.acknowledged_by,
        "at": a.acknowledged_at,
        "message_id": str(result.message_id),
    }
    return render(request, "ack.html", token="", info=None, refusal="", result=outcome)
