"""Trends and crossing forecasts (redline.measure.forecast): properties, known curves,
degenerate input."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import expit

from redline.measure.forecast import (
    MIN_POINTS_LOGISTIC,
    SeriesPoint,
    compute_of,
    crossing_probability,
    date_of,
    days_of,
    fit_trend,
    forecast_crossing,
)
from redline.measure.stats import wilson_interval

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def series(
    scores: list[float], *, n: int = 200, x0: float = 22.0, step: float = 0.5
) -> list[SeriesPoint]:
    """Checkpoints with binomial-looking scores and their 95% Wilson intervals."""
    out = []
    for i, s in enumerate(scores):
        k = round(s * n)
        lo, hi = wilson_interval(k, n, 0.95)
        out.append(SeriesPoint(f"ck{i}", x0 + step * i, k / n, lo, hi, n))
    return out


def sampled(curve, k: int, n: int, seed: int, x0: float = 22.0) -> list[SeriesPoint]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(k):
        x = x0 + 0.5 * i
        s = int(rng.binomial(n, float(curve(x))))
        lo, hi = wilson_interval(s, n, 0.95)
        out.append(SeriesPoint(f"ck{i}", x, s / n, lo, hi, n))
    return out


# Monotone rising series: sorted increments on [0, 0.9].
rising = st.lists(st.floats(min_value=0.0, max_value=0.15), min_size=2, max_size=8).map(
    lambda steps: list(np.minimum(np.cumsum([0.02, *steps]), 0.95))
)


# ------------------------------------------------------------------ properties


@SETTINGS
@given(rising, st.floats(min_value=0.5, max_value=0.95))
def test_band_contains_mid_and_widens_with_level(scores: list[float], level: float) -> None:
    t = fit_trend(series(scores))
    if not t.has_model:
        return
    xs = list(np.linspace(t.x_first - 1, t.x_last + 3, 15))
    narrow = t.band(xs, level * 0.8)
    wide = t.band(xs, level)
    for (lo, mid, hi), (wlo, wmid, whi) in zip(narrow, wide, strict=True):
        assert lo <= mid <= hi
        assert wlo <= lo and hi <= whi
        assert mid == pytest.approx(wmid)


@SETTINGS
@given(rising, st.floats(min_value=-5.0, max_value=5.0), st.floats(min_value=0.5, max_value=50))
def test_band_respects_bounds(scores: list[float], lo: float, width: float) -> None:
    hi = lo + width
    pts = [
        SeriesPoint(
            p.checkpoint, p.x, lo + width * p.score, lo + width * p.lower, lo + width * p.upper
        )
        for p in series(scores)
    ]
    t = fit_trend(pts, bounds=(lo, hi))
    if not t.has_model:
        return
    for b in t.band(list(np.linspace(t.x_first - 5, t.x_last + 10, 20)), 0.95):
        assert all(lo - 1e-9 <= v <= hi + 1e-9 for v in b)


@SETTINGS
@given(rising, st.floats(min_value=0.05, max_value=0.99), st.floats(min_value=0.55, max_value=0.95))
def test_never_a_number_without_a_forecast(scores: list[float], t: float, level: float) -> None:
    c = forecast_crossing(series(scores), t, level=level)
    if c.status == "forecast":
        assert c.x_lo is not None and c.x_mid is not None and c.x_hi is not None
        assert c.x_lo <= c.x_mid <= c.x_hi
        assert math.isfinite(c.x_lo) and c.x_end is not None and c.x_lo <= c.x_end
    else:
        assert (c.x_lo, c.x_mid, c.x_hi) == (None, None, None)
        assert c.reason
    p = crossing_probability(series(scores), t, 30.0)
    fitted = fit_trend(series(scores)).status == "fitted"
    assert (p is None) == (not fitted)
    assert p is None or 0.0 <= p <= 1.0


@SETTINGS
@given(rising)
def test_crossing_is_monotone_in_the_threshold(scores: list[float]) -> None:
    """For rising data, a higher threshold is crossed no earlier, and is less likely
    to be crossed by any given x."""
    pts = series(scores)
    t = fit_trend(pts)
    if t.status != "fitted":
        return
    previous: tuple[float, float, float] | None = None
    for thr in (0.3, 0.5, 0.7, 0.9):
        xs = t.crossing_xs(thr)
        q = tuple(float(v) for v in np.quantile(xs, [0.1, 0.5, 0.9], method="inverted_cdf"))
        if previous is not None:
            assert all(a <= b for a, b in zip(previous, q, strict=True))
        previous = q  # type: ignore[assignment]
    grid = np.linspace(t.x_first, t.x_last + 5, 9)
    assert np.all(t.prob_at_least(0.4, grid) >= t.prob_at_least(0.6, grid))


# ---------------------------------------------------------------- known curves


def test_recovers_a_known_logistic_crossing() -> None:
    def curve(x: float) -> float:
        return float(expit(1.5 * (x - 25.5)))

    truth = 25.5 + math.log(0.6 / 0.4) / 1.5
    pts = sampled(curve, 8, 5000, seed=3)
    c = forecast_crossing(pts, 0.6)
    assert c.status == "forecast"
    assert c.x_lo is not None and c.x_hi is not None and c.x_mid is not None
    assert c.x_lo <= truth <= c.x_hi
    assert abs(c.x_mid - truth) < 0.15
    flop = c.compute()
    assert flop is not None and flop[0] <= 10**truth <= flop[2]
    assert c.dates() is None
    t = fit_trend(pts)
    assert t.kind == "logistic"
    assert t.params[1] == pytest.approx(1.5, rel=0.2)
    # the probability of crossing rises through 1/2 near the true crossing
    p_before = crossing_probability(pts, 0.6, truth - 0.5)
    p_after = crossing_probability(pts, 0.6, truth + 0.5)
    assert p_before is not None and p_after is not None
    assert p_before < 0.2 and p_after > 0.8


def test_curve_that_flattens_below_the_threshold_is_not_forecast_to_cross() -> None:
    def curve(x: float) -> float:
        return float(0.5 * expit(1.8 * (x - 23.5)))

    pts = sampled(curve, 10, 5000, seed=4)
    c = forecast_crossing(pts, 0.6)
    assert c.status == "not_within_range" or (c.x_hi is not None and math.isinf(c.x_hi))
    t = fit_trend(pts)
    assert t.ceiling == pytest.approx(0.5, abs=0.05)


def test_a_chance_floor_is_fitted() -> None:
    def curve(x: float) -> float:
        return float(0.25 + 0.75 * expit(2.0 * (x - 24.5)))

    t = fit_trend(sampled(curve, 10, 5000, seed=5))
    assert t.floor == pytest.approx(0.25, abs=0.03)
    assert max(t.models, key=lambda m: m.weight).kind == "floor"
    lo, _, _ = t.band([20.0], 0.95)[0]
    assert lo >= 0.2  # the band stays near the floor far below the data


def test_linear_fit_for_short_series_logistic_from_four() -> None:
    assert fit_trend(series([0.1, 0.2, 0.3])).kind == "linear"
    assert {m.kind for m in fit_trend(series([0.1, 0.2, 0.3])).models} == {"linear"}
    four = fit_trend(series([0.05, 0.12, 0.25, 0.42]))
    assert MIN_POINTS_LOGISTIC == 4
    assert "logistic" in {m.kind for m in four.models}


def test_two_clear_points_give_a_linear_forecast() -> None:
    pts = series([0.1, 0.4], n=2000)
    c = forecast_crossing(pts, 0.6)
    assert c.status == "forecast"
    assert c.x_mid == pytest.approx(22.5 + 0.2 / 0.6, abs=0.05)


def test_falling_series_forecasts_downward_crossing() -> None:
    pts = series([0.9, 0.82, 0.7, 0.6, 0.45, 0.35], n=1000)
    c = forecast_crossing(pts, 0.2, direction="down")
    assert c.status == "forecast"
    up = forecast_crossing(pts, 0.95)
    assert up.status == "not_within_range"


def test_already_crossed() -> None:
    c = forecast_crossing(series([0.2, 0.4, 0.6, 0.8], n=1000), 0.5)
    assert c.status == "already_crossed"
    assert c.x_mid is None


def test_date_series() -> None:
    start = dt.date(2026, 1, 1)
    pts = [
        SeriesPoint(f"ck{i}", days_of(start + dt.timedelta(days=60 * i)), s, s - 0.02, s + 0.02)
        for i, s in enumerate([0.1, 0.2, 0.3, 0.4, 0.5])
    ]
    c = forecast_crossing(pts, 0.7, x_kind="date")
    assert c.status == "forecast" and c.x_mid is not None
    when = date_of(c.x_mid)
    assert dt.date(2026, 10, 1) < when < dt.date(2027, 6, 1)
    assert date_of(days_of(start)) == start
    dates = c.dates()
    assert dates is not None and dates[0] <= when
    assert c.compute() is None
    assert compute_of(25.0) == pytest.approx(1e25)


# ------------------------------------------------------------------ degenerate


def test_one_point_and_empty_are_insufficient() -> None:
    for pts in ([], series([0.3])):
        t = fit_trend(pts)
        assert t.status == "insufficient" and t.kind == "none"
        c = forecast_crossing(pts, 0.5)
        assert c.status == "insufficient" and c.x_mid is None
        assert crossing_probability(pts, 0.5, 25.0) is None
        with pytest.raises(ValueError, match="no trend"):
            t.band([23.0])


def test_same_x_twice_is_insufficient() -> None:
    pts = [SeriesPoint("a", 23.0, 0.2, 0.1, 0.3), SeriesPoint("b", 23.0, 0.4, 0.3, 0.5)]
    assert fit_trend(pts).status == "insufficient"


def test_flat_series_has_no_trend() -> None:
    pts = series([0.3, 0.31, 0.29, 0.3, 0.305, 0.295])
    c = forecast_crossing(pts, 0.6)
    assert c.status == "no_trend"
    assert "not distinguishable from 0" in c.reason
    assert crossing_probability(pts, 0.6, 26.0) is None


@pytest.mark.parametrize(
    ("point", "words"),
    [
        (SeriesPoint("bad", math.nan, 0.2, 0.1, 0.3), "checkpoint 'bad': x must be a finite"),
        (SeriesPoint("bad", 23.0, math.nan, 0.1, 0.3), "checkpoint 'bad': score must be a finite"),
        (SeriesPoint("bad", 23.0, 1.2, 0.1, 1.3), "checkpoint 'bad': score 1.2 is outside"),
        (SeriesPoint("bad", 23.0, 0.5, -0.1, 0.6), "checkpoint 'bad': lower -0.1 is outside"),
        (SeriesPoint("bad", 23.0, 0.5, 0.6, 0.7), "not inside its interval"),
        (SeriesPoint("bad", 23.0, 0.5, 0.4, 0.6, confidence=1.0), "confidence must be in"),
    ],
)
def test_invalid_points_are_clear_errors(point: SeriesPoint, words: str) -> None:
    pts = [*series([0.1, 0.2]), point]
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        fit_trend(pts)
    with pytest.raises(ValueError, match=r"checkpoint 'bad'"):
        forecast_crossing(pts, 0.5)


def test_bad_arguments() -> None:
    pts = series([0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="level"):
        forecast_crossing(pts, 0.5, level=1.0)
    with pytest.raises(ValueError, match="threshold"):
        forecast_crossing(pts, math.nan)
    with pytest.raises(ValueError, match="bounds"):
        fit_trend(pts, bounds=(1.0, 0.0))


def test_deterministic() -> None:
    pts = series([0.05, 0.1, 0.2, 0.3, 0.45])
    assert forecast_crossing(pts, 0.7) == forecast_crossing(pts, 0.7)
    assert fit_trend(pts).band([26.0]) == fit_trend(pts).band([26.0])


# ------------------------------------------------- recent segment (forecast_recent)


def _whole_series_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fit with the whole-series candidates alone (the method before the recent segment)."""
    import redline.measure.forecast as forecast_module

    monkeypatch.setattr(forecast_module, "with_recent", lambda fits, *args: fits)


