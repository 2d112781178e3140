"""An immutable, in-memory picture of the directory, rebuilt when the directory revision changes.

Duty lookups are the hot path ("who do I call, right now?"): they read this snapshot instead of the
database, so an answer costs one tiny revision query plus dictionary look-ups and roster arithmetic.
Every directory write bumps the revision in its own transaction, so no process ever answers from a
stale directory once the write has committed.
"""

from __future__ import annotations

import gc
import itertools
import threading
import time as clock
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, selectinload

from liaison import rosters
from liaison.models import (
    ContactPoint,
    Designation,
    Member,
    Membership,
    Network,
    Organisation,
    Override,
    Rotation,
)


@dataclass(frozen=True, slots=True)
class ChannelView:
    id: uuid.UUID
    kind: str
    value: str
    label: str
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContactView:
    id: uuid.UUID
    name: str
    kind: str
    is_24_7: bool
    languages: tuple[str, ...]
    timezone: str
    organisation_id: uuid.UUID
    agency: str
    member_code: str | None
    channels: tuple[ChannelView, ...]
    is_active: bool
    # The JSON of the contact minus its local time, built once per snapshot (the duty answer's hot path).
    static_json: dict[str, object] = field(default_factory=dict, compare=False)
    local_json: dict[int, dict[str, object]] = field(default_factory=dict, compare=False)  # by minute


@dataclass(frozen=True, slots=True)
class RotationView:
    id: uuid.UUID
    name: str
    layer: int
    timezone: str
    period: str
    every: int
    start: date
    handoff: time
    end: date | None
    window: tuple[time, time] | None
    weekdays: tuple[int, ...] | None
    participants: tuple[uuid.UUID, ...]


@dataclass(frozen=True, slots=True)
class OverrideView:
    id: uuid.UUID
    contact_point_id: uuid.UUID
    start: datetime
    end: datetime
    reason: str
    seq: int


@dataclass(frozen=True, slots=True)
class DesignationView:
    id: uuid.UUID
    network_id: uuid.UUID
    member_id: uuid.UUID
    agency_id: uuid.UUID
    agency: str
    source: str
    designated_on: date | None
    deputy_id: uuid.UUID | None
    roster_confirmed_at: datetime | None
    rotations: tuple[RotationView, ...]
    overrides: tuple[OverrideView, ...]
    roster: rosters.Roster


@dataclass(frozen=True, slots=True)
class MemberView:
    id: uuid.UUID
    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class NetworkView:
    id: uuid.UUID
    code: str
    name: str
    description: str
    secretariat_id: uuid.UUID | None
    secretariat: str | None
    members: tuple[str, ...]  # codes of active members, sorted
    member_set: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Snapshot:
    revision: int
    networks: dict[str, NetworkView] = field(default_factory=dict)
    networks_by_id: dict[uuid.UUID, NetworkView] = field(default_factory=dict)
    members: dict[str, MemberView] = field(default_factory=dict)
    members_by_id: dict[uuid.UUID, MemberView] = field(default_factory=dict)
    membership: dict[tuple[uuid.UUID, uuid.UUID], str] = field(default_factory=dict)
    designations: dict[tuple[uuid.UUID, uuid.UUID], DesignationView] = field(default_factory=dict)
    contacts: dict[uuid.UUID, ContactView] = field(default_factory=dict)
    desks: dict[uuid.UUID, tuple[ContactView, ...]] = field(default_factory=dict)  # 24/7 desks by organisation
    # Memo of resolved roster segments by designation: (current shift, next shift). A segment is fixed for a
    # given revision, so a lookup inside it needs no roster arithmetic. Filled lazily by queries.duty.
    segments: dict[uuid.UUID, tuple[rosters.Shift, rosters.Shift | None]] = field(default_factory=dict)
    # Contacts by the string id the roster library uses; and a memo of fallback chains (see queries.duty).
    contacts_by_key: dict[str, ContactView] = field(default_factory=dict)
    fallbacks: dict[tuple[object, ...], tuple[object, ...]] = field(default_factory=dict)
    # Serialised duty answers by (network id, member id, language), valid for one minute within one segment.
    answers: dict[tuple[uuid.UUID, uuid.UUID, str], object] = field(default_factory=dict)


