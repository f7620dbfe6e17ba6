"""The curve fits behind :mod:`redline.measure.forecast`.

Everything here is on the *unit scale*: scores mapped from the metric's bounds to [0, 1].
A candidate model has a linear predictor ``eta = a + b * d`` with ``d = x - x_ref`` and a
link from eta to the score:

* ``logistic``: ``u = sigmoid(eta)`` (the curve runs from the lower to the upper bound);
* ``ceiling``: ``u = c * sigmoid(eta)`` with a fitted ceiling ``c`` in (0, 1] (a curve that
  flattens below the upper bound);
* ``floor``: ``u = f + (1 - f) * sigmoid(eta)`` with a fitted floor ``f`` in [0, 0.95) (a
  chance level, or a flat baseline before a steep rise);
* ``linear``: ``u = clip(eta, 0, 1)``.

Each point has its measurement SD ``s_i`` (from its own interval). Scatter beyond that is a
between-checkpoint variance ``tau2`` on the eta scale, so point i's variance is
``s_i^2 + (du/deta)_i^2 * tau2``; ``tau2`` solves the Paule-Mandel equation (the weighted
residual sum of squares equals its degrees of freedom; 0 when the intervals already explain
the scatter). The fit is weighted least squares; the parameters' covariance is the inverse of
the weighted Gauss-Newton information. Candidates are weighted by AIC (Burnham & Anderson).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special
from scipy import stats as _sp

ModelKind = Literal["logistic", "ceiling", "floor", "linear"]
Array = NDArray[np.float64]

TAU2_CAP = 100.0  # eta-scale variance; a logit SD of 10 means "anything goes"
MIN_FOR: dict[ModelKind, int] = {"linear": 2, "logistic": 4, "ceiling": 5, "floor": 5}
"""Fewest distinct x for each candidate: a curve needs more points than a line, and a
fitted ceiling or floor more again (with fewer, it is not identified)."""


CEILING_TEST = 0.5
"""Level of the likelihood-ratio test a fitted ceiling or floor must pass to join the
average (against the plain logistic, in which both are nested)."""
CEILING_CRITICAL = float(_sp.chi2.ppf(CEILING_TEST, 1))


@dataclass(frozen=True)
class ModelFit:
    kind: ModelKind
    theta: tuple[float, ...]  # (a, b) or (a, b, c)
    cov: tuple[tuple[float, ...], ...]
    tau2: float
    df: float | None  # Student-t degrees of freedom; None: normal
    aic: float
    weight: float = 0.0
    window: int = 0
    """0: fitted to every checkpoint; k > 0: to the checkpoints at the last k distinct x
    (:mod:`redline.measure.forecast_recent`)."""
    start: float = -math.inf
    """The offset d from which the model describes the series (the first x of its
    window); before it, the whole-series models do."""

    @property
    def label(self) -> str:
        return self.kind if self.window == 0 else f"recent-{self.window} {self.kind}"


def _parts(kind: ModelKind, theta: Array, d: Array) -> tuple[Array, Array, Array]:
    """(u, du/deta, jacobian of u in theta) at the points (unclipped for the line)."""
    eta = theta[0] + theta[1] * d
    if kind == "linear":
        g = np.ones_like(d)
        return eta, g, np.column_stack([g, d])
    p = special.expit(eta)
    dp = p * (1.0 - p)
    if kind == "logistic":
        return p, dp, np.column_stack([dp, dp * d])
    if kind == "ceiling":
        c = theta[2]
        return c * p, c * dp, np.column_stack([c * dp, c * dp * d, p])
    f = theta[2]
    g = (1.0 - f) * dp
    return f + (1.0 - f) * p, g, np.column_stack([g, g * d, 1.0 - p])


def model_parts(kind: ModelKind, theta: Array, d: Array) -> tuple[Array, Array, Array]:
    """(u, du/deta, jacobian of u in theta) of a candidate at offsets ``d`` (the line
    unclipped)."""
    return _parts(kind, theta, d)


def _wls(kind: ModelKind, d: Array, u: Array, w: Array, start: Array, b_max: float) -> Array:
    if kind == "linear":
        X = np.column_stack([np.ones_like(d), d])
        sw = np.sqrt(w)
        sol, *_ = np.linalg.lstsq(X * sw[:, None], u * sw, rcond=None)
        return np.asarray(sol, dtype=np.float64)
    sw = np.sqrt(w)
    third = {"ceiling": ([0.02], [1.0]), "floor": ([0.0], [0.95])}.get(kind, ([], []))
    lo = [-30.0, -b_max, *third[0]]
    hi = [30.0, b_max, *third[1]]
    x0 = np.clip(start, np.asarray(lo) + 1e-6, np.asarray(hi) - 1e-6)

    def resid(t: Array) -> Array:
        return np.asarray((u - _parts(kind, t, d)[0]) * sw)

    def jac(t: Array) -> Array:
        return np.asarray(-_parts(kind, t, d)[2] * sw[:, None])

    res = optimize.least_squares(resid, x0, jac=jac, bounds=(lo, hi), method="trf")
    return np.asarray(res.x, dtype=np.float64)


def _start(kind: ModelKind, d: Array, u: Array, s: Array) -> Array:
    if kind == "linear":
        return np.zeros(2)
    top, bottom = 1.0, 0.0
    if kind == "ceiling":
        top = float(min(max(np.max(u) * 1.1, 0.1), 1.0))
    if kind == "floor":
        bottom = float(min(max(np.min(u) * 0.9, 0.0), 0.9))
    uc = np.clip((u - bottom) / (top - bottom), 0.02, 0.98)
    X = np.column_stack([np.ones_like(d), d])
    w = (uc * (1 - uc) / s) ** 2
    sw = np.sqrt(w)
    ab, *_ = np.linalg.lstsq(X * sw[:, None], special.logit(uc) * sw, rcond=None)
    third = {"ceiling": [top], "floor": [bottom]}.get(kind, [])
    return np.asarray([*ab, *third], dtype=np.float64)


def fit_model(kind: ModelKind, d: Array, u: Array, s: Array, b_max: float) -> ModelFit | None:
    """Weighted fit of one candidate with its Paule-Mandel tau2; None if not identified."""
    n, k = len(d), (3 if kind in ("ceiling", "floor") else 2)
    dof = n - k
    theta = _start(kind, d, u, s)
    tau2 = 0.0
    g = np.ones(n)
    for _ in range(60):
        w = 1.0 / (s * s + g * g * tau2)
        theta = _wls(kind, d, u, w, theta, b_max)
        mu, g, _ = _parts(kind, theta, d)
        if kind == "linear":
            mu = np.clip(mu, 0.0, 1.0)
        r2 = (u - mu) ** 2
        if dof <= 0:
            break

        def excess(t2: float, r2: Array = r2, g: Array = g) -> float:
            return float(np.sum(r2 / (s * s + g * g * t2)) - dof)

        if excess(0.0) <= 0:
            new = 0.0
        elif excess(TAU2_CAP) > 0:
            new = TAU2_CAP
        else:
            new = float(optimize.brentq(excess, 0.0, TAU2_CAP, xtol=1e-10))
        done = abs(new - tau2) <= 1e-7 * (1.0 + tau2)
        tau2 = new
        if done:
            break
    if (kind == "ceiling" and theta[2] >= 0.995) or (kind == "floor" and theta[2] <= 0.005):
        return None  # at the bound: this is the plain logistic
    mu, g, J = _parts(kind, theta, d)
    if kind == "linear":
        mu = np.clip(mu, 0.0, 1.0)
    v = s * s + g * g * tau2
    info = J.T @ (J / v[:, None])
    if not np.all(np.isfinite(info)) or np.linalg.cond(info) > 1e12:
        return None
    cov = np.linalg.inv(info)
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) < 0):
        return None
    loglik = -0.5 * float(np.sum(np.log(2.0 * math.pi * v) + (u - mu) ** 2 / v))
    aic = -2.0 * loglik + 2.0 * k
    return ModelFit(
        kind=kind,
        theta=tuple(float(t) for t in theta),
        cov=tuple(tuple(float(c) for c in row) for row in cov),
        tau2=tau2,
        df=float(dof) if tau2 > 0 and dof > 0 else None,
        aic=aic,
    )


def fit_candidates(d: Array, u: Array, s: Array, distinct: int, b_max: float) -> list[ModelFit]:
    """Every candidate the number of distinct x allows, with AIC weights summing to 1."""
    kinds: list[ModelKind] = [
        k for k in ("logistic", "ceiling", "floor", "linear") if distinct >= MIN_FOR[k]
    ]
    if distinct < MIN_FOR["logistic"]:
        kinds = ["linear"]
    fits = [f for f in (fit_model(k, d, u, s, b_max) for k in kinds) if f is not None]
    by_kind = {f.kind: f for f in fits}
    for extra in ("ceiling", "floor"):
        if extra in by_kind and "logistic" in by_kind:
            # A ceiling or floor must be justified: a likelihood-ratio test against the
            # plain logistic (nested: the asymptote at the bound) at CEILING_TEST.
            lr = by_kind["logistic"].aic - by_kind[extra].aic + 2.0
            if lr < CEILING_CRITICAL:
                fits = [f for f in fits if f.kind != extra]
    if not fits:
        return []
    best = min(f.aic for f in fits)
    raw = [math.exp(-0.5 * (f.aic - best)) for f in fits]
    total = sum(raw)
    return [
        ModelFit(f.kind, f.theta, f.cov, f.tau2, f.df, f.aic, r / total)
        for f, r in zip(fits, raw, strict=True)
    ]


@dataclass(frozen=True)
class Draws:
    """Parameter draws from the candidates' approximate sampling distributions, mixed in
    proportion to their weights: one row per draw of (a, b, c, eps) and the model kind."""

    a: Array
    b: Array
    c: Array  # ceiling on the unit scale (1 unless fitted)
    f: Array  # floor on the unit scale (0 unless fitted)
    eps: Array  # a checkpoint's own deviation from the curve, eta scale
    linear: NDArray[np.bool_]
    recent: NDArray[np.bool_]  # from a recent-segment logistic (window > 0)
    start: Array  # the offset from which each draw's model holds (-inf: everywhere)

    def eta(self, d: Array) -> Array:
        return np.asarray(self.a[:, None] + self.b[:, None] * d[None, :] + self.eps[:, None])

    def unit(self, d: Array) -> Array:
        eta = self.eta(d)
        logistic = self.f[:, None] + special.expit(eta) * (self.c - self.f)[:, None]
        u = np.where(self.linear[:, None], np.clip(eta, 0.0, 1.0), logistic)
        whole = np.nonzero(~self.recent)[0]
        if whole.size and whole.size < len(self.a):
            # Before its window a recent segment's draw stands for the early segment: there
            # the whole-series draws (taken in turn) describe the series.
            before = d[None, :] < self.start[:, None]
            stand_in = u[whole[np.arange(len(self.a)) % whole.size]]
            u = np.where(before, stand_in, u)
        return np.asarray(u)


def draw(fits: list[ModelFit], n: int, seed: int = 0) -> Draws:
    """``n`` draws in all (seeded: the same fit gives the same band every time)."""
    rng = np.random.default_rng(seed)
    counts = [round(f.weight * n) for f in fits]
    counts[int(np.argmax([f.weight for f in fits]))] += n - sum(counts)
    parts: list[tuple[Array, ...]] = []
    for fit, m in zip(fits, counts, strict=True):
        if m <= 0:
            continue
        k = len(fit.theta)
        cov = np.asarray(fit.cov)
        # A symmetric square root keeps the draws well defined for near-singular covariances.
        vals, vecs = np.linalg.eigh(cov)
        root = vecs * np.sqrt(np.maximum(vals, 0.0))
        z = rng.standard_normal((m, k))
        e = rng.standard_normal(m) * math.sqrt(fit.tau2)
        if fit.df is not None:
            scale = np.sqrt(fit.df / rng.chisquare(fit.df, m))
            z, e = z * scale[:, None], e * scale
        th = np.asarray(fit.theta)[None, :] + z @ root.T
        c = np.clip(th[:, 2], 1e-3, 1.0) if fit.kind == "ceiling" else np.ones(m)
        f = np.clip(th[:, 2], 0.0, 0.999) if fit.kind == "floor" else np.zeros(m)
        lin = np.full(m, 1.0 if fit.kind == "linear" else 0.0)
        rec = np.full(m, 1.0 if fit.window > 0 else 0.0)
        parts.append((th[:, 0], th[:, 1], c, f, e, lin, rec, np.full(m, fit.start)))
    a, b, c, f, e, lin, rec, st = (np.concatenate([p[i] for p in parts]) for i in range(8))
    return Draws(
        a=a, b=b, c=c, f=f, eps=e, linear=lin.astype(bool), recent=rec.astype(bool), start=st
    )


def crossing_offsets(dr: Draws, ut: float, d_first: float, up: bool) -> Array:
    """Per draw: the first offset d >= d_first at which the curve reaches ``ut`` (>= for up,
    <= for down); +inf when it never does."""
    n = len(dr.a)
    eta_t = np.empty(n)
    # The eta at which each draw's curve equals ut (+/-inf when the curve cannot reach it).
    lin = dr.linear
    if up:
        eta_t[lin] = -np.inf if ut <= 0.0 else (np.inf if ut > 1.0 else ut)
    else:
        eta_t[lin] = np.inf if ut >= 1.0 else (-np.inf if ut < 0.0 else ut)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (ut - dr.f[~lin]) / (dr.c[~lin] - dr.f[~lin])
        # f + (c - f) sigmoid(eta) = ut: impossible when ut >= c (+inf: never up, always
        # down) or ut <= f (-inf: always up, never down).
        eta_t[~lin] = np.where(r >= 1.0, np.inf, np.where(r <= 0.0, -np.inf, special.logit(r)))
    base = dr.a + dr.b * d_first + dr.eps
    out = np.full(n, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        dstar = (eta_t - dr.a - dr.eps) / dr.b
    if up:
        already = base >= eta_t
        moving = dr.b > 0
    else:
        already = base <= eta_t
        moving = dr.b < 0
    out[already] = d_first
    later = ~already & moving & np.isfinite(dstar)
    out[later] = np.maximum(dstar[later], d_first)
    return out
