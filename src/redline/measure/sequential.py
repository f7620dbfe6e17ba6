"""Anytime-valid confidence sequences, threshold monitors and Inspect early stopping.

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

``SequentialThresholdTest`` runs one of them against a list of thresholds;
``ThresholdEarlyStopping`` plugs that into Inspect's ``EarlyStopping`` protocol.
``simulate_settlement`` is the same arithmetic vectorised over many simulated orders, used by
``benchmarks/sequential.py`` and the tests. ``docs/statistics.md`` has the argument in prose.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

if TYPE_CHECKING:
    from inspect_ai.dataset import Sample
    from inspect_ai.log import EvalSpec
    from inspect_ai.scorer import SampleScore, Value
    from inspect_ai.util import EarlyStop

__all__ = [
    "DEFAULT_BET_FRACTIONS",
    "BettingCS",
    "ConfidenceSequence",
    "HypergeometricCS",
    "SequentialMethod",
    "SequentialThresholdTest",
    "Side",
    "ThresholdEarlyStopping",
    "cluster_schedule",
    "hypergeometric_log_pmf",
    "log_factorials",
    "make_confidence_sequence",
    "score_to_unit",
    "simulate_settlement",
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


# --------------------------------------------------------------------------------------------
# threshold monitor


class SequentialThresholdTest:
    """Watch a confidence sequence until it settles which side of each threshold the mean is on.

    ``thresholds`` and the reported ``interval`` / ``mean`` are on the estimand's scale, which is
    ``scale`` times the mean of the fed units (``scale`` != 1 is how a clustered suite tests the
    item mean through cluster totals, see ``ThresholdEarlyStopping``). A threshold is *settled*
    when the CS excludes it; since the CS covers the truth at all times with probability
    ``confidence``, the probability that any settled side is wrong is at most ``1 - confidence``,
    however many times one looks and whenever one stops.
    """

    def __init__(
        self,
        pool_size: int | None,
        thresholds: Sequence[float],
        confidence: float = 0.95,
        method: SequentialMethod = "hypergeometric",
        *,
        scale: float = 1.0,
    ) -> None:
        if len(thresholds) == 0:
            raise ValueError("at least one threshold is needed")
        if not all(math.isfinite(t) for t in thresholds):
            raise ValueError(f"thresholds must be finite numbers, got {list(thresholds)}")
        if not (scale >= 1.0 and math.isfinite(scale)):
            raise ValueError(f"scale must be a finite number >= 1, got {scale}")
        if method == "hypergeometric" and scale != 1.0:
            raise ValueError("the hypergeometric CS tests binary units; scale must be 1")
        self.thresholds = [float(t) for t in thresholds]
        self.method: SequentialMethod = method
        self.scale = float(scale)
        self.cs = make_confidence_sequence(
            method,
            pool_size,
            confidence,
            exact_points=[t / self.scale for t in self.thresholds],
        )
        self.settled_at: dict[float, int | None] = dict.fromkeys(self.thresholds)
        """Units observed when each threshold was first settled (None while unsettled)."""
        self.first_side: dict[float, Side | None] = dict.fromkeys(self.thresholds)
        """The side on which each threshold was first settled (the decision an early stop acted
        on); ``side()`` can only differ from it after a CS conflict (see ``conflicts``)."""

    @property
    def pool_size(self) -> int | None:
        return self.cs.pool_size

    @property
    def confidence(self) -> float:
        return self.cs.confidence

    @property
    def n(self) -> int:
        return self.cs.n

    @property
    def mean(self) -> float:
        return self.scale * self.cs.mean

    @property
    def interval(self) -> tuple[float, float]:
        lower, upper = self.cs.interval
        return (min(1.0, self.scale * lower), min(1.0, self.scale * upper))

    @property
    def exhausted(self) -> bool:
        return self.cs.exhausted

    @property
    def conflicts(self) -> int:
        return self.cs.conflicts

    def update(self, x: float) -> None:
        self.cs.update(x)
        for t in self.thresholds:
            if self.settled_at[t] is None:
                found = self.side(t)
                if found is not None:
                    self.settled_at[t] = self.n
                    self.first_side[t] = found

    def side(self, threshold: float) -> Side | None:
        return self.cs.side(threshold / self.scale)

    def settled(self, threshold: float) -> bool:
        return self.side(threshold) is not None

    @property
    def all_settled(self) -> bool:
        return all(self.settled(t) for t in self.thresholds)

    def summary(self) -> dict[str, Any]:
        """JSON-ready state: what a log or a reviewer needs to check the decision."""
        lower, upper = self.interval
        return {
            "method": self.method,
            "confidence": self.confidence,
            "n": self.n,
            "pool_size": self.pool_size,
            "mean": None if self.n == 0 else self.mean,
            "interval": [lower, upper],
            "exact": self.exhausted,
            "thresholds": [
                {
                    "threshold": t,
                    "side": self.side(t),
                    "settled_at": self.settled_at[t],
                    "first_side": self.first_side[t],
                }
                for t in self.thresholds
            ],
            "conflicts": self.conflicts,
        }


# --------------------------------------------------------------------------------------------
# vectorised simulation (benchmark, tests, power analysis)


def simulate_settlement(
    streams: NDArray[np.floating[Any]] | NDArray[np.integer[Any]],
    threshold: float,
    confidence: float = 0.95,
    method: SequentialMethod = "hypergeometric",
    *,
    block: int = 256,
) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """When does each simulated run first settle ``threshold``, and on which side?

    ``streams`` has one row per simulated run: the scores of a pool of ``N`` items in the order
    the run draws them (a random permutation, for the without-replacement methods). Returns the
    number of items after which ``SequentialThresholdTest(N, [threshold], confidence, method)``
    would first report the threshold settled (0 if never) and the side (+1 above, -1 below,
    0 never). The arithmetic is the monitor's, step for step, evaluated only at the threshold,
    which is all a decision needs (the CS is an interval); rows stop being processed once
    settled, which is what makes 10,000 runs of a 3,668-item pool take seconds.
    """
    x_all = np.asarray(streams)  # converted block by block: int8 streams stay small in memory
    if x_all.ndim != 2 or x_all.shape[1] == 0:
        raise ValueError("streams must be a 2-D array with one non-empty row per run")
    if np.any((x_all < 0) | (x_all > 1)):
        raise ValueError("scores must lie in [0, 1]")
    alpha = 1.0 - _check_confidence(confidence)
    trials, pool = x_all.shape
    stop = np.zeros(trials, dtype=np.int64)
    side = np.zeros(trials, dtype=np.int8)
    active = np.arange(trials)

    if method == "hypergeometric":
        if np.any((x_all != 0) & (x_all != 1)):
            raise ValueError("the hypergeometric CS needs binary scores")
        log_fact = log_factorials(pool)
        k_lo = _largest_k_at_or_below(threshold, pool)
        k_hi = _smallest_k_at_or_above(threshold, pool)
        successes = np.zeros(trials, dtype=np.int64)
    elif method in ("wor-betting", "wr-betting"):
        mixture = method == "wor-betting"
        pool_size = pool if mixture else None
        fractions = np.asarray(DEFAULT_BET_FRACTIONS)
        width = fractions.size if mixture else 1
        wealth_up = np.ones((trials, width)) if mixture else np.zeros((trials, width))
        wealth_down = np.ones((trials, width)) if mixture else np.zeros((trials, width))
        offset_up = np.zeros(trials)
        offset_down = np.zeros(trials)
        rejected_up = np.zeros(trials, dtype=bool)
        rejected_down = np.zeros(trials, dtype=bool)
        total = np.zeros(trials)
        dev_sum = np.zeros(trials)
        log_target = math.log(2.0 / alpha)
    else:
        raise ValueError(f"unknown method {method!r}")

    for start in range(0, pool, block):
        if active.size == 0:
            break
        x = x_all[active, start : start + block].astype(np.float64)
        width_b = x.shape[1]
        n = np.arange(start + 1, start + width_b + 1, dtype=np.int64)  # items seen after step
        if method == "hypergeometric":
            s = np.cumsum(
                np.concatenate([successes[active, None], x.astype(np.int64)], axis=1), axis=1
            )[:, 1:]
            above = np.zeros(s.shape, dtype=bool)
            below = np.zeros(s.shape, dtype=bool)
            log_thr = _hypergeometric_log_threshold(alpha, n)
            if k_lo < 0:
                above[:] = True
            else:
                rejected = hypergeometric_log_pmf(s, n, k_lo, pool, log_fact) <= log_thr
                # h increases at k_lo (mode above) iff h(k_lo + 1) > h(k_lo), in integers:
                increasing = (k_lo + 1) * (pool - k_lo - n + s) > (k_lo + 1 - s) * (pool - k_lo)
                above = rejected & increasing & (k_lo < pool)
            if k_hi > pool:
                below[:] = True
            else:
                rejected = hypergeometric_log_pmf(s, n, k_hi, pool, log_fact) <= log_thr
                # h decreases at k_hi (mode below) iff h(k_hi - 1) > h(k_hi):
                decreasing = k_hi * (pool - k_hi + 1 - n + s) < (k_hi - s) * (pool - k_hi + 1)
                below = rejected & decreasing & (k_hi > 0)
            successes[active] = s[:, -1]
        else:
            above = np.zeros(x.shape, dtype=bool)
            below = np.zeros(x.shape, dtype=bool)
            up_a, down_a = wealth_up[active], wealth_down[active]
            off_up_a, off_down_a = offset_up[active], offset_down[active]
            tot_a, dev_a = total[active], dev_sum[active]
            rej_up_a, rej_down_a = rejected_up[active], rejected_down[active]
            for j in range(width_b):
                xj = x[:, j]
                n_before = start + j
                mu = _conditional_mean(threshold, pool_size, tot_a, n_before)
                if mixture:
                    up, up_ok, down, down_ok = _mixture_excess(xj, mu)
                    lu = _mixture_step(up_a, off_up_a, up, up_ok, fractions)
                    ld = _mixture_step(down_a, off_down_a, down, down_ok, fractions)
                else:
                    t = n_before + 1
                    lam = _prpl_lambda((0.25 + dev_a) / t, t, alpha)
                    up, down = _prpl_log_factors(xj, mu, lam)
                    up_a += up[:, None]
                    down_a += down[:, None]
                    dev_a = dev_a + (xj - (0.5 + tot_a + xj) / (t + 1)) ** 2
                    lu, ld = up_a[:, 0], down_a[:, 0]
                tot_a = tot_a + xj
                rej_up_a |= lu >= log_target
                rej_down_a |= ld >= log_target
                above[:, j] = rej_up_a
                below[:, j] = rej_down_a
                if pool_size is not None:
                    above[:, j] |= tot_a / pool_size > threshold
                    below[:, j] |= (tot_a + pool_size - (n_before + 1)) / pool_size < threshold
            wealth_up[active], wealth_down[active] = up_a, down_a
            offset_up[active], offset_down[active] = off_up_a, off_down_a
            total[active], dev_sum[active] = tot_a, dev_a
            rejected_up[active], rejected_down[active] = rej_up_a, rej_down_a

        hit = above | below
        settled = hit.any(axis=1)
        first = hit.argmax(axis=1)
        rows = active[settled]
        stop[rows] = start + first[settled] + 1
        side[rows] = np.where(above[settled, first[settled]], 1, -1)
        active = active[~settled]
    return stop, side


# --------------------------------------------------------------------------------------------
# Inspect integration


def score_to_unit(value: Value) -> float:
    """Map an Inspect ``Score.value`` to ``[0, 1]``, refusing anything ambiguous.

    ``True``/``False`` -> 1/0; numbers in ``[0, 1]`` as they are; Inspect's letter constants
    ``"C"`` (CORRECT) -> 1, ``"I"`` (INCORRECT) -> 0, ``"P"`` (PARTIAL) -> 0.5 and ``"N"``
    (NOANSWER) -> 0, as Inspect's own ``accuracy()`` counts them. Anything else (other strings,
    lists, dicts, numbers outside ``[0, 1]``, NaN) raises: Inspect's ``value_to_float`` would
    warn and count it as 0, which for a threshold decision is a silent bias.
    """
    if isinstance(value, bool | np.bool_):
        return 1.0 if value else 0.0
    if isinstance(value, numbers.Real):  # int, float and their numpy cousins
        if not (0.0 <= float(value) <= 1.0):
            raise ValueError(
                f"score value {value!r} is outside [0, 1]; pass value_to_float= to rescale it"
            )
        return float(value)
    if isinstance(value, str):
        letters = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
        if value in letters:
            return letters[value]
    raise ValueError(
        f"cannot read score value {value!r} as a number in [0, 1]: expected a bool, a number "
        "in [0, 1] or one of 'C', 'I', 'P', 'N'; pass value_to_float= for other scorers"
    )


def cluster_schedule(clusters: Sequence[Hashable], seed: int) -> list[int]:
    """Item indices in a seeded random order of *whole clusters*, each cluster's items together.

    Use this to order a clustered dataset before an early-stopped run: the clustered CS needs the
    clusters in uniformly random order. Shuffling items and taking clusters in order of first
    appearance would not do: large clusters would tend to come first.
    """
    order: dict[Hashable, list[int]] = {}
    for index, label in enumerate(clusters):
        order.setdefault(label, []).append(index)
    groups = list(order.values())
    permutation = np.random.default_rng(seed).permutation(len(groups))
    return [index for g in permutation for index in groups[int(g)]]


class ThresholdEarlyStopping:
    """Inspect ``EarlyStopping`` manager: skip the rest of the pool once every threshold is settled.

    Pass it as ``Task(early_stopping=ThresholdEarlyStopping([0.5, 0.65]))`` on a dataset shuffled
    with a recorded seed. The pool is the task's samples (after ``--limit``); the CS is fed
    scores in **scheduling order**: the order Inspect calls ``schedule_sample``, which is the
    dataset order. Samples run concurrently and finish out of order, and how long a sample takes
    can depend on its answer (a refusal is short): feeding scores as they complete would
    over-represent quick answers early on and silently break the CS's guarantee. Early finishers
    are therefore buffered until every sample scheduled before them has completed.

    Once every threshold is settled, later ``schedule_sample`` calls return ``EarlyStop``; samples
    already running finish and are still fed (in order), which can only tighten the interval.
    ``complete_task`` returns the interval, the side of each threshold and the reason for
    stopping; Inspect records it as ``results.early_stopping`` in the log.

    Clusters (``cluster_key``: a sample-metadata field): the unit becomes the cluster, fed once all
    its items are complete, and the pool is the set of clusters, which must be scheduled in a
    random order of whole clusters (see ``cluster_schedule``). ``cluster_estimand="item_mean"``
    (default) tests the item mean, the usual benchmark score, by feeding each cluster's total
    divided by the largest cluster size and rescaling (exact; the interval widens by
    ``largest / average`` cluster size, not at all for equal sizes).
    ``"cluster_mean"`` tests the mean of cluster means instead.

    A scheduled sample that never completes (an error without retry) halts the sequence at that
    point: skipping it would let failures that correlate with the answer bias the order, so no
    later score is used and nothing further is stopped. Only ``epochs=1`` is supported: Inspect
    schedules epoch by epoch, so no item's epoch mean is known before the last pass.
    """

    def __init__(
        self,
        thresholds: Sequence[float],
        confidence: float = 0.95,
        score_name: str | None = None,
        value_to_float: Callable[[Value], float] = score_to_unit,
        *,
        method: SequentialMethod | None = None,
        cluster_key: str | None = None,
        cluster_estimand: Literal["item_mean", "cluster_mean"] = "item_mean",
        pool_size: int | None = None,
    ) -> None:
        if method is None:
            method = "hypergeometric" if cluster_key is None else "wor-betting"
        if cluster_key is not None and method == "hypergeometric":
            raise ValueError(
                "cluster units are cluster means, not binary scores: "
                "use method='wor-betting' with cluster_key"
            )
        if cluster_estimand not in ("item_mean", "cluster_mean"):
            raise ValueError(f"unknown cluster_estimand {cluster_estimand!r}")
        # Fail at construction, not in the middle of an eval.
        SequentialThresholdTest(
            1 if method != "wr-betting" else None, thresholds, confidence, method
        )
        self.thresholds = [float(t) for t in thresholds]
        self.confidence = _check_confidence(confidence)
        self.score_name = score_name
        self.value_to_float = value_to_float
        self.method: SequentialMethod = method
        self.cluster_key = cluster_key
        self.cluster_estimand = cluster_estimand
        # The pool the samples were drawn from, when the task runs only a prefix of it (a
        # budget or --limit): the CS is then about the whole pool, not the prefix.
        if pool_size is not None and cluster_key is not None:
            raise ValueError("pool_size applies to item-level monitoring only")
        self.pool_size = pool_size
        self._running = False
        self._reset()

    # ---- state

    def _reset(self) -> None:
        self.monitor: SequentialThresholdTest | None = None
        self._unit_of: dict[str | int, Hashable] = {}  # sample id -> unit (itself or cluster)
        self._members: dict[Hashable, list[str | int]] = {}
        self._unit_order: list[Hashable] = []  # units in order of first scheduling
        self._unit_seen: set[Hashable] = set()
        self._scheduled: set[str | int] = set()
        self._values: dict[str | int, float] = {}
        self._fed_units = 0
        self._stopped = 0
        self._duplicates = 0
        self._unknown = 0
        self._interleaved = False
        self._last_unit: Hashable | None = None
        self._largest = 1
        self._hash = hashlib.sha256()

    # ---- protocol

    async def start_task(self, task: EvalSpec, samples: list[Sample], epochs: int) -> str:
        if self._running:
            raise RuntimeError(
                "this ThresholdEarlyStopping is already monitoring a task run; create one "
                "instance per run (per model, and anew after a run that crashed)"
            )
        if epochs != 1:
            raise ValueError(
                f"ThresholdEarlyStopping supports epochs=1, got {epochs}: Inspect schedules "
                "epoch by epoch, so repeated answers should be averaged inside the solver/scorer"
            )
        self._reset()
        self._running = True
        previous: Hashable | None = None
        for index, sample in enumerate(samples):
            sample_id = sample.id if sample.id is not None else index + 1
            if sample_id in self._unit_of:
                raise ValueError(f"sample id {sample_id!r} appears twice in the dataset")
            if self.cluster_key is None:
                unit: Hashable = ("item", sample_id)
            else:
                metadata = sample.metadata or {}
                label = metadata.get(self.cluster_key)
                if label is None:
                    raise ValueError(
                        f"sample {sample_id!r} has no metadata field {self.cluster_key!r} "
                        "(the cluster_key given to ThresholdEarlyStopping)"
                    )
                unit = ("cluster", label)
            if unit in self._members and previous != unit:
                raise ValueError(
                    f"cluster {unit!r} is not contiguous in the dataset order: a clustered "
                    "early stop needs whole clusters in random order (see cluster_schedule)"
                )
            self._unit_of[sample_id] = unit
            self._members.setdefault(unit, []).append(sample_id)
            previous = unit
        pool_units = len(self._members)
        if pool_units == 0:
            raise ValueError("the task has no samples to monitor")
        scale = 1.0
        if self.cluster_key is not None and self.cluster_estimand == "item_mean":
            self._largest = max(len(m) for m in self._members.values())
            scale = pool_units * self._largest / len(self._unit_of)
        pool = None if self.method == "wr-betting" else pool_units
        if pool is not None and self.pool_size is not None:
            if self.pool_size < pool_units:
                raise ValueError(
                    f"pool_size {self.pool_size} is smaller than the {pool_units} samples run"
                )
            pool = self.pool_size
        self.monitor = SequentialThresholdTest(
            pool, self.thresholds, self.confidence, self.method, scale=scale
        )
        return "redline.ThresholdEarlyStopping"

    async def schedule_sample(self, id: str | int, epoch: int) -> EarlyStop | None:
        monitor = self._require_monitor()
        if id in self._scheduled:
            return None  # a retry of an admitted sample: never cut one off halfway
        unit = self._unit_of.get(id)
        if unit is None:
            self._unknown += 1
            return None  # not in the pool Inspect announced (added dynamically): not counted
        if self._halted() is None and monitor.all_settled:
            self._stopped += 1
            from inspect_ai.util import EarlyStop

            return EarlyStop(
                id=id,
                epoch=epoch,
                reason=(
                    f"all thresholds settled after {monitor.n} of {monitor.pool_size} "
                    f"{self._unit_word()}s at {self.confidence:g} confidence"
                ),
            )
        self._admit(id, unit)
        return None

    async def complete_sample(
        self, id: str | int, epoch: int, scores: dict[str, SampleScore]
    ) -> None:
        self._require_monitor()
        unit = self._unit_of.get(id)
        if unit is None:
            self._unknown += 1
            return
        if id not in self._scheduled:
            # Inspect reports samples reused from a previous attempt (eval-retry) without
            # scheduling them; their position is taken at completion, which is fixed by the
            # prior log, not by the answer.
            self._admit(id, unit)
        if id in self._values:
            self._duplicates += 1  # a requeued sample: the first score was already counted
            return
        self._values[id] = self._read_score(id, scores)
        self._drain()

    async def complete_task(self) -> dict[str, Any]:
        monitor = self._require_monitor()
        self._running = False
        summary = monitor.summary()
        halted = self._halted()
        waiting: list[str | int] = []
        if self._fed_units < len(self._unit_order):
            unit = self._unit_order[self._fed_units]
            waiting = [i for i in self._members[unit] if i not in self._values][:10]
        if self._stopped > 0:
            reason = "settled"
        elif monitor.exhausted:
            reason = "pool exhausted"
        else:
            reason = "incomplete"
        summary.update(
            {
                "reason": reason,
                "unit": self._unit_word(),
                "estimand": self._estimand(),
                "score_name": self.score_name,
                "stopped_samples": self._stopped,
                "scheduled_samples": len(self._scheduled),
                "completed_samples": len(self._values),
                "pool_samples": len(self._unit_of),
                "halted": halted,
                "waiting_on_samples": waiting,
                "duplicate_completions": self._duplicates,
                "unknown_samples": self._unknown,
                "clusters_interleaved": self._interleaved,
                "schedule_order_sha256": self._hash.hexdigest(),
            }
        )
        return summary

    # ---- internals

    def _require_monitor(self) -> SequentialThresholdTest:
        if self.monitor is None:
            raise RuntimeError("start_task was not called")
        return self.monitor

    def _unit_word(self) -> str:
        return "sample" if self.cluster_key is None else "cluster"

    def _estimand(self) -> str:
        if self.cluster_key is None:
            return "mean score over the pool's samples"
        if self.cluster_estimand == "item_mean":
            return "mean score over the pool's samples (clusters as sampling units)"
        return "mean over the pool's clusters of each cluster's mean score"

    def _admit(self, id: str | int, unit: Hashable) -> None:
        self._scheduled.add(id)
        self._hash.update(repr(id).encode() + b"\n")
        if unit not in self._unit_seen:
            self._unit_seen.add(unit)
            self._unit_order.append(unit)
        elif unit != self._last_unit:
            # An item of an earlier cluster after a later cluster started: the clusters were
            # not scheduled as whole blocks, so their order of first appearance is size-biased.
            self._interleaved = True
        self._last_unit = unit

    def _halted(self) -> str | None:
        """Why the sequence can no longer be trusted to stop early (None when it can)."""
        if self._interleaved:
            return "clusters interleaved in the schedule"
        return None

    def _read_score(self, id: str | int, scores: dict[str, SampleScore]) -> float:
        if self.score_name is not None:
            if self.score_name not in scores:
                raise ValueError(
                    f"sample {id!r} has no score named {self.score_name!r}; "
                    f"scores present: {sorted(scores)}"
                )
            chosen = scores[self.score_name]
        elif len(scores) == 1:
            chosen = next(iter(scores.values()))
        else:
            raise ValueError(
                f"sample {id!r} has {len(scores)} scores {sorted(scores)}; "
                "pass score_name= to ThresholdEarlyStopping to say which one decides"
            )
        value = float(self.value_to_float(chosen.score.value))
        if not (0.0 <= value <= 1.0):
            raise ValueError(f"value_to_float mapped sample {id!r}'s score to {value}, not [0, 1]")
        return value

    def _drain(self) -> None:
        """Feed every unit whose items have all completed, in order, stopping at the first gap."""
        monitor = self._require_monitor()
        if self._halted() is not None:
            return
        while self._fed_units < len(self._unit_order):
            unit = self._unit_order[self._fed_units]
            members = self._members[unit]
            if not all(i in self._values for i in members):
                return
            values = [self._values[i] for i in members]
            if self.cluster_key is None:
                x = values[0]
            elif self.cluster_estimand == "item_mean":
                x = sum(values) / self._largest
            else:
                x = sum(values) / len(values)
            monitor.update(min(1.0, max(0.0, x)))
            self._fed_units += 1


if TYPE_CHECKING:
    from inspect_ai.util import EarlyStopping

    def _implements_protocol(manager: ThresholdEarlyStopping) -> EarlyStopping:
        return manager  # mypy checks ThresholdEarlyStopping against Inspect's protocol
