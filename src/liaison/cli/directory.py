"""``liaison directory``: export the directory as JSON or CSV, and import it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _

directory_app = typer.Typer(help=lazy_gettext("Directory import and export (JSON, CSV)."), no_args_is_help=True)


FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help=lazy_gettext("json or csv (default: json; on import, from the file's extension).")),
]


def _format(value: str | None, default: str) -> str:

    kind = (value or default).lower()
    if kind not in ("json", "csv"):
        fail(_("--format must be json or csv, not %(value)r", value=value), 2)
    return kind


@directory_app.command(
    "export",
    help=lazy_gettext(
        "Export networks with their members, designations, rosters, agencies, contact points and channels."
    ),
)
def export(
    network: Annotated[
        list[str] | None,
        typer.Option("--network", "-n", help=lazy_gettext("Network code; repeatable (default: all you may see).")),
    ] = None,
    fmt: FormatOpt = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help=lazy_gettext("File (default: stdout)."))] = None,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.audit import audit
    from liaison.db import transaction
    from liaison.interchange import directory_io as dio

    kind = _format(fmt, "json")
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        codes = dio.visible_networks(snap, actor, network)
        if kind == "csv":
            body = dio.export_contacts_csv(snap, codes)
        else:
            with c.sessions() as session:
                organisations = dio.load_organisations(session)
            doc = dio.export_directory(snap, codes, organisations=organisations)
            body = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    with transaction(c.sessions) as session:
        audit(
            session,
            actor=actor,
            action="directory.export",
            target_type="directory",
            details={"networks": "all" if codes is None else codes, "format": kind},
        )
    if output:
        output.write_bytes(body.encode("utf-8"))
    else:
        typer.echo(body, nl=False)


@directory_app.command(
    "import",
    help=lazy_gettext(
        "Create or update the directory from FILE in one transaction; exit 1 naming the first bad line or field."
    ),
)
def import_(
    file: Annotated[
        Path, typer.Argument(help=lazy_gettext("A JSON export or a contacts CSV."), exists=True, dir_okay=False)
    ],
    fmt: FormatOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=lazy_gettext("Check and count; write nothing."))] = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.interchange import directory_io as dio

    kind = _format(fmt, "csv" if file.suffix.lower() == ".csv" else "json")
    c = ctx()
    actor = c.actor(as_user)
    with handled():
        dio.check_size(file.stat().st_size)
        data = file.read_bytes()
        if kind == "csv":
            text = dio.decode_text(data)
            with transaction(c.sessions) as session:
                report = dio.import_contacts_csv(session, actor=actor, text=text, dry_run=dry_run)
        else:
            document = dio.parse_document(data)
            with transaction(c.sessions) as session:
                report = dio.import_directory(session, actor=actor, document=document, dry_run=dry_run)
    if as_json:
        emit(report.to_json())
        return
    for line in report.lines():
        typer.echo(line)
