"""The pictures of the gap report and the definition comparator: server-side SVG, drawn as
:mod:`liaison.charts` draws (no script, no ``style=``, presentation attributes and classes only, a ``viewBox`` and
``width="100%"`` for phones, ``role="img"`` with a ``<title>`` and a ``<desc>`` that says the data in words,
every text escaped).

- :func:`gap_chart`: one row per offence model, a bar for its coverage coloured covered / partial / gap *and*
  written out in words beside it (colour is never the only sign);
- :func:`matrix_chart`: conduct elements (grouped by facet) × members, a tick where a member's definition requires
  the element, the shared core's rows banded and marked "core" in words;
- :func:`similarity_chart`: the members' pairwise Jaccard similarity as a small heatmap with the figures written.

Right-to-left languages: each picture is laid out in logical positions (the labels at the start, values growing
towards the end, members in reading order) and mirrored as a whole, so in Arabic the labels stand on the right
and bars grow leftwards. The root's ``direction`` is set (not inherited from the page), so text anchors stay
logical ("start" is the right edge in Arabic) in the page and in a downloaded file alike.
"""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

from liaison import i18n
from liaison.charts import PALETTE, Svg, fmt
from liaison.i18n import _, lazy_gettext, ngettext
from liaison.legal.compare import Comparison, GapReport
from liaison.legal.elements import ELEMENTS, FACETS, label

# Okabe-Ito, as the other charts: bluish green, orange, vermillion.
STATUS_COLOURS = {"covered": "#009E73", "partial": "#E69F00", "gap": "#D55E00"}
STATUS_WORDS = {
    "covered": lazy_gettext("covered"),
    "partial": lazy_gettext("partial"),
    "gap": lazy_gettext("gap"),
}
BASIS_WORDS = {
    "reviewed": lazy_gettext("reviewed"),
    "mapped": lazy_gettext("mapped, not reviewed"),
    "computed": lazy_gettext("computed"),
}
FACET_WORDS = {
    "behaviour": lazy_gettext("Behaviour"),
    "purpose": lazy_gettext("Purpose"),
    "intent": lazy_gettext("Intent"),
    "context": lazy_gettext("Context"),
    "exclusion": lazy_gettext("Exclusions (not if present)"),
}
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _t(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


class _Canvas:
    """Logical coordinates: x grows from the reading start; mirrored when the language is right-to-left."""

    def __init__(self, width: int, rtl: bool | None = None) -> None:
        self.width = width
        self.rtl = i18n.is_rtl() if rtl is None else rtl

    def x(self, x: float) -> float:
        return self.width - x if self.rtl else x

    def box(self, x: float, w: float) -> float:
        """The physical left edge of a box that starts at logical ``x`` and is ``w`` wide."""
        return self.width - x - w if self.rtl else x

    def anchor(self, logical: str) -> str:
        """Text anchors stay logical: the root's ``direction`` (which an inline SVG would otherwise inherit from
        the page) makes "start" the right edge of a right-to-left text, in the page and in a downloaded file."""
        return logical

    def text(
        self,
        x: float,
        y: float,
        body: str,
        *,
        anchor: str = "start",
        cls: str = "",
        extra: str = "",
        fill: str = "currentColor",
    ) -> str:
        return (
            f'<text class="{cls}" x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{self.anchor(anchor)}"'
            f' fill="{fill}"{extra}>{body}</text>'
        )

    def open(self, kind: str, title: str, height: int, summary: str) -> str:
        ident = "legal-" + hashlib.sha256(f"{kind}\0{title}\0{summary}".encode()).hexdigest()[:12]
        direction = "rtl" if self.rtl else "ltr"
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart legal-chart chart-{kind}" role="img"'
            f' aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {self.width} {height}" width="100%"'
            f' preserveAspectRatio="xMidYMid meet" direction="{direction}" data-dir="{direction}" {_FONT}>'
            f'<title id="{ident}-t">{_t(title)}</title><desc id="{ident}-d">{_t(summary)}</desc>'
            + self.text(8, 18, _t(title), cls="chart-title", extra=' font-size="14" font-weight="bold"')
        )


