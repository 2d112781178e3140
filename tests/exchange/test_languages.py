"""The language of the people a message reaches (issue 12, item 3) and the exchange's denser pages (item 5).

- Each contact point is notified in a language it works in: the first of its working languages that Liaison
  speaks, else the node's default; only Liaison's frame is translated (the sender's subject and text travel as
  written), and times are in the contact point's own zone with UTC beside them. E-mail goes through a real SMTP
  server on loopback (aiosmtpd), webhooks to a real HTTPS server; the language shows as the e-mail's
  ``Content-Language`` and the webhook's ``lang``, and in the dates, which Babel writes in that language.
- The compose page shows each member's working languages and refuses, until confirmed, a text in a language
  none of an addressee's contact points works in.
- The inbox lists what waits for an acknowledgement first, then the newest; a reachability test closes itself
  once every addressee has acknowledged it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

from sqlalchemy import select
from tests.exchange.conftest import T0, Exchange
from tests.exchange.test_delivery import Receiver, add_channel, hook_url, https, use_webhooks  # noqa: F401
from tests.exchange.test_ui_exchange import LEGAL, Ui, ui  # noqa: F401
from tests.test_ui import csrf
from tests.world import ADMIN

from liaison.actions import directory, rosters
from liaison.actions import exchange as act
from liaison.actions import exercises as xact
from liaison.channels.registry import SmtpSender
from liaison.db import transaction
from liaison.escalation import parse_policy
from liaison.exchange.languages import alpha2, notice_language, ordered, understood
from liaison.exchange.tokens import make_ack_token
from liaison.exchange.wording import policy_words
from liaison.models import Addressee, AuditEvent, ContactPoint, Designation, Message, Network, Notification, utcnow

CLAIRE = "claire@ucl.example.fr"
HANA = "hana@npa.example.jp"


# -- choosing the language ------------------------------------------------------------------------------------------


def test_the_notice_language_is_the_first_working_language_liaison_speaks_else_the_node_default():
    assert notice_language(["fr", "en"], "en") == "fr"
    assert notice_language(["ja", "en"], "fr") == "en"  # Japanese is not spoken: the next one is
    assert notice_language(["jpn", "fra"], "en") == "fr"  # three-letter codes count as their two-letter ones
    assert notice_language(["ja"], "es") == "es" and notice_language([], "ar") == "ar"
    assert notice_language(["ja"], "xx") == "en"  # a node default we do not speak falls back to English
    assert alpha2("fre") == "fr" and alpha2("deu") == "de" and alpha2("pt-BR") == "pt" and alpha2("fil") == "fil"
    assert ordered(["fra", "fr", "en", "eng"]) == ("fr", "en")
    assert understood("fr", ["fra", "en"]) and not understood("de", ["fr", "en"])
    assert understood("", ["fr"]) and understood("de", [])  # nothing to compare: no warning


def test_an_escalation_policy_reads_in_plain_words():
    policy = parse_policy("on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat").to_json()
    assert policy_words(policy) == (
        "contact on duty at once, deputy after 5 min, agency's 24/7 desk after 10 min, and secretariat's desk "
        "after 15 min; then again every 30 min until acknowledged"
    )
    assert policy_words(parse_policy("on-duty@0s,deputy@1h30m,repeat@1h:3").to_json()) == (
        "contact on duty at once and deputy after 1 hr 30 min; then again every 2 hr 30 min, 3 rounds in all"
    )
    assert policy_words(parse_policy("on-duty@0s").to_json()) == "contact on duty at once"


# -- notifications in the contact point's language --------------------------------------------------------------------


def _send(ex: Exchange, sender: str, to: str, tlp: str = "GREEN") -> Message:
    with transaction(ex.sessions) as s:
        return act.send_message(
            s,
            actor=ex.as_(sender),
            network=s.get_one(Network, ex.ids["ftf"]),
            kind="request",
            priority="flash",
            subject="Voyage d’un suspect · «JL 45»",
            body="Vol JL 45 ce soir.\nArrivée CDG 05:10.",
            legal_basis=LEGAL,
            marking=act.parse_marking(tlp),
            to_members=[to],
            now=ex.now[0],
            language="fr",
        )


def _hana_on_duty(ex: Exchange) -> None:
    """At T0 (19:00 in Tokyo) Japan's roster has a gap: Hana covers it by an override."""
    with transaction(ex.sessions) as s:
        rosters.add_override(
            s,
            actor=ADMIN,
            designation=s.get_one(Designation, ex.ids["d_jp"]),
            contact_point_id=ex.ids["hana"],
            start=T0 - timedelta(hours=1),
            end=T0 + timedelta(hours=2),
            reason="test",
        )


