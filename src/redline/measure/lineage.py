"""A lineage file: the checkpoints of one model family, for ``redline track``.

::

    family: larkspur-7
    checkpoints:
      - id: step-1000
        date: 2026-09-01
        training_compute: 1.0e24      # FLOP, optional
        effective_compute: 1.0e24     # FLOP, optional
        model: vllm/larkspur-7-step-1000   # Inspect model string (or use --model-template)
        model_args: {temperature: 0}
        notes: First checkpoint after the data-mix change.

Loaded with located errors like the framework's other input files. Checkpoints are kept
in date order; ids must be unique, dates must not go backwards, and compute, when given,
must be positive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path
from typing import Any

from inspect_ai.model import GenerateConfig
from pydantic import BaseModel, ConfigDict, Field

from redline.framework.load import load_model_file
from redline.framework.located import FrameworkError, Problem, format_path

_GENERATE_FIELDS = frozenset(GenerateConfig.model_fields)

__all__ = ["Checkpoint", "LineageFile", "load_lineage_file", "model_for", "x_axis"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Checkpoint(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    date: dt.date
    training_compute: float | None = Field(default=None, gt=0, description="Training FLOP.")
    effective_compute: float | None = Field(
        default=None, gt=0, description="Effective training FLOP (the framework's measure)."
    )
    model: str | None = Field(
        default=None, description="Inspect model string; default: from --model-template."
    )
    model_args: dict[str, Any] = Field(default_factory=dict)
    generate: dict[str, Any] = Field(
        default_factory=dict,
        description="Inspect generation settings for this checkpoint (GenerateConfig fields: "
        "system_message, temperature, max_tokens, ...).",
    )
    fine_tuned: bool = Field(
        default=False,
        description="The checkpoint was fine-tuned for elicitation (recorded in the results).",
    )
    notes: str | None = None


class LineageFile(_Strict):
    family: str = Field(min_length=1)
    description: str | None = None
    checkpoints: list[Checkpoint] = Field(min_length=1)

    def checkpoint(self, cid: str) -> Checkpoint:
        for c in self.checkpoints:
            if c.id == cid:
                return c
        raise KeyError(cid)


def load_lineage_file(path: Path) -> tuple[LineageFile, str]:
    """The lineage and the sha256 of its file; raises FrameworkError with located problems."""
    doc, _, pos = load_model_file(path, LineageFile)
    problems: list[Problem] = []

    def problem(p: tuple[str | int, ...], msg: str) -> None:
        line, col = pos.of(p)
        problems.append(Problem(str(path), line, col, format_path(p), msg))

    seen: dict[str, int] = {}
    for i, c in enumerate(doc.checkpoints):
        if c.id in seen:
            problem(("checkpoints", i, "id"), f"checkpoint {c.id!r} appears twice")
        seen.setdefault(c.id, i)
        for name in ("training_compute", "effective_compute"):
            v = getattr(c, name)
            if v is not None and not math.isfinite(v):
                problem(("checkpoints", i, name), f"{name} must be a finite number of FLOP")
        for k in c.generate:
            if k not in _GENERATE_FIELDS:
                problem(
                    ("checkpoints", i, "generate", k),
                    f"{k!r} is not an Inspect generation setting (e.g. system_message, "
                    "temperature, max_tokens, seed)",
                )
        if i and c.date < doc.checkpoints[i - 1].date:
            problem(
                ("checkpoints", i, "date"),
                f"{c.date} is before the previous checkpoint's date "
                f"{doc.checkpoints[i - 1].date}; list checkpoints in training order",
            )
    if problems:
        raise FrameworkError(problems)
    return doc, hashlib.sha256(path.read_bytes()).hexdigest()


def model_for(c: Checkpoint, template: str | None) -> str:
    """The Inspect model string for a checkpoint: its own, else the template's."""
    if c.model:
        return c.model
    if template is None:
        raise ValueError(
            f"checkpoint {c.id!r} names no model: give it 'model:' or pass --model-template"
        )
    try:
        return template.format(checkpoint=c.id)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"--model-template {template!r}: only {{checkpoint}} may be substituted ({exc})"
        ) from None


def x_axis(lineage: LineageFile) -> tuple[str, list[float | None]]:
    """What the trend is drawn against: effective compute when every checkpoint has it,
    else training compute when every one has that, else the date."""
    cps = lineage.checkpoints
    if all(c.effective_compute for c in cps):
        return "effective_compute", [c.effective_compute for c in cps]
    if all(c.training_compute for c in cps):
        return "training_compute", [c.training_compute for c in cps]
    return "date", [None for _ in cps]
