"""Building sweeps for tests the way ``redline sweep`` does, through the library."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from redline.decide.model import Inputs
from redline.ledger.chain import EntryKind
from redline.ledger.record import sha256_file
from redline.ledger.store import Ledger, workspace_dir
from redline.sweep.cell import CellOutcome, CellSpec, SweepSettings, plan_cells, today
from redline.sweep.grid import GridEntry, load_grid

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sweep"
FRAMEWORK = FIXTURES / "framework.yaml"

MOCK_CELLS = [
    # Cell 0 answers slowly so that its worker can be killed while it runs.
    {"model": "sweepmock/toy", "checkpoint": "step-1", "args": {"skill": 0.05, "delay": 0.4}},
    {"model": "sweepmock/toy", "checkpoint": "step-2", "args": {"skill": 0.2}},
    {"model": "sweepmock/toy", "checkpoint": "step-3", "args": {"skill": 0.7}},
    {"model": "sweepmock/toy", "checkpoint": "step-4", "args": {"skill": 1.0}},
]


def served_cells(base_url: str) -> list[dict[str, Any]]:
    """Two cells on the bundled GGUF behind the llama.cpp server (Inspect's
    OpenAI-compatible provider). The local server needs no key; the client wants one, in
    LLAMACPP_API_KEY (set by the test, passed to Ray workers with worker_env)."""
    args = {"base_url": base_url}
    return [
        {"model": "openai-api/llamacpp/smollm2", "checkpoint": "served-a", "args": args},
        {"model": "openai-api/llamacpp/smollm2", "checkpoint": "served-b", "args": args},
    ]


def write_models(path: Path, cells: list[dict[str, Any]]) -> Path:
    import json

    # JSON is YAML: one flow mapping per cell.
    lines = ["models:"] + [f"  - {json.dumps(c)}" for c in cells]
    path.write_text("\n".join(lines) + "\n")
    return path


def settings_for(out_dir: Path, **kw: Any) -> SweepSettings:
    return SweepSettings(
        framework_path=str(FRAMEWORK.resolve()),
        framework_sha256=sha256_file(FRAMEWORK),
        out_dir=str(out_dir),
        inputs=Inputs(date=today()),
        database_url=os.environ.get("REDLINE_DATABASE_URL") or None,
        workspace=str(workspace_dir()),
        **kw,
    )


def cells_for(models: Path, settings: SweepSettings) -> list[CellSpec]:
    entries: list[GridEntry] = load_grid(models).entries
    return plan_cells(entries, settings)


def comparable(outcomes: list[CellOutcome]) -> list[tuple[Any, ...]]:
    """What two engines must agree on: the cell, its measurements and its verdicts."""
    return [
        (o.index, o.label, o.assessment_id, o.status != "failed", o.measured, o.verdicts)
        for o in outcomes
    ]


def assessments_by_id(ledger: Ledger) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in ledger.entries(kinds=[EntryKind.ASSESSMENT_RECORDED.value]):
        aid = str(e.data()["assessment_id"])
        counts[aid] = counts.get(aid, 0) + 1
    return counts


def kinds(ledger: Ledger) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in ledger.entries():
        out[e.kind] = out.get(e.kind, 0) + 1
    return out
