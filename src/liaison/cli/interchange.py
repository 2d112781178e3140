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

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled

import_app = typer.Typer(help="Import into the information bank (UN list, FollowTheMoney, CSV).", no_args_is_help=True)


export_app = typer.Typer(
    help="Export the information bank as you may see it (FollowTheMoney, CSV).", no_args_is_help=True
)


FileArg = Annotated[Path, typer.Argument(help="The file to import.", exists=True, dir_okay=False, readable=True)]


MarkingOpt = Annotated[
    str, typer.Option("--marking", help="Marking of every statement, e.g. TLP:AMBER or 'TLP:RED REL TO FR DE'.")
]


GradeOpt = Annotated[str, typer.Option("--grade", help="Source reliability A-F and credibility 1-6, e.g. B2.")]


SourceOpt = Annotated[str, typer.Option("--source", help="Where the file comes from (report, file number).")]


CategoryOpt = Annotated[
    str,
    typer.Option(
        "--category",
        help="Data-subject category of the persons: suspect, convicted, foreign_terrorist_fighter, associate, "
        "victim or witness.",
    ),
]


BasisOpt = Annotated[str, typer.Option("--legal-basis", help="Legal basis on which the persons are held.")]


DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Print what the import would do (added, changed, delisted, relisted); write nothing."
    ),
]


AllowMassOpt = Annotated[
    bool,
    typer.Option(
        "--allow-mass-delisting",
        help="Import even when it delists more than LIAISON_IMPORT_MAX_DELISTED_SHARE of the list's active "
        "entries (default 10%); refused otherwise.",
    ),
]


OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: standard output).")]


