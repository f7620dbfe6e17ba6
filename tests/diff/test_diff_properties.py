"""Properties of the framework diff: a version against itself is empty; swapping the
two versions swaps weakenings and strengthenings for the symmetric rules."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_diff_rules import BASE, CASES, OPPOSITE_RULE, _doc, _fw

from redline.framework.diff import Direction, diff
from redline.framework.load import load_framework

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = sorted((ROOT / "src" / "redline" / "registry" / "data" / "frameworks").glob("*.yaml"))


def test_every_registry_encoding_against_itself_is_empty() -> None:
    for path in [*FRAMEWORKS, ROOT / "examples" / "frontier-framework.yaml"]:
        fw = load_framework(path)
        assert diff(fw, fw) == [], path.name


SWAP = {Direction.WEAKENING: Direction.STRENGTHENING, Direction.STRENGTHENING: Direction.WEAKENING}
SWAP[Direction.NEUTRAL] = Direction.NEUTRAL


def _signature(changes: list, mirror: bool) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    inverse = {v: k for k, v in OPPOSITE_RULE.items()}
    for c in changes:
        rule = inverse.get(c.rule, c.rule) if mirror else c.rule
        direction = SWAP[c.direction] if mirror else c.direction
        out[(rule, direction.value)] += 1
    return out


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(range(len(CASES))), min_size=1, max_size=5))
def test_swapping_versions_swaps_directions(picked: set[int]) -> None:
    doc = _doc()
    for i in sorted(picked):
        CASES[i][1](doc)
    other = _fw(doc)
    forward = diff(BASE, other)
    backward = diff(other, BASE)
    assert _signature(forward, mirror=False) == _signature(backward, mirror=True)
