"""Cells with predictions for ``benchmarks/sequential.py``: simulated checkpoint series.

Each run is one re-assessment of a checkpoint on a pool of ``N`` binary items. Every item has
an easiness ``b_i ~ N(0, 1)``; checkpoint ``k`` answers item ``i`` correctly when its latent
``sqrt(r) b_i + sqrt(1 - r) e_ik`` (fresh noise ``e_ik ~ N(0, 1)`` per checkpoint) is among the
top ``round(p_k N)`` of the pool, so its pool score is exactly ``p_k``. The checkpoint being
assessed has ``p``; the four before it have ``p - 0.03 j`` (``j = 1..4``: the model improves
between checkpoints). ``r`` is set so that successive checkpoints' per-item scores have the
target correlation ``rho`` at ``p = 0.5`` (the tetrachoric relation, computed exactly).

Predictions, fixed before the run:

* ``previous``: the previous checkpoint's per-item scores (binary); uniform order.
* ``fit of 4``: each item's mean score over the four previous checkpoints (0, 1/4, ..., 1);
  uniform order, and also an *active* order (``active_weights``, ``active_order``).
* adversarial: ``anti`` (one minus the previous checkpoint's scores, at ``rho = 0.9``) and
  ``easy right, hard wrong`` (this checkpoint's own scores on the easier half of the pool,
  their opposite on the harder half).

Every method sees the same pools and orders within a cell; cells are seeded independently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.stats import multivariate_normal, norm

from redline.measure.assisted import active_weights, simulate_assisted_settlement
from redline.measure.sequential import simulate_settlement

STEP = 0.03  # pool-score gain between successive checkpoints
EARLIER = 4
CHUNK = 2000  # runs simulated at once (memory)

KINDS = ("previous", "fit of 4")
ADVERSARIAL = ("anti", "easy right, hard wrong")
METHODS = ("hypergeometric", "previous", "fit of 4", "fit of 4, active")


@dataclass
class AssistedResult:
    wrong: float
    undecided: float
    median_used: float
    p90_used: float


@dataclass
class AssistedCell:
    pool_size: int
    p: float
    gap: float
    predictions: str  # "rho=0.7" or an adversarial kind
    rho: float
    latent_r: float
    correlation: dict[str, float] = field(default_factory=dict)  # measured corr(f, y)
    methods: dict[str, AssistedResult] = field(default_factory=dict)


def binary_correlation(r: float, p: float = 0.5, p_prev: float = 0.5 - STEP) -> float:
    """Correlation of two checkpoints' 0/1 scores whose latents have correlation ``r``."""
    if r <= 0:
        return 0.0
    a, b = norm.ppf(1 - p), norm.ppf(1 - p_prev)
    both = multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([-a, -b])
    return float((both - p * p_prev) / math.sqrt(p * (1 - p) * p_prev * (1 - p_prev)))


def latent_r(rho: float) -> float:
    if rho <= 0:
        return 0.0
    return float(brentq(lambda r: binary_correlation(r) - rho, 1e-6, 1 - 1e-9, xtol=1e-6))


def _top(latent: NDArray[np.float64], k: int) -> NDArray[np.int8]:
    out = np.zeros(latent.shape, dtype=np.int8)
    np.put_along_axis(out, np.argsort(-latent, axis=1)[:, :k], 1, axis=1)
    return out


def _pools(
    p: float, r: float, trials: int, n: int, rng: np.random.Generator
) -> tuple[NDArray[np.int8], list[NDArray[np.int8]], NDArray[np.float64]]:
    b = rng.standard_normal((trials, n))

    def checkpoint(score: float) -> NDArray[np.int8]:
        noise = rng.standard_normal((trials, n))
        return _top(math.sqrt(r) * b + math.sqrt(1 - r) * noise, round(max(score, 0.0) * n))

    y = checkpoint(p)
    earlier = [checkpoint(p - STEP * j) for j in range(1, EARLIER + 1)]
    return y, earlier, b


def _take(a: NDArray[Any], order: NDArray[np.int64]) -> NDArray[Any]:
    return np.take_along_axis(a, order, axis=1)


def _corr(f: NDArray[Any], y: NDArray[Any]) -> float:
    rows = [np.corrcoef(f[i], y[i])[0, 1] for i in range(min(100, f.shape[0]))]
    rows = [v for v in rows if math.isfinite(v)]
    return float(np.mean(rows)) if rows else float("nan")


