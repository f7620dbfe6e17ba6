"""Grader validation: how well a refusal grader agrees with people, as a record.

``redline grader validate --labels FILE`` reads human-labelled completions (JSONL with
``prompt``, ``completion``, ``label`` and optionally ``category`` and ``id``; or the CSV that
``redline sample-for-labelling`` writes, with ``human_label`` filled in), grades every
completion with the configured grader (the heuristic
:func:`redline.suites.refusal.classify_refusal`, or a judge model with the project's
three-class prompt :data:`redline.suites.scorers.GRADER_TEMPLATE`), and writes a
:class:`ValidationRecord`: the grader's identity and version, the label file's sha256,
accuracy, Cohen's kappa, sensitivity, specificity and precision with confidence intervals
(refusal and partial refusal count as refused, as in a refusal rate), the three-class
confusion matrix, the worst categories and examples of each kind of error. The record's
id is the sha256 of its canonical JSON (without the id), so the assessment that relies on
it can name it and a reader can check it.

Intervals: Wilson for the proportions (:func:`redline.measure.stats.wilson_interval`);
for kappa the large-sample standard error of Cohen (1960),
``sqrt(po (1 - po) / n) / (1 - pe)``, with a normal interval clipped to [-1, 1].
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import norm

from redline.measure import stats

__all__ = [
    "Figure",
    "GraderError",
    "LabelledItem",
    "ValidationRecord",
    "grade_with_heuristic",
    "grade_with_judge",
    "load_labels",
    "load_validation",
    "validate",
]

LABELS = ("refusal", "partial", "compliance")
_SYNONYMS = {
    "refusal": "refusal",
    "refused": "refusal",
    "full_refusal": "refusal",
    "2_full_refusal": "refusal",
    "partial": "partial",
    "partial_refusal": "partial",
    "3_partial_refusal": "partial",
    "compliance": "compliance",
    "complied": "compliance",
    "full_compliance": "compliance",
    "1_full_compliance": "compliance",
}


class GraderError(Exception):
    """A problem with a label file or a validation record the user can fix (one line)."""


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelledItem(_Doc):
    id: str
    prompt: str
    completion: str
    label: Literal["refusal", "partial", "compliance"]
    category: str | None = None
    evaluation: str | None = None


class Figure(_Doc):
    estimate: float
    lower: float
    upper: float
    n: int
    method: str


class ErrorExample(_Doc):
    id: str
    category: str | None
    human: str
    grader: str
    rule: str | None
    prompt: str
    completion: str


class CategoryFigure(_Doc):
    category: str
    n: int
    accuracy: float
    false_refusals: int
    missed_refusals: int


class ValidationRecord(_Doc):
    schema_version: Literal[1] = 1
    record_id: str = Field(description="sha256 of the canonical JSON of the other fields.")
    created: str
    grader: dict[str, str] = Field(description="kind (heuristic or judge), id, version.")
    labels_file: str
    labels_sha256: str
    n: int
    confidence: float
    positive_class: str = "refused (refusal or partial)"
    accuracy: Figure
    kappa: Figure
    sensitivity: Figure
    specificity: Figure
    precision: Figure
    three_class_accuracy: float
    three_class_kappa: float
    confusion: dict[str, dict[str, int]] = Field(description="human label -> grader label.")
    unparseable: int = Field(default=0, description="Judge replies that named no class.")
    worst_categories: list[CategoryFigure]
    examples: dict[str, list[ErrorExample]]

    @property
    def counts(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """((true positives, human positives), (true negatives, human negatives))."""
        return (
            (round(self.sensitivity.estimate * self.sensitivity.n), self.sensitivity.n),
            (round(self.specificity.estimate * self.specificity.n), self.specificity.n),
        )


# ------------------------------------------------------------------------------ labels


def _label(value: object, where: str) -> str:
    key = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if key not in _SYNONYMS:
        raise GraderError(
            f"{where}: field 'label': {value!r} is not one of refusal, partial, compliance"
        )
    return _SYNONYMS[key]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_labels(path: Path) -> list[LabelledItem]:
    """Read a JSONL or CSV label file; errors name the file, line and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GraderError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraderError(f"{path}: cannot read: {exc}") from None
    items: list[LabelledItem] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        field = "human_label" if "human_label" in (reader.fieldnames or []) else "label"
        for n, row in enumerate(reader, start=2):
            where = f"{path}:{n}"
            value = (row.get(field) or "").strip()
            if not value:
                continue  # not labelled (yet)
            for key in ("prompt", "completion"):
                if row.get(key) is None:
                    raise GraderError(f"{where}: field {key!r}: missing")
            items.append(
                LabelledItem(
                    id=row.get("sample_id") or row.get("id") or str(n - 1),
                    prompt=row["prompt"],
                    completion=row["completion"],
                    label=_label(value, where),
                    category=row.get("category") or None,
                    evaluation=row.get("evaluation") or None,
                )
            )
    else:
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GraderError(f"{where}: invalid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise GraderError(f"{where}: expected a JSON object")
            for key in ("prompt", "completion", "label"):
                if not isinstance(row.get(key), str):
                    raise GraderError(f"{where}: field {key!r}: missing or not a string")
            items.append(
                LabelledItem(
                    id=str(row.get("id", n)),
                    prompt=row["prompt"],
                    completion=row["completion"],
                    label=_label(row["label"], where),
                    category=str(row["category"]) if row.get("category") else None,
                    evaluation=str(row["evaluation"]) if row.get("evaluation") else None,
                )
            )
    if not items:
        raise GraderError(f"{path}: no labelled items")
    return items


def load_validation(path: Path) -> tuple[ValidationRecord, str]:
    """Read a validation record and check its id; returns (record, file sha256)."""
    from pydantic import ValidationError

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GraderError(f"{path}: no such file") from None
    try:
        record = ValidationRecord.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "document"
        raise GraderError(
            f"{path}: not a grader validation record ({where}: {first['msg']})"
        ) from None
    if _record_id(record.model_dump(mode="json")) != record.record_id:
        raise GraderError(f"{path}: record_id does not match the record's content (edited?)")
    return record, hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------ grading

Grade = tuple[str, str | None]
"""A grader's class and the rule (heuristic) or raw reply (judge) behind it."""


def grade_with_heuristic(items: Sequence[LabelledItem]) -> list[Grade]:
    from redline.suites.refusal import classify_refusal

    out: list[Grade] = []
    for item in items:
        verdict = classify_refusal(item.completion, prompt=item.prompt)
        out.append((verdict.label, verdict.rule))
    return out


def grade_with_judge(
    items: Sequence[LabelledItem], model: Any, max_connections: int = 8
) -> list[Grade]:
    """Grade with a judge model and the project's three-class prompt (temperature 0).

    A reply that names no class is graded ``unparseable`` (counted in the record, and
    scored as the heuristic would score it, as :func:`refusal_scorer` does).
    """
    from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model

    from redline.suites.refusal import classify_refusal
    from redline.suites.scorers import GRADER_TEMPLATE, parse_grader_label

    judge = model if not isinstance(model, str) else get_model(model)
    gate = asyncio.Semaphore(max_connections)

    async def one(item: LabelledItem) -> Grade:
        prompt = GRADER_TEMPLATE.format(prompt=item.prompt, response=item.completion)
        async with gate:
            result = await judge.generate(
                [ChatMessageUser(content=prompt)],
                config=GenerateConfig(temperature=0.0, max_tokens=8),
            )
        parsed = parse_grader_label(result.completion)
        if parsed is None:
            return classify_refusal(item.completion, prompt=item.prompt).label, "unparseable"
        return parsed, result.completion[:40]

    async def run() -> list[Grade]:
        return list(await asyncio.gather(*(one(i) for i in items)))

    return asyncio.run(run())


# ------------------------------------------------------------------------------ figures


def _proportion(k: int, n: int, confidence: float) -> Figure:
    if n == 0:
        return Figure(estimate=0.0, lower=0.0, upper=1.0, n=0, method="wilson (no items)")
    lo, hi = stats.wilson_interval(k, n, confidence)
    return Figure(estimate=k / n, lower=lo, upper=hi, n=n, method="wilson")


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> tuple[float, float, float]:
    """Cohen's kappa of (human, grader) pairs: (kappa, observed, chance agreement)."""
    n = len(pairs)
    observed = sum(h == g for h, g in pairs) / n
    humans = Counter(h for h, _ in pairs)
    graders = Counter(g for _, g in pairs)
    chance = sum(humans[c] * graders[c] for c in set(humans) | set(graders)) / (n * n)
    if chance >= 1.0:
        return (1.0 if observed == 1.0 else 0.0), observed, chance
    return (observed - chance) / (1.0 - chance), observed, chance


def _kappa_figure(pairs: Sequence[tuple[str, str]], confidence: float) -> Figure:
    kappa, po, pe = cohen_kappa(pairs)
    n = len(pairs)
    se = math.sqrt(po * (1.0 - po) / n) / (1.0 - pe) if pe < 1.0 else 0.0
    z = float(norm.ppf(0.5 + confidence / 2.0))
    return Figure(
        estimate=kappa,
        lower=max(-1.0, kappa - z * se),
        upper=min(1.0, kappa + z * se),
        n=n,
        method="normal, Cohen (1960) standard error",
    )


def _record_id(data: dict[str, Any]) -> str:
    """sha256 of the RFC 8785 canonical JSON of the record without its id."""
    import rfc8785

    body = {k: v for k, v in data.items() if k != "record_id"}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def validate(
    items: Sequence[LabelledItem],
    grades: Sequence[Grade],
    grader: dict[str, str],
    labels_file: Path,
    confidence: float = 0.95,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> ValidationRecord:
    """Agreement of ``grades`` with the human labels of ``items``, as a record."""
    if len(items) != len(grades):
        raise ValueError("one grade per item")
    refused = [
        (i.label != "compliance", g[0] != "compliance") for i, g in zip(items, grades, strict=True)
    ]
    tp = sum(h and g for h, g in refused)
    tn = sum(not h and not g for h, g in refused)
    fp = sum(not h and g for h, g in refused)
    pos = sum(h for h, _ in refused)
    neg = len(refused) - pos
    if pos == 0 or neg == 0:
        raise GraderError(
            f"{labels_file}: the labels need both refused and complied items (found {pos} "
            f"refused, {neg} complied): sensitivity or specificity is undefined otherwise"
        )
    binary = [("r" if h else "c", "r" if g else "c") for h, g in refused]
    three = [(i.label, g[0]) for i, g in zip(items, grades, strict=True)]
    confusion = {h: {g: 0 for g in LABELS} for h in LABELS}
    for h, g in three:
        confusion[h][g] += 1
    by_cat: dict[str, list[tuple[bool, bool]]] = {}
    for item, pair in zip(items, refused, strict=True):
        by_cat.setdefault(item.category or "(none)", []).append(pair)
    cats = [
        CategoryFigure(
            category=c,
            n=len(v),
            accuracy=sum(h == g for h, g in v) / len(v),
            false_refusals=sum(g and not h for h, g in v),
            missed_refusals=sum(h and not g for h, g in v),
        )
        for c, v in by_cat.items()
    ]
    worst = sorted(cats, key=lambda c: (c.accuracy, -c.n, c.category))[:5]
    examples: dict[str, list[ErrorExample]] = {"false_refusal": [], "missed_refusal": []}
    for item, grade, (was_refused, graded_refused) in zip(items, grades, refused, strict=True):
        hb, gb = was_refused, graded_refused
        kind = "false_refusal" if gb and not hb else "missed_refusal" if hb and not gb else None
        if kind is None or len(examples[kind]) >= 3:
            continue
        examples[kind].append(
            ErrorExample(
                id=item.id,
                category=item.category,
                human=item.label,
                grader=grade[0],
                rule=grade[1],
                prompt=item.prompt[:300],
                completion=item.completion[:500],
            )
        )
    kappa3, po3, _ = cohen_kappa(three)
    body: dict[str, Any] = {
        "schema_version": 1,
        "created": now().isoformat(timespec="seconds"),
        "grader": dict(grader),
        "labels_file": labels_file.name,
        "labels_sha256": sha256_file(labels_file),
        "n": len(items),
        "confidence": confidence,
        "positive_class": "refused (refusal or partial)",
        "accuracy": _proportion(tp + tn, len(refused), confidence).model_dump(),
        "kappa": _kappa_figure(binary, confidence).model_dump(),
        "sensitivity": _proportion(tp, pos, confidence).model_dump(),
        "specificity": _proportion(tn, neg, confidence).model_dump(),
        "precision": _proportion(tp, tp + fp, confidence).model_dump(),
        "three_class_accuracy": po3,
        "three_class_kappa": kappa3,
        "confusion": confusion,
        "unparseable": sum(1 for g in grades if g[1] == "unparseable"),
        "worst_categories": [c.model_dump() for c in worst],
        "examples": {k: [e.model_dump() for e in v] for k, v in examples.items()},
    }
    return ValidationRecord.model_validate({**body, "record_id": _record_id(body)})
