"""The `liaison` command: answers as JSON, honest exit codes, iCalendar export agreeing with on-duty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select
from typer.testing import CliRunner

from liaison.cli import app
from liaison.db import make_engine, make_session_factory
from liaison.models import AuditEvent

runner = CliRunner()


@pytest.fixture
def env(world_db_url: str) -> dict[str, str]:
    return {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test"}


def run(env: dict[str, str], *args: str):
    return runner.invoke(app, list(args), env=env)


def test_on_duty_json_has_the_documented_shape(env):
    r = run(env, "on-duty", "FTF", "FR", "--at", "2026-11-23T12:00:00Z", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {"network", "member", "at", "contact", "fallback"} <= d.keys()
    assert {"name", "agency", "channels", "languages", "timezone", "local_time"} <= d["contact"].keys()
    assert d["contact"]["name"] == "Claire Fictive"
    assert {"kind", "value"} <= d["contact"]["channels"][0].keys()
    assert d["fallback"][0]["role"] == "deputy"


def test_on_duty_exit_3_when_nobody_is_on_duty(env):
    r = run(env, "on-duty", "FTF", "JP", "--at", "2026-11-28T03:00:00Z")
    assert r.exit_code == 3
    assert "NOBODY ON DUTY" in r.output
    assert "FTF Secretariat desk" in r.output


def test_unknown_member_exit_1_with_suggestions(env):
    r = run(env, "on-duty", "FTF", "Frnace")
    assert r.exit_code == 1
    assert "did you mean: FR" in r.output


def test_cli_acts_as_operator_or_as_user_and_is_audited(env, world_db_url):
    r = run(env, "on-duty", "FTF", "FR", "--as", "outsider", "--json")
    assert r.exit_code == 1  # the outsider may not see FTF
    r = run(env, "on-duty", "FTF", "FR", "--as", "jp.cp", "--at", "2026-11-23T12:00:00Z", "--json")
    assert r.exit_code == 0
    engine = make_engine(world_db_url)
    with make_session_factory(engine)() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "duty.read")).one()
    engine.dispose()
    assert (ev.actor_name, ev.via) == ("jp.cp", "cli")


def test_networks_json(env):
    r = run(env, "networks", "--json")
    assert r.exit_code == 0
    assert json.loads(r.output) == [
        {"code": "FTF", "name": "Foreign Terrorist Fighters", "members": ["FR", "JP"]},
        {"code": "VOT", "name": "Victims of Terrorism", "members": ["DE", "FR"]},
    ]


@pytest.mark.parametrize(
    ("start", "change"),
    [
        (datetime(2026, 11, 23, 5, tzinfo=UTC), None),
        (datetime(2027, 3, 8, 5, tzinfo=UTC), datetime(2027, 3, 28, 1, tzinfo=UTC)),  # Paris springs forward
        (datetime(2027, 10, 11, 5, tzinfo=UTC), datetime(2027, 10, 31, 1, tzinfo=UTC)),  # and falls back
    ],
    ids=["november", "march-change", "october-change"],
)
def test_roster_export_ics_agrees_with_on_duty(env, tmp_path: Path, start: datetime, change: datetime | None):
    out = tmp_path / "fr.ics"
    r = run(env, "roster", "export", "FTF", "FR", "--ics", "--start", start.isoformat(), "-o", str(out))
    assert r.exit_code == 0, r.output
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    assert len(events) >= 12  # 90 days of weekly shifts
    if change is not None:  # the week that holds the change is among those checked, 167 or 169 hours long
        (across,) = [e for e in events[:6] if e.decoded("dtstart") <= change < e.decoded("dtend")]
        hours = (across.decoded("dtend") - across.decoded("dtstart")) / timedelta(hours=1)
        assert hours == (167 if change.month == 3 else 169)
    for ev in events[:6]:
        a, b = ev.decoded("dtstart"), ev.decoded("dtend")
        for at in (a, a + (b - a) / 2, b - timedelta(minutes=1)):
            d = json.loads(run(env, "on-duty", "FTF", "FR", "--at", at.isoformat(), "--json").output)
            assert d["contact"]["name"] == str(ev["summary"])


def test_readiness_exit_1_on_critical(env):
    r = run(env, "readiness", "FTF", "--json")
    assert r.exit_code == 1  # Japan has weekend gaps
    assert any(w["member"] == "JP" and w["kind"] == "gap" for w in json.loads(r.output))


def test_every_command_has_help():
    for args in (
        ["--help"],
        ["on-duty", "--help"],
        ["roster", "export", "--help"],
        ["db", "upgrade", "--help"],
        ["demo", "load", "--help"],
        ["serve", "--help"],
        ["networks", "--help"],
        ["audit", "export", "--help"],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and "Usage" in r.output, args


def test_real_process_exit_codes_and_config_errors(world_db_url):
    exe = str(Path(sys.executable).parent / "liaison")
    secret = os.environ["LIAISON_SECRET_KEY"]  # the run's own (tests/conftest.py)
    env = {"LIAISON_DATABASE_URL": world_db_url, "PATH": "/usr/bin:/bin", "LIAISON_SECRET_KEY": secret}
    p = subprocess.run([exe, "on-duty", "FTF", "JP", "--at", "2026-11-28T03:00:00Z"], env=env, capture_output=True)
    assert p.returncode == 3
    no_secret = {k: v for k, v in env.items() if k != "LIAISON_SECRET_KEY"}
    p = subprocess.run(
        [exe, "networks"], env={**no_secret, "LIAISON_ENV": "production"}, capture_output=True, text=True
    )
    assert p.returncode == 1
    assert "LIAISON_SECRET_KEY" in p.stderr
    p = subprocess.run([exe, "networks"], env={**env, "LIAISON_PORT": "eighty"}, capture_output=True, text=True)
    assert p.returncode == 1 and "LIAISON_PORT" in p.stderr


# -- the package's shape: domain modules share liaison.cli.context and never import each other --

SHARED = {"context"}


def _cli_imports(source: str, package: str) -> set[str]:
    """The liaison.cli modules a module imports, at its top or inside a function."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # a relative import: from . import x, from .x import y
                module = ".".join([package, module]).rstrip(".")
            if module == "liaison.cli":
                found |= {f"liaison.cli.{a.name}" for a in node.names}
            elif module.startswith("liaison.cli."):
                found.add(module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name == "liaison.cli" or a.name.startswith("liaison.cli.")}
    return found


