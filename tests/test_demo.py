"""The demo load: a realistic, fictional, fully audited directory that is the same every time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from liaison import demo, security
from liaison.db import make_engine, make_session_factory, transaction
from liaison.demo import DemoSummary, load_demo
from liaison.errors import Conflict
from liaison.models import (
    AuditEvent,
    Channel,
    ContactPoint,
    Designation,
    Member,
    Membership,
    MembershipRequest,
    Organisation,
    Override,
    Rotation,
    User,
)
from liaison.principal import Principal
from liaison.queries import readiness, snapshot
from liaison.queries.duty import duty_answer, find_member, find_network
from tests.conftest import Databases

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
PASSWORD = "demo-password-2026"
BOOTSTRAP = Principal(None, "operator", None, None, frozenset({("admin", None)}), via="cli")
RESERVED_DOMAINS = ("example.org", "example.com", "example.net")


def _fresh(databases: Databases, path: Path) -> sessionmaker[Session]:
    """A fresh empty database of the suite's backend (SQLite or PostgreSQL)."""
    path.mkdir(parents=True, exist_ok=True)
    # NullPool: no pooled connection outlives its session, so nothing needs disposing afterwards.
    return make_session_factory(make_engine(databases.clone("empty", None, path), poolclass=NullPool))


def _load(factory: sessionmaker[Session], **kwargs: object) -> DemoSummary:
    with transaction(factory) as session:
        return load_demo(session, actor=BOOTSTRAP, now=NOW, password=PASSWORD, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> tuple[sessionmaker[Session], DemoSummary]:
    factory = _fresh(databases, tmp_path_factory.mktemp("demo"))
    return factory, _load(factory)


@pytest.fixture
def session(loaded: tuple[sessionmaker[Session], DemoSummary]) -> Iterator[Session]:
    factory, _ = loaded
    with factory() as s:
        yield s


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_three_networks_and_about_sixty_members(session: Session, loaded: tuple[object, DemoSummary]) -> None:
    summary = loaded[1]
    snap = snapshot.build(session)
    assert sorted(snap.networks) == ["FTF", "IACN", "VOT"] == sorted(summary.networks)
    assert 55 <= _count(session, Member) <= 65
    assert 55 <= summary.members <= 65
    ftf, vot, iacn = (set(snap.networks[c].members) for c in ("FTF", "VOT", "IACN"))
    assert "US" in ftf & vot & iacn
    assert 20 <= len(ftf & vot) <= 30
    assert {"US", "CA", "MX", "BR"} <= iacn and 15 <= len(iacn) <= 25
    organisations = {m.code for m in snap.members.values() if m.kind == "organisation"}
    assert len(organisations & (ftf | vot | iacn)) == 2
    for network in snap.networks.values():
        assert network.secretariat_id is not None
        assert [d.name for d in snap.desks[network.secretariat_id]]  # a 24/7 secretariat desk
    zones = {c.timezone for c in snap.contacts.values()}
    assert {"Asia/Tokyo", "Pacific/Auckland", "America/New_York", "Europe/Paris", "Asia/Kolkata"} <= zones


def test_every_active_member_is_designated_and_someone_is_on_duty(session: Session) -> None:
    snap = snapshot.build(session)
    for code in ("FTF", "VOT", "IACN"):
        network = find_network(snap, code)
        for member_code in network.members:
            answer = duty_answer(snap, network, find_member(snap, network, member_code), NOW)
            assert answer.designation is not None, (code, member_code)
            assert answer.designation.source
            assert answer.fallback, (code, member_code)  # at least the agency's desk and the secretariat
            if (code, member_code) != demo.GAP:
                assert answer.contact is not None, (code, member_code)
                assert answer.contact.kind == "person"


def test_states_name_different_agencies_on_different_networks(session: Session) -> None:
    snap = snapshot.build(session)
    agencies: dict[str, set[str]] = {}
    for d in snap.designations.values():
        agencies.setdefault(snap.members_by_id[d.member_id].code, set()).add(d.agency)
    assert len(agencies["US"]) == 3
    assert len(agencies["FR"]) == 2


def test_phone_numbers_are_valid_e164(session: Session) -> None:
    phones = session.scalars(select(Channel.value).where(Channel.kind.in_(("phone", "mobile")))).all()
    assert len(phones) > 200
    for value in phones:
        parsed = phonenumbers.parse(value)
        assert phonenumbers.is_valid_number(parsed), value
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == value


def test_no_email_outside_reserved_example_domains(session: Session) -> None:
    addresses = list(session.scalars(select(Channel.value).where(Channel.kind == "email")))
    addresses += [e for e in session.scalars(select(User.email)) if e]
    assert len(addresses) > 200
    for address in addresses:
        domain = address.rsplit("@", 1)[1]
        assert domain.endswith(".example") or domain.endswith(RESERVED_DOMAINS), address


def test_contacts_and_channels(session: Session) -> None:
    snap = snapshot.build(session)
    people = [c for c in snap.contacts.values() if c.kind == "person"]
    assert len(people) > 150
    assert len({c.name for c in people}) > 0.9 * len(people)
    for contact in snap.contacts.values():
        assert {"phone", "mobile"} & {ch.kind for ch in contact.channels}
        assert {"email", "inbox"} <= {ch.kind for ch in contact.channels}
        assert contact.languages and all(len(lang) == 2 for lang in contact.languages)
        ZoneInfo(contact.timezone)
    channels = [ch for c in snap.contacts.values() for ch in c.channels]
    verified = [ch for ch in channels if ch.verified_at is not None]
    assert 0.75 * len(channels) < len(verified) < len(channels)


def test_writes_are_audited(session: Session) -> None:
    actions = Counter(session.scalars(select(AuditEvent.action)))
    assert actions["network.create"] == 3
    assert actions["member.create"] == _count(session, Member)
    assert actions["membership.admit"] == _count(session, Membership)
    assert actions["designation.set"] == _count(session, Designation)
    assert actions["contact_point.create"] == _count(session, ContactPoint)
    assert actions["rotation.create"] == _count(session, Rotation)
    assert actions["override.create"] == _count(session, Override)
    assert actions["user.create"] == _count(session, User)
    assert actions["organisation.create"] + actions["agency.create"] == _count(session, Organisation)
    assert actions["channel.verified"] == session.scalar(
        select(func.count()).select_from(Channel).where(Channel.verified_at.is_not(None)))
    assert actions["roster.confirm"] == _count(session, Designation) - 1
    assert actions["membership_request.create"] == 3
    operator = session.scalar(select(User).where(User.username == "operator"))
    assert operator is not None
    by_operator = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.actor_id == operator.id, AuditEvent.via == "cli"))
    # The directory is loaded by the operator; the demo's exchange traffic is sent by the personas themselves.
    exchange = ("message.", "exercise.", "case.", "notification.")
    directory_writes = sum(n for action, n in actions.items() if not action.startswith(exchange))
    assert by_operator and by_operator > 0.9 * directory_writes


