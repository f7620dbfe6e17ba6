"""The fitted trend and forecast crossings of a trend series (its view only).

Computed from what the series view already holds (points with intervals, rungs with
the threshold values this audience may see), so a withheld threshold never gets a
forecast crossing: a rung without a value is skipped. Numbers come from
:mod:`redline.measure.forecast`.
"""

from __future__ import annotations

import datetime as dt
import math

from redline.measure.forecast import SeriesPoint, XKind, fit_trend
from redline.publish.views.report_models import TrendSeries
from redline.publish.views.series_models import BandPoint, CrossingView, TrendForecast

LEVEL = 0.8
_DAY = 86400.0


def _chart_x(s: TrendSeries) -> list[float]:
    if s.x == "effective_compute":
        return [math.log10(p.effective_compute or 1.0) for p in s.points]
    return [p.date.timestamp() for p in s.points]


def _x_words(s: TrendSeries, x: float | None) -> str:
    if x is None:
        return "open"
    if s.x == "effective_compute":
        return f"{10.0**x:.2g} FLOP"
    return dt.datetime.fromtimestamp(x, dt.UTC).date().isoformat()


def with_forecast(s: TrendSeries) -> TrendSeries:
    """``s`` with its trend band and the forecast crossing of every visible threshold."""
    if len(s.points) < 2 or any(p.lower is None or p.upper is None for p in s.points):
        return s
    compute = s.x == "effective_compute"
    xs = _chart_x(s)
    scale = 1.0 if compute else _DAY  # the fit takes days for dates
    pts = [
        SeriesPoint(
            checkpoint=p.assessment_id[:12],
            x=x / scale,
            score=min(max(p.estimate, p.lower or 0.0), p.upper or 1.0),
            lower=p.lower or 0.0,
            upper=p.upper or 1.0,
        )
        for p, x in zip(s.points, xs, strict=True)
    ]
    kind: XKind = "log10_compute" if compute else "date"
    try:
        trend = fit_trend(pts, x_kind=kind, trend_level=LEVEL)
    except ValueError:
        return s  # the scores are not on a [0, 1] scale: no bounded trend to draw
    band: list[BandPoint] = []
    if trend.status != "insufficient":
        x0, x1 = trend.x_first, trend.x_last
        grid = [x0 + (x1 + (x1 - x0) - x0) * i / 40 for i in range(41)]
        band = [
            BandPoint(x=g * scale, lower=lo, mid=mid, upper=hi)
            for g, (lo, mid, hi) in zip(grid, trend.band(grid, LEVEL), strict=True)
        ]
    crossings = []
    for r in s.rungs:
        if r.value is None or r.kind == "requirement":
            continue
        up = r.op in (">=", ">")
        c = trend.crossing(r.value, level=LEVEL, direction="up" if up else "down")

        def cx(v: float | None) -> float | None:
            return v * scale if v is not None and math.isfinite(v) else None

        lo, mid, hi = cx(c.x_lo), cx(c.x_mid), cx(c.x_hi)
        if c.status == "forecast":
            words = (
                f"forecast to cross at {_x_words(s, mid)} ({LEVEL:.0%} interval "
                f"{_x_words(s, lo)} to {_x_words(s, hi)})"
            )
        else:
            word = c.status.replace("_", " ")
            words = c.reason if c.reason.startswith(word) else f"{word}: {c.reason}"
        crossings.append(
            CrossingView(
                level=r.level,
                name=r.name,
                kind=r.kind,
                threshold=r.value,
                status=c.status,
                x_lo=lo,
                x_mid=mid,
                x_hi=hi,
                words=words,
            )
        )
    fc = TrendForecast(
        model=trend.kind,
        status=trend.status,
        reason=trend.reason,
        level=LEVEL,
        band=band,
        crossings=crossings,
    )
    return s.model_copy(update={"forecast": fc})
