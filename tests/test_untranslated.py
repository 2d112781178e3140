"""No English left on the main pages of a translated UI: every page is rendered in a pseudo-language whose catalog
wraps each message in ⟦…⟧, and any English words outside the brackets are text that never reached the catalog
(a string not marked for translation). Data (names, codes, the sender's text) is isolated in ``<bdi>`` or is not
English prose, so it does not count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from liaison import i18n
from liaison.app import create_app
from liaison.settings import load_settings
from tests.test_ui import logged_in

PSEUDO = "fr"  # the pseudo catalog stands in for French (two plural forms)
# Words that only UI text would put on a page; data (names of people, networks, places) rarely reads like this.
ENGLISH = frozenset(
    """a about account acknowledge acknowledged acknowledgement add agency all an and any are as at back bank board by
    call cancel change channel channels choose close closed contact date delete desk details do duty edit e-mail each
    every exercise export filter find for from has have hit hits how if in inbox is it its language log logged member
    members message messages more name names network new next no none not now of on open or out override password
    phone please policy priority read reason request result results roster save screening search see select send sent
    show sign status step subject test the this time to today until up verified verify view was what when where which
    who will with yes you your""".split()
)
SKIP_TAGS = {"script", "style", "bdi", "code", "pre", "option", "textarea", "time"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.chunks: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ATTRIBUTES:
            if values.get(name):
                self.chunks.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.chunks.append(str(values["value"]))
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        self.stack.append(tag)
        if tag in SKIP_TAGS or "translate" in values and values["translate"] == "no" or "data-data" in values:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            top = self.stack.pop()
            values_skip = top in SKIP_TAGS
            if values_skip:
                self.skip = max(0, self.skip - 1)
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.chunks.append(data)


BRACKETED = re.compile(r"⟦[^⟦⟧]*⟧")
SEPARATOR = "\x00"


def leftovers(html: str, data: tuple[str, ...] = ()) -> list[str]:
    """Texts of the page with English words outside every ⟦…⟧. A message whose placeholder renders markup
    (``Logged in as <strong>…</strong>``) spans several text nodes, so the brackets are removed from the page's
    text as one stream; texts that are data (``data``: the database's own strings) do not count."""
    parser = _Text()
    parser.feed(html)
    # A label a picture shortened to fit ("⟦Seizing an aircraft…") lost its closing bracket with its end.
    stream = SEPARATOR.join(re.sub(r"^(\s*⟦[^⟧]*)…\s*$", r"\1⟧", c) for c in parser.chunks)
    while True:  # innermost first: ⟦Sent to ⟦Paris⟧⟧
        stripped = BRACKETED.sub(SEPARATOR, stream)
        if stripped == stream:
            break
        stream = stripped
    found = []
    blob = SEPARATOR.join(data)
    for chunk in stream.split(SEPARATOR):
        if chunk.strip() and chunk.strip() in blob:  # part of a longer text, e.g. one paragraph of a message body
            continue
        text = chunk
        for value in data:  # longest first, so a name inside a longer text does not break it apart
            if value in text:
                text = text.replace(value, " ")
        text = EMAIL.sub(" ", text)
        words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", text) if not (w.isupper() and len(w) <= 3)}
        if words & ENGLISH:
            found.append(" ".join(chunk.split())[:120])
    return found


EMAIL = re.compile(r"\S+@\S+")


def database_strings(url: str) -> tuple[str, ...]:
    """Every text value in the demo database (names, subjects, reasons, labels): data, not UI."""
    from sqlalchemy import String, Text, create_engine, select

    from liaison.models import Base

    values: set[str] = set()
    engine = create_engine(url)
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            for row in conn.execute(select(*columns).limit(5000)):
                values.update(v.strip() for v in row if isinstance(v, str) and 3 <= len(v.strip()) <= 2000)
    engine.dispose()
    return tuple(sorted(values, key=len, reverse=True))


@pytest.fixture
def client(demo_db_url: str) -> Iterator[TestClient]:
    app = create_app(load_settings(database_url=demo_db_url, env="test", base_url="http://testserver"))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def pseudo_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as f:
        template = read_po(f)
    pseudo = Catalog(locale=PSEUDO)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            pseudo.add(message.id, tuple(f"⟦{form}⟧" for form in message.id), context=message.context)
        else:
            pseudo.add(message.id, f"⟦{message.id}⟧", context=message.context)
    target = tmp_path / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as f:
        write_mo(f, pseudo)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


# Pages whose address needs an id take it from the first link of that kind on another page.
PAGES = {
    None: ["/login"],
    "secretariat.ftf": [
        "/",
        "/find?q=fr",
        "/networks/FTF",
        "/networks/FTF/members/FR",
        "/dashboard",
        "/networks/FTF/dashboard",
        "/networks/FTF/readiness",
        "/networks/FTF/exercises",
        "/networks/FTF/admin",
        "/networks/FTF/admin/members/FR",
        "/inbox",
        "/account",
        "first:/networks/FTF/exercises:/exercises/",
        "first:/inbox?box=out:/messages/",
    ],
    "fr.ftf": [
        "/inbox",
        "/messages/new",
        "/join",
        "first:/inbox:/messages/",
        "first:/networks/FTF/members/FR:/agencies/",
        "/legal",
        "/legal/basis?requesting=FR&requested=JP&kind=mla",
        "/legal/instruments",
        "/legal/instruments/cets-196",
        "/legal/import",
        "/registries/officers/new",
        "/registries/experts/new",
        "/registries/training/new",
        "/registries/officers",
        "/registries/experts",
        "/registries/training",
        "/registries/strategies",
        "/registries/strategies/FR",
        "/legal/requests",
        "/legal/requests/new",
        "request:",
        "/legal/ledger",
    ],
    "analyst": [
        "/bank",
        "/bank?q=ahmad",
        "/bank/screening",
        "/bank/merges",
        "first:/bank?q=ahmad:/bank/entities/",
        "/analysis",
        "group:/analysis/groups/",
        "group:/analysis/funding?group=",
        "group:/analysis/incidents?group=",
        "group:/analysis/forecast?group=",
        "group:/analysis/path?b=Karim Haddar&a=",
        "/analysis/incidents",
        "/analysis/forecast?by=target-type",
        "/analysis/briefing?include=map&include=trends:region",
        "/analysis/incidents/import",
        "/analysis/transactions/import",
        "/legal/check",
        "/legal/offences/JP",
        "/legal/offences/DE",
        "demo-case:",
        "/legal/gaps",
        "/legal/gaps/FR?against=eu-2017-541",
        "/legal/compare?members=FR&members=JP",
    ],
    "auditor": ["/audit"],
}
FIRST = re.compile(r'href="(/[^"]*)"')
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _address(client: TestClient, path: str) -> str:
    if path.startswith("group:"):  # the analysis page of the demo's main group, found on the analysis centre's page
        found = re.search(
            r'href="/analysis/groups/(' + UUID + r')"><bdi[^>]*>Northern Crescent Brigades<',
            client.get("/analysis").text,
        )
        assert found, "the demo's main group is not on /analysis"
        return path.removeprefix("group:") + found.group(1)
    if path == "demo-case:":  # the dual-criminality check of the demo case, as the legal pages link it
        from liaison.web.ui.legal_offences import demo_link

        return demo_link()
    if path == "request:":  # the demo case's draft request, the first the tracker lists for France
        found = re.search(r'href="(/legal/requests/LR-[0-9]{4}-[0-9]+)"', client.get("/legal/requests").text)
        assert found, "no request on /legal/requests"
        return found.group(1)
    if not path.startswith("first:"):
        return path
    _first, page, prefix = path.split(":", 2)
    links = [link for link in FIRST.findall(client.get(page).text) if re.match(re.escape(prefix) + UUID, link)]
    assert links, f"no link starting with {prefix} on {page}"
    return links[0].replace("&amp;", "&")


def test_the_detector_finds_english_and_spares_data_and_messages() -> None:
    page = (
        "<p>⟦Logged in as <strong>Ana</strong>⟧</p><p>Save the roster</p><td>24/7 Network on Fighters</td>"
        "<p>⟦Sent to ⟦Paris⟧⟧</p><span>IN</span><a>ops@desk.example</a>"
    )
    assert leftovers(page, ("24/7 Network on Fighters",)) == ["Save the roster"]


@pytest.mark.parametrize(("user", "path"), [(u, p) for u, paths in PAGES.items() for p in paths])
def test_no_english_left_on_a_translated_page(
    client: TestClient, pseudo_catalog: None, demo_db_url: str, user: str | None, path: str
) -> None:
    if user:
        logged_in(client, user)
    client.cookies.set("liaison_lang", PSEUDO)
    path = _address(client, path)
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    assert f'lang="{PSEUDO}"' in page.text
    left = leftovers(page.text, database_strings(demo_db_url))
    assert not left, f"{path} as {user}: {len(left)} texts not translated: {left[:12]}"
