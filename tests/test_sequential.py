"""Confidence sequences, the threshold monitor, and Inspect early stopping."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sp

from redline.measure.sequential import (
    BettingCS,
    HypergeometricCS,
    SequentialMethod,
    SequentialThresholdTest,
    ThresholdEarlyStopping,
    cluster_schedule,
    hypergeometric_log_pmf,
    log_factorials,
    make_confidence_sequence,
    score_to_unit,
    simulate_settlement,
)

WOR_METHODS: tuple[SequentialMethod, ...] = ("hypergeometric", "wor-betting")
ALL_METHODS: tuple[SequentialMethod, ...] = ("hypergeometric", "wor-betting", "wr-betting")


def _pool(pool_size: int, ones: int, seed: int) -> np.ndarray[Any, Any]:
    base = np.r_[np.ones(ones), np.zeros(pool_size - ones)]
    return np.random.default_rng(seed).permutation(base)


binary_pools = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)
)


# ---------------------------------------------------------------------------- the CSs


@settings(max_examples=40, deadline=None)
@given(binary_pools, st.sampled_from(WOR_METHODS))
def test_without_replacement_cs_is_exact_after_the_whole_pool(
    pool: list[float], method: SequentialMethod
) -> None:
    cs = make_confidence_sequence(method, len(pool), 0.95)
    for x in pool:
        cs.update(x)
    mean = sum(pool) / len(pool)
    assert cs.interval == (pytest.approx(mean), pytest.approx(mean))
    assert cs.exhausted
    with pytest.raises(ValueError, match="fully observed"):
        cs.update(0.0)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30),
    st.sampled_from([0.8, 0.95]),
)
def test_betting_cs_is_exact_for_bounded_scores(pool: list[float], conf: float) -> None:
    cs = BettingCS(conf, len(pool))
    for x in pool:
        cs.update(x)
    assert cs.interval == (pytest.approx(np.mean(pool)), pytest.approx(np.mean(pool)))


@settings(max_examples=30, deadline=None)
@given(binary_pools, st.sampled_from(ALL_METHODS))
def test_running_interval_only_tightens_and_respects_pool_bounds(
    pool: list[float], method: SequentialMethod
) -> None:
    n_pool = len(pool)
    cs = make_confidence_sequence(method, n_pool if method != "wr-betting" else None, 0.9)
    previous = cs.interval
    total = 0.0
    for n, x in enumerate(pool, start=1):
        cs.update(x)
        total += x
        lower, upper = cs.interval
        if cs.conflicts == 0:
            assert previous[0] <= lower <= upper <= previous[1]
        if method != "wr-betting":
            # Deterministic: the unseen items are somewhere between all 0 and all 1.
            assert total / n_pool - 1e-12 <= lower
            assert upper <= (total + n_pool - n) / n_pool + 1e-12
        previous = (lower, upper)


@settings(max_examples=30, deadline=None)
@given(binary_pools, st.sampled_from(ALL_METHODS))
def test_cs_nests_as_confidence_grows(pool: list[float], method: SequentialMethod) -> None:
    size = len(pool) if method != "wr-betting" else None
    narrow = make_confidence_sequence(method, size, 0.8)
    wide = make_confidence_sequence(method, size, 0.99)
    for x in pool:
        narrow.update(x)
        wide.update(x)
        if narrow.conflicts:
            # The 80% CS has missed the truth and restarted from its current step (see
            # ConfidenceSequence.conflicts); nesting is only promised until then.
            break
        assert wide.interval[0] <= narrow.interval[0] + 1e-12
        assert narrow.interval[1] <= wide.interval[1] + 1e-12


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=1, max_value=30).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))
    )
)
def test_hypergeometric_cs_is_the_prior_posterior_ratio(sizes: tuple[int, int, int]) -> None:
    """The closed form equals the Bayes computation it stands for (uniform prior on K)."""
    pool, ones, n = sizes
    draws = _pool(pool, ones, seed=pool * 1000 + ones)[:n]
    s = int(draws.sum())
    k = np.arange(pool + 1)
    likelihood = np.exp(hypergeometric_log_pmf(s, n, k, pool, log_factorials(pool)))
    posterior = likelihood / likelihood.sum()
    prior = 1.0 / (pool + 1)
    with np.errstate(divide="ignore"):
        ratio = prior / posterior
    alive = k[ratio < 1 / 0.05]
    cs = HypergeometricCS(pool, 0.95)
    for x in draws:
        cs.update(x)
    # The running intersection can only be tighter than the last step's own CS.
    assert cs.interval[0] >= alive.min() / pool - 1e-12
    assert cs.interval[1] <= alive.max() / pool + 1e-12
    # The step's CS is an interval (log-concavity): no holes in the kept set.
    assert np.array_equal(alive, np.arange(alive.min(), alive.max() + 1))


def test_hypergeometric_cs_refuses_partial_credit() -> None:
    cs = HypergeometricCS(10)
    with pytest.raises(ValueError, match="binary"):
        cs.update(0.5)
    cs.update(True)
    assert cs.n == 1


def test_scores_outside_unit_interval_are_refused() -> None:
    cs = BettingCS(0.95, 10)
    for bad in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            cs.update(bad)


def test_method_names() -> None:
    assert isinstance(make_confidence_sequence("hypergeometric", 5), HypergeometricCS)
    assert make_confidence_sequence("wr-betting", None).pool_size is None
    with pytest.raises(ValueError, match="pool_size"):
        make_confidence_sequence("wor-betting", None)
    with pytest.raises(ValueError, match="unknown method"):
        make_confidence_sequence("bayes", 5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- the monitor


def test_monitor_settles_a_clear_case_early_and_reports_it() -> None:
    pool = _pool(1000, 800, seed=1)
    monitor = SequentialThresholdTest(1000, [0.5, 0.79], 0.95)
    for x in pool:
        monitor.update(x)
        if monitor.settled(0.5):
            break
    assert monitor.side(0.5) == "above"
    assert monitor.n < 100
    assert monitor.interval[0] > 0.5
    assert not monitor.settled(0.79)
    assert not monitor.all_settled
    summary = monitor.summary()
    json.dumps(summary)
    assert summary["thresholds"][0]["settled_at"] == monitor.n
    assert summary["thresholds"][0]["first_side"] == "above"


def test_monitor_settles_every_threshold_by_the_end_of_the_pool() -> None:
    pool = _pool(300, 123, seed=2)
    monitor = SequentialThresholdTest(300, [0.2, 0.41, 0.42, 0.6], 0.95)
    for x in pool:
        monitor.update(x)
    assert monitor.exhausted
    assert monitor.interval == (0.41, 0.41)
    assert [monitor.side(t) for t in (0.2, 0.41, 0.42, 0.6)] == ["above", None, "below", "below"]


def test_monitor_scale_tests_a_rescaled_mean() -> None:
    # Units are cluster totals / largest size; scale maps them back to the item mean.
    monitor = SequentialThresholdTest(4, [0.5], 0.95, "wor-betting", scale=1.25)
    for x in (0.8, 0.6, 0.8, 0.8):
        monitor.update(x)
    assert monitor.interval == (pytest.approx(0.9375), pytest.approx(0.9375))
    assert monitor.side(0.5) == "above"
    with pytest.raises(ValueError, match="scale"):
        SequentialThresholdTest(4, [0.5], 0.95, "hypergeometric", scale=2.0)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_simulation_reproduces_the_monitor_step_for_step(method: SequentialMethod) -> None:
    """The benchmark's vectorised arithmetic makes the decisions the live monitor makes."""
    rng = np.random.default_rng(4)
    for pool_size, p, t in ((120, 0.62, 0.5), (150, 0.5, 0.5), (90, 0.2, 0.3)):
        ones = round(p * pool_size)
        streams = np.stack([_pool(pool_size, ones, int(rng.integers(1 << 30))) for _ in range(12)])
        stop, side = simulate_settlement(streams, t, 0.95, method, block=29)
        for row in range(streams.shape[0]):
            size = pool_size if method != "wr-betting" else None
            monitor = SequentialThresholdTest(size, [t], 0.95, method)
            for x in streams[row]:
                monitor.update(x)
            expected_side = {"above": 1, "below": -1, None: 0}[monitor.first_side[t]]
            assert (int(stop[row]), int(side[row])) == (monitor.settled_at[t] or 0, expected_side)