def _bar_share(status: str, score: float) -> float:
    """How long a row's bar is: all of it covered, none for a gap, the computed share (kept visibly between the
    two) for a partial cover."""
    if status == "covered":
        return 1.0
    if status == "gap":
        return 0.0
    return min(max(score, 0.1), 0.9)


def gap_chart(report: GapReport, *, rtl: bool | None = None) -> Svg:
    """The member's coverage of each model of the target, one row each."""
    c = _Canvas(860, rtl)
    title = _("%(member)s against %(target)s", member=report.member, target=report.target_name)
    summary = [
        _(
            "%(member)s against %(target)s: covered %(covered)s, partial %(partial)s, gap %(gap)s.",
            member=report.member,
            target=report.target_name,
            covered=report.counts["covered"],
            partial=report.counts["partial"],
            gap=report.counts["gap"],
        )
    ]
    if not report.rows:
        summary.append(_("No offence model is recorded for this target yet."))
        return Svg(
            c.open("gaps", title, 64, " ".join(summary)) + c.text(8, 46, _t(summary[-1]), cls="chart-empty") + "</svg>"
        )
    label_w, track_x, track_w, row_h, top = 250, 262, 290, 28, 58
    parts: list[str] = []
    # the legend: a swatch and a word for each status
    lx = 8.0
    for status in ("covered", "partial", "gap"):
        word = str(STATUS_WORDS[status])
        parts.append(
            f'<rect class="legal-swatch legal-{status}" x="{c.box(lx, 12):.1f}" y="30" width="12" height="12"'
            f' fill="{STATUS_COLOURS[status]}"/>' + c.text(lx + 16, 40, _t(word), cls="chart-legend-label")
        )
        lx += 16 + 7 * len(word) + 24
    for n, row in enumerate(report.rows):
        y = top + n * row_h
        status_word = str(STATUS_WORDS[row.status])
        best = row.best
        score = best.score if best else 0.0
        detail = status_word
        if best is not None:
            detail += " · " + str(BASIS_WORDS[best.basis])
            if best.basis == "computed" and row.status == "partial":
                detail += f" {fmt(round(score * 100))}%"
            detail += " · " + best.offence.citation
        said = f"{row.label}: {detail}"
        summary.append(said + ";")
        share = _bar_share(row.status, score)
        parts.append(f'<g class="legal-row legal-{row.status}"><title>{_t(said)}</title>')
        parts.append(c.text(label_w, y + 18, _t(_cut(row.label, 36)), anchor="end", cls="chart-label"))
        parts.append(
            f'<rect class="legal-track" x="{c.box(track_x, track_w):.1f}" y="{y + 5}" width="{track_w}"'
            f' height="{row_h - 10}" fill="currentColor" fill-opacity="0.08" stroke="currentColor"'
            ' stroke-opacity="0.3"/>'
        )
        if share > 0:
            w = track_w * share
            parts.append(
                f'<rect class="legal-bar" x="{c.box(track_x, w):.1f}" y="{y + 5}" width="{w:.1f}"'
                f' height="{row_h - 10}" fill="{STATUS_COLOURS[row.status]}"/>'
            )
        parts.append(c.text(track_x + track_w + 8, y + 18, _t(_cut(detail, 42)), cls="chart-value legal-status"))
        parts.append("</g>")
    summary[-1] = summary[-1].rstrip(";") + "."
    height = top + row_h * len(report.rows) + 12
    return Svg(c.open("gaps", title, height, " ".join(summary)) + "".join(parts) + "</svg>")


def _two_lines(name: str) -> tuple[str, str]:
    """A reference's name over two lines under its column: "EU 2017/541" / "Art. 3"."""
    head, _sep, tail = name.rpartition(", ")
    return (_cut(head, 14), _cut(tail, 14)) if head else (_cut(name, 14), "")


