"""The bundled Inspect tasks: four knowledge proxies and two refusal suites.

Registered through the ``inspect_ai`` entry point (``redline._registry``), so that once
redline is installed ``inspect eval redline/bio_proxy --model gguf/smollm2`` works.

Multiple-choice proxies (``bio_proxy``, ``chem_proxy``, ``cyber_proxy``, ``mlre_proxy``):
textbook-level questions that stand in for the real dangerous-capability benchmarks (which
users fetch themselves, e.g. ``inspect_evals/wmdp_bio``). Metric: ``accuracy`` of 1.0/0.0
scores. Args: ``fewshot`` examples, ``cot`` (chain of thought), ``data_file`` (another JSONL of
the same format).

Few-shot examples come from *other clusters* of the same file. For each scored item the
candidates are all items whose ``cluster`` differs from the item's; they are ordered by
``sha256(item_id + "|" + candidate_id)`` and the first ``fewshot`` are used. So the selection
is fixed (reproducible across runs and machines) yet varies between items; no item is ever
its own example, nor is any item that shares its cluster (and so possibly its context or
answer); and the scored pool is the whole file whatever ``fewshot`` is, so results at
different ``fewshot`` settings cover the same items. If fewer other-cluster items exist than
asked for, all of them are used.

Refusal suites (``harmful_requests``, ``benign_lookalikes``): mild requests a deployed
assistant should decline, and benign requests that look like them. Metric: ``refusal_rate``
(high is good on the first, low is good on the second). Args: ``mitigation`` (``"none"`` or
``"io_filter"``, the demo filter), ``grader`` (see :func:`~redline.suites.scorers.refusal_scorer`),
``max_tokens`` (a refusal shows in the first sentences, so long answers only cost time),
``data_file``. They generate at ``temperature=0, seed=0`` by default, so a run is
reproducible; ``--temperature`` / ``--seed`` on the command line override that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, TypeVar

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessage, ChatMessageUser, GenerateConfig
from inspect_ai.solver import Solver, generate
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from redline.suites.filter import io_filter
from redline.suites.scorers import answer_letters, mc_scorer, refusal_scorer
from redline.suites.solvers import mc_answer, mc_fewshot_messages

__all__ = [
    "DATA_DIR",
    "MC_SUITES",
    "MITIGATIONS",
    "REFUSAL_SUITES",
    "McItem",
    "RefusalProbe",
    "SuiteDataError",
    "benign_lookalikes",
    "bio_proxy",
    "chem_proxy",
    "cyber_proxy",
    "harmful_requests",
    "load_mc_items",
    "load_refusal_probes",
    "mc_samples",
    "mlre_proxy",
    "refusal_samples",
    "select_fewshot",
]

DATA_DIR = Path(__file__).parent / "data"
"""Where the bundled JSONL files live (installed as package data)."""

MC_SUITES = ("bio_proxy", "chem_proxy", "cyber_proxy", "mlre_proxy")
REFUSAL_SUITES = ("harmful_requests", "benign_lookalikes")
MITIGATIONS = ("none", "io_filter")

SUITE_VERSION = 2
"""Bumped when prompts, scoring or few-shot selection change, so logs stay comparable.

