"""Finding 6: bidirectional override characters. U+202E (RIGHT-TO-LEFT OVERRIDE) in a message subject, a contact
point's name or a bank name turned the page's ``<title>`` and heading backwards. Now pages isolate user text
(``<bdi dir="auto">``) and every plain-text output (title, mail, CSV) shows the controls as ``⟨U+202E⟩``; the
direction marks Arabic names need (RLM, LRM, ALM) pass through untouched."""

from __future__ import annotations

import email
import email.policy
import io
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from liaison.escalation.worker import Worker
from liaison.interchange import bank_csv, csv_safe
from liaison.settings import load_settings
from liaison.textsafety import BIDI_CONTROLS, MARKS, visible_bidi
from tests.conftest import Api
from tests.exchange.conftest import on_duty_now
from tests.security.conftest import web_login

RLO = "\u202e"
SPOOF = f"Invoice {RLO}fdp.exe"  # reads "Invoice exe.pdf" when the override is obeyed
ARABIC = "عبد الله\u200f الحسن"  # with a right-to-left mark, as Arabic names are often typed
CONTROLS = "".join(sorted(BIDI_CONTROLS))
LEGAL = "Art. 7 Decision 2005/671/JHA"


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, "no <title>"
    return found.group(1)


def heading(html: str, tag: str, cls: str = "") -> str:
    """The inner HTML of the first ``<tag>`` (with that class) on the page."""
    attrs = rf'\s+class="{cls}"' if cls else r"[^>]*"
    found = re.search(rf"<{tag}{attrs}>(.*?)</{tag}>", html, re.S)
    assert found, f"no <{tag}> {cls}"
    return found.group(1)


def isolated(inner: str, text: str) -> bool:
    """``text`` (as escaped in the page) sits in a ``<bdi>`` or an element with ``dir="auto"``."""
    shown = visible_bidi(text).replace("'", "&#39;")
    return bool(re.search(rf'<(bdi|[a-z0-9]+\s[^>]*dir="auto")[^>]*>[^<]*{re.escape(shown)}', inner))


def logged_in(make_client: Callable[..., TestClient], username: str) -> TestClient:
    client = make_client()
    assert web_login(client, username).status_code == 303
    return client


