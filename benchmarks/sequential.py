"""How much of a benchmark pool does early stopping need, and how often is it wrong?

Each trial is one evaluation of a model whose true pool score is ``p``: a pool of ``N`` binary
items with ``round(p N)`` ones, in a uniformly random order. Each method watches the scores in
that order and decides whether the pool score is above or below the threshold ``t``. Side by
side, on the same simulated orders:

* ``WoR hypergeometric``: redline's default for binary scores (``method="hypergeometric"``);
* ``WoR betting``: redline's without-replacement betting CS, used for non-binary scores and
  clusters (``method="wor-betting"``);
* ``WR betting (PrPl)``: the with-replacement hedged betting CS with predictable plug-in bets
  (Waudby-Smith & Ramdas, JRSS-B 2024), the baseline;
* ``full-pool Wilson``: what is usually done today, a 95% Wilson interval on all ``N`` items;
* ``SPRT``: Wald's sequential probability ratio test of ``H0: p = t - d`` against
  ``H1: p = t + d`` with ``d = |p - t|`` and error rates 0.05 / 0.05, a near-optimal reference
  that is only available because it is told ``d``; it tests two points, not a pool mean, and
  is truncated at ``N``.

With predictions (``benchmarks/assisted_cells.py``, the model-assisted test of
``redline.measure.assisted``): simulated checkpoint series in which each item's correctness
follows a latent ability and item easiness, predictions from earlier checkpoints with a given
correlation, and adversarial predictions; today's hypergeometric column is recomputed on the
same pools and orders, beside them.

Per cell: wrong-decision rate (settled on the wrong side of ``t``; at ``p = t`` any settlement
is wrong), undecided rate when the pool is used up, and the median (and 90th percentile) share
of the pool used, counting an undecided trial as the whole pool. Seeded: the same arguments
print the same table. The CS methods call ``redline.measure.sequential.simulate_settlement``,
which the tests check step for step against the monitor that runs in evaluations.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from assisted_cells import (
    ADVERSARIAL,
    render_assisted,
    run_assisted_cell,
)

from redline.measure.sequential import SequentialMethod, simulate_settlement
from redline.measure.stats import wilson_interval

CS_METHODS: tuple[tuple[str, SequentialMethod], ...] = (
    ("WoR hypergeometric", "hypergeometric"),
    ("WoR betting", "wor-betting"),
    ("WR betting (PrPl)", "wr-betting"),
)
SPRT_ERROR = 0.05


@dataclass
class MethodResult:
    wrong: float
    undecided: float
    median_used: float
    p90_used: float
    mean_used: float


@dataclass
class Cell:
    pool_size: int
    p: float
    gap: float
    pool_mean: float
    methods: dict[str, MethodResult] = field(default_factory=dict)
    full_pool_wilson: tuple[float, float] = (0.0, 1.0)
    full_pool_excludes_t: bool = False
    sprt_delta: float = 0.0


def _streams(pool_size: int, ones: int, trials: int, rng: np.random.Generator) -> NDArray[Any]:
    base = np.zeros(pool_size, dtype=np.int8)
    base[:ones] = 1
    return rng.permuted(np.tile(base, (trials, 1)), axis=1)


def _result(
    stop: NDArray[np.int64], side: NDArray[np.int8], truth: int, pool_size: int
) -> MethodResult:
    decided = side != 0
    used = np.where(decided, stop, pool_size) / pool_size
    return MethodResult(
        wrong=float(np.mean(decided & (side != truth))),
        undecided=float(np.mean(~decided)),
        median_used=float(np.median(used)),
        p90_used=float(np.quantile(used, 0.9)),
        mean_used=float(np.mean(used)),
    )


def _sprt(
    streams: NDArray[Any], threshold: float, delta: float, chunk: int = 1000
) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """Wald's SPRT on each row, truncated at the pool size (undecided then)."""
    p0, p1 = threshold - delta, threshold + delta
    win, lose = math.log(p1 / p0), math.log((1 - p1) / (1 - p0))
    upper = math.log((1 - SPRT_ERROR) / SPRT_ERROR)
    lower = math.log(SPRT_ERROR / (1 - SPRT_ERROR))
    trials = streams.shape[0]
    stop = np.zeros(trials, dtype=np.int64)
    side = np.zeros(trials, dtype=np.int8)
    for begin in range(0, trials, chunk):
        x = streams[begin : begin + chunk]
        llr = np.cumsum(np.where(x == 1, win, lose), axis=1)
        hit = (llr >= upper) | (llr <= lower)
        has = hit.any(axis=1)
        first = hit.argmax(axis=1)
        rows = np.flatnonzero(has)
        stop[begin + rows] = first[rows] + 1
        side[begin + rows] = np.where(llr[rows, first[rows]] >= upper, 1, -1)
    return stop, side


