"""The urgent exchange at the command line: ``liaison send``, ``liaison ack`` and ``liaison message
show|list|ack``.

Like every local command, these act with the node operator's authority (audited as such) unless ``--as USER``
names a user, who then has exactly their own rights.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from liaison.cli.context import AsOpt, JsonOpt, Priority, ctx, emit, fail, handled, lazy_gettext
from liaison.i18n import _, ngettext, pgettext

message_app = typer.Typer(
    help=lazy_gettext("Messages: show one with its delivery history, list, acknowledge."), no_args_is_help=True
)

commands = typer.Typer()  # this module's commands; liaison.cli adds them to `liaison`


class Kind(StrEnum):
    request = "request"
    threat_notice = "threat_notice"
    victim_referral = "victim_referral"
    reachability_test = "reachability_test"


class Box(StrEnum):
    inbox = "in"
    outbox = "out"


class Status(StrEnum):
    open = "open"
    closed = "closed"
    all = "all"


@commands.command(
    "send",
    help=lazy_gettext(
        "Send a request, threat notice, victim referral or reachability test; print its id.\n"
        "\n"
        "Every addressee is checked before anything is written: an unknown member is refused\n"
        "(exit 1, with suggestions) and nothing is sent.\n"
        "The worker (`liaison worker`, or the one in `liaison serve`) delivers it and escalates it\n"
        "following the network's policy for the priority, frozen into the message now."
    ),
)
def send(
    network: Annotated[str, typer.Option("--network", "-n", help=lazy_gettext("Network code, e.g. FTF."))],
    subject: Annotated[str, typer.Option("--subject", "-s", help=lazy_gettext("Subject line."))],
    body_file: Annotated[
        str, typer.Option("--body-file", help=lazy_gettext("File holding the text; - reads standard input."))
    ],
    priority: Annotated[Priority, typer.Option("--priority", "-p", help=lazy_gettext("How fast it must be seen."))],
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to", help=lazy_gettext("Member(s) by code or English name, comma-separated or repeated: FR,Japan.")
        ),
    ] = None,
    to_contact: Annotated[
        list[str] | None, typer.Option("--to-contact", help=lazy_gettext("A named contact point's id; repeatable."))
    ] = None,
    kind: Annotated[Kind, typer.Option("--kind", help=lazy_gettext("What the message is."))] = Kind.request,
    marking: Annotated[
        str,
        typer.Option(
            "--marking", help=lazy_gettext("TLP 2.0 level, e.g. TLP:AMBER (TLP:WHITE is refused: use TLP:CLEAR).")
        ),
    ] = "TLP:AMBER",
    originator_control: Annotated[
        bool,
        typer.Option("--originator-control", help=lazy_gettext("No onward forwarding without the sender's consent.")),
    ] = False,
    legal_basis: Annotated[
        str,
        typer.Option("--legal-basis", help=lazy_gettext("Legal basis of the exchange (required for all but tests).")),
    ] = "",
    attach: Annotated[
        list[Path] | None, typer.Option("--attach", help=lazy_gettext("A file to attach; repeatable."))
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions import exchange as act
    from liaison.db import transaction

    members = [code.strip() for item in to or [] for code in item.split(",") if code.strip()]
    contacts = []
    for raw in to_contact or []:
        try:
            contacts.append(uuid.UUID(raw.strip()))
        except ValueError:
            fail(_("--to-contact: %(value)r is not a contact point id", value=raw), 2)
    if not members and not contacts:
        fail(_("name at least one addressee with --to MEMBER or --to-contact ID"), 2)
    if body_file == "-":
        body = sys.stdin.read()
    else:
        try:
            body = Path(body_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(_("--body-file: cannot read %(file)s: %(error)s", file=body_file, error=exc))
    uploads = []
    for path in attach or []:
        try:
            uploads.append(act.Upload(path.name, path.read_bytes()))
        except OSError as exc:
            fail(_("--attach: cannot read %(file)s: %(error)s", file=path, error=exc))
    c = ctx()
    actor = c.actor(as_user)
    snap = c.snapshot()  # the first step fires in the send's own transaction
    with handled(), transaction(c.sessions) as session:
        net = act.get_network(session, actor, network)
        message = act.send_message(
            session,
            actor=actor,
            network=net,
            kind=kind.value,
            priority=priority.value,
            subject=subject,
            body=body,
            legal_basis=legal_basis,
            marking=act.parse_marking(marking, originator_control),
            to_members=members,
            to_contacts=contacts,
            attachments=uploads,
            response_hours=c.settings.response_hours,
            max_attachment_bytes=c.settings.attachment_max_bytes,
            snapshot=snap,
        )
        data = {
            "id": str(message.id),
            "network": net.code,
            "kind": message.kind,
            "priority": message.priority,
            "marking": message.marking.label,
            "sent_at": message.sent_at.isoformat(),
            "addressees": [{"member": a.member_code or None, "label": a.label} for a in message.addressees],
            "policy": message.policy_text or None,
            "response_due_at": message.response_due_at.isoformat() if message.response_due_at else None,
            "attachments": [a.filename for a in message.attachments],
        }
    if as_json:
        emit(data)
    else:
        typer.echo(data["id"])


@commands.command(
    "ack",
    help=lazy_gettext(
        "Acknowledge a message with the token of a one-click link, as the contact point it was sent to.\n"
        "\n"
        "Exit 1 with the reason when the token is forged, expired, or was used already\n"
        "(the refusal is audited)."
    ),
)
def ack(
    token: Annotated[
        str,
        typer.Argument(
            help=lazy_gettext(
                "The token of an acknowledgement link (the part after /ack/; the whole link will do), "
                "or - to read it from standard input, out of sight of the process list."
            )
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    from liaison.actions.exchange import acknowledge_with_token

    c = ctx()
    if token == "-":  # noqa: S105 - the stdin marker, not a secret
        token = sys.stdin.readline()
    token = token.strip().rsplit("/ack/", 1)[-1]
    with handled():
        result = acknowledge_with_token(c.sessions, key=c.settings.secret_key, token=token, via="cli", ip="local")
    a = result.addressee
    data = {
        "message_id": str(result.message_id),
        "addressee": a.label,
        "member": a.member_code or None,
        "first": result.first,
        "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
        "acknowledged_by": a.acknowledged_by or None,
    }
    if as_json:
        emit(data)
    elif result.first:
        typer.echo(
            _(
                "acknowledged message %(id)s for %(addressee)s: escalation stopped",
                id=result.message_id,
                addressee=a.label,
            )
        )
    else:
        typer.echo(
            _(
                "message %(id)s was already acknowledged for %(addressee)s by %(by)s",
                id=result.message_id,
                addressee=a.label,
                by=a.acknowledged_by,
            )
        )


@message_app.command(
    "show",
    help=lazy_gettext(
        "A message with its delivery and escalation history, as a timeline; the read is audited.\n"
        "\n"
        "The history: every notification (round, step, target, contact, channel, status, attempts,\n"
        "error, times), acknowledgements, answers to the response clock, and case steps."
    ),
)
def message_show(
    message_id: Annotated[str, typer.Argument(help=lazy_gettext("The message id."))],
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.db import transaction
    from liaison.queries.exchange import read_message

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        data = read_message(session, actor, message_id)
    if as_json:
        emit(data)
        return
    for line in timeline(data):
        typer.echo(line)


def timeline(d: dict[str, Any]) -> list[str]:
    """The message as readable lines: a header, then what happened in time order."""
    sender = d["sender"]
    who = sender["organisation"] or sender["name"]
    if sender["member"]:
        who += f" ({sender['member']})"

    def row(label: str, value: Any) -> str:
        return f"{label:<9} {value}"

    lines = [
        f"{d['priority'].upper()} {d['kind'].replace('_', ' ')} {d['id']}  [{d['status']}]",
        # Translators: the labels of a message's header lines, padded to 9 characters when shorter.
        row(pgettext("message header", "network"), d["network"]),
        row(pgettext("message header", "from"), who),
        row(pgettext("message header", "to"), ", ".join(a["label"] for a in d["addressees"])),
        row(pgettext("message header", "subject"), d["subject"]),
        row(pgettext("message header", "marking"), d["marking"]["label"]),
    ]
    if d["legal_basis"]:
        lines.append(row(pgettext("message header", "legal"), d["legal_basis"]))
    if d["escalation_policy"]:
        lines.append(row(pgettext("message header", "policy"), d["escalation_policy"]))
    if d["response_due_at"]:
        lines.append(row(pgettext("message header", "answer by"), d["response_due_at"]))
    for x in d["attachments"]:
        size = ngettext(
            "%(filename)s (%(type)s, %(num)d byte)",
            "%(filename)s (%(type)s, %(num)d bytes)",
            x["size"],
            filename=x["filename"],
            type=x["content_type"],
        )
        lines.append(row(pgettext("message header", "attached"), size))
    lines += ["", d["body"].rstrip(), "", _("history:")]
    events: list[tuple[str, int, str]] = [(d["sent_at"], 0, pgettext("message history", "sent"))]
    for n in d["notifications"]:
        where = n["contact"] or "-"
        if n["channel"]:
            where = _(
                "%(contact)s by %(channel)s %(address)s", contact=where, channel=n["channel"], address=n["address"]
            )
        status = n["status"]
        if n["attempts"] > 1 or (n["attempts"] and status != "sent"):
            status = ngettext(
                "%(status)s after %(num)d attempt(s)",
                "%(status)s after %(num)d attempt(s)",
                n["attempts"],
                status=status,
            )
        if n["last_error"]:
            status += f": {n['last_error']}"
        if n["sent_at"]:
            status = _("%(status)s at %(time)s", status=status, time=n["sent_at"])
        step = _(
            "round %(round)d step %(step)d %(target)s", round=n["round"] + 1, step=n["step"] + 1, target=n["target"]
        )
        events.append((n["due_at"], 1, f"{step}: {where} - {status} ({n['reason']})"))
        if n["link_used_at"]:
            events.append((n["link_used_at"], 2, _("acknowledgement link of %(contact)s used", contact=n["contact"])))
    for a in d["addressees"]:
        if a["acknowledged_at"]:
            text = _(
                "acknowledged for %(addressee)s by %(by)s (%(via)s)",
                addressee=a["label"],
                by=a["acknowledged_by"],
                via=a["acknowledged_via"],
            )
            events.append((a["acknowledged_at"], 3, text))
        elif a["next_escalation"]:
            nxt = a["next_escalation"]
            text = _("next for %(addressee)s: %(target)s (not yet)", addressee=a["label"], target=nxt["target"])
            events.append((nxt["due_at"], 9, text))
        if a["answered_at"]:
            if a["answer_by"]:
                text = _(
                    "%(addressee)s answered the clock: %(answer)s by %(by)s",
                    addressee=a["label"],
                    answer=a["answer"],
                    by=a["answer_by"],
                )
            else:
                text = _("%(addressee)s answered the clock: %(answer)s", addressee=a["label"], answer=a["answer"])
            events.append((a["answered_at"], 4, text))
    for s in d["case_steps"]:
        if s["note"]:
            text = _("case step %(step)s by %(by)s: %(note)s", step=s["step"], by=s["by"], note=s["note"])
        else:
            text = _("case step %(step)s by %(by)s", step=s["step"], by=s["by"])
        events.append((s["at"], 5, text))
    if d["closed_at"]:
        events.append((d["closed_at"], 6, _("closed: %(outcome)s", outcome=d["outcome"])))
    for at, _order, text in sorted(events, key=lambda e: (datetime.fromisoformat(e[0]), e[1])):
        lines.append(f"  {at[:19].replace('T', ' ')}  {text}")
    return lines


@message_app.command(
    "list",
    help=lazy_gettext(
        "Your organisation's incoming (or outgoing) messages with their acknowledgement state.\n"
        "\n"
        "The node operator, who belongs to no organisation, sees every message (--box does not apply)."
    ),
)
def message_list(
    box: Annotated[
        Box, typer.Option("--box", help=lazy_gettext("in: to your organisation; out: from it."))
    ] = Box.inbox,
    status: Annotated[Status, typer.Option("--status", help=lazy_gettext("open, closed or all."))] = Status.open,
    network: Annotated[str | None, typer.Option("--network", "-n", help=lazy_gettext("Only this network."))] = None,
    limit: Annotated[int, typer.Option(help=lazy_gettext("At most this many, flash first then newest."), min=1)] = 100,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from sqlalchemy import case, select

    from liaison.models import Message, Network, Organisation, utcnow
    from liaison.queries.exchange import InboxItem, inbox
    from liaison.queries.message_access import is_operator

    c = ctx()
    actor = c.actor(as_user)
    now = utcnow()
    with c.sessions() as session:
        if is_operator(actor):
            q = select(Message)
            if status.value != "all":
                q = q.where(Message.status == status.value)
            if network:
                q = q.join(Network, Network.id == Message.network_id).where(Network.code == network.strip().upper())
            prio = case({"flash": 0, "urgent": 1}, value=Message.priority, else_=2)
            rows = session.scalars(q.order_by(prio, Message.sent_at.desc()).limit(limit)).all()
            orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all()) if rows else {}
            items = [
                InboxItem(m, (), orgs.get(m.sender_organisation_id) if m.sender_organisation_id else None, None)
                for m in rows
            ]
            data = [{**i.to_json(now), "direction": None} for i in items]
        else:
            items = inbox(session, actor, box=box.value, status=status.value, network=network, limit=limit, now=now)
            data = [i.to_json(now) for i in items]
    if as_json:
        emit(data)
        return
    for r in data:
        if r["acknowledged"] is None:
            done = sum(a["acknowledged"] for a in r["addressees"])
            acked = _("%(done)d/%(total)d acknowledged", done=done, total=len(r["addressees"]))
        else:
            acked = _("acknowledged") if r["acknowledged"] else _("WAITING")
        late = " " + _("RESPONSE OVERDUE") if r["response_overdue"] else ""
        typer.echo(
            f"{r['id']}  {r['sent_at'][:16]}  {r['priority']:<7} {r['kind']:<17} {r['network']:<5} "
            f"{r['status']:<6} {acked}{late}  {r['subject']}"
        )
    typer.echo(ngettext("%(num)d message(s)", "%(num)d message(s)", len(data)))


@message_app.command(
    "ack",
    help=lazy_gettext(
        "Acknowledge a message for the addressees you answer for (the operator: for all); stops escalation."
    ),
)
def message_ack(
    message_id: Annotated[str, typer.Argument(help=lazy_gettext("The message id."))],
    member: Annotated[
        str | None, typer.Option("--member", help=lazy_gettext("Acknowledge only for this addressed member (e.g. FR)."))
    ] = None,
    as_json: JsonOpt = False,
    as_user: AsOpt = None,
) -> None:
    from liaison.actions.exchange import acknowledge
    from liaison.db import transaction
    from liaison.queries.message_access import message_or_404

    c = ctx()
    actor = c.actor(as_user)
    with handled(), transaction(c.sessions) as session:
        m = message_or_404(session, actor, message_id)
        done = acknowledge(session, actor=actor, message=m, member=member, via="cli")
        data = {"message_id": str(m.id), "acknowledged": [a.label for a in done], "by": actor.username}
    if as_json:
        emit(data)
    else:
        typer.echo(_("acknowledged for %(addressees)s: escalation stopped", addressees=", ".join(data["acknowledged"])))
