"""Model-assisted confidence sequences: earlier per-item scores as a control variate.

When per-item *predictions* ``f_i`` in ``[0, 1]`` exist for every item of the pool (an earlier
checkpoint's scores on the same items, another model's, an item-difficulty fit), the pool mean
``mu = (1/N) sum_i y_i`` of this run's scores ``y_i`` in ``[0, 1]`` can be bracketed much
sooner, because ``y_i - beta f_i`` varies less than ``y_i`` when the predictions are good and the
pool total of ``f`` is known. This module holds the mathematics; ``redline.measure.early_stopping``
plugs it into Inspect and ``benchmarks/sequential.py`` measures it.

The construction (one test martingale per candidate mean ``m``)
---------------------------------------------------------------
Items are drawn one at a time *without replacement*. Before draw ``t``, ``R`` is the set of the
``M_t`` items not yet drawn, and the next item is drawn from ``R`` with probability
``q_t(i) = w_i / W_t`` (``W_t = sum_{i in R} w_i``, every ``w_i > 0``; equal weights are the
usual uniformly random order). ``beta_t`` is any number computed from the draws before ``t``
(here a shrunken least-squares slope of ``y`` on ``f``). Observe

    X_t = (y_I - beta_t f_I) / (M_t q_t(I))                       (inverse-probability weight)

Given the past, ``E[X_t] = (1/M_t) sum_{i in R} (y_i - beta_t f_i)
= ((N mu - S_t) - beta_t F_t) / M_t =: c_t(mu)``, where ``S_t`` is the sum of the ``y`` already
drawn and ``F_t`` the (known) sum of ``f`` over ``R``. This is the difference estimator of
Angelopoulos et al. (2023) and the inverse-probability weighting of Zrnic & Candès, "Active
Statistical Inference" (2024), written as a martingale difference for sampling without
replacement. Every draw's ``X_t`` lies in a range ``[L_t, U_t]`` known before the draw (bounds
over the whole pool are used, which are wider than those over ``R`` and therefore still valid).
For a candidate ``m`` the two wealth processes

    K+_t(m) = prod_s (1 + g (X_s - c_s(m)) / (c_s(m) - L_s)),
    K-_t(m) = prod_s (1 + g (c_s(m) - X_s) / (U_s - c_s(m))),     g in (0, 1),

are nonnegative (each factor is at least ``1 - g``) and, at ``m = mu``, martingales with
initial value 1, *whatever* the predictions, the weights and ``beta_t`` are, provided all three
are fixed before the draw they are used for. Averages over a grid of fractions ``g`` (the same
``DEFAULT_BET_FRACTIONS`` as ``BettingCS``) are too. This is ``BettingCS``'s construction with
``X_t`` in place of the score: with equal weights and ``beta = 0`` it *is* ``BettingCS``.

Uniform order only: the hypergeometric prior-posterior ratio ``R_t(K)`` of ``HypergeometricCS``
is a third test martingale on the same draws, so ``E_t(K) = a R_t(K) + b (K+_t + K-_t)`` with
``a + 2 b = 1`` is one. A candidate is rejected once ``E_t >= 1 / alpha``; by Ville's
inequality the true mean is ever rejected with probability at most ``alpha``. The weight ``a``
(``fallback``, default 0.8) is the insurance against useless predictions: with none, ``E``
behaves like the hypergeometric CS at level ``a alpha``; with good ones the prediction side
needs ``log(2 / (1 - a))`` nats more wealth than alone. ``a`` is fixed before the run; choosing
it from the data would void the guarantee. With an active (non-uniform) order there is no
hypergeometric side (``a = 0``), and the cost of useless predictions is the IPW variance.

What the guarantee does and does not assume
-------------------------------------------
* The order must be drawn as stated (uniform, or successive sampling with the recorded weights:
  ``active_order`` draws it in one pass with exponential keys, Efraimidis & Spirakis 2006) and
  independently of the answers. Predictions, weights and ``fallback`` must be fixed before the
  first draw; nothing is assumed about their quality. Anti-correlated or adversarial
  predictions cost items, never coverage.
* Scores must lie in ``[0, 1]`` (binary for the hypergeometric side). Every item needs a
  prediction: the pool sum of ``f`` enters ``c_t``.
* The estimand is the pool mean of this run's answers, as for every without-replacement CS in
  redline (``docs/statistics.md``, section 1).
* Threshold decisions use only monotone pieces: ``K+`` is nonincreasing and ``K-``
  nondecreasing in ``m``, and ``R_t(K)`` is monotone on each side of the hypergeometric mode, so
  rejecting at the threshold (and at the nearest pool counts) rejects every candidate beyond it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from redline.measure.confseq import (
    DEFAULT_BET_FRACTIONS,
    Side,
    _check_confidence,
    _largest_k_at_or_below,
    _mixture_step,
    _smallest_k_at_or_above,
    hypergeometric_log_pmf,
    log_factorials,
)
from redline.measure.threshold import ThresholdSurface

__all__ = [
    "DEFAULT_FALLBACK",
    "DEFAULT_WEIGHT_FLOOR",
    "AssistedThresholdTest",
    "PredictionDesign",
    "active_order",
    "active_weights",
    "simulate_assisted_settlement",
]

DEFAULT_FALLBACK = 0.8
"""Share of the initial wealth on the hypergeometric CS (uniform orders of binary scores)."""

DEFAULT_WEIGHT_FLOOR = 0.5
"""Smallest sampling weight relative to the most uncertain item's (see ``active_weights``)."""