def rotation_view(r: Rotation) -> RotationView:
    window = (r.window_start, r.window_end) if r.window_start and r.window_end else None
    return RotationView(
        r.id,
        r.name,
        r.layer,
        r.timezone,
        r.period,
        r.every,
        r.start,
        r.handoff,
        r.end,
        window,
        tuple(r.weekdays) if r.weekdays is not None else None,
        tuple(p.contact_point_id for p in r.participants),
    )


def contact_static_json(c: ContactView) -> dict[str, object]:
    return {
        "id": str(c.id),
        "name": c.name,
        "kind": c.kind,
        "agency": c.agency,
        "member": c.member_code,
        "is_24_7": c.is_24_7,
        "channels": [
            {
                "kind": ch.kind,
                "value": ch.value,
                "label": ch.label,
                "verified_at": ch.verified_at.isoformat() if ch.verified_at else None,
            }
            for ch in c.channels
        ],
        "languages": list(c.languages),
        "timezone": c.timezone,
    }


def current_revision(session: Session) -> int:
    value = session.execute(text("SELECT revision FROM directory_revision WHERE id = 1")).scalar()
    return int(value or 0)


def build(session: Session) -> Snapshot:
    revision = current_revision(session)
    snap = Snapshot(revision=revision)
    for m in session.scalars(select(Member)):
        mv = MemberView(m.id, m.code, m.name, m.kind)
        snap.members[m.code] = mv
        snap.members_by_id[m.id] = mv
    active: dict[uuid.UUID, list[str]] = {}
    for ms in session.scalars(select(Membership)):
        snap.membership[(ms.network_id, ms.member_id)] = ms.status
        if ms.status == "active" and ms.member_id in snap.members_by_id:
            active.setdefault(ms.network_id, []).append(snap.members_by_id[ms.member_id].code)
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    for n in session.scalars(select(Network)):
        sec = orgs.get(n.secretariat_id) if n.secretariat_id else None
        codes = tuple(sorted(active.get(n.id, [])))
        nv = NetworkView(
            n.id, n.code, n.name, n.description, n.secretariat_id, sec.name if sec else None, codes, frozenset(codes)
        )
        snap.networks[n.code] = nv
        snap.networks_by_id[n.id] = nv
    for cp in session.scalars(select(ContactPoint).options(selectinload(ContactPoint.channels))):
        org = orgs[cp.organisation_id]
        member = snap.members_by_id.get(org.member_id) if org.member_id else None
        cv = ContactView(
            cp.id,
            cp.name,
            cp.kind,
            cp.is_24_7,
            tuple(cp.languages or ()),
            cp.timezone,
            cp.organisation_id,
            org.name,
            member.code if member else None,
            tuple(ChannelView(c.id, c.kind, c.value, c.label, c.verified_at) for c in cp.channels),
            cp.is_active,
        )
        cv.static_json.update(contact_static_json(cv))
        snap.contacts[cp.id] = cv
        snap.contacts_by_key[str(cp.id)] = cv
        if cp.is_24_7 and cp.is_active:
            snap.desks[cp.organisation_id] = (*snap.desks.get(cp.organisation_id, ()), cv)
    rotations: dict[uuid.UUID, list[RotationView]] = {}
    for r in session.scalars(select(Rotation).options(selectinload(Rotation.participants))):
        rotations.setdefault(r.designation_id, []).append(rotation_view(r))
    overrides: dict[uuid.UUID, list[OverrideView]] = {}
    for o in session.scalars(select(Override).order_by(Override.seq)):
        overrides.setdefault(o.designation_id, []).append(
            OverrideView(o.id, o.contact_point_id, o.start, o.end, o.reason, o.seq)
        )
    for d in session.scalars(select(Designation)):
        rots = tuple(sorted(rotations.get(d.id, []), key=lambda r: (r.layer, str(r.id))))
        ovs = tuple(overrides.get(d.id, []))
        snap.designations[(d.network_id, d.member_id)] = DesignationView(
            d.id,
            d.network_id,
            d.member_id,
            d.agency_id,
            orgs[d.agency_id].name,
            d.source,
            d.designated_on,
            d.deputy_id,
            d.roster_confirmed_at,
            rots,
            ovs,
            to_roster(rots, ovs),
        )
    return snap


