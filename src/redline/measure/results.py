"""The results document: what one assessment measured, with honest uncertainty.

One document per assessment (``results.json`` beside the Inspect logs). Its JSON
Schema is published with ``redline schema --results``. Every number a decision
uses is here, with the digest of the Inspect log it came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from redline.decide.elicitation import ElicitationRecord, RunElicitation
from redline.decide.model import GraderNote, Measurement
from redline.measure.served import RunRecord


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Doc):
    confidence: float = Field(description="Nominal coverage of the interval for this quantity.")
    lower: float
    upper: float
    method: str = Field(description="e.g. wilson, betting-wor (anytime-valid), exact-pool.")
    per_strategy_confidence: float | None = Field(
        default=None,
        description="For a maximum over k strategies: the confidence each strategy's "
        "interval was computed at (Bonferroni, 1 - (1 - confidence) / k).",
    )


class Tokens(_Doc):
    input: int = 0
    output: int = 0
    total: int = 0


class PredictionUse(_Doc):
    """Which per-item predictions a model-assisted run used (docs/statistics.md, section 4)."""

    source: str = Field(description="Where they came from: a results directory or a JSONL file.")
    kind: Literal["results", "jsonl"]
    source_sha256: str = Field(description="sha256 of the source file (results.json or JSONL).")
    predictions_sha256: str = Field(
        description="sha256 of the predictions used for this run: canonical JSON of "
        "[[sample id, prediction], ...] in pool order, missing items filled in."
    )
    items_predicted: int = Field(description="Pool items that had a prediction of their own.")
    fill_value: float = Field(
        description="Prediction given to items the source did not score (its mean)."
    )
    correlation: float | None = Field(
        description="Pearson correlation of predictions and scores on the items run "
        "(None when either is constant)."
    )
    active_order: bool = Field(description="Items drawn with prediction-based weights.")
    fallback: float = Field(description="Share of the bet on the plain hypergeometric CS.")
    order_sha256: str = Field(description="sha256 of the drawn order of sample ids (JSON).")
    order_seed: int = Field(
        description="Seed of the drawn order, derived from the evaluation's seed and the "
        "predictions' digest (never the evaluation's seed itself)."
    )
    projected_unassisted_samples: int | None = Field(
        default=None,
        description="Median samples the plain CS would need on a pool at this run's "
        "estimate (seeded simulation, a projection, not a measurement).",
    )


class StrategyRun(_Doc):
    strategy: str
    task: str
    task_args: dict[str, Any]
    log: str = Field(description="Inspect log file, relative to the results document.")
    log_sha256: str
    status: str
    samples_available: int
    samples_used: int
    stop_reason: Literal["settled", "pool exhausted", "budget", "limit"]
    estimate: float
    standard_error: float | None = Field(
        description="Clustered standard error when the suite has clusters (Miller 2024)."
    )
    n_clusters: int | None = None
    intervals: list[Interval]
    tokens: Tokens
    duration_s: float
    predictions: PredictionUse | None = Field(
        default=None, description="Set when the run was model-assisted."
    )
    elicitation: RunElicitation | None = Field(
        default=None,
        description="What elicitation the run had (shots, epochs, tools); absent in results "
        "written before redline recorded it.",
    )


class GraderCorrection(_Doc):
    """The grader behind a graded rate and how its error entered the intervals.

    When ``method`` is ``ppi`` or ``rogan-gladen``, the evaluation's ``estimate`` and
    ``intervals`` are the corrected ones and ``raw_*`` the grader's own; with ``none`` they
    are the same (no correction was possible: no validation and no human labels).
    """

    grader: dict[str, str] = Field(description="kind (heuristic or judge), id, version.")
    validation_id: str | None = Field(
        default=None, description="Id of the grader validation record relied on."
    )
    validation_sha256: str | None = Field(
        default=None, description="Digest of the validation record file (ledger evidence)."
    )
    human_labels_sha256: str | None = None
    method: Literal["ppi", "rogan-gladen", "none"]
    raw_estimate: float
    raw_intervals: list[Interval]
    n_human: int = 0
    assumption: str | None = None

    def note(self) -> GraderNote:
        g = self.grader
        return GraderNote(
            grader=f"{g.get('id', '?')}@{g.get('version', '?')}",
            validation=self.validation_id,
            method=self.method,
            raw_estimate=self.raw_estimate,
            raw_intervals={iv.confidence: (iv.lower, iv.upper) for iv in self.raw_intervals},
            n_human=self.n_human,
            assumption=self.assumption,
        )


class EvaluationResult(_Doc):
    evaluation: str
    purpose: Literal["capability", "verification"]
    metric: str
    task: str
    task_args: dict[str, Any] = Field(
        default_factory=dict, description="Extra arguments of a verification run."
    )
    estimate: float = Field(description="Maximum over elicitation strategies.")
    best_strategy: str
    intervals: list[Interval]
    strategies: list[StrategyRun]
    grader: GraderCorrection | None = Field(
        default=None,
        description="For a rate scored by a grader (refusals): which, and how "
        "its error was carried into the intervals (docs/graders.md).",
    )


class FrameworkRef(_Doc):
    id: str
    organisation: str
    name: str
    version: str
    file: str
    sha256: str


class ModelRef(_Doc):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    fine_tuned: bool = Field(
        default=False,
        description="The operator states the model was fine-tuned for elicitation "
        "(redline records the statement; it does not fine-tune).",
    )
    generate: dict[str, Any] = Field(
        default_factory=dict,
        description="Generation settings given to Inspect for every task (e.g. a checkpoint's "
        "system_message or temperature in a tracked lineage).",
    )


class CheckpointRef(_Doc):
    """The checkpoint of a lineage this assessment measured (``redline track``)."""

    family: str
    id: str
    date: dt.date
    training_compute: float | None = Field(default=None, description="Training FLOP.")
    effective_compute: float | None = Field(default=None, description="Effective FLOP.")
    lineage_sha256: str = Field(description="sha256 of the lineage file.")


class Results(_Doc):
    schema_version: Literal[1] = 1
    assessment_id: str
    created: dt.datetime
    framework: FrameworkRef
    model: ModelRef
    redline_version: str
    inspect_version: str
    limit: int | None = None
    evaluations: list[EvaluationResult]
    duration_s: float
    checkpoint: CheckpointRef | None = Field(
        default=None, description="Set when the model is a checkpoint of a tracked lineage."
    )
    run: RunRecord | None = Field(
        default=None,
        description="How the model was reached (embedded, served, mock), the concurrency "
        "Inspect was given, and how each run's samples were scored (measure/served.py).",
    )

    def elicitation(self, e: EvaluationResult) -> ElicitationRecord | None:
        """The elicitation behind one result; None when a run did not record it."""
        runs = [s.elicitation for s in e.strategies]
        if not runs or any(r is None for r in runs):
            return None
        return ElicitationRecord(
            runs=[r for r in runs if r is not None], fine_tuned=self.model.fine_tuned
        )

    def measurements(self) -> list[Measurement]:
        out = []
        for e in self.evaluations:
            out.append(
                Measurement(
                    evaluation=e.evaluation,
                    metric=e.metric,
                    task_args=dict(e.task_args) if e.purpose == "verification" else {},
                    estimate=e.estimate,
                    intervals={iv.confidence: (iv.lower, iv.upper) for iv in e.intervals},
                    grader=e.grader.note() if e.grader is not None else None,
                    elicitation=self.elicitation(e),
                )
            )
        return out

    def log_digests(self) -> dict[str, str]:
        return {s.log: s.log_sha256 for e in self.evaluations for s in e.strategies}
