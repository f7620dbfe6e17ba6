"""Inline SVG charts: a domain's capability ladder and a metric's trend.

Charts draw only what an audience view holds (see :mod:`.views`), so a chart
cannot show a value the view withheld. Every text is escaped; every chart has a
``<title>`` and a ``<desc>`` and sits next to a data table in the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from redline.publish.series_chart import crossing_marks, forecast_description, series_band
from redline.publish.views import LadderPanel, MeasurePoint, Rung, TrendSeries, exact, fmt

WIDTH = 720
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

INK = "#1d2433"
MUTED = "#5b6474"
GRID = "#e4e7ec"
MAIN = "#1f3a8a"
STRATEGY = "#7a8699"
# A white outline behind labels keeps them readable where they cross lines and bars.
HALO = ' paint-order="stroke" stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round"'

RUNG_STROKE = {
    "alert": ("#b7791f", "6 4", 1.5),
    "threshold": ("#c2410c", "", 2.0),
    "intolerable": ("#9b1c1c", "", 2.5),
    "requirement": ("#1f6feb", "6 4", 2.0),
}
BAND_FILL = {
    "alert": "#fdf3d7",
    "threshold": "#fde4d3",
    "intolerable": "#f9d4d4",
    "requirement": "#e3edfc",
}
STATUS_FILL = {
    "reached": "#b42318",
    "unsettled": "#b54708",
    "not_reached": "#067647",
    "passed": "#067647",
    "failed": "#b42318",
    "not_run": MUTED,
    "unknown": MUTED,
}
STATUS_MARK = {
    "reached": "●",
    "unsettled": "◐",
    "not_reached": "○",
    "passed": "✓",
    "failed": "✕",
    "not_run": "–",
    "unknown": "?",
}


def _t(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def status_colour(r: Rung) -> str:
    if r.status == "unsettled" and not r.counts_as_reached:
        return MUTED
    return STATUS_FILL.get(r.status, MUTED)


@dataclass
class _Scale:
    lo: float
    hi: float
    top: float
    bottom: float

    def y(self, v: float) -> float:
        if self.hi == self.lo:
            return (self.top + self.bottom) / 2
        f = (min(max(v, self.lo), self.hi) - self.lo) / (self.hi - self.lo)
        return self.bottom - f * (self.bottom - self.top)


def _nice_range(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite or all(0.0 <= v <= 1.0 for v in finite):
        return 0.0, 1.0
    lo, hi = min([*finite, 0.0]), max(finite)
    if hi == lo:
        hi = lo + 1
    span = hi - lo
    step = 10 ** math.floor(math.log10(span))
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _ticks(lo: float, hi: float) -> list[float]:
    if (lo, hi) == (0.0, 1.0):
        return [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    step = (hi - lo) / 5
    return [lo + i * step for i in range(6)]


def _spread(ys: list[float], gap: float, top: float, bottom: float) -> list[float]:
    """Move label positions apart so that no two are closer than ``gap``."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    overflow = placed[-1] - bottom if placed else 0
    if overflow > 0:
        placed = [p - overflow for p in placed]
    for i in range(len(placed) - 2, -1, -1):
        placed[i] = min(placed[i], placed[i + 1] - gap)
    placed = [max(p, top) for p in placed]
    out = [0.0] * len(ys)
    for i, idx in enumerate(order):
        out[idx] = placed[i]
    return out


def _open(chart_id: str, height: int, title: str, desc: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{FONT}" font-size="12">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    stroke: str,
    width: float = 1.0,
    dash: str = "",
    extra: str = "",
) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_t(x1)}" y1="{_t(y1)}" x2="{_t(x2)}" y2="{_t(y2)}" stroke="{stroke}" '
        f'stroke-width="{_t(width)}"{dash_attr}{extra}/>'
    )


def _text(
    x: float,
    y: float,
    s: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    size: float = 12,
    weight: str = "normal",
    extra: str = "",
) -> str:
    return (
        f'<text x="{_t(x)}" y="{_t(y)}" text-anchor="{anchor}" fill="{fill}" font-size="{size}" '
        f'font-weight="{weight}"{extra}>{escape(s)}</text>'
    )


