"""Legal request pages: the tracker (/legal/requests), the drafter with its completeness check
(/legal/requests/new), one request (/legal/requests/{reference}) and the reciprocity ledger (/legal/ledger).

Thin: reads are :mod:`liaison.queries.legal_requests`, writes :mod:`liaison.actions.legal_requests`. The drafter
is a plain HTML form (no script needed): "Save", "Check" and "Send" are three submit buttons of one form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from liaison.actions import legal_requests as a
from liaison.charts import bar_chart
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput, LiaisonError, NotFound, PermissionDenied
from liaison.i18n import _, lazy_gettext
from liaison.legal import drafting
from liaison.legal.elements import ELEMENTS, FACETS
from liaison.legal.elements import label as element_label
from liaison.legal.facts import REQUEST_KINDS
from liaison.queries import legal_facts as lf
from liaison.queries import legal_requests as q
from liaison.web.deps import state
from liaison.web.ui.common import Me, check_csrf, redirect, render
from liaison.web.ui.fmt import language_name, user_time

if TYPE_CHECKING:
    from liaison.models import LegalRequest

router = APIRouter()
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]

KIND_LABELS = {
    "mla": lazy_gettext("Mutual legal assistance"),
    "extradition": lazy_gettext("Extradition"),
    "spontaneous": lazy_gettext("Spontaneous information"),
}
STATUS_LABELS = {
    "draft": lazy_gettext("Draft"),
    "sent": lazy_gettext("Sent"),
    "acknowledged": lazy_gettext("Acknowledged"),
    "answered": lazy_gettext("Answered"),
    "refused": lazy_gettext("Refused"),
    "closed": lazy_gettext("Closed"),
    "withdrawn": lazy_gettext("Withdrawn"),
    "drafted": lazy_gettext("Drafted"),
}
CLOCK_LABELS = {
    "none": lazy_gettext("No clock"),
    "running": lazy_gettext("Clock running"),
    "due_soon": lazy_gettext("Due within a day"),
    "overdue": lazy_gettext("Overdue"),
    "answered_in_time": lazy_gettext("Answered in time"),
    "answered_late": lazy_gettext("Answered late"),
    "refused": lazy_gettext("Cannot answer"),
}
DEADLINE_LABELS = {
    "ok": lazy_gettext("on time"),
    "due": lazy_gettext("due soon"),
    "overdue": lazy_gettext("past the deadline"),
}
FACET_LABELS = {
    "behaviour": lazy_gettext("Behaviour"),
    "purpose": lazy_gettext("Purpose"),
    "intent": lazy_gettext("Intent"),
    "context": lazy_gettext("Context"),
    "exclusion": lazy_gettext("Exclusion"),
}
DEMO_NOTE = lazy_gettext("Demonstration data: fictional requests and answers, not real ones.")


def _at(value: str | None) -> Any:
    return user_time(datetime.fromisoformat(value)) if value else ""


def _helpers() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "clock_labels": CLOCK_LABELS,
        "deadline_labels": DEADLINE_LABELS,
        "at": _at,
        "demo_note": str(DEMO_NOTE),
        "done_label": drafting.done_label,
        "certainty_text": drafting.certainty_text,
    }


@router.get("/legal/requests")
def tracker_page(
    request: Request,
    me: Me,
    status: Annotated[str, Query(max_length=20)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    member: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    st = state(request)
    error = ""
    with transaction(st.sessions) as session:
        lf.require_legal_reader(me.principal)
        a.sync_open(session, actor=me.principal)
        try:
            data = q.tracker(session, me.principal, status=status or None, kind=kind or None, member=member or None)
        except InvalidInput as exc:
            error, data = exc.detail, q.tracker(session, me.principal)
        drafter = a.may_draft(session, me.principal, lf.member_code(session, me.principal) or "")
    return render(
        request,
        "legal_requests.html",
        me=me,
        data=data,
        form={"status": status, "kind": kind, "member": member},
        statuses=["open", *a.STATUSES],
        kinds=REQUEST_KINDS,
        error=error,
        drafter=drafter,
        **_helpers(),
    )


# -- the drafter --


def _states(session: Session) -> list[tuple[str, str]]:
    facts = lf.load_facts(session)
    found = {code: j.name for code, j in facts.jurisdictions.items()}
    if not found:
        found = q.member_names(session)
    return sorted(found.items())


def _choices(session: Session) -> dict[str, Any]:
    facts = lf.load_facts(session)
    by_facet = {f: [(c, element_label(c)) for c, e in ELEMENTS.items() if e.facet == f] for f in FACETS}
    return {
        "states": _states(session),
        "kinds": [(k, KIND_LABELS[k]) for k in REQUEST_KINDS],
        "facets": [(f, FACET_LABELS[f], by_facet[f]) for f in FACETS],
        "assurances": [(c, drafting.assurance_label(c)) for c in drafting.ASSURANCES],
        "language_choices": [(c, language_name(c)) for c in drafting.LANGUAGES],
        "instruments": sorted(((i.code, i.name) for i in facts.instruments.values()), key=lambda x: x[0]),
        "reciprocity": drafting.RECIPROCITY,
    }


def _form_of(req: LegalRequest | None, me: Me, session: Session) -> dict[str, Any]:
    if req is None:
        return {
            "reference": "",
            "requesting": lf.member_code(session, me.principal) or "",
            "requested": "",
            "kind": "mla",
            "title": "",
            "facts": "",
            "conduct": [],
            "measures": "",
            "legal_basis": [],
            "dual_criminality": "",
            "assurances": [],
            "language": "",
            "deadline": "",
            "response_hours": "72",
        }
    return {
        "reference": req.reference,
        "requesting": req.requesting,
        "requested": req.requested,
        "kind": req.kind,
        "title": req.title,
        "facts": req.facts,
        "conduct": list(req.conduct or ()),
        "measures": req.measures,
        "legal_basis": list(req.legal_basis or ()),
        "dual_criminality": req.dual_criminality,
        "assurances": list(req.assurances or ()),
        "language": req.language,
        "deadline": req.deadline.isoformat() if req.deadline else "",
        "response_hours": str(req.response_hours),
    }


def _drafter(request: Request, me: Me, session: Session, *, status: int = 200, **extra: Any) -> Response:
    values: dict[str, Any] = {"result": None, "error": "", "suggestions": [], "saved": False}
    return render(
        request,
        "legal_request_new.html",
        status=status,
        me=me,
        **_choices(session),
        **(values | extra),
        **_helpers(),
    )


@router.get("/legal/requests/new")
def drafter_page(request: Request, me: Me, reference: Annotated[str, Query(max_length=40)] = "") -> Response:
    st = state(request)
    with transaction(st.sessions) as session:
        lf.require_legal_reader(me.principal)
        req = a.request_or_404(session, me.principal, reference) if reference else None
        if req is not None and req.status != "draft":
            return redirect(f"/legal/requests/{req.reference}")
        return _drafter(request, me, session, form=_form_of(req, me, session), result=req.check if req else None)


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("deadline", _("%(text)r is not a date (YYYY-MM-DD)", text=text[:20])) from None


def _hours(text: str) -> int:
    try:
        return int(text.strip() or "72")
    except ValueError:
        raise InvalidInput("response_hours", _("a whole number of hours")) from None


@router.post("/legal/requests/new")
def drafter_submit(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    action: FormStr = "save",
    reference: FormStr = "",
    requesting: FormStr = "",
    requested: FormStr = "",
    kind: FormStr = "mla",
    title: FormStr = "",
    facts: FormStr = "",
    conduct: FormList = [],  # noqa: B006
    measures: FormStr = "",
    legal_basis: FormList = [],  # noqa: B006
    dual_criminality: FormStr = "",
    assurances: FormList = [],  # noqa: B006
    language: FormStr = "",
    deadline: FormStr = "",
    response_hours: FormStr = "72",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    form: dict[str, Any] = {
        "reference": reference,
        "requesting": requesting,
        "requested": requested,
        "kind": kind,
        "title": title,
        "facts": facts,
        "conduct": conduct,
        "measures": measures,
        "legal_basis": legal_basis,
        "dual_criminality": dual_criminality,
        "assurances": assurances,
        "language": language,
        "deadline": deadline,
        "response_hours": response_hours,
    }
    result: dict[str, Any] | None = None
    try:
        with transaction(st.sessions) as session:
            req = a.save_draft(
                session,
                actor=me.principal,
                reference=reference or None,
                requesting=requesting or None,
                requested=requested,
                kind=kind,
                title=title,
                facts=facts.replace("\r\n", "\n"),
                conduct=conduct,
                measures=measures.replace("\r\n", "\n"),
                legal_basis=legal_basis,
                dual_criminality=dual_criminality.replace("\r\n", "\n"),
                assurances=assurances,
                language=language,
                deadline=_day(deadline),
                response_hours=_hours(response_hours),
            )
            form["reference"] = req.reference
            if action in ("check", "send"):
                result = a.check(session, actor=me.principal, reference=req.reference)
        if action == "send":
            with transaction(st.sessions) as session:
                a.send(session, actor=me.principal, reference=form["reference"])
            return redirect(f"/legal/requests/{form['reference']}?done=sent")
    except (InvalidInput, NotFound, PermissionDenied, Conflict) as exc:
        with st.sessions() as session:
            status = 422 if isinstance(exc, NotFound) else exc.status
            suggestions = exc.suggestions if isinstance(exc, NotFound) else []
            if isinstance(exc, Conflict) and result is not None:
                status = 409
            return _drafter(
                request, me, session, form=form, result=result, error=exc.detail, suggestions=suggestions, status=status
            )
    with st.sessions() as session:
        return _drafter(request, me, session, form=form, result=result, saved=True)


# -- one request --


@router.get("/legal/requests/{reference}")
def request_page(request: Request, reference: str, me: Me, done: Annotated[str, Query(max_length=20)] = "") -> Response:
    st = state(request)
    with transaction(st.sessions) as session:
        lf.require_legal_reader(me.principal)
        req = a.request_or_404(session, me.principal, reference)
        a.sync(session, actor=me.principal, requests=[req])
        data = q.detail(session, me.principal, reference)
        a.record_read(session, actor=me.principal, request=req)
        drafter = a.may_draft(session, me.principal, req.requesting)
    return _request_response(request, me, data, drafter, done=done)


def _request_response(
    request: Request, me: Me, data: dict[str, Any], drafter: bool, *, status: int = 200, **extra: Any
) -> Response:
    values: dict[str, Any] = {"error": "", "done": "", "form": {"outcome": "", "honoured": ""}}
    return render(
        request,
        "legal_request.html",
        status=status,
        me=me,
        data=data,
        drafter=drafter,
        element_label=element_label,
        **(values | extra),
        **_helpers(),
    )


@router.post("/legal/requests/{reference}/close")
def close_request(
    request: Request,
    reference: str,
    me: Me,
    csrf_token: FormStr = "",
    outcome: FormStr = "",
    honoured: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    flag = {"yes": True, "no": False}.get(honoured)
    try:
        with transaction(st.sessions) as session:
            a.close(session, actor=me.principal, reference=reference, outcome=outcome, assurances_honoured=flag)
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        with st.sessions() as session:
            data = q.detail(session, me.principal, reference)
            drafter = a.may_draft(session, me.principal, data["requesting"])
        return _request_response(
            request,
            me,
            data,
            drafter,
            error=exc.detail,
            form={"outcome": outcome, "honoured": honoured},
            status=exc.status,
        )
    return redirect(f"/legal/requests/{reference}?done=closed")


# -- the ledger --


@router.get("/legal/ledger")
def ledger_page(request: Request, me: Me, member: Annotated[str, Query(max_length=20)] = "") -> Response:
    st = state(request)
    error = ""
    with transaction(st.sessions) as session:
        lf.require_legal_reader(me.principal)
        a.sync_open(session, actor=me.principal, visible_only=False)
        try:
            data = q.ledger(session, me.principal, member=member or None)
        except LiaisonError as exc:
            error, data = exc.detail, q.ledger(session, me.principal)
    rows = data["members"]
    pictures = {
        "days": bar_chart(
            _("Median response time per requested member (days)"),
            [(r["member"], r["median_days"]) for r in rows if r["received"]],
            x_label=_("days"),
            unit=_("d"),
        ),
        "honoured": bar_chart(
            _("Share of assurances honoured, per requesting member"),
            [
                (r["member"], round(r["honoured_rate"] * 100, 1) if r["honoured_rate"] is not None else None)
                for r in rows
                if r["assurances_given"]
            ],
            x_label=_("percent"),
            unit="%",
        ),
    }
    return render(
        request,
        "legal_ledger.html",
        me=me,
        data=data,
        pictures=pictures,
        error=error,
        form={"member": member},
        **_helpers(),
    )
