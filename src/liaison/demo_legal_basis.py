"""The demo's legal basis part: the seed instruments, the 60 demo states as jurisdictions with their
organisations, who is party to what, a few reservations, every state's cooperation profile and two demonstration
bilateral treaties (one a France-Japan mutual legal assistance arrangement: the demo's request goes from France
to Japan).

Memberships of the organisations are as we know them (UN for all; the Council of Europe, the EU, the League of
Arab States, the OIC, the OAS and the African Union), but nobody checked them against the organisations' lists in
this session, so they are marked demonstration data too. Participations, reservations, profiles and the two
bilateral treaties are illustrative: plausible, made up where we did not know, all ``demo=True``,
``verified=False``, source "Demonstration data". Every page and answer that rests on them says so.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pycountry
from sqlalchemy.orm import Session

from liaison.actions.legal_facts import (
    Provenance,
    ReservationIn,
    set_instrument,
    set_jurisdiction,
    set_participation,
    set_profile,
)
from liaison.demo_data import STATES
from liaison.legal.seed import INSTRUMENTS, RETRIEVED_ON, seed_instruments
from liaison.principal import Principal

DEMO = Provenance("Demonstration data", "", RETRIEVED_ON, verified=False, demo=True)

EU = {"AT", "BE", "CY", "DE", "ES", "FI", "FR", "GR", "IE", "IT", "NL", "PL", "PT", "RO", "SE"}
COE = EU | {"GB", "GE", "IS", "NO", "TR", "UA"}
LAS = {"AE", "EG", "JO", "MA", "SA", "TN"}
OIC = LAS | {"ID", "KZ", "NG", "PK", "SN", "TR"}
OAS = {"AR", "BO", "BR", "CA", "CL", "CO", "CR", "DO", "EC", "GT", "JM", "MX", "PA", "PE", "PY", "TT", "US", "UY"}
AU = {"EG", "GH", "KE", "MA", "NG", "SN", "TN", "ZA"}
MEMBERSHIPS = (("CoE", COE), ("EU", EU), ("LAS", LAS), ("OIC", OIC), ("OAS", OAS), ("AU", AU))
# States whose law needs a treaty to extradite (common-law tradition, and Japan); the others extradite on
# reciprocity. Illustrative.
TREATY_FOR_EXTRADITION = {"AU", "CA", "CY", "GB", "GH", "IE", "IN", "JM", "JP", "KE", "KR", "NG", "NZ", "PK", "SG",
                          "TT", "US", "ZA"}  # fmt: skip
EXTRADITES_NATIONALS = {"AU", "CA", "GB", "IE", "IN", "JM", "KE", "NG", "NZ", "TT", "US", "ZA", "GH", "SG"}
# Instruments some demo states have only signed, or not joined at all (the rest: in force).
SIGNED_ONLY = {("JP", "cets-196"), ("US", "cets-196"), ("PK", "un-2005-nuclear-terrorism"), ("TR", "cets-217")}
NOT_PARTY = {
    "un-2014-montreal-protocol": 0.55,
    "un-2010-beijing-convention": 0.45,
    "un-2010-beijing-protocol": 0.45,
    "un-2005-sua-protocol": 0.5,
    "un-2005-fixed-platforms-protocol": 0.55,
    "un-2005-cppnm-amendment": 0.3,
    "un-2005-nuclear-terrorism": 0.15,
    "cets-217": 0.3,
}
RESERVATIONS: dict[tuple[str, str], list[ReservationIn]] = {
    ("IN", "un-1999-financing"): [
        ReservationIn("no_treaty_basis", text="Does not take the Convention as the legal basis for extradition.")
    ],
    ("EG", "un-1999-financing"): [
        ReservationIn(
            "interpretative", text="Armed struggle against foreign occupation is not terrorism.", kind="declaration"
        )  # fmt: skip
    ],
    ("PK", "un-1997-bombings"): [ReservationIn("excludes_article", article="Art. 20", text="Dispute settlement.")],
    ("SG", "un-1997-bombings"): [ReservationIn("excludes_article", article="Art. 10", text="Mutual assistance.")],
    ("TR", "cets-196"): [
        ReservationIn("condition", article="Art. 20", text="May refuse extradition for a political offence.")
    ],
    ("KR", "un-1979-hostages"): [ReservationIn("excludes_kind", request_kind="mla", text="Assistance by statute.")],
}


def _draw(*parts: str) -> float:
    """A deterministic number in [0, 1) from the parts (the demo is the same on every run)."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


