"""A few registry records over the small known world of tests/world.py (FR and JP in FTF, FR and DE in VOT,
CH in no network), entered as the node admin."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from liaison.actions import registries as a
from liaison.db import transaction
from liaison.models import utcnow
from tests.world import ADMIN

PROV = a.Provenance(source="Note verbale 12/2026", retrieved_on=date(2026, 11, 2))


@dataclass
class Registries:
    fr_to_jp: uuid.UUID
    de_to_fr: uuid.UUID
    jp_expert: uuid.UUID
    de_expert: uuid.UUID
    course: uuid.UUID
    past_course: uuid.UUID


def build(sessions: sessionmaker[Session], fr_desk: uuid.UUID) -> Registries:
    today = utcnow().date()
    with transaction(sessions) as s:
        fr_to_jp = a.create_officer(
            s,
            actor=ADMIN,
            data=a.OfficerIn(
                "Odile Posted",
                "FR",
                "JP",
                "Embassy of France, Tokyo",
                ["FTF"],
                ["fr", "ja"],
                fr_desk,
                "odile@fr.example",
                "+81 3-3581-0142",
                today - timedelta(days=100),
                today + timedelta(days=500),
            ),
            prov=PROV,
        ).id
        de_to_fr = a.create_officer(
            s,
            actor=ADMIN,
            data=a.OfficerIn("Dieter Posted", "DE", "FR", "Embassy of Germany, Paris", ["VOT"], ["de", "fr"]),
            prov=PROV,
        ).id
        jp_expert = a.create_expert(
            s,
            actor=ADMIN,
            data=a.ExpertIn("Kenji Expert", "JP", "NPA", ["p2-border-security"], ["ja", "en"]),
            prov=PROV,
        ).id
        de_expert = a.create_expert(
            s,
            actor=ADMIN,
            data=a.ExpertIn("Greta Expert", "DE", "BKA", ["p4-oversight"], ["de", "en", "fr"]),
            prov=PROV,
        ).id
        course = a.create_training(
            s,
            actor=ADMIN,
            data=a.TrainingIn(
                "Border security course",
                "FR",
                today + timedelta(days=20),
                today + timedelta(days=22),
                "Lyon",
                topics=["p2-border-security"],
                languages=["en", "fr"],
            ),
            prov=PROV,
        ).id
        past_course = a.create_training(
            s,
            actor=ADMIN,
            data=a.TrainingIn(
                "Old border course",
                "FR",
                today - timedelta(days=40),
                today - timedelta(days=38),
                topics=["p2-border-security"],
                languages=["en"],
            ),
            prov=PROV,
        ).id
        a.attend(s, actor=ADMIN, activity=course, member="JP", participant="Taro Attendee", agency="NPA")
        a.attend(s, actor=ADMIN, activity=course, member="DE", count=4)
        a.assess(s, actor=ADMIN, member="FR", item="p2-border-security", status="gap", evidence="No PNR yet")
        a.assess(s, actor=ADMIN, member="FR", item="p4-oversight", status="met", evidence="Commission")
    return Registries(fr_to_jp, de_to_fr, jp_expert, de_expert, course, past_course)
