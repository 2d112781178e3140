"""The readiness digest: readiness warnings sent to a network secretariat's 24/7 desk by e-mail, so gaps
and unverified channels are fixed before they matter (run it daily, e.g. from a systemd timer or cron).

The digest is written in the first working language of the secretariat's desk that Liaison speaks (else the
current language), with times in UTC: the desk reads it in its own language, whoever runs the command."""

from __future__ import annotations

import uuid
from collections import Counter

from babel.lists import format_list

from liaison import i18n
from liaison.channels import ChannelError
from liaison.channels.registry import Outgoing, sender_for
from liaison.i18n import _, lazy_gettext, ngettext
from liaison.queries.readiness import Warning
from liaison.queries.snapshot import NetworkView, Snapshot
from liaison.settings import Settings


def _count(severity: str, n: int) -> str:
    if severity == "critical":
        # Translators: in the readiness digest's subject, e.g. "Liaison readiness for FTF: 2 critical, 1 warning"
        return ngettext("%(num)d critical", "%(num)d critical", n)
    if severity == "warning":
        return ngettext("%(num)d warning", "%(num)d warnings", n)
    return ngettext("%(num)d notice", "%(num)d notices", n)


# Translators: the severity tag before each readiness warning in the digest e-mail, e.g. "[CRITICAL] Japan (JP): ..."
TAGS = {"critical": lazy_gettext("CRITICAL"), "warning": lazy_gettext("WARNING"), "notice": lazy_gettext("NOTICE")}


def digest_text(network: NetworkView, warnings: list[Warning], horizon_days: int) -> tuple[str, str]:
    """The digest in the current language (the node's default when run from the CLI); each warning's own text
    is in the language it was worded in (see :func:`liaison.queries.readiness.readiness`)."""
    counts = Counter(w.severity for w in warnings)
    parts = [_count(s, counts[s]) for s in ("critical", "warning", "notice") if counts[s]]
    summary = format_list(parts, style="unit", locale=i18n.babel_locale()) if parts else _("none")
    subject = _("Liaison readiness for %(network)s: %(summary)s", network=network.code, summary=summary)
    lines = [
        ngettext(
            "Readiness of the %(name)s (%(network)s) for the next %(num)d day.",
            "Readiness of the %(name)s (%(network)s) for the next %(num)d days.",
            horizon_days,
            name=network.name,
            network=network.code,
        ),
        "",
    ]
    if not warnings:
        lines.append(_("No warnings: every member has someone on duty, reachable on a verified channel."))
    for w in warnings:
        tag = TAGS.get(w.severity)
        severity = str(tag) if tag is not None else w.severity.upper()
        if w.member:
            lines.append(
                # Translators: one readiness warning: its severity tag, the member's name and code, and the warning
                _(
                    "[%(severity)s] %(member_name)s (%(member)s): %(warning)s",
                    severity=severity,
                    member_name=w.member_name,
                    member=w.member,
                    warning=w.message,
                )
            )
        else:  # about the whole network (the secretariat's own desk)
            lines.append(
                # Translators: one readiness warning about the whole network: severity tag, who, and the warning
                _("[%(severity)s] %(who)s: %(warning)s", severity=severity, who=w.member_name, warning=w.message)
            )
    return subject, "\n".join(lines) + "\n"


def recipients(snap: Snapshot, network: NetworkView) -> list[str]:
    """The e-mail channels of the secretariat's 24/7 desks."""
    if network.secretariat_id is None:
        return []
    return [
        ch.value for desk in snap.desks.get(network.secretariat_id, ()) for ch in desk.channels if ch.kind == "email"
    ]


def digest_language(snap: Snapshot, network: NetworkView, default: str | None = None) -> str:
    """The first working language of the secretariat's desks that Liaison speaks, else ``default`` (the current)."""
    desks = snap.desks.get(network.secretariat_id, ()) if network.secretariat_id else ()
    return i18n.choose([code for desk in desks for code in desk.languages], default=default or i18n.current())


def send_digest(
    settings: Settings, snap: Snapshot, network: NetworkView, warnings: list[Warning], horizon_days: int
) -> list[tuple[str, str | None]]:
    """Send to every recipient, in the desk's language; returns (address, error or None) per recipient."""
    with i18n.use_locale(digest_language(snap, network)):
        subject, body = digest_text(network, warnings, horizon_days)
    sender = sender_for(settings, "email")
    results: list[tuple[str, str | None]] = []
    for address in recipients(snap, network):
        try:
            sender.send(Outgoing(kind="email", to=address, subject=subject, body=body, key=uuid.uuid4().hex))
            results.append((address, None))
        except ChannelError as exc:
            results.append((address, str(exc)))
    return results
