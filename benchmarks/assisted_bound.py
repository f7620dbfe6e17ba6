"""How few items could *any* test need? An oracle reference for the cells with predictions.

For the simulated checkpoint series of ``benchmarks/assisted_cells.py`` this script computes
what an *oracle* sequential test would need: one that is told, for every prediction stratum
``s`` (the items whose prediction equals a given value: 0 or 1 for the previous checkpoint,
0, 1/4, ..., 1 for the fit of four), the stratum's pool share ``w_s`` and its true rate
``mu_s`` in the assessed checkpoint. Such a test is Wald's SPRT of the truth against the
closest null: the rates ``q_s`` that minimise the information ``sum_s a_s kl(mu_s, q_s)``
subject to ``sum_s w_s q_s = t``, where ``a_s`` is the share of draws taken from stratum
``s`` (``a = w`` for a uniform order; the *best design* maximises the information over
``a``). That minimum, ``KL_inf``, is the information per item about the side of ``t``; no
test that is valid for every pool on the other side of ``t`` can gather it faster, and the
SPRT against the closest null is the test that uses it best (Wald and Wolfowitz 1948).

Printed per cell, as a share of the pool ``N``:

* ``log(c/alpha) / (N KL_inf)``: the first-order sample size of the oracle test, with
  ``c = 2`` (each side at ``alpha / 2``: what the benchmark's confidence sequences spend,
  since at ``p = t`` any settlement is counted wrong) and ``c = 1`` (each side at ``alpha``);
* the simulated median stopping time of that oracle SPRT (``c = 2``), draws with
  replacement (at a few percent of the pool the difference from sampling without
  replacement is negligible).

The oracle is not a method: it knows the rates it is testing. It is the floor that the
benchmark's assisted columns are read against (``docs/statistics.md`` section 4, "With
predictions"; ``docs/performance.md``).

    python benchmarks/assisted_bound.py            # rho 0, 0.3, 0.5, 0.7, 0.9; gaps 0.10, 0.05
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize

sys.path.insert(0, str(Path(__file__).parent))
from assisted_cells import EARLIER, _pools, latent_r

Array = NDArray[np.float64]
EPS = 1e-12


def kl(p: Array, q: Array) -> Array:
    """Bernoulli Kullback-Leibler divergence kl(p, q), elementwise."""
    p, q = np.clip(p, EPS, 1 - EPS), np.clip(q, EPS, 1 - EPS)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def closest_null(a: Array, w: Array, mu: Array, t: float) -> Array:
    """The rates q minimising sum a_s kl(mu_s, q_s) subject to sum w_s q_s = t.

    Stationarity: a_s (q_s - mu_s) / (q_s (1 - q_s)) = -lam w_s, one root in (0, 1) per s
    for each lam; lam is found so that the constraint holds.
    """

    def q_of(lam: float) -> Array:
        out = np.empty_like(mu)
        for i, (a_s, w_s, m) in enumerate(zip(a, w, mu, strict=True)):
            if a_s <= 0:  # never sampled: free, put it where the constraint wants it
                out[i] = EPS if lam > 0 else 1 - EPS
                continue

            def g(q: float, a_s: float = a_s, w_s: float = w_s, m: float = m) -> float:
                return a_s * (q - m) / (q * (1 - q)) + lam * w_s

            lo, hi = g(EPS), g(1 - EPS)
            out[i] = brentq(g, EPS, 1 - EPS) if lo < 0 < hi else (EPS if lo >= 0 else 1 - EPS)
        return out

    lam = brentq(lambda lam: float(w @ q_of(lam)) - t, -1e7, 1e7, xtol=1e-10)
    return q_of(lam)


def information(a: Array, w: Array, mu: Array, t: float) -> float:
    """KL_inf for design a: information per draw about the side of t."""
    return float(a @ kl(mu, closest_null(a, w, mu, t)))


def best_design(w: Array, mu: Array, t: float) -> Array:
    """The draw shares a (on the simplex) that maximise the information."""
    if len(w) == 1:
        return np.ones(1)

    def neg(z: Array) -> float:
        a = np.exp(z - z.max())
        return -information(a / a.sum(), w, mu, t)

    res = minimize(neg, np.log(w + 1e-9), method="Nelder-Mead",
                   options={"maxiter": 4000, "xatol": 1e-5, "fatol": 1e-12})  # fmt: skip
    a = np.exp(res.x - res.x.max())
    return a / a.sum()


def oracle_median(
    a: Array, w: Array, mu: Array, t: float, bound: float, runs: int, rng: np.random.Generator
) -> float:
    """Median number of draws before the oracle SPRT's log-likelihood ratio reaches bound."""
    q = closest_null(a, w, mu, t)
    up, down = np.log(mu / q), np.log((1 - mu) / (1 - q))
    horizon = int(20 * bound / max(float(a @ kl(mu, q)), 1e-9)) + 50
    s = rng.choice(len(a), size=(runs, horizon), p=a)
    y = rng.random((runs, horizon)) < mu[s]
    walk = np.cumsum(np.where(y, up[s], down[s]), axis=1)
    hit = walk >= bound
    first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, horizon)
    return float(np.median(first))


