"""Directory import: JSON and CSV through the audited actions, one transaction, errors naming their place."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import pycountry
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from liaison import validation as v
from liaison.actions import accounts
from liaison.actions import directory as act
from liaison.actions import rosters as roster_act
from liaison.actions.audit import audit, bump_directory
from liaison.errors import Conflict, InvalidInput, LiaisonError, NotFound, PermissionDenied
from liaison.i18n import _, ngettext
from liaison.interchange.csv_safe import restore
from liaison.interchange.directory_format import (
    CLOCK_SKEW,
    CSV_COLUMNS,
    CSV_SOURCE,
    FORMAT,
    KINDS,
    OUTCOME_RANK,
    VERSION,
    check_size,
    text_size,
)
from liaison.models import (
    Channel,
    ContactPoint,
    Designation,
    Member,
    Membership,
    Network,
    Organisation,
    Override,
    Rotation,
    utcnow,
)
from liaison.models.accounts import AGENCY_KINDS
from liaison.models.directory import MEMBERSHIP_STATUSES
from liaison.principal import Principal
from liaison.queries.snapshot import rotation_view

# -- the import report ---------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import added, updated or left unchanged, per kind of record, and what it could not change."""

    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    outcomes: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def note(self, kind: str, key: object, outcome: str) -> None:
        k = (kind, str(key))
        if k not in self.outcomes or OUTCOME_RANK[outcome] > OUTCOME_RANK[self.outcomes[k]]:
            self.outcomes[k] = outcome

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        out = {k: {"added": 0, "updated": 0, "unchanged": 0} for k in KINDS}
        for (kind, _key), outcome in self.outcomes.items():
            out[kind][outcome] += 1
        return out

    def total(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)

    @property
    def changed(self) -> bool:
        return self.total("added") + self.total("updated") > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "changed": self.changed,
            "added": self.total("added"),
            "updated": self.total("updated"),
            "unchanged": self.total("unchanged"),
            "counts": self.counts,
            "warnings": list(self.warnings),
        }

    def lines(self) -> list[str]:
        """The report for people (the CLI prints it) in the current language; the kinds are the JSON's keys."""
        out = [_("dry run: nothing was written")] if self.dry_run else []
        for kind, c in self.counts.items():
            if any(c.values()):
                out.append(
                    # Translators: one row of a directory import's report, in columns (keep the numbers' widths)
                    _(
                        "%(kind)s %(added)s added %(updated)s updated %(unchanged)s unchanged",
                        kind=f"{kind:<15}",
                        added=f"{c['added']:>5}",
                        updated=f"{c['updated']:>5}",
                        unchanged=f"{c['unchanged']:>5}",
                    )
                )
        if not self.outcomes:
            out.append(_("nothing to import"))
        out += [_("warning: %(warning)s", warning=w) for w in self.warnings]
        return out


# -- reading the document, with the location of every value ----------------------------------------------------------


def _located(exc: LiaisonError) -> LiaisonError:
    """Mark an error whose message already names its JSON path or CSV line."""
    exc.located = True  # type: ignore[attr-defined]
    return exc


def _err(where: str, reason: str) -> InvalidInput:
    exc = InvalidInput(where, reason)
    _located(exc)
    return exc


@dataclass(frozen=True)
class _Loc:
    """Where values come from: a JSON path or a CSV line, with the actions' field names renamed to keys/columns."""

    prefix: str
    names: tuple[tuple[str, str], ...] = ()
    csv: bool = False

    def at(self, key: str) -> str:
        key = dict(self.names).get(key, key)
        if self.csv:
            return f"{self.prefix}: {key}"
        return f"{self.prefix}.{key}" if self.prefix else key

    def sub(self, key: str) -> _Loc:
        return _Loc(self.at(key))


def _line(n: int, **columns: str) -> _Loc:
    return _Loc(f"line {n}", tuple(columns.items()), csv=True)


@contextmanager
def _guard(loc: _Loc) -> Iterator[None]:
    """Name the location in any error an action raises."""
    try:
        yield
    except LiaisonError as exc:
        if getattr(exc, "located", False):
            raise
        if isinstance(exc, InvalidInput):
            raise _err(loc.at(exc.field), exc.reason) from exc
        if isinstance(exc, NotFound | PermissionDenied | Conflict):
            raise _located(type(exc)(_("%(field)s: %(reason)s", field=loc.prefix, reason=exc.detail))) from exc
        raise


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _err(where, _("must be an object"))
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _err(where, _("must be a list"))
    return value


def _str(d: dict[str, Any], key: str, loc: _Loc, *, required: bool = False, max_length: int = 5000) -> str | None:
    value = d.get(key)
    if value is None:
        if required:
            raise _err(loc.at(key), _("is required"))
        return None
    if not isinstance(value, str):
        raise _err(loc.at(key), _("must be a string"))
    if len(value) > max_length:
        raise _err(
            loc.at(key), ngettext("is longer than %(num)d character", "is longer than %(num)d characters", max_length)
        )
    return value


