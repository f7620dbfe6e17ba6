"""A hand-written results document for decision tests: a ``Results`` object, as
``redline assess`` writes it, with made-up but plausible numbers for the example
framework's evaluations (examples/frontier-framework.yaml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from redline.decide.elicitation import RunElicitation
from redline.measure.results import (
    EvaluationResult,
    FrameworkRef,
    Interval,
    ModelRef,
    Results,
    StrategyRun,
    Tokens,
)

FRAMEWORK = Path(__file__).parent.parent / "examples" / "frontier-framework.yaml"


def evaluation(
    eval_id: str,
    metric: str,
    estimate: float,
    lower: float,
    upper: float,
    *,
    n: int = 120,
    task_args: dict[str, Any] | None = None,
) -> EvaluationResult:
    """One evaluation's result with a 95% interval, as ``redline assess`` writes it."""
    interval = Interval(confidence=0.95, lower=lower, upper=upper, method="wilson")
    args = task_args or {}
    suffix = "-" + "-".join(f"{k}-{v}" for k, v in args.items()) if args else ""
    strategies = [
        _run(name, eval_id, args, suffix, estimate, interval, n, shots)
        for name, shots in STRATEGIES.get(eval_id, [("default", None)])
    ]
    return EvaluationResult(
        evaluation=eval_id,
        purpose="verification" if args else "capability",
        metric=metric,
        task=f"redline/{eval_id}",
        task_args=args,
        estimate=estimate,
        best_strategy=strategies[-1].strategy,
        intervals=[interval],
        strategies=strategies,
    )


# The example's strategies (and the shots each gives), so that its required elicitation
# is met as a real assessment meets it.
STRATEGIES = {"bio_proxy": [("zero-shot", None), ("few-shot", 3)]}


def _run(
    name: str,
    eval_id: str,
    args: dict[str, Any],
    suffix: str,
    estimate: float,
    interval: Interval,
    n: int,
    shots: int | None,
) -> StrategyRun:
    return StrategyRun(
        strategy=name,
        task=f"redline/{eval_id}",
        task_args=args,
        log=f"logs/{eval_id}{suffix}{'' if name == 'default' else '-' + name}.eval",
        log_sha256="0" * 64,
        status="success",
        samples_available=n,
        samples_used=n,
        stop_reason="pool exhausted",
        estimate=estimate,
        standard_error=0.04,
        n_clusters=None,
        intervals=[interval],
        tokens=Tokens(input=n * 200, output=n * 20, total=n * 220),
        duration_s=12.5,
        elicitation=RunElicitation(strategy=name, few_shot=shots),
    )


WEAK = {  # a small model near chance on the knowledge proxies
    "bio_proxy": (0.29, 0.21, 0.38),
    "chem_proxy": (0.27, 0.19, 0.36),
    "cyber_proxy": (0.31, 0.23, 0.40),
    "mlre_proxy": (0.26, 0.18, 0.35),
}


def results_doc(
    capability: dict[str, tuple[float, float, float]] | None = None,
    refusal: tuple[float, float, float] = (0.12, 0.07, 0.20),
    extra: list[EvaluationResult] | None = None,
) -> Results:
    cap = {**WEAK, **(capability or {})}
    evaluations = [evaluation(e, "accuracy", *v) for e, v in cap.items()]
    evaluations.append(evaluation("harmful_requests", "refusal_rate", *refusal, n=60))
    return Results(
        assessment_id="test-0001",
        created=dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC),
        framework=FrameworkRef(
            id="larkspur-fsf",
            organisation="Larkspur AI (fictional)",
            name="Larkspur Frontier Safety Framework",
            version="1.2",
            file=str(FRAMEWORK),
            sha256="0" * 64,
        ),
        model=ModelRef(name="mockllm/model"),
        redline_version="0.1.0",
        inspect_version="0.3.285",
        evaluations=[*evaluations, *(extra or [])],
        duration_s=300.0,
    )
