"""Rules, governance (roles, sign-offs, reassessment), external input, transparency."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from redline.framework.schema._base import (
    Action,
    ActorKind,
    Citation,
    Disclosable,
    Flag,
    Id,
    Number,
    ReviewedItem,
    RuleKind,
    Strict,
)
from redline.framework.schema._conditions import Condition
from redline.framework.schema._constructs import Artefact
from redline.framework.schema._safeguards import (
    Requirement,
)

# -------------------------------------------------------------------------- rules


class Rule(Strict):
    """An if-then rule beyond the per-level requirements.

    * ``halt``: when what a reached level requires for these actions is missing, the
      actions stop (commitment IV: development and deployment).
    * ``baseline``: safeguards every model needs for these actions, whatever its level.
    * ``other``: a stated rule redline records but cannot execute (e.g. a marginal-risk
      clause); shown in reports, never silently applied.
    """

    id: Id
    kind: RuleKind
    actions: list[Action] = Field(min_length=1)
    domains: list[Id] | Literal["all"] = "all"
    requires: list[Requirement] = Field(default_factory=list)
    statement: str = Field(min_length=1)
    binding: Flag = Field(
        default=True,
        description="False for discretionary wording ('may pause'); reported, never relied on.",
    )
    conditional_on: Literal["competitors", "industry", "regulation", "other"] | None = Field(
        default=None, description="What the commitment depends on (with applies_when)."
    )
    applies_when: Condition | None = Field(
        default=None, description="The rule applies only when this condition is shown."
    )
    citation: Citation | None = None


# --------------------------------------------------------------------- governance


class Role(Strict):
    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    citation: Citation | None = None


class SignOff(Strict):
    """Which roles must sign a decision before it is final."""

    actions: list[Action] = Field(min_length=1)
    when: Literal["always", "any_level_reached", "levels_reached"] = "always"
    levels: list[Id] = Field(default_factory=list)
    roles: list[Id] = Field(min_length=1)
    rule: Literal["all", "any"] = "all"
    citation: Citation | None = None


class ForecastRule(Strict):
    """A forecast trigger: reassess before a horizon when the checkpoint series'
    forecast crosses a level's threshold within it at the stated probability.

    Example (our reading of "reassess before the next 4x" combined with alert
    thresholds; no published framework states a probability)::

        forecast_rules:
          - id: alert-within-next-4x
            when: alert
            horizon_compute_multiple: 4
            probability: 0.8
    """

    id: Id
    when: Literal["alert", "threshold", "any"] = Field(
        default="alert",
        description=(
            "Which levels' thresholds the rule watches: alert levels, threshold and "
            "intolerable levels ('threshold'), or both ('any')."
        ),
    )
    levels: list[Id] | Literal["all"] = Field(
        default="all", description="Level ids the rule watches (of the kind 'when' names), or all."
    )
    horizon_compute_multiple: Number | None = Field(
        default=None,
        gt=1.0,
        description="Horizon in compute: this multiple of the latest checkpoint's compute.",
    )
    horizon_months: Number | None = Field(
        default=None,
        gt=0,
        description="Horizon in time (series without compute): months after the latest checkpoint.",
    )
    probability: Number = Field(
        gt=0.0,
        lt=1.0,
        description="Fires when the probability of crossing within the horizon is at least this.",
    )
    action: Literal["reassess"] = Field(
        default="reassess",
        description="What a fired rule requires: a full assessment before the horizon.",
    )
    statement: str | None = Field(default=None, description="The rule in the framework's words.")
    citation: Citation | None = None

    @model_validator(mode="after")
    def _has_horizon(self) -> ForecastRule:
        if self.levels == []:
            raise ValueError("levels: give at least one level id, or 'all'")
        if self.horizon_compute_multiple is None and self.horizon_months is None:
            raise ValueError(
                "a forecast rule needs a horizon: give horizon_compute_multiple, "
                "horizon_months or both"
            )
        return self


class Reassessment(Strict):
    effective_compute_multiple: Number | None = Field(default=None, gt=1.0)
    months: Number | None = Field(default=None, gt=0)
    deployment_context_change: Flag = False
    forecast_rules: list[ForecastRule] = Field(
        default_factory=list,
        description="Forecast triggers evaluated on a lineage's checkpoint series.",
    )
    other: str | None = None
    citation: Citation | None = None


class Governance(Strict):
    roles: list[Role] = Field(min_length=1)
    sign_off: list[SignOff] = Field(default_factory=list)
    dissent: str | None = Field(default=None, description="How dissent is recorded and handled.")
    reassessment: Reassessment = Field(default_factory=Reassessment)
    policy_review_months: Number | None = Field(default=None, gt=0)
    policy_changes_approved_by: list[Id] = Field(default_factory=list)
    noncompliance_reporting: str | None = None
    resources: str | None = Field(default=None, description="Resources assigned (commitment VI).")
    citation: Citation | None = None


# ------------------------------------------------------- external input, transparency


class TrustedActor(Strict):
    id: Id
    name: str = Field(min_length=1)
    kind: ActorKind
    reviewed: list[ReviewedItem] = Field(default_factory=list)
    how: str | None = Field(default=None, description="How they were involved.")
    date: dt.date | None = None
    citation: Citation | None = None


class ExternalInput(Strict):
    trusted_actors: list[TrustedActor] = Field(default_factory=list)
    threshold_setting: str | None = Field(
        default=None, description="How trusted actors' input shaped the thresholds."
    )
    public_involvement: str | None = None
    citation: Citation | None = None


class Disclosure(Strict):
    item: Disclosable
    reason: str = Field(min_length=1)
    shared_with: list[Id] = Field(
        default_factory=list, description="Trusted actor ids (trusted_only items)."
    )
    citation: Citation | None = None


class Transparency(Strict):
    public: list[Disclosable] = Field(default_factory=list)
    trusted_only: list[Disclosure] = Field(default_factory=list)
    withheld: list[Disclosure] = Field(default_factory=list)
    reporting: str | None = Field(default=None, description="What is published and when.")
    artefacts: list[Artefact] = Field(
        default_factory=list, description="Risk reports, roadmaps and other documents committed to."
    )
    citation: Citation | None = None
