"""OpenAI's Frontier Governance Framework: a compliance framework linked to the
Preparedness Framework, encoded without tier safeguards the text does not state."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS

A = S.Action


def _fw() -> S.Framework:
    loaded = load_file(FRAMEWORKS / "openai-fgf-2026.yaml")
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_a_compliance_framework_beside_the_preparedness_framework() -> None:
    ident = _fw().framework
    assert ident.kind is S.FrameworkKind.COMPLIANCE_FRAMEWORK
    assert ident.companion_of == "openai-preparedness"
    pf = load_file(FRAMEWORKS / "openai-pf-v2.yaml").framework
    assert pf is not None and pf.framework.id == ident.companion_of
    assert ident.document is not None and ident.document.published_sha256 is not None


def test_tiers_carry_no_invented_safeguards() -> None:
    fw = _fw()
    for d in fw.domains:
        for lv in d.levels:
            assert all(lv.requirement(a) == [] for a in S.ACTIONS), lv.id
    (baseline,) = [r for r in fw.rules if r.kind is S.RuleKind.BASELINE]
    assert baseline.requires == ["residual-risk-justification"]
    assert A.CONTINUE_TRAINING not in baseline.actions


def test_governance_and_assessment_cadence() -> None:
    g = _fw().governance
    assert g.policy_review_months == 12
    assert g.noncompliance_reporting is None, "the FGF describes no reporting channel"
    (sign_off,) = g.sign_off
    assert sign_off.citation is not None and sign_off.citation.source is not None
