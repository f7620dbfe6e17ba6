"""xai-faif-2026-06.yaml: the EU Code of Practice rewrite, as the text says."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def _fw(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_successor_of_the_december_faif() -> None:
    new, old = _fw("xai-faif-2026-06.yaml"), _fw("xai-faif-2025-12.yaml")
    assert new.framework.id == old.framework.id
    assert new.framework.supersedes == old.framework.version


def test_four_domains_each_gated_by_an_acceptance_determination() -> None:
    fw = _fw("xai-faif-2026-06.yaml")
    assert [d.id for d in fw.domains] == [
        "cbrn", "offensive-cyber", "loss-of-control", "harmful-manipulation",
    ]  # fmt: skip
    for d in fw.domains:
        (lv,) = d.levels
        assert lv.kind is S.LevelKind.INTOLERABLE
        assert lv.evidence.standard is S.EvidenceStandard.PRECAUTIONARY
        assert lv.citation is not None and lv.citation.interpretation is not None


def test_numeric_criteria_and_benefits_clause_are_gone() -> None:
    fw = _fw("xai-faif-2026-06.yaml")
    assert fw.evaluations == []
    ids = {r.id for r in fw.rules}
    assert "benefits-may-outweigh-benchmark" not in ids
    assert "vetted-users-exception" not in ids
    assert fw.governance.noncompliance_reporting is None


def test_security_goal_and_yearly_assessment() -> None:
    fw = _fw("xai-faif-2026-06.yaml")
    sec = next(s for s in fw.safeguards if s.kind is S.SafeguardKind.SECURITY)
    assert sec.citation is not None and "NIST 800-171" in (sec.citation.quote or "")
    assert fw.governance.reassessment.months == 12
