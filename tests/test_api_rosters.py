"""Rosters over the API: overrides that win predictably, the iCalendar export agreeing with the answer,
readiness warnings, membership requests, and channel verification."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from liaison.channels.registry import LogSender
from liaison.models import AuditEvent, utcnow


def _override(client, contact, start, end, reason):
    return client.post(
        "/api/v1/networks/FTF/members/FR/overrides",
        json={"contact_point_id": str(contact), "start": start, "end": end, "reason": reason},
    )


def test_overlapping_overrides_the_later_wins_then_the_earlier_resumes(api):
    sec = api.as_("secretariat")
    ids = api.world.ids
    r1 = _override(sec, ids["marc"], "2026-11-24T00:00:00+01:00", "2026-11-27T00:00:00+01:00", "Claire ill")
    r2 = _override(sec, ids["fr_desk"], "2026-11-25T00:00:00+01:00", "2026-11-26T00:00:00+01:00", "Marc on leave")
    assert r1.status_code == r2.status_code == 201
    assert r2.json()["seq"] > r1.json()["seq"]

    def who(at):
        return api.as_("jp.cp").get("/api/v1/networks/FTF/on-duty/FR", params={"at": at}).json()

    d = who("2026-11-25T12:00:00Z")
    assert d["contact"]["name"] == "Permanence 24/7"
    assert d["shift"]["source"] == "override" and d["shift"]["reason"] == "Marc on leave"
    assert who("2026-11-26T12:00:00Z")["contact"]["name"] == "Marc Exemple"
    assert who("2026-11-27T12:00:00Z")["contact"]["name"] == "Claire Fictive"


def test_override_validation(api):
    sec = api.as_("secretariat")
    r = _override(sec, api.world.ids["marc"], "2026-11-24T00:00:00+01:00", "2026-11-23T00:00:00+01:00", "")
    assert r.status_code == 422 and r.json()["field"] == "end"
    r = _override(sec, api.world.ids["hana"], "2026-11-24T00:00:00+01:00", "2026-11-25T00:00:00+01:00", "")
    assert r.status_code == 422 and r.json()["field"] == "contact_point_id"  # not an agent of the French agency
    r = _override(api.as_("jp.cp"), api.world.ids["marc"], "2026-11-24T00:00:00+01:00", "2026-11-25T00:00:00+01:00", "")
    assert r.status_code == 403


def test_ical_export_agrees_with_the_duty_answer(api):
    client = api.as_("jp.cp")
    _override(api.as_("secretariat"), api.world.ids["fr_desk"], "2026-12-01T10:00:00Z", "2026-12-01T22:00:00Z", "x")
    start = datetime(2026, 11, 23, tzinfo=UTC)
    for member in ("FR", "JP"):
        r = client.get(
            f"/api/v1/networks/FTF/members/{member}/roster.ics", params={"start": start.isoformat(), "days": 30}
        )
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
        events = [
            (e.decoded("dtstart"), e.decoded("dtend"), str(e.get("summary")))
            for e in Calendar.from_ical(r.content).walk("VEVENT")
        ]
        assert events
        for hours in range(0, 30 * 24, 5):
            at = start + timedelta(hours=hours, minutes=17)
            answer = client.get(f"/api/v1/networks/FTF/on-duty/{member}", params={"at": at.isoformat()}).json()
            in_cal = [s for a, b, s in events if a <= at < b]
            assert in_cal == ([answer["contact"]["name"]] if answer["contact"] else []), at


def test_readiness_warns_of_gaps_and_unconfirmed_rosters(api):
    sec = api.as_("secretariat")
    kinds = {(w["member"], w["kind"]) for w in sec.get("/api/v1/networks/FTF/readiness").json()}
    assert ("JP", "gap") in kinds
    assert ("FR", "stale_roster") in kinds
    assert ("FR", "unverified_channel") in kinds
    assert sec.post("/api/v1/networks/FTF/members/FR/roster/confirm").status_code == 200
    kinds = {(w["member"], w["kind"]) for w in sec.get("/api/v1/networks/FTF/readiness").json()}
    assert ("FR", "stale_roster") not in kinds


def test_membership_request_approved_by_the_secretariat(api):
    outsider, sec = api.as_("outsider"), api.as_("secretariat")
    r = outsider.post(
        "/api/v1/networks/FTF/membership-requests", json={"member_code": "CH", "message": "Switzerland asks to join"}
    )
    assert r.status_code == 201, r.text
    assert outsider.post("/api/v1/networks/FTF/membership-requests", json={"member_code": "CH"}).status_code == 409
    assert outsider.get("/api/v1/networks/FTF/membership-requests").status_code == 404  # cannot even see FTF
    pending = sec.get("/api/v1/networks/FTF/membership-requests", params={"status": "pending"}).json()
    assert [p["member_code"] for p in pending] == ["CH"]
    assert (
        api.as_("fr.cp")
        .post(f"/api/v1/membership-requests/{pending[0]['id']}/decision", json={"approve": True})
        .status_code
        == 404  # requests are the secretariat's (and their requester's) to see: to others, unknown
    )
    r = sec.post(f"/api/v1/membership-requests/{pending[0]['id']}/decision", json={"approve": True, "note": "ok"})
    assert r.json()["status"] == "approved"
    assert "CH" in [m["code"] for m in sec.get("/api/v1/networks/FTF").json()["members"]]
    r = sec.post(f"/api/v1/membership-requests/{pending[0]['id']}/decision", json={"approve": False})
    assert r.status_code == 409


def test_channel_verification_is_single_use_and_refusals_are_audited(api):
    fr = api.as_("fr.cp")
    cp = fr.get(f"/api/v1/contact-points/{api.world.ids['claire']}").json()
    channel = next(c for c in cp["channels"] if c["kind"] == "mobile")
    assert channel["verified_at"] is None
    LogSender.outbox.clear()
    r = fr.post(f"/api/v1/channels/{channel['id']}/verification")
    assert r.status_code == 202 and r.json()["sent_via"] == "LogSender"
    (msg,) = LogSender.outbox
    assert msg.to == "+33612345678"
    code = msg.body.split("/verify/")[1].split()[0]
    ok = api.client.post("/api/v1/channel-verifications", json={"code": code})
    assert ok.status_code == 200 and ok.json()["verified_at"]
    replay = api.client.post("/api/v1/channel-verifications", json={"code": code})
    assert replay.status_code == 404
    forged = api.client.post("/api/v1/channel-verifications", json={"code": "forged"})
    assert forged.status_code == 404
    with api.sessions() as s:
        refused = s.scalars(select(AuditEvent).where(AuditEvent.action == "channel.verification_refused")).all()
    assert len(refused) == 2
    cp = fr.get(f"/api/v1/contact-points/{api.world.ids['claire']}").json()
    verified = next(c for c in cp["channels"] if c["kind"] == "mobile")["verified_at"]
    assert datetime.fromisoformat(verified) > utcnow() - timedelta(minutes=1)


def test_rotation_errors_name_the_field(api):
    sec = api.as_("secretariat")
    base = {
        "participants": [str(api.world.ids["claire"])],
        "timezone": "Europe/Paris",
        "start": "2026-12-01",
        "handoff": "08:00",
    }
    url = "/api/v1/networks/FTF/members/FR/rotations"
    for extra, field in (
        ({"end": "2026-11-01"}, "end"),
        ({"window_start": "08:00", "window_end": "08:00"}, "window_start"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"weekdays": [7]}, "weekdays"),
    ):
        r = sec.post(url, json={**base, **extra})
        assert r.status_code == 422, (extra, r.text)
        assert r.json()["field"] == field, r.json()
    assert sec.post(url, json={**base, "participants": [str(api.world.ids["hana"])]}).json()["field"] == "participants"
    assert sec.post(url, json=base).status_code == 201


# The clock changes of 2027 where the roster's zone changes offset, with a daily handoff set inside the skipped
# or repeated hour, and the instant that handoff must fall on, worked out by hand from the rule of
# liaison.rosters.localtime: a nonexistent wall time is the instant the clock jumps over it, an ambiguous one its
# first occurrence. Australia's changes are in April (back) and October (forward); the US falls back in November.
DST_CHANGES = [
    # zone, UTC instant of the change, daily handoff (local), where that handoff falls on the day of the change
    ("Europe/Paris", datetime(2027, 3, 28, 1, 0, tzinfo=UTC), "02:30", datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),
    ("Europe/Paris", datetime(2027, 10, 31, 1, 0, tzinfo=UTC), "02:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ("America/New_York", datetime(2027, 3, 14, 7, 0, tzinfo=UTC), "02:30", datetime(2027, 3, 14, 7, 0, tzinfo=UTC)),
    ("America/New_York", datetime(2027, 11, 7, 6, 0, tzinfo=UTC), "01:30", datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
    ("Australia/Sydney", datetime(2027, 4, 3, 16, 0, tzinfo=UTC), "02:30", datetime(2027, 4, 3, 15, 30, tzinfo=UTC)),
    ("Australia/Sydney", datetime(2027, 10, 2, 16, 0, tzinfo=UTC), "02:30", datetime(2027, 10, 2, 16, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(
    ("zone", "change", "handoff", "handoff_at"),
    DST_CHANGES,
    ids=[f"{z.split('/')[1]}-{c:%b}" for z, c, _h, _a in DST_CHANGES],
)
def test_ical_export_agrees_with_the_duty_answer_across_a_clock_change(api, zone, change, handoff, handoff_at):
    """France's roster replaced by rotations in ``zone`` whose handoffs fall on the clock change: a daily one
    handing off inside the skipped or repeated hour, and a Sunday-night layer starting at 04:00 local (the
    changes all fall on a Sunday), plus an override a few hours later. Every event of the calendar, and every
    instant of three days around the change, agrees with the duty answer; the handoffs fall where the rule says."""
    sec, client, ids = api.as_("secretariat"), api.as_("jp.cp"), api.world.ids
    url = "/api/v1/networks/FTF/members/FR"
    for rotation in sec.get(f"{url}/roster").json()["rotations"]:
        assert sec.delete(f"/api/v1/rotations/{rotation['id']}").status_code == 204
    local_day = change.astimezone(ZoneInfo(zone)).date()
    assert local_day.weekday() == 6
    people = [str(ids["claire"]), str(ids["marc"]), str(ids["fr_desk"])]
    daily = {"participants": people, "timezone": zone, "period": "daily", "handoff": handoff}
    night = {"participants": people[1::-1], "timezone": zone, "period": "weekly", "handoff": "04:00", "layer": 1}
    night |= {"window_start": "04:00", "window_end": "05:30", "weekdays": [6]}
    for body in (daily, night):
        r = sec.post(f"{url}/rotations", json={**body, "start": (local_day - timedelta(days=10)).isoformat()})
        assert r.status_code == 201, r.text
    after, later = (change + timedelta(hours=5)).isoformat(), (change + timedelta(hours=7)).isoformat()
    r = _override(sec, ids["fr_desk"], after, later, "an override in the new offset")
    assert r.status_code == 201, r.text

    start = change - timedelta(hours=36)
    r = client.get(f"{url}/roster.ics", params={"start": start.isoformat(), "days": 3})
    assert r.status_code == 200, r.text
    events = sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e.get("summary")))
        for e in Calendar.from_ical(r.content).walk("VEVENT")
    )
    assert len(events) >= 6
    assert all(a < b for a, b, _ in events) and all(
        b <= c for (_, b, _), (c, _, _) in zip(events, events[1:], strict=False)
    )
    starts = {a for a, _b, _s in events}
    assert handoff_at in starts, f"no shift starts at {handoff_at} (the handoff on the day of the change)"
    night_start = datetime.combine(local_day, time(4, 0), ZoneInfo(zone)).astimezone(UTC)
    assert night_start in starts and timedelta(hours=1) <= night_start - change <= timedelta(hours=3)

    def answer(at: datetime) -> list[str]:
        r = client.get("/api/v1/networks/FTF/on-duty/FR", params={"at": at.isoformat()})
        assert r.status_code == 200, r.text
        return [r.json()["contact"]["name"]] if r.json()["contact"] else []

    second = timedelta(seconds=1)
    for a, b, summary in events:  # each event, at its first and last second and in the middle
        for at in (max(a, start), a + (b - a) / 2, b - second):
            if start <= at < start + timedelta(days=3):
                assert answer(at) == [summary], (at, a, b)
    around = [change + k * second for k in (-61, -1, 0, 1, 61)] + [handoff_at - second, handoff_at]
    grid = [start + timedelta(minutes=m) for m in range(7, 3 * 24 * 60, 25)]
    for at in around + grid:
        assert answer(at) == [s for a, b, s in events if a <= at < b], at
