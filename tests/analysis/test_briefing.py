"""Briefings: chosen figures printed to a PDF marked as its strictest figure on every page, through the action,
the API, the page and the CLI; only what the exporting user may see goes in; every export is audited. The PDF is
read back with pypdf (text per page)."""

from __future__ import annotations

import io
import json
import re
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pypdf
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from liaison import i18n
from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.briefings import export_briefing
from liaison.briefing import MAX_ITEMS, render_html, render_pdf
from liaison.cli import app as cli_app
from liaison.db import make_engine, make_session_factory, transaction
from liaison.errors import InvalidInput, PermissionDenied
from liaison.marking import Marking
from liaison.models import AuditEvent
from liaison.queries.figures import KINDS, Figure, Table
from tests.analysis import figures_for_tests  # noqa: F401  (registers the test-* figures)
from tests.bank.conftest import BankWorld, principals
from tests.bank.test_ui_bank import csrf, log_in
from tests.conftest import Databases, build_world_into

BASIS = "Art. 18 Europol Regulation"
OVERALL = "TLP:AMBER, REL TO DE, FR"

TEST_KINDS = {name: kind for name, kind in KINDS.items() if name.startswith("test-")}  # as figures_for_tests made them
for _name in TEST_KINDS:
    KINDS.pop(_name)


@pytest.fixture(autouse=True, scope="module")
def _test_kinds_only_here() -> Iterator[None]:
    """The test-* kinds exist while this module runs, and never leak into another module's pages (the briefing
    page lists every registered kind, and a pseudo-language test reads it in the same process)."""
    KINDS.update(TEST_KINDS)
    yield
    for name in TEST_KINDS:
        KINDS.pop(name, None)


@pytest.fixture
def bank(databases: Databases, tmp_path) -> Iterator[BankWorld]:  # type: ignore[no-untyped-def]
    """The test world with its bank personas (as tests/bank/conftest.py's fixture of the same name)."""
    url = databases.clone("world", build_world_into, tmp_path)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield BankWorld(url, sessions, principals(sessions))
    engine.dispose()


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def secret_entity(sessions, people) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """A person entered by the German analyst: one name for the network, one TLP:RED alias kept to themselves."""
    with transaction(sessions) as s:
        return create_entity(
            s,
            actor=people["de.analyst"],
            schema="Person",
            statements=[
                StatementInput(
                    "name", "Karim OPENNAME", name_kind="primary", source="UN list", marking=Marking("GREEN")
                ),
                StatementInput("name", "Abu Hidden", name_kind="alias", source="BKA source 9", marking=Marking("RED")),
            ],
            data_subject_category="suspect",
            legal_basis=BASIS,
        ).id


def test_strictest_marking_on_every_page_titles_and_audit(bank):  # type: ignore[no-untyped-def]
    with transaction(bank.sessions) as s:
        made = export_briefing(s, actor=bank["fr.analyst"], items=["test-green", "test-amber"], title="Weekly")
    assert made.marking.label == OVERALL
    text = pages(made.pdf)
    assert len(text) == made.pages >= 4  # cover, the chart, a table over several pages
    for number, page in enumerate(text, 1):
        assert page.count(OVERALL) >= 2, f"page {number} is not marked top and bottom: {page[:200]!r}"
    everything = "\n".join(text)
    assert "Weekly" in text[0] and "Attacks by region (test)" in everything and "Funding flags (test)" in everything
    assert "TLP:GREEN" in everything  # the green figure keeps its own marking above it
    assert "Synthetic data" in everything
    with bank.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "analysis.briefing.export"))
    assert event is not None and event.actor_name == "fr.analyst"
    assert event.details["items"] == ["test-green", "test-amber"] and event.details["marking"] == OVERALL


def test_a_figure_holds_only_what_its_viewer_may_see(bank):  # type: ignore[no-untyped-def]
    people = principals(bank.sessions)
    entity = secret_entity(bank.sessions, people)
    item = f"test-names:{entity}"
    with transaction(bank.sessions) as s:
        own = export_briefing(s, actor=people["de.analyst"], items=[item])
        other = export_briefing(s, actor=people["fr.analyst"], items=[item])
    assert "Abu Hidden" in "".join(pages(own.pdf)) and own.marking.tlp == "RED"
    seen = "".join(pages(other.pdf))
    assert "Karim OPENNAME" in seen and "Abu Hidden" not in seen and "BKA source 9" not in seen
    assert other.marking.tlp == "GREEN" and "TLP:RED" not in seen


def test_bad_requests_are_clear(bank):  # type: ignore[no-untyped-def]
    with transaction(bank.sessions) as s:
        with pytest.raises(InvalidInput, match="unknown picture nope"):
            export_briefing(s, actor=bank["fr.analyst"], items=["nope"])
        with pytest.raises(InvalidInput, match="at most"):
            export_briefing(s, actor=bank["fr.analyst"], items=[f"test-green:{i}" for i in range(MAX_ITEMS + 1)])
        with pytest.raises(InvalidInput, match="at least one"):
            export_briefing(s, actor=bank["fr.analyst"], items=[" "])
        with pytest.raises(InvalidInput, match="needs an argument"):
            export_briefing(s, actor=bank["fr.analyst"], items=["test-names"])
        with pytest.raises(PermissionDenied):
            export_briefing(s, actor=bank["fr.cp"], items=["test-green"])