def _recent_weight(t) -> float:
    return sum(m.weight for m in t.models if m.window > 0)


def test_a_late_steep_rise_moves_the_crossing_earlier(monkeypatch: pytest.MonkeyPatch) -> None:
    # slow for seven checkpoints, then a jump at the last one
    pts = series([0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.40])
    t = fit_trend(pts)
    c = t.crossing(0.6)
    assert _recent_weight(t) > 0.5
    assert "recent-" in t.reason
    _whole_series_only(monkeypatch)
    g = forecast_crossing(pts, 0.6)
    assert c.status == g.status == "forecast"
    assert c.x_mid is not None and g.x_mid is not None and c.x_lo is not None
    assert g.x_lo is not None and c.x_hi is not None
    assert c.x_mid < g.x_mid - 0.5
    assert c.x_lo < g.x_lo
    # the rise of 0.3 in half a decade puts the crossing within half a decade
    assert 25.5 < c.x_mid < 26.0


def test_a_smooth_series_keeps_the_whole_series_fit() -> None:
    def curve(x: float) -> float:
        return float(expit(1.5 * (x - 26.0)))

    weights = [_recent_weight(fit_trend(sampled(curve, 8, 200, seed=s))) for s in range(8)]
    assert float(np.median(weights)) < 0.3


def test_no_recent_segment_below_five_checkpoints() -> None:
    for k in (2, 3, 4):
        t = fit_trend(series([0.05, 0.1, 0.2, 0.45][:k]))
        assert all(m.window == 0 for m in t.models)


def test_a_recent_segment_does_not_move_the_band_before_its_window() -> None:
    pts = series([0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.40])
    t = fit_trend(pts)
    assert _recent_weight(t) > 0.5
    (lo, mid, hi), *_ = t.band([22.0, 25.5], 0.8)
    assert 0.0 <= lo <= 0.02 <= hi <= 0.06  # the early checkpoints, not the jump's curve
    assert mid == pytest.approx(0.02, abs=0.015)


@SETTINGS
@given(rising.filter(lambda s: len(s) >= 5))
def test_weights_with_a_recent_segment_sum_to_one(scores: list[float]) -> None:
    t = fit_trend(series(scores))
    if t.models:
        assert sum(m.weight for m in t.models) == pytest.approx(1.0)
        assert all(m.window in (0, 2, 3) for m in t.models)
        assert all((m.window > 0) == math.isfinite(m.start) for m in t.models)
