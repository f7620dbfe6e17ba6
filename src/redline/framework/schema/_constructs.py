"""Constructs the 2026 texts need (docs/registry-constructs.md): deployment tiers,
safeguards required before a threshold, exemptions and waivers, industry-wide
recommendations, transparency artefacts."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator

from redline.framework.schema._base import (
    Action,
    Citation,
    Flag,
    Id,
    Number,
    Strict,
    Unspecified,
)
from redline.framework.schema._conditions import Condition
from redline.framework.schema._safeguards import Requirement


class Tier(StrEnum):
    """How widely a model is deployed, least to most: a few people or groups,
    trusted users (vetted testers, partners), large scale."""

    LIMITED = "limited"
    TRUSTED_USERS = "trusted_users"
    LARGE_SCALE = "large_scale"


TIERS: tuple[Tier, ...] = tuple(Tier)
TIERED_ACTIONS = (Action.INTERNAL_DEPLOYMENT, Action.EXTERNAL_DEPLOYMENT)


class TieredRequirement(Strict):
    """Requirements of one action that differ by deployment tier. A tier not listed
    takes the requirements of the nearest smaller tier listed (none below: nothing)."""

    tiers: dict[Tier, list[Requirement]] = Field(min_length=1)

    def for_tier(self, tier: Tier) -> list[Requirement]:
        order = list(TIERS)
        for t in reversed(order[: order.index(tier) + 1]):
            if t in self.tiers:
                return list(self.tiers[t])
        return []

    def most_demanding(self) -> Tier:
        return max(self.tiers, key=lambda t: TIERS.index(t))


class RequiredBefore(Strict):
    """Safeguards that must be in place once a level below this threshold is reached,
    before the threshold itself is (G42's 'before reaching', Anthropic's checkpoints)."""

    when_reached: Id | None = Field(
        default=None,
        description="The level whose reaching makes them required; default: this level's alerts.",
    )
    actions: list[Action] = Field(min_length=1)
    safeguards: list[Requirement] = Field(min_length=1)
    citation: Citation | None = None


class ExemptionKind(StrEnum):
    EXEMPTION = "exemption"
    WAIVER = "waiver"


class ExemptionGrounds(StrEnum):
    LOW_RISK_DEPLOYMENT = "low_risk_deployment"
    MARGINAL_RISK = "marginal_risk"
    BENEFITS = "benefits"
    OTHER = "other"


class Exemption(Strict):
    """Lifts the safeguard requirements of some levels for some actions when its
    condition is shown. Never lifts 'forbidden'. Always reported when applied."""

    id: Id
    kind: ExemptionKind
    grounds: ExemptionGrounds
    actions: list[Action] = Field(min_length=1)
    tiers: list[Tier] = Field(
        default_factory=list, description="Only deployments of these tiers; empty: any tier."
    )
    levels: list[Id] | Literal["all"] = "all"
    when: Condition = Field(description="The condition under which it applies.")
    binding: Flag = Field(
        default=True,
        description="False for discretionary wording ('may'): recorded, never applied.",
    )
    statement: str = Field(min_length=1)
    citation: Citation | None = None


class Recommendation(Strict):
    """What the text recommends for the whole industry, apart from the company's own
    commitments. Never applied by the decision engine."""

    id: Id
    audience: Literal["industry_wide"] = "industry_wide"
    levels: list[Id] = Field(default_factory=list)
    statement: str = Field(min_length=1)
    citation: Citation | None = None


class ArtefactKind(StrEnum):
    RISK_REPORT = "risk_report"
    ROADMAP = "roadmap"
    SAFETY_CASE = "safety_case"
    SYSTEM_CARD = "system_card"
    OTHER = "other"


class Artefact(Strict):
    """A document the framework commits to produce (risk report, roadmap, ...)."""

    id: Id
    kind: ArtefactKind
    audience: Literal["public", "trusted_actors", "internal"]
    cadence_months: Number | Unspecified | None = Field(
        default=None, description="How often, in months; unspecified when the text says no cadence."
    )
    statement: str = Field(min_length=1)
    citation: Citation | None = None

    @field_validator("cadence_months", mode="before")
    @classmethod
    def _unspecified_word(cls, v: Any) -> Any:
        return {"unspecified": True} if v == "unspecified" else v
