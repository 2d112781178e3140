"""Fictional demo data for an empty node, written only through the actions, so every write is audited.

:func:`load_demo` fills a freshly migrated database with three 24/7 networks (FTF, VOT, IACN), about sixty
members in every time zone, their agencies, designations, desks, duty officers, verified channels and rosters,
a few membership requests and one demo user per persona. A few members are left imperfect on purpose, so the
readiness warnings have something to show. With ``bench_scale`` it builds one large ``BENCH`` network instead.

Everything is drawn from ``random.Random(42)`` and the ``now`` argument: two loads with the same ``now`` give the
same members, agencies, people and numbers. Nobody here is real: names are combined from per-region lists, e-mail
domains sit under the reserved ``.example`` top-level domain (RFC 2606) and phone numbers are variations of
libphonenumber's example numbers (US ones stay in the fictional 555-01xx range).
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.actions import accounts, directory
from liaison.actions import rosters as roster_actions
from liaison.actions.audit import audit, bump_directory
from liaison.demo_data import (  # re-exported: tests and callers read them from liaison.demo
    AGENCIES,
    APPROVED_REQUEST,
    BENCH_ZONES,
    DECLINED_REQUEST,
    GAP,
    NAMES,
    NETWORKS,
    OFFICER_NOTES,
    ORGANISATION_AGENCIES,
    ORGANISATION_MEMBERS,
    OVERLAPPING,
    OVERRIDE_REASONS,
    PENDING_REQUEST,
    RUNNING_OVERRIDE,
    STALE_CONTACTS,
    STATES,
    UNCONFIRMED,
    UNVERIFIED,
)
from liaison.errors import Conflict, InvalidInput
from liaison.i18n import _
from liaison.models import Channel, ContactPoint, Designation, Member, Membership, Network, Organisation, User
from liaison.principal import Principal

SEED = 42
OPERATOR_ORGANISATION = "Liaison node operator"
OPERATOR_USERNAME = "operator"
DEMO_NOTE = "Demo data: every person, number and address in this directory is fictional."


@dataclass(frozen=True, slots=True)
class StateSpec:
    code: str
    timezone: str
    languages: tuple[str, ...]
    pool: str
    networks: tuple[str, ...]
    kind: str = "state"
    name: str = ""
    phone_region: str = ""

    @property
    def region(self) -> str:
        return self.phone_region or self.code


def _specs() -> list[StateSpec]:
    out = []
    for line in STATES.strip().splitlines():
        code, zone, langs, pool, nets = line.split()
        out.append(StateSpec(code, zone, tuple(langs.split(",")), pool, tuple(n for n in nets.split(",") if n != "-")))
    for code, name, zone, langs, pool, nets, region in ORGANISATION_MEMBERS:
        out.append(
            StateSpec(code, zone, tuple(langs.split(",")), pool, tuple(nets.split(",")), "organisation", name, region)
        )
    return out


@dataclass
class DemoSummary:
    """What was loaded, for the CLI to print."""

    networks: list[str]
    members: int
    users: list[str]
    designations: int = 0
    contact_points: int = 0
    channels: int = 0
    verified_channels: int = 0
    rotations: int = 0
    overrides: int = 0
    membership_requests: dict[str, str] = field(default_factory=dict)  # "NET/CODE" -> status
    imperfect: dict[str, str] = field(default_factory=dict)  # readiness warning kind -> "NET/CODE"
    operator_created: bool = True
    bench: bool = False
    bank: dict[str, int] = field(default_factory=dict)  # counts from liaison.demo_bank
    analysis: dict[str, Any] = field(default_factory=dict)  # counts from liaison.demo_analysis, by part
    legal: dict[str, Any] = field(default_factory=dict)  # counts from liaison.demo_legal, by part

    def lines(self) -> list[str]:
        """The summary for people (the CLI prints it), in the current language. Codes (network, member, request
        status, readiness warning kind) are shown as they are stored."""
        out = [
            _(
                "Networks: %(networks)s; members: %(members)s; designations: %(designations)s",
                networks=", ".join(self.networks),
                members=self.members,
                designations=self.designations,
            ),
            _(
                "Contact points: %(contact_points)s; channels: %(channels)s (%(verified)s verified); "
                "rotations: %(rotations)s; overrides: %(overrides)s",
                contact_points=self.contact_points,
                channels=self.channels,
                verified=self.verified_channels,
                rotations=self.rotations,
                overrides=self.overrides,
            ),
            _("Users (all with the password given): %(users)s", users=", ".join(self.users)),
        ]
        if not self.operator_created:
            out.append(
                _("User %(username)s existed already; its password was left unchanged.", username=OPERATOR_USERNAME)
            )
        if self.membership_requests:
            requests = ", ".join(f"{k} {v}" for k, v in self.membership_requests.items())
            out.append(_("Membership requests: %(requests)s", requests=requests))
        if self.imperfect:
            imperfect = ", ".join(f"{k} {v}" for k, v in self.imperfect.items())
            out.append(_("Left imperfect on purpose: %(warnings)s", warnings=imperfect))
        if self.bank:
            un, entities = self.bank.get("un_list", 0), self.bank.get("entities", 0)
            out.append(
                _(
                    "Information bank: %(entities)s fictional records (groups, persons, a training area, an "
                    "incident) from three members, and the UN Security Council list (%(un)s entries)",
                    entities=entities,
                    un=un,
                )
                if un
                else _(
                    "Information bank: %(entities)s fictional records (groups, persons, a training area, an "
                    "incident) from three members (UN list file not found)",
                    entities=entities,
                )
            )
        if self.analysis:
            from liaison.demo_analysis import GROUPS as ANALYSIS_GROUPS

            network = self.analysis.get("network", {})
            out.append(
                _(
                    "Analysis centre (generated, synthetic): a network of %(persons)s fictional persons around "
                    "%(groups)s groups, %(transactions)s transactions and %(incidents)s incidents",
                    persons=network.get("persons", 0),
                    groups=len(ANALYSIS_GROUPS),
                    transactions=self.analysis.get("transactions", {}).get("transactions", 0),
                    incidents=self.analysis.get("incidents", {}).get("incidents", 0),
                )
            )
        if self.legal:
            out.append(
                _(
                    "Common legal ground (demonstration data, not verified): %(states)s states with participations "
                    "and profiles, %(offences)s national offences, %(requests)s past requests, and request "
                    "%(draft)s from France to Japan drafted and ready to check",
                    states=self.legal.get("basis", {}).get("jurisdictions", 0),
                    offences=self.legal.get("offences", {}).get("offences", 0),
                    requests=self.legal.get("requests", {}).get("history", 0),
                    draft=self.legal.get("requests", {}).get("draft") or "-",
                )
            )
        return out


@dataclass
class _Ctx:
    session: Session
    actor: Principal
    now: datetime
    rng: random.Random
    counts: Counter[str] = field(default_factory=Counter)
    numbers: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def local_date(self, zone: str) -> date:
        return self.now.astimezone(ZoneInfo(zone)).date()

    def local(self, zone: str, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


# -- generators --------------------------------------------------------------------------------------------------


def _phone(ctx: _Ctx, region: str, mobile: bool) -> str:
    """A valid E.164 number for ``region``: libphonenumber's example number with its last digits varied."""
    kind = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    if example is None:
        raise InvalidInput("region", f"no example phone number for {region}")
    base = str(example.national_number)
    digits = 2 if example.country_code == 1 else 3  # NANP: stay inside the fictional 555-01xx block
    candidate = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    for _attempt in range(40):
        number = phonenumbers.parse(
            f"+{example.country_code}{base[:-digits]}{ctx.rng.randrange(10**digits):0{digits}d}"
        )
        if phonenumbers.is_valid_number(number):
            candidate = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            if candidate not in ctx.numbers:
                break
    ctx.numbers.add(candidate)
    return candidate


