"""OpenAI Preparedness Framework v2 as its text states it (issue 14's fixes, each checked
here and in the encoding's own self-tests)."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.commitments import check_commitments
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS

A = S.Action


def _fw() -> S.Framework:
    loaded = load_file(FRAMEWORKS / "openai-pf-v2.yaml")
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_self_improvement_high_needs_security_controls_only() -> None:
    _, lv = _fw().level("self-improvement-high")
    assert all(lv.requirement(a) == ["high-security-controls"] for a in S.ACTIONS)


def test_cyber_high_needs_misalignment_safeguards_for_internal_deployment() -> None:
    _, lv = _fw().level("cyber-high")
    internal = lv.requires[A.INTERNAL_DEPLOYMENT]
    assert isinstance(internal, S.TieredRequirement)
    assert "misalignment-safeguards" in internal.for_tier(S.Tier.LARGE_SCALE)
    assert "misalignment-safeguards" not in internal.for_tier(S.Tier.LIMITED)
    assert "misalignment-safeguards" not in lv.requirement(A.EXTERNAL_DEPLOYMENT)


def test_security_standard_is_the_appendix_c3_practices() -> None:
    sg = _fw().safeguard("high-security-controls")
    assert len(sg.comprises) == 6
    assert sg.specified and "no specific standard" not in (sg.description or "")


def test_review_approval_noncompliance_and_government_input() -> None:
    fw = _fw()
    g = fw.governance
    assert g.policy_review_months == 12
    assert g.policy_changes_approved_by == ["openai-leadership"]
    assert g.noncompliance_reporting and "Raising Concerns Policy" in g.noncompliance_reporting
    assert g.citation is not None and "at least once a year." in g.citation.all_quotes()
    gov = [a for a in fw.external_input.trusted_actors if a.kind is S.ActorKind.GOVERNMENT]
    assert gov and S.ReviewedItem.THRESHOLDS in gov[0].reviewed
    grades = {c.commitment.number: c for c in check_commitments(fw)}
    assert any("noncompliance" in r for r in grades["VI"].reasons)
    assert any("changes approved by" in r for r in grades["V"].reasons)
