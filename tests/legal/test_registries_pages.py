"""The registries' pages: officers (who is posted to a member), one officer reaching the directory, experts,
training with attendance, the strategies matrix and one member's checklist with its picture and edit form."""

from __future__ import annotations

import re

from liaison import i18n
from liaison.web.ui.registries import strategy_picture
from tests.bank.test_ui_bank import log_in
from tests.conftest import Api
from tests.legal.registries_world import build

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_officer_pages_show_whom_to_contact_and_the_directory_link(api: Api) -> None:
    reg = build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    client = log_in(api.client, "jp.cp")
    r = client.get("/registries/officers", params={"posted_to": "FR"})
    assert r.status_code == 200, r.text
    assert "Whom to contact in FR" in r.text and "Dieter" not in r.text  # VOT's officer: not JP's to know
    r = client.get("/registries/officers", params={"posted_to": "JP"})
    assert "Odile Posted" in r.text and "Note verbale 12/2026" in r.text and "unverified" in r.text
    r = client.get(f"/registries/officers/{reg.fr_to_jp}")
    desk, dgsi = api.world.ids["fr_desk"], api.world.ids["dgsi"]  # type: ignore[attr-defined]
    assert r.status_code == 200 and f'href="/agencies/{dgsi}#cp-{desk}"' in r.text and "Permanence 24/7" in r.text
    r = client.get("/registries/officers", params={"posted_to": "JPZ"})
    assert r.status_code == 200 and 'role="alert"' in r.text and "JP" in r.text
    assert log_in(api.client, "outsider").get("/registries/officers").status_code == 403


def test_experts_and_training_pages(api: Api) -> None:
    reg = build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    client = log_in(api.client, "fr.cp")
    r = client.get("/registries/experts", params={"field": "p2-border-security", "available": "now"})
    assert r.status_code == 200 and "Kenji Expert" in r.text and "Greta Expert" not in r.text
    r = client.get("/registries/training")
    assert "Border security course" in r.text and "Old border course" in r.text
    r = client.get("/registries/training", params={"upcoming": "1"})
    assert "Border security course" in r.text and "Old border course" not in r.text
    r = client.get(f"/registries/training/{reg.course}")
    assert "Taro Attendee" in r.text
    outsider = log_in(api.client, "outsider").get(f"/registries/training/{reg.course}")
    assert outsider.status_code == 200 and "Taro" not in outsider.text and "headcounts" in outsider.text


def test_strategy_page_draws_the_picture_and_lets_the_member_edit_its_own(api: Api) -> None:
    build(api.sessions, api.world.ids["fr_desk"])  # type: ignore[attr-defined]
    client = log_in(api.client, "fr.cp")
    r = client.get("/registries/strategies/FR")
    assert r.status_code == 200, r.text
    html = r.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart strategy-picture" role="img"' in html
    assert "<desc" in html and "Kenji Expert" in html and "Border security course" in html
    assert 'action="/registries/strategies/FR"' in html and 'id="item-p2-border-security"' in html
    token = CSRF.search(html).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": token, "item": "p2-border-security", "status": "partial", "evidence": "API data in place"}
    r = client.post("/registries/strategies/FR", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/registries/strategies/FR?saved=")
    again = client.get("/registries/strategies/FR")
    assert "API data in place" in again.text
    bad = client.post("/registries/strategies/FR", data=form | {"status": "done"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert client.post("/registries/strategies/FR", data=form | {"csrf_token": "x"}).status_code == 403
    japan = log_in(api.client, "jp.cp")
    page = japan.get("/registries/strategies/FR")
    assert page.status_code == 200 and 'action="/registries/strategies/FR"' not in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    assert japan.post("/registries/strategies/FR", data=form | {"csrf_token": token}).status_code == 403
    matrix = japan.get("/registries/strategies")
    assert matrix.status_code == 200 and 'href="/registries/strategies/FR"' in matrix.text
    assert japan.get("/registries/strategies", params={"member": "fr"}, follow_redirects=False).status_code == 303


def test_the_picture_mirrors_for_right_to_left_languages() -> None:
    items = [
        {"code": "p1-dialogue", "pillar": "p1", "label": "Dialogue", "status": "gap", "status_label": "gap"},
        {"code": "p1-victims-support", "pillar": "p1", "label": "Victims", "status": "met", "status_label": "met"},
    ]
    pillars = [
        {
            "pillar": "p1",
            "label": "Pillar I: x",
            "short": "Pillar I",
            "score": 0.5,
            "counts": {"met": 1, "partial": 0, "gap": 1, "not_assessed": 0},
        },
    ]
    data = {"member": "FR", "items": items, "pillars": pillars}
    with i18n.use_locale("en"):
        ltr = strategy_picture(data, "Strategy <FR>")
    with i18n.use_locale("ar"):
        rtl = strategy_picture(data, "Strategy")
    assert 'direction="ltr"' in ltr and 'direction="rtl"' in rtl
    assert "Strategy &lt;FR&gt;" in ltr and "<script" not in ltr
    first_label = re.compile(r'<g class="pillar-row"><text x="([0-9.]+)"')
    assert float(first_label.search(ltr).group(1)) == 8.0  # type: ignore[union-attr]
    assert float(first_label.search(rtl).group(1)) == 632.0  # type: ignore[union-attr]
    assert ltr.count('class="item-cell') == 2 and "✗" in ltr and "✓" in ltr
    assert "Dialogue: gap" in ltr
