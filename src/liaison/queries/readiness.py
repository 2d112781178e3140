"""Readiness warnings: what will go wrong before it matters (gaps, unverified channels, stale rosters).

Channels are judged by :func:`liaison.channels.freshness.staleness`, the same rule as the exercise report's, for
every contact point an urgent message could reach: those on the roster over the horizon, each member's fallback
chain (deputy, agency 24/7 desk) and, once per network, the secretariat's own desk, the last resort of every chain.

A warning keeps its text as a message id and values, so each reader gets it in their language and times in
their zone (:meth:`Warning.describe`); :attr:`Warning.message` is the text with times in UTC (API, CLI, digest).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import LazyProxy

from liaison import i18n, rosters
from liaison.channels.freshness import NEVER_VERIFIED, STALE, Staleness, staleness
from liaison.i18n import lazy_gettext
from liaison.queries.duty import fallback_chain
from liaison.queries.snapshot import ContactView, NetworkView, Snapshot

SEVERITY_ORDER = {"critical": 0, "warning": 1, "notice": 2}

# What each kind of warning is called on a page (the kind itself is an identifier: API, CLI, filters).
KIND_LABELS = {
    "no_designation": lazy_gettext("No designated authority"),
    "gap": lazy_gettext("Nobody on duty"),
    "no_channel": lazy_gettext("No channel"),
    "unverified_channel": lazy_gettext("Channel never verified"),
    "stale_channel": lazy_gettext("Channel verified long ago"),
    "failing_channel": lazy_gettext("Channel failing"),
    "no_fallback": lazy_gettext("No fallback"),
    "deputy_on_duty": lazy_gettext("Deputy on duty"),
    "stale_roster": lazy_gettext("Roster not confirmed"),
}

# Channel kinds in a warning's text (the same words as the pages' channel labels).
CHANNEL_WORDS = {
    "phone": lazy_gettext("Phone"),
    "mobile": lazy_gettext("Mobile"),
    "email": lazy_gettext("E-mail"),
    "inbox": lazy_gettext("Liaison inbox"),
    "webhook": lazy_gettext("Webhook"),
}

# Who a contact point is in a fallback chain, inside a warning's text.
ROLE_WORDS = {
    "deputy": lazy_gettext("deputy"),
    "desk": lazy_gettext("agency 24/7 desk"),
    "secretariat": lazy_gettext("secretariat 24/7 desk"),
}

TEXTS: dict[str, LazyProxy] = {
    "no_designation": lazy_gettext("%(member)s has designated no authority on %(network)s."),
    "no_fallback": lazy_gettext("No deputy, agency 24/7 desk or secretariat desk to fall back on."),
    "gap": lazy_gettext("Nobody on duty for %(hours)s h in the next %(days)s days, first from %(start)s to %(end)s."),
    "no_channel": lazy_gettext("%(contact)s is on duty from %(start)s but has no channel at all."),
    "no_channel_fallback": lazy_gettext("%(contact)s (%(role)s, in the fallback chain) has no channel at all."),
    "unverified_all": lazy_gettext(
        "%(contact)s is on duty from %(start)s with no verified channel. Never verified: %(channels)s."
    ),
    "unverified_some": lazy_gettext("%(contact)s is on duty from %(start)s. Never verified: %(channels)s."),
    "unverified_fallback_all": lazy_gettext(
        "%(contact)s (%(role)s, in the fallback chain) has no verified channel. Never verified: %(channels)s."
    ),
    "unverified_fallback_some": lazy_gettext(
        "%(contact)s (%(role)s, in the fallback chain). Never verified: %(channels)s."
    ),
    "secretariat_all": lazy_gettext(
        "The secretariat's own desk, %(contact)s, the last resort of every fallback chain, has no verified channel. "
        "Never verified: %(channels)s."
    ),
    "secretariat_some": lazy_gettext(
        "The secretariat's own desk, %(contact)s, the last resort of every fallback chain. Never verified: "
        "%(channels)s."
    ),
    "stale": lazy_gettext("%(contact)s: channels last verified more than %(days)s days ago: %(channels)s."),
    "deputy_on_duty": lazy_gettext(
        "%(contact)s is on duty now and is also the deputy: the deputy step of an urgent message reaches nobody "
        "new, and the chain goes straight on to the next step."
    ),
    "failing_channel": lazy_gettext("%(contact)s: %(channel)s failed on its last notification: %(error)s"),
    "stale_roster_never": lazy_gettext("Roster not confirmed for %(days)s days (never confirmed)."),
    "stale_roster": lazy_gettext("Roster not confirmed for %(days)s days (last on %(date)s)."),
}


@dataclass(frozen=True, slots=True)
class ChannelIssue:
    """One channel a warning is about, and what is wrong with it (:mod:`liaison.channels.freshness`)."""

    id: uuid.UUID
    kind: str
    value: str
    staleness: Staleness

    def words(self) -> str:
        return f"{CHANNEL_WORDS.get(self.kind, self.kind)} {self.value}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "value": self.value,
            "problem": self.staleness.kind,
            "verified_at": self.staleness.verified_at.isoformat() if self.staleness.verified_at else None,
        }


def utc_text(dt: datetime) -> str:
    """A time in a warning read outside a page (API, CLI, e-mail digest): UTC, unambiguous."""
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True, slots=True)
class Warning:
    member: str  # "" for a warning about the whole network (the secretariat's own desk)
    member_name: str
    kind: str  # no_designation, gap, unverified_channel, stale_channel, stale_roster, no_fallback, no_channel,
    # failing_channel, deputy_on_duty
    severity: str  # critical, warning, notice
    text: str  # a key of TEXTS
    values: Mapping[str, Any] = field(default_factory=dict)
    starts_at: datetime | None = None
    contact_id: uuid.UUID | None = None
    channels: tuple[ChannelIssue, ...] = ()

    def describe(self, time: Callable[[datetime], str] = utc_text) -> str:
        """The warning in the current language, its times written by ``time``."""
        locale = i18n.babel_locale()
        shown: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, datetime):
                shown[key] = time(value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                shown[key] = format_decimal(value, locale=locale)
            else:
                shown[key] = str(value)
        if self.channels:
            shown["channels"] = format_list([c.words() for c in self.channels], locale=locale)
        return str(TEXTS[self.text]) % shown

    @property
    def message(self) -> str:
        return self.describe()

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    def to_json(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "member_name": self.member_name,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "contact_id": str(self.contact_id) if self.contact_id else None,
            "channels": [c.to_json() for c in self.channels],
        }


def channel_issues(c: ContactView, now: datetime, stale_days: int) -> tuple[list[ChannelIssue], list[ChannelIssue]]:
    """(never verified, verified too long ago) among the contact's channels, by the exercise report's rule."""
    never: list[ChannelIssue] = []
    stale: list[ChannelIssue] = []
    for ch in c.channels:
        found = staleness(ch.verified_at, now, stale_days)
        if found is not None:
            (never if found.kind == NEVER_VERIFIED else stale).append(ChannelIssue(ch.id, ch.kind, ch.value, found))
    return never, stale


class _Findings:
    def __init__(self) -> None:
        self.out: list[Warning] = []

    def add(self, member: str, name: str, kind: str, severity: str, text: str, **kw: Any) -> None:
        values = kw.pop("values", {})
        self.out.append(Warning(member, name, kind, severity, text, values, **kw))


def _check_channels(
    found: _Findings,
    member: tuple[str, str],
    contact: ContactView,
    now: datetime,
    stale_days: int,
    *,
    start: datetime | None = None,
    role: str | None = None,
    last_resort: bool = False,
) -> None:
    """Warn about a contact's never-verified and stale channels: on the roster from ``start``, or in the fallback
    chain as ``role``. A contact with no verified channel at all is a warning; some unverified ones, a notice."""
    code, name = member
    never, stale = channel_issues(contact, now, stale_days)
    where: dict[str, Any] = {"contact": contact.name}
    if start is not None:
        where["start"] = start
    else:
        where["role"] = ROLE_WORDS.get(role or "", role or "")
    if never:
        none_verified = len(never) == len(contact.channels)
        prefix = "secretariat_" if last_resort else "unverified_" if start is not None else "unverified_fallback_"
        found.add(
            code,
            name,
            "unverified_channel",
            "warning" if none_verified or last_resort else "notice",
            prefix + ("all" if none_verified else "some"),
            values=where,
            starts_at=start,
            contact_id=contact.id,
            channels=tuple(never),
        )
    if stale:
        found.add(
            code,
            name,
            "stale_channel",
            "notice",
            "stale",
            values={"contact": contact.name, "days": stale_days},
            starts_at=start,
            contact_id=contact.id,
            channels=tuple(stale),
        )


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
    found = _Findings()
    failing = failing or {}
    end = now + timedelta(days=horizon_days)
    secretariat_desks = {d.id for d in snap.desks.get(network.secretariat_id, ())} if network.secretariat_id else set()
    for desk in snap.desks.get(network.secretariat_id, ()) if network.secretariat_id else ():
        network_wide = ("", network.secretariat or network.code)
        if not desk.channels:
            found.add(
                *network_wide,
                "no_channel",
                "critical",
                "no_channel_fallback",
                values={"contact": desk.name, "role": ROLE_WORDS["secretariat"]},
                contact_id=desk.id,
            )
        _check_channels(found, network_wide, desk, now, channel_stale_days, role="secretariat", last_resort=True)
    for code in network.members:
        member = snap.members[code]
        designation = snap.designations.get((network.id, member.id))
        who = (code, member.name)
        if designation is None:
            found.add(
                *who,
                "no_designation",
                "critical",
                "no_designation",
                values={"member": member.name, "network": network.code},
            )
            continue
        chain = fallback_chain(snap, network, designation)
        if not chain:
            found.add(*who, "no_fallback", "warning", "no_fallback")
        gaps = rosters.gaps(designation.roster, now, end)
        if gaps:
            hours = round(sum((g.end - g.start).total_seconds() for g in gaps) / 3600)
            first = gaps[0]
            found.add(
                *who,
                "gap",
                "critical" if first.start - now < timedelta(days=2) else "warning",
                "gap",
                values={"hours": hours, "days": horizon_days, "start": first.start, "end": first.end},
                starts_at=first.start,
            )
        seen: dict[str, datetime] = {}  # participant -> the start of their first shift in the horizon
        deputy = str(designation.deputy_id) if designation.deputy_id else None
        deputy_shift = None  # the deputy's first shift in the horizon
        for shift in rosters.timeline(designation.roster, now, end):
            if deputy_shift is None and shift.participant == deputy:
                deputy_shift = shift
            if shift.participant is not None and shift.participant not in seen:
                seen[shift.participant] = shift.start
        on_roster: list[ContactView] = []
        for participant, start in seen.items():
            contact = snap.contacts.get(uuid.UUID(participant))
            if contact is None:
                continue
            on_roster.append(contact)
            if not contact.channels:
                found.add(
                    *who,
                    "no_channel",
                    "critical",
                    "no_channel",
                    values={"contact": contact.name, "start": start},
                    starts_at=start,
                    contact_id=contact.id,
                )
                continue
            _check_channels(found, who, contact, now, channel_stale_days, start=start)
        checked = {c.id for c in on_roster}
        for step in chain:
            if step.contact.id in checked or step.contact.id in secretariat_desks:
                continue  # on the roster (checked above) or the secretariat's desk (checked once, above)
            checked.add(step.contact.id)
            if not step.contact.channels:
                found.add(
                    *who,
                    "no_channel",
                    "warning",
                    "no_channel_fallback",
                    values={"contact": step.contact.name, "role": ROLE_WORDS[step.role]},
                    contact_id=step.contact.id,
                )
                continue
            _check_channels(found, who, step.contact, now, channel_stale_days, role=step.role)
        # Only now, and as a notice: the chain still works (the repeat is skipped), and a deputy who takes a turn on
        # the rotation, as in most small teams, would otherwise be flagged for nearly every member over the horizon.
        if deputy_shift is not None and deputy_shift.start <= now and designation.deputy_id in snap.contacts:
            found.add(
                *who,
                "deputy_on_duty",
                "notice",
                "deputy_on_duty",
                values={"contact": snap.contacts[designation.deputy_id].name},
                starts_at=now,
                contact_id=designation.deputy_id,
            )
        fallback_contacts = [step.contact for step in chain]
        for contact in dict.fromkeys(sorted(on_roster, key=lambda c: str(c.id)) + fallback_contacts):
            for ch in contact.channels:
                if ch.id in failing:
                    channel = f"{CHANNEL_WORDS.get(ch.kind, ch.kind)} {ch.value}"
                    found.add(
                        *who,
                        "failing_channel",
                        "warning",
                        "failing_channel",
                        values={"contact": contact.name, "channel": channel, "error": failing[ch.id]},
                        contact_id=contact.id,
                    )
        confirmed = designation.roster_confirmed_at
        if confirmed is None:
            found.add(*who, "stale_roster", "notice", "stale_roster_never", values={"days": roster_stale_days})
        elif now - confirmed > timedelta(days=roster_stale_days):
            found.add(
                *who,
                "stale_roster",
                "notice",
                "stale_roster",
                values={"days": roster_stale_days, "date": confirmed.date().isoformat()},
            )
    out = found.out
    out.sort(key=lambda x: (SEVERITY_ORDER[x.severity], x.member, x.kind))
    return out


def stale_channel_ids(warnings: list[Warning]) -> set[uuid.UUID]:
    """Every channel the warnings call never verified or stale."""
    return {c.id for w in warnings for c in w.channels if c.staleness.kind in (NEVER_VERIFIED, STALE)}
