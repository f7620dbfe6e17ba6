"""The lifecycle additions to the trend chart: the fitted prediction band and the forecast
crossing of each threshold, with its interval, as SVG fragments (no external requests)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import escape

from redline.publish.views.series_models import BandPoint, CrossingView, TrendForecast

BAND = "#1f3a8a"
CROSS = {"alert": "#b7791f", "threshold": "#c2410c", "intolerable": "#9b1c1c"}


def _t(x: float) -> str:
    return f"{x:.1f}"


def series_band(
    band: Sequence[BandPoint], xv: Callable[[float], float], yv: Callable[[float], float]
) -> str:
    """The band (shaded) and its middle (dashed), under the points."""
    upper = [f"{_t(xv(b.x))},{_t(yv(b.upper))}" for b in band]
    lower = [f"{_t(xv(b.x))},{_t(yv(b.lower))}" for b in reversed(band)]
    mid = " ".join(f"{_t(xv(b.x))},{_t(yv(b.mid))}" for b in band)
    return (
        f'<g class="trend-band"><polygon points="{" ".join(upper + lower)}" fill="{BAND}" '
        'fill-opacity="0.10" stroke="none"/>'
        f'<polyline points="{mid}" fill="none" stroke="{BAND}" stroke-width="1.2" '
        'stroke-dasharray="5 4" stroke-opacity="0.8"/></g>'
    )


def crossing_marks(
    crossings: Sequence[CrossingView],
    xv: Callable[[float], float],
    yv: Callable[[float], float],
    right: float,
) -> list[str]:
    """On each threshold line: the crossing interval as a thick bar (an arrow to the plot's
    edge when open-ended) and the median crossing as a diamond."""
    out = []
    for c in crossings:
        if c.status != "forecast" or c.x_lo is None:
            continue
        colour = CROSS.get(c.kind, "#1d2433")
        y = yv(c.threshold)
        x0 = xv(c.x_lo)
        x1 = xv(c.x_hi) if c.x_hi is not None else right
        title = escape(f"{c.name}: {c.words}")
        out.append(f"<g><title>{title}</title>")
        out.append(
            f'<line x1="{_t(x0)}" y1="{_t(y)}" x2="{_t(x1)}" y2="{_t(y)}" stroke="{colour}" '
            'stroke-width="6" stroke-opacity="0.45" stroke-linecap="round"/>'
        )
        if c.x_hi is None:
            out.append(
                f'<path d="M{_t(x1)},{_t(y - 5)} L{_t(x1 + 7)},{_t(y)} L{_t(x1)},{_t(y + 5)} Z" '
                f'fill="{colour}"/>'
            )
        if c.x_mid is not None:
            xm = xv(c.x_mid)
            out.append(
                f'<path d="M{_t(xm)},{_t(y - 6)} L{_t(xm + 6)},{_t(y)} L{_t(xm)},{_t(y + 6)} '
                f'L{_t(xm - 6)},{_t(y)} Z" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
            )
        out.append("</g>")
    return out


def forecast_description(fc: TrendForecast) -> str:
    """The fit and the crossings in words (the chart's <desc>)."""
    head = (
        f"Fitted trend: {fc.model} ({fc.status}), {fc.level:.0%} band."
        if fc.status != "insufficient"
        else f"No trend: {fc.reason}."
    )
    parts = [f"{c.name}: {c.words}." for c in fc.crossings]
    return " ".join([head, *parts])
