"""Demo legal requests: the demo case's request from France to Japan, left as a complete draft by ``fr.ftf``
(checked, ready to send: the walkthrough sends it), and about thirty past requests between demo states, sent
through the exchange and answered (or not) at different speeds, some closed with their assurances honoured or
not, so that the tracker and the reciprocity ledger have figures.

The past ones are written as rows (the request, its ``request`` message with its response clock, the requested
member's addressee with its acknowledgement and answer), as the exchange would have left them: sending sixty
messages through the escalation machinery would only make the demo slower. Every row is ``demo=True`` and the
pages say so. Nothing in them is real.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.legal.drafting import suggest_basis, suggest_statement
from liaison.models import (
    Addressee,
    Designation,
    LegalRequest,
    Member,
    Membership,
    Message,
    Network,
    Organisation,
    User,
    utcnow,
)
from liaison.principal import Principal

SEED = 14
HISTORY = 30
# The states the past requests run between (those of them the demo networks have): few enough that each has
# several answers in the ledger.
STATES = ("FR", "JP", "DE", "IT", "BE", "MA", "TR", "CA", "NG", "PK", "GR", "US")
DRAFTER = "fr.ftf"

TITLES = (
    "Bank records of a suspected financier",
    "Hearing of a witness to a bombing",
    "Subscriber data of a messaging account",
    "Surrender of a suspected recruiter",
    "Travel records of a returning fighter",
    "Search of a warehouse used for explosives",
    "Freezing of funds sent to a charity front",
    "Copy of a court file on a terrorist group",
)
MEASURES = {
    "mla": "Records and certified copies; hearing of the persons named.",
    "extradition": "Provisional arrest and surrender of the person named.",
    "spontaneous": "",
}
CONDUCTS = (
    ["finance", "intentional", "knowing_terrorist_purpose"],
    ["bombing", "intentional", "intimidate_population", "public_place"],
    ["recruit", "intentional", "aim_terrorist_offence"],
    ["travel", "intentional", "aim_terrorist_offence", "transnational"],
    ["participate_group", "intentional", "knowing_terrorist_purpose"],
)


def demo_case() -> dict[str, Any]:
    """The demo case of the offences part (its facts, conduct and states)."""
    from liaison.demo_legal_offences import DEMO_CASE

    return dict(DEMO_CASE)


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    now = utcnow()
    history = _history(session, now)
    draft = _draft(session, operator, now)
    return {"history": history, "draft": draft}


# -- the demo case's draft --


def _draft(session: Session, operator: Principal, now: datetime) -> str:
    from liaison.actions import legal_requests as actions
    from liaison.queries import legal_facts as lf
    from liaison.queries.principals import principal_for_user

    user = session.scalar(select(User).where(User.username == DRAFTER))
    actor = principal_for_user(session, user, "cli", "demo") if user is not None else operator
    case = demo_case()
    requesting = case["requesting"]
    requested = case["requested"][0] if isinstance(case["requested"], list) else case["requested"]
    kind = case.get("kind", "extradition")
    facts = lf.load_facts(session)
    profile = facts.profiles.get(requested)
    find_basis, check_dual = actions.cores()
    basis = find_basis(facts, requesting, requested, kind, now.date())
    dual = check_dual(facts, set(case["conduct"]), requesting, requested, kind, now.date())
    basis_codes = suggest_basis(basis, facts, case["conduct"])
    statement = suggest_statement(dual)
    languages = list(profile.languages) if profile is not None else []
    language = "en" if not languages or "en" in languages else languages[0]
    req = actions.save_draft(
        session,
        actor=actor,
        requesting=requesting,
        requested=requested,
        kind=kind,
        title=case["title"],
        facts=case["summary"],
        conduct=case["conduct"],
        measures=MEASURES.get(kind, "") or MEASURES["mla"],
        legal_basis=basis_codes,
        dual_criminality=statement,
        assurances=list(profile.assurances_required) if profile is not None else [],
        language=language,
        deadline=(now + timedelta(days=30)).date(),
        response_hours=72,
        network="FTF",
        demo=True,
        now=now,
    )
    actions.check(session, actor=actor, reference=req.reference, now=now)
    return req.reference


# -- the past requests --


def _designated(session: Session) -> dict[str, list[tuple[Network, Member, Organisation]]]:
    """Per network code, the active members with a designated agency."""
    rows = session.execute(
        select(Network, Member, Organisation)
        .join(Designation, Designation.network_id == Network.id)
        .join(Member, Member.id == Designation.member_id)
        .join(Organisation, Organisation.id == Designation.agency_id)
        .join(Membership, (Membership.network_id == Network.id) & (Membership.member_id == Member.id))
        .where(Membership.status == "active")
        .order_by(Network.code, Member.code)
    ).all()
    out: dict[str, list[tuple[Network, Member, Organisation]]] = {}
    for net, member, agency in rows:
        if member.code in STATES:
            out.setdefault(net.code, []).append((net, member, agency))
    return out


def _history(session: Session, now: datetime) -> int:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    by_network = _designated(session)
    pool = [(code, rows) for code, rows in sorted(by_network.items()) if len(rows) >= 2]
    if not pool:
        return 0
    # Each requested state answers at its own pace (median hours), so the ledger tells them apart.
    pace: dict[str, float] = {}
    made = given = 0
    year_counts: dict[int, int] = {}
    for i in range(HISTORY):
        _code, rows = pool[i % len(pool)] if i % 3 else pool[0]
        if i < 8:  # the demo case's states have a record of their own
            src = next((r for r in rows if r[1].code == "FR"), None) or rng.choice(rows)
            dst = next((r for r in rows if r[1].code == ("JP" if i % 2 else "DE")), None) or rng.choice(rows)
            if i % 4 == 3:
                src, dst = dst, src
        else:
            src, dst = rng.sample(rows, 2)
        if src[1].code == dst[1].code:
            continue
        net = src[0]
        kind = rng.choice(("mla", "mla", "mla", "extradition", "spontaneous"))
        sent = now - timedelta(days=rng.randint(12, 420), hours=rng.randint(0, 23))
        hours = 72 if kind != "extradition" else 168
        base = pace.setdefault(dst[1].code, rng.choice((6.0, 20.0, 48.0, 110.0, 200.0)))
        took = max(0.5, rng.lognormvariate(0, 0.6) * base)
        fate = rng.random()
        ack = sent + timedelta(hours=min(took, rng.uniform(0.2, 4)))
        answer: str | None = "will_answer"
        answered: datetime | None = sent + timedelta(hours=took)
        status = "closed"
        if i >= HISTORY - 4:  # the most recent few are still open
            sent = now - timedelta(hours=rng.randint(10, 160))
            answered, answer = None, None
            ack = sent + timedelta(hours=1)
            status = "acknowledged" if i % 2 else "sent"
        elif fate < 0.1:
            answer = "cannot_answer"
            status = "refused"
        title = rng.choice(TITLES)
        assurances = []
        if kind == "extradition":
            assurances = ["death_penalty", "fair_trial", "speciality"][: rng.randint(1, 3)]
        elif kind == "mla" and rng.random() < 0.4:
            assurances = ["use_limitation"]
        honoured: bool | None = None
        if status == "closed" and assurances:
            given += 1
            honoured = given % 4 != 0  # one in four assurances not honoured: the ledger has both
        year_counts[sent.year] = year_counts.get(sent.year, 0) + 1
        reference = f"LR-{sent.year}-9{year_counts[sent.year]:03d}"
        mid = uuid.uuid4()
        due = sent + timedelta(hours=hours)
        message = Message(
            id=mid,
            network_id=net.id,
            kind="request",
            priority="routine",
            subject=f"[{reference}] {title} (demo)",
            body=f"Demonstration request {reference}: fictional facts. {MEASURES[kind]}",
            language="en",
            legal_basis="UNSCR 1373 (2001) (demo)",
            sender_name=src[2].name,
            sender_organisation_id=src[2].id,
            sender_member_id=src[1].id,
            thread_id=mid,
            sent_at=sent,
            policy_text="",
            policy=None,
            response_due_at=due,
            status="closed" if status in ("closed", "refused") else "open",
            closed_at=(answered or ack) + timedelta(days=2) if status in ("closed", "refused") else None,
            outcome="Demonstration: done." if status in ("closed", "refused") else "",
            addressees=[
                Addressee(
                    member_id=dst[1].id,
                    organisation_id=dst[2].id,
                    label=dst[1].name,
                    member_code=dst[1].code,
                    acknowledged_at=ack if status != "sent" else None,
                    acknowledged_by="demo" if status != "sent" else "",
                    acknowledged_via="web" if status != "sent" else "",
                    escalation="stopped" if status != "sent" else "exhausted",
                    answer=answer,
                    answered_at=answered,
                )
            ],
        )
        session.add(message)
        session.flush()
        closed_at = (answered or ack) + timedelta(days=rng.randint(3, 40)) if status == "closed" else None
        session.add(
            LegalRequest(
                reference=reference,
                kind=kind,
                requesting=src[1].code,
                requested=dst[1].code,
                network_id=net.id,
                title=f"{title} (demo)",
                facts="Fictional facts for the demonstration.",
                conduct=CONDUCTS[i % len(CONDUCTS)],
                measures=MEASURES[kind],
                legal_basis=["unscr-1373"],
                dual_criminality="Demonstration statement." if kind == "extradition" else "",
                assurances=assurances,
                language="en",
                deadline=(sent + timedelta(days=rng.randint(20, 60))).date(),
                response_hours=hours,
                status=status,
                message_id=mid,
                sent_at=sent,
                answered_at=answered,
                closed_at=closed_at,
                outcome="Demonstration: the evidence was provided." if status == "closed" else "",
                assurances_honoured=honoured,
                created_by="demo",
                organisation_id=src[2].id,
                check={"complete": True, "certainty": "demo", "items": [], "demo": True},
                demo=True,
                created_at=sent - timedelta(days=rng.randint(1, 10)),
            )
        )
        made += 1
    session.flush()
    return made
