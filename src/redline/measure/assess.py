"""Run a framework's evaluations on a model through Inspect and summarise them.

One assessment = one Inspect eval set under ``OUT/logs``: every (evaluation,
elicitation strategy) pair, plus the verification runs of the safeguards the
developer claims, is its own Inspect task. Re-running the same command resumes:
Inspect's ``eval_set`` reuses the logs of tasks that already succeeded.

Per task, redline fixes the order in which samples are drawn (a seeded shuffle of
the pool) and, when the evaluation allows it, stops early through Inspect's
early-stopping protocol once every threshold that depends on the evaluation is
settled by an anytime-valid confidence sequence (see docs/statistics.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as pkg_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.decide.elicitation import RunElicitation
from redline.framework import schema as S
from redline.measure import stats
from redline.measure.results import (
    EvaluationResult,
    FrameworkRef,
    Interval,
    ModelRef,
    PredictionUse,
    Results,
    StrategyRun,
    Tokens,
)
from redline.measure.served import Concurrency, public_args, run_record
from redline.measure.tasks import parse_task

if TYPE_CHECKING:
    from redline.measure.predictions import AssistedPlan, PredictionSet
    from redline.measure.sequential import SequentialMethod


class MeasureError(Exception):
    """An evaluation could not be run or its log is unusable; names the evaluation."""


DEFAULT_MODEL = "gguf/smollm2"
REPORT_CONFIDENCE = 0.95


@dataclass
class RunSpec:
    """One Inspect task of the assessment."""

    evaluation: S.Evaluation
    purpose: str  # "capability" | "verification"
    strategy: str
    task_args: dict[str, Any]
    extra_args: dict[str, Any]  # verification arguments (part of the result's identity)
    thresholds: list[float]
    confidences: list[float]  # confidences the decision needs for this evaluation
    k: int  # number of strategies the maximum is taken over
    solver: str | None = None
    log: Path | None = None
    order: list[str | int] = field(default_factory=list)
    pool_size: int = 0
    assisted: AssistedPlan | None = None  # set when per-item predictions steer the run
    few_shot: int | None = None  # the strategy's declaration (else read from task_args)
    tools: list[str] = field(default_factory=list)  # tools the strategy declares

    @property
    def key(self) -> str:
        args = json.dumps(self.task_args, sort_keys=True, default=str)
        return f"{self.evaluation.id}/{self.strategy}/{args}"

    @property
    def stop_confidence(self) -> float:
        return stats.adjusted_confidence(max(self.confidences), self.k)


def _comparisons(cond: S.Condition | None) -> list[S.Comparison]:
    return [c for c in S.condition_leaves(cond) if isinstance(c, S.Comparison)]


def plan(fw: S.Framework, claimed: Sequence[str] = ()) -> list[RunSpec]:
    """The Inspect runs an assessment needs: capability evaluations referenced by
    triggers or factors, and verifications of the claimed safeguards."""
    thresholds: dict[str, set[float]] = {}
    confidences: dict[str, set[float]] = {}
    for d in fw.domains:
        for lv in d.levels:
            for c in _comparisons(lv.trigger):
                thresholds.setdefault(c.evaluation, set())
                confidences.setdefault(c.evaluation, set()).add(lv.evidence.confidence)
                if isinstance(c.value, float | int):
                    thresholds[c.evaluation].add(float(c.value))
        if d.risk_matrix is not None:
            for f in d.risk_matrix.factors:
                if isinstance(f.source, S.MetricFactorSource):
                    thresholds.setdefault(f.source.evaluation, set()).update(f.source.bins)
                    confidences.setdefault(f.source.evaluation, set()).add(REPORT_CONFIDENCE)
    specs: list[RunSpec] = []
    for e in fw.evaluations:
        if e.id not in thresholds:
            continue
        strategies = e.elicitation or [S.Elicitation(id="default")]
        confs = sorted(confidences[e.id] | {REPORT_CONFIDENCE})
        for st in strategies:
            specs.append(
                RunSpec(
                    evaluation=e,
                    purpose="capability",
                    strategy=st.id,
                    task_args={**e.task_args, **st.task_args},
                    extra_args={},
                    thresholds=sorted(thresholds[e.id]),
                    confidences=confs,
                    k=len(strategies),
                    solver=st.solver,
                    few_shot=st.few_shot,
                    tools=list(st.tools),
                )
            )
    wanted = _claimed_with_components(fw, claimed)
    seen: set[str] = set()
    for s in fw.safeguards:
        v = s.verification
        if v is None or s.id not in wanted:
            continue
        e = fw.evaluation(v.evaluation)
        spec = RunSpec(
            evaluation=e,
            purpose="verification",
            strategy="default",
            task_args={**e.task_args, **v.task_args},
            extra_args=dict(v.task_args),
            thresholds=[v.value],
            confidences=sorted({v.confidence, REPORT_CONFIDENCE}),
            k=1,
        )
        if spec.key not in seen and not any(
            x.key == spec.key and x.purpose == "capability" for x in specs
        ):
            seen.add(spec.key)
            specs.append(spec)
    return specs


def _claimed_with_components(fw: S.Framework, claimed: Sequence[str]) -> set[str]:
    out = set(claimed)
    changed = True
    while changed:
        changed = False
        for s in fw.safeguards:
            if s.id in out:
                for c in [*s.comprises]:
                    if c not in out:
                        out.add(c)
                        changed = True
    return out


# ---------------------------------------------------------------- Inspect tasks


def _order(samples: list[Any], seed: int) -> list[Any]:
    """A seeded, uniformly random order of the pool's items.

    Uniform over items, whatever the clusters: the anytime-valid interval for the
    benchmark's score is design-based (the only randomness is this order), so it is
    valid however items depend on each other; clusters matter only for the
    super-population standard error reported beside it (docs/statistics.md)."""
    out = list(samples)
    random.Random(seed).shuffle(out)
    return out


def _sequence_method(sampling: S.Sampling) -> SequentialMethod:
    return "hypergeometric" if sampling.scores == "binary" else "wor-betting"


def _sequence_interval(
    values: list[float], pool: int, confidence: float, method: SequentialMethod
) -> tuple[float, float, str]:
    """The anytime-valid interval after feeding ``values`` in sampling order, with the
    same confidence sequence the early stop used."""
    from redline.measure.sequential import make_confidence_sequence

    cs = make_confidence_sequence(method, pool, confidence)
    for v in values:
        cs.update(v)
    lo, hi = cs.interval
    name = "exact-pool" if cs.exhausted else f"{method}-cs"
    return lo, hi, name


def build_task(
    spec: RunSpec,
    base_dir: Path | None,
    limit: int | None,
    predictions: PredictionSet | None = None,
    active_order: bool = False,
) -> Any:
    """An Inspect Task for one run: resolved, reordered, budgeted, early-stopping."""
    from inspect_ai import task_with
    from inspect_ai._eval.loader import load_tasks  # stable in the pinned Inspect version
    from inspect_ai.dataset import MemoryDataset

    ref = parse_task(spec.evaluation.task, base_dir)
    if ref.kind == "file" and not Path(ref.spec.partition("@")[0]).exists():
        raise MeasureError(
            f"evaluation {spec.evaluation.id!r}: task file {ref.spec.partition('@')[0]} not found"
        )
    try:
        # Importing these registers the bundled suites and the gguf model with Inspect
        # (what the entry point redline._registry does for plain `inspect eval`).
        import redline.measure.local_model
        import redline.suites.tasks  # noqa: F401

        tasks = load_tasks([ref.spec], dict(spec.task_args))
    except Exception as exc:  # Inspect raises many types here; each becomes one message
        hint = ""
        if ref.package == "inspect_evals":
            hint = " (is inspect-evals installed? pip install inspect-evals)"
        raise MeasureError(
            f"evaluation {spec.evaluation.id!r}: cannot load task {spec.evaluation.task!r}{hint}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if len(tasks) != 1:
        raise MeasureError(
            f"evaluation {spec.evaluation.id!r}: {spec.evaluation.task!r} names {len(tasks)} "
            "tasks; name one with path.py@task_name"
        )
    task = tasks[0]
    try:
        samples = list(task.dataset)
    except Exception as exc:
        raise MeasureError(
            f"evaluation {spec.evaluation.id!r}: cannot read the dataset of "
            f"{spec.evaluation.task!r}: {type(exc).__name__}: {exc}"
        ) from None
    sampling = spec.evaluation.sampling
    scored = None
    if predictions is not None and sampling.early_stopping and spec.thresholds:
        scored = predictions.for_run(spec.evaluation.id, spec.extra_args, spec.strategy)
    if scored is not None and predictions is not None:
        from redline.measure.predictions import plan_run

        ordered, spec.assisted = plan_run(
            samples, scored, predictions, sampling.seed, _order,
            active=active_order, binary=sampling.scores == "binary",
        )  # fmt: skip
    else:
        ordered = _order(samples, sampling.seed)
    spec.pool_size = len(ordered)
    cap = len(ordered) if sampling.budget == "all" else int(sampling.budget)
    if limit is not None:
        cap = min(cap, limit)
    ordered = ordered[:cap]
    spec.order = [s.id for s in ordered]
    plan_hash = hashlib.sha256(
        json.dumps(
            [
                spec.strategy,
                sampling.seed,
                sampling.cluster_by,
                cap,
                spec.thresholds,
                spec.stop_confidence,
                sampling.early_stopping,
                spec.extra_args,
                spec.assisted.predictions.sha256 if spec.assisted else None,
                spec.assisted.weights is not None if spec.assisted else None,
            ],
            default=str,
        ).encode()
    ).hexdigest()[:10]
    early = None
    if sampling.early_stopping and spec.thresholds:
        from redline.measure.sequential import ThresholdEarlyStopping

        early = ThresholdEarlyStopping(
            thresholds=spec.thresholds,
            confidence=spec.stop_confidence,
            score_name=spec.evaluation.scorer,
            method=_sequence_method(sampling),
            pool_size=spec.pool_size,
            predictions=spec.assisted.predictions.mapping if spec.assisted else None,
            weights=(
                dict(zip(spec.assisted.predictions.ids, spec.assisted.weights, strict=True))
                if spec.assisted and spec.assisted.weights is not None
                else None
            ),
            fallback=spec.assisted.fallback if spec.assisted else None,
        )
    version = f"{task.version}+redline.{plan_hash}"
    kwargs: dict[str, Any] = {
        "dataset": MemoryDataset(
            ordered, name=task.dataset.name, location=task.dataset.location, shuffled=True
        ),
        "version": version,
        "metadata": {
            **(task.metadata or {}),
            "redline": {
                "evaluation": spec.evaluation.id,
                "strategy": spec.strategy,
                "purpose": spec.purpose,
                "seed": sampling.seed,
                "pool_size": spec.pool_size,
                "run": spec.key,
            },
        },
    }
    if early is not None:
        kwargs["early_stopping"] = early
    if spec.solver:
        from inspect_ai._util.registry import registry_create
        from inspect_ai.solver import chain

        try:
            extra = registry_create("solver", spec.solver)
        except Exception as exc:
            raise MeasureError(
                f"evaluation {spec.evaluation.id!r}: unknown solver {spec.solver!r}: {exc}"
            ) from None
        kwargs["solver"] = chain(extra, task.solver)
    return task_with(task, **kwargs)


# ------------------------------------------------------------------- summarising


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _values(spec: RunSpec, log_path: Path) -> tuple[list[float], list[str], list[str | int]]:
    # Sample summaries (one member of the .eval archive) carry ids, scores and short
    # metadata: reading them is ~20x faster than streaming every full sample.
    from inspect_ai.log import read_eval_log_sample_summaries

    from redline.measure.sequential import score_to_unit as to_float

    # With epochs > 1 an item has one score per epoch: its value is their mean (Inspect's
    # own epoch reducer by default), so that every item counts once in the pool score.
    by_id: dict[str | int, tuple[list[float], str]] = {}
    cluster_by = spec.evaluation.sampling.cluster_by
    for s in read_eval_log_sample_summaries(str(log_path)):
        if not s.scores:
            continue
        name = spec.evaluation.scorer or next(iter(s.scores))
        if name not in s.scores:
            raise MeasureError(
                f"evaluation {spec.evaluation.id!r}: scorer {name!r} not in the log "
                f"(scorers: {', '.join(s.scores)})"
            )
        try:
            value = to_float(s.scores[name].value)
        except ValueError as exc:
            raise MeasureError(
                f"evaluation {spec.evaluation.id!r}: sample {s.id!r}: {exc}"
            ) from None
        cluster = str((s.metadata or {}).get(cluster_by, s.id)) if cluster_by else str(s.id)
        by_id.setdefault(s.id, ([], cluster))[0].append(float(value))
    order = [i for i in spec.order if i in by_id] or list(by_id)
    values = [sum(by_id[i][0]) / len(by_id[i][0]) for i in order]
    clusters = [by_id[i][1] for i in order]
    return values, clusters, order


_SHOT_ARGS = ("few_shot", "fewshot", "num_fewshot")


def _elicitation(spec: RunSpec, log: Any) -> RunElicitation:
    shots = spec.few_shot
    if shots is None:
        stated = [spec.task_args[k] for k in _SHOT_ARGS if k in spec.task_args]
        if stated and isinstance(stated[0], int) and not isinstance(stated[0], bool):
            shots = stated[0]
    epochs = getattr(log.eval.config, "epochs", None) or 1
    return RunElicitation(
        strategy=spec.strategy, few_shot=shots, epochs=int(epochs), tools=list(spec.tools)
    )


def summarise_run(spec: RunSpec, log_path: Path, out_dir: Path) -> StrategyRun:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(log_path), header_only=True)
    if log.status != "success":
        why = log.error.message if log.error is not None else log.status
        if log.error is not None and "tiktoken" in (log.error.traceback or ""):
            why += (
                ". Inspect counted tokens with tiktoken, which downloads its encoding on "
                "first use (mockllm does this when an output carries no usage); offline, "
                "set TIKTOKEN_CACHE_DIR to a directory that already holds it"
            )
        raise MeasureError(
            f"evaluation {spec.evaluation.id!r} ({spec.strategy}): Inspect run ended with status "
            f"{log.status!r}: {why}. Log: {log_path}"
        )
    values, clusters, drawn = _values(spec, log_path)
    if not values:
        raise MeasureError(f"evaluation {spec.evaluation.id!r}: the log has no scored samples")
    n = len(values)
    pool = spec.pool_size or n
    sampling = spec.evaluation.sampling
    early = log.results.early_stopping if log.results is not None else None
    stopped_early = bool(early and early.early_stops)
    cap = len(spec.order) if spec.order else n
    if stopped_early:
        stop = "settled"
    elif n >= pool:
        stop = "pool exhausted"
    elif sampling.budget != "all" and cap >= int(sampling.budget) and n >= cap:
        stop = "budget"
    else:
        stop = "limit"
    clustered = sampling.cluster_by is not None
    # Binary scores averaged over several epochs are no longer 0/1: the bounded sequence
    # applies to them, not the hypergeometric one.
    binary = sampling.scores == "binary" and all(v in (0.0, 1.0) for v in values)
    intervals: list[Interval] = []
    weighted = math.nan
    se: float | None = None
    n_clusters: int | None = None
    for conf in spec.confidences:
        c_k = stats.adjusted_confidence(conf, spec.k)
        if spec.assisted is not None:
            from redline.measure.predictions import replay

            lo, hi, method, weighted = replay(
                spec.assisted, drawn, values, spec.thresholds, c_k, binary
            )
        elif sampling.early_stopping and spec.thresholds:
            seq: SequentialMethod = _sequence_method(sampling) if binary else "wor-betting"
            lo, hi, method = _sequence_interval(values, pool, c_k, seq)
        else:
            summ = stats.summarise(values, clusters if clustered else None, c_k, pool_size=pool)
            lo, hi = summ.interval
            method = summ.method
        intervals.append(
            Interval(
                confidence=conf,
                lower=lo,
                upper=hi,
                method=method,
                per_strategy_confidence=c_k if spec.k > 1 else None,
            )
        )
    info = stats.summarise(values, clusters if clustered else None, REPORT_CONFIDENCE)
    se = info.standard_error
    n_clusters = info.n_clusters if clustered else None
    usage = log.stats.model_usage if log.stats is not None else {}
    tokens = Tokens(
        input=sum(u.input_tokens for u in usage.values()),
        output=sum(u.output_tokens for u in usage.values()),
        total=sum(u.total_tokens for u in usage.values()),
    )
    duration = 0.0
    if log.stats is not None and log.stats.started_at and log.stats.completed_at:
        started = dt.datetime.fromisoformat(log.stats.started_at)
        completed = dt.datetime.fromisoformat(log.stats.completed_at)
        duration = (completed - started).total_seconds()
    # An active order over-represents uncertain items: report the weighted estimate.
    active = spec.assisted is not None and spec.assisted.weights is not None
    estimate = weighted if active else sum(values) / n
    used: PredictionUse | None = None
    if spec.assisted is not None:
        from redline.measure.predictions import record

        used = PredictionUse(
            **record(
                spec.assisted, drawn, values, spec.thresholds, spec.stop_confidence, binary
            )
        )  # fmt: skip
    return StrategyRun(
        strategy=spec.strategy,
        task=spec.evaluation.task,
        task_args=spec.task_args,
        log=str(log_path.relative_to(out_dir))
        if log_path.is_relative_to(out_dir)
        else str(log_path),
        log_sha256=_sha256(log_path),
        status=log.status,
        samples_available=pool,
        samples_used=n,
        stop_reason=stop,
        estimate=estimate,
        standard_error=se,
        n_clusters=n_clusters,
        intervals=intervals,
        tokens=tokens,
        duration_s=duration,
        predictions=used,
        elicitation=_elicitation(spec, log),
    )


def combine(spec: RunSpec, runs: list[StrategyRun]) -> EvaluationResult:
    """The evaluation's result: the maximum over strategies, with the interval of the
    maximum from Bonferroni-adjusted strategy intervals (docs/statistics.md)."""
    best = max(runs, key=lambda r: r.estimate)
    intervals = []
    for conf in spec.confidences:
        per = [next(iv for iv in r.intervals if iv.confidence == conf) for r in runs]
        lo, hi = stats.interval_of_max([(iv.lower, iv.upper) for iv in per])
        intervals.append(
            Interval(
                confidence=conf,
                lower=lo,
                upper=hi,
                method=per[0].method + (f" max of {len(runs)}" if len(runs) > 1 else ""),
                per_strategy_confidence=per[0].per_strategy_confidence,
            )
        )
    return EvaluationResult(
        evaluation=spec.evaluation.id,
        purpose=spec.purpose,
        metric=spec.evaluation.metric,
        task=spec.evaluation.task,
        task_args=spec.extra_args,
        estimate=best.estimate,
        best_strategy=best.strategy,
        intervals=intervals,
        strategies=runs,
    )


# --------------------------------------------------------------------- running


@dataclass
class AssessOptions:
    model: Any = DEFAULT_MODEL  # an Inspect model string, or a Model object (tests)
    model_args: dict[str, Any] = field(default_factory=dict)
    out_dir: Path = Path("redline-out")
    limit: int | None = None
    display: str = "none"
    max_tasks: int | None = None
    claimed: Sequence[str] = ()
    retry_attempts: int = 1
    predictions: PredictionSet | None = None  # earlier per-item scores (--predictions)
    active_order: bool = False  # draw items with prediction-based weights
    concurrency: Concurrency = field(default_factory=Concurrency)  # connections to the model
    fine_tuned: bool = False  # the operator's statement, recorded in the results
    generate: dict[str, Any] = field(default_factory=dict)  # Inspect GenerateConfig fields


def run_assessment(
    fw: S.Framework,
    framework_file: Path,
    options: AssessOptions,
    on_progress: Callable[[str], None] | None = None,
) -> Results:
    """Measure ``fw``'s evaluations on ``options.model``; write logs and results."""
    from inspect_ai import eval_set
    from inspect_ai.log import list_eval_logs, read_eval_log

    started = time.monotonic()
    out_dir = options.out_dir
    log_dir = out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    specs = plan(fw, options.claimed)
    if not specs:
        raise MeasureError("the framework references no evaluation that can be measured")
    base = framework_file.parent
    tasks = [
        build_task(s, base, options.limit, options.predictions, options.active_order) for s in specs
    ]
    if on_progress:
        on_progress(f"running {len(tasks)} Inspect tasks on {options.model}")
    connections = {k: v for k, v in options.concurrency.model_dump().items() if v is not None}
    # Inspect takes a served model's base URL beside, not among, its model args.
    model_args = dict(options.model_args)
    base_url = model_args.pop("base_url", None)
    try:
        ok, logs = eval_set(
            tasks,
            log_dir=str(log_dir),
            model=options.model,
            model_base_url=str(base_url) if base_url else None,
            model_args=model_args,
            display=options.display,  # type: ignore[arg-type]
            retry_attempts=options.retry_attempts,
            max_tasks=options.max_tasks or 1,
            log_level="error",
            fail_on_error=True,
            **{**options.generate, **connections},
        )
    except Exception as exc:
        raise MeasureError(
            f"Inspect could not run the assessment: {type(exc).__name__}: {exc}"
        ) from None
    # Pair each spec with its log through the run key redline wrote into the metadata.
    found: dict[str, Path] = {}
    for info in list_eval_logs(str(log_dir)):
        header = read_eval_log(info.name, header_only=True)
        meta = (header.eval.metadata or {}).get("redline")
        if not isinstance(meta, dict) or "run" not in meta:
            continue
        key = str(meta["run"])
        path = Path(info.name.removeprefix("file://"))
        # Prefer a successful log; among equals, the newest (list is newest first).
        if key not in found or (header.status == "success" and _status(found[key]) != "success"):
            found[key] = path
    runs: dict[str, list[StrategyRun]] = {}
    for spec in specs:
        log_path = found.get(spec.key)
        if log_path is None:
            failed = [lg for lg in logs if lg.status != "success"]
            why = failed[0].error.message if failed and failed[0].error else "no log written"
            raise MeasureError(f"evaluation {spec.evaluation.id!r} ({spec.strategy}): {why}")
        spec.log = log_path
        runs.setdefault(_result_key(spec), []).append(summarise_run(spec, log_path, out_dir))
    if not ok:
        bad = [lg for lg in logs if lg.status != "success"]
        if bad:
            raise MeasureError(
                f"Inspect run failed: {bad[0].eval.task}: "
                + (bad[0].error.message if bad[0].error else bad[0].status)
            )
    results: list[EvaluationResult] = []
    done: set[str] = set()
    for spec in specs:
        k = _result_key(spec)
        if k in done:
            continue
        done.add(k)
        results.append(combine(spec, runs[k]))
    fw_bytes = framework_file.read_bytes()
    return Results(
        assessment_id=str(uuid.uuid4()),
        created=dt.datetime.now(dt.UTC),
        framework=FrameworkRef(
            id=fw.framework.id,
            organisation=fw.framework.organisation,
            name=fw.framework.name,
            version=fw.framework.version,
            file=str(framework_file),
            sha256=hashlib.sha256(fw_bytes).hexdigest(),
        ),
        model=ModelRef(
            name=str(options.model),
            args=public_args(options.model_args),
            fine_tuned=options.fine_tuned,
            generate=dict(options.generate),
        ),
        redline_version=pkg_version("redline"),
        inspect_version=pkg_version("inspect-ai"),
        limit=options.limit,
        evaluations=results,
        duration_s=round(time.monotonic() - started, 3),
        run=run_record(
            str(options.model),
            options.model_args,
            options.concurrency,
            [(s.evaluation.id, s.strategy, s.evaluation.scorer, s.log) for s in specs if s.log],
        ),
    )


def _status(path: Path) -> str:
    from inspect_ai.log import read_eval_log

    return read_eval_log(str(path), header_only=True).status


def _result_key(spec: RunSpec) -> str:
    return f"{spec.purpose}/{spec.evaluation.id}/" + json.dumps(spec.extra_args, sort_keys=True)