def run_assisted_cell(
    pool_size: int,
    p: float,
    threshold: float,
    trials: int,
    confidence: float,
    seed: int,
    predictions: str,
) -> AssistedCell:
    """One cell: ``predictions`` is ``"rho=<value>"`` or an adversarial kind."""
    rho = float(predictions.split("=")[1]) if predictions.startswith("rho=") else 0.9
    r = latent_r(rho)
    cell = AssistedCell(pool_size, p, round(p - threshold, 10), predictions, rho, r)
    mean = round(p * pool_size) / pool_size
    truth = 1 if mean > threshold else (-1 if mean < threshold else 0)
    tag = sum(ord(c) for c in predictions)
    rng = np.random.default_rng([seed, pool_size, round(p * 1_000_000), tag])
    collected: dict[str, list[tuple[NDArray[np.int64], NDArray[np.int8]]]] = {}
    corr: dict[str, list[float]] = {}
    for begin in range(0, trials, CHUNK):
        size = min(CHUNK, trials - begin)
        y, earlier, b = _pools(p, r, size, pool_size, rng)
        if predictions == "anti":
            sources = {"previous": 1.0 - earlier[0]}
        elif predictions == "easy right, hard wrong":
            easy = b > np.median(b, axis=1, keepdims=True)
            sources = {"previous": np.where(easy, y, 1 - y).astype(np.float64)}
        else:
            sources = {
                "previous": earlier[0].astype(np.float64),
                "fit of 4": np.mean(earlier, axis=0),
            }
        order = np.argsort(rng.random(y.shape), axis=1)
        ys = _take(y, order)
        runs = {"hypergeometric": simulate_settlement(ys, threshold, confidence)}
        for name, f in sources.items():
            corr.setdefault(name, []).append(_corr(f, y))
            runs[name] = simulate_assisted_settlement(ys, _take(f, order), None, threshold,
                                                      confidence)  # fmt: skip
            # Active order: weights from the predictions, successive sampling by exponential
            # keys (what active_order does for one run).
            w = active_weights(np.clip(f, 0.0, 1.0))
            keys = rng.standard_exponential(y.shape) / w
            act = np.argsort(keys, axis=1)
            runs[f"{name}, active"] = simulate_assisted_settlement(
                _take(y, act), _take(f, act), _take(w, act), threshold, confidence
            )
        for name, res in runs.items():
            collected.setdefault(name, []).append(res)
    for name, parts in collected.items():
        stop = np.concatenate([s for s, _ in parts])
        side = np.concatenate([d for _, d in parts])
        decided = side != 0
        used = np.where(decided, stop, pool_size) / pool_size
        cell.methods[name] = AssistedResult(
            wrong=float(np.mean(decided & (side != truth))),
            undecided=float(np.mean(~decided)),
            median_used=float(np.median(used)),
            p90_used=float(np.quantile(used, 0.9)),
        )
    cell.correlation = {k: float(np.mean(v)) for k, v in corr.items()}
    return cell


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_assisted(cells: list[AssistedCell], trials: int) -> list[str]:
    rate = (lambda x: f"{x:.4f}") if trials >= 1000 else (lambda x: f"{x:.3f}")
    lines = []
    for pool_size in sorted({c.pool_size for c in cells}):
        lines.append(f"## with predictions, pool N = {pool_size}")
        lines.append("")
        header = (
            "| predictions | p | p-t | corr(prev, y) | today (hypergeometric): wrong | med "
            "| previous: wrong | med | p90 | prev, active: wrong | med "
            "| corr(fit4, y) | fit of 4: wrong | med | fit4, active: wrong | med |"
        )
        lines += [header, "|" + "---|" * (header.count("|") - 1)]
        for c in (c for c in cells if c.pool_size == pool_size):
            m = c.methods
            h, pv, pa = m["hypergeometric"], m["previous"], m["previous, active"]
            f4, fa = m.get("fit of 4"), m.get("fit of 4, active")
            fit = (
                f"| {c.correlation['fit of 4']:.2f} | {rate(f4.wrong)} | {_pct(f4.median_used)} "
                f"| {rate(fa.wrong)} | {_pct(fa.median_used)} |"
                if f4 is not None and fa is not None
                else "| – | – | – | – | – |"
            )
            lines.append(
                f"| {c.predictions} | {c.p:.2f} | {c.gap:+.2f} | {c.correlation['previous']:.2f} "
                f"| {rate(h.wrong)} | {_pct(h.median_used)} "
                f"| {rate(pv.wrong)} | {_pct(pv.median_used)} | {_pct(pv.p90_used)} "
                f"| {rate(pa.wrong)} | {_pct(pa.median_used)} " + fit
            )
        lines.append("")
    worst = max((r.wrong, name, c.predictions, c.p) for c in cells for name, r in c.methods.items())
    lines.append(
        f"largest wrong-decision rate with predictions: {worst[0]:.4f} "
        f"({worst[1]}, {worst[2]}, p = {worst[3]:.2f})"
    )
    return lines
