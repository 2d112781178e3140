"""The demo's registries: liaison officers posted between demo members (reachable through the directory's desks),
experts with their fields, languages and availability, training activities (some past, with their attendance),
and national-strategy self-assessments of six members whose gaps match some experts and courses.

Everything is demonstration data (``demo=True``, never verified) and every person is fictional: names are drawn
from the demo's hand-written name pools (:data:`liaison.demo_data.NAMES`) with a fixed seed. Dates are relative to
the day the demo is loaded, so "available now" and "upcoming" stay true for a while after.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions import registries as a
from liaison.demo_data import NAMES
from liaison.models import ContactPoint, Member, Organisation, utcnow
from liaison.principal import Principal

SEED = 1406
SOURCE = "Demonstration data (fictional)"
PROV = a.Provenance(source=SOURCE, demo=True)

# posted_by, posted_to, name pool, post, networks, languages
OFFICERS = (
    ("FR", "JO", "fr", "Embassy of France, Amman", ["FTF", "VOT"], ["fr", "ar", "en"]),
    ("FR", "MA", "fr", "Embassy of France, Rabat", ["FTF"], ["fr", "ar"]),
    ("US", "KE", "en", "Embassy of the United States, Nairobi", ["FTF", "VOT"], ["en", "sw"]),
    ("JP", "ID", "ja", "Embassy of Japan, Jakarta", ["FTF"], ["ja", "id", "en"]),
    ("DE", "TR", "de", "Embassy of Germany, Ankara", ["FTF"], ["de", "tr", "en"]),
    ("ES", "MA", "es", "Embassy of Spain, Rabat", ["FTF", "VOT"], ["es", "fr", "ar"]),
    ("MA", "FR", "ar", "Embassy of Morocco, Paris", ["FTF"], ["ar", "fr"]),
    ("US", "CO", "en", "Embassy of the United States, Bogotá", ["IACN"], ["en", "es"]),
)

# member, pool, organisation, fields, languages, available from (days from today; None: now), until (days)
EXPERTS = (
    (
        "FR",
        "fr",
        "Border Police Directorate",
        ["p2-border-security", "p2-information-sharing"],
        ["fr", "ar", "en"],
        None,
        400,
    ),
    ("US", "en", "Treasury, Office of Terrorist Financing", ["p2-terrorist-financing"], ["en", "es"], None, 300),
    ("JP", "ja", "National Police Agency", ["p2-ftf-returnees", "p3-practitioner-training"], ["ja", "en"], 30, 365),
    (
        "FR",
        "fr",
        "Inspectorate of Intelligence Services",
        ["p4-oversight", "p4-human-rights-safeguards"],
        ["fr", "en"],
        None,
        None,
    ),
    (
        "ES",
        "es",
        "Victims of Terrorism Office",
        ["p1-victims-support", "p4-victims-rights"],
        ["es", "fr", "en"],
        None,
        200,
    ),
    (
        "DE",
        "de",
        "Federal Criminal Police Office",
        ["p2-critical-infrastructure", "p2-weapons-cbrn"],
        ["de", "en"],
        200,
        500,
    ),
    (
        "KE",
        "ke",
        "National Counter Terrorism Centre",
        ["p1-prevent-violent-extremism", "p1-dialogue"],
        ["en", "sw"],
        None,
        250,
    ),
    ("MA", "ar", "Ministry of Justice", ["p4-legal-definition", "p3-central-authority"], ["ar", "fr"], None, 365),
    ("US", "en", "Department of Justice, Office of International Affairs", ["p3-central-authority"], ["en"], -400, -30),
    (
        "JO",
        "ar",
        "Public Security Directorate",
        ["p2-border-security", "p1-prevent-violent-extremism"],
        ["ar", "en"],
        20,
        300,
    ),
)

# title, organiser, start (days from today), length in days, place ("" online), topics, languages, attendees
TRAINING = (
    (
        "Advance Passenger Information and PNR in practice",
        "FR",
        45,
        3,
        "Amman",
        ["p2-border-security", "p2-information-sharing"],
        ["ar", "en", "fr"],
        (),
    ),
    (
        "Countering the financing of terrorism: investigators' course",
        "US",
        20,
        5,
        "",
        ["p2-terrorist-financing"],
        ["en"],
        (),
    ),
    ("Prosecuting and reintegrating returnees", "JP", 75, 4, "Jakarta", ["p2-ftf-returnees"], ["en", "id"], ()),
    (
        "Oversight of counter-terrorism powers",
        "FR",
        120,
        2,
        "Rabat",
        ["p4-oversight", "p4-human-rights-safeguards"],
        ["fr", "ar"],
        (),
    ),
    (
        "Assisting victims of terrorism across borders",
        "ES",
        -60,
        3,
        "Madrid",
        ["p1-victims-support", "p4-victims-rights"],
        ["es", "en", "fr"],
        (("MA", "ar"), ("JO", "ar"), ("KE", "ke")),
    ),
    (
        "Protecting soft targets",
        "DE",
        -120,
        2,
        "Berlin",
        ["p2-critical-infrastructure"],
        ["de", "en"],
        (("TR", "tr"), ("ID", "id")),
    ),
    (
        "Mutual legal assistance: drafting requests",
        "MA",
        -20,
        2,
        "",
        ["p3-central-authority", "p3-practitioner-training"],
        ["ar", "fr", "en"],
        (("JO", "ar"), ("FR", "fr"), ("KE", "ke")),
    ),
    (
        "Preventing violent extremism in communities",
        "KE",
        150,
        3,
        "Nairobi",
        ["p1-prevent-violent-extremism", "p1-dialogue"],
        ["en", "sw"],
        (),
    ),
)

# member -> {item: status}; items not named are met, except NOT_ASSESSED
ASSESSMENTS: dict[str, dict[str, str]] = {
    "JO": {"p2-border-security": "gap", "p4-oversight": "partial", "p1-victims-support": "partial"},
    "MA": {"p4-oversight": "gap", "p2-terrorist-financing": "partial", "p2-critical-infrastructure": "gap"},
    "KE": {"p2-terrorist-financing": "gap", "p3-central-authority": "gap", "p1-prevent-violent-extremism": "partial"},
    "ID": {"p2-ftf-returnees": "gap", "p2-border-security": "partial", "p4-legal-definition": "partial"},
    "FR": {"p1-dialogue": "partial", "p4-victims-rights": "partial"},
    "JP": {"p2-critical-infrastructure": "partial", "p3-technical-assistance": "gap"},
}
NOT_ASSESSED = {"JO": ("p3-un-cooperation",), "ID": ("p1-conflict-inclusion", "p3-un-cooperation")}
EVIDENCE = {
    "met": "Covered by the national strategy and its action plan (demonstration).",
    "partial": "Provided for in the strategy; implementation under way (demonstration).",
    "gap": "Not yet covered; assistance sought (demonstration).",
}


def _name(rng: random.Random, pool: str) -> str:
    female, male, family = (part.split(",") for part in NAMES[pool])
    is_female = rng.random() < 0.5
    given = rng.choice(female if is_female else male)
    surname = rng.choice(family)
    if "|" in surname:
        surname = surname.split("|")[1 if is_female else 0]
    return f"{given} {surname}"


def _email(name: str, member: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    local = ".".join("".join(c for c in w if c.isalnum()) for w in plain.split())
    return f"{local}@{member.lower()}.liaison.example"


def _phone(rng: random.Random, region: str) -> str:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE) or phonenumbers.example_number(
        region
    )
    if example is None:
        return ""
    base = str(example.national_number)
    for _attempt in range(40):
        number = phonenumbers.parse(f"+{example.country_code}{base[:-2]}{rng.randrange(100):02d}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, PhoneNumberFormat.E164)


def _desk(session: Session, member: str) -> Any:
    """The posting member's 24/7 desk in the directory: what makes its officer reachable through it."""
    return session.scalar(
        select(ContactPoint.id)
        .join(Organisation, Organisation.id == ContactPoint.organisation_id)
        .join(Member, Member.id == Organisation.member_id)
        .where(Member.code == member, ContactPoint.is_24_7.is_(True), ContactPoint.is_active.is_(True))
        .order_by(ContactPoint.name, ContactPoint.id)
        .limit(1)
    )


