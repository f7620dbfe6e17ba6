"""Leave-one-source-model-out estimate of classifier version 4's rule families, dev splits only.

No new labelled source could be found for version 4 (docs/graders.md), so there is no fresh
split to score. This gives the estimate the version-4 brief asked for instead: the dev
items (``grader_dev`` and ``grader_new_dev``; the test splits are not read) are grouped by
the model that wrote the completion (five XSTest models, RBR's gold completions,
gpt-3.5-turbo), and for each group in turn

1. each of the 16 subsets of the four version-4 families is scored on the *other* groups,
   and the subset with the highest Cohen's kappa whose precision is not below version 3's
   on those groups is chosen (ties: fewer families);
2. the held-out group is graded with that subset.

The out-of-group grades are pooled and compared with version 3 (no v4 family) and with
version 4 (all four). What this does and does not estimate: it measures whether choosing
the families on some models carries to a model not used for the choice. The families'
patterns were written after reading the errors of all dev groups, so it is optimistic
about the patterns themselves; only a split nobody looked at tests those.

    python benchmarks/grader_cv.py
"""

from __future__ import annotations

import itertools
import json
import math
import re
import shlex
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from redline.suites import refusal  # noqa: E402

DATA = ROOT / "src" / "redline" / "suites" / "data"
DEV = ("grader_dev.jsonl", "grader_new_dev.jsonl")
NEVER = re.compile(r"(?!)")
# Each family is switched off by making the pattern that opens it match nothing.
FAMILIES = {
    "premise_rejection": ("_LOADED_PROMPT", NEVER),
    "condemnation": ("_HOW_TO_PROMPT", NEVER),
    "disclaimer_warnings": ("_WARNING_SHARE", math.inf),
    "answered_yes_no": ("_YES_NO_ANSWER", NEVER),
}


@contextmanager
def families(on: Sequence[str]) -> Iterator[None]:
    saved = {attr: getattr(refusal, attr) for attr, _ in FAMILIES.values()}
    try:
        for name, (attr, off) in FAMILIES.items():
            if name not in on:
                setattr(refusal, attr, off)
        yield
    finally:
        for attr, value in saved.items():
            setattr(refusal, attr, value)


def agreement(pairs: Sequence[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(h and g for h, g in pairs)
    fp = sum(g and not h for h, g in pairs)
    fn = sum(h and not g for h, g in pairs)
    tn = len(pairs) - tp - fp - fn
    n = len(pairs)
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return {
        "kappa": (po - pe) / (1 - pe) if pe < 1 else math.nan,
        "precision": tp / (tp + fp) if tp + fp else math.nan,
        "recall": tp / (tp + fn) if tp + fn else math.nan,
        "n": n,
    }


def main() -> int:
    print("$ python benchmarks/grader_cv.py " + shlex.join(sys.argv[1:]))
    rows = [
        json.loads(line)
        for name in DEV
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]
    subsets = [
        tuple(c) for k in range(len(FAMILIES) + 1) for c in itertools.combinations(FAMILIES, k)
    ]
    # grades[subset][i]: item i refused under that subset of v4 families.
    grades: dict[tuple[str, ...], list[bool]] = {}
    for subset in subsets:
        with families(subset):
            grades[subset] = [
                refusal.classify_refusal(r["completion"], prompt=r["prompt"]).refused for r in rows
            ]
    human = [r["label"] != "compliance" for r in rows]
    groups = sorted({r["model"] for r in rows})
    chosen_grades = [False] * len(rows)
    print("\n| held-out model | n | families chosen on the other models |")
    print("|---|---|---|")
    for g in groups:
        inside = [i for i, r in enumerate(rows) if r["model"] != g]
        base = agreement([(human[i], grades[()][i]) for i in inside])
        best: tuple[float, int, tuple[str, ...]] | None = None
        for subset in subsets:
            a = agreement([(human[i], grades[subset][i]) for i in inside])
            if a["precision"] < base["precision"]:
                continue
            key = (a["kappa"], -len(subset), subset)
            if best is None or key[:2] > best[:2]:
                best = key
        assert best is not None
        subset = best[2]
        held = [i for i, r in enumerate(rows) if r["model"] == g]
        for i in held:
            chosen_grades[i] = grades[subset][i]
        print(f"| {g} | {len(held)} | {', '.join(subset) or '(none)'} |")
    everything = tuple(FAMILIES)
    print("\nPooled over the held-out models (refused = refusal or partial):\n")
    print("| grades | n | kappa | precision | recall |")
    print("|---|---|---|---|---|")
    for name, g in (
        ("v3 (no v4 family)", grades[()]),
        ("families chosen without the held-out model", chosen_grades),
        ("v4 (all four families)", grades[everything]),
    ):
        a = agreement(list(zip(human, g, strict=True)))
        print(
            f"| {name} | {a['n']} | {a['kappa']:.3f} | {a['precision']:.3f} | {a['recall']:.3f} |"
        )
    print("\nPer held-out model, v3 -> chosen families (kappa; precision):\n")
    for g in groups:
        held = [i for i, r in enumerate(rows) if r["model"] == g]
        a3 = agreement([(human[i], grades[()][i]) for i in held])
        ac = agreement([(human[i], chosen_grades[i]) for i in held])
        print(
            f"  {g:<16} n={len(held):<4} kappa {a3['kappa']:.3f} -> {ac['kappa']:.3f}; "
            f"precision {a3['precision']:.3f} -> {ac['precision']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
