"""A change at the recent checkpoints: a two-segment alternative to the whole-series fit.

One curve fitted to a whole series follows its slow early checkpoints when the capability
accelerates late (a slow rise, then a steep one), and forecasts the crossing too late. So,
from :data:`RECENT_FROM` distinct x, the forecast also considers a *segmented* model: the
checkpoints at the last 2 or 3 distinct x (:data:`RECENT_WINDOWS`) follow a logistic of their own
(the recent segment), and the earlier ones follow the usual candidates
(:func:`redline.measure.forecast_fit.fit_candidates`) fitted to them alone. Both models
explain every point, so they are compared by AIC on the same data: the whole-series
average's AIC is ``-2 log sum_m exp(-AIC_m / 2)`` over its candidates, the segmented
model's is the sum of its two segments' AICs plus :data:`CHANGE_PENALTY` for the change
itself. The future is the recent segment's: the segmented model's weight goes to the recent
logistic in the model average, and the whole-series candidates keep the rest in their own
proportions. A series that rises smoothly is explained by one curve with fewer parameters,
and the recent logistic gets little weight; a late jump leaves the whole-series curve with
large residuals at the last checkpoints, and the weight moves to the recent segment.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from redline.measure.forecast_fit import ModelFit, fit_candidates, fit_model

__all__ = ["CHANGE_PENALTY", "RECENT_FROM", "RECENT_WINDOWS", "segmented", "with_recent"]

Array = NDArray[np.float64]

RECENT_WINDOWS = (2, 3)
"""Distinct x in the recent segment, one segmented model per window: a logistic through the
last 2 (exact: its uncertainty is the points' own) and one on the last 3 (one residual
degree of freedom)."""
EARLY_DISTINCT = 2
"""Fewest distinct x in the early segment (a line)."""
RECENT_FROM = 5
"""Fewest distinct x before the segmented model is considered (the early segment then has
at least 2 distinct x, enough for a line)."""
CHANGE_PENALTY = 2.0
"""AIC units charged for the change between the segments (one parameter's worth: where the
change lies is fixed in advance, at the last checkpoints, but a change is
a claim the single curve does not make)."""


def _evidence(fits: list[ModelFit]) -> float:
    """-2 log sum exp(-AIC/2): the AIC of a model average."""
    best = min(f.aic for f in fits)
    return best - 2.0 * math.log(sum(math.exp(-0.5 * (f.aic - best)) for f in fits))


def segmented(
    fits: list[ModelFit], d: Array, u: Array, s: Array, b_max: float
) -> list[tuple[float, ModelFit]]:
    """For each window in RECENT_WINDOWS: (the segmented model's AIC weight among the
    whole-series average ``fits`` and the segmented models, its recent logistic). Windows
    whose segments are not identified are left out."""
    xs = np.unique(d)
    if not fits:
        return []
    aics: list[float] = [_evidence(fits)]
    lates: list[ModelFit] = []
    for window in RECENT_WINDOWS:
        if len(xs) - window < EARLY_DISTINCT:
            continue
        recent = d >= xs[-window]
        late = fit_model("logistic", d[recent], u[recent], s[recent], b_max)
        if late is None:
            continue
        early_x = len(np.unique(d[~recent]))
        early = fit_candidates(d[~recent], u[~recent], s[~recent], early_x, b_max)
        if not early:
            continue
        aics.append(_evidence(early) + late.aic + CHANGE_PENALTY)
        lates.append(
            ModelFit(
                late.kind,
                late.theta,
                late.cov,
                late.tau2,
                late.df,
                late.aic,
                0.0,
                window,
                float(xs[-window]),
            )
        )
    best = min(aics)
    raw = [math.exp(-0.5 * (a - best)) for a in aics]
    total = sum(raw)
    return [(r / total, late) for r, late in zip(raw[1:], lates, strict=True)]


def with_recent(
    fits: list[ModelFit], d: Array, u: Array, s: Array, distinct: int, b_max: float
) -> list[ModelFit]:
    """``fits`` with each window's recent logistic added at its segmented model's weight
    (the whole-series weights scaled by the rest); ``fits`` unchanged below RECENT_FROM
    distinct x, or when no segmented model is identified."""
    if distinct < RECENT_FROM:
        return fits
    got = [(w, late) for w, late in segmented(fits, d, u, s, b_max) if w >= 1e-3]
    if not got:
        return fits
    rest = 1.0 - sum(w for w, _ in got)
    scaled = [ModelFit(f.kind, f.theta, f.cov, f.tau2, f.df, f.aic, f.weight * rest) for f in fits]
    recent = [
        ModelFit(x.kind, x.theta, x.cov, x.tau2, x.df, x.aic, w, x.window, x.start) for w, x in got
    ]
    return [*scaled, *recent]
