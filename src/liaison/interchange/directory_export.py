"""Directory export: the versioned JSON document and the flat CSV of contacts, from the snapshot."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.errors import NotFound
from liaison.i18n import _
from liaison.interchange import csv_safe
from liaison.interchange.directory_format import CSV_COLUMNS, FORMAT, VERSION
from liaison.models import (
    Organisation,
    utcnow,
)
from liaison.principal import Principal
from liaison.queries.duty import find_network
from liaison.queries.snapshot import ContactView, DesignationView, NetworkView, Snapshot

# -- export -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    """What the export says about an agency or secretariat beyond the snapshot's names."""

    id: uuid.UUID
    name: str
    kind: str  # agency or secretariat
    agency_kind: str
    short_name: str
    member: str | None


def load_organisations(session: Session) -> dict[uuid.UUID, OrganisationInfo]:
    rows = session.scalars(select(Organisation).where(Organisation.kind.in_(("agency", "secretariat"))))
    return {
        o.id: OrganisationInfo(o.id, o.name, o.kind, o.agency_kind, o.short_name, o.member.code if o.member else None)
        for o in rows
    }


def visible_networks(snap: Snapshot, actor: Principal, requested: list[str] | None) -> list[str] | None:
    """The network codes ``actor`` may export: those asked for (each must be visible), else all they see.

    None means the whole directory (for users who see everything), agencies on no network included.
    """
    if requested:
        return [find_network(snap, code, actor).code for code in requested]
    if actor.sees_all():
        return None
    return sorted(n.code for n in snap.networks.values() if actor.can_see_network(n.id))


def _selected(snap: Snapshot, networks: list[str] | None) -> list[NetworkView]:
    if networks is None:
        return sorted(snap.networks.values(), key=lambda n: n.code)
    out = []
    for code in dict.fromkeys(c.strip().upper() for c in networks):
        if code not in snap.networks:
            raise NotFound(_("no network %(code)r", code=code), suggestions=sorted(snap.networks)[:5])
        out.append(snap.networks[code])
    return out


def _iso(value: date | datetime | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _derived_organisations(snap: Snapshot) -> dict[uuid.UUID, OrganisationInfo]:
    out: dict[uuid.UUID, OrganisationInfo] = {}
    for n in snap.networks.values():
        if n.secretariat_id:
            out[n.secretariat_id] = OrganisationInfo(
                n.secretariat_id, n.secretariat or "", "secretariat", "other", "", None
            )
    for (_net, member_id), d in snap.designations.items():
        out.setdefault(
            d.agency_id,
            OrganisationInfo(d.agency_id, d.agency, "agency", "other", "", snap.members_by_id[member_id].code),
        )
    for c in snap.contacts.values():
        if c.member_code:
            out.setdefault(
                c.organisation_id, OrganisationInfo(c.organisation_id, c.agency, "agency", "other", "", c.member_code)
            )
    return out


def _contacts_by_organisation(snap: Snapshot) -> dict[uuid.UUID, list[ContactView]]:
    out: dict[uuid.UUID, list[ContactView]] = {}
    for c in snap.contacts.values():
        out.setdefault(c.organisation_id, []).append(c)
    return out


def export_directory(
    snap: Snapshot, networks: list[str] | None = None, *, organisations: dict[uuid.UUID, OrganisationInfo] | None = None
) -> dict[str, Any]:
    """The directory as a versioned JSON document (all networks when ``networks`` is None).

    Pass ``organisations`` (:func:`load_organisations`) to carry agency kinds and short names, which the
    snapshot does not hold; without it they are exported as ``other`` and empty.
    """
    derived = _derived_organisations(snap)
    orgs = {**derived, **(organisations or {})}
    name = lambda cid: snap.contacts[cid].name if cid in snap.contacts else None  # noqa: E731
    wanted: dict[uuid.UUID, None] = {}
    out_networks = []
    for n in _selected(snap, networks):
        if n.secretariat_id:
            wanted[n.secretariat_id] = None
        memberships = sorted(
            (
                (snap.members_by_id[mid], status)
                for (nid, mid), status in snap.membership.items()
                if nid == n.id and mid in snap.members_by_id
            ),
            key=lambda ms: ms[0].code,
        )
        members = []
        for m, status in memberships:
            d = snap.designations.get((n.id, m.id))
            if d is not None:
                wanted[d.agency_id] = None
            members.append(
                {
                    "id": str(m.id),
                    "code": m.code,
                    "name": m.name,
                    "kind": m.kind,
                    "status": status,
                    "designation": _designation_out(d, orgs, name) if d else None,
                }
            )
        out_networks.append(
            {
                "id": str(n.id),
                "code": n.code,
                "name": n.name,
                "description": n.description,
                "secretariat": n.secretariat,
                "members": members,
            }
        )
    if networks is None:
        wanted.update(dict.fromkeys(orgs))
    contacts = _contacts_by_organisation(snap)
    agencies = [_agency_out(orgs[oid], contacts.get(oid, [])) for oid in wanted if oid in orgs]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "networks": out_networks,
        "agencies": agencies,
    }


