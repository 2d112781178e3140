"""The crosswalk, gap report and definition comparator on a hand-built world whose answers were worked out by hand
(tests/legal/compare_world.py)."""

from __future__ import annotations

import pytest

from liaison.legal.compare import (
    TooFewMembers,
    compare_definitions,
    comparison_dict,
    crosswalk,
    element_coverage,
    jaccard,
    report_dict,
)
from liaison.legal.elements import UnknownCode
from tests.legal.compare_world import ART3_ACTS, TODAY, legal_facts


def rows(member: str, against: str = "eu-2017-541"):  # type: ignore[no-untyped-def]
    report = crosswalk(legal_facts(), member, against, on=TODAY)
    return report, {r.model.code: r for r in report.rows}


def test_a_reviewed_mapping_wins_over_the_computed_coverage() -> None:
    report, by = rows("fr")
    art3 = by["eu-2017-541:art-3"]
    assert art3.status == "covered" and art3.best is not None and art3.best.basis == "reviewed"
    assert art3.best.mapping is not None and art3.best.mapping.reviewed_by == "Secretariat reviewer"
    assert art3.missing == []
    # the elements alone would say partial: serious_damage is not in the French offence
    computed = element_coverage(
        art3.best.offence.elements, art3.best.offence.any_of, art3.model.elements, art3.model.any_of
    )
    assert computed.level == "partial" and "serious_damage" in computed.missing
    assert art3.best.score == computed.score


def test_computed_partial_lists_what_is_missing_and_says_it_is_computed() -> None:
    report, by = rows("FR")
    art11 = by["eu-2017-541:art-11"]
    assert art11.status == "partial" and art11.best is not None and art11.best.basis == "computed"
    assert art11.best.score == pytest.approx(2 / 3, abs=1e-3)
    assert art11.missing == ["knowing_terrorist_purpose"]
    assert art11.best.offence.citation == "Code pénal, art. 421-2-2"
    assert "computed" in report.notes
    # a computed coverage on verified sources is still not a verified finding
    assert art11.certainty == "unverified" and by["eu-2017-541:art-3"].certainty == "verified"


def test_gap_when_no_offence_reaches_the_model() -> None:
    report, by = rows("FR")
    art4 = by["eu-2017-541:art-4"]
    assert art4.status == "gap" and art4.best is None
    assert art4.missing == ["participate_group", "intentional", "knowing_terrorist_purpose"]
    assert report.counts == {"covered": 1, "partial": 1, "gap": 1}
    assert report.certainty == "unverified" and not report.demo
    out = report_dict(report)
    assert [r["status"] for r in out["rows"]] == ["covered", "gap", "partial"]
    assert out["rows"][1]["missing"][0] == {
        "code": "participate_group",
        "label": "Participating in a terrorist group",
        "facet": "behaviour",
    }
    assert out["rows"][0]["best"]["reviewed_by"] == "Secretariat reviewer"
    assert all(c["certainty"] for c in out["citations"])


def test_an_unreviewed_mapping_is_said_as_such() -> None:
    _report, by = rows("DE")
    art3 = by["eu-2017-541:art-3"]
    assert art3.status == "partial" and art3.best is not None and art3.best.basis == "mapped"
    assert art3.certainty == "unverified"


def test_demo_data_makes_the_report_demo() -> None:
    report, by = rows("JP")
    assert report.demo and report.certainty == "demo"
    # no mapping; the bombing offence reaches Art. 3's acts and one aim, but also requires a motive Art. 3 does not
    art3 = by["eu-2017-541:art-3"]
    assert art3.status == "partial" and art3.best is not None and art3.best.extra == ["ideological_motive"]
    assert "serious_damage" in art3.missing and "cbrn" in art3.missing


def test_named_targets() -> None:
    report, by = rows("FR", "un")
    assert list(by) == ["un-1999-financing:art-2"]  # the resolution is not an offence model
    assert by["un-1999-financing:art-2"].status == "partial"
    report, by = rows("FR", "cets-196")  # a named target not loaded yet: nothing to compare with, said
    assert report.rows == [] and "no_models" in report.notes


