"""The readiness digest: readiness warnings sent to a network secretariat's 24/7 desk by e-mail, so gaps
and unverified channels are fixed before they matter (run it daily, e.g. from a systemd timer or cron).

The digest is written in the first working language of the secretariat's desk that Liaison speaks (else the
node's language), with times in UTC: the desk reads it in its own language, whoever runs the command."""

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

SEVERITY_WORDS = {
    "critical": lazy_gettext("CRITICAL"),
    "warning": lazy_gettext("WARNING"),
    "notice": lazy_gettext("NOTICE"),
}


def _counts(warnings: list[Warning]) -> str:
    counts = Counter(w.severity for w in warnings)
    parts = []
    if counts["critical"]:
        parts.append(ngettext("%(num)d critical", "%(num)d critical", counts["critical"]))
    if counts["warning"]:
        parts.append(ngettext("%(num)d warning", "%(num)d warnings", counts["warning"]))
    if counts["notice"]:
        parts.append(ngettext("%(num)d notice", "%(num)d notices", counts["notice"]))
    return format_list(parts, locale=i18n.babel_locale()) if parts else _("none")


def digest_text(network: NetworkView, warnings: list[Warning], horizon_days: int) -> tuple[str, str]:
    """(subject, body) in the current language."""
    # Translators: the subject of the daily readiness e-mail, e.g. "Liaison readiness for FTF: 2 critical, 5 notices".
    subject = _("Liaison readiness for %(network)s: %(counts)s", network=network.code, counts=_counts(warnings))
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
        who = f"{w.member_name} ({w.member})" if w.member else w.member_name
        lines.append(f"[{SEVERITY_WORDS.get(w.severity, w.severity)}] {who}: {w.message}")
    return subject, "\n".join(lines) + "\n"


def recipients(snap: Snapshot, network: NetworkView) -> list[str]:
    """The e-mail channels of the secretariat's 24/7 desks."""
    if network.secretariat_id is None:
        return []
    return [
        ch.value for desk in snap.desks.get(network.secretariat_id, ()) for ch in desk.channels if ch.kind == "email"
    ]


def digest_language(snap: Snapshot, network: NetworkView, default: str | None = None) -> str:
    """The first working language of the secretariat's desks that Liaison speaks, else ``default``."""
    desks = snap.desks.get(network.secretariat_id, ()) if network.secretariat_id else ()
    return i18n.choose([code for desk in desks for code in desk.languages], default=default or i18n.current())


def send_digest(
    settings: Settings, snap: Snapshot, network: NetworkView, warnings: list[Warning], horizon_days: int
) -> list[tuple[str, str | None]]:
    """Send to every recipient; returns (address, error or None) per recipient."""
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