@pytest.mark.parametrize(
    ("method", "pool_size", "p"),
    [
        ("hypergeometric", 500, 0.50),
        ("hypergeometric", 500, 0.51),
        ("hypergeometric", 3668, 0.50),
        ("wor-betting", 500, 0.50),
        ("wor-betting", 500, 0.51),
    ],
)
def test_wrong_decision_rate_is_at_most_alpha(
    method: SequentialMethod, pool_size: int, p: float
) -> None:
    """Statistical check of the guarantee, near the threshold where it is hardest to keep.

    At p = t every settlement is wrong (the pool mean *is* the threshold), so this checks the
    CS's error rate where it is highest. 2,000 seeded runs; the bound is the 99.99th percentile
    of Binomial(2000, alpha) / 2000 (about 0.066): a method whose true error rate were exactly
    alpha would exceed it with probability 1e-4, and one that breaks the guarantee by a few
    points (feeding in completion order, a sign error) lands far above it.
    """
    alpha, trials, t = 0.05, 2000, 0.5
    rng = np.random.default_rng([pool_size, round(p * 100)])
    base = np.zeros(pool_size, dtype=np.int8)
    base[: round(p * pool_size)] = 1
    streams = rng.permuted(np.tile(base, (trials, 1)), axis=1)
    _, side = simulate_settlement(streams, t, 1 - alpha, method)
    truth = int(np.sign(round(p * pool_size) / pool_size - t))
    wrong = float(np.mean((side != 0) & (side != truth)))
    bound = sp.binom.ppf(1 - 1e-4, trials, alpha) / trials
    assert wrong <= bound


