"""Helpers shared by the ledger tests (imported by conftest and by test modules)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from redline.decide.engine import decide
from redline.decide.model import Decision, Inputs
from redline.framework.load import load_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"


@dataclass
class Assessment:
    framework: Path
    results: Path
    logs: list[Path]
    decision: Decision


def make_assessment(directory: Path, *, n_logs: int = 2, tag: str = "") -> Assessment:
    """A results document, Inspect-log stand-ins and a real decision on the example."""
    from redline.measure.results import (
        EvaluationResult,
        FrameworkRef,
        Interval,
        ModelRef,
        Results,
        StrategyRun,
        Tokens,
    )

    directory.mkdir(parents=True, exist_ok=True)
    fw_path = directory / "frontier-framework.yaml"
    if not fw_path.exists():
        shutil.copy(EXAMPLE, fw_path)
    loaded = load_file(fw_path)
    assert loaded.framework is not None
    meta = loaded.framework.framework
    logs = []
    strategies = []
    for i in range(n_logs):
        log = directory / "logs" / f"run{tag}-{i}.eval"
        log.parent.mkdir(exist_ok=True)
        log.write_bytes(f"inspect log stand-in {tag} {i} {uuid.uuid4()}".encode())
        logs.append(log)
        strategies.append(
            StrategyRun(
                strategy=f"s{i}",
                task="redline/proxy",
                task_args={},
                log=f"logs/{log.name}",
                log_sha256=hashlib.sha256(log.read_bytes()).hexdigest(),
                status="success",
                samples_available=100,
                samples_used=40,
                stop_reason="settled",
                estimate=0.26,
                standard_error=None,
                intervals=[],
                tokens=Tokens(),
                duration_s=1.0,
            )
        )
    results = Results(
        assessment_id=str(uuid.uuid4()),
        created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        framework=FrameworkRef(
            id=meta.id,
            organisation=meta.organisation,
            name=meta.name,
            version=meta.version,
            file=fw_path.name,
            sha256=hashlib.sha256(fw_path.read_bytes()).hexdigest(),
        ),
        model=ModelRef(name="mockllm/model"),
        redline_version="0",
        inspect_version="0",
        evaluations=[
            EvaluationResult(
                evaluation="proxy",
                purpose="capability",
                metric="accuracy",
                task="redline/proxy",
                estimate=0.26,
                best_strategy="s0",
                intervals=[Interval(confidence=0.95, lower=0.2, upper=0.3, method="wilson")],
                strategies=strategies,
            )
        ],
        duration_s=2.0,
    )
    results_path = directory / f"results{tag}.json"
    results_path.write_text(results.model_dump_json(indent=2))
    decision = decide(loaded.framework, Inputs())
    return Assessment(fw_path, results_path, logs, decision)
