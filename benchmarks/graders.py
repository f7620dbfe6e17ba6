"""Refusal graders: classifier throughput and agreement, and coverage of corrected intervals.

Three measurements, side by side in one run:

1. throughput of the default classifier (:func:`redline.suites.refusal.classify_refusal`)
   and of the earlier versions it replaced (rebuilt from git, when the repository history
   is there), in completions per second over the labelled dev splits;
2. agreement with the human labels (Cohen's kappa, precision, recall; refusal and partial
   refusal count as refused) on the dev splits the rules were written on (``grader_dev``
   and ``grader_new_dev``), on the first held-out split (``grader_test``) and on the
   second source's held-out split (``grader_new_test``). The classifier is frozen: running
   this prints the figures in ``docs/graders.md`` again, it does not tune anything;
3. coverage of the 90% intervals over simulated runs with a grader of known sensitivity
   and specificity: raw Wilson on the grader's labels, prediction-powered inference with a
   human-labelled subset, and Rogan-Gladen with a separate validation set.

    python benchmarks/graders.py                 # --repeats 2000 by default
    python benchmarks/graders.py --repeats 300   # the size the test uses

Seeded: the same arguments print the same agreement and coverage figures.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from redline.measure.correction import (  # noqa: E402
    ppi_interval,
    raw_interval,
    rogan_gladen_interval,
)
from redline.suites.refusal import classify_refusal  # noqa: E402

DATA = ROOT / "src" / "redline" / "suites" / "data"
OLD_COMMIT = "77ebc68"  # the last commit with the v1 phrase heuristic in suites/scorers.py
V2_COMMIT = "9ed2544"  # the last commit with classifier v2 in suites/refusal.py
V3_COMMIT = "5f432e0"  # the last commit with classifier v3 in suites/refusal.py
Refused = Callable[[dict[str, str]], bool]


def _rows(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def _from_git(commit: str, path: str, name: str) -> types.ModuleType | None:
    try:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:{path}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(text, f"{name}.py", "exec"), module.__dict__)
    return module


def _agreement(rows: list[dict[str, str]], refused: Refused) -> dict[str, float]:
    tp = fp = fn = tn = 0
    for r in rows:
        h = r["label"] != "compliance"
        g = refused(r)
        tp += h and g
        fp += g and not h
        fn += h and not g
        tn += not h and not g
    n = tp + fp + fn + tn
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return {
        "kappa": (po - pe) / (1 - pe),
        "precision": tp / (tp + fp) if tp + fp else math.nan,
        "recall": tp / (tp + fn),
        "n": n,
    }


def _throughput(rows: list[dict[str, str]], refused: Refused) -> float:
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for r in rows:
            refused(r)
        best = min(best, time.perf_counter() - start)
    return len(rows) / best


def _coverage(repeats: int, seed: int) -> dict[str, float]:
    rate, sens, spec, run, human, validation, conf = 0.80, 0.85, 0.95, 600, 120, 300, 0.90
    rng = np.random.default_rng(seed)
    hits = {"raw": 0, "ppi": 0, "rogan-gladen": 0}
    width = {"raw": 0.0, "ppi": 0.0, "rogan-gladen": 0.0}
    for _ in range(repeats):
        truth = rng.random(run) < rate
        u = rng.random(run)
        graded = np.where(truth, u < sens, u >= spec)
        mask = np.zeros(run, dtype=bool)
        mask[rng.choice(run, human, replace=False)] = True
        target = float(truth.mean())
        _, lo, hi = raw_interval(list(graded), conf)
        p = ppi_interval(list(truth[mask]), list(graded[mask]), list(graded[~mask]), conf)
        tp = int((rng.random(validation) < sens).sum())
        tn = int((rng.random(validation) < spec).sum())
        g = rogan_gladen_interval(list(graded), (tp, validation), (tn, validation), conf)
        for name, (a, b) in {"raw": (lo, hi), "ppi": (p.lower, p.upper),
                             "rogan-gladen": (g.lower, g.upper)}.items():  # fmt: skip
            hits[name] += a <= target <= b
            width[name] += b - a
    return {
        **{f"{k} coverage": v / repeats for k, v in hits.items()},
        **{f"{k} mean width": v / repeats for k, v in width.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    print("$ python benchmarks/graders.py " + shlex.join(sys.argv[1:]))
    splits = {
        "dev": _rows("grader_dev.jsonl") + _rows("grader_new_dev.jsonl"),
        "held-out": _rows("grader_test.jsonl"),
        "new held-out": _rows("grader_new_test.jsonl"),
    }
    graders: dict[str, Refused] = {
        "v4 (current)": lambda r: classify_refusal(r["completion"], prompt=r["prompt"]).refused
    }
    v3 = _from_git(V3_COMMIT, "src/redline/suites/refusal.py", "refusal_v3")
    if v3 is not None:
        graders["v3"] = lambda r: bool(
            v3.classify_refusal(r["completion"], prompt=r["prompt"]).refused
        )
    v2 = _from_git(V2_COMMIT, "src/redline/suites/refusal.py", "refusal_v2")
    if v2 is not None:
        graders["v2 three-class heuristic"] = lambda r: bool(
            v2.classify_refusal(r["completion"]).refused
        )
    v1 = _from_git(OLD_COMMIT, "src/redline/suites/scorers.py", "old_scorers")
    if v1 is not None:
        graders["v1 phrase heuristic"] = lambda r: bool(
            v1.classify_refusal(r["completion"]).refused
        )
    print(
        "\n| grader | completions/s | "
        + " | ".join(f"{s} kappa | {s} precision | {s} recall" for s in splits)
        + " |"
    )
    print("|---|---|" + "---|---|---|" * len(splits))
    for name, fn in graders.items():
        cells = []
        for rows in splits.values():
            a = _agreement(rows, fn)
            cells.append(f"{a['kappa']:.3f} | {a['precision']:.3f} | {a['recall']:.3f}")
        print(f"| {name} | {_throughput(splits['dev'], fn):,.0f} | " + " | ".join(cells) + " |")
    print("\n(" + ", ".join(f"{k} n={len(v)}" for k, v in splits.items()) + ")")
    start = time.perf_counter()
    cov = _coverage(args.repeats, args.seed)
    print(f"\nCoverage of 90% intervals over {args.repeats} simulated runs "
          f"({time.perf_counter() - start:.1f} s):")  # fmt: skip
    for k, v in cov.items():
        print(f"  {k:<26} {v:.3f}")
    mc = 3 * math.sqrt(0.9 * 0.1 / args.repeats)
    print(f"  (3 Monte Carlo standard errors at 0.90: {mc:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
