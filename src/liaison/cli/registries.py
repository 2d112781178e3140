"""The registries at the command line: ``liaison registry officers|experts|training|strategy`` and the commands
that add to them (``add-officer``, ``add-expert``, ``add-training``, ``attend``, ``assess``).

Like every local command these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then sees and may change exactly what they may on the web. Reads that show people's names are
audited. Exit codes: 0 done, 1 refused (unknown member, network or checklist item, with suggestions; not allowed),
2 a badly given option.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, ctx, emit, handled, lazy_gettext, usage
from liaison.i18n import _, ngettext

registry_app = typer.Typer(
    help=lazy_gettext("Registries: liaison officers, experts, training and national strategies."),
    no_args_is_help=True,
)


class Status(StrEnum):
    met = "met"
    partial = "partial"
    gap = "gap"
    not_assessed = "not_assessed"


class When(StrEnum):
    now = "now"
    soon = "soon"


SourceOpt = Annotated[str, typer.Option("--source", help=lazy_gettext("Where this comes from (a note, a document)."))]
SourceUrlOpt = Annotated[str, typer.Option("--source-url", help=lazy_gettext("The source's address, if any."))]
LanguagesOpt = Annotated[
    list[str] | None, typer.Option("--language", help=lazy_gettext("An ISO 639 language code; repeat for more."))
]


def _today() -> date:
    from liaison.models import utcnow

    return utcnow().date()


def _day(value: str | None, option: str) -> date | None:
    from liaison.timeinput import calendar_day

    if not value:
        return None
    with usage():
        return calendar_day(value, option)
    raise AssertionError  # unreachable


def _notes(out: dict[str, Any]) -> None:
    for note in out.get("notes", []):
        typer.echo(note)


def _prov(p: dict[str, Any]) -> str:
    parts = [_("source: %(source)s", source=p["source"] or "-"), _("entered by %(who)s", who=p["entered_by"] or "-")]
    parts.append(p["entered_at"][:10])
    if p["demo"]:
        parts.append(_("demo"))
    elif not p["verified"]:
        parts.append(_("unverified"))
    return "; ".join(parts)


# -- officers --


@registry_app.command(
    "officers", help=lazy_gettext("Liaison officers you may see: who is posted where, by whom, for which networks.")
)
def officers(
    posted_to: Annotated[
        str | None,
        typer.Option("--posted-to", help=lazy_gettext("Officers posted to this member (whom to contact there).")),
    ] = None,
    posted_by: Annotated[
        str | None, typer.Option("--posted-by", help=lazy_gettext("Officers this member posted."))
    ] = None,
    network: Annotated[
        str | None, typer.Option("--network", help=lazy_gettext("Officers serving this network."))
    ] = None,
    current: Annotated[bool, typer.Option("--current", help=lazy_gettext("Only officers in post today."))] = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import registries as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = q.officers(
            session,
            actor,
            today=_today(),
            posted_to=posted_to,
            posted_by=posted_by,
            network=network,
            current_only=current,
        )
    if as_json:
        emit(out)
        return
    _notes(out)
    typer.echo(ngettext("%(num)d liaison officer", "%(num)d liaison officers", len(out["officers"])))
    for o in out["officers"]:
        nets = ",".join(o["networks"])
        typer.echo(f"  {o['posted_by']} → {o['posted_to']}  {o['name']}  [{nets}]  {o['post']}  {o['id']}")
        reach = " ".join(x for x in (o["email"], o["phone"]) if x)
        if reach:
            typer.echo(f"      {reach}")
        typer.echo(f"      {_prov(o['provenance'])}")


@registry_app.command(
    "officer", help=lazy_gettext("One liaison officer, with the directory contact point they are reachable through.")
)
def officer(
    ident: Annotated[str, typer.Argument(help=lazy_gettext("The officer's id."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import registries as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = q.officer(session, actor, ident, today=_today())
    if as_json:
        emit(out)
        return
    _notes(out)
    typer.echo(f"{out['name']}: {out['posted_by']} → {out['posted_to']}, {out['post']}")
    typer.echo(_("Networks: %(networks)s", networks=", ".join(out["networks"])))
    cp = out["contact_point"]
    if cp:
        typer.echo(_("Reachable through the directory: %(name)s (%(agency)s)", name=cp["name"], agency=cp["agency"]))
        for ch in cp["channels"]:
            typer.echo(f"  {ch['kind']}: {ch['value']}")
    typer.echo(_prov(out["provenance"]))


@registry_app.command("add-officer", help=lazy_gettext("Add a liaison officer (audited)."))
def add_officer(
    name: Annotated[str, typer.Option("--name", help=lazy_gettext("The officer's name."))],
    posted_by: Annotated[str, typer.Option("--posted-by", help=lazy_gettext("The member posting the officer."))],
    posted_to: Annotated[str, typer.Option("--posted-to", help=lazy_gettext("The member the officer is posted to."))],
    network: Annotated[
        list[str], typer.Option("--network", help=lazy_gettext("A network the officer serves; repeat for more."))
    ],
    post: Annotated[str, typer.Option("--post", help=lazy_gettext("Where, e.g. the embassy and city."))] = "",
    language: LanguagesOpt = None,
    contact_point: Annotated[
        str | None, typer.Option("--contact-point", help=lazy_gettext("The directory contact point's id."))
    ] = None,
    email: Annotated[str, typer.Option("--email", help=lazy_gettext("E-mail address."))] = "",
    phone: Annotated[str, typer.Option("--phone", help=lazy_gettext("Phone number, in international form."))] = "",
    from_on: Annotated[str | None, typer.Option("--from", help=lazy_gettext("In post from (YYYY-MM-DD)."))] = None,
    until_on: Annotated[str | None, typer.Option("--until", help=lazy_gettext("In post until (YYYY-MM-DD)."))] = None,
    source: SourceOpt = "",
    source_url: SourceUrlOpt = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import registries as a
    from liaison.db import transaction

    start, end = _day(from_on, "from"), _day(until_on, "until")
    data = a.OfficerIn(
        name, posted_by, posted_to, post, network, language or [], contact_point, email, phone, start, end
    )
    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        o = a.create_officer(session, actor=actor, data=data, prov=a.Provenance(source, source_url, _today()))
        ident = str(o.id)
    _done(as_json, ident, _("Liaison officer added: %(id)s", id=ident))


def _done(as_json: bool, ident: str, text: str) -> None:
    if as_json:
        emit({"id": ident})
    else:
        typer.echo(text)


# -- experts --


@registry_app.command("experts", help=lazy_gettext("Experts you may see: fields, languages, availability."))
def experts(
    field: Annotated[str | None, typer.Option("--field", help=lazy_gettext("A checklist item code."))] = None,
    language: Annotated[str | None, typer.Option("--language", help=lazy_gettext("A language they work in."))] = None,
    available: Annotated[
        When | None, typer.Option("--available", help=lazy_gettext("Available now, or soon (90 days)."))
    ] = None,
    member: Annotated[str | None, typer.Option("--member", help=lazy_gettext("Experts of this member."))] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import registries as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        out = q.experts(
            session,
            actor,
            today=_today(),
            field=field,
            language=language,
            available=available.value if available else None,
            member=member,
        )
    if as_json:
        emit(out)
        return
    _notes(out)
    typer.echo(ngettext("%(num)d expert", "%(num)d experts", len(out["experts"])))
    for e in out["experts"]:
        fields = ", ".join(f["code"] for f in e["fields"])
        typer.echo(f"  {e['member']}  {e['name']}  ({', '.join(e['languages'])})  {e['available']}  {e['id']}")
        typer.echo(f"      {fields}")
        typer.echo(f"      {_prov(e['provenance'])}")


@registry_app.command("add-expert", help=lazy_gettext("Add an expert (audited)."))
def add_expert(
    name: Annotated[str, typer.Option("--name", help=lazy_gettext("The expert's name."))],
    member: Annotated[str, typer.Option("--member", help=lazy_gettext("The member offering the expert."))],
    field: Annotated[
        list[str], typer.Option("--field", help=lazy_gettext("A checklist item code or a topic; repeat for more."))
    ],
    language: LanguagesOpt = None,
    organisation: Annotated[str, typer.Option("--organisation", help=lazy_gettext("Their organisation."))] = "",
    available_from: Annotated[
        str | None, typer.Option("--available-from", help=lazy_gettext("Available from (YYYY-MM-DD)."))
    ] = None,
    available_until: Annotated[
        str | None, typer.Option("--available-until", help=lazy_gettext("Available until (YYYY-MM-DD)."))
    ] = None,
    availability: Annotated[
        str, typer.Option("--availability", help=lazy_gettext("Availability in words (e.g. two weeks a year)."))
    ] = "",
    email: Annotated[str, typer.Option("--email", help=lazy_gettext("E-mail address."))] = "",
    source: SourceOpt = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import registries as a
    from liaison.db import transaction

    start, end = _day(available_from, "available-from"), _day(available_until, "available-until")
    data = a.ExpertIn(name, member, organisation, field, language or [], start, end, availability, email)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        e = a.create_expert(session, actor=actor, data=data, prov=a.Provenance(source, retrieved_on=_today()))
        ident = str(e.id)
    _done(as_json, ident, _("Expert added: %(id)s", id=ident))


# -- training --


@registry_app.command("training", help=lazy_gettext("Training activities and who attended."))
def training(
    upcoming: Annotated[bool, typer.Option("--upcoming", help=lazy_gettext("Only activities not yet over."))] = False,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import registries as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = q.trainings(session, actor, today=_today(), upcoming=upcoming)
    if as_json:
        emit(out)
        return
    _notes(out)
    typer.echo(ngettext("%(num)d training activity", "%(num)d training activities", len(out["activities"])))
    for t in out["activities"]:
        where = _("online") if t["online"] else t["place"]
        typer.echo(f"  {t['starts_on']}  {t['title']}  ({t['organiser']}, {where})  {t['id']}")
        typer.echo(f"      {', '.join(x['code'] for x in t['topics'])}  [{', '.join(t['languages'])}]")
        for a in t["attendance"]:
            who = a["participant"] or ngettext("%(num)d participant", "%(num)d participants", a["count"])
            typer.echo(f"      - {a['member']}: {who}")


@registry_app.command("add-training", help=lazy_gettext("Add a training activity (audited)."))
def add_training(
    title: Annotated[str, typer.Option("--title", help=lazy_gettext("The activity's title."))],
    organiser: Annotated[str, typer.Option("--organiser", help=lazy_gettext("The organising member."))],
    starts_on: Annotated[str, typer.Option("--starts-on", help=lazy_gettext("First day (YYYY-MM-DD)."))],
    ends_on: Annotated[str | None, typer.Option("--ends-on", help=lazy_gettext("Last day (YYYY-MM-DD)."))] = None,
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help=lazy_gettext("A checklist item code or a topic; repeat."))
    ] = None,
    language: LanguagesOpt = None,
    place: Annotated[str, typer.Option("--place", help=lazy_gettext("Where it takes place."))] = "",
    online: Annotated[bool, typer.Option("--online", help=lazy_gettext("Held online."))] = False,
    capacity: Annotated[int | None, typer.Option("--capacity", help=lazy_gettext("Number of places."))] = None,
    description: Annotated[str, typer.Option("--description", help=lazy_gettext("What it covers."))] = "",
    source: SourceOpt = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import registries as a
    from liaison.db import transaction

    start = _day(starts_on, "starts-on")
    assert start is not None
    end = _day(ends_on, "ends-on")
    data = a.TrainingIn(title, organiser, start, end, place, online, topic or [], language or [], capacity, description)
    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        t = a.create_training(session, actor=actor, data=data, prov=a.Provenance(source, retrieved_on=_today()))
        ident = str(t.id)
    _done(as_json, ident, _("Training activity added: %(id)s", id=ident))


@registry_app.command("attend", help=lazy_gettext("Record a participant (or a headcount) at a training activity."))
def attend(
    activity: Annotated[str, typer.Argument(help=lazy_gettext("The activity's id."))],
    member: Annotated[str, typer.Option("--member", help=lazy_gettext("The participant's member."))],
    participant: Annotated[str, typer.Option("--participant", help=lazy_gettext("The participant's name."))] = "",
    agency: Annotated[str, typer.Option("--agency", help=lazy_gettext("The participant's agency."))] = "",
    count: Annotated[int, typer.Option("--count", help=lazy_gettext("A headcount, without a name."))] = 1,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import registries as a
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    with handled(), usage(), transaction(c.sessions) as session:
        row = a.attend(
            session, actor=actor, activity=activity, member=member, participant=participant, agency=agency, count=count
        )
        ident = str(row.id)
    _done(as_json, ident, _("Attendance recorded."))


# -- strategies --


@registry_app.command(
    "strategy",
    help=lazy_gettext(
        "A member's self-assessment against the UN Global Counter-Terrorism Strategy checklist, with its gaps "
        "matched to experts and courses."
    ),
)
def strategy(
    member: Annotated[str, typer.Argument(help=lazy_gettext("The member's code."))],
    language: LanguagesOpt = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries import registries as q

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        out = q.strategy(session, actor, member, today=_today(), languages=language or None)
    if as_json:
        emit(out)
        return
    _notes(out)
    typer.echo(_("National strategy of %(member)s", member=out["member"]))
    for p in out["pillars"]:
        typer.echo(f"  {p['short']}: {round(p['score'] * 100)}%  {p['label']}")
    for item in out["items"]:
        typer.echo(f"  [{item['status_label']}] {item['code']}  {item['label']}")
    typer.echo(ngettext("%(num)d item to work on", "%(num)d items to work on", len(out["gaps"])))
    for g in out["gaps"]:
        typer.echo(f"* {g['item']} ({g['status_label']}): {g['label']}")
        for e in g["experts"]:
            typer.echo(
                "    "
                + _(
                    "expert: %(name)s (%(member)s), %(when)s",
                    name=e["name"],
                    member=e["member"],
                    when=e["availability"],
                )
            )
        for t in g["courses"]:
            typer.echo("    " + _("course: %(title)s, %(day)s", title=t["title"], day=t["starts_on"]))


@registry_app.command("assess", help=lazy_gettext("Set a member's status on one checklist item (audited)."))
def assess(
    member: Annotated[str, typer.Argument(help=lazy_gettext("The member's code."))],
    item: Annotated[str, typer.Argument(help=lazy_gettext("The checklist item's code, e.g. p2-border-security."))],
    status: Annotated[Status, typer.Option("--status", help=lazy_gettext("met, partial, gap or not_assessed."))],
    evidence: Annotated[str, typer.Option("--evidence", help=lazy_gettext("What the status rests on."))] = "",
    source: SourceOpt = "",
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import registries as a
    from liaison.db import transaction

    c = ctx()
    actor = c.actor(as_user)
    today = _today()
    prov = a.Provenance(source or _("self-assessment"), retrieved_on=today)
    with handled(), usage(), transaction(c.sessions) as session:
        row = a.assess(
            session,
            actor=actor,
            member=member,
            item=item,
            status=status.value,
            evidence=evidence,
            prov=prov,
            today=today,
        )
        out = {"member": row.member, "item": row.item, "status": row.status}
    if as_json:
        emit(out)
        return
    typer.echo(_("%(member)s %(item)s: %(status)s", member=out["member"], item=out["item"], status=out["status"]))
