"""Page models built from the directory snapshot: board rows, overrides with who wins, suggestion links.

No web or database access here: plain functions of the snapshot and the duty answers, easy to test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

from liaison.errors import NotFound
from liaison.principal import Principal
from liaison.queries.duty import DutyAnswer, Step, find_member, find_network
from liaison.queries.snapshot import (
    ChannelView,
    ContactView,
    DesignationView,
    MemberView,
    NetworkView,
    OverrideView,
    RotationView,
    Snapshot,
)
from liaison.web.ui import fmt


def member_url(network: str, member: str) -> str:
    return f"/networks/{quote(network)}/members/{quote(member)}"


# -- look-ups whose 404 page links to the close matches ------------------------------------------------------------


def network_or_404(snap: Snapshot, actor: Principal, code: str) -> NetworkView:
    """A network the actor may see. One they may not see is answered exactly like an unknown one."""
    try:
        return find_network(snap, code, actor)
    except NotFound as exc:
        exc.links = [
            (f"{s} {snap.networks[s].name}", f"/networks/{quote(s)}") for s in exc.suggestions if s in snap.networks
        ]
        raise


def member_or_404(snap: Snapshot, network: NetworkView, query: str) -> MemberView:
    try:
        return find_member(snap, network, query)
    except NotFound as exc:
        exc.links = [
            (f"{s} {snap.members[s].name} on {network.code}", member_url(network.code, s))
            for s in exc.suggestions
            if s in snap.members
        ]
        raise


def visible_networks(snap: Snapshot, actor: Principal) -> list[NetworkView]:
    return sorted((n for n in snap.networks.values() if actor.can_see_network(n.id)), key=lambda n: n.code)


# -- the duty board ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardRow:
    member: MemberView
    answer: DutyAnswer
    contact: ContactView | None
    phone: ChannelView | None
    fallback: Step | None
    fallback_phone: ChannelView | None
    text: str  # what the filter box matches, folded

    @property
    def gap(self) -> bool:
        return self.contact is None


def board_rows(answers: list[DutyAnswer]) -> list[BoardRow]:
    rows = []
    for a in answers:
        c = a.contact
        first = a.fallback[0] if a.fallback else None
        words = [a.member.code, a.member.name, a.designation.agency if a.designation else ""]
        if c is not None:
            words += [c.name, c.agency, c.timezone, fmt.languages(c.languages)]
        else:
            words += ["nobody on duty", "gap"]
        rows.append(
            BoardRow(
                a.member,
                a,
                c,
                fmt.first_phone(c.channels) if c else None,
                first,
                fmt.first_phone(first.contact.channels) if first else None,
                " ".join(words).casefold(),
            )
        )
    return rows


def filter_rows(rows: list[BoardRow], q: str) -> list[BoardRow]:
    terms = q.casefold().split()
    return [r for r in rows if all(t in r.text for t in terms)] if terms else rows


# -- overrides: where they overlap, the one created later (higher seq) wins ----------------------------------------


@dataclass(slots=True)
class OverrideRow:
    number: int  # creation order on this page, 1 = oldest
    view: OverrideView
    contact: str
    beats: list[tuple[int, datetime, datetime]] = field(default_factory=list)
    beaten_by: list[tuple[int, datetime, datetime]] = field(default_factory=list)
    overruled: bool = False  # every minute of it is covered by later overrides: it never takes effect

    @property
    def status(self) -> str:
        if self.overruled:
            return "overruled"
        return "partly overruled" if self.beaten_by else "in effect"


def _covered(start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    reach = start
    for s, e in sorted(spans):
        if s > reach:
            return False
        reach = max(reach, e)
        if reach >= end:
            return True
    return reach >= end


def override_rows(
    overrides: tuple[OverrideView, ...] | list[OverrideView], contacts: dict[uuid.UUID, ContactView]
) -> list[OverrideRow]:
    ordered = sorted(overrides, key=lambda o: o.seq)
    rows = [
        OverrideRow(i + 1, o, contacts[o.contact_point_id].name if o.contact_point_id in contacts else "?")
        for i, o in enumerate(ordered)
    ]
    for a in rows:
        for b in rows:
            if b.view.seq > a.view.seq and a.view.start < b.view.end and b.view.start < a.view.end:
                s, e = max(a.view.start, b.view.start), min(a.view.end, b.view.end)
                a.beaten_by.append((b.number, s, e))
                b.beats.append((a.number, s, e))
        a.overruled = _covered(a.view.start, a.view.end, [(s, e) for _n, s, e in a.beaten_by])
    return sorted(rows, key=lambda r: (r.view.start, r.number))


# -- member page helpers -------------------------------------------------------------------------------------------


def roster_zone(designation: DesignationView | None, contact: ContactView | None) -> str:
    """The zone the member's roster is kept in: its first rotation's, else the contact point's, else UTC."""
    if designation is not None and designation.rotations:
        return designation.rotations[0].timezone
    return contact.timezone if contact else "UTC"


