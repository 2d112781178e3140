"""Docs are tested: every setting and every CLI command is in the README, and its quick start stays true."""

from __future__ import annotations

from pathlib import Path

import typer.main

from liaison.cli import app
from liaison.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_documented():
    missing = [f"LIAISON_{name.upper()}" for name in Settings.model_fields if f"`LIAISON_{name.upper()}`" not in README]
    assert not missing, f"undocumented settings: {missing}"


def _commands(group: typer.Typer, prefix: str = "liaison") -> list[str]:
    click_group = typer.main.get_command(group)
    out = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{path} {name}")
        else:
            out.append(path)

    walk(click_group, prefix)
    return out


def test_every_cli_command_is_documented():
    commands = _commands(app)
    assert "liaison on-duty" in commands and "liaison roster export" in commands
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing, f"undocumented commands: {missing}"


def test_quick_start_is_the_two_make_commands():
    quick = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == ["make demo", "make test"]


def test_cli_reference_is_generated_and_current():
    from liaison.cli.docs import render

    current = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
    assert current == render(app) + "\n", "docs/cli.md is stale: run `liaison docs cli -o docs/cli.md`"
