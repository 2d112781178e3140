"""The international offence models: valid element codes, the instruments' fixed codes, roles."""

from __future__ import annotations

from liaison.legal.elements import ELEMENTS
from liaison.legal.offence_models import BY_CODE, MODELS, Model, offence_models

INSTRUMENTS = {
    "un-1970-hague",
    "un-1971-montreal",
    "un-1973-protected-persons",
    "un-1979-hostages",
    "un-1980-nuclear-material",
    "un-1988-sua",
    "un-1988-fixed-platforms",
    "un-1997-bombings",
    "un-1999-financing",
    "un-2005-nuclear-terrorism",
    "un-2010-beijing-convention",
    "unscr-1566",
    "eu-2017-541",
    "cets-196",
    "cets-217",
    "las-1998",
    "oic-1999",
    "au-1999",
    "oas-2002",
}


def test_every_model_is_written_in_known_elements_and_instruments() -> None:
    assert len(BY_CODE) == len(MODELS)
    for m in MODELS:
        assert m.instrument in INSTRUMENTS, m.code
        assert m.role in ("offence", "definition"), m.code
        assert m.summary.endswith(".") and m.slug.startswith(("art-", "para-")), m.code
        for code in (*m.elements, *(e for g in m.any_of for e in g)):
            assert code in ELEMENTS, (m.code, code)
        assert m.elements or m.any_of, m.code


def test_the_articles_the_issue_names_are_there() -> None:
    wanted = [f"eu-2017-541:art-{n}" for n in range(3, 13)]
    wanted += ["cets-196:art-1", "cets-196:art-5", "cets-196:art-6", "cets-196:art-7"]
    wanted += [f"cets-217:art-{n}" for n in range(2, 7)]
    wanted += ["un-1970-hague:art-1", "un-1999-financing:art-2", "un-2010-beijing-convention:art-1"]
    wanted += ["unscr-1566:para-3", "las-1998:art-1-2", "oic-1999:art-1-2", "au-1999:art-1-3"]
    assert [w for w in wanted if w not in BY_CODE] == []


def test_roles_default_to_offence_and_definitions_carry_their_exclusions() -> None:
    assert Model("x", "Art. 1", "art-1", "s.", ("kill",)).role == "offence"
    definitions = {m.code for m in offence_models("definition")}
    assert {"unscr-1566:para-3", "las-1998:art-1-2", "oic-1999:art-1-2", "au-1999:art-1-3"} <= definitions
    assert "self_determination" in BY_CODE["las-1998:art-1-2"].elements
    assert "self_determination" in BY_CODE["oic-1999:art-1-2"].elements
    assert "self_determination" not in BY_CODE["unscr-1566:para-3"].elements
    assert BY_CODE["eu-2017-541:art-3"].role == "offence" and BY_CODE["un-1999-financing:art-2"].role == "offence"
