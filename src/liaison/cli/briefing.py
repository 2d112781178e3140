"""``liaison briefing FILE.pdf --include ...``: a marked PDF briefing of chosen analysis pictures and tables.

Acts as the node operator (audited as such) unless ``--as USER`` names a user, who then gets only what they may
see. The same action as the page and the API (:mod:`liaison.actions.briefings`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _, ngettext

commands = typer.Typer()


@commands.command(
    "briefing",
    help=lazy_gettext(
        "Write a PDF briefing of analysis pictures and tables, marked as its strictest content on every page.\n"
        "Each --include is KIND or KIND:ARGUMENT, as the analysis pages' 'Add to briefing' links name them."
    ),
)
def briefing(
    file: Annotated[Path, typer.Argument(help=lazy_gettext("The PDF file to write."), dir_okay=False)],
    include: Annotated[
        list[str], typer.Option("--include", help=lazy_gettext("An item: KIND or KIND:ARGUMENT (repeat for more)."))
    ],
    title: Annotated[str, typer.Option("--title", help=lazy_gettext("The cover's title."))] = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.briefings import export_briefing
    from liaison.db import transaction

    if file.exists() and file.is_dir():
        fail(_("%(file)s is a directory", file=str(file)), 2)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        made = export_briefing(session, actor=actor, items=include, title=title)
    try:
        file.write_bytes(made.pdf)
    except OSError as exc:
        fail(_("cannot write %(file)s: %(error)s", file=str(file), error=exc.strerror or str(exc)))
    if as_json:
        emit(
            {
                "file": str(file),
                "pages": made.pages,
                "marking": made.marking.label,
                "items": [{"item": i, "title": t} for i, t in zip(made.items, made.titles, strict=True)],
            }
        )
        return
    typer.echo(
        ngettext(
            "%(file)s: %(num)d page, marked %(marking)s",
            "%(file)s: %(num)d pages, marked %(marking)s",
            made.pages,
            file=str(file),
            marking=made.marking.label,
        )
    )
