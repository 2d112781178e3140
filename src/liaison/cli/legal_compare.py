"""``liaison legal gaps`` and ``liaison legal compare``: a member's offence crosswalk against EU 2017/541, CETS 196
or 217 or the UN instruments, and the comparison of members' definitions of terrorism.

Exit codes: 0 done, 1 refused (an unknown member or target, with suggestions; no right to read), 2 a badly given
command (fewer than two members to compare). Every answer says how sure it is and whether it rests on
demonstration data or on a coverage computed from the elements rather than reviewed.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _

legal = typer.Typer()


def _notices(certainty: str, demo: bool, computed: bool) -> None:
    from liaison.legal_charts import COMPUTED_NOTICE, DEMO_NOTICE, UNVERIFIED_NOTICE, certainty_word

    typer.echo(_("Certainty: %(certainty)s", certainty=certainty_word(certainty)))
    if demo:
        typer.echo(str(DEMO_NOTICE))
    elif certainty in ("unverified", "stale"):
        typer.echo(str(UNVERIFIED_NOTICE))
    if computed:
        typer.echo(str(COMPUTED_NOTICE))


def _citations(citations: list[dict[str, Any]]) -> None:
    from liaison.legal_charts import certainty_word

    typer.echo(_("Sources:"))
    for c in citations:
        when = _("read on %(day)s", day=c["retrieved_on"]) if c["retrieved_on"] else _("date of reading unknown")
        typer.echo(f"  - {c['label']}: {c['source'] or '-'} ({when}; {certainty_word(c['certainty'])})")


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


@legal.command(
    "gaps",
    help=lazy_gettext(
        "A member's offences against the international offence models: covered, partial or gap, with what is "
        "missing. --against: eu-2017-541 (Arts 3-12), cets-196, cets-217, un, or any instrument code."
    ),
)
def gaps(
    member: Annotated[str, typer.Argument(help=lazy_gettext("The member's ISO code, e.g. FR."))],
    against: Annotated[
        str,
        typer.Option(
            "--against", help=lazy_gettext("The target: eu-2017-541, cets-196, cets-217, un, or an instrument.")
        ),
    ] = "eu-2017-541",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.legal.compare import report_dict
    from liaison.legal_charts import BASIS_WORDS, STATUS_WORDS
    from liaison.queries import legal_compare as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = report_dict(q.gaps(session, actor, member, against))
    if as_json:
        emit(out)
        return
    counts = out["counts"]
    typer.echo(
        _(
            "%(member)s (%(code)s) against %(target)s: covered %(covered)s, partial %(partial)s, gap %(gap)s",
            member=out["member_name"],
            code=out["member"],
            target=out["target_name"],
            covered=counts["covered"],
            partial=counts["partial"],
            gap=counts["gap"],
        )
    )
    _notices(out["certainty"], out["demo"], "computed" in out["notes"])
    if "no_models" in out["notes"]:
        typer.echo(_("No offence model is recorded for this target yet."))
    if "no_offences" in out["notes"]:
        typer.echo(_("No national offence is recorded for this member yet."))
    typer.echo("")
    head = (_("Status"), _("Model"), _("National offence"), _("Coverage"))
    typer.echo(f"{head[0]:<10} {head[1]:<34} {head[2]:<36} {head[3]}")
    for row in out["rows"]:
        best = row["best"]
        status = str(STATUS_WORDS[row["status"]])
        offence = _cut(best["offence"]["citation"], 36) if best else "-"
        basis = ""
        if best:
            basis = str(BASIS_WORDS[best["basis"]])
            if best["basis"] == "computed":
                basis += f" {round(best['computed_score'] * 100)}%"
            elif best["reviewed_by"]:
                basis += f" ({best['reviewed_by']}, {best['reviewed_on'] or '-'})"
        typer.echo(f"{status:<10} {_cut(row['label'], 34):<34} {offence:<36} {basis}")
        if row["missing"]:
            typer.echo(
                "           " + _("missing: %(elements)s", elements="; ".join(e["label"] for e in row["missing"]))
            )
        if best and best["extra"]:
            typer.echo(
                "           "
                + _(
                    "the national offence also requires: %(elements)s",
                    elements="; ".join(e["label"] for e in best["extra"]),
                )
            )
        if best and best["evidence"]:
            typer.echo("           " + _("evidence: %(text)s", text=best["evidence"]))
    typer.echo("")
    _citations(out["citations"])


@legal.command(
    "compare",
    help=lazy_gettext(
        "Compare members' definitions of terrorism: the shared core, where they diverge and who requires what, "
        "each member's extras, and how similar they are (Jaccard), also against EU 2017/541 Art. 3 and UNSCR 1566."
    ),
)
def compare(
    members: Annotated[list[str], typer.Argument(help=lazy_gettext("Two or more members' ISO codes, e.g. FR DE JP."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.legal.compare import comparison_dict
    from liaison.legal.elements import FACETS, label
    from liaison.legal_charts import FACET_WORDS
    from liaison.queries import legal_compare as q

    codes = [c.strip().upper() for raw in members for c in raw.split(",") if c.strip()]
    if len(set(codes)) < 2:
        fail(_("give at least two different members to compare"), 2)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = comparison_dict(q.compare(session, actor, codes))
    if as_json:
        emit(out)
        return
    names = [m["code"] for m in out["members"]]
    typer.echo(_("Definitions of terrorism compared: %(members)s", members=", ".join(names)))
    _notices(out["certainty"], out["demo"], False)
    typer.echo("")
    typer.echo(_("Shared core (every member requires):"))
    for facet in FACETS:
        shared = [e for e in out["shared"] if e["facet"] == facet]
        if shared:
            typer.echo(f"  {FACET_WORDS[facet]}: " + "; ".join(e["label"] for e in shared))
    if not out["shared"]:
        typer.echo("  " + _("nothing in common"))
    typer.echo("")
    typer.echo(_("Where they diverge:"))
    width = max(len(n) for n in names) + 1
    typer.echo("  " + " ".join(f"{n:^{width}}" for n in names) + "  " + _("Element"))
    for d in out["divergences"]:
        marks = " ".join(f"{('✓' if n in d['members'] else '·'):^{width}}" for n in names)
        typer.echo(f"  {marks}  {d['label']}")
    if not out["divergences"]:
        typer.echo("  " + _("no divergence"))
    typer.echo("")
    typer.echo(_("Own extras (only this member requires):"))
    for n in names:
        extras = out["extras"][n]
        typer.echo(f"  {n}: " + ("; ".join(label(e) for e in extras) or "-"))
    typer.echo("")
    typer.echo(_("Similarity (Jaccard, 0 nothing in common, 1 the same elements):"))
    typer.echo("  " + " " * width + "".join(f"{n:>8}" for n in names))
    for a in names:
        cells = "".join(f"{_score(out['similarity'][a][b]):>8}" for b in names)
        typer.echo(f"  {a:<{width}}{cells}")
    if out["references"]:
        typer.echo("")
        typer.echo(_("Against the reference definitions:"))
        for r in out["references"]:
            per = ", ".join(f"{n} {_score(out['against_references'][n][r['code']])}" for n in names)
            typer.echo(f"  {r['name']}: {per}")
    for m in out["members"]:
        if m["basis"] == "none":
            typer.echo(_("%(member)s: no offence defining terrorism is recorded.", member=m["code"]))
        elif m["basis"] == "purpose":
            typer.echo(
                _(
                    "%(member)s: no offence is mapped to a definition; its offences that require a terrorist purpose "
                    "stand in for it.",
                    member=m["code"],
                )
            )
    typer.echo("")
    _citations(out["citations"])


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
