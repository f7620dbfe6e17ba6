"""Fixed-sample statistics for evaluation scores.

Every function here is pure: it takes per-item scores (and optionally the cluster each item
belongs to) and returns numbers. Nothing reads files or calls Inspect, so a reviewer can re-run
any interval from a log's scores alone.

Two questions decide which interval is right, and both are explicit arguments:

* **What is the estimand?** ``pool_size=None`` treats the evaluated items as draws from a
  super-population of possible questions (Miller 2024, "Adding Error Bars to Evals",
  arXiv 2411.00640). Passing ``pool_size`` says the estimand is the score on *this* benchmark
  pool; then a finite population correction applies, and an evaluation of the whole pool is
  exact (the interval collapses to the estimate).
* **Are items independent?** Items that share a context (a passage with several questions) are
  not; pass ``clusters`` and the standard error is the clustered one.

``summarise`` applies the rules; the individual intervals are exported for callers that need one
in particular. ``docs/statistics.md`` explains each choice at more length.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict
from scipy import stats as _sp

__all__ = [
    "Estimand",
    "IntervalMethod",
    "Summary",
    "adjusted_confidence",
    "bootstrap_interval",
    "clopper_pearson_interval",
    "clustered_standard_error",
    "finite_population_correction",
    "hypergeometric_interval",
    "interval_of_max",
    "summarise",
    "wilson_interval",
]

IntervalMethod = Literal[
    "wilson",
    "clopper-pearson",
    "hypergeometric-exact",
    "clustered-t",
    "bootstrap",
    "exact-pool",
]
"""How an interval was computed; recorded with every result so a reader knows what it means."""

Estimand = Literal["pool", "super-population"]
"""``pool``: the mean over this benchmark's items. ``super-population``: the mean over the
(hypothetical) population the items were drawn from."""

DEFAULT_RESAMPLES = 10_000
"""Bootstrap resamples: enough that the Monte Carlo error of a 95% percentile endpoint is small
next to the sampling error of any benchmark with more than a few dozen items."""

# Cap on (resamples x clusters) held in memory at once by the bootstrap.
_BOOTSTRAP_CHUNK_CELLS = 4_000_000


class Summary(BaseModel):
    """A point estimate with its uncertainty, as ``summarise`` computed it.

    ``interval`` is two-sided at ``confidence``. ``standard_error`` is the clustered standard error
    when clusters were given (the CLT one otherwise), after any finite population correction;
    it is reported for comparison with other tools even when the interval is not a normal one,
    and is NaN when it cannot be estimated (a single item or cluster).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    estimate: float
    standard_error: float
    interval: tuple[float, float]
    confidence: float
    method: IntervalMethod
    estimand: Estimand
    n: int
    n_clusters: int
    pool_size: int | None
    finite_population_correction: float


# --------------------------------------------------------------------------------------------
# validation helpers


def _check_confidence(confidence: float) -> float:
    if not (0.0 < confidence < 1.0) or math.isnan(confidence):
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return float(confidence)


def _check_counts(successes: int, n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, n] = [0, {n}], got {successes}")


def _check_pool(n: int, pool_size: int | None) -> None:
    if pool_size is not None and pool_size < n:
        raise ValueError(f"pool_size ({pool_size}) is smaller than the number measured ({n})")


