"""The gap and comparator pictures on their own: well-formed, accessible, escaped, CSP-clean, saying in words what
the colours say, and mirrored for right-to-left."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output

from liaison.legal.compare import compare_definitions, crosswalk
from liaison.legal_charts import gap_chart, matrix_chart, similarity_chart
from tests.legal.compare_world import TODAY, legal_facts

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "q"'


def parse(svg: str) -> ET.Element:
    assert not re.search(r"\sstyle=", svg) and "<script" not in svg.lower()  # font-style= is an attribute
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root[0].tag == NS + "title" and root[1].tag == NS + "desc"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(NS + "text")]


def test_gap_chart_says_status_in_words_and_escapes() -> None:
    facts = legal_facts()
    offences = dict(facts.offences)
    fr = offences["FR"]
    offences["FR"] = (dataclasses.replace(fr[0], citation=HOSTILE), *fr[1:])
    facts.offences = offences
    root = parse(gap_chart(crosswalk(facts, "FR", on=TODAY), rtl=False))
    desc = root[1].text or ""
    assert "covered 1, partial 1, gap 1" in desc and HOSTILE in desc
    words = " ".join(texts(root))
    assert "covered · reviewed" in words and "partial · computed 67%" in words and "gap" in words
    assert root.get("direction") == "ltr"


def test_empty_target_draws_a_message() -> None:
    root = parse(gap_chart(crosswalk(legal_facts(), "FR", "cets-217", on=TODAY)))
    assert any("No offence model" in t for t in texts(root))


def test_matrix_marks_the_core_and_every_member() -> None:
    c = compare_definitions(legal_facts(), ["FR", "DE", "JP"], on=TODAY)
    root = parse(matrix_chart(c, rtl=False))
    words = texts(root)
    assert words.count("core") == 3 and {"FR", "DE", "JP"} <= set(words)
    assert "Shared core: Killing a person; Seriously intimidating a population; Intentionally." in (root[1].text or "")
    assert len(root.findall(f".//{NS}rect[@class='legal-core-band']")) == 3


def test_similarity_heatmap_writes_the_figures_and_mirrors() -> None:
    c = compare_definitions(legal_facts(), ["FR", "DE"], on=TODAY)
    ltr, rtl = parse(similarity_chart(c, rtl=False)), parse(similarity_chart(c, rtl=True))
    assert "FR–DE: 0.62" in (ltr[1].text or "") or "FR–DE: 0.63" in (ltr[1].text or "")

    def first_column_x(root: ET.Element) -> float:
        return next(float(el.get("x") or 0) for el in root.iter(NS + "text") if el.get("class") == "legal-col")

    width = float((ltr.get("viewBox") or "").split()[2])
    assert first_column_x(rtl) == width - first_column_x(ltr)
