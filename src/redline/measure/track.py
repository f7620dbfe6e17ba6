"""Assess the checkpoints of a lineage that have no assessment yet (``redline track``).

Each checkpoint is one assessment in ``OUT/checkpoints/<id>/`` (Inspect logs and
``results.json``), exactly as ``redline assess`` writes one. A checkpoint whose
``results.json`` is there, for the same framework file and model, is kept as it is: a
re-run assesses nothing new, and an interrupted run resumes (Inspect's eval set reuses
the logs of the tasks that finished). The series is rebuilt from all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from redline._io import atomic_write
from redline.decide.reassess import Lineage
from redline.framework import schema as S
from redline.measure.assess import AssessOptions, MeasureError, run_assessment
from redline.measure.lineage import Checkpoint, LineageFile, model_for
from redline.measure.results import CheckpointRef, Results

__all__ = ["TrackOptions", "TrackedCheckpoint", "lineage_inputs", "run_track"]


@dataclass
class TrackOptions:
    out_dir: Path
    model_template: str | None = None
    limit: int | None = None
    display: str = "none"
    claimed: list[str] = field(default_factory=list)
    # Each new checkpoint's early stopping uses the previous checkpoint's per-item scores
    # as predictions (redline.measure.assisted); the first checkpoint runs without.
    predictions_from_previous: bool = False


@dataclass
class TrackedCheckpoint:
    checkpoint: Checkpoint
    directory: Path
    results: Results
    new: bool  # assessed by this run


def resolve_model(name: str) -> Any:
    """What Inspect is given for a checkpoint's model string (the string itself; tests
    replace this to hand Inspect a model object that runs offline)."""
    return name


def checkpoint_dir(out_dir: Path, c: Checkpoint) -> Path:
    return out_dir / "checkpoints" / c.id


def _existing(path: Path, fw_sha: str, model: str, generate: dict[str, object]) -> Results | None:
    if not path.exists():
        return None
    try:
        r = Results.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError):
        return None  # unreadable: assess again (the logs are reused)
    if r.framework.sha256 != fw_sha or r.model.name != model or r.model.generate != generate:
        return None
    return r


def run_track(
    fw: S.Framework,
    framework_file: Path,
    lineage: LineageFile,
    lineage_sha256: str,
    options: TrackOptions,
    on_progress: Callable[[str], None] | None = None,
) -> list[TrackedCheckpoint]:
    """Assess every checkpoint without results; return all checkpoints in lineage order."""
    fw_sha = hashlib.sha256(framework_file.read_bytes()).hexdigest()
    out: list[TrackedCheckpoint] = []
    for c in lineage.checkpoints:
        try:
            model = model_for(c, options.model_template)
        except ValueError as exc:
            raise MeasureError(str(exc)) from None
        directory = checkpoint_dir(options.out_dir, c)
        found = _existing(directory / "results.json", fw_sha, model, dict(c.generate))
        if found is not None:
            out.append(TrackedCheckpoint(c, directory, found, new=False))
            continue
        predictions = None
        if options.predictions_from_previous and out:
            from redline.measure.predictions import PredictionsError, load_predictions

            try:
                predictions = load_predictions(out[-1].directory)
            except PredictionsError as exc:
                raise MeasureError(f"checkpoint {c.id}: predictions: {exc}") from None
        if on_progress:
            helped = f", predictions from {out[-1].checkpoint.id}" if predictions else ""
            on_progress(f"checkpoint {c.id} ({c.date}): assessing {model}{helped}")
        results = run_assessment(
            fw,
            framework_file,
            AssessOptions(
                model=resolve_model(model),
                model_args=dict(c.model_args),
                out_dir=directory,
                limit=options.limit,
                display=options.display,
                claimed=list(options.claimed),
                fine_tuned=c.fine_tuned,
                generate=dict(c.generate),
                predictions=predictions,
            ),
        )
        ref = CheckpointRef(
            family=lineage.family,
            id=c.id,
            date=c.date,
            training_compute=c.training_compute,
            effective_compute=c.effective_compute,
            lineage_sha256=lineage_sha256,
        )
        results = results.model_copy(update={"checkpoint": ref})
        atomic_write(directory / "results.json", results.model_dump_json(indent=2))
        out.append(TrackedCheckpoint(c, directory, results, new=True))
    return out


def lineage_inputs(lineage: LineageFile, upto: int, today: dt.date | None = None) -> Lineage | None:
    """The reassessment input for checkpoint ``upto``: the previous checkpoint was the
    last assessment; its effective compute and date against this one's (so the compute
    multiple and months triggers say whether this checkpoint was due). ``today`` (the
    decision's date) defaults to the checkpoint's date. None for the first checkpoint."""
    if upto <= 0:
        return None
    prev, cur = lineage.checkpoints[upto - 1], lineage.checkpoints[upto]
    return Lineage(
        last_assessed=prev.date,
        effective_compute_at_last=prev.effective_compute,
        effective_compute_now=cur.effective_compute,
        today=today or cur.date,
    )
