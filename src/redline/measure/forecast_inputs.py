"""The forecasts a decision's forecast rules need, from checkpoint series.

For each forecast rule of the framework, each level threshold it watches and each series
of that evaluation and metric (one per elicitation strategy), compute the probability
that a checkpoint's true score crosses the threshold by the rule's horizon, and the
crossing interval, as :class:`redline.decide.forecast_triggers.ForecastInput` records.
``decide`` then says which rules fired.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from redline.decide.forecast_triggers import (
    DAYS_PER_MONTH,
    ForecastInput,
    Target,
    rule_targets,
)
from redline.framework import schema as S
from redline.measure.forecast import (
    SeriesPoint,
    Trend,
    XKind,
    fit_trend,
)

__all__ = ["SeriesKey", "forecast_inputs", "horizon_x"]

SeriesKey = tuple[str, str, str | None]
"""(evaluation, metric, elicitation strategy or None for the best of strategies)."""


def horizon_x(rule: S.ForecastRule, x_now: float, x_kind: XKind) -> float | None:
    """x at the rule's horizon, or None when the rule gives no horizon on this x scale."""
    if x_kind == "log10_compute":
        m = rule.horizon_compute_multiple
        return None if m is None else x_now + math.log10(m)
    months = rule.horizon_months
    return None if months is None else x_now + months * DAYS_PER_MONTH


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _one(
    rule: S.ForecastRule,
    t: Target,
    strategy: str | None,
    points: Sequence[SeriesPoint],
    trend: Trend,
    level: float,
) -> ForecastInput:
    x_kind = trend.x_kind
    assert t.threshold is not None
    x_now = max((p.x for p in points), default=math.nan)
    base = {
        "rule": rule.id,
        "domain": t.domain,
        "level": t.level,
        "evaluation": t.evaluation,
        "metric": t.metric,
        "strategy": strategy,
        "threshold": t.threshold,
        "direction": t.direction,
        "x_kind": x_kind,
        "n_points": len(points),
    }
    x_h = horizon_x(rule, x_now, x_kind) if points else None
    if x_h is None:
        scale = "compute" if x_kind == "log10_compute" else "dates"
        why = (
            "the series has no checkpoints"
            if not points
            else f"the series is in {scale} but the rule gives no horizon in "
            + ("compute (horizon_compute_multiple)" if scale == "compute" else "months")
        )
        return ForecastInput(
            x_now=0.0 if not points else x_now,
            x_horizon=0.0 if not points else x_now,
            probability=None,
            status="unavailable",
            reason=why,
            **base,
        )
    crossing = trend.crossing(t.threshold, level=level, direction=t.direction)
    triple = None
    if crossing.status == "forecast" and crossing.x_lo is not None:
        # math.inf (open-ended) is recorded as None, which JSON can carry.
        triple = (
            crossing.x_lo,
            _finite(crossing.x_mid),
            _finite(crossing.x_hi),
        )
    p = trend.probability(t.threshold, x_h, t.direction)
    if p is None:
        return ForecastInput(
            x_now=x_now,
            x_horizon=x_h,
            probability=None,
            status=trend.status,
            reason=trend.reason,
            **base,
        )
    return ForecastInput(
        x_now=x_now,
        x_horizon=x_h,
        probability=p,
        status=crossing.status,
        reason=crossing.reason,
        crossing=triple,
        **base,
    )


def forecast_inputs(
    fw: S.Framework,
    series: Mapping[SeriesKey, Sequence[SeriesPoint]],
    *,
    x_kind: XKind = "log10_compute",
    bounds: tuple[float, float] = (0.0, 1.0),
    level: float = 0.8,
) -> list[ForecastInput]:
    """Forecasts for every forecast rule of ``fw`` on every matching series.

    ``series`` maps (evaluation, metric, strategy) to that series' checkpoints. A watched
    threshold with no series gets no record here; ``decide`` reports it as unavailable.
    ``level`` is that of the recorded crossing interval (the rule's probability is what
    decides whether it fires). Raises ValueError for invalid points."""
    out: list[ForecastInput] = []
    trends: dict[SeriesKey, Trend] = {}
    for rule in fw.governance.reassessment.forecast_rules:
        for t in rule_targets(fw, rule):
            if t.threshold is None:
                continue
            for (evaluation, metric, strategy), points in sorted(
                series.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
            ):
                if evaluation == t.evaluation and metric == t.metric:
                    key = (evaluation, metric, strategy)
                    if key not in trends:
                        trends[key] = fit_trend(points, bounds=bounds, x_kind=x_kind)
                    out.append(_one(rule, t, strategy, points, trends[key], level))
    return out
