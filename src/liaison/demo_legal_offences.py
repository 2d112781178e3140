"""Demo national offences for every demo state, mapped to the international offence models, and the demo case.

ALL of it is demonstration data (``demo=True``, ``verified=False``) and every answer built on it says so. For ten
states (FR, DE, ES, IT, JP, US, MA, TN, JO, TR) the citations and original-language labels are real, but the
element sets and maximum penalties are illustrative and have not been checked against the law in force. For the
other states the offences are generated from templates, with per-state variation (some lack a travel or a
receiving-training offence, some require an ideological motive, some exclude a struggle for self-determination)
and fictional citations marked "(demo)".

The demo case (:data:`DEMO_CASE`) is a request from France to Japan: the financing of a bombing. Japan's Act on
Punishment of Financing of Offences of Public Intimidation makes it out (extradition: met); New Zealand's demo
financing offence requires an ideological motive the facts do not show (not met).
"""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.legal_offences import OffenceInput, Provenance, save_mapping, save_offence
from liaison.demo_data import STATES
from liaison.legal.dual import element_coverage
from liaison.legal.elements import ELEMENTS, LIFE
from liaison.legal.offence_models import MODELS
from liaison.models import Jurisdiction
from liaison.principal import Principal

REAL = "Demonstration data: citations real, elements and penalties not verified"
GENERATED = "Demonstration data: generated offences and fictional citations, not any state's law"
REVIEWER = "Demo reviewer"
REVIEWED_ON = date(2026, 11, 2)

DEMO_CASE: dict[str, Any] = {
    "title": "Funds for the Lyon market bombing (fictional)",
    "summary": (
        "A resident of Japan collected money from sympathisers and wired it, in four transfers, to a cell in "
        "France, knowing it would pay for the explosives used in a bombing meant to terrorise the public. "
        "Nobody and nothing in this case is real."
    ),
    "conduct": ["finance", "intentional", "knowing_terrorist_purpose", "intimidate_population", "transnational"],
    "requesting": "FR",
    "requested": ["JP", "NZ"],
    "kind": "extradition",
    "on": "2026-12-03",
}

ACTS = (
    "kill",
    "injure",
    "kidnap",
    "hostage_taking",
    "destroy_property",
    "seize_transport",
    "weapons_explosives",
    "cbrn",
    "bombing",
    "release_dangerous",
    "interfere_utilities",
)
AIMS = ("intimidate_population", "compel_government", "destabilise_structures")
GROUP = ("direct_group", "participate_group")
KNOWING = ("knowing_terrorist_purpose", "aim_terrorist_offence")

# citation, label (original language), language, label_en, max penalty (months), elements, any_of
Row = tuple[str, str, str, str, int | None, tuple[str, ...], tuple[tuple[str, ...], ...]]

