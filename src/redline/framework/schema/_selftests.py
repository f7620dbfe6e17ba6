"""A framework's own test cases: scenarios and the verdicts they must produce."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import (
    Field,
    model_validator,
)

from redline.framework.schema._base import (
    Action,
    Flag,
    Id,
    Number,
    Strict,
    Whole,
)
from redline.framework.schema._constructs import Tier

# ---------------------------------------------------------------------- self-tests


class ScenarioResult(Strict):
    evaluation: Id
    metric: str | None = None
    estimate: Number
    interval: tuple[Number, Number] | None = Field(
        default=None, description="Confidence interval; defaults to [estimate, estimate]."
    )
    task_args: dict[str, Any] = Field(
        default_factory=dict,
        description="For a safeguard's verification run (e.g. mitigation: io_filter).",
    )
    elicitation_met: Flag = Field(
        default=True,
        description="Whether the result had the elicitation its evaluation requires "
        "(required_elicitation); false: it falls short and cannot rule a level out.",
    )


class Determination(Strict):
    """A recorded manual determination (in a determinations file or a self-test):
    ``reached`` for a trigger,
    ``score`` for a risk-matrix factor."""

    determination: Id
    reached: Flag | None = None
    score: Whole | None = None
    by: Id
    jointly_with: list[Id] = Field(
        default_factory=list, description="The other roles that made it together with 'by'."
    )
    rationale: str = Field(min_length=1)
    date: dt.date | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> Determination:
        if (self.reached is None) == (self.score is None):
            raise ValueError("give exactly one of 'reached' (true/false) or 'score'")
        return self


class SelfTest(Strict):
    """A scenario and the verdicts the framework's rules must give for it."""

    name: str = Field(min_length=1)
    results: list[ScenarioResult] = Field(default_factory=list)
    determinations: list[Determination] = Field(default_factory=list)
    safeguards_in_place: list[Id] = Field(default_factory=list)
    tiers: dict[Action, Tier] = Field(
        default_factory=dict, description="Deployment tier per action (default: most demanding)."
    )
    expect: dict[Action, Literal["allowed", "allowed_with_conditions", "blocked", "forbidden"]]
    expect_levels: dict[Id, Id | Literal["none"]] = Field(
        default_factory=dict, description="domain id -> highest level reached"
    )
    expect_applied: dict[Action, list[Id]] = Field(
        default_factory=dict,
        description="Per action: the exemptions and conditional rules the decision must apply.",
    )