BETA_PRIOR = 0.5
BETA_PRIOR_WEIGHT = 0.5
"""The predictable slope is ``(C_fy + w b0) / (C_ff + w)`` with ``b0 = BETA_PRIOR`` and
``w = BETA_PRIOR_WEIGHT`` (about the spread of 8 draws of a 50/50 binary prediction): it
starts halfway between ignoring the predictions and trusting them, and follows the data's
least-squares slope of ``y`` on ``f`` after a few dozen draws."""

BETA_LIMIT = 2.0

ASSISTED_BET_FRACTIONS: tuple[float, ...] = (0.9, 0.8, 0.7, 0.6, *DEFAULT_BET_FRACTIONS)
"""``DEFAULT_BET_FRACTIONS`` plus larger fractions: with good predictions the corrected score
is concentrated near its mean inside a wide range, and the growth-optimal fraction of the
range approaches 1 (each factor stays at least ``1 - g``, so any ``g < 1`` keeps validity)."""
_TOLERANCE = 1e-12


def active_weights(
    predictions: Sequence[float] | NDArray[np.float64], floor: float = DEFAULT_WEIGHT_FLOOR
) -> NDArray[np.float64]:
    """Sampling weights that favour items the predictions leave uncertain.

    ``w_i = floor + (1 - floor) * 2 sqrt(f_i (1 - f_i))``: the standard deviation of a binary
    outcome with probability ``f_i``, scaled to ``[0, 1]`` (Neyman allocation, as in Zrnic &
    Candès 2024), floored so that every item keeps a positive probability and the inverse
    weights stay bounded. Binary predictions give equal weights: they say nothing about which
    items are uncertain.
    """
    f = np.asarray(predictions, dtype=np.float64)
    if not (0.0 < floor <= 1.0):
        raise ValueError(f"floor must lie in (0, 1], got {floor}")
    return floor + (1.0 - floor) * 2.0 * np.sqrt(np.clip(f * (1.0 - f), 0.0, 0.25))


