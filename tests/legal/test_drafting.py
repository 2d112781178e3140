"""The completeness check on hand-built answers: each blocking reason, the warnings for weak certainty, and
a suggested dual-criminality statement written from the check's explanation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from liaison.legal.drafting import (
    RECIPROCITY,
    DraftView,
    check_request,
    dual_required,
    suggest_basis,
    suggest_statement,
)
from liaison.legal.facts import (
    BasisAnswer,
    BasisItem,
    Citation,
    DualAnswer,
    InstrumentFact,
    LegalFacts,
    ProfileFact,
    ProvisionFact,
    Source,
)

TODAY = date(2026, 12, 3)


def basis(*codes: str, reciprocity: bool = False, treaty_required: bool = True, certainty: str = "verified"):
    items = [
        BasisItem(c, c.upper(), "CoE", "convention", [], [], False, [Citation(c, certainty=certainty)]) for c in codes
    ]
    verdict = "treaty" if codes else "reciprocity" if reciprocity else "none"
    return BasisAnswer("FR", "JP", "mla", TODAY, items, False, treaty_required, reciprocity, verdict, certainty, [], [])


def dual(verdict: str = "met", certainty: str = "verified") -> DualAnswer:
    return DualAnswer(
        "FR",
        "JP",
        "extradition",
        ["kill", "intentional"],
        [],
        [],
        verdict,
        ["Penal Code Art. 199 (Murder): every element shown; penalty above 12 months."],
        certainty,
        [],
    )


def profile(**kw) -> ProfileFact:
    values = dict(
        jurisdiction="JP",
        treaty_required_mla=False,
        treaty_required_extradition=True,
        reciprocity_accepted=True,
        extradites_nationals=False,
        dual_criminality_mla=False,
        extradition_threshold_months=12,
        mla_threshold_months=0,
        assurances_required=("death_penalty", "fair_trial"),
        languages=("ja", "en"),
        source=Source("law", retrieved_on=TODAY, verified=True),
    )
    values.update(kw)
    return ProfileFact(**values)  # type: ignore[arg-type]


def draft(**kw) -> DraftView:
    values = dict(
        kind="extradition",
        requesting="FR",
        requested="JP",
        title="Surrender of a suspect",
        facts="On 1 March a bomb exploded in a station.",
        conduct=("kill", "intentional"),
        measures="Arrest and surrender.",
        legal_basis=("cets-030",),
        dual_criminality="The conduct is murder under Art. 199.",
        assurances=("death_penalty", "fair_trial"),
        language="en",
        deadline=date(2027, 1, 31),
        today=TODAY,
    )
    values.update(kw)
    return DraftView(**values)  # type: ignore[arg-type]


def blocking(result) -> list[str]:
    return [i.code for i in result.blocking]


def test_complete_draft_passes() -> None:
    result = check_request(draft(), basis("cets-030"), dual(), profile())
    assert result.complete and blocking(result) == [] and result.warnings == []
    assert result.certainty == "verified"
    assert result.as_dict()["complete"] is True


def test_each_missing_part_blocks_with_what_to_do() -> None:
    result = check_request(draft(title=" ", facts="", conduct=(), measures=""), basis("cets-030"), dual(), profile())
    assert blocking(result) == ["title", "facts", "conduct", "measures"]
    assert all(i.message for i in result.blocking)
    # a spontaneous information asks for nothing: no measures needed
    spontaneous = check_request(draft(kind="spontaneous", measures=""), basis("cets-030"), dual(), profile())
    assert "measures" not in blocking(spontaneous)


def test_legal_basis_must_be_chosen_among_the_instruments_found() -> None:
    result = check_request(draft(legal_basis=()), basis("cets-030", "un-1373"), dual(), profile())
    assert blocking(result) == ["basis"] and "cets-030, un-1373" in result.blocking[0].message
    wrong = check_request(draft(legal_basis=("eu-2017-541",)), basis("cets-030"), dual(), profile())
    assert blocking(wrong) == ["basis.eu-2017-541"] and "cets-030" in wrong.blocking[0].message
    nothing = check_request(draft(legal_basis=()), basis(), dual(), profile())
    assert "reciprocity" in nothing.blocking[0].message


def test_reciprocity_only_when_the_requested_state_accepts_it() -> None:
    accepted = basis(reciprocity=True, treaty_required=False)
    assert check_request(draft(legal_basis=(RECIPROCITY,)), accepted, dual(), profile()).complete
    refused = basis(reciprocity=False, treaty_required=True)
    result = check_request(draft(legal_basis=(RECIPROCITY,)), refused, dual(), profile())
    assert blocking(result) == ["basis.reciprocity"]
    hint = check_request(draft(legal_basis=()), accepted, dual(), profile())
    assert "choose reciprocity" in hint.blocking[0].message


def test_dual_criminality_statement_and_verdict() -> None:
    assert dual_required("extradition", None) and not dual_required("mla", profile())
    assert dual_required("mla", profile(dual_criminality_mla=True))
    no_statement = check_request(draft(dual_criminality=""), basis("cets-030"), dual(), profile())
    assert blocking(no_statement) == ["dual.statement"]
    assert "Art. 199" in no_statement.suggested_statement and "JP" in no_statement.suggested_statement
    not_met = check_request(draft(), basis("cets-030"), dual("not_met"), profile())
    assert blocking(not_met) == ["dual.verdict"]
    unknown = check_request(draft(), basis("cets-030"), dual("unknown"), profile())
    assert unknown.complete and [i.code for i in unknown.warnings] == ["dual.verdict"]
    # MLA to a state that does not ask for dual criminality: no statement needed, the verdict is not held against it
    mla = check_request(draft(kind="mla", dual_criminality=""), basis("cets-030"), dual("not_met"), profile())
    assert mla.complete and not mla.dual_required
    strict = check_request(
        draft(kind="mla", dual_criminality=""), basis("cets-030"), dual(), profile(dual_criminality_mla=True)
    )
    assert blocking(strict) == ["dual.statement"]


def test_every_required_assurance_is_given() -> None:
    result = check_request(draft(assurances=("fair_trial",)), basis("cets-030"), dual(), profile())
    assert blocking(result) == ["assurance.death_penalty"]
    assert "death penalty" in result.blocking[0].message
    more = profile(assurances_required=("death_penalty", "fair_trial", "no_torture", "speciality"))
    assert blocking(check_request(draft(), basis("cets-030"), dual(), more)) == [
        "assurance.no_torture",
        "assurance.speciality",
    ]


def test_language_must_be_accepted() -> None:
    result = check_request(draft(language="fr"), basis("cets-030"), dual(), profile())
    assert blocking(result) == ["language"] and "ja, en" in result.blocking[0].message
    assert blocking(check_request(draft(language=""), basis("cets-030"), dual(), profile())) == ["language"]
    assert check_request(draft(language="jpn"), basis("cets-030"), dual(), profile()).complete


def test_deadline_in_the_future() -> None:
    assert blocking(check_request(draft(deadline=None), basis("cets-030"), dual(), profile())) == ["deadline"]
    assert blocking(check_request(draft(deadline=TODAY), basis("cets-030"), dual(), profile())) == ["deadline"]


def test_weak_certainty_and_missing_profile_are_said() -> None:
    demo = check_request(draft(), basis("cets-030", certainty="demo"), dual(), profile())
    assert demo.complete and demo.certainty == "demo"
    assert [i.code for i in demo.warnings] == ["certainty"] and "demonstration" in demo.warnings[0].message
    unverified = check_request(draft(), basis("cets-030"), dual(certainty="unverified"), profile())
    assert unverified.certainty == "unverified" and "unverified" in unverified.warnings[0].message
    stale_profile = profile(source=Source("law", retrieved_on=date(2020, 1, 1), verified=True))
    assert check_request(draft(), basis("cets-030"), dual(), stale_profile).certainty == "stale"
    none = check_request(draft(assurances=()), basis("cets-030"), dual(), None)
    assert none.complete and "profile" in [i.code for i in none.warnings]


def test_suggested_statement_empty_without_explanation() -> None:
    assert suggest_statement(replace(dual(), explanation=[])) == ""


def instrument(code: str, *behaviours: str) -> InstrumentFact:
    offences = tuple(
        ProvisionFact(f"{code}:offence-{b}", "Art. 2", "offence", elements=(b, "intentional")) for b in behaviours
    )
    return InstrumentFact(code, code, code, "convention", "UN", None, None, False, ("extradition",), (), offences)


def test_suggested_basis_fits_the_conduct() -> None:
    legal = LegalFacts(
        instruments={
            i.code: i for i in (instrument("un-hague", "seize_transport"), instrument("un-financing", "finance"))
        }
    )
    found = basis("un-hague", "un-financing")
    assert suggest_basis(found, legal, ["finance", "intentional"]) == ["un-financing"]
    assert suggest_basis(found, legal, ["kill"]) == ["un-hague"]  # none fits: the first found
    assert suggest_basis(basis(reciprocity=True, treaty_required=False), legal, ["kill"]) == [RECIPROCITY]
    assert suggest_basis(basis(), legal, ["kill"]) == []