def test_a_french_contact_point_gets_its_notification_in_french_with_its_local_time(ex: Exchange, smtp):
    controller, inbox = smtp
    ex.worker.by_kind["email"] = SmtpSender(f"smtp://127.0.0.1:{controller.port}", "liaison@liaison.test", timeout=5)
    m = _send(ex, "jp.cp", "FR")
    ex.run()

    (mail,) = inbox.messages  # Claire (French, English) is on duty for France
    assert mail["To"] == CLAIRE and mail["Content-Language"] == "fr"
    body = mail.get_payload(decode=True).decode()
    # Babel writes the dates in French, in Paris time, with UTC beside them.
    assert "mer. 25 nov. 2026 11:00 (10:00 UTC)" in body  # sent
    assert "sam. 28 nov. 2026 11:00 (10:00 UTC)" in body  # the link expires (72 hours)
    # The sender's subject and text travel untouched (TLP:GREEN may travel by e-mail).
    assert "Voyage d’un suspect · «JL 45»" in str(make_header(decode_header(mail["Subject"])))
    assert "Vol JL 45 ce soir.\r\nArrivée CDG 05:10." in body  # SMTP lines end in CRLF
    (sms,) = ex.senders["mobile"].sent
    assert sms.language == "fr" and "/ack/" in sms.body  # her mobile too
    with ex.sessions() as s:
        assert s.get_one(Message, m.id).language == "fr"


def test_a_contact_point_whose_languages_liaison_does_not_speak_gets_english_then_the_node_default(ex: Exchange, smtp):
    controller, inbox = smtp
    ex.worker.by_kind["email"] = SmtpSender(f"smtp://127.0.0.1:{controller.port}", "liaison@liaison.test", timeout=5)
    _hana_on_duty(ex)
    add_channel(ex, "hana", "email", HANA)
    _send(ex, "fr.cp", "JP")
    ex.run()
    (mail,) = inbox.messages  # Hana works in Japanese and English: English, in Tokyo time
    assert mail["To"] == HANA and mail["Content-Language"] == "en"
    body = mail.get_payload(decode=True).decode()
    assert "Sent Wed, Nov 25, 2026, 19:00 (10:00 UTC)." in body and "You are notified as contact on duty." in body

    with transaction(ex.sessions) as s:  # Japanese only, on a node whose default is Spanish
        hana = s.get_one(ContactPoint, ex.ids["hana"])
        directory.update_contact_point(s, actor=ADMIN, contact_point=hana, changes={"languages": ["ja"]})
    ex.worker.settings = ex.settings.model_copy(update={"default_language": "es"})
    _send(ex, "fr.cp", "JP")
    ex.run()
    spanish = inbox.messages[-1]
    assert spanish["Content-Language"] == "es"
    assert "mié, 25 nov 2026, 19:00 (10:00 UTC)" in spanish.get_payload(decode=True).decode()


def test_the_webhook_says_its_language_and_keeps_its_machine_fields(ex: Exchange, https: Receiver):  # noqa: F811
    use_webhooks(ex)
    add_channel(ex, "claire", "webhook", hook_url(https))
    m = _send(ex, "jp.cp", "FR")
    ex.run()
    (hook,) = https.received
    payload = json.loads(hook.body)
    assert payload["lang"] == "fr"
    # Machine fields are codes, in every language; the human ones carry Liaison's frame in French.
    assert [payload[k] for k in ("type", "kind", "priority", "tlp", "target")] == [
        "message.notification",
        "request",
        "flash",
        "GREEN",
        "on-duty",
    ]
    assert payload["message_id"] == str(m.id) and payload["subject"] == "Voyage d’un suspect · «JL 45»"
    assert "mer. 25 nov. 2026 11:00 (10:00 UTC)" in payload["text"] and "Vol JL 45 ce soir." in payload["text"]
    assert payload["title"].endswith("Voyage d’un suspect · «JL 45»")


