"""xai-rmf-2025-08.yaml against the faults issue 14 lists for it; each test fails on
the encoding written from a summary (before issue 14)."""

from __future__ import annotations

from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS

FILE = FRAMEWORKS / "xai-rmf-2025-08.yaml"
PDF = "https://data.x.ai/2025-08-20-xai-risk-management-framework.pdf"


def _fw() -> S.Framework:
    loaded = load_file(FILE)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_five_critical_steps_with_theory() -> None:
    dom = next(d for d in _fw().domains if d.id == "bio-chem")
    assert dom.citation is not None and dom.citation.quote == "xAI considers 5 critical steps"
    for step in ("Planning", "Circumvention", "Materials", "Theory", "Methods"):
        assert step in dom.threat_model, step


def test_acceptance_criteria_are_no_unconditional_halt() -> None:
    """§6: the expected benefits of a deployment may outweigh a benchmark's risks."""
    fw = _fw()
    (halt,) = [r for r in fw.rules if r.kind is S.RuleKind.HALT]
    assert S.Action.CONTINUE_TRAINING not in halt.actions
    assert S.Action.INTERNAL_DEPLOYMENT not in halt.actions
    benefits = next(e for e in fw.exemptions if e.id == "benefits-outweigh-benchmark")
    assert benefits.binding
    assert set(benefits.levels) == {"bio-chem-above-acceptance", "dishonesty-above-acceptance"}
    assert benefits.kind is S.ExemptionKind.WAIVER
    assert benefits.grounds is S.ExemptionGrounds.BENEFITS
    assert benefits.citation is not None and benefits.citation.section == "6. Deployment Decisions"
    for d in fw.domains:
        if d.id in ("bio-chem", "deception"):
            assert d.halting_exemption and "§6" in d.halting_exemption


def test_benefits_waiver_is_applied_and_reported() -> None:
    outcome = {o.name: o for o in run_self_tests(_fw())}
    applied = [o for n, o in outcome.items() if "benefits clause" in n]
    assert len(applied) == 1 and applied[0].passed, applied[0].failures


def test_weight_security_standard_is_encoded_and_required() -> None:
    fw = _fw()
    sec = [s for s in fw.safeguards if s.kind is S.SafeguardKind.SECURITY]
    assert [s.id for s in sec] == ["weights-security-non-state"]
    assert sec[0].citation is not None
    assert sec[0].citation.quote == "stolen by a motivated non-state actor"
    outcome = {o.name: o for o in run_self_tests(fw)}
    name = "Without the non-state-actor information security standard, xAI may not hold the model"
    test = outcome[name]
    assert test.passed, test.failures


def test_anonymous_nonadherence_reporting() -> None:
    g = _fw().governance
    assert g.noncompliance_reporting and "anonymously" in g.noncompliance_reporting


def test_unredacted_versions_for_vetted_parties() -> None:
    fw = _fw()
    t = fw.transparency
    assert t is not None and t.trusted_only
    shared = {a for d in t.trusted_only for a in d.shared_with}
    assert shared == {"vetted-red-teams", "government-agencies"}
    kinds = {a.id: a.kind for a in fw.external_input.trusted_actors}
    assert kinds["government-agencies"] is S.ActorKind.GOVERNMENT


def test_aisi_is_among_the_bodies_that_set_the_critical_steps() -> None:
    actors = {a.id: a for a in _fw().external_input.trusted_actors}
    assert actors["aisi"].kind is S.ActorKind.AI_SAFETY_INSTITUTE


def test_citations_name_the_framework_pdf_not_the_safety_page() -> None:
    fw = _fw()
    assert fw.framework.source_url == PDF
    cited = [d.citation for d in fw.domains] + [r.citation for r in fw.rules]
    # A citation without a source cites the encoding's own document (the PDF).
    assert all(c is not None and c.source in (None, PDF) for c in cited)
    assert fw.framework.document is not None and fw.framework.document.text is not None
    assert fw.framework.document.text.path == "corpus/documents/xai_rmf_2025-08-20_2025-08-20.txt"