def _need(d: dict[str, Any], key: str, loc: _Loc) -> str:
    value = _str(d, key, loc, required=True)
    assert value is not None
    return value


def _int(d: dict[str, Any], key: str, loc: _Loc, default: int) -> int:
    value = d.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
        raise _err(loc.at(key), _("must be a whole number from 0 to 10000"))
    return value


def _bool(d: dict[str, Any], key: str, loc: _Loc) -> bool | None:
    value = d.get(key)
    if value is not None and not isinstance(value, bool):
        raise _err(loc.at(key), _("must be true or false"))
    return value


def _parse(kind: type[date] | type[datetime] | type[time], text: str | None, where: str) -> Any:
    if text is None or text == "":
        return None
    try:
        value = kind.fromisoformat(text.replace("Z", "+00:00") if kind is datetime else text)
    except ValueError as exc:
        raise _err(where, _("%(text)r is not an ISO 8601 %(type)s", text=text, type=kind.__name__)) from exc
    if isinstance(value, datetime) and value.tzinfo is None:
        raise _err(where, _("give a time zone offset, e.g. 2026-11-23T03:00:00+01:00 or ...Z"))
    return value


def _uuid(d: dict[str, Any], loc: _Loc) -> uuid.UUID | None:
    text = _str(d, "id", loc, max_length=64)
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise _err(loc.at("id"), _("%(text)r is not a UUID", text=text)) from exc


def _is_country(code: str) -> bool:
    code = code.strip().upper()
    return bool(
        (len(code) == 2 and pycountry.countries.get(alpha_2=code))
        or (len(code) == 3 and pycountry.countries.get(alpha_3=code))
    )


# -- applying: one method per kind of record, each going through the actions ------------------------------------------