KNOWN: dict[str, tuple[Row, ...]] = {
    "FR": (
        ("Code pénal, art. 221-1", "Meurtre", "fr", "Murder", 360, ("kill", "intentional"), ()),
        (
            "Code pénal, art. 421-1",
            "Actes de terrorisme",
            "fr",
            "Acts of terrorism",
            LIFE,
            ("intentional",),
            (ACTS, ("intimidate_population",)),
        ),
        (
            "Code pénal, art. 421-2-1",
            "Association de malfaiteurs terroriste",
            "fr",
            "Terrorist criminal conspiracy",
            120,
            ("intentional", "aim_terrorist_offence"),
            (GROUP,),
        ),
        (
            "Code pénal, art. 421-2-2",
            "Financement d'une entreprise terroriste",
            "fr",
            "Financing a terrorist undertaking",
            120,
            ("finance", "intentional"),
            (KNOWING,),
        ),
        (
            "Code pénal, art. 421-2-4",
            "Recrutement en vue de participer à une association terroriste",
            "fr",
            "Recruiting for terrorism",
            120,
            ("recruit", "intentional", "aim_terrorist_offence"),
            (),
        ),
        (
            "Code pénal, art. 421-2-5",
            "Provocation directe à des actes de terrorisme",
            "fr",
            "Direct provocation to acts of terrorism",
            60,
            ("public_provocation", "intentional"),
            (),
        ),
        (
            "Code pénal, art. 421-2-6",
            "Entreprise individuelle terroriste",
            "fr",
            "Individual terrorist undertaking",
            120,
            ("intentional", "aim_terrorist_offence"),
            (("weapons_explosives", "receive_training", "travel"),),
        ),
    ),
    "DE": (
        ("§ 211 StGB", "Mord", "de", "Murder", LIFE, ("kill", "intentional"), ()),
        ("§ 212 StGB", "Totschlag", "de", "Manslaughter", 180, ("kill", "intentional"), ()),
        (
            "§ 89a StGB",
            "Vorbereitung einer schweren staatsgefährdenden Gewalttat",
            "de",
            "Preparation of a serious violent offence endangering the state",
            120,
            ("intentional", "aim_terrorist_offence"),
            (("receive_training", "provide_training", "weapons_explosives", "travel"),),
        ),
        (
            "§ 89c StGB",
            "Terrorismusfinanzierung",
            "de",
            "Financing of terrorism",
            120,
            ("finance", "intentional"),
            (KNOWING,),
        ),
        (
            "§ 129a StGB",
            "Bildung terroristischer Vereinigungen",
            "de",
            "Forming terrorist organisations",
            120,
            ("intentional", "aim_terrorist_offence"),
            (GROUP,),
        ),
    ),
    "ES": (
        ("Código Penal, art. 139", "Asesinato", "es", "Murder", 300, ("kill", "intentional"), ()),
        (
            "Código Penal, art. 572",
            "Organizaciones y grupos terroristas",
            "es",
            "Terrorist organisations and groups",
            180,
            ("intentional",),
            (GROUP,),
        ),
        (
            "Código Penal, art. 573",
            "Delitos de terrorismo",
            "es",
            "Terrorist offences",
            LIFE,
            ("intentional",),
            (ACTS, AIMS),
        ),
        (
            "Código Penal, art. 575",
            "Adoctrinamiento, adiestramiento y desplazamiento con fines terroristas",
            "es",
            "Indoctrination, training and travel for terrorist purposes",
            60,
            ("intentional", "aim_terrorist_offence"),
            (("receive_training", "travel"),),
        ),
        (
            "Código Penal, art. 576",
            "Financiación del terrorismo",
            "es",
            "Financing of terrorism",
            120,
            ("finance", "intentional"),
            (KNOWING,),
        ),
        (
            "Código Penal, art. 577",
            "Colaboración con organización terrorista",
            "es",
            "Collaboration with a terrorist organisation",
            120,
            ("intentional", "knowing_terrorist_purpose"),
            (("facilitate_travel", "recruit", "provide_training"),),
        ),
        (
            "Código Penal, art. 578",
            "Enaltecimiento o justificación del terrorismo",
            "es",
            "Glorification or justification of terrorism",
            36,
            ("public_provocation", "intentional"),
            (),
        ),
    ),
    "IT": (
        ("Codice penale, art. 575", "Omicidio", "it", "Homicide", 288, ("kill", "intentional"), ()),
        (
            "Codice penale, art. 270-bis",
            "Associazioni con finalità di terrorismo anche internazionale",
            "it",
            "Associations for the purpose of terrorism, including international terrorism",
            180,
            ("intentional",),
            (GROUP,),
        ),
        (
            "Codice penale, art. 270-quater",
            "Arruolamento con finalità di terrorismo anche internazionale",
            "it",
            "Enlistment for the purpose of terrorism",
            180,
            ("recruit", "intentional", "aim_terrorist_offence"),
            (),
        ),
        (
            "Codice penale, art. 270-quater.1",
            "Organizzazione di trasferimenti per finalità di terrorismo",
            "it",
            "Organising travel for the purpose of terrorism",
            96,
            ("facilitate_travel", "intentional", "knowing_terrorist_purpose"),
            (),
        ),
        (
            "Codice penale, art. 270-quinquies",
            "Addestramento ad attività con finalità di terrorismo anche internazionale",
            "it",
            "Training for terrorist activities",
            120,
            ("intentional", "aim_terrorist_offence"),
            (("provide_training", "receive_training"),),
        ),
        (
            "Codice penale, art. 270-quinquies.1",
            "Finanziamento di condotte con finalità di terrorismo",
            "it",
            "Financing conduct for the purpose of terrorism",
            180,
            ("finance", "intentional"),
            (KNOWING,),
        ),
    ),
    "JP": (
        ("刑法第199条", "殺人", "ja", "Homicide (Penal Code, Art. 199)", LIFE, ("kill", "intentional"), ()),
        (
            "公衆等脅迫目的の犯罪行為のための資金等の提供等の処罰に関する法律 第3条",
            "公衆等脅迫目的の犯罪行為のための資金等の提供",
            "ja",
            "Providing funds for offences of public intimidation (Act on Punishment of Financing of Offences of "
            "Public Intimidation, Art. 3)",
            120,
            ("finance", "intentional", "knowing_terrorist_purpose"),
            (("intimidate_population", "compel_government"),),
        ),
        (
            "爆発物取締罰則 第1条",
            "爆発物使用",
            "ja",
            "Use of explosives (Explosives Control Regulations, Art. 1)",
            LIFE,
            ("intentional",),
            (("bombing", "weapons_explosives"),),
        ),
        (
            "人質による強要行為等の処罰に関する法律 第1条",
            "人質による強要",
            "ja",
            "Compulsion by hostage-taking (Act on Punishment of Compulsion by Hostage-taking, Art. 1)",
            120,
            ("hostage_taking", "intentional"),
            (),
        ),
        (
            "組織的な犯罪の処罰及び犯罪収益の規制等に関する法律 第6条の2",
            "テロリズム集団その他の組織的犯罪集団による実行準備行為を伴う重大犯罪遂行の計画",
            "ja",
            "Planning serious crimes by terrorist or organised criminal groups (Act on Punishment of Organized "
            "Crimes, Art. 6-2)",
            60,
            ("participate_group", "intentional", "aim_terrorist_offence"),
            (),
        ),
    ),
    "US": (
        ("18 U.S.C. § 1111", "Murder", "en", "Murder", LIFE, ("kill", "intentional"), ()),
        (
            "18 U.S.C. § 2332b",
            "Acts of terrorism transcending national boundaries",
            "en",
            "Acts of terrorism transcending national boundaries",
            LIFE,
            ("transnational", "intentional"),
            (("kill", "kidnap", "injure", "destroy_property"),),
        ),
        (
            "18 U.S.C. § 2332f",
            "Bombings of places of public use, government facilities, public transportation systems and "
            "infrastructure facilities",
            "en",
            "Bombings of places of public use",
            LIFE,
            ("bombing", "public_place", "intentional"),
            (),
        ),
        (
            "18 U.S.C. § 2339A",
            "Providing material support to terrorists",
            "en",
            "Providing material support to terrorists",
            180,
            ("intentional", "knowing_terrorist_purpose"),
            (("finance", "provide_training", "facilitate_travel", "weapons_explosives"),),
        ),
        (
            "18 U.S.C. § 2339B",
            "Providing material support or resources to designated foreign terrorist organizations",
            "en",
            "Material support to designated foreign terrorist organisations",
            240,
            ("intentional", "knowing_terrorist_purpose"),
            (("finance", "provide_training", "participate_group", "recruit", "facilitate_travel"),),
        ),
        (
            "18 U.S.C. § 2339C",
            "Prohibitions against the financing of terrorism",
            "en",
            "Financing of terrorism",
            240,
            ("finance", "intentional"),
            (KNOWING,),
        ),
    ),
    "MA": (
        ("Code pénal, art. 392", "القتل العمد", "ar", "Murder", LIFE, ("kill", "intentional"), ()),
        (
            "Code pénal, art. 218-1",
            "الجرائم الإرهابية",
            "ar",
            "Terrorist offences",
            LIFE,
            ("intentional",),
            (ACTS, ("intimidate_population", "destabilise_structures")),
        ),
        (
            "Code pénal, art. 218-1-1",
            "الالتحاق أو محاولة الالتحاق بكيانات أو تنظيمات إرهابية",
            "ar",
            "Joining or trying to join terrorist entities or organisations",
            180,
            ("intentional", "aim_terrorist_offence"),
            (("travel", "participate_group"),),
        ),
        (
            "Code pénal, art. 218-4",
            "تمويل الإرهاب",
            "ar",
            "Financing of terrorism",
            240,
            ("finance", "intentional"),
            (KNOWING,),
        ),
    ),
    "TN": (
        (
            "Code pénal, art. 201",
            "القتل العمد مع سابقية الإضمار",
            "ar",
            "Premeditated murder",
            LIFE,
            ("kill", "intentional"),
            (),
        ),
        (
            "Loi organique n° 2015-26, art. 13",
            "الجريمة الإرهابية",
            "ar",
            "Terrorist offence",
            LIFE,
            ("intentional",),
            (ACTS, AIMS),
        ),
        (
            "Loi organique n° 2015-26, art. 32",
            "الانضمام إلى تنظيم إرهابي",
            "ar",
            "Joining a terrorist organisation",
            240,
            ("intentional",),
            (GROUP,),
        ),
        (
            "Loi organique n° 2015-26, art. 36",
            "تمويل الإرهاب",
            "ar",
            "Financing of terrorism",
            240,
            ("finance", "intentional"),
            (KNOWING,),
        ),
    ),
    "JO": (
        (
            "قانون منع الإرهاب رقم 55 لسنة 2006، المادة 2",
            "العمل الإرهابي",
            "ar",
            "Terrorist act (Prevention of Terrorism Law No. 55 of 2006, Art. 2)",
            LIFE,
            ("intentional",),
            (ACTS, AIMS),
        ),
        (
            "قانون منع الإرهاب رقم 55 لسنة 2006، المادة 3",
            "تمويل الإرهاب والالتحاق بالجماعات الإرهابية",
            "ar",
            "Financing terrorism and joining terrorist groups (Prevention of Terrorism Law, Art. 3)",
            240,
            ("intentional", "knowing_terrorist_purpose"),
            (("finance", "participate_group", "recruit"),),
        ),
        (
            "قانون العقوبات، المادة 326",
            "القتل القصد",
            "ar",
            "Intentional killing (Penal Code, Art. 326)",
            240,
            ("kill", "intentional"),
            (),
        ),
    ),
    "TR": (
        ("Türk Ceza Kanunu, md. 81", "Kasten öldürme", "tr", "Intentional killing", LIFE, ("kill", "intentional"), ()),
        (
            "Türk Ceza Kanunu, md. 314",
            "Silahlı örgüt",
            "tr",
            "Armed organisation",
            180,
            ("intentional",),
            (GROUP,),
        ),
        (
            "Terörle Mücadele Kanunu (3713), md. 1",
            "Terör",
            "tr",
            "Terrorism (Anti-Terror Law, Art. 1)",
            LIFE,
            ("intentional", "ideological_motive"),
            (ACTS, AIMS),
        ),
        (
            "Terörün Finansmanının Önlenmesi Hakkında Kanun (6415), md. 4",
            "Terörün finansmanı",
            "tr",
            "Financing of terrorism",
            120,
            ("finance", "intentional"),
            (KNOWING,),
        ),
    ),
}

