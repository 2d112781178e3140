"""Small SVG charts for server-rendered pages: no JavaScript, no chart library, nothing to download.

The pages run under a strict Content-Security-Policy (no inline script, no ``style=`` attributes), so
the charts are plain SVG that uses presentation attributes (``fill``, ``stroke``, ``font-size``) and CSS
classes only. They are drawn for everyone who has to read them:

- a ``viewBox`` and ``width="100%"`` so they scale down to a phone;
- ``role="img"`` with a ``<title>`` and a ``<desc>`` that says in words what the data shows, for screen
  readers (and for anyone who prefers numbers to lines);
- series told apart by colour *and* dash pattern (Okabe-Ito palette), so colour blindness or a
  black-and-white printout loses nothing; text uses ``currentColor`` so dark themes work;
- every piece of text XML-escaped: labels come from user data (agency names, network names).

Both functions return :class:`Svg`, a ``str`` that Jinja inserts without escaping it again.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from babel.numbers import format_decimal, get_decimal_symbol

from liaison import i18n
from liaison.i18n import _, ngettext

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
"""Okabe-Ito colours, distinguishable with the common forms of colour blindness (yellow left out: too pale)."""
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 3")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


class Svg(str):
    """SVG markup that is safe to insert as it is (it has the ``__html__`` of Jinja's Markup protocol)."""

    __slots__ = ()

    def __html__(self) -> str:
        return str.__str__(self)


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _num(value: float | None) -> float | None:
    """NaN, infinities and values beyond a million billion cannot be drawn: they count as no data."""
    return value if value is not None and math.isfinite(value) and abs(value) <= 1e15 else None


def fmt(value: float) -> str:
    """A value as people read it, in the current language: ``1,234``, ``12.5``, ``0.042`` (``1 234``, ``12,5``
    in French)."""
    locale = i18n.babel_locale()
    if value == int(value) and abs(value) < 1e15:
        return format_decimal(int(value), "#,##0", locale=locale)
    if abs(value) >= 100:
        return format_decimal(round(value), "#,##0", locale=locale)
    if abs(value) >= 1:
        return format_decimal(float(f"{value:.1f}"), "#,##0.0", locale=locale)
    return f"{value:.2g}".replace(".", get_decimal_symbol(locale))


def nice_ticks(low: float, high: float) -> list[float]:
    """Four to six evenly spaced round values (steps of 1, 2, 2.5 or 5 times a power of ten) covering
    ``low``..``high``."""
    low, high = min(low, high), max(low, high)
    if high - low < 1e-9:  # one value (or ones too close to tell apart): show it inside a unit range
        high = low + max(abs(low), 1.0)
    exponent = math.floor(math.log10(high - low)) - 2
    while True:
        for mantissa in (1.0, 2.0, 2.5, 5.0):
            step = mantissa * 10.0**exponent
            first = math.floor(low / step + 1e-9)
            last = math.ceil(high / step - 1e-9)
            if last - first <= 5:
                digits = max(0, 1 - exponent) if mantissa == 2.5 else max(0, -exponent)
                return [round((first + i) * step, digits) + 0.0 for i in range(last - first + 1)]
        exponent += 1


def _tick_label(value: float) -> str:
    return format_decimal(float(f"{value:.6f}"), "#,##0.######", locale=i18n.babel_locale())


def _open(kind: str, title: str, width: int, height: int, summary: str) -> str:
    ident = "chart-" + hashlib.sha256(f"{kind}\0{title}\0{summary}".encode()).hexdigest()[:12]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img"'
        f' aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {width} {height}" width="100%"'
        f' preserveAspectRatio="xMidYMid meet" {_FONT}>'
        f'<title id="{ident}-t">{_text(title)}</title><desc id="{ident}-d">{_text(summary)}</desc>'
        f'<text class="chart-title" x="8" y="18" font-size="14" font-weight="bold" fill="currentColor">'
        f"{_text(title)}</text>"
    )