def active_order(weights: Sequence[float] | NDArray[np.float64], seed: int) -> list[int]:
    """A seeded order of the pool drawn by successive sampling with probabilities ``∝ w``.

    Each item gets the key ``E_i / w_i`` with ``E_i`` standard exponential; sorting the keys
    gives the order in which successive weighted draws without replacement would pick the items
    (Efraimidis & Spirakis 2006): the first key is item ``i`` with probability
    ``w_i / sum w``, and, by memorylessness, so on among those left.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or np.any(~(w > 0)):
        raise ValueError("weights must be a non-empty list of positive numbers")
    keys = np.random.default_rng(seed).standard_exponential(w.size) / w
    return [int(i) for i in np.argsort(keys, kind="stable")]


@dataclass(frozen=True)
class PredictionDesign:
    """What is fixed before the first draw: predictions, weights, and their pool constants."""

    predictions: NDArray[np.float64]
    weights: NDArray[np.float64]

    @property
    def uniform(self) -> bool:
        return bool(np.all(self.weights == self.weights[0]))

    def constants(self) -> tuple[float, float, float, float, float]:
        """``(sum f, sum w, max f/w, min f/w, max 1/w)`` over the pool."""
        f, w = self.predictions, self.weights
        return (
            float(f.sum()),
            float(w.sum()),
            float((f / w).max()),
            float((f / w).min()),
            float((1.0 / w).max()),
        )


def _beta(
    n: NDArray[np.float64],
    sf: NDArray[np.float64],
    sy: NDArray[np.float64],
    sff: NDArray[np.float64],
    sfy: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The predictable slope from the draws so far (``BETA_PRIOR`` before two draws)."""
    safe = np.maximum(n, 1.0)
    cff = np.maximum(sff - sf * sf / safe, 0.0)
    cfy = sfy - sf * sy / safe
    w0 = BETA_PRIOR_WEIGHT
    beta = (np.where(n >= 2, cfy, 0.0) + w0 * BETA_PRIOR) / (np.where(n >= 2, cff, 0.0) + w0)
    return np.asarray(np.clip(beta, -BETA_LIMIT, BETA_LIMIT))


@dataclass
class _State:
    """Per-row state of the assisted wealth processes (rows: simulated runs or candidates)."""

    rows: int
    fractions: NDArray[np.float64]

    def __post_init__(self) -> None:
        j = self.fractions.size
        self.wealth_up = np.ones((self.rows, j))
        self.wealth_down = np.ones((self.rows, j))
        self.offset_up = np.zeros(self.rows)
        self.offset_down = np.zeros(self.rows)
        self.log_up = np.zeros(self.rows)
        self.log_down = np.zeros(self.rows)


def _assisted_step(
    state: _State,
    idx: NDArray[np.int64] | slice,
    *,
    y: NDArray[np.float64],
    f: NDArray[np.float64],
    w: NDArray[np.float64],
    beta: NDArray[np.float64],
    m_total: NDArray[np.float64],
    drawn_total: NDArray[np.float64],
    f_remaining: NDArray[np.float64],
    w_remaining: NDArray[np.float64],
    remaining: int,
    r_max: NDArray[np.float64],
    r_min: NDArray[np.float64],
    v_max: NDArray[np.float64],
) -> None:
    """Advance K+ and K- of rows ``idx`` by one draw (``remaining`` = M_t, before the draw).

    ``m_total`` is ``N m`` for each row's candidate; the other arrays broadcast over the rows.
    """
    scale = w_remaining / remaining
    x = (y - beta * f) / w * scale
    c = ((m_total - drawn_total) - beta * f_remaining) / remaining
    nonneg = beta >= 0
    low = scale * np.where(nonneg, -beta * r_max, -beta * r_min)
    high = scale * np.where(nonneg, v_max - beta * r_min, v_max - beta * r_max)
    up_ok = c - low > _TOLERANCE
    down_ok = high - c > _TOLERANCE
    up = np.asarray((x - c) / np.where(up_ok, c - low, 1.0))
    down = np.asarray((c - x) / np.where(down_ok, high - c, 1.0))
    up_ok = np.broadcast_to(up_ok, up.shape)
    down_ok = np.broadcast_to(down_ok, down.shape)
    wu, wd = state.wealth_up[idx], state.wealth_down[idx]
    ou, od = state.offset_up[idx], state.offset_down[idx]
    state.log_up[idx] = _mixture_step(wu, ou, up, up_ok, state.fractions)
    state.log_down[idx] = _mixture_step(wd, od, down, down_ok, state.fractions)
    state.wealth_up[idx], state.wealth_down[idx] = wu, wd
    state.offset_up[idx], state.offset_down[idx] = ou, od


def _combine(
    log_bet: NDArray[np.float64],
    log_hyp: NDArray[np.float64] | None,
    fallback: float,
    log_target: float,
) -> NDArray[np.bool_]:
    """Is ``a R + b K >= 1/alpha`` (``b = (1 - a) / 2``), with ``R`` absent when ``a = 0``?"""
    log_b = math.log((1.0 - fallback) / 2.0)
    if log_hyp is None or fallback == 0.0:
        return np.asarray(log_bet + log_b >= log_target)
    combined = np.logaddexp(log_hyp + math.log(fallback), log_bet + log_b)
    return np.asarray(combined >= log_target)