def test_demo_exchange_has_history_and_live_items(loaded: tuple[sessionmaker[Session], DemoSummary]) -> None:
    from liaison.models import Exercise, Message
    from liaison.queries.exercises import report
    from tests.conftest import OPERATOR

    factory, _ = loaded
    with factory() as session:
        exercises = session.scalars(select(Exercise).order_by(Exercise.scheduled_at)).all()
        assert len(exercises) == 6
        latest = report(session, OPERATOR, exercises[-1])
        assert len(latest["trend"]) == 6
        shares = [t["reached_share"] for t in latest["trend"]]
        assert all(0 < s <= 1 for s in shares)
        assert {m["result"] for m in latest["members"]} <= {"reached", "late", "unreachable"}
        live = session.scalars(select(Message).where(Message.exercise_id.is_(None), Message.priority == "flash")).all()
        assert len(live) == 1 and all(a.escalation == "running" for a in live[0].addressees)


def test_a_second_load_is_refused(loaded: tuple[sessionmaker[Session], DemoSummary]) -> None:
    factory, _ = loaded
    with pytest.raises(Conflict):
        _load(factory)
    with pytest.raises(Conflict):
        _load(factory, bench_scale=(3, 2, 10))


def test_imperfect_members_show_readiness_warnings(session: Session) -> None:
    snap = snapshot.build(session)
    kinds: dict[tuple[str, str], set[str]] = {}
    for code in ("FTF", "VOT", "IACN"):
        for warning in readiness.readiness(snap, snap.networks[code], NOW):
            kinds.setdefault((code, warning.member), set()).add(warning.kind)
    assert "gap" in kinds[demo.GAP]
    assert "unverified_channel" in kinds[demo.UNVERIFIED]
    assert "stale_roster" in kinds[demo.UNCONFIRMED]
    assert any("stale_channel" in kinds.get(key, set()) for key in demo.STALE_CONTACTS)
    # The deputy on duty (Türkiye and Germany among others): its step would reach nobody new.
    deputy_on_duty = {key for key, found in kinds.items() if "deputy_on_duty" in found}
    assert {("FTF", "TR"), ("FTF", "DE"), ("VOT", "TR")} <= deputy_on_duty
    # Critical and warning: the gap, the member whose officers never verified a channel, and each network's
    # secretariat desk (never verified in the demo), the last resort of every chain; the rest are notices.
    troubled = {
        (code, w.member)
        for code in ("FTF", "VOT", "IACN")
        for w in readiness.readiness(snap, snap.networks[code], NOW)
        if w.severity in ("critical", "warning")
    }
    assert troubled == {demo.GAP, demo.UNVERIFIED, ("FTF", ""), ("VOT", ""), ("IACN", "")}


