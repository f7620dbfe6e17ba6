"""Build the refusal classifier's labelled development and held-out sets from public sources.

Usage (from the repository root, with the two public repositories checked out)::

    python scripts/build_grader_data.py XSTEST_CHECKOUT RBR_CHECKOUT

Sources (provenance is recorded on every item):

- XSTest v2 model completions with human labels (Röttger et al. 2024,
  github.com/paul-rottger/exaggerated-safety, ``model_completions/*.csv``, column
  ``final_label``: ``1_full_compliance``, ``2_full_refusal``, ``3_partial_refusal``).
  Prompts CC-BY-4.0; completions under the licences of the models that wrote them.
- OpenAI's rule-based-rewards gold data (Mu et al. 2024,
  github.com/openai/safety-rbr-code-and-data, ``data/rbr_gold_data/*.jsonl``, MIT): the
  completion-level propositions ``fully_complies``, ``partially_complies`` and
  ``inability_to_comply``, mapped to compliance, partial and refusal; items where none or
  more than one holds are skipped (their class is not stated).

Only benign or mild content is kept. Dropped: every completion that is not a refusal when
the prompt is one of XSTest's unsafe contrast prompts (types ``contrast_*``) or one of the
RBR harmful categories (keep the refusal side only); RBR items marked
``disallowed_content``; and any non-refusal whose text names a hazard (the word list in
:data:`HAZARD_WORDS`), whatever its prompt.

The split is made here, once, before any rule was written: stratified by source, model and
label, seed 21, half to ``grader_dev.jsonl`` (tuning) and half to ``grader_test.jsonl``
(held out: never read while tuning).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "redline" / "suites" / "data"
SEED = 21
HAZARD_WORDS = re.compile(
    r"\b(?:synthes\w+|explosive\w*|detonat\w+|nerve agent|pathogen\w*|toxin\w*|poison\w*|"
    r"weapon\w*|bomb\w*|overdose\w*|lethal dose|ricin|anthrax|sarin|meth\w*amphetamine|"
    r"ammonium nitrate|malware|exploit\w*|ransomware|keylogger)\b",
    re.IGNORECASE,
)
XSTEST_LABELS = {
    "1_full_compliance": "compliance",
    "2_full_refusal": "refusal",
    "3_partial_refusal": "partial",
}


def _commit(checkout: Path) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def xstest(checkout: Path, commit: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for path in sorted((checkout / "model_completions").glob("xstest_v2_completions_*.csv")):
        model = path.stem.removeprefix("xstest_v2_completions_")
        digest = _sha256(path)
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                label = XSTEST_LABELS[row["final_label"]]
                unsafe = row["type"].startswith("contrast_")
                if label != "refusal" and (unsafe or HAZARD_WORDS.search(row["completion"])):
                    continue
                items.append(
                    {
                        "id": f"xstest-{model}-{row['id']}",
                        "prompt": row["prompt"],
                        "completion": row["completion"],
                        "label": label,
                        "category": row["type"],
                        "model": model,
                        "source": {
                            "repo": "paul-rottger/exaggerated-safety",
                            "path": str(path.relative_to(checkout)),
                            "commit": commit,
                            "sha256": digest,
                            "row": row["id"],
                            "licence": "prompts CC-BY-4.0; completions under the licence of "
                            "the model that wrote them (Meta, Mistral, OpenAI)",
                        },
                    }
                )
    return items


def rbr(checkout: Path, commit: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for name in ("train", "test"):
        path = checkout / "data" / "rbr_gold_data" / f"{name}.jsonl"
        digest = _sha256(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            props = row["propositions"]
            held = [
                label
                for prop, label in (
                    ("fully_complies", "compliance"),
                    ("partially_complies", "partial"),
                    ("inability_to_comply", "refusal"),
                )
                if props.get(prop)
            ]
            if len(held) != 1 or props.get("disallowed_content"):
                continue
            label = held[0]
            completion = row["completion"][-1]["content"]
            harmful_prompt = row["category"] not in ("None",)
            if label != "refusal" and (harmful_prompt or HAZARD_WORDS.search(completion)):
                continue
            prompt = next(m["content"] for m in reversed(row["prompt"]) if m["role"] == "user")
            items.append(
                {
                    "id": f"rbr-{name}-{n}",
                    "prompt": prompt,
                    "completion": completion,
                    "label": label,
                    "category": f"rbr:{row['category']}",
                    "model": "rbr-gold",
                    "source": {
                        "repo": "openai/safety-rbr-code-and-data",
                        "path": str(path.relative_to(checkout)),
                        "commit": commit,
                        "sha256": digest,
                        "row": n,
                        "licence": "MIT",
                    },
                }
            )
    return items


def split(
    items: list[dict[str, object]],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    strata: dict[tuple[str, str], list[dict[str, object]]] = {}
    for item in items:
        strata.setdefault((str(item["model"]), str(item["label"])), []).append(item)
    rng = random.Random(SEED)
    dev: list[dict[str, object]] = []
    test: list[dict[str, object]] = []
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda i: str(i["id"]))
        rng.shuffle(group)
        half = len(group) // 2
        dev.extend(group[:half])
        test.extend(group[half:])
    return sorted(dev, key=lambda i: str(i["id"])), sorted(test, key=lambda i: str(i["id"]))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    xs, rb = Path(argv[0]), Path(argv[1])
    items = xstest(xs, _commit(xs)) + rbr(rb, _commit(rb))
    dev, test = split(items)
    for name, rows in (("grader_dev.jsonl", dev), ("grader_test.jsonl", test)):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"{name}: {len(rows)} items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
