"""``redline sweep`` on the local engine (this process, SQLite ledger): the command's
table, JSON and exit codes, resuming a sweep without new entries, bad models files."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from sweep_support import FIXTURES
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger.store import open_ledger
from redline.ledger.verify import verify_ledger

FRAMEWORK = FIXTURES / "framework.yaml"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def _sweep(*args: str, cwd: Path) -> Run:
    """The command in this process (as a user runs it, without a new interpreter)."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, ["sweep", str(FRAMEWORK), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def _models(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(body)
    return path


def test_local_sweep_records_each_cell_once_and_resumes(tmp_path: Path) -> None:
    models = _models(
        tmp_path,
        "models:\n"
        "  - {model: sweepmock/toy, checkpoint: weak, args: {skill: 0.1}}\n"
        "  - {model: sweepmock/toy, checkpoint: strong, args: {skill: 1.0}}\n",
    )
    first = _sweep("--models", str(models), "--out", "out", "--json", cwd=tmp_path)
    assert first.returncode == 4, first.stderr[-2000:]  # strong: an intolerable level
    doc = json.loads(first.stdout)
    cells = doc["cells"]
    assert [c["status"] for c in cells] == ["assessed", "assessed"]
    assert set(cells[0]["verdicts"].values()) == {"allowed"}
    assert set(cells[1]["verdicts"].values()) == {"forbidden"}
    assert cells[0]["assessment_id"] != cells[1]["assessment_id"]
    results = json.loads((Path(cells[0]["out_dir"]) / "results.json").read_text())
    assert results["assessment_id"] == cells[0]["assessment_id"]
    assert results["run"]["access"] == "other"  # a provider the task file registers
    with open_ledger() as ledger:
        count = ledger.count()
        assert verify_ledger(ledger).ok
    assert count == 1 + 1 + 2 * 2  # key, framework, (assessment + decision) per cell

    again = _sweep("--models", str(models), "--out", "out", "--json", cwd=tmp_path)
    assert again.returncode == 4
    repeat = json.loads(again.stdout)["cells"]
    assert [c["status"] for c in repeat] == ["already recorded"] * 2
    assert [c["measured"] for c in repeat] == [c["measured"] for c in cells]
    with open_ledger() as ledger:
        assert ledger.count() == count

    # A new run label is a new set of cells: assessed again, recorded again.
    relabelled = _sweep("--models", str(models), "--out", "out2", "--run-label", "r2",
                        "--json", cwd=tmp_path)  # fmt: skip
    assert [c["status"] for c in json.loads(relabelled.stdout)["cells"]] == ["assessed"] * 2

    table = _sweep("--models", str(models), "--out", "out", cwd=tmp_path)
    assert "verdict per model and action" in table.stdout
    assert "forbidden" in table.stdout and "already recorded" in table.stdout


def test_bad_models_files_are_located_and_write_nothing(tmp_path: Path) -> None:
    cases = {
        "models:\n  - {model: nonsense}\n": ("models.yaml:2:", "not an Inspect model string"),
        "models:\n  - {model: a/b}\n  - {model: a/b}\n": ("models.yaml:3:", "listed twice"),
        "models:\n  - {model: a/b, args: {api_key: x}}\n": ("models.yaml:2:", "environment"),
        "models:\n  - {model: a/b, chekpoint: x}\n": ("models.yaml:2:", "chekpoint"),
        "models: []\n": ("models.yaml:1:", "models"),
    }
    for body, (where, words) in cases.items():
        models = _models(tmp_path, body)
        proc = _sweep("--models", str(models), "--out", "out", cwd=tmp_path)
        assert proc.returncode == 1, (body, proc.stderr)
        assert where in proc.stderr and words in proc.stderr, (body, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "out").exists()
        assert not (tmp_path / "ws").exists()


def test_ray_engine_needs_a_shared_ledger(tmp_path: Path) -> None:
    models = _models(tmp_path, "models:\n  - {model: sweepmock/toy}\n")
    proc = _sweep("--models", str(models), "--engine", "ray", cwd=tmp_path)
    assert proc.returncode == 1
    assert "REDLINE_DATABASE_URL" in proc.stderr and "Traceback" not in proc.stderr


def test_a_lineage_file_is_a_grid_and_one_cell_can_run_alone(tmp_path: Path) -> None:
    lineage = _models(
        tmp_path,
        "family: toy-family\n"
        "checkpoints:\n"
        "  - {id: ck-1, date: 2026-09-01, effective_compute: 1.0e22,\n"
        "     model_args: {skill: 0.1}}\n"
        "  - {id: ck-2, date: 2026-10-01, effective_compute: 4.0e22, model: sweepmock/toy,\n"
        "     model_args: {skill: 0.3}, generate: {system_message: Answer briefly.}}\n",
    )
    # ck-1 names no model and there is no template: located, nothing run.
    bad = _sweep("--models", str(lineage), "--out", "out", cwd=tmp_path)
    assert bad.returncode == 1
    assert "checkpoints[0]" in bad.stderr and "--model-template" in bad.stderr
    # --cell 1 runs the second checkpoint only (one Kubernetes Job per cell).
    one = _sweep("--models", str(lineage), "--model-template", "sweepmock/{checkpoint}",
                 "--cell", "1", "--out", "out", "--json", cwd=tmp_path)  # fmt: skip
    assert one.returncode == 0, one.stderr[-2000:]
    cells = json.loads(one.stdout)["cells"]
    assert [(c["index"], c["checkpoint"], c["status"]) for c in cells] == [(1, "ck-2", "assessed")]
    results = json.loads((Path(cells[0]["out_dir"]) / "results.json").read_text())
    assert results["checkpoint"]["family"] == "toy-family" and results["checkpoint"]["id"] == "ck-2"
    assert results["model"]["generate"] == {"system_message": "Answer briefly."}
    out_of_range = _sweep("--models", str(lineage), "--model-template", "sweepmock/{checkpoint}",
                          "--cell", "7", "--out", "out", cwd=tmp_path)  # fmt: skip
    assert out_of_range.returncode == 1 and "cells 0 to 1" in out_of_range.stderr
