"""The answer at the command line: ``liaison on-duty``, ``liaison board``, ``liaison readiness`` and
``liaison roster export|show``.

``on-duty`` exits 3 when nobody is on duty (the fallback is printed); ``readiness`` exits 1 when a warning is
critical."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, AtOpt, Ctx, JsonOpt, ctx, emit, handled, lazy_gettext, parse_at
from liaison.i18n import _, ngettext
from liaison.timeinput import READINESS_DAYS, ROSTER_DAYS

roster_app = typer.Typer(help=lazy_gettext("Duty rosters."), no_args_is_help=True)

commands = typer.Typer()  # this module's commands; liaison.cli adds them to `liaison`


def _audit_read(c: Ctx, actor: Any, answers: list[Any], network_id: Any) -> None:
    from liaison.actions.audit import audit
    from liaison.db import transaction
    from liaison.queries.duty import read_audit_details

    details = read_audit_details(answers)
    if details:
        with transaction(c.sessions) as session:
            audit(
                session,
                actor=actor,
                action="duty.read",
                target_type="network",
                target_id=str(network_id),
                network_id=network_id,
                details=details,
            )


@commands.command(
    "on-duty",
    help=lazy_gettext(
        "Who is on duty for MEMBER on NETWORK now (or --at), how to reach them, and the fallback.\n"
        "\n"
        "Exit 3 when nobody is on duty (the fallback is printed)."
    ),
)
def on_duty(network: str, member: str, at: AtOpt = None, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    from liaison.queries.duty import duty_answer, find_member, find_network

    when = parse_at(at)
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
        m = find_member(snap, n, member)
    answer = duty_answer(snap, n, m, when)
    _audit_read(c, actor, [answer], n.id)
    data = answer.to_json()
    if as_json:
        emit(data)
    else:
        _print_answer(data)
    if answer.contact is None:
        raise typer.Exit(3)


def _print_answer(d: dict[str, Any]) -> None:
    typer.echo(
        _(
            "%(network)s / %(member_name)s (%(member)s) at %(at)s",
            network=d["network"],
            member_name=d["member_name"],
            member=d["member"],
            at=d["at"],
        )
    )
    c = d["contact"]
    indent = " " * 9
    if c:
        typer.echo(_("ON DUTY  %(name)s  (%(agency)s)", name=c["name"], agency=c["agency"]))
        languages = ", ".join(c["languages"])
        typer.echo(
            indent
            + _(
                "local time %(time)s %(zone)s; languages %(languages)s",
                time=c["local_time"],
                zone=c["timezone"],
                languages=languages,
            )
        )
        for ch in c["channels"]:
            mark = _("verified %(date)s", date=ch["verified_at"][:10]) if ch["verified_at"] else _("unverified")
            typer.echo(f"{indent}{ch['kind']:<7} {ch['value']}  ({mark})")
        if d["shift"]:
            typer.echo(indent + _("until %(end)s (%(source)s)", end=d["shift"]["end"], source=d["shift"]["source"]))
    else:
        typer.echo(_("NOBODY ON DUTY: %(reason)s", reason=d["message"]))
    for f in d["fallback"]:
        first = f["channels"][0]["value"] if f["channels"] else "-"
        typer.echo(
            # Translators: a line of the duty answer; role is deputy or desk, left as it is.
            _(
                "fallback %(role)s %(name)s (%(agency)s)  %(channel)s",
                role=f"{f['role']:<11}",
                name=f["name"],
                agency=f["agency"],
                channel=first,
            )
        )


@commands.command(
    "board", help=lazy_gettext("The network-wide duty board: every member's contact on duty, with their local time.")
)
def board(network: str, at: AtOpt = None, as_json: JsonOpt = False, as_user: AsOpt = None) -> None:
    from liaison.queries.duty import board as board_q
    from liaison.queries.duty import find_network

    when = parse_at(at)
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
    answers = board_q(snap, n, when)
    _audit_read(c, actor, answers, n.id)
    if as_json:
        emit([a.to_json() for a in answers])
        return
    for a in answers:
        d = a.to_json()
        ct = d["contact"]
        who = f"{ct['name']} ({ct['local_time'][11:16]} {ct['timezone']})" if ct else _("NOBODY - use fallback")
        phone = next((ch["value"] for ch in (ct or {}).get("channels", []) if ch["kind"] in ("phone", "mobile")), "")
        typer.echo(f"{a.member.code:<9} {who:<55} {phone}")


@commands.command(
    "readiness",
    help=lazy_gettext(
        "Readiness warnings: gaps, unverified channels, stale rosters. Exit 1 when any is critical.\n"
        "\n"
        "With --notify the digest is e-mailed to the secretariat's 24/7 desk (LIAISON_SMTP_URL); exit 1 also\n"
        "when it could not be delivered to anyone."
    ),
)
def readiness(
    network: str,
    days: Annotated[
        int | None,
        typer.Option(
            min=READINESS_DAYS.least,
            max=READINESS_DAYS.most,
            help=lazy_gettext("Horizon in days (default LIAISON_READINESS_HORIZON_DAYS)."),
        ),
    ] = None,
    notify: Annotated[
        bool, typer.Option("--notify", help=lazy_gettext("E-mail the digest to the secretariat's 24/7 desk."))
    ] = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.models import utcnow
    from liaison.queries.duty import find_network
    from liaison.queries.readiness import readiness as readiness_q

    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
    s = c.settings
    warnings = readiness_q(
        snap,
        n,
        utcnow(),
        horizon_days=days or s.readiness_horizon_days,
        roster_stale_days=s.roster_stale_days,
        channel_stale_days=s.channel_stale_days,
    )
    delivered: list[tuple[str, str | None]] = []
    if notify:
        from liaison.actions.audit import audit
        from liaison.db import transaction
        from liaison.readiness_digest import send_digest

        delivered = send_digest(s, snap, n, warnings, days or s.readiness_horizon_days)
        with transaction(c.sessions) as session:
            audit(
                session,
                actor=actor,
                action="readiness.notify",
                target_type="network",
                target_id=n.id,
                network_id=n.id,
                details={"warnings": len(warnings), "recipients": delivered},
            )
    if as_json:
        data: Any = [w.to_json() for w in warnings]
        emit({"warnings": data, "notified": [{"to": a, "error": e} for a, e in delivered]} if notify else data)
    else:
        for w in warnings:
            typer.echo(f"{w.severity:<8} {w.member:<9} {w.kind:<19} {w.message}")
        typer.echo(ngettext("%(num)d warning(s)", "%(num)d warning(s)", len(warnings)))
        for address, error in delivered:
            if error is None:
                typer.echo(_("digest to %(address)s: sent", address=address))
            else:
                typer.echo(_("digest to %(address)s: FAILED: %(error)s", address=address, error=error))
    if notify and not any(e is None for _a, e in delivered):
        typer.echo(
            _("error: the digest reached nobody (no e-mail channel on the secretariat desk, or SMTP down)"), err=True
        )
        raise typer.Exit(1)
    if any(w.severity == "critical" for w in warnings):
        raise typer.Exit(1)


@roster_app.command(
    "export", help=lazy_gettext("The member's roster for the next DAYS days as iCalendar, one event per shift.")
)
def roster_export(
    network: str,
    member: str,
    ics: Annotated[bool, typer.Option("--ics", help=lazy_gettext("iCalendar (the only format)."))] = True,
    days: Annotated[
        int, typer.Option(min=ROSTER_DAYS.least, max=ROSTER_DAYS.most, help=lazy_gettext("How many days ahead."))
    ] = 90,
    start: Annotated[
        str | None, typer.Option(help=lazy_gettext("Start instant, ISO 8601 with offset (default now)."))
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help=lazy_gettext("File (default stdout)."))] = None,
    as_user: AsOpt = None,
) -> None:
    from liaison.interchange.ical import roster_calendar
    from liaison.queries.duty import find_member, find_network

    begin = parse_at(start, "start")
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
        m = find_member(snap, n, member)
    body = roster_calendar(snap, n, m, snap.designations.get((n.id, m.id)), begin, days)
    if output:
        output.write_bytes(body)
    else:
        sys.stdout.write(body.decode())


@roster_app.command("show", help=lazy_gettext("The member's upcoming shifts (gaps included)."))
def roster_show(
    network: str,
    member: str,
    days: Annotated[
        int, typer.Option(min=ROSTER_DAYS.least, max=ROSTER_DAYS.most, help=lazy_gettext("Days ahead."))
    ] = 7,
    start: AtOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    import uuid

    from liaison.queries.duty import find_member, find_network, shifts

    begin = parse_at(start)
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()
    with handled():
        n = find_network(snap, network, actor)
        m = find_member(snap, n, member)
    d = snap.designations.get((n.id, m.id))
    rows = []
    if d is not None:
        for s in shifts(snap, d, begin, days):
            cp = snap.contacts.get(uuid.UUID(s.participant)) if s.participant else None
            rows.append(
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "source": s.source,
                    "contact": cp.name if cp else None,
                }
            )
    if as_json:
        emit(rows)
        return
    for r in rows:
        contact = r["contact"] or _("GAP: nobody on duty")
        typer.echo(f"{r['start']}  {r['end']}  {r['source']:<8} {contact}")
