"""The legal-basis finder on hand-made facts (pure: no database): what counts as in force for both states, what
reservations take away, EU-internal instruments, bilateral treaties and conventions standing in for them,
reciprocity, and certainty never above the weakest source."""

from __future__ import annotations

from datetime import date

import pytest

from liaison.legal.basis import find_basis
from liaison.legal.facts import (
    InstrumentFact,
    JurisdictionFact,
    LegalFacts,
    ParticipationFact,
    ProfileFact,
    ProvisionFact,
    ReservationFact,
    Source,
)

ON = date(2026, 6, 1)
FRESH = Source("Depositary", "https://example.org/status", date(2026, 5, 1), verified=True)
UNVERIFIED = Source("Depositary", "https://example.org/status", date(2026, 5, 1))
OLD = Source("Depositary", "", date(2020, 1, 1), verified=True)
DEMO = Source("Demonstration data", "", date(2026, 5, 1), demo=True)


def _conv(code: str, kinds=("mla", "extradition"), org="UN", kind="convention", parties=(), binds=False):
    provisions = (
        ProvisionFact(f"{code}:ext", "Art. 9(2)", "extradition_basis", "may be the legal basis"),
        ProvisionFact(f"{code}:mla", "Art. 10", "mla", "greatest measure of assistance"),
        ProvisionFact(f"{code}:pol", "Art. 11", "depoliticisation", "not political"),
    )
    return InstrumentFact(code, code.title(), code.upper(), kind, org, date(1997, 12, 15), date(2001, 5, 23), binds,
                          tuple(kinds), tuple(parties), provisions, FRESH)  # fmt: skip


def _party(state, code, *, consent="ratification", in_force=date(2005, 1, 1), withdrawn=None, res=(), src=FRESH):
    return ParticipationFact(state, code, consent, date(2000, 1, 1), in_force if consent else None,
                             in_force if consent else None, withdrawn, tuple(res), src)  # fmt: skip


def _profile(state, *, mla=False, ext=True, reciprocity=True, src=FRESH):
    return ProfileFact(state, mla, ext, reciprocity, False, False, 12, 0, (), ("en",), "", src)


def facts(*instruments, parts=(), profiles=None, orgs=None) -> LegalFacts:
    f = LegalFacts()
    orgs = orgs or {}
    for code in ("FR", "JP", "DE", "US"):
        f.jurisdictions[code] = JurisdictionFact(code, code, tuple(orgs.get(code, ("UN",))), FRESH)
    for i in instruments:
        f.instruments[i.code] = i
    for p in parts:
        f.participations[(p.jurisdiction, p.instrument)] = p
    for p in profiles if profiles is not None else [_profile(c) for c in ("FR", "JP", "DE", "US")]:
        f.profiles[p.jurisdiction] = p
    return f


def test_in_force_for_both_counts_and_cites_each_participation():
    f = facts(_conv("bomb"), parts=[_party("FR", "bomb"), _party("JP", "bomb")])
    a = find_basis(f, "FR", "JP", "mla", ON)
    assert a.verdict == "treaty" and [i.instrument for i in a.items] == ["bomb"]
    labels = [c.label for c in a.citations]
    assert any(lbl.startswith("FR: BOMB") for lbl in labels) and any(lbl.startswith("JP: BOMB") for lbl in labels)
    assert "BOMB, Art. 10" in labels and "JP: cooperation profile" in labels
    assert [p.role for p in a.items[0].provisions] == ["mla", "depoliticisation"]
    assert a.certainty == "verified"


@pytest.mark.parametrize(
    ("jp", "reason"),
    [
        (None, "JP is not a party"),
        (_party("JP", "bomb", consent=""), "JP has signed but not ratified"),
        (_party("JP", "bomb", withdrawn=date(2020, 1, 1)), "JP withdrew on 2020-01-01"),
        (_party("JP", "bomb", in_force=date(2027, 1, 1)), "not yet in force for JP"),
    ],
)
def test_one_side_signed_withdrawn_or_not_yet_does_not_count_and_says_why(jp, reason):
    parts = [_party("FR", "bomb")] + ([jp] if jp else [])
    a = find_basis(facts(_conv("bomb"), parts=parts), "FR", "JP", "extradition", ON)
    assert a.items == [] and a.verdict == "none"  # JP needs a treaty to extradite
    assert any(reason in n for n in a.notes), a.notes


def test_a_withdrawal_after_the_day_asked_still_counts():
    parts = [_party("FR", "bomb"), _party("JP", "bomb", withdrawn=date(2026, 7, 1))]
    assert find_basis(facts(_conv("bomb"), parts=parts), "FR", "JP", "mla", ON).verdict == "treaty"


def test_reservation_excluding_the_kind_takes_the_instrument_away_only_for_that_kind():
    res = ReservationFact("reservation", "", "excludes_kind", "extradition", "", UNVERIFIED)
    f = facts(_conv("bomb"), parts=[_party("FR", "bomb"), _party("JP", "bomb", res=[res])])
    assert find_basis(f, "FR", "JP", "extradition", ON).items == []
    assert any("excludes it as a basis" in n for n in find_basis(f, "FR", "JP", "extradition", ON).notes)
    assert [i.instrument for i in find_basis(f, "FR", "JP", "mla", ON).items] == ["bomb"]


