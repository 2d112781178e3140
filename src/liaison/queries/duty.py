"""The duty answer: who is on duty for member X on network Y at time T, how to reach them, and who comes next.

Both the on-duty answer and the iCalendar export are built from :func:`liaison.rosters.on_duty` and
:func:`liaison.rosters.timeline` over the same roster, so they cannot disagree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from rapidfuzz import fuzz

from liaison import i18n, member_lookup, rosters
from liaison.errors import NotFound
from liaison.i18n import _
from liaison.principal import Principal
from liaison.queries.snapshot import ContactView, DesignationView, MemberView, NetworkView, Snapshot


def find_network(snap: Snapshot, code: str, principal: Principal | None = None) -> NetworkView:
    key = code.strip().upper()
    found = snap.networks.get(key)
    if found is not None and (principal is None or principal.can_see_network(found.id)):
        return found
    visible = {c: n for c, n in snap.networks.items() if principal is None or principal.can_see_network(n.id)}
    for n in visible.values():
        if n.name.casefold() == code.strip().casefold():
            return n
    raise NotFound(
        _("no network %(code)r", code=code), suggestions=_suggest(code, {n.code: n.name for n in visible.values()})
    )


def find_member(snap: Snapshot, network: NetworkView, query: str) -> MemberView:
    """A member of the network by code (FR, FRA), by name (France, Germany), or by an organisation's acronym,
    as :mod:`liaison.member_lookup` resolves it; else 404 with close matches."""
    key = query.strip().upper()
    if key in network.member_set:
        return snap.members[key]
    names = {c: snap.members[c].name for c in network.members}
    code = member_lookup.resolve(query, names)
    if code is not None:
        return snap.members[code]
    suggestions = member_lookup.suggest(query, names)
    known = snap.members.get(key)
    detail = (
        f"{known.name} ({key}) is not an active member of {network.code}"
        if known
        else (f"no member {query!r} on {network.code}")
    )
    raise NotFound(detail, suggestions=suggestions)


def network_member(snap: Snapshot, principal: Principal, network: str, member: str) -> tuple[NetworkView, MemberView]:
    """A network the principal may see, and one of its members, by code or name; 404 with suggestions otherwise."""
    n = find_network(snap, network, principal)
    return n, find_member(snap, n, member)


def _suggest(query: str, choices: dict[str, str], limit: int = 5) -> list[str]:
    """Close matches for a mistyped network code or name: a code is compared whole, a name also by its parts.
    (Members have their own, :func:`liaison.member_lookup.suggest`, which knows the names of states.)"""
    q = query.strip().casefold()
    if not q:
        return []
    scored = []
    for code, label in choices.items():
        name = label.casefold()
        score = max(fuzz.ratio(q, code.casefold()), 0.95 * fuzz.WRatio(q, name) if len(q) > 3 else fuzz.ratio(q, name))
        if score >= 55:
            scored.append((score, code))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [code for _score, code in scored[:limit]]


@dataclass(frozen=True, slots=True)
class Step:
    role: str  # deputy, desk, secretariat
    contact: ContactView


def fallback_chain(
    snap: Snapshot, network: NetworkView, designation: DesignationView | None, exclude: uuid.UUID | None = None
) -> tuple[Step, ...]:
    """Deputy, then the designated agency's 24/7 desk, then the network secretariat's desk (memoised per
    snapshot: it depends only on the directory and on who is on duty)."""
    key = (network.id, designation.id if designation else None, exclude)
    memo = snap.fallbacks.get(key)
    if memo is None:
        memo = snap.fallbacks[key] = tuple(_fallback_chain(snap, network, designation, exclude))
    return memo  # type: ignore[return-value]


def _fallback_chain(
    snap: Snapshot, network: NetworkView, designation: DesignationView | None, exclude: uuid.UUID | None
) -> list[Step]:
    steps: list[Step] = []
    seen = {exclude} if exclude else set()
    if designation is not None:
        if designation.deputy_id and designation.deputy_id in snap.contacts and designation.deputy_id not in seen:
            steps.append(Step("deputy", snap.contacts[designation.deputy_id]))
            seen.add(designation.deputy_id)
        for desk in snap.desks.get(designation.agency_id, ()):
            if desk.id not in seen:
                steps.append(Step("desk", desk))
                seen.add(desk.id)
    if network.secretariat_id:
        for desk in snap.desks.get(network.secretariat_id, ()):
            if desk.id not in seen:
                steps.append(Step("secretariat", desk))
                seen.add(desk.id)
    return steps


def contact_json(c: ContactView, at: datetime) -> dict[str, Any]:
    """The contact as JSON with its local time at ``at``, to the minute (what the answer shows). Memoised on
    the contact's view, which lives as long as its snapshot, so an edited contact is never served stale."""
    minute = int(at.timestamp()) // 60
    found = c.local_json.get(minute)
    if found is None:
        local = datetime.fromtimestamp(minute * 60, _zone(c.timezone))
        if len(c.local_json) > 1440:
            c.local_json.clear()
        found = c.local_json[minute] = {
            **c.static_json,
            "local_time": local.isoformat(timespec="minutes"),
            "utc_offset": local.strftime("%z"),
        }
    return found


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class DutyAnswer:
    network: NetworkView
    member: MemberView
    at: datetime
    designation: DesignationView | None
    shift: rosters.Shift | None
    contact: ContactView | None
    fallback: tuple[Step, ...]
    next_shift: rosters.Shift | None
    next_contact: ContactView | None

    @property
    def persons(self) -> tuple[str, ...]:
        """Ids of the persons the answer names (personal data: reading them must be audited), sorted."""
        shown = ([self.contact] if self.contact else []) + [s.contact for s in self.fallback]
        return tuple(sorted({str(c.static_json["id"]) for c in shown if c.kind == "person"}))

    def to_json(self) -> dict[str, Any]:
        shift = self.shift
        override = None
        if shift is not None and shift.source == "override" and self.designation is not None:
            override = next((o for o in self.designation.overrides if str(o.id) == shift.source_id), None)
        nxt, next_contact = self.next_shift, self.next_contact
        return {
            "network": self.network.code,
            "member": self.member.code,
            "member_name": self.member.name,
            "at": self.at.isoformat(),
            "agency": self.designation.agency if self.designation else None,
            "designation_source": self.designation.source if self.designation else None,
            "on_duty": self.contact is not None,
            "contact": contact_json(self.contact, self.at) if self.contact else None,
            "shift": None
            if shift is None
            else {
                "start": shift.start.isoformat(),
                "end": shift.end.isoformat(),
                "source": shift.source,
                "layer": shift.layer,
                "reason": override.reason if override else None,
            },
            "gap": self.contact is None,
            "message": self.message(),
            "fallback": [{"role": s.role, **contact_json(s.contact, self.at)} for s in self.fallback],
            "next": None
            if nxt is None or next_contact is None
            else {"start": nxt.start.isoformat(), "contact": next_contact.name, "contact_id": str(next_contact.id)},
        }

    def message(self) -> str:
        """The answer in one sentence, in the current language."""
        if self.designation is None:
            return _(
                "%(member)s has designated no authority on %(network)s; use the fallback.",
                member=self.member.name,
                network=self.network.code,
            )
        if self.contact is None:
            return _(
                "Nobody is on duty for %(member)s on %(network)s now; use the fallback.",
                member=self.member.name,
                network=self.network.code,
            )
        return _("%(name)s (%(agency)s) is on duty.", name=self.contact.name, agency=self.contact.agency)


