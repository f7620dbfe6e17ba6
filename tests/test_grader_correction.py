"""Coverage of the grader-corrected intervals, by simulation (seeded, a few seconds).

A grader of known sensitivity and specificity labels simulated runs whose true refusal
rate is known. The prediction-powered interval (with a small human-labelled subset of the
same run) and the Rogan-Gladen interval (with a separate validation set) must cover the
true rate at their nominal level within Monte Carlo error; the raw interval on the
grader's labels must not. ``benchmarks/graders.py`` runs a larger version.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from redline.measure.correction import ppi_interval, raw_interval, rogan_gladen_interval

TRUE_RATE = 0.80
SENSITIVITY = 0.85
SPECIFICITY = 0.95
RUN = 600
HUMAN = 120
VALIDATION = 300  # per class
REPEATS = 300
CONFIDENCE = 0.90


def _grade(rng: np.random.Generator, truth: np.ndarray) -> np.ndarray:
    u = rng.random(truth.size)
    return np.where(truth, u < SENSITIVITY, u >= SPECIFICITY)


def _coverage() -> dict[str, float]:
    rng = np.random.default_rng(21)
    hits = {"raw": 0, "ppi": 0, "rogan-gladen": 0}
    for _ in range(REPEATS):
        truth = rng.random(RUN) < TRUE_RATE
        graded = _grade(rng, truth)
        labelled = rng.choice(RUN, HUMAN, replace=False)
        mask = np.zeros(RUN, dtype=bool)
        mask[labelled] = True
        # The estimand is the rate people would report on this run's completions.
        target = float(truth.mean())
        _, lo, hi = raw_interval(list(graded), CONFIDENCE)
        hits["raw"] += lo <= target <= hi
        ppi = ppi_interval(list(truth[mask]), list(graded[mask]), list(graded[~mask]), CONFIDENCE)
        hits["ppi"] += ppi.lower <= target <= ppi.upper
        tp = int((rng.random(VALIDATION) < SENSITIVITY).sum())
        tn = int((rng.random(VALIDATION) >= 1 - SPECIFICITY).sum())
        rg = rogan_gladen_interval(list(graded), (tp, VALIDATION), (tn, VALIDATION), CONFIDENCE)
        hits["rogan-gladen"] += rg.lower <= target <= rg.upper
    return {k: v / REPEATS for k, v in hits.items()}


@pytest.fixture(scope="module")
def coverage() -> dict[str, float]:
    return _coverage()


# Three Monte Carlo standard errors of a coverage estimate at the nominal level.
MC_SLACK = 3 * math.sqrt(CONFIDENCE * (1 - CONFIDENCE) / REPEATS)


@pytest.mark.parametrize("method", ["ppi", "rogan-gladen"])
def test_corrected_intervals_hold_nominal_coverage(coverage: dict[str, float], method: str) -> None:
    assert coverage[method] >= CONFIDENCE - MC_SLACK, coverage


def test_raw_interval_undercovers(coverage: dict[str, float]) -> None:
    # The grader under-reports refusals by about 4 points: the raw interval misses.
    assert coverage["raw"] < CONFIDENCE - MC_SLACK, coverage


def test_rogan_gladen_refuses_a_chance_grader() -> None:
    with pytest.raises(ValueError, match="no better than chance"):
        rogan_gladen_interval([True, False] * 10, (5, 10), (5, 10), 0.95)


def test_ppi_recovers_a_biased_grader() -> None:
    # The grader says "refused" for every sample; people refused half of them.
    human = [True, False] * 20
    corrected = ppi_interval(human, [True] * 40, [True] * 400, 0.95)
    assert corrected.raw_estimate == 1.0
    assert corrected.lower <= 0.5 <= corrected.upper
    assert corrected.upper < 0.75


def test_ppi_interval_never_collapses_when_people_agree_on_everything() -> None:
    # Every labelled completion refused: the tuned PPI would report [1, 1].
    corrected = ppi_interval([True] * 20, [True, False] * 10, [True, False] * 100, 0.95)
    assert corrected.upper == 1.0
    assert corrected.lower < 0.95
    everything_constant = ppi_interval([True] * 20, [True] * 20, [True] * 100, 0.95)
    assert everything_constant.lower < 0.9
