"""Per-item predictions for a model-assisted assessment (``redline assess --predictions``).

Predictions are per-item scores in ``[0, 1]`` that exist before the run: the scores an earlier
assessment recorded in its Inspect logs (give its output directory or its ``results.json``),
or a JSONL file with one object per item::

    {"evaluation": "bio_proxy", "sample": 17, "score": 1.0}

with optional ``"strategy"`` (default: every strategy) and ``"task_args"`` (a verification
run's arguments, default ``{}``). The mathematics that uses them is
``redline.measure.assisted``; validity never depends on how good they are. Items the source did
not score (an earlier run that stopped early scores a few percent of the pool) are given the
mean of the source's scores for that run: any value fixed before the run keeps the guarantee,
and a constant carries no information, so those items simply get no help.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PredictionSet",
    "PredictionsError",
    "RunPredictions",
    "load_predictions",
    "run_key",
]


class PredictionsError(ValueError):
    """A predictions source is unusable; the message names the file, line and field."""


def run_key(evaluation: str, task_args: dict[str, Any], strategy: str | None) -> str:
    """The key predictions are matched on: evaluation, verification arguments, strategy."""
    args = json.dumps(task_args, sort_keys=True, default=str)
    return f"{evaluation}|{args}|{strategy or '*'}"


@dataclass
class PredictionSet:
    """Predictions loaded from one source, keyed by ``run_key``."""

    source: str
    kind: str  # "results" | "jsonl"
    sha256: str
    scores: dict[str, dict[str | int, float]] = field(default_factory=dict)

    def for_run(
        self, evaluation: str, task_args: dict[str, Any], strategy: str
    ) -> dict[str | int, float] | None:
        exact = self.scores.get(run_key(evaluation, task_args, strategy))
        if exact is not None:
            return exact
        return self.scores.get(run_key(evaluation, task_args, None))


@dataclass
class RunPredictions:
    """The predictions one run uses: one per pool item, in a fixed order of sample ids."""

    ids: list[str | int]
    values: list[float]
    items_predicted: int
    fill_value: float

    @property
    def mapping(self) -> dict[str | int, float]:
        return dict(zip(self.ids, self.values, strict=True))

    @property
    def sha256(self) -> str:
        payload = json.dumps([[i, v] for i, v in zip(self.ids, self.values, strict=True)])
        return hashlib.sha256(payload.encode()).hexdigest()

    @classmethod
    def build(cls, pool_ids: Sequence[str | int], scored: dict[str | int, float]) -> RunPredictions:
        known = [scored[i] for i in pool_ids if i in scored]
        fill = float(np.mean(known)) if known else 0.5
        values = [float(scored.get(i, fill)) for i in pool_ids]
        return cls(list(pool_ids), values, len(known), fill)


def correlation(predictions: Sequence[float], scores: Sequence[float]) -> float | None:
    """Pearson correlation on the items run; None when either side is constant."""
    if len(scores) < 2:
        return None
    f, y = np.asarray(predictions, dtype=float), np.asarray(scores, dtype=float)
    if f.std() == 0 or y.std() == 0:
        return None
    value = float(np.corrcoef(f, y)[0, 1])
    return value if math.isfinite(value) else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def latest_checkpoint(track_dir: Path) -> Path:
    """The results directory of the latest assessed checkpoint in a ``redline track``
    output directory (``checkpoints/<id>/results.json``): latest by the checkpoint's date,
    then compute, as the results record them."""
    from pydantic import ValidationError

    from redline.measure.results import Results

    found: list[tuple[tuple[Any, ...], Path]] = []
    for path in sorted((track_dir / "checkpoints").glob("*/results.json")):
        try:
            ref = Results.model_validate_json(path.read_bytes()).checkpoint
        except (ValidationError, ValueError) as exc:
            raise PredictionsError(f"{path}: not a redline results document: {exc}") from None
        if ref is None:
            raise PredictionsError(f"{path}: field checkpoint: missing (not from redline track)")
        compute = ref.effective_compute or ref.training_compute or 0.0
        found.append(((ref.date, compute, ref.id), path.parent))
    if not found:
        raise PredictionsError(f"{track_dir}: no assessed checkpoint under checkpoints/")
    return max(found)[1]


def load_predictions(source: Path) -> PredictionSet:
    """Read a results directory, a ``results.json``, a JSONL file of per-item scores, or a
    lineage's ``redline track`` output directory (its latest assessed checkpoint)."""
    path = source
    if path.is_dir() and (path / "checkpoints").is_dir() and not (path / "results.json").exists():
        path = latest_checkpoint(path)
    if path.is_dir():
        path = path / "results.json"
        if not path.exists():
            raise PredictionsError(f"{source}: no results.json in this directory")
    if not path.exists():
        raise PredictionsError(f"{source}: no such file")
    if path.suffix == ".jsonl":
        return _load_jsonl(path)
    return _load_results(path)


