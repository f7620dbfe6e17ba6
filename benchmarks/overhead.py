"""What redline adds to a plain Inspect run: wall-time ratio, measured side by side.

The same task, samples and model are run (a) by redline's assessment (framework
loading, seeded order, eval set, log ingestion, statistics, decision) and (b) by
Inspect alone, alternating A/B over several rounds; the ratio of median wall times
is printed. Early stopping is switched off so both sides run the same samples
(with it on, redline usually runs far fewer).

    python benchmarks/overhead.py                 # mockllm and the embedded model
    python benchmarks/overhead.py --only mockllm --rounds 5

Target: ratio <= 1.05. Results are written up in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "assess" / "tiny_task.py"

FRAMEWORK = """\
schema_version: 1
framework: {{id: overhead, organisation: Bench (fictional), name: Overhead, version: "1",
  date: 2026-01-01, fictional: true}}
scope: {{description: Benchmark.}}
domains:
  - id: d
    name: D
    threat_model: t
    levels:
      - id: l
        name: L
        kind: intolerable
        trigger: {{evaluation: e, op: ">=", value: 0.9}}
        evidence: {{standard: precautionary}}
evaluations:
  - id: e
    task: {task}
    task_args: {task_args}
    metric: accuracy
    sampling: {{seed: 1, early_stopping: false, budget: {budget}}}
governance:
  roles: [{{id: r, title: R}}]
"""


def _mock_model() -> object:
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    def output(*_: object) -> ModelOutput:
        out = ModelOutput.from_content(model="mockllm/model", content="A")
        out.usage = ModelUsage(input_tokens=3, output_tokens=1, total_tokens=4)
        return out

    return get_model("mockllm/model", custom_outputs=output)


def bench_mockllm(rounds: int, n: int) -> dict[str, float]:
    """In process: redline's run_assessment against inspect_ai.eval on the same task."""
    from inspect_ai import eval as inspect_eval

    from redline.framework.load import load_framework
    from redline.measure.assess import AssessOptions, run_assessment

    work = Path(tempfile.mkdtemp(prefix="overhead-mock-"))
    shutil.copy(TINY, work / "tiny_task.py")
    fw_file = work / "framework.yaml"
    fw_file.write_text(
        FRAMEWORK.format(task="tiny_task.py@tiny", task_args=json.dumps({"n": n}), budget=n)
    )
    fw = load_framework(fw_file)
    a_times, b_times = [], []
    for i in range(rounds):
        t = time.perf_counter()
        run_assessment(fw, fw_file, AssessOptions(model=_mock_model(), out_dir=work / f"r{i}"))
        a_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        [log] = inspect_eval(
            f"{work / 'tiny_task.py'}@tiny",
            task_args={"n": n},
            model=_mock_model(),  # type: ignore[arg-type]
            log_dir=str(work / f"i{i}"),
            display="none",
            log_level="error",
        )
        b_times.append(time.perf_counter() - t)
        assert log.status == "success"
    shutil.rmtree(work, ignore_errors=True)
    return _summary(a_times, b_times)


def bench_embedded(rounds: int, n: int) -> dict[str, float]:
    """Command line against command line: `redline assess` and `inspect eval`."""
    work = Path(tempfile.mkdtemp(prefix="overhead-gguf-"))
    fw_file = work / "framework.yaml"
    fw_file.write_text(FRAMEWORK.format(task="redline/bio_proxy", task_args="{}", budget=n))
    bindir = Path(sys.executable).parent
    a_times, b_times = [], []
    for i in range(rounds):
        t = time.perf_counter()
        subprocess.run(
            [str(bindir / "redline"), "assess", str(fw_file), "--out", str(work / f"r{i}"),
             "--no-record", "--json"],
            check=False, capture_output=True, cwd=work,
        )  # fmt: skip
        a_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(
            [str(bindir / "inspect"), "eval", "redline/bio_proxy", "--model", "gguf/smollm2",
             "--limit", str(n), "--log-dir", str(work / f"i{i}"), "--display", "none"],
            check=True, capture_output=True, cwd=work,
        )  # fmt: skip
        b_times.append(time.perf_counter() - t)
    shutil.rmtree(work, ignore_errors=True)
    return _summary(a_times, b_times)


def _summary(a: list[float], b: list[float]) -> dict[str, float]:
    ma, mb = statistics.median(a), statistics.median(b)
    return {"redline_s": round(ma, 3), "inspect_s": round(mb, 3), "ratio": round(ma / mb, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["mockllm", "embedded"])
    parser.add_argument("--mock-samples", type=int, default=200)
    parser.add_argument("--embedded-samples", type=int, default=40)
    args = parser.parse_args()
    print(f"# {' '.join(sys.argv)}  (rounds={args.rounds})")
    print(f"{'model':<10} {'samples':>7} {'redline s':>10} {'inspect s':>10} {'ratio':>6}")
    if args.only in (None, "mockllm"):
        r = bench_mockllm(args.rounds, args.mock_samples)
        print(f"{'mockllm':<10} {args.mock_samples:>7} {r['redline_s']:>10} "
              f"{r['inspect_s']:>10} {r['ratio']:>6}")  # fmt: skip
    if args.only in (None, "embedded"):
        r = bench_embedded(args.rounds, args.embedded_samples)
        print(f"{'gguf':<10} {args.embedded_samples:>7} {r['redline_s']:>10} "
              f"{r['inspect_s']:>10} {r['ratio']:>6}")  # fmt: skip


if __name__ == "__main__":
    main()
