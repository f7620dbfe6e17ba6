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

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        max_length=80,
        description="Identifier: lower-case letters, digits, '-', '_' and '.'.",
    ),
]


def _number(v: Any) -> Any:
    # YAML users write 1 or 1.0; text ("0.85") and true/false are mistakes, not numbers.
    if isinstance(v, bool | str):
        # Reported like any other wrong type, so the loader's messages stay uniform.
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return v


Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]
"""A finite number; refuses text and booleans that lax parsing would convert."""
Whole = Annotated[int, Field(strict=True)]
Flag = Annotated[bool, Field(strict=True)]


class Strict(BaseModel):
    """Base for every schema model: unknown keys are errors, values are not coerced
    silently from one kind to another beyond what YAML users expect."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


# --------------------------------------------------------------------------- enums


class Action(StrEnum):
    """What a developer can do with a model; each gets its own verdict."""

    CONTINUE_TRAINING = "continue_training"
    INTERNAL_DEPLOYMENT = "internal_deployment"
    EXTERNAL_DEPLOYMENT = "external_deployment"
    OPEN_WEIGHTS_RELEASE = "open_weights_release"


ACTIONS: tuple[Action, ...] = tuple(Action)
DEPLOYMENT_ACTIONS = (
    Action.INTERNAL_DEPLOYMENT,
    Action.EXTERNAL_DEPLOYMENT,
    Action.OPEN_WEIGHTS_RELEASE,
)


class LevelKind(StrEnum):
    ALERT = "alert"
    THRESHOLD = "threshold"
    INTOLERABLE = "intolerable"


class EvidenceStandard(StrEnum):
    PRECAUTIONARY = "precautionary"
    DEMONSTRATED = "demonstrated"


class Op(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"


class SafeguardKind(StrEnum):
    DEPLOYMENT = "deployment"
    SECURITY = "security"


class ActorKind(StrEnum):
    GOVERNMENT = "government"
    AI_SAFETY_INSTITUTE = "ai_safety_institute"
    THIRD_PARTY_EVALUATOR = "third_party_evaluator"
    ACADEMIC = "academic"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class ReviewedItem(StrEnum):
    """What a trusted actor was consulted on."""

    THRESHOLDS = "thresholds"
    EVALUATIONS = "evaluations"
    SAFEGUARDS = "safeguards"
    DECISIONS = "decisions"
    FRAMEWORK = "framework"
    ADHERENCE = "adherence"


class Disclosable(StrEnum):
    """Parts of a framework and its records whose disclosure the transparency
    section controls. The publisher redacts by these names."""

    FRAMEWORK = "framework"
    CAPABILITY_LEVELS = "capability_levels"
    THRESHOLD_VALUES = "threshold_values"
    EVALUATION_ITEMS = "evaluation_items"
    EVALUATION_RESULTS = "evaluation_results"
    MODEL_OUTPUTS = "model_outputs"
    SAFEGUARD_DETAILS = "safeguard_details"
    DECISIONS = "decisions"
    RATIONALES = "rationales"
    SIGN_OFFS = "sign_offs"
    REVIEW_COMMENTS = "review_comments"


class RuleKind(StrEnum):
    HALT = "halt"
    BASELINE = "baseline"
    OTHER = "other"


# ------------------------------------------------------------------- shared pieces


class Citation(Strict):
    """Where an element comes from in a source document (for encoded frameworks)."""

    source: str = Field(description="Source document id or URL.")
    section: str | None = Field(default=None, description="Section, page or table.")
    quote: str | None = Field(
        default=None, description="A short key phrase from the source, if any."
    )


class Unspecified(Strict):
    """Marks a value the source framework does not state. Never invent one."""

    unspecified: Literal[True] = True
    note: str | None = None


class Identity(Strict):
    id: Id = Field(description="Stable id of the framework across versions.")
    organisation: str = Field(min_length=1)
    name: str = Field(min_length=1)
    version: str = Field(min_length=1, description='Quote numeric versions: "1.0".')
    date: dt.date
    source_url: str | None = None
    supersedes: str | None = Field(default=None, description="Previous version string.")
    fictional: Flag = Field(
        default=False, description="True for examples that describe no real organisation."
    )


# --------------------------------------------------------------------------- scope


class ComputeCriterion(Strict):
    kind: Literal["compute"]
    training_flop_at_least: Number = Field(gt=0)
    description: str | None = None


class CapabilityCriterion(Strict):
    kind: Literal["capability"]
    description: str = Field(min_length=1)


class RelativeComputeCriterion(Strict):
    """E.g. fine-tunes that use more than a third of the base model's compute."""

    kind: Literal["relative_compute"]
    fraction_of_base_at_least: Number = Field(gt=0)
    description: str | None = None