def _as_values(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError("values is empty: there is nothing to summarise")
    if not np.all(np.isfinite(array)):
        raise ValueError("values contain NaN or infinity")
    return array


def _cluster_codes(clusters: Sequence[Hashable], n: int) -> NDArray[np.intp]:
    """Map cluster labels to 0..C-1 in order of first appearance."""
    if len(clusters) != n:
        raise ValueError(f"clusters has {len(clusters)} labels for {n} values")
    codes: dict[Hashable, int] = {}
    out = np.empty(n, dtype=np.intp)
    for i, label in enumerate(clusters):
        if label is None or (isinstance(label, float) and math.isnan(label)):
            raise ValueError(f"item {i} has no cluster label (None or NaN)")
        out[i] = codes.setdefault(label, len(codes))
    return out


def _z(confidence: float) -> float:
    return float(_sp.norm.ppf(0.5 + confidence / 2.0))


# --------------------------------------------------------------------------------------------
# proportions


def finite_population_correction(n: int, pool_size: int | None) -> float:
    """Factor by which sampling ``n`` of ``pool_size`` units without replacement shrinks the SE.

    ``sqrt((N - n) / (N - 1))``: the textbook correction for the standard error of a mean under
    simple random sampling without replacement (Cochran, *Sampling Techniques*, 1977, 2.6). It is
    1 for ``pool_size=None`` (super-population estimand, no correction) and 0 when the whole pool
    was measured: the estimate then *is* the pool mean and has no sampling error.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if pool_size is None:
        return 1.0
    _check_pool(n, pool_size)
    if n == pool_size:
        return 0.0
    return math.sqrt((pool_size - n) / (pool_size - 1))


def wilson_interval(
    successes: int, n: int, confidence: float = 0.95, *, pool_size: int | None = None
) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Chosen as the default for binary scores because its coverage stays close to nominal at small
    ``n`` and near 0 or 1, where the normal (Wald) interval fails (Brown, Cai & DasGupta 2001;
    Bowyer, Aitchison & Ivanova, ICML 2025, make the same point for LLM evals).

    With ``pool_size`` the variance ``p(1-p)/n`` is multiplied by the finite population
    correction squared, i.e. ``n`` is replaced by ``n (N-1) / (N-n)``; measuring the whole pool
    returns the point ``(p, p)``.
    """
    _check_counts(successes, n)
    confidence = _check_confidence(confidence)
    _check_pool(n, pool_size)
    p = successes / n
    fpc = finite_population_correction(n, pool_size)
    if fpc == 0.0:
        return (p, p)
    n_eff = n / (fpc * fpc)
    z = _z(confidence)
    z2 = z * z
    denominator = 1.0 + z2 / n_eff
    centre = (p + z2 / (2.0 * n_eff)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)) / denominator
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == n else min(1.0, centre + half)
    return (lower, upper)


