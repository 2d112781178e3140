"""Screening at the command line: ``liaison screen FILE.csv`` and ``liaison screen decide``.

Like every local command these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then sees exactly what they may see. The name index is built on demand for the command
(the server keeps one in memory).

Exit codes of ``liaison screen``: 0 when the file was screened, whether or not anything matched; 1 when the file
or a row in it was refused (the error names the line) or the run failed; 2 for bad usage (unknown option,
missing file); 3 with ``--fail-on-match`` when at least one name matched, for scripts that stop on a match.
"""

from __future__ import annotations

import json
import time
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _, ngettext


class DefaultRun(TyperGroup):
    """``liaison screen FILE.csv`` runs ``liaison screen run FILE.csv``; ``liaison screen decide ...`` decides."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


screen_app = typer.Typer(
    cls=DefaultRun,
    help=lazy_gettext("Screen a CSV of names against the bank (`liaison screen FILE.csv`), or decide on a hit."),
    no_args_is_help=True,
)


class Verdict(StrEnum):
    true = "true"
    false = "false"


def _progress() -> Any:
    """A progress printer for standard error: at most one line a second, and the last one."""
    state = {"at": 0.0}

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - state["at"] >= 1.0:
            state["at"] = now
            typer.echo(_("screened %(done)d/%(total)d", done=done, total=total), err=True)

    return report


@screen_app.command(
    "run",
    help=lazy_gettext(
        "Screen every name of FILE against the bank (also: `liaison screen FILE.csv`).\n"
        "\n"
        'Each line of --json output is {"query_id", "matches": [{"entity_id", "reference", "name", "score", "match",\n'
        '"explanation"}]}; progress and the run id go to standard error. Exit 0 when screened (matches or not),\n'
        "1 when the file is refused (the error names the line), 2 on bad usage, 3 with --fail-on-match on a match.\n"
        "Remembered decisions of your organisation are applied."
    ),
)
def run(
    file: Annotated[Path, typer.Argument(help=lazy_gettext("CSV with id,name and optionally birth_date,nationality."))],
    top: Annotated[int, typer.Option("--top", help=lazy_gettext("Candidates per name (1-50)."), min=1, max=50)] = 5,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help=lazy_gettext("Match from this score (0-1; default LIAISON_MATCH_THRESHOLD).")),
    ] = None,
    algorithm: Annotated[
        str | None, typer.Option("--algorithm", help=lazy_gettext("Matching algorithm (default: liaison-name-v3)."))
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help=lazy_gettext('JSON lines: {"query_id", "matches": [{"entity_id", ...}]} per name.')
        ),
    ] = False,
    fail_on_match: Annotated[
        bool, typer.Option("--fail-on-match", help=lazy_gettext("Exit 3 when any name matched."))
    ] = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.screening import screen
    from liaison.db import transaction
    from liaison.interchange.screening_csv import parse
    from liaison.queries.bank_index import shared_index

    c = ctx()
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(_("cannot read %(file)s: %(error)s", file=file, error=exc), 2)
    actor = c.actor(as_user)
    with handled():
        queries = parse(data, max_rows=c.settings.screen_max_rows)
        started = time.monotonic()
        index = shared_index(c.engine, algorithm).get()  # before the transaction: no write lock while indexing
        took = time.monotonic() - started
        typer.echo(
            ngettext(
                "indexed %(num)d entities in %(seconds).1fs",
                "indexed %(num)d entities in %(seconds).1fs",
                index.size,
                seconds=took,
            ),
            err=True,
        )
        with transaction(c.sessions) as session:
            found, lines = screen(
                session,
                actor=actor,
                queries=queries,
                top=top,
                threshold=threshold if threshold is not None else c.settings.match_threshold,
                algorithm=algorithm,
                filename=file.name,
                via="cli",
                progress=_progress(),
                index=index,
            )
            run_id, matched, cut = found.id, found.match_count, found.threshold
    for line in lines:
        if as_json:
            typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            _print_line(line, {q.id: q.name for q in queries})
    typer.echo(
        ngettext(
            "run %(id)s: %(num)d names, %(matched)d matched (threshold %(threshold)s)",
            "run %(id)s: %(num)d names, %(matched)d matched (threshold %(threshold)s)",
            len(queries),
            id=run_id,
            matched=matched,
            threshold=cut,
        ),
        err=True,
    )
    if fail_on_match and matched:
        raise typer.Exit(3)


def _print_line(line: dict[str, Any], names: dict[str, str]) -> None:
    typer.echo(f"{line['query_id']}  {names.get(line['query_id'], '')}")
    if not line["matches"]:
        typer.echo("    " + _("(no candidate)"))
    for m in line["matches"]:
        # Translators: a screening hit at or above the threshold, in a fixed-width column of the CLI's output
        word = _("MATCH") if m["match"] else ""
        flag = f"{word:<5}"
        decided = m["explanation"].get("decision")
        note = f"  [{decided['text']}]" if decided else ""
        typer.echo(f"    {flag} {m['score']:.2f}  {m['reference']:<14} {m['name']}{note}")
        typer.echo(f"           {m['explanation'].get('summary', '')}")


@screen_app.command(
    "decide",
    help=lazy_gettext(
        "Decide that a hit is a true or a false match (analysts); the next screening of the same name by your\n"
        "organisation applies it."
    ),
)
def decide(
    hit_id: Annotated[
        str, typer.Argument(help=lazy_gettext("The hit's id (from the API, the web page or the run's results)."))
    ],
    verdict: Annotated[Verdict, typer.Argument(help=lazy_gettext("true: a true match; false: a false match."))],
    note: Annotated[str, typer.Option("--note", help=lazy_gettext("Why (kept with the decision)."))] = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.screening import decide as act
    from liaison.db import transaction

    try:
        ident = uuid.UUID(hit_id)
    except ValueError:
        fail(_("%(value)r is not a hit id", value=hit_id), 2)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        hit = act(session, actor=actor, hit_id=ident, verdict=f"{verdict.value}_match", note=note)
        out = {"hit_id": str(hit.id), "entity_id": str(hit.entity_id), "decision": hit.decision, "match": hit.match}
    if as_json:
        emit(out)
    else:
        typer.echo(
            _(
                "hit %(id)s: %(decision)s (applied to the next screening of this name)",
                id=out["hit_id"],
                decision=out["decision"],
            )
        )