class _Importer:
    def __init__(self, session: Session, actor: Principal, report: ImportReport) -> None:
        self.s = session
        self.actor = actor
        self.report = report
        self.now = utcnow()
        self._wish: tuple[type, uuid.UUID] | None = None

    # New records keep the document's id: the action builds the row, this gives it the id before the INSERT.
    def assign_ids(self, session: Session, _context: Any, _instances: Any) -> None:
        if self._wish is None:
            return
        cls, wanted = self._wish
        for obj in session.new:
            if type(obj) is cls and obj.id is None:  # type: ignore[attr-defined]
                obj.id = wanted  # type: ignore[attr-defined]
                self._wish = None
                return

    @contextmanager
    def creating(self, loc: _Loc, cls: type, wanted: uuid.UUID | None) -> Iterator[None]:
        if wanted is not None and self.s.get(cls, wanted) is not None:
            raise _err(loc.at("id"), _("%(wanted)s is already used by another record on this node", wanted=wanted))
        self._wish = (cls, wanted) if wanted is not None else None
        try:
            with _guard(loc):
                yield
        finally:
            self._wish = None

    def differs(self, loc: _Loc, key: str, here: object, there: object) -> None:
        if there is not None and there != here:
            self.report.warn(
                _(
                    "%(loc)s: %(there)r differs from this node's %(here)r; not changed",
                    loc=loc.at(key),
                    there=there,
                    here=here,
                )
            )

    def network(
        self,
        loc: _Loc,
        code: str,
        name: str | None,
        description: str | None,
        secretariat: Organisation | None,
        wanted: uuid.UUID | None,
    ) -> Network:
        with _guard(loc):
            code = v.network_code(code)
        net = self.s.scalar(select(Network).where(Network.code == code))
        if net is None:
            with self.creating(loc, Network, wanted):
                net = act.create_network(
                    self.s,
                    actor=self.actor,
                    code=code,
                    name=name or code,
                    description=description or "",
                    secretariat_id=secretariat.id if secretariat else None,
                )
            self.report.note("networks", net.id, "added")
        else:
            self.differs(loc, "name", net.name, name)
            self.differs(loc, "description", net.description, description)
            if secretariat is not None and net.secretariat_id != secretariat.id:
                self.differs(loc, "secretariat", net.secretariat.name if net.secretariat else None, secretariat.name)
            self.report.note("networks", net.id, "unchanged")
        if not self.actor.administers(net.id):
            raise _located(
                PermissionDenied(
                    _(
                        "%(prefix)s: only %(code)s's secretariat or a node admin may import it",
                        prefix=loc.prefix,
                        code=code,
                    )
                )
            )
        return net

    def member(self, loc: _Loc, code: str, kind: str | None, name: str | None, wanted: uuid.UUID | None) -> Member:
        if kind is None:  # CSV: the member's kind is the stored one, else a country code means a state
            known = self.s.scalar(select(Member).where(Member.code == code.strip().upper()))
            kind = known.kind if known else "state" if _is_country(code) or len(code.strip()) == 2 else "organisation"
        with _guard(loc):
            code = v.member_code(code, kind)
        member = self.s.scalar(select(Member).where(Member.code == code))
        if member is None:
            with self.creating(loc, Member, wanted):
                member = act.ensure_member(self.s, actor=self.actor, code=code, kind=kind, name=name or "")
            self.report.note("members", member.id, "added")
        else:
            self.differs(loc, "kind", member.kind, kind)
            self.differs(loc, "name", member.name, name)
            self.report.note("members", member.id, "unchanged")
        return member

    def membership(self, loc: _Loc, network: Network, member: Member, status: str | None) -> None:
        ms = self.s.scalar(
            select(Membership).where(Membership.network_id == network.id, Membership.member_id == member.id)
        )
        if ms is None or (status == "active" and ms.status != "active"):
            outcome = "added" if ms is None else "updated"
            with _guard(loc):
                ms = act.admit_member(self.s, actor=self.actor, network=network, member=member)
            self.report.note("memberships", ms.id, outcome)
        else:
            self.report.note("memberships", ms.id, "unchanged")

    def membership_status(self, loc: _Loc, network: Network, member: Member, status: str) -> None:
        ms = self.s.scalar(
            select(Membership).where(Membership.network_id == network.id, Membership.member_id == member.id)
        )
        if ms is not None and ms.status != status:
            with _guard(loc):
                act.set_membership_status(self.s, actor=self.actor, network=network, member=member, status=status)
            self.report.note("memberships", ms.id, "updated")

    def organisation(self, loc: _Loc, d: dict[str, Any], member: Member | None, kind: str) -> Organisation:
        """An agency of ``member``, or (with no member) a network secretariat."""
        name = _need(d, "name", loc).strip()
        wanted = _uuid(d, loc)
        agency_kind = _str(d, "agency_kind", loc, max_length=40)
        short_name = _str(d, "short_name", loc, max_length=40)
        member_id = member.id if member else None
        org = self.s.get(Organisation, wanted) if wanted else None
        if org is not None and (org.kind != kind or org.member_id != member_id):
            raise _err(
                loc.at("id"),
                _("%(wanted)s is %(name)r, an organisation of another member or kind", wanted=wanted, name=org.name),
            )
        if org is None:
            org = self.s.scalars(
                select(Organisation).where(
                    Organisation.name == name,
                    Organisation.kind == kind,
                    Organisation.member_id == member_id if member_id else Organisation.member_id.is_(None),
                )
            ).first()
        if org is not None:
            self.differs(loc, "name", org.name, name)
            self.differs(loc, "agency_kind", org.agency_kind, agency_kind)
            self.differs(loc, "short_name", org.short_name, short_name)
            self.report.note("agencies", org.id, "unchanged")
            return org
        if agency_kind is not None and agency_kind not in AGENCY_KINDS:
            raise _err(loc.at("agency_kind"), _("must be one of %(choices)s", choices=", ".join(AGENCY_KINDS)))
        with self.creating(loc, Organisation, wanted):
            if member is None:
                org = accounts.create_organisation(
                    self.s,
                    actor=self.actor,
                    name=name,
                    kind="secretariat",
                    short_name=short_name or "",
                    agency_kind=agency_kind or "other",
                )
            else:
                org = act.create_agency(
                    self.s,
                    actor=self.actor,
                    member=member,
                    name=name,
                    agency_kind=agency_kind or "other",
                    short_name=short_name or "",
                )
        self.report.note("agencies", org.id, "added")
        return org

    def designation(
        self,
        loc: _Loc,
        network: Network,
        member: Member,
        agency: Organisation,
        source: str | None,
        designated_on: date | None,
        wanted: uuid.UUID | None,
    ) -> Designation:
        d = self.s.scalar(
            select(Designation).where(Designation.network_id == network.id, Designation.member_id == member.id)
        )
        if (
            d is not None
            and d.agency_id == agency.id
            and (source is None or d.source == source.strip())
            and (designated_on is None or d.designated_on == designated_on)
        ):
            self.report.note("designations", d.id, "unchanged")
            return d
        if d is not None and source is None:
            raise _err(
                loc.at("agency"),
                _(
                    "%(code)s has designated %(name)r on %(network_code)s; change a designation in Liaison, not by CSV",
                    code=member.code,
                    name=d.agency.name,
                    network_code=network.code,
                ),
            )
        with self.creating(loc, Designation, wanted if d is None else None):
            new = act.designate(
                self.s,
                actor=self.actor,
                network=network,
                member=member,
                agency=agency,
                source=source or CSV_SOURCE,
                designated_on=designated_on,
            )
        self.report.note("designations", new.id, "added" if d is None else "updated")
        return new

    def contact(self, loc: _Loc, agency: Organisation, d: dict[str, Any], wanted: uuid.UUID | None) -> ContactPoint:
        name = _need(d, "name", loc).strip()
        cp = self.s.get(ContactPoint, wanted) if wanted else None
        if cp is not None and cp.organisation_id != agency.id:
            raise _err(loc.at("id"), _("%(wanted)s is a contact point of another agency", wanted=wanted))
        if cp is None:
            same = self.s.scalars(
                select(ContactPoint).where(ContactPoint.organisation_id == agency.id, ContactPoint.name == name)
            ).all()
            if len(same) > 1:
                raise _err(
                    loc.at("name"),
                    ngettext(
                        "%(agency)s has %(num)d contact point named %(name)r; give the id of the one meant",
                        "%(agency)s has %(num)d contact points named %(name)r; give the id of the one meant",
                        len(same),
                        agency=agency.name,
                        name=name,
                    ),
                )
            cp = same[0] if same else None
        fields: dict[str, Any] = {
            "name": name,
            "kind": d.get("kind"),
            "is_24_7": d.get("is_24_7"),
            "timezone": d.get("timezone"),
            "languages": d.get("languages"),
            "is_active": d.get("is_active"),
        }
        with _guard(loc):
            if fields["timezone"] is not None:
                fields["timezone"] = v.timezone(fields["timezone"])
            if fields["languages"] is not None:
                fields["languages"] = [v.language(x) for x in fields["languages"]]
        if cp is None:
            if fields["timezone"] is None:
                raise _err(loc.at("timezone"), _("is required"))
            with self.creating(loc, ContactPoint, wanted):
                cp = act.create_contact_point(
                    self.s,
                    actor=self.actor,
                    agency=agency,
                    name=name,
                    timezone=fields["timezone"],
                    kind=fields["kind"] or "desk",
                    languages=fields["languages"],
                    is_24_7=bool(fields["is_24_7"]),
                )
                if fields["is_active"] is False:
                    act.update_contact_point(self.s, actor=self.actor, contact_point=cp, changes={"is_active": False})
            self.report.note("contact_points", cp.id, "added")
            return cp
        changes = {k: x for k, x in fields.items() if x is not None and getattr(cp, k) != x}
        if changes:
            with _guard(loc):
                act.update_contact_point(self.s, actor=self.actor, contact_point=cp, changes=changes)
        self.report.note("contact_points", cp.id, "updated" if changes else "unchanged")
        return cp

    def channel(
        self,
        loc: _Loc,
        cp: ContactPoint,
        kind: str,
        value: str,
        label: str | None,
        verified_at: datetime | None,
        wanted: uuid.UUID | None,
    ) -> None:
        org = cp.organisation
        region = org.member.code if org.member and org.member.kind == "state" else None
        with _guard(loc):
            value = v.channel_value(kind, value, region)
        ch = self.s.get(Channel, wanted) if wanted else None
        if ch is not None and ch.contact_point_id != cp.id:
            raise _err(loc.at("id"), _("%(wanted)s is a channel of another contact point", wanted=wanted))
        if ch is None:
            ch = next((c for c in cp.channels if c.kind == kind and c.value == value), None)
        outcome = "unchanged"
        if ch is not None and (ch.kind, ch.value) != (kind, value):  # same id, new value: replace, keep the id
            keep = ch.id
            with _guard(loc):
                act.remove_channel(self.s, actor=self.actor, channel=ch)
                self.s.flush()
            ch, wanted, outcome = None, keep, "updated"
        if ch is None:
            with self.creating(loc, Channel, wanted):
                ch = act.add_channel(
                    self.s, actor=self.actor, contact_point=cp, kind=kind, value=value, label=label or ""
                )
            outcome = "added" if outcome == "unchanged" else outcome
        else:
            self.differs(loc, "label", ch.label, label.strip() if label is not None else None)
        if self.verified(loc, ch, verified_at) and outcome == "unchanged":
            outcome = "updated"
        self.report.note("channels", ch.id, outcome)

    def verified(self, loc: _Loc, ch: Channel, when: datetime | None) -> bool:
        """Carry a verification date over (node admins only: it vouches that the channel reaches someone)."""
        if when is None or (ch.verified_at is not None and ch.verified_at >= when):
            return False
        if when > self.now + CLOCK_SKEW:
            raise _err(loc.at("verified_at"), _("is in the future"))
        if not self.actor.is_admin:
            self.report.warn(
                _(
                    "verification dates are carried over only by a node admin; imported channels stay unverified "
                    "until verified again"
                )
            )
            return False
        ch.verified_at = when
        audit(
            self.s,
            actor=self.actor,
            action="channel.verified",
            target_type="channel",
            target_id=ch.id,
            details={"kind": ch.kind, "value": ch.value, "imported": True, "verified_at": when.isoformat()},
        )
        bump_directory(self.s)
        return True

    def roster(self, loc: _Loc, dd: dict[str, Any], desig: Designation) -> None:
        """Deputy, rotations, overrides and roster confirmation, contacts named within the designated agency."""
        agency = desig.agency
        by_name: dict[str, list[uuid.UUID]] = {}
        for cp in self.s.scalars(select(ContactPoint).where(ContactPoint.organisation_id == desig.agency_id)):
            by_name.setdefault(cp.name, []).append(cp.id)

        def contact(name: Any, where: str) -> uuid.UUID:
            ids = by_name.get(name) if isinstance(name, str) else None
            if not ids:
                raise _err(where, _("%(name)r is not a contact point of %(agency)s", name=name, agency=agency.name))
            if len(ids) > 1:
                raise _err(
                    where,
                    ngettext(
                        "%(agency)s has %(num)d contact point named %(name)r",
                        "%(agency)s has %(num)d contact points named %(name)r",
                        len(ids),
                        agency=agency.name,
                        name=name,
                    ),
                )
            return ids[0]

        changed = False
        if "deputy" in dd:
            deputy = None if dd["deputy"] is None else contact(dd["deputy"], loc.at("deputy"))
            if desig.deputy_id != deputy:
                with _guard(loc):
                    roster_act.set_deputy(self.s, actor=self.actor, designation=desig, contact_point_id=deputy)
                changed = True
        self.rotations(loc, desig, _list(dd.get("rotations", []), loc.at("rotations")), contact)
        self.overrides(loc, desig, _list(dd.get("overrides", []), loc.at("overrides")), contact)
        confirmed = _parse(datetime, _str(dd, "roster_confirmed_at", loc), loc.at("roster_confirmed_at"))
        if confirmed and (desig.roster_confirmed_at is None or confirmed > desig.roster_confirmed_at):
            if confirmed > self.now + CLOCK_SKEW:
                raise _err(loc.at("roster_confirmed_at"), _("is in the future"))
            with _guard(loc):
                if not self.actor.administers(desig.network_id):
                    act.require_edit_organisation(self.s, self.actor, desig.agency_id)
            desig.roster_confirmed_at = confirmed
            audit(
                self.s,
                actor=self.actor,
                action="roster.confirm",
                target_type="designation",
                target_id=desig.id,
                network_id=desig.network_id,
                details={"member": desig.member.code, "imported": True, "confirmed_at": confirmed.isoformat()},
            )
            bump_directory(self.s)
            changed = True
        if changed:
            self.report.note("designations", desig.id, "updated")

    def rotations(self, loc: _Loc, desig: Designation, items: list[Any], contact: Any) -> None:
        existing = {r.id: r for r in self.s.scalars(select(Rotation).where(Rotation.designation_id == desig.id))}
        matched: set[uuid.UUID] = set()
        for i, raw in enumerate(items):
            rl = loc.sub(f"rotations[{i}]")
            r = _obj(raw, rl.prefix)
            wanted = _uuid(r, rl)
            window = r.get("window")
            if window is not None and (
                not isinstance(window, list) or len(window) != 2 or not all(isinstance(w, str) for w in window)
            ):
                raise _err(rl.at("window"), _("must be [start, end] times or null"))
            weekdays = r.get("weekdays")
            if weekdays is not None and (
                not isinstance(weekdays, list) or not all(isinstance(x, int) and 0 <= x <= 6 for x in weekdays)
            ):
                raise _err(rl.at("weekdays"), _("must be a list of 0 (Monday) to 6 (Sunday), or null"))
            names = _list(r.get("participants"), rl.at("participants"))
            args: dict[str, Any] = {
                "name": _str(r, "name", rl, max_length=200) or "",
                "layer": _int(r, "layer", rl, 0),
                "timezone": _need(r, "timezone", rl).strip(),
                "period": _str(r, "period", rl) or "weekly",
                "every": _int(r, "every", rl, 1),
                "start": _parse(date, _need(r, "start", rl), rl.at("start")),
                "handoff": _parse(time, _need(r, "handoff", rl), rl.at("handoff")),
                "end": _parse(date, _str(r, "end", rl), rl.at("end")),
                "window": tuple(_parse(time, w, rl.at("window")) for w in window) if window else None,
                "weekdays": sorted(weekdays) if weekdays is not None else None,
                "participants": [contact(n, rl.at(f"participants[{j}]")) for j, n in enumerate(names)],
            }
            sig = _rotation_args_sig(args)
            same = existing.get(wanted) if wanted else None
            if same is None:
                same = next((x for x in existing.values() if x.id not in matched and _rotation_sig(x) == sig), None)
            if same is not None and _rotation_sig(same) == sig:
                matched.add(same.id)
                self.report.note("rotations", same.id, "unchanged")
                continue
            outcome = "added"
            if same is not None:  # the same rotation with new content: replace it, keeping its id
                with _guard(rl):
                    roster_act.delete_rotation(self.s, actor=self.actor, rotation=same)
                    self.s.flush()
                outcome = "updated"
            with self.creating(rl, Rotation, wanted):
                rot = roster_act.add_rotation(self.s, actor=self.actor, designation=desig, **args)
            matched.add(rot.id)
            self.report.note("rotations", rot.id, outcome)

    def overrides(self, loc: _Loc, desig: Designation, items: list[Any], contact: Any) -> None:
        existing = {o.id: o for o in self.s.scalars(select(Override).where(Override.designation_id == desig.id))}
        matched: set[uuid.UUID] = set()
        for i, raw in enumerate(items):
            ol = loc.sub(f"overrides[{i}]")
            o = _obj(raw, ol.prefix)
            wanted = _uuid(o, ol)
            args: dict[str, Any] = {
                "contact_point_id": contact(o.get("contact"), ol.at("contact")),
                "start": _parse(datetime, _need(o, "start", ol), ol.at("start")),
                "end": _parse(datetime, _need(o, "end", ol), ol.at("end")),
                "reason": (_str(o, "reason", ol) or "").strip(),
            }
            sig = (args["contact_point_id"], args["start"], args["end"], args["reason"])
            same = existing.get(wanted) if wanted else None
            if same is None:
                same = next((x for x in existing.values() if x.id not in matched and _override_sig(x) == sig), None)
            if same is not None and _override_sig(same) == sig:
                matched.add(same.id)
                self.report.note("overrides", same.id, "unchanged")
                continue
            outcome = "added"
            if same is not None:
                with _guard(ol):
                    roster_act.delete_override(self.s, actor=self.actor, override=same)
                    self.s.flush()
                outcome = "updated"
            with self.creating(ol, Override, wanted):
                new = roster_act.add_override(self.s, actor=self.actor, designation=desig, **args)
            matched.add(new.id)
            self.report.note("overrides", new.id, outcome)


