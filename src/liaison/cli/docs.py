"""``liaison docs cli``: the CLI reference (docs/cli.md), generated from the commands' own --help so it cannot
drift.

The command renders the whole ``liaison`` app, so :func:`register` is handed it by :mod:`liaison.cli`, which
assembles the app; this module imports no other part of the CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.main
from typer.testing import CliRunner

from liaison.cli.context import lazy_gettext
from liaison.i18n import use_locale


def commands(app: typer.Typer) -> list[list[str]]:
    """Every command path, e.g. ['roster', 'export'], groups before their subcommands."""
    out: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        out.append(path)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


def render(app: typer.Typer, language: str = "en") -> str:
    """The reference in ``language`` (docs/cli.md is the English one), whatever the CLI's own language."""
    with use_locale(language):
        return _render(app, language)


def _render(app: typer.Typer, language: str) -> str:
    runner = CliRunner()
    parts = [
        "# `liaison` command reference",
        "",
        "Generated from each command's `--help` by `liaison docs cli`; do not edit by hand.",
        "",
    ]
    for path in commands(app):
        env = {
            "COLUMNS": "100",
            "NO_COLOR": "1",
            "TERM": "dumb",
            "FORCE_COLOR": None,
            "TTY_COMPATIBLE": None,
            "LIAISON_LANGUAGE": language,
        }
        result = runner.invoke(app, [*path, "--help"], env=env, terminal_width=100, prog_name="liaison")
        title = " ".join(["liaison", *path])
        text = "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")
        parts += [f"## `{title}`", "", "```", text, "```", ""]
    return "\n".join(parts)


def register(app: typer.Typer) -> None:
    """Add the ``docs`` group, whose ``cli`` command renders ``app``, to ``app``."""
    docs_app = typer.Typer(help=lazy_gettext("Generated documentation."), no_args_is_help=True)
    app.add_typer(docs_app, name="docs")

    @docs_app.command("cli", help=lazy_gettext("Write the CLI reference (docs/cli.md) from every command's --help."))
    def docs_cli(
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help=lazy_gettext("File (default stdout)."))
        ] = None,
    ) -> None:
        text = render(app) + "\n"
        if output:
            output.write_text(text)
        else:
            sys.stdout.write(text)
