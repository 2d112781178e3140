"""Review reminders delivered by e-mail through a real SMTP server on loopback (aiosmtpd): each contributing
organisation gets its own due list at its 24/7 desk (else its contact points), once per interval, with no names."""

from __future__ import annotations

import json
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select
from typer.testing import CliRunner

from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.directory import add_channel
from liaison.cli import app
from liaison.db import transaction
from liaison.models import BankEntity, ContactPoint, utcnow
from tests.bank.conftest import BankWorld
from tests.conftest import Inbox, free_port
from tests.world import ADMIN


def witness(bank: BankWorld, who: str, name: str) -> BankEntity:
    with transaction(bank.sessions) as s:
        e = create_entity(
            s,
            actor=bank[who],
            schema="Person",
            statements=[StatementInput("name", name, name_kind="primary")],
            data_subject_category="witness",
            legal_basis="Art. 18",
        )
        s.expunge(e)
    return e


def test_reminders_are_mailed_to_each_contributor_once(bank: BankWorld, smtp: tuple[Controller, Inbox]) -> None:
    controller, inbox = smtp
    fr = witness(bank, "fr.analyst", "Karim Haddad")
    de = witness(bank, "de.analyst", "Jonas Beispiel")
    on = (utcnow().date() + timedelta(days=400)).isoformat()  # a witness is reviewed after a year
    env = {
        "LIAISON_DATABASE_URL": bank.url,
        "LIAISON_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
        "LIAISON_BASE_URL": "https://liaison.example.org",
    }
    runner = CliRunner()
    with transaction(bank.sessions) as s:  # the French 24/7 desk gets an e-mail channel: it, not Claire, is mailed
        desk = s.scalars(select(ContactPoint).where(ContactPoint.name == "Permanence 24/7")).one()
        add_channel(s, actor=ADMIN, contact_point=desk, kind="email", value="permanence@ucl.example.fr")

    r = runner.invoke(app, ["bank", "reviews", "--notify", "--on", on, "--json"], env=env)
    assert r.exit_code == 1, r.output  # the German agency has no contact point with an e-mail channel
    out = json.loads(r.stdout)
    sent = {d["organisation"]: d for d in out["deliveries"]}
    assert sent["Unité de coordination"]["sent_to"] == ["permanence@ucl.example.fr"]
    assert sent["Bundesamt"]["sent_to"] == [] and "no e-mail channel" in sent["Bundesamt"]["errors"][0]
    (mail,) = inbox.messages
    assert mail["To"] == "permanence@ucl.example.fr" and "1 bank record of" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert f"https://liaison.example.org/bank/entities/{fr.id}" in body and "witness" in body
    assert "Karim" not in body and str(de.id) not in body  # no names by e-mail, and only their own records
    with bank.sessions() as s:
        assert s.get(BankEntity, fr.id).review_reminded_at is not None  # type: ignore[union-attr]
        assert s.get(BankEntity, de.id).review_reminded_at is None  # type: ignore[union-attr]  # released: retried

    r = runner.invoke(app, ["bank", "reviews", "--notify", "--on", on, "--json"], env=env)
    assert [d["organisation"] for d in json.loads(r.stdout)["deliveries"]] == ["Bundesamt"]  # France: not twice
    assert len(inbox.messages) == 1
    r = runner.invoke(app, ["bank", "reviews", "--notify", "--on", on, "--every", "1"], env=env)
    assert len(inbox.messages) == 1  # within a day still

    r = runner.invoke(app, ["bank", "reviews", "--on", on], env=env)  # without --notify: the list, nothing sent
    assert r.exit_code == 0 and "Karim Haddad" in r.output and "Jonas Beispiel" in r.output
    assert len(inbox.messages) == 1


def test_smtp_down_releases_the_reminders(bank: BankWorld) -> None:
    fr = witness(bank, "fr.analyst", "Karim Haddad")
    on = (utcnow().date() + timedelta(days=400)).isoformat()
    env = {"LIAISON_DATABASE_URL": bank.url, "LIAISON_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"}
    r = CliRunner().invoke(app, ["bank", "reviews", "--notify", "--on", on], env=env)
    assert r.exit_code == 1 and "NOT SENT" in r.output  # Claire's address (no 24/7 desk e-mail) refused: SMTP down
    with bank.sessions() as s:
        assert s.get(BankEntity, fr.id).review_reminded_at is None  # type: ignore[union-attr]