def _status_span(r: Rung) -> str:
    if not r.status:
        return ""
    mark = STATUS_MARK.get(r.status, "?")
    return f'<tspan fill="{status_colour(r)}" dx="6">{escape(mark + " " + r.status_words)}</tspan>'


def rung_label(r: Rung) -> str:
    value = exact(r.value) if r.value is not None else "?"
    return f"{r.name} {r.op} {value}"


def _point_words(p: MeasurePoint) -> str:
    if p.lower is None or p.upper is None:
        return f"{p.label}: {fmt(p.estimate)}"
    conf = f"{p.confidence:.0%} " if p.confidence else ""
    return f"{p.label}: {fmt(p.estimate)} ({conf}interval {fmt(p.lower)} to {fmt(p.upper)})"


def ladder_description(panel: LadderPanel) -> str:
    parts = []
    if isinstance(panel.points, list):
        if panel.points:
            parts.append("Measured " + "; ".join(_point_words(p) for p in panel.points) + ".")
        else:
            parts.append("Not measured in this assessment.")
    else:
        parts.append("Results withheld from this view.")
    for r in panel.rungs:
        where = f" at {r.op} {exact(r.value)}" if r.value is not None else ""
        parts.append(f"{r.name}{where}" + (f": {r.status_words}." if r.status else "."))
    if panel.rungs_withheld is not None:
        parts.append("Threshold positions withheld from this view.")
    return " ".join(parts)


def ladder_chart(
    panel: LadderPanel,
    *,
    chart_id: str,
    title: str,
    height: int = 280,
    empty_text: str | None = "Not measured in this assessment",
) -> Markup:
    """One evaluation's scale: level bands, threshold rungs, estimates with intervals."""
    left, right = 64.0, WIDTH - 16.0
    top, bottom = 20.0, height - 46.0
    points = panel.points if isinstance(panel.points, list) else []
    valued = [r for r in panel.rungs if r.value is not None]
    values = [r.value for r in valued if r.value is not None]
    for p in points:
        values += [v for v in (p.estimate, p.lower, p.upper) if v is not None]
    lo, hi = _nice_range(values)
    sc = _Scale(lo, hi, top, bottom)
    out = _open(chart_id, height, title, ladder_description(panel))

    # Bands: the region from each rung to the next belongs to that rung's level.
    ups = all(r.op in ("≥", ">") for r in valued)
    downs = all(r.op in ("≤", "<") for r in valued)
    if valued and (ups or downs):
        ordered = sorted(valued, key=lambda r: r.value or 0.0, reverse=downs)
        for i, r in enumerate(ordered):
            start = r.value or 0.0
            end = ordered[i + 1].value if i + 1 < len(ordered) else (hi if ups else lo)
            y_a, y_b = sc.y(start), sc.y(end or 0.0)
            y, h = min(y_a, y_b), abs(y_a - y_b)
            fill = BAND_FILL.get(r.kind, "#eef2f7")
            out.append(
                f'<rect x="{_t(left)}" y="{_t(y)}" width="{_t(right - left)}" height="{_t(h)}" '
                f'fill="{fill}"/>'
            )
    # Grid and axis.
    for tick in _ticks(lo, hi):
        y = sc.y(tick)
        out.append(_line(left, y, right, y, GRID))
        out.append(_text(left - 8, y + 4, fmt(tick), anchor="end", fill=MUTED, size=11))
    out.append(_line(left, top, left, bottom, MUTED))
    mid = (top + bottom) / 2
    out.append(
        _text(
            16,
            mid,
            panel.metric,
            anchor="middle",
            fill=MUTED,
            size=11,
            extra=f' transform="rotate(-90 16 {_t(mid)})"',
        )
    )
    # Rungs with labels at the right, kept apart.
    label_ys = _spread([sc.y(r.value or 0.0) - 5 for r in valued], 14.0, top + 10, bottom - 2)
    for r, ly in zip(valued, label_ys, strict=True):
        y = sc.y(r.value or 0.0)
        stroke, dash, width = RUNG_STROKE.get(r.kind, (INK, "", 1.5))
        out.append(_line(left, y, right, y, stroke, width, dash))
        out.append(
            f'<text x="{_t(right - 4)}" y="{_t(ly)}" text-anchor="end" font-size="11.5"{HALO}>'
            f'<tspan fill="{INK}" font-weight="600">{escape(rung_label(r))}</tspan>'
            f"{_status_span(r)}</text>"
        )
    if panel.rungs_withheld is not None and panel.rungs:
        # The levels and their findings, without positions.
        out.append(
            _text(
                right - 4,
                top + 14,
                "Threshold positions withheld from this view",
                anchor="end",
                fill=MUTED,
                size=12,
                weight="600",
            )
        )
        for i, r in enumerate(panel.rungs):
            out.append(
                f'<text x="{_t(right - 4)}" y="{_t(top + 36 + 17 * i)}" text-anchor="end" '
                f'font-size="11.5"><tspan fill="{INK}" font-weight="600">{escape(r.name)}</tspan>'
                f"{_status_span(r)}</text>"
            )
    # Estimates.
    if not isinstance(panel.points, list):
        out.append(
            _text(left + 16, mid, "Results withheld from this view", fill=MUTED, weight="600")
        )
    elif not points and empty_text:
        out.append(_text(left + 16, mid, empty_text, fill=MUTED, weight="600"))
    x = left + 56.0
    for p in points:
        colour = MAIN if p.main else STRATEGY
        if p.lower is not None and p.upper is not None:
            y_lo, y_hi = sc.y(p.lower), sc.y(p.upper)
            w = 2.5 if p.main else 1.5
            out.append(_line(x, y_lo, x, y_hi, colour, w))
            for yy in (y_lo, y_hi):
                out.append(_line(x - 7, yy, x + 7, yy, colour, w))
        ye = sc.y(p.estimate)
        out.append(
            f'<circle cx="{_t(x)}" cy="{_t(ye)}" r="{5.5 if p.main else 4}" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="1.5"/>'
        )
        out.append(
            _text(
                x + 10,
                ye + 4,
                fmt(p.estimate),
                fill=colour,
                size=11.5 if p.main else 11,
                weight="700" if p.main else "normal",
                extra=HALO,
            )
        )
        out.append(
            _text(
                x,
                bottom + 18,
                p.label,
                anchor="middle",
                fill=colour,
                size=11,
                weight="600" if p.main else "normal",
            )
        )
        x += 92.0
    if points and points[0].confidence:
        out.append(
            _text(
                left,
                height - 8,
                f"Bars: {points[0].confidence:.0%} confidence intervals"
                + (
                    " (the maximum's interval accounts for choosing the best strategy)"
                    if len(points) > 1
                    else ""
                ),
                fill=MUTED,
                size=10.5,
            )
        )
    out.append("</svg>")
    return Markup("".join(out))