def run_cell(
    pool_size: int,
    p: float,
    threshold: float,
    trials: int,
    confidence: float,
    seed: int,
    smallest_gap: float,
) -> Cell:
    ones = round(p * pool_size)
    pool_mean = ones / pool_size
    truth = 1 if pool_mean > threshold else (-1 if pool_mean < threshold else 0)
    # One seed per cell, so cells can run in any order or process and print the same numbers.
    rng = np.random.default_rng([seed, pool_size, round(p * 1_000_000)])
    streams = _streams(pool_size, ones, trials, rng)
    cell = Cell(pool_size=pool_size, p=p, gap=round(p - threshold, 10), pool_mean=pool_mean)
    for name, method in CS_METHODS:
        stop, side = simulate_settlement(streams, threshold, confidence, method)
        cell.methods[name] = _result(stop, side, truth, pool_size)
    delta = abs(p - threshold) if abs(p - threshold) > 1e-12 else smallest_gap
    cell.sprt_delta = delta
    stop, side = _sprt(streams, threshold, delta)
    cell.methods["SPRT"] = _result(stop, side, truth, pool_size)
    lower, upper = wilson_interval(ones, pool_size, confidence)
    cell.full_pool_wilson = (lower, upper)
    cell.full_pool_excludes_t = not (lower <= threshold <= upper)
    return cell


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _rate(x: float, trials: int) -> str:
    # Enough digits to show a rate of a single trial in 10,000.
    return f"{x:.4f}" if trials >= 1000 else f"{x:.3f}"