def _designation_out(d: DesignationView, orgs: dict[uuid.UUID, OrganisationInfo], name: Any) -> dict[str, Any]:
    info = orgs.get(d.agency_id)
    return {
        "id": str(d.id),
        "agency": {
            "id": str(d.agency_id),
            "name": d.agency,
            "agency_kind": info.agency_kind if info else "other",
            "short_name": info.short_name if info else "",
        },
        "source": d.source,
        "designated_on": _iso(d.designated_on),
        "deputy": name(d.deputy_id) if d.deputy_id else None,
        "roster_confirmed_at": _iso(d.roster_confirmed_at),
        "rotations": [
            {
                "id": str(r.id),
                "name": r.name,
                "layer": r.layer,
                "timezone": r.timezone,
                "period": r.period,
                "every": r.every,
                "start": _iso(r.start),
                "handoff": _iso(r.handoff),
                "end": _iso(r.end),
                "window": [_iso(r.window[0]), _iso(r.window[1])] if r.window else None,
                "weekdays": list(r.weekdays) if r.weekdays is not None else None,
                "participants": [name(p) for p in r.participants],
            }
            for r in d.rotations
        ],
        "overrides": [
            {
                "id": str(o.id),
                "contact": name(o.contact_point_id),
                "start": _iso(o.start),
                "end": _iso(o.end),
                "reason": o.reason,
            }
            for o in d.overrides
        ],
    }


def _agency_out(info: OrganisationInfo, contacts: list[ContactView]) -> dict[str, Any]:
    return {
        "id": str(info.id),
        "name": info.name,
        "kind": info.kind,
        "member": info.member,
        "agency_kind": info.agency_kind,
        "short_name": info.short_name,
        "contact_points": [
            {
                "id": str(c.id),
                "name": c.name,
                "kind": c.kind,
                "is_24_7": c.is_24_7,
                "languages": list(c.languages),
                "timezone": c.timezone,
                "is_active": c.is_active,
                "channels": [
                    {
                        "id": str(ch.id),
                        "kind": ch.kind,
                        "value": ch.value,
                        "label": ch.label,
                        "verified_at": _iso(ch.verified_at),
                    }
                    for ch in c.channels
                ],
            }
            for c in contacts
        ],
    }


def export_contacts_csv(snap: Snapshot, networks: list[str] | None = None) -> str:
    """One row per channel of each active member's designated agency (a row with blanks where there is none)."""
    buf = io.StringIO()
    writer = csv_safe.Writer(buf)
    writer.writerow(CSV_COLUMNS)
    contacts = _contacts_by_organisation(snap)
    for n in _selected(snap, networks):
        for code in n.members:
            m = snap.members[code]
            d = snap.designations.get((n.id, m.id))
            base = [n.code, m.code, m.name]
            if d is None:
                writer.writerow(base + [""] * 9)
                continue
            active = [c for c in contacts.get(d.agency_id, []) if c.is_active]
            if not active:
                writer.writerow([*base, d.agency] + [""] * 8)
            for c in active:
                row = [
                    *base,
                    d.agency,
                    c.name,
                    c.kind,
                    "true" if c.is_24_7 else "false",
                    c.timezone,
                    ";".join(c.languages),
                ]
                for ch in c.channels or [None]:
                    tail = [ch.kind, ch.value, _iso(ch.verified_at) or ""] if ch else ["", "", ""]
                    writer.writerow(row + tail)
    return buf.getvalue()
