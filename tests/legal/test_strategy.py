"""The national-strategy checklist and its pure core: gaps, matching to experts and courses (field, shared
language, availability; past courses left out), pillar scores, and code checks with suggestions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.legal import strategy as s
from liaison.legal.elements import UnknownCode

TODAY = date(2026, 12, 1)


def expert(
    ident: str,
    fields: tuple[str, ...],
    langs: tuple[str, ...],
    start: int | None = None,
    end: int | None = None,
    member: str = "FR",
    name: str = "",
) -> s.ExpertFact:
    return s.ExpertFact(
        ident,
        name or f"Expert {ident}",
        member,
        fields,
        langs,
        TODAY + timedelta(days=start) if start is not None else None,
        TODAY + timedelta(days=end) if end is not None else None,
    )


def course(ident: str, topics: tuple[str, ...], langs: tuple[str, ...], start: int, days: int = 1) -> s.CourseFact:
    first = TODAY + timedelta(days=start)
    return s.CourseFact(ident, f"Course {ident}", "FR", first, first + timedelta(days=days - 1), topics, langs)


def test_the_checklist_covers_the_four_pillars_with_stable_unique_codes() -> None:
    codes = [i.code for i in s.ITEMS]
    assert len(codes) == len(set(codes)) and 16 <= len(codes) <= 20
    assert {i.pillar for i in s.ITEMS} == {"p1", "p2", "p3", "p4"}
    assert all(i.code.startswith(i.pillar + "-") for i in s.ITEMS)
    for code in ("p2-border-security", "p2-contact-point", "p3-central-authority", "p4-legal-definition"):
        assert code in s.BY_CODE
    assert all(str(i.label) and str(i.description) for i in s.ITEMS)


def test_gaps_are_gaps_then_partial_then_not_assessed_and_met_items_are_left_out() -> None:
    statuses = {i.code: "met" for i in s.ITEMS}
    statuses |= {"p4-oversight": "partial", "p2-border-security": "gap", "p1-dialogue": "partial"}
    del statuses["p3-un-cooperation"]
    found = s.gaps(statuses)
    assert [(g.item.code, g.status) for g in found] == [
        ("p2-border-security", "gap"),
        ("p1-dialogue", "partial"),
        ("p4-oversight", "partial"),
        ("p3-un-cooperation", "not_assessed"),
    ]
    assert len(s.gaps({})) == len(s.ITEMS)


def test_experts_must_cover_the_item_share_a_language_and_be_available_now_or_soon() -> None:
    gap = s.gaps({i.code: "met" for i in s.ITEMS} | {"p2-border-security": "gap"})
    experts = [
        expert("a", ("p2-border-security",), ("fr", "ar")),  # now, shares ar
        expert("b", ("p2-border-security",), ("de",)),  # no shared language
        expert("c", ("p2-terrorist-financing",), ("ar",)),  # another field
        expert("d", ("p2-border-security",), ("ar", "en"), start=30),  # soon, two languages shared
        expert("e", ("p2-border-security",), ("ar",), start=200),  # later: out
        expert("f", ("p2-border-security",), ("ar",), start=-300, end=-1),  # availability ended
        expert("g", ("p2-border-security",), ("en", "ar"), member="JO"),  # the member's own expert
        expert("h", ("p2-border-security",), ("ar", "en")),  # now, two languages
    ]
    [m] = s.match(gap, experts, [], ["ar", "en"], TODAY, exclude_member="JO")
    assert [(x.expert.id, x.availability, x.shared_languages) for x in m.experts] == [
        ("h", "now", ("ar", "en")),
        ("a", "now", ("ar",)),
        ("d", "soon", ("ar", "en")),
    ]
    # The member's languages unknown: nothing filtered on language, but availability and field still are.
    [m] = s.match(gap, experts, [], [], TODAY, exclude_member="JO")
    assert sorted(x.expert.id for x in m.experts) == ["a", "b", "d", "h"]


def test_courses_must_cover_the_item_in_a_shared_language_and_not_be_over() -> None:
    gap = s.gaps({i.code: "met" for i in s.ITEMS} | {"p2-ftf-returnees": "partial"})
    courses = [
        course("late", ("p2-ftf-returnees",), ("en",), 60),
        course("past", ("p2-ftf-returnees",), ("en",), -30, 3),  # over: left out
        course("running", ("p2-ftf-returnees",), ("en", "id"), -1, 3),  # still running today: kept
        course("german", ("p2-ftf-returnees",), ("de",), 10),  # no shared language
        course("other", ("p2-border-security",), ("en",), 5),  # another topic
        course("any", ("p2-ftf-returnees",), (), 20),  # languages not stated: kept
    ]
    [m] = s.match(gap, [], courses, ["en", "id"], TODAY)
    assert [c.course.id for c in m.courses] == ["running", "any", "late"]
    assert m.courses[0].shared_languages == ("en", "id")


def test_matching_is_deterministic_whatever_the_input_order() -> None:
    gap = s.gaps({"p4-oversight": "gap"})[:1]
    experts = [expert(str(i), ("p4-oversight",), ("fr",), name="Same Name") for i in range(6)]
    one = s.match(gap, experts, [], ["fr"], TODAY)
    two = s.match(gap, list(reversed(experts)), [], ["fr"], TODAY)
    assert [x.expert.id for x in one[0].experts] == [x.expert.id for x in two[0].experts] == list("012345")


def test_pillar_scores_count_met_fully_and_partial_half() -> None:
    p4 = [i.code for i in s.ITEMS if i.pillar == "p4"]
    statuses = {p4[0]: "met", p4[1]: "partial", p4[2]: "gap"}
    scores = {p.pillar: p for p in s.pillar_scores(statuses)}
    assert scores["p4"].score == pytest.approx(1.5 / len(p4))
    assert scores["p4"].counts == {"met": 1, "partial": 1, "gap": 1, "not_assessed": len(p4) - 3}
    assert scores["p1"].score == 0
    assert s.pillar_scores({i.code: "met" for i in s.ITEMS})[2].score == 1


def test_unknown_item_codes_are_refused_with_suggestions_and_free_topics_kept() -> None:
    with pytest.raises(UnknownCode) as caught:
        s.item_code("p2-border-secrity")
    assert caught.value.suggestions[0] == "p2-border-security"
    assert s.item_code(" P4-Oversight ") == "p4-oversight"
    assert s.topics(["p2-border-security", "Document fraud", "", "p2-border-security"]) == [
        "p2-border-security",
        "Document fraud",
    ]
    with pytest.raises(UnknownCode):
        s.topics(["p9-nothing"])
