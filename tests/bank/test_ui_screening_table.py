"""Screening results as a compact table (issue 12): one row group per screened name, its best hit first with the
score, birth date, nationality and list beside it, the candidates under the match threshold folded in a
``<details>`` that says how many; and bulk decisions: several hits marked true or false match in one request,
through the decision action, one audit record per hit, CSRF checked, all or nothing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from liaison.actions.bank_import import import_csv
from liaison.db import transaction
from liaison.models import AuditEvent, ScreeningDecision, ScreeningHit
from tests.bank import test_ui_bank
from tests.bank.test_ui_bank import Bank, _upload, csrf, log_in, verdict_of
from tests.conftest import OPERATOR

world = test_ui_bank.world  # the same bank contents as the other page tests

LISTED = (
    "schema,name,alias,birth_date,nationality,legal_basis,references\n"
    "Person,Ahmad EXAMPLE,أحمد مثال,1975-03-14,JO,UNSCR 1267,un-sc/QDi.400 listed 2001-10-06\n"
    "Person,Ahmad EXAMPLAR,,1960,IQ,UNSCR 1267,\n"
    "Person,Ahmed Exemplary Khan,,,,UNSCR 1267,\n"
)
SCREENED = (
    "id,name,birth_date,nationality\nq1,Muhammad Ali Hassan,1981,SY\nq2,Ahmad Example,1975,JO\nq3,Nobody Atall,,\n"
)


@dataclass
class Run:
    url: str
    html: str


@pytest.fixture
def run(api, world: Bank) -> Run:  # type: ignore[no-untyped-def]
    """The node's list entry for Ahmad Example (QDi.400) and two namesakes, then a screening of three names."""
    with transaction(api.sessions) as s:
        import_csv(s, actor=OPERATOR, data=LISTED.encode(), filename="listed.csv")
    # The app's name index catches up now, not whenever its background check comes round (a search waits for
    # no refresh already under way, so under load it could still see the bank before this import).
    api.client.app.state.liaison.bank_index.refresh(wait=True)
    c = log_in(api.client, "de.analyst")
    r = _upload(c, SCREENED.encode())
    assert r.status_code == 303, r.text
    return Run(r.headers["location"], c.get(r.headers["location"]).text)


def groups(html: str) -> list[str]:
    """Each screened name's ``<tbody>`` on a results page."""
    return re.findall(r'<tbody class="query[^"]*" id="q-\d+">(.*?)\n    </tbody>', html, re.S)


def hit_ids(api, run_url: str) -> dict[str, list[uuid.UUID]]:  # type: ignore[no-untyped-def]
    """The run's hits by screened name id, best first."""
    run_id = uuid.UUID(run_url.rsplit("/", 1)[1])
    with api.sessions() as s:
        rows = s.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id).order_by(ScreeningHit.rank))
        out: dict[str, list[uuid.UUID]] = {}
        for h in rows:
            out.setdefault(h.query_id, []).append(h.id)
    return out


def test_one_row_group_per_name_with_its_best_hit_and_what_tells_namesakes_apart(api, run: Run) -> None:  # type: ignore[no-untyped-def]
    found = groups(run.html)
    assert len(found) == 2  # the name without any candidate has no row (the summary counts it)
    assert "<strong>1</strong> with no candidate at all" in run.html
    hassan, example = found
    assert "Muhammad Ali Hassan" in hassan and "Ahmad Example" in example
    best = re.search(r'<tr class="hit is-match" id="h-[^"]+">(.*?)</tr>', example, re.S)
    assert best, example
    row = best.group(1)
    assert ">Ahmad EXAMPLE</bdi>" in row
    assert '<span class="born">Mar 14, 1975</span>' in row  # a full date, as the reader's language writes it
    assert '<abbr title="Jordan">JO</abbr>' in row
    assert 'class="list-name">UN Security Council list</span> <bdi class="code" dir="ltr">QDi.400</bdi>' in row
    assert '<span class="score-number">100%</span>' in row
    assert '<bdi dir="auto" class="list-name">Bundesamt' in hassan  # no list: the contributor is the source