# A state the legal tables know beside the directory's demo members (it makes the 60 of the benchmark).
EXTRA_STATES = (("GB", ["en"]),)
# States party to every universal instrument in the demo (the demo's request goes between two of them).
ALL_UNIVERSAL = {"FR", "JP", "DE", "ES", "IT", "US", "GB"}


def states() -> list[tuple[str, list[str]]]:
    """(code, languages) of every demo state, and the extra ones."""
    out = []
    for line in STATES.strip().splitlines():
        code, _zone, languages, *_rest = line.split()
        out.append((code, languages.split(",")))
    return out + [(code, list(languages)) for code, languages in EXTRA_STATES]


def organisations_of(code: str) -> list[str]:
    return ["UN", *[org for org, members in MEMBERSHIPS if code in members]]


def _party_to(code: str, seed_code: str, organisation: str) -> bool:
    if organisation == "UN":
        if code in ALL_UNIVERSAL and seed_code != "un-2014-montreal-protocol":
            return True
        share = NOT_PARTY.get(seed_code, 0.04)
        return _draw(code, seed_code) >= share
    members = {"CoE": COE, "EU": EU, "LAS": LAS, "OIC": OIC, "OAS": OAS, "AU": AU}[organisation]
    if code not in members:
        return False
    return _draw(code, seed_code) >= NOT_PARTY.get(seed_code, 0.1)


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    counts: dict[str, Any] = {"seed": seed_instruments(session, actor=operator)}
    demo_states = states()
    for code, _languages in demo_states:
        country = pycountry.countries.get(alpha_2=code)
        set_jurisdiction(session, actor=operator, code=code, name=country.name if country else code,
                         organisations=organisations_of(code), provenance=DEMO)  # fmt: skip
    counts["jurisdictions"] = len(demo_states)
    participations = 0
    for code, _languages in demo_states:
        for seed in INSTRUMENTS:
            if seed.binds_members:
                continue
            signed_only = (code, seed.code) in SIGNED_ONLY
            if not signed_only and not _party_to(code, seed.code, seed.organisation):
                continue
            start = max(seed.in_force_on or seed.adopted_on or date(2000, 1, 1), seed.adopted_on or date(1950, 1, 1))
            signed = (seed.adopted_on or start) + timedelta(days=int(_draw("s", code, seed.code) * 300))
            consented = max(start, signed) + timedelta(days=int(_draw("c", code, seed.code) * 2000) + 30)
            consented = min(consented, RETRIEVED_ON - timedelta(days=400))
            consented = max(consented, signed)
            in_force = consented + timedelta(days=30)
            if seed.in_force_on and in_force < seed.in_force_on:
                in_force = seed.in_force_on
            set_participation(
                session,
                actor=operator,
                jurisdiction=code,
                instrument=seed.code,
                signed_on=signed,
                consent="" if signed_only else "ratification",
                consented_on=None if signed_only else consented,
                in_force_on=None if signed_only else in_force,
                reservations=RESERVATIONS.get((code, seed.code), []),
                provenance=DEMO,
                audited=False,
            )
            participations += 1
    counts["participations"] = participations
    for code, languages in demo_states:
        set_profile(
            session,
            actor=operator,
            jurisdiction=code,
            values=_profile(code, languages),
            provenance=DEMO,
            audited=False,
        )
    counts["profiles"] = len(demo_states)
    for row in BILATERAL:
        set_instrument(session, actor=operator, row=row)
        for party in row["parties"]:
            set_participation(session, actor=operator, jurisdiction=party, instrument=row["code"],
                              signed_on=row["adopted_on"], consent="ratification", consented_on=row["in_force_on"],
                              in_force_on=row["in_force_on"], provenance=DEMO, audited=False)  # fmt: skip
    counts["bilateral"] = len(BILATERAL)
    return counts