def load(session: Session, *, operator: Principal, today: date | None = None) -> dict[str, Any]:
    """Load the demo registries; returns counts. Members missing from the directory are skipped."""
    today = today or utcnow().date()
    rng = random.Random(SEED)  # noqa: S311 - fictional names, not secrets
    known = set(session.scalars(select(Member.code)))
    counts = {"officers": 0, "experts": 0, "training": 0, "attendance": 0, "assessments": 0}
    for posted_by, posted_to, pool, post, networks, languages in OFFICERS:
        if not {posted_by, posted_to} <= known:
            continue
        name = _name(rng, pool)
        data = a.OfficerIn(
            name,
            posted_by,
            posted_to,
            post,
            networks,
            languages,
            _desk(session, posted_by),
            _email(name, posted_by),
            _phone(rng, posted_to),
            today - timedelta(days=rng.randint(90, 900)),
            today + timedelta(days=rng.randint(200, 1000)),
        )
        a.create_officer(session, actor=operator, data=data, prov=PROV)
        counts["officers"] += 1
    for member, pool, org, fields, languages, start, end in EXPERTS:
        if member not in known:
            continue
        name = _name(rng, pool)
        expert = a.ExpertIn(
            name,
            member,
            org,
            fields,
            languages,
            today + timedelta(days=start) if start is not None else None,
            today + timedelta(days=end) if end is not None else None,
            "Up to three weeks a year, on request through the secretariat.",
            _email(name, member),
        )
        a.create_expert(session, actor=operator, data=expert, prov=PROV)
        counts["experts"] += 1
    for title, organiser, start, days, place, topics, languages, attendees in TRAINING:
        if organiser not in known:
            continue
        first = today + timedelta(days=start)
        course = a.create_training(
            session,
            actor=operator,
            data=a.TrainingIn(
                title,
                organiser,
                first,
                first + timedelta(days=days - 1),
                place,
                not place,
                topics,
                languages,
                24,
                "A demonstration course: " + title.lower() + ".",
            ),
            prov=PROV,
        )
        counts["training"] += 1
        for member, pool in attendees:
            if member not in known:
                continue
            for _n in range(2):
                a.attend(
                    session,
                    actor=operator,
                    activity=course.id,
                    member=member,
                    participant=_name(rng, pool),
                    agency="Counter-terrorism unit",
                )
                counts["attendance"] += 1
            a.attend(session, actor=operator, activity=course.id, member=member, count=3)
    from liaison.legal.strategy import ITEMS

    for member, statuses in ASSESSMENTS.items():
        if member not in known:
            continue
        skipped = NOT_ASSESSED.get(member, ())
        for item in ITEMS:
            if item.code in skipped:
                continue
            status = statuses.get(item.code, "met")
            a.assess(
                session,
                actor=operator,
                member=member,
                item=item.code,
                status=status,
                evidence=EVIDENCE[status],
                assessed_on=today - timedelta(days=rng.randint(10, 200)),
                prov=PROV,
            )
            counts["assessments"] += 1
    return counts
