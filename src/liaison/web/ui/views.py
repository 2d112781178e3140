"""Page models built from the directory snapshot: board rows, overrides with who wins, suggestion links.

No web or database access here: plain functions of the snapshot and the duty answers, easy to test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote

from babel.dates import format_date, get_day_names

from liaison import i18n, rosters
from liaison.channels.freshness import staleness
from liaison.errors import NotFound
from liaison.i18n import _, ngettext
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
from liaison.web.ui import duty_fmt, fmt


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
            (
                _("%(code)s %(name)s on %(network)s", code=s, name=snap.members[s].name, network=network.code),
                member_url(network.code, s),
            )
            for s in exc.suggestions
            if s in snap.members
        ]
        raise


def visible_networks(snap: Snapshot, actor: Principal) -> list[NetworkView]:
    return sorted((n for n in snap.networks.values() if actor.can_see_network(n.id)), key=lambda n: n.code)


# -- the duty board ------------------------------------------------------------------------------------------------

SOON = timedelta(hours=24)  # a gap starting within this is flagged on the board
SORTS = ("member", "duty", "until", "languages", "status")


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One member on the duty board: who answers, how to call them, and what to worry about (the status chips)."""

    member: MemberView
    answer: DutyAnswer
    contact: ContactView | None
    phone: ChannelView | None
    fallback: Step | None
    fallback_phone: ChannelView | None
    text: str  # what the filter box matches, folded
    deputy_on_duty: bool = False
    override: bool = False
    gap_soon: datetime | None = None  # the start of a gap within the next 24 h (the row is covered now)
    channels: str | None = None  # "unverified" (a channel never verified) or "stale", for the one to call

    @property
    def gap(self) -> bool:
        return self.contact is None

    @property
    def until(self) -> datetime | None:
        """When this answer changes: the end of the shift (or of the gap) holding the board's instant."""
        return self.answer.shift.end if self.answer.shift else None

    @property
    def callee(self) -> ContactView | None:
        """Whom the row's Call button reaches: the contact point on duty, else the first fallback."""
        return self.contact or (self.fallback.contact if self.fallback else None)

    @property
    def call(self) -> ChannelView | None:
        return self.phone if self.contact else self.fallback_phone

    @property
    def urgency(self) -> int:
        """Status order, worst first: nobody on duty, a gap soon, an unverified or stale channel, the deputy on
        duty, an override in force, nothing to say."""
        if self.gap:
            return 0
        if self.gap_soon is not None:
            return 1
        if self.channels == "unverified":
            return 2
        if self.channels == "stale":
            return 3
        if self.deputy_on_duty:
            return 4
        return 5 if self.override else 9


def _channel_state(contact: ContactView | None, now: datetime) -> str | None:
    if contact is None:
        return None
    found = [staleness(ch.verified_at, now) for ch in contact.channels]
    if any(f is not None and f.never for f in found):
        return "unverified"
    return "stale" if any(f is not None for f in found) else None


def board_row(answer: DutyAnswer) -> BoardRow:
    a, c = answer, answer.contact
    first = a.fallback[0] if a.fallback else None
    words = [
        a.member.code,
        a.member.name,
        duty_fmt.member_name(a.member),
        a.designation.agency if a.designation else "",
    ]
    if c is not None:
        words += [c.name, c.agency, c.timezone, fmt.languages(c.languages)]
    else:
        words += ["nobody on duty", "gap", str(_("Nobody on duty"))]
    d = a.designation
    gap_soon = None
    if c is not None and d is not None:
        soon = rosters.gaps(d.roster, a.at, a.at + SOON)
        gap_soon = soon[0].start if soon else None
    return BoardRow(
        a.member,
        a,
        c,
        fmt.first_phone(c.channels) if c else None,
        first,
        fmt.first_phone(first.contact.channels) if first else None,
        " ".join(words).casefold(),
        deputy_on_duty=c is not None and d is not None and d.deputy_id == c.id,
        override=a.shift is not None and a.shift.source == "override" and c is not None,
        gap_soon=gap_soon,
        channels=_channel_state(c, a.at),
    )


def board_rows(answers: list[DutyAnswer]) -> list[BoardRow]:
    return [board_row(a) for a in answers]


def filter_rows(rows: list[BoardRow], q: str) -> list[BoardRow]:
    terms = q.casefold().split()
    return [r for r in rows if all(t in r.text for t in terms)] if terms else rows


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``?sort=until`` or ``?sort=-until`` -> ("until", descending); anything else sorts by member."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    return (key, descending) if key in SORTS else ("member", False)