ScopeCriterion = Annotated[
    ComputeCriterion | CapabilityCriterion | RelativeComputeCriterion,
    Field(discriminator="kind"),
]


class Scope(Strict):
    description: str = Field(min_length=1, description="What counts as a frontier model.")
    criteria: list[ScopeCriterion] = Field(default_factory=list)
    combine: Literal["any", "all"] = "any"
    citation: Citation | None = None


# ----------------------------------------------------------------------- triggers


class Comparison(Strict):
    """``evaluation.metric OP value``: a level's numeric trigger."""

    evaluation: Id
    metric: str | None = Field(
        default=None, description="Metric name; defaults to the evaluation's metric."
    )
    op: Op
    value: Number | Unspecified | Literal["unspecified"]

    @field_validator("value", mode="before")
    @classmethod
    def _unspecified_word(cls, v: Any) -> Any:
        if v == "unspecified":
            return {"unspecified": True}
        return v


class ManualDetermination(Strict):
    """A qualitative threshold: a named role determines whether it is met, with a
    recorded rationale (uplift studies, expert red teaming, deep dives)."""

    id: Id
    determined_by: Id = Field(description="A governance role id.")
    question: str = Field(min_length=1)
    method: str | None = Field(default=None, description="E.g. uplift study, expert red teaming.")


class ManualCondition(Strict):
    manual: ManualDetermination


