"""Trends over a lineage's checkpoints, and forecasts of when a threshold is crossed.

A *series* is one evaluation (and elicitation strategy) measured on successive checkpoints:
each :class:`SeriesPoint` has an x (log10 of effective or training compute, or days since
1970-01-01 when compute is unknown), a score and the score's own interval.

:func:`fit_trend` fits the score against x with a model that respects the metric's bounds:

* **logistic** (4 or more distinct x): ``score = lo + (hi - lo) * sigmoid(a + b * (x - x_ref))``;
* **linear** (2 or 3 distinct x, too few to tell a curve from a line): ``score = lo + (hi - lo)
  * (a + b * (x - x_ref))``, clipped to the bounds.

Each point is weighted by its own interval (its width gives a measurement standard deviation);
scatter beyond what those intervals explain is a between-checkpoint variance ``tau^2`` on the
linear-predictor scale, estimated by the Paule-Mandel equation. The band for the *true score of
a checkpoint at x* has variance ``se(eta(x))^2 + tau^2`` on that scale (fit uncertainty plus the
between-checkpoint variance), and is mapped through the link, so it never leaves the bounds.
Because the model is monotone in x, ``P(crossed by x) = P(score(x) >= t)``, so the crossing
interval is where the band's edges cross the threshold. ``docs/statistics.md`` ("Trends and
forecasts") states the assumptions; ``benchmarks/forecast.py`` measures coverage.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special
from scipy import stats as _sp

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
MIN_POINTS_LOGISTIC = 4
"""Fewest distinct x for the logistic; with 2 or 3 the linear fit is used."""
TREND_LEVEL = 0.8
"""Default two-sided level at which the slope must differ from 0 for a trend."""
SIGMA_FLOOR = 1e-3
"""Smallest measurement SD (bound units / range) a point is given: an exact pool result
has a zero-width interval, and a zero SD would give it infinite weight."""
_TAU2_CAP = 100.0  # linear-predictor variance; a logit SD of 10 is "anything goes"
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
    """The compute (FLOP) a log10-compute x stands for."""
    return float(10.0**x)


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

    ``status`` is ``fitted`` (a trend: the slope differs from 0 at ``trend_level``),
    ``no_trend`` (a model was fitted but its slope is not distinguishable from 0, or it is
    not identified) or ``insufficient`` (fewer than :data:`MIN_POINTS` distinct x; no model).
    ``kind`` is the model (``none`` when insufficient); ``params`` are (a, b) of the linear
    predictor ``eta = a + b * (x - x_ref)``; ``cov`` their covariance; ``tau2`` the
    between-checkpoint variance on the eta scale; ``df`` the Student-t degrees of freedom
    of the band (``None``: normal, when the points' own intervals explain the scatter)."""

    kind: Literal["logistic", "linear", "none"]
    x_kind: XKind
    status: Literal["fitted", "no_trend", "insufficient"]
    reason: str
    bounds: tuple[float, float] = (0.0, 1.0)
    params: tuple[float, float] = (0.0, 0.0)
    cov: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.0), (0.0, 0.0))
    tau2: float = 0.0
    df: float | None = None
    x_ref: float = 0.0
    x_first: float = 0.0
    x_last: float = 0.0
    n_points: int = 0
    trend_level: float = TREND_LEVEL
    slope_z: float = 0.0

    @property
    def has_model(self) -> bool:
        return self.kind != "none"

    def _eta(self, xs: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        a, b = self.params
        d = xs - self.x_ref
        c = np.asarray(self.cov)
        var = c[0, 0] + 2.0 * d * c[0, 1] + d * d * c[1, 1] + self.tau2
        return a + b * d, np.sqrt(np.maximum(var, 0.0))

    def _link(self, eta: NDArray[np.float64]) -> NDArray[np.float64]:
        u = special.expit(eta) if self.kind == "logistic" else np.clip(eta, 0.0, 1.0)
        lo, hi = self.bounds
        return np.asarray(lo + (hi - lo) * u, dtype=np.float64)

    def _quantile(self, q: float) -> float:
        if self.df is None:
            return float(_sp.norm.ppf(q))
        return float(_sp.t.ppf(q, self.df))

    def _cdf(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.df is None:
            return np.asarray(_sp.norm.cdf(z), dtype=np.float64)
        return np.asarray(_sp.t.cdf(z, self.df), dtype=np.float64)

    def band(self, xs: Sequence[float], level: float = 0.8) -> list[tuple[float, float, float]]:
        """(lower, mid, upper) of the central ``level`` band of a checkpoint's true score at
        each x. Raises ValueError when no model was fitted (``status == 'insufficient'``)."""
        if not self.has_model:
            raise ValueError(f"no trend to draw a band from: {self.reason}")
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {level}")
        arr = np.asarray(xs, dtype=np.float64)
        eta, sd = self._eta(arr)
        q = self._quantile((1.0 + level) / 2.0)
        lo_, mid, hi_ = self._link(eta - q * sd), self._link(eta), self._link(eta + q * sd)
        return [(float(a), float(m), float(b)) for a, m, b in zip(lo_, mid, hi_, strict=True)]

    def prob_at_least(self, threshold: float, xs: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(a checkpoint's true score at x >= threshold), for each x."""
        lo, hi = self.bounds
        u = (threshold - lo) / (hi - lo)
        if u <= 0.0:
            return np.ones_like(xs)
        if self.kind == "logistic":
            if u >= 1.0:
                return np.zeros_like(xs)
            eta_t = float(special.logit(u))
        else:
            if u > 1.0:
                return np.zeros_like(xs)
            eta_t = u
        eta, sd = self._eta(xs)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(
                sd > 0, (eta - eta_t) / np.where(sd > 0, sd, 1.0), np.sign(eta - eta_t) * np.inf
            )
        return self._cdf(z)


def _fit_linear(
    x: NDArray[np.float64], u: NDArray[np.float64], w: NDArray[np.float64]
) -> NDArray[np.float64]:
    X = np.column_stack([np.ones_like(x), x])
    W = np.sqrt(w)
    sol, *_ = np.linalg.lstsq(X * W[:, None], u * W, rcond=None)
    return np.asarray(sol, dtype=np.float64)


def _fit_logistic(
    x: NDArray[np.float64],
    u: NDArray[np.float64],
    w: NDArray[np.float64],
    start: NDArray[np.float64],
    b_max: float,
) -> NDArray[np.float64]:
    sw = np.sqrt(w)

    def resid(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray((u - special.expit(theta[0] + theta[1] * x)) * sw)

    def jac(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        p = special.expit(theta[0] + theta[1] * x)
        g = p * (1.0 - p)
        return np.asarray(-np.column_stack([g, g * x]) * sw[:, None])

    s0 = np.clip(start, [-29.0, -b_max * 0.99], [29.0, b_max * 0.99])
    res = optimize.least_squares(
        resid, s0, jac=jac, bounds=([-30.0, -b_max], [30.0, b_max]), method="trf"
    )
    return np.asarray(res.x, dtype=np.float64)


def fit_trend(
    points: Sequence[SeriesPoint],
    *,
    bounds: tuple[float, float] = (0.0, 1.0),
    x_kind: XKind = "log10_compute",
    trend_level: float = TREND_LEVEL,
) -> Trend:
    """Fit the trend of ``points`` (see the module docstring). Raises ValueError for
    invalid points (NaN, out of bounds, score outside its interval)."""
    x, u, s = _check_points(points, bounds)
    base = {"x_kind": x_kind, "bounds": bounds, "n_points": len(points), "trend_level": trend_level}
    distinct = len(set(x.tolist()))
    if distinct < MIN_POINTS:
        return Trend(
            kind="none",
            status="insufficient",
            reason=(
                f"{distinct} distinct {'compute' if x_kind == 'log10_compute' else 'date'} "
                f"value(s); a trend needs at least {MIN_POINTS} checkpoints"
            ),
            **base,  # type: ignore[arg-type]
        )
    kind: Literal["logistic", "linear"] = (
        "logistic" if distinct >= MIN_POINTS_LOGISTIC else "linear"
    )
    x_ref = float(np.mean(x))
    span = float(np.max(x) - np.min(x))
    d = x - x_ref
    b_max = 60.0 / span  # a slope steeper than 60 logits over the observed span is a step
    n = len(x)
    dof = n - 2
    tau2 = 0.0
    theta = np.zeros(2)
    g = np.ones(n)
    if kind == "logistic":
        uc = np.clip(u, 0.02, 0.98)
        theta = _fit_linear(d, np.asarray(special.logit(uc)), 1.0 / (s / (uc * (1 - uc))) ** 2)
    for _ in range(50):
        w = 1.0 / (s * s + g * g * tau2)
        if kind == "logistic":
            theta = _fit_logistic(d, u, w, theta, b_max)
            p = special.expit(theta[0] + theta[1] * d)
            g = np.maximum(p * (1.0 - p), 1e-12)
            mu = p
        else:
            theta = _fit_linear(d, u, w)
            mu = theta[0] + theta[1] * d
        r2 = (u - mu) ** 2
        if dof <= 0:
            break

        def q_minus_dof(
            t2: float, r2: NDArray[np.float64] = r2, g: NDArray[np.float64] = g
        ) -> float:
            return float(np.sum(r2 / (s * s + g * g * t2)) - dof)

        if q_minus_dof(0.0) <= 0:
            new = 0.0
        elif q_minus_dof(_TAU2_CAP) > 0:
            new = _TAU2_CAP
        else:
            new = float(optimize.brentq(q_minus_dof, 0.0, _TAU2_CAP, xtol=1e-10))
        if abs(new - tau2) <= 1e-7 * (1.0 + tau2):
            tau2 = new
            break
        tau2 = new
    w = 1.0 / (s * s + g * g * tau2)
    J = np.column_stack([g, g * d])
    info = J.T @ (J * w[:, None])
    fields = {
        **base,
        "kind": kind,
        "params": (float(theta[0]), float(theta[1])),
        "tau2": tau2,
        "df": float(dof) if tau2 > 0 and dof > 0 else None,
        "x_ref": x_ref,
        "x_first": float(np.min(x)),
        "x_last": float(np.max(x)),
    }
    if not np.all(np.isfinite(info)) or np.linalg.cond(info) > 1e12:
        return Trend(
            status="no_trend",
            reason="the fit is not identified (the scores sit at a bound, or the curve is a step)",
            **fields,  # type: ignore[arg-type]
        )
    cov = np.linalg.inv(info)
    se_b = math.sqrt(max(float(cov[1, 1]), 0.0))
    z = float(theta[1]) / se_b if se_b > 0 else math.copysign(math.inf, float(theta[1]))
    covt = ((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1])))
    probe = Trend(status="fitted", reason="", cov=covt, slope_z=z, **fields)  # type: ignore[arg-type]
    crit = probe._quantile((1.0 + trend_level) / 2.0)
    unit = "log10 compute" if x_kind == "log10_compute" else "day"
    if abs(z) < crit or float(theta[1]) == 0.0:
        return Trend(
            status="no_trend",
            reason=(
                f"no trend: the {kind} slope {theta[1]:.3g} per {unit} is not distinguishable "
                f"from 0 at {trend_level:.0%} (z = {z:.2f}, critical {crit:.2f})"
            ),
            cov=covt,
            slope_z=z,
            **fields,  # type: ignore[arg-type]
        )
    return Trend(
        status="fitted",
        reason=(
            f"{kind} fit on {n} checkpoints, slope {theta[1]:.3g} per {unit} (z = {z:.2f}); "
            f"between-checkpoint variance {tau2:.3g}"
        ),
        cov=covt,
        slope_z=z,
        **fields,  # type: ignore[arg-type]
    )


# -------------------------------------------------------------------- crossing


@dataclass(frozen=True)
class Crossing:
    """Where the true score is forecast to cross a threshold.

    Numbers only when ``status == 'forecast'``: ``x_mid`` is the median crossing x,
    ``[x_lo, x_hi]`` the central ``level`` interval. ``x_mid`` and ``x_hi`` may be
    ``math.inf`` (open-ended: at that quantile the curve never crosses, e.g. the slope
    could be 0); ``x_lo`` is always finite and at most ``x_end``, the end of the range the
    data support (the last checkpoint plus the observed span, unless set)."""

    status: CrossingStatus
    x_mid: float | None
    x_lo: float | None
    x_hi: float | None
    level: float
    reason: str
    threshold: float = math.nan
    x_kind: XKind = "log10_compute"
    x_end: float | None = None


def _first_reaching(
    trend: Trend, threshold: float, q: float, start: float, stop: float, direction: Direction
) -> float:
    """Smallest x in [start, stop] with P(crossed by x) >= q (math.inf if none)."""
    grid = np.linspace(start, stop, 801)

    def prob(xs: NDArray[np.float64]) -> NDArray[np.float64]:
        p = trend.prob_at_least(threshold, xs)
        return p if direction == "up" else 1.0 - p

    p = prob(grid)
    hit = np.nonzero(p >= q)[0]
    if hit.size == 0:
        return math.inf
    i = int(hit[0])
    if i == 0:
        return float(grid[0])
    f = lambda v: float(prob(np.asarray([v]))[0]) - q  # noqa: E731
    return float(optimize.brentq(f, float(grid[i - 1]), float(grid[i]), xtol=1e-9))


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

    ``x_end`` bounds the range a forecast may claim (default: the last checkpoint plus the
    observed span of x). The slope must differ from 0 at ``level`` for a forecast."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    trend = fit_trend(points, bounds=bounds, x_kind=x_kind, trend_level=level)
    common = {"level": level, "threshold": threshold, "x_kind": x_kind}
    if trend.status == "insufficient":
        return Crossing("insufficient", None, None, None, reason=trend.reason, **common)  # type: ignore[arg-type]
    if trend.status == "no_trend":
        return Crossing("no_trend", None, None, None, reason=trend.reason, **common)  # type: ignore[arg-type]
    span = trend.x_last - trend.x_first
    end = trend.x_last + span if x_end is None else float(x_end)
    common["x_end"] = end
    mid_last = trend.band([trend.x_last], level)[0][1]
    crossed = mid_last >= threshold if direction == "up" else mid_last <= threshold
    word = ">=" if direction == "up" else "<="
    if crossed:
        return Crossing(
            "already_crossed",
            None,
            None,
            None,
            reason=(
                f"the fitted score at the latest checkpoint ({mid_last:.3g}) is already "
                f"{word} {threshold:g}"
            ),
            **common,  # type: ignore[arg-type]
        )
    rising = trend.params[1] > 0
    if rising != (direction == "up"):
        return Crossing(
            "not_within_range",
            None,
            None,
            None,
            reason=f"the trend moves away from {threshold:g} (slope {trend.params[1]:.3g})",
            **common,  # type: ignore[arg-type]
        )
    a = (1.0 - level) / 2.0
    far = trend.x_last + 20.0 * max(span, 1e-9)
    x_lo = _first_reaching(trend, threshold, a, trend.x_first, end, direction)
    if not math.isfinite(x_lo):
        return Crossing(
            "not_within_range",
            None,
            None,
            None,
            reason=(
                f"the {level:.0%} band does not reach {threshold:g} before x = {end:.4g} "
                "(the end of the range the checkpoints support)"
            ),
            **common,  # type: ignore[arg-type]
        )
    x_mid = _first_reaching(trend, threshold, 0.5, x_lo, far, direction)
    x_hi = _first_reaching(
        trend, threshold, 1.0 - a, x_mid if math.isfinite(x_mid) else x_lo, far, direction
    )
    note = ""
    if not math.isfinite(x_hi):
        note = "; open-ended: the band's far edge never reaches the threshold"
    elif x_hi > end:
        note = (
            f"; the interval extends past x = {end:.4g}, beyond the range the checkpoints support"
        )
    return Crossing(
        "forecast",
        x_mid,
        x_lo,
        x_hi,
        reason=f"{trend.reason}; {level:.0%} crossing interval{note}",
        **common,  # type: ignore[arg-type]
    )


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
    trend = fit_trend(points, bounds=bounds, x_kind=x_kind)
    if trend.status != "fitted":
        return None
    p = float(trend.prob_at_least(threshold, np.asarray([float(x)]))[0])
    return p if direction == "up" else 1.0 - p
