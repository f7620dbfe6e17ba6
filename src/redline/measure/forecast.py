"""Trends over a lineage's checkpoints, and forecasts of when a threshold is crossed.

A *series* is one evaluation (and elicitation strategy) measured on successive checkpoints:
each :class:`SeriesPoint` has an x (log10 of effective or training compute, or days since
1970-01-01 when compute is unknown), a score and the score's own interval.

:func:`fit_trend` fits the score against x with models that respect the metric's bounds
(:mod:`redline.measure.forecast_fit`): a logistic in x (from 4 distinct x), a logistic with a
fitted ceiling or a fitted floor (from 5, when a likelihood-ratio test justifies it) and a
line clipped to the bounds (from 2; the only model for 2 or 3 checkpoints); from 5, also
segmented models whose last 2 or 3 checkpoints follow a logistic of their own
(:mod:`redline.measure.forecast_recent`: a late steep rise). Each point is
weighted by its own interval; scatter beyond those intervals is a between-checkpoint
variance. The models are averaged with AIC weights, and the band is that of a *checkpoint's
true score* at x, from draws of each model's parameters (its fit uncertainty) and of the
between-checkpoint deviation. Each draw is a monotone curve, so the crossing interval is the
quantiles of the draws' crossing x. ``docs/statistics.md`` ("Trends and forecasts") states the
method and its assumptions; ``benchmarks/forecast.py`` measures the coverage of the crossing
intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats as _sp

from redline.measure.forecast_fit import (
    MIN_FOR,
    Draws,
    ModelFit,
    crossing_offsets,
    draw,
    fit_candidates,
)
from redline.measure.forecast_recent import with_recent

__all__ = [
    "MIN_POINTS",
    "MIN_POINTS_LOGISTIC",
    "Crossing",
    "SeriesPoint",
    "Trend",
    "XKind",
    "compute_of",
    "crossing_probability",
    "date_of",
    "days_of",
    "fit_trend",
    "forecast_crossing",
]

XKind = Literal["log10_compute", "date"]
CrossingStatus = Literal[
    "forecast", "already_crossed", "not_within_range", "insufficient", "no_trend"
]
Direction = Literal["up", "down"]

MIN_POINTS = 2
"""Fewest checkpoints (at distinct x) for any trend: a line through two points."""
MIN_POINTS_LOGISTIC = MIN_FOR["logistic"]
"""Fewest distinct x for a logistic; with 2 or 3 only the line is fitted."""
TREND_LEVEL = 0.8
"""Default two-sided level at which the slope must differ from 0 for a trend."""
SIGMA_FLOOR = 1e-3
"""Smallest measurement SD (bound units / range) a point is given: an exact pool result
has a zero-width interval, and a zero SD would give it infinite weight."""
N_DRAWS = 4000
"""Parameter draws behind every band and probability (Monte Carlo error of a probability
at most 0.008, one standard error)."""
_EPOCH = dt.date(1970, 1, 1)


# ------------------------------------------------------------------------ data


@dataclass(frozen=True)
class SeriesPoint:
    """One checkpoint's result on one evaluation/strategy.

    ``lower``/``upper`` are the point's own interval at ``confidence`` (e.g. the 95%
    confidence sequence or interval from the assessment)."""

    checkpoint: str
    x: float
    score: float
    lower: float
    upper: float
    n: int | None = None
    confidence: float = 0.95


def days_of(d: dt.date) -> float:
    """x for a date series: days since 1970-01-01."""
    return float((d - _EPOCH).days)


def date_of(x: float) -> dt.date:
    """The date a date-series x stands for (rounded down to the day)."""
    return _EPOCH + dt.timedelta(days=math.floor(x))


def compute_of(x: float) -> float:
    """The compute (FLOP) a log10-compute x stands for (``math.inf`` past a float's range)."""
    return float(10.0**x) if x < 308 else math.inf


def _check_points(
    points: Sequence[SeriesPoint], bounds: tuple[float, float]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """x, score on the unit scale, measurement SD on the unit scale. Raises ValueError
    naming the checkpoint and field for NaN, reversed intervals or values out of bounds."""
    lo, hi = bounds
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"bounds must be finite with lower < upper, got {bounds}")
    xs, us, ss = [], [], []
    tol = 1e-9 * (hi - lo)
    for p in points:
        where = f"checkpoint {p.checkpoint!r}"
        for name in ("x", "score", "lower", "upper", "confidence"):
            v = getattr(p, name)
            if not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"{where}: {name} must be a finite number, got {v!r}")
        for name in ("score", "lower", "upper"):
            v = getattr(p, name)
            if v < lo - tol or v > hi + tol:
                raise ValueError(f"{where}: {name} {v:g} is outside the bounds [{lo:g}, {hi:g}]")
        if not p.lower - tol <= p.score <= p.upper + tol:
            raise ValueError(
                f"{where}: score {p.score:g} is not inside its interval "
                f"[{p.lower:g}, {p.upper:g}] (lower <= score <= upper)"
            )
        if not 0.0 < p.confidence < 1.0:
            raise ValueError(f"{where}: confidence must be in (0, 1), got {p.confidence:g}")
        if p.n is not None and p.n < 1:
            raise ValueError(f"{where}: n must be at least 1, got {p.n}")
        z = float(_sp.norm.ppf((1.0 + p.confidence) / 2.0))
        xs.append(float(p.x))
        us.append((p.score - lo) / (hi - lo))
        ss.append(max((p.upper - p.lower) / (2.0 * z) / (hi - lo), SIGMA_FLOOR))
    return np.asarray(xs), np.clip(np.asarray(us), 0.0, 1.0), np.asarray(ss)