def send_message(api: Api, subject: str, tlp: str = "amber") -> str:
    body = {"network": "FTF", "kind": "request", "priority": "flash", "subject": subject, "body": f"About {subject}.",
            "legal_basis": LEGAL, "marking": {"tlp": tlp}, "to": ["FR"]}  # fmt: skip
    r = api.as_("jp.cp").post("/api/v1/messages", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


# -- pages --


def test_a_message_subject_with_an_override_is_shown_not_obeyed(api: Api, make_client) -> None:
    message = send_message(api, SPOOF)
    page = logged_in(make_client, "fr.cp").get(f"/messages/{message}")
    assert page.status_code == 200
    assert RLO not in title(page.text) and "\u27e8U+202E\u27e9" in title(page.text)
    h1 = heading(page.text, "h1", "message-subject")
    assert RLO not in h1 and isolated(h1, SPOOF), h1


def test_a_contact_point_name_with_an_override_is_isolated_on_the_agency_page(api: Api, make_client) -> None:
    agency = api.world.ids["dgsi"]  # type: ignore[attr-defined]
    r = api.as_("fr.cp").post(
        f"/api/v1/agencies/{agency}/contact-points", json={"name": SPOOF, "timezone": "Europe/Paris"}
    )
    assert r.status_code == 201, r.text
    page = logged_in(make_client, "fr.cp").get(f"/agencies/{agency}")
    assert page.status_code == 200
    assert RLO not in title(page.text)
    names = re.findall(r'<h3 class="contact-name">(.*?)</h3>', page.text, re.S)
    spoofed = [n for n in names if "fdp.exe" in n]
    assert spoofed and all(RLO not in n and isolated(n, SPOOF) for n in spoofed), names


def test_a_bank_name_with_an_override_is_shown_not_obeyed(api: Api, make_client) -> None:
    fr = api.as_("fr.analyst")
    data = f"schema,name,marking\nPerson,Karim {SPOOF},TLP:GREEN\n".encode()
    r = fr.post("/api/v1/bank/imports/csv", params={"legal_basis": "Art. 18", "grade": "B2"}, content=data)
    assert r.status_code == 201, r.text
    export = fr.get("/api/v1/bank/export.csv", params={"max_marking": "RED"}).text
    (entity,) = {row.key for row in bank_csv.read(export) for _, value, _ in row.values if "fdp.exe" in value}
    page = logged_in(make_client, "fr.analyst").get(f"/bank/entities/{entity}")
    assert page.status_code == 200, page.text[:500]
    assert RLO not in title(page.text)
    h1 = heading(page.text, "h1")
    assert RLO not in h1 and isolated(h1, f"Karim {SPOOF}"), h1


def test_an_arabic_name_with_its_direction_mark_renders_unchanged(api: Api, make_client) -> None:
    agency = api.world.ids["dgsi"]  # type: ignore[attr-defined]
    r = api.as_("fr.cp").post(
        f"/api/v1/agencies/{agency}/contact-points", json={"name": ARABIC, "timezone": "Europe/Paris"}
    )
    assert r.status_code == 201, r.text
    message = send_message(api, ARABIC)
    client = logged_in(make_client, "fr.cp")
    names = re.findall(r'<h3 class="contact-name">(.*?)</h3>', client.get(f"/agencies/{agency}").text, re.S)
    assert f'<bdi dir="auto">{ARABIC}</bdi>' in names
    page = client.get(f"/messages/{message}").text
    assert title(page).startswith(ARABIC + " · ")
    assert heading(page, "h1", "message-subject") == f'<bdi dir="auto">{ARABIC}</bdi>'


# -- mail --


@pytest.fixture
def api_without_worker(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Api:
    """The ``api`` fixture's app with its embedded worker off: the test runs the worker that mails."""
    monkeypatch.setenv("LIAISON_EMBEDDED_WORKER", "false")
    return request.getfixturevalue("api")  # type: ignore[no-any-return]


def test_the_mail_subject_shows_the_override_and_keeps_the_direction_mark(
    api_without_worker: Api, smtp, world_db_url: str
) -> None:
    api, (controller, inbox) = api_without_worker, smtp
    on_duty_now(api.sessions, api.world.ids)  # type: ignore[attr-defined]
    send_message(api, f"{SPOOF} {ARABIC}", tlp="green")  # GREEN: the subject travels in the mail
    st_ = api.client.app.state.liaison  # type: ignore[attr-defined]
    smtp_url, mail_from = f"smtp://127.0.0.1:{controller.port}", "noreply@liaison.example.org"
    settings = load_settings(database_url=world_db_url, env="test", smtp_url=smtp_url, mail_from=mail_from)
    worker = Worker(settings, api.sessions, st_.cache, name="bidi-test", threads=1)
    try:
        worker.run_once()
    finally:
        worker.pool.shutdown()
    assert inbox.messages, "no mail reached the SMTP server"
    for raw in inbox.messages:
        mail = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
        subject, body = str(mail["Subject"]), mail.get_body(("plain",)).get_content()
        assert RLO not in subject and RLO not in body
        assert "Invoice \u27e8U+202E\u27e9fdp.exe" in subject and ARABIC in subject


# -- CSV cells --


def test_a_csv_cell_shows_the_override() -> None:
    out = io.StringIO()
    csv_safe.Writer(out).writerow([SPOOF, ARABIC])
    assert out.getvalue() == f"Invoice \u27e8U+202E\u27e9fdp.exe,{ARABIC}\r\n"


# -- the rule --


@given(st.text())
def test_no_override_embedding_or_isolate_survives(text: str) -> None:
    assert not BIDI_CONTROLS & set(visible_bidi(text))


@given(st.text(alphabet=st.sampled_from(sorted(MARKS) + list("ab ع") + list(CONTROLS))))
def test_direction_marks_survive_in_place(text: str) -> None:
    shown = visible_bidi(text)
    assert [c for c in shown if c in MARKS] == [c for c in text if c in MARKS]
    assert re.sub(r"\u27e8U\+[0-9A-F]{4}\u27e9", "", shown) == "".join(c for c in text if c not in BIDI_CONTROLS)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters=CONTROLS)))
def test_text_without_controls_is_unchanged(text: str) -> None:
    assert visible_bidi(text) is text


@given(st.text(alphabet=st.sampled_from(list("Алексей Иванов") + list("Karim Haddad") + list("كريم حداد\u200f\u061c"))))
def test_arabic_cyrillic_and_latin_names_are_unchanged(text: str) -> None:
    assert visible_bidi(text) == text
