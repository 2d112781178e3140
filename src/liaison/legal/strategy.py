"""The national-strategy checklist, drawn from the four pillars of the United Nations Global Counter-Terrorism
Strategy (A/RES/60/288, 2006), and the pure core of a member's self-assessment against it: its gaps, the experts
and courses that cover each gap, and a score per pillar for the picture.

- Pillar I: measures to address the conditions conducive to the spread of terrorism;
- Pillar II: measures to prevent and combat terrorism;
- Pillar III: measures to build states' capacity and to strengthen the role of the United Nations system;
- Pillar IV: measures to ensure respect for human rights for all and the rule of law.

Items have stable codes (``p2-border-security``): assessments, experts' fields and courses' topics name them, so a
label can be reworded or translated without touching the data. No database or web imports: the queries read the
rows into :class:`ExpertFact` and :class:`CourseFact` and call :func:`match`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from liaison.i18n import lazy_gettext as N_
from liaison.legal.elements import UnknownCode, suggest

STATUSES = ("met", "partial", "gap", "not_assessed")
GAP_STATUSES = ("gap", "partial", "not_assessed")
SOON_DAYS = 90  # an expert available within this many days counts as "soon"

PILLARS = {
    "p1": N_("Pillar I: conditions conducive to the spread of terrorism"),
    "p2": N_("Pillar II: preventing and combating terrorism"),
    "p3": N_("Pillar III: building states' capacity and strengthening the role of the United Nations"),
    "p4": N_("Pillar IV: human rights and the rule of law"),
}
PILLAR_SHORT = {"p1": N_("Pillar I"), "p2": N_("Pillar II"), "p3": N_("Pillar III"), "p4": N_("Pillar IV")}
STATUS_LABELS = {
    "met": N_("met"),
    "partial": N_("partly met"),
    "gap": N_("gap"),
    "not_assessed": N_("not assessed"),
}
SOURCE = "United Nations Global Counter-Terrorism Strategy, A/RES/60/288 (8 September 2006), annex, pillars I-IV"

_CODE = re.compile(r"^p[0-9]+-[a-z0-9-]+$")


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    pillar: str
    label: object  # lazy translation
    description: object


def _i(code: str, label: object, description: object) -> Item:
    return Item(code, code[:2], label, description)


ITEMS: tuple[Item, ...] = (
    _i(
        "p1-dialogue",
        N_("Dialogue and understanding among cultures and religions"),
        N_("Programmes that promote dialogue, tolerance and understanding, with civil society and religious leaders."),
    ),
    _i(
        "p1-prevent-violent-extremism",
        N_("Prevention of violent extremism"),
        N_("A national plan to prevent violent extremism, with education, youth and community measures."),
    ),
    _i(
        "p1-conflict-inclusion",
        N_("Conflict prevention and social inclusion"),
        N_("Conflict prevention, development and the social inclusion of marginalised groups."),
    ),
    _i(
        "p1-victims-support",
        N_("Support for victims of terrorism"),
        N_("Assistance, information and solidarity for victims of terrorism and their families."),
    ),
    _i(
        "p2-criminalisation",
        N_("Offences criminalised as the universal instruments require"),
        N_("The offences of the universal counter-terrorism instruments are offences in national law."),
    ),
    _i(
        "p2-terrorist-financing",
        N_("Controls against the financing of terrorism"),
        N_("Financing criminalised, assets frozen without delay, a financial intelligence unit (FATF standards)."),
    ),
    _i(
        "p2-border-security",
        N_("Border, travel and document security"),
        N_("Border controls, secure travel documents, Advance Passenger Information and Passenger Name Records."),
    ),
    _i(
        "p2-contact-point",
        N_("A 24/7 point of contact designated"),
        N_("A point of contact reachable round the clock for urgent cooperation, known to partners."),
    ),
    _i(
        "p2-information-sharing",
        N_("Timely information sharing"),
        N_("Channels and rules to share information with partners and international databases in time."),
    ),
    _i(
        "p2-critical-infrastructure",
        N_("Protection of critical infrastructure and soft targets"),
        N_("Vulnerable targets, critical infrastructure and public places protected; emergency response planned."),
    ),
    _i(
        "p2-ftf-returnees",
        N_("Foreign terrorist fighters and returnees"),
        N_("Travel prevented, returnees prosecuted, rehabilitated and reintegrated (UNSCR 2178 and 2396)."),
    ),
    _i(
        "p2-weapons-cbrn",
        N_("Weapons, explosives and CBRN materials"),
        N_("Access to weapons, explosives and nuclear, chemical, biological or radiological materials denied."),
    ),
    _i(
        "p3-practitioner-training",
        N_("Training of practitioners"),
        N_("Police, prosecutors, judges and border officials trained in counter-terrorism law and practice."),
    ),
    _i(
        "p3-central-authority",
        N_("A central authority for mutual legal assistance and extradition"),
        N_("A designated, staffed central authority; requests handled on known timelines."),
    ),
    _i(
        "p3-technical-assistance",
        N_("Technical assistance given and received"),
        N_("Needs identified and assistance sought; expertise offered to other states."),
    ),
    _i(
        "p3-un-cooperation",
        N_("Cooperation with the United Nations and regional organisations"),
        N_("Reporting to and working with UNOCT, UNODC, CTED and regional bodies."),
    ),
    _i(
        "p4-human-rights-safeguards",
        N_("Human rights safeguards in counter-terrorism measures"),
        N_("Measures necessary, proportionate and non-discriminatory; no torture; remedies available."),
    ),
    _i(
        "p4-oversight",
        N_("Independent oversight"),
        N_("Parliamentary, judicial or independent oversight of counter-terrorism bodies and powers."),
    ),
    _i(
        "p4-legal-definition",
        N_("A legal definition of terrorism consistent with the rule of law"),
        N_("A precise, foreseeable definition of terrorist offences, not reaching lawful protest or dissent."),
    ),
    _i(
        "p4-victims-rights",
        N_("Victims' rights in criminal proceedings"),
        N_("Victims informed, heard, protected and compensated in criminal proceedings."),
    ),
)
BY_CODE: dict[str, Item] = {item.code: item for item in ITEMS}


def item_code(code: str) -> str:
    """A checklist item's code as given (any case, spaces trimmed); :class:`UnknownCode` with suggestions else."""
    found = code.strip().lower()
    if found not in BY_CODE:
        raise UnknownCode("checklist item", code, suggest(found, BY_CODE.keys()))
    return found


