"""The conduct-based dual-criminality core on facts built by hand: matching semantics, verdicts, explanations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.errors import InvalidInput
from liaison.legal.dual import check_dual, element_coverage, match_offence, parse_case
from liaison.legal.elements import ELEMENTS, LIFE
from liaison.legal.facts import LegalFacts, Source
from tests.legal.offences_support import ON, offence, profile

TERROR_KILLING = {"kill", "intentional", "intimidate_population", "serious_damage"}
ACTS = ("kill", "injure", "hostage_taking")
AIMS = ("intimidate_population", "compel_government")


def facts_with(**offences: tuple) -> LegalFacts:  # type: ignore[type-arg]
    f = LegalFacts()
    f.offences = {state: tuple(found) for state, found in offences.items()}
    f.revision = id(f)
    return f


# -- match_offence --


def test_all_elements_present_is_full() -> None:
    m = match_offence(offence("s. 1", ("kill", "intentional")), TERROR_KILLING, 12)
    assert m.full and m.coverage == 1.0 and m.matched == ["kill", "intentional"] and m.missing == []
    assert m.threshold_met is True


def test_a_missing_element_is_partial_and_named() -> None:
    m = match_offence(offence("s. 2", ("finance", "intentional", "knowing_terrorist_purpose")), TERROR_KILLING, 12)
    assert not m.full and m.coverage == pytest.approx(1 / 3)
    assert m.missing == ["finance", "knowing_terrorist_purpose"]


def test_any_of_needs_one_of_each_group() -> None:
    o = offence("s. 3", ("intentional",), (ACTS, AIMS))
    assert match_offence(o, {"injure", "intentional", "compel_government"}, 12).full
    m = match_offence(o, {"injure", "intentional"}, 12)
    assert not m.full and m.missing == ["intimidate_population|compel_government"]
    assert m.coverage == pytest.approx(2 / 3)


def test_an_exclusion_present_takes_the_conduct_out_of_the_offence() -> None:
    o = offence("s. 4", ("intentional", "self_determination"), (ACTS, AIMS))
    assert match_offence(o, TERROR_KILLING, 12).full
    m = match_offence(o, TERROR_KILLING | {"self_determination"}, 12)
    assert not m.full and m.excluded_by == ["self_determination"] and m.coverage == 1.0


@pytest.mark.parametrize(
    ("penalty", "threshold", "met"),
    [(120, 12, True), (12, 12, True), (6, 12, False), (None, 12, None), (LIFE, 36, True), (None, 0, True)],
)
def test_penalty_threshold(penalty: int | None, threshold: int, met: bool | None) -> None:
    m = match_offence(offence("s. 5", ("kill",), penalty=penalty), {"kill"}, threshold)
    assert m.threshold_met is met and m.threshold_months == threshold


def test_an_offence_without_elements_matches_nothing() -> None:
    m = match_offence(offence("s. 6", ()), TERROR_KILLING, 12)
    assert not m.full and m.coverage == 0.0


codes = st.sets(st.sampled_from(sorted(ELEMENTS)), max_size=12)
plain = st.sampled_from(sorted(c for c, e in ELEMENTS.items() if e.facet != "exclusion"))
groups = st.lists(st.lists(plain, min_size=1, max_size=4).map(tuple), max_size=3).map(tuple)


@settings(max_examples=300, deadline=None)
@given(st.lists(plain, min_size=1, max_size=5).map(tuple), groups, codes, codes)
def test_more_facts_never_lower_coverage(elements: tuple, any_of: tuple, conduct: set, more: set) -> None:  # type: ignore[type-arg]
    o = offence("p", elements, any_of)
    assert match_offence(o, conduct | more, 12).coverage >= match_offence(o, conduct, 12).coverage


@settings(max_examples=300, deadline=None)
@given(st.lists(plain, min_size=1, max_size=5).map(tuple), groups, codes)
def test_every_element_in_the_facts_and_no_exclusion_is_full(elements: tuple, any_of: tuple, extra: set) -> None:  # type: ignore[type-arg]
    o = offence("p", elements, any_of)
    conduct = set(elements) | {g[0] for g in any_of} | {c for c in extra if ELEMENTS[c].facet != "exclusion"}
    m = match_offence(o, conduct, 12)
    assert m.full and m.coverage == 1.0 and m.missing == []


# -- check_dual --


def test_the_conduct_not_the_label_a_plain_murder_offence_matches_a_terrorist_killing() -> None:
    facts = facts_with(
        DE=(offence("§ 211 StGB", ("kill", "intentional"), penalty=LIFE, state="DE", label="Mord"),),
        FR=(offence("art. 421-1", ("intentional",), (ACTS, AIMS), penalty=LIFE, state="FR"),),
    )
    a = check_dual(facts, TERROR_KILLING, "FR", "DE", "extradition", ON)
    assert a.verdict == "met" and a.requested_matches[0].full
    text = " ".join(a.explanation)
    assert "§ 211 StGB" in text and "Mord" in text and "life imprisonment" in text
    assert "12-month threshold" in text and "art. 421-1" in text
    assert a.certainty == "demo" and "Demonstration data" in text
    assert {c.label for c in a.citations} == {"§ 211 StGB (DE)", "art. 421-1 (FR)"}


def test_not_met_when_no_offence_is_made_out_or_the_penalty_is_too_low() -> None:
    low = offence("s. 9", ("kill", "intentional"), penalty=6, state="DE")
    facts = facts_with(DE=(low,), FR=(offence("a", ("kill",), state="FR"),))
    facts.profiles["DE"] = profile("DE", extradition=12)
    a = check_dual(facts, TERROR_KILLING, "FR", "DE", "extradition", ON)
    assert a.verdict == "not_met" and "below the 12-month threshold" in " ".join(a.explanation)
    a = check_dual(facts, {"finance", "intentional"}, "FR", "DE", "extradition", ON)
    assert a.verdict == "not_met" and a.requested_matches == []


def test_the_requesting_side_counts_too() -> None:
    facts = facts_with(
        DE=(offence("s. 1", ("kill", "intentional"), state="DE"),),
        FR=(offence("s. 2", ("finance", "intentional"), state="FR"),),
    )
    a = check_dual(facts, TERROR_KILLING, "FR", "DE", "extradition", ON)
    assert a.verdict == "not_met" and "In FR no recorded offence is made out" in " ".join(a.explanation)
    only_requested = facts_with(DE=facts.offences["DE"])
    a = check_dual(only_requested, TERROR_KILLING, "FR", "DE", "extradition", ON)
    assert a.verdict == "met" and "only DE's law is checked" in " ".join(a.explanation)


def test_unknown_when_nothing_is_recorded_or_the_penalty_is_not_stated() -> None:
    assert check_dual(facts_with(), TERROR_KILLING, "FR", "DE", "extradition", ON).verdict == "unknown"
    facts = facts_with(DE=(offence("s. 1", ("kill",), penalty=None, state="DE"),))
    a = check_dual(facts, TERROR_KILLING, "FR", "DE", "extradition", ON)
    assert a.verdict == "unknown" and "cannot be checked" in " ".join(a.explanation)


def test_not_required_for_spontaneous_information_and_for_mla_where_the_profile_says_so() -> None:
    facts = facts_with(JP=(offence("s. 1", ("kill", "intentional"), state="JP"),))
    facts.profiles["JP"] = profile("JP", extradition=36, mla=0, dual_mla=False)
    a = check_dual(facts, TERROR_KILLING, "FR", "JP", "spontaneous", ON)
    assert a.verdict == "not_required" and a.requested_matches
    a = check_dual(facts, TERROR_KILLING, "FR", "JP", "mla", ON)
    assert a.verdict == "not_required" and a.requested_matches[0].full
    assert "does not require dual criminality" in " ".join(a.explanation)
    facts.profiles["JP"] = profile("JP", mla=12, dual_mla=True)
    assert check_dual(facts, TERROR_KILLING, "FR", "JP", "mla", ON).verdict == "met"
    a = check_dual(facts, {"finance"}, "FR", "JP", "mla", ON)
    assert a.verdict == "not_met"


def test_offences_not_in_force_are_left_out_and_best_matches_come_first() -> None:
    repealed = offence("old", ("kill", "intentional"), state="DE", repealed_on=date(2020, 1, 1))
    partial = offence("p", ("kill", "intentional", "ideological_motive"), penalty=LIFE, state="DE")
    small = offence("small", ("kill",), penalty=60, state="DE")
    big = offence("big", ("kill", "intentional"), penalty=LIFE, state="DE")
    facts = facts_with(DE=(repealed, partial, small, big))
    a = check_dual(facts, TERROR_KILLING, "DE", "DE", "extradition", ON)
    assert [m.offence.citation for m in a.requested_matches] == ["big", "small", "p"]


def test_unverified_and_verified_sources_are_said() -> None:
    unverified = Source("Official gazette", retrieved_on=ON, verified=False)
    facts = facts_with(DE=(offence("s. 1", ("kill",), state="DE", source=unverified),))
    a = check_dual(facts, {"kill"}, "DE", "DE", "extradition", ON)
    assert a.certainty == "unverified" and "unverified" in a.explanation[-1]
    facts = facts_with(DE=(replace(facts.offences["DE"][0], source=replace(unverified, verified=True)),))
    a = check_dual(facts, {"kill"}, "DE", "DE", "extradition", ON)
    assert a.certainty == "verified" and not any("Demonstration" in line for line in a.explanation)


def test_the_index_follows_the_facts_revision() -> None:
    facts = facts_with(DE=(offence("s. 1", ("kill",), state="DE"),))
    assert check_dual(facts, {"kill"}, "FR", "DE", "extradition", ON).verdict == "met"
    facts.offences = {"DE": (offence("s. 2", ("finance",), state="DE"),)}
    facts.revision += 1
    assert check_dual(facts, {"kill"}, "FR", "DE", "extradition", ON).verdict == "not_met"


# -- element_coverage --


def test_element_coverage() -> None:
    assert (
        element_coverage(("finance", "intentional"), (), ("finance", "intentional", "knowing_terrorist_purpose"), ())
        == 1.0
    )
    assert element_coverage(("kill", "intentional"), (), ("intentional",), (ACTS, AIMS)) == pytest.approx(
        (1 / 3 + 1) / 2
    )
    assert (
        element_coverage(
            ("intentional",),
            (("direct_group", "participate_group"),),
            ("intentional",),
            (("direct_group", "participate_group"),),
        )
        == 1.0
    )
    narrower = element_coverage(("intentional", "self_determination"), (ACTS, AIMS), ("intentional",), (ACTS, AIMS))
    assert narrower == pytest.approx(3 / 4)
    assert element_coverage((), (), ("kill",), ()) == 0.0


# -- the facts of a case --


def test_parse_case_refuses_unknown_codes_with_suggestions() -> None:
    with pytest.raises(InvalidInput) as e:
        parse_case({"conduct": ["finanse"], "requesting": "FR"}, today=ON)
    assert e.value.field == "conduct" and "finance" in e.value.detail
    with pytest.raises(InvalidInput):
        parse_case({"conduct": ["kill"], "requesting": "FR", "kind": "extradite"}, today=ON)
    with pytest.raises(InvalidInput):
        parse_case({"conduct": ["kill"], "requesting": "FR", "on": "2026-02-30"}, today=ON)
    with pytest.raises(InvalidInput):
        parse_case(["kill"], today=ON)
    case = parse_case({"conduct": [" kill", "kill", "intentional"], "requesting": "fr"}, today=ON)
    assert case.conduct == ("kill", "intentional") and case.requesting == "FR" and case.kind == "extradition"
    assert case.on == ON
