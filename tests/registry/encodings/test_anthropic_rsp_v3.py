"""Anthropic RSP v3.0 and v3.4: the company's plan is kept apart from industry-wide
recommendations, and the only delay commitments are conditional (Appendix A,
3.4 item 5); v3.4's automated R&D threshold is the any/all of its determinations."""

from __future__ import annotations

import pytest

from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def load(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


VERSIONS = {"3.0": "anthropic-rsp-v3.0.yaml", "3.4": "anthropic-rsp-v3.4.yaml"}


@pytest.mark.parametrize("name", VERSIONS.values())
def test_self_tests_pass_and_identity_is_versioned(name: str) -> None:
    fw = load(name)
    assert all(o.passed for o in run_self_tests(fw))
    ident = fw.framework
    assert ident.kind == "safety_framework"
    assert ident.source_url is not None and ident.source_url.endswith(".pdf")
    assert ident.document is not None and ident.document.text is not None
    stem = ident.version.replace(".", "-")
    assert str(ident.document.text.path).endswith(f"ANT-RSP-v{stem}.clean.txt")


@pytest.mark.parametrize("name", VERSIONS.values())
def test_recommendations_are_apart_and_the_delays_are_conditional(name: str) -> None:
    fw = load(name)
    assert {r.levels[0] for r in fw.recommendations} == {
        "non-novel-chem-bio",
        "novel-chem-bio",
        "high-stakes-sabotage-opportunities",
        "automated-rnd",
    }
    halts = [r for r in fw.rules if r.kind is S.RuleKind.HALT]
    assert halts and all(r.applies_when is not None for r in halts)
    assert {r.id for r in halts} >= {"anthropic-in-the-lead", "competitors-have-strong-safety"}
    _, sabotage = fw.level("high-stakes-sabotage-opportunities")
    assert sabotage.basis == "usage"
    assert not sabotage.requires  # the plan is disclosure in Risk Reports, not a safeguard


def test_v3_4_automated_rnd_needs_attribution_to_automation() -> None:
    fw = load(VERSIONS["3.4"])
    _, lv = fw.level("automated-rnd")
    assert isinstance(lv.trigger, S.AnyCondition)
    leaves = S.condition_leaves(lv.trigger)
    ids = {leaf.id for leaf in leaves if isinstance(leaf, S.ManualDetermination)}
    assert ids == {
        "rnd-full-substitution-determination",
        "rnd-doubled-progress-determination",
        "rnd-attributable-to-automation-determination",
    }
    assert fw.framework.supersedes == "3.3"
