"""The information bank at the command line: ``liaison search``, ``liaison bank show`` and ``liaison bank
reviews``.

Like every local command these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then sees exactly what they may see.
"""

from __future__ import annotations

import sys
import uuid
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, fail, handled, lazy_gettext, usage
from liaison.i18n import _, ngettext
from liaison.timeinput import BIRTH_YEARS, REMINDER_DAYS

commands = typer.Typer()  # this module's commands; liaison.cli adds them to `liaison bank`


@commands.command(
    "search",
    help=lazy_gettext("Search the bank by name (across scripts and spellings) with filters; only what you may see."),
)
def search(
    text: Annotated[
        str, typer.Argument(help=lazy_gettext("A name in any script; empty: list entities by the filters."))
    ] = "",
    schema: Annotated[
        str | None, typer.Option("--schema", help=lazy_gettext("Person, Organization, Address or Event."))
    ] = None,
    nationality: Annotated[
        str | None, typer.Option("--nationality", help=lazy_gettext("ISO 3166 alpha-2, e.g. SY."))
    ] = None,
    birth_year: Annotated[
        int | None,
        typer.Option("--birth-year", min=BIRTH_YEARS[0], max=BIRTH_YEARS[1], help=lazy_gettext("Born in this year.")),
    ] = None,
    list_name: Annotated[str | None, typer.Option("--list", help=lazy_gettext("On this list, e.g. un-sc."))] = None,
    group: Annotated[
        str | None, typer.Option("--group", help=lazy_gettext("Member or leader of this organisation (id)."))
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help=lazy_gettext("active or delisted."))] = None,
    limit: Annotated[
        int, typer.Option("--limit", help=lazy_gettext("At most this many (1-200)."), min=1, max=200)
    ] = 20,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import bank as q
    from liaison.queries.bank_index import shared_index

    group_id = None
    if group:
        try:
            group_id = uuid.UUID(group)
        except ValueError:
            fail(_("--group: %(value)r is not an entity id", value=group), 2)
    c = ctx()
    actor = c.actor(as_user)
    with handled():
        index = shared_index(c.engine).get() if text.strip() else None
        with transaction(c.sessions) as session:
            hits = q.search(
                session,
                actor,
                text,
                schema=schema,
                nationality=nationality,
                birth_year=birth_year,
                list_name=list_name,
                group=group_id,
                status=status,
                limit=limit,
                index=index,
            )
    if as_json:
        emit(hits)
        return
    if not hits:
        typer.echo(_("nothing found"))
    for h in hits:
        score = f"{h['score']:.2f}" if h["score"] is not None else "    "
        mark = " " + _("(delisted)") if h["status"] == "delisted" else ""
        via = f"  ~ {h['name']}" if h["name"] != h["caption"] else ""
        typer.echo(f"{score}  {h['reference']:<14} {h['schema']:<12} {h['caption']}{mark}{via}")