def matrix_chart(comparison: Comparison, *, rtl: bool | None = None) -> Svg:
    """Elements × members (and the reference definitions after them), grouped by facet, shared core marked."""
    columns = [(d.code, d.code, set(d.elements), False) for d in comparison.members]
    columns += [(d.code, d.name, set(d.elements), True) for d in comparison.references]
    codes = [d.code for d in comparison.members]
    every: set[str] = set().union(*(col[2] for col in columns))
    shared = set(comparison.shared)
    title = _("Definitions of terrorism compared: %(members)s", members=", ".join(codes))
    summary = [
        _("Shared core: %(elements)s.", elements="; ".join(label(e) for e in comparison.shared) or _("none")),
    ]
    for d in comparison.divergences:
        summary.append(
            _(
                "%(element)s: required by %(members)s, not by %(others)s.",
                element=label(d.element),
                members=", ".join(d.members),
                others=", ".join(d.without),
            )
        )
    c = _Canvas(0, rtl)
    label_w, cell, top = 320, 56, 70
    gap_before_refs = 16 if comparison.references else 0
    core_w = 56
    widths = [cell if not col[3] else 100 for col in columns]
    width = label_w + sum(widths) + gap_before_refs + core_w + 8
    c.width = width
    if not every:
        summary.append(_("No definition is recorded for these members yet."))
        return Svg(
            c.open("matrix", title, 64, " ".join(summary))
            + c.text(8, 46, _t(summary[-1]), cls="chart-empty")
            + "</svg>"
        )

    def col_x(i: int) -> float:
        return label_w + sum(widths[:i]) + (gap_before_refs if columns[i][3] else 0)

    parts: list[str] = []
    for i, (code, shown, _els, is_ref) in enumerate(columns):
        middle = col_x(i) + widths[i] / 2
        if not is_ref:
            parts.append(
                c.text(middle, top - 10, _t(code), anchor="middle", cls="legal-col", extra=' font-weight="bold"')
            )
            continue
        first, second = _two_lines(shown)
        for dy, line in ((-24, first), (-10, second)):
            parts.append(
                c.text(
                    middle,
                    top + dy,
                    f"<title>{_t(shown)}</title>{_t(line)}",
                    anchor="middle",
                    cls="legal-col legal-ref",
                    extra=' font-style="italic"',
                )
            )
    core_x = col_x(len(columns) - 1) + widths[-1] + 8
    parts.append(c.text(core_x, top - 10, _t(_("shared")), cls="legal-col"))
    y = top
    row_h = 22
    yes, no = _("required"), _("not required")
    for facet in FACETS:
        rows = [e for e in _in_order(every) if _facet_of(e) == facet]
        if not rows:
            continue
        parts.append(
            c.text(8, y + 16, _t(FACET_WORDS[facet]), cls="legal-facet", extra=' font-weight="bold"')
            + f'<line x1="{c.x(8):.1f}" x2="{c.x(width - 8):.1f}" y1="{y + 21}" y2="{y + 21}" stroke="currentColor"'
            ' stroke-opacity="0.3"/>'
        )
        y += row_h + 2
        for element in rows:
            is_core = element in shared
            text = label(element)
            if is_core:
                parts.append(
                    f'<rect class="legal-core-band" x="{c.box(4, width - 8):.1f}" y="{y}" width="{width - 8}"'
                    f' height="{row_h}" fill="{STATUS_COLOURS["covered"]}" fill-opacity="0.14"/>'
                )
            parts.append(
                c.text(
                    16,
                    y + 15,
                    f"<title>{_t(text)}</title>{_t(_cut(text, 46))}",
                    cls="chart-label legal-element" + (" legal-core" if is_core else ""),
                    extra=' font-weight="bold"' if is_core else "",
                )
            )
            for i, (code, _shown, els, is_ref) in enumerate(columns):
                has = element in els
                said = f"{code}, {text}: {yes if has else no}"
                x, w = col_x(i), widths[i]
                if has:
                    colour = PALETTE[0] if not is_ref else "currentColor"
                    parts.append(
                        f'<g class="legal-cell legal-yes"><title>{_t(said)}</title>'
                        f'<rect x="{c.box(x + (w - 44) / 2, 44):.1f}" y="{y + 2}" width="44" height="{row_h - 4}"'
                        f' rx="3" fill="{colour}" fill-opacity="{0.85 if not is_ref else 0.25}"/>'
                        + c.text(
                            x + w / 2,
                            y + 15,
                            "✓",
                            anchor="middle",
                            extra=' font-weight="bold"',
                            fill="#ffffff" if not is_ref else "currentColor",
                        )
                        + "</g>"
                    )
                else:
                    parts.append(
                        f'<g class="legal-cell legal-no"><title>{_t(said)}</title>'
                        + c.text(x + w / 2, y + 15, "–", anchor="middle", extra=' fill-opacity="0.5"')
                        + "</g>"
                    )
            if is_core:
                parts.append(c.text(core_x, y + 15, _t(_("core")), cls="legal-core-tag", extra=' font-weight="bold"'))
            y += row_h
        y += 6
    return Svg(c.open("matrix", title, y + 8, " ".join(summary)) + "".join(parts) + "</svg>")