def _segment(snap: Snapshot, d: DesignationView, at: datetime) -> tuple[rosters.Shift, rosters.Shift | None]:
    """The segment holding ``at`` and the one after it, memoised per snapshot: most lookups fall inside the
    segment answered last, and then cost no roster arithmetic at all."""
    memo = snap.segments.get(d.id)
    if memo is not None and memo[0].start <= at < memo[0].end:
        return memo
    shift = rosters.on_duty(d.roster, at)
    nxt = rosters.on_duty(d.roster, shift.end) if shift.end < at + rosters.SEARCH_HORIZON else None
    clipped = shift.start <= at - rosters.SEARCH_HORIZON + timedelta(seconds=1) or nxt is None
    if not clipped:  # a segment clipped by the search horizon is not its real extent: do not reuse it
        snap.segments[d.id] = (shift, nxt)
    return shift, nxt


def duty_answer(snap: Snapshot, network: NetworkView, member: MemberView, at: datetime) -> DutyAnswer:
    at = at.astimezone(UTC)
    designation = snap.designations.get((network.id, member.id))
    shift = nxt = None
    contact = next_contact = None
    if designation is not None:
        shift, nxt = _segment(snap, designation, at)
        if shift.participant is not None:
            contact = snap.contacts_by_key.get(shift.participant)
        if nxt is not None and nxt.participant is not None:
            next_contact = snap.contacts_by_key.get(nxt.participant)
    fallback = fallback_chain(snap, network, designation, exclude=contact.id if contact else None)
    return DutyAnswer(network, member, at, designation, shift, contact, fallback, nxt, next_contact)


@dataclass(frozen=True, slots=True)
class AnswerBytes:
    """A serialised duty answer without its ``at``, reusable within one minute of one roster segment."""

    minute: int
    start: datetime | None
    end: datetime | None
    rest: bytes  # the JSON object without "at", starting with "{"
    persons: tuple[str, ...]  # ids of the persons it names (for the read audit)


def duty_answer_bytes(
    snap: Snapshot, network: NetworkView, member: MemberView, at: datetime
) -> tuple[bytes, AnswerBytes]:
    """The duty answer as JSON bytes, equal to ``duty_answer(...).to_json()``.

    Everything in an answer but ``at`` is fixed within a minute (local times are shown to the minute) and
    within a roster segment, so the rest is serialised once per minute per member and language (the answer's
    ``message`` is a sentence in the reader's language) and ``at`` is spliced in.
    """
    at = at.astimezone(UTC)
    minute = int(at.timestamp()) // 60
    key = (network.id, member.id, i18n.current())
    memo = snap.answers.get(key)
    if not (
        isinstance(memo, AnswerBytes)
        and memo.minute == minute
        and (memo.start is None or memo.start <= at)
        and (memo.end is None or at < memo.end)
    ):
        answer = duty_answer(snap, network, member, at)
        body = answer.to_json()
        del body["at"]
        persons = answer.persons
        start, end = (answer.shift.start, answer.shift.end) if answer.shift else (None, None)
        memo = snap.answers[key] = AnswerBytes(minute, start, end, orjson.dumps(body), persons)
    return b'{"at":' + orjson.dumps(at.isoformat()) + b"," + memo.rest[1:], memo


def read_audit_details(answers: list[DutyAnswer]) -> dict[str, list[str]] | None:
    """The audit details of reading these answers: the persons shown and the members asked about; None when no
    person was shown (desks are not personal data)."""
    persons = sorted({p for a in answers for p in a.persons})
    return {"persons": persons, "members": [a.member.code for a in answers]} if persons else None


def board(snap: Snapshot, network: NetworkView, at: datetime) -> list[DutyAnswer]:
    return [duty_answer(snap, network, snap.members[code], at) for code in network.members]


def shifts(snap: Snapshot, designation: DesignationView, start: datetime, days: int) -> list[rosters.Shift]:
    return rosters.timeline(designation.roster, start, start + timedelta(days=days))
