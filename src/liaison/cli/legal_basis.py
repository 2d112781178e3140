"""Common legal ground at the command line: ``liaison legal basis``, ``liaison legal seed`` and
``liaison legal import-participations``.

Legal facts are public law: any user with an agency or a role reads them; the seed and the import write, as the
node operator unless ``--as USER`` names a user (a secretariat, or a contact point for its own state's rows).
Exit codes: 0 done, 1 refused (an unknown state or instrument, with suggestions; a refused file), 2 a badly
given option.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext, usage
from liaison.i18n import _

legal = typer.Typer()


class Kind(StrEnum):
    mla = "mla"
    extradition = "extradition"
    spontaneous = "spontaneous"


def _day(value: str | None) -> date:
    from liaison.timeinput import calendar_day

    if not value:
        return datetime.now(UTC).date()
    with usage():
        return calendar_day(value, "on")
    raise AssertionError  # unreachable


CERTAINTY_WORDS = {
    "verified": lazy_gettext("verified"),
    "unverified": lazy_gettext("unverified"),
    "stale": lazy_gettext("stale"),
    "demo": lazy_gettext("demonstration data"),
}


def _certainty(value: str) -> str:
    return str(CERTAINTY_WORDS.get(value, value))


@legal.command(
    "basis",
    help=lazy_gettext(
        "The legal basis for a request from one state to another: the instruments in force between them, net of "
        "reservations, with citations and how fresh they are."
    ),
)
def basis(
    requesting: Annotated[str, typer.Argument(help=lazy_gettext("The requesting state (ISO code, e.g. FR)."))],
    requested: Annotated[str, typer.Argument(help=lazy_gettext("The requested state (ISO code, e.g. JP)."))],
    kind: Annotated[Kind, typer.Option("--kind", help=lazy_gettext("The kind of request."))] = Kind.mla,
    on: Annotated[
        str | None, typer.Option("--on", help=lazy_gettext("The day the request is made (YYYY-MM-DD; default today)."))
    ] = None,  # fmt: skip
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.legal.basis import answer_dict, check_pair, find_basis, kind_label
    from liaison.queries.legal_facts import jurisdiction_code, load_facts, require_legal_reader

    day = _day(on)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        require_legal_reader(actor)
        facts = load_facts(session)
        a, b = jurisdiction_code(facts, requesting), jurisdiction_code(facts, requested)
        check_pair(a, b)
        answer = find_basis(facts, a, b, kind.value, day, today=datetime.now(UTC).date())
    out = answer_dict(answer)
    if as_json:
        emit(out)
        return
    typer.echo(
        _(
            "%(a)s → %(b)s, %(kind)s, %(day)s: %(verdict)s (certainty: %(certainty)s)",
            a=a,
            b=b,
            kind=kind_label(kind.value),
            day=day.isoformat(),
            verdict=_verdict(answer.verdict),
            certainty=_certainty(answer.certainty),
        )
    )
    if answer.certainty == "demo":
        typer.echo(_("DEMONSTRATION DATA — NOT VERIFIED"))
    for note in answer.notes:
        typer.echo(f"  {note}")
    for item in out["items"]:
        flag = _(" (stands in for a bilateral treaty)") if item["stands_in"] else ""
        typer.echo(f"* {item['name']} [{item['instrument']}]{flag}")
        for p in item["provisions"]:
            typer.echo(f"    {p['article']} ({p['role']}): {p['summary']}")
        for r in item["reservations"]:
            typer.echo(f"    ! {r}")
    typer.echo(_("Citations:"))
    for cit in out["citations"]:
        typer.echo(_cite_line(cit))


def _cite_line(cit: dict[str, Any]) -> str:
    read = cit["retrieved_on"] or _("undated")
    return f"  - {cit['label']} — {cit['source'] or '-'} ({read}; {_certainty(cit['certainty'])})"


def _verdict(value: str) -> str:
    return {
        "treaty": _("a treaty basis"),
        "reciprocity": _("reciprocity only"),
        "none": _("no legal basis"),
    }.get(value, value)


@legal.command("seed", help=lazy_gettext("Load the seed instruments and the offence models (safe to run again)."))
def seed(as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    from liaison.db import transaction
    from liaison.legal.seed import seed_instruments

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        counts = seed_instruments(session, actor=actor)
    if as_json:
        emit(counts)
        return
    typer.echo(
        _(
            "%(added)s instruments added, %(updated)s updated, %(unchanged)s unchanged; %(models)s offence models.",
            **counts,
        )
    )
    typer.echo(_("The seed is not verified against the depositaries: check an entry before relying on it."))


@legal.command(
    "import-participations",
    help=lazy_gettext(
        "Import a ratification table from CSV (jurisdiction, instrument, consent, source, and dates). A file with "
        "a refused row imports nothing."
    ),
)
def import_participations(
    file: Annotated[typer.FileBinaryRead, typer.Argument(help=lazy_gettext("The CSV file ('-' for standard input)."))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=lazy_gettext("Check the file and say what it would do; write nothing."))
    ] = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.bank_bulk import ImportRefused
    from liaison.actions.legal_facts import import_participations as run
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    data = file.read(c.settings.import_max_bytes + 1)
    name = str(getattr(file, "name", "") or "")

    def progress(done: int, total: int) -> None:
        if total >= 2000:  # a big file: say how far the import is (stderr, so --json stays clean)
            typer.echo(_("%(done)s of %(total)s rows written", done=done, total=total), err=True)

    with handled():
        try:
            with transaction(c.sessions) as session:
                result = run(session, actor=actor, data=data, filename=name, max_bytes=c.settings.import_max_bytes,
                             dry_run=dry_run, progress=progress)  # fmt: skip
        except ImportRefused as exc:
            for item in exc.errors:
                typer.echo(_("error: %(error)s", error=item["detail"]), err=True)
            if as_json:
                emit({"imported": 0, "refused": exc.errors})
            fail(_("the file was refused: nothing was imported"))
    out = result.as_dict()
    if as_json:
        emit(out)
        return
    if dry_run:
        typer.echo(_("Dry run: nothing was written."))
    typer.echo(
        _(
            "%(rows)s rows: %(added)s participations added, %(updated)s updated, %(unchanged)s unchanged.",
            rows=out["rows"],
            added=out["added"],
            updated=out["updated"],
            unchanged=out["unchanged"],
        )
    )