# -- composing: the addressees' languages --------------------------------------------------------------------------


def test_compose_shows_working_languages_and_asks_before_sending_in_a_language_nobody_reads(ui: Ui):  # noqa: F811
    c = ui.as_("jp.cp")
    page = c.get("/messages/new")
    html = page.text
    # France's contact on duty (Claire) and its deputy desk work in French and English.
    assert 'data-languages="fr en" name="to" value="FR"' in html
    assert '<span class="working-languages muted">French and English</span>' in html
    assert '<option value="en" selected>English</option>' in html  # the page's language by default
    assert '<link rel="stylesheet" href="/static/exchange.css">' in html and "/static/exchange.js" in html
    typed = {
        "csrf_token": csrf(html),
        "network": "FTF",
        "kind": "request",
        "priority": "urgent",
        "to": ["FR"],
        "subject": "Anfrage",
        "body": "Bitte prüfen Sie die Passagierliste.",
        "legal_basis": LEGAL,
        "tlp": "AMBER",
        "language": "de",
    }
    r = c.post("/messages/new", data=typed)
    assert r.status_code == 409  # nothing sent: a second look first
    warning = r.text.split('id="c-language-warning"')[1].split("</div>")[0]
    assert "Not every addressee works in this language." in warning and " hidden" not in warning[:20]
    assert '<li data-member="FR"><span class="code" dir="ltr">FR</span>' in warning
    assert (
        '<option value="de" selected>German</option>' in r.text and ">Bitte prüfen Sie die Passagierliste.<" in r.text
    )
    with ui.sessions() as s:
        assert s.scalar(select(Message.id)) is None

    r = c.post("/messages/new", data={**typed, "language_ok": "1"})
    assert r.status_code == 303
    mid = uuid.UUID(r.headers["location"].split("/")[2].split("?")[0])
    with ui.sessions() as s:
        assert s.get_one(Message, mid).language == "de"
    assert "<dt>Language of the text</dt><dd>German</dd>" in c.get(f"/messages/{mid}").text

    r = c.post("/messages/new", data={**typed, "language": "fr", "subject": "Demande"})
    assert r.status_code == 303  # French: France reads it, no question asked
    r = c.post("/messages/new", data={**typed, "language": "", "subject": "Sans langue"})
    assert r.status_code == 303  # a client that does not say the language is not held up


def test_the_message_page_reads_the_escalation_policy_in_words(ui: Ui):  # noqa: F811
    mid = ui.send()
    html = ui.as_("fr.cp").get(f"/messages/{mid}").text
    assert (
        '<dd class="policy-words" title="on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat">contact on duty at '
        "once, deputy after 5 min, agency&#39;s 24/7 desk after 10 min, and secretariat&#39;s desk after 15 min; "
        "then again every 30 min until acknowledged</dd>"
    ) in html


def test_pages_speak_the_readers_language_and_zone(ui: Ui):  # noqa: F811
    sent = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with transaction(ui.sessions) as s:
        m = act.send_message(
            s,
            actor=ui.principal("jp.cp"),
            network=s.get_one(Network, ui.ids["ftf"]),
            kind="request",
            priority="urgent",
            subject="Check",
            body="",
            legal_basis=LEGAL,
            to_members=["FR"],
            now=sent,
        )
    c = ui.as_("fr.cp")
    c.cookies.set("liaison_lang", "fr")
    c.cookies.set("liaison_tz", "Asia/Tokyo")
    html = c.get(f"/messages/{m.id}").text
    assert '<html lang="fr" dir="ltr">' in html
    # The sending time in Tokyo time, written the French way, with the UTC time beside it.
    assert (
        '<time datetime="2026-11-25T10:00Z">mer. 25 nov. 2026 19:00</time> <span class="utc">(10:00 UTC)</span>' in html
    )
    inbox = c.get("/inbox").text
    assert "mer. 25 nov. 2026 19:00</time>" in inbox


# -- the inbox: waiting first; reachability tests close themselves ----------------------------------------------------