def _rotation_sig(r: Rotation) -> tuple[Any, ...]:
    """Everything but the id, in RotationView's order (the same order as _rotation_args_sig)."""
    return dataclasses.astuple(rotation_view(r))[1:]


def _rotation_args_sig(a: dict[str, Any]) -> tuple[Any, ...]:
    return (
        a["name"],
        a["layer"],
        a["timezone"],
        a["period"],
        a["every"],
        a["start"],
        a["handoff"],
        a["end"],
        a["window"],
        tuple(a["weekdays"]) if a["weekdays"] is not None else None,
        tuple(a["participants"]),
    )


def _override_sig(o: Override) -> tuple[Any, ...]:
    return (o.contact_point_id, o.start, o.end, o.reason)


# -- the two importers -----------------------------------------------------------------------------------------------


def _run(session: Session, actor: Principal, dry_run: bool, body: Any) -> ImportReport:
    if not actor.is_admin and not actor.administered_networks:
        raise PermissionDenied(_("importing a directory needs a node admin or a network's secretariat"))
    report = ImportReport(dry_run=dry_run)
    importer = _Importer(session, actor, report)
    event.listen(session, "before_flush", importer.assign_ids)
    try:
        if dry_run:  # do everything in a savepoint, then undo it: the report is real, the database untouched
            savepoint = session.begin_nested()
            try:
                body(importer)
                session.flush()
            finally:
                savepoint.rollback()
        else:
            body(importer)
            session.flush()
    finally:
        event.remove(session, "before_flush", importer.assign_ids)
    return report


