"""A small, fully known directory built through the actions, with named personas.

FTF network: France (weekly rotation of two officers in Europe/Paris, handoff Monday 08:00, a deputy and a
24/7 desk) and Japan (daily rotation in Asia/Tokyo, handoff 09:00, covering weekdays only, so weekends are
gaps with the fallback). Germany is a member of VOT only. Personas: a node admin, the FTF secretariat,
a French and a Japanese contact point, an auditor, analysts of the German and French agencies, a Japanese
screening officer, and an outsider.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy.orm import Session, sessionmaker

from liaison.actions import accounts, directory, rosters
from liaison.db import transaction
from liaison.principal import Principal

PASSWORD = "a-long-test-password-1"
ADMIN = Principal(None, "operator (test)", None, None, frozenset({("admin", None)}), via="cli", ip="test")


@dataclass
class World:
    ids: dict[str, uuid.UUID] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)


def build_world(sessions: sessionmaker[Session]) -> World:
    w = World()
    with transaction(sessions) as s:
        ops = accounts.create_organisation(s, actor=ADMIN, name="Node operator", kind="operator")
        sec = accounts.create_organisation(s, actor=ADMIN, name="FTF Secretariat", kind="secretariat")
        ftf = directory.create_network(
            s, actor=ADMIN, code="FTF", name="Foreign Terrorist Fighters", secretariat_id=sec.id
        )
        vot = directory.create_network(s, actor=ADMIN, code="VOT", name="Victims of Terrorism")
        fr = directory.ensure_member(s, actor=ADMIN, code="FR")
        jp = directory.ensure_member(s, actor=ADMIN, code="JPN")
        de = directory.ensure_member(s, actor=ADMIN, code="DE")
        ch = directory.ensure_member(s, actor=ADMIN, code="CH")
        for net, m in ((ftf, fr), (ftf, jp), (vot, de), (vot, fr)):
            directory.admit_member(s, actor=ADMIN, network=net, member=m)
        dgsi = directory.create_agency(s, actor=ADMIN, member=fr, name="Unité de coordination", agency_kind="police")
        npa = directory.create_agency(s, actor=ADMIN, member=jp, name="National Police Agency", agency_kind="police")
        bka = directory.create_agency(s, actor=ADMIN, member=de, name="Bundesamt", agency_kind="police")
        swiss = directory.create_agency(s, actor=ADMIN, member=ch, name="Swiss office", agency_kind="police")
        d_fr = directory.designate(s, actor=ADMIN, network=ftf, member=fr, agency=dgsi, source="Note 1/2026")
        d_jp = directory.designate(s, actor=ADMIN, network=ftf, member=jp, agency=npa, source="Note 2/2026")
        directory.designate(s, actor=ADMIN, network=vot, member=de, agency=bka, source="Note 3/2026")
        sec_desk = directory.create_contact_point(
            s,
            actor=ADMIN,
            agency=sec,
            name="FTF Secretariat desk",
            timezone="Europe/Paris",
            is_24_7=True,
            languages=["en", "fr"],
            channels=[{"kind": "phone", "value": "+33 3 88 41 20 00"}],
        )
        claire = directory.create_contact_point(
            s,
            actor=ADMIN,
            agency=dgsi,
            name="Claire Fictive",
            kind="person",
            timezone="Europe/Paris",
            languages=["fr", "en"],
            channels=[
                {"kind": "mobile", "value": "06 12 34 56 78"},
                {"kind": "email", "value": "claire@ucl.example.fr"},
            ],
        )
        marc = directory.create_contact_point(
            s,
            actor=ADMIN,
            agency=dgsi,
            name="Marc Exemple",
            kind="person",
            timezone="Europe/Paris",
            languages=["fr"],
            channels=[{"kind": "mobile", "value": "+33 6 98 76 54 32"}],
        )
        fr_desk = directory.create_contact_point(
            s,
            actor=ADMIN,
            agency=dgsi,
            name="Permanence 24/7",
            timezone="Europe/Paris",
            is_24_7=True,
            languages=["fr", "en"],
            channels=[{"kind": "phone", "value": "+33 1 40 00 00 00"}],
        )
        hana = directory.create_contact_point(
            s,
            actor=ADMIN,
            agency=npa,
            name="Hana Kasou",
            kind="person",
            timezone="Asia/Tokyo",
            languages=["ja", "en"],
            channels=[{"kind": "phone", "value": "+81 3-3581-0141"}],
        )
        rosters.add_rotation(
            s,
            actor=ADMIN,
            designation=d_fr,
            participants=[claire.id, marc.id],
            timezone="Europe/Paris",
            start=date(2026, 1, 5),
            handoff=time(8, 0),
            period="weekly",
        )
        rosters.set_deputy(s, actor=ADMIN, designation=d_fr, contact_point_id=fr_desk.id)
        rosters.add_rotation(
            s,
            actor=ADMIN,
            designation=d_jp,
            participants=[hana.id],
            timezone="Asia/Tokyo",
            start=date(2026, 1, 5),
            handoff=time(9, 0),
            period="daily",
            window=(time(9, 0), time(18, 0)),
            weekdays=[0, 1, 2, 3, 4],
        )
        users = {
            "admin": (ops, [("admin", None)]),
            "secretariat": (sec, [("network_admin", ftf)]),
            "fr.cp": (dgsi, [("contact_point", None)]),
            "jp.cp": (npa, [("contact_point", None)]),
            "auditor": (ops, [("auditor", None)]),
            "de.analyst": (bka, [("analyst", None)]),
            "fr.analyst": (dgsi, [("analyst", None)]),
            "jp.screener": (npa, [("screening_officer", None)]),
            "outsider": (swiss, []),
        }
        for name, (org, roles) in users.items():
            accounts.create_user(
                s,
                actor=ADMIN,
                username=name,
                display_name=name.title(),
                organisation=org,
                password=PASSWORD,
                roles=roles,
            )
        w.users = list(users)
        w.ids.update(
            ftf=ftf.id,
            vot=vot.id,
            claire=claire.id,
            marc=marc.id,
            fr_desk=fr_desk.id,
            hana=hana.id,
            sec_desk=sec_desk.id,
            dgsi=dgsi.id,
            npa=npa.id,
            d_fr=d_fr.id,
            d_jp=d_jp.id,
        )
    return w
