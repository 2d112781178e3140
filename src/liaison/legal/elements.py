"""Conduct elements: the vocabulary in which the facts of a case, national offences and the international offence
models are all written, so that dual criminality is tested on the conduct and not on an offence's label.

Five facets, as in the issue and in the structure of the offence definitions themselves:

- ``behaviour``: what was done (kill, take hostages, finance, travel, ...);
- ``purpose``: the aim that makes it terrorist (intimidate a population, compel a government, destabilise);
- ``intent``: the mental element (intentionally, knowing the purpose);
- ``context``: circumstances an offence requires (may seriously damage a country, a transnational element);
- ``exclusion``: circumstances that take conduct out of an offence (armed forces under humanitarian law, ...).
  In an offence's or model's ``elements`` an exclusion means "not if this is present".

Each behaviour is aligned with the UNODC International Classification of Crime for Statistical Purposes (ICCS,
2015) at the level of its categories: ``iccs`` is the ICCS code the behaviour falls under (``0906`` "Acts related
to terrorism" for the terrorism-specific behaviours, whose ICCS subcategories are given where ICCS has one).
Labels are English here and translated through the catalogs (:func:`label`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from liaison.i18n import lazy_gettext as N_

FACETS = ("behaviour", "purpose", "intent", "context", "exclusion")

# Life imprisonment, as a maximum penalty in months: above every threshold, shown as "life".
LIFE = 9999


@dataclass(frozen=True, slots=True)
class Element:
    code: str
    facet: str
    label: object  # a lazy translation: str(label) in the current language
    iccs: str = ""


def _e(code: str, facet: str, label: object, iccs: str = "") -> Element:
    return Element(code, facet, label, iccs)


ELEMENTS: dict[str, Element] = {
    e.code: e
    for e in (
        # behaviour
        _e("kill", "behaviour", N_("Killing a person"), "0101"),
        _e("injure", "behaviour", N_("Attacking a person's physical integrity"), "0201"),
        _e("kidnap", "behaviour", N_("Kidnapping"), "0202"),
        _e("hostage_taking", "behaviour", N_("Hostage-taking"), "0202"),
        _e("attack_protected_person", "behaviour", N_("Attacking an internationally protected person"), "0201"),
        _e(
            "destroy_property", "behaviour", N_("Causing extensive destruction to a facility or infrastructure"), "0504"
        ),
        _e("seize_transport", "behaviour", N_("Seizing an aircraft, ship or means of transport"), "0903"),
        _e("endanger_aviation", "behaviour", N_("Endangering the safety of civil aviation or an airport"), "0902"),
        _e("endanger_maritime", "behaviour", N_("Endangering maritime navigation or a fixed platform"), "0902"),
        _e("weapons_explosives", "behaviour", N_("Making, holding or using weapons or explosives"), "0901"),
        _e("cbrn", "behaviour", N_("Nuclear, radiological, biological or chemical weapons or material"), "0901"),
        _e("bombing", "behaviour", N_("Delivering or detonating an explosive device in a public place"), "0901"),
        _e("release_dangerous", "behaviour", N_("Releasing dangerous substances, causing fires or floods"), "0902"),
        _e("interfere_utilities", "behaviour", N_("Interfering with water, power or another vital resource"), "0902"),
        _e("system_interference", "behaviour", N_("Seriously hindering an information system"), "0902"),
        _e("threaten", "behaviour", N_("Threatening to commit a terrorist act"), "0201"),
        _e("direct_group", "behaviour", N_("Directing a terrorist group"), "09061"),
        _e("participate_group", "behaviour", N_("Participating in a terrorist group"), "09061"),
        _e("finance", "behaviour", N_("Providing or collecting funds"), "09062"),
        _e("public_provocation", "behaviour", N_("Publicly provoking a terrorist offence"), "09069"),
        _e("recruit", "behaviour", N_("Recruiting for terrorism"), "09069"),
        _e("provide_training", "behaviour", N_("Providing training for terrorism"), "09069"),
        _e("receive_training", "behaviour", N_("Receiving training for terrorism"), "09069"),
        _e("travel", "behaviour", N_("Travelling abroad for terrorism"), "09069"),
        _e("facilitate_travel", "behaviour", N_("Organising or facilitating travel for terrorism"), "09069"),
        _e("aggravated_theft", "behaviour", N_("Aggravated theft"), "0502"),
        _e("extortion", "behaviour", N_("Extortion"), "0204"),
        _e("forge_documents", "behaviour", N_("Forging administrative documents"), "0703"),
        # purpose
        _e("intimidate_population", "purpose", N_("Seriously intimidating a population")),
        _e("compel_government", "purpose", N_("Unduly compelling a government or international organisation")),
        _e("destabilise_structures", "purpose", N_("Destabilising a country's fundamental structures")),
        _e("ideological_motive", "purpose", N_("A political, religious or ideological cause")),
        # intent
        _e("intentional", "intent", N_("Intentionally")),
        _e("knowing_terrorist_purpose", "intent", N_("Knowing it is to be used for a terrorist offence")),
        _e(
            "aim_terrorist_offence",
            "intent",
            N_("For the purpose of committing or contributing to a terrorist offence"),
        ),
        # context
        _e("serious_damage", "context", N_("May seriously damage a country or an international organisation")),
        _e("transnational", "context", N_("A transnational element")),
        _e("public_place", "context", N_("A public place, state facility or transport system")),
        _e("online", "context", N_("Committed online")),
        # exclusion
        _e("armed_forces_ihl", "exclusion", N_("Armed forces in an armed conflict under humanitarian law")),
        _e("self_determination", "exclusion", N_("A people's struggle for self-determination")),
        _e("advocacy_protest", "exclusion", N_("Advocacy, protest or dissent not meant to cause harm")),
    )
}


class UnknownCode(ValueError):
    """An unknown conduct element (or instrument, or member) code, with the nearest known ones."""

    def __init__(self, kind: str, code: str, suggestions: list[str]) -> None:
        self.kind, self.code, self.suggestions = kind, code, suggestions
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown {kind} {code!r}{hint}")


def suggest(code: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The nearest known codes to a mistyped one."""
    return difflib.get_close_matches(code.strip().lower(), sorted(known), n=n, cutoff=0.5)


def check_codes(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The codes, stripped and in order without repeats; raises :class:`UnknownCode` on the first unknown."""
    out: list[str] = []
    for raw in codes:
        code = raw.strip()
        if code not in ELEMENTS:
            raise UnknownCode("conduct element", code, suggest(code, ELEMENTS.keys()))
        if code not in out:
            out.append(code)
    return out


def label(code: str) -> str:
    """The element's label in the current language (the code itself if unknown)."""
    found = ELEMENTS.get(code)
    return str(found.label) if found else code


def by_facet(codes: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {f: [] for f in FACETS}
    for code in codes:
        found = ELEMENTS.get(code)
        if found:
            out[found.facet].append(code)
    return out


def penalty_text(months: int | None) -> str:
    """A maximum penalty for people: "life", "10 years", "18 months", or "not stated"."""
    from liaison.i18n import _, ngettext

    if months is None:
        return _("not stated")
    if months >= LIFE:
        return _("life imprisonment")
    if months % 12 == 0:
        return ngettext("%(num)s year", "%(num)s years", months // 12)
    return ngettext("%(num)s month", "%(num)s months", months)