def import_directory(
    session: Session, *, actor: Principal, document: dict[str, Any], dry_run: bool = False
) -> ImportReport:
    """Create or update the directory in ``document`` (see :func:`export_directory`) in the caller's transaction.

    Read untrusted bytes with :func:`parse_document`, which enforces the size limit.
    """
    return _run(session, actor, dry_run, lambda imp: _apply_document(imp, _obj(document, "document")))


def _apply_document(imp: _Importer, doc: dict[str, Any]) -> None:
    if doc.get("format") != FORMAT:
        raise _err("format", _("must be %(format)r, not %(doc)r", format=FORMAT, doc=doc.get("format")))
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        raise _err(
            "version", _("this node reads version %(version)s, not %(doc)r", version=VERSION, doc=doc.get("version"))
        )
    root = _Loc("")
    # 1. secretariats, which networks name
    secretariats: dict[str, Organisation] = {}
    agencies: list[tuple[_Loc, dict[str, Any]]] = []
    for i, raw in enumerate(_list(doc.get("agencies", []), "agencies")):
        loc = root.sub(f"agencies[{i}]")
        a = _obj(raw, loc.prefix)
        kind = a.get("kind", "agency")
        if kind == "secretariat":
            secretariats[_need(a, "name", loc).strip()] = imp.organisation(loc, a, None, "secretariat")
            agencies.append((loc, a))
        elif kind == "agency":
            agencies.append((loc, a))
        else:
            raise _err(loc.at("kind"), _("must be agency or secretariat"))
    # 2. networks, members and memberships
    members: list[tuple[_Loc, Network, Member, str, Any]] = []
    for i, raw in enumerate(_list(doc.get("networks", []), "networks")):
        loc = root.sub(f"networks[{i}]")
        n = _obj(raw, loc.prefix)
        sec_name = _str(n, "secretariat", loc, max_length=200)
        sec = None
        if sec_name:
            sec = secretariats.get(sec_name.strip()) or imp.organisation(
                loc.sub("secretariat"), {"name": sec_name}, None, "secretariat"
            )
        net = imp.network(
            loc,
            _need(n, "code", loc),
            _str(n, "name", loc, max_length=200),
            _str(n, "description", loc, max_length=100_000),
            sec,
            _uuid(n, loc),
        )
        for j, raw_m in enumerate(_list(n.get("members", []), loc.at("members"))):
            ml = loc.sub(f"members[{j}]")
            m = _obj(raw_m, ml.prefix)
            status = m.get("status", "active")
            if status not in MEMBERSHIP_STATUSES:
                raise _err(ml.at("status"), _("must be one of %(choices)s", choices=", ".join(MEMBERSHIP_STATUSES)))
            kind = m.get("kind", "state")
            if kind not in ("state", "organisation"):
                raise _err(ml.at("kind"), _("must be state or organisation"))
            member = imp.member(ml, _need(m, "code", ml), kind, _str(m, "name", ml, max_length=200), _uuid(m, ml))
            imp.membership(ml, net, member, status)
            members.append((ml, net, member, status, m.get("designation")))
    # 3. agencies (their members exist now), then designations, which the contact points' editors rely on
    orgs: list[tuple[_Loc, dict[str, Any], Organisation]] = []
    for loc, a in agencies:
        if a.get("kind", "agency") == "secretariat":
            orgs.append((loc, a, secretariats[_need(a, "name", loc).strip()]))
            continue
        member_loc = _Loc(loc.prefix, (("code", "member"), ("kind", "member"), ("name", "member")))
        member = imp.member(member_loc, _need(a, "member", loc), None, None, None)
        orgs.append((loc, a, imp.organisation(loc, a, member, "agency")))
    rosters: list[tuple[_Loc, dict[str, Any], Designation]] = []
    for ml, net, member, _status, raw_d in members:
        if raw_d is None:
            continue
        dl = ml.sub("designation")
        dd = _obj(raw_d, dl.prefix)
        al = dl.sub("agency")
        agency = imp.organisation(al, _obj(dd.get("agency"), al.prefix), member, "agency")
        desig = imp.designation(
            dl,
            net,
            member,
            agency,
            _need(dd, "source", dl),
            _parse(date, _str(dd, "designated_on", dl), dl.at("designated_on")),
            _uuid(dd, dl),
        )
        rosters.append((dl, dd, desig))
    # 4. contact points and channels
    for loc, a, org in orgs:
        for j, raw_c in enumerate(_list(a.get("contact_points", []), loc.at("contact_points"))):
            cl = loc.sub(f"contact_points[{j}]")
            c = _obj(raw_c, cl.prefix)
            for key in ("kind", "timezone"):
                _str(c, key, cl, max_length=64)
            _bool(c, "is_24_7", cl)
            _bool(c, "is_active", cl)
            if c.get("languages") is not None and not all(
                isinstance(x, str) for x in _list(c["languages"], cl.at("languages"))
            ):
                raise _err(cl.at("languages"), _("must be a list of language codes"))
            cp = imp.contact(cl, org, c, _uuid(c, cl))
            for k, raw_ch in enumerate(_list(c.get("channels", []), cl.at("channels"))):
                hl = cl.sub(f"channels[{k}]")
                ch = _obj(raw_ch, hl.prefix)
                imp.channel(
                    hl,
                    cp,
                    _need(ch, "kind", hl),
                    _need(ch, "value", hl),
                    _str(ch, "label", hl, max_length=100),
                    _parse(datetime, _str(ch, "verified_at", hl), hl.at("verified_at")),
                    _uuid(ch, hl),
                )
    # 5. rosters, then memberships that end suspended or withdrawn (a designation needs an active member)
    for dl, dd, desig in rosters:
        imp.roster(dl, dd, desig)
    for ml, net, member, status, _d in members:
        if status != "active":
            imp.membership_status(ml, net, member, status)