def _facet_of(code: str) -> str:
    found = ELEMENTS.get(code)
    return found.facet if found else ""


def _in_order(codes: set[str]) -> list[str]:
    known = list(ELEMENTS)
    return sorted(codes, key=lambda e: known.index(e) if e in known else len(known))


def similarity_chart(comparison: Comparison, *, rtl: bool | None = None) -> Svg:
    """The members' pairwise Jaccard similarity (0 nothing in common, 1 the same elements), figures written."""
    codes = [d.code for d in comparison.members]
    cell, left, top = 58, 64, 56
    title = _("Similarity of the definitions (Jaccard)")
    c = _Canvas(max(left + cell * len(codes) + 16, int(8 * len(title)) + 16), rtl)
    summary: list[str] = [
        ngettext(
            "%(title)s, %(num)d members:",
            "%(title)s, %(num)d members:",
            len(codes),
            title=title,
        )
    ]
    parts: list[str] = []
    for i, code in enumerate(codes):
        parts.append(c.text(left + cell * i + cell / 2, top - 8, _t(code), anchor="middle", cls="legal-col"))
        parts.append(c.text(left - 8, top + cell * i + cell / 2 + 4, _t(code), anchor="end", cls="legal-rowhead"))
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            value = comparison.similarity[a][b]
            shown = "–" if value is None else fmt(value)
            if j > i:
                summary.append(f"{a}–{b}: {shown};")
            x, y = left + cell * j, top + cell * i
            opacity = 0.08 if value is None else 0.1 + 0.8 * value
            ink = "#ffffff" if value is not None and value > 0.55 else "currentColor"
            parts.append(
                f'<g class="legal-sim"><title>{_t(f"{a}–{b}: {shown}")}</title>'
                f'<rect x="{c.box(x + 2, cell - 4):.1f}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}"'
                f' fill="{PALETTE[0]}" fill-opacity="{opacity:.2f}"/>'
                + c.text(x + cell / 2, y + cell / 2 + 4, _t(shown), anchor="middle", cls="chart-value", fill=ink)
                + "</g>"
            )
    summary[-1] = summary[-1].rstrip(";:") + "."
    height = top + cell * len(codes) + 8
    return Svg(c.open("similarity", title, height, " ".join(summary)) + "".join(parts) + "</svg>")


# -- words the CLI, the API's callers and the pages share --

CERTAINTY_WORDS = {
    "verified": lazy_gettext("verified"),
    "unverified": lazy_gettext("unverified"),
    "stale": lazy_gettext("stale (source read more than a year ago)"),
    "demo": lazy_gettext("demonstration data"),
}
DEMO_NOTICE = lazy_gettext("Demonstration data: illustrative, not checked against the official texts.")
UNVERIFIED_NOTICE = lazy_gettext("Some of these facts are unverified or stale: check them against the sources cited.")
COMPUTED_NOTICE = lazy_gettext(
    "A coverage marked computed is worked out from the conduct elements and was not reviewed: a recorded mapping "
    "always wins over it."
)


def certainty_word(code: str) -> str:
    word = CERTAINTY_WORDS.get(code)
    return str(word) if word is not None else code