# Templates for the other states: key, label_en, elements, any_of, penalties to choose from (by state)
TEMPLATES: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[int | None, ...]], ...] = (
    ("murder", "Murder", ("kill", "intentional"), (), (LIFE, 300, 360, 240)),
    ("terrorist_act", "Terrorist act", ("intentional",), (ACTS, AIMS), (LIFE, 360, 300)),
    ("participation", "Participation in a terrorist group", ("intentional",), (GROUP,), (120, 180, 96, 240)),
    ("financing", "Financing of terrorism", ("finance", "intentional"), (KNOWING,), (120, 180, 240, 96)),
    ("hostages", "Hostage-taking", ("hostage_taking", "intentional"), (), (240, 180, LIFE)),
    ("bombing", "Terrorist bombing", ("bombing", "public_place", "intentional"), (), (LIFE, 300, 240)),
    ("recruitment", "Recruitment for terrorism", ("recruit", "intentional", "aim_terrorist_offence"), (), (120, 96)),
    (
        "provide_training",
        "Providing training for terrorism",
        ("provide_training", "intentional", "knowing_terrorist_purpose"),
        (),
        (120, 96, 180),
    ),
    (
        "receive_training",
        "Receiving training for terrorism",
        ("receive_training", "intentional", "aim_terrorist_offence"),
        (),
        (60, 96, 120),
    ),
    (
        "travel",
        "Travelling abroad for terrorism",
        ("travel", "transnational", "intentional", "aim_terrorist_offence"),
        (),
        (60, 120, 96),
    ),
    (
        "facilitate_travel",
        "Organising or facilitating travel for terrorism",
        ("facilitate_travel", "intentional", "knowing_terrorist_purpose"),
        (),
        (96, 120),
    ),
    (
        "provocation",
        "Public provocation to commit a terrorist offence",
        ("public_provocation", "intentional", "aim_terrorist_offence"),
        (),
        (36, 60, 84),
    ),
)

