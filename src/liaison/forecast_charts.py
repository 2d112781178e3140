"""The forecast's two pictures, drawn like :mod:`liaison.charts` (plain SVG under the strict CSP, a ``<title>`` and
a ``<desc>`` that say in words what is drawn, colour and pattern both telling series apart):

- :func:`forecast_chart`: a series' recent history as a line, then the forecast point with its 95 % interval as a
  pale band and its 80 % interval as a darker one, so the number is never shown without its uncertainty;
- :func:`probability_chart`: a group's likely next categories, each a bar with its 80 % interval as a whisker,
  beside a hollow bar for the historical-frequency baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from liaison.charts import PALETTE, Svg, _empty, _open, _text, _tick_label, fmt, nice_ticks
from liaison.i18n import _

HISTORY_SHOWN = 36


def forecast_chart(
    title: str,
    history: Sequence[tuple[str, float]],
    forecast: dict[str, Any] | None,
    *,
    y_label: str,
    width: int = 640,
    height: int = 240,
) -> Svg:
    """History (the last :data:`HISTORY_SHOWN` months) and the forecast with its 80 % and 95 % bands."""
    shown = list(history[-HISTORY_SHOWN:])
    if not shown:
        return _empty("forecast", title, width)
    labels = [p for p, _v in shown] + ([forecast["period"]] if forecast else [])
    values = [float(v) for _p, v in shown]
    top_value = max([*values, *(forecast["interval95"][1:] if forecast else [])])
    ticks = nice_ticks(0.0, max(top_value, 1.0))
    left, right, top, bottom = 56, width - 32, 52, height - 30
    lo, hi = ticks[0], ticks[-1]

    def x_at(i: int) -> float:
        return left + i * (right - left) / max(len(labels) - 1, 1)

    def y_at(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    parts = [f'<text class="chart-axis-label" x="8" y="36" fill="currentColor">{_text(y_label)}</text>']
    parts += [
        f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{y_at(t):.1f}" y2="{y_at(t):.1f}"'
        f' stroke="currentColor" stroke-opacity="{0.5 if t == 0 else 0.15}"/>'
        f'<text class="chart-tick-y" x="{left - 6}" y="{y_at(t) + 4:.1f}" text-anchor="end" fill="currentColor">'
        f"{_tick_label(t)}</text>"
        for t in ticks
    ]
    every = max(1, len(labels) // 6)
    parts += [
        f'<text class="chart-tick-x" x="{x_at(i):.1f}" y="{bottom + 18}" text-anchor="middle" fill="currentColor">'
        f"{_text(label)}</text>"
        for i, label in enumerate(labels)
        if (len(labels) - 1 - i) % every == 0
    ]
    points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(values))
    colour, ours = PALETTE[0], PALETTE[1]
    parts.append(
        f'<g class="chart-series chart-history" fill="{colour}" stroke="{colour}">'
        f'<polyline points="{points}" fill="none" stroke-width="2"/>'
        + "".join(
            f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="2.5" stroke="none">'
            f"<title>{_text(f'{labels[i]}: {fmt(v)}')}</title></circle>"
            for i, v in enumerate(values)
        )
        + "</g>"
    )
    summary = [
        _(
            "%(title)s. %(axis)s from %(first)s to %(last)s, latest %(latest)s.",
            title=title,
            axis=y_label,
            first=labels[0],
            last=shown[-1][0],
            latest=fmt(values[-1]),
        )
    ]
    if forecast:
        i = len(labels) - 1
        x, half = x_at(i), 9
        (l80, h80), (l95, h95) = forecast["interval80"], forecast["interval95"]
        said = _(
            "Forecast for %(period)s: %(value)s (80 %% interval %(lo80)s to %(hi80)s, 95 %% interval %(lo95)s to "
            "%(hi95)s).",
            period=forecast["period"],
            value=fmt(forecast["value"]),
            lo80=fmt(l80),
            hi80=fmt(h80),
            lo95=fmt(l95),
            hi95=fmt(h95),
        )
        summary.append(said)
        parts.append(
            f'<g class="chart-forecast"><title>{_text(said)}</title>'
            f'<rect class="chart-band-95" x="{x - half:.1f}" y="{y_at(h95):.1f}" width="{2 * half}"'
            f' height="{max(y_at(l95) - y_at(h95), 1):.1f}" fill="{ours}" fill-opacity="0.2"/>'
            f'<rect class="chart-band-80" x="{x - half / 2:.1f}" y="{y_at(h80):.1f}" width="{half}"'
            f' height="{max(y_at(l80) - y_at(h80), 1):.1f}" fill="{ours}" fill-opacity="0.45"/>'
            f'<line x1="{x_at(i - 1):.1f}" y1="{y_at(values[-1]):.1f}" x2="{x:.1f}" y2="{y_at(forecast["value"]):.1f}"'
            f' stroke="{ours}" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<rect x="{x - 4:.1f}" y="{y_at(forecast["value"]) - 4:.1f}" width="8" height="8" fill="{ours}"/></g>'
        )
    legend_y = height + 14
    per_month = _text(_("incidents a month"))
    band_words = _text(_("forecast, with 80 % and 95 % prediction bands"))
    parts.append(
        f'<g class="chart-legend"><line x1="{left}" x2="{left + 28}" y1="{legend_y - 4}" y2="{legend_y - 4}"'
        f' stroke="{colour}" stroke-width="2"/><text x="{left + 36}" y="{legend_y}" fill="currentColor">'
        f"{per_month}</text>"
        f'<rect x="{left + 220}" y="{legend_y - 10}" width="12" height="12" fill="{ours}" fill-opacity="0.45"/>'
        f'<text x="{left + 238}" y="{legend_y}" fill="currentColor">{band_words}'
        "</text></g>"
    )
    return Svg(_open("forecast", title, width, height + 26, " ".join(summary)) + "".join(parts) + "</svg>")


def probability_chart(title: str, rows: Sequence[dict[str, Any]], *, width: int = 640) -> Svg:
    """One row per category: the model's probability (filled bar, 80 % interval whisker) over the historical
    frequency (hollow bar)."""
    if not rows:
        return _empty("probability", title, width)
    top_value = max(max(r["interval80"][1], r["baseline"]) for r in rows)
    ticks = nice_ticks(0.0, max(top_value, 0.1))
    lo, hi = ticks[0], ticks[-1]
    longest = max(len(r["label"]) for r in rows)
    left = int(min(max(60, 7 * min(longest, 32) + 16), width * 0.4))
    right, top, row_h = width - 40, 32, 34
    bottom = top + row_h * len(rows)

    def x_at(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    ours, base = PALETTE[0], PALETTE[1]
    parts = [
        f'<line class="chart-grid" x1="{x_at(t):.1f}" x2="{x_at(t):.1f}" y1="{top}" y2="{bottom}"'
        f' stroke="currentColor" stroke-opacity="{0.5 if t == 0 else 0.15}"/>'
        f'<text class="chart-tick-x" x="{x_at(t):.1f}" y="{bottom + 16}" text-anchor="middle" fill="currentColor">'
        f"{_tick_label(t)}</text>"
        for t in ticks
    ]
    summary = [title + "."]
    for n, r in enumerate(rows):
        y = top + n * row_h
        p, (l80, h80), b = r["probability"], r["interval80"], r["baseline"]
        said = _(
            "%(label)s: %(p)s (80 %% interval %(lo)s to %(hi)s); historical frequency %(b)s.",
            label=r["label"],
            p=fmt(p),
            lo=fmt(l80),
            hi=fmt(h80),
            b=fmt(b),
        )
        summary.append(said)
        shown = r["label"] if len(r["label"]) <= 32 else r["label"][:31] + "…"
        parts.append(
            f'<g class="chart-row"><title>{_text(said)}</title>'
            f'<text class="chart-label" x="{left - 8}" y="{y + 18}" text-anchor="end" fill="currentColor">'
            f"{_text(shown)}</text>"
            f'<rect class="chart-bar" x="{x_at(0):.1f}" y="{y + 4}" width="{x_at(p) - x_at(0):.1f}" height="12"'
            f' fill="{ours}"/>'
            f'<line class="chart-interval" x1="{x_at(l80):.1f}" x2="{x_at(h80):.1f}" y1="{y + 10}" y2="{y + 10}"'
            f' stroke="currentColor" stroke-width="2"/>'
            f'<line x1="{x_at(l80):.1f}" x2="{x_at(l80):.1f}" y1="{y + 5}" y2="{y + 15}" stroke="currentColor"/>'
            f'<line x1="{x_at(h80):.1f}" x2="{x_at(h80):.1f}" y1="{y + 5}" y2="{y + 15}" stroke="currentColor"/>'
            f'<rect class="chart-baseline" x="{x_at(0):.1f}" y="{y + 19}" width="{x_at(b) - x_at(0):.1f}"'
            f' height="9" fill="none" stroke="{base}" stroke-width="1.5" stroke-dasharray="4 2"/></g>'
        )
    legend_y = bottom + 36
    model_words = _text(_("model, with its 80 % band"))
    history_words = _text(_("historical frequency"))
    parts.append(
        f'<g class="chart-legend"><rect x="{left}" y="{legend_y - 10}" width="14" height="10" fill="{ours}"/>'
        f'<text x="{left + 20}" y="{legend_y}" fill="currentColor">{model_words}</text>'
        f'<rect x="{left + 240}" y="{legend_y - 10}" width="14" height="10" fill="none" stroke="{base}"'
        f' stroke-dasharray="4 2"/><text x="{left + 260}" y="{legend_y}" fill="currentColor">'
        f"{history_words}</text></g>"
    )
    return Svg(_open("probability", title, width, legend_y + 10, " ".join(summary)) + "".join(parts) + "</svg>")
