"""``liaison demo load``: fictional demo data."""

from __future__ import annotations

from typing import Annotated

import typer

from liaison.cli.context import JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _

demo_app = typer.Typer(help=lazy_gettext("Demo data."), no_args_is_help=True)


@demo_app.command(
    "load", help=lazy_gettext("Fill the database with fictional demo data (three networks, about 60 members).")
)
def demo_load(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help=lazy_gettext("Do nothing (exit 0) if data exists."))
    ] = False,
    bench: Annotated[
        str | None, typer.Option(help=lazy_gettext("MEMBERS,CONTACTS,DAYS: the benchmark directory instead."))
    ] = None,
    password: Annotated[
        str | None, typer.Option(help=lazy_gettext("Password for the demo users (default: printed)."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
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
                    _(
                        "demo data already loaded; log in at %(url)s as one of %(users)s with the password printed "
                        "when it was loaded (development: %(password)s)",
                        url=f"{c.settings.base_url}/login",
                        users=who,
                        password=f"demo-password-{c.settings.node_name.lower()}",
                    )
                )
                return
            fail(_("the database already has networks; use a fresh database"))
    s = c.settings
    pw = password or ("demo-password-" + s.node_name.lower() if s.env == "development" else None)
    if pw is None:
        fail(_("give --password outside development"))
    scale = tuple(int(x) for x in bench.split(",")) if bench else None
    boot = Principal(None, "operator (cli)", None, None, frozenset({("admin", None)}), via="cli", ip="local")
    with handled(), transaction(c.sessions) as session:
        summary = load_demo(session, actor=boot, now=utcnow(), password=pw, bench_scale=scale)  # type: ignore[arg-type]
    if as_json:
        emit(asdict(summary))
        return
    typer.echo(_("demo loaded"))
    for line in summary.lines():
        typer.echo("  " + line)
    typer.echo(
        _(
            "log in at %(url)s as one of %(users)s with password %(password)r",
            url=f"{s.base_url}/login",
            users=", ".join(summary.users),
            password=pw,
        )
    )