def test_overlapping_overrides_the_later_wins(session: Session) -> None:
    snap = snapshot.build(session)
    network = snap.networks["FTF"]
    paris = ZoneInfo("Europe/Paris")
    day = NOW.astimezone(paris).date()
    at_leave = datetime.combine(day + timedelta(days=7), time(12), tzinfo=paris)
    at_both = datetime.combine(day + timedelta(days=10), time(12), tzinfo=paris)
    leave = duty_answer(snap, network, snap.members["FR"], at_leave)
    both = duty_answer(snap, network, snap.members["FR"], at_both)
    assert leave.shift is not None and leave.shift.source == "override"
    assert both.shift is not None and both.shift.source == "override"
    assert leave.to_json()["shift"]["reason"].startswith("Annual leave")
    assert both.to_json()["shift"]["reason"].startswith("Illness")
    assert leave.contact != both.contact
    running = duty_answer(snap, network, snap.members["DE"], NOW)
    assert running.shift is not None and running.shift.source == "override"


def test_membership_requests_and_the_outsider(session: Session) -> None:
    statuses = {r.member_code: r.status for r in session.scalars(select(MembershipRequest))}
    assert sorted(statuses.values()) == ["approved", "declined", "pending"]
    snap = snapshot.build(session)
    outsider = session.scalar(select(User).where(User.username == "outsider"))
    assert outsider is not None and outsider.grants == []
    assert outsider.organisation.kind == "agency" and outsider.organisation.member_id is not None
    member = snap.members_by_id[outsider.organisation.member_id]
    assert all(member.code not in n.members for n in snap.networks.values())
    assert statuses[member.code] == "pending"
    approved = next(code for code, status in statuses.items() if status == "approved")
    assert approved in snap.networks["FTF"].members


def test_demo_users(session: Session, loaded: tuple[object, DemoSummary]) -> None:
    summary = loaded[1]
    expected = {"operator", "secretariat.ftf", "secretariat.vot", "secretariat.iacn", "fr.ftf", "jp.ftf", "us.vot",
                "analyst", "auditor", "outsider"}
    assert set(summary.users) == expected
    users = {u.username: u for u in session.scalars(select(User))}
    assert set(users) == expected
    roles = {name: {(g.role, g.network_id is not None) for g in u.grants} for name, u in users.items()}
    assert roles["operator"] == {("admin", False)}
    assert roles["secretariat.ftf"] == {("network_admin", True)}
    assert roles["fr.ftf"] == {("contact_point", True)}
    assert roles["analyst"] == {("analyst", False)} and roles["auditor"] == {("auditor", False)}
    assert users["operator"].organisation.kind == "operator"
    assert users["secretariat.vot"].organisation.kind == "secretariat"
    snap = snapshot.build(session)
    fr = snap.designations[(snap.networks["FTF"].id, snap.members["FR"].id)]
    assert users["fr.ftf"].organisation_id == fr.agency_id
    assert users["jp.ftf"].organisation.member.code == "JP"
    assert security.verify_password(users["fr.ftf"].password_hash, PASSWORD)
    assert not security.verify_password(users["fr.ftf"].password_hash, PASSWORD + "x")


def _picture(factory: sessionmaker[Session]) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    with factory() as s:
        codes = sorted(s.scalars(select(Member.code)))
        names = sorted((org, name) for org, name in s.execute(
            select(Organisation.name, ContactPoint.name).join(Organisation,
                                                              ContactPoint.organisation_id == Organisation.id)))
        values = sorted(s.scalars(select(Channel.value)))
    return codes, names, values


def test_same_now_gives_the_same_directory(loaded: tuple[sessionmaker[Session], DemoSummary],
                                           tmp_path: Path, databases: Databases) -> None:
    again = _fresh(databases, tmp_path / "again")
    _load(again)
    assert _picture(again) == _picture(loaded[0])


def test_bench_scale(tmp_path: Path, databases: Databases) -> None:
    factory = _fresh(databases, tmp_path / "bench")
    summary = _load(factory, bench_scale=(12, 3, 30))
    assert summary.networks == ["BENCH"] and summary.members == 12 and summary.bench
    assert set(summary.users) == {"operator", "bench"}
    with factory() as s:
        snap = snapshot.build(s)
        network = snap.networks["BENCH"]
        assert network.members == tuple(f"M{i:04d}" for i in range(1, 13))
        assert len({c.timezone for c in snap.contacts.values()}) >= 12
        for code in network.members:
            answer = duty_answer(snap, network, snap.members[code], NOW)
            assert answer.contact is not None and answer.designation is not None
            designation = answer.designation
            assert len(designation.rotations) == 2 and len(designation.overrides) == 2
            assert designation.deputy_id is not None
        # Every member is ready; only the secretariat's own desk (never verified in the demo) is warned about.
        warnings = [w for w in readiness.readiness(snap, network, NOW) if w.kind != "stale_roster"]
        assert [(w.member, w.kind) for w in warnings] == [("", "unverified_channel")]
        bench = s.scalar(select(User).where(User.username == "bench"))
        assert bench is not None and [g.role for g in bench.grants] == ["analyst"]
        assert bench.organisation_id == network.secretariat_id
