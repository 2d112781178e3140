"""Legal request reads: the shared tracker (each request's deadline and response clock) and the reciprocity
ledger (per member: requests sent and received, response times, answers in time, assurances given and honoured).

The tracker shows the requests the viewer may see (:func:`liaison.actions.legal_requests.may_see`, in SQL
here). The ledger counts every sent request of the node: figures, not content, which every member's contact
points read alike; that is what makes it a ledger of reciprocity.

Clock: ``due`` is the message's ``response_due_at`` (sent + the request's response hours); ``answered`` the
requested addressee's ``answered_at`` (its answer on the response clock, or its first reply).
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from liaison.actions.legal_requests import OPEN, may_see
from liaison.actions.legal_requests import request_or_404 as _request_or_404
from liaison.errors import InvalidInput, NotFound
from liaison.i18n import _
from liaison.legal.drafting import assurance_label
from liaison.legal.elements import suggest
from liaison.legal.facts import REQUEST_KINDS
from liaison.models import Addressee, LegalRequest, Member, Message, utcnow
from liaison.principal import Principal
from liaison.queries import legal_facts as lf
from liaison.queries.message_access import is_operator

DUE_SOON = timedelta(hours=24)
CLOCKS = ("none", "running", "due_soon", "overdue", "answered_in_time", "answered_late", "refused")


def visible(session: Session, actor: Principal) -> ColumnElement[bool]:
    if is_operator(actor) or actor.operator or actor.is_admin or actor.is_auditor:
        return true()
    clauses: list[ColumnElement[bool]] = []
    mine = lf.member_code(session, actor)
    if mine is not None:
        clauses += [
            LegalRequest.requesting == mine,
            (LegalRequest.requested == mine) & (LegalRequest.status != "draft"),
        ]
    networks = actor.administered_networks
    if networks:
        clauses.append(LegalRequest.network_id.in_(networks))
    return or_(*clauses) if clauses else LegalRequest.id.is_(None)


def clock(due: datetime | None, answered_at: datetime | None, answer: str | None, now: datetime) -> str:
    """Where a request's response clock stands."""
    if due is None:
        return "none"
    if answer == "cannot_answer":
        return "refused"
    if answered_at is not None:
        return "answered_in_time" if answered_at <= due else "answered_late"
    if now > due:
        return "overdue"
    if due - now <= DUE_SOON:
        return "due_soon"
    return "running"


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _rows(session: Session, where: ColumnElement[bool]) -> list[tuple[LegalRequest, Message | None, Addressee | None]]:
    stmt = (
        select(LegalRequest, Message, Addressee)
        .outerjoin(Message, Message.id == LegalRequest.message_id)
        .outerjoin(
            Addressee,
            (Addressee.message_id == LegalRequest.message_id) & (Addressee.member_code == LegalRequest.requested),
        )
        .where(where)
        .order_by(LegalRequest.created_at.desc(), LegalRequest.reference.desc())
    )
    seen: dict[uuid.UUID, tuple[LegalRequest, Message | None, Addressee | None]] = {}
    for req, msg, a in session.execute(stmt):
        seen.setdefault(req.id, (req, msg, a))
    return list(seen.values())