class AllCondition(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyCondition(Strict):
    any: list[Condition] = Field(min_length=1)


def _condition_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        for key in ("all", "any", "manual"):
            if key in v:
                return key
        if "evaluation" in v or "op" in v or "metric" in v:
            return "comparison"
        return None
    if isinstance(v, AllCondition):
        return "all"
    if isinstance(v, AnyCondition):
        return "any"
    if isinstance(v, ManualCondition):
        return "manual"
    if isinstance(v, Comparison):
        return "comparison"
    return None


Condition = Annotated[
    Annotated[Comparison, Tag("comparison")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[ManualCondition, Tag("manual")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a comparison (evaluation, op, value), "
            "'all: [...]', 'any: [...]' or 'manual: {...}'"
        ),
    ),
]


# -------------------------------------------------------------------- evaluations


class Elicitation(Strict):
    """One elicitation strategy; an evaluation's result is the maximum over them."""

    id: Id
    description: str | None = None
    task_args: dict[str, Any] = Field(default_factory=dict)
    solver: str | None = Field(
        default=None, description="Optional Inspect solver registry name for this strategy."
    )


class Sampling(Strict):
    budget: Whole | Literal["all"] = Field(
        default="all", description="Most samples to use per strategy."
    )
    seed: Whole = 0
    cluster_by: str | None = Field(
        default=None, description="Sample metadata field that groups dependent items."
    )
    early_stopping: Flag = True
    scores: Literal["binary", "bounded"] = Field(
        default="binary",
        description=(
            "binary: every sample scores 0 or 1 (exact hypergeometric confidence sequence); "
            "bounded: scores anywhere in [0, 1] (betting confidence sequence)."
        ),
    )

    @field_validator("budget")
    @classmethod
    def _positive(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v < 1:
            raise ValueError("budget must be at least 1 or 'all'")
        return v


class Evaluation(Strict):
    id: Id
    name: str | None = None
    task: str = Field(
        min_length=1,
        description=(
            "Inspect task: a registry name ('inspect_evals/wmdp_bio', 'redline/bio_proxy') "
            "or a file ('tasks/mine.py' or 'tasks/mine.py@task_name')."
        ),
    )
    task_args: dict[str, Any] = Field(default_factory=dict)
    metric: str = Field(min_length=1, description="Metric the thresholds refer to.")
    scorer: str | None = Field(
        default=None, description="Scorer name in the log when the task has several."
    )
    higher_is_more_capable: Flag = True
    elicitation: list[Elicitation] = Field(default_factory=list)
    sampling: Sampling = Field(default_factory=Sampling)
    description: str | None = None
    citation: Citation | None = None


# --------------------------------------------------------------------- safeguards


class Verification(Strict):
    """How a safeguard is shown to work: an evaluation run with the safeguard in
    place, and a condition its result must demonstrably meet."""

    evaluation: Id
    metric: str | None = None
    op: Op
    value: Number
    confidence: Number = Field(default=0.95, gt=0.5, lt=1.0)
    task_args: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra task arguments that apply the safeguard (e.g. mitigation: io_filter).",
    )


class Safeguard(Strict):
    id: Id
    name: str = Field(min_length=1)
    kind: SafeguardKind
    description: str | None = None
    removable_by_weight_holder: Flag | None = Field(
        default=None,
        description=(
            "Whoever holds the weights can remove it. Defaults to true for deployment "
            "safeguards, false for security ones. Open-weights release cannot rely on it."
        ),
    )
    verification: Verification | None = None
    comprises: list[Id] = Field(
        default_factory=list,
        description="A standard made of other safeguards: in place when all are.",
    )
    implies: list[Id] = Field(
        default_factory=list,
        description="Weaker safeguards this one satisfies (e.g. SL3 implies SL2).",
    )
    specified: Flag = Field(
        default=True,
        description=(
            "False for a safeguard the framework requires but has not yet defined (e.g. a "
            "future security standard). It is never counted as in place."
        ),
    )
    citation: Citation | None = None

    @property
    def removable(self) -> bool:
        if self.removable_by_weight_holder is not None:
            return self.removable_by_weight_holder
        return self.kind is SafeguardKind.DEPLOYMENT


class AnyOfSafeguards(Strict):
    any_of: list[Id] = Field(min_length=2)


Requirement = Id | AnyOfSafeguards


class ActionRequirement(StrEnum):
    FORBIDDEN = "forbidden"


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
    requires: dict[Action, list[Requirement] | ActionRequirement] = Field(
        default_factory=dict,
        description=(
            "Per action: the safeguards required, or 'forbidden'. Intolerable levels "
            "forbid every action they do not list."
        ),
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
        if action in self.requires:
            return self.requires[action]
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


class Reassessment(Strict):
    effective_compute_multiple: Number | None = Field(default=None, gt=1.0)
    months: Number | None = Field(default=None, gt=0)
    deployment_context_change: Flag = False
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
    citation: Citation | None = None


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


class Determination(Strict):
    """A recorded manual determination (in a determinations file or a self-test):
    ``reached`` for a trigger,
    ``score`` for a risk-matrix factor."""

    determination: Id
    reached: Flag | None = None
    score: Whole | None = None
    by: Id
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
    expect: dict[Action, Literal["allowed", "allowed_with_conditions", "blocked", "forbidden"]]
    expect_levels: dict[Id, Id | Literal["none"]] = Field(
        default_factory=dict, description="domain id -> highest level reached"
    )


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


def json_schema() -> dict[str, Any]:
    """redline's published JSON Schema for framework files."""
    schema = Framework.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:redline:schema:framework:1"
    schema["title"] = "redline framework"
    return schema