@commands.command(
    "show",
    help=lazy_gettext(
        "An entity with every statement you may see, side by side by property, its relations and references.\n"
        "Viewing a person's record is audited."
    ),
)
def show(
    entity_id: Annotated[str, typer.Argument(help=lazy_gettext("The entity's id."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import bank as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        data = q.entity_view(session, actor, entity_id)
    if as_json:
        emit(data)
        return
    _print_entity(data)


def _print_entity(d: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(f"{d['caption']}  [{d['schema']}, {d['reference']}, {d['status']}]\n")
    if d.get("merged_into"):
        out.write(_("merged into %(id)s", id=d["merged_into"]) + "\n")
    if d["data_subject_category"]:
        category, basis = d["data_subject_category"], d["legal_basis"]
        out.write(_("category: %(category)s; legal basis: %(basis)s", category=category, basis=basis) + "\n")
    out.write(_("review date: %(date)s", date=d["review_date"]) + "\n\n" + _("names:") + "\n")
    for n in d["names"]:
        out.write(f"  {n['name']}  ({n['kind']}, {n['script']})\n")
    for prop, statements in d["properties"].items():
        if prop == "name":
            continue
        out.write(f"{prop}:\n")
        for s in statements:
            gone = "  " + _("RETRACTED") if s["retracted_at"] else ""
            out.write(f"  {s['value']}  [{s['grade']}, {s['contributor']}, {s['source']}, {s['marking']}]{gone}\n")
    if d["relations"]:
        out.write(_("relations:") + "\n")
        for r in d["relations"]:
            arrow = "->" if r["direction"] == "out" else "<-"
            out.write(f"  {r['relation']} {arrow} {r['other']['caption']} ({r['other']['id']})\n")
    for ref in d["references"]:
        listed = _(
            "list %(list)s: %(reference)s (listed %(date)s)",
            list=ref["list"],
            reference=ref["reference"],
            date=ref["listed_on"],
        )
        out.write(listed + "\n")
    if d["merged"]:
        out.write(_("merged: %(ids)s", ids=", ".join(d["merged"])) + "\n")


@commands.command(
    "reviews",
    help=lazy_gettext(
        "Records whose review date has come: yours (or, for the node operator, all) with their contributor.\n"
        "\n"
        "A record past its review date must be confirmed (a new review date, with the reason) or removed. With\n"
        "--notify (run it daily), each contributing organisation is e-mailed the list of its records due (no names,\n"
        "links only) through LIAISON_SMTP_URL, at most once every --every days per record; exit 1 when an\n"
        "organisation could not be reached (its records are reminded again on the next run)."
    ),
)
def reviews(
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help=lazy_gettext(
                "E-mail each contributing organisation its records due for review (its 24/7 desk's e-mail), "
                "and mark them reminded."
            ),
        ),
    ] = False,
    every: Annotated[
        int,
        typer.Option(
            "--every",
            min=REMINDER_DAYS.least,
            max=REMINDER_DAYS.most,
            help=lazy_gettext("With --notify: remind a record again after this many days."),
        ),
    ] = 7,
    on: Annotated[
        str | None, typer.Option("--on", help=lazy_gettext("The day to check, YYYY-MM-DD (default: today)."))
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from sqlalchemy import select

    from liaison.actions.bank_reviews import due_for_review, release_reminders, remind_reviews, send_review_reminders
    from liaison.db import transaction
    from liaison.models import Organisation, utcnow
    from liaison.queries.bank_access import viewer_for
    from liaison.timeinput import calendar_day

    with usage():
        day = calendar_day(on, "on") if on else utcnow().date()
    c = ctx()
    actor = c.actor(as_user)
    grouped: dict[Any, list[Any]] = {}
    deliveries: list[Any] = []
    with handled():
        with transaction(c.sessions) as session:
            if notify:
                grouped = dict(remind_reviews(session, actor=actor, on=day, every_days=every))
            else:
                for d in due_for_review(session, viewer_for(session, actor), day):
                    grouped.setdefault(d.contributor_organisation_id, []).append(d)
            names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
        if notify and grouped:  # after the claim is committed
            with c.sessions() as session:
                deliveries = send_review_reminders(session, c.settings, grouped)
            with transaction(c.sessions) as session:
                release_reminders(session, actor=actor, deliveries=deliveries, claimed=grouped)
    data: list[dict[str, Any]] = [
        {
            "organisation": names.get(org, "this node (public lists)") if org else "this node (public lists)",
            "organisation_id": str(org) if org else None,
            "due": [d.to_dict() for d in items],
        }
        for org, items in grouped.items()
    ]
    if as_json:
        out: dict[str, Any] = {"on": day.isoformat(), "notified": notify, "organisations": data}
        if notify:
            out["deliveries"] = [d.to_dict() for d in deliveries]
        emit(out)
    else:
        if not data:
            if notify:
                typer.echo(_("no record is to remind on %(day)s", day=day.isoformat()))
            else:
                typer.echo(_("no record is due for review on %(day)s", day=day.isoformat()))
        for group in data:
            organisation = group["organisation"] if group["organisation_id"] else _("this node (public lists)")
            typer.echo(
                ngettext(
                    "%(organisation)s: %(num)d due for review",
                    "%(organisation)s: %(num)d due for review",
                    len(group["due"]),
                    organisation=organisation,
                )
            )
            for due in group["due"]:
                category = f" ({due['data_subject_category']})" if due["data_subject_category"] else ""
                typer.echo(
                    f"  {due['review_date']}  {due['schema']:<12} {due['caption']}{category}  {due['entity_id']}"
                )
        for d in deliveries:
            status = _("sent to %(addresses)s", addresses=", ".join(d.sent_to)) if d.delivered else _("NOT SENT")
            errors = "".join(f"; {e}" for e in d.errors)
            typer.echo(
                _("reminder for %(organisation)s: %(status)s", organisation=d.organisation, status=status) + errors
            )
    if any(not d.delivered for d in deliveries):
        typer.echo(_("error: some reminders reached nobody; they will be sent again on the next run"), err=True)
        raise typer.Exit(1)