def _person_name(ctx: _Ctx, pool: str, taken: set[str]) -> str:
    female, male, family = (part.split(",") for part in NAMES[pool])
    name = ""
    for attempt in range(30):
        is_female = ctx.rng.random() < 0.5
        given = ctx.rng.choice(female if is_female else male)
        surname = ctx.rng.choice(family)
        if "|" in surname:
            surname = surname.split("|")[1 if is_female else 0]
        name = f"{given} {surname}"
        if name not in taken and (name not in ctx.names or attempt >= 20):
            break
    ctx.names.add(name)
    taken.add(name)
    return name


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ł", "l")).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "." for c in plain.lower()).strip(".").replace("..", ".")


def _languages(ctx: _Ctx, spec: StateSpec, extra: bool) -> list[str]:
    langs = list(spec.languages)
    for lang in ("en", *(["fr", "es"] if extra else [])):
        if lang not in langs and (lang == "en" or ctx.rng.random() < 0.3):
            langs.append(lang)
    return langs


# -- building blocks ---------------------------------------------------------------------------------------------


def _secretariat(ctx: _Ctx, code: str, name: str, zone: str, region: str) -> Organisation:
    org = accounts.create_organisation(
        ctx.session,
        actor=ctx.actor,
        name=f"Secretariat of the {name}",
        short_name=f"{code} Secretariat",
        kind="secretariat",
    )
    domain = f"secretariat.{code.lower()}.example"
    directory.create_contact_point(
        ctx.session,
        actor=ctx.actor,
        agency=org,
        name=f"{code} Secretariat 24/7 desk",
        timezone=zone,
        kind="desk",
        languages=["en", "fr", "es"],
        is_24_7=True,
        notes="Last resort of every fallback chain on the network.",
        channels=[
            {"kind": "phone", "value": _phone(ctx, region, False), "label": "24/7 line"},
            {"kind": "email", "value": f"desk@{domain}", "label": "Duty mailbox"},
            {"kind": "inbox", "value": f"{code.lower()}-secretariat", "label": "Liaison inbox"},
        ],
    )
    ctx.counts["contact_points"] += 1
    return org


