"""Model-assisted confidence sequences: validity whatever the predictions, and the monitor."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from redline.measure.assisted import (
    AssistedThresholdTest,
    active_order,
    active_weights,
    simulate_assisted_settlement,
)

N = 300


def _cell(
    p: float, kind: str, trials: int, seed: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Pools of ``N`` binary scores with exactly ``round(p N)`` ones, and predictions of a kind."""
    rng = np.random.default_rng(seed)
    easiness = rng.standard_normal((trials, N))
    latent = easiness + 0.5 * rng.standard_normal((trials, N))
    y = np.zeros((trials, N))
    np.put_along_axis(y, np.argsort(-latent, axis=1)[:, : round(p * N)], 1.0, axis=1)
    if kind == "good":
        f = y.copy()
        flip = rng.random((trials, N)) < 0.1
        f[flip] = 1 - f[flip]
    elif kind == "useless":
        f = (rng.random((trials, N)) < 0.5).astype(float)
    elif kind == "anti":
        f = 1.0 - y
    elif kind == "easy-right-hard-wrong":
        easy = easiness > np.median(easiness, axis=1, keepdims=True)
        f = np.where(easy, y, 1.0 - y)
    elif kind == "confident-wrong":  # probabilities that point the wrong way, with conviction
        f = np.where(y == 1, 0.05, 0.95)
    else:
        raise AssertionError(kind)
    return y, f, easiness


def _uniform(y: np.ndarray[Any, Any], f: np.ndarray[Any, Any], seed: int) -> tuple[Any, Any]:
    order = np.argsort(np.random.default_rng(seed).random(y.shape), axis=1)
    return np.take_along_axis(y, order, 1), np.take_along_axis(f, order, 1)


KINDS = ("good", "useless", "anti", "easy-right-hard-wrong", "confident-wrong")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("p", [0.5, 0.45])
def test_wrong_decisions_stay_below_alpha_whatever_the_predictions(kind: str, p: float) -> None:
    """Seeded coverage check on a small pool: at p = t every settlement is an error, so the
    rate there is the CS's whole error budget; a 3-sigma margin keeps it from flaking."""
    trials, alpha = 400, 0.05
    y, f, _ = _cell(p, kind, trials, seed=11)
    ys, fs = _uniform(y, f, seed=12)
    for fallback in (0.0, 0.8):
        _, side = simulate_assisted_settlement(ys, fs, None, 0.5, 0.95, fallback=fallback)
        wrong = np.mean(side != 0) if p == 0.5 else np.mean(side == 1)
        assert wrong <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / trials), (kind, fallback)
    # Active order: successive sampling with weights from the (possibly adversarial) predictions.
    w = active_weights(np.clip(f, 0.05, 0.95))
    keys = np.random.default_rng(13).standard_exponential(y.shape) / w
    o = np.argsort(keys, axis=1)
    take = lambda a: np.take_along_axis(a, o, 1)  # noqa: E731
    _, side = simulate_assisted_settlement(take(y), take(f), take(w), 0.5, 0.95)
    wrong = np.mean(side != 0) if p == 0.5 else np.mean(side == 1)
    assert wrong <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / trials), (kind, "active")


def test_good_predictions_settle_sooner_and_useless_ones_cost_little() -> None:
    from redline.measure.sequential import simulate_settlement

    y, f, _ = _cell(0.4, "good", 200, seed=3)
    ys, fs = _uniform(y, f, seed=4)
    plain, _ = simulate_settlement(ys.astype(np.int8), 0.5, 0.95, "hypergeometric")
    helped, side = simulate_assisted_settlement(ys, fs, None, 0.5, 0.95)
    assert np.all(side == -1)
    assert np.median(helped) < 0.85 * np.median(plain)
    y, f, _ = _cell(0.35, "useless", 200, seed=3)
    ys, fs = _uniform(y, f, seed=4)
    plain, _ = simulate_settlement(ys.astype(np.int8), 0.5, 0.95, "hypergeometric")
    helped, _ = simulate_assisted_settlement(ys, fs, None, 0.5, 0.95)
    assert np.median(helped) <= 1.1 * np.median(plain)