LABELS = {
    "es": {
        "murder": "Homicidio",
        "terrorist_act": "Acto terrorista",
        "participation": "Participación en grupo terrorista",
        "financing": "Financiamiento del terrorismo",
        "hostages": "Toma de rehenes",
        "bombing": "Atentado con explosivos",
        "recruitment": "Reclutamiento con fines terroristas",
        "provide_training": "Entrenamiento con fines terroristas",
        "receive_training": "Recibir entrenamiento con fines terroristas",
        "travel": "Viaje con fines terroristas",
        "facilitate_travel": "Facilitación de viajes con fines terroristas",
        "provocation": "Incitación pública al terrorismo",
    },
    "fr": {
        "murder": "Meurtre",
        "terrorist_act": "Acte terroriste",
        "participation": "Participation à un groupe terroriste",
        "financing": "Financement du terrorisme",
        "hostages": "Prise d'otages",
        "bombing": "Attentat à l'explosif",
        "recruitment": "Recrutement à des fins terroristes",
        "provide_training": "Entraînement à des fins terroristes",
        "receive_training": "Suivre un entraînement à des fins terroristes",
        "travel": "Déplacement à des fins terroristes",
        "facilitate_travel": "Organisation de déplacements à des fins terroristes",
        "provocation": "Provocation publique au terrorisme",
    },
    "pt": {
        "murder": "Homicídio",
        "terrorist_act": "Ato terrorista",
        "participation": "Participação em organização terrorista",
        "financing": "Financiamento do terrorismo",
        "hostages": "Tomada de reféns",
        "bombing": "Atentado bombista",
        "recruitment": "Recrutamento para o terrorismo",
        "provide_training": "Treino para o terrorismo",
        "receive_training": "Receber treino para o terrorismo",
        "travel": "Viagem para fins terroristas",
        "facilitate_travel": "Organização de viagens para fins terroristas",
        "provocation": "Incitamento público ao terrorismo",
    },
}