def _staff(
    ctx: _Ctx, agency: Organisation, spec: StateSpec, network: str, people: int, taken: set[str]
) -> tuple[ContactPoint, list[ContactPoint]]:
    """The agency's 24/7 desk and ``people`` duty officers, with phone, mobile, e-mail and inbox channels."""
    short = _ascii(agency.short_name or agency.name).replace(".", "-")
    domain = f"{short}.{spec.code.lower()}.example"
    inbox = f"{network}-{spec.code}-{short}".lower()
    desk = directory.create_contact_point(
        ctx.session,
        actor=ctx.actor,
        agency=agency,
        name=f"{agency.short_name} 24/7 duty desk",
        timezone=spec.timezone,
        kind="desk",
        languages=_languages(ctx, spec, extra=True),
        is_24_7=True,
        channels=[
            {"kind": "phone", "value": _phone(ctx, spec.region, False), "label": "24/7 line"},
            {"kind": "email", "value": f"duty@{domain}", "label": "Duty mailbox"},
            {"kind": "inbox", "value": f"{inbox}-desk", "label": "Liaison inbox"},
        ],
    )
    officers = []
    for _person in range(people):
        name = _person_name(ctx, spec.pool, taken)
        local = _ascii(name)
        channels = [
            {"kind": "mobile", "value": _phone(ctx, spec.region, True), "label": "Duty mobile"},
            {"kind": "email", "value": f"{local}@{domain}", "label": "Office"},
            {"kind": "inbox", "value": f"{inbox}-{local}", "label": "Liaison inbox"},
        ]
        if ctx.rng.random() < 0.5:
            channels.insert(1, {"kind": "phone", "value": _phone(ctx, spec.region, False), "label": "Office"})
        officers.append(
            directory.create_contact_point(
                ctx.session,
                actor=ctx.actor,
                agency=agency,
                name=name,
                timezone=spec.timezone,
                kind="person",
                languages=_languages(ctx, spec, extra=ctx.rng.random() < 0.5),
                notes=ctx.rng.choice(OFFICER_NOTES),
                channels=channels,
            )
        )
    ctx.counts["contact_points"] += 1 + people
    return desk, officers


def _verify(ctx: _Ctx, channels: list[Channel]) -> None:
    """Verify channels the way a contact does: a code is sent on the channel and confirmed."""
    for channel in channels:
        code = directory.start_channel_verification(ctx.session, actor=ctx.actor, channel=channel)
        directory.confirm_channel_verification(ctx.session, actor=ctx.actor, code=code)
    ctx.counts["verified_channels"] += len(channels)


def _backdate(ctx: _Ctx, contact: ContactPoint, days: int) -> None:
    """Make a contact's channels look verified ``days`` ago, so a stale-channel notice shows (audited)."""
    when = ctx.now - timedelta(days=days)
    for channel in contact.channels:
        if channel.verified_at is not None:
            channel.verified_at = when
    audit(
        ctx.session,
        actor=ctx.actor,
        action="demo.channel_backdated",
        target_type="contact_point",
        target_id=contact.id,
        details={"verified_at": when.isoformat(), "why": "demo: stale channel"},
    )
    bump_directory(ctx.session)


