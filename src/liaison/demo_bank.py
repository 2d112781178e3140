"""Demo content of the security information bank: fictional groups, persons, a training area and an incident,
contributed by analysts of three member agencies (France, Germany, Jordan) with different markings and grades,
plus the real UN Security Council list (the 2017 copy shipped in liaison/data).

Every person and group here is invented (the notes say so); only the UN list is real. The records show what the
bank is for: a code name the contributor keeps to itself (TLP:AMBER+STRICT), a passport number for the named
members only (TLP:RED, REL TO), two birth years from two sources side by side, names in Arabic and Cyrillic
script, and the relations member of, leader of, finances, trains at, faction of, successor of, involved in.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.bank import StatementInput, add_statement, create_entity
from liaison.actions.bank_import import import_un_list
from liaison.data import UN_LIST_2017
from liaison.marking import Marking
from liaison.models import BankEntity, Member, Organisation
from liaison.principal import Principal

UN_FILE = UN_LIST_2017
FICTION = "Fictional demo record: any resemblance to a real person or group is coincidental."
AMBER, GREEN, STRICT = Marking("AMBER"), Marking("GREEN"), Marking("AMBER+STRICT")


def _analyst(session: Session, code: str) -> Principal | None:
    """An analyst of the member's first agency (the demo's contributors act through these)."""
    found = session.execute(
        select(Organisation.id, Organisation.short_name, Organisation.name, Member.id)
        .join(Member, Organisation.member_id == Member.id)
        .where(Member.code == code)
        .order_by(Organisation.name)
        .limit(1)
    ).first()
    if found is None:
        return None
    org_id, short, name, member_id = found
    return Principal(
        None, f"analyst ({short or name})", org_id, member_id, frozenset({("analyst", None)}), via="cli", ip="demo"
    )


def _s(prop: str, value: str, src: str, grade: str, marking: Marking = AMBER, **kw: object) -> StatementInput:
    return StatementInput(
        prop,
        value,
        source=src,
        reliability=grade[0],
        credibility=grade[1],
        marking=marking,
        **kw,  # type: ignore[arg-type]
    )


def _name(value: str, kind: str, src: str, grade: str, marking: Marking = AMBER) -> StatementInput:
    return _s("name", value, src, grade, marking, name_kind=kind)


def load_bank_demo(session: Session, *, operator: Principal, un_list: Path | None = UN_FILE) -> dict[str, int]:
    """Create the demo's bank records (and import the UN list when ``un_list`` exists); returns counts."""
    fr, de, jo = (_analyst(session, code) for code in ("FR", "DE", "JO"))
    if fr is None or de is None or jo is None:
        return {"entities": 0}
    dgsi, bka, gid = "DGSI note 2024/118", "BKA Lagebild ST 17/2025", "GID report 4471"

    def entity(actor: Principal, schema: str, statements: list[StatementInput], **kw: object) -> uuid.UUID:
        src = statements[0].source
        notes = _s("notes", FICTION, src, "F6", GREEN)
        return create_entity(session, actor=actor, schema=schema, statements=[*statements, notes], **kw).id  # type: ignore[arg-type]

    camp = entity(
        jo,
        "Address",
        [
            _name("Wadi Sirhan training area (fictional)", "primary", gid, "B2"),
            _s("full", "Abandoned quarry 14 km east of a fictional village, Wadi Sirhan", gid, "B2"),
            _s("country", "JO", gid, "B2"),
            _s("latitude", "31.2", gid, "C3"),
            _s("longitude", "37.4", gid, "C3"),
        ],
    )
    dawn = entity(
        jo,
        "Organization",
        [
            _name("Dawn Movement of the North", "primary", gid, "B2", GREEN),
            _name("حركة فجر الشمال", "primary", gid, "B2", GREEN),
            _s("ideology", "Salafi-jihadist (dissolved 2019)", gid, "B2", GREEN),
        ],
    )
    brigades = entity(
        fr,
        "Organization",
        [
            _name("Northern Crescent Brigades", "primary", dgsi, "B2"),
            _name("ألوية الهلال الشمالي", "primary", gid, "B2"),
            _name("NCB", "alias", dgsi, "A1"),
            _name("Dawn Movement", "former_name", gid, "C3"),
            _s("ideology", "Salafi-jihadist; calls for attacks on transport infrastructure", dgsi, "B2"),
            _s("structure", "Cells of five to seven, a military council, a media office", dgsi, "C3"),
            _s("recruitment", "Encrypted messaging channels and prison contacts", dgsi, "B2"),
            _s("funding", "Extortion of haulage companies; cash couriers", bka, "C3"),
            _s("weapons", "AK-pattern rifles; TATP-based improvised explosive devices", dgsi, "B2"),
            _s("trains_at", "", dgsi, "B2", object_id=camp),
            _s("successor_of", "", gid, "B2", object_id=dawn),
        ],
    )
    entity(
        de,
        "Organization",
        [
            _name("Crescent Youth Wing", "primary", bka, "B3", GREEN),
            _s("faction_of", "", bka, "B3", GREEN, object_id=brigades),
            _s("recruitment", "Online gaming communities", bka, "C3", GREEN),
        ],
    )
    basis = "Art. 18(2)(a) Europol Regulation; national counter-terrorism file"
    karim = entity(
        fr,
        "Person",
        [
            _name("Karim Haddar", "primary", dgsi, "B2"),
            _name("كريم حدار", "primary", dgsi, "B2"),
            _name("Le Comptable", "code_name", dgsi, "A2", STRICT),
            _s("birthDate", "1984", dgsi, "B2"),
            _s("nationality", "FR", dgsi, "A1"),
            _s("finances", "Collects the extortion money", dgsi, "B2", object_id=brigades),
            _s("member_of", "", dgsi, "B2", object_id=brigades),
        ],
        data_subject_category="suspect",
        legal_basis=basis,
    )
    add_statement(session, actor=de, entity_id=karim, statement=_s("birthDate", "1986", bka, "C3"))
    entity(
        jo,
        "Person",
        [
            _name("Yusuf al-Tikrani", "primary", gid, "A2"),
            _name("يوسف التكراني", "primary", gid, "A2"),
            _name("Abu Hamza al-Shimali", "weak_alias", gid, "C3"),
            _s("birthDate", "1975/1978", gid, "C3"),
            _s("nationality", "JO", gid, "B2"),
            _s("leader_of", "Emir since 2021", gid, "B2", object_id=brigades),
        ],
        data_subject_category="foreign_terrorist_fighter",
        legal_basis="Jordanian Anti-Terrorism Law No. 55 (2006), Art. 3",
    )
    entity(
        de,
        "Person",
        [
            _name("Dmitri Volkanov", "primary", bka, "B2"),
            _name("Дмитрий Волканов", "primary", bka, "B2"),
            _s("birthDate", "1990-04-11", bka, "B2"),
            _s("passportNumber", "X4471920 (fictional)", bka, "A1", Marking("RED", releasable_to=("FR",))),
            _s("member_of", "Weapons procurement", bka, "B2", object_id=brigades),
            _s("associate_of", "", bka, "C3", object_id=karim),
        ],
        data_subject_category="associate",
        legal_basis="§ 129a StGB investigation; BKAG § 16",
    )
    entity(
        fr,
        "Event",
        [
            _name("Attack on the port road checkpoint (fictional)", "primary", dgsi, "A1", GREEN),
            _s("date", "2024-05-12", dgsi, "A1", GREEN),
            _s("summary", "An improvised explosive device wounded three officers", dgsi, "A1", GREEN),
            _s("country", "FR", dgsi, "A1", GREEN),
        ],
    )
    session.flush()
    incident = session.scalar(
        select(BankEntity.id).where(
            BankEntity.schema == "Event", BankEntity.contributor_organisation_id == fr.organisation_id
        )
    )
    assert incident is not None
    add_statement(
        session, actor=fr, entity_id=brigades, statement=_s("involved_in", "Claimed it", dgsi, "B2", object_id=incident)
    )
    counts = {"entities": 8, "persons": 3, "groups": 3, "un_list": 0}
    if un_list is not None and un_list.exists():
        imp = import_un_list(session, actor=operator, data=un_list.read_bytes(), filename=un_list.name)
        counts["un_list"] = imp.added
    return counts
