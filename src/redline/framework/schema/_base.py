"""Shared pieces of the framework schema: value types, enums, citations, identity, scope."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
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