def _load_jsonl(path: Path) -> PredictionSet:
    out = PredictionSet(str(path), "jsonl", _sha256(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PredictionsError(f"{where}: not JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise PredictionsError(f"{where}: expected an object")
        unknown = set(row) - {"evaluation", "sample", "score", "strategy", "task_args"}
        if unknown:
            raise PredictionsError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        for name in ("evaluation", "sample", "score"):
            if name not in row:
                raise PredictionsError(f"{where}: field {name!r} is missing")
        if not isinstance(row["evaluation"], str):
            raise PredictionsError(f"{where}: field 'evaluation' must be a string")
        sample = row["sample"]
        if isinstance(sample, bool) or not isinstance(sample, str | int):
            raise PredictionsError(f"{where}: field 'sample' must be a string or an integer")
        score = row["score"]
        ok = isinstance(score, int | float) and not isinstance(score, bool)
        if not ok or not (0.0 <= float(score) <= 1.0):
            raise PredictionsError(f"{where}: field 'score' must be a number in [0, 1]")
        strategy = row.get("strategy")
        if strategy is not None and not isinstance(strategy, str):
            raise PredictionsError(f"{where}: field 'strategy' must be a string")
        task_args = row.get("task_args", {})
        if not isinstance(task_args, dict):
            raise PredictionsError(f"{where}: field 'task_args' must be an object")
        bucket = out.scores.setdefault(run_key(row["evaluation"], task_args, strategy), {})
        if sample in bucket:
            raise PredictionsError(f"{where}: field 'sample': {sample!r} appears twice")
        bucket[sample] = float(score)
    if not out.scores:
        raise PredictionsError(f"{path}: no predictions in the file")
    return out


def _load_results(path: Path) -> PredictionSet:
    from inspect_ai.log import read_eval_log_sample_summaries
    from pydantic import ValidationError

    from redline.measure.early_stopping import score_to_unit
    from redline.measure.results import Results

    try:
        results = Results.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(document)"
        raise PredictionsError(f"{path}: field {loc}: {first['msg']}") from None
    out = PredictionSet(str(path), "results", _sha256(path))
    for e in results.evaluations:
        for run in e.strategies:
            log = path.parent / run.log
            if not log.exists():
                raise PredictionsError(f"{path}: field log: {run.log} not found beside it")
            if _sha256(log) != run.log_sha256:
                raise PredictionsError(f"{path}: field log_sha256: {run.log} has changed")
            scores: dict[str | int, float] = {}
            for s in read_eval_log_sample_summaries(str(log)):
                if not s.scores:
                    continue
                try:
                    scores[s.id] = score_to_unit(next(iter(s.scores.values())).value)
                except ValueError as exc:
                    raise PredictionsError(f"{log}: sample {s.id!r}: {exc}") from None
            out.scores[run_key(e.evaluation, e.task_args, run.strategy)] = scores
    return out


# ------------------------------------------------------------------ use in an assessment


@dataclass
class AssistedPlan:
    """What ``build_task`` fixed for a model-assisted run before it started."""

    source: PredictionSet
    predictions: RunPredictions  # one per pool item, in the pool's dataset order
    weights: list[float] | None  # sampling weights (active order), None for a uniform order
    fallback: float
    order_seed: int

    @property
    def position(self) -> dict[str | int, int]:
        return {i: k for k, i in enumerate(self.predictions.ids)}


def plan_run(
    samples: list[Any],
    scored: dict[str | int, float],
    source: PredictionSet,
    seed: int,
    uniform_order: Any,
    *,
    active: bool,
    binary: bool,
) -> tuple[list[Any], AssistedPlan]:
    """The drawn order of ``samples`` and the fixed design of a model-assisted run.

    With ``active=False`` the order is ``uniform_order(samples, seed)``, the very order a
    plain run would use; with ``active=True`` it is ``active_order`` over the predictions'
    weights, with the same seed.
    """
    from redline.measure.assisted import DEFAULT_FALLBACK, active_order, active_weights

    ids = [s.id if s.id is not None else k + 1 for k, s in enumerate(samples)]
    predictions = RunPredictions.build(ids, scored)
    order_seed = assisted_seed(seed, predictions.sha256)
    if active:
        weights = [float(w) for w in active_weights(predictions.values)]
        ordered = [samples[k] for k in active_order(weights, order_seed)]
        return ordered, AssistedPlan(source, predictions, weights, 0.0, order_seed)
    fallback = DEFAULT_FALLBACK if binary else 0.0
    plan = AssistedPlan(source, predictions, None, fallback, order_seed)
    return uniform_order(samples, order_seed), plan


def assisted_seed(seed: int, predictions_sha256: str) -> int:
    """The seed of a model-assisted run's order: the evaluation's seed and the predictions.

    Never the evaluation's seed itself. An earlier run of the same evaluation that stopped
    early scored exactly the first items of the order that seed draws, so with the same seed
    the items that have real predictions would be the ones drawn first: the order would
    depend on the predictions and the guarantee would fail. Hashing the predictions' digest
    into the seed gives an order that, like every seeded order in redline, is treated as
    uniformly random and independent of the scores (see ``docs/statistics.md``).
    """
    digest = hashlib.sha256(f"redline-assisted:{seed}:{predictions_sha256}".encode())
    return int(digest.hexdigest()[:15], 16)


def replay(
    plan: AssistedPlan,
    order: Sequence[str | int],
    values: Sequence[float],
    thresholds: Sequence[float],
    confidence: float,
    binary: bool,
) -> tuple[float, float, str, float]:
    """The run's anytime-valid interval, recomputed from its scores in drawn order, and the
    unbiased estimate (``AssistedThresholdTest.estimate``)."""
    from redline.measure.assisted import AssistedThresholdTest

    monitor = AssistedThresholdTest(
        plan.predictions.values,
        thresholds,
        confidence,
        weights=plan.weights,
        fallback=plan.fallback,
        binary=binary,
    )
    position = plan.position
    for sample_id, value in zip(order, values, strict=True):
        monitor.update(value, index=position[sample_id])
    lower, upper = monitor.interval
    name = "exact-pool" if monitor.exhausted else "assisted-cs"
    return lower, upper, name, monitor.estimate


def _projected_unassisted(
    pool: int, estimate: float, thresholds: Sequence[float], confidence: float
) -> int | None:
    """Median samples the plain hypergeometric CS needs on a pool at ``estimate``."""
    from redline.measure.threshold import simulate_settlement

    ones = min(pool, max(0, round(estimate * pool)))
    base = np.zeros(pool, dtype=np.int8)
    base[:ones] = 1
    streams = np.random.default_rng(0).permuted(np.tile(base, (200, 1)), axis=1)
    needed = np.zeros(200, dtype=np.int64)
    for t in thresholds:
        stop, side = simulate_settlement(streams, t, confidence, "hypergeometric")
        needed = np.maximum(needed, np.where(side != 0, stop, pool))
    return int(np.median(needed))


def record(
    plan: AssistedPlan,
    order: Sequence[str | int],
    values: Sequence[float],
    thresholds: Sequence[float],
    confidence: float,
    binary: bool,
) -> dict[str, Any]:
    """The ``PredictionUse`` fields for a finished run."""
    position = plan.position
    run_predictions = [plan.predictions.values[position[i]] for i in order]
    estimate = (
        replay(plan, order, values, thresholds, confidence, binary)[3]
        if plan.weights is not None and values
        else (sum(values) / len(values) if values else 0.5)
    )
    projected = (
        _projected_unassisted(len(plan.predictions.ids), estimate, thresholds, confidence)
        if binary and thresholds
        else None
    )
    return {
        "source": plan.source.source,
        "kind": plan.source.kind,
        "source_sha256": plan.source.sha256,
        "predictions_sha256": plan.predictions.sha256,
        "items_predicted": plan.predictions.items_predicted,
        "fill_value": plan.predictions.fill_value,
        "correlation": correlation(run_predictions, values),
        "active_order": plan.weights is not None,
        "fallback": plan.fallback,
        "order_sha256": hashlib.sha256(json.dumps(list(order)).encode()).hexdigest(),
        "order_seed": plan.order_seed,
        "projected_unassisted_samples": projected,
    }
