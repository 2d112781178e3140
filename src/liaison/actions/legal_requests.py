"""Legal request writes: draft, check, send through the urgent exchange, follow the exchange's answer, close with
the outcome and whether the assurances were honoured, withdraw. Each step is one audited action
(``legal.request.draft|check|send|sync|close|withdraw``).

Who: users of the requesting member's agencies with the contact point role (and node admins, network admins)
draft and send; users of both members' agencies (the requested member's once it is sent), admins and auditors
see a request; for anyone else it does not exist (404, as for messages). The legal-basis finder and the
dual-criminality check are called through :func:`cores`, which imports them when first needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison import validation as v
from liaison.actions import exchange
from liaison.actions.audit import audit
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from liaison.exchange.languages import alpha2
from liaison.i18n import _
from liaison.legal import drafting
from liaison.legal import facts as f
from liaison.legal.elements import UnknownCode, check_codes, suggest
from liaison.models import Addressee, LegalRequest, Member, Membership, Message, Network, utcnow
from liaison.principal import Principal
from liaison.queries import legal_facts as lf
from liaison.queries.message_access import is_operator, party

STATUSES = ("draft", "sent", "acknowledged", "answered", "refused", "closed", "withdrawn")
OPEN = ("sent", "acknowledged", "answered", "refused")
MAX_RESPONSE_HOURS = 24 * 365


def cores() -> tuple[Callable[..., f.BasisAnswer], Callable[..., f.DualAnswer]]:
    """``find_basis`` and ``check_dual``, imported when first needed."""
    from liaison.legal.basis import find_basis
    from liaison.legal.dual import check_dual

    return find_basis, check_dual


# -- who --


def _is_reader_all(actor: Principal) -> bool:
    return is_operator(actor) or actor.operator or actor.is_admin or actor.is_auditor


def may_see(session: Session, actor: Principal, req: LegalRequest) -> bool:
    if _is_reader_all(actor):
        return True
    if req.network_id is not None and actor.administers(req.network_id):
        return True
    mine = lf.member_code(session, actor)
    if mine is None:
        return False
    # A draft is the requesting side's own until it is sent.
    return mine == req.requesting or (mine == req.requested and req.status != "draft")


def may_draft(session: Session, actor: Principal, requesting: str) -> bool:
    if actor.operator or is_operator(actor) or actor.is_admin or any(r == "network_admin" for r, _n in actor.grants):
        return True
    return any(r == "contact_point" for r, _n in actor.grants) and lf.member_code(session, actor) == requesting


def request_or_404(session: Session, actor: Principal, reference: str) -> LegalRequest:
    req = session.scalar(select(LegalRequest).where(LegalRequest.reference == reference.strip().upper()))
    if req is None or not may_see(session, actor, req):
        raise NotFound(_("no request %(reference)s", reference=reference.strip()[:40]))
    return req


def _require_drafter(session: Session, actor: Principal, req: LegalRequest) -> None:
    if not may_draft(session, actor, req.requesting):
        raise PermissionDenied(
            _("only %(member)s's contact points draft, send and close its requests", member=req.requesting)
        )


# -- codes --


def _state(session: Session, facts: f.LegalFacts, code: str, field: str) -> str:
    found = code.strip().upper()
    if not found:
        raise InvalidInput(field, _("name a member (ISO code, e.g. FR)"))
    if found in facts.jurisdictions:
        return found
    if session.scalar(select(Member.id).where(Member.code == found)) is not None:
        return found
    known = set(facts.jurisdictions) | set(session.scalars(select(Member.code)))
    raise NotFound(
        _("unknown member %(code)s", code=code.strip()[:20]),
        suggestions=[c.upper() for c in suggest(found, {k.lower() for k in known})],
    )


def _conduct(codes: Sequence[str]) -> list[str]:
    try:
        return check_codes([c for c in codes if c.strip()])
    except UnknownCode as exc:
        raise NotFound(_("unknown conduct element %(code)s", code=exc.code), suggestions=exc.suggestions) from None


def _basis(facts: f.LegalFacts, codes: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in codes:
        code = raw.strip().lower()
        if not code:
            continue
        if code != drafting.RECIPROCITY and code not in facts.instruments:
            known = {*facts.instruments, drafting.RECIPROCITY}
            raise NotFound(_("unknown instrument %(code)s", code=code[:40]), suggestions=suggest(code, known))
        if code not in out:
            out.append(code)
    return out


def _assurances(codes: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in codes:
        code = raw.strip().lower()
        if not code:
            continue
        if code not in drafting.ASSURANCES:
            raise NotFound(
                _("unknown assurance %(code)s", code=code[:40]), suggestions=suggest(code, drafting.ASSURANCES)
            )
        if code not in out:
            out.append(code)
    return out


def _reference(session: Session, today: date) -> str:
    n = (session.scalar(select(func.count()).select_from(LegalRequest)) or 0) + 1
    while True:
        ref = f"LR-{today.year}-{n:04d}"
        if session.scalar(select(LegalRequest.id).where(LegalRequest.reference == ref)) is None:
            return ref
        n += 1


# -- draft --


def save_draft(
    session: Session,
    *,
    actor: Principal,
    requested: str,
    kind: str,
    title: str,
    reference: str | None = None,
    requesting: str | None = None,
    facts: str = "",
    conduct: Sequence[str] = (),
    measures: str = "",
    legal_basis: Sequence[str] = (),
    dual_criminality: str = "",
    assurances: Sequence[str] = (),
    language: str = "",
    deadline: date | None = None,
    response_hours: int = 72,
    network: str | None = None,
    demo: bool = False,
    now: datetime | None = None,
) -> LegalRequest:
    """Create a draft (``reference`` None) or update one still in draft. Codes are checked; unknown ones are
    refused with suggestions. Completeness is not required here: :func:`check` says what is missing."""
    now = now or utcnow()
    lf.require_legal_reader(actor)
    legal = lf.load_facts(session)
    if kind not in f.REQUEST_KINDS:
        raise InvalidInput(
            "kind", _("%(kind)r is not one of %(choices)s", kind=kind, choices=", ".join(f.REQUEST_KINDS))
        )
    if requesting is None or not requesting.strip():
        mine = lf.member_code(session, actor)
        if mine is None:
            raise InvalidInput("requesting", _("name the requesting member: your account belongs to none"))
        requesting = mine
    src = _state(session, legal, requesting, "requesting")
    dst = _state(session, legal, requested, "requested")
    if src == dst:
        raise InvalidInput("requested", _("a member does not send a request to itself"))
    if not may_draft(session, actor, src):
        raise PermissionDenied(_("only %(member)s's contact points draft, send and close its requests", member=src))
    title = v.required_text(title, "title", 300)
    if not 1 <= response_hours <= MAX_RESPONSE_HOURS:
        raise InvalidInput("response_hours", _("between 1 and %(max)s hours", max=MAX_RESPONSE_HOURS))
    lang = alpha2(v.language(language, "language")) if language.strip() else ""
    network_id = _network(session, src, dst, network).id if network else None
    values: dict[str, Any] = {
        "kind": kind,
        "requesting": src,
        "requested": dst,
        "title": title,
        "facts": facts.strip(),
        "conduct": _conduct(conduct),
        "measures": measures.strip(),
        "legal_basis": _basis(legal, legal_basis),
        "dual_criminality": dual_criminality.strip(),
        "assurances": _assurances(assurances),
        "language": lang,
        "deadline": deadline,
        "response_hours": response_hours,
    }
    if network_id is not None:
        values["network_id"] = network_id
    if reference:
        req = request_or_404(session, actor, reference)
        _require_drafter(session, actor, req)
        if req.status != "draft":
            raise Conflict(_("request %(reference)s was sent: it is no longer a draft", reference=req.reference))
        for key, value in values.items():
            setattr(req, key, value)
        req.check = None
        created = False
    else:
        req = LegalRequest(
            reference=_reference(session, now.date()),
            status="draft",
            created_by=actor.username,
            organisation_id=actor.organisation_id,
            demo=demo,
            **values,
        )
        session.add(req)
        created = True
    session.flush()
    audit(
        session,
        actor=actor,
        action="legal.request.draft",
        target_type="legal_request",
        target_id=req.id,
        network_id=req.network_id,
        details={"reference": req.reference, "created": created, "requesting": src, "requested": dst, "kind": kind},
    )
    return req


# -- check --


def draft_view(req: LegalRequest, today: date) -> drafting.DraftView:
    return drafting.DraftView(
        kind=req.kind,
        requesting=req.requesting,
        requested=req.requested,
        title=req.title or "",
        facts=req.facts or "",
        conduct=tuple(req.conduct or ()),
        measures=req.measures or "",
        legal_basis=tuple(req.legal_basis or ()),
        dual_criminality=req.dual_criminality or "",
        assurances=tuple(req.assurances or ()),
        language=req.language or "",
        deadline=req.deadline,
        today=today,
    )


def basis_dict(answer: f.BasisAnswer) -> dict[str, Any]:
    return {
        "verdict": answer.verdict,
        "bilateral": answer.bilateral,
        "treaty_required": answer.treaty_required,
        "reciprocity": answer.reciprocity,
        "certainty": answer.certainty,
        "notes": [str(n) for n in answer.notes],
        "items": [
            {
                "instrument": i.instrument,
                "name": i.name,
                "organisation": i.organisation,
                "kind": i.kind,
                "stands_in": i.stands_in,
                "provisions": [{"code": p.code, "article": p.article, "role": p.role} for p in i.provisions],
                "reservations": [str(r) for r in i.reservations],
                "citations": [c.as_dict() for c in i.citations],
            }
            for i in answer.items
        ],
        "citations": [c.as_dict() for c in answer.citations],
    }


def dual_dict(answer: f.DualAnswer) -> dict[str, Any]:
    return {
        "verdict": answer.verdict,
        "certainty": answer.certainty,
        "explanation": [str(x) for x in answer.explanation],
        "matches": [
            {
                "citation": m.offence.citation,
                "label": m.offence.label,
                "label_en": m.offence.label_en,
                "coverage": round(m.coverage, 3),
                "full": m.full,
                "missing": list(m.missing),
                "threshold_met": m.threshold_met,
            }
            for m in answer.requested_matches
        ],
        "citations": [c.as_dict() for c in answer.citations],
    }


def evaluate(session: Session, req: LegalRequest, on: date) -> dict[str, Any]:
    """The finder, the dual-criminality check and the completeness check on the request as it stands (no write)."""
    legal = lf.load_facts(session)
    find_basis, check_dual = cores()
    basis = find_basis(legal, req.requesting, req.requested, req.kind, on)
    dual = check_dual(legal, set(req.conduct or ()), req.requesting, req.requested, req.kind, on)
    profile = legal.profiles.get(req.requested)
    done = drafting.check_request(draft_view(req, on), basis, dual, profile)
    return {
        **done.as_dict(),
        "suggested_basis": drafting.suggest_basis(basis, legal, list(req.conduct or ())),
        "checked_on": on.isoformat(),
        "basis": basis_dict(basis),
        "dual": dual_dict(dual),
    }


def check(session: Session, *, actor: Principal, reference: str, now: datetime | None = None) -> dict[str, Any]:
    """Run the checks and store their answer on the draft (a sent request keeps its frozen check)."""
    now = now or utcnow()
    req = request_or_404(session, actor, reference)
    out = evaluate(session, req, now.date())
    if req.status == "draft":
        req.check = out
    audit(
        session,
        actor=actor,
        action="legal.request.check",
        target_type="legal_request",
        target_id=req.id,
        network_id=req.network_id,
        details={"reference": req.reference, "complete": out["complete"], "blocking": out["blocking"]},
    )
    return out


# -- send --


def shared_networks(session: Session, a: str, b: str) -> list[Network]:
    """The networks on which both members are active, by code."""

    def of(code: str) -> Any:
        return (
            select(Membership.network_id)
            .join(Member, Member.id == Membership.member_id)
            .where(Member.code == code, Membership.status == "active")
        )

    return list(
        session.scalars(select(Network).where(Network.id.in_(of(a)), Network.id.in_(of(b))).order_by(Network.code))
    )


def _network(session: Session, a: str, b: str, wanted: str | None) -> Network:
    shared = shared_networks(session, a, b)
    if not shared:
        raise Conflict(_("%(a)s and %(b)s share no network: the request cannot travel through the exchange", a=a, b=b))
    if wanted:
        code = wanted.strip().upper()
        found = next((n for n in shared if n.code == code), None)
        if found is None:
            raise NotFound(
                _("%(a)s and %(b)s do not share a network %(code)s", a=a, b=b, code=code[:20]),
                suggestions=[n.code for n in shared],
            )
        return found
    return shared[0]


def legal_basis_text(req: LegalRequest, legal: f.LegalFacts) -> str:
    names = []
    for code in req.legal_basis or ():
        if code == drafting.RECIPROCITY:
            names.append(_("Reciprocity"))
        else:
            inst = legal.instruments.get(code)
            names.append(inst.name if inst is not None else code)
    return "; ".join(names)


def body_text(req: LegalRequest) -> str:
    parts = [
        _(
            "Request %(reference)s (%(kind)s) from %(a)s to %(b)s",
            reference=req.reference,
            kind=req.kind,
            a=req.requesting,
            b=req.requested,
        ),
        "",
        _("Facts:"),
        req.facts,
        "",
        _("Measures requested:"),
        req.measures or "-",
    ]
    if req.dual_criminality:
        parts += ["", _("Dual criminality:"), req.dual_criminality]
    if req.assurances:
        parts += ["", _("Assurances given:")]
        parts += [f"- {drafting.assurance_label(a)}" for a in req.assurances]
    if req.deadline:
        parts += ["", _("Answer requested by %(day)s.", day=req.deadline.isoformat())]
    return "\n".join(parts)


def send(
    session: Session,
    *,
    actor: Principal,
    reference: str,
    network: str | None = None,
    priority: str = "routine",
    now: datetime | None = None,
) -> LegalRequest:
    """Check again; refuse while a blocking item remains; send as a ``request`` message with its response clock
    to the requested member on a network both share; link the message and freeze the check."""
    now = now or utcnow()
    req = request_or_404(session, actor, reference)
    _require_drafter(session, actor, req)
    if req.status != "draft":
        raise Conflict(_("request %(reference)s was already sent", reference=req.reference))
    out = evaluate(session, req, now.date())
    if not out["complete"]:
        req.check = out
        missing = [i["message"] for i in out["items"] if not i["ok"] and i["severity"] == "blocking"]
        raise Conflict(
            _("request %(reference)s is not complete: %(missing)s", reference=req.reference, missing=" ".join(missing))
        )
    net = (
        session.get(Network, req.network_id)
        if req.network_id and not network
        else _network(session, req.requesting, req.requested, network)
    )
    assert net is not None
    legal = lf.load_facts(session)
    message = exchange.send_message(
        session,
        actor=actor,
        network=net,
        kind="request",
        priority=priority,
        subject=f"[{req.reference}] {req.title}"[:300],
        body=body_text(req),
        legal_basis=legal_basis_text(req, legal),
        to_members=[req.requested],
        response_hours=float(req.response_hours),
        language=req.language or None,
        now=now,
    )
    req.network_id, req.message_id, req.sent_at, req.status = net.id, message.id, now, "sent"
    req.check = out | {"frozen_at": now.isoformat()}
    audit(
        session,
        actor=actor,
        action="legal.request.send",
        target_type="legal_request",
        target_id=req.id,
        network_id=net.id,
        details={"reference": req.reference, "message": str(message.id), "warnings": out["warnings"]},
    )
    return req


# -- following the exchange --


def addressee_of(session: Session, req: LegalRequest) -> Addressee | None:
    if req.message_id is None:
        return None
    return session.scalar(
        select(Addressee).where(Addressee.message_id == req.message_id, Addressee.member_code == req.requested)
    )


def status_from(req: LegalRequest, a: Addressee | None) -> tuple[str, datetime | None]:
    """What the exchange says of a sent request: (status, answered_at). Closed and withdrawn requests stay."""
    if req.status not in OPEN or a is None:
        return req.status, req.answered_at
    if a.answer == "cannot_answer":
        return "refused", a.answered_at
    if a.answered_at is not None:
        return "answered", a.answered_at
    if a.acknowledged_at is not None:
        return "acknowledged", None
    return "sent", None


def sync(session: Session, *, actor: Principal, requests: Sequence[LegalRequest]) -> list[LegalRequest]:
    """Bring each open request's status up to what its message's addressee did; audited per change."""
    changed = []
    for req in requests:
        if req.status not in OPEN:
            continue
        status, answered_at = status_from(req, addressee_of(session, req))
        if status != req.status or answered_at != req.answered_at:
            before = req.status
            req.status, req.answered_at = status, answered_at
            changed.append(req)
            audit(
                session,
                actor=actor,
                action="legal.request.sync",
                target_type="legal_request",
                target_id=req.id,
                network_id=req.network_id,
                details={"reference": req.reference, "from": before, "to": status},
            )
    return changed


def _close_message(session: Session, actor: Principal, req: LegalRequest, outcome: str, now: datetime) -> None:
    message = session.get(Message, req.message_id) if req.message_id else None
    if message is None or message.status == "closed":
        return
    who = party(actor, message)
    if who.sender or who.operator:
        exchange.close(session, actor=actor, message=message, outcome=outcome, now=now)


def close(
    session: Session,
    *,
    actor: Principal,
    reference: str,
    outcome: str,
    assurances_honoured: bool | None,
    now: datetime | None = None,
) -> LegalRequest:
    """The requesting side records the outcome and whether the assurances given were honoured, and closes."""
    now = now or utcnow()
    req = request_or_404(session, actor, reference)
    _require_drafter(session, actor, req)
    sync(session, actor=actor, requests=[req])
    if req.status not in OPEN:
        raise Conflict(_("only a sent request is closed (this one is %(status)s)", status=req.status))
    outcome = v.required_text(outcome, "outcome", 2000)
    if req.assurances and assurances_honoured is None:
        raise InvalidInput("assurances_honoured", _("say whether the assurances given were honoured (yes or no)"))
    req.status, req.closed_at, req.outcome = "closed", now, outcome
    req.assurances_honoured = assurances_honoured if req.assurances else None
    _close_message(session, actor, req, outcome, now)
    audit(
        session,
        actor=actor,
        action="legal.request.close",
        target_type="legal_request",
        target_id=req.id,
        network_id=req.network_id,
        details={"reference": req.reference, "assurances_honoured": req.assurances_honoured},
    )
    return req


def withdraw(
    session: Session, *, actor: Principal, reference: str, reason: str, now: datetime | None = None
) -> LegalRequest:
    now = now or utcnow()
    req = request_or_404(session, actor, reference)
    _require_drafter(session, actor, req)
    if req.status not in ("draft", *OPEN):
        raise Conflict(_("request %(reference)s is already %(status)s", reference=req.reference, status=req.status))
    reason = v.required_text(reason, "reason", 2000)
    req.status, req.closed_at, req.outcome = "withdrawn", now, reason
    _close_message(session, actor, req, reason, now)
    audit(
        session,
        actor=actor,
        action="legal.request.withdraw",
        target_type="legal_request",
        target_id=req.id,
        network_id=req.network_id,
        details={"reference": req.reference},
    )
    return req


def sync_open(session: Session, *, actor: Principal, visible_only: bool = True) -> list[LegalRequest]:
    """Bring every open request up to date from the exchange: those the actor sees (a tracker, a list), or all of
    them (the ledger, whose figures count every sent request of the node)."""
    from liaison.queries.legal_requests import visible

    query = select(LegalRequest).where(LegalRequest.status.in_(OPEN))
    if visible_only:
        query = query.where(visible(session, actor))
    return sync(session, actor=actor, requests=session.scalars(query).all())


def record_read(session: Session, *, actor: Principal, request: LegalRequest) -> None:
    """A request's facts were shown: audited like every read of case content."""
    audit(session, actor=actor, action="legal.request.read", target_type="legal_request", target_id=request.id)
