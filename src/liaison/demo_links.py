"""Demo network of the analysis centre: a fictional group structure around the bank demo's groups, built so the
link analysis has something known to find.

The Northern Crescent Brigades (from :mod:`liaison.demo_bank`, led by Yusuf al-Tikrani) get three cells of eight
("Harbour", contributed by France; "Mountain", by Germany; "Valley", by Jordan). Inside a cell each member is tied
to the two before it, round the ring: each cell is dense, and the cells touch only through the leader (tied to
each cell's head and deputy, and to the leaders of the two allied groups) and two brokers. Idris Abdullahi ties
the Harbour and Mountain cells, the Crescent Youth Wing's four members and the Sahel Shield Front together;
Kamal Darwish the Valley, Mountain and Harbour cells, the bank demo's Karim Haddar and Dmitri Volkanov, and the
Eastern Levant Network. So in the Brigades' network the leader and the two brokers have the highest
betweenness, and community detection finds the three cells.

Members join from 2019 (Harbour) to 2026 (the youth wing), so the network grows over time. Some statements are
restricted: two Valley members and a third of the Valley cell's ties are TLP:AMBER+STRICT (Jordan only), the
ties into the Eastern Levant Network are TLP:RED releasable to Germany or AMBER+STRICT, some Harbour ties are
releasable to France and Germany only. A French analyst therefore sees a smaller Valley cell and no path from
the Brigades to the Eastern Levant Network. Every record is invented; its notes say so.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.bank import StatementInput, add_statement, create_entity
from liaison.demo_bank import FICTION, _analyst
from liaison.marking import Marking
from liaison.models import BankEntity, Statement
from liaison.principal import Principal

SOURCES = {"FR": "DGSI network note 2025/207", "DE": "BKA Strukturbericht 9/2025", "JO": "GID network report 5120"}
BASIS = {
    "FR": "Art. 18(2)(a) Europol Regulation; national counter-terrorism file",
    "DE": "§ 129a StGB investigation; BKAG § 16",
    "JO": "Jordanian Anti-Terrorism Law No. 55 (2006), Art. 3",
}
GRADES = ("B2", "C3", "A2", "B3", "C2", "D4", "B1", "C4", "E5", "B2", "A1", "F6")

# Markings by short code: A AMBER, G GREEN, S AMBER+STRICT, R>DE RED releasable to DE, A>FR,DE AMBER REL TO.
MARKINGS = {
    "A": Marking("AMBER"),
    "G": Marking("GREEN"),
    "S": Marking("AMBER+STRICT"),
    "R>DE": Marking("RED", releasable_to=("DE",)),
    "R>FR": Marking("RED", releasable_to=("FR",)),
    "A>FR,DE": Marking("AMBER", releasable_to=("DE", "FR")),
}

# Places: key -> (contributor, name, country, latitude, longitude)
PLACES = {
    "harbour": ("FR", "Old harbour warehouse training site (fictional)", "FR", "43.3", "5.4"),
    "mountain": ("DE", "Forest hut training area (fictional)", "DE", "47.6", "11.1"),
    "sahel": ("FR", "Tessalit dunes training area (fictional)", "ML", "20.2", "1.0"),
}
# New groups: key -> (contributor, names, country)
GROUPS = {
    "sahel": ("FR", ("Sahel Shield Front", "جبهة درع الساحل"), "ML"),
    "levant": ("DE", ("Eastern Levant Network", "شبكة المشرق الشرقي"), "SY"),
}
# Cells and groups: (key, contributor, place key or None, joined (first, last year), members; the first is the
# head). A member is (name in Latin script, name in another script or "", marking code of the whole record).
CELLS: tuple[tuple[str, str, str | None, str, tuple[int, int], tuple[tuple[str, str, str], ...]], ...] = (
    (
        "harbour", "FR", "harbour", "brigades", (2019, 2020),
        (
            ("Samir Benali", "سمير بن علي", "A"), ("Nadia Oukil", "", "A"), ("Lucas Moreau", "", "A"),
            ("Anis Belkacem", "أنيس بلقاسم", "A"), ("Yanis Haddad", "", "G"), ("Sofiane Mebarki", "", "A"),
            ("Ilyes Boudiaf", "", "A"), ("Thomas Girard", "", "G"),
        ),
    ),
    (
        "mountain", "DE", "mountain", "brigades", (2021, 2022),
        (
            ("Arslan Dudayev", "Арслан Дудаев", "A"), ("Murat Yıldız", "", "A"), ("Jonas Becker", "", "G"),
            ("Leonie Hartmann", "", "A"), ("Timur Bekmurzaev", "Тимур Бекмурзаев", "A"), ("Kerem Aksoy", "", "A"),
            ("Elias Wagner", "", "G"), ("Zelimkhan Aliev", "Зелимхан Алиев", "A"),
        ),
    ),
    (
        "valley", "JO", "wadi", "brigades", (2023, 2025),
        (
            ("Omar al-Masri", "عمر المصري", "A"), ("Bilal Qasem", "بلال قاسم", "A"),
            ("Hamza Obeidat", "حمزة عبيدات", "A"),
            ("Layla Haddadin", "ليلى حدادين", "A"), ("Tariq Zoubi", "طارق الزعبي", "A"), ("Faris al-Najjar", "", "A"),
            ("Rami Khalaileh", "رامي خلايلة", "S"), ("Ziad Shboul", "زياد شبول", "S"),
        ),
    ),
    (
        "sahel", "FR", "sahel", "sahel", (2020, 2023),
        (
            ("Moussa Ag Acherif", "", "A"), ("Aminata Traoré", "", "A"), ("Ibrahim Maïga", "", "G"),
            ("Oumar Diallo", "", "A"), ("Hamadou Cissé", "", "A"), ("Fatouma Walet Ahmed", "", "A"),
            ("Abdoulaye Sangaré", "", "G"), ("Souleymane Keïta", "", "A"),
        ),
    ),
    (
        "levant", "DE", None, "levant", (2022, 2024),
        (
            ("Hassan Kurdi", "حسن كردي", "A"), ("Rustam Nazarov", "Рустам Назаров", "A"), ("Aylin Demir", "", "A"),
            ("Walid Saab", "وليد صعب", "G"), ("Mehmet Kaya", "", "A"), ("Nour Haidar", "نور حيدر", "A"),
            ("Serhat Bulut", "", "A"), ("Karwan Ahmed", "کاروان ئەحمەد", "A"),
        ),
    ),
    (
        "youth", "DE", None, "youth", (2025, 2026),
        (
            ("Deniz Arslan", "", "G"), ("Malik Osei", "", "G"), ("Sami Rahimi", "سامی رحیمی", "G"),
            ("Ahmet Çelik", "", "G"),
        ),
    ),
)  # fmt: skip
# The cells' and groups' ties to the outside: (a, b, relation, contributor, date, marking code). Person keys are
# "cell:index"; groups "group:key"; the leader "leader".
BRIDGES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("leader", "harbour:0", "associate_of", "FR", "2019-06-01", "A"),
    ("leader", "harbour:4", "associate_of", "FR", "2020-02-01", "A"),
    ("leader", "mountain:0", "associate_of", "DE", "2021-03-15", "G"),
    ("leader", "mountain:4", "associate_of", "DE", "2021-11-15", "A"),
    ("leader", "valley:0", "associate_of", "JO", "2023-02-10", "A"),
    ("leader", "valley:4", "associate_of", "JO", "2024-06-10", "A"),
    ("leader", "sahel:0", "associate_of", "JO", "2022-05-20", "A"),
    ("leader", "levant:0", "associate_of", "JO", "2023-07-07", "S"),
    ("broker1", "group:brigades", "member_of", "FR", "2024-03-01", "A"),
    ("broker1", "group:sahel", "member_of", "FR", "2022-01-20", "A"),
    ("broker1", "harbour:2", "associate_of", "FR", "2024-04-02", "A"),
    ("broker1", "harbour:5", "associate_of", "FR", "2024-05-11", "A>FR,DE"),
    ("broker1", "mountain:6", "associate_of", "DE", "2024-07-19", "A"),
    ("broker1", "sahel:1", "associate_of", "FR", "2022-02-01", "A"),
    ("broker1", "sahel:4", "family_of", "FR", "2022-02-01", "G"),
    ("youth:0", "broker1", "associate_of", "DE", "2025-06-01", "G"),
    ("youth:1", "broker1", "associate_of", "DE", "2025-09-01", "G"),
    ("broker2", "group:brigades", "member_of", "JO", "2024-08-01", "A"),
    ("broker2", "valley:3", "associate_of", "JO", "2024-08-01", "A"),
    ("broker2", "valley:5", "associate_of", "JO", "2024-09-12", "A"),
    ("broker2", "mountain:1", "associate_of", "DE", "2025-02-02", "A"),
    ("broker2", "harbour:6", "associate_of", "FR", "2025-05-05", "A"),
    ("broker2", "karim", "associate_of", "FR", "2025-02-20", "A"),
    ("broker2", "dmitri", "associate_of", "DE", "2025-03-01", "R>FR"),
    ("broker2", "levant:0", "associate_of", "JO", "2025-01-05", "R>DE"),
    ("broker2", "levant:2", "associate_of", "JO", "2025-03-18", "R>DE"),
    ("broker2", "levant:6", "associate_of", "DE", "2025-04-30", "S"),
)
BROKERS = {
    "broker1": ("FR", ("Idris Abdullahi", ""), "suspect"),
    "broker2": ("JO", ("Kamal Darwish", "كمال درويش"), "suspect"),
}
CELL_KEYS = ("harbour", "mountain", "valley")


def _grade(i: int) -> tuple[str, str]:
    g = GRADES[i % len(GRADES)]
    return g[0], g[1]


def _st(prop: str, value: str, code: str, i: int, mark: str = "A", **kw: Any) -> StatementInput:
    r, c = _grade(i)
    return StatementInput(prop, value, source=SOURCES[code], reliability=r, credibility=c, marking=MARKINGS[mark], **kw)


def _entity_named(session: Session, name: str) -> uuid.UUID | None:
    return session.scalar(
        select(Statement.entity_id)
        .join(BankEntity, BankEntity.id == Statement.entity_id)
        .where(Statement.prop == "name", Statement.value == name, BankEntity.merged_into_id.is_(None))
        .order_by(Statement.created_at)
        .limit(1)
    )


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    """Create the demo network (needs the bank demo's groups); returns counts and the known structure."""
    actors = {code: _analyst(session, code) for code in ("FR", "DE", "JO")}
    brigades = _entity_named(session, "Northern Crescent Brigades")
    if brigades is None or any(a is None for a in actors.values()):
        return {}
    ids: dict[str, uuid.UUID] = {"group:brigades": brigades}
    for key, name in (
        ("group:youth", "Crescent Youth Wing"),
        ("leader", "Yusuf al-Tikrani"),
        ("karim", "Karim Haddar"),
        ("dmitri", "Dmitri Volkanov"),
        ("place:wadi", "Wadi Sirhan training area (fictional)"),
    ):
        found = _entity_named(session, name)
        if found is not None:
            ids[key] = found
    counter = iter(range(10_000))

    def create(code: str, schema: str, statements: list[StatementInput], **kw: Any) -> uuid.UUID:
        actor = actors[code]
        assert actor is not None
        notes = StatementInput("notes", FICTION, source=SOURCES[code], marking=MARKINGS["G"])
        return create_entity(session, actor=actor, schema=schema, statements=[*statements, notes], **kw).id

    def names(code: str, pair: tuple[str, ...], mark: str, i: int) -> list[StatementInput]:
        return [_st("name", n, code, i, mark, name_kind="primary") for n in pair if n]

    for key, (code, name, country, lat, lon) in PLACES.items():
        i = next(counter)
        ids[f"place:{key}"] = create(
            code,
            "Address",
            [*names(code, (name,), "A", i), _st("country", country, code, i), _st("latitude", lat, code, i),
             _st("longitude", lon, code, i)],
        )  # fmt: skip
    for key, (code, pair, country) in GROUPS.items():
        i = next(counter)
        ids[f"group:{key}"] = create(
            code, "Organization", [*names(code, pair, "G", i), _st("country", country, code, i, "G")]
        )
    if "group:youth" not in ids:  # the bank demo always has it; a partial bank gets its members elsewhere
        ids["group:youth"] = brigades
    for key, (code, pair, category) in BROKERS.items():
        i = next(counter)
        ids[key] = create(
            code, "Person", names(code, pair, "A", i), data_subject_category=category, legal_basis=BASIS[code]
        )

    persons = 0
    for cell, code, place, group, (first, last), members in CELLS:
        for n, (latin, other, mark) in enumerate(members):
            i = next(counter)
            joined = date(first + (n * (last - first + 1)) // len(members), 1 + (n * 5) % 12, 1 + (n * 7) % 28)
            role = "leader_of" if n == 0 and cell in GROUPS else "member_of"
            statements = [
                *names(code, (latin, other), mark, i),
                _st(
                    role, "", code, i, "S" if mark == "S" else "A", object_id=ids[f"group:{group}"], observed_on=joined
                ),
            ]
            if place is not None and f"place:{place}" in ids:
                statements.append(
                    _st("trains_at", "", code, i + 1, mark if mark == "S" else "A",
                        object_id=ids[f"place:{place}"], observed_on=joined)
                )  # fmt: skip
            # Ties to the previous two members, and the last to the first two: a ring with chords, a dense cell.
            final = len(members) - 1
            for back in sorted({n - 1, n - 2} | ({0, 1} if n == final else set())):
                if 0 <= back < n:
                    tie_mark = "S" if (mark == "S" or (cell == "valley" and (n + back) % 3 == 0)) else "A"
                    if cell == "harbour" and (n + back) % 4 == 1:
                        tie_mark = "A>FR,DE"
                    statements.append(
                        _st("associate_of", "", code, i + back, tie_mark if mark != "G" else "G",
                            object_id=ids[f"{cell}:{back}"], observed_on=joined)
                    )  # fmt: skip
            ids[f"{cell}:{n}"] = create(
                code,
                "Person",
                statements,
                data_subject_category="suspect" if n == 0 else "associate",
                legal_basis=BASIS[code],
            )
            persons += 1
    ties = 0
    for a, b, relation, code, day, mark in BRIDGES:
        if a not in ids or b not in ids:
            continue
        actor = actors[code]
        assert actor is not None
        add_statement(
            session,
            actor=actor,
            entity_id=ids[a],
            statement=_st(
                relation, "", code, next(counter), mark, object_id=ids[b], observed_on=date.fromisoformat(day)
            ),
        )
        ties += 1
    return {
        "persons": persons + len(BROKERS),
        "groups": len(GROUPS),
        "places": len(PLACES),
        "bridges": ties,
    }
