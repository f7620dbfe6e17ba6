"""DeepMind FSF v3.0 as its text states it (issue 14's fixes, each checked here and in the
encoding's own self-tests)."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS

A = S.Action


def _fw() -> S.Framework:
    loaded = load_file(FRAMEWORKS / "deepmind-fsf-v3.0.yaml")
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def _ids(reqs: object) -> set[str]:
    assert isinstance(reqs, list)
    out: set[str] = set()
    for r in reqs:
        out |= set(r.any_of) if isinstance(r, S.AnyOfSafeguards) else {r}
    return out


def test_misuse_safety_case_only_for_external_deployment() -> None:
    fw = _fw()
    for level in ("cbrn-uplift-1", "cyber-uplift-1", "harmful-manipulation-1"):
        _, lv = fw.level(level)
        assert "misuse-safety-case" not in _ids(lv.requirement(A.INTERNAL_DEPLOYMENT))
        assert "misuse-safety-case" not in _ids(lv.requirement(A.CONTINUE_TRAINING))
        assert "misuse-safety-case" in _ids(lv.requirement(A.EXTERNAL_DEPLOYMENT))
        # Recommended security, or security assessed as adequate (§1.6).
        assert {"rand-sl2", "security-assessed-adequate"} <= _ids(
            lv.requirement(A.CONTINUE_TRAINING)
        )


def test_instrumental_reasoning_levels_are_illustrative_and_require_nothing() -> None:
    fw = _fw()
    for level in ("instrumental-reasoning-1", "instrumental-reasoning-2"):
        _, lv = fw.level(level)
        assert all(lv.requirement(a) == [] for a in S.ACTIONS)
    assert not any(not s.specified for s in fw.safeguards), "no placeholder safeguard blocks"
    assert fw.safeguard("cot-monitoring").citation is not None


def test_no_development_halt_imported_from_v1() -> None:
    fw = _fw()
    assert not [
        r for r in fw.rules if r.kind is S.RuleKind.HALT and A.CONTINUE_TRAINING in r.actions
    ]
    cited = [
        c.source for c in (r.citation for r in fw.rules) if c is not None and c.source is not None
    ]
    assert not cited, "every rule cites the v3.0 text itself"


def test_external_evaluations_and_annual_update() -> None:
    fw = _fw()
    (ev,) = [a for a in fw.external_input.trusted_actors if a.id == "external-evaluators"]
    assert ev.kind is S.ActorKind.THIRD_PARTY_EVALUATOR
    assert S.ReviewedItem.EVALUATIONS in ev.reviewed
    assert fw.governance.policy_review_months == 12
    doc = fw.framework.document
    assert doc is not None and doc.text is not None
    assert doc.text.sha256 == "3c7c69f0c058e9c5d885e6427343379f057bc6c789430f1c91156c03f67d397b"
