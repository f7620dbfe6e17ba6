"""One cell of a sweep: assess one (model, checkpoint), decide, record once.

A cell is an ordinary assessment (``measure.assess.run_assessment`` into its own output
directory, so a retry resumes the same Inspect eval set) whose assessment id is not
random but derived from the cell's identity: the framework file's digest, the model
string, its (public) args, the checkpoint, the item limit, the decision inputs and the
sweep's run label. That id is the idempotency key: before measuring, and again under
a per-cell lock before appending, the worker looks for an ``assessment_recorded`` entry
with it, and reports that entry instead of appending a second one.

Everything a worker needs travels in :class:`SweepSettings` (paths, the ledger's URL,
the signing key's *name*, never key material): see docs/scale.md for what that trusts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from redline._io import atomic_write
from redline.decide.engine import decide
from redline.decide.model import Inputs
from redline.framework.load import load_file
from redline.ledger.chain import Entry, EntryKind
from redline.ledger.errors import LedgerError
from redline.ledger.record import record_assessment, sha256_file
from redline.ledger.store import Ledger, open_ledger
from redline.measure.assess import AssessOptions, MeasureError, run_assessment
from redline.measure.graders import GraderError
from redline.measure.labelling import apply_grader_corrections, graded_samples
from redline.measure.results import Results
from redline.measure.served import Concurrency, public_args
from redline.sweep.grid import GridEntry

# A fixed namespace: the same cell gets the same assessment id on every machine.
CELL_NAMESPACE = uuid.UUID("5b1f3c2e-8d4a-4c3e-9a57-72656c696e65")


class SweepError(Exception):
    """A sweep cannot start or a cell cannot run; the message names what and why."""


class SweepSettings(BaseModel):
    """What every cell of one sweep shares. Sent to each worker as task arguments."""

    model_config = ConfigDict(frozen=True)

    framework_path: str
    framework_sha256: str
    out_dir: str
    limit: int | None = None
    concurrency: Concurrency = Field(default_factory=Concurrency)
    inputs: Inputs = Field(default_factory=Inputs)
    run_label: str = ""
    retry_attempts: int = 1
    database_url: str | None = None  # None: the workspace's SQLite ledger
    workspace: str | None = None
    key_name: str | None = None


class CellSpec(BaseModel):
    """One (model, checkpoint) of the grid, with its idempotency key."""

    model_config = ConfigDict(frozen=True)

    index: int
    entry: GridEntry
    key: str
    assessment_id: str

    @property
    def dir_name(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", self.entry.label).strip("_")[:60]
        return f"{self.index:03d}-{slug}-{self.key[:8]}"


class CellOutcome(BaseModel):
    """What happened to one cell, read back from the ledger (the same either way)."""

    model_config = ConfigDict(frozen=True)

    index: int
    model: str
    checkpoint: str
    label: str
    key: str
    assessment_id: str
    status: Literal["assessed", "already recorded", "failed"]
    verdicts: dict[str, str] = Field(default_factory=dict)
    assessment_entry: int | None = None
    decision_id: str | None = None
    results_sha256: str | None = None
    out_dir: str | None = None
    measured: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Per evaluation: estimate, intervals, and per strategy the samples "
        "used and why sampling stopped (what two engines must agree on).",
    )
    error: str | None = None
    worker: str | None = None
    duration_s: float = 0.0


def _inputs_identity(inputs: Inputs) -> Any:
    # The date is left out: re-running a sweep tomorrow resumes it rather than
    # assessing every cell again. Measurements are filled in by the cell.
    return inputs.model_dump(mode="json", exclude={"date", "measurements"})


def plan_cells(entries: list[GridEntry], settings: SweepSettings) -> list[CellSpec]:
    """One cell per grid entry, each with its idempotency key and assessment id."""
    cells = []
    for i, e in enumerate(entries):
        ident = {
            "framework_sha256": settings.framework_sha256,
            "model": e.model,
            "args": public_args(e.args),
            "checkpoint": e.checkpoint,
            "generate": e.generate,
            "fine_tuned": e.fine_tuned,
            "lineage": e.lineage.model_dump(mode="json") if e.lineage else None,
            "limit": settings.limit,
            "inputs": _inputs_identity(settings.inputs),
            "run": settings.run_label,
        }
        key = hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()
        aid = str(uuid.uuid5(CELL_NAMESPACE, key))
        cells.append(CellSpec(index=i, entry=e, key=key, assessment_id=aid))
    return cells


# ------------------------------------------------------------------ the ledger


def open_sweep_ledger(settings: SweepSettings) -> Ledger:
    ws = Path(settings.workspace) if settings.workspace else None
    return open_ledger(ws, settings.database_url)


def recorded_assessment(ledger: Ledger, assessment_id: str) -> Entry | None:
    for e in ledger.entries(kinds=[EntryKind.ASSESSMENT_RECORDED.value]):
        if e.data().get("assessment_id") == assessment_id:
            return e
    return None


def _decision_for(ledger: Ledger, assessment: Entry) -> Entry | None:
    for e in ledger.entries(after=assessment.seq, kinds=[EntryKind.DECISION_MADE.value]):
        if e.data().get("assessment", {}).get("entry") == assessment.hash:
            return e  # the first decision: the one recorded with the assessment
    return None


@contextlib.contextmanager
def cell_lock(ledger: Ledger, key: str) -> Iterator[None]:
    """Serialise the check-then-append of one cell across workers.

    PostgreSQL: a session-level advisory lock keyed by the cell (distinct cells never
    wait on each other; the ledger's own append lock still orders the entries). SQLite
    ledgers are used by one process at a time here (the local engine), so none is needed.
    """
    if ledger.dialect != "postgresql":
        yield
        return
    lock_id = int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
    with ledger.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_id})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_id})
            conn.commit()


def _measured(results: Results) -> list[dict[str, Any]]:
    return [
        {
            "evaluation": e.evaluation,
            "purpose": e.purpose,
            "task_args": e.task_args,
            "estimate": e.estimate,
            "intervals": [[iv.confidence, iv.lower, iv.upper, iv.method] for iv in e.intervals],
            "strategies": [
                [s.strategy, s.samples_used, s.samples_available, s.stop_reason, s.estimate]
                for s in e.strategies
            ],
        }
        for e in results.evaluations
    ]


def outcome_from_ledger(
    ledger: Ledger, cell: CellSpec, entry: Entry, status: Literal["assessed", "already recorded"],
    out_dir: Path | None = None, worker: str | None = None, duration_s: float = 0.0,
) -> CellOutcome:  # fmt: skip
    """The cell's outcome as the ledger holds it: its results document from the
    evidence store and the verdicts of the decision recorded with it."""
    data = entry.data()
    digest = str(data["results_sha256"])
    results = Results.model_validate_json(ledger.evidence.read(digest))
    decision = _decision_for(ledger, entry)
    verdicts = (
        {v["action"]: v["verdict"] for v in decision.data().get("verdicts", [])}
        if decision is not None
        else {}
    )
    return CellOutcome(
        index=cell.index, model=cell.entry.model, checkpoint=cell.entry.checkpoint,
        label=cell.entry.label, key=cell.key, assessment_id=cell.assessment_id,
        status=status, verdicts=verdicts, assessment_entry=entry.seq,
        decision_id=decision.hash if decision is not None else None,
        results_sha256=digest, out_dir=str(out_dir) if out_dir else None,
        measured=_measured(results), worker=worker, duration_s=round(duration_s, 3),
    )  # fmt: skip


# ------------------------------------------------------------------- running


def _load_framework(settings: SweepSettings) -> Any:
    path = Path(settings.framework_path)
    if not path.is_file():
        raise SweepError(f"{path}: framework file not found on this worker (share it)")
    if sha256_file(path) != settings.framework_sha256:
        raise SweepError(f"{path}: this worker's copy differs from the sweep's framework file")
    loaded = load_file(path)
    if loaded.framework is None:
        first = (loaded.errors or loaded.problems)[0]
        raise SweepError(first.format())
    return loaded.framework


def _note_attempt(out_dir: Path, worker: str | None) -> None:
    """One line per attempt at measuring this cell (``attempts.jsonl``): a retry after a
    lost worker shows as a second line, with the worker it ran on."""
    out_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"worker": worker, "started": dt.datetime.now(dt.UTC).isoformat()})
    with (out_dir / "attempts.jsonl").open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def run_cell(cell: CellSpec, settings: SweepSettings, worker: str | None = None) -> CellOutcome:
    """Assess one cell unless the ledger already holds it; record it exactly once.

    Raises :class:`SweepError`, ``MeasureError`` or ``LedgerError`` on failure, so an
    engine can retry; a retry resumes the cell's Inspect eval set from its logs."""
    started = time.monotonic()
    out_dir = Path(settings.out_dir) / cell.dir_name
    with open_sweep_ledger(settings) as ledger:
        done = recorded_assessment(ledger, cell.assessment_id)
        if done is not None:
            return outcome_from_ledger(ledger, cell, done, "already recorded", out_dir, worker)
        fw = _load_framework(settings)
        fw_path = Path(settings.framework_path)
        _note_attempt(out_dir, worker)
        options = AssessOptions(
            model=cell.entry.model, model_args=dict(cell.entry.args), out_dir=out_dir,
            limit=settings.limit, claimed=[c.id for c in settings.inputs.safeguards],
            retry_attempts=settings.retry_attempts, concurrency=settings.concurrency,
            generate=dict(cell.entry.generate), fine_tuned=cell.entry.fine_tuned,
        )  # fmt: skip
        results = run_assessment(fw, fw_path, options)
        update: dict[str, Any] = {"assessment_id": cell.assessment_id}
        if cell.entry.lineage is not None:
            update["checkpoint"] = cell.entry.lineage  # as `redline track` records it
        results = results.model_copy(update=update)
        graded = graded_samples(results, out_dir)  # as `redline assess` does, uncorrected
        if graded:
            results = apply_grader_corrections(results, graded)
        decision = decide(
            fw, settings.inputs.model_copy(update={"measurements": results.measurements()})
        )
        atomic_write(out_dir / "results.json", results.model_dump_json(indent=2))
        atomic_write(out_dir / "decision.json", decision.model_dump_json(indent=2))
        with cell_lock(ledger, cell.key):
            done = recorded_assessment(ledger, cell.assessment_id)
            status: Literal["assessed", "already recorded"] = "already recorded"
            if done is None:
                seq, _ = record_assessment(
                    ledger, fw_path, out_dir / "results.json", decision,
                    key_name=settings.key_name,
                )  # fmt: skip
                done = ledger.entry(seq)
                status = "assessed"
        assert done is not None
        atomic_write(
            out_dir / "ledger.json",
            json.dumps({"assessment_entry": done.seq, "ledger": ledger.location}, indent=2) + "\n",
        )
        return outcome_from_ledger(
            ledger, cell, done, status, out_dir, worker, time.monotonic() - started
        )


def failed_outcome(cell: CellSpec, error: str, worker: str | None = None) -> CellOutcome:
    return CellOutcome(
        index=cell.index, model=cell.entry.model, checkpoint=cell.entry.checkpoint,
        label=cell.entry.label, key=cell.key, assessment_id=cell.assessment_id,
        status="failed", error=error, worker=worker,
    )  # fmt: skip


CELL_ERRORS: tuple[type[Exception], ...] = (SweepError, MeasureError, LedgerError, GraderError)
"""The failures a cell reports in words (anything else is a bug and keeps its type)."""


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
