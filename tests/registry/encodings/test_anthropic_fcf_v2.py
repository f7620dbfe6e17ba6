"""Anthropic Frontier Compliance Framework v2: a compliance framework beside the RSP,
whose tiers gate launch through the residual-risk determination."""

from __future__ import annotations

from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def load(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_fcf_is_a_companion_of_the_rsp_and_passes_its_self_tests() -> None:
    fw = load("anthropic-fcf-v2.yaml")
    assert fw.framework.kind == "compliance_framework"
    assert fw.framework.companion_of == "anthropic-rsp"
    assert all(o.passed for o in run_self_tests(fw))


def test_every_tier_requires_the_residual_risk_determination_for_launch() -> None:
    fw = load("anthropic-fcf-v2.yaml")
    levels = [lv for d in fw.domains for lv in d.levels]
    assert len(levels) == 8
    for lv in levels:
        assert lv.requires.get(S.Action.EXTERNAL_DEPLOYMENT) == ["residual-risk-acceptable"]
        assert S.Action.INTERNAL_DEPLOYMENT not in lv.requires, lv.id
