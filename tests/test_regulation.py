"""The regime data loads, every requirement carries its citation, and a framework is
checked against each regime with a status and a reason per requirement.

The per-requirement mutation tests and the conform command are not built yet (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.framework.load import load_framework
from redline.regulation import REGIME_IDS, conform, load_regime

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"
REGISTRY = sorted((ROOT / "src" / "redline" / "registry" / "data" / "frameworks").glob("*.yaml"))


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_every_requirement_cites_its_source(regime_id: str) -> None:
    regime = load_regime(regime_id)
    assert regime.requirements
    for req in regime.requirements:
        assert req.citation.section and req.citation.quote, req.id


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_every_registry_encoding_gets_a_status_and_reason(regime_id: str) -> None:
    regime = load_regime(regime_id)
    for path in [EXAMPLE, *REGISTRY]:
        result = conform(load_framework(path), regime)
        assert [r.id for r in result.results] == [q.id for q in regime.requirements]
        for r in result.results:
            assert r.status in ("met", "partly", "missing", "not_checked"), (path.name, r.id)
            assert r.reason, (path.name, r.id)