def test_candidates_under_the_threshold_are_folded_with_their_count(api, run: Run) -> None:  # type: ignore[no-untyped-def]
    example = groups(run.html)[1]
    folded = re.search(r'<details class="folded">\s*<summary>(\d+) more candidates? below the match threshold</summary>'
                       r"(.*?)</table>\s*</details>", example, re.S)  # fmt: skip
    assert folded, example
    inside = re.findall(r'<tr class="hit" id="h-', folded.group(2))
    assert int(folded.group(1)) == len(inside) >= 1
    assert "no match" in folded.group(2) and "Ahmed Exemplary Khan" in folded.group(2)
    before = example[: example.index('<details class="folded">')]
    assert "Ahmed Exemplary Khan" not in before  # not shown above the fold
    # every hit keeps its decision buttons and its check box, folded or not
    ids = hit_ids(api, run.url)["q2"]
    assert all(f'name="hit" value="{h}"' in example for h in ids)


def test_bulk_decision_marks_every_selected_hit_with_one_audit_record_each(api, run: Run) -> None:  # type: ignore[no-untyped-def]
    c = api.client
    ids = hit_ids(api, run.url)
    chosen = [ids["q1"][0], ids["q2"][-1]]
    bulk = f"{run.url}/decide"
    form = {"verdict": "false_match", "note": "checked the file", "hit": [str(h) for h in chosen]}
    assert c.post(bulk, data=form).status_code == 403  # no CSRF token: nothing decided
    with api.sessions() as s:
        assert s.scalar(select(ScreeningDecision)) is None
    r = c.post(bulk, data={**form, "csrf_token": csrf(run.html)}, follow_redirects=False)
    assert r.status_code == 303 and "done=decided" in r.headers["location"]
    after = c.get(run.url).text
    assert [verdict_of(after, h) for h in chosen] == ["false match", "false match"]
    assert verdict_of(after, ids["q2"][0]) == ""  # not selected, not decided
    assert "checked the file" in after
    with api.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.decision")).all()
        assert sorted(e.target_id for e in events) == sorted(str(h) for h in chosen)
        assert {e.details["verdict"] for e in events} == {"false_match"}
        decided = s.scalars(select(ScreeningHit).where(ScreeningHit.id.in_(chosen))).all()
        assert {h.decision for h in decided} == {"false_match"} and not any(h.match for h in decided)


def test_bulk_decision_is_all_or_nothing_and_for_analysts_only(api, run: Run) -> None:  # type: ignore[no-untyped-def]
    c = api.client
    ids = hit_ids(api, run.url)
    token = csrf(run.html)
    bulk = f"{run.url}/decide"
    nothing = c.post(bulk, data={"verdict": "true_match", "csrf_token": token}, follow_redirects=False)
    assert nothing.status_code == 303 and "done=nothing" in nothing.headers["location"]
    assert "No hit was selected" in c.get(nothing.headers["location"]).text
    stranger = uuid.uuid4()  # not a hit of this run: the whole batch is refused
    r = c.post(bulk, data={"verdict": "true_match", "csrf_token": token, "hit": [str(ids["q1"][0]), str(stranger)]})
    assert r.status_code == 404
    bad = c.post(bulk, data={"verdict": "maybe", "csrf_token": token, "hit": [str(ids["q1"][0])]})
    assert bad.status_code == 422
    with api.sessions() as s:
        assert s.scalar(select(ScreeningDecision)) is None
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "bank.decision")) is None

    screener = log_in(api.client, "jp.screener")  # screens and reads, never decides
    mine = _upload(screener, SCREENED.encode()).headers["location"]
    page = screener.get(mine).text
    assert 'name="hit"' not in page and "Mark true match" not in page
    theirs = hit_ids(api, mine)["q1"][0]
    form = {"verdict": "true_match", "csrf_token": csrf(page)}
    refused = screener.post(f"{mine}/decide", data={**form, "hit": [str(theirs)]})
    assert refused.status_code == 403
    other = screener.post(bulk, data={**form, "hit": [str(ids["q1"][0])]})
    assert other.status_code == 404  # another organisation's run


def test_results_without_javascript_submit_nothing_on_enter(run: Run) -> None:
    """The note field sits in the bulk form: its first (default) submit button is disabled, so Enter in the
    note decides nothing; the visible buttons say what they do."""
    form = run.html[run.html.index('<form method="post" action="' + run.url.split("?")[0] + '/decide"') :]
    first = re.search(r"<button[^>]*>", form)
    assert first and "disabled" in first.group(0)
    assert "Mark true match" in form and "Mark false match" in form
