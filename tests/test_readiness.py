"""Readiness agrees with the exercise report: the channels an exercise calls stale or never verified are readiness
warnings, by one shared rule (liaison.channels.freshness), and the secretariat's own desk is checked too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from liaison.channels.freshness import NEVER_VERIFIED, STALE, staleness
from liaison.models import Exercise
from liaison.queries import snapshot
from liaison.queries.exercises import report
from liaison.queries.readiness import readiness
from tests.conftest import DEMO_NOW, OPERATOR, Db

T = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_shared_rule() -> None:
    assert staleness(None, T).kind == NEVER_VERIFIED  # type: ignore[union-attr]
    assert staleness(None, T).problem() == "never verified"  # type: ignore[union-attr]
    assert staleness(T - timedelta(days=180), T) is None  # the boundary is still fresh
    old = staleness(T - timedelta(days=181), T)
    assert old is not None and old.kind == STALE and old.problem() == "last verified 2026-05-26"
    assert staleness(T - timedelta(days=31), T, stale_days=30) is not None


def test_readiness_lists_every_channel_the_exercise_report_calls_stale(demo: Db) -> None:
    with demo.sessions() as session:
        snap = snapshot.build(session)
        exercises = session.scalars(select(Exercise).order_by(Exercise.scheduled_at)).all()
        compared = 0
        for network_code in sorted({e.network.code for e in exercises}):
            latest = [e for e in exercises if e.network.code == network_code][-1]
            data = report(session, OPERATOR, latest, now=DEMO_NOW)
            in_report = {
                (p["channel"], p["address"])
                for m in data["members"]
                for p in m["problems"]
                if p["problem"] == "never verified" or p["problem"].startswith("last verified")
            }
            warnings = readiness(snap, snap.networks[network_code], DEMO_NOW)
            in_readiness = {(c.kind, c.value) for w in warnings for c in w.channels}
            assert in_report, network_code  # the demo leaves some channels unverified on purpose
            assert in_report <= in_readiness, sorted(in_report - in_readiness)
            compared += len(in_report)
        assert compared >= 16  # the issue counted 16 on FTF's report alone


def test_the_secretariats_own_desk_is_warned_about_once_per_network(demo: Db) -> None:
    with demo.sessions() as session:
        snap = snapshot.build(session)
    for network in snap.networks.values():
        desks = snap.desks[network.secretariat_id]  # type: ignore[index]
        warnings = readiness(snap, network, DEMO_NOW)
        about_desk = [w for w in warnings if w.contact_id in {d.id for d in desks}]
        assert len(about_desk) == len(desks) == 1, network.code
        (w,) = about_desk
        assert w.member == "" and w.kind == "unverified_channel" and w.severity == "warning"
        assert {c.kind for c in w.channels} == {"phone", "email", "inbox"}
        assert "secretariat's own desk" in w.message and "last resort" in w.message
        assert w.to_json()["channels"][0]["problem"] == "never_verified"


def test_a_warning_is_told_in_the_readers_language_and_zone(demo: Db) -> None:
    with demo.sessions() as session:
        snap = snapshot.build(session)
    gap = next(w for w in readiness(snap, snap.networks["FTF"], DEMO_NOW) if w.kind == "gap")
    assert "UTC" in gap.message and "Nobody on duty" in gap.message
    marked = gap.describe(time=lambda dt: f"<{dt:%H:%M}>")
    assert "<" in marked and "UTC" not in marked
    assert gap.label == "Nobody on duty"