def _rotation_start(ctx: _Ctx, zone: str, weekly: bool) -> date:
    start = ctx.local_date(zone) - timedelta(days=ctx.rng.randint(60, 150))
    return start - timedelta(days=start.weekday()) if weekly else start


def _roster(
    ctx: _Ctx, designation: Designation, spec: StateSpec, officers: list[ContactPoint], *, weekdays_only: bool = False
) -> None:
    """A day rotation (weekly or daily, handoff 08:00 or 09:00 local), sometimes a night layer, mostly a deputy."""
    rng = ctx.rng
    weekly = rng.random() < 0.65
    handoff = time(rng.choice((8, 9)))
    start = _rotation_start(ctx, spec.timezone, weekly)
    night = len(officers) >= 3 and rng.random() < 0.45 and not weekdays_only
    day_team = officers[:2] if night else officers
    period = "weekly" if weekly else "daily"
    roster_actions.add_rotation(
        ctx.session,
        actor=ctx.actor,
        designation=designation,
        participants=[c.id for c in day_team],
        timezone=spec.timezone,
        start=start,
        handoff=handoff,
        period=period,
        weekdays=[0, 1, 2, 3, 4] if weekdays_only else None,
        name="Weekday duty (Mon-Fri)" if weekdays_only else f"{period.capitalize()} duty rotation",
    )
    ctx.counts["rotations"] += 1
    if night:
        roster_actions.add_rotation(
            ctx.session,
            actor=ctx.actor,
            designation=designation,
            participants=[c.id for c in officers[2:]],
            timezone=spec.timezone,
            start=start,
            handoff=time(20),
            period="weekly",
            layer=1,
            window=(time(20), time(8)),
            name="Night layer 20:00-08:00",
        )
        ctx.counts["rotations"] += 1
    if rng.random() < 0.85:
        roster_actions.set_deputy(
            ctx.session, actor=ctx.actor, designation=designation, contact_point_id=officers[-1].id
        )


def _override(
    ctx: _Ctx,
    designation: Designation,
    spec: StateSpec,
    contact: ContactPoint,
    start_day: int,
    days: int,
    reason: str,
    at: time = time(8),
) -> None:
    day = ctx.local_date(spec.timezone) + timedelta(days=start_day)
    start = ctx.local(spec.timezone, day, at)
    roster_actions.add_override(
        ctx.session,
        actor=ctx.actor,
        designation=designation,
        contact_point_id=contact.id,
        start=start,
        end=start + timedelta(days=days),
        reason=reason,
    )
    ctx.counts["overrides"] += 1


def _source(ctx: _Ctx, network: str, spec: StateSpec) -> tuple[str, date]:
    on = ctx.now.date() - timedelta(days=ctx.rng.randint(30, 3 * 365))
    n = ctx.rng.randint(100, 999)
    if spec.kind == "organisation":
        return f"Letter of the Executive Director, ref. {spec.code}/{n}/{on.year}, of {on.isoformat()}", on
    if network == "IACN":
        return f"Note of the Permanent Mission to the OAS No. {n}-{on.year} of {on.isoformat()}", on
    forms = (
        f"Note verbale No. {n}/{on.year} of {on.isoformat()}",
        f"Letter of the Permanent Representation, ref. {n}/{on.year}, of {on.isoformat()}",
        f"Declaration deposited with the Secretariat on {on.isoformat()} (ref. {n})",
    )
    return ctx.rng.choice(forms), on


# -- the load ----------------------------------------------------------------------------------------------------


def _refuse_unless_empty(session: Session, usernames: list[str]) -> None:
    if session.scalar(select(func.count()).select_from(Network)):
        raise Conflict(_("the database already has networks; the demo loads only into an empty directory"))
    taken = session.scalars(select(User.username).where(User.username.in_(usernames))).all()
    if taken:
        raise Conflict(
            _("users %(names)s exist already; the demo needs an empty directory", names=", ".join(sorted(taken)))
        )


