"""Fixed-sample statistics: known values, properties, and the rules of ``summarise``."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from redline.measure.stats import (
    Summary,
    adjusted_confidence,
    bootstrap_interval,
    clopper_pearson_interval,
    clustered_standard_error,
    finite_population_correction,
    hypergeometric_interval,
    interval_of_max,
    summarise,
    wilson_interval,
)

confidences = st.floats(min_value=0.5, max_value=0.999)


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=2000))
    return draw(st.integers(min_value=0, max_value=n)), n


# ---------------------------------------------------------------------------- known values


def test_wilson_matches_published_value() -> None:
    # 8 of 10 at 95%: (0.4902, 0.9433) in Brown, Cai & DasGupta's and most textbooks' tables.
    lower, upper = wilson_interval(8, 10, 0.95)
    assert lower == pytest.approx(0.4902, abs=5e-5)
    assert upper == pytest.approx(0.9433, abs=5e-5)


def test_clopper_pearson_matches_published_value() -> None:
    lower, upper = clopper_pearson_interval(8, 10, 0.95)
    assert lower == pytest.approx(0.4439, abs=5e-5)
    assert upper == pytest.approx(0.9748, abs=5e-5)


def test_extreme_counts_reach_the_boundary() -> None:
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(20, 20)[1] == 1.0
    assert clopper_pearson_interval(0, 20)[0] == 0.0
    assert clopper_pearson_interval(20, 20)[1] == 1.0
    # Clopper-Pearson at 0 successes: the "rule of three"-like upper bound 1 - (alpha/2)^(1/n).
    assert clopper_pearson_interval(0, 20)[1] == pytest.approx(1 - 0.025 ** (1 / 20))


# ---------------------------------------------------------------------------- properties


@given(counts(), confidences)
def test_proportion_intervals_contain_the_estimate(c: tuple[int, int], conf: float) -> None:
    successes, n = c
    p = successes / n
    for lower, upper in (
        wilson_interval(successes, n, conf),
        clopper_pearson_interval(successes, n, conf),
    ):
        assert 0.0 <= lower <= p <= upper <= 1.0


@given(counts(), confidences, confidences)
def test_proportion_intervals_nest_as_confidence_grows(
    c: tuple[int, int], a: float, b: float
) -> None:
    successes, n = c
    low_conf, high_conf = sorted((a, b))
    for interval in (wilson_interval, clopper_pearson_interval):
        narrow = interval(successes, n, low_conf)
        wide = interval(successes, n, high_conf)
        assert wide[0] <= narrow[0] + 1e-12
        assert narrow[1] <= wide[1] + 1e-12


@given(counts(), st.integers(min_value=0, max_value=5000), confidences)
def test_wilson_with_a_pool_is_narrower_and_exact_at_the_end(
    c: tuple[int, int], extra: int, conf: float
) -> None:
    successes, n = c
    plain = wilson_interval(successes, n, conf)
    pooled = wilson_interval(successes, n, conf, pool_size=n + extra)
    assert plain[0] <= pooled[0] + 1e-12
    assert pooled[1] <= plain[1] + 1e-12
    if extra == 0:
        assert pooled == (successes / n, successes / n)


def test_finite_population_correction() -> None:
    assert finite_population_correction(10, None) == 1.0
    assert finite_population_correction(100, 100) == 0.0
    assert finite_population_correction(1, 1) == 0.0
    assert finite_population_correction(50, 101) == pytest.approx(math.sqrt(51 / 100))
    with pytest.raises(ValueError):
        finite_population_correction(11, 10)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=60), st.data())
def test_hypergeometric_interval_is_feasible_and_exact_at_the_end(
    pool: int, data: st.DataObject
) -> None:
    n = data.draw(st.integers(min_value=1, max_value=pool))
    successes = data.draw(st.integers(min_value=0, max_value=n))
    lower, upper = hypergeometric_interval(successes, n, pool, 0.95)
    # Within what the sample makes possible: the unseen items are all 0 ... all 1.
    assert successes / pool <= lower <= upper <= (successes + pool - n) / pool
    if n == pool:
        assert (lower, upper) == (successes / pool, successes / pool)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=50), st.data(), st.sampled_from([0.8, 0.95, 0.99]))
def test_hypergeometric_interval_bisection_equals_brute_force(
    pool: int, data: st.DataObject, conf: float
) -> None:
    from scipy import stats as sp

    n = data.draw(st.integers(min_value=1, max_value=pool))
    s = data.draw(st.integers(min_value=0, max_value=n))
    k = np.arange(pool + 1)
    cut = (1 - conf) / 2 * (1 - 1e-9)
    kept = (
        (k >= s)
        & (pool - k >= n - s)
        & (sp.hypergeom.sf(s - 1, pool, k, n) >= cut)
        & (sp.hypergeom.cdf(s, pool, k, n) >= cut)
    )
    assert hypergeometric_interval(s, n, pool, conf) == (
        k[kept].min() / pool,
        k[kept].max() / pool,
    )


def test_hypergeometric_interval_approaches_clopper_pearson_for_a_huge_pool() -> None:
    finite = hypergeometric_interval(30, 100, 10_000_000, 0.95)
    binomial = clopper_pearson_interval(30, 100, 0.95)
    assert finite == pytest.approx(binomial, abs=2e-4)


def test_hypergeometric_interval_covers_by_simulation() -> None:
    # Exact method: coverage >= 95% for a fixed pool; 2,000 draws, allowing 3 standard errors.
    rng = np.random.default_rng(3)
    pool, ones, n = 200, 37, 40
    base = np.r_[np.ones(ones), np.zeros(pool - ones)]
    covered = 0
    for _ in range(2000):
        s = int(rng.choice(base, size=n, replace=False).sum())
        lower, upper = hypergeometric_interval(s, n, pool, 0.95)
        covered += lower <= ones / pool <= upper
    assert covered / 2000 >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / 2000)


# ---------------------------------------------------------------------------- clustered SE

finite_scores = st.lists(
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=2, max_size=200
)


@given(finite_scores)
def test_clustered_se_with_singleton_clusters_is_the_clt_se(values: list[float]) -> None:
    x = np.asarray(values)
    clt = float(np.std(x, ddof=1) / math.sqrt(x.size))
    assert clustered_standard_error(x) == pytest.approx(clt, rel=1e-9, abs=1e-15)
    singletons = list(range(x.size))
    assert clustered_standard_error(x, singletons) == pytest.approx(clt, rel=1e-9, abs=1e-15)


@given(finite_scores, st.data())
def test_clustered_se_matches_inspect(values: list[float], data: st.DataObject) -> None:
    from inspect_ai.scorer._metrics.std import _clustered_stderr

    labels = data.draw(st.lists(st.integers(0, 6), min_size=len(values), max_size=len(values)))
    assume(len(set(labels)) >= 2)
    partition: dict[int, list[float]] = {}
    for v, c in zip(values, labels, strict=True):
        partition.setdefault(c, []).append(v)
    expected = _clustered_stderr(list(partition.values()))
    assert clustered_standard_error(values, labels) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_clustered_se_grows_when_clusters_move_together() -> None:
    # 20 passages of 5 questions each, answered all right or all wrong: 20 effective units.
    rng = np.random.default_rng(0)
    passage_right = rng.random(20) < 0.5
    values = np.repeat(passage_right.astype(float), 5)
    clusters = np.repeat(np.arange(20), 5).tolist()
    naive = clustered_standard_error(values)
    clustered = clustered_standard_error(values, clusters)
    assert clustered > 2.0 * naive  # about sqrt(5) times


def test_clustered_se_needs_two_clusters() -> None:
    with pytest.raises(ValueError, match="two clusters"):
        clustered_standard_error([0.0, 1.0, 1.0], ["a", "a", "a"])
    with pytest.raises(ValueError):
        clustered_standard_error([0.5])


# ---------------------------------------------------------------------------- bootstrap


def test_bootstrap_is_seeded_and_brackets_the_mean() -> None:
    rng = np.random.default_rng(1)
    values = rng.beta(2, 5, size=150)
    first = bootstrap_interval(values, 0.95, seed=7)
    assert first == bootstrap_interval(values, 0.95, seed=7)
    assert first[0] < values.mean() < first[1]
    # Close to the normal interval for a smooth statistic at n = 150.
    se = clustered_standard_error(values)
    assert first[0] == pytest.approx(values.mean() - 1.96 * se, abs=0.3 * se)
    assert first[1] == pytest.approx(values.mean() + 1.96 * se, abs=0.3 * se)


@settings(max_examples=30, deadline=None)
@given(finite_scores, confidences)
def test_bootstrap_stays_within_the_data(values: list[float], conf: float) -> None:
    assume(len(set(values)) > 1)
    lower, upper = bootstrap_interval(values, conf, resamples=500)
    assert min(values) - 1e-12 <= lower <= upper <= max(values) + 1e-12


def test_cluster_bootstrap_is_wider_for_correlated_clusters() -> None:
    rng = np.random.default_rng(2)
    passage_level = rng.random(30)
    values = np.clip(np.repeat(passage_level, 4) + rng.normal(0, 0.05, 120), 0, 1)
    clusters = np.repeat(np.arange(30), 4).tolist()
    item = bootstrap_interval(values, 0.95)
    cluster = bootstrap_interval(values, 0.95, clusters=clusters)
    assert cluster[1] - cluster[0] > 1.5 * (item[1] - item[0])


# ---------------------------------------------------------------------------- max over strategies


def test_adjusted_confidence() -> None:
    assert adjusted_confidence(0.95, 1) == pytest.approx(0.95)
    assert adjusted_confidence(0.95, 5) == pytest.approx(0.99)
    with pytest.raises(ValueError):
        adjusted_confidence(0.95, 0)


@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1)).map(lambda t: (min(t), max(t))),
        min_size=1,
        max_size=8,
    )
)
def test_interval_of_max_is_max_of_lowers_and_uppers(intervals: list[tuple[float, float]]) -> None:
    lower, upper = interval_of_max(intervals)
    assert lower == max(i[0] for i in intervals)
    assert upper == max(i[1] for i in intervals)
    assert lower <= upper


def test_interval_of_max_covers_the_best_strategy_by_simulation() -> None:
    # Three strategies, two tied at the top: the case where picking the best and reporting
    # its own 95% interval undercovers most. 2,000 simulated assessments of 100 items each.
    rng = np.random.default_rng(11)
    truths = np.array([0.60, 0.60, 0.55])
    k, n, reps = truths.size, 100, 2000
    per = adjusted_confidence(0.95, k)
    covered = 0
    for _ in range(reps):
        successes = rng.binomial(n, truths)
        lower, upper = interval_of_max([wilson_interval(int(s), n, per) for s in successes])
        covered += lower <= truths.max() <= upper
    # Valid at >= 95%; allow 3 binomial standard errors of simulation noise.
    assert covered / reps >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / reps)


# ---------------------------------------------------------------------------- summarise rules


def test_summarise_binary_without_clusters_is_wilson() -> None:
    values = [1.0] * 30 + [0.0] * 70
    s = summarise(values)
    assert s.method == "wilson"
    assert s.interval == pytest.approx(wilson_interval(30, 100))
    assert s.estimate == pytest.approx(0.3)
    assert s.standard_error == pytest.approx(clustered_standard_error(values))
    assert s.estimand == "super-population"
    assert (s.n, s.n_clusters) == (100, 100)


def test_summarise_singleton_clusters_are_not_meaningful() -> None:
    values = [1.0, 0.0] * 20
    assert summarise(values, clusters=list(range(40))).method == "wilson"


def test_summarise_binary_with_clusters_is_clustered_t_clipped() -> None:
    values = [1.0] * 9 + [0.0] + [1.0] * 10
    clusters = [i // 5 for i in range(20)]
    s = summarise(values, clusters)
    assert s.method == "clustered-t"
    assert s.n_clusters == 4
    assert s.interval[1] == 1.0  # clipped
    assert s.interval[0] < s.estimate


def test_summarise_non_binary_is_bootstrap() -> None:
    values = np.linspace(0, 1, 41)
    s = summarise(values)
    assert s.method == "bootstrap"
    assert s.interval == pytest.approx(bootstrap_interval(values, 0.95))


def test_summarise_whole_pool_is_exact() -> None:
    values = [1.0, 0.0, 0.5, 1.0]
    s = summarise(values, pool_size=4)
    assert s.method == "exact-pool"
    assert s.interval == (s.estimate, s.estimate)
    assert s.standard_error == 0.0
    assert s.estimand == "pool"


def test_summarise_partial_pool_applies_the_correction() -> None:
    values = [1.0] * 40 + [0.0] * 60
    s = summarise(values, pool_size=200)
    assert s.estimand == "pool"
    assert s.finite_population_correction == pytest.approx(math.sqrt(100 / 199))
    assert s.interval == pytest.approx(wilson_interval(40, 100, pool_size=200))
    exact = summarise(values, pool_size=200, binary_method="clopper-pearson")
    assert exact.method == "hypergeometric-exact"
    assert summarise(values, binary_method="clopper-pearson").method == "clopper-pearson"


def test_summarise_clustered_pool_needs_cluster_count_for_correction() -> None:
    values = [1.0, 0.0] * 20
    clusters = [i // 4 for i in range(40)]
    assert summarise(values, clusters, pool_size=100).estimand == "super-population"
    corrected = summarise(values, clusters, pool_size=100, pool_clusters=25)
    assert corrected.estimand == "pool"
    assert corrected.finite_population_correction == pytest.approx(math.sqrt(15 / 24))


def test_summarise_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="binary=True"):
        summarise([0.0, 0.5], binary=True)
    with pytest.raises(ValueError, match="empty"):
        summarise([])
    with pytest.raises(ValueError, match="confidence"):
        summarise([0.0, 1.0], confidence=1.0)
    with pytest.raises(ValueError, match="pool_size"):
        summarise([0.0, 1.0, 1.0], pool_size=2)
    with pytest.raises(ValueError, match="two clusters"):
        summarise([0.0, 1.0, 1.0], clusters=["a", "a", "a"])


def test_summary_is_frozen_and_serialises() -> None:
    s = summarise([1.0, 0.0, 1.0, 1.0])
    with pytest.raises(ValueError):
        s.estimate = 0.0  # type: ignore[misc]
    again = Summary.model_validate(json.loads(s.model_dump_json()))
    assert again == s


@given(
    st.lists(st.sampled_from([0.0, 1.0]), min_size=2, max_size=300),
    confidences,
)
def test_summarise_interval_contains_estimate(values: list[float], conf: float) -> None:
    s = summarise(values, confidence=conf)
    assert s.interval[0] <= s.estimate <= s.interval[1]
