"""The financing analysis at the command line: ``liaison analyze funding|common-funders|flags`` and
``liaison transactions import``.

Like every local command these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then sees exactly what they may see. A group is given by its entity id or by a name that is
exactly one visible entity's name. Exit codes: 0 done, 1 refused (a bad file, an unknown group), 2 a badly
given option.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext, usage
from liaison.i18n import _, ngettext

analyze = typer.Typer()
transactions_app = typer.Typer(help=lazy_gettext("Money transactions for the analysis centre."), no_args_is_help=True)

FromOpt = Annotated[str | None, typer.Option("--from", help=lazy_gettext("First day of the window (YYYY-MM-DD)."))]
ToOpt = Annotated[str | None, typer.Option("--to", help=lazy_gettext("Last day of the window (YYYY-MM-DD)."))]


def _day(value: str | None, option: str) -> date | None:
    from liaison.timeinput import calendar_day

    if not value:
        return None
    with usage():
        return calendar_day(value, option)
    raise AssertionError  # unreachable


def _group(session: Any, actor: Any, text: str) -> str:
    """An entity id as given, or the one visible entity with exactly this name."""
    import uuid

    from liaison.actions.transactions import resolve
    from liaison.queries.bank_access import viewer_for

    try:
        return str(uuid.UUID(text))
    except ValueError:
        found = resolve(session, viewer_for(session, actor), [text]).get(text)
        if found is None:
            fail(_("no group %(name)r: give its entity id, or a name only one entity you may see has", name=text))
        return str(found)


def _money(value: str | None, currency: str) -> str:
    return "-" if value is None else f"{value} {currency}"


@analyze.command("funding", help=lazy_gettext("Trace a group's funding upstream, with amounts converted and flags."))
def funding(
    group: Annotated[str, typer.Argument(help=lazy_gettext("The group: entity id or exact name."))],
    since: FromOpt = None,
    until: ToOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import funding as q

    start, end = _day(since, "from"), _day(until, "to")
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = q.funding(
            session,
            actor,
            _group(session, actor, group),
            since=start,
            until=end,
            currency=c.settings.reporting_currency,
        )
    if as_json:
        emit(out)
        return
    cur = out["currency"]
    typer.echo(f"{out['group']['caption']}  [{out['marking'] or '-'}]")
    if out["synthetic"]:
        typer.echo(_("Synthetic demo data."))
    typer.echo(_("Received directly: %(amount)s", amount=_money(out["received"], cur)))
    typer.echo(_("Funders (total sent towards the group, hops from it):"))
    for f in out["funders"]:
        typer.echo(f"  {f['caption']:<40} {_money(f['total'], cur):>22}  {f['hops']}")
    _print_flags(out["flags"])
    if out["unconverted"]:
        typer.echo(
            ngettext(
                "%(num)d transaction has no exchange rate and is left out of the sums.",
                "%(num)d transactions have no exchange rate and are left out of the sums.",
                len(out["unconverted"]),
            )
        )


def _print_flags(flags: list[dict[str, Any]]) -> None:
    typer.echo(ngettext("%(num)d flag", "%(num)d flags", len(flags)))
    for f in flags:
        typer.echo(f"* {f['label']}: {f['party']['caption']} ({f['first']} – {f['last']}) [{f['marking']}]")
        typer.echo(f"  {f['explanation']}")
        for t in f["transactions"]:
            typer.echo(
                f"    {t['date']}  {t['amount']} {t['currency']} ({t['converted']} {f['currency']})  "
                f"{t['from']['caption']} → {t['to']['caption']}  {t['reference']}"
            )


@analyze.command("common-funders", help=lazy_gettext("Parties funding every one of the groups given."))
def common_funders(
    groups: Annotated[list[str], typer.Argument(help=lazy_gettext("Two or more groups: entity ids or exact names."))],
    since: FromOpt = None,
    until: ToOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import funding as q

    start, end = _day(since, "from"), _day(until, "to")
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        ids = [_group(session, actor, g) for g in groups]
        out = q.common_funders(session, actor, ids, since=start, until=end, currency=c.settings.reporting_currency)
    if as_json:
        emit(out)
        return
    names = {g["id"]: g["caption"] for g in out["groups"]}
    typer.echo(", ".join(names.values()))
    if not out["funders"]:
        typer.echo(_("No common funder."))
    for f in out["funders"]:
        per = "; ".join(f"{names[g]}: {_money(v, out['currency'])}" for g, v in f["by_group"].items())
        typer.echo(f"  {f['caption']:<40} {per}")


@analyze.command(
    "flags", help=lazy_gettext("Structuring, rapid pass-through and circular flows, with their transactions.")
)
def flags(since: FromOpt = None, until: ToOpt = None, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    from liaison.db import transaction
    from liaison.queries import funding as q

    start, end = _day(since, "from"), _day(until, "to")
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = q.flags(session, actor, since=start, until=end, currency=c.settings.reporting_currency)
    if as_json:
        emit(out)
        return
    _print_flags(out["flags"])


@transactions_app.command(
    "import",
    help=lazy_gettext(
        "Import transactions from CSV (date, amount, currency, from, to, reference, source). A file with a bad "
        "row imports nothing unless --skip-invalid."
    ),
)
def import_file(
    file: Annotated[typer.FileBinaryRead, typer.Argument(help=lazy_gettext("The CSV file ('-' for standard input)."))],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help=lazy_gettext("Import the good rows and report the refused ones."))
    ] = False,
    tlp: Annotated[
        str, typer.Option("--tlp", help=lazy_gettext("Marking of rows without their own, e.g. 'TLP:AMBER REL TO FR'."))
    ] = "TLP:AMBER",
    source: Annotated[str, typer.Option("--source", help=lazy_gettext("Source of rows without their own."))] = "",
    grade: Annotated[
        str, typer.Option("--grade", help=lazy_gettext("Grade of every row without its own, e.g. B2."))
    ] = "F6",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.bank_bulk import ImportRefused, marking_from_text, parse_grade
    from liaison.actions.bank_import import import_summary
    from liaison.actions.transactions import ImportDefaults, import_transactions
    from liaison.db import transaction
    from liaison.marking import MarkingError

    with usage():
        try:
            marking = marking_from_text(tlp)
        except MarkingError as exc:
            fail(str(exc), 2)
        reliability, credibility = parse_grade(grade)
    c = ctx()
    actor = c.actor(as_user)
    data = file.read(c.settings.import_max_bytes + 1)
    name = getattr(file, "name", "") or ""

    def progress(done: int, total: int) -> None:
        if total >= 5000:  # a big file: say how far the import is (stderr, so --json stays clean)
            typer.echo(_("%(done)s of %(total)s rows written", done=done, total=total), err=True)

    defaults = ImportDefaults(marking, source or str(name), reliability, credibility)
    with handled():
        try:
            with transaction(c.sessions) as session:
                imp = import_transactions(
                    session,
                    actor=actor,
                    data=data,
                    filename=str(name),
                    defaults=defaults,
                    skip_invalid=skip_invalid,
                    max_bytes=c.settings.import_max_bytes,
                    progress=progress,
                )
                out = import_summary(imp)
        except ImportRefused as exc:
            for item in exc.errors:
                typer.echo(_("error: %(error)s", error=item["detail"]), err=True)
            if as_json:
                emit({"imported": 0, "refused": exc.errors})
            if skip_invalid:
                fail(_("the file was refused: nothing was imported"))
            fail(_("the file was refused: nothing was imported (--skip-invalid imports the good rows)"))
    if as_json:
        emit(out)
        return
    for item in out["report"]["refused"]:
        typer.echo(_("refused: %(error)s", error=item["detail"]), err=True)
    typer.echo(
        _(
            "%(added)s transactions imported, %(refused)s rows refused, %(linked)s parties linked to bank entities.",
            added=out["added"],
            refused=out["refused"],
            linked=out["report"]["parties_linked"],
        )
    )
