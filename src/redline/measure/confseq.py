"""Anytime-valid confidence sequences for the mean of a finite pool (the mathematics).

A benchmark is a finite pool of ``N`` items. Run in a seeded random order, the first ``n``
scores are a simple random sample *without replacement* from the pool, and the estimand is the
pool mean: the score the full run would report. A *confidence sequence* (CS) is a sequence of
intervals that contains that mean at every ``n`` simultaneously with probability at least
``confidence``; so one may look after every item and stop the moment a threshold lies outside
the interval, without inflating the error rate (a fixed-sample interval checked repeatedly does
inflate it).

Three CSs are implemented:

* ``HypergeometricCS``: binary scores, without replacement. The prior-posterior-ratio CS of
  Waudby-Smith & Ramdas, "Confidence sequences for sampling without replacement" (NeurIPS 2020),
  with a uniform prior on the pool's number of successes. With that prior it has a closed form:
  after ``n`` items with ``s`` successes, a pool count ``K`` stays in the CS while the
  hypergeometric probability of ``s`` given ``K`` exceeds ``alpha / (n + 1)``. It shrinks to the
  exact pool mean after the last item.
* ``BettingCS(pool_size=N)``: scores in ``[0, 1]``, without replacement. The betting CS of the
  same paper: for a candidate pool mean ``m``, a gambler bets that the next item beats its
  conditional mean under ``m`` given the items already drawn,
  ``mu_i(m) = (N m - sum_{j<i} x_j) / (N - i + 1)``; ``m`` is rejected once the wealth reaches
  ``2 / alpha`` on either side. Because ``mu_i(m)`` drifts away from the truth as the pool is
  used up, the CS tightens faster than any with-replacement one and is exact at the end. Bets
  are a uniform mixture over a fixed grid of bet fractions (in the spirit of the "diversified
  Kelly" mixtures of Waudby-Smith & Ramdas, JRSS-B 2024): the mixture's wealth is within a
  factor ``J`` of the best fraction in hindsight.
* ``BettingCS(pool_size=None)``: the with-replacement hedged betting CS with the predictable
  plug-in (PrPl) bets of Waudby-Smith & Ramdas, "Estimating means of bounded random variables by
  betting" (JRSS-B 2024). Kept as the baseline the benchmark compares against.

The threshold monitor and its vectorised simulation are in ``redline.measure.threshold``, the
Inspect integration in ``redline.measure.early_stopping``; ``redline.measure.sequential``
re-exports all three. ``docs/statistics.md`` has the argument in prose.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

__all__ = [
    "DEFAULT_BET_FRACTIONS",
    "DEFAULT_GRID_SIZE",
    "BettingCS",
    "ConfidenceSequence",
    "HypergeometricCS",
    "SequentialMethod",
    "Side",
    "hypergeometric_log_pmf",
    "log_factorials",
    "make_confidence_sequence",
]

SequentialMethod = Literal["hypergeometric", "wor-betting", "wr-betting"]
"""``hypergeometric``: binary scores, finite pool (tightest). ``wor-betting``: scores in [0, 1],
finite pool. ``wr-betting``: scores in [0, 1], with-replacement baseline (no pool)."""

Side = Literal["above", "below"]

DEFAULT_BET_FRACTIONS: tuple[float, ...] = tuple(2.0 ** (-k / 2) for k in range(2, 20))
"""Bet fractions ``c`` mixed by the without-replacement betting CS: 1/2 down to 2^-9.5 in steps
of sqrt(2). The Kelly-optimal fraction against a gap ``d`` is about ``d / (1 - m)``, so the grid
covers gaps from about 0.002 to 0.5; the half-octave spacing keeps every gap within 4% of its
optimal growth rate, at a cost of ``log(18)`` (about 2.9 nats) of wealth for the mixture."""

DEFAULT_GRID_SIZE = 2000
"""Candidate means evaluated by the betting CS (thresholds are added exactly): the reported
interval is rounded outward to this grid (0.0005)."""

_PRPL_TRUNCATION = 0.5  # WSR 2024 recommend c in {1/2, 3/4}; 1/2 is the more cautious
_FEASIBILITY_TOLERANCE = 1e-12


# --------------------------------------------------------------------------------------------
# shared arithmetic (scalar and vectorised callers use the same functions, so the benchmark
# measures exactly what the monitor does)


def log_factorials(n_max: int) -> NDArray[np.float64]:
    """``log(j!)`` for ``j = 0..n_max``: a lookup table for hypergeometric probabilities."""
    return np.asarray(gammaln(np.arange(n_max + 1, dtype=np.float64) + 1.0), dtype=np.float64)


def _log_binomial(
    a: NDArray[np.int64], b: NDArray[np.int64], log_fact: NDArray[np.float64]
) -> NDArray[np.float64]:
    ok = (b >= 0) & (b <= a)
    a_ = np.where(ok, a, 0)
    b_ = np.where(ok, b, 0)
    out = log_fact[a_] - log_fact[b_] - log_fact[a_ - b_]
    return np.where(ok, out, -np.inf)


def hypergeometric_log_pmf(
    successes: NDArray[np.int64] | int,
    draws: NDArray[np.int64] | int,
    pool_successes: NDArray[np.int64] | int,
    pool_size: int,
    log_fact: NDArray[np.float64],
) -> NDArray[np.float64]:
    """``log P(s successes in n draws | K successes in a pool of N)``, broadcasting; -inf if
    impossible. ``log_fact`` must come from ``log_factorials(N)``."""
    s = np.asarray(successes, dtype=np.int64)
    n = np.asarray(draws, dtype=np.int64)
    k = np.asarray(pool_successes, dtype=np.int64)
    return (
        _log_binomial(k, s, log_fact)
        + _log_binomial(pool_size - k, n - s, log_fact)
        - _log_binomial(np.asarray(pool_size, dtype=np.int64), n, log_fact)
    )


def _hypergeometric_log_threshold(alpha: float, n: NDArray[np.int64] | int) -> NDArray[np.float64]:
    # Prior-posterior ratio with a uniform prior on K: pi_0(K) / pi_n(K) = 1 / ((n+1) h(s|K)),
    # so "ratio >= 1/alpha" is "h(s|K) <= alpha / (n+1)".
    return np.asarray(math.log(alpha) - np.log(np.asarray(n, dtype=np.float64) + 1.0))


def _mixture_excess(
    x: NDArray[np.float64] | float, mu: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64], NDArray[np.bool_]]:
    """Per-unit payoffs of the two mixture bets, and where each bet is placed.

    K+ bets ``lambda = c / mu`` that the item beats its conditional mean ``mu``, so its wealth
    is multiplied by ``1 + c (x / mu - 1) >= 1 - c > 0``; K- mirrors it on ``1 - x``. Returns
    ``x / mu - 1`` and ``(1 - x) / (1 - mu) - 1``. Where ``mu`` is (within tolerance) 0 or 1,
    or outside ``[0, 1]`` (a candidate the pool bounds already exclude), the bet on that side is
    skipped: any predictable bet, including none, keeps the wealth a test martingale.
    """
    mu_ = np.asarray(mu, dtype=np.float64)
    up_ok = mu_ > _FEASIBILITY_TOLERANCE
    down_ok = mu_ < 1.0 - _FEASIBILITY_TOLERANCE
    up = np.asarray(x / np.where(up_ok, mu_, 1.0) - 1.0)
    down = np.asarray((1.0 - np.asarray(x)) / np.where(down_ok, 1.0 - mu_, 1.0) - 1.0)
    return up, up_ok, down, down_ok


def _mixture_step(
    wealth: NDArray[np.float64],
    offset: NDArray[np.float64],
    excess: NDArray[np.float64],
    placed: NDArray[np.bool_],
    fractions: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Advance a mixture's wealth one item, in place; return ``log`` of the mixture's wealth.

    ``wealth[..., j]`` is fraction ``j``'s wealth divided by ``exp(offset)``: kept in linear
    space (a product, no logarithms per fraction) and rescaled when the mixture's mean leaves
    ``[1e-100, 1e100]``, so it neither overflows nor loses precision over thousands of items.
    """
    factor = 1.0 + fractions * excess[..., None]
    wealth *= np.where(placed[..., None], factor, 1.0)
    mean = wealth.mean(axis=-1)
    rescale = (mean > 1e100) | ((mean < 1e-100) & (mean > 0.0))
    if np.any(rescale):
        offset[rescale] += np.log(mean[rescale])
        wealth[rescale] /= mean[rescale, None]
        mean[rescale] = 1.0
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(mean) + offset)