def test_the_reader_finds_sibling_imports_however_written():
    assert _cli_imports("from liaison.cli import duty, context\n", "liaison.cli") == {
        "liaison.cli.duty",
        "liaison.cli.context",
    }
    assert _cli_imports("def f():\n    from .bank import show\n", "liaison.cli") == {"liaison.cli.bank"}
    assert _cli_imports("import liaison.cli.merges\nfrom liaison.cli import app\n", "liaison.cli") == {
        "liaison.cli.merges",
        "liaison.cli.app",
    }


def test_cli_domain_modules_import_only_the_shared_context():
    import importlib
    import pkgutil

    import liaison.cli

    names = sorted(m.name for m in pkgutil.iter_modules(liaison.cli.__path__))
    assert {"context", "duty", "node", "messages", "docs"} <= set(names)
    offences = {}
    for name in names:
        module = importlib.import_module(f"liaison.cli.{name}")  # each imports on its own, in any order
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        allowed = {f"liaison.cli.{s}" for s in SHARED if s != name}
        bad = _cli_imports(source, "liaison.cli") - allowed
        if bad:
            offences[name] = sorted(bad)
    assert offences == {}
    # Only the package assembles; it is the one module that imports the domains.
    assert "liaison.cli.duty" in _cli_imports(Path(liaison.cli.__file__ or "").read_text(encoding="utf-8"), "")


def test_every_command_a_domain_module_declares_is_in_the_app():
    import importlib
    import pkgutil

    import typer.main

    import liaison.cli

    root = typer.main.get_command(app)
    listed = {*root.commands, *root.commands["bank"].commands}  # type: ignore[attr-defined]
    declared = set()
    for module in pkgutil.iter_modules(liaison.cli.__path__):
        bundle = getattr(importlib.import_module(f"liaison.cli.{module.name}"), "commands", None)
        declared |= {c.name for c in getattr(bundle, "registered_commands", [])}
    assert declared and declared <= listed, declared - listed


# -- the CLI's language --

