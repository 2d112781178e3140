"""A briefing as a document: chosen figures (:mod:`liaison.queries.figures`) laid out as HTML and printed to PDF.

No database here: :mod:`liaison.actions.briefings` builds the figures as the viewer (through the same
access-filtered queries as the pages), audits the export and calls :func:`render_pdf`. The document is marked as
its strictest figure (:func:`overall_marking`, the fold of :func:`liaison.marking.stricter`), that marking is
printed at the top and bottom of every page (CSS page-margin boxes, so no page of a printed briefing goes
unmarked), and each figure also carries its own marking above it.

WeasyPrint lays it out. It never fetches anything: :func:`_no_fetch` refuses every URL but ``data:``, so a name
in an SVG or a table cannot make the node reach out to another host. Fonts come from the machine (fontconfig):
``scripts/install-system-deps.sh`` installs Noto for Arabic and Chinese; the document's ``lang`` and ``dir`` set
the script's font and the direction (Arabic right to left).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from liaison import i18n
from liaison.marking import Marking, stricter
from liaison.queries.figures import Figure

MAX_ITEMS = 20
"""At most this many figures in one briefing: each may be a graph of hundreds of nodes, and the PDF is made
while the request waits."""

# FIRST TLP 2.0 colours: the label's colour on black.
TLP_COLOURS = {"RED": "#FF2B2B", "AMBER": "#FFC000", "AMBER+STRICT": "#FFC000", "GREEN": "#33FF00", "CLEAR": "#FFFFFF"}


@dataclass(frozen=True, slots=True)
class Document:
    pdf: bytes
    pages: int


def overall_marking(figures: Sequence[Figure]) -> Marking:
    """The briefing's marking: the strictest of its figures' (TLP:CLEAR for none)."""
    return reduce(stricter, (f.marking for f in figures), Marking("CLEAR"))


def render_html(
    figures: Sequence[Figure], *, title: str, author: str, organisation: str, made_at: datetime, marking: Marking
) -> str:
    """The briefing as one HTML document, in the current language and time zone (:func:`liaison.i18n.use_locale`).

    The pages' template environment is used for its translations and date filters; the template itself is a
    document for print, not a page (no base.html, no script)."""
    from liaison.web.ui.common import templates

    return (
        templates()
        .get_template("briefing.html")
        .render(
            title=title,
            author=author,
            organisation=organisation,
            made_at=made_at,
            zone=i18n.current_zone(),
            marking=marking,
            marking_colour=TLP_COLOURS[marking.tlp],
            figures=[_figure(f) for f in figures],
            lang=i18n.current(),
            dir=i18n.direction(),
        )
    )


def _figure(f: Figure) -> dict[str, Any]:
    return {
        "key": f.key,
        "title": f.title,
        "marking": f.marking.label,
        "level": f.marking.tlp.lower().replace("+", "-"),
        "svg": f.svg,  # an Svg: the server's own drawing (liaison.charts / liaison.graph), inserted as it is
        "table": f.table,
        "notes": list(f.notes),
    }


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: ``data:`` only (the document is self-contained; nothing is fetched)."""
    if url.startswith("data:"):
        from weasyprint import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError("a briefing fetches nothing")


def render_pdf(html: str) -> Document:
    """The HTML printed to PDF, with its page count."""
    from weasyprint import HTML  # heavy import (Pango, fonts): only when a briefing is made

    document = HTML(string=html, url_fetcher=_no_fetch, base_url="about:blank").render()
    out = io.BytesIO()
    document.write_pdf(out)
    return Document(out.getvalue(), len(document.pages))
