"""``liaison incidents import|list`` and ``liaison analyze trends``: incidents in the GTD codebook's layout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext, usage
from liaison.i18n import _

analyze = typer.Typer()
incidents_app = typer.Typer(help=lazy_gettext("Incidents (Global Terrorism Database layout)."), no_args_is_help=True)

FromOpt = Annotated[str | None, typer.Option("--from", help=lazy_gettext("From this day, YYYY-MM-DD."))]
ToOpt = Annotated[str | None, typer.Option("--to", help=lazy_gettext("Up to this day, YYYY-MM-DD."))]
RegionOpt = Annotated[int | None, typer.Option("--region", help=lazy_gettext("GTD region code (1-12)."))]
CountryOpt = Annotated[
    str | None, typer.Option("--country", help=lazy_gettext("ISO 3166 alpha-2 code or country name."))
]
AttackOpt = Annotated[int | None, typer.Option("--attack-type", help=lazy_gettext("GTD attack type code (1-9)."))]
TargetOpt = Annotated[int | None, typer.Option("--target-type", help=lazy_gettext("GTD target type code (1-22)."))]
GroupOpt = Annotated[str | None, typer.Option("--group", help=lazy_gettext("The perpetrator group's entity id."))]


def _filters(**given: Any) -> Any:
    from liaison.queries.incidents import parse_filters

    with usage():
        return parse_filters(**given)


@incidents_app.command(
    "import",
    help=lazy_gettext(
        "Import incidents from CSV in the GTD codebook's column layout (eventid, iyear, imonth, iday, country_txt, "
        "region, latitude, longitude, attacktype1, weaptype1, targtype1, nkill, nwound, gname, ...).\n"
        "\n"
        "One transaction: a file with a bad row is refused whole, every bad row named with its reason, unless "
        "--skip-invalid, which imports the good rows and lists the refused ones. Exit 1 when rows were refused and "
        "nothing was imported."
    ),
)
def import_command(
    file: Annotated[Path, typer.Argument(help=lazy_gettext("The CSV file."), exists=True, dir_okay=False)],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help=lazy_gettext("Import the good rows; report the refused ones."))
    ] = False,
    tlp: Annotated[
        str, typer.Option("--tlp", help=lazy_gettext("Marking of rows that give none, e.g. TLP:AMBER REL TO FR DE."))
    ] = "TLP:AMBER",
    grade: Annotated[str, typer.Option("--grade", help=lazy_gettext("Grade of rows that give none, e.g. B2."))] = "F6",
    source: Annotated[str, typer.Option("--source", help=lazy_gettext("Source of rows that give none."))] = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.bank_bulk import ImportRefused, marking_from_text, parse_grade
    from liaison.actions.incidents import run_import

    c = ctx()
    actor = c.actor(as_user)
    with usage():
        marking = marking_from_text(tlp)
        reliability, credibility = parse_grade(grade)

    def progress(done: int) -> None:
        typer.echo(_("%(file)s: %(count)s rows", file=file.name, count=f"{done:,}"), err=True)

    with handled():
        try:
            with file.open("rb") as stream:
                data = run_import(
                    c.sessions,
                    actor=actor,
                    data=stream,
                    filename=file.name,
                    skip_invalid=skip_invalid,
                    marking=marking,
                    reliability=reliability,
                    credibility=credibility,
                    source=source or file.name,
                    max_bytes=c.settings.import_max_bytes,
                    progress=progress,
                )
        except ImportRefused as exc:
            for item in exc.errors:
                typer.echo(_("error: %(error)s", error=item["detail"]), err=True)
            fail(_("the file was refused: nothing was imported (--skip-invalid imports the good rows)"))
    if as_json:
        emit(data)
    else:
        typer.echo(
            _(
                "incidents import %(id)s: %(added)d added, %(changed)d changed, %(unchanged)d unchanged, "
                "%(refused)d refused",
                id=data["id"],
                added=data["added"],
                changed=data["changed"],
                unchanged=data["unchanged"],
                refused=data["refused"],
            )
        )
        for item in data["report"].get("refused", []):
            typer.echo(_("refused: %(detail)s", detail=item["detail"]), err=True)
        unlinked = data["report"].get("unlinked_groups", [])
        if unlinked:
            typer.echo(_("groups not found in the bank (kept as text): %(names)s", names="; ".join(unlinked)))
    if data["refused"] and not (data["added"] or data["changed"] or data["unchanged"]):
        raise typer.Exit(1)


@incidents_app.command("list", help=lazy_gettext("The incidents you may see, newest first, with filters."))
def list_command(
    start: FromOpt = None,
    end: ToOpt = None,
    region: RegionOpt = None,
    country: CountryOpt = None,
    attack_type: AttackOpt = None,
    target_type: TargetOpt = None,
    group: GroupOpt = None,
    page: Annotated[int, typer.Option("--page", min=1, help=lazy_gettext("Page number."))] = 1,
    per_page: Annotated[
        int, typer.Option("--per-page", min=1, max=500, help=lazy_gettext("Incidents per page (1-500)."))
    ] = 50,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries.bank_access import viewer_for
    from liaison.queries.incidents import list_incidents

    filters = _filters(
        start=start,
        end=end,
        region=region,
        country=country,
        attack_type=attack_type,
        target_type=target_type,
        group=group,
    )
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        found = list_incidents(session, viewer_for(session, actor), filters, page=page, per_page=per_page)
    if as_json:
        emit(found.to_dict())
        return
    out = sys.stdout
    if found.marking:
        out.write(found.marking.label + "\n")
    if found.synthetic:
        out.write(_("Synthetic data: generated for the demo and the tests, not real incidents.") + "\n")
    for i in found.items:
        place = ", ".join(p for p in (i["city"], i["country_name"]) if p)
        out.write(
            f"{i['date']}  {i['eventid']}  {place}  {i['attack_type_label']} / {i['target_type_label']}  "
            f"{i['killed'] if i['killed'] is not None else '?'}/{i['wounded'] if i['wounded'] is not None else '?'}"
            f"  {i['group_name']}\n"
        )
    out.write(_("%(shown)s of %(total)s incidents", shown=len(found.items), total=found.total) + "\n")


@analyze.command(
    "trends",
    help=lazy_gettext(
        "Incident counts and casualties over time, by region, attack type, target type or group (the largest "
        "series; the rest summed as other), over the incidents you may see."
    ),
)
def trends_command(
    by: Annotated[
        str, typer.Option("--by", help=lazy_gettext("region, attack-type, target-type or group."))
    ] = "region",
    period: Annotated[str, typer.Option("--period", help=lazy_gettext("month, quarter or year."))] = "year",
    start: FromOpt = None,
    end: ToOpt = None,
    region: RegionOpt = None,
    country: CountryOpt = None,
    group: GroupOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries.bank_access import viewer_for
    from liaison.queries.incidents import DIMENSIONS, PERIODS, trends

    if by not in DIMENSIONS:
        fail(_("--by: %(value)r: choose from %(choices)s", value=by, choices=", ".join(DIMENSIONS)), 2)
    if period not in PERIODS:
        fail(_("--period: %(value)r: choose from %(choices)s", value=period, choices=", ".join(PERIODS)), 2)
    filters = _filters(start=start, end=end, region=region, country=country, group=group)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        trend = trends(session, viewer_for(session, actor), by, period, filters)
    if as_json:
        emit(trend.to_dict())
        return
    out = sys.stdout
    if trend.marking:
        out.write(trend.marking.label + "\n")
    if trend.synthetic:
        out.write(_("Synthetic data: generated for the demo and the tests, not real incidents.") + "\n")
    if not trend.labels:
        out.write(_("No incidents.") + "\n")
        return
    width = max(len(s.label) for s in trend.series)
    out.write(" " * width + "  " + "  ".join(f"{label:>8}" for label in trend.labels) + "\n")
    for s in trend.series:
        out.write(f"{s.label:<{width}}  " + "  ".join(f"{n:>8}" for n in s.counts) + "\n")
