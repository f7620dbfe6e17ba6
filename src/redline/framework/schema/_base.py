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
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
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
    ASSURANCE = "assurance"  # a safety case or affirmative argument, not a control


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


Sha256 = Annotated[
    str, Field(pattern=r"^[0-9a-f]{64}$", description="A sha256 digest in lower-case hex.")
]

MonthDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description='A month, "YYYY-MM", for a text that gives only a month.',
    ),
]
"""A month-only date. Never widened to a day: the first of the month would be invented."""

Quote = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        description=(
            "Exact words of the source, at most about 300 characters. Whitespace, line "
            "breaks, hyphenation at line ends and typographic quote marks are normalised "
            "by `redline registry check-quotes`; nothing else."
        ),
    ),
]


def _day_or_month(v: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(v)
    except ValidationError:
        shown = f"the text {v!r}" if isinstance(v, str) else type(v).__name__
        raise PydanticCustomError(
            "date_or_month",
            "expected a date as YYYY-MM-DD (or a month as YYYY-MM), got {shown}",
            {"shown": shown},
        ) from None


DayOrMonth = Annotated[dt.date | MonthDate, WrapValidator(_day_or_month)]
"""A day, or a month when the source gives only a month."""


class Interpretation(Strict):
    """What an encoder inferred beyond the quoted words, kept apart from them."""

    reading: str = Field(min_length=1, description="Our reading, in a few words.")
    reason: str = Field(
        min_length=1, description="Why: what the text says and what it leaves open."
    )


class Citation(Strict):
    """Where an element comes from in a source document (for encoded frameworks)."""

    source: str | None = Field(
        default=None,
        description=(
            "URL of the document cited; omitted means this encoding's own document "
            "(framework.source_url). Another URL is another document."
        ),
    )
    section: str | None = Field(
        default=None,
        description="A locator that exists in the document: section, table, appendix or page.",
    )
    quote: Quote | None = Field(default=None, description="A short verbatim quote.")
    quotes: list[Quote] = Field(
        default_factory=list, description="More verbatim quotes for the same element."
    )
    interpretation: Interpretation | None = Field(
        default=None, description="What the encoder inferred beyond the quotes, and why."
    )

    def all_quotes(self) -> list[str]:
        return ([self.quote] if self.quote is not None else []) + list(self.quotes)


class Unspecified(Strict):
    """Marks a value the source framework does not state. Never invent one."""

    unspecified: Literal[True] = True
    note: str | None = None


class FrameworkKind(StrEnum):
    """A safety framework, or a compliance framework written for a law beside one."""

    SAFETY_FRAMEWORK = "safety_framework"
    COMPLIANCE_FRAMEWORK = "compliance_framework"


class TextCopy(Strict):
    """The plain text the quotes were checked against, and where it came from."""

    repo: str | None = Field(
        default=None, description="Corpus repository (owner/name) the text was read from."
    )
    path: str | None = Field(default=None, description="Path of the text in that repository.")
    commit: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{40}$", description="Commit the text was read at."
    )
    sha256: Sha256 = Field(description="sha256 of the text exactly as read.")


class Document(Strict):
    """The published document this encoding follows."""

    published_sha256: Sha256 | None = Field(
        default=None,
        description="sha256 of the publisher's file when known; omitted otherwise (never guessed).",
    )
    text: TextCopy | None = Field(
        default=None, description="The plain text the quotes were checked against."
    )


class Identity(Strict):
    id: Id = Field(description="Stable id of the framework across versions.")
    organisation: str = Field(min_length=1)
    name: str = Field(min_length=1)
    version: str = Field(min_length=1, description='Quote numeric versions: "1.0".')
    date: DayOrMonth = Field(
        description='A day (2026-07-08), or a month ("2026-02") when the text gives only a month.'
    )
    kind: FrameworkKind = Field(
        default=FrameworkKind.SAFETY_FRAMEWORK,
        description="safety_framework, or compliance_framework for one written for a law.",
    )
    source_url: str | None = Field(
        default=None,
        description="The publisher's URL of this version (versioned, not a landing page).",
    )
    supersedes: str | None = Field(
        default=None, description="Version string of the previous version of the same id."
    )
    companion_of: Id | None = Field(
        default=None,
        description="Compliance frameworks only: id of the safety framework it accompanies.",
    )
    document: Document | None = None
    fictional: Flag = Field(
        default=False, description="True for examples that describe no real organisation."
    )

    @property
    def date_text(self) -> str:
        """The date as precise as the source gives it: YYYY-MM-DD or YYYY-MM."""
        return self.date if isinstance(self.date, str) else self.date.isoformat()

    @property
    def date_key(self) -> tuple[int, int, int]:
        """Sort key; a month sorts before the days within it."""
        if isinstance(self.date, str):
            y, m = self.date.split("-")
            return (int(y), int(m), 0)
        return (self.date.year, self.date.month, self.date.day)


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