def test_unknown_member_and_target_are_refused_with_suggestions() -> None:
    facts = legal_facts()
    with pytest.raises(UnknownCode) as exc:
        crosswalk(facts, "FX", on=TODAY)
    assert exc.value.kind == "member" and "FR" in exc.value.suggestions
    with pytest.raises(UnknownCode) as exc:
        crosswalk(facts, "FR", "eu-2017-514", on=TODAY)
    assert exc.value.kind == "target" and "eu-2017-541" in exc.value.suggestions
    with pytest.raises(UnknownCode):
        compare_definitions(facts, ["FR", "DX"], on=TODAY)
    with pytest.raises(TooFewMembers):
        compare_definitions(facts, ["FR", "fr"], on=TODAY)


def test_element_coverage_rules() -> None:
    art3 = (("intentional", "serious_damage"), (ART3_ACTS, ("intimidate_population",)))
    # sharing only "intentionally" is no cover: no behaviour of the model is reached
    none = element_coverage(("finance", "intentional"), (), *art3)
    assert none.level == "none" and none.score == 0
    full = element_coverage(("intentional", "serious_damage", *ART3_ACTS, "intimidate_population"), (), *art3)
    assert full.level == "full" and full.score == 1 and full.missing == ()
    # an exclusion the model lacks narrows the offence
    narrower = element_coverage(("finance", "intentional", "self_determination"), (), ("finance", "intentional"), ())
    assert narrower.level == "partial" and narrower.extra == ("self_determination",)
    assert narrower.score == pytest.approx(2 / 3, abs=1e-3)


def test_comparator_core_divergences_extras_and_jaccard() -> None:
    c = compare_definitions(legal_facts(), ["FR", "de", "JP"], on=TODAY)
    defs = {d.code: d for d in c.members}
    assert defs["FR"].basis == "mapped" and defs["DE"].basis == "mapped" and defs["JP"].basis == "purpose"
    assert "release_dangerous" not in defs["JP"].elements  # the arson offence requires no purpose
    assert c.shared == ["kill", "intimidate_population", "intentional"]
    assert c.shared_by_facet["behaviour"] == ["kill"] and c.shared_by_facet["purpose"] == ["intimidate_population"]
    div = {d.element: (d.members, d.without) for d in c.divergences}
    assert div["injure"] == (["FR", "DE"], ["JP"])
    assert div["ideological_motive"] == (["JP"], ["FR", "DE"])
    assert set(div) == {
        "injure",
        "destroy_property",
        "bombing",
        "compel_government",
        "destabilise_structures",
        "ideological_motive",
        "serious_damage",
    }
    assert c.extras == {
        "FR": ["destroy_property"],
        "DE": ["destabilise_structures", "serious_damage"],
        "JP": ["bombing", "ideological_motive"],
    }
    assert c.similarity["FR"]["DE"] == 0.625 and c.similarity["DE"]["FR"] == 0.625
    assert c.similarity["FR"]["JP"] == 0.375 and c.similarity["DE"]["JP"] == 0.333
    assert c.similarity["JP"]["JP"] == 1.0
    assert [r.code for r in c.references] == ["eu-2017-541:art-3", "unscr-1566:para-3"]
    assert c.against_references["FR"]["eu-2017-541:art-3"] == round(6 / 17, 3)
    # UNSCR 1566 para. 3: {intentional, kill, injure, hostage_taking, intimidate_population, compel_government}
    assert c.against_references["FR"]["unscr-1566:para-3"] == round(5 / 7, 3)
    assert c.demo and c.certainty == "demo"  # Japan's offences are demonstration data
    out = comparison_dict(c)
    assert [e["code"] for e in out["shared"]] == c.shared and out["divergences"][0]["members"]


def test_jaccard() -> None:
    assert jaccard([], []) is None
    assert jaccard(["a"], []) == 0.0
    assert jaccard(["a", "b"], ["b", "c"]) == 0.333


def test_targets_are_listed_once_and_named() -> None:
    from liaison.legal.compare import target_codes

    facts = legal_facts()
    assert target_codes(facts) == ["eu-2017-541", "cets-196", "cets-217", "un", "un-1999-financing"]
    assert crosswalk(facts, "FR", "un", on=TODAY).target_name == "the UN counter-terrorism instruments"
    assert crosswalk(facts, "FR", "eu-2017-541", on=TODAY).target_name == "EU 2017/541"
