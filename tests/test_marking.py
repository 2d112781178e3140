"""Handling markings: parsing, combining, and where information may be forwarded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.marking import LEVELS, Marking, MarkingError, may_forward, parse_tlp, stricter


def test_parse_tlp_forms():
    assert parse_tlp("TLP:AMBER+STRICT") == "AMBER+STRICT"
    assert parse_tlp(" amber + strict ") == "AMBER+STRICT"
    with pytest.raises(MarkingError, match=r"TLP 1\.0 name; TLP 2\.0 calls it TLP:CLEAR"):
        parse_tlp("TLP:WHITE")  # refused, never silently taken as CLEAR
    with pytest.raises(MarkingError, match="tlp"):
        parse_tlp("TLP:AMBER-ISH")


def test_invalid_markings_name_the_field():
    with pytest.raises(MarkingError, match="^tlp"):
        Marking("PURPLE")
    with pytest.raises(MarkingError, match="^releasable_to"):
        Marking("AMBER", releasable_to=("fr",))


def test_label():
    m = Marking("AMBER", True, "counter-terrorism investigation", ("DE", "FR"))
    assert m.label == "TLP:AMBER, originator control, REL TO DE, FR, purpose: counter-terrorism investigation"


def fwd(m: Marking, **kw):
    args = {"to_member": "DE", "same_organisation": False, "within_network": True, "originator_consent": False}
    return may_forward(m, **{**args, **kw})


def test_forwarding_rules():
    assert fwd(Marking("CLEAR")).allowed
    assert fwd(Marking("GREEN")).allowed
    assert not fwd(Marking("GREEN"), within_network=False, to_member=None).allowed
    assert not fwd(Marking("AMBER")).allowed
    assert fwd(Marking("AMBER"), same_organisation=True).allowed
    assert fwd(Marking("AMBER"), originator_consent=True).allowed
    assert not fwd(Marking("AMBER"), originator_consent=True, within_network=False, to_member=None).allowed
    assert not fwd(Marking("AMBER+STRICT"), originator_consent=True).allowed
    assert fwd(Marking("AMBER+STRICT"), same_organisation=True).allowed
    assert not fwd(Marking("RED"), same_organisation=True, originator_consent=True).allowed
    orcon = fwd(Marking("CLEAR", originator_control=True))
    assert not orcon.allowed and "originator control" in orcon.reason
    assert not fwd(Marking("GREEN", releasable_to=("FR",))).allowed
    assert fwd(Marking("GREEN", releasable_to=("FR", "DE"))).allowed


markings = st.builds(
    Marking,
    tlp=st.sampled_from(LEVELS),
    originator_control=st.booleans(),
    purpose=st.sampled_from(["", "investigation", "victim support"]),
    releasable_to=st.lists(st.sampled_from(["DE", "FR", "JP", "US"]), unique=True).map(lambda x: tuple(sorted(x))),
)


@settings(max_examples=1000)
@given(markings, markings, st.sampled_from(["DE", "FR", "JP", "US", None]), st.booleans(), st.booleans(), st.booleans())
def test_the_stricter_marking_never_allows_what_either_forbids(a, b, member, same_org, network, consent):
    combined = stricter(a, b)
    kw = {"to_member": member, "same_organisation": same_org, "within_network": network, "originator_consent": consent}
    if may_forward(combined, **kw).allowed:
        assert may_forward(a, **kw).allowed and may_forward(b, **kw).allowed
    assert LEVELS.index(combined.tlp) >= max(LEVELS.index(a.tlp), LEVELS.index(b.tlp))
    assert stricter(a, b) == stricter(b, a) or a.purpose != b.purpose
