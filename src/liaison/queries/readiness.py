"""Readiness warnings: what will go wrong before it matters (gaps, unverified channels, stale rosters)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from liaison import rosters
from liaison.queries.duty import fallback_chain
from liaison.queries.snapshot import ContactView, NetworkView, Snapshot

SEVERITY_ORDER = {"critical": 0, "warning": 1, "notice": 2}


@dataclass(frozen=True, slots=True)
class Warning:
    member: str
    member_name: str
    kind: str  # no_designation, gap, unverified_channel, stale_channel, stale_roster, no_fallback, no_channel,
    # failing_channel, deputy_on_duty
    severity: str  # critical, warning, notice
    message: str
    starts_at: datetime | None = None
    contact_id: uuid.UUID | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "member_name": self.member_name,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "contact_id": str(self.contact_id) if self.contact_id else None,
        }


def _verified(c: ContactView, now: datetime, stale: timedelta) -> tuple[bool, bool]:
    """(has a verified channel at all, has one verified recently)."""
    dates = [ch.verified_at for ch in c.channels if ch.verified_at is not None]
    return bool(dates), any(now - d <= stale for d in dates)


def _warn(out: list[Warning], code: str, name: str, kind: str, severity: str, message: str, **kw: Any) -> None:
    out.append(Warning(code, name, kind, severity, message, **kw))


def readiness(
    snap: Snapshot,
    network: NetworkView,
    now: datetime,
    *,
    horizon_days: int = 28,
    roster_stale_days: int = 90,
    channel_stale_days: int = 180,
    failing: Mapping[uuid.UUID, str] | None = None,
) -> list[Warning]:
    """``failing`` maps channel ids to the error of their last notification, when it failed (see
    :func:`liaison.queries.exchange.failing_channels`): a contact on duty or in the fallback chain whose
    channel failed is a warning, since the next urgent message would fail the same way."""
    out: list[Warning] = []
    failing = failing or {}
    end = now + timedelta(days=horizon_days)
    stale_channel = timedelta(days=channel_stale_days)
    for code in network.members:
        member = snap.members[code]
        designation = snap.designations.get((network.id, member.id))
        w = partial(_warn, out, code, member.name)
        if designation is None:
            w("no_designation", "critical", f"{member.name} has designated no authority on {network.code}.")
            continue
        if not fallback_chain(snap, network, designation):
            w("no_fallback", "warning", "No deputy, agency 24/7 desk or secretariat desk to fall back on.")
        gaps = rosters.gaps(designation.roster, now, end)
        if gaps:
            hours = sum((g.end - g.start).total_seconds() for g in gaps) / 3600
            first = gaps[0]
            w(
                "gap",
                "critical" if first.start - now < timedelta(days=2) else "warning",
                f"Nobody on duty for {hours:.0f} h in the next {horizon_days} days, first from "
                f"{first.start:%Y-%m-%d %H:%M} UTC to {first.end:%Y-%m-%d %H:%M} UTC.",
                starts_at=first.start,
            )
        seen: set[str] = set()
        deputy = str(designation.deputy_id) if designation.deputy_id else None
        deputy_shift = None  # the deputy's first shift in the horizon
        for shift in rosters.timeline(designation.roster, now, end):
            if deputy_shift is None and shift.participant == deputy:
                deputy_shift = shift
            if shift.participant is None or shift.participant in seen:
                continue
            seen.add(shift.participant)
            contact = snap.contacts.get(uuid.UUID(shift.participant))
            if contact is None:
                continue
            if not contact.channels:
                w(
                    "no_channel",
                    "critical",
                    f"{contact.name} is on duty from {shift.start:%Y-%m-%d %H:%M} UTC but has no channel at all.",
                    starts_at=shift.start,
                    contact_id=contact.id,
                )
                continue
            ever, recent = _verified(contact, now, stale_channel)
            if not ever:
                w(
                    "unverified_channel",
                    "warning",
                    f"{contact.name} is on duty from {shift.start:%Y-%m-%d %H:%M} UTC with no verified channel.",
                    starts_at=shift.start,
                    contact_id=contact.id,
                )
            elif not recent:
                w(
                    "stale_channel",
                    "notice",
                    f"{contact.name}'s channels were last verified more than {channel_stale_days} days ago.",
                    starts_at=shift.start,
                    contact_id=contact.id,
                )
        # Only now, and as a notice: the chain still works (the repeat is skipped), and a deputy who takes a turn on
        # the rotation, as in most small teams, would otherwise be flagged for nearly every member over the horizon.
        if deputy_shift is not None and deputy_shift.start <= now and designation.deputy_id in snap.contacts:
            w(
                "deputy_on_duty",
                "notice",
                f"{snap.contacts[designation.deputy_id].name} is on duty now and is also the deputy: the deputy step "
                "of an urgent message reaches nobody new, and the chain goes straight on to the next step.",
                starts_at=now,
                contact_id=designation.deputy_id,
            )
        fallback_contacts = [step.contact for step in fallback_chain(snap, network, designation)]
        on_roster = [snap.contacts[uuid.UUID(p)] for p in sorted(seen) if uuid.UUID(p) in snap.contacts]
        for contact in dict.fromkeys(on_roster + fallback_contacts):
            for ch in contact.channels:
                if ch.id in failing:
                    w(
                        "failing_channel",
                        "warning",
                        f"{contact.name}'s {ch.kind} {ch.value} failed on its last notification: {failing[ch.id]}",
                        contact_id=contact.id,
                    )
        confirmed = designation.roster_confirmed_at
        if confirmed is None or now - confirmed > timedelta(days=roster_stale_days):
            when = "never" if confirmed is None else f"last on {confirmed:%Y-%m-%d}"
            w("stale_roster", "notice", f"Roster not confirmed for {roster_stale_days} days ({when}).")
    out.sort(key=lambda x: (SEVERITY_ORDER[x.severity], x.member, x.kind))
    return out
