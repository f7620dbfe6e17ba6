"""Evaluations: Inspect tasks, metrics, elicitation strategies and sample budgets."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
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
    few_shot: Whole | None = Field(
        default=None,
        ge=0,
        description="Worked examples this strategy puts in the prompt, when its task arguments "
        "do not say it (few_shot, fewshot or num_fewshot).",
    )
    tools: list[str] = Field(
        default_factory=list,
        description="Tools this strategy gives the model (as the strategy declares them; "
        "redline does not inspect the solver).",
    )


FineTuning = Literal["not_required", "open_weights", "always"]


class ElicitationRequirement(Strict):
    """The elicitation an evaluation must have had before a low score can rule a level out.

    A result that falls short still counts when it shows a level reached (weak elicitation
    only understates a capability); it cannot rule one out, and the decision says the
    evidence is insufficient and why. Strategies are the evaluation's own strategy ids; the
    shot count, epochs and tools must all be met by one strategy's run (the result is the
    maximum over strategies)."""

    strategies: list[Id] = Field(
        default_factory=list, description="Strategies that must all have run."
    )
    few_shot: Whole | None = Field(
        default=None, ge=0, description="At least this many worked examples in one run."
    )
    epochs: Whole | None = Field(
        default=None, ge=1, description="At least this many epochs (samples per item)."
    )
    tools: list[str] = Field(
        default_factory=list, description="Tools the model must have had in that run."
    )
    fine_tuning: FineTuning = Field(
        default="not_required",
        description="open_weights: the open-weights release decision needs a fine-tuned "
        "elicitation (whoever holds the weights can fine-tune); always: every decision does.",
    )
    note: str | None = None
    citation: Citation | None = None


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
    required_elicitation: ElicitationRequirement | None = Field(
        default=None,
        description="Elicitation needed before a result may rule a level out "
        "(strategies, shots, epochs, tools, fine-tuning).",
    )
    description: str | None = None
    citation: Citation | None = None

    @model_validator(mode="after")
    def _known_strategies(self) -> Evaluation:
        req = self.required_elicitation
        if req is not None:
            known = [st.id for st in self.elicitation] or ["default"]
            unknown = [x for x in req.strategies if x not in known]
            if unknown:
                raise ValueError(
                    f"required_elicitation names strategies {', '.join(unknown)} that "
                    f"evaluation {self.id!r} does not define (it has: {', '.join(known)})"
                )
        return self
