"""xai-faif-2025-12.yaml: what changed from the RMF of August 2025, as the text says."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def _fw(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_successor_of_the_rmf_under_the_same_id() -> None:
    faif, rmf = _fw("xai-faif-2025-12.yaml"), _fw("xai-rmf-2025-08.yaml")
    assert faif.framework.id == rmf.framework.id
    assert faif.framework.supersedes == rmf.framework.version
    assert faif.framework.kind is S.FrameworkKind.SAFETY_FRAMEWORK


def test_scope_is_the_tfaia_catastrophic_risk() -> None:
    c = _fw("xai-faif-2025-12.yaml").scope.citation
    assert c is not None and "TFAIA" in (c.quote or "")
    assert any("more than 50 people" in q for q in c.all_quotes())


def test_critical_steps_keep_theory_and_drop_aisi() -> None:
    fw = _fw("xai-faif-2025-12.yaml")
    dom = next(d for d in fw.domains if d.id == "bio-chem")
    assert dom.citation is not None
    assert any(q.startswith("○ Theory") for q in dom.citation.all_quotes())
    assert "aisi" not in {a.id for a in fw.external_input.trusted_actors}


def test_weights_security_practices_and_internal_review() -> None:
    fw = _fw("xai-faif-2025-12.yaml")
    sec = next(s for s in fw.safeguards if s.kind is S.SafeguardKind.SECURITY)
    assert sec.citation is not None
    assert any("encryption of model weights" in q for q in sec.citation.all_quotes())
    rule = next(r for r in fw.rules if r.id == "internal-use-review")
    assert rule.actions == [S.Action.INTERNAL_DEPLOYMENT] and rule.kind is S.RuleKind.OTHER


def test_benefits_clause_and_reporting_carry_over() -> None:
    fw = _fw("xai-faif-2025-12.yaml")
    (halt,) = [r for r in fw.rules if r.kind is S.RuleKind.HALT]
    assert S.Action.CONTINUE_TRAINING not in halt.actions
    assert S.Action.INTERNAL_DEPLOYMENT not in halt.actions
    benefits = next(e for e in fw.exemptions if e.id == "benefits-outweigh-benchmark")
    assert benefits.binding
    assert set(benefits.levels) == {"bio-chem-above-acceptance", "dishonesty-above-acceptance"}
    assert benefits.kind is S.ExemptionKind.WAIVER
    assert benefits.grounds is S.ExemptionGrounds.BENEFITS
    assert benefits.citation is not None and benefits.citation.section == "5. Deployment Decisions"
    assert fw.governance.noncompliance_reporting
    assert fw.transparency is not None and fw.transparency.trusted_only
