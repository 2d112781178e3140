"""Fictional exchange traffic for the demo, written through the actions: six past reachability exercises on
FTF (so the trend chart has a history), and a few live items: a flash request still escalating, an urgent
threat notice acknowledged, a request whose response clock ran out, and a victim-assistance referral with
its case steps. Deterministic for a given ``now`` and random generator.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from liaison.actions import exchange as act
from liaison.actions.exercises import schedule_exercise, start_exercise
from liaison.escalation import queue
from liaison.escalation.firing import fire_due
from liaison.marking import Marking
from liaison.models import Addressee, Job, Network, Notification, User
from liaison.principal import Principal
from liaison.queries.principals import principal_for_user
from liaison.queries.snapshot import build

LEGAL = "Art. 7 Council Decision 2005/671/JHA; network terms of reference"


def _principal(session: Session, username: str) -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return principal_for_user(session, user, "cli", "demo")


def _agency_principal(addressee: Addressee, name: str) -> Principal:
    """Someone of the addressee's agency acknowledging (the demo does not need a user for each agency)."""
    return Principal(
        None,
        name,
        addressee.organisation_id,
        addressee.member_id,
        frozenset({("contact_point", None)}),
        via="web",
        ip="demo",
    )


def _mark_delivered(session: Session, message_id: object, at: datetime) -> None:
    """Past notifications were delivered at the time: no worker will send them now."""
    ids = list(session.scalars(select(Notification.id).where(Notification.message_id == message_id)))
    session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.status == "pending")
        .values(status="sent", sent_at=at, attempts=1, transport="demo")
    )
    session.execute(update(Job).where(Job.ref_id.in_(ids), Job.kind == "deliver").values(done_at=at))


def load_exchange_demo(session: Session, *, now: datetime, rng: random.Random) -> dict[str, int]:
    session.flush()
    ftf = session.scalar(select(Network).where(Network.code == "FTF"))
    vot = session.scalar(select(Network).where(Network.code == "VOT"))
    assert ftf is not None and vot is not None
    secretariat = _principal(session, "secretariat.ftf")
    snap = build(session)
    exercises = 0
    # Six monthly exercises, reachability improving as the network works on it.
    for i in range(6, 0, -1):
        at = now - timedelta(days=30 * i, hours=rng.randint(0, 12))
        ex = schedule_exercise(
            session,
            actor=secretariat,
            network=ftf,
            at=at,
            window_minutes=30,
            note="Monthly reachability exercise.",
            now=at,
        )
        message = start_exercise(session, exercise=ex, now=at)
        queue.cancel(session, "exercise", ex.id, at)
        assert message is not None
        session.flush()
        for a in message.addressees:
            fire_due(session, snap, a, at)
        _mark_delivered(session, message.id, at + timedelta(seconds=2))
        reach = 0.62 + 0.06 * (6 - i)
        for a in message.addressees:
            if rng.random() < reach:
                minutes = rng.choice((1, 2, 3, 4, 6, 9, 14, 22, 28, 41))
                act.acknowledge(
                    session,
                    actor=_agency_principal(a, f"duty officer ({a.member_code})"),
                    message=message,
                    now=at + timedelta(minutes=minutes, seconds=rng.randint(0, 59)),
                )
            else:
                a.escalation = "exhausted"
                queue.cancel(session, "escalate", a.id, at)
        exercises += 1

    fr, jp, us = (_principal(session, u) for u in ("fr.ftf", "jp.ftf", "us.vot"))
    # A flash request sent two minutes ago: nobody has acknowledged it yet, so it escalates while you watch.
    act.send_message(
        session,
        actor=fr,
        network=ftf,
        kind="request",
        priority="flash",
        subject="Suspected foreign terrorist fighter booked on flight to Istanbul tonight",
        body=(
            "A person matching an alert is booked on a flight leaving in 5 hours. Please confirm whether your\n"
            "services hold information on the travel companions named in the attachment to follow."
        ),
        legal_basis=LEGAL,
        marking=Marking("AMBER"),
        to_members=["TR", "JP"],
        now=now - timedelta(minutes=2),
    )
    # An urgent threat notice, acknowledged by Japan.
    notice = act.send_message(
        session,
        actor=jp,
        network=ftf,
        kind="threat_notice",
        priority="urgent",
        subject="Online call to attack a sports event in Europe",
        body="A channel known for recruitment relays a call to attack a sports event; the poster's accounts follow.",
        legal_basis=LEGAL,
        marking=Marking("GREEN"),
        to_members=["FR", "DE", "ES", "IT"],
        now=now - timedelta(hours=3),
    )
    for a in notice.addressees[:3]:
        act.acknowledge(
            session,
            actor=_agency_principal(a, f"duty officer ({a.member_code})"),
            message=notice,
            member=a.member_code,
            now=now - timedelta(hours=3) + timedelta(minutes=rng.randint(2, 25)),
        )
    # A request acknowledged, but nobody said whether and when it will be answered: its clock is overdue.
    late = act.send_message(
        session,
        actor=fr,
        network=ftf,
        kind="request",
        priority="urgent",
        subject="Identity of a returnee's travel companion",
        body="Please say whether you hold information on the person described; details in Liaison only.",
        legal_basis=LEGAL,
        marking=Marking("AMBER", originator_control=True),
        to_members=["JP"],
        now=now - timedelta(hours=10),
    )
    act.acknowledge(session, actor=jp, message=late, now=now - timedelta(hours=9, minutes=50))
    # A victim-assistance referral on VOT, two steps along.
    referral = act.send_message(
        session,
        actor=us,
        network=vot,
        kind="victim_referral",
        priority="routine",
        subject="Victim of the attack in a European capital, resident in France",
        body="A resident of France injured in the attack asks for support and for access to the proceedings.",
        legal_basis="Directive (EU) 2017/541, Art. 26; Directive 2012/29/EU",
        marking=Marking("AMBER"),
        to_members=["FR"],
        now=now - timedelta(days=3),
    )
    for a in referral.addressees:
        helper = _agency_principal(a, "victim support officer (FR)")
        act.acknowledge(session, actor=helper, message=referral, now=now - timedelta(days=3) + timedelta(minutes=40))
        act.record_case_step(
            session,
            actor=helper,
            message=referral,
            step="victim_contacted",
            note="Victim reached by phone; interpreter arranged.",
            at=now - timedelta(days=2, hours=20),
        )
        act.record_case_step(
            session,
            actor=helper,
            message=referral,
            step="support_engaged",
            note="Referred to the national victim support service.",
            at=now - timedelta(days=2),
        )
    session.flush()
    return {"exercises": exercises, "messages": 4}
