"""The bank's pure rules: who sees a statement by marking and contributor, audience numbers, review periods."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from liaison.bank.access import Audiences, Viewer, statement_visible
from liaison.bank.props import default_review_date, valid_prop

FR_ORG, DE_ORG = uuid.uuid4(), uuid.uuid4()
FR = Viewer(FR_ORG, "FR", roles=frozenset({"analyst"}))
DE = Viewer(DE_ORG, "DE", roles=frozenset({"analyst"}))
DE_OFFICER = Viewer(DE_ORG, "DE", roles=frozenset({"screening_officer"}))
CONTACT_POINT = Viewer(DE_ORG, "DE", roles=frozenset({"contact_point"}))
OPERATOR = Viewer(None, None, operator=True)


def seen(viewer: Viewer, tlp: str, by: uuid.UUID | None = FR_ORG, rel: tuple[str, ...] = ()) -> bool:
    return statement_visible(viewer, tlp=tlp, contributor_organisation_id=by, releasable_to=rel)


@pytest.mark.parametrize("tlp", ["CLEAR", "GREEN", "AMBER"])
def test_open_levels_reach_every_bank_reader_but_not_other_roles(tlp):
    assert seen(DE, tlp) and seen(DE_OFFICER, tlp) and seen(FR, tlp)
    assert not seen(CONTACT_POINT, tlp)


@pytest.mark.parametrize("tlp", ["AMBER+STRICT", "RED"])
def test_strict_levels_stay_with_the_contributor_and_the_members_named(tlp):
    assert seen(FR, tlp)
    assert not seen(DE, tlp)
    assert seen(DE, tlp, rel=("DE",))
    assert not seen(DE, tlp, rel=("IT",))


def test_releasable_to_narrows_an_open_level():
    assert not seen(DE, "GREEN", rel=("FR", "IT"))
    assert seen(DE, "GREEN", rel=("DE",))
    assert seen(FR, "GREEN", rel=("IT",))  # the contributor always sees its own


def test_the_operator_sees_everything_and_nobody_sees_without_a_role():
    assert seen(OPERATOR, "RED")
    assert not seen(Viewer(FR_ORG, "FR"), "CLEAR")


def test_audiences_give_each_viewer_exactly_the_classes_they_may_see():
    aud = Audiences()
    public = aud.number("CLEAR", None, ())
    french_strict = aud.number("AMBER+STRICT", FR_ORG, ())
    for_germany = aud.number("RED", FR_ORG, ("DE",))
    assert aud.number("GREEN", None, ()) == public  # open levels share a class
    assert aud.allowed(FR) == {public, french_strict, for_germany}
    assert aud.allowed(DE) == {public, for_germany}
    assert aud.allowed(CONTACT_POINT) == frozenset()


def test_review_dates_default_by_data_subject_category():
    start = date(2026, 11, 27)
    assert default_review_date("victim", start) == date(2027, 11, 27)
    assert default_review_date("convicted", start) == date(2031, 11, 27)
    assert default_review_date(None, start) == date(2031, 11, 27)
    assert default_review_date("suspect", date(2028, 2, 29)) == date(2031, 2, 28)


def test_properties_are_checked_by_schema():
    assert valid_prop("Person", "birthDate") and valid_prop("Person", "member_of")
    assert not valid_prop("Organization", "birthDate")
    assert not valid_prop("Vessel", "name")