def render(cells: list[Cell], args: argparse.Namespace, command: str, seconds: float) -> str:
    alpha = 1 - args.confidence
    lines = [
        f"# reproduce: {command}",
        f"threshold t = {args.threshold}, confidence {args.confidence} (alpha = {alpha:.2f}), "
        f"{args.trials} trials per cell, seed {args.seed}",
        "wrong = settled on the wrong side of t (at p = t: settled at all); undec = undecided "
        "when the pool is used up;",
        "med / p90 = median / 90th percentile share of the pool used (undecided = 100%); "
        "SPRT mean = its average sample size.",
        "",
    ]
    for pool_size in args.pools:
        lines.append(f"## pool N = {pool_size}")
        lines.append("")
        header = (
            "| p | p-t | WoR hypergeometric: wrong | undec | med | p90 "
            "| WoR betting: wrong | med "
            "| WR betting (PrPl): wrong | undec | med "
            "| full-pool Wilson excludes t "
            "| SPRT: wrong | undec | mean | med |"
        )
        lines.append(header)
        lines.append("|" + "---|" * (header.count("|") - 1))
        for c in (c for c in cells if c.pool_size == pool_size):
            h = c.methods["WoR hypergeometric"]
            b = c.methods["WoR betting"]
            w = c.methods["WR betting (PrPl)"]
            s = c.methods["SPRT"]
            lines.append(
                f"| {c.p:.2f} | {c.gap:+.2f} "
                f"| {_rate(h.wrong, args.trials)} | {_pct(h.undecided)} | {_pct(h.median_used)} "
                f"| {_pct(h.p90_used)} "
                f"| {_rate(b.wrong, args.trials)} | {_pct(b.median_used)} "
                f"| {_rate(w.wrong, args.trials)} | {_pct(w.undecided)} | {_pct(w.median_used)} "
                f"| {'yes' if c.full_pool_excludes_t else 'no'} "
                f"| {_rate(s.wrong, args.trials)} | {_pct(s.undecided)} | {_pct(s.mean_used)} "
                f"| {_pct(s.median_used)} |"
            )
        lines.append("")
    worst = max(
        (m.wrong, name, c.pool_size, c.p)
        for c in cells
        for name, m in c.methods.items()
        if name != "SPRT"
    )
    lines.append(
        f"largest wrong-decision rate of a confidence sequence: {worst[0]:.4f} "
        f"({worst[1]}, N = {worst[2]}, p = {worst[3]:.2f}); alpha = {alpha:.2f}"
    )
    lines.append(f"elapsed: {seconds:.0f} s with {args.workers} worker(s)")
    return "\n".join(lines)


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000, help="simulated runs per cell")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument(
        "--gaps",
        type=_floats,
        default=[0.0, 0.01, 0.02, 0.05, 0.10, 0.20],
        help="|p - t| values; each is run on both sides of t (0 once)",
    )
    parser.add_argument(
        "--pools", type=_ints, default=[500, 3668], help="pool sizes (3,668 is WMDP's)"
    )
    parser.add_argument(
        "--prediction-rhos",
        type=_floats,
        default=[0.0, 0.3, 0.5, 0.7, 0.9],
        help="correlations of successive checkpoints' per-item scores (cells with predictions)",
    )
    parser.add_argument(
        "--prediction-gaps",
        type=_floats,
        default=[0.0, 0.05, 0.10],
        help="|p - t| with predictions",
    )
    parser.add_argument(
        "--prediction-pools", type=_ints, default=[3668], help="pool sizes with predictions"
    )
    parser.add_argument("--no-predictions", action="store_true", help="skip those cells")
    parser.add_argument("--workers", type=int, default=2, help="processes (cells run in parallel)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(["python benchmarks/sequential.py", *([shlex.join(given)] if given else [])])

    ps = sorted({round(args.threshold + sign * g, 10) for g in args.gaps for sign in (-1, 1)})
    smallest_gap = min((g for g in args.gaps if g > 0), default=0.01)
    jobs = [
        (n, p, args.threshold, args.trials, args.confidence, args.seed, smallest_gap)
        for n in args.pools
        for p in ps
    ]
    assisted_jobs = []
    if not args.no_predictions:
        aps = sorted(
            {round(args.threshold + sign * g, 10) for g in args.prediction_gaps for sign in (-1, 1)}
        )
        kinds = [f"rho={r:g}" for r in args.prediction_rhos] + list(ADVERSARIAL)
        assisted_jobs = [
            (n, p, args.threshold, args.trials, args.confidence, args.seed, kind)
            for n in args.prediction_pools
            for kind in kinds
            for p in aps
        ]
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            # The slowest cells (predictions, p = t) first, so the workers finish together.
            assisted_future = [pool.submit(run_assisted_cell, *job) for job in assisted_jobs]
            cells = list(pool.map(run_cell, *zip(*jobs, strict=True)))
            assisted = [f.result() for f in assisted_future]
    else:
        cells = [run_cell(*job) for job in jobs]
        assisted = [run_assisted_cell(*job) for job in assisted_jobs]
    seconds = time.perf_counter() - started

    if args.json:
        payload = {
            "command": command,
            "arguments": {k: v for k, v in vars(args).items() if k != "json"},
            "elapsed_seconds": seconds,
            "cells": [asdict(c) for c in cells],
            "cells_with_predictions": [asdict(c) for c in assisted],
        }
        print(json.dumps(payload, indent=2))
    else:
        text = render(cells, args, command, seconds)
        if assisted:
            text += "\n\n" + "\n".join(render_assisted(assisted, args.trials))
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
