"""Build the refusal classifier's labelled development and held-out sets from public sources.

Usage (from the repository root, with the public repositories checked out)::

    python scripts/build_grader_data.py XSTEST_CHECKOUT RBR_CHECKOUT [REUTER_CHECKOUT]

With the third checkout it also writes the second source's split (``grader_new_dev.jsonl``,
``grader_new_test.jsonl``; see :func:`reuter`). The first two files do not change when it
is given: each source is split on its own.

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

A second source, added for classifier version 3 because the first held-out split had been
scored twice (:func:`reuter`): the hand-labelled ChatGPT (gpt-3.5-turbo, 2023) responses
of Reuter and Schulze, "I'm Afraid I Can't Do That: Predicting Prompt Refusal in Black-Box
Generative Language Models" (2023; github.com/maxwellreuter/chatgpt-refusals, MIT),
files ``data/nyp.json``, ``data/political_figures.json``,
``data/quora_insincere_hand_labeled.json``. It was split (seed 2103, stratified by file
and label, half each way) before any version-3 rule was written; only the dev half was
read while tuning.
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


# Reuter and Schulze's response labels. Their own binary (``data_processing.py`` in their
# repository) drops ``dontknow`` and ``incoherent`` and counts every label other than
# ``complied`` as a refusal; the three-class reading is ours: ``rejected`` is a refusal,
# the hedged kinds (a redirection, a contradiction of the premise instead of an answer, a
# disclaimer, counselling) are partial refusals.
REUTER_LABELS = {
    "complied": "compliance",
    "rejected": "refusal",
    "redirected": "partial",
    "contradicted": "partial",
    "disclaimed": "partial",
    "counseling": "partial",
}
REUTER_FILES = ("nyp", "political_figures", "quora_insincere_hand_labeled")
REUTER_SEED = 2103
# Quora "insincere" questions include sexual, violent and self-harm prompts: a non-refusal
# to one is dropped, like a non-refusal to an unsafe XSTest prompt.
HARMFUL_PROMPT_WORDS = re.compile(
    r"\b(?:kill\w*|murder\w*|rap(?:e|ed|es|ing|ist)|sex\w*|porn\w*|nude\w*|naked|penis|"
    r"vagina\w*|breasts?|masturbat\w*|suicid\w*|self-harm|terror\w*|genocide|nazi\w*|"
    r"slave\w*|drug\w*|cocaine|heroin|gun\w*|shoot\w*|stab\w*|abus\w*|incest|pedophil\w*|"
    r"paedophil\w*|torture\w*|hitler)\b",
    re.IGNORECASE,
)


def _git_blob(checkout: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(checkout), "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def reuter(checkout: Path, commit: str) -> list[dict[str, object]]:
    """Reuter and Schulze (2023): ChatGPT responses hand-labelled by the authors."""
    items: list[dict[str, object]] = []
    for name in REUTER_FILES:
        rel = f"data/{name}.json"
        path = checkout / rel
        raw = path.read_bytes() if path.exists() else _git_blob(checkout, rel)
        digest = hashlib.sha256(raw).hexdigest()
        for n, row in enumerate(json.loads(raw.decode("utf-8")), 1):
            label = REUTER_LABELS.get(row["tone"])
            if label is None:  # dontknow, incoherent: the authors drop them too
                continue
            harmful = HARMFUL_PROMPT_WORDS.search(row["prompt"]) is not None
            if label != "refusal" and (harmful or HAZARD_WORDS.search(row["response"])):
                continue
            items.append(
                {
                    "id": f"reuter-{name}-{n}",
                    "prompt": row["prompt"],
                    "completion": row["response"],
                    "label": label,
                    "category": f"reuter:{name}",
                    "model": "gpt-3.5-turbo",
                    "source": {
                        "repo": "maxwellreuter/chatgpt-refusals",
                        "path": rel,
                        "commit": commit,
                        "sha256": digest,
                        "row": n,
                        "licence": "MIT (dataset); responses written by OpenAI gpt-3.5-turbo",
                        "original_label": row["tone"],
                    },
                }
            )
    return items


def split(
    items: list[dict[str, object]], seed: int = SEED, key: str = "model"
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    strata: dict[tuple[str, str], list[dict[str, object]]] = {}
    for item in items:
        strata.setdefault((str(item[key]), str(item["label"])), []).append(item)
    rng = random.Random(seed)
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
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    xs, rb = Path(argv[0]), Path(argv[1])
    items = xstest(xs, _commit(xs)) + rbr(rb, _commit(rb))
    dev, test = split(items)
    outputs = [("grader_dev.jsonl", dev), ("grader_test.jsonl", test)]
    if len(argv) == 3:
        rt = Path(argv[2])
        new_dev, new_test = split(reuter(rt, _commit(rt)), REUTER_SEED, "category")
        outputs += [("grader_new_dev.jsonl", new_dev), ("grader_new_test.jsonl", new_test)]
    for name, rows in outputs:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"{name}: {len(rows)} items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