def import_contacts_csv(session: Session, *, actor: Principal, text: str, dry_run: bool = False) -> ImportReport:
    """Create or update members, agencies, designations, contact points and channels from the contacts CSV.

    A member not yet known is a state when its code is a country code (two letters must be one) and an
    organisation otherwise. A new designation's source is "CSV import"; an existing one is never replaced.
    """
    check_size(text_size(text))
    return _run(session, actor, dry_run, lambda imp: _apply_csv(imp, text.removeprefix("\ufeff")))


def _apply_csv(imp: _Importer, text: str) -> None:
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ","
    )
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in CSV_COLUMNS if c not in header]
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if missing or unknown or len(set(header)) != len(header):
            problems = (
                ([_("missing columns %(columns)s", columns=", ".join(missing))] if missing else [])
                + ([_("unknown columns %(columns)s", columns=", ".join(repr(c) for c in unknown))] if unknown else [])
                + ([_("a column appears twice")] if len(set(header)) != len(header) else [])
            )
            # Translators: what is wrong with a CSV file's header (one or more problems, joined by "; "), then the
            # columns it should have
            expected = _(
                "%(problems)s; expected the columns %(columns)s",
                problems="; ".join(problems),
                columns=",".join(CSV_COLUMNS),
            )
            raise _err("line 1", expected)
        seen: dict[tuple[uuid.UUID, str], tuple[int, tuple[Any, ...]]] = {}
        for row in reader:
            line = reader.line_num
            if None in row:
                raise _err(f"line {line}", _("has more cells than the header's %(columns)s", columns=len(header)))
            cells = {k: restore((row.get(k) or "").strip()) for k in CSV_COLUMNS}
            if any(cells.values()):
                _csv_row(imp, line, cells, seen)
    except csv.Error as exc:
        raise _err(f"line {reader.line_num}", _("cannot be read as CSV (%(reason)s)", reason=exc)) from exc