def _prpl_lambda(
    sigma2_prev: NDArray[np.float64] | float, t: NDArray[np.int64] | int, alpha: float
) -> NDArray[np.float64]:
    """WSR 2024 predictable plug-in bet before truncation (their eq. for the hedged CS)."""
    t_ = np.asarray(t, dtype=np.float64)
    return np.asarray(
        np.sqrt(2.0 * math.log(2.0 / alpha) / (np.asarray(sigma2_prev) * t_ * np.log1p(t_)))
    )


def _prpl_log_factors(
    x: NDArray[np.float64] | float,
    mu: NDArray[np.float64],
    lam: NDArray[np.float64] | float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Log wealth factors of the hedged PrPl bets, truncated at ``c / mu`` and ``c / (1 - mu)``."""
    mu_ = np.asarray(mu, dtype=np.float64)
    upper_ok = mu_ > _FEASIBILITY_TOLERANCE
    lower_ok = mu_ < 1.0 - _FEASIBILITY_TOLERANCE
    lam_up = np.minimum(lam, _PRPL_TRUNCATION / np.where(upper_ok, mu_, 1.0))
    lam_down = np.minimum(lam, _PRPL_TRUNCATION / np.where(lower_ok, 1.0 - mu_, 1.0))
    up = np.where(upper_ok, np.log1p(lam_up * (x - mu_)), 0.0)
    down = np.where(lower_ok, np.log1p(-lam_down * (x - mu_)), 0.0)
    return up, down


def _conditional_mean(
    m: NDArray[np.float64] | float,
    pool_size: int | None,
    total_before: NDArray[np.float64] | float,
    n_before: NDArray[np.int64] | int,
) -> NDArray[np.float64]:
    """Mean of the items not yet drawn if the pool mean were ``m`` (with replacement: ``m``)."""
    if pool_size is None:
        return np.asarray(m, dtype=np.float64)
    return np.asarray(
        (pool_size * np.asarray(m, dtype=np.float64) - total_before)
        / (pool_size - np.asarray(n_before, dtype=np.float64))
    )


def _largest_k_at_or_below(threshold: float, pool_size: int) -> int:
    """Largest ``k`` in ``-1..N`` with ``k / N <= threshold`` (as the monitors compare floats)."""
    k = min(max(math.floor(threshold * pool_size), -1), pool_size)
    while k + 1 <= pool_size and (k + 1) / pool_size <= threshold:
        k += 1
    while k >= 0 and k / pool_size > threshold:
        k -= 1
    return k


def _smallest_k_at_or_above(threshold: float, pool_size: int) -> int:
    """Smallest ``k`` in ``0..N+1`` with ``k / N >= threshold``."""
    k = min(max(math.ceil(threshold * pool_size), 0), pool_size + 1)
    while k - 1 >= 0 and (k - 1) / pool_size >= threshold:
        k -= 1
    while k <= pool_size and k / pool_size < threshold:
        k += 1
    return k


def _check_confidence(confidence: float) -> float:
    if not (0.0 < confidence < 1.0):
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return float(confidence)


def _check_unit(x: float) -> float:
    value = float(x)
    if not (0.0 <= value <= 1.0):  # also rejects NaN
        raise ValueError(f"scores fed to a confidence sequence must lie in [0, 1], got {x!r}")
    return value


# --------------------------------------------------------------------------------------------
# confidence sequences


class ConfidenceSequence(ABC):
    """A running two-sided confidence sequence for a mean in ``[0, 1]``.

    ``interval`` is the running intersection of the per-step intervals (itself a CS, and
    never wider than any of them). ``side(t)`` is authoritative for a threshold: an endpoint
    may be *open* (the betting CS excludes the endpoint itself), so ``side`` can settle a
    threshold equal to an endpoint.
    """

    def __init__(self, confidence: float, pool_size: int | None) -> None:
        self.confidence = _check_confidence(confidence)
        self.alpha = 1.0 - self.confidence
        if pool_size is not None and pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, got {pool_size}")
        self.pool_size = pool_size
        self.n = 0
        self.total = 0.0
        self.conflicts = 0
        """Times the running intersection would have become empty (only possible when the CS
        has already missed the truth, probability <= alpha); the interval then restarts from
        that step's own CS."""
        self._lower = 0.0
        self._upper = 1.0
        self._lower_open = False
        self._upper_open = False

    @property
    def mean(self) -> float:
        """Running mean of the observed scores (NaN before the first)."""
        return self.total / self.n if self.n else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        return (self._lower, self._upper)

    @property
    def exhausted(self) -> bool:
        return self.pool_size is not None and self.n >= self.pool_size

    def side(self, threshold: float) -> Side | None:
        """``"above"`` when the CS lies entirely above ``threshold``, ``"below"`` when entirely
        below, else None."""
        if self._lower > threshold or (self._lower == threshold and self._lower_open):
            return "above"
        if self._upper < threshold or (self._upper == threshold and self._upper_open):
            return "below"
        return None

    def update(self, x: float) -> None:
        """Feed the next score, in the (random) sampling order."""
        value = _check_unit(x)
        if self.exhausted:
            raise ValueError(f"the pool of {self.pool_size} has already been fully observed")
        self._step(value)
        self.n += 1
        self.total += value
        lower, lower_open, upper, upper_open = self._current()
        if self.exhausted:
            # Every score is known: the mean is exact, whatever happened before.
            exact = self.total / self.n
            if self.side(exact) is not None:
                self.conflicts += 1  # the running CS had excluded the truth, now known
            self._set(exact, False, exact, False)
            return
        new_lower, new_lower_open = _tighter_lower(
            (self._lower, self._lower_open), (lower, lower_open)
        )
        new_upper, new_upper_open = _tighter_upper(
            (self._upper, self._upper_open), (upper, upper_open)
        )
        empty = new_lower > new_upper or (
            new_lower == new_upper and (new_lower_open or new_upper_open)
        )
        if empty:
            self.conflicts += 1
            self._set(lower, lower_open, upper, upper_open)
        else:
            self._set(new_lower, new_lower_open, new_upper, new_upper_open)

    def _set(self, lower: float, lower_open: bool, upper: float, upper_open: bool) -> None:
        self._lower, self._lower_open = lower, lower_open
        self._upper, self._upper_open = upper, upper_open

    @abstractmethod
    def _step(self, x: float) -> None:
        """Update internal state with ``x`` (``self.n`` / ``self.total`` still exclude it)."""

    @abstractmethod
    def _current(self) -> tuple[float, bool, float, bool]:
        """This step's own interval: (lower, lower_open, upper, upper_open)."""


def _tighter_lower(a: tuple[float, bool], b: tuple[float, bool]) -> tuple[float, bool]:
    """The larger of two (value, open) lower bounds; at equal values an open one is tighter."""
    return max(a, b)  # tuples order by value, then False < True


def _tighter_upper(a: tuple[float, bool], b: tuple[float, bool]) -> tuple[float, bool]:
    """The smaller of two (value, open) upper bounds; at equal values an open one is tighter."""
    return min(a, b, key=lambda bound: (bound[0], not bound[1]))


class HypergeometricCS(ConfidenceSequence):
    """Exact CS for the success rate of a finite pool of binary scores sampled without replacement.

    At step ``n`` with ``s`` successes the CS is ``{K / N : h(s; N, K, n) > alpha / (n + 1)}``,
    where ``h`` is the hypergeometric pmf. This is Waudby-Smith & Ramdas' (2020) prior-posterior
    ratio CS with a uniform prior on ``K``; the ratio ``pi_0(K) / pi_n(K)`` is a nonnegative
    martingale with initial value 1 at the true ``K``, so by Ville's inequality it ever reaches
    ``1 / alpha`` with probability at most ``alpha``. ``h`` is log-concave in ``K``, so each step's
    CS is an interval. After the last item only ``K = s`` is possible: the CS is the exact mean.
    """

    def __init__(self, pool_size: int, confidence: float = 0.95) -> None:
        super().__init__(confidence, pool_size)
        self._k = np.arange(pool_size + 1, dtype=np.int64)
        self._log_fact = log_factorials(pool_size)

    def update(self, x: float) -> None:
        if x not in (0, 1):  # bool, int and float 0/1 all compare equal
            raise ValueError(
                f"the hypergeometric CS needs binary scores (0 or 1), got {x!r}; "
                "use method='wor-betting' for partial credit or cluster means"
            )
        super().update(x)

    def _step(self, x: float) -> None:
        return None

    def _current(self) -> tuple[float, bool, float, bool]:
        assert self.pool_size is not None
        successes = round(self.total)
        log_h = hypergeometric_log_pmf(successes, self.n, self._k, self.pool_size, self._log_fact)
        alive = np.flatnonzero(log_h > _hypergeometric_log_threshold(self.alpha, self.n))
        # Never empty: the average of h over K is 1 / (n + 1) > alpha / (n + 1).
        return (
            float(alive[0]) / self.pool_size,
            False,
            float(alive[-1]) / self.pool_size,
            False,
        )


class BettingCS(ConfidenceSequence):
    """Betting CS for a mean of scores in ``[0, 1]``; without replacement when ``pool_size`` is set.

    Each candidate mean ``m`` on a grid (plus ``exact_points``, e.g. the thresholds, so they are
    tested exactly) carries two wealth processes, K+ betting that items beat their conditional
    mean under ``m`` and K- that they fall short. Each is a nonnegative martingale at the true
    mean, so by Ville's inequality and a union bound over the two sides the truth is rejected
    (either wealth reaching ``2 / alpha``) with probability at most ``alpha`` at any time. K+ is
    decreasing in ``m`` and K- increasing, so the rejected set is two tails and the CS is an
    interval; its endpoints are reported rounded outward to the grid.

    ``bet="mixture"`` (default) averages the wealth of fixed bet fractions
    ``DEFAULT_BET_FRACTIONS``; ``bet="prpl"`` uses WSR 2024's predictable plug-in bets.
    Without replacement, the pool bounds ``[sum/N, (sum + N - n)/N]`` are applied too, so the
    CS reaches the exact mean at ``n = N``.
    """

    def __init__(
        self,
        confidence: float = 0.95,
        pool_size: int | None = None,
        *,
        bet: Literal["mixture", "prpl"] = "mixture",
        grid_size: int = DEFAULT_GRID_SIZE,
        exact_points: Iterable[float] = (),
        fractions: Sequence[float] = DEFAULT_BET_FRACTIONS,
    ) -> None:
        super().__init__(confidence, pool_size)
        if grid_size < 2:
            raise ValueError(f"grid_size must be at least 2, got {grid_size}")
        points = [p for p in exact_points if 0.0 <= p <= 1.0]
        self._grid = np.unique(np.concatenate([np.linspace(0.0, 1.0, grid_size + 1), points]))
        self._bet = bet
        self._log_target = math.log(2.0 / self.alpha)
        if bet == "mixture":
            self._fractions = np.asarray(fractions, dtype=np.float64)
            if self._fractions.size == 0 or np.any((self._fractions <= 0) | (self._fractions >= 1)):
                raise ValueError("bet fractions must lie strictly between 0 and 1")
            shape: tuple[int, ...] = (self._grid.size, self._fractions.size)
        elif bet == "prpl":
            self._fractions = np.empty(0)
            shape = (self._grid.size,)
            self._dev_sum = 0.0  # sum of (x_i - muhat_i)^2 for the PrPl variance estimate
        else:
            raise ValueError(f"unknown bet {bet!r}; expected 'mixture' or 'prpl'")
        # mixture: linear wealth per fraction and a log offset per candidate; prpl: log wealth
        self._wealth_up = np.ones(shape) if bet == "mixture" else np.zeros(shape)
        self._wealth_down = np.ones(shape) if bet == "mixture" else np.zeros(shape)
        self._offset_up = np.zeros(self._grid.size)
        self._offset_down = np.zeros(self._grid.size)
        self._log_up: NDArray[np.float64] = np.zeros(self._grid.size)
        self._log_down: NDArray[np.float64] = np.zeros(self._grid.size)

    def _step(self, x: float) -> None:
        mu = _conditional_mean(self._grid, self.pool_size, self.total, self.n)
        if self._bet == "mixture":
            up, up_ok, down, down_ok = _mixture_excess(x, mu)
            self._log_up = _mixture_step(
                self._wealth_up, self._offset_up, up, up_ok, self._fractions
            )
            self._log_down = _mixture_step(
                self._wealth_down, self._offset_down, down, down_ok, self._fractions
            )
        else:
            t = self.n + 1
            sigma2_prev = (0.25 + self._dev_sum) / t
            lam = _prpl_lambda(sigma2_prev, t, self.alpha)
            log_up, log_down = _prpl_log_factors(x, mu, lam)
            muhat = (0.5 + self.total + x) / (t + 1)
            self._dev_sum += (x - muhat) ** 2
            self._wealth_up += log_up
            self._wealth_down += log_down
            self._log_up, self._log_down = self._wealth_up, self._wealth_down

    def _current(self) -> tuple[float, bool, float, bool]:
        log_up, log_down = self._log_up, self._log_down
        rejected_low = np.flatnonzero(log_up >= self._log_target)
        rejected_high = np.flatnonzero(log_down >= self._log_target)
        lower, lower_open = (
            (float(self._grid[rejected_low[-1]]), True) if rejected_low.size else (0.0, False)
        )
        upper, upper_open = (
            (float(self._grid[rejected_high[0]]), True) if rejected_high.size else (1.0, False)
        )
        if self.pool_size is not None:
            floor = self.total / self.pool_size
            ceiling = (self.total + self.pool_size - self.n) / self.pool_size
            if floor > lower:
                lower, lower_open = floor, False
            if ceiling < upper:
                upper, upper_open = ceiling, False
        return (lower, lower_open, upper, upper_open)


def make_confidence_sequence(
    method: SequentialMethod,
    pool_size: int | None,
    confidence: float = 0.95,
    *,
    exact_points: Iterable[float] = (),
) -> ConfidenceSequence:
    """Build the CS a method name stands for (see ``SequentialMethod``)."""
    if method == "hypergeometric":
        if pool_size is None:
            raise ValueError("method 'hypergeometric' needs a pool_size")
        return HypergeometricCS(pool_size, confidence)
    if method == "wor-betting":
        if pool_size is None:
            raise ValueError("method 'wor-betting' needs a pool_size")
        return BettingCS(confidence, pool_size, bet="mixture", exact_points=exact_points)
    if method == "wr-betting":
        return BettingCS(confidence, None, bet="prpl", exact_points=exact_points)
    raise ValueError(
        f"unknown method {method!r}; expected 'hypergeometric', 'wor-betting' or 'wr-betting'"
    )
