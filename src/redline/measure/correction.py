"""Grader error in the interval: a rate scored by an imperfect grader, corrected.

Two corrections, for two situations (``docs/graders.md`` says which to use when):

- :func:`ppi_interval`: prediction-powered inference (Angelopoulos et al. 2023, "Prediction-
  powered inference", Science 382; the power-tuned PPI++ of Angelopoulos, Duchi and Zrnic
  2023) when a random subset of *the same run* was labelled by people. The grader's labels
  on every sample and the people's labels on the subset give an interval for the rate
  people would have reported, valid whatever the grader's error. Implemented by
  ``ppi_py.ppi_mean_ci`` (the authors' package, ``ppi-python``).
- :func:`rogan_gladen_interval`: with only a prior validation record (sensitivity and
  specificity measured on another labelled set), the misclassification-corrected estimate
  of Rogan and Gladen (1978, Am J Epidemiol 107: 71-76),
  ``(raw + specificity - 1) / (sensitivity + specificity - 1)``, with the delta-method
  variance that adds the validation's sampling error to the run's (Greenland 1988; Lang and
  Reiczigel 2014). It assumes the grader errs on this run's completions as it did on the
  validation set: the result says so.

:func:`raw_interval` is the Wilson interval on the grader's labels as if they were true; it
is reported beside the corrected one, and the coverage test shows it is not valid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import norm

from redline.measure import stats

__all__ = [
    "CorrectedRate",
    "ppi_interval",
    "raw_interval",
    "rogan_gladen_interval",
]


class CorrectedRate(BaseModel):
    """A grader-scored rate with the grader's error carried into its interval."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["ppi", "rogan-gladen"]
    estimate: float
    lower: float
    upper: float
    confidence: float
    raw_estimate: float
    raw_lower: float
    raw_upper: float
    n_graded: int = Field(description="Samples the grader labelled.")
    n_human: int = Field(default=0, description="Samples people labelled (PPI).")
    assumption: str | None = Field(
        default=None, description="What the correction takes on trust, when anything."
    )


def raw_interval(graded: Sequence[bool], confidence: float) -> tuple[float, float, float]:
    """The grader's rate and its Wilson interval, treating the grader as if it were right."""
    n = len(graded)
    k = int(sum(bool(g) for g in graded))
    lo, hi = stats.wilson_interval(k, n, confidence)
    return k / n, lo, hi


def ppi_interval(
    human: Sequence[bool],
    grader_on_human: Sequence[bool],
    grader_on_rest: Sequence[bool],
    confidence: float,
) -> CorrectedRate:
    """Prediction-powered interval for the human-label rate of a run.

    ``human`` and ``grader_on_human`` are the people's and the grader's labels on the
    labelled subset (same order; a uniform random sample of the run), ``grader_on_rest``
    the grader's labels on the other samples of the run.
    """
    from ppi_py import ppi_mean_ci, ppi_mean_pointestimate

    if len(human) != len(grader_on_human):
        raise ValueError("human and grader labels on the labelled subset differ in length")
    if len(human) < 2:
        raise ValueError("prediction-powered inference needs at least 2 human labels")
    if not grader_on_rest:
        raise ValueError("no unlabelled samples: the human labels alone give the interval")
    y = np.asarray(human, dtype=float)
    yhat = np.asarray(grader_on_human, dtype=float)
    yhat_u = np.asarray(grader_on_rest, dtype=float)
    alpha = 1.0 - confidence
    # PPI++ tunes lambda from the sample covariance of human and grader labels. When either
    # is constant on the sample (all labelled items refused, say) the tuned lambda is 0 and
    # the interval collapses onto the human mean with zero estimated variance, which is
    # not a valid interval; the untuned PPI (lambda = 1) keeps the grader's variance in.
    constant = float(np.var(y)) == 0.0 or float(np.var(np.concatenate([yhat, yhat_u]))) == 0.0
    lam = 1.0 if constant else None
    lo, hi = ppi_mean_ci(y, yhat, yhat_u, alpha=alpha, lam=lam)
    point = ppi_mean_pointestimate(y, yhat, yhat_u, lam=lam)
    lo_f, hi_f = float(np.ravel(lo)[0]), float(np.ravel(hi)[0])
    if hi_f - lo_f < 1e-12:
        # Every input constant: a normal interval has no width. Fall back to the human
        # labels' own Wilson interval, which is valid without the grader.
        k = int(y.sum())
        lo_f, hi_f = stats.wilson_interval(k, len(y), confidence)
    everything = [*grader_on_human, *grader_on_rest]
    raw, raw_lo, raw_hi = raw_interval(everything, confidence)
    return CorrectedRate(
        method="ppi",
        estimate=float(np.clip(np.ravel(point)[0], 0.0, 1.0)),
        lower=max(0.0, lo_f),
        upper=min(1.0, hi_f),
        confidence=confidence,
        raw_estimate=raw,
        raw_lower=raw_lo,
        raw_upper=raw_hi,
        n_graded=len(everything),
        n_human=len(human),
    )


def rogan_gladen_interval(
    graded: Sequence[bool],
    sensitivity: tuple[int, int],
    specificity: tuple[int, int],
    confidence: float,
) -> CorrectedRate:
    """Misclassification-corrected rate from a prior validation.

    ``sensitivity`` is (true positives, human positives) and ``specificity`` (true
    negatives, human negatives) from the validation record; their binomial sampling error
    is propagated with the run's by the delta method. Youden's J = Se + Sp - 1 must be
    positive (a grader no better than chance cannot be corrected).
    """
    tp, pos = sensitivity
    tn, neg = specificity
    if pos <= 0 or neg <= 0:
        raise ValueError("the validation needs human positives and negatives")
    n = len(graded)
    if n == 0:
        raise ValueError("no graded samples")
    se, sp = tp / pos, tn / neg
    j = se + sp - 1.0
    if j <= 0.0:
        raise ValueError(
            f"the grader is no better than chance on its validation (sensitivity {se:.2f}, "
            f"specificity {sp:.2f}): its rate cannot be corrected"
        )
    raw, raw_lo, raw_hi = raw_interval(graded, confidence)
    pi = (raw + sp - 1.0) / j
    # Delta method on pi = (p + sp - 1) / (se + sp - 1), independent binomial inputs.
    var_p = raw * (1.0 - raw) / n
    var_se = se * (1.0 - se) / pos
    var_sp = sp * (1.0 - sp) / neg
    pi_c = min(1.0, max(0.0, pi))
    var = (var_p + pi_c**2 * var_se + (1.0 - pi_c) ** 2 * var_sp) / j**2
    z = float(norm.ppf(0.5 + confidence / 2.0))
    half = z * math.sqrt(var)
    return CorrectedRate(
        method="rogan-gladen",
        estimate=pi_c,
        lower=max(0.0, pi - half),
        upper=min(1.0, pi + half),
        confidence=confidence,
        raw_estimate=raw,
        raw_lower=raw_lo,
        raw_upper=raw_hi,
        n_graded=n,
        assumption="the grader's sensitivity and specificity on this run's completions are "
        "those it had on the validation set (the validation transfers)",
    )
