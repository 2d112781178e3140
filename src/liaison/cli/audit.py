"""``liaison audit export``: the audit log, for auditors."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from liaison.cli.context import AsOpt, ctx, fail, lazy_gettext, parse_at
from liaison.i18n import _

audit_app = typer.Typer(help=lazy_gettext("The audit log."), no_args_is_help=True)


@audit_app.command("export", help=lazy_gettext("Export the audit log (newest first)."))
def audit_export(
    since: Annotated[
        str | None, typer.Option(help=lazy_gettext("ISO 8601 instant with offset: only events from then on."))
    ] = None,
    action: Annotated[str | None, typer.Option(help=lazy_gettext("Action prefix, e.g. login."))] = None,
    fmt: Annotated[str, typer.Option("--format", help=lazy_gettext("csv or json."))] = "csv",
    limit: Annotated[int, typer.Option(min=0, help=lazy_gettext("At most this many events (0: all)."))] = 0,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.audit import audit
    from liaison.db import transaction
    from liaison.queries import audit as q

    start = parse_at(since, "since") if since else None
    c = ctx()
    actor = c.actor(as_user)
    if not actor.is_auditor:
        fail(_("exporting the audit log needs the auditor role"))
    with c.sessions() as session:
        rows = q.events(session, since=start, action=action, limit=limit or None)
        if fmt == "json":
            for e in rows:
                typer.echo(json.dumps(q.event_json(e), ensure_ascii=False))
        else:
            sys.stdout.write(q.to_csv(rows))
    with transaction(c.sessions) as session:
        audit(session, actor=actor, action="audit.export", details={"since": since, "action": action})
