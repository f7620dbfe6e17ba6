"""View models of an assessment report (intervals, strategies, ladders, verdicts, trend)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from redline.framework import schema as S
from redline.publish.views.common import (
    Audience,
    View,
    Withheld,
)
from redline.publish.views.framework import (
    IdentityView,
)
from redline.publish.views.series_models import TrendForecast

# ------------------------------------------------------------- report: view


class IntervalView(View):
    confidence: float
    lower: float
    upper: float
    method: str


class StrategyView(View):
    strategy: str
    task_args: str
    samples_used: int
    samples_available: int
    stop_reason: str
    stop_words: str
    estimate: float | Withheld
    interval: IntervalView | Withheld | None
    standard_error: float | Withheld | None
    n_clusters: int | None
    tokens_input: int
    tokens_output: int
    tokens_total: int
    duration_s: float
    log: str
    log_sha256: str
    log_status: str
    best: bool


class ExampleView(View):
    id: str
    input: str | Withheld
    target: str | Withheld
    output: str | Withheld
    score: str


class EvaluationReport(View):
    key: str
    evaluation: str
    name: str
    purpose: str
    metric: str
    task: str
    task_args: str
    estimate: float | Withheld
    intervals: list[IntervalView] | Withheld
    best_strategy: str
    strategies: list[StrategyView]
    samples_used: int
    samples_available: int
    tokens_total: int
    examples: list[ExampleView]
    examples_withheld: list[Withheld]


class Rung(View):
    """A level's threshold on one evaluation's scale (a line in the ladder chart)."""

    level: str
    name: str
    kind: str
    op: str
    value: float | None
    status: str
    status_words: str
    counts_as_reached: bool


class MeasurePoint(View):
    label: str
    estimate: float
    lower: float | None
    upper: float | None
    confidence: float | None
    main: bool


class LadderPanel(View):
    """One evaluation's scale in a domain's ladder chart."""

    evaluation: str
    name: str
    metric: str
    higher_is_more_capable: bool
    points: list[MeasurePoint] | Withheld
    rungs: list[Rung]
    rungs_withheld: Withheld | None = None
    measured: bool


class LevelReport(View):
    id: str
    name: str
    kind: str
    status: str
    status_words: str
    counts_as_reached: bool
    standard: str
    confidence: float
    trigger: str
    reasons: list[tuple[int, str]] = Field(description="(indent depth, text).")


class DomainReport(View):
    id: str
    name: str
    threat_model: str
    highest_level: str | None
    highest_kind: str | None
    basis: str
    summary: str
    levels: list[LevelReport] | Withheld
    panels: list[LadderPanel]
    matrix: bool


class ChainStep(View):
    title: str
    items: list[str]


class SignatureView(View):
    role: str
    signer: str | None
    date: str | None
    dissent: bool
    statement: str | Withheld | None


class RequiredSignOffView(View):
    roles: list[str]
    rule: str
    why: str
    signed: list[SignatureView]
    awaiting: list[str]
    dissent: bool = False


class VerdictReport(View):
    action: S.Action
    action_words: str
    verdict: str
    verdict_words: str
    summary: str
    required: list[str]
    conditions: list[str]
    missing: list[str]
    forbidding_levels: list[str]
    chain: list[ChainStep]
    engine_reasons: list[str]
    sign_off: list[RequiredSignOffView] | Withheld


class SafeguardReport(View):
    id: str
    name: str
    kind: str
    required_for: list[str]
    claimed: bool
    in_place: bool
    verification: str
    verification_words: str
    status_words: str
    removable_by_weight_holder: bool
    description: str | Withheld | None
    verification_rule: str | Withheld | None
    reasons: list[str] | Withheld
    panel: LadderPanel | None = None


class RecordView(View):
    entry_id: str
    decision_id: str | None
    ledger: str | None
    final: bool
    signatures: list[SignatureView] | Withheld
    missing: list[str]
    review_comments: list[tuple[str, str, str]] | Withheld


class TrendPoint(View):
    assessment_id: str
    model: str
    date: dt.datetime
    effective_compute: float | None
    estimate: float
    lower: float | None
    upper: float | None
    current: bool


class TrendSeries(View):
    key: str
    evaluation: str
    name: str
    metric: str
    x: Literal["date", "effective_compute"]
    points: list[TrendPoint]
    rungs: list[Rung]
    rungs_withheld: Withheld | None = None
    forecast: TrendForecast | None = Field(
        default=None, description="Fitted trend band and forecast crossings (lifecycle)."
    )


class ModelView(View):
    name: str
    args: str | None


class ReportView(View):
    kind: Literal["assessment_report"] = "assessment_report"
    audience: Audience
    audience_words: str
    generated: dt.datetime
    redline_version: str
    inspect_version: str
    assessment_id: str
    assessed: dt.datetime
    directory: str
    limit: int | None
    duration_s: float
    model: ModelView
    framework: IdentityView
    framework_file: str
    framework_sha256: str
    framework_digest_ok: bool
    record: RecordView | None
    verdicts: list[VerdictReport] | Withheld
    headline: str
    domains: list[DomainReport]
    evaluations: list[EvaluationReport]
    safeguards: list[SafeguardReport]
    governance_dissent: str | None
    history: list[TrendSeries] | Withheld | None
    history_assessments: list[tuple[str, str, str]] = Field(
        description="(assessment id, model, date) of every assessment in the trend."
    )
    assessment_due: list[str]
    notes: list[str]
    warnings: list[str]
    inspect_command: str
    withheld: list[Withheld]