def _csv_row(
    imp: _Importer, line: int, c: dict[str, str], seen: dict[tuple[uuid.UUID, str], tuple[int, tuple[Any, ...]]]
) -> None:
    def required(*columns: str, reason: str) -> None:
        for col in columns:
            if not c[col]:
                raise _err(f"line {line}: {col}", reason)

    required("network", "member", reason=_("is required"))
    net = imp.network(_line(line, code="network"), c["network"], None, None, None, None)
    member = imp.member(
        _line(line, code="member", kind="member", name="member_name"), c["member"], None, c["member_name"] or None, None
    )
    imp.membership(_line(line), net, member, None)
    later = (
        "contact_point",
        "contact_kind",
        "is_24_7",
        "timezone",
        "languages",
        "channel_kind",
        "channel_value",
        "verified_at",
    )
    if not c["agency"]:
        if any(c[k] for k in later):
            required("agency", reason=_("is required for a contact point"))
        return
    agency = imp.organisation(_line(line, name="agency", id="agency"), {"name": c["agency"]}, member, "agency")
    imp.designation(_line(line), net, member, agency, None, None, None)
    if not c["contact_point"]:
        if any(c[k] for k in later):
            required("contact_point", reason=_("is required for a channel"))
        return
    required("timezone", reason=_("is required for a contact point"))
    flag = c["is_24_7"].lower()
    if flag not in ("", "true", "false", "yes", "no", "1", "0"):
        raise _err(f"line {line}: is_24_7", _("%(value)r is not true or false", value=c["is_24_7"]))
    contact: dict[str, Any] = {
        "name": c["contact_point"],
        "kind": c["contact_kind"] or None,
        "is_24_7": None if flag == "" else flag in ("true", "yes", "1"),
        "timezone": c["timezone"],
        "is_active": None,
        "languages": [x for x in (s.strip() for s in c["languages"].split(";")) if x],
    }
    values = tuple(contact[k] for k in ("kind", "is_24_7", "timezone", "languages"))
    key = (agency.id, contact["name"].strip())
    if key in seen and seen[key][1] != values:
        raise _err(
            f"line {line}: contact_point",
            _(
                "%(contact)r is described differently on line %(seen)s (kind, 24/7, time zone and languages must "
                "agree)",
                contact=contact["name"],
                seen=seen[key][0],
            ),
        )
    seen.setdefault(key, (line, values))
    cp = imp.contact(
        _line(line, name="contact_point", kind="contact_kind", timezone="timezone", languages="languages"),
        agency,
        contact,
        None,
    )
    if not c["channel_kind"] and not c["channel_value"]:
        if c["verified_at"]:
            required("channel_kind", reason=_("is required for verified_at"))
        return
    required("channel_kind", "channel_value", reason=_("is required for a channel"))
    hl = _line(line, kind="channel_kind", value="channel_value", verified_at="verified_at")
    imp.channel(
        hl,
        cp,
        c["channel_kind"],
        c["channel_value"],
        None,
        _parse(datetime, c["verified_at"], hl.at("verified_at")),
        None,
    )