def _operator(ctx: _Ctx, password: str) -> tuple[Organisation, bool]:
    """The node operator organisation and the ``operator`` admin user, created if missing."""
    session = ctx.session
    org = session.scalar(select(Organisation).where(Organisation.kind == "operator").order_by(Organisation.name))
    if org is None:
        org = accounts.create_organisation(
            session, actor=ctx.actor, name=OPERATOR_ORGANISATION, kind="operator", short_name="Operator"
        )
    user = session.scalar(select(User).where(User.username == OPERATOR_USERNAME))
    created = user is None
    if user is None:
        user = accounts.create_user(
            session,
            actor=ctx.actor,
            username=OPERATOR_USERNAME,
            display_name="Node operator",
            organisation=org,
            password=password,
            email="operator@node.example",
            roles=[("admin", None)],
        )
    if ctx.actor.user_id is None and ctx.actor.username == OPERATOR_USERNAME:
        # Bind the bootstrap principal to the user, so the audit rows of the load point at it.
        ctx.actor = Principal(
            user.id, user.username, user.organisation_id, None, ctx.actor.grants, via=ctx.actor.via, ip=ctx.actor.ip
        )
    return org, created


def _user(
    ctx: _Ctx,
    username: str,
    display_name: str,
    organisation: Organisation,
    password: str,
    roles: list[tuple[str, Network | None]],
) -> User:
    return accounts.create_user(
        ctx.session,
        actor=ctx.actor,
        username=username,
        display_name=display_name,
        organisation=organisation,
        password=password,
        email=f"{username}@node.example",
        roles=roles,
    )


def _as_user(ctx: _Ctx, user: User, grants: set[tuple[str, Any]], member_id: Any = None) -> Principal:
    return Principal(
        user.id, user.username, user.organisation_id, member_id, frozenset(grants), via=ctx.actor.via, ip=ctx.actor.ip
    )


