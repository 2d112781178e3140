"""The conduct-based dual-criminality check and a member's offences: ``liaison legal check`` and ``liaison legal
offences``.

Exit codes: 0 when the check ran, whatever its verdict (the verdict is in the output: a "not met" is an answer,
not a failure); 1 when the input is refused (a file that is not JSON, an unknown conduct element, state or kind,
with the nearest known codes); 2 for a badly given option.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _

legal = typer.Typer()

VERDICTS = {
    "met": lazy_gettext("met"),
    "not_met": lazy_gettext("not met"),
    "not_required": lazy_gettext("not required"),
    "unknown": lazy_gettext("cannot be decided"),
}


def _read(file: typer.FileText) -> Any:
    try:
        return json.loads(file.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(_("the facts file is not JSON: %(error)s", error=str(exc)))


@legal.command(
    "check",
    help=lazy_gettext(
        "Check dual criminality of the conduct in a case's facts (a JSON file: title, summary, conduct codes, "
        "requesting, kind, on) against each requested state's offences. Exit 0 when the check ran (the verdict is "
        "in the output), 1 when the input is refused."
    ),
)
def check(
    facts_file: Annotated[
        typer.FileText, typer.Argument(metavar="FACTS.json", help=lazy_gettext("The facts ('-' for standard input)."))
    ],
    requested: Annotated[
        str | None,
        typer.Option(
            "--requested", help=lazy_gettext("Requested states, comma-separated (default: the file's 'requested').")
        ),
    ] = None,
    requesting: Annotated[
        str | None, typer.Option("--requesting", help=lazy_gettext("The requesting state (overrides the file)."))
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help=lazy_gettext("mla, extradition or spontaneous (overrides the file).")),
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.legal.dual import parse_case
    from liaison.models import utcnow
    from liaison.queries.legal_check import check as run

    data = _read(facts_file)
    if isinstance(data, dict):
        if requesting:
            data["requesting"] = requesting
        if kind:
            data["kind"] = kind
    wanted = requested.split(",") if requested else []
    if not wanted and isinstance(data, dict) and isinstance(data.get("requested"), list):
        wanted = [str(r) for r in data["requested"]]
    c = ctx()
    actor = c.actor(as_user)
    with handled():
        case = parse_case(data, today=utcnow().date())
        with transaction(c.sessions) as session:
            out = run(session, actor, case, wanted)
    if as_json:
        emit(out)
        return
    if out["case"]["title"]:
        typer.echo(out["case"]["title"])
    typer.echo(_("Conduct: %(codes)s", codes=", ".join(out["case"]["conduct"])))
    for a in out["answers"]:
        typer.echo("")
        typer.echo(
            _(
                "%(requested)s (requested by %(requesting)s, %(kind)s): dual criminality %(verdict)s [%(certainty)s]",
                requested=a["requested"],
                requesting=a["requesting"],
                kind=a["kind"],
                verdict=str(VERDICTS[a["verdict"]]),
                certainty=a["certainty"],
            )
        )
        for line in a["explanation"]:
            typer.echo(f"  {line}")
        if a["citations"]:
            typer.echo("  " + _("Sources:"))
            for cit in a["citations"]:
                typer.echo(f"    - {cit['label']} [{cit['certainty']}] {cit['source']}")


@legal.command("offences", help=lazy_gettext("A member's national offences, their elements and their mappings."))
def offences(
    member: Annotated[str, typer.Argument(help=lazy_gettext("The member (ISO code)."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.legal.elements import label
    from liaison.models import utcnow
    from liaison.queries.legal_check import offences as run

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = run(session, actor, member, utcnow().date())
    if as_json:
        emit(out)
        return
    typer.echo(f"{out['member']} {out['name']}")
    if out["demo"]:
        typer.echo(_("Demonstration data: these offences are illustrative and not verified."))
    if not out["offences"]:
        typer.echo(_("No offences recorded."))
    for o in out["offences"]:
        name = o["label"] if not o["label_en"] or o["label_en"] == o["label"] else f"{o['label']} ({o['label_en']})"
        typer.echo(f"* {o['citation']}: {name} — {o['penalty']} [{o['certainty']}]")
        typer.echo("  " + _("Elements: %(labels)s", labels="; ".join(label(e) for e in o["elements"])))
        for g in o["any_of"]:
            typer.echo("  " + _("One of: %(labels)s", labels=" / ".join(label(e) for e in g)))
        for m in o["mappings"]:
            typer.echo(
                "  "
                + _(
                    "Maps to %(model)s (%(coverage)s), reviewed by %(reviewer)s",
                    model=m["model"],
                    coverage=m["coverage"],
                    reviewer=m["reviewed_by"] or "-",
                )
            )


@legal.command(
    "offences-import",
    help=lazy_gettext(
        "Import national offences from CSV (jurisdiction, citation, label, elements; optional language, label_en, "
        "max_penalty, any_of, in_force_from, repealed_on, source, source_url, retrieved_on, verified, models). "
        "All rows or none: a bad row refuses the file, every bad row listed with its reason."
    ),
)
def offences_import(
    file: Annotated[typer.FileBinaryRead, typer.Argument(help=lazy_gettext("The CSV file ('-' for standard input)."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.legal_offences import OffencesImportRefused, import_offences
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    data = file.read(c.settings.import_max_bytes + 1)
    if len(data) > c.settings.import_max_bytes:
        fail(_("the file is over the import size limit"))
    with handled():
        try:
            with transaction(c.sessions) as session:
                out = import_offences(session, actor=actor, data=data, filename=getattr(file, "name", "") or "")
        except OffencesImportRefused as exc:
            for error in exc.errors:
                typer.echo(str(error["detail"]), err=True)
            fail(exc.detail)
    if as_json:
        emit(out)
        return
    typer.echo(_("%(offences)s offence(s) and %(mappings)s mapping(s) imported.", **out))