def _hyp_sides(
    successes: NDArray[np.int64],
    n: int,
    k_lo: int,
    k_hi: int,
    pool: int,
    log_fact: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64], NDArray[np.bool_]]:
    """``log R_n`` at ``k_lo`` and ``k_hi``, and whether ``R`` is monotone beyond each."""
    s = successes
    log_n1 = math.log(n + 1.0)
    lo = -log_n1 - hypergeometric_log_pmf(s, n, max(k_lo, 0), pool, log_fact)
    hi = -log_n1 - hypergeometric_log_pmf(s, n, min(k_hi, pool), pool, log_fact)
    increasing = (k_lo + 1) * (pool - k_lo - n + s) > (k_lo + 1 - s) * (pool - k_lo)
    decreasing = k_hi * (pool - k_hi + 1 - n + s) < (k_hi - s) * (pool - k_hi + 1)
    return lo, increasing & (k_lo < pool), hi, decreasing & (k_hi > 0)


def simulate_assisted_settlement(
    scores: NDArray[Any],
    predictions: NDArray[Any],
    weights: NDArray[Any] | None,
    threshold: float,
    confidence: float = 0.95,
    *,
    fallback: float | None = None,
    block: int = 128,
) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """When does each simulated run first settle ``threshold`` with predictions, and how?

    One row per run: ``scores``, ``predictions`` and ``weights`` of the pool's items *in the
    order the run draws them* (``weights=None``: equal weights, a uniform order). Returns the
    number of draws after which ``AssistedThresholdTest`` would first report the threshold
    settled (0 if never) and the side (+1 above, -1 below, 0 never); the arithmetic is the
    monitor's, evaluated at the threshold only.
    """
    y_all = np.asarray(scores)
    f_all = np.asarray(predictions, dtype=np.float64)
    if y_all.ndim != 2 or y_all.shape != f_all.shape or y_all.shape[1] == 0:
        raise ValueError("scores and predictions must be 2-D arrays of the same shape")
    uniform = weights is None
    w_all = np.ones_like(f_all) if weights is None else np.asarray(weights, dtype=np.float64)
    if w_all.shape != f_all.shape or np.any(~(w_all > 0)):
        raise ValueError("weights must be positive and shaped like the scores")
    if np.any((y_all < 0) | (y_all > 1)) or np.any((f_all < 0) | (f_all > 1)):
        raise ValueError("scores and predictions must lie in [0, 1]")
    binary = bool(np.all((y_all == 0) | (y_all == 1)))
    a = _fallback(fallback, uniform, binary)
    alpha = 1.0 - _check_confidence(confidence)
    log_target = math.log(1.0 / alpha)
    trials, pool = y_all.shape
    stop = np.zeros(trials, dtype=np.int64)
    side = np.zeros(trials, dtype=np.int8)
    f_rem = f_all.sum(axis=1)
    w_rem = w_all.sum(axis=1)
    r_max = (f_all / w_all).max(axis=1)
    r_min = (f_all / w_all).min(axis=1)
    v_max = (1.0 / w_all).max(axis=1)
    drawn = np.zeros(trials)
    stats = np.zeros((5, trials))  # n, sum f, sum y, sum ff, sum fy
    state = _State(trials, np.asarray(ASSISTED_BET_FRACTIONS))
    rej_up = np.zeros(trials, dtype=bool)
    rej_down = np.zeros(trials, dtype=bool)
    log_fact = log_factorials(pool) if a > 0 else np.zeros(1)
    k_lo = _largest_k_at_or_below(threshold, pool)
    k_hi = _smallest_k_at_or_above(threshold, pool)
    active = np.arange(trials)
    for start in range(0, pool, block):
        if active.size == 0:
            break
        width = min(block, pool - start)
        above = np.zeros((active.size, width), dtype=bool)
        below = np.zeros((active.size, width), dtype=bool)
        ya = y_all[active, start : start + width].astype(np.float64)
        fa = f_all[active, start : start + width]
        wa = w_all[active, start : start + width]
        for j in range(width):
            t = start + j
            yj, fj, wj = ya[:, j], fa[:, j], wa[:, j]
            st = stats[:, active]
            beta = _beta(*st)
            _assisted_step(
                state,
                active,
                y=yj,
                f=fj,
                w=wj,
                beta=beta,
                m_total=np.asarray(pool * threshold),
                drawn_total=drawn[active],
                f_remaining=f_rem[active],
                w_remaining=w_rem[active],
                remaining=pool - t,
                r_max=r_max[active],
                r_min=r_min[active],
                v_max=v_max[active],
            )
            drawn[active] += yj
            f_rem[active] -= fj
            w_rem[active] -= wj
            stats[:, active] = st + np.stack([np.ones_like(fj), fj, yj, fj * fj, fj * yj])
            log_up, log_down = state.log_up[active], state.log_down[active]
            if a > 0:
                hl, inc, hh, dec = _hyp_sides(
                    np.rint(drawn[active]).astype(np.int64), t + 1, k_lo, k_hi, pool, log_fact
                )
                up_now = _combine(log_up, None, a, log_target) | (
                    inc & _combine(log_up, hl, a, log_target)
                )
                down_now = _combine(log_down, None, a, log_target) | (
                    dec & _combine(log_down, hh, a, log_target)
                )
            else:
                up_now = _combine(log_up, None, 0.0, log_target)
                down_now = _combine(log_down, None, 0.0, log_target)
            rej_up[active] |= up_now | (k_lo < 0) | (drawn[active] / pool > threshold)
            rej_down[active] |= (
                down_now | (k_hi > pool) | ((drawn[active] + pool - t - 1) / pool < threshold)
            )
            above[:, j] = rej_up[active]
            below[:, j] = rej_down[active]
        hit = above | below
        settled = hit.any(axis=1)
        first = hit.argmax(axis=1)
        rows = active[settled]
        stop[rows] = start + first[settled] + 1
        side[rows] = np.where(above[settled, first[settled]], 1, -1)
        active = active[~settled]
    return stop, side