def clopper_pearson_interval(
    successes: int, n: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Clopper-Pearson ("exact") interval for a binomial proportion.

    Guaranteed coverage of at least ``confidence`` for every true proportion, at the cost of being
    wider than Wilson on average. Use it when a guarantee matters more than length (e.g. a safety
    case stated as "at most x% with 95% confidence"). For a finite pool use
    ``hypergeometric_interval``.
    """
    _check_counts(successes, n)
    alpha = 1.0 - _check_confidence(confidence)
    lower = 0.0 if successes == 0 else float(_sp.beta.ppf(alpha / 2, successes, n - successes + 1))
    upper = (
        1.0 if successes == n else float(_sp.beta.ppf(1 - alpha / 2, successes + 1, n - successes))
    )
    return (lower, upper)


def hypergeometric_interval(
    successes: int, n: int, pool_size: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact interval for the proportion of a finite pool, from a sample without replacement.

    The finite-pool analogue of Clopper-Pearson: it inverts the two hypergeometric tails, so the
    pool count ``K`` is kept when ``P(X >= s | K) >= alpha/2`` and ``P(X <= s | K) >= alpha/2``.
    Coverage is at least ``confidence`` for every pool composition, and the interval is the point
    ``s / N`` when the whole pool was measured.
    """
    _check_counts(successes, n)
    alpha = 1.0 - _check_confidence(confidence)
    _check_pool(n, pool_size)
    # P(X >= s | K) increases and P(X <= s | K) decreases with K (the hypergeometric is
    # stochastically increasing in K), so each endpoint is a bisection over the feasible K:
    # O(log N) evaluations, whatever the pool size. Both tails are 1 at the feasible extremes.
    # A K whose tail equals alpha/2 is kept (closed interval, as Clopper-Pearson's endpoints are);
    # the relative slack keeps that true when scipy rounds an exact tie either way.
    cut = alpha / 2 * (1.0 - 1e-9)
    lowest, highest = successes, pool_size - (n - successes)

    def upper_tail(k: int) -> float:  # scipy: hypergeom(M=pool, n=successes in pool, N=draws)
        return float(_sp.hypergeom.sf(successes - 1, pool_size, k, n))

    def lower_tail(k: int) -> float:
        return float(_sp.hypergeom.cdf(successes, pool_size, k, n))

    lo, hi = lowest, highest  # smallest K with upper_tail(K) >= alpha/2
    while lo < hi:
        mid = (lo + hi) // 2
        if upper_tail(mid) >= cut:
            hi = mid
        else:
            lo = mid + 1
    k_lower = lo
    lo, hi = lowest, highest  # largest K with lower_tail(K) >= alpha/2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lower_tail(mid) >= cut:
            lo = mid
        else:
            hi = mid - 1
    k_upper = lo
    return (k_lower / pool_size, k_upper / pool_size)


# --------------------------------------------------------------------------------------------
# means of general scores


def clustered_standard_error(
    values: ArrayLike, clusters: Sequence[Hashable] | None = None
) -> float:
    """Standard error of the mean, clustered when ``clusters`` is given.

    Miller (2024), appendix A: with cluster ``c`` holding deviations ``e_i = x_i - mean``,

        SE^2 = C / (C - 1) * sum_c (sum_{i in c} e_i)^2 / n^2

    The ``C / (C - 1)`` factor is the usual small-cluster correction (Inspect's ``stderr(cluster=)``
    applies the same). With every item its own cluster (or ``clusters=None``) this is exactly
    the CLT standard error ``s / sqrt(n)`` with the ``n - 1`` sample variance, so clustering
    never silently changes results for suites without clusters.

    Raises ``ValueError`` with fewer than two clusters (or items): the between-cluster variance is
    then not estimable, and returning 0 would read as certainty.
    """
    x = _as_values(values)
    n = x.size
    codes = np.arange(n, dtype=np.intp) if clusters is None else _cluster_codes(clusters, n)
    n_clusters = int(codes.max()) + 1
    if n_clusters < 2:
        raise ValueError(
            "a standard error needs at least two clusters (or items); "
            f"got {n_clusters} cluster(s) over {n} item(s)"
        )
    deviations = x - x.mean()
    cluster_sums = np.bincount(codes, weights=deviations, minlength=n_clusters)
    variance = float(np.sum(cluster_sums**2)) * n_clusters / (n_clusters - 1) / (n * n)
    return math.sqrt(variance)


def bootstrap_interval(
    values: ArrayLike,
    confidence: float = 0.95,
    clusters: Sequence[Hashable] | None = None,
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> tuple[float, float]:
    """Percentile bootstrap interval for the mean; resamples whole clusters when given.

    The cluster bootstrap draws ``C`` clusters with replacement and recomputes the item mean
    (sum of the drawn clusters' totals over the sum of their sizes), so within-cluster
    correlation is carried into the interval. The percentile method is used for its simplicity
    and transformation invariance; it is known to under-cover with few items or clusters (see
    ``docs/statistics.md``). Seeded, so the same inputs always give the same interval.
    """
    x = _as_values(values)
    alpha = 1.0 - _check_confidence(confidence)
    if resamples < 100:
        raise ValueError(f"resamples must be at least 100, got {resamples}")
    codes = (
        np.arange(x.size, dtype=np.intp) if clusters is None else _cluster_codes(clusters, x.size)
    )
    n_clusters = int(codes.max()) + 1
    if n_clusters < 2:
        raise ValueError(
            f"the bootstrap needs at least two clusters (or items), got {n_clusters}: "
            "resampling one unit only reproduces it"
        )
    totals = np.bincount(codes, weights=x, minlength=n_clusters)
    sizes = np.bincount(codes, minlength=n_clusters).astype(np.float64)
    rng = np.random.default_rng(seed)
    chunk = max(1, _BOOTSTRAP_CHUNK_CELLS // n_clusters)
    means = np.empty(resamples, dtype=np.float64)
    done = 0
    while done < resamples:
        size = min(chunk, resamples - done)
        picks = rng.integers(0, n_clusters, size=(size, n_clusters))
        means[done : done + size] = totals[picks].sum(axis=1) / sizes[picks].sum(axis=1)
        done += size
    lower, upper = np.quantile(means, [alpha / 2.0, 1.0 - alpha / 2.0])
    return (float(lower), float(upper))


# --------------------------------------------------------------------------------------------
# maximum over elicitation strategies


def adjusted_confidence(confidence: float, k: int) -> float:
    """Per-strategy confidence for a Bonferroni split over ``k`` elicitation strategies.

    ``1 - (1 - confidence) / k``. If each of ``k`` intervals covers its own strategy's true score
    with probability at least this, all ``k`` cover simultaneously with probability at least
    ``confidence`` (union bound), whatever the dependence between strategies. That simultaneous
    coverage is what makes ``interval_of_max`` valid.
    """
    confidence = _check_confidence(confidence)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return 1.0 - (1.0 - confidence) / k


def interval_of_max(intervals: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Interval for ``max_j theta_j`` given simultaneous intervals ``[L_j, U_j]`` for each one.

    Returns ``[max_j L_j, max_j U_j]``. On the event that every interval covers its
    ``theta_j`` (probability >= ``confidence`` when each was computed at
    ``adjusted_confidence(confidence, k)``): ``max_j L_j <= max_j theta_j`` because each
    ``L_j <= theta_j``, and ``max_j theta_j = theta_* <= U_* <= max_j U_j``. Reporting the best
    strategy's own interval instead would ignore that the best was chosen after looking.
    """
    if len(intervals) == 0:
        raise ValueError("interval_of_max needs at least one interval")
    for lower, upper in intervals:
        if not lower <= upper:
            raise ValueError(f"malformed interval ({lower}, {upper}): lower > upper")
    return (max(i[0] for i in intervals), max(i[1] for i in intervals))


# --------------------------------------------------------------------------------------------
# the single entry point


def summarise(
    values: ArrayLike,
    clusters: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
    pool_size: int | None = None,
    binary: bool | None = None,
    *,
    pool_clusters: int | None = None,
    binary_method: Literal["wilson", "clopper-pearson"] = "wilson",
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> Summary:
    """Estimate, standard error and interval for a mean score, choosing the interval by rule.

    Rules, in order (the first that applies wins):

    1. **Whole pool measured** (``pool_size`` given and ``len(values) == pool_size``): the
       estimate is the pool mean, exactly; interval ``(estimate, estimate)``, SE 0, method
       ``exact-pool``. This conditions on the scores observed in this run: if the model samples
       at temperature > 0, another run could score differently (see docs/statistics.md).
    2. **Binary scores, no meaningful clusters** (``clusters`` is None or every cluster has one
       item): Wilson score interval (``wilson``), finite-population corrected when
       ``pool_size`` is given. With ``binary_method="clopper-pearson"``: Clopper-Pearson, or the
       exact hypergeometric interval when ``pool_size`` is given (``hypergeometric-exact``).
    3. **Binary scores with clusters**: estimate +/- t * clustered SE, with Student-t critical
       value on ``C - 1`` degrees of freedom (normal when C is large, more honest when it is
       small, as Inspect's ``ci(cluster=)`` does), clipped to ``[0, 1]`` because a proportion
       cannot leave it; method ``clustered-t``. No small-n exact method accounts for clustering,
       which is why this one is normal-theory.
    4. **Non-binary scores**: percentile bootstrap (``bootstrap``), resampling whole clusters
       when given. With ``pool_size`` (and ``pool_clusters`` when clustered) the bootstrap
       deviations from the estimate are scaled by the finite population correction, a
       first-order approximation.

    ``binary=None`` infers binary-ness from the values (all in ``{0, 1}``); ``binary=True``
    with other values raises. ``pool_size`` counts items; with clusters, a finite population
    correction short of the whole pool needs ``pool_clusters`` (the number of clusters in the
    pool), because the sampling unit is then the cluster; without it the super-population
    (uncorrected) SE is used and ``estimand`` is recorded as ``super-population``.
    """
    x = _as_values(values)
    confidence = _check_confidence(confidence)
    n = int(x.size)
    _check_pool(n, pool_size)
    is_binary = bool(np.all((x == 0.0) | (x == 1.0)))
    if binary is None:
        binary = is_binary
    elif binary and not is_binary:
        raise ValueError("binary=True but some values are not 0 or 1")

    codes = np.arange(n, dtype=np.intp) if clusters is None else _cluster_codes(clusters, n)
    n_clusters = int(codes.max()) + 1
    meaningful_clusters = n_clusters < n
    estimate = float(x.mean())

    # Whole pool: exact.
    if pool_size is not None and n == pool_size:
        return Summary(
            estimate=estimate,
            standard_error=0.0,
            interval=(estimate, estimate),
            confidence=confidence,
            method="exact-pool",
            estimand="pool",
            n=n,
            n_clusters=n_clusters,
            pool_size=pool_size,
            finite_population_correction=0.0,
        )

    # Finite population correction on the sampling unit (item, or cluster when clustered).
    estimand: Estimand = "super-population"
    fpc = 1.0
    if meaningful_clusters:
        if pool_clusters is not None:
            if pool_clusters < n_clusters:
                raise ValueError(
                    f"pool_clusters ({pool_clusters}) is smaller than the clusters measured "
                    f"({n_clusters})"
                )
            fpc = finite_population_correction(n_clusters, pool_clusters)
            estimand = "pool"
    elif pool_size is not None:
        fpc = finite_population_correction(n, pool_size)
        estimand = "pool"

    # One item (or one cluster) has no estimable spread: NaN, never a reassuring 0.
    se = clustered_standard_error(x, clusters) * fpc if n_clusters >= 2 else math.nan

    method: IntervalMethod
    if binary and not meaningful_clusters:
        successes = int(x.sum())
        item_pool = pool_size if estimand == "pool" else None
        if binary_method == "wilson":
            interval = wilson_interval(successes, n, confidence, pool_size=item_pool)
            method = "wilson"
        elif item_pool is not None:
            interval = hypergeometric_interval(successes, n, item_pool, confidence)
            method = "hypergeometric-exact"
        else:
            interval = clopper_pearson_interval(successes, n, confidence)
            method = "clopper-pearson"
    elif binary:
        if n_clusters < 2:
            raise ValueError("a clustered interval needs at least two clusters")
        t = float(_sp.t.ppf(0.5 + confidence / 2.0, df=n_clusters - 1))
        interval = (max(0.0, estimate - t * se), min(1.0, estimate + t * se))
        method = "clustered-t"
    else:
        lower, upper = bootstrap_interval(
            x, confidence, clusters=clusters, seed=seed, resamples=resamples
        )
        interval = (estimate - fpc * (estimate - lower), estimate + fpc * (upper - estimate))
        method = "bootstrap"

    return Summary(
        estimate=estimate,
        standard_error=float(se),
        interval=(float(interval[0]), float(interval[1])),
        confidence=confidence,
        method=method,
        estimand=estimand,
        n=n,
        n_clusters=n_clusters,
        pool_size=pool_size,
        finite_population_correction=fpc,
    )
