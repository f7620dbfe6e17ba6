"""Forecast triggers: "reassess before the next 4x if the forecast crosses an alert
threshold within it at 80% probability".

A framework states forecast rules (``governance.reassessment.forecast_rules``). The
numbers come from ``redline.measure.forecast`` (decide sits below measure and computes no
statistics): one :class:`ForecastInput` per rule, watched level threshold and series
(evaluation, metric, elicitation strategy), with the probability that a checkpoint's
true score crosses the threshold within the rule's horizon.

:func:`evaluate_forecast_rules` turns those into outcomes: ``fired`` when the
probability is at least the rule's, ``not_fired`` when below, and ``unavailable``, with
the reason, when no number could be made (too few checkpoints, no trend, no series for
the evaluation, the threshold left unspecified). Our reading: an unforecastable series
under a forecast rule neither fires nor clears the rule; it is reported as "forecast
unavailable" so a reader sees the gap.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from redline.framework import schema as S

__all__ = [
    "DAYS_PER_MONTH",
    "ForecastInput",
    "ForecastOutcome",
    "Target",
    "evaluate_forecast_rules",
    "fired_reasons",
    "rule_targets",
]

DAYS_PER_MONTH = 30.44
"""An average month, for horizons in months over date series (as in ``reassess``)."""

XKind = Literal["log10_compute", "date"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ForecastInput(_Frozen):
    """One forecast, computed in measure, for one rule, level threshold and series."""

    rule: str
    domain: str
    level: str
    evaluation: str
    metric: str
    strategy: str | None = Field(default=None, description="Elicitation strategy; None: all.")
    threshold: float
    direction: Literal["up", "down"] = Field(
        description="up: crossing means score >= threshold; down: score <= threshold."
    )
    x_kind: XKind
    x_now: float = Field(description="x of the latest checkpoint.")
    x_horizon: float = Field(description="x at the rule's horizon.")
    probability: float | None = Field(
        ge=0.0, le=1.0, description="P(crossed by the horizon); None when unforecastable."
    )
    status: str = Field(description="The crossing forecast's status (forecast, no_trend, ...).")
    reason: str
    crossing: tuple[float, float | None, float | None] | None = Field(
        default=None,
        description=(
            "(lower, median, upper) crossing x, when forecast; None for the median or upper "
            "end: open-ended (in some draws the curve never reaches the threshold)."
        ),
    )
    n_points: int = 0


class ForecastOutcome(_Frozen):
    """What a decision says about one forecast rule on one level threshold and series."""

    rule: str
    domain: str | None = None
    level: str | None = None
    evaluation: str | None = None
    metric: str | None = None
    strategy: str | None = None
    status: Literal["fired", "not_fired", "unavailable"]
    probability: float | None = None
    required_probability: float
    horizon: str | None = None
    requires: str | None = Field(
        default=None, description="What a fired rule requires (reassess before the horizon)."
    )
    reason: str


class Target(_Frozen):
    """A numeric threshold a forecast rule watches."""

    domain: str
    level: str
    evaluation: str
    metric: str
    threshold: float | None = Field(description="None: the framework leaves it unspecified.")
    direction: Literal["up", "down"]


def _watched(rule: S.ForecastRule, lv: S.CapabilityLevel) -> bool:
    if rule.levels != "all" and lv.id not in rule.levels:
        return False
    if rule.when == "alert":
        return lv.kind is S.LevelKind.ALERT
    if rule.when == "threshold":
        return lv.kind is not S.LevelKind.ALERT
    return True


def rule_targets(fw: S.Framework, rule: S.ForecastRule) -> list[Target]:
    """Every numeric comparison in the triggers of the levels the rule watches."""
    out: list[Target] = []
    for d in fw.domains:
        for lv in d.levels:
            if not _watched(rule, lv):
                continue
            for leaf in S.condition_leaves(lv.trigger):
                if not isinstance(leaf, S.Comparison):
                    continue
                try:
                    metric = leaf.metric or fw.evaluation(leaf.evaluation).metric
                except KeyError:
                    metric = leaf.metric or "?"
                value = None if isinstance(leaf.value, S.Unspecified) else float(leaf.value)
                up = leaf.op in (S.Op.GE, S.Op.GT)
                out.append(
                    Target(
                        domain=d.id,
                        level=lv.id,
                        evaluation=leaf.evaluation,
                        metric=metric,
                        threshold=value,
                        direction="up" if up else "down",
                    )
                )
    return out


def _horizon_words(rule: S.ForecastRule, f: ForecastInput) -> str:
    if f.x_kind == "log10_compute" and rule.horizon_compute_multiple is not None:
        return (
            f"{rule.horizon_compute_multiple:g}x the latest checkpoint's compute "
            f"(to {10.0**f.x_horizon:.3g} FLOP)"
        )
    months = rule.horizon_months if rule.horizon_months is not None else 0.0
    when = dt.date(1970, 1, 1) + dt.timedelta(days=int(f.x_horizon))
    return f"{months:g} months after the latest checkpoint (to {when.isoformat()})"


def _series(f: ForecastInput) -> str:
    return f"{f.evaluation}.{f.metric}" + (f" [{f.strategy}]" if f.strategy else "")


def _same(f: ForecastInput, t: Target) -> bool:
    return f.threshold == t.threshold and f.direction == t.direction


def _one(rule: S.ForecastRule, t: Target, f: ForecastInput) -> ForecastOutcome:
    base = {
        "rule": rule.id,
        "domain": t.domain,
        "level": t.level,
        "evaluation": t.evaluation,
        "metric": t.metric,
        "strategy": f.strategy,
        "required_probability": rule.probability,
    }
    op = ">=" if t.direction == "up" else "<="
    what = f"{t.level}: {_series(f)} {op} {t.threshold:g}"
    if not _same(f, t):
        return ForecastOutcome(
            status="unavailable",
            reason=(
                f"forecast unavailable for {what}: the forecast was made for "
                f"{'>=' if f.direction == 'up' else '<='} {f.threshold:g}, not the "
                "framework's threshold"
            ),
            **base,
        )
    horizon = _horizon_words(rule, f)
    if f.probability is None:
        return ForecastOutcome(
            status="unavailable",
            horizon=horizon,
            reason=f"forecast unavailable for {what} (not fired): {f.reason}",
            **base,
        )
    p = f.probability
    if p >= rule.probability:
        return ForecastOutcome(
            status="fired",
            probability=p,
            horizon=horizon,
            requires=f"reassess before {horizon}",
            reason=(
                f"forecast rule {rule.id} fired: {what} is crossed within {horizon} with "
                f"probability {p:.2f} (rule: at least {rule.probability:g}); reassess before then"
            ),
            **base,
        )
    return ForecastOutcome(
        status="not_fired",
        probability=p,
        horizon=horizon,
        reason=(
            f"forecast rule {rule.id} not fired: {what} is crossed within {horizon} with "
            f"probability {p:.2f} (rule: at least {rule.probability:g})"
        ),
        **base,
    )


def evaluate_forecast_rules(
    fw: S.Framework, forecasts: list[ForecastInput] | None
) -> list[ForecastOutcome]:
    """One outcome per forecast rule x watched threshold x series (see the module doc).

    ``forecasts=None`` means no checkpoint series was given: each rule is reported as
    unavailable once. A watched threshold with no forecast for its evaluation is
    reported as unavailable, never dropped."""
    out: list[ForecastOutcome] = []
    for rule in fw.governance.reassessment.forecast_rules:
        if forecasts is None:
            out.append(
                ForecastOutcome(
                    rule=rule.id,
                    status="unavailable",
                    required_probability=rule.probability,
                    reason=(
                        f"forecast rule {rule.id} not evaluated: no checkpoint series was "
                        "given (forecast unavailable, not fired)"
                    ),
                )
            )
            continue
        targets = rule_targets(fw, rule)
        if not targets:
            out.append(
                ForecastOutcome(
                    rule=rule.id,
                    status="unavailable",
                    required_probability=rule.probability,
                    reason=f"forecast rule {rule.id} watches no level with a numeric threshold",
                )
            )
        for t in targets:
            where = {
                "rule": rule.id,
                "domain": t.domain,
                "level": t.level,
                "evaluation": t.evaluation,
                "metric": t.metric,
                "required_probability": rule.probability,
            }
            if t.threshold is None:
                out.append(
                    ForecastOutcome(
                        status="unavailable",
                        reason=(
                            f"forecast unavailable for {t.level}: the framework leaves the "
                            f"threshold on {t.evaluation}.{t.metric} unspecified"
                        ),
                        **where,
                    )
                )
                continue
            mine = [
                f
                for f in forecasts
                if f.rule == rule.id
                and f.level == t.level
                and f.evaluation == t.evaluation
                and f.metric == t.metric
            ]
            if not mine:
                out.append(
                    ForecastOutcome(
                        status="unavailable",
                        reason=(
                            f"forecast unavailable for {t.level}: no checkpoint series of "
                            f"{t.evaluation}.{t.metric} was given"
                        ),
                        **where,
                    )
                )
            exact = [f for f in mine if _same(f, t)]
            out.extend(_one(rule, t, f) for f in (exact or mine[:1]))
    return out


def fired_reasons(outcomes: list[ForecastOutcome]) -> list[str]:
    """The reasons of the fired forecast rules, for ``Decision.assessment_due``."""
    return [o.reason for o in outcomes if o.status == "fired"]