def strata(f: Array, y: Array) -> tuple[Array, Array]:
    """Pool shares and true rates of the prediction strata."""
    vals = np.unique(f)
    w = np.array([np.mean(f == v) for v in vals])
    mu = np.array([y[f == v].mean() for v in vals])
    return w, np.clip(mu, EPS, 1 - EPS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", type=int, default=3668)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--rho", type=float, nargs="+", default=[0.0, 0.3, 0.5, 0.7, 0.9])
    parser.add_argument("--gaps", type=float, nargs="+", default=[0.10, 0.05])
    parser.add_argument("--pools", type=int, default=5, help="simulated pools per cell")
    parser.add_argument("--runs", type=int, default=2000, help="oracle SPRT runs per pool")
    parser.add_argument("--seed", type=int, default=20261208)
    args = parser.parse_args(argv)
    n, t = args.pool, args.threshold
    rng = np.random.default_rng(args.seed)
    two, one = math.log(2 / args.alpha), math.log(1 / args.alpha)
    print(f"pool N = {n}, t = {t}, alpha = {args.alpha}; {args.pools} pools per cell, "
          f"{args.runs} oracle runs per pool; seed {args.seed}")  # fmt: skip
    print()
    print("| predictions | p - t | design | log(2/a)/KL_inf | log(1/a)/KL_inf "
          "| oracle SPRT median (each side a/2) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for rho in args.rho:
        r = latent_r(rho)
        for gap in args.gaps:
            rows: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
            for p in (t + gap, t - gap):
                for _ in range(args.pools):
                    y, earlier, _b = _pools(p, r, 1, n, rng)
                    yv = y[0].astype(np.float64)
                    kinds = {
                        "none": np.zeros(n),
                        "previous": earlier[0][0].astype(np.float64),
                        f"fit of {EARLIER}": np.mean([e[0] for e in earlier], axis=0),
                    }
                    for name, f in kinds.items():
                        w, mu = strata(f, yv)
                        designs = {"uniform": w}
                        if name != "none":
                            designs["best"] = best_design(w, mu, t)
                        for dname, a in designs.items():
                            info = information(a, w, mu, t)
                            med = oracle_median(a, w, mu, t, two, args.runs, rng)
                            rows.setdefault((name, dname), []).append(
                                (two / info / n, one / info / n, med / n)
                            )
            for (name, dname), vals in rows.items():
                arr = np.array(vals)
                lo, hi = arr.min(axis=0), arr.max(axis=0)
                cells = " | ".join(
                    f"{100 * a:.1f}%" if round(100 * a, 1) == round(100 * b, 1)
                    else f"{100 * a:.1f}–{100 * b:.1f}%"
                    for a, b in zip(lo, hi, strict=True)
                )  # fmt: skip
                label = "none" if name == "none" else f"{name}, rho = {rho}"
                if name == "none" and rho != args.rho[0]:
                    continue
                print(f"| {label} | ±{gap:.2f} | {dname} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
