"""The exchange pages over HTTP, on the small world of tests/world.py: compose and send with an attachment, the inbox
with its timers and one-tap acknowledgement, the message page with its delivery history and forms, the one-click
acknowledgement link, the secretariat's dashboard (metadata only) and the reachability exercise report.

The app runs without its embedded worker; the test runs a worker of its own, on the real clock moved by an
offset, with senders that record what they send (the e-mail one can be "down", like a dead SMTP server).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.exchange.conftest import Recorder, on_duty_now
from tests.test_ui import csrf, login
from tests.world import ADMIN, PASSWORD

from liaison.actions import exchange as act
from liaison.actions import exercises as xact
from liaison.app import create_app
from liaison.db import make_engine, make_session_factory, transaction
from liaison.escalation.worker import Worker
from liaison.exchange.tokens import make_ack_token
from liaison.i18n import use_locale
from liaison.models import Addressee, AuditEvent, Exercise, Message, Network, Notification, User, utcnow
from liaison.principal import Principal
from liaison.queries.principals import principal_for_user
from liaison.queries.snapshot import DirectoryCache
from liaison.settings import Settings, load_settings
from liaison.web.ui.exchange_views import clock_text, duration, hours_text

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
LEGAL = "Art. 7 Decision 2005/671/JHA"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def persona(sessions: sessionmaker[Session], username: str) -> Principal:
    with sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        return principal_for_user(s, user, "web", "test")


@dataclass
class Ui:
    client: TestClient
    settings: Settings
    sessions: sessionmaker[Session]
    ids: dict[str, uuid.UUID]
    worker: Worker
    offset: list[timedelta]
    senders: dict[str, Recorder]

    def as_(self, username: str) -> TestClient:
        """Log in as someone else through the login form (pending read-audit rows are written first)."""
        self.client.cookies.clear()
        self.client.app.state.liaison.read_audit.flush()  # type: ignore[attr-defined]
        r = login(self.client, username, PASSWORD)
        assert r.status_code == 303, r.text
        return self.client

    def principal(self, username: str) -> Principal:
        return persona(self.sessions, username)

    def run(self) -> int:
        """Run the worker until nothing more is due at its clock."""
        total = 0
        while (n := self.worker.run_once()) > 0:
            total += n
        return total

    def send(self, sender: str = "jp.cp", *, tlp: str = "AMBER", **kw: object) -> uuid.UUID:
        with transaction(self.sessions) as s:
            m = act.send_message(
                s,
                actor=self.principal(sender),
                network=s.get_one(Network, kw.pop("network", self.ids["ftf"])),
                kind=str(kw.pop("kind", "request")),
                priority=str(kw.pop("priority", "flash")),
                subject=str(kw.pop("subject", "Suspect boarding JL 45 tonight")),
                body=str(kw.pop("body", "Passenger list attached.\nBoarding 22:40 at Haneda.")),
                legal_basis=LEGAL,
                marking=act.parse_marking(tlp, bool(kw.pop("originator_control", False))),
                to_members=kw.pop("to", ["FR"]),  # type: ignore[arg-type]
            )
            return m.id

    def audits(self, action: str) -> list[AuditEvent]:
        self.client.app.state.liaison.read_audit.flush()  # type: ignore[attr-defined]
        with self.sessions() as s:
            return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))

    def addressee(self, message_id: uuid.UUID, member: str = "FR") -> Addressee:
        with self.sessions() as s:
            a = s.scalar(select(Addressee).where(Addressee.message_id == message_id, Addressee.member_code == member))
            assert a is not None
            return a


@pytest.fixture
def ui(world_db_url: str, databases) -> Iterator[Ui]:  # type: ignore[no-untyped-def]
    world, _tokens = databases.extra["world"]
    settings = load_settings(
        database_url=world_db_url,
        env="test",
        base_url="http://testserver",
        embedded_worker=False,
        attachment_max_bytes=64 * 1024,
    )
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)
    _on_duty_now(sessions, world.ids)
    offset = [timedelta(0)]
    senders = {k: Recorder() for k in ("email", "webhook", "mobile", "phone", "inbox")}
    worker = Worker(
        settings,
        sessions,
        DirectoryCache(engine),
        name="ui-test-worker",
        by_kind=senders,  # type: ignore[arg-type]
        threads=2,
        clock=lambda: utcnow() + offset[0],
    )
    with TestClient(create_app(settings), base_url="http://testserver", follow_redirects=False) as client:
        yield Ui(client, settings, sessions, world.ids, worker, offset, senders)
    worker.pool.shutdown()
    engine.dispose()


def _on_duty_now(sessions: sessionmaker[Session], ids: dict[str, uuid.UUID]) -> None:
    """The pages run on the real clock: Claire and Hana on duty for the test, whatever the day and hour."""
    on_duty_now(
        sessions,
        ids,
        (("d_fr", "claire"), ("d_jp", "hana")),
        before=timedelta(days=40),
        after=timedelta(days=2),
        reason="test",
    )


def message_id_of(location: str) -> uuid.UUID:
    match = re.fullmatch(rf"/messages/({UUID})\?done=sent", location)
    assert match, location
    return uuid.UUID(match.group(1))


# -- formatting ------------------------------------------------------------------------------------------------------


def test_timer_texts_read_like_a_clock_and_like_hours():
    """Hours and minutes in the reader's language's units (CLDR, through Babel), a clock in every language."""
    assert clock_text(192) == "3:12" and clock_text(3725) == "1:02:05" and clock_text(-5) == "0:00"
    assert hours_text(7 * 3600) == "7 hr" and hours_text(7 * 3600 + 1200) == "7 hr 20 min"
    assert hours_text(2700) == "45 min" and hours_text(30) == "under 1 min" and hours_text(11 * 3600 + 60) == "11 hr"
    assert duration(45) == "45 sec" and duration(192) == "3 min 12 sec" and duration(7500) == "2 hr 5 min"
    assert duration(None) == ""
    with use_locale("fr"):
        assert hours_text(7 * 3600 + 1200) == "7\u202fh 20\xa0min" and duration(45) == "45\u202fs"
    with use_locale("ru"):
        assert duration(7500) == "2 ч 5 мин"


# -- compose, inbox, acknowledge ---------------------------------------------------------------------------------------


def test_jp_sends_with_an_attachment_and_fr_acknowledges_in_one_tap_from_the_inbox(ui: Ui):
    c = ui.as_("jp.cp")
    page = c.get("/messages/new")
    assert page.status_code == 200
    assert 'name="to" value="FR"' in page.text and 'value="JP"' not in page.text.split('id="member-codes"')[0]
    r = c.post(
        "/messages/new",
        data={
            "csrf_token": csrf(page.text),
            "network": "FTF",
            "kind": "request",
            "priority": "flash",
            "to": ["FR"],
            "subject": "Suspect boarding JL 45 tonight",
            "body": "Passenger list attached.\nBoarding 22:40 at Haneda.",
            "legal_basis": LEGAL,
            "tlp": "AMBER",
            "purpose": "counter-terrorism",
        },
        files=[("attachments", ("passengers.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    mid = message_id_of(r.headers["location"])
    sent = c.get(r.headers["location"]).text
    assert "Sent. Each addressee" in sent and "passengers.pdf" in sent and "TLP:AMBER" in sent
    assert "Passenger list attached.\nBoarding 22:40" in sent  # escaped, line breaks kept (pre-wrap)

    ui.run()  # the worker notifies Claire, on duty for France, and sets the deputy's timer
    c = ui.as_("fr.cp")
    inbox = c.get("/inbox")
    assert inbox.status_code == 200
    html = inbox.text
    assert "Suspect boarding JL 45 tonight" in html and "FLASH" in html and "TLP:AMBER" in html
    assert re.search(r'data-countdown="[0-9T:-]+Z" data-style="clock" data-template="escalates in {time}"', html)
    assert re.search(r">escalates in [0-9]:[0-5][0-9]<", html)
    assert re.search(r">answer due in (7 hr 5[0-9] min|8 hr)<", html)
    assert re.search(r'Inbox <span class="count nav-count">1</span>', html)  # the count in the menu
    r = c.post(
        f"/messages/{mid}/acknowledge",
        data={"csrf_token": csrf(html), "next": "/inbox?box=in&status=open"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/inbox?box=in&status=open&done=ack"
    after = c.get(r.headers["location"]).text
    assert "Acknowledged. Escalation stopped." in after
    assert f'action="/messages/{mid}/acknowledge"' not in after and "nav-count" not in after
    a = ui.addressee(mid)
    assert a.acknowledged_by == "fr.cp" and a.escalation == "stopped"

    # The attachment downloads as a file (never rendered), and the read is audited.
    message = c.get(f"/messages/{mid}").text
    link = re.search(rf'href="(/messages/{mid}/attachments/{UUID})"', message)
    assert link
    got = c.get(link.group(1))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith('attachment; filename="passengers.pdf"')
    assert got.headers["x-content-type-options"] == "nosniff"
    assert [e.actor_name for e in ui.audits("attachment.read")] == ["fr.cp"]


def test_acknowledging_needs_the_csrf_token_and_twice_is_harmless(ui: Ui):
    mid = ui.send()
    c = ui.as_("fr.cp")
    assert c.post(f"/messages/{mid}/acknowledge", data={}).status_code == 403
    token = csrf(c.get("/inbox").text)
    first = c.post(f"/messages/{mid}/acknowledge", data={"csrf_token": token}, follow_redirects=False)
    assert first.headers["location"] == f"/messages/{mid}?done=ack"
    again = c.post(f"/messages/{mid}/acknowledge", data={"csrf_token": token}, follow_redirects=False)
    assert again.headers["location"] == f"/messages/{mid}?done=already"
    assert "Already acknowledged" in c.get(again.headers["location"]).text


def test_compose_errors_keep_what_was_typed(ui: Ui):
    c = ui.as_("jp.cp")
    token = csrf(c.get("/messages/new").text)
    typed = {
        "csrf_token": token,
        "network": "FTF",
        "kind": "threat_notice",
        "priority": "urgent",
        "to_text": "FRR",
        "subject": "Threat to the <marathon> on Sunday",
        "body": "Two men seen filming the finish line.\nSecond line.",
        "legal_basis": LEGAL,
        "tlp": "AMBER+STRICT",
        "originator_control": "1",
        "releasable_to": "FR",
    }
    r = c.post("/messages/new", data=typed)
    assert r.status_code == 404
    page = r.text
    assert "Not sent." in page and "no member &#39;FRR&#39; on FTF: nothing was sent" in page
    assert "Did you mean" in page and '<strong class="code">FR</strong>' in page
    assert 'value="Threat to the &lt;marathon&gt; on Sunday"' in page
    assert ">Two men seen filming the finish line.\nSecond line.</textarea>" in page
    assert 'value="FRR"' in page and f'value="{LEGAL}"' in page and 'value="FR"' in page
    assert '<option value="threat_notice" selected>' in page and '<option value="AMBER+STRICT" selected>' in page
    assert 'name="priority" value="urgent" checked' in page and 'name="originator_control" value="1" checked' in page

    r = c.post("/messages/new", data={**typed, "to_text": "", "to": ["FR"], "legal_basis": " "})
    assert r.status_code == 422 and 'id="c-legal_basis-error"' in r.text and 'aria-invalid="true"' in r.text
    assert 'name="to" value="FR" checked' in r.text

    big = b"a" * (64 * 1024 + 1)
    r = c.post(
        "/messages/new",
        data={**typed, "to_text": "FR"},
        files=[("attachments", ("notes.txt", big, "text/plain"))],
    )
    assert r.status_code == 413 and "notes.txt: the file is over the 65.5 KB limit" in r.text
    assert "Choose your attachments again:</strong> notes.txt" in r.text and "Two men seen filming" in r.text
    r = c.post(
        "/messages/new",
        data={**typed, "to_text": "FR"},
        files=[("attachments", ("page.html", b"<html><script>x</script></html>", "text/html"))],
    )
    assert r.status_code == 422 and "page.html: type not allowed" in r.text
    with ui.sessions() as s:
        assert s.scalar(select(Message.id)) is None  # nothing was sent


# -- the message page --------------------------------------------------------------------------------------------------


def test_message_page_shows_the_delivery_history_and_audits_the_read(ui: Ui):
    mid = ui.send()
    ui.run()
    c = ui.as_("fr.cp")
    page = c.get(f"/messages/{mid}")
    assert page.status_code == 200
    html = page.text
    assert 'class="marking-banner tlp-amber"' in html and "recipient&#39;s organisation and its clients" in html
    # The history: one line per step and contact, a mark per channel, the details (addresses, reason) folded.
    line = re.search(r'<span class="h-title">Step 1 → Claire Fictive</span><span class="h-marks">(.*?)</p>', html)
    assert line, html
    assert re.search(r"Mobile <span aria-hidden=\"true\">✓</span><span class=\"visually-hidden\"> sent</span>", line[1])
    assert re.search(r"E-mail <span aria-hidden=\"true\">✓</span>", line[1]) and "(contact on duty)" in line[1]
    assert '<bdi dir="ltr" class="breakable">claire@ucl.example.fr</bdi>: sent' in html
    assert "next: deputy at" in html and "escalates in" in html
    assert f'action="/messages/{mid}/acknowledge"' in html and f'action="/messages/{mid}/answer"' in html
    assert f'href="/messages/{mid}/export"' in html
    assert f'action="/messages/{mid}/consent"' not in html  # only the originator consents
    assert f'action="/messages/{mid}/close"' not in html  # only the sender closes
    reads = ui.audits("message.read")
    assert [(e.actor_name, e.target_id) for e in reads] == [("fr.cp", str(mid))]

    ui.offset[0] = timedelta(minutes=5)  # nobody acknowledged: the deputy is notified
    ui.run()
    html = c.get(f"/messages/{mid}").text
    assert re.search(
        r"Step 2 → Permanence 24/7</span><span class=\"h-marks\">: <span [^>]+>Phone <span aria-hidden=\"true\">✓", html
    )
    assert "(deputy)</span>" in html and "<li>the deputy</li>" in html


def test_outsiders_get_404_on_the_message_page_and_its_attachments(ui: Ui):
    mid = ui.send()
    for user in ("outsider", "de.analyst"):
        c = ui.as_(user)
        r = c.get(f"/messages/{mid}")
        assert r.status_code == 404 and "Suspect boarding" not in r.text
        assert c.get(f"/messages/{mid}/export").status_code == 404
        assert c.get(f"/messages/{mid}/attachments/{uuid.uuid4()}").status_code == 404
        assert c.post(f"/messages/{mid}/acknowledge", data={"csrf_token": csrf(c.get("/").text)}).status_code == 404
    assert c.get("/messages/not-a-uuid").status_code == 404


def test_answer_reply_forward_refusal_export_and_close(ui: Ui):
    mid = ui.send(originator_control=True)
    c = ui.as_("fr.cp")
    token = csrf(c.get(f"/messages/{mid}").text)

    r = c.post(
        f"/messages/{mid}/answer", data={"csrf_token": token, "decision": "will", "answer_by": "2020-01-01T10:00"}
    )
    assert r.status_code == 422 and "must be in the future" in r.text and 'value="2020-01-01T10:00"' in r.text
    by = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(
        f"/messages/{mid}/answer", data={"csrf_token": token, "decision": "will", "answer_by": by, "note": "tomorrow"}
    )
    assert r.status_code == 303
    html = c.get(r.headers["location"]).text
    assert "Your answer to the response clock is recorded." in html and "will answer by" in html

    # AMBER with originator control: forwarding is refused with the marking rule's reason, the note kept.
    r = c.post(f"/messages/{mid}/forward", data={"csrf_token": token, "to": ["JP"], "note": "for the liaison officer"})
    assert r.status_code == 403
    assert "Not forwarded." in r.text and "the originator has not consented to onward forwarding" in r.text

    r = c.post(f"/messages/{mid}/reply", data={"csrf_token": token, "body": " "})
    assert r.status_code == 422 and "a reply needs a text" in r.text
    r = c.post(
        f"/messages/{mid}/reply",
        data={"csrf_token": token, "body": "We hold him at the gate."},
        files=[("attachments", ("photo.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=reply")
    reply = c.get(r.headers["location"]).text
    assert "Re: Suspect boarding JL 45 tonight" in reply and "Thread" in reply and "photo.pdf" in reply

    export = c.get(f"/messages/{mid}/export")
    assert export.status_code == 200 and export.headers["content-disposition"].startswith("attachment;")
    data = export.json()
    assert data["id"] == str(mid) and data["marking"]["label"] == "TLP:AMBER, originator control" and "you" not in data
    assert [e.actor_name for e in ui.audits("message.export")] == ["fr.cp"]

    c = ui.as_("jp.cp")
    html = c.get(f"/messages/{mid}").text
    assert f'action="/messages/{mid}/consent"' in html and f'action="/messages/{mid}/acknowledge"' not in html
    token = csrf(html)
    r = c.post(f"/messages/{mid}/consent", data={"csrf_token": token, "members": "fr"})
    assert r.status_code == 303
    assert "Consent to forwarding recorded." in c.get(r.headers["location"]).text
    r = c.post(f"/messages/{mid}/close", data={"csrf_token": token, "outcome": "Held at the gate, handed over."})
    assert r.status_code == 303
    html = c.get(r.headers["location"]).text
    assert "Closed. Escalation stopped" in html and "Held at the gate, handed over." in html
    assert f'action="/messages/{mid}/close"' not in html


def test_an_empty_file_input_is_no_attachment(ui: Ui):
    """A browser sends a nameless, empty part for a file input left empty."""
    mid = ui.send()
    c = ui.as_("fr.cp")
    r = c.post(
        f"/messages/{mid}/reply",
        data={"csrf_token": csrf(c.get(f"/messages/{mid}").text), "body": "Received, on it."},
        files=[("attachments", ("", b"", "application/octet-stream"))],
    )
    assert r.status_code == 303, r.text
    reply = c.get(r.headers["location"]).text
    assert "Received, on it." in reply and 'id="attachments"' not in reply


def test_victim_referral_case_steps(ui: Ui):
    mid = ui.send(kind="victim_referral", priority="urgent", subject="Injured national in Lyon")
    c = ui.as_("fr.cp")
    html = c.get(f"/messages/{mid}").text
    assert "Case steps" in html and f'action="/messages/{mid}/steps"' in html and "<strong>Received</strong>" in html
    r = c.post(
        f"/messages/{mid}/steps",
        data={"csrf_token": csrf(html), "step": "victim_contacted", "note": "By phone, in Japanese"},
    )
    assert r.status_code == 303
    html = c.get(r.headers["location"]).text
    assert (
        "Case step recorded." in html
        and "<strong>Victim contacted</strong>" in html
        and "By phone, in Japanese" in html
    )


# -- the acknowledgement link ------------------------------------------------------------------------------------------


def _link(ui: Ui, mid: uuid.UUID) -> str:
    with ui.sessions() as s:
        n = s.scalar(select(Notification).where(Notification.message_id == mid, Notification.channel_kind == "email"))
        assert n is not None
        return make_ack_token(ui.settings.secret_key, n.id, n.due_at + timedelta(hours=72))


def test_ack_link_asks_first_acknowledges_on_post_and_refuses_a_replay(ui: Ui):
    mid = ui.send()
    ui.run()
    token = _link(ui, mid)
    c = ui.client
    c.cookies.clear()
    page = c.get(f"/ack/{token}")
    assert page.status_code == 200
    asked = 'Acknowledge this Request for information (Flash) from <bdi dir="auto">Japan</bdi> on FTF (Foreign'
    assert asked in page.text
    assert "Suspect boarding" not in page.text and "content is marked TLP:AMBER" in page.text  # not logged in
    assert f'<form method="post" action="/ack/{token}">' in page.text
    assert ui.addressee(mid).acknowledged_at is None  # a GET (a mail scanner) acknowledges nothing

    done = c.post(f"/ack/{token}")
    assert done.status_code == 200 and "Acknowledged. Escalation stopped." in done.text
    a = ui.addressee(mid)
    assert a.acknowledged_via == "link" and a.acknowledged_by == "Claire Fictive" and a.escalation == "stopped"

    replay = c.post(f"/ack/{token}")
    assert replay.status_code == 409 and "already used" in replay.text
    assert c.get(f"/ack/{token}").status_code == 409
    assert [e.details["why"] for e in ui.audits("message.acknowledge_refused")] == ["replayed"]


def test_a_forged_link_reveals_nothing_and_green_content_shows_on_the_link_page(ui: Ui):
    mid = ui.send()
    ui.run()
    token = _link(ui, mid)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    c = ui.client
    c.cookies.clear()
    page = c.get(f"/ack/{forged}")
    assert page.status_code == 404 and "not valid" in page.text
    for secret in ("Japan", "FTF", "flash", "request", "Suspect"):
        assert secret not in page.text
    assert c.post(f"/ack/{forged}").status_code == 403
    assert c.get("/ack/garbage").status_code == 404
    assert ui.addressee(mid).acknowledged_at is None
    expired = make_ack_token(ui.settings.secret_key, uuid.uuid4(), datetime(2020, 1, 1, tzinfo=UTC))
    assert "expired" in c.get(f"/ack/{expired}").text

    green = ui.send(tlp="GREEN", subject="Reachability of the FTF desks", body="Please call back.")
    ui.run()
    page = c.get(f"/ack/{_link(ui, green)}")
    assert page.status_code == 200 and "Reachability of the FTF desks" in page.text and "Please call back." in page.text
    assert any(e.details.get("via") == "ack link page" for e in ui.audits("message.read"))


# -- the secretariat: dashboard and exercises ------------------------------------------------------------------------


def test_dashboard_shows_the_failed_delivery_and_never_the_subject(ui: Ui):
    ui.senders["email"].down = True  # the SMTP server is down
    ui.send(subject="Suspect boarding JL 45 tonight", body="Boarding 22:40 at Haneda.")
    ui.run()
    c = ui.as_("secretariat")
    nav = c.get("/dashboard", follow_redirects=False)
    assert nav.status_code == 303 and nav.headers["location"] == "/networks/FTF/dashboard"
    page = c.get("/networks/FTF/dashboard")
    assert page.status_code == 200
    html = page.text
    assert "Failed deliveries" in html and "Claire Fictive</strong> by email" in html and "connection refused" in html
    assert "retrying" in html
    assert "Escalations in progress" in html and "next: deputy at" in html
    assert "Suspect boarding" not in html and "Haneda" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar" role="img"' in html
    assert ui.as_("fr.cp").get("/networks/FTF/dashboard").status_code == 403
    assert ui.as_("outsider").get("/networks/FTF/dashboard").status_code == 404


def _past_exercise(ui: Ui, days_ago: int) -> None:
    """An exercise that ran earlier, in which nobody acknowledged."""
    then = utcnow() - timedelta(days=days_ago)
    with transaction(ui.sessions) as s:
        ex = xact.schedule_exercise(s, actor=ADMIN, network=s.get_one(Network, ui.ids["ftf"]), at=then, now=then)
        xact.start_exercise(s, exercise=ex, now=then)


def test_exercise_is_scheduled_started_partly_acknowledged_and_reported_with_its_trend(ui: Ui):
    _past_exercise(ui, days_ago=30)
    c = ui.as_("secretariat")
    page = c.get("/networks/FTF/exercises")
    assert page.status_code == 200 and "Schedule an exercise" in page.text
    r = c.post(
        "/networks/FTF/exercises",
        data={"csrf_token": csrf(page.text), "at": utcnow().isoformat(), "tz": "UTC", "window_minutes": "30"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    report_url = r.headers["location"].split("?")[0]
    assert "Cancel this exercise" in c.get(r.headers["location"]).text
    ui.run()  # the worker starts it: every member's contact on duty is sent a reachability test
    with ui.sessions() as s:
        ex = s.scalar(select(Exercise).where(Exercise.status == "running").order_by(Exercise.scheduled_at.desc()))
        assert ex is not None and str(ex.id) in report_url
        test_id = s.scalar(select(Message.id).where(Message.exercise_id == ex.id))

    f = ui.as_("fr.cp")
    inbox = f.get("/inbox").text
    assert "Reachability test" in inbox
    f.post(f"/messages/{test_id}/acknowledge", data={"csrf_token": csrf(inbox), "next": "/inbox"})
    # Acknowledged, the test is over for France: it leaves the open inbox for the closed one (Japan has still to
    # acknowledge, so the message itself stays open until it does).
    assert f'href="/messages/{test_id}"' not in f.get("/inbox").text
    assert f'href="/messages/{test_id}"' in f.get("/inbox?status=closed").text
    with ui.sessions() as s:
        assert s.get_one(Message, test_id).status == "open"

    c = ui.as_("secretariat")
    report = c.get(report_url)
    assert report.status_code == 200
    html = report.text
    assert re.search(r">window closes in (29|30):[0-5][0-9]<", html)  # counted down by exchange.js
    assert "Cancel this exercise" not in html and "Reached in time" in html and "1 of 2" in html
    # The report opens with its summary table, then the trend, then the members.
    assert html.index('class="data summary-table') < html.index('id="trend"') < html.index('id="members"')
    assert re.search(r"<strong>1 of 2</strong> \(50%\)", html)
    row = (
        r'<th scope="row"><span class="code" dir="ltr">{}</span> <strong><bdi dir="auto">[^<]+</bdi></strong></th>'
        r'\s*<td data-label="Result"><span class="badge {}">{}</span>'
    )
    assert re.search(row.format("FR", "ok", "Reached"), html) and re.search(row.format("JP", "info", "Waiting"), html)
    assert "Claire Fictive" in html and "Hana Kasou" in html
    charts = re.findall(r'<svg [^>]*class="chart chart-line" role="img".*?</svg>', html, flags=re.S)
    assert len(charts) == 2
    share, median = charts
    assert share.count("<circle") == 2  # the earlier exercise (0 %) and this one (50 %)
    assert median.count("<circle") == 1  # nobody acknowledged the earlier one: no median there
    assert "Reached within the window (%), " in share and ": 50</title>" in share and ": 0</title>" in share

    listing = c.get("/networks/FTF/exercises").text
    assert listing.count('class="chart chart-line" role="img"') == 2 and "<td>1 of 2</td>" in listing


def test_a_scheduled_exercise_can_be_cancelled_and_bad_input_is_shown(ui: Ui):
    c = ui.as_("secretariat")
    token = csrf(c.get("/networks/FTF/exercises").text)
    r = c.post("/networks/FTF/exercises", data={"csrf_token": token, "at": "2020-01-01T10:00", "tz": "UTC"})
    assert r.status_code == 422 and "cannot be scheduled in the past" in r.text and 'value="2020-01-01T10:00"' in r.text
    later = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(
        "/networks/FTF/exercises",
        data={"csrf_token": token, "at": later, "tz": "Europe/Paris", "window_minutes": "15", "note": "Quarterly"},
        follow_redirects=False,
    )
    ident = r.headers["location"].split("/")[2].split("?")[0]
    r = c.post(f"/exercises/{ident}/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert r.headers["location"] == "/networks/FTF/exercises?saved=cancelled"
    assert "cancelled" in c.get(r.headers["location"]).text
    assert ui.as_("jp.cp").get(f"/exercises/{ident}").status_code == 404