def row(req: LegalRequest, msg: Message | None, a: Addressee | None, now: datetime) -> dict[str, Any]:
    due = _aware(msg.response_due_at) if msg is not None else None
    answered_at = _aware(a.answered_at) if a is not None else None
    state = clock(due, answered_at, a.answer if a is not None else None, now) if req.status in OPEN else "none"
    if req.status == "closed" and due is not None:
        state = clock(due, answered_at, a.answer if a is not None else None, now)
        if state in ("running", "due_soon", "overdue"):
            state = "none"
    deadline_state = ""
    if req.deadline is not None and req.status in ("draft", *OPEN) and req.status not in ("answered", "refused"):
        today = now.date()
        deadline_state = "overdue" if req.deadline < today else "due" if (req.deadline - today).days <= 3 else "ok"
    return {
        "reference": req.reference,
        "kind": req.kind,
        "requesting": req.requesting,
        "requested": req.requested,
        "title": req.title,
        "status": req.status,
        "deadline": req.deadline.isoformat() if req.deadline else None,
        "deadline_state": deadline_state,
        "response_hours": req.response_hours,
        "sent_at": _iso(req.sent_at),
        "response_due_at": _iso(due),
        "acknowledged_at": _iso(a.acknowledged_at) if a is not None else None,
        "answered_at": _iso(answered_at),
        "answer": a.answer if a is not None else None,
        "closed_at": _iso(req.closed_at),
        "clock": state,
        "message_id": str(req.message_id) if req.message_id else None,
        "assurances": list(req.assurances or ()),
        "assurances_honoured": req.assurances_honoured,
        "demo": req.demo,
    }


def _iso(value: datetime | None) -> str | None:
    value = _aware(value)
    return value.isoformat() if value is not None else None