@pytest.mark.parametrize("active", [False, True])
@pytest.mark.parametrize("kind", ["good", "anti"])
def test_monitor_matches_the_simulation_step_for_step(active: bool, kind: str) -> None:
    y, f, _ = _cell(0.42, kind, 6, seed=5)
    thresholds = [0.3, 0.5]
    for row in range(y.shape[0]):
        preds = np.clip(f[row], 0.1, 0.9) if active else f[row]
        weights = active_weights(preds) if active else None
        order = (
            active_order(weights, seed=row)
            if weights is not None
            else list(np.random.default_rng(row).permutation(N))
        )
        monitor = AssistedThresholdTest(preds, thresholds, 0.95, weights=weights)
        for i in order:
            monitor.update(y[row, i], index=int(i))
        ys, fs = y[row, order][None, :], preds[order][None, :]
        ws = None if weights is None else weights[order][None, :]
        for t in thresholds:
            stop, side = simulate_assisted_settlement(ys, fs, ws, t, 0.95)
            assert monitor.settled_at[t] == (int(stop[0]) or None)
            want = {1: "above", -1: "below", 0: None}[int(side[0])]
            assert monitor.first_side[t] == want
        mean = y[row].mean()
        assert monitor.interval == (pytest.approx(mean), pytest.approx(mean))


def test_interval_covers_the_pool_mean_and_agrees_with_the_sides() -> None:
    y, f, _ = _cell(0.42, "good", 1, seed=8)
    monitor = AssistedThresholdTest(f[0], [0.5], 0.95)
    for n, i in enumerate(np.random.default_rng(1).permutation(N), start=1):
        monitor.update(y[0, i], index=int(i))
        lower, upper = monitor.interval
        assert lower <= y[0].mean() <= upper
        if n == 40:
            assert upper - lower < 0.5
    with pytest.raises(ValueError, match="already drawn"):
        monitor.update(1.0, index=0)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        AssistedThresholdTest([0.2, 1.4], [0.5])
    with pytest.raises(ValueError, match="uniform order"):
        AssistedThresholdTest([0.2, 0.4], [0.5], weights=[1.0, 2.0], fallback=0.5)
    with pytest.raises(ValueError, match="binary"):
        AssistedThresholdTest([0.2, 0.4], [0.5]).update(0.5, index=0)
    with pytest.raises(ValueError, match="positive"):
        active_order([1.0, 0.0], seed=1)


def test_active_order_draws_heavier_items_first() -> None:
    weights = np.r_[np.full(50, 10.0), np.full(50, 1.0)]
    firsts = [active_order(weights, seed=s)[0] for s in range(400)]
    share = np.mean(np.asarray(firsts) < 50)
    assert share == pytest.approx(500 / 550, abs=0.05)


def test_the_weighted_estimate_is_unbiased_under_an_active_order() -> None:
    """The plain mean of an active order's first draws is biased towards uncertain items; the
    monitor's estimate is not (averaged over seeded orders, it hits the pool mean)."""
    rng = np.random.default_rng(21)
    f = rng.uniform(0.02, 0.98, N)
    y = (np.abs(f - 0.5) < 0.2).astype(float)  # the uncertain items, drawn more often, score 1
    weights = active_weights(f)
    plain, weighted = [], []
    for seed in range(150):
        monitor = AssistedThresholdTest(f, [0.99], 0.95, weights=weights)
        for i in active_order(weights, seed)[:40]:
            monitor.update(y[i], index=i)
        plain.append(monitor.mean)
        weighted.append(monitor.estimate)
    se = np.std(weighted) / np.sqrt(len(weighted))
    assert abs(np.mean(weighted) - y.mean()) < 4 * se
    assert np.mean(plain) - y.mean() > 4 * np.std(plain) / np.sqrt(len(plain))
