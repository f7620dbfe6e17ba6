"""Conformance checks for the bundled suite data (no network, no model).

Covers the four knowledge-proxy multiple-choice sets and the paired
refusal / over-refusal probes shipped under ``src/redline/suites/data``.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

DATA_DIR = Path(__file__).parents[1] / "src/redline/suites/data"

PROXY_SETS = {
    "bio_proxy.jsonl": "bio",
    "chem_proxy.jsonl": "chem",
    "cyber_proxy.jsonl": "cyber",
    "mlre_proxy.jsonl": "mlre",
}
PROBES_FILE = "refusal_probes.jsonl"

LETTERS = ("A", "B", "C", "D")
MIN_PROXY_ITEMS = 64
MIN_CLUSTERS = 6
MIN_ITEMS_PER_CLUSTER = 3
MIN_LETTER_SHARE = 0.15
MAX_LETTER_SHARE = 0.35
MIN_PROBES_PER_EXPECTATION = 56

# A choice must not carry its own letter label ("A)", "A.", "(A)", "a:", "[A]" ...);
# the suite code adds labels itself.
LABEL_PREFIX = re.compile(r"^\s*[\(\[]?[A-Da-d][\)\]\.:]")


def _load(name: str) -> list[dict[str, Any]]:
    path = DATA_DIR / name
    assert path.is_file(), f"missing data file {path}"
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            assert line.strip(), f"{name}:{lineno}: blank line"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - failure path
                pytest.fail(f"{name}:{lineno}: invalid JSON: {exc}")
            assert isinstance(obj, dict), f"{name}:{lineno}: not a JSON object"
            rows.append(obj)
    assert rows, f"{name} is empty"
    return rows


def _check_keys(name: str, row: dict[str, Any], spec: dict[str, type]) -> None:
    missing = set(spec) - set(row)
    assert not missing, f"{name}:{row.get('id')}: missing keys {sorted(missing)}"
    for key, typ in spec.items():
        assert isinstance(row[key], typ), f"{name}:{row.get('id')}: {key!r} is not {typ.__name__}"


def _unique_ids(name: str, rows: list[dict[str, Any]]) -> None:
    counts = Counter(r["id"] for r in rows)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    assert not dupes, f"{name}: duplicate ids {dupes}"


# --------------------------------------------------------------------------- proxy sets

PROXY_SPEC: dict[str, type] = {
    "id": str,
    "cluster": str,
    "question": str,
    "choices": list,
    "answer": str,
}


@pytest.fixture(scope="module", params=sorted(PROXY_SETS))
def proxy(request: pytest.FixtureRequest) -> tuple[str, str, list[dict[str, Any]]]:
    name: str = request.param
    return name, PROXY_SETS[name], _load(name)


def test_proxy_schema(proxy: tuple[str, str, list[dict[str, Any]]]) -> None:
    name, prefix, rows = proxy
    id_re = re.compile(rf"^{prefix}-\d{{3,}}$")
    for row in rows:
        _check_keys(name, row, PROXY_SPEC)
        rid = row["id"]
        assert id_re.match(rid), f"{name}: id {rid!r} does not match {prefix}-NNN"
        assert row["cluster"].strip(), f"{name}:{rid}: empty cluster"
        assert row["question"].strip(), f"{name}:{rid}: empty question"
        assert row["answer"] in LETTERS, f"{name}:{rid}: answer {row['answer']!r} not in A-D"
        choices = row["choices"]
        assert len(choices) == 4, f"{name}:{rid}: expected 4 choices, got {len(choices)}"
        for choice in choices:
            assert isinstance(choice, str), f"{name}:{rid}: non-string choice"
            assert choice.strip(), f"{name}:{rid}: empty choice"
            assert choice == choice.strip(), f"{name}:{rid}: choice has surrounding space"
            assert not LABEL_PREFIX.match(choice), f"{name}:{rid}: labelled choice {choice!r}"
        normalized = {c.strip().casefold() for c in choices}
        assert len(normalized) == 4, f"{name}:{rid}: choices are not distinct"
    _unique_ids(name, rows)


def test_proxy_size_and_clusters(proxy: tuple[str, str, list[dict[str, Any]]]) -> None:
    name, prefix, rows = proxy
    assert len(rows) >= MIN_PROXY_ITEMS, f"{name}: only {len(rows)} items"
    clusters = Counter(r["cluster"] for r in rows)
    assert len(clusters) >= MIN_CLUSTERS, f"{name}: only {len(clusters)} clusters"
    small = {c: n for c, n in clusters.items() if n < MIN_ITEMS_PER_CLUSTER}
    assert not small, f"{name}: clusters with fewer than {MIN_ITEMS_PER_CLUSTER} items: {small}"
    for cluster in clusters:
        assert cluster.startswith(f"{prefix}-"), f"{name}: cluster {cluster!r} lacks prefix"


def test_proxy_answer_balance(proxy: tuple[str, str, list[dict[str, Any]]]) -> None:
    name, _, rows = proxy
    counts = Counter(r["answer"] for r in rows)
    total = len(rows)
    for letter in LETTERS:
        share = counts.get(letter, 0) / total
        assert MIN_LETTER_SHARE <= share <= MAX_LETTER_SHARE, (
            f"{name}: answer {letter} share {share:.2%} outside "
            f"[{MIN_LETTER_SHARE:.0%}, {MAX_LETTER_SHARE:.0%}] ({dict(counts)})"
        )


def test_proxy_questions_unique(proxy: tuple[str, str, list[dict[str, Any]]]) -> None:
    name, _, rows = proxy
    counts = Counter(r["question"].strip().casefold() for r in rows)
    dupes = [q for q, n in counts.items() if n > 1]
    assert not dupes, f"{name}: duplicate questions {dupes}"


def test_proxy_ids_unique_across_sets() -> None:
    seen: dict[str, str] = {}
    for name in PROXY_SETS:
        for row in _load(name):
            assert row["id"] not in seen, f"id {row['id']} in both {seen.get(row['id'])} and {name}"
            seen[row["id"]] = name


# --------------------------------------------------------------------------- refusal probes

PROBE_SPEC: dict[str, type] = {
    "id": str,
    "cluster": str,
    "category": str,
    "prompt": str,
    "expected": str,
}
EXPECTED_PREFIX = {"refuse": "harm", "comply": "benign"}


@pytest.fixture(scope="module")
def probes() -> list[dict[str, Any]]:
    return _load(PROBES_FILE)


def test_probes_schema(probes: list[dict[str, Any]]) -> None:
    for row in probes:
        _check_keys(PROBES_FILE, row, PROBE_SPEC)
        rid = row["id"]
        assert row["expected"] in EXPECTED_PREFIX, f"{rid}: expected={row['expected']!r}"
        prefix = EXPECTED_PREFIX[row["expected"]]
        assert re.match(rf"^{prefix}-\d{{3,}}$", rid), f"{rid}: id prefix should be {prefix}-"
        assert row["cluster"].strip(), f"{rid}: empty cluster"
        assert row["category"].strip(), f"{rid}: empty category"
        assert row["prompt"].strip(), f"{rid}: empty prompt"
    _unique_ids(PROBES_FILE, probes)
    prompts = Counter(r["prompt"].strip().casefold() for r in probes)
    dupes = [p for p, n in prompts.items() if n > 1]
    assert not dupes, f"duplicate prompts {dupes}"


def test_probes_counts(probes: list[dict[str, Any]]) -> None:
    counts = Counter(r["expected"] for r in probes)
    assert counts["refuse"] >= MIN_PROBES_PER_EXPECTATION, dict(counts)
    assert counts["comply"] >= MIN_PROBES_PER_EXPECTATION, dict(counts)


def test_probes_pairing(probes: list[dict[str, Any]]) -> None:
    by_cluster: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in probes:
        by_cluster[row["cluster"]].append(row)
    for cluster, rows in by_cluster.items():
        expected = sorted(r["expected"] for r in rows)
        assert expected == ["comply", "refuse"], f"{cluster}: {expected}"
        categories = {r["category"] for r in rows}
        assert len(categories) == 1, f"{cluster}: pair spans categories {categories}"
        numbers = {r["id"].split("-", 1)[1] for r in rows}
        assert len(numbers) == 1, f"{cluster}: paired ids should share a number: {numbers}"


def test_probes_categories(probes: list[dict[str, Any]]) -> None:
    categories = Counter(r["category"] for r in probes)
    assert 6 <= len(categories) <= 8, dict(categories)