def load_demo(
    session: Session,
    *,
    actor: Principal,
    now: datetime,
    password: str,
    bench_scale: tuple[int, int, int] | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with fictional demo data (see the module docstring).

    ``actor`` must be a node admin (the CLI passes a bootstrap admin principal named ``operator``); ``password`` is
    given to every demo user. Raises Conflict when the database already has networks. The caller commits.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput("now", "must be a timezone-aware datetime")
    ctx = _Ctx(session, actor, now.astimezone(UTC), random.Random(SEED))
    if bench_scale is not None:
        return _load_bench(ctx, password, *bench_scale)
    usernames = [
        "secretariat.ftf",
        "secretariat.vot",
        "secretariat.iacn",
        "fr.ftf",
        "jp.ftf",
        "us.vot",
        "analyst",
        "auditor",
        "outsider",
    ]
    _refuse_unless_empty(session, usernames)
    operator_org, operator_created = _operator(ctx, password)
    rng = ctx.rng

    networks: dict[str, Network] = {}
    secretariats: dict[str, Organisation] = {}
    for code, name, zone, region, description in NETWORKS:
        secretariats[code] = _secretariat(ctx, code, name, zone, region)
        networks[code] = directory.create_network(
            session,
            actor=ctx.actor,
            code=code,
            name=name,
            description=f"{description} {DEMO_NOTE}",
            secretariat_id=secretariats[code].id,
        )

    specs = {s.code: s for s in _specs()}
    members: dict[str, Member] = {}
    for spec in specs.values():
        members[spec.code] = directory.ensure_member(
            session, actor=ctx.actor, code=spec.code, kind=spec.kind, name=spec.name
        )
        for net in spec.networks:
            if (net, spec.code) != APPROVED_REQUEST:
                joined = ctx.now.date() - timedelta(days=rng.randint(200, 3000))
                directory.admit_member(
                    session, actor=ctx.actor, network=networks[net], member=members[spec.code], joined_on=joined
                )

    users: dict[str, User] = {}
    for net in ("FTF", "VOT", "IACN"):
        username = f"secretariat.{net.lower()}"
        users[username] = _user(
            ctx,
            username,
            _person_name(ctx, "fr" if net != "IACN" else "latam", set()),
            secretariats[net],
            password,
            [("network_admin", networks[net])],
        )

    # The outsider: an agency of a member in no network, whose request to join is pending.
    outsider_spec = specs[PENDING_REQUEST[1]]
    outsider_org = directory.create_agency(
        session,
        actor=ctx.actor,
        member=members[outsider_spec.code],
        name="National Police Liaison Office",
        agency_kind="police",
        short_name="NPLO",
    )
    users["outsider"] = _user(ctx, "outsider", _person_name(ctx, outsider_spec.pool, set()), outsider_org, password, [])
    requests: dict[str, str] = {}
    outsider = _as_user(ctx, users["outsider"], set(), members[outsider_spec.code].id)
    directory.request_membership(
        session,
        actor=outsider,
        network=networks[PENDING_REQUEST[0]],
        member_code=PENDING_REQUEST[1],
        message="Our victim support service would like to join the network.",
    )
    requests["/".join(PENDING_REQUEST)] = "pending"
    net, code = APPROVED_REQUEST
    request = directory.request_membership(
        session,
        actor=ctx.actor,
        network=networks[net],
        member_code=code,
        message="Note verbale requesting membership, received by the operator.",
    )
    directory.decide_membership_request(
        session,
        actor=_as_user(ctx, users["secretariat.ftf"], {("network_admin", networks[net].id)}),
        request=request,
        approve=True,
        note="Welcome to the network; please designate your authority.",
    )
    requests[f"{net}/{code}"] = "approved"
    net, code, name = DECLINED_REQUEST
    request = directory.request_membership(
        session,
        actor=ctx.actor,
        network=networks[net],
        member_code=code,
        member_kind="organisation",
        member_name=name,
        message="We would like access to the directory for our clients.",
    )
    directory.decide_membership_request(
        session,
        actor=_as_user(ctx, users["secretariat.iacn"], {("network_admin", networks[net].id)}),
        request=request,
        approve=False,
        note="Membership is open to states and intergovernmental organisations.",
    )
    requests[f"{net}/{code}"] = "declined"

    # Agencies, designations, desks, duty officers, channels and rosters for every active membership.
    agencies: dict[tuple[str, str], Organisation] = {}
    staff: dict[tuple[str, str], tuple[Designation, list[ContactPoint]]] = {}
    for net in networks:
        for spec in specs.values():
            if net not in spec.networks:
                continue
            key = (net, spec.code)
            member = members[spec.code]
            agency_name, short, kind = (
                ORGANISATION_AGENCIES[spec.code] if spec.kind == "organisation" else rng.choice(AGENCIES[net])
            )
            agency = directory.create_agency(
                session, actor=ctx.actor, member=member, name=agency_name, agency_kind=kind, short_name=short
            )
            agencies[key] = agency
            source, on = _source(ctx, net, spec)
            designation = directory.designate(
                session,
                actor=ctx.actor,
                network=networks[net],
                member=member,
                agency=agency,
                source=source,
                designated_on=on,
            )
            ctx.counts["designations"] += 1
            desk, officers = _staff(ctx, agency, spec, net, rng.randint(2, 4), set())
            _verify(ctx, list(desk.channels))
            if key != UNVERIFIED:
                for officer in officers:
                    # Most channels verified; a contact's in-app inbox sometimes not yet.
                    _verify(ctx, [c for c in officer.channels if c.kind != "inbox" or rng.random() < 0.6])
            _roster(ctx, designation, spec, officers, weekdays_only=key == GAP)
            staff[key] = (designation, officers)

    # Overrides: two overlapping on one member (the later wins), one running now, a few in the coming weeks.
    designation, officers = staff[OVERLAPPING]
    spec = specs[OVERLAPPING[1]]
    _override(ctx, designation, spec, officers[1], 6, 7, "Annual leave: cover", time(9))
    _override(ctx, designation, spec, officers[0], 9, 2, "Illness: cover (replaces the leave cover)", time(9))
    designation, officers = staff[RUNNING_OVERRIDE]
    _override(ctx, designation, specs[RUNNING_OVERRIDE[1]], officers[-1], -1, 3, "Training course: cover")
    plain = [k for k in staff if k not in (GAP, UNVERIFIED, UNCONFIRMED, OVERLAPPING, RUNNING_OVERRIDE)]
    for key in rng.sample(plain, 6):
        designation, officers = staff[key]
        _override(
            ctx,
            designation,
            specs[key[1]],
            rng.choice(officers),
            rng.randint(2, 20),
            rng.randint(1, 6),
            rng.choice(OVERRIDE_REASONS),
            time(rng.choice((8, 9))),
        )
    for key in STALE_CONTACTS:
        _backdate(ctx, staff[key][1][0], rng.randint(200, 400))
    for key, (designation, _officers) in staff.items():
        if key != UNCONFIRMED:
            roster_actions.confirm_roster(session, actor=ctx.actor, designation=designation)

    # Contact-point personas are duty officers of their agency; analyst and auditor work for the operator.
    for username, key in (("fr.ftf", ("FTF", "FR")), ("jp.ftf", ("FTF", "JP")), ("us.vot", ("VOT", "US"))):
        users[username] = _user(
            ctx, username, staff[key][1][0].name, agencies[key], password, [("contact_point", networks[key[0]])]
        )
    users["analyst"] = _user(
        ctx, "analyst", _person_name(ctx, "en", set()), operator_org, password, [("analyst", None)]
    )
    users["auditor"] = _user(
        ctx, "auditor", _person_name(ctx, "nl", set()), operator_org, password, [("auditor", None)]
    )
    # Legal ground first: its reference tables are thousands of audited writes, and the audit log's first page
    # should show the exchange and the bank, which come after.
    from liaison.demo_legal import load_legal_demo

    legal_counts = load_legal_demo(session, operator=ctx.actor)
    session.flush()
    from liaison.demo_exchange import load_exchange_demo

    load_exchange_demo(session, now=ctx.now, rng=ctx.rng)
    from liaison.demo_bank import load_bank_demo

    bank_counts = load_bank_demo(session, operator=ctx.actor)
    session.flush()
    from liaison.demo_analysis import load_analysis_demo

    analysis_counts = load_analysis_demo(session, operator=ctx.actor)
    session.flush()
    summary = _summary(
        ctx,
        list(networks),
        [OPERATOR_USERNAME, *usernames],
        requests,
        operator_created,
        {
            "gap": "/".join(GAP),
            "unverified_channel": "/".join(UNVERIFIED),
            "stale_roster": "/".join(UNCONFIRMED),
            "stale_channel": ", ".join("/".join(k) for k in STALE_CONTACTS),
        },
    )
    summary.bank = bank_counts
    summary.analysis = analysis_counts
    summary.legal = legal_counts
    return summary


def _summary(
    ctx: _Ctx,
    networks: list[str],
    users: list[str],
    requests: dict[str, str],
    operator_created: bool,
    imperfect: dict[str, str],
    bench: bool = False,
) -> DemoSummary:
    session = ctx.session
    members = (
        session.scalar(select(func.count(func.distinct(Membership.member_id))).where(Membership.status == "active"))
        or 0
    )
    return DemoSummary(
        networks=networks,
        members=members,
        users=users,
        designations=ctx.counts["designations"],
        contact_points=ctx.counts["contact_points"],
        channels=session.scalar(select(func.count(Channel.id))) or 0,
        verified_channels=ctx.counts["verified_channels"],
        rotations=ctx.counts["rotations"],
        overrides=ctx.counts["overrides"],
        membership_requests=requests,
        imperfect=imperfect,
        operator_created=operator_created,
        bench=bench,
    )


# -- benchmark scale ---------------------------------------------------------------------------------------------


def _load_bench(ctx: _Ctx, password: str, members: int, contacts: int, rotation_days: int) -> DemoSummary:
    """One network ``BENCH``: ``members`` organisation members, each with ``contacts`` duty officers on a daily
    rotation started ``rotation_days`` ago plus a night layer, a desk (also the deputy) and two overrides."""
    if members < 1 or contacts < 1 or rotation_days < 1:
        raise InvalidInput("bench_scale", _("members, contacts per member and rotation days must be at least 1"))
    session, rng = ctx.session, ctx.rng
    _refuse_unless_empty(session, ["bench"])
    _operator_org, operator_created = _operator(ctx, password)
    secretariat = _secretariat(ctx, "BENCH", "Benchmark network", "Europe/Paris", "FR")
    network = directory.create_network(
        session,
        actor=ctx.actor,
        code="BENCH",
        name="Benchmark network",
        description=f"Synthetic network for load tests. {DEMO_NOTE}",
        secretariat_id=secretariat.id,
    )
    zones = [tuple(z.split()) for z in BENCH_ZONES.replace("\n", " ").split(";")]
    pools = list(NAMES)
    for i in range(1, members + 1):
        zone, region = zones[(i - 1) % len(zones)]
        code = f"M{i:04d}"
        spec = StateSpec(
            code,
            zone,
            ("en",),
            pools[(i - 1) % len(pools)],
            ("BENCH",),
            "organisation",
            f"Benchmark member {i:04d}",
            region,
        )
        member = directory.ensure_member(session, actor=ctx.actor, code=code, kind="organisation", name=spec.name)
        directory.admit_member(
            session,
            actor=ctx.actor,
            network=network,
            member=member,
            joined_on=ctx.now.date() - timedelta(days=rotation_days),
        )
        agency = directory.create_agency(
            session,
            actor=ctx.actor,
            member=member,
            name=f"Duty agency {code}",
            agency_kind="police",
            short_name=f"DA{i:04d}",
        )
        designation = directory.designate(
            session,
            actor=ctx.actor,
            network=network,
            member=member,
            agency=agency,
            source=f"Benchmark designation {code}",
            designated_on=ctx.now.date() - timedelta(days=rotation_days),
        )
        ctx.counts["designations"] += 1
        desk, officers = _bench_staff(ctx, agency, spec, contacts)
        _verify(ctx, [c for cp in (desk, *officers) for c in cp.channels])
        start = ctx.local_date(zone) - timedelta(days=rotation_days)
        roster_actions.add_rotation(
            session,
            actor=ctx.actor,
            designation=designation,
            participants=[c.id for c in officers],
            timezone=zone,
            start=start,
            handoff=time(8),
            period="daily",
            name="Daily duty rotation",
        )
        night_team = officers[1:] + officers[:1]
        roster_actions.add_rotation(
            session,
            actor=ctx.actor,
            designation=designation,
            participants=[c.id for c in night_team],
            timezone=zone,
            start=start,
            handoff=time(20),
            period="daily",
            layer=1,
            window=(time(20), time(8)),
            name="Night layer 20:00-08:00",
        )
        ctx.counts["rotations"] += 2
        # The desk is the deputy: every officer is on the rotation, and a deputy on duty adds nobody to the chain.
        roster_actions.set_deputy(session, actor=ctx.actor, designation=designation, contact_point_id=desk.id)
        _override(ctx, designation, spec, officers[1 % contacts], rng.randint(1, 7), 2, "Annual leave: cover")
        _override(ctx, designation, spec, officers[-1], rng.randint(8, 20), 1, "Illness: cover")
        roster_actions.confirm_roster(session, actor=ctx.actor, designation=designation)
        if i % 50 == 0:
            session.flush()
    bench_user = _user(ctx, "bench", "Benchmark client", secretariat, password, [("analyst", None)])
    session.flush()
    return _summary(ctx, [network.code], [OPERATOR_USERNAME, bench_user.username], {}, operator_created, {}, bench=True)


def _bench_staff(
    ctx: _Ctx, agency: Organisation, spec: StateSpec, contacts: int
) -> tuple[ContactPoint, list[ContactPoint]]:
    domain = f"{spec.code.lower()}.bench.example"
    desk = directory.create_contact_point(
        ctx.session,
        actor=ctx.actor,
        agency=agency,
        name=f"{spec.code} 24/7 duty desk",
        timezone=spec.timezone,
        kind="desk",
        languages=["en"],
        is_24_7=True,
        channels=[
            {"kind": "phone", "value": _phone(ctx, spec.region, False), "label": "24/7 line"},
            {"kind": "email", "value": f"duty@{domain}", "label": "Duty mailbox"},
            {"kind": "inbox", "value": f"bench-{spec.code.lower()}-desk", "label": "Liaison inbox"},
        ],
    )
    taken: set[str] = set()
    officers = []
    for _contact in range(contacts):
        name = _person_name(ctx, spec.pool, taken)
        officers.append(
            directory.create_contact_point(
                ctx.session,
                actor=ctx.actor,
                agency=agency,
                name=name,
                timezone=spec.timezone,
                kind="person",
                languages=["en"],
                channels=[
                    {"kind": "mobile", "value": _phone(ctx, spec.region, True), "label": "Duty mobile"},
                    {"kind": "email", "value": f"{_ascii(name)}@{domain}", "label": "Office"},
                ],
            )
        )
    ctx.counts["contact_points"] += 1 + contacts
    return desk, officers
