"""``redline track FRAMEWORK --lineage FILE``: assess a lineage's checkpoints, keep the series.

Assesses the checkpoints that have no assessment yet (``measure.track``), decides each
new one with the lineage-derived reassessment inputs (the previous checkpoint is the last
assessment; compute and dates from the lineage) and the forecasts of the framework's
forecast rules over the series so far, records each in the ledger (its results carry the
checkpoint's id, date and compute), rebuilds ``series.json`` with a trend and a forecast
per evaluation and strategy, and writes the latest checkpoint's report with the series
drawn. Exit codes as ``assess``, for the latest checkpoint's decision.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from redline._io import atomic_write
from redline.framework.located import FrameworkError

if TYPE_CHECKING:
    from redline.decide.model import Decision, Inputs
    from redline.framework import schema as S
    from redline.measure.lineage import LineageFile
    from redline.measure.series import CrossingRecord, SeriesFile, TrackedSeries
    from redline.measure.track import TrackedCheckpoint

_WIDTH = None if sys.stdout.isatty() else 140
_out = Console(highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)
_err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH, emoji=False)


def _fail(message: str) -> typer.Exit:
    _err.print(f"error: {message}", markup=False)
    return typer.Exit(1)


def _problems(exc: FrameworkError) -> typer.Exit:
    for p in exc.problems:
        _err.print(p.format(), markup=False)
    return typer.Exit(1)


def _load_framework(path: Path) -> S.Framework:
    from redline.framework.load import load_file
    from redline.measure.tasks import task_warning

    loaded = load_file(path, resolve_task=lambda ref: task_warning(ref, path.parent))
    if loaded.framework is None:
        for p in loaded.errors or loaded.problems:
            _err.print(p.format(), markup=False)
        raise typer.Exit(1)
    return loaded.framework


def _decide_at(
    fw: S.Framework,
    lineage: LineageFile,
    index: int,
    tracked: list[TrackedCheckpoint],
    base: Inputs,
    series: SeriesFile,
) -> Decision:
    """The decision for checkpoint ``index``, with the forecasts over the series up to it."""
    from redline.decide.engine import decide
    from redline.measure.forecast_inputs import forecast_inputs
    from redline.measure.series import forecast_x_kind, series_map
    from redline.measure.track import lineage_inputs

    try:
        forecasts = forecast_inputs(fw, series_map(series), x_kind=forecast_x_kind(series.x))
    except ValueError as exc:
        raise _fail(f"forecast: {exc}") from None
    # The ledger's canonical JSON has no infinity: an open end must be None (the forecast
    # API records it so; this guards the record should a number slip through).
    forecasts = [
        f.model_copy(update={"crossing": None})
        if f.crossing is not None and not all(v is None or math.isfinite(v) for v in f.crossing)
        else f
        for f in forecasts
    ]
    inputs = base.model_copy(
        update={
            "measurements": tracked[index].results.measurements(),
            "lineage": lineage_inputs(lineage, index),
            "date": lineage.checkpoints[index].date,
            "forecasts": forecasts,
        }
    )
    return decide(fw, inputs)


def _due_now(fw: S.Framework, latest: TrackedCheckpoint) -> list[str]:
    """The framework's time trigger since the latest checkpoint was assessed, judged today
    (the compute trigger waits for the next checkpoint's compute)."""
    import datetime as dt

    from redline.decide.reassess import Lineage, assessment_due

    today = dt.datetime.now(dt.UTC).date()
    since = Lineage(last_assessed=latest.results.created.date(), today=today)
    return assessment_due(fw, since, today)


def _record(framework: Path, t: TrackedCheckpoint, decision: Decision, key: str | None) -> str:
    from redline.ledger import LedgerError, open_ledger, record_assessment

    try:
        with open_ledger() as ledger:
            seq, decision_id = record_assessment(
                ledger, framework, t.directory / "results.json", decision, key_name=key
            )
            location = ledger.location
    except LedgerError as exc:
        raise _fail(f"ledger: {exc}") from None
    info = {"decision_id": decision_id, "assessment_entry": seq, "ledger": location}
    atomic_write(t.directory / "ledger.json", json.dumps(info, indent=2) + "\n")
    return decision_id


def _x_words(x: str, v: float | None) -> str:
    from redline.measure.forecast import compute_of, date_of

    if v is None:
        return "open"
    if x == "date":
        return date_of(v).isoformat()
    return f"{compute_of(v):.2g} FLOP"


def crossing_words(x: str, c: CrossingRecord) -> str:
    """A crossing in words: the median and the interval, or why there is no forecast."""
    if c.status != "forecast":
        word = c.status.replace("_", " ")
        return c.reason if c.reason.startswith(word) else f"{word}: {c.reason}"
    return (
        f"{_x_words(x, c.x_mid)} ({c.level_of_interval:.0%} interval "
        f"{_x_words(x, c.x_lo)} to {_x_words(x, c.x_hi)})"
    )


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _print(tracked: list[TrackedCheckpoint], series: SeriesFile) -> None:
    cps = Table(title=f"Checkpoints of {series.family}", title_justify="left")
    for col in ("Checkpoint", "Date", "Effective compute", "Training compute", "Assessment"):
        cps.add_column(col)
    best = [s for s in series.series if s.strategy is None or _single(series, s)]
    for s in best:
        cps.add_column(f"{s.evaluation}.{s.metric}")
    for t in tracked:
        c = t.checkpoint
        row = [
            c.id,
            c.date.isoformat(),
            f"{c.effective_compute:.2g}" if c.effective_compute else "unknown",
            f"{c.training_compute:.2g}" if c.training_compute else "unknown",
            "new" if t.new else "kept",
        ]
        for s in best:
            e = next((p for p in s.points if p.checkpoint == c.id), None)
            row.append(f"{_fmt(e.estimate)} [{_fmt(e.lower)}, {_fmt(e.upper)}]" if e else "-")
        cps.add_row(*[escape(x) for x in row])
    _out.print(cps)
    trends = Table(
        title=f"Trend and forecast (against {series.x.replace('_', ' ')})", title_justify="left"
    )
    for col in ("Series", "Trend", "Level", "Threshold", "Forecast crossing"):
        trends.add_column(col)
    for s in series.series:
        name = f"{s.evaluation}.{s.metric} [{s.strategy or 'best of strategies'}]"
        trend = f"{s.trend.kind}, {s.trend.status}" if s.trend else "-"
        if not s.crossings:
            trends.add_row(escape(name), escape(trend), "-", "-", "no numeric threshold")
        for cr in s.crossings:
            op = ">=" if cr.direction == "up" else "<="
            trends.add_row(
                escape(name),
                escape(trend),
                escape(f"{cr.level} ({cr.level_kind})"),
                f"{op} {cr.threshold:g}",
                escape(crossing_words(series.x, cr)),
            )
    _out.print(trends)


def _single(series: SeriesFile, s: TrackedSeries) -> bool:
    """A strategy series that is its evaluation's only one (no 'best of' series exists)."""
    return not any(
        o.strategy is None and (o.evaluation, o.metric) == (s.evaluation, s.metric)
        for o in series.series
    )


def _report(tracked: list[TrackedCheckpoint], out_dir: Path, series: SeriesFile) -> Path | None:
    from redline.publish.assessment import PublishError, record_from_ledger
    from redline.publish.report import build_report, render_report

    latest = tracked[-1]
    compute: dict[str, float] = {}
    if series.x == "effective_compute":  # the report's axis is effective compute or date
        for t in tracked:
            if t.checkpoint.effective_compute is not None:
                compute[str(t.directory.resolve())] = t.checkpoint.effective_compute
    try:
        view = build_report(
            [latest.directory],
            audience="internal",
            history=[t.directory for t in tracked[:-1]],
            record=record_from_ledger(latest.directory),
            compute=compute,
        )
        path = out_dir / "report.html"
        atomic_write(path, render_report(view, "html"))
    except PublishError as exc:
        _err.print(f"warning: no report written: {exc}", markup=False)
        return None
    return path


def track(
    framework: Annotated[Path, typer.Argument(help="Framework YAML file.")],
    lineage_file: Annotated[
        Path,
        typer.Option("--lineage", metavar="FILE", help="YAML file: the checkpoints to track."),
    ],
    model_template: Annotated[
        str | None,
        typer.Option(
            "--model-template",
            help="Inspect model string for checkpoints that name none; {checkpoint} is "
            "replaced by the checkpoint id (e.g. 'llama_cpp/{checkpoint}').",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (checkpoints/, series.json, report)."),
    ] = None,
    safeguards: Annotated[
        Path | None,
        typer.Option("--safeguards", help="YAML file: safeguards in place, with evidence."),
    ] = None,
    determinations: Annotated[
        Path | None, typer.Option("--determinations", help="YAML file: manual determinations.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most N samples per evaluation (for smoke tests).")
    ] = None,
    record: Annotated[
        bool,
        typer.Option(help="Record each new checkpoint's assessment and decision in the ledger."),
    ] = True,
    key: Annotated[
        str | None,
        typer.Option(help="Ledger key to sign with (default: $REDLINE_KEY or redline-local)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the series and the latest decision as JSON.")
    ] = False,
    predictions_from_previous: Annotated[
        bool,
        typer.Option(
            "--predictions-from-previous",
            help="Early stopping on each new checkpoint uses the previous checkpoint's "
            "per-item scores as predictions (as assess --predictions); valid whatever "
            "their quality.",
        ),
    ] = False,
) -> None:
    """Assess a lineage's unassessed checkpoints; print the series, its trends and forecasts.

    Exit 0 allowed (with or without conditions), 3 blocked, 4 forbidden, 1 error, for the
    latest checkpoint's decision.
    """
    from redline.decide.inputs import load_determinations, load_safeguards
    from redline.decide.model import Inputs, VerdictKind
    from redline.measure.assess import MeasureError
    from redline.measure.lineage import load_lineage_file
    from redline.measure.series import build_series
    from redline.measure.track import TrackOptions, run_track
    from redline.publish.terminal import render_decision

    fw = _load_framework(framework)
    try:
        lineage, lineage_sha = load_lineage_file(lineage_file)
        claims = load_safeguards(safeguards, fw) if safeguards else []
        dets = load_determinations(determinations, fw) if determinations else []
    except FrameworkError as exc:
        raise _problems(exc) from None
    out = out_dir or Path("redline-out") / f"track-{lineage.family}"
    base = Inputs(safeguards=claims, determinations=dets)
    options = TrackOptions(
        out_dir=out,
        model_template=model_template,
        limit=limit,
        display="none" if as_json or not sys.stdout.isatty() else "rich",
        claimed=[c.id for c in claims],
        predictions_from_previous=predictions_from_previous,
    )
    progress = None if as_json else (lambda m: _out.print(m, markup=False))
    try:
        tracked = run_track(fw, framework, lineage, lineage_sha, options, on_progress=progress)
    except MeasureError as exc:
        raise _fail(str(exc)) from None
    decision: Decision | None = None
    for i, t in enumerate(tracked):
        upto = build_series(
            fw, lineage, lineage_sha, [(x.checkpoint, x.results) for x in tracked[: i + 1]]
        )
        decision = _decide_at(fw, lineage, i, tracked, base, upto)
        unrecorded = record and not (t.directory / "ledger.json").exists()
        if t.new or unrecorded:
            atomic_write(t.directory / "decision.json", decision.model_dump_json(indent=2))
            if record:
                _record(framework, t, decision, key)
    assert decision is not None
    series = build_series(fw, lineage, lineage_sha, [(t.checkpoint, t.results) for t in tracked])
    atomic_write(out / "series.json", series.model_dump_json(indent=2))
    atomic_write(out / "decision.json", decision.model_dump_json(indent=2))
    report_path = _report(tracked, out, series)
    due_now = _due_now(fw, tracked[-1])
    worst = decision.worst()
    code = 4 if worst is VerdictKind.FORBIDDEN else 3 if worst is VerdictKind.BLOCKED else 0
    if as_json:
        data: dict[str, Any] = {
            "series": json.loads(series.model_dump_json()),
            "decision": json.loads(decision.model_dump_json()),
            "assessed": [t.checkpoint.id for t in tracked if t.new],
            "due_now": due_now,
            "report": str(report_path) if report_path else None,
            "exit_code": code,
        }
        sys.stdout.write(json.dumps(data, indent=2, allow_nan=False) + "\n")
    else:
        _print(tracked, series)
        _out.print(
            f"Decision for the latest checkpoint, {tracked[-1].checkpoint.id}:", markup=False
        )
        render_decision(decision, _out)
        for f in decision.forecasts:
            _out.print(f"FORECAST {f.status.replace('_', ' ').upper()}: {f.reason}", markup=False)
        for why in due_now:
            _out.print(f"ASSESSMENT DUE NOW: {why}", markup=False, style="bold")
        new = [t.checkpoint.id for t in tracked if t.new]
        _out.print(
            f"Assessed {len(new)} new checkpoint(s){': ' + ', '.join(new) if new else ''}; "
            f"series: {out / 'series.json'}",
            markup=False,
        )
        if report_path:
            _out.print(f"Report: {report_path}", markup=False)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command(name="track")(track)