def test_with_replacement_baseline_cannot_finish_a_close_call() -> None:
    # The pool is fully used yet the WR CS, which ignores that, still straddles the threshold.
    streams = np.stack([_pool(500, 255, seed=s) for s in range(20)])
    _, side = simulate_settlement(streams, 0.5, 0.95, "wr-betting")
    _, side_wor = simulate_settlement(streams, 0.5, 0.95, "hypergeometric")
    assert np.mean(side == 0) > 0.5
    assert np.all(side_wor != 0)  # every WoR run decides by the end (rarely wrongly, <= alpha)


# ---------------------------------------------------------------------------- scores


def test_score_to_unit() -> None:
    assert score_to_unit("C") == 1.0
    assert score_to_unit("I") == 0.0
    assert score_to_unit("P") == 0.5
    assert score_to_unit("N") == 0.0
    assert score_to_unit(True) == 1.0
    assert score_to_unit(False) == 0.0
    assert score_to_unit(1) == 1.0
    assert score_to_unit(0.25) == 0.25
    assert score_to_unit(np.int64(1)) == 1.0  # type: ignore[arg-type]
    assert score_to_unit(np.bool_(False)) == 0.0  # type: ignore[arg-type]
    for bad in ("yes", 2, -1.0, math.nan, [1, 0], {"a": 1}):
        with pytest.raises(ValueError):
            score_to_unit(bad)  # type: ignore[arg-type]


def test_cluster_schedule_keeps_clusters_whole() -> None:
    labels = ["a", "b", "a", "c", "b", "c", "c"]
    order = cluster_schedule(labels, seed=3)
    assert sorted(order) == list(range(len(labels)))
    seen = [labels[i] for i in order]
    blocks = [seen[0]] + [b for a, b in itertools.pairwise(seen) if a != b]
    assert len(blocks) == 3  # each cluster appears as one contiguous block
    assert order == cluster_schedule(labels, seed=3)


# ---------------------------------------------------------------------------- Inspect protocol


class _FakeSample:
    def __init__(self, id: int, metadata: dict[str, Any] | None = None) -> None:
        self.id = id
        self.metadata = metadata


def _scores(value: Any) -> dict[str, Any]:
    from inspect_ai.scorer import SampleScore, Score

    return {"match": SampleScore(score=Score(value=value))}


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _drive(
    manager: ThresholdEarlyStopping,
    values: list[float],
    completion_order: list[int],
    metadata: list[dict[str, Any]] | None = None,
) -> tuple[list[int], dict[str, Any]]:
    """Schedule every sample in dataset order, complete them in ``completion_order``."""
    samples = [
        _FakeSample(i + 1, None if metadata is None else metadata[i]) for i in range(len(values))
    ]
    await manager.start_task(None, samples, 1)  # type: ignore[arg-type]
    admitted = []
    for s in samples:
        if await manager.schedule_sample(s.id, 1) is None:
            admitted.append(s.id)
    for index in completion_order:
        if index + 1 in admitted:
            await manager.complete_sample(index + 1, 1, _scores(values[index]))
    return admitted, await manager.complete_task()


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(60))))
def test_completion_order_never_changes_what_is_fed(order: list[int]) -> None:
    values = [float(x) for x in _pool(60, 40, seed=5)]
    in_order = ThresholdEarlyStopping([0.5, 0.9])
    shuffled = ThresholdEarlyStopping([0.5, 0.9])
    _, expected = _run(_drive(in_order, values, list(range(60))))
    _, got = _run(_drive(shuffled, values, order))
    assert got["interval"] == expected["interval"]
    assert got["thresholds"] == expected["thresholds"]
    assert got["n"] == expected["n"] == 60


