"""The exchange at the command line: send, ack, worker --once, message show/list/ack, escalation policies and
exercises; JSON shapes, honest exit codes, and audit rows naming the operator (or the --as user) and via=cli."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.exchange.conftest import on_duty_now
from typer.testing import CliRunner

from liaison.cli import app
from liaison.db import make_engine, make_session_factory
from liaison.exchange.tokens import make_ack_token
from liaison.models import Addressee, AuditEvent, Message, Notification, utcnow
from liaison.settings import load_settings

runner = CliRunner()
LEGAL = "Art. 7 Decision 2005/671/JHA"


@dataclass
class Cli:
    env: dict[str, str]
    sessions: sessionmaker[Session]
    ids: dict
    tmp: Path

    def __call__(self, *args: str, input: str | None = None):
        return runner.invoke(app, list(args), env=self.env, input=input)

    def ok(self, *args: str, input: str | None = None):
        r = self(*args, input=input)
        assert r.exit_code == 0, r.output
        return r

    def json(self, *args: str, input: str | None = None):
        return json.loads(self.ok(*args, "--json", input=input).stdout)

    def body(self, text: str = "Flight JL 45 lands at CDG 06:10; please check the passenger.") -> str:
        path = self.tmp / f"body-{uuid.uuid4().hex[:6]}.txt"
        path.write_text(text)
        return str(path)

    def send(self, *extra: str, to: str = "FR", as_: str | None = "jp.cp") -> dict:
        args = ["send", "--network", "FTF", "--to", to, "--priority", "flash", "--subject", "Travel of a suspect"]
        args += ["--body-file", self.body(), "--legal-basis", LEGAL, *extra]
        if as_:
            args += ["--as", as_]
        return self.json(*args)

    def audits(self, action: str) -> list[AuditEvent]:
        with self.sessions() as s:
            return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


@pytest.fixture
def cli(world_db_url: str, databases, tmp_path: Path) -> Iterator[Cli]:
    world, _tokens = databases.extra["world"]
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)
    on_duty_now(sessions, world.ids)  # Claire on duty now, whichever week the tests run in
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test", "LIAISON_SMTP_URL": ""}
    yield Cli(env, sessions, world.ids, tmp_path)
    engine.dispose()


def test_send_prints_the_id_and_json_with_addressees_and_frozen_policy(cli: Cli):
    d = cli.send()
    assert set(d) >= {"id", "addressees", "policy", "priority", "kind", "marking", "response_due_at"}
    assert d["addressees"] == [{"member": "FR", "label": "France"}]
    assert d["policy"] == "on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat"
    assert (d["kind"], d["priority"], d["marking"]) == ("request", "flash", "TLP:AMBER")
    (ev,) = cli.audits("message.send")
    assert (ev.actor_name, ev.via, ev.target_id) == ("jp.cp", "cli", d["id"])
    r = cli.ok(
        "send",
        "-n",
        "FTF",
        "--to",
        "FR",
        "-p",
        "urgent",
        "-s",
        "Plain id",
        "--body-file",
        cli.body(),
        "--legal-basis",
        LEGAL,
        "--as",
        "jp.cp",
    )
    assert uuid.UUID(r.stdout.strip())


def test_send_as_the_operator_reads_the_body_from_stdin_and_is_audited_as_the_operator(cli: Cli):
    d = cli.json(
        "send",
        "--network",
        "FTF",
        "--to",
        "FR,JP",
        "--priority",
        "routine",
        "--kind",
        "threat_notice",
        "--subject",
        "Event threat",
        "--body-file",
        "-",
        "--marking",
        "TLP:GREEN",
        "--originator-control",
        "--legal-basis",
        LEGAL,
        input="Threat to the marathon on Sunday.\n",
    )
    assert [a["member"] for a in d["addressees"]] == ["FR", "JP"]
    assert d["marking"] == "TLP:GREEN, originator control"
    assert d["response_due_at"] is None  # only a request has a response clock
    with cli.sessions() as s:
        m = s.get(Message, uuid.UUID(d["id"]))
        assert m.body == "Threat to the marathon on Sunday.\n" and m.sender_name == "operator (cli)"
    (ev,) = cli.audits("message.send")
    assert (ev.actor_name, ev.via, ev.actor_id) == ("operator (cli)", "cli", None)


def test_send_with_attachments_and_refusals(cli: Cli):
    note = cli.tmp / "passenger.txt"
    note.write_text("name; flight\n")
    d = cli.send("--attach", str(note))
    assert d["attachments"] == ["passenger.txt"]
    bad = cli.tmp / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    r = cli(
        "send",
        "-n",
        "FTF",
        "--to",
        "FR",
        "-p",
        "flash",
        "-s",
        "x",
        "--body-file",
        cli.body(),
        "--legal-basis",
        LEGAL,
        "--attach",
        str(bad),
        "--as",
        "jp.cp",
    )
    assert r.exit_code == 1 and "tool.exe" in r.output
    r = cli("send", "-n", "FTF", "--to", "FR", "-p", "flash", "-s", "x", "--body-file", cli.body(), "--as", "jp.cp")
    assert r.exit_code == 1 and "legal_basis" in r.output
    with cli.sessions() as s:
        assert len(s.scalars(select(Message)).all()) == 1


def test_unknown_member_is_refused_with_suggestions_and_nothing_is_sent(cli: Cli):
    r = cli(
        "send",
        "-n",
        "FTF",
        "--to",
        "FR,FRR",
        "-p",
        "flash",
        "-s",
        "x",
        "--body-file",
        cli.body(),
        "--legal-basis",
        LEGAL,
        "--as",
        "jp.cp",
    )
    assert r.exit_code == 1
    assert "no member 'FRR' on FTF: nothing was sent" in r.output and "did you mean: FR" in r.output
    with cli.sessions() as s:
        assert s.scalar(select(Message.id)) is None
    assert cli.audits("message.send") == []


def test_usage_errors_exit_2(cli: Cli):
    body = cli.body()
    assert cli("send", "-n", "FTF", "--to", "FR", "-p", "asap", "-s", "x", "--body-file", body).exit_code == 2
    assert cli("send", "-n", "FTF", "-p", "flash", "-s", "x", "--body-file", body).exit_code == 2  # no addressee
    r = cli("send", "-n", "FTF", "--to-contact", "claire", "-p", "flash", "-s", "x", "--body-file", body)
    assert r.exit_code == 2 and "not a contact point id" in r.output
    assert cli("message", "list", "--box", "sideways").exit_code == 2
    assert cli("network", "set-escalation", "FTF", "asap", "on-duty@0s").exit_code == 2


def test_send_to_a_named_contact_point(cli: Cli):
    d = cli.send("--to-contact", str(cli.ids["hana"]), to="FR")
    assert [a["label"] for a in d["addressees"]] == ["France", "Hana Kasou (National Police Agency)"]


def test_worker_once_delivers_and_message_show_gives_the_history_and_audits_the_read(cli: Cli):
    d = cli.send()
    r = cli.ok("worker", "--once", "--name", "cli-test")
    assert "job(s) run, nothing more is due" in r.output
    assert cli("worker", "--once", "--name", "cli-test").exit_code == 0
    shown = cli.json("message", "show", d["id"])
    notes = shown["notifications"]
    assert {(n["contact"], n["channel"], n["status"]) for n in notes} == {
        ("Claire Fictive", "email", "sent"),
        ("Claire Fictive", "mobile", "sent"),
    }
    first = notes[0]
    keys = {"round", "step", "target", "contact", "channel", "status", "attempts", "last_error", "due_at", "sent_at"}
    assert keys <= set(first)
    assert (first["round"], first["step"], first["target"], first["attempts"]) == (0, 0, "on-duty", 1)
    (a,) = shown["addressees"]
    assert a["acknowledged_at"] is None and a["next_escalation"]["target"] == "deputy"
    text = cli.ok("message", "show", d["id"]).stdout
    assert "FLASH request" in text and "Travel of a suspect" in text
    assert "round 1 step 1 on-duty: Claire Fictive by email claire@ucl.example.fr - sent" in text
    assert "next for France: deputy (not yet)" in text
    reads = cli.audits("message.read")
    assert [(e.actor_name, e.via) for e in reads] == [("operator (cli)", "cli")] * 2
    assert cli("message", "show", d["id"], "--as", "outsider").exit_code == 1  # need to know
    assert cli("message", "show", str(uuid.uuid4())).exit_code == 1


def _notification(cli: Cli, message_id: str, channel: str = "email") -> Notification:
    with cli.sessions() as s:
        return s.scalars(
            select(Notification).where(
                Notification.message_id == uuid.UUID(message_id), Notification.channel_kind == channel
            )
        ).one()


def test_ack_with_a_link_token_once_then_refused_forged_or_expired(cli: Cli):
    d = cli.send()
    cli.ok("worker", "--once")
    n = _notification(cli, d["id"])
    key = load_settings().secret_key  # the node's own secret, as the CLI reads it from the environment
    token = make_ack_token(key, n.id, utcnow() + timedelta(hours=1))
    got = cli.json("ack", "-", input=token + "\n")  # from standard input, out of sight of `ps`
    assert got == {
        "message_id": d["id"],
        "addressee": "France",
        "member": "FR",
        "first": True,
        "acknowledged_at": got["acknowledged_at"],
        "acknowledged_by": "Claire Fictive",
    }
    r = cli("ack", token)
    assert r.exit_code == 1 and "already used" in r.output
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    r = cli("ack", forged)
    assert r.exit_code == 1 and "forged" in r.output
    expired = make_ack_token(key, n.id, datetime(2026, 1, 1, tzinfo=UTC))
    r = cli("ack", f"http://liaison.test/ack/{expired}")
    assert r.exit_code == 1 and "expired" in r.output
    assert [e.details["why"] for e in cli.audits("message.acknowledge_refused")] == ["replayed", "forged", "expired"]
    (ok,) = cli.audits("message.acknowledge")
    assert (ok.actor_name, ok.via) == ("Claire Fictive (link)", "cli")
    with cli.sessions() as s:
        a = s.scalars(select(Addressee).where(Addressee.message_id == uuid.UUID(d["id"]))).one()
        assert (a.escalation, a.acknowledged_via) == ("stopped", "link")


def test_message_ack_by_id_as_a_user_and_refusals(cli: Cli):
    d = cli.send(to="FR,JP")
    r = cli("message", "ack", d["id"], "--as", "outsider")
    assert r.exit_code == 1 and "no message" in r.output
    r = cli("message", "ack", d["id"], "--as", "jp.cp", "--member", "FR")
    assert r.exit_code == 1 and "you answer for" in r.output  # Japan does not answer for France
    got = cli.json("message", "ack", d["id"], "--as", "fr.cp")
    assert got == {"message_id": d["id"], "acknowledged": ["France"], "by": "fr.cp"}
    r = cli("message", "ack", d["id"], "--as", "fr.cp")
    assert r.exit_code == 1 and "already acknowledged" in r.output
    got = cli.json("message", "ack", d["id"], "--member", "JP")  # the operator, for Japan
    assert got["acknowledged"] == ["Japan"] and got["by"] == "operator (cli)"
    events = cli.audits("message.acknowledge")
    assert [(e.actor_name, e.via, e.details["for"]) for e in events] == [
        ("fr.cp", "cli", ["France"]),
        ("operator (cli)", "cli", ["Japan"]),
    ]


def test_message_list_in_out_and_as_the_operator(cli: Cli):
    d = cli.send()
    inbox = cli.json("message", "list", "--as", "fr.cp")
    assert [(m["id"], m["direction"], m["acknowledged"]) for m in inbox] == [(d["id"], "in", False)]
    assert cli.json("message", "list", "--as", "fr.cp", "--box", "out") == []
    out = cli.json("message", "list", "--as", "jp.cp", "--box", "out")
    assert [(m["id"], m["direction"]) for m in out] == [(d["id"], "out")]
    assert cli.json("message", "list", "--as", "outsider") == []
    everything = cli.json("message", "list", "--status", "all")
    assert [(m["id"], m["direction"]) for m in everything] == [(d["id"], None)]
    assert cli.json("message", "list", "--status", "closed") == []
    text = cli.ok("message", "list", "--as", "fr.cp").stdout
    assert "WAITING" in text and "1 message(s)" in text


def test_set_and_show_escalation_policies(cli: Cli):
    shown = cli.json("network", "escalation", "FTF")
    assert shown["network"] == "FTF" and all(p["default"] for p in shown["policies"])
    got = cli.json(
        "network", "set-escalation", "FTF", "flash", "on-duty@0s, deputy@3m, desk@6m,repeat:2", "--as", "secretariat"
    )
    assert got == {"network": "FTF", "priority": "flash", "policy": "on-duty@0s,deputy@3m,desk@6m,repeat:2"}
    shown = cli.json("network", "escalation", "FTF")
    policy = "on-duty@0s,deputy@3m,desk@6m,repeat:2"
    assert shown["policies"][0] == {"priority": "flash", "policy": policy, "default": False}
    assert shown["policies"][1]["default"] is True
    assert "(default)" in cli.ok("network", "escalation", "FTF").stdout
    (ev,) = cli.audits("escalation.set")
    assert (ev.actor_name, ev.via, ev.details["after"]) == ("secretariat", "cli", policy)
    assert cli.send()["policy"] == policy  # frozen into the message


def test_bad_policy_text_names_the_step_and_others_may_not_set_it(cli: Cli):
    r = cli("network", "set-escalation", "FTF", "flash", "on-duty@0s,deputy@5x")
    assert r.exit_code == 1 and "step 2" in r.output
    r = cli("network", "set-escalation", "FTF", "flash", "on-duty@0s,boss@5m")
    assert r.exit_code == 1 and "step 2" in r.output and "boss" in r.output
    r = cli("network", "set-escalation", "FTF", "flash", "on-duty@0s", "--as", "fr.cp")
    assert r.exit_code == 1 and "secretariat" in r.output
    r = cli("network", "set-escalation", "FFT", "flash", "on-duty@0s")
    assert r.exit_code == 1 and "no network" in r.output
    assert cli.audits("escalation.set") == []


def test_exercise_schedule_list_report(cli: Cli):
    at = (utcnow() + timedelta(seconds=1)).isoformat()
    r = cli("exercise", "schedule", "FTF", "--at", at, "--as", "fr.cp")
    assert r.exit_code == 1 and "secretariat" in r.output
    r = cli("exercise", "schedule", "FTF", "--at", "2026-12-01T03:00:00")
    assert r.exit_code == 2 and "time zone" in r.output  # a usage error, like any badly given time
    args = ["--at", at, "--window", "15", "--note", "Quarterly", "--as", "secretariat"]
    d = cli.json("exercise", "schedule", "FTF", *args)
    assert (d["network"], d["window_minutes"], d["note"]) == ("FTF", 15, "Quarterly")
    listed = cli.json("exercise", "list", "FTF", "--as", "secretariat")
    assert [(e["id"], e["status"]) for e in listed] == [(d["id"], "scheduled")]
    import time

    time.sleep(1.1)
    cli.ok("worker", "--once")
    assert cli.json("exercise", "list", "FTF")[0]["status"] == "running"
    report = cli.json("exercise", "report", d["id"], "--as", "secretariat")
    assert report["network"] == "FTF" and report["exercise"]["members"] == 2
    assert {m["member"]: m["result"] for m in report["members"]} == {"FR": "waiting", "JP": "waiting"}
    msg = report["message_id"]
    cli.ok("message", "ack", msg, "--as", "fr.cp")
    report = cli.json("exercise", "report", d["id"])
    assert {m["member"]: m["result"] for m in report["members"]}["FR"] == "reached"
    text = cli.ok("exercise", "report", d["id"]).stdout
    assert "FTF reachability exercise" in text and "reached 1/2" in text and "trend" in text
    r = cli("exercise", "report", d["id"], "--as", "fr.cp")
    assert r.exit_code == 1
    (ev,) = cli.audits("exercise.schedule")
    assert (ev.actor_name, ev.via) == ("secretariat", "cli")


@pytest.mark.parametrize(
    "args",
    [
        ["send"],
        ["ack"],
        ["worker"],
        ["message", "show"],
        ["message", "list"],
        ["message", "ack"],
        ["network", "set-escalation"],
        ["network", "escalation"],
        ["exercise", "schedule"],
        ["exercise", "list"],
        ["exercise", "report"],
    ],
)
def test_every_exchange_command_has_help(args):
    r = runner.invoke(app, [*args, "--help"])
    assert r.exit_code == 0 and "Usage" in r.output, args


def test_an_operator_account_reads_with_the_operator_authority_only_without_as(cli: Cli):
    """A node whose operator has a user account (as the demo does): without --as the CLI acts with the node
    operator's authority and reads any message; with --as the same account has only its own rights (an admin
    reads no message it is not party to)."""
    sent = cli.send()
    cli.env["LIAISON_OPERATOR_NAME"] = "admin"
    shown = cli.json("message", "show", sent["id"])
    assert shown["id"] == sent["id"]
    assert cli("message", "show", sent["id"], "--as", "admin").exit_code == 1
    reads = cli.audits("message.read")
    assert reads[-1].actor_name == "admin" and reads[-1].via == "cli"