def test_api(api):  # type: ignore[no-untyped-def]
    r = api.as_("fr.analyst").post("/api/v1/briefings", json={"title": "API", "include": ["test-amber", "test-green"]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["x-liaison-marking"] == OVERALL
    assert all(p.count(OVERALL) >= 2 for p in pages(r.content))
    r = api.as_("fr.analyst").post("/api/v1/briefings", json={"include": ["test-green", "no-such-kind:1"]})
    assert r.status_code == 422 and "no-such-kind" in r.json()["detail"] and r.json()["field"] == "include"
    r = api.as_("fr.analyst").post("/api/v1/briefings", json={"include": ["test-green"] * (MAX_ITEMS + 1)})
    assert r.status_code == 422
    assert api.as_("fr.cp").post("/api/v1/briefings", json={"include": ["test-green"]}).status_code == 403
    assert api.as_(None).post("/api/v1/briefings", json={"include": ["test-green"]}).status_code == 401


def test_briefing_page_and_hub(api):  # type: ignore[no-untyped-def]
    client = log_in(api.client, "fr.analyst")
    home = client.get("/analysis")
    assert home.status_code == 200 and 'href="/analysis"' in home.text and 'href="/analysis/briefing"' in home.text
    page = client.get("/analysis/briefing?include=test-amber&include=test-green")
    assert page.status_code == 200
    assert re.search(r'name="include" value="test-amber" checked', page.text)
    assert re.search(r'name="include" value="test-green" checked', page.text)
    form = {"csrf_token": csrf(page.text), "include": ["test-amber", "test-green"], "title": "Page", "language": "fr"}
    r = client.post("/analysis/briefing", data=form)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    assert all(p.count(OVERALL) >= 2 for p in pages(r.content))
    bad = client.post("/analysis/briefing", data={**form, "include": [], "extra": "nope:1"})
    assert bad.status_code == 422 and "nope:1" in bad.text
    assert client.post("/analysis/briefing", data={**form, "csrf_token": "x"}).status_code == 403
    cp = log_in(api.client, "fr.cp")
    assert cp.get("/analysis").status_code == 403
    assert cp.get("/analysis/briefing").status_code == 403
    assert 'href="/analysis"' not in cp.get("/").text


def test_hub_lists_visible_groups(api):  # type: ignore[no-untyped-def]
    people = principals(api.sessions)
    with transaction(api.sessions) as s:
        group = create_entity(
            s,
            actor=people["de.analyst"],
            schema="Organization",
            statements=[StatementInput("name", "Crescent Test Group", name_kind="primary", marking=Marking("GREEN"))],
            legal_basis=BASIS,
        ).id
        hidden = create_entity(
            s,
            actor=people["de.analyst"],
            schema="Organization",
            statements=[StatementInput("name", "Hidden Test Cell", name_kind="primary", marking=Marking("RED"))],
            legal_basis=BASIS,
        ).id
        for name, target in (("Member One", group), ("Member Two", hidden)):
            create_entity(
                s,
                actor=people["de.analyst"],
                schema="Person",
                statements=[
                    StatementInput("name", name, name_kind="primary", marking=Marking("GREEN")),
                    StatementInput("member_of", "", object_id=target, marking=Marking("GREEN")),
                ],
                data_subject_category="suspect",
                legal_basis=BASIS,
            )
    fr = log_in(api.client, "fr.analyst").get("/analysis").text
    assert f"/analysis/groups/{group}" in fr and "Crescent Test Group" in fr
    assert "Hidden Test Cell" not in fr and str(hidden) not in fr
    de = log_in(api.client, "de.analyst").get("/analysis").text
    assert "Hidden Test Cell" in de
    screener = log_in(api.client, "jp.screener").get("/analysis")  # screening officers read the bank too
    assert screener.status_code == 200 and "Crescent Test Group" in screener.text
    assert 'href="/analysis" aria-current="page"' in screener.text


def test_cli(world_db_url, tmp_path):  # type: ignore[no-untyped-def]
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_ENV": "test"}
    out = tmp_path / "b.pdf"
    args = ["briefing", str(out), "--include", "test-green", "--include", "test-amber", "--title", "CLI", "--json"]
    r = CliRunner().invoke(cli_app, [*args, "--as", "fr.analyst"], env=env)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["marking"] == OVERALL and data["file"] == str(out) and data["pages"] == len(pages(out.read_bytes()))
    assert [i["item"] for i in data["items"]] == ["test-green", "test-amber"]
    r = CliRunner().invoke(cli_app, ["briefing", str(tmp_path / "c.pdf"), "--include", "nope"], env=env)
    assert r.exit_code == 1 and "unknown picture nope" in r.output


def test_a_briefing_fetches_nothing(bank):  # type: ignore[no-untyped-def]
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        with transaction(bank.sessions) as s:
            made = export_briefing(s, actor=bank["fr.analyst"], items=[f"test-external:{port}"])
        assert "Outside image (test)" in "".join(pages(made.pdf))
        with pytest.raises(TimeoutError):
            listener.accept()


def fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return found


@pytest.mark.parametrize("language", ["ar", "zh"])
def test_arabic_and_chinese_are_set_in_their_fonts(language: str) -> None:
    figure = Figure("x", "الشبكة 网络", Marking("GREEN"), table=Table(["A", "B"], [["محمد علي حسن", "北方新月旅"]]))
    with i18n.use_locale(language):
        html = render_html(
            [figure], title="موجز 简报", author="A", organisation="", made_at=datetime.now(UTC), marking=figure.marking
        )
    assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html
    used = fonts(render_pdf(html).pdf)
    assert any(f.startswith("Noto-Sans-Arabic") for f in used), used  # scripts/install-system-deps.sh
    assert any(f.startswith("Noto-Sans-CJK-SC") for f in used), used