# Variation among the generated states (demonstration, loosely after their real laws where noted).
MOTIVE = {"AU", "NZ", "CA", "ZA"}  # a political, religious or ideological cause required
SELF_DETERMINATION = {"SA", "AE", "EG", "PK", "SN"}  # the struggle for self-determination excluded
PENALTY_NOT_STATED = {"IS"}  # the financing offence's penalty is not recorded


def state_codes() -> list[str]:
    return [line.split()[0] for line in STATES.strip().splitlines() if line.strip()]


def _languages() -> dict[str, str]:
    return {line.split()[0]: line.split()[2].split(",")[0] for line in STATES.strip().splitlines() if line.strip()}


def generated(code: str, language: str) -> list[Row]:
    """A state's demo offences from the templates, varied by a hash of its code (stable across runs)."""
    seed = zlib.crc32(code.encode())
    labels = LABELS.get(language, {})
    out: list[Row] = []
    for n, (key, label_en, elements, any_of, penalties) in enumerate(TEMPLATES):
        if key == "travel" and seed % 3 == 0:
            continue  # no travel offence
        if key == "receive_training" and seed % 4 == 1:
            continue  # no receiving-training offence
        if key == "facilitate_travel" and seed % 2 == 0:
            continue
        extra: tuple[str, ...] = ()
        if code in MOTIVE and key in ("terrorist_act", "financing", "participation"):
            extra += ("ideological_motive",)
        if code in SELF_DETERMINATION and key in ("terrorist_act", "participation", "financing"):
            extra += ("self_determination",)
        penalty: int | None = penalties[(seed >> n) % len(penalties)]
        if code in PENALTY_NOT_STATED and key == "financing":
            penalty = None
        label = labels.get(key, label_en)
        citation = f"Criminal Code (demo), art. {101 + n}"
        out.append((citation, label, language if key in labels else "en", label_en, penalty, elements + extra, any_of))
    return out


