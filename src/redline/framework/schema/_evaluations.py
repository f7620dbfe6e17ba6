"""Evaluations: Inspect tasks, metrics, elicitation strategies and sample budgets."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
)

from redline.framework.schema._base import (
    Citation,
    Flag,
    Id,
    Strict,
    Whole,
)

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
