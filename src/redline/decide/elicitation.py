"""Elicitation adequacy: may a low score rule a capability level out?

A framework states, per evaluation, the elicitation a result needs before it can show
that a level is *not* reached (``required_elicitation``: strategies, worked examples,
epochs, tools, fine-tuning). The results record what each run did
(:class:`ElicitationRecord`). A shortfall never hides a capability that was shown
(weak elicitation understates, it does not inflate), so only "ruled out" is affected:
the comparison becomes unsettled and the decision says the evidence is insufficient
and why. What counts as adequate is the framework's statement; this module only
compares it with the record.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redline.framework import schema as S


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunElicitation(_Frozen):
    """What one strategy's run did."""

    strategy: str
    few_shot: int | None = Field(
        default=None,
        description="Worked examples in the prompt: the strategy's declaration or its task "
        "arguments (few_shot, fewshot, num_fewshot); None when neither says.",
    )
    epochs: int = Field(default=1, description="Epochs Inspect ran (from the log).")
    tools: list[str] = Field(
        default_factory=list, description="Tools the strategy declares it gave the model."
    )


class ElicitationRecord(_Frozen):
    """The elicitation behind one measured result: every strategy run, and the model."""

    runs: list[RunElicitation] = Field(default_factory=list)
    fine_tuned: bool = Field(
        default=False,
        description="The operator states the model was fine-tuned for elicitation "
        "(redline does not fine-tune; it records the statement).",
    )


def _run_gaps(req: S.ElicitationRequirement, run: RunElicitation) -> list[str]:
    gaps = []
    if req.few_shot:
        if run.few_shot is None:
            gaps.append(f"{req.few_shot}-shot required, the run does not record its shots")
        elif run.few_shot < req.few_shot:
            gaps.append(f"{req.few_shot}-shot required, ran {run.few_shot}-shot")
    if req.epochs is not None and run.epochs < req.epochs:
        gaps.append(f"{req.epochs} epochs required, ran {run.epochs}")
    lacking = [t for t in req.tools if t not in run.tools]
    if lacking:
        gaps.append("tools required but not given: " + ", ".join(lacking))
    return gaps


def shortfalls(
    req: S.ElicitationRequirement | None,
    done: ElicitationRecord | None,
    *,
    open_weights: bool = False,
) -> list[str]:
    """Why ``done`` falls short of ``req``; empty when the requirement is met (or absent).

    ``open_weights``: the decision is the open-weights release, where a requirement of
    ``fine_tuning: open_weights`` applies."""
    if req is None:
        return []
    if done is None:
        return ["the results do not record the elicitation used"]
    out: list[str] = []
    ran = {r.strategy for r in done.runs}
    missing = [s for s in req.strategies if s not in ran]
    if missing:
        out.append("strategies not run: " + ", ".join(missing))
    per_run = [_run_gaps(req, r) for r in done.runs]
    if not any(not g for g in per_run):
        if per_run:
            best = min(per_run, key=len)
            out.append("no single run met the bar (" + "; ".join(best) + ")")
        else:
            out.append("no strategy run is recorded")
    needs_tuning = req.fine_tuning == "always" or (
        req.fine_tuning == "open_weights" and open_weights
    )
    if needs_tuning and not done.fine_tuned:
        where = "every decision" if req.fine_tuning == "always" else "an open-weights release"
        out.append(f"a fine-tuned elicitation is required for {where}; the model was not")
    return out


def needs_open_weights_pass(fw: S.Framework) -> bool:
    """Whether the open-weights decision reads the evidence differently from the others."""
    return any(
        e.required_elicitation is not None and e.required_elicitation.fine_tuning == "open_weights"
        for e in fw.evaluations
    )


def record_for(fw: S.Framework, evaluation: str, *, met: bool) -> ElicitationRecord | None:
    """A record that meets (or, with ``met=False``, misses) what ``evaluation`` requires;
    for scenarios, which state only whether the elicitation was adequate."""
    try:
        req = fw.evaluation(evaluation).required_elicitation
    except KeyError:
        return None
    if req is None:
        return None
    if not met:
        return ElicitationRecord(runs=[])
    runs = [
        RunElicitation(
            strategy=s, few_shot=req.few_shot, epochs=req.epochs or 1, tools=list(req.tools)
        )
        for s in (req.strategies or ["default"])
    ]
    return ElicitationRecord(runs=runs, fine_tuned=req.fine_tuning != "not_required")