2: the refusal suites generate at ``temperature=0, seed=0`` by default, and the ``io_filter``
rules were rewritten on a separate development set (``data/filter_dev.jsonl``)."""


class SuiteDataError(ValueError):
    """A bundled or user-supplied suite file is malformed; the message names file and line."""


class McItem(BaseModel):
    """One multiple-choice proxy question."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    cluster: str = Field(min_length=1)
    question: str = Field(min_length=1)
    choices: list[str] = Field(min_length=2, max_length=26)
    answer: str

    @field_validator("answer")
    @classmethod
    def _answer_is_letter(cls, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 1 or not value.isalpha():
            raise ValueError("answer must be a single letter such as 'C'")
        return value

    @model_validator(mode="after")
    def _answer_in_range(self) -> McItem:
        if self.answer not in answer_letters(len(self.choices)):
            raise ValueError(
                f"answer {self.answer!r} is not one of the {len(self.choices)} choices"
            )
        return self


class RefusalProbe(BaseModel):
    """One refusal probe: a request and whether a well-behaved assistant should refuse it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    cluster: str = Field(min_length=1)
    category: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    expected: Literal["refuse", "comply"]


_Record = TypeVar("_Record", bound=BaseModel)


def _load_jsonl(path: Path, record: type[_Record]) -> list[_Record]:
    """Read and validate a JSONL file; errors name the file, line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as ex:
        raise SuiteDataError(f"{path}: suite data file not found") from ex
    except OSError as ex:
        raise SuiteDataError(f"{path}: cannot read suite data file: {ex}") from ex
    items: list[_Record] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as ex:
            raise SuiteDataError(f"{path}:{number}: invalid JSON: {ex.msg}") from ex
        try:
            item = record.model_validate(raw)
        except ValidationError as ex:
            first = ex.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "record"
            raise SuiteDataError(f"{path}:{number}: field {where}: {first['msg']}") from ex
        item_id = str(getattr(item, "id", ""))
        if item_id in seen:
            raise SuiteDataError(
                f"{path}:{number}: duplicate id {item_id!r} (first on line {seen[item_id]})"
            )
        seen[item_id] = number
        items.append(item)
    if not items:
        raise SuiteDataError(f"{path}: suite data file has no records")
    return items


def load_mc_items(path: Path) -> list[McItem]:
    """Load a multiple-choice proxy file."""
    return _load_jsonl(path, McItem)


def load_refusal_probes(path: Path) -> list[RefusalProbe]:
    """Load a refusal probe file."""
    return _load_jsonl(path, RefusalProbe)


def _data_path(data_file: str | None, bundled_name: str) -> Path:
    return Path(data_file).expanduser() if data_file else DATA_DIR / bundled_name


def _fewshot_order(item_id: str, candidate_id: str) -> str:
    return hashlib.sha256(f"{item_id}|{candidate_id}".encode()).hexdigest()


def select_fewshot(item: McItem, pool: Sequence[McItem], k: int) -> list[McItem]:
    """The ``k`` few-shot examples for ``item``: other-cluster items in a fixed hashed order."""
    if k <= 0:
        return []
    candidates = [other for other in pool if other.cluster != item.cluster]
    candidates.sort(key=lambda other: _fewshot_order(item.id, other.id))
    return candidates[:k]


def mc_samples(items: Sequence[McItem], fewshot: int = 0, cot: bool = False) -> list[Sample]:
    """Inspect samples for multiple-choice items, with few-shot turns prepended."""
    samples: list[Sample] = []
    for item in items:
        examples = select_fewshot(item, items, fewshot)
        sample_input: str | list[ChatMessage]
        if examples:
            sample_input = [
                *mc_fewshot_messages(
                    [(ex.question, list(ex.choices), ex.answer) for ex in examples], cot=cot
                ),
                ChatMessageUser(content=item.question),
            ]
        else:
            sample_input = item.question
        samples.append(
            Sample(
                id=item.id,
                input=sample_input,
                choices=list(item.choices),
                target=item.answer,
                metadata={"cluster": item.cluster, "fewshot_ids": [ex.id for ex in examples]},
            )
        )
    return samples


def refusal_samples(probes: Sequence[RefusalProbe], expected: str) -> list[Sample]:
    """Inspect samples for the probes with the given ``expected`` behaviour."""
    return [
        Sample(
            id=probe.id,
            input=probe.prompt,
            target=probe.expected,
            metadata={
                "cluster": probe.cluster,
                "category": probe.category,
                "expected": probe.expected,
            },
        )
        for probe in probes
        if probe.expected == expected
    ]


def _mc_task(suite: str, fewshot: int, cot: bool, data_file: str | None) -> Task:
    if fewshot < 0:
        raise ValueError(f"fewshot must be >= 0, got {fewshot}")
    path = _data_path(data_file, f"{suite}.jsonl")
    items = load_mc_items(path)
    return Task(
        dataset=MemoryDataset(mc_samples(items, fewshot, cot), name=suite, location=str(path)),
        solver=mc_answer(cot=cot),
        scorer=mc_scorer(),
        version=SUITE_VERSION,
        metadata={
            "suite": suite,
            "kind": "multiple_choice",
            "fewshot": fewshot,
            "cot": cot,
            "fewshot_selection": "other clusters, sha256(item_id|candidate_id) order",
        },
    )


@task
def bio_proxy(fewshot: int = 0, cot: bool = False, data_file: str | None = None) -> Task:
    """Textbook biology multiple choice: a benign stand-in for a biology-risk benchmark."""
    return _mc_task("bio_proxy", fewshot, cot, data_file)


@task
def chem_proxy(fewshot: int = 0, cot: bool = False, data_file: str | None = None) -> Task:
    """Textbook chemistry multiple choice: a benign stand-in for a chemistry-risk benchmark."""
    return _mc_task("chem_proxy", fewshot, cot, data_file)


@task
def cyber_proxy(fewshot: int = 0, cot: bool = False, data_file: str | None = None) -> Task:
    """Textbook computing and security multiple choice: a stand-in for a cyber benchmark."""
    return _mc_task("cyber_proxy", fewshot, cot, data_file)


@task
def mlre_proxy(fewshot: int = 0, cot: bool = False, data_file: str | None = None) -> Task:
    """Machine-learning research-engineering multiple choice: a stand-in for AI R&D evals."""
    return _mc_task("mlre_proxy", fewshot, cot, data_file)


def _refusal_solver(mitigation: str) -> Solver:
    if mitigation == "none":
        return generate()
    if mitigation == "io_filter":
        return io_filter()
    raise ValueError(
        f"Unknown mitigation {mitigation!r}; expected one of: {', '.join(MITIGATIONS)}"
    )


def _refusal_task(
    suite: str,
    expected: str,
    mitigation: str,
    data_file: str | None,
    grader: bool | None,
    max_tokens: int,
) -> Task:
    solver = _refusal_solver(mitigation)
    path = _data_path(data_file, "refusal_probes.jsonl")
    samples = refusal_samples(load_refusal_probes(path), expected)
    if not samples:
        raise SuiteDataError(f"{path}: no probes with expected={expected!r}")
    return Task(
        dataset=MemoryDataset(samples, name=suite, location=str(path)),
        solver=solver,
        scorer=refusal_scorer(grader=grader),
        # Deterministic by default so the demo gives the same numbers every run; eval-level
        # options (``--temperature``, ``--seed``) override the task's config.
        config=GenerateConfig(max_tokens=max_tokens, temperature=0.0, seed=0),
        version=SUITE_VERSION,
        metadata={
            "suite": suite,
            "kind": "refusal",
            "expected": expected,
            "mitigation": mitigation,
        },
    )


@task
def harmful_requests(
    mitigation: str = "none",
    data_file: str | None = None,
    grader: bool | None = None,
    max_tokens: int = 128,
) -> Task:
    """Mild requests an assistant should refuse; ``refusal_rate`` should be high."""
    return _refusal_task("harmful_requests", "refuse", mitigation, data_file, grader, max_tokens)


@task
def benign_lookalikes(
    mitigation: str = "none",
    data_file: str | None = None,
    grader: bool | None = None,
    max_tokens: int = 128,
) -> Task:
    """Benign requests resembling the harmful ones; ``refusal_rate`` measures over-refusal."""
    return _refusal_task("benign_lookalikes", "comply", mitigation, data_file, grader, max_tokens)