def _fallback(fallback: float | None, uniform: bool, binary: bool) -> float:
    if fallback is None:
        return DEFAULT_FALLBACK if (uniform and binary) else 0.0
    if not (0.0 <= fallback < 1.0):
        raise ValueError(f"fallback must lie in [0, 1), got {fallback}")
    if fallback > 0 and not (uniform and binary):
        raise ValueError(
            "the hypergeometric fallback needs binary scores drawn in a uniform order; "
            "use fallback=0 with sampling weights or partial credit"
        )
    return float(fallback)


class AssistedThresholdTest(ThresholdSurface):
    """The sequential threshold test with predictions: ``SequentialThresholdTest``'s surface.

    ``predictions[i]`` and ``weights[i]`` belong to pool item ``i``; ``update(x, index=i)``
    feeds item ``i``'s score in drawing order. Threshold decisions use exactly the arithmetic
    of ``simulate_assisted_settlement`` (one row per threshold); ``interval`` is the set of
    candidate means on a grid not yet rejected (``side`` is authoritative for a threshold, as in
    ``SequentialThresholdTest``). ``weights=None`` means a uniformly random order.
    """

    method = "assisted"

    def __init__(
        self,
        predictions: Sequence[float] | NDArray[np.float64],
        thresholds: Sequence[float],
        confidence: float = 0.95,
        *,
        weights: Sequence[float] | NDArray[np.float64] | None = None,
        fallback: float | None = None,
        binary: bool = True,
        grid_size: int = 2000,
    ) -> None:
        f = np.asarray(predictions, dtype=np.float64)
        if f.ndim != 1 or f.size == 0 or np.any(~((f >= 0) & (f <= 1))):
            raise ValueError("predictions must be a non-empty list of numbers in [0, 1]")
        if len(thresholds) == 0 or not all(math.isfinite(t) for t in thresholds):
            raise ValueError(f"thresholds must be finite numbers, got {list(thresholds)}")
        self.uniform = weights is None
        w = np.ones_like(f) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != f.shape or np.any(~(w > 0)):
            raise ValueError("weights must be positive, one per prediction")
        self.design = PredictionDesign(f, w)
        self.confidence = _check_confidence(confidence)
        self.alpha = 1.0 - self.confidence
        self.binary = binary
        self.fallback = _fallback(fallback, self.uniform, binary)
        self.thresholds = [float(t) for t in thresholds]
        self.pool_size = f.size
        n_pool = f.size
        f_sum, w_sum, r_max, r_min, v_max = self.design.constants()
        self._r = (np.asarray(r_max), np.asarray(r_min), np.asarray(v_max))
        self._f_rem, self._w_rem = f_sum, w_sum
        self._drawn_total = 0.0
        self._theta_sum = 0.0
        self._stats = np.zeros(5)
        self._seen = np.zeros(n_pool, dtype=bool)
        self.n = 0
        self.order: list[int] = []
        grid = (
            np.arange(n_pool + 1) / n_pool
            if binary and n_pool <= 100_000
            else np.linspace(0.0, 1.0, grid_size + 1)
        )
        self._grid = grid
        self._exact_grid = binary and n_pool <= 100_000
        self._rows = np.concatenate([np.asarray(self.thresholds), grid])
        fractions = np.asarray(ASSISTED_BET_FRACTIONS)
        self._state = _State(self._rows.size, fractions)
        self._rej_up = np.zeros(len(self.thresholds), dtype=bool)
        self._rej_down = np.zeros(len(self.thresholds), dtype=bool)
        self._grid_rejected = np.zeros(grid.size, dtype=bool)
        self._log_fact = log_factorials(n_pool) if self.fallback > 0 else np.zeros(1)
        self._k = [
            (_largest_k_at_or_below(t, n_pool), _smallest_k_at_or_above(t, n_pool))
            for t in self.thresholds
        ]
        self.conflicts = 0
        self.settled_at: dict[float, int | None] = dict.fromkeys(self.thresholds)
        self.first_side: dict[float, Side | None] = dict.fromkeys(self.thresholds)
        self._interval = (0.0, 1.0)

    @property
    def exhausted(self) -> bool:
        return self.n >= self.pool_size

    @property
    def mean(self) -> float:
        return self._drawn_total / self.n if self.n else math.nan

    @property
    def estimate(self) -> float:
        """Unbiased estimate of the pool mean, for any order this class accepts.

        Each draw gives ``theta_t = (S_{t-1} + beta_t F_t + M_t X_t) / N``, whose conditional
        mean is the pool mean (see the module docstring); their average is unbiased. With an
        active order the plain mean of the drawn scores is not (it over-represents the items
        drawn more often), so this is the estimate an active run reports.
        """
        return self._theta_sum / self.n if self.n else math.nan

    @property
    def beta(self) -> float:
        return float(_beta(*self._stats[:, None])[0])

    @property
    def interval(self) -> tuple[float, float]:
        return self._interval

    def update(self, x: float, *, index: int) -> None:
        value = float(x)
        if not (0.0 <= value <= 1.0):
            raise ValueError(f"scores fed to a confidence sequence must lie in [0, 1], got {x!r}")
        if self.binary and value not in (0.0, 1.0):
            raise ValueError(
                f"binary scores expected (0 or 1), got {x!r}; use binary=False for partial credit"
            )
        if not (0 <= index < self.pool_size) or self._seen[index]:
            raise ValueError(f"pool item {index} is out of range or was already drawn")
        f_i, w_i = self.design.predictions[index], self.design.weights[index]
        beta = _beta(*self._stats[:, None])
        remaining = self.pool_size - self.n
        x_t = (value - float(beta[0]) * f_i) / w_i * (self._w_rem / remaining)
        self._theta_sum += (
            self._drawn_total + float(beta[0]) * self._f_rem + remaining * x_t
        ) / self.pool_size
        r_max, r_min, v_max = self._r
        _assisted_step(
            self._state, slice(None), y=np.asarray(value), f=np.asarray(f_i), w=np.asarray(w_i),
            beta=beta, m_total=self.pool_size * self._rows,
            drawn_total=np.asarray(self._drawn_total), f_remaining=np.asarray(self._f_rem),
            w_remaining=np.asarray(self._w_rem), remaining=self.pool_size - self.n,
            r_max=r_max, r_min=r_min, v_max=v_max,
        )  # fmt: skip
        self._seen[index] = True
        self.order.append(index)
        self._drawn_total += value
        self._f_rem -= f_i
        self._w_rem -= w_i
        self._stats += np.array([1.0, f_i, value, f_i * f_i, f_i * value])
        self.n += 1
        self._decide_thresholds()
        self._update_interval()

    def _decide_thresholds(self) -> None:
        k_count = len(self.thresholds)
        log_up = self._state.log_up[:k_count]
        log_down = self._state.log_down[:k_count]
        log_target = math.log(1.0 / self.alpha)
        pool, s, m = self.pool_size, self._drawn_total, self.n
        for j, t in enumerate(self.thresholds):
            k_lo, k_hi = self._k[j]
            up = bool(_combine(log_up[j : j + 1], None, self.fallback, log_target)[0])
            down = bool(_combine(log_down[j : j + 1], None, self.fallback, log_target)[0])
            if self.fallback > 0:
                hl, inc, hh, dec = _hyp_sides(
                    np.asarray([round(s)]), m, k_lo, k_hi, pool, self._log_fact
                )
                up |= bool(inc[0]) and bool(
                    _combine(log_up[j : j + 1], hl, self.fallback, log_target)[0]
                )
                down |= bool(dec[0]) and bool(
                    _combine(log_down[j : j + 1], hh, self.fallback, log_target)[0]
                )
            self._rej_up[j] |= up or k_lo < 0 or s / pool > t
            self._rej_down[j] |= down or k_hi > pool or (s + pool - m) / pool < t
            if self.settled_at[t] is None and (self._rej_up[j] or self._rej_down[j]):
                self.settled_at[t] = self.n
                self.first_side[t] = self.side(t)

    def _update_interval(self) -> None:
        k_count = len(self.thresholds)
        log_up = self._state.log_up[k_count:]
        log_down = self._state.log_down[k_count:]
        log_b = math.log((1.0 - self.fallback) / 2.0)
        combined = np.logaddexp(log_up + log_b, log_down + log_b)
        if self.fallback > 0:
            log_hyp = -math.log(self.n + 1.0) - hypergeometric_log_pmf(
                round(self._drawn_total), self.n, np.arange(self.pool_size + 1), self.pool_size,
                self._log_fact,
            )  # fmt: skip
            combined = np.logaddexp(combined, log_hyp + math.log(self.fallback))
        pool, s, m = self.pool_size, self._drawn_total, self.n
        floor, ceiling = s / pool, (s + pool - m) / pool
        if self.exhausted:
            self._interval = (floor, floor)
            return
        rejected = (combined >= math.log(1.0 / self.alpha)) | (self._grid < floor - 1e-12)
        rejected |= self._grid > ceiling + 1e-12
        now = self._grid_rejected | rejected
        if now.all():
            self.conflicts += 1
            now = rejected if not rejected.all() else np.zeros_like(rejected)
        self._grid_rejected = now
        alive = np.flatnonzero(~now)
        lo_i, hi_i = int(alive[0]), int(alive[-1])
        if self._exact_grid:
            # The grid is every pool mean k/N a binary pool can have: the true mean is one of
            # them, so the hull of the candidates not rejected is the interval. Rounding it out
            # to the rejected neighbours would report a mean the test has excluded, and an
            # interval that straddles a threshold the test has settled.
            lower, upper = float(self._grid[lo_i]), float(self._grid[hi_i])
        else:
            # A grid of candidates between which the true mean may lie: report the hull,
            # rounded outward to the neighbouring (rejected) grid points.
            lower = float(self._grid[max(lo_i - 1, 0)])
            upper = float(self._grid[min(hi_i + 1, self._grid.size - 1)])
        self._interval = (max(floor, lower), min(ceiling, upper))

    def side(self, threshold: float) -> Side | None:
        if threshold in self.settled_at:
            j = self.thresholds.index(threshold)
            if self._rej_up[j] and not self._rej_down[j]:
                return "above"
            if self._rej_down[j] and not self._rej_up[j]:
                return "below"
            if self._rej_up[j] and self._rej_down[j]:
                return self.first_side[threshold]
            return None
        lower, upper = self._interval
        return "above" if lower > threshold else ("below" if upper < threshold else None)

    def summary(self) -> dict[str, Any]:
        """JSON-ready state, with what a reviewer needs to replay the run."""
        return {
            **super().summary(),
            "fallback": self.fallback,
            "active_order": not self.uniform,
            "beta": self.beta,
            "estimate": None if self.n == 0 else self.estimate,
        }
