"""Send, escalate, acknowledge: the chain against the real database and a worker on a fake clock."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from tests.exchange.conftest import T0, Exchange
from tests.world import ADMIN

from liaison.actions import directory
from liaison.actions import exchange as act
from liaison.db import transaction
from liaison.i18n import gettext, use_locale
from liaison.models import Addressee, ContactPoint, Message, Network, Notification


def _send(ex: Exchange, user: str = "jp.cp", priority: str = "flash", **kw) -> Message:
    actor = ex.as_(user)
    with transaction(ex.sessions) as s:
        net = s.get(Network, ex.ids["ftf"])
        return act.send_message(
            s,
            actor=actor,
            network=net,
            kind=kw.pop("kind", "request"),
            priority=priority,
            subject=kw.pop("subject", "Travel of a suspect"),
            body=kw.pop("body", "Flight JL 45 tonight."),
            legal_basis="Art. 7 Decision 2005/671/JHA",
            to_members=kw.pop("to", ["FR"]),
            now=ex.now[0],
            **kw,
        )


def _add_email(ex: Exchange, contact: str, address: str) -> None:
    with transaction(ex.sessions) as s:
        directory.add_channel(
            s, actor=ADMIN, contact_point=s.get(ContactPoint, ex.ids[contact]), kind="email", value=address
        )


def test_flash_reaches_on_duty_then_deputy_then_stops_when_acknowledged(ex: Exchange):
    _add_email(ex, "fr_desk", "permanence@ucl.example.fr")
    m = _send(ex)
    ex.run()
    assert ex.sent_to("email") == ["claire@ucl.example.fr"]
    assert [o.to for o in ex.senders["mobile"].sent] == ["+33612345678"]
    ex.tick(minutes=4, seconds=59)
    ex.run()
    assert ex.sent_to("email") == ["claire@ucl.example.fr"]  # the deputy step is not due yet
    ex.tick(seconds=1)
    ex.run()
    assert ex.sent_to("email") == ["claire@ucl.example.fr", "permanence@ucl.example.fr"]
    fr = ex.as_("fr.cp")
    with transaction(ex.sessions) as s:
        act.acknowledge(s, actor=fr, message=s.get(Message, m.id), now=ex.now[0])
    ex.tick(hours=2)
    ex.run()
    assert len(ex.senders["email"].sent) == 2  # acknowledged: no desk, no secretariat, no repeat
    with ex.sessions() as s:
        a = s.scalar(select(Addressee).where(Addressee.message_id == m.id))
        assert a.escalation == "stopped" and a.acknowledged_by == "fr.cp"
        keys = s.scalars(select(Notification.key).where(Notification.message_id == m.id)).all()
        assert len(keys) == len(set(keys))


def test_escalation_climbs_the_whole_chain_and_repeats(ex: Exchange):
    """Flash: on duty at once, the deputy at 5 minutes, the agency's 24/7 desk at 10, the secretariat at 15, then
    again. Marc is made deputy here so that the desk step (Permanence 24/7) is a contact of its own, not a second
    call to the deputy."""
    from liaison.actions import rosters
    from liaison.models import Designation

    with transaction(ex.sessions) as s:
        designation = s.get_one(Designation, ex.ids["d_fr"])
        rosters.set_deputy(s, actor=ADMIN, designation=designation, contact_point_id=ex.ids["marc"])

    def chain() -> list[tuple[int, int, str, str]]:
        with ex.sessions() as s:
            rows = s.execute(
                select(Notification.round, Notification.step, Notification.target, Notification.contact_name)
                .where(Notification.message_id == m.id)
                .distinct()
                .order_by(Notification.round, Notification.step)
            ).all()
        return [tuple(r) for r in rows]

    m = _send(ex)
    on_duty = (0, 0, "on-duty", "Claire Fictive")
    deputy = (0, 1, "deputy", "Marc Exemple")
    desk = (0, 2, "desk", "Permanence 24/7")
    secretariat = (0, 3, "secretariat", "FTF Secretariat desk")
    ex.run()
    assert chain() == [on_duty]
    ex.tick(minutes=5)
    ex.run()
    assert chain() == [on_duty, deputy]
    ex.tick(minutes=4, seconds=59)
    ex.run()
    assert chain() == [on_duty, deputy]  # the desk is not due yet
    phones_before = list(ex.sent_to("phone"))
    ex.tick(seconds=1)
    ex.run()
    assert chain() == [on_duty, deputy, desk]  # 10 minutes: the agency's 24/7 desk, and only it
    assert ex.sent_to("phone")[len(phones_before) :] == ["+33140000000"]  # the desk's phone, called once
    ex.tick(minutes=5)
    ex.run()
    assert chain() == [on_duty, deputy, desk, secretariat]
    ex.tick(minutes=15)  # 30 minutes: the chain starts again (repeat, gap = last delay)
    ex.run()
    assert [r[:3] for r in chain()] == [
        (0, 0, "on-duty"),
        (0, 1, "deputy"),
        (0, 2, "desk"),
        (0, 3, "secretariat"),
        (1, 0, "on-duty"),
    ]


def test_unknown_addressee_is_refused_before_anything_is_sent(ex: Exchange):
    import pytest

    from liaison.errors import NotFound

    with pytest.raises(NotFound) as err:
        _send(ex, to=["FR", "XX"])
    assert "nothing was sent" in err.value.detail
    with ex.sessions() as s:
        assert s.scalar(select(Message.id)) is None
    assert ex.run() == 0


def test_the_policy_is_frozen_into_the_message_when_sent(ex: Exchange):
    m = _send(ex)
    secretariat = ex.as_("secretariat")
    with transaction(ex.sessions) as s:
        act.set_escalation(
            s,
            actor=secretariat,
            network=s.get(Network, ex.ids["ftf"]),
            priority="flash",
            text="on-duty@0s,secretariat@1m",
        )
    ex.run()
    ex.tick(minutes=2)
    ex.run()
    with ex.sessions() as s:
        targets = set(s.scalars(select(Notification.target).where(Notification.message_id == m.id)))
        assert targets == {"on-duty"}  # the old chain: the deputy comes at 5 minutes, not the secretariat at 1
        assert s.get(Message, m.id).policy_text.startswith("on-duty@0s,deputy@5m")
    m2 = _send(ex)
    ex.run()
    ex.tick(minutes=1)
    ex.run()
    with ex.sessions() as s:
        targets = set(s.scalars(select(Notification.target).where(Notification.message_id == m2.id)))
        assert targets == {"on-duty", "secretariat"}


def test_after_downtime_overdue_steps_fire_at_once_and_missed_rounds_are_not_sent_in_a_burst(ex: Exchange):
    m = _send(ex)  # flash: on-duty 0, deputy 5m, desk 10m, secretariat 15m, repeat every 30m
    ex.tick(minutes=70)  # the worker was down for 70 minutes: rounds 0, 1 and 2 (60-75m) were due
    ex.run()
    with ex.sessions() as s:
        rows = s.execute(
            select(Notification.round, Notification.step, Notification.status).where(Notification.message_id == m.id)
        ).all()
    assert {r for r, _st, _status in rows} == {0, 1, 2}
    fired = {(r, st) for r, st, status in rows if not (status == "skipped" and r < 2)}
    assert (2, 0) in fired and (2, 1) in fired  # round 2's due steps fire now
    superseded = {(r, st) for r, st, status in rows if status == "skipped" and r < 2}
    assert superseded == {(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (1, 3)}
    assert len(ex.sent_to("email")) == 1  # one e-mail to Claire (round 2 on duty), not nine


def test_acknowledgement_link_works_once_and_refusals_are_audited(ex: Exchange):
    import pytest

    from liaison.errors import Conflict, PermissionDenied
    from liaison.models import AuditEvent

    m = _send(ex)
    ex.run()
    url = ex.senders["email"].sent[0].payload["ack_url"]
    token = url.rsplit("/", 1)[1]
    key = ex.settings.secret_key
    result = act.acknowledge_with_token(ex.sessions, key=key, token=token, ip="203.0.113.9", now=ex.now[0])
    assert result.first and result.message_id == m.id
    with pytest.raises(Conflict):
        act.acknowledge_with_token(ex.sessions, key=key, token=token, now=ex.now[0])
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    with pytest.raises(PermissionDenied):
        act.acknowledge_with_token(ex.sessions, key=key, token=forged, now=ex.now[0])
    with pytest.raises(PermissionDenied):
        act.acknowledge_with_token(ex.sessions, key=key, token=token, now=ex.tick(hours=73))
    with ex.sessions() as s:
        refused = s.scalars(select(AuditEvent).where(AuditEvent.action == "message.acknowledge_refused")).all()
        assert sorted(e.details["why"] for e in refused) == ["expired", "forged", "replayed"]
        a = s.scalar(select(Addressee).where(Addressee.message_id == m.id))
        assert a.acknowledged_via == "link" and a.acknowledged_by == "Claire Fictive"


def test_sensitive_content_does_not_travel_in_notifications(ex: Exchange):
    from liaison.marking import Marking

    _send(ex, marking=Marking("AMBER"), body="The secret detail")
    _send(ex, marking=Marking("GREEN"), body="A shareable detail")
    ex.run()
    bodies = [o.body for o in ex.senders["email"].sent]
    assert any("A shareable detail" in b for b in bodies)
    assert not any("The secret detail" in b for b in bodies)
    # The frame says so in each contact point's language (Claire and the desk work in French first).
    with use_locale("fr"):
        withheld = gettext(
            "The content is marked TLP:%(level)s and is not sent over this channel. Read it in Liaison:", level="AMBER"
        )
    assert any(withheld in b for b in bodies)
    assert {o.language for o in ex.senders["email"].sent} == {"fr"}


def test_a_reachability_exercise_runs_when_due_and_reports_per_member(ex: Exchange):
    from datetime import timedelta

    from liaison.actions.exercises import schedule_exercise
    from liaison.models import Exercise
    from liaison.queries.exercises import report

    secretariat = ex.as_("secretariat")
    with transaction(ex.sessions) as s:
        e = schedule_exercise(
            s,
            actor=secretariat,
            network=s.get(Network, ex.ids["ftf"]),
            at=T0 + timedelta(hours=1),
            window_minutes=15,
            now=ex.now[0],
        )
    ex.run()
    with ex.sessions() as s:
        assert s.get(Exercise, e.id).status == "scheduled"
    ex.tick(hours=1)
    ex.run()
    fr = ex.as_("fr.cp")
    with transaction(ex.sessions) as s:
        m = s.scalar(select(Message).where(Message.exercise_id == e.id))
        act.acknowledge(s, actor=fr, message=m, now=ex.tick(minutes=3))
    ex.tick(minutes=20)
    ex.run()
    with ex.sessions() as s:
        r = report(s, secretariat, s.get(Exercise, e.id), now=ex.now[0])
    results = {row["member"]: row["result"] for row in r["members"]}
    assert results == {"FR": "reached", "JP": "unreachable"}
    fr_row = next(row for row in r["members"] if row["member"] == "FR")
    assert fr_row["seconds_to_acknowledge"] == 180.0 and fr_row["contacts"] == ["Claire Fictive"]
    assert r["exercise"]["reached_share"] == 0.5 and len(r["trend"]) == 1
    with ex.sessions() as s:
        targets = set(
            s.scalars(select(Notification.target).where(Notification.message_id == uuid.UUID(r["message_id"])))
        )
    assert targets == {"on-duty"}  # a reachability test never escalates: it measures the one on duty


def test_a_victim_referral_is_a_case_with_dated_steps_and_closing_stops_escalation(ex: Exchange):
    m = _send(ex, kind="victim_referral", priority="urgent")
    fr = ex.as_("fr.cp")
    with transaction(ex.sessions) as s:
        msg = s.get(Message, m.id)
        act.record_case_step(s, actor=fr, message=msg, step="victim_contacted", note="by phone", at=ex.now[0])
        act.record_case_step(s, actor=fr, message=msg, step="closed", note="support engaged; done", at=ex.now[0])
    ex.tick(hours=2)
    ex.run()
    with ex.sessions() as s:
        msg = s.get(Message, m.id)
        # The addressee closed its case, its own part: its escalation stops; the message is its sender's to close.
        assert msg.status == "open" and msg.case_step == "closed"
        assert {a.escalation for a in msg.addressees} == {"stopped"}
        assert not s.scalars(select(Notification).where(Notification.message_id == m.id, Notification.round > 0)).all()


def test_a_reply_acknowledges_and_is_at_least_as_strictly_marked(ex: Exchange):
    from liaison.marking import Marking

    m = _send(ex, marking=Marking("AMBER+STRICT"))
    fr = ex.as_("fr.cp")
    with transaction(ex.sessions) as s:
        r = act.reply(
            s, actor=fr, message=s.get(Message, m.id), body="We hold nothing.", marking=Marking("GREEN"), now=ex.now[0]
        )
        assert r.tlp == "AMBER+STRICT" and r.thread_id == m.id
        assert [a.member_code for a in r.addressees] == ["JP"]
    with ex.sessions() as s:
        a = s.scalar(select(Addressee).where(Addressee.message_id == m.id))
        assert a.acknowledged_via == "reply" and a.answered_at is not None


def test_forwarding_follows_the_marking(ex: Exchange):
    import pytest

    from liaison.errors import PermissionDenied
    from liaison.marking import Marking

    m = _send(ex, marking=Marking("AMBER", originator_control=True), to=["FR"])
    fr, jp = ex.as_("fr.cp"), ex.as_("jp.cp")
    with transaction(ex.sessions) as s, pytest.raises(PermissionDenied, match="originator control"):
        act.forward(s, actor=fr, message=s.get(Message, m.id), to_members=["JP"])
    with transaction(ex.sessions) as s:
        act.grant_forward_consent(s, actor=jp, message=s.get(Message, m.id), members=["JP"])
    with transaction(ex.sessions) as s:
        copy = act.forward(s, actor=fr, message=s.get(Message, m.id), to_members=["JP"], note="FYI")
        assert copy.forwarded_from_id == m.id and copy.tlp == "AMBER" and copy.thread_id == copy.id


def test_a_channel_that_failed_shows_as_a_readiness_warning(ex: Exchange):
    from liaison.queries.exchange import failing_channels
    from liaison.queries.readiness import readiness
    from liaison.queries.snapshot import build

    ex.senders["email"].down = True
    _send(ex)
    for _ in range(8):  # every retry of the e-mail fails: after the last one it is marked failed
        ex.run()
        ex.tick(minutes=31)
    with ex.sessions() as s:
        failing = failing_channels(s, since=T0)
        snap = build(s)
    assert len(failing) == 1 and "connection refused" in next(iter(failing.values()))
    warnings = readiness(snap, snap.networks["FTF"], ex.now[0], failing=failing)
    hits = [w for w in warnings if w.kind == "failing_channel"]
    assert [w.member for w in hits] == ["FR"] and "claire@ucl.example.fr" in hits[0].message


def test_an_expired_link_refusal_names_the_message(ex: Exchange):
    import pytest

    from liaison.errors import PermissionDenied
    from liaison.models import AuditEvent

    m = _send(ex)
    ex.run()
    token = ex.senders["email"].sent[0].payload["ack_url"].rsplit("/", 1)[1]
    with pytest.raises(PermissionDenied, match="expired"):
        act.acknowledge_with_token(ex.sessions, key=ex.settings.secret_key, token=token, now=ex.tick(hours=80))
    with ex.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "message.acknowledge_refused"))
        assert event.target_id == str(m.id) and event.actor_name == "Claire Fictive (link)"


def test_a_hanging_channel_does_not_hold_up_the_next_escalation_step(ex: Exchange):
    """An SMTP server that accepts the connection and then stalls must not delay the deputy step."""
    import threading
    import time

    release, started = threading.Event(), threading.Event()

    class Stalling:
        def send(self, item):
            started.set()
            release.wait(20)

    ex.worker.by_kind["email"] = Stalling()
    m = _send(ex)
    thread = ex.worker.start_thread()
    try:
        assert started.wait(10), "the on-duty e-mail was never attempted"
        ex.tick(minutes=5)  # the deputy is due now; the e-mail to Claire is still hanging
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with ex.sessions() as s:
                if s.scalar(
                    select(Notification.id).where(Notification.message_id == m.id, Notification.target == "deputy")
                ):
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the deputy step waited for the hanging e-mail")
        assert not release.is_set()
    finally:
        release.set()
        ex.worker.stop()
        thread.join(10)