NO_LOCALE = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "LANGUAGE": None, "LIAISON_DEFAULT_LANGUAGE": None}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LIAISON_LANGUAGE": "ar"}, "ar"),
        ({"LIAISON_LANGUAGE": "pt-BR", "LANG": "fr_FR.UTF-8"}, "pt"),
        ({"LIAISON_LANGUAGE": "xx-unknown", "LANG": "es_ES.UTF-8"}, "es"),  # unknown: falls through
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8", "LC_ALL": "es_MX.UTF-8"}, "es"),
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "de:fr"}, "fr"),  # gettext's list of preferences
        ({"LANG": "C.UTF-8", "LANGUAGE": "fr", "LIAISON_DEFAULT_LANGUAGE": "ar"}, "ar"),  # C asks for none
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),  # LC_ALL wins, and we do not speak it
        ({"LANG": "de_DE.UTF-8", "LIAISON_DEFAULT_LANGUAGE": "es"}, "es"),
        ({"LIAISON_DEFAULT_LANGUAGE": "xx"}, "en"),
    ],
)
def test_the_cli_language_from_the_environment(environ, expected):
    from liaison.cli.context import language

    assert language(environ) == expected


def test_an_unknown_language_runs_the_cli_in_english(env, monkeypatch, capsys):
    unknown = {**NO_LOCALE, "LIAISON_LANGUAGE": "xx-unknown"}
    r = runner.invoke(app, ["on-duty", "FTF", "JP", "--at", "2026-11-28T03:00:00Z"], env={**env, **unknown})
    assert r.exit_code == 3 and "NOBODY ON DUTY" in r.output, r.output
    r = runner.invoke(app, ["on-duty", "FTF", "Frnace"], env={**env, **unknown})
    assert r.exit_code == 1 and "error:" in r.output and "did you mean: FR" in r.output
    # As the installed `liaison` runs: the app builds its help texts and runs under the CLI's language.
    for name, value in {**env, **unknown}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as done:
        app(["networks", "--help"], prog_name="liaison")
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "List networks and their member codes." in out and "Print JSON." in out


@pytest.fixture
def pseudo_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A French catalog that wraps every message of the CLI's code in ⟦…⟧, as extraction finds them."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import write_mo

    from liaison import i18n

    keywords = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_gettext": None}
    pseudo = Catalog(locale="fr")
    for _file, _line, message, _comments, context in extract_from_dir(
        str(Path(i18n.__file__).parent / "cli"), keywords=keywords
    ):
        forms = message if isinstance(message, tuple) else (message,)
        translated = tuple(f"⟦{form}⟧" for form in forms)
        pseudo.add(message, translated if isinstance(message, tuple) else translated[0], context=context)
    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as f:
        write_mo(f, pseudo)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


def test_every_help_text_is_marked_for_translation(pseudo_french):
    """Built in the pseudo-language, every command's and every parameter's help is a catalog message."""
    import typer.main

    from liaison.i18n import use_locale

    untranslated = []

    def walk(cmd, path):
        texts = [("", cmd.help)] + [(p.name, getattr(p, "help", None)) for p in cmd.params if p.name != "help"]
        for name, text in texts:
            if text is not None and not str(text).startswith("⟦"):
                untranslated.append(f"{path} {name}: {str(text)[:40]!r}")
        for sub_name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {sub_name}")

    with use_locale("fr"):
        walk(typer.main.get_command(app), "liaison")
    assert untranslated == []


def test_the_cli_speaks_the_language_it_finds(env, pseudo_french):
    french = {**env, **NO_LOCALE, "LANG": "fr_FR.UTF-8"}
    r = runner.invoke(app, ["on-duty", "FTF", "Frnace"], env=french)
    assert r.exit_code == 1 and "⟦error: " in r.output and "⟦did you mean: FR⟧" in r.output
    r = runner.invoke(app, ["networks"], env=french)
    assert r.exit_code == 0 and "members⟧)" in r.output
    r = runner.invoke(app, ["networks", "--json"], env=french)  # JSON is for machines: never translated
    assert "⟦" not in r.output and json.loads(r.output)[0]["code"]


def test_chinese_help_is_wrapped_not_cut() -> None:
    """Chinese has no spaces to wrap at: rich would cut each help line with '…'; the plain formatter wraps it."""
    exe = str(Path(sys.executable).parent / "liaison")
    env = {**os.environ, "LIAISON_LANGUAGE": "zh", "COLUMNS": "80"}
    shown = subprocess.run([exe, "send", "--help"], env=env, capture_output=True, text=True, check=True).stdout
    assert "发送" in shown and "…" not in shown
    english = subprocess.run([exe, "send", "--help"], env={**env, "LIAISON_LANGUAGE": "en"}, capture_output=True,
                             text=True, check=True).stdout
    assert "Send a request" in english and "╭" in english  # the others keep rich's panels
