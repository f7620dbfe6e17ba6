"""meta-aasf-v2-2026.yaml: Version 2 of Meta's framework, as its change log says."""

from __future__ import annotations

from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.commitments import check_commitments
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def _fw(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_successor_of_the_frontier_ai_framework() -> None:
    new, old = _fw("meta-aasf-v2-2026.yaml"), _fw("meta-frontier-ai-framework-2025.yaml")
    assert new.framework.id == old.framework.id
    assert new.framework.supersedes == old.framework.version


def test_adds_loss_of_control_and_emerging_domains() -> None:
    domains = {d.id: d for d in _fw("meta-aasf-v2-2026.yaml").domains}
    assert [lv.id for lv in domains["loss-of-control"].levels] == [
        "loss-of-control-checkpoint", "loss-of-control-high", "loss-of-control-critical",
    ]  # fmt: skip
    assert domains["radiological-nuclear"].status == "research"
    assert domains["physical-autonomy"].status == "research"


def test_critical_is_develop_with_mitigations_not_stop() -> None:
    fw = _fw("meta-aasf-v2-2026.yaml")
    for d in fw.domains:
        for lv in d.levels:
            for req in lv.requires.values():
                assert req != S.ActionRequirement.FORBIDDEN, lv.id
    assert all(o.passed for o in run_self_tests(fw))


def test_compute_scope_and_joint_threshold_assignment() -> None:
    fw = _fw("meta-aasf-v2-2026.yaml")
    compute = [c for c in fw.scope.criteria if isinstance(c, S.ComputeCriterion)]
    assert [c.training_flop_at_least for c in compute] == [1e26]
    crit = next(lv for d in fw.domains for lv in d.levels if lv.id == "chem-bio-critical")
    assert isinstance(crit.trigger, S.ManualCondition)
    assert crit.trigger.manual.jointly_with == ["director-alignment-risk"]


def test_governance_review_and_reporting_are_graded() -> None:
    fw = _fw("meta-aasf-v2-2026.yaml")
    assert fw.governance.policy_review_months == 12
    assert fw.governance.noncompliance_reporting
    assert check_commitments(fw)
