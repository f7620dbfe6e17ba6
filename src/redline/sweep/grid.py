"""The models file of ``redline sweep``: which models and checkpoints make the grid.

A plain list, one entry per (model, checkpoint)::

    models:
      - model: openai-api/vllm/llama-3-8b      # any Inspect model string
        checkpoint: step-20000                  # optional; default "-"
        args: {base_url: http://127.0.0.1:8000/v1}   # optional Inspect model args
      - model: gguf/smollm2

A lineage file (``redline track``'s: ``family:`` and ``checkpoints:``) is a grid too:
one cell per checkpoint, with its model (or ``--model-template``), model args and
generation settings, and the checkpoint recorded in each cell's results as ``track``
records it. Both are loaded with located errors like every other input file;
:func:`entries_from_document` is the one place that turns a document into entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from redline.framework.load import load_model_file
from redline.framework.located import FrameworkError, Problem, format_path
from redline.framework.yaml_source import parse_yaml
from redline.measure.lineage import load_lineage_file, model_for
from redline.measure.results import CheckpointRef
from redline.measure.served import is_secret

NO_CHECKPOINT = "-"


class GridEntry(BaseModel):
    """One cell of the grid: a model (and checkpoint) to assess."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(description="An Inspect model string, e.g. openai-api/vllm/NAME.")
    checkpoint: str = Field(
        default=NO_CHECKPOINT, description="Checkpoint id within the model's series."
    )
    args: dict[str, Any] = Field(default_factory=dict, description="Inspect model args.")
    generate: dict[str, Any] = Field(
        default_factory=dict, description="Inspect generation settings (GenerateConfig fields)."
    )
    fine_tuned: bool = Field(default=False, description="Stated fine-tuned for elicitation.")
    lineage: CheckpointRef | None = Field(
        default=None, description="Set for a cell made from a lineage file's checkpoint."
    )

    @field_validator("model")
    @classmethod
    def _model_has_provider(cls, v: str) -> str:
        if "/" not in v or v.startswith("/") or v.endswith("/"):
            raise ValueError(f"{v!r} is not an Inspect model string (provider/model)")
        return v

    @field_validator("args")
    @classmethod
    def _no_secrets(cls, v: dict[str, Any]) -> dict[str, Any]:
        secret = sorted(k for k in v if is_secret(k))
        if secret:
            raise ValueError(
                f"{', '.join(secret)}: put API keys in the environment (e.g. "
                "<SERVICE>_API_KEY, passed to Ray workers with --worker-env), not in the "
                "models file: model args are recorded in the results and the ledger"
            )
        return v

    @property
    def label(self) -> str:
        return self.model if self.checkpoint == NO_CHECKPOINT else f"{self.model}@{self.checkpoint}"


class ModelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    models: list[GridEntry] = Field(min_length=1)


class Grid(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    entries: list[GridEntry]


def _is_lineage(path: Path) -> bool:
    try:
        data, _, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError):
        return False  # load_model_file reports it
    return not problems and isinstance(data, dict) and "checkpoints" in data


def _lineage_entries(path: Path, model_template: str | None) -> list[GridEntry]:
    doc, digest = load_lineage_file(path)
    entries = []
    for i, c in enumerate(doc.checkpoints):
        try:
            model = model_for(c, model_template)
        except ValueError as exc:
            raise FrameworkError(
                [Problem(str(path), 1, 1, format_path(("checkpoints", i)), str(exc))]
            ) from None
        ref = CheckpointRef(
            family=doc.family, id=c.id, date=c.date, training_compute=c.training_compute,
            effective_compute=c.effective_compute, lineage_sha256=digest,
        )  # fmt: skip
        fields = {
            "model": model, "checkpoint": c.id, "args": dict(c.model_args),
            "generate": dict(c.generate), "fine_tuned": c.fine_tuned, "lineage": ref,
        }  # fmt: skip
        try:
            entries.append(GridEntry.model_validate(fields))
        except ValueError as exc:
            msg = str(exc).splitlines()[-1].strip()
            raise FrameworkError(
                [Problem(str(path), 1, 1, format_path(("checkpoints", i)), msg)]
            ) from None
    return entries


def entries_from_document(path: Path, model_template: str | None = None) -> list[GridEntry]:
    """The grid entries of a models file or of a lineage file."""
    if _is_lineage(path):
        return _lineage_entries(path, model_template)
    doc, _, pos = load_model_file(path, ModelsFile)
    seen: dict[tuple[str, str, str], int] = {}
    problems = []
    for i, e in enumerate(doc.models):
        ident = (e.model, e.checkpoint, repr(sorted(e.args.items())))
        if ident in seen:
            p = ("models", i)
            line, col = pos.of(p)
            first = pos.of(("models", seen[ident]))[0]
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    format_path(p),
                    f"{e.label} is listed twice (first on line {first}); a cell is assessed once",
                )
            )
        seen.setdefault(ident, i)
    if problems:
        raise FrameworkError(problems)
    return list(doc.models)


def load_grid(path: Path, model_template: str | None = None) -> Grid:
    """Load a models or lineage file; :class:`FrameworkError` with located problems."""
    return Grid(source=str(path), entries=entries_from_document(path, model_template))
