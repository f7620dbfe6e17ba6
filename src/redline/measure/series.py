"""The series of a tracked lineage: every checkpoint's result per evaluation and strategy,
with the fitted trend and the forecast crossing of every threshold and alert threshold.

``series.json`` (in ``redline track``'s output directory) is rebuilt from the
checkpoints' ``results.json`` on every run, so it never disagrees with them. The trend
and forecast numbers come from :mod:`redline.measure.forecast`; a series that cannot
support a forecast says why, and never carries a number without its interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from redline.framework import schema as S
from redline.measure.forecast import SeriesPoint, XKind, days_of, fit_trend
from redline.measure.forecast_inputs import SeriesKey
from redline.measure.lineage import Checkpoint, LineageFile, x_axis
from redline.measure.results import Results

__all__ = [
    "CrossingRecord",
    "SeriesEntry",
    "SeriesFile",
    "TrackedSeries",
    "TrendRecord",
    "build_series",
    "forecast_x_kind",
    "series_map",
]

CONFIDENCE = 0.95  # the points' own intervals
FORECAST_LEVEL = 0.8  # the crossing intervals


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeriesEntry(_Doc):
    checkpoint: str
    date: dt.date
    training_compute: float | None = None
    effective_compute: float | None = None
    assessment_id: str
    estimate: float
    lower: float = Field(description=f"Lower end of the {CONFIDENCE:.0%} interval.")
    upper: float
    samples_used: int


class TrendRecord(_Doc):
    kind: Literal["logistic", "linear", "none"]
    status: Literal["fitted", "no_trend", "insufficient"]
    reason: str
    band: list[tuple[float, float, float, float]] = Field(
        default_factory=list,
        description=f"(x, lower, middle, upper) of the {FORECAST_LEVEL:.0%} prediction band "
        "for a checkpoint's true score, over the observed range and its forecast range.",
    )


class CrossingRecord(_Doc):
    """The forecast crossing of one level's threshold (x on the series' axis)."""

    domain: str
    level: str
    level_kind: str
    threshold: float
    direction: Literal["up", "down"]
    status: str = Field(
        description="forecast, already_crossed, not_within_range, insufficient or no_trend."
    )
    level_of_interval: float = FORECAST_LEVEL
    x_lo: float | None = None
    x_mid: float | None = Field(default=None, description="None with status forecast: open.")
    x_hi: float | None = Field(default=None, description="None with status forecast: open.")
    reason: str


class TrackedSeries(_Doc):
    evaluation: str
    metric: str
    strategy: str | None = Field(description="None: the evaluation's result (best strategy).")
    points: list[SeriesEntry]
    trend: TrendRecord | None = None
    crossings: list[CrossingRecord] = Field(default_factory=list)


class SeriesFile(_Doc):
    schema_version: Literal[1] = 1
    family: str
    lineage_sha256: str
    framework_id: str
    framework_version: str
    x: Literal["effective_compute", "training_compute", "date"] = Field(
        description="What trends are fitted against (compute on a log10 scale)."
    )
    series: list[TrackedSeries]


def forecast_x_kind(x: str) -> XKind:
    return "date" if x == "date" else "log10_compute"


def _x(x: str, e: SeriesEntry) -> float:
    if x == "date":
        return days_of(e.date)
    value = e.effective_compute if x == "effective_compute" else e.training_compute
    assert value is not None
    return math.log10(value)


def _points(x: str, s: TrackedSeries) -> list[SeriesPoint]:
    return [
        SeriesPoint(
            checkpoint=e.checkpoint,
            x=_x(x, e),
            score=min(max(e.estimate, e.lower), e.upper),
            lower=e.lower,
            upper=e.upper,
            n=e.samples_used,
            confidence=CONFIDENCE,
        )
        for e in s.points
    ]


def series_map(sf: SeriesFile) -> dict[SeriesKey, list[SeriesPoint]]:
    """The series as the forecast API takes them."""
    return {(s.evaluation, s.metric, s.strategy): _points(sf.x, s) for s in sf.series}


def _entry(
    c: Checkpoint, r: Results, run_intervals: Sequence[object], estimate: float, n: int
) -> SeriesEntry:
    iv = next(
        (i for i in run_intervals if getattr(i, "confidence", None) == CONFIDENCE),
        run_intervals[0] if run_intervals else None,
    )
    lo = float(getattr(iv, "lower", estimate))
    hi = float(getattr(iv, "upper", estimate))
    return SeriesEntry(
        checkpoint=c.id,
        date=c.date,
        training_compute=c.training_compute,
        effective_compute=c.effective_compute,
        assessment_id=r.assessment_id,
        estimate=estimate,
        lower=lo,
        upper=hi,
        samples_used=n,
    )


def _targets(
    fw: S.Framework, evaluation: str, metric: str
) -> list[tuple[str, S.CapabilityLevel, S.Comparison]]:
    out = []
    for d in fw.domains:
        for lv in d.levels:
            for c in S.condition_leaves(lv.trigger):
                if not isinstance(c, S.Comparison) or c.evaluation != evaluation:
                    continue
                if (c.metric or fw.evaluation(evaluation).metric) != metric:
                    continue
                if isinstance(c.value, S.Unspecified):
                    continue
                out.append((d.id, lv, c))
    return out


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _analyse(fw: S.Framework, x: str, s: TrackedSeries) -> TrackedSeries:
    pts = _points(x, s)
    kind = forecast_x_kind(x)
    try:
        trend = fit_trend(pts, x_kind=kind, trend_level=FORECAST_LEVEL)
    except ValueError as exc:  # e.g. a metric outside [0, 1]: no bounded trend to fit
        why = TrendRecord(kind="none", status="insufficient", reason=f"no trend fitted: {exc}")
        return s.model_copy(update={"trend": why})
    band: list[tuple[float, float, float, float]] = []
    if trend.status != "insufficient":
        x0, x1 = trend.x_first, trend.x_last
        end = x1 + (x1 - x0)
        xs = [x0 + (end - x0) * i / 40 for i in range(41)]
        band = [
            (xv, lo, mid, hi)
            for xv, (lo, mid, hi) in zip(xs, trend.band(xs, FORECAST_LEVEL), strict=True)
        ]
    crossings = []
    for domain, lv, c in _targets(fw, s.evaluation, s.metric):
        up = c.op in (S.Op.GE, S.Op.GT)
        cr = trend.crossing(
            float(c.value),  # type: ignore[arg-type]
            level=FORECAST_LEVEL,
            direction="up" if up else "down",
        )
        crossings.append(
            CrossingRecord(
                domain=domain,
                level=lv.id,
                level_kind=lv.kind.value,
                threshold=float(c.value),  # type: ignore[arg-type]
                direction="up" if up else "down",
                status=cr.status,
                x_lo=_finite(cr.x_lo),
                x_mid=_finite(cr.x_mid),
                x_hi=_finite(cr.x_hi),
                reason=cr.reason,
            )
        )
    return s.model_copy(
        update={
            "trend": TrendRecord(
                kind=trend.kind, status=trend.status, reason=trend.reason, band=band
            ),
            "crossings": crossings,
        }
    )


def build_series(
    fw: S.Framework,
    lineage: LineageFile,
    lineage_sha256: str,
    assessed: Sequence[tuple[Checkpoint, Results]],
) -> SeriesFile:
    """The series over the assessed checkpoints (in lineage order), with trends and forecasts."""
    x, _ = x_axis(lineage)
    by_key: dict[SeriesKey, list[SeriesEntry]] = {}
    for c, r in assessed:
        for e in r.evaluations:
            if e.purpose != "capability":
                continue
            for run in e.strategies:
                by_key.setdefault((e.evaluation, e.metric, run.strategy), []).append(
                    _entry(c, r, run.intervals, run.estimate, run.samples_used)
                )
            if len(e.strategies) > 1:
                n = sum(run.samples_used for run in e.strategies)
                by_key.setdefault((e.evaluation, e.metric, None), []).append(
                    _entry(c, r, e.intervals, e.estimate, n)
                )
    series = [
        _analyse(fw, x, TrackedSeries(evaluation=k[0], metric=k[1], strategy=k[2], points=v))
        for k, v in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
    ]
    return SeriesFile(
        family=lineage.family,
        lineage_sha256=lineage_sha256,
        framework_id=fw.framework.id,
        framework_version=fw.framework.version,
        x=x,
        series=series,
    )