# -------------------------------------------------------------------- trend


def trend_description(s: TrendSeries) -> str:
    pts = "; ".join(
        f"{p.date.date().isoformat()} {p.model}: {fmt(p.estimate)}"
        + (
            f" ({fmt(p.lower)} to {fmt(p.upper)})"
            if p.lower is not None and p.upper is not None
            else ""
        )
        for p in s.points
    )
    rungs = " ".join(
        f"{r.name} at {r.op} {exact(r.value)}." for r in s.rungs if r.value is not None
    )
    text = f"{s.name} {s.metric} over assessments: {pts}. {rungs}".strip()
    if s.forecast is not None:
        text += " " + forecast_description(s.forecast)
    return text


def _x_values(s: TrendSeries) -> list[float]:
    if s.x == "effective_compute":
        return [math.log10(p.effective_compute or 1.0) for p in s.points]
    return [p.date.timestamp() for p in s.points]


def _x_label(s: TrendSeries, i: int) -> str:
    p = s.points[i]
    if s.x == "effective_compute":
        return f"{p.effective_compute:.2g}"
    return p.date.astimezone(dt.UTC).date().isoformat()


def trend_chart(s: TrendSeries, *, chart_id: str, title: str, height: int = 260) -> Markup:
    """A metric across assessments of one lineage, with the thresholds drawn in."""
    left, right = 64.0, WIDTH - 16.0
    top, bottom = 20.0, height - 52.0
    plot_right = right - 230.0 if s.rungs else right - 20.0
    xs = _x_values(s)
    fc = s.forecast
    band = fc.band if fc is not None else []
    values = [r.value for r in s.rungs if r.value is not None]
    for p in s.points:
        values += [v for v in (p.estimate, p.lower, p.upper) if v is not None]
    values += [v for b in band for v in (b.lower, b.upper)]
    lo, hi = _nice_range(values)
    sc = _Scale(lo, hi, top, bottom)
    x_lo, x_hi = min(xs), max([*xs, *(b.x for b in band)])
    inner_l, inner_r = left + 30, plot_right - 10

    def xv(v: float) -> float:
        return float(
            inner_l + (min(max(v, x_lo), x_hi) - x_lo) / (x_hi - x_lo) * (inner_r - inner_l)
        )

    def xp(i: int) -> float:
        if x_hi == x_lo:
            n = len(xs)
            return inner_l + (inner_r - inner_l) * (i + 0.5) / n
        return xv(xs[i])

    out = _open(chart_id, height, title, trend_description(s))
    for tick in _ticks(lo, hi):
        y = sc.y(tick)
        out.append(_line(left, y, plot_right, y, GRID))
        out.append(_text(left - 8, y + 4, fmt(tick), anchor="end", fill=MUTED, size=11))
    out.append(_line(left, top, left, bottom, MUTED))
    out.append(_line(left, bottom, plot_right, bottom, MUTED))
    mid = (top + bottom) / 2
    out.append(
        _text(
            16,
            mid,
            s.metric,
            anchor="middle",
            fill=MUTED,
            size=11,
            extra=f' transform="rotate(-90 16 {_t(mid)})"',
        )
    )
    valued = [r for r in s.rungs if r.value is not None]
    label_ys = _spread([sc.y(r.value or 0.0) + 4 for r in valued], 14.0, top + 4, bottom)
    for r, ly in zip(valued, label_ys, strict=True):
        y = sc.y(r.value or 0.0)
        stroke, dash, width = RUNG_STROKE.get(r.kind, (INK, "", 1.5))
        out.append(_line(left, y, plot_right, y, stroke, width, dash))
        out.append(_text(plot_right + 8, ly, rung_label(r), fill=stroke, size=11, weight="600"))
    if s.rungs_withheld is not None and s.rungs:
        out.append(
            _text(
                plot_right - 4,
                top + 14,
                "Threshold positions withheld",
                anchor="end",
                fill=MUTED,
                weight="600",
            )
        )
    if band and x_hi > x_lo:
        out.append(series_band(band, xv, sc.y))
    # Line through the estimates, then intervals and points.
    path = " ".join(f"{_t(xp(i))},{_t(sc.y(p.estimate))}" for i, p in enumerate(s.points))
    out.append(f'<polyline points="{path}" fill="none" stroke="{MAIN}" stroke-width="1.5"/>')
    n = len(s.points)
    every = max(1, math.ceil(n / 6))
    for i, p in enumerate(s.points):
        x = xp(i)
        if p.lower is not None and p.upper is not None:
            y_lo, y_hi = sc.y(p.lower), sc.y(p.upper)
            out.append(_line(x, y_lo, x, y_hi, MAIN, 2, extra=' stroke-opacity="0.55"'))
        fill = MAIN if p.current else "#ffffff"
        out.append(
            f'<circle cx="{_t(x)}" cy="{_t(sc.y(p.estimate))}" r="5" fill="{fill}" stroke="{MAIN}" '
            f'stroke-width="2"/>'
        )
        if i % every == 0 or i == n - 1:
            out.append(
                _text(x, bottom + 16, _x_label(s, i), anchor="middle", fill=MUTED, size=10.5)
            )
            out.append(
                _text(x, bottom + 30, _short(p.model), anchor="middle", fill=MUTED, size=10.5)
            )
    if fc is not None and x_hi > x_lo:
        out.extend(crossing_marks(fc.crossings, xv, sc.y, inner_r))
    axis = (
        "effective compute (FLOP, log scale)" if s.x == "effective_compute" else "assessment date"
    )
    out.append(
        _text((left + plot_right) / 2, height - 4, axis, anchor="middle", fill=MUTED, size=10.5)
    )
    out.append("</svg>")
    return Markup("".join(out))


def _short(s: str, n: int = 22) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
