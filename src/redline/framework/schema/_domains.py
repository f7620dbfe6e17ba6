"""Risk domains: ladders of capability levels, or risk matrices of scored factors."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from redline.framework.schema._base import (
    Action,
    Citation,
    EvidenceStandard,
    Id,
    LevelKind,
    Number,
    Strict,
    Whole,
)
from redline.framework.schema._conditions import (
    Condition,
    ManualDetermination,
)
from redline.framework.schema._constructs import (
    TIERS,
    RequiredBefore,
    Tier,
    TieredRequirement,
)
from redline.framework.schema._safeguards import (
    ActionRequirement,
    Requirement,
)

LevelRequirement = list[Requirement] | ActionRequirement | TieredRequirement

# ------------------------------------------------------------------- risk domains


class Evidence(Strict):
    standard: EvidenceStandard
    confidence: Number = Field(default=0.95, gt=0.5, lt=1.0)


class CapabilityLevel(Strict):
    id: Id
    name: str = Field(min_length=1)
    kind: LevelKind
    description: str | None = None
    alert_for: Id | None = Field(
        default=None, description="For alert levels: the threshold level it warns of."
    )
    trigger: Condition | None = Field(
        default=None, description="When the level counts as reached (ladder domains)."
    )
    evidence: Evidence
    basis: Literal["capability", "usage"] = Field(
        default="capability",
        description="capability: crossed by what the model can do; usage: by how it is used.",
    )
    requires: dict[Action, LevelRequirement] = Field(
        default_factory=dict,
        description=(
            "Per action: the safeguards required, or 'forbidden', or per deployment tier "
            "('tiers: {limited: [...], large_scale: [...]}'). Intolerable levels forbid every "
            "action they do not list."
        ),
    )
    recommends: dict[Action, list[Requirement]] = Field(
        default_factory=dict,
        description="Per action: safeguards the text recommends but does not require.",
    )
    required_before: list[RequiredBefore] = Field(
        default_factory=list,
        description="Safeguards required once a level below this one is reached.",
    )
    rationale: str | None = Field(
        default=None, description="How the threshold was chosen (commitment II)."
    )
    example_scenarios: list[str] = Field(
        default_factory=list,
        description="Situations in which the model would pose intolerable risk (commitment II).",
    )
    citation: Citation | None = None

    def requirement(self, action: Action) -> list[Requirement] | ActionRequirement:
        """What the action requires; for a tiered requirement, that of the most
        demanding tier (what a reader who does not know the tier must assume)."""
        return self.requirement_for(action, None)

    def requirement_for(
        self, action: Action, tier: Tier | None
    ) -> list[Requirement] | ActionRequirement:
        if action in self.requires:
            req = self.requires[action]
            if isinstance(req, TieredRequirement):
                return req.for_tier(tier if tier is not None else TIERS[-1])
            return req
        if self.kind is LevelKind.INTOLERABLE:
            return ActionRequirement.FORBIDDEN
        return []


class ManualFactorSource(Strict):
    manual: ManualDetermination


class MetricFactorSource(Strict):
    """A factor scored from a metric: the score is that of the highest bin whose lower
    edge the metric reaches (bins ascending). The decision reads the risky end of the
    metric's widest interval, so uncertainty raises the score, never lowers it."""

    evaluation: Id
    metric: str | None = None
    bins: list[Number] = Field(min_length=1, description="Ascending lower edges, one per score.")


class RiskFactor(Strict):
    id: Id
    name: str = Field(min_length=1)
    dimension: (
        Literal["likelihood", "severity", "capability", "use_case", "autonomy", "other"] | None
    ) = Field(default=None, description="What the factor scores (likelihood x severity, ...).")
    scores: list[Whole] = Field(min_length=2, description="Allowed ordinal scores, ascending.")
    source: ManualFactorSource | MetricFactorSource
    description: str | None = None


class ScoreBand(Strict):
    level: Id
    score_at_least: Number


class MatrixCell(Strict):
    when: dict[Id, Whole] = Field(min_length=1, description="factor id -> score")
    level: Id


class RiskMatrix(Strict):
    """Scored factors combined into a risk class that is one of the domain's levels."""

    factors: list[RiskFactor] = Field(min_length=1)
    combine: Literal["product", "sum", "max", "lookup"]
    bands: list[ScoreBand] = Field(
        default_factory=list, description="For product/sum/max: level by score."
    )
    cells: list[MatrixCell] = Field(default_factory=list, description="For lookup.")


class RiskDomain(Strict):
    id: Id
    name: str = Field(min_length=1)
    threat_model: str = Field(min_length=1)
    status: Literal["tracked", "research", "monitored", "excluded"] = Field(
        default="tracked",
        description=(
            "tracked: levels with triggers decide actions. research/monitored/excluded: the "
            "framework names the risk but sets no binding levels; such a domain may have none."
        ),
    )
    levels: list[CapabilityLevel] = Field(
        default_factory=list, description="Ordered from least to most severe."
    )
    risk_matrix: RiskMatrix | None = None
    halting_exemption: str | None = Field(
        default=None,
        description=("Why this domain has neither an intolerable level nor a halting rule, if so."),
    )
    citation: Citation | None = None
