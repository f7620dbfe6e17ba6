"""Trigger conditions: comparisons, all/any, manual determinations (never code)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
)

from redline.framework.schema._base import (
    Id,
    Number,
    Op,
    Strict,
    Unspecified,
)

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
    jointly_with: list[Id] = Field(
        default_factory=list,
        description="Further roles that make the determination together with determined_by.",
    )
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
