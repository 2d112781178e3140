"""The gap report and comparator pages: pickers, pictures (SVG naming the members), tables, notices, refusals,
SVG downloads, and the Arabic page mirrored."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output

from liaison.db import transaction
from tests.bank.test_ui_bank import log_in
from tests.conftest import Api
from tests.legal import compare_world

SVG = re.compile(r"<svg[^>]*class=\"chart legal-chart[^\"]*\".*?</svg>", re.S)


def svg_texts(svg: str) -> str:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    return " ".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


def setup(api: Api):  # type: ignore[no-untyped-def]
    with transaction(api.sessions) as s:
        compare_world.insert(s)
    return log_in(api.client, "fr.cp")


def test_gap_pages(api: Api) -> None:
    client = setup(api)
    r = client.get("/legal/gaps")
    assert r.status_code == 200 and 'name="member"' in r.text and 'value="cets-196"' in r.text
    r = client.get("/legal/gaps", params={"member": "fr", "against": "eu-2017-541"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/legal/gaps/FR?against=eu-2017-541"
    r = client.get("/legal/gaps/FR")
    assert r.status_code == 200, r.text
    page = r.text
    pictures = SVG.findall(page)
    assert len(pictures) == 1 and "FR" in svg_texts(pictures[0])
    assert "<title" in pictures[0] and "<desc" in pictures[0] and "style=" not in pictures[0]
    for text in ("Code pénal, art. 421-1", "Secretariat reviewer", "Knowing it is to be used", "computed", "Sources"):
        assert text in page, text
    assert "Demonstration data" not in page and "unverified" in page
    r = client.get("/legal/gaps/JP")
    assert r.status_code == 200 and "Demonstration data" in r.text
    r = client.get("/legal/gaps/FX")
    assert r.status_code == 404 and "/legal/gaps/FR?against=eu-2017-541" in r.text
    r = client.get("/legal/gaps/FR", params={"against": "eu-2017-514"})
    assert r.status_code == 404 and "eu-2017-541" in r.text
    r = client.get("/legal/gaps/FR/picture.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "FR" in svg_texts(r.text)


def test_compare_pages(api: Api) -> None:
    client = setup(api)
    r = client.get("/legal/compare")
    assert r.status_code == 200 and 'type="checkbox" name="members" value="DE"' in r.text
    r = client.get("/legal/compare", params=[("members", "FR"), ("members", "DE"), ("members", "JP")])
    assert r.status_code == 200, r.text
    pictures = SVG.findall(r.text)
    assert len(pictures) == 2
    matrix, similarity = svg_texts(pictures[0]), svg_texts(pictures[1])
    assert all(code in matrix and code in similarity for code in ("FR", "DE", "JP"))
    assert "core" in matrix and "0.62" in similarity.replace(",", ".")
    assert "Shared core" in r.text and "Killing a person" in r.text and "Demonstration data" in r.text
    assert 'value="JP" checked' in r.text
    r = client.get("/legal/compare", params={"members": "FR"})
    assert r.status_code == 422 and "at least two" in r.text
    r = client.get("/legal/compare", params=[("members", "FR"), ("members", "DX")])
    assert r.status_code == 404 and "members=DE" in r.text
    r = client.get("/legal/compare/matrix.svg", params=[("members", "FR"), ("members", "DE")])
    assert r.status_code == 200 and "DE" in svg_texts(r.text)
    assert client.get("/legal/compare/pie.svg", params={"members": "FR,DE"}).status_code == 404


def test_arabic_pages_are_mirrored(api: Api) -> None:
    client = setup(api)
    client.cookies.set("liaison_lang", "ar")
    r = client.get("/legal/gaps/FR")
    assert r.status_code == 200 and '<html lang="ar" dir="rtl">' in r.text
    svg = SVG.findall(r.text)[0]
    root = ET.fromstring(svg)  # noqa: S314
    assert root.get("data-dir") == "rtl" and root.get("direction") == "rtl"
    width = float((root.get("viewBox") or "").split()[2])
    title = next(el for el in root.iter("{http://www.w3.org/2000/svg}text") if el.get("class") == "chart-title")
    # the title starts at the reading start: the right edge (anchors are logical under direction="rtl")
    assert float(title.get("x") or 0) > width / 2 and title.get("text-anchor") == "start"
    labels = [el for el in root.iter("{http://www.w3.org/2000/svg}text") if el.get("class") == "chart-label"]
    assert labels and all(float(el.get("x") or 0) > width / 2 for el in labels)
    r = client.get("/legal/compare", params={"members": "FR,DE"})
    matrix = ET.fromstring(SVG.findall(r.text)[0])  # noqa: S314
    assert matrix.get("data-dir") == "rtl"
    cols = {
        el.text: float(el.get("x") or 0)
        for el in matrix.iter("{http://www.w3.org/2000/svg}text")
        if el.get("class") == "legal-col" and el.text in ("FR", "DE")
    }
    assert cols["FR"] > cols["DE"]  # the first member stands rightmost: reading order is right to left


def test_signed_out_is_sent_to_log_in(api: Api) -> None:
    api.client.cookies.clear()
    r = api.client.get("/legal/gaps", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