def _empty(kind: str, title: str, width: int) -> Svg:
    return Svg(
        _open(kind, title, width, 64, _("No data yet."))
        + '<text class="chart-empty" x="8" y="46" fill="currentColor">{}</text></svg>'.format(_text(_("No data yet")))
    )


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_label: str,
    y_max: float | None = None,
    width: int = 640,
    height: int = 240,
) -> Svg:
    """One line per series over ``labels`` (the x axis, in order). ``None`` leaves a gap in the line.

    ``y_max`` is the least top of the axis (100 for a percentage), so a quiet period does not look full.
    """
    cleaned = [(name, [_num(v) for v in values][: len(labels)]) for name, values in series]
    found = [v for _, values in cleaned for v in values if v is not None]
    if not labels or not found:
        return _empty("line", title, width)
    ticks = nice_ticks(min(0.0, *found), max(0.0, *found, *([y_max] if y_max is not None else [])))
    left, right, top, bottom = 56, width - 32, 52, height - 30
    lo, hi = ticks[0], ticks[-1]

    def x_at(i: int) -> float:
        return (left + right) / 2 if len(labels) == 1 else left + i * (right - left) / (len(labels) - 1)

    def y_at(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    summary = [
        # Translators: the spoken summary of a line chart (read by screen readers): title, y axis, x range
        ngettext(
            "%(title)s. %(axis)s, %(num)d point from %(first)s to %(last)s.",
            "%(title)s. %(axis)s, %(num)d points from %(first)s to %(last)s.",
            len(labels),
            title=title,
            axis=y_label,
            first=labels[0],
            last=labels[-1],
        )
    ]
    parts = [f'<text class="chart-axis-label" x="8" y="36" fill="currentColor">{_text(y_label)}</text>']
    parts += [
        f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{y_at(t):.1f}" y2="{y_at(t):.1f}"'
        f' stroke="currentColor" stroke-opacity="{0.5 if t == 0 else 0.15}"/>'
        f'<text class="chart-tick-y" x="{left - 6}" y="{y_at(t) + 4:.1f}" text-anchor="end" fill="currentColor">'
        f"{_tick_label(t)}</text>"
        for t in ticks
    ]
    label_width = max(72, 7 * max(len(label) for label in labels) + 12)
    every = max(1, math.ceil(len(labels) / max(1, (right - left) // label_width)))
    last = len(labels) - 1

    def anchor(i: int) -> str:  # the edge labels hang inwards, so a long one is never clipped by the viewBox
        return "start" if i == 0 and last > 0 else "end" if i == last and last > 0 else "middle"

    parts += [
        f'<text class="chart-tick-x" x="{x_at(i):.1f}" y="{bottom + 18}" text-anchor="{anchor(i)}" fill="currentColor">'
        f"{_text(label)}</text>"
        for i, label in enumerate(labels)
        if i % every == 0
    ]
    for n, (name, values) in enumerate(cleaned):
        colour, dash = PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chart-series chart-series-{n}" fill="{colour}" stroke="{colour}">')
        runs: list[list[str]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(f"{x_at(i):.1f},{y_at(v):.1f}")
        parts += [
            f'<polyline points="{" ".join(run)}" fill="none" stroke-width="2"{dash_attr}/>'
            for run in runs
            if len(run) > 1
        ]
        parts += [
            f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="3" stroke="none">'
            f"<title>{_text(f'{name}, {labels[i]}: {fmt(v)}')}</title></circle>"
            for i, v in enumerate(values)
            if v is not None
        ]
        parts.append("</g>")
        legend_y = height + 14 + 18 * n
        parts.append(
            f'<g class="chart-legend"><line x1="{left}" x2="{left + 28}" y1="{legend_y - 4}" y2="{legend_y - 4}"'
            f' stroke="{colour}" stroke-width="2"{dash_attr}/><text class="chart-legend-label" x="{left + 36}"'
            f' y="{legend_y}" fill="currentColor">{_text(name)}</text></g>'
        )
        summary.append(_describe_series(name, labels, values))
    total_height = height + 18 * len(cleaned) + 8
    return Svg(_open("line", title, width, total_height, " ".join(summary)) + "".join(parts) + "</svg>")


def _describe_series(name: str, labels: Sequence[str], values: Sequence[float | None]) -> str:
    known = [(v, labels[i]) for i, v in enumerate(values) if v is not None]
    if not known:
        return _("%(name)s: no data.", name=name)
    low, high = min(known, key=lambda p: p[0]), max(known, key=lambda p: p[0])
    words = {
        "name": name,
        "low": fmt(low[0]),
        "low_at": low[1],
        "high": fmt(high[0]),
        "high_at": high[1],
        "latest": fmt(known[-1][0]),
        "latest_at": known[-1][1],
    }
    missing = len(labels) - len(known)
    if not missing:
        return _(
            "%(name)s: lowest %(low)s (%(low_at)s), highest %(high)s (%(high_at)s), latest %(latest)s (%(latest_at)s).",
            **words,
        )
    return _(
        "%(name)s: lowest %(low)s (%(low_at)s), highest %(high)s (%(high_at)s), latest %(latest)s (%(latest_at)s); "
        "no data for %(missing)s of %(total)s.",
        missing=missing,
        total=len(labels),
        **words,
    )


def bar_chart(
    title: str, items: Sequence[tuple[str, float | None]], *, x_label: str, width: int = 640, unit: str = ""
) -> Svg:
    """Horizontal bars, one row per item, in the order given; ``None`` is written "no data".

    ``unit`` follows each value: ``"%"`` directly, a unit starting with a letter after a space (``"min"``).
    """
    rows = [(label, _num(value)) for label, value in items]
    found = [v for _, v in rows if v is not None]
    if not found:
        return _empty("bar", title, width)
    suffix = f" {unit}" if unit[:1].isalpha() else unit
    ticks = nice_ticks(min(0.0, *found), max(0.0, *found))
    lo, hi = ticks[0], ticks[-1]
    longest = max(len(label) for label, _ in rows)
    left = int(min(max(60, 7 * min(longest, 32) + 16), width * 0.4))
    right, top, row_h = width - 72, 32, 26
    bottom = top + row_h * len(rows)

    def x_at(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    parts = [
        f'<line class="chart-grid" x1="{x_at(t):.1f}" x2="{x_at(t):.1f}" y1="{top}" y2="{bottom}"'
        f' stroke="currentColor" stroke-opacity="{0.5 if t == 0 else 0.15}"/>'
        f'<text class="chart-tick-x" x="{x_at(t):.1f}" y="{bottom + 16}" text-anchor="middle" fill="currentColor">'
        f"{_tick_label(t)}</text>"
        for t in ticks
    ]
    parts.append(
        f'<text class="chart-axis-label" x="{(left + right) / 2:.1f}" y="{bottom + 34}" text-anchor="middle"'
        f' fill="currentColor">{_text(x_label)}</text>'
    )
    summary = [
        # Translators: the spoken summary of a bar chart (read by screen readers): title, x axis, then each bar
        ngettext(
            "%(title)s. %(axis)s, %(num)d item:",
            "%(title)s. %(axis)s, %(num)d items:",
            len(rows),
            title=title,
            axis=x_label,
        )
    ]
    for n, (label, value) in enumerate(rows):
        y = top + n * row_h
        shown = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<g class="chart-row"><text class="chart-label" x="{left - 8}" y="{y + 17}" text-anchor="end"'
            ' fill="currentColor">'
            f"<title>{_text(label)}</title>{_text(shown)}</text>"
        )
        if value is None:
            summary.append(_("%(label)s: no data;", label=label))
            no_data = _text(_("no data"))
            parts.append(
                f'<text class="chart-no-data" x="{x_at(0) + 4:.1f}" y="{y + 17}" fill="currentColor"'
                f' fill-opacity="0.7">{no_data}</text></g>'
            )
            continue
        text = f"{fmt(value)}{suffix}"
        summary.append(f"{label}: {text};")
        x0, x1 = sorted((x_at(0), x_at(value)))
        parts.append(
            f'<rect class="chart-bar" x="{x0:.1f}" y="{y + 4}" width="{x1 - x0:.1f}" height="{row_h - 8}"'
            f' fill="{PALETTE[0]}"><title>{_text(f"{label}: {text}")}</title></rect>'
            f'<text class="chart-value" x="{x1 + 4:.1f}" y="{y + 17}" fill="currentColor">{_text(text)}</text></g>'
        )
    summary[-1] = summary[-1].rstrip(";") + "."
    head = _open("bar", title, width, bottom + 44, " ".join(summary))
    return Svg(head + "".join(parts) + "</svg>")
