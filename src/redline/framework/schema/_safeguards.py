"""Safeguards and what a level requires of them per action."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    Field,
)

from redline.framework.schema._base import (
    Citation,
    Flag,
    Id,
    Number,
    Op,
    SafeguardKind,
    Strict,
)

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
