"""The readiness digest: readiness warnings sent to a network secretariat's 24/7 desk by e-mail, so gaps
and unverified channels are fixed before they matter (run it daily, e.g. from a systemd timer or cron)."""

from __future__ import annotations

import uuid
from collections import Counter

from liaison.channels import ChannelError
from liaison.channels.registry import Outgoing, sender_for
from liaison.queries.readiness import Warning
from liaison.queries.snapshot import NetworkView, Snapshot
from liaison.settings import Settings


def digest_text(network: NetworkView, warnings: list[Warning], horizon_days: int) -> tuple[str, str]:
    counts = Counter(w.severity for w in warnings)
    summary = ", ".join(f"{counts[s]} {s}" for s in ("critical", "warning", "notice") if counts[s]) or "none"
    subject = f"Liaison readiness for {network.code}: {summary}"
    lines = [f"Readiness of the {network.name} ({network.code}) for the next {horizon_days} days.", ""]
    if not warnings:
        lines.append("No warnings: every member has someone on duty, reachable on a verified channel.")
    for w in warnings:
        lines.append(f"[{w.severity.upper()}] {w.member_name} ({w.member}): {w.message}")
    return subject, "\n".join(lines) + "\n"


def recipients(snap: Snapshot, network: NetworkView) -> list[str]:
    """The e-mail channels of the secretariat's 24/7 desks."""
    if network.secretariat_id is None:
        return []
    return [
        ch.value for desk in snap.desks.get(network.secretariat_id, ()) for ch in desk.channels if ch.kind == "email"
    ]


def send_digest(
    settings: Settings, snap: Snapshot, network: NetworkView, warnings: list[Warning], horizon_days: int
) -> list[tuple[str, str | None]]:
    """Send to every recipient; returns (address, error or None) per recipient."""
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