def test_no_treaty_basis_works_both_ways_for_extradition():
    res = ReservationFact("declaration", "", "no_treaty_basis", "", "", FRESH)
    f = facts(_conv("bomb"), parts=[_party("FR", "bomb", res=[res]), _party("JP", "bomb")])
    assert find_basis(f, "JP", "FR", "extradition", ON).items == []
    assert find_basis(f, "FR", "JP", "extradition", ON).items == []
    assert find_basis(f, "FR", "JP", "mla", ON).items


def test_an_excluded_article_removes_it_and_the_instrument_when_nothing_carries_the_request():
    res = ReservationFact("reservation", "Art. 9", "excludes_article", "", "", UNVERIFIED)
    f = facts(_conv("bomb"), parts=[_party("FR", "bomb"), _party("JP", "bomb", res=[res])])
    ext = find_basis(f, "FR", "JP", "extradition", ON)
    assert ext.items == [] and any("excluded by JP" in n for n in ext.notes)
    res11 = ReservationFact("reservation", "Art. 11", "excludes_article", "", "", UNVERIFIED)
    f = facts(_conv("bomb"), parts=[_party("FR", "bomb"), _party("JP", "bomb", res=[res11])])
    mla = find_basis(f, "FR", "JP", "mla", ON)
    assert [p.article for p in mla.items[0].provisions] == ["Art. 10"]
    assert mla.items[0].reservations and mla.certainty == "unverified"  # the reservation's source is cited


def test_eu_internal_instrument_binds_by_membership_without_participations():
    eaw = _conv("eaw", kinds=("extradition",), org="EU", kind="framework_decision", binds=True)
    f = facts(eaw, orgs={"FR": ("UN", "EU"), "DE": ("UN", "EU")})
    assert [i.instrument for i in find_basis(f, "FR", "DE", "extradition", ON).items] == ["eaw"]
    assert find_basis(f, "FR", "JP", "extradition", ON).items == []
    assert find_basis(f, "FR", "DE", "mla", ON).items == []  # it carries extradition only


def test_bilateral_present_versus_a_convention_standing_in():
    bilateral = _conv("fr-jp", kinds=("mla",), org="bilateral", kind="bilateral", parties=("FR", "JP"))
    conv = _conv("bomb")
    parts = [_party("FR", "bomb"), _party("JP", "bomb"), _party("FR", "bomb", in_force=date(2005, 1, 1))]
    strict = [_profile("JP", mla=True, ext=True), _profile("FR")]
    with_bilateral = find_basis(facts(bilateral, conv, parts=parts, profiles=strict), "FR", "JP", "mla", ON)
    assert with_bilateral.bilateral and [i.instrument for i in with_bilateral.items] == ["fr-jp", "bomb"]
    assert not any(i.stands_in for i in with_bilateral.items)
    without = find_basis(facts(conv, parts=parts, profiles=strict), "FR", "JP", "mla", ON)
    assert not without.bilateral and without.treaty_required and without.items[0].stands_in
    assert any("stand in" in n for n in without.notes)
    other_pair = find_basis(facts(bilateral, parts=[], profiles=strict), "DE", "JP", "mla", ON)
    assert other_pair.items == []


def test_no_instrument_gives_reciprocity_or_none_by_the_requested_profile():
    f = facts(profiles=[_profile("JP", mla=False, reciprocity=True), _profile("US", mla=True)])
    assert find_basis(f, "FR", "JP", "mla", ON).verdict == "reciprocity"
    assert find_basis(f, "FR", "US", "mla", ON).verdict == "none"
    assert find_basis(f, "FR", "JP", "extradition", ON).verdict == "none"


def test_a_resolution_supports_but_is_never_the_basis():
    res = _conv("unscr-1373", kinds=("mla", "extradition"), kind="resolution", binds=True)
    f = facts(res, profiles=[_profile("JP", mla=False)])
    a = find_basis(f, "FR", "JP", "mla", ON)
    assert a.items == [] and a.verdict == "reciprocity"
    assert any("not themselves a treaty basis" in n for n in a.notes)
    assert any(c.label == "UNSCR-1373" for c in a.citations)


def test_certainty_is_the_weakest_and_demo_and_stale_are_said():
    parts = [_party("FR", "bomb", src=OLD), _party("JP", "bomb", src=DEMO)]
    a = find_basis(facts(_conv("bomb"), parts=parts), "FR", "JP", "mla", ON)
    assert a.certainty == "demo"
    assert any("Demonstration data" in n for n in a.notes) and any("over a year old" in n for n in a.notes)
    stale = find_basis(facts(_conv("bomb"), parts=[_party("FR", "bomb", src=OLD), _party("JP", "bomb")]),
                       "FR", "JP", "mla", ON)  # fmt: skip
    assert stale.certainty == "stale"
    missing = find_basis(facts(_conv("bomb"), parts=parts[:0], profiles=[]), "FR", "JP", "mla", ON)
    assert missing.certainty == "stale" and any("no cooperation profile" in c.label for c in missing.citations)


def test_unknown_kind_is_refused_and_answers_are_deterministic():
    f = facts(_conv("b"), _conv("a"), parts=[_party(s, c) for s in ("FR", "JP") for c in ("a", "b")])
    with pytest.raises(ValueError, match="request kind"):
        find_basis(f, "FR", "JP", "letters", ON)
    one, two = find_basis(f, "FR", "JP", "mla", ON), find_basis(f, "FR", "JP", "mla", ON)
    assert [i.instrument for i in one.items] == ["a", "b"] == [i.instrument for i in two.items]
    assert one.citations == two.citations