def test_quick_answers_finishing_first_do_not_bias_the_sequence() -> None:
    # Answers correct 30% of the time; correct answers finish first (e.g. refusals are slow).
    # Fed in completion order the first 30 scores would all be 1 and settle "above 0.5".
    values = [float(x) for x in _pool(100, 30, seed=6)]
    correct_first = sorted(range(100), key=lambda i: (values[i] == 0.0, i))
    naive = SequentialThresholdTest(100, [0.5])
    for i in correct_first:
        naive.update(values[i])
        if naive.settled(0.5):
            break
    assert naive.first_side[0.5] == "above"  # what completion order would have concluded

    manager = ThresholdEarlyStopping([0.5])
    _, meta = _run(_drive(manager, values, correct_first))
    assert meta["thresholds"][0]["first_side"] == "below"


def test_early_stop_after_settling_and_retries_are_not_cut() -> None:
    async def scenario() -> None:
        manager = ThresholdEarlyStopping([0.5])
        samples = [_FakeSample(i + 1) for i in range(200)]
        await manager.start_task(None, samples, 1)  # type: ignore[arg-type]
        stopped = None
        for s in samples:
            decision = await manager.schedule_sample(s.id, 1)
            if decision is not None:
                stopped = s.id
                assert decision.reason is not None and "settled" in decision.reason
                break
            await manager.complete_sample(s.id, 1, _scores("C"))
        assert stopped is not None and stopped < 50
        assert await manager.schedule_sample(1, 1) is None  # a retry of an admitted sample
        meta = await manager.complete_task()
        assert meta["reason"] == "settled"
        assert meta["thresholds"][0]["side"] == "above"
        assert meta["stopped_samples"] == 1
        json.dumps(meta)

    _run(scenario())


def test_a_sample_that_never_completes_halts_the_sequence() -> None:
    values = [1.0] * 40
    order = [i for i in range(40) if i != 2]  # the third sample errors and never completes
    _, meta = _run(_drive(ThresholdEarlyStopping([0.5]), values, order))
    assert meta["n"] == 2
    assert meta["reason"] == "incomplete"
    assert meta["waiting_on_samples"] == [3]


def test_pool_exhausted_when_nothing_settles_early() -> None:
    values = [float(x) for x in _pool(30, 15, seed=7)]
    _, meta = _run(_drive(ThresholdEarlyStopping([0.5]), values, list(range(30))))
    assert meta["reason"] == "pool exhausted"
    assert meta["exact"] is True
    assert meta["interval"] == [0.5, 0.5]
    assert meta["thresholds"][0]["side"] is None


def test_clusters_are_fed_whole_and_test_the_item_mean() -> None:
    sizes = [1, 3, 2, 4, 2]
    metadata = [{"passage": c} for c, size in enumerate(sizes) for _ in range(size)]
    values = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    manager = ThresholdEarlyStopping([0.5], cluster_key="passage")
    reversed_order = list(reversed(range(len(values))))
    _, meta = _run(_drive(manager, values, reversed_order, metadata))
    assert meta["unit"] == "cluster"
    assert meta["pool_size"] == 5
    assert meta["interval"] == [pytest.approx(np.mean(values))] * 2  # the item mean, exactly

    by_cluster = ThresholdEarlyStopping(
        [0.5], cluster_key="passage", cluster_estimand="cluster_mean"
    )
    _, meta = _run(_drive(by_cluster, values, reversed_order, metadata))
    cluster_means = [1.0, 2 / 3, 0.0, 0.75, 1.0]
    assert meta["interval"] == [pytest.approx(np.mean(cluster_means))] * 2


def test_clusters_must_be_contiguous() -> None:
    metadata = [{"passage": c} for c in ("a", "b", "a")]
    manager = ThresholdEarlyStopping([0.5], cluster_key="passage")
    with pytest.raises(ValueError, match="contiguous"):
        _run(_drive(manager, [1.0, 0.0, 1.0], [0, 1, 2], metadata))


