"""Typed inputs and outputs of a decision."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from redline.decide.elicitation import ElicitationRecord
from redline.decide.forecast_triggers import ForecastInput, ForecastOutcome
from redline.decide.reassess import Lineage
from redline.framework.schema import Action, Determination, Tier


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------- inputs


class GraderNote(Frozen):
    """Which grader scored a measured rate, and how its error entered the interval.

    ``method`` is ``ppi`` (human labels of the same run), ``rogan-gladen`` (a prior
    validation; ``assumption`` says it is taken to transfer) or ``none`` (the grader's own
    labels, uncorrected). ``intervals`` of the measurement are then the corrected ones;
    ``raw_intervals`` are the grader's uncorrected intervals, for the report.
    """

    grader: str
    validation: str | None = Field(
        default=None, description="Id of the grader validation record relied on."
    )
    method: Literal["ppi", "rogan-gladen", "none"]
    raw_estimate: float
    raw_intervals: dict[float, tuple[float, float]] = Field(default_factory=dict)
    n_human: int = 0
    assumption: str | None = None


class Measurement(Frozen):
    """One evaluation metric as measured: an estimate and its confidence intervals.

    ``intervals`` maps a confidence level (e.g. 0.95) to (lower, upper). A self-test
    gives one interval that serves every confidence (key 0)."""

    evaluation: str
    metric: str
    task_args: dict[str, Any] = Field(default_factory=dict)
    estimate: float
    intervals: dict[float, tuple[float, float]] = Field(default_factory=dict)
    note: str | None = None
    grader: GraderNote | None = Field(
        default=None, description="The grader behind a graded rate (refusals), when known."
    )
    elicitation: ElicitationRecord | None = Field(
        default=None, description="What elicitation the result had (strategies, shots, ...)."
    )

    def interval(self, confidence: float) -> tuple[float, float] | None:
        if confidence in self.intervals:
            return self.intervals[confidence]
        if 0.0 in self.intervals:
            return self.intervals[0.0]
        # A wider (higher-confidence) interval is a valid, conservative stand-in.
        higher = sorted(c for c in self.intervals if c > confidence)
        return self.intervals[higher[0]] if higher else None


class SafeguardClaim(Frozen):
    """A safeguard the developer states is in place, with its evidence."""

    id: str
    evidence: str | None = None


class Inputs(Frozen):
    """Everything a decision depends on besides the framework."""

    measurements: list[Measurement] = Field(default_factory=list)
    safeguards: list[SafeguardClaim] = Field(default_factory=list)
    determinations: list[Determination] = Field(default_factory=list)
    lineage: Lineage | None = None
    tiers: dict[Action, Tier] = Field(
        default_factory=dict,
        description="Deployment tier per action; absent: the most demanding tier is assumed.",
    )
    date: dt.date | None = Field(
        default=None, description="The decision's date (for elapsed-time triggers)."
    )
    forecasts: list[ForecastInput] | None = Field(
        default=None,
        description="Forecasts for the framework's forecast rules (redline.measure.forecast); "
        "None: no checkpoint series was given.",
    )


# --------------------------------------------------------------------- outputs


class Status(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"
    UNSETTLED = "unsettled"


class VerdictKind(StrEnum):
    ALLOWED = "allowed"
    ALLOWED_WITH_CONDITIONS = "allowed_with_conditions"
    BLOCKED = "blocked"
    FORBIDDEN = "forbidden"


SEVERITY: dict[VerdictKind, int] = {
    VerdictKind.ALLOWED: 0,
    VerdictKind.ALLOWED_WITH_CONDITIONS: 1,
    VerdictKind.BLOCKED: 2,
    VerdictKind.FORBIDDEN: 3,
}


class LevelOutcome(Frozen):
    domain: str
    level: str
    name: str
    kind: str
    status: Status
    counts_as_reached: bool
    standard: str
    confidence: float
    reasons: list[str]


class DomainOutcome(Frozen):
    domain: str
    name: str
    highest_level: str | None
    levels: list[LevelOutcome]
    counted_unsettled: list[str] = Field(
        default_factory=list,
        description="Levels counted as reached only because the evidence could not rule them out.",
    )


class SafeguardOutcome(Frozen):
    id: str
    name: str
    claimed: bool
    in_place: bool
    verification: Literal["passed", "failed", "not_run", "none"]
    removable_by_weight_holder: bool
    reasons: list[str]


class RequiredSignOff(Frozen):
    roles: list[str]
    rule: Literal["all", "any"]
    why: str


class Verdict(Frozen):
    action: Action
    verdict: VerdictKind
    required: list[str] = Field(description="Safeguards required (any_of shown as 'a | b').")
    conditions: list[str] = Field(description="Safeguards that must stay in place.")
    missing: list[str]
    forbidding_levels: list[str]
    reasons: list[str]
    sign_off: list[RequiredSignOff] = Field(default_factory=list)
    tier: str | None = Field(default=None, description="Deployment tier the verdict is for.")
    applied: list[str] = Field(
        default_factory=list,
        description="Exemptions, waivers and conditional rules the decision applied.",
    )


class Decision(Frozen):
    """The verdicts for every action, with the chain of reasons behind each."""

    framework_id: str
    framework_version: str
    verdicts: list[Verdict]
    domains: list[DomainOutcome]
    safeguards: list[SafeguardOutcome]
    assessment_due: list[str] = Field(
        default_factory=list, description="Reassessment triggers that have fired."
    )
    notes: list[str] = Field(default_factory=list)
    forecasts: list[ForecastOutcome] = Field(
        default_factory=list, description="Forecast rules: fired, not fired or unavailable."
    )

    def verdict(self, action: Action | str) -> Verdict:
        a = Action(action)
        return next(v for v in self.verdicts if v.action is a)

    def worst(self, actions: list[Action] | None = None) -> VerdictKind:
        chosen = [v for v in self.verdicts if actions is None or v.action in actions]
        return max((v.verdict for v in chosen), key=lambda k: SEVERITY[k])