def _profile(code: str, languages: list[str]) -> dict[str, Any]:
    treaty = code in TREATY_FOR_EXTRADITION
    values: dict[str, Any] = {
        "treaty_required_mla": code in {"US", "SG"},
        "treaty_required_extradition": treaty,
        "reciprocity_accepted": code not in {"SG"},
        "extradites_nationals": code in EXTRADITES_NATIONALS,
        "dual_criminality_mla": code in {"JP", "KR", "SG", "IN", "PK"},
        "extradition_threshold_months": 12,
        "mla_threshold_months": 0,
        "assurances_required": ["death_penalty"] if code in EU | COE else [],
        "languages": sorted({*languages, "en"}) if code not in {"FR", "JP"} else languages,
        "central_authority": "",
        "notes": "Demonstration profile.",
    }
    if code == "JP":
        values |= {
            "treaty_required_extradition": True,
            "extradites_nationals": False,
            "dual_criminality_mla": True,
            "languages": ["ja", "en"],
            "assurances_required": ["speciality"],
            "central_authority": "Ministry of Justice, International Affairs Division (demonstration)",
            "notes": "Demonstration profile: extradition only under a treaty; no extradition of nationals; "
            "assistance on reciprocity, with dual criminality for coercive measures.",
        }
    if code == "FR":
        values |= {
            "languages": ["fr"],
            "assurances_required": ["death_penalty", "life_sentence"],
            "central_authority": "Ministère de la Justice, BEPI (demonstration)",
        }
    return values


BILATERAL: tuple[dict[str, Any], ...] = (
    {
        "code": "demo-fr-jp-mla",
        "title": "Arrangement between France and Japan on mutual legal assistance in criminal matters (demonstration)",
        "short_title": "FR-JP MLA arrangement (demo)",
        "kind": "bilateral",
        "organisation": "bilateral",
        "adopted_on": date(2019, 4, 23),
        "in_force_on": date(2020, 1, 1),
        "binds_members": False,
        "request_kinds": ["mla", "spontaneous"],
        "parties": ["FR", "JP"],
        "provisions": [
            {"code": "demo-fr-jp-mla:mla-art-1", "article": "Art. 1", "role": "mla",
             "summary": "The parties afford each other assistance in investigations and proceedings (demonstration)."},
            {"code": "demo-fr-jp-mla:contact-point-art-4", "article": "Art. 4", "role": "contact_point",
             "summary": "Requests pass between the central authorities (demonstration)."},
            {"code": "demo-fr-jp-mla:refusal-ground-art-11", "article": "Art. 11", "role": "refusal_ground",
             "summary": "Assistance may be refused for political offences or where essential interests are at stake "
                        "(demonstration)."},
        ],
        "source": DEMO.source,
        "source_url": "",
        "retrieved_on": RETRIEVED_ON,
        "verified": False,
        "demo": True,
    },
    {
        "code": "demo-ma-es-extradition",
        "title": "Extradition treaty between Morocco and Spain (demonstration)",
        "short_title": "MA-ES extradition treaty (demo)",
        "kind": "bilateral",
        "organisation": "bilateral",
        "adopted_on": date(2009, 11, 24),
        "in_force_on": date(2011, 3, 1),
        "binds_members": False,
        "request_kinds": ["extradition"],
        "parties": ["ES", "MA"],
        "provisions": [
            {"code": "demo-ma-es-extradition:extradition-basis-art-1", "article": "Art. 1",
             "role": "extradition_basis",
             "summary": "The parties undertake to extradite persons wanted for prosecution (demonstration)."},
        ],
        "source": DEMO.source,
        "source_url": "",
        "retrieved_on": RETRIEVED_ON,
        "verified": False,
        "demo": True,
    },
)  # fmt: skip