def test_the_inbox_lists_what_waits_for_an_acknowledgement_first_then_the_newest(ui: Ui):  # noqa: F811
    now = utcnow()
    jp, fr = ui.principal("jp.cp"), ui.principal("fr.cp")
    ids = {}
    with transaction(ui.sessions) as s:
        ftf = s.get_one(Network, ui.ids["ftf"])
        for name, priority, hours_ago in (
            ("A", "flash", 4),
            ("B", "urgent", 3),
            ("C", "urgent", 2),
            ("D", "routine", 1),
        ):
            m = act.send_message(
                s,
                actor=jp,
                network=ftf,
                kind="threat_notice",
                priority=priority,
                subject=f"Item {name}",
                body="",
                legal_basis=LEGAL,
                to_members=["FR"],
                now=now - timedelta(hours=hours_ago),
            )
            ids[name] = m
        for name in ("A", "C"):
            act.acknowledge(s, actor=fr, message=ids[name], now=now)
    html = ui.as_("fr.cp").get("/inbox").text
    shown = [html.index(f">Item {name}<") for name in "ABCD"]
    order = "".join(name for _, name in sorted(zip(shown, "ABCD", strict=True)))
    # B and D wait (B, urgent, before D, routine); then the acknowledged ones, newest first: C, then A.
    assert order == "BDCA", order


def test_a_reachability_test_closes_itself_once_every_addressee_has_acknowledged(ex: Exchange):
    with transaction(ex.sessions) as s:
        ftf = s.get_one(Network, ex.ids["ftf"])
        exercise = xact.schedule_exercise(s, actor=ADMIN, network=ftf, at=T0, now=T0)
        test = xact.start_exercise(s, exercise=exercise, now=T0)
        assert test is not None
        test_id = test.id
    ex.run()
    with transaction(ex.sessions) as s:
        act.acknowledge(s, actor=ex.as_("fr.cp"), message=s.get_one(Message, test_id), now=T0 + timedelta(minutes=2))
    with ex.sessions() as s:
        assert s.get_one(Message, test_id).status == "open"  # Japan has still to acknowledge
        jp = s.scalars(
            select(Notification)
            .join(Addressee, Addressee.id == Notification.addressee_id)
            .where(Notification.message_id == test_id, Addressee.member_code == "JP", Notification.channel_kind != "")
        ).first()
    # Japan acknowledges with its notification's one-click link (the other path to an acknowledgement).
    assert jp is not None
    token = make_ack_token(ex.settings.secret_key, jp.id, T0 + timedelta(hours=72))
    act.acknowledge_with_token(ex.sessions, key=ex.settings.secret_key, token=token, now=T0 + timedelta(minutes=3))
    with ex.sessions() as s:
        closed = s.get_one(Message, test_id)
        assert (closed.status, closed.closed_at, closed.outcome) == ("closed", T0 + timedelta(minutes=3), "")
        (row,) = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "message.close", AuditEvent.target_id == str(test_id))
        ).all()
        assert row.details["automatic"] is True


def test_an_ordinary_request_does_not_close_when_acknowledged(ex: Exchange):
    m = _send(ex, "jp.cp", "FR")
    with transaction(ex.sessions) as s:
        act.acknowledge(s, actor=ex.as_("fr.cp"), message=s.get_one(Message, m.id), now=T0 + timedelta(minutes=1))
    with ex.sessions() as s:
        assert s.get_one(Message, m.id).status == "open"


def test_a_channel_check_can_be_written_in_the_contact_points_language():
    """The channel-verification message takes the same choice as notifications when given the languages."""
    from liaison.channels.registry import LogSender
    from liaison.channels.verification import deliver_verification
    from liaison.settings import load_settings

    settings = load_settings(env="development", default_language="es")
    deliver_verification(settings, kind="email", value="a@x.example", contact_name="Desk", code="c1", languages=["ja"])
    deliver_verification(settings, kind="email", value="b@x.example", contact_name="Desk", code="c2", languages=["fr"])
    deliver_verification(settings, kind="email", value="c@x.example", contact_name="Desk", code="c3")
    sent = {item.to: item.language for item in LogSender.outbox[-3:]}
    assert sent == {"a@x.example": "es", "b@x.example": "fr", "c@x.example": "en"}  # the last: the current language