def sort_key(row: BoardRow, key: str) -> tuple[object, ...]:
    """The row's place under column ``key``; ties broken on the member's code, so the order is stable."""
    code = row.member.code
    if key == "duty":
        return (row.contact is None, row.contact.name.casefold() if row.contact else "", code)
    if key == "until":
        return (row.until is None, row.until.timestamp() if row.until else 0.0, code)
    if key == "languages":
        langs = row.callee.languages if row.callee else ()
        return (not langs, fmt.languages(langs).casefold(), code)
    if key == "status":
        return (row.urgency, code)
    return (code,)


def sort_rows(rows: list[BoardRow], key: str, descending: bool = False) -> list[BoardRow]:
    ordered = sorted(rows, key=lambda r: sort_key(r, key))
    return ordered[::-1] if descending else ordered


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


def day_names(width: str = "wide") -> list[str]:
    """Monday to Sunday in the current language ("wide": Monday; "abbreviated": Mon)."""
    names = get_day_names(width, locale=i18n.babel_locale())  # type: ignore[arg-type]
    return [str(names[d]) for d in range(7)]


def weekdays_text(days: tuple[int, ...] | list[int]) -> str:
    """(0, 1, 2, 3, 4) -> 'Mon-Fri'; (0, 2, 4) -> 'Mon, Wed, Fri'; runs of three or more become ranges."""
    short = day_names("abbreviated")
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
            parts.append(f"{short[run[0]]}–{short[run[-1]]}")
        else:
            parts.extend(short[d] for d in run)
    return ", ".join(parts)


def _clock(t: time) -> str:
    """A time of day, 24-hour, in the current language's digits and pattern."""
    return fmt.hm(datetime.combine(date(2000, 1, 3), t, tzinfo=UTC), "UTC")


def _date(d: date) -> str:
    return format_date(d, format="medium", locale=i18n.babel_locale())


@dataclass(frozen=True, slots=True)
class RotationRow:
    view: RotationView
    text: str  # "Weekly, hand-over Monday 08:00 Europe/Paris, Claire → Marc; layer 1; nights 20:00–08:00"
    dates: str  # "Since 3 Aug 2026" / "From 1 Dec 2026 until 1 Mar 2027"
    ended: bool


def describe_rotation(r: RotationView, contacts: dict[uuid.UUID, ContactView], today: date) -> RotationRow:
    names = []
    for p in r.participants:
        c = contacts.get(p)
        names.append("?" if c is None else c.name if c.is_active else _("%(name)s (inactive)", name=c.name))
    hand = _clock(r.handoff)
    if r.period == "weekly":
        day = day_names()[r.start.weekday()]
        head = (
            _("Weekly, hand-over %(day)s %(time)s %(zone)s", day=day, time=hand, zone=r.timezone)
            if r.every == 1
            else ngettext(
                "Every %(num)d week, hand-over %(day)s %(time)s %(zone)s",
                "Every %(num)d weeks, hand-over %(day)s %(time)s %(zone)s",
                r.every,
                day=day,
                time=hand,
                zone=r.timezone,
            )
        )
    else:
        head = (
            _("Daily, hand-over %(time)s %(zone)s", time=hand, zone=r.timezone)
            if r.every == 1
            else ngettext(
                "Every %(num)d day, hand-over %(time)s %(zone)s",
                "Every %(num)d days, hand-over %(time)s %(zone)s",
                r.every,
                time=hand,
                zone=r.timezone,
            )
        )
    # Translators: a rotation: its hand-over rule, then who takes turns, e.g. "Weekly, hand-over ..., Ann → Bo".
    facts = [_("%(rule)s, %(people)s", rule=head, people=" → ".join(names))]
    if r.layer:
        facts.append(_("layer %(layer)s", layer=r.layer))
    if r.window:
        a, b = (_clock(t) for t in r.window)
        facts.append(
            _("nights %(start)s–%(end)s", start=a, end=b) if b < a else _("hours %(start)s–%(end)s", start=a, end=b)
        )
    if r.weekdays is not None:
        facts.append(_("%(days)s only", days=weekdays_text(r.weekdays)))
    since = _date(r.start)
    if r.end:
        dates = (
            _("Since %(start)s, ends %(end)s at %(time)s", start=since, end=_date(r.end), time=hand)
            if r.start <= today
            else _("Starts %(start)s, ends %(end)s at %(time)s", start=since, end=_date(r.end), time=hand)
        )
    else:
        dates = _("Since %(start)s", start=since) if r.start <= today else _("Starts %(start)s", start=since)
    return RotationRow(r, "; ".join(facts), dates, r.end is not None and r.end <= today)