def to_roster(rots: tuple[RotationView, ...], ovs: tuple[OverrideView, ...]) -> rosters.Roster:
    return rosters.Roster(
        rotations=tuple(
            rosters.Rotation(
                id=str(r.id),
                participants=tuple(str(p) for p in r.participants),
                timezone=r.timezone,
                start=r.start,
                handoff=r.handoff,
                period=r.period,  # type: ignore[arg-type]
                every=r.every,
                layer=r.layer,
                end=r.end,
                window=r.window,
                weekdays=frozenset(r.weekdays) if r.weekdays is not None else None,
                name=r.name,
            )
            for r in rots
        ),
        overrides=tuple(
            rosters.Override(
                id=str(o.id), participant=str(o.contact_point_id), start=o.start, end=o.end, seq=o.seq, reason=o.reason
            )
            for o in ovs
        ),
    )


class DirectoryCache:
    """Holds the latest snapshot; rebuilds it (once, under a lock) when the stored revision moves on.

    A process sees its own writes at once: every commit marks the cache dirty (``mark_dirty``, wired to the
    session factory's ``after_commit``) and the next ``get`` checks the stored revision. Other processes'
    writes are picked up by a background thread (``start``) that checks the revision every
    ``check_interval`` seconds and rebuilds off the request path; without that thread, ``get`` checks at
    most every ``check_interval`` itself. ``fresh`` never touches the database (the event-loop fast path).
    """

    def __init__(self, engine: Engine, check_interval: float = 0.1) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        # Commits seen (bumped by mark_dirty) and commits covered by the current snapshot: the snapshot is
        # only trusted when they are equal, so a commit during a refresh keeps it untrusted until the next.
        self._counter = itertools.count(1)
        self._marks = next(self._counter)
        self._covered = 0
        self.check_interval = check_interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def mark_dirty(self, *_args: object) -> None:
        self._marks = next(self._counter)  # next() on a count is atomic: no lost mark between threads

    def fresh(self) -> Snapshot | None:
        """The snapshot if no check is due right now, else None (never blocks)."""
        snap = self._snapshot
        if snap is None or self._covered != self._marks:
            return None
        if self._thread is None and clock.monotonic() - self._checked_at >= self.check_interval:
            return None
        return snap

    def get(self) -> Snapshot:
        snap = self.fresh()
        return snap if snap is not None else self.refresh()

    def refresh(self) -> Snapshot:
        """Check the stored revision now and rebuild the snapshot if it moved on."""
        marks = self._marks  # every commit before this point is visible to the reads below
        self._checked_at = clock.monotonic()
        revision = self._stored_revision()
        snap = self._snapshot
        if snap is not None and snap.revision == revision:
            self._covered = max(self._covered, marks)
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.revision != revision:
                with Session(self._engine) as session:
                    snap = build(session)
                self._snapshot = snap
                # The snapshot lives until the next revision: keep its many small objects out of the cyclic
                # garbage collector's full passes, which otherwise show up as latency spikes.
                gc.collect()
                gc.freeze()
            self._covered = max(self._covered, marks)
        return snap

    def _stored_revision(self) -> int:
        # One row, read outside any transaction: no lock is taken, so it never waits behind a writer.
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return int(conn.execute(text("SELECT revision FROM directory_revision WHERE id = 1")).scalar() or 0)

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.check_interval):
                try:
                    self.refresh()
                except Exception:  # a database hiccup must not kill the refresher; the next tick retries
                    self.mark_dirty()

        self._thread = threading.Thread(target=loop, name="directory-refresher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