# ----------------------------------------------------------------------- trend


@dataclass(frozen=True)
class Trend:
    """A fitted trend of score against x.

    ``status``: ``fitted`` (the slope differs from 0 at ``trend_level``: the central
    ``trend_level`` share of the slope draws excludes 0), ``no_trend`` (models were fitted
    but their slope is not distinguishable from 0, or none is identified) or
    ``insufficient`` (fewer than :data:`MIN_POINTS` distinct x; no model).

    ``kind`` is the model with the largest weight (``none`` when no model); ``params`` its
    (a, b) of ``eta = a + b * (x - x_ref)``, ``cov`` their covariance, ``ceiling`` and
    ``floor`` its asymptotes in score units, ``tau2`` its between-checkpoint variance (eta
    scale). ``models`` lists every candidate fitted, with its AIC weight (a recent
    segment's logistic has ``window`` 2 or 3, see :mod:`redline.measure.forecast_recent`);
    bands and probabilities use all of them. ``p_rising`` is the share of the whole-series
    models' slope draws above 0."""

    kind: Literal["logistic", "linear", "none"]
    x_kind: XKind
    status: Literal["fitted", "no_trend", "insufficient"]
    reason: str
    bounds: tuple[float, float] = (0.0, 1.0)
    params: tuple[float, float] = (0.0, 0.0)
    cov: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.0), (0.0, 0.0))
    ceiling: float = 1.0
    floor: float = 0.0
    tau2: float = 0.0
    df: float | None = None
    x_ref: float = 0.0
    x_first: float = 0.0
    x_last: float = 0.0
    n_points: int = 0
    trend_level: float = TREND_LEVEL
    p_rising: float = 0.5
    models: tuple[ModelFit, ...] = ()
    draws: Draws | None = field(default=None, repr=False, compare=False)

    @property
    def has_model(self) -> bool:
        return self.draws is not None

    def _draws(self) -> Draws:
        if self.draws is None:
            raise ValueError(f"no trend to draw a band from: {self.reason}")
        return self.draws

    def _scores(self, xs: Sequence[float] | NDArray[np.float64]) -> NDArray[np.float64]:
        """Draws x points matrix of a checkpoint's true score, in score units."""
        d = np.asarray(xs, dtype=np.float64) - self.x_ref
        if not np.all(np.isfinite(d)):
            raise ValueError("x values must be finite")
        lo, hi = self.bounds
        return np.asarray(lo + (hi - lo) * self._draws().unit(d))

    def band(self, xs: Sequence[float], level: float = 0.8) -> list[tuple[float, float, float]]:
        """(lower, mid, upper) at each x: the central ``level`` band and the median of a
        checkpoint's true score. Raises ValueError when no model was fitted."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {level}")
        if len(xs) == 0:
            self._draws()
            return []
        m = self._scores(xs)
        a = (1.0 - level) / 2.0
        q = np.quantile(m, [a, 0.5, 1.0 - a], axis=0, method="inverted_cdf")
        return [(float(q[0, i]), float(q[1, i]), float(q[2, i])) for i in range(m.shape[1])]

    def prob_at_least(
        self, threshold: float, xs: Sequence[float] | NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """P(a checkpoint's true score at x >= threshold), for each x."""
        return np.asarray(np.mean(self._scores(xs) >= threshold, axis=0), dtype=np.float64)

    def crossing(
        self,
        threshold: float,
        *,
        level: float = 0.8,
        direction: Direction = "up",
        x_end: float | None = None,
    ) -> Crossing:
        """The crossing forecast from this fit (see :func:`forecast_crossing`)."""
        return _crossing(self, threshold, level, direction, x_end)

    def probability(self, threshold: float, x: float, direction: Direction = "up") -> float | None:
        """P(a checkpoint's true score at x >= threshold) (``<=`` for down); None unless
        the trend is ``fitted``."""
        if self.status != "fitted" or self.draws is None:
            return None
        m = self._scores([float(x)])[:, 0]
        return float(np.mean(m >= threshold if direction == "up" else m <= threshold))

    def crossing_xs(self, threshold: float, direction: Direction = "up") -> NDArray[np.float64]:
        """Per draw: the first x >= x_first where the curve reaches ``threshold``
        (``math.inf`` when it never does)."""
        lo, hi = self.bounds
        ut = (threshold - lo) / (hi - lo)
        d = crossing_offsets(self._draws(), ut, self.x_first - self.x_ref, direction == "up")
        return np.asarray(d + self.x_ref)


def fit_trend(
    points: Sequence[SeriesPoint],
    *,
    bounds: tuple[float, float] = (0.0, 1.0),
    x_kind: XKind = "log10_compute",
    trend_level: float = TREND_LEVEL,
) -> Trend:
    """Fit the trend of ``points`` (see the module docstring). Raises ValueError for
    invalid points (NaN, out of bounds, score outside its interval)."""
    if not 0.0 < trend_level < 1.0:
        raise ValueError(f"trend_level must be in (0, 1), got {trend_level}")
    x, u, s = _check_points(points, bounds)
    distinct = len(set(x.tolist()))
    base = {"x_kind": x_kind, "bounds": bounds, "n_points": len(points), "trend_level": trend_level}
    what = "compute" if x_kind == "log10_compute" else "date"
    if distinct < MIN_POINTS:
        return Trend(
            kind="none",
            status="insufficient",
            reason=(
                f"{distinct} distinct {what} value(s); a trend needs checkpoints at "
                f"{MIN_POINTS} or more"
            ),
            **base,  # type: ignore[arg-type]
        )
    x_ref = float(np.mean(x))
    span = float(np.max(x) - np.min(x))
    # A slope steeper than 60 logits over the observed span is a step; bound it.
    fits = fit_candidates(x - x_ref, u, s, distinct, 60.0 / span)
    fits = with_recent(fits, x - x_ref, u, s, distinct, 60.0 / span)
    where = {**base, "x_ref": x_ref, "x_first": float(np.min(x)), "x_last": float(np.max(x))}
    if not fits:
        return Trend(
            kind="none",
            status="no_trend",
            reason="no model is identified (the scores sit at a bound, or the curve is a step)",
            **where,  # type: ignore[arg-type]
        )
    best = max(fits, key=lambda f: f.weight)
    dr = draw(fits, N_DRAWS)
    # Whether the series has a trend is a question about the whole series: the slope
    # draws of the whole-series models answer it (a recent segment may be flat at a bend).
    whole = ~dr.recent
    p_rising = float(np.mean(dr.b[whole] > 0)) if np.any(whole) else float(np.mean(dr.b > 0))
    lo, hi = bounds
    c = ((best.cov[0][0], best.cov[0][1]), (best.cov[1][0], best.cov[1][1]))
    fitted = {
        **where,
        "kind": "linear" if best.kind == "linear" else "logistic",
        "params": (best.theta[0], best.theta[1]),
        "cov": c,
        "ceiling": lo + (hi - lo) * (best.theta[2] if best.kind == "ceiling" else 1.0),
        "floor": lo + (hi - lo) * (best.theta[2] if best.kind == "floor" else 0.0),
        "tau2": best.tau2,
        "df": best.df,
        "p_rising": p_rising,
        "models": tuple(fits),
        "draws": dr,
    }
    unit = "decade of compute" if x_kind == "log10_compute" else "day"
    mix = ", ".join(f"{f.label} {f.weight:.2f}" for f in sorted(fits, key=lambda f: -f.weight))
    a = (1.0 - trend_level) / 2.0
    if a < p_rising < 1.0 - a:
        return Trend(
            status="no_trend",
            reason=(
                f"no trend: the slope is not distinguishable from 0 at {trend_level:.0%} "
                f"({p_rising:.0%} of draws rise; models {mix})"
            ),
            **fitted,  # type: ignore[arg-type]
        )
    return Trend(
        status="fitted",
        reason=(
            f"{len(points)} checkpoints; models {mix}; slope {best.theta[1]:.3g} per {unit} "
            f"({p_rising:.0%} of draws rise)"
        ),
        **fitted,  # type: ignore[arg-type]
    )


# -------------------------------------------------------------------- crossing


@dataclass(frozen=True)
class Crossing:
    """Where a checkpoint's true score is forecast to reach a threshold.

    Numbers only when ``status == 'forecast'``: ``x_mid`` is the median crossing x,
    ``[x_lo, x_hi]`` the central ``level`` interval (quantiles of the crossing x over the
    draws). ``x_mid`` and ``x_hi`` may be ``math.inf``: open-ended, at that quantile the
    curve never reaches the threshold (it may flatten below it). ``x_lo`` is always finite
    and at most ``x_end``, the end of the range the data support (by default the last
    checkpoint plus the observed span of x)."""

    status: CrossingStatus
    x_mid: float | None
    x_lo: float | None
    x_hi: float | None
    level: float
    reason: str
    threshold: float = math.nan
    x_kind: XKind = "log10_compute"
    x_end: float | None = None

    def compute(self) -> tuple[float, float, float] | None:
        """(lower, median, upper) compute in FLOP at the crossing (``math.inf`` for an open
        end); None unless a forecast on a log10-compute series."""
        if self.status != "forecast" or self.x_kind != "log10_compute":
            return None
        lo, mid, hi = (self.x_lo, self.x_mid, self.x_hi)
        assert lo is not None and mid is not None and hi is not None
        return compute_of(lo), _maybe(mid, compute_of), _maybe(hi, compute_of)

    def dates(self) -> tuple[dt.date, dt.date | None, dt.date | None] | None:
        """(lower, median, upper) date of the crossing (None for an open end); None unless
        a forecast on a date series."""
        if self.status != "forecast" or self.x_kind != "date":
            return None
        lo, mid, hi = (self.x_lo, self.x_mid, self.x_hi)
        assert lo is not None and mid is not None and hi is not None
        return (
            date_of(lo),
            date_of(mid) if math.isfinite(mid) else None,
            date_of(hi) if math.isfinite(hi) else None,
        )


def _maybe(x: float, f: Callable[[float], float]) -> float:
    return f(x) if math.isfinite(x) else math.inf


def _crossing(
    trend: Trend, threshold: float, level: float, direction: Direction, x_end: float | None
) -> Crossing:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    common = {"level": level, "threshold": threshold, "x_kind": trend.x_kind}

    def no(status: CrossingStatus, reason: str) -> Crossing:
        return Crossing(status, None, None, None, reason=reason, **common)  # type: ignore[arg-type]

    if not trend.has_model:
        return no(trend.status if trend.status != "fitted" else "no_trend", trend.reason)
    span = trend.x_last - trend.x_first
    end = trend.x_last + span if x_end is None else float(x_end)
    common["x_end"] = end
    word = ">=" if direction == "up" else "<="
    mid_last = trend.band([trend.x_last], level)[0][1]
    if (mid_last >= threshold) if direction == "up" else (mid_last <= threshold):
        return no(
            "already_crossed",
            f"the median score at the latest checkpoint ({mid_last:.3g}) is already "
            f"{word} {threshold:g}",
        )
    a = (1.0 - level) / 2.0
    if a < trend.p_rising < 1.0 - a:
        return no(
            "no_trend",
            f"no trend: the slope is not distinguishable from 0 at {level:.0%} "
            f"({trend.p_rising:.0%} of draws rise)",
        )
    if (trend.p_rising >= 1.0 - a) != (direction == "up"):
        return no("not_within_range", f"the trend moves away from {threshold:g} ({trend.reason})")
    xs = trend.crossing_xs(threshold, direction)
    q = np.quantile(xs, [a, 0.5, 1.0 - a], method="inverted_cdf")
    x_lo, x_mid, x_hi = float(q[0]), float(q[1]), float(q[2])
    if not x_lo <= end:
        return no(
            "not_within_range",
            f"only {float(np.mean(xs <= end)):.0%} of draws reach {threshold:g} by x = {end:.4g}, "
            f"the end of the range the checkpoints support (fewer than {a:.0%}; {trend.reason})",
        )
    note = ""
    if not math.isfinite(x_hi):
        note = "; open-ended: in some draws the curve never reaches the threshold"
    elif x_hi > end:
        note = f"; the interval extends past x = {end:.4g}, beyond the range the data support"
    return Crossing(
        "forecast",
        x_mid,
        x_lo,
        x_hi,
        reason=f"{trend.reason}; {level:.0%} crossing interval{note}",
        **common,  # type: ignore[arg-type]
    )


def forecast_crossing(
    points: Sequence[SeriesPoint],
    threshold: float,
    *,
    level: float = 0.8,
    bounds: tuple[float, float] = (0.0, 1.0),
    x_kind: XKind = "log10_compute",
    direction: Direction = "up",
    x_end: float | None = None,
) -> Crossing:
    """Forecast the x at which a checkpoint's true score reaches ``threshold``
    (``direction='up'``: score >= threshold; ``'down'``: score <= threshold).

    The slope must differ from 0 at ``level`` for a forecast (``no_trend`` otherwise);
    ``x_end`` bounds the range a forecast may claim (``not_within_range`` when the
    interval's near end lies beyond it). Same as ``fit_trend(...).crossing(...)``."""
    trend = fit_trend(points, bounds=bounds, x_kind=x_kind, trend_level=level)
    return _crossing(trend, threshold, level, direction, x_end)


def crossing_probability(
    points: Sequence[SeriesPoint],
    threshold: float,
    x: float,
    *,
    bounds: tuple[float, float] = (0.0, 1.0),
    x_kind: XKind = "log10_compute",
    direction: Direction = "up",
) -> float | None:
    """P(a checkpoint's true score at ``x`` is >= ``threshold``) (``<=`` for
    ``direction='down'``); ``None`` when the series supports no forecast (too few points,
    or no trend at :data:`TREND_LEVEL`)."""
    return fit_trend(points, bounds=bounds, x_kind=x_kind).probability(threshold, x, direction)