def test_configuration_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="wor-betting"):
        ThresholdEarlyStopping([0.5], cluster_key="passage", method="hypergeometric")
    with pytest.raises(ValueError, match="threshold"):
        ThresholdEarlyStopping([])
    manager = ThresholdEarlyStopping([0.5])
    with pytest.raises(ValueError, match="epochs=1"):
        _run(manager.start_task(None, [_FakeSample(1)], 3))  # type: ignore[arg-type]

    async def two_scores() -> None:
        m = ThresholdEarlyStopping([0.5])
        await m.start_task(None, [_FakeSample(1)], 1)  # type: ignore[arg-type]
        await m.schedule_sample(1, 1)
        await m.complete_sample(1, 1, {**_scores("C"), "other": _scores("I")["match"]})

    with pytest.raises(ValueError, match="score_name"):
        _run(two_scores())


def test_a_retry_of_the_same_run_starts_afresh_but_another_run_is_refused() -> None:
    """Inspect retries a crashed run with the same task object: the monitor starts over.
    A different task or model on the same instance would mix two runs' scores."""
    from types import SimpleNamespace

    spec = SimpleNamespace(task_id="t1", model="mockllm/model")

    async def crash_then_retry() -> None:
        m = ThresholdEarlyStopping([0.5])
        await m.start_task(spec, [_FakeSample(1), _FakeSample(2)], 1)  # type: ignore[arg-type]
        await m.schedule_sample(1, 1)
        await m.complete_sample(1, 1, _scores("C"))
        # the run crashed here: no complete_task; Inspect retries with the same instance
        await m.start_task(spec, [_FakeSample(1), _FakeSample(2)], 1)  # type: ignore[arg-type]
        assert m.monitor is not None and m.monitor.n == 0
        other = SimpleNamespace(task_id="t1", model="other/model")
        with pytest.raises(RuntimeError, match="already monitoring"):
            await m.start_task(other, [_FakeSample(1)], 1)  # type: ignore[arg-type]

    _run(crash_then_retry())


# ---------------------------------------------------------------------------- a real eval


def test_real_inspect_eval_stops_early_and_logs_it(tmp_path: Path) -> None:
    from inspect_ai import Task, eval
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, scorer
    from inspect_ai.solver import Generate, TaskState, generate, solver

    pool_size = 200
    correct = _pool(pool_size, 170, seed=8).astype(bool)  # dataset order = seeded random order

    @solver
    def answer_dependent_latency() -> Any:
        # Wrong answers take longer, so samples finish out of dataset order.
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            await asyncio.sleep(0.0 if state.metadata["correct"] else 0.03)
            return state

        return solve

    @scorer(metrics=[accuracy()])
    def by_metadata() -> Any:
        async def score(state: TaskState, target: Target) -> Score:
            return Score(value=CORRECT if state.metadata["correct"] else INCORRECT)

        return score

    outputs = []
    for _ in range(pool_size):
        output = ModelOutput.from_content(model="mockllm/model", content="x")
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        outputs.append(output)
    model = get_model("mockllm/model", custom_outputs=outputs)
    manager = ThresholdEarlyStopping([0.5, 0.7], confidence=0.95)
    task = Task(
        dataset=MemoryDataset(
            [
                Sample(id=i + 1, input="q", target="x", metadata={"correct": bool(c)})
                for i, c in enumerate(correct)
            ]
        ),
        solver=[answer_dependent_latency(), generate()],
        scorer=by_metadata(),
        early_stopping=manager,
    )
    (log,) = eval(task, model=model, display="none", log_dir=str(tmp_path), max_samples=8)

    assert log.status == "success"
    assert log.results is not None and log.results.early_stopping is not None
    summary = log.results.early_stopping
    assert summary.metadata["reason"] == "settled"
    assert len(summary.early_stops) > 0
    assert log.samples is not None
    scored = [s for s in log.samples if s.scores]
    assert len(scored) < pool_size
    # The logged interval is the one a monitor fed in dataset order reaches after n samples.
    n = summary.metadata["n"]
    assert isinstance(n, int) and n <= len(scored)
    replay = SequentialThresholdTest(pool_size, [0.5, 0.7])
    for c in correct[:n]:
        replay.update(float(c))
    assert summary.metadata["interval"] == list(replay.interval)
    assert [t["side"] for t in summary.metadata["thresholds"]] == ["above", "above"]