def _progress(what: str) -> Callable[[int], None]:
    started = time.monotonic()

    def report(done: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        typer.echo(f"{what}: {done:,} entities ({rate:,.0f}/s)", err=True)

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
                typer.echo(f"error: {item['detail']}", err=True)
            fail("the file was refused: nothing was imported")
        except MassDelisting as exc:
            fail(
                f"{exc.detail}. Check the file (--dry-run prints what the import would do), or pass "
                "--allow-mass-delisting if the list really shrank so much."
            )
    mass = data["report"].get("mass_delisting")
    if as_json:
        emit(data)
    else:
        head = f"dry run of a {kind} import (nothing was written)" if dry_run else f"{kind} import {data['id']}"
        typer.echo(
            f"{head}: {data['added']} added, {data['changed']} changed, {data['unchanged']} unchanged, "
            f"{data['delisted']} delisted, {data['relisted']} relisted, {data['refused']} refused"
        )
        for item in data["report"].get("refused", []):
            typer.echo(f"refused {item.get('reference', '')}: {item['reason']}", err=True)
    if mass and not mass["allowed"]:  # a dry run: the import itself would be refused
        fail(f"the import would be refused: {mass_delisting_text(mass)}; pass --allow-mass-delisting to import it")
    if mass:
        verb = "would be delisted" if dry_run else "delisted"
        typer.echo(
            f"warning: {mass['delisting']:,} of the {mass['active']:,} active entries of {mass['list']} {verb} "
            f"({mass['share']:.1%}, over the limit of {mass['threshold'] * 100:g}%), as --allow-mass-delisting allowed",
            err=True,
        )


@import_app.command("un-sc")
def import_un(
    file: FileArg,
    dry_run: DryRunOpt = False,
    allow_mass_delisting: AllowMassOpt = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Import (or re-import) the UN Security Council Consolidated List XML.

    Entries are found again by their reference (e.g. QDi.400): new values are added, values no longer listed
    are retracted (kept, dated), and entries missing from the file are marked delisted (never deleted).

    A file that would delist more than LIAISON_IMPORT_MAX_DELISTED_SHARE (10%) of the active entries,
    as an empty or truncated one would, is refused (exit 1, nothing written, the figures printed)
    unless --allow-mass-delisting. --dry-run prints the report and writes nothing (exit 1 when the
    import would be refused)."""
    from liaison.actions.bank_import import import_un_list

    def work(session: Any, actor: Any, limit: int, guard: Any) -> Any:
        return import_un_list(
            session, actor=actor, data=file.read_bytes(), filename=file.name, max_bytes=limit, guard=guard
        )

    _run("un-sc", as_json, as_user, work, dry_run, allow_mass_delisting)


@import_app.command("ftm")
def import_ftm_cmd(
    file: FileArg,
    marking: MarkingOpt = "TLP:AMBER",
    grade: GradeOpt = "F6",
    source: SourceOpt = "",
    category: CategoryOpt = "suspect",
    legal_basis: BasisOpt = "",
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", help="Name of the dataset, to find its entities again (default: the file name)."),
    ] = None,
    dry_run: DryRunOpt = False,
    allow_mass_delisting: AllowMassOpt = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Import FollowTheMoney entities (JSON lines) as your organisation's contribution.

    Person, Organization (and Company, PublicBody), Address and Event, with Membership, Directorship, Family,
    Associate and UnknownLink as relations. A file with persons needs --legal-basis. One bad line refuses the
    whole file (exit 1, every bad line printed).

    Each entity keeps its FtM id: importing a newer file of the same dataset updates it in place (new values
    added, values no longer there retracted, entities missing from the file marked delisted).

    A file in FtM's statement form (what `liaison export ftm` writes) brings each value's own marking, grade,
    source and observation date, and each entity's list references (e.g. un-sc QDi.400), category, legal
    basis and review date: the options are then defaults for what the file leaves out. The contributor and
    the list references are kept only by the node operator's import (the contributor for an organisation
    this node knows); anyone else's import is their organisation's contribution.

    The file is a full snapshot: one that would delist more than LIAISON_IMPORT_MAX_DELISTED_SHARE
    (10%) of the dataset's active entities is refused (exit 1, nothing written, the figures printed)
    unless --allow-mass-delisting. --dry-run prints the report and writes nothing (exit 1 when the
    import would be refused)."""
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


@import_app.command("csv")
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
    """Import the analysts' CSV: one row per entity (columns: key, schema, name, alias, code_name, birth_date,
    nationality, ..., relation columns such as member_of, and provenance columns source, grade, marking).

    The options are the defaults for rows that leave a provenance column empty. A row repeating an earlier
    row's key adds values to that entity with its own provenance (as `liaison export csv` writes an entity
    whose values have different markings). See docs for the columns."""
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
        help="Also export values marked up to this level (AMBER, AMBER+STRICT or RED), each carrying its marking, "
        "grade, source and contributor. Without it the audience is the network: only TLP:CLEAR and TLP:GREEN "
        "values without handling conditions leave.",
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
        fail(f"--max-marking: {exc}", 2)
        raise AssertionError from None
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
    typer.echo(f"audience: {export_audience(level)}", err=True)
    included = ", ".join(f"TLP:{tlp} {n:,}" for tlp, n in markings.items()) or "none"
    typer.echo(
        f"exported {count - (1 if kind == 'csv' else 0):,} {kind} lines; values by marking: {included}", err=True
    )


@export_app.command("ftm")
def export_ftm_cmd(output: OutOpt = None, max_marking: MaxMarkingOpt = None, as_user: AsOpt = None) -> None:
    """Export the bank as FollowTheMoney JSON lines in FtM's statement form: of what you may see, only what the
    export's audience may receive, each value with its marking, grade, source and contributor, each entity
    with its list references. Audited with its audience and the markings it carries."""
    _export("ftm", output, as_user, max_marking)


@export_app.command("csv")
def export_csv_cmd(output: OutOpt = None, max_marking: MaxMarkingOpt = None, as_user: AsOpt = None) -> None:
    """Export the bank as the analysts' CSV: one row per entity and provenance (source, grade, marking,
    contributor columns), with the same audience rule as the FtM export."""
    _export("csv", output, as_user, max_marking)
