"""Bank imports and exports at the command line: ``liaison import un-sc|ftm|csv FILE`` and
``liaison export ftm|csv``.

Like every local command, these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then has exactly their own rights. An import is one transaction: exit 0 when it was
imported, 1 when it was refused (every bad line is printed on standard error, and nothing was imported) or when it
would delist more than LIAISON_IMPORT_MAX_DELISTED_SHARE of a list (without ``--allow-mass-delisting``).
``--dry-run`` prints the report and writes nothing; its exit code is the one the import would have.
Progress of long imports goes to standard error; data (reports, exports) to standard output.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _, ngettext

import_app = typer.Typer(
    help=lazy_gettext("Import into the information bank (UN list, FollowTheMoney, CSV)."), no_args_is_help=True
)


export_app = typer.Typer(
    help=lazy_gettext("Export the information bank as you may see it (FollowTheMoney, CSV)."), no_args_is_help=True
)


FileArg = Annotated[
    Path, typer.Argument(help=lazy_gettext("The file to import."), exists=True, dir_okay=False, readable=True)
]


MarkingOpt = Annotated[
    str,
    typer.Option(
        "--marking", help=lazy_gettext("Marking of every statement, e.g. TLP:AMBER or 'TLP:RED REL TO FR DE'.")
    ),
]


GradeOpt = Annotated[
    str, typer.Option("--grade", help=lazy_gettext("Source reliability A-F and credibility 1-6, e.g. B2."))
]


SourceOpt = Annotated[
    str, typer.Option("--source", help=lazy_gettext("Where the file comes from (report, file number)."))
]


CategoryOpt = Annotated[
    str,
    typer.Option(
        "--category",
        help=lazy_gettext(
            "Data-subject category of the persons: suspect, convicted, foreign_terrorist_fighter, associate, "
            "victim or witness."
        ),
    ),
]


BasisOpt = Annotated[
    str, typer.Option("--legal-basis", help=lazy_gettext("Legal basis on which the persons are held."))
]


DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help=lazy_gettext("Print what the import would do (added, changed, delisted, relisted); write nothing."),
    ),
]


AllowMassOpt = Annotated[
    bool,
    typer.Option(
        "--allow-mass-delisting",
        help=lazy_gettext(
            "Import even when it delists more than LIAISON_IMPORT_MAX_DELISTED_SHARE of the list's active "
            "entries (default 10%); refused otherwise."
        ),
    ),
]


OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help=lazy_gettext("Write to this file (default: standard output)."))
]


def _progress(what: str) -> Callable[[int], None]:
    started = time.monotonic()

    def report(done: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        typer.echo(
            ngettext(
                "%(what)s: %(count)s entities (%(rate)s/s)",
                "%(what)s: %(count)s entities (%(rate)s/s)",
                done,
                what=what,
                count=f"{done:,}",
                rate=f"{rate:,.0f}",
            ),
            err=True,
        )

    return report


def _defaults(marking: str, grade: str, source: str, category: str, legal_basis: str, filename: str) -> Any:
    from liaison.actions.bank_import import Defaults, marking_from_text, parse_grade

    with handled():
        reliability, credibility = parse_grade(grade)
        return Defaults(
            source=source or filename,
            reliability=reliability,
            credibility=credibility,
            marking=marking_from_text(marking),
            data_subject_category=category,
            legal_basis=legal_basis,
        )


def _run(
    kind: str,
    as_json: bool,
    as_user: str | None,
    work: Callable[[Any, Any, int, Any], Any],
    dry_run: bool = False,
    allow_mass_delisting: bool = False,
) -> None:
    from liaison.actions.bank_bulk import mass_delisting_text
    from liaison.actions.bank_import import DelistingGuard, ImportRefused, MassDelisting, run_import

    c = ctx()
    actor = c.actor(as_user)
    guard = DelistingGuard(c.settings.import_max_delisted_share, allow_mass_delisting, dry_run)
    with handled():
        try:
            data = run_import(
                c.sessions,
                actor=actor,
                work=lambda session: work(session, actor, c.settings.import_max_bytes, guard),
                dry_run=dry_run,
            )
        except ImportRefused as exc:
            for item in exc.errors:
                typer.echo(_("error: %(error)s", error=item["detail"]), err=True)
            fail(_("the file was refused: nothing was imported"))
        except MassDelisting as exc:
            fail(
                _(
                    "%(reason)s. Check the file (--dry-run prints what the import would do), or pass "
                    "--allow-mass-delisting if the list really shrank so much.",
                    reason=exc.detail,
                )
            )
    mass = data["report"].get("mass_delisting")
    if as_json:
        emit(data)
    else:
        if dry_run:
            head = _("dry run of a %(kind)s import (nothing was written)", kind=kind)
        else:
            head = _("%(kind)s import %(id)s", kind=kind, id=data["id"])
        counts = {k: data[k] for k in ("added", "changed", "unchanged", "delisted", "relisted", "refused")}
        typer.echo(
            _(
                "%(head)s: %(added)d added, %(changed)d changed, %(unchanged)d unchanged, "
                "%(delisted)d delisted, %(relisted)d relisted, %(refused)d refused",
                head=head,
                **counts,
            )
        )
        for item in data["report"].get("refused", []):
            reference = item.get("reference", "")
            typer.echo(_("refused %(reference)s: %(reason)s", reference=reference, reason=item["reason"]), err=True)
    if mass and not mass["allowed"]:  # a dry run: the import itself would be refused
        fail(
            _(
                "the import would be refused: %(reason)s; pass --allow-mass-delisting to import it",
                reason=mass_delisting_text(mass),
            )
        )
    if mass:
        figures = {
            "delisting": f"{mass['delisting']:,}",
            "active": f"{mass['active']:,}",
            "list": mass["list"],
            "share": f"{mass['share']:.1%}",
            "limit": f"{mass['threshold'] * 100:g}",
        }
        if dry_run:
            text = _(
                "warning: %(delisting)s of the %(active)s active entries of %(list)s would be delisted "
                "(%(share)s, over the limit of %(limit)s%%), as --allow-mass-delisting allowed",
                **figures,
            )
        else:
            text = _(
                "warning: %(delisting)s of the %(active)s active entries of %(list)s delisted "
                "(%(share)s, over the limit of %(limit)s%%), as --allow-mass-delisting allowed",
                **figures,
            )
        typer.echo(text, err=True)


@import_app.command(
    "un-sc",
    help=lazy_gettext(
        "Import (or re-import) the UN Security Council Consolidated List XML.\n"
        "\n"
        "Entries are found again by their reference (e.g. QDi.400): new values are added, values no longer listed\n"
        "are retracted (kept, dated), and entries missing from the file are marked delisted (never deleted).\n"
        "\n"
        "A file that would delist more than LIAISON_IMPORT_MAX_DELISTED_SHARE (10%) of the active entries,\n"
        "as an empty or truncated one would, is refused (exit 1, nothing written, the figures printed)\n"
        "unless --allow-mass-delisting. --dry-run prints the report and writes nothing (exit 1 when the\n"
        "import would be refused)."
    ),
)
def import_un(
    file: FileArg,
    dry_run: DryRunOpt = False,
    allow_mass_delisting: AllowMassOpt = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.bank_import import import_un_list

    def work(session: Any, actor: Any, limit: int, guard: Any) -> Any:
        return import_un_list(
            session, actor=actor, data=file.read_bytes(), filename=file.name, max_bytes=limit, guard=guard
        )

    _run("un-sc", as_json, as_user, work, dry_run, allow_mass_delisting)


@import_app.command(
    "ftm",
    help=lazy_gettext(
        "Import FollowTheMoney entities (JSON lines) as your organisation's contribution.\n"
        "\n"
        "Person, Organization (and Company, PublicBody), Address and Event, with Membership, Directorship, Family,\n"
        "Associate and UnknownLink as relations. A file with persons needs --legal-basis. One bad line refuses the\n"
        "whole file (exit 1, every bad line printed).\n"
        "\n"
        "Each entity keeps its FtM id: importing a newer file of the same dataset updates it in place (new values\n"
        "added, values no longer there retracted, entities missing from the file marked delisted).\n"
        "\n"
        "A file in FtM's statement form (what `liaison export ftm` writes) brings each value's own marking, grade,\n"
        "source and observation date, and each entity's list references (e.g. un-sc QDi.400), category, legal\n"
        "basis and review date: the options are then defaults for what the file leaves out. The contributor and\n"
        "the list references are kept only by the node operator's import (the contributor for an organisation\n"
        "this node knows); anyone else's import is their organisation's contribution.\n"
        "\n"
        "The file is a full snapshot: one that would delist more than LIAISON_IMPORT_MAX_DELISTED_SHARE\n"
        "(10%) of the dataset's active entities is refused (exit 1, nothing written, the figures printed)\n"
        "unless --allow-mass-delisting. --dry-run prints the report and writes nothing (exit 1 when the\n"
        "import would be refused)."
    ),
)
def import_ftm_cmd(
    file: FileArg,
    marking: MarkingOpt = "TLP:AMBER",
    grade: GradeOpt = "F6",
    source: SourceOpt = "",
    category: CategoryOpt = "suspect",
    legal_basis: BasisOpt = "",
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset", help=lazy_gettext("Name of the dataset, to find its entities again (default: the file name).")
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    allow_mass_delisting: AllowMassOpt = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.bank_import import import_ftm

    defaults = _defaults(marking, grade, source, category, legal_basis, file.name)

    def work(session: Any, actor: Any, limit: int, guard: Any) -> Any:
        with file.open("rb") as stream:
            return import_ftm(
                session,
                actor=actor,
                lines=stream,
                filename=file.name,
                defaults=defaults,
                max_bytes=limit,
                progress=_progress("ftm"),
                dataset=dataset,
                guard=guard,
            )

    _run("ftm", as_json, as_user, work, dry_run, allow_mass_delisting)


@import_app.command(
    "csv",
    help=lazy_gettext(
        "Import the analysts' CSV: one row per entity (columns: key, schema, name, alias, code_name, birth_date,\n"
        "nationality, ..., relation columns such as member_of, and provenance columns source, grade, marking).\n"
        "\n"
        "The options are the defaults for rows that leave a provenance column empty. A row repeating an earlier\n"
        "row's key adds values to that entity with its own provenance (as `liaison export csv` writes an entity\n"
        "whose values have different markings). See docs for the columns."
    ),
)
def import_csv_cmd(
    file: FileArg,
    marking: MarkingOpt = "TLP:AMBER",
    grade: GradeOpt = "F6",
    source: SourceOpt = "",
    category: CategoryOpt = "suspect",
    legal_basis: BasisOpt = "",
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.bank_import import import_csv

    defaults = _defaults(marking, grade, source, category, legal_basis, file.name)

    def work(session: Any, actor: Any, limit: int, _guard: Any) -> Any:
        return import_csv(
            session, actor=actor, data=file.read_bytes(), filename=file.name, defaults=defaults, max_bytes=limit
        )

    _run("csv", as_json, as_user, work, dry_run)


MaxMarkingOpt = Annotated[
    str | None,
    typer.Option(
        "--max-marking",
        help=lazy_gettext(
            "Also export values marked up to this level (AMBER, AMBER+STRICT or RED), each carrying its marking, "
            "grade, source and contributor. Without it the audience is the network: only TLP:CLEAR and TLP:GREEN "
            "values without handling conditions leave."
        ),
    ),
]


def _export(kind: str, output: Path | None, as_user: str | None, max_marking: str | None) -> None:
    from liaison.actions.bank_import import record_export
    from liaison.db import transaction
    from liaison.marking import MarkingError, export_audience, parse_tlp
    from liaison.queries.bank_access import viewer_for
    from liaison.queries.bank_export import export_csv, export_ftm, marking_counts

    try:
        level = parse_tlp(max_marking) if max_marking is not None else None
    except MarkingError as exc:
        fail(_("--max-marking: %(error)s", error=exc), 2)
    c = ctx()
    actor = c.actor(as_user)
    count = 0
    with handled(), c.sessions() as session:
        viewer = viewer_for(session, actor)
        markings = marking_counts(session, viewer, level)
        chunks = export_ftm(session, viewer, level) if kind == "ftm" else export_csv(session, viewer, level)
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for chunk in chunks:
                out.write(chunk)
                count += 1
        finally:
            if output:
                out.close()
    with transaction(c.sessions) as session:
        record_export(session, actor=actor, kind=kind, lines=count, max_marking=level, markings=markings)
    typer.echo(_("audience: %(audience)s", audience=export_audience(level)), err=True)
    included = ", ".join(f"TLP:{tlp} {n:,}" for tlp, n in markings.items()) or _("none")
    lines = count - (1 if kind == "csv" else 0)
    typer.echo(
        ngettext(
            "exported %(count)s %(kind)s lines; values by marking: %(included)s",
            "exported %(count)s %(kind)s lines; values by marking: %(included)s",
            lines,
            count=f"{lines:,}",
            kind=kind,
            included=included,
        ),
        err=True,
    )


@export_app.command(
    "ftm",
    help=lazy_gettext(
        "Export the bank as FollowTheMoney JSON lines in FtM's statement form: of what you may see, only what the\n"
        "export's audience may receive, each value with its marking, grade, source and contributor, each entity\n"
        "with its list references. Audited with its audience and the markings it carries."
    ),
)
def export_ftm_cmd(output: OutOpt = None, max_marking: MaxMarkingOpt = None, as_user: AsOpt = None) -> None:
    _export("ftm", output, as_user, max_marking)


@export_app.command(
    "csv",
    help=lazy_gettext(
        "Export the bank as the analysts' CSV: one row per entity and provenance (source, grade, marking,\n"
        "contributor columns), with the same audience rule as the FtM export."
    ),
)
def export_csv_cmd(output: OutOpt = None, max_marking: MaxMarkingOpt = None, as_user: AsOpt = None) -> None:
    _export("csv", output, as_user, max_marking)
