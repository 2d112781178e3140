"""Legal requests at the command line: ``liaison request draft|check|send|list|show|close|withdraw|ledger``.

Like every local command these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then drafts, sends and sees exactly what they may. Exit codes: 0 done, 1 refused (an unknown
code or request, an incomplete request, a request not yours), 2 a badly given option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext, usage
from liaison.i18n import _, ngettext

request_app = typer.Typer(
    help=lazy_gettext("Mutual legal assistance and extradition requests: draft, check, send, track."),
    no_args_is_help=True,
)

RefArg = Annotated[str, typer.Argument(help=lazy_gettext("The request's reference, e.g. LR-2026-0001."))]


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out += [v.strip() for v in value.split(",") if v.strip()]
    return out


def _certainty_note(certainty: str) -> str:
    if certainty == "demo":
        return _("Demonstration data: do not rely on these answers for a real request.")
    if certainty == "stale":
        return _("Some sources were read more than a year ago.")
    if certainty == "unverified":
        return _("Some sources are unverified.")
    return ""


@request_app.command("draft", help=lazy_gettext("Draft a request (or update a draft with --reference)."))
def draft(
    requested: Annotated[str, typer.Option("--to", help=lazy_gettext("The requested member (ISO code)."))],
    title: Annotated[str, typer.Option("--title", help=lazy_gettext("A title for the request."))],
    requesting: Annotated[
        str | None, typer.Option("--from", help=lazy_gettext("The requesting member (default: your own)."))
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help=lazy_gettext("mla, extradition or spontaneous."))] = "mla",
    facts: Annotated[str, typer.Option("--facts", help=lazy_gettext("The facts, as text."))] = "",
    facts_file: Annotated[
        Path | None, typer.Option("--facts-file", help=lazy_gettext("A text file holding the facts."))
    ] = None,
    conduct: Annotated[
        list[str] | None, typer.Option("--conduct", help=lazy_gettext("Conduct element codes, comma-separated."))
    ] = None,
    measures: Annotated[str, typer.Option("--measures", help=lazy_gettext("What is asked for."))] = "",
    basis: Annotated[
        list[str] | None,
        typer.Option("--basis", help=lazy_gettext("Instrument codes relied on (or 'reciprocity'), comma-separated.")),
    ] = None,
    dual: Annotated[str, typer.Option("--dual", help=lazy_gettext("The dual-criminality statement."))] = "",
    assurance: Annotated[
        list[str] | None,
        typer.Option("--assurance", help=lazy_gettext("An assurance given (repeat or comma-separate).")),
    ] = None,
    language: Annotated[str, typer.Option("--language", help=lazy_gettext("The request's language (ISO 639)."))] = "",
    deadline: Annotated[
        str | None, typer.Option("--deadline", help=lazy_gettext("Answer wanted by (YYYY-MM-DD)."))
    ] = None,
    response_hours: Annotated[
        int, typer.Option("--response-hours", help=lazy_gettext("The response clock, in hours."))
    ] = 72,
    network: Annotated[
        str | None,
        typer.Option("--network", help=lazy_gettext("The network to send it on (default: the first shared).")),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help=lazy_gettext("Update this draft instead of creating one."))
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction
    from liaison.queries import legal_requests as q
    from liaison.timeinput import calendar_day

    text = facts
    if facts_file is not None:
        try:
            text = facts_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(_("cannot read %(file)s: %(error)s", file=str(facts_file), error=exc), 2)
    with usage():
        day = calendar_day(deadline, "deadline") if deadline else None
    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        req = a.save_draft(
            session,
            actor=actor,
            reference=reference,
            requesting=requesting,
            requested=requested,
            kind=kind,
            title=title,
            facts=text,
            conduct=_split(conduct),
            measures=measures,
            legal_basis=_split(basis),
            dual_criminality=dual,
            assurances=_split(assurance),
            language=language,
            deadline=day,
            response_hours=response_hours,
            network=network,
        )
        out = q.detail(session, actor, req.reference)
    if as_json:
        emit(out)
        return
    typer.echo(out["reference"])


def _print_check(out: dict[str, Any]) -> None:
    basis = out["basis"]
    typer.echo(_("Legal basis: %(verdict)s", verdict=basis["verdict"]))
    for item in basis["items"]:
        typer.echo(f"  {item['instrument']}: {item['name']}")
    if out.get("suggested_basis"):
        typer.echo(_("Suggested for this conduct: %(codes)s", codes=", ".join(out["suggested_basis"])))
    typer.echo(_("Dual criminality: %(verdict)s", verdict=out["dual"]["verdict"]))
    for line in out["dual"]["explanation"]:
        typer.echo(f"  {line}")
    for item in out["items"]:
        if item["ok"]:
            continue
        mark = _("BLOCKING") if item["severity"] == "blocking" else _("warning")
        typer.echo(f"* [{mark}] {item['code']}: {item['message']}")
    if out["suggested_statement"]:
        typer.echo(_("Suggested dual-criminality statement:"))
        typer.echo(out["suggested_statement"])
    note = _certainty_note(out["certainty"])
    if note:
        typer.echo(note)
    typer.echo(_("Complete: ready to send.") if out["complete"] else _("Incomplete: not ready to send."))


@request_app.command(
    "check", help=lazy_gettext("The completeness check: legal basis, dual criminality, assurances, language.")
)
def check(reference: RefArg, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = a.check(session, actor=actor, reference=reference)
    if as_json:
        emit(out)
    else:
        _print_check(out)
    if not out["complete"]:
        raise typer.Exit(1)


@request_app.command(
    "send", help=lazy_gettext("Send a complete request through the urgent exchange, with its response clock.")
)
def send(
    reference: RefArg,
    network: Annotated[str | None, typer.Option("--network", help=lazy_gettext("The network to send it on."))] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction
    from liaison.queries import legal_requests as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        req = a.send(session, actor=actor, reference=reference, network=network)
        out = q.detail(session, actor, req.reference)
    if as_json:
        emit(out)
        return
    typer.echo(
        _(
            "%(reference)s sent as message %(id)s; answer due by %(due)s",
            reference=out["reference"],
            id=out["message_id"],
            due=out["response_due_at"],
        )
    )


@request_app.command("list", help=lazy_gettext("The tracker: the requests you may see, with deadlines and clocks."))
def list_requests(
    status: Annotated[
        str | None, typer.Option("--status", help=lazy_gettext("draft, open, sent, answered, closed..."))
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=lazy_gettext("mla, extradition or spontaneous."))] = None,
    member: Annotated[
        str | None, typer.Option("--member", help=lazy_gettext("Requests from or to this member."))
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction
    from liaison.queries import legal_requests as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        a.sync_open(session, actor=actor)
        out = q.tracker(session, actor, status=status, kind=kind, member=member)
    if as_json:
        emit(out)
        return
    typer.echo(ngettext("%(num)d request", "%(num)d requests", out["count"]))
    for r in out["requests"]:
        typer.echo(
            f"{r['reference']:<14} {r['kind']:<12} {r['requesting']}→{r['requested']}  {r['status']:<12} "
            f"{r['clock']:<17} {r['deadline'] or '-':<10}  {r['title']}"
        )
    if out["demo"]:
        typer.echo(_("Demonstration data are marked as such."))


@request_app.command("show", help=lazy_gettext("One request: its content, its frozen check, its timeline."))
def show(reference: RefArg, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    from liaison.actions import legal_requests as a
    from liaison.actions.audit import audit
    from liaison.db import transaction
    from liaison.queries import legal_requests as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        req = a.request_or_404(session, actor, reference)
        a.sync(session, actor=actor, requests=[req])
        out = q.detail(session, actor, reference)
        audit(session, actor=actor, action="legal.request.read", target_type="legal_request", target_id=req.id)
    if as_json:
        emit(out)
        return
    typer.echo(f"{out['reference']}  {out['title']}")
    typer.echo(f"{out['kind']}  {out['requesting']} → {out['requested']}  {out['status']}  {out['clock']}")
    typer.echo(_("Deadline: %(day)s", day=out["deadline"] or "-"))
    typer.echo(_("Legal basis: %(codes)s", codes=", ".join(out["legal_basis"]) or "-"))
    typer.echo(_("Assurances: %(codes)s", codes=", ".join(out["assurances"]) or "-"))
    for step in out["timeline"]:
        typer.echo(f"  {step['at']}  {step['step']}")
    if out["demo"]:
        typer.echo(_("Demonstration data."))


@request_app.command(
    "close", help=lazy_gettext("Record the outcome and whether the assurances were honoured, and close.")
)
def close(
    reference: RefArg,
    outcome: Annotated[str, typer.Option("--outcome", help=lazy_gettext("What came of the request."))],
    honoured: Annotated[
        str | None,
        typer.Option("--assurances-honoured", help=lazy_gettext("yes or no: were the assurances given honoured?")),
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction
    from liaison.queries import legal_requests as q

    flag: bool | None = None
    if honoured is not None:
        if honoured.strip().lower() not in ("yes", "no"):
            fail(_("--assurances-honoured: yes or no"), 2)
        flag = honoured.strip().lower() == "yes"
    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        req = a.close(session, actor=actor, reference=reference, outcome=outcome, assurances_honoured=flag)
        out = q.detail(session, actor, req.reference)
    if as_json:
        emit(out)
        return
    typer.echo(_("%(reference)s closed", reference=out["reference"]))


@request_app.command("withdraw", help=lazy_gettext("Withdraw a draft or a sent request."))
def withdraw(
    reference: RefArg,
    reason: Annotated[str, typer.Option("--reason", help=lazy_gettext("Why it is withdrawn."))],
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        req = a.withdraw(session, actor=actor, reference=reference, reason=reason)
        ref = req.reference
    typer.echo(_("%(reference)s withdrawn", reference=ref))


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value / 24:.1f} d"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


@request_app.command(
    "ledger", help=lazy_gettext("The reciprocity ledger: requests, response times and assurances per member.")
)
def ledger(
    member: Annotated[str | None, typer.Option("--member", help=lazy_gettext("Only this member."))] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import legal_requests as a
    from liaison.db import transaction
    from liaison.queries import legal_requests as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        a.sync_open(session, actor=actor, visible_only=False)
        out = q.ledger(session, actor, member=member)
    if as_json:
        emit(out)
        return
    typer.echo(_("member  sent  received  answered  median  p90  in time  assurances given/honoured  open  overdue"))
    for r in out["members"]:
        typer.echo(
            f"{r['member']:<7} {r['sent']:>4} {r['received']:>9} {r['answered']:>9}  {_hours(r['median_hours']):>6} "
            f"{_hours(r['p90_hours']):>6} {_share(r['in_time_share']):>7}  "
            f"{r['assurances_given']:>3}/{r['assurances_honoured']:<3} {_share(r['honoured_rate']):>5}  "
            f"{r['open_received']:>4} {r['overdue_received']:>7}"
        )
    if out["demo"]:
        typer.echo(_("Demonstration data are counted: the figures are illustrative."))
