"""Who gets notified: within one round of the chain, a contact already notified is not notified again, and a
step that reaches nobody new hands over to the next step at once instead of waiting its delay.

The world (tests/world.py): Claire is on duty for France at T0; the deputy is Permanence 24/7, which is also
the agency's 24/7 desk; the FTF secretariat's desk comes last. The flash policy is
``on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat``.
"""

from __future__ import annotations

from sqlalchemy import select
from tests.exchange.conftest import T0, Exchange
from tests.exchange.test_escalation_flow import _send
from tests.world import ADMIN

from liaison.actions import rosters
from liaison.db import transaction
from liaison.models import AuditEvent, Designation, Message, Notification
from liaison.queries import snapshot
from liaison.queries.readiness import readiness


def _history(ex: Exchange, m: Message) -> list[tuple[int, int, str, str, str, str]]:
    """(round, step, target, contact, status, when: minutes after sending) per contact, in order."""
    with ex.sessions() as s:
        rows = s.execute(
            select(
                Notification.round,
                Notification.step,
                Notification.target,
                Notification.contact_name,
                Notification.status,
                Notification.due_at,
            )
            .where(Notification.message_id == m.id)
            .order_by(Notification.round, Notification.step, Notification.status)
        ).all()
    out = []
    for r, i, target, contact, status, due in rows:
        row = (r, i, target, contact, "skipped" if status == "skipped" else "notified", _minutes(due))
        if row not in out:
            out.append(row)
    return out


def _minutes(due) -> str:  # type: ignore[no-untyped-def]
    due = due if due.tzinfo else due.replace(tzinfo=T0.tzinfo)
    return f"{(due - T0).total_seconds() / 60:g}m"


def _make_deputy(ex: Exchange, contact: str) -> None:
    with transaction(ex.sessions) as s:
        designation = s.get_one(Designation, ex.ids["d_fr"])
        rosters.set_deputy(s, actor=ADMIN, designation=designation, contact_point_id=ex.ids[contact])


def test_a_deputy_on_duty_is_not_called_twice_and_the_desk_is_called_at_once(ex: Exchange) -> None:
    _make_deputy(ex, "claire")  # the deputy is the contact on duty, as for Türkiye and Germany in the demo
    m = _send(ex)
    ex.run()
    first = (len(ex.sent_to("email")), len(ex.sent_to("mobile")))
    assert first == (1, 1)  # Claire, on her e-mail and her mobile
    ex.tick(minutes=5)
    ex.run()
    assert (len(ex.sent_to("email")), len(ex.sent_to("mobile"))) == first  # not called again as deputy
    assert ex.sent_to("phone") == ["+33140000000"]  # the desk step, brought forward from 10 minutes to 5
    assert _history(ex, m) == [
        (0, 0, "on-duty", "Claire Fictive", "notified", "0m"),
        (0, 1, "deputy", "Claire Fictive", "skipped", "5m"),
        (0, 2, "desk", "Permanence 24/7", "notified", "5m"),
    ]
    with ex.sessions() as s:
        reasons = s.scalars(select(Notification.reason).where(Notification.step == 1)).all()
        assert reasons == ["the deputy; already notified as on-duty (step 1)"]
        escalations = s.scalars(select(AuditEvent.details).where(AuditEvent.action == "message.escalate")).all()
        assert [e.get("already_notified") for e in escalations] == [None, ["Claire Fictive"], None]
    ex.tick(minutes=5)  # 10 minutes: the desk's own time; it has fired already and does not fire again
    ex.run()
    assert ex.sent_to("phone") == ["+33140000000"]
    ex.tick(minutes=5)  # 15 minutes: the secretariat, on time
    ex.run()
    assert ex.sent_to("phone") == ["+33140000000", "+33388412000"]
    ex.tick(minutes=15)  # 30 minutes: a new round calls Claire again, which is what a repeat is for
    ex.run()
    assert len(ex.sent_to("email")) == 2
    assert _history(ex, m)[-1] == (1, 0, "on-duty", "Claire Fictive", "notified", "30m")


def test_a_deputy_who_is_also_the_desk_is_called_once_and_the_secretariat_comes_sooner(ex: Exchange) -> None:
    m = _send(ex)
    ex.tick(minutes=5)
    ex.run()
    assert ex.sent_to("phone") == ["+33140000000"]  # Permanence 24/7, as deputy
    ex.tick(minutes=5)
    ex.run()
    assert ex.sent_to("phone") == ["+33140000000", "+33388412000"]  # not the desk again: the secretariat
    assert _history(ex, m) == [
        (0, 0, "on-duty", "Claire Fictive", "notified", "0m"),
        (0, 1, "deputy", "Permanence 24/7", "notified", "5m"),
        (0, 2, "desk", "Permanence 24/7", "skipped", "10m"),
        (0, 3, "secretariat", "FTF Secretariat desk", "notified", "10m"),
    ]
    ex.tick(minutes=5)
    ex.run()
    assert len(ex.sent_to("phone")) == 2  # the secretariat's own time: fired already
    with ex.sessions() as s:
        keys = s.scalars(select(Notification.key).where(Notification.message_id == m.id)).all()
        assert len(keys) == len(set(keys))


def test_after_downtime_the_steps_due_are_fired_once_each_without_repeats(ex: Exchange) -> None:
    """The worker was away for 12 minutes: on-duty (fired with the send), deputy and desk are due together;
    the desk is the deputy again, so it is skipped and the secretariat fires right away."""
    m = _send(ex)
    ex.tick(minutes=12)
    ex.run()
    assert ex.sent_to("phone") == ["+33140000000", "+33388412000"]
    assert [(r, i, status) for r, i, _t, _c, status, _w in _history(ex, m)] == [
        (0, 0, "notified"),
        (0, 1, "notified"),
        (0, 2, "skipped"),
        (0, 3, "notified"),
    ]
    ex.tick(minutes=18)  # 30 minutes: round two
    ex.run()
    assert [(r, i) for r, i, *_ in _history(ex, m)][-1] == (1, 0)


def test_readiness_notes_a_deputy_who_is_the_contact_on_duty(ex: Exchange) -> None:
    def notes() -> list[str]:
        with ex.sessions() as s:
            snap = snapshot.build(s)
            warnings = readiness(snap, snap.networks["FTF"], T0)
        return [w.message for w in warnings if w.kind == "deputy_on_duty" and w.member == "FR"]

    assert notes() == []  # the deputy is Permanence 24/7, not on the rotation
    _make_deputy(ex, "claire")
    assert notes() == [
        "Claire Fictive is on duty now and is also the deputy: the deputy step of an urgent message reaches "
        "nobody new, and the chain goes straight on to the next step."
    ]