def tracker(
    session: Session,
    actor: Principal,
    *,
    status: str | None = None,
    kind: str | None = None,
    member: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The requests the viewer may see, newest first, with their deadlines and clocks."""
    lf.require_legal_reader(actor)
    now = now or utcnow()
    where = visible(session, actor)
    if status:
        if status not in ("draft", "sent", "acknowledged", "answered", "refused", "closed", "withdrawn", "open"):
            raise InvalidInput("status", _("%(value)r is not a request status", value=status[:20]))
        where = where & (LegalRequest.status.in_(OPEN) if status == "open" else LegalRequest.status == status)
    if kind:
        if kind not in REQUEST_KINDS:
            raise InvalidInput(
                "kind", _("%(kind)r is not one of %(choices)s", kind=kind, choices=", ".join(REQUEST_KINDS))
            )
        where = where & (LegalRequest.kind == kind)
    if member:
        code = member.strip().upper()
        where = where & or_(LegalRequest.requesting == code, LegalRequest.requested == code)
    rows = [row(req, msg, a, now) for req, msg, a in _rows(session, where)]
    return {
        "requests": rows,
        "count": len(rows),
        "demo": any(r["demo"] for r in rows),
        "filters": {"status": status or "", "kind": kind or "", "member": (member or "").upper()},
    }


def detail(session: Session, actor: Principal, reference: str, now: datetime | None = None) -> dict[str, Any]:
    """One request with its frozen (or last) check and its timeline. Reading its facts is audited by the caller."""
    lf.require_legal_reader(actor)
    now = now or utcnow()
    req = _request_or_404(session, actor, reference)
    ((_, msg, a),) = _rows(session, LegalRequest.id == req.id)
    out = row(req, msg, a, now)
    timeline = [("drafted", _iso(req.created_at))]
    if req.sent_at:
        timeline.append(("sent", _iso(req.sent_at)))
    if a is not None and a.acknowledged_at:
        timeline.append(("acknowledged", _iso(a.acknowledged_at)))
    if a is not None and a.answered_at:
        timeline.append(("refused" if a.answer == "cannot_answer" else "answered", _iso(a.answered_at)))
    if req.closed_at:
        timeline.append((req.status if req.status == "withdrawn" else "closed", _iso(req.closed_at)))
    out |= {
        "facts": req.facts,
        "conduct": list(req.conduct or ()),
        "measures": req.measures,
        "legal_basis": list(req.legal_basis or ()),
        "dual_criminality": req.dual_criminality,
        "assurance_labels": [assurance_label(x) for x in req.assurances or ()],
        "language": req.language,
        "outcome": req.outcome,
        "created_by": req.created_by,
        "check": req.check,
        "frozen": req.status != "draft" and req.check is not None,
        "timeline": [{"step": s, "at": at} for s, at in timeline],
        "message_readable": msg is not None and _reads_message(actor, msg),
    }
    return out


def _reads_message(actor: Principal, msg: Message) -> bool:
    from liaison.queries.message_access import party

    return party(actor, msg).reads


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * share
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ledger(
    session: Session, actor: Principal, *, member: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Per member: requests sent and received, response times of its answers (sent → answered: median and 90th
    percentile, hours and days), the share it answered in time, the assurances it gave and how many it honoured,
    and the requests awaiting its answer (open, overdue)."""
    lf.require_legal_reader(actor)
    now = now or utcnow()
    stats: dict[str, dict[str, Any]] = {}

    def of(code: str) -> dict[str, Any]:
        return stats.setdefault(
            code,
            {
                "member": code,
                "sent": 0,
                "received": 0,
                "answered": 0,
                "refused": 0,
                "in_time": 0,
                "hours": [],
                "assurances_given": 0,
                "assurances_honoured": 0,
                "assurances_broken": 0,
                "open_sent": 0,
                "open_received": 0,
                "overdue_received": 0,
                "demo": False,
            },
        )

    for req, msg, a in _rows(session, LegalRequest.status != "draft"):
        if req.sent_at is None:
            continue
        src, dst = of(req.requesting), of(req.requested)
        src["sent"] += 1
        dst["received"] += 1
        src["demo"] = src["demo"] or req.demo
        dst["demo"] = dst["demo"] or req.demo
        due = _aware(msg.response_due_at) if msg is not None else None
        sent = _aware(req.sent_at)
        answered_at = _aware(a.answered_at) if a is not None else None
        if a is not None and a.answer == "cannot_answer":
            dst["refused"] += 1
        elif answered_at is not None and sent is not None:
            dst["answered"] += 1
            dst["hours"].append((answered_at - sent).total_seconds() / 3600)
            if due is None or answered_at <= due:
                dst["in_time"] += 1
        if req.assurances:
            src["assurances_given"] += 1
            if req.assurances_honoured is True:
                src["assurances_honoured"] += 1
            elif req.assurances_honoured is False:
                src["assurances_broken"] += 1
        if req.status in OPEN:
            src["open_sent"] += 1
            if answered_at is None and (a is None or a.answer != "cannot_answer"):
                dst["open_received"] += 1
                if due is not None and now > due:
                    dst["overdue_received"] += 1
    rows = []
    for code in sorted(stats):
        s = stats[code]
        hours = s.pop("hours")
        median, p90 = _percentile(hours, 0.5), _percentile(hours, 0.9)
        known = s["assurances_honoured"] + s["assurances_broken"]
        s |= {
            "median_hours": round(median, 1) if median is not None else None,
            "p90_hours": round(p90, 1) if p90 is not None else None,
            "median_days": round(median / 24, 2) if median is not None else None,
            "p90_days": round(p90 / 24, 2) if p90 is not None else None,
            "in_time_share": round(s["in_time"] / s["answered"], 3) if s["answered"] else None,
            "honoured_rate": round(s["assurances_honoured"] / known, 3) if known else None,
        }
        rows.append(s)
    if member:
        code = member.strip().upper()
        known = {r["member"] for r in rows} | _directory(session) | set(lf.load_facts(session).jurisdictions)
        if code not in known:
            raise NotFound(
                _("unknown member %(code)s", code=code[:20]),
                suggestions=[c.upper() for c in suggest(code, {k.lower() for k in known})],
            )
        rows = [r for r in rows if r["member"] == code]
    return {"members": rows, "demo": any(r["demo"] for r in rows), "as_of": now.isoformat()}


def _directory(session: Session) -> set[str]:
    from liaison.models import Member

    return set(session.scalars(select(Member.code)))


__all__ = ["clock", "detail", "ledger", "may_see", "tracker", "visible"]


def member_names(session: Session) -> dict[str, str]:
    """Directory members by code (the drafter's fallback list of states when no legal tables are loaded)."""
    return {code: name for code, name in session.execute(select(Member.code, Member.name))}
