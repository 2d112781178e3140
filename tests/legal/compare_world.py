"""A small hand-built legal world for the gap report and the comparator, as plain facts (the core's tests) and as
rows in a real database (the CLI, API and page tests): three members, France and Germany verified, Japan
demonstration data; the EU Directive's Arts 3, 4 and 11, the 1999 Financing Convention, UNSCR 1566 para. 3.

What the answers must be, worked out by hand:

- definitions: FR {intentional, kill, injure, destroy_property, intimidate_population, compel_government};
  DE {intentional, serious_damage, kill, injure, intimidate_population, compel_government,
  destabilise_structures}; JP {intentional, intimidate_population, ideological_motive, kill, bombing} (its arson
  offence requires no purpose, so it is not part of its definition);
- shared core {intentional, kill, intimidate_population}; Jaccard FR-DE 5/8, FR-JP 3/8, DE-JP 3/9;
- FR against eu-2017-541: Art. 3 covered (a reviewed mapping, though the elements alone would say partial),
  Art. 4 gap, Art. 11 partial (computed 2/3, knowing_terrorist_purpose missing).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from liaison.legal import facts as f

TODAY = datetime.now(UTC).date()
READ_ON = TODAY - timedelta(days=30)
REVIEWED_ON = date(2026, 10, 1)

ART3_ACTS = (
    "kill",
    "injure",
    "kidnap",
    "hostage_taking",
    "destroy_property",
    "seize_transport",
    "weapons_explosives",
    "cbrn",
    "release_dangerous",
    "interfere_utilities",
    "system_interference",
    "threaten",
)
AIMS = ("intimidate_population", "compel_government", "destabilise_structures")

JURISDICTIONS = [
    {"code": "FR", "name": "France", "organisations": ["UN", "CoE", "EU"], "demo": False},
    {"code": "DE", "name": "Germany", "organisations": ["UN", "CoE", "EU"], "demo": False},
    {"code": "JP", "name": "Japan", "organisations": ["UN"], "demo": True},
]
INSTRUMENTS: list[dict[str, Any]] = [
    {
        "code": "eu-2017-541",
        "title": "Directive (EU) 2017/541 on combating terrorism",
        "short_title": "EU 2017/541",
        "kind": "directive",
        "organisation": "EU",
        "provisions": [
            ("art-3", "Art. 3", "offence", ("intentional", "serious_damage"), (ART3_ACTS, AIMS)),
            ("art-4", "Art. 4", "offence", ("participate_group", "intentional", "knowing_terrorist_purpose"), ()),
            ("art-11", "Art. 11", "offence", ("finance", "intentional", "knowing_terrorist_purpose"), ()),
        ],
    },
    {
        "code": "un-1999-financing",
        "title": "International Convention for the Suppression of the Financing of Terrorism",
        "short_title": "Financing Convention 1999",
        "kind": "convention",
        "organisation": "UN",
        "provisions": [("art-2", "Art. 2", "offence", ("finance", "intentional", "knowing_terrorist_purpose"), ())],
    },
    {
        "code": "unscr-1566",
        "title": "Security Council resolution 1566 (2004)",
        "short_title": "UNSCR 1566",
        "kind": "resolution",
        "organisation": "UN",
        "provisions": [
            (
                "para-3",
                "para. 3",
                "definition",
                ("intentional",),
                (("kill", "injure", "hostage_taking"), ("intimidate_population", "compel_government")),
            )
        ],
    },
]
# (jurisdiction, citation, label, elements, any_of, mappings as (model, coverage, reviewed_by))
OFFENCES: list[tuple[str, str, str, tuple[str, ...], tuple[tuple[str, ...], ...], list[tuple[str, str, str]]]] = [
    (
        "FR",
        "Code pénal, art. 421-1",
        "Actes de terrorisme",
        ("intentional",),
        (("kill", "injure", "destroy_property"), ("intimidate_population", "compel_government")),
        [("eu-2017-541:art-3", "full", "Secretariat reviewer")],
    ),
    ("FR", "Code pénal, art. 421-2-2", "Financement du terrorisme", ("finance", "intentional"), (), []),
    (
        "DE",
        "StGB § 129a",
        "Bildung terroristischer Vereinigungen",
        ("intentional", "serious_damage"),
        (("kill", "injure"), AIMS),
        [("eu-2017-541:art-3", "partial", "")],
    ),
    (
        "JP",
        "Act on Punishment of Terrorist Bombings, art. 2",
        "爆弾テロ",
        ("intentional", "intimidate_population", "ideological_motive"),
        (("kill", "bombing"),),
        [],
    ),
    ("JP", "Penal Code, art. 108", "放火", ("release_dangerous", "intentional"), (), []),
]


def _source(demo: bool) -> f.Source:
    return f.Source("hand-built test source", "https://example.org/law", READ_ON, verified=not demo, demo=demo)


def legal_facts() -> f.LegalFacts:
    out = f.LegalFacts()
    for j in JURISDICTIONS:
        out.jurisdictions[j["code"]] = f.JurisdictionFact(
            j["code"], j["name"], tuple(j["organisations"]), _source(j["demo"])
        )
    for i in INSTRUMENTS:
        provisions = tuple(
            f.ProvisionFact(f"{i['code']}:{slug}", article, role, "", elements, any_of)
            for slug, article, role, elements, any_of in i["provisions"]
        )
        out.instruments[i["code"]] = f.InstrumentFact(
            i["code"],
            i["title"],
            i["short_title"],
            i["kind"],
            i["organisation"],
            None,
            None,
            False,
            (),
            (),
            provisions,
            _source(False),
        )
    demo = {j["code"]: j["demo"] for j in JURISDICTIONS}
    by_state: dict[str, list[f.OffenceFact]] = {}
    for n, (state, citation, label, elements, any_of, mappings) in enumerate(OFFENCES):
        by_state.setdefault(state, []).append(
            f.OffenceFact(
                str(n),
                state,
                citation,
                label,
                "",
                "",
                120,
                elements,
                any_of,
                tuple(
                    f.MappingFact(model, coverage, "text of the law", reviewer, REVIEWED_ON if reviewer else None)
                    for model, coverage, reviewer in mappings
                ),
                _source(demo[state]),
            )
        )
    out.offences = {k: tuple(v) for k, v in by_state.items()}
    return out


def insert(session: Session) -> None:
    """The same world as rows, entered directly (the seed and the offence editor are other slices' work)."""
    from liaison.models import Instrument, Jurisdiction, NationalOffence, OffenceMapping, Provision

    def sourced(demo: bool) -> dict[str, Any]:
        return {
            "source": "hand-built test source",
            "source_url": "https://example.org/law",
            "retrieved_on": READ_ON,
            "verified": not demo,
            "demo": demo,
        }

    demo = {j["code"]: j["demo"] for j in JURISDICTIONS}
    for j in JURISDICTIONS:
        session.add(
            Jurisdiction(code=j["code"], name=j["name"], organisations=j["organisations"], **sourced(j["demo"]))
        )
    for i in INSTRUMENTS:
        row = Instrument(
            code=i["code"],
            title=i["title"],
            short_title=i["short_title"],
            kind=i["kind"],
            organisation=i["organisation"],
            **sourced(False),
        )
        row.provisions = [
            Provision(
                code=f"{i['code']}:{slug}",
                article=article,
                role=role,
                elements=list(elements),
                any_of=[list(g) for g in any_of],
                position=n,
            )
            for n, (slug, article, role, elements, any_of) in enumerate(i["provisions"])
        ]
        session.add(row)
    for state, citation, label, elements, any_of, mappings in OFFENCES:
        offence = NationalOffence(
            jurisdiction=state,
            citation=citation,
            label=label,
            max_penalty_months=120,
            elements=list(elements),
            any_of=[list(g) for g in any_of],
            **sourced(demo[state]),
        )
        session.add(offence)
        session.flush()
        for model, coverage, reviewer in mappings:
            session.add(
                OffenceMapping(
                    offence_id=offence.id,
                    model=model,
                    coverage=coverage,
                    evidence="text of the law",
                    reviewed_by=reviewer,
                    reviewed_on=REVIEWED_ON if reviewer else None,
                    **sourced(demo[state]),
                )
            )
