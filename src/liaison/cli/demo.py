"""``liaison demo load``: fictional demo data."""

from __future__ import annotations

from typing import Annotated

import typer

from liaison.cli.context import JsonOpt, ctx, emit, fail, handled

demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)


@demo_app.command("load")
def demo_load(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing (exit 0) if data exists.")] = False,
    bench: Annotated[str | None, typer.Option(help="MEMBERS,CONTACTS,DAYS: the benchmark directory instead.")] = None,
    password: Annotated[str | None, typer.Option(help="Password for the demo users (default: printed).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fill the database with fictional demo data (three networks, about 60 members)."""
    from dataclasses import asdict

    from sqlalchemy import func, select

    from liaison.db import transaction
    from liaison.demo import load_demo
    from liaison.models import Network, utcnow
    from liaison.principal import Principal

    c = ctx()
    with c.sessions() as session:
        if session.scalar(select(func.count()).select_from(Network)):
            if if_empty:
                who = "operator, secretariat.ftf, fr.ftf, jp.ftf, analyst, auditor, ..."
                typer.echo(
                    f"demo data already loaded; log in at {c.settings.base_url}/login as one of {who} "
                    "with the password printed when it was loaded (development: demo-password-"
                    f"{c.settings.node_name.lower()})"
                )
                return
            fail("the database already has networks; use a fresh database")
    s = c.settings
    pw = password or ("demo-password-" + s.node_name.lower() if s.env == "development" else None)
    if pw is None:
        fail("give --password outside development")
    scale = tuple(int(x) for x in bench.split(",")) if bench else None
    boot = Principal(None, "operator (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")
    with handled(), transaction(c.sessions) as session:
        summary = load_demo(session, actor=boot, now=utcnow(), password=pw, bench_scale=scale)  # type: ignore[arg-type]
    if as_json:
        emit(asdict(summary))
        return
    typer.echo("demo loaded")
    for line in summary.lines():
        typer.echo("  " + line)
    typer.echo(f"log in at {s.base_url}/login as one of {', '.join(summary.users)} with password {pw!r}")