def agency_contacts(snap: Snapshot, designation: DesignationView) -> list[ContactView]:
    """Contact points that may be put on the roster: the designated agency's, active ones first by name."""
    found = [c for c in snap.contacts.values() if c.organisation_id == designation.agency_id and c.is_active]
    return sorted(found, key=lambda c: c.name.casefold())


def can_edit(snap: Snapshot, actor: Principal, designation: DesignationView) -> bool:
    """Whether the actor may change this roster (the actions decide; this only hides forms that would fail)."""
    if actor.administers(designation.network_id):
        return True
    networks = frozenset(net for (net, _m), d in snap.designations.items() if d.agency_id == designation.agency_id)
    return actor.can_edit_organisation(designation.agency_id, networks)


# -- rotations in plain language -----------------------------------------------------------------------------------

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekdays_text(days: tuple[int, ...] | list[int]) -> str:
    """(0, 1, 2, 3, 4) -> 'Mon-Fri'; (0, 2, 4) -> 'Mon, Wed, Fri'; runs of three or more become ranges."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for d in ordered:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_SHORT[run[0]]}-{DAY_SHORT[run[-1]]}")
        else:
            parts.extend(DAY_SHORT[d] for d in run)
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class RotationRow:
    view: RotationView
    text: str  # "Weekly, hand-over Monday 08:00 Europe/Paris, Claire → Marc; layer 1 nights 20:00-08:00"
    dates: str  # "Since 3 Aug 2026" / "From 1 Dec 2026 until 1 Mar 2027"
    ended: bool


def describe_rotation(r: RotationView, contacts: dict[uuid.UUID, ContactView], today: date) -> RotationRow:
    names = []
    for p in r.participants:
        c = contacts.get(p)
        names.append("?" if c is None else c.name + ("" if c.is_active else " (inactive)"))
    hand = r.handoff.strftime("%H:%M")
    if r.period == "weekly":
        head = "Weekly" if r.every == 1 else f"Every {r.every} weeks"
        text = f"{head}, hand-over {DAY_NAMES[r.start.weekday()]} {hand} {r.timezone}"
    else:
        head = "Daily" if r.every == 1 else f"Every {r.every} days"
        text = f"{head}, hand-over {hand} {r.timezone}"
    text += ", " + " → ".join(names)
    extra = []
    if r.layer:
        extra.append(f"layer {r.layer}")
    if r.window:
        a, b = r.window
        span = f"{a.strftime('%H:%M')}-{b.strftime('%H:%M')}"
        extra.append(f"nights {span}" if b < a else f"hours {span}")
    if r.weekdays is not None:
        extra.append(f"{weekdays_text(r.weekdays)} only")
    if extra:
        text += "; " + " ".join(extra)
    since = r.start.strftime("%d %b %Y").lstrip("0")
    dates = (f"Since {since}" if r.start <= today else f"Starts {since}") + (
        f", ends {r.end.strftime('%d %b %Y').lstrip('0')} at {hand}" if r.end else ""
    )
    return RotationRow(r, text, dates, r.end is not None and r.end <= today)
