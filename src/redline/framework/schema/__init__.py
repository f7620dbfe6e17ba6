"""The framework schema: a frontier AI safety framework as typed data.

Every model here forbids unknown keys, so a typo in a framework file is an error
with a location, never a silently ignored setting. The JSON Schema generated from
:class:`Framework` is redline's published schema (``redline schema``).

Design notes
------------
* Trigger conditions are structured data (comparisons, ``all``/``any``, manual
  determinations); nothing in a framework is ever evaluated as code.
* A capability level says, per action, which safeguards it requires or that the
  action is ``forbidden``. Intolerable levels forbid every action they do not
  list explicitly.
* Risk domains either climb a ladder of triggered levels or score factors in a
  risk matrix that maps to levels (NVIDIA's MR1-MR5, Naver's matrices).
* What a source framework leaves open stays visibly open: a numeric value may be
  ``unspecified`` and text fields can say so; encodings never invent numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from redline.framework.schema._base import (
    ACTIONS,
    DEPLOYMENT_ACTIONS,
    SCHEMA_VERSION,
    Action,
    ActorKind,
    CapabilityCriterion,
    Citation,
    ComputeCriterion,
    Disclosable,
    Document,
    EvidenceStandard,
    Flag,
    FrameworkKind,
    Id,
    Identity,
    Interpretation,
    LevelKind,
    MonthDate,
    Number,
    Op,
    RelativeComputeCriterion,
    ReviewedItem,
    RuleKind,
    SafeguardKind,
    Scope,
    ScopeCriterion,
    Sha256,
    Strict,
    TextCopy,
    Unspecified,
    Whole,
)
from redline.framework.schema._conditions import (
    AllCondition,
    AnyCondition,
    Comparison,
    Condition,
    ManualCondition,
    ManualDetermination,
)
from redline.framework.schema._constructs import (
    TIERED_ACTIONS,
    TIERS,
    Artefact,
    ArtefactKind,
    Exemption,
    ExemptionGrounds,
    ExemptionKind,
    Recommendation,
    RequiredBefore,
    Tier,
    TieredRequirement,
)
from redline.framework.schema._domains import (
    CapabilityLevel,
    Evidence,
    LevelRequirement,
    ManualFactorSource,
    MatrixCell,
    MetricFactorSource,
    RiskDomain,
    RiskFactor,
    RiskMatrix,
    ScoreBand,
)
from redline.framework.schema._evaluations import (
    Elicitation,
    ElicitationRequirement,
    Evaluation,
    FineTuning,
    Sampling,
)
from redline.framework.schema._governance import (
    Disclosure,
    ExternalInput,
    ForecastRule,
    Governance,
    Reassessment,
    Role,
    Rule,
    SignOff,
    Transparency,
    TrustedActor,
)
from redline.framework.schema._safeguards import (
    ActionRequirement,
    AnyOfSafeguards,
    Requirement,
    Safeguard,
    Verification,
)
from redline.framework.schema._selftests import (
    Determination,
    ScenarioResult,
    SelfTest,
)

__all__ = [
    "ACTIONS",
    "DEPLOYMENT_ACTIONS",
    "SCHEMA_VERSION",
    "TIERED_ACTIONS",
    "TIERS",
    "Action",
    "ActionRequirement",
    "ActorKind",
    "AllCondition",
    "AnyCondition",
    "AnyOfSafeguards",
    "Artefact",
    "ArtefactKind",
    "CapabilityCriterion",
    "CapabilityLevel",
    "Citation",
    "Comparison",
    "ComputeCriterion",
    "Condition",
    "Determination",
    "Disclosable",
    "Disclosure",
    "Document",
    "Elicitation",
    "ElicitationRequirement",
    "Evaluation",
    "Evidence",
    "EvidenceStandard",
    "Exemption",
    "ExemptionGrounds",
    "ExemptionKind",
    "ExternalInput",
    "FineTuning",
    "Flag",
    "ForecastRule",
    "Framework",
    "FrameworkKind",
    "Governance",
    "Id",
    "Identity",
    "Interpretation",
    "LevelKind",
    "LevelRequirement",
    "ManualCondition",
    "ManualDetermination",
    "ManualFactorSource",
    "MatrixCell",
    "MetricFactorSource",
    "MonthDate",
    "Number",
    "Op",
    "Reassessment",
    "Recommendation",
    "RelativeComputeCriterion",
    "RequiredBefore",
    "Requirement",
    "ReviewedItem",
    "RiskDomain",
    "RiskFactor",
    "RiskMatrix",
    "Role",
    "Rule",
    "RuleKind",
    "Safeguard",
    "SafeguardKind",
    "Sampling",
    "ScenarioResult",
    "Scope",
    "ScopeCriterion",
    "ScoreBand",
    "SelfTest",
    "Sha256",
    "SignOff",
    "Strict",
    "TextCopy",
    "Tier",
    "TieredRequirement",
    "Transparency",
    "TrustedActor",
    "Unspecified",
    "Verification",
    "Whole",
    "condition_leaves",
    "condition_paths",
    "json_schema",
]


# ----------------------------------------------------------------------- framework


class Framework(Strict):
    """A frontier AI safety framework, one version."""

    schema_version: Literal[1] = Field(
        alias="schema_version", description="Version of the redline schema."
    )
    framework: Identity
    scope: Scope
    domains: list[RiskDomain] = Field(min_length=1)
    evaluations: list[Evaluation] = Field(default_factory=list)
    safeguards: list[Safeguard] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    governance: Governance
    external_input: ExternalInput = Field(default_factory=ExternalInput)
    transparency: Transparency | None = None
    exemptions: list[Exemption] = Field(
        default_factory=list,
        description="Exemptions and waivers, applied only when their condition holds.",
    )
    recommendations: list[Recommendation] = Field(
        default_factory=list, description="Industry-wide recommendations, never applied."
    )
    tests: list[SelfTest] = Field(default_factory=list)
    notes: str | None = None

    # Convenience lookups (not part of the schema).
    def evaluation(self, eval_id: str) -> Evaluation:
        for e in self.evaluations:
            if e.id == eval_id:
                return e
        raise KeyError(eval_id)

    def safeguard(self, safeguard_id: str) -> Safeguard:
        for s in self.safeguards:
            if s.id == safeguard_id:
                return s
        raise KeyError(safeguard_id)

    def level(self, level_id: str) -> tuple[RiskDomain, CapabilityLevel]:
        for d in self.domains:
            for lv in d.levels:
                if lv.id == level_id:
                    return d, lv
        raise KeyError(level_id)


AllCondition.model_rebuild()
AnyCondition.model_rebuild()


def condition_leaves(cond: Condition | None) -> Iterator[Comparison | ManualDetermination]:
    """The comparisons and manual determinations of a trigger, depth first."""
    if cond is None:
        return
    if isinstance(cond, Comparison):
        yield cond
    elif isinstance(cond, ManualCondition):
        yield cond.manual
    elif isinstance(cond, AllCondition):
        for c in cond.all:
            yield from condition_leaves(c)
    elif isinstance(cond, AnyCondition):
        for c in cond.any:
            yield from condition_leaves(c)


def condition_paths(
    cond: Condition | None, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Comparison | ManualDetermination]]:
    """The leaves of a trigger with their paths in the file (for located messages)."""
    if cond is None:
        return
    if isinstance(cond, Comparison):
        yield path, cond
    elif isinstance(cond, ManualCondition):
        yield (*path, "manual"), cond.manual
    elif isinstance(cond, AllCondition):
        for i, c in enumerate(cond.all):
            yield from condition_paths(c, (*path, "all", i))
    elif isinstance(cond, AnyCondition):
        for i, c in enumerate(cond.any):
            yield from condition_paths(c, (*path, "any", i))


def json_schema() -> dict[str, Any]:
    """redline's published JSON Schema for framework files."""
    schema = Framework.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:redline:schema:framework:1"
    schema["title"] = "redline framework"
    return schema
