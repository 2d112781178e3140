"""The information bank's pages over HTTP: search, the entity page (names in their script, grades, relations,
the graph), screening upload with decisions, and merge proposals; need to know on every page."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from liaison.actions.bank import StatementInput, create_entity
from liaison.db import transaction
from liaison.marking import Marking
from liaison.models import AuditEvent, BankEntity, MergeProposal, ScreeningHit
from tests.bank.conftest import principals
from tests.world import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BASIS = "Art. 18 Europol Regulation"


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def log_in(client, username: str):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


@dataclass
class Bank:
    group: uuid.UUID
    person: uuid.UUID
    fr_twin: uuid.UUID
    secret: uuid.UUID


@pytest.fixture
def world(api) -> Bank:  # type: ignore[no-untyped-def]
    people = principals(api.sessions)

    def make(who: str, schema: str, statements: list[StatementInput], **kw: object) -> uuid.UUID:
        with transaction(api.sessions) as s:
            return create_entity(s, actor=people[who], schema=schema, statements=statements, legal_basis=BASIS, **kw).id  # type: ignore[arg-type]

    group = make(
        "de.analyst",
        "Organization",
        [
            StatementInput("name", "Jabhat al-Nusra", name_kind="primary", source="UN list"),
            StatementInput("name", "جبهة النصرة", name_kind="alias", source="UN list"),
        ],
    )
    person = make(
        "de.analyst",
        "Person",
        [
            StatementInput(
                "name", "Mohammed Ali HASSAN", name_kind="primary", source="BKA 7/24", reliability="B", credibility="2"
            ),
            StatementInput("name", "محمد علي حسن", name_kind="alias", source="BKA 7/24"),
            StatementInput("name", "Abu Ali", name_kind="code_name", source="BKA 7/24"),
            StatementInput("birthDate", "1981", source="BKA 7/24", reliability="B", credibility="2"),
            StatementInput("birthDate", "1982", source="informant", reliability="D", credibility="4"),
            StatementInput("nationality", "SY", source="BKA 7/24"),
            StatementInput("member_of", "", object_id=group, source="BKA 7/24"),
        ],
        data_subject_category="suspect",
    )
    fr_twin = make(
        "fr.analyst",
        "Person",
        [StatementInput("name", "HASSAN, Mohammed Ali", name_kind="primary", source="DGSI")],
        data_subject_category="suspect",
    )
    secret = make(
        "fr.analyst",
        "Person",
        [StatementInput("name", "Karim <script>alert(1)</script> Haddad", name_kind="primary", marking=Marking("RED"))],
        data_subject_category="suspect",
    )
    return Bank(group, person, fr_twin, secret)


def no_inline_script_or_style(html: str) -> None:
    assert " style=" not in html and "<script>" not in html and "javascript:" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag  # only scripts from /static


def test_hidden_and_unknown_entities_give_identical_pages(api, world: Bank) -> None:  # type: ignore[no-untyped-def]
    """The entity page and the group search of an entity the viewer may not see (TLP:RED of the French unit)
    are byte for byte those of an entity that does not exist, once the id asked about is blanked out."""
    from tests.bank.test_api_bank import same_but_for_the_id

    c = log_in(api.client, "de.analyst")
    unknown_id = uuid.uuid4()
    hidden, unknown = c.get(f"/bank/entities/{world.secret}"), c.get(f"/bank/entities/{unknown_id}")
    assert hidden.status_code == 404
    same_but_for_the_id(hidden, world.secret, unknown, unknown_id)
    hidden, unknown = (
        c.get("/bank", params={"group": str(world.secret)}),
        c.get("/bank", params={"group": str(unknown_id)}),
    )
    same_but_for_the_id(hidden, world.secret, unknown, unknown_id)
    assert "alert(1)" not in hidden.text and "Haddad" not in hidden.text
    assert log_in(api.client, "fr.analyst").get(f"/bank/entities/{world.secret}").status_code == 200


def test_search_page_finds_across_scripts_and_filters(api, world: Bank) -> None:
    c = log_in(api.client, "de.analyst")
    home = c.get("/").text
    assert 'href="/bank"' in home  # the nav link for bank readers
    empty = c.get("/bank")
    assert empty.status_code == 200 and "autofocus" in empty.text and 'class="results"' not in empty.text
    r = c.get("/bank", params={"q": "Muhammad Ali Hasan"})
    assert r.status_code == 200
    no_inline_script_or_style(r.text)
    assert f'href="/bank/entities/{world.person}"' in r.text and "<meter" in r.text
    r = c.get("/bank", params={"q": "محمد علي حسن"})
    assert f'href="/bank/entities/{world.person}"' in r.text
    filtered = c.get("/bank", params={"q": "Hassan", "schema": "Organization"})
    assert f'href="/bank/entities/{world.person}"' not in filtered.text
    members = c.get("/bank", params={"group": str(world.group)})
    assert f'href="/bank/entities/{world.person}"' in members.text and "Members of:" in members.text
    bad = c.get("/bank", params={"q": "x", "nationality": "Narnia"})
    assert bad.status_code == 200 and "not a country code" in bad.text
    secret = c.get("/bank", params={"q": "Karim Haddad"})
    assert f"/bank/entities/{world.secret}" not in secret.text and "alert(1)" not in secret.text


def test_entity_page_shows_names_grades_conflicts_relations_and_graph(api, world: Bank) -> None:
    c = log_in(api.client, "de.analyst")
    r = c.get(f"/bank/entities/{world.person}")
    assert r.status_code == 200
    page = r.text
    no_inline_script_or_style(page)
    assert 'dir="auto"' in page and "محمد علي حسن" in page and "code name" in page
    assert '<abbr class="grade grade-b" title="source usually reliable; information probably true">B2</abbr>' in page
    assert "sources disagree" in page and "1981" in page and "1982" in page and "informant" in page
    assert "member of" in page and f'href="/bank/entities/{world.group}"' in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="graph"' in page
    assert page.count(f'href="/bank/entities/{world.group}"') >= 2  # the relation and the graph's node
    st = api.client.app.state.liaison
    with st.sessions() as s:
        views = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.entity.view")).all()
    assert [v.target_id for v in views] == [str(world.person)] and views[0].via == "web"
    group = c.get(f"/bank/entities/{world.group}")
    assert group.status_code == 200 and "Search among the members of this group" in group.text


def test_outsiders_get_403_and_invisible_entities_404(api, world: Bank) -> None:
    c = log_in(api.client, "outsider")
    assert 'href="/bank"' not in c.get("/").text
    for path in ("/bank", f"/bank/entities/{world.person}", "/bank/screening", "/bank/merges"):
        assert c.get(path).status_code == 403, path
    c = log_in(api.client, "de.analyst")
    assert c.get(f"/bank/entities/{world.secret}").status_code == 404  # TLP:RED of the French unit
    assert c.get(f"/bank/entities/{uuid.uuid4()}").status_code == 404
    assert c.get("/bank/entities/not-an-id").status_code == 404
    c = log_in(api.client, "fr.analyst")
    own = c.get(f"/bank/entities/{world.secret}")
    assert own.status_code == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in own.text
    no_inline_script_or_style(own.text)
    api.client.cookies.clear()
    r = api.client.get("/bank", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def verdict_of(html: str, hit_id: uuid.UUID) -> str:
    """The verdict badge in the row of hit ``hit_id`` on a results page ("" when undecided)."""
    row = re.search(rf'<tr class="[^"]*" id="h-{hit_id}">(.*?)</tr>', html, re.S)
    assert row, f"no row for hit {hit_id}"
    found = re.search(r'class="badge [a-z]+ verdict">([^<]+)<', row.group(1))
    return found.group(1) if found else ""


def _upload(c, data: bytes, name: str = "names.csv", top: str = "5"):  # type: ignore[no-untyped-def]
    token = csrf(c.get("/bank/screening").text)
    return c.post(
        "/bank/screening",
        data={"csrf_token": token, "top": top},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def test_screening_upload_shows_results_and_decisions_are_remembered(api, world: Bank) -> None:
    c = log_in(api.client, "de.analyst")
    page = c.get("/bank/screening")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    csv = "id,name,birth_date,nationality\nq1,Muhammad Ali Hassan,1981,SY\nq2,Somebody Unknown Entirely,,\n"
    r = _upload(c, csv.encode())
    assert r.status_code == 303, r.text
    run_url = r.headers["location"]
    results = c.get(run_url)
    assert results.status_code == 200
    html = results.text
    no_inline_script_or_style(html)
    assert "Muhammad Ali Hassan" in html and f'href="/bank/entities/{world.person}"' in html
    assert "<meter" in html and "<details" in html and "Why this score" in html
    assert 'class="badge bad match-badge">match<' in html
    assert "2</strong> names screened" in html
    with api.client.app.state.liaison.sessions() as s:
        hit = s.scalar(select(ScreeningHit).where(ScreeningHit.entity_id == world.person))
        assert hit is not None
        hit_id = hit.id
    decide_url = f"{run_url}/hits/{hit_id}/decide"
    assert c.post(decide_url, data={"verdict": "false_match"}).status_code == 403  # no CSRF token
    r = c.post(decide_url, data={"verdict": "false_match", "csrf_token": csrf(html)}, follow_redirects=False)
    assert r.status_code == 303 and "done=decided" in r.headers["location"]
    after = c.get(run_url).text
    assert verdict_of(after, hit_id) == "false match" and "by de.analyst" in after
    again = c.get(_upload(c, csv.encode()).headers["location"]).text  # remembered for the next screening
    assert 'verdict">false match</span>' in again and "by de.analyst" in again
    assert c.post(decide_url, data={"verdict": "maybe", "csrf_token": csrf(html)}).status_code == 422

    s = log_in(api.client, "jp.screener")  # screens, reads, does not decide
    r = _upload(s, csv.encode())
    assert r.status_code == 303
    screener_page = s.get(r.headers["location"]).text
    assert "True match" not in screener_page
    assert s.get(run_url).status_code == 404  # another organisation's run
    other_hit = decide_url.replace(run_url, r.headers["location"])
    assert s.post(other_hit, data={"verdict": "true_match", "csrf_token": csrf(screener_page)}).status_code == 404


def test_screening_upload_refuses_bad_files_with_the_line(api, world: Bank) -> None:
    c = log_in(api.client, "de.analyst")
    r = _upload(c, b"id,name\n1,Someone\n2,\n")
    assert r.status_code == 422 and "line 3" in r.text and "Not screened" in r.text
    r = _upload(c, b"name_only\nx\n")
    assert r.status_code == 422
    token = csrf(c.get("/bank/screening").text)
    r = c.post("/bank/screening", data={"csrf_token": token}, files={"file": ("", b"", "text/csv")})
    assert r.status_code == 422 and "Choose a CSV file" in r.text


def test_merge_proposals_page_with_nothing_to_show_says_so_and_proposes_nothing(api, world: Bank) -> None:
    c = log_in(api.client, "fr.analyst")
    page = c.get("/bank/merges").text
    assert "No merge proposals waiting: run the duplicate finder to look for some." in page
    assert "No proposed merge proposals" not in page
    assert "No accepted merges." in c.get("/bank/merges?show=accepted").text
    assert "No merge proposals." in c.get("/bank/merges?show=all").text
    with api.sessions() as s:  # viewing runs no duplicate finder
        assert s.scalar(select(func.count()).select_from(MergeProposal)) == 0
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "bank.merge.propose")) is None


def test_merge_proposals_page_accept_and_undo(api, world: Bank) -> None:
    c = log_in(api.client, "fr.analyst")
    page = c.get("/bank/merges")
    assert page.status_code == 200 and "Find duplicates" in page.text
    r = c.post("/bank/merges/run", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and "made=1" in r.headers["location"]
    page = c.get(r.headers["location"]).text
    no_inline_script_or_style(page)
    assert "1 new proposal." in page and "Mohammed Ali HASSAN" in page and "HASSAN, Mohammed Ali" in page
    pid = re.search(r'action="/bank/merges/([0-9a-f-]+)/accept"', page).group(1)  # type: ignore[union-attr]
    r = c.post(
        f"/bank/merges/{pid}/accept", data={"csrf_token": csrf(page), "next": "/bank/merges"}, follow_redirects=False
    )
    assert r.status_code == 303
    with api.client.app.state.liaison.sessions() as s:
        assert s.get(BankEntity, world.fr_twin).merged_into_id == world.person
    entity = c.get(f"/bank/entities/{world.person}").text
    assert "Merged into this entity" in entity and f'action="/bank/merges/{pid}/undo"' in entity
    assert "HASSAN, Mohammed Ali" in entity
    twin = c.get(f"/bank/entities/{world.fr_twin}").text
    assert "This entity was merged into" in twin
    r = c.post(
        f"/bank/merges/{pid}/undo",
        data={"csrf_token": csrf(entity), "next": f"/bank/entities/{world.person}"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/bank/entities/{world.person}?done=undo#p-{pid}"
    assert "Merged into this entity" not in c.get(f"/bank/entities/{world.person}").text
    again = c.post(f"/bank/merges/{pid}/undo", data={"csrf_token": csrf(entity)})
    assert again.status_code == 409 and "undone" in again.text

    s = log_in(api.client, "jp.screener")
    listed = s.get("/bank/merges?show=all").text
    assert "Find duplicates" not in listed and f'/bank/merges/{pid}/undo"' not in listed
    assert s.post(f"/bank/merges/{pid}/accept", data={"csrf_token": csrf(listed)}).status_code == 403


def test_only_differing_values_of_a_single_valued_property_are_a_disagreement() -> None:
    from liaison.web.ui.bank import _groups

    def st(value: str) -> dict[str, object]:
        return {"value": value, "retracted_at": None, "grade": "B2"}

    groups = {g["prop"]: g["conflict"] for g in _groups(
        {"birthDate": [st("1981"), st("1982")], "passportNumber": [st("A1"), st("B2")], "gender": [st("male")]}
    )}  # fmt: skip
    assert groups == {"birthDate": True, "passportNumber": False, "gender": False}