def _behaviours(elements: tuple[str, ...], any_of: tuple[tuple[str, ...], ...]) -> set[str]:
    named = set(elements) | {e for g in any_of for e in g}
    return {e for e in named if ELEMENTS[e].facet == "behaviour"}


def load(session: Session, *, operator: Principal) -> dict[str, Any]:
    """Every demo state's offences and their mappings (created through the audited actions)."""
    codes = state_codes()
    languages = _languages()
    known = set(session.scalars(select(Jurisdiction.code)))
    for code in codes:
        if code not in known:  # normally loaded by the basis part first; a bare row keeps the offences usable
            session.add(Jurisdiction(code=code, name=code, organisations=["UN"], source=GENERATED, demo=True))
    session.flush()
    offences = mappings = 0
    for code in codes:
        rows = KNOWN.get(code) or tuple(generated(code, languages.get(code, "en")))
        source = REAL if code in KNOWN else GENERATED
        for citation, label, language, label_en, penalty, elements, any_of in rows:
            offence = save_offence(
                session,
                actor=operator,
                data=OffenceInput(
                    jurisdiction=code,
                    citation=citation,
                    label=label,
                    language=language,
                    label_en=label_en,
                    max_penalty_months=penalty,
                    elements=list(elements),
                    any_of=[list(g) for g in any_of],
                    provenance=Provenance(source=source, demo=True, verified=False, retrieved_on=REVIEWED_ON),
                ),
            )
            offences += 1
            mine = _behaviours(elements, any_of)
            for model in MODELS:
                if model.role != "offence" or not (mine & _behaviours(model.elements, model.any_of)):
                    continue
                share = element_coverage(elements, any_of, model.elements, model.any_of)
                if share <= 0:
                    continue
                save_mapping(
                    session,
                    actor=operator,
                    offence_id=offence.id,
                    model=model.code,
                    coverage="full" if share >= 0.999 else "partial",
                    evidence=f"Demonstration: computed from the elements (coverage {share:.2f}), not reviewed "
                    "against the text.",
                    provenance=Provenance(source=source, demo=True, reviewed_by=REVIEWER, reviewed_on=REVIEWED_ON),
                )
                mappings += 1
    return {"offences": offences, "mappings": mappings, "states": len(codes)}