def topics(values: Iterable[str]) -> list[str]:
    """An expert's fields or a course's topics: checklist codes (checked: a mistyped ``p2-...`` is refused with
    suggestions) and free-text topics (kept as given), in order, without repeats or blanks."""
    out: list[str] = []
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        if _CODE.match(value.lower()) or value.lower() in BY_CODE:
            value = item_code(value)
        if value not in out:
            out.append(value)
    return out


def label(code: str) -> str:
    found = BY_CODE.get(code)
    return str(found.label) if found else code


def status_label(status: str) -> str:
    found = STATUS_LABELS.get(status)
    return str(found) if found else status


# -- the self-assessment --


@dataclass(frozen=True, slots=True)
class Gap:
    item: Item
    status: str  # gap, partial, not_assessed


def statuses(assessments: Mapping[str, str]) -> dict[str, str]:
    """Every item's status in checklist order (``not_assessed`` for an item without an assessment)."""
    return {item.code: assessments.get(item.code, "not_assessed") for item in ITEMS}


def gaps(assessments: Mapping[str, str]) -> list[Gap]:
    """The items not met (gap, partial or not assessed), gaps first, then partial, then not assessed; checklist
    order within each."""
    found = [Gap(item, status) for item in ITEMS if (status := assessments.get(item.code, "not_assessed")) != "met"]
    return sorted(found, key=lambda g: GAP_STATUSES.index(g.status))


@dataclass(frozen=True, slots=True)
class PillarScore:
    pillar: str
    items: int
    counts: dict[str, int]
    score: float  # 0..1: met counts 1, partial 0.5


def pillar_scores(assessments: Mapping[str, str]) -> list[PillarScore]:
    out = []
    for pillar in PILLARS:
        codes = [i.code for i in ITEMS if i.pillar == pillar]
        counts = {s: 0 for s in STATUSES}
        for code in codes:
            counts[assessments.get(code, "not_assessed")] += 1
        score = (counts["met"] + 0.5 * counts["partial"]) / len(codes)
        out.append(PillarScore(pillar, len(codes), counts, round(score, 4)))
    return out


# -- matching gaps to experts and courses --


@dataclass(frozen=True, slots=True)
class ExpertFact:
    id: str
    name: str
    member: str
    fields: tuple[str, ...]
    languages: tuple[str, ...]
    available_from: date | None = None
    available_until: date | None = None


@dataclass(frozen=True, slots=True)
class CourseFact:
    id: str
    title: str
    organiser: str
    starts_on: date
    ends_on: date | None
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    online: bool = False


@dataclass(frozen=True, slots=True)
class ExpertMatch:
    expert: ExpertFact
    availability: str  # now, soon
    shared_languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CourseMatch:
    course: CourseFact
    shared_languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GapMatch:
    gap: Gap
    experts: list[ExpertMatch] = field(default_factory=list)
    courses: list[CourseMatch] = field(default_factory=list)


def availability(expert: ExpertFact, today: date, soon_days: int = SOON_DAYS) -> str:
    """``now``, ``soon`` (within ``soon_days``), ``later`` or ``ended``."""
    if expert.available_until is not None and expert.available_until < today:
        return "ended"
    if expert.available_from is None or expert.available_from <= today:
        return "now"
    return "soon" if (expert.available_from - today).days <= soon_days else "later"


def _shared(theirs: Iterable[str], ours: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(set(theirs) & ours))


def match(
    found: Iterable[Gap],
    experts: Iterable[ExpertFact],
    courses: Iterable[CourseFact],
    languages: Iterable[str],
    today: date,
    *,
    soon_days: int = SOON_DAYS,
    exclude_member: str | None = None,
) -> list[GapMatch]:
    """For each gap, the experts whose fields cover the item, who share a language with the member and who are
    available now or soon (now first, then more languages shared, then by name), and the courses whose topics
    cover it, in a shared language, not yet over (soonest first). ``languages`` empty: the member's languages are
    not known and nothing is filtered on language. ``exclude_member``: the member itself (its own experts are not
    offered to it). Ties are broken on the id, so two runs give the same order."""
    ours = frozenset(languages)
    experts, courses = list(experts), list(courses)
    rank = {"now": 0, "soon": 1}
    out = []
    for gap in found:
        code = gap.item.code
        em = []
        for e in experts:
            if code not in e.fields or e.member == exclude_member:
                continue
            when = availability(e, today, soon_days)
            shared = _shared(e.languages, ours)
            if when not in rank or (ours and not shared):
                continue
            em.append(ExpertMatch(e, when, shared))
        em.sort(key=lambda m: (rank[m.availability], -len(m.shared_languages), m.expert.name, m.expert.id))
        cm = []
        for c in courses:
            if code not in c.topics or (c.ends_on or c.starts_on) < today:
                continue
            shared = _shared(c.languages, ours)
            if ours and c.languages and not shared:
                continue
            cm.append(CourseMatch(c, shared))
        cm.sort(key=lambda m: (m.course.starts_on, m.course.title, m.course.id))
        out.append(GapMatch(gap, em, cm))
    return out
