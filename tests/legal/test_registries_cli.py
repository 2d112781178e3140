"""`liaison registry ...`: JSON answers, honest exit codes (0 done, 1 refused or unknown with suggestions,
2 a badly given option), and the reads and writes audited as the acting user."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from liaison.cli import app
from liaison.db import make_engine, make_session_factory
from liaison.models import AuditEvent
from tests.legal.registries_world import build

runner = CliRunner()


def run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"LIAISON_DATABASE_URL": url, "LIAISON_ENV": "test"})


def test_registry_commands(world_db_url: str) -> None:
    engine = make_engine(world_db_url)
    sessions = make_session_factory(engine)
    try:
        ids = {}
        with sessions() as s:
            from liaison.models import ContactPoint

            ids["desk"] = s.scalar(select(ContactPoint.id).where(ContactPoint.name == "Permanence 24/7"))
        reg = build(sessions, ids["desk"])
        url = world_db_url

        r = run(url, "registry", "officers", "--posted-to", "JP", "--json", "--as", "fr.cp")
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert [o["name"] for o in out["officers"]] == ["Odile Posted"] and out["filters"] == {"posted_to": "JP"}
        r = run(url, "registry", "officers", "--as", "outsider")
        assert r.exit_code == 1 and "name people" in r.output
        r = run(url, "registry", "officers", "--posted-to", "JPZ")
        assert r.exit_code == 1 and "did you mean: JP" in r.output
        r = run(url, "registry", "officer", str(reg.fr_to_jp))
        assert r.exit_code == 0 and "Permanence 24/7" in r.stdout and "+33140000000" in r.stdout

        r = run(url, "registry", "experts", "--field", "p2-border-security", "--json", "--as", "fr.cp")
        assert r.exit_code == 0 and [e["name"] for e in json.loads(r.stdout)["experts"]] == ["Kenji Expert"]
        r = run(url, "registry", "experts", "--field", "p2-border-secrity")
        assert r.exit_code == 1 and "p2-border-security" in r.output
        r = run(url, "registry", "experts", "--available", "tomorrow")
        assert r.exit_code == 2
        r = run(url, "registry", "experts", "--language", "zz")
        assert r.exit_code == 2

        r = run(url, "registry", "training", "--upcoming", "--json", "--as", "outsider")
        assert r.exit_code == 0
        out = json.loads(r.stdout)
        assert [t["title"] for t in out["activities"]] == ["Border security course"] and out["names_shown"] is False

        r = run(url, "registry", "add-training", "--title", "T", "--organiser", "FR", "--starts-on", "2027-02-30")
        assert r.exit_code == 2
        r = run(
            url,
            "registry",
            "add-training",
            "--title",
            "Soft targets",
            "--organiser",
            "FR",
            "--starts-on",
            "2027-03-01",
            "--topic",
            "p2-critical-infrastructure",
            "--language",
            "fr",
            "--json",
            "--as",
            "fr.cp",
        )
        assert r.exit_code == 0, r.output
        course = json.loads(r.stdout)["id"]
        r = run(url, "registry", "attend", course, "--member", "JP", "--participant", "Aki Test", "--as", "fr.cp")
        assert r.exit_code == 1  # FR's contact point does not speak for Japan's participants
        r = run(url, "registry", "attend", course, "--member", "JP", "--participant", "Aki Test", "--as", "jp.cp")
        assert r.exit_code == 0, r.output

        r = run(
            url,
            "registry",
            "add-officer",
            "--name",
            "Cli Officer",
            "--posted-by",
            "FR",
            "--posted-to",
            "JP",
            "--network",
            "FTF",
            "--phone",
            "123",
            "--as",
            "fr.cp",
        )
        assert r.exit_code == 2 and "phone" in r.output
        r = run(
            url,
            "registry",
            "add-officer",
            "--name",
            "Cli Officer",
            "--posted-by",
            "JP",
            "--posted-to",
            "FR",
            "--network",
            "FTF",
            "--as",
            "fr.cp",
        )
        assert r.exit_code == 1
        r = run(
            url,
            "registry",
            "add-expert",
            "--name",
            "Cli Expert",
            "--member",
            "FR",
            "--field",
            "p4-oversight",
            "--language",
            "fr",
            "--json",
            "--as",
            "fr.cp",
        )
        assert r.exit_code == 0 and json.loads(r.stdout)["id"]

        r = run(url, "registry", "assess", "FR", "p3-central-authority", "--status", "gap", "--json", "--as", "fr.cp")
        assert r.exit_code == 0 and json.loads(r.stdout) == {
            "member": "FR",
            "item": "p3-central-authority",
            "status": "gap",
        }
        r = run(url, "registry", "assess", "FR", "p3-central-autority", "--status", "gap")
        assert r.exit_code == 1 and "p3-central-authority" in r.output
        r = run(url, "registry", "assess", "FR", "p3-central-authority", "--status", "maybe")
        assert r.exit_code == 2
        r = run(url, "registry", "assess", "XQ", "p3-central-authority", "--status", "gap")
        assert r.exit_code == 1
        r = run(url, "registry", "assess", "JP", "p3-central-authority", "--status", "gap", "--as", "fr.cp")
        assert r.exit_code == 1

        r = run(url, "registry", "strategy", "FR", "--json", "--as", "fr.cp")
        assert r.exit_code == 0, r.output
        gaps = {g["item"]: g for g in json.loads(r.stdout)["gaps"]}
        assert [e["name"] for e in gaps["p2-border-security"]["experts"]] == ["Kenji Expert"]
        assert gaps["p3-central-authority"]["status"] == "gap"
        r = run(url, "registry", "strategy", "FR")
        assert r.exit_code == 0 and "Pillar II" in r.stdout and "Border security course" in r.stdout
        with sessions() as s:
            actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor_name == "fr.cp")))
        assert {"registry.officer.read", "registry.expert.read", "registry.strategy.read"} <= actions
        assert {"registry.training.create", "registry.expert.create", "registry.strategy.assess"} <= actions
    finally:
        engine.dispose()


def test_every_registry_command_has_help() -> None:
    for command in (
        "officers",
        "officer",
        "add-officer",
        "experts",
        "add-expert",
        "training",
        "add-training",
        "attend",
        "strategy",
        "assess",
    ):
        r = runner.invoke(app, ["registry", command, "--help"])
        assert r.exit_code == 0 and "--as" in r.output, command
