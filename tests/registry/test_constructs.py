"""The registry constructs (docs/registry-constructs.md): each fixture, drawn from a
real text, validates and passes its self-tests, and the decision reports what it
applied. Errors in the new forms are located."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.decide.engine import decide
from redline.decide.model import Decision
from redline.decide.selftest import run_self_tests, scenario_inputs
from redline.framework import schema as S
from redline.framework.load import load_file, load_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "constructs"
FILES = sorted(p.name for p in FIXTURES.glob("*.yaml"))


def _load(name: str) -> S.Framework:
    loaded = load_file(FIXTURES / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


@pytest.mark.parametrize("name", FILES)
def test_fixture_validates_and_passes_its_self_tests(name: str) -> None:
    fw = _load(name)
    failed = [o for o in run_self_tests(fw) if not o.passed]
    assert not failed, [(o.name, o.failures) for o in failed]


def _decision(fw: S.Framework, test_name: str) -> tuple[S.SelfTest, Decision]:
    test = next(t for t in fw.tests if t.name.startswith(test_name))
    return test, decide(fw, scenario_inputs(fw, test))


def test_exemption_is_reported_when_applied_and_when_not() -> None:
    fw = _load("exemptions.yaml")
    _, d = _decision(fw, "A low-risk deployment")
    v = d.verdict(S.Action.EXTERNAL_DEPLOYMENT)
    assert v.applied == ["low-risk-external-deployment"]
    assert any("APPLIED" in r and "low-risk-external-deployment" in r for r in v.reasons)
    assert v.tier == "trusted_users"
    _, d = _decision(fw, "The exemption does not cover")
    v = d.verdict(S.Action.EXTERNAL_DEPLOYMENT)
    assert v.applied == []
    assert any("does not cover large_scale" in r for r in v.reasons)
    _, d = _decision(fw, "The marginal-risk")
    v = d.verdict(S.Action.EXTERNAL_DEPLOYMENT)
    assert any("discretionary wording, recorded but not applied" in r for r in v.reasons)


def test_an_exemption_never_lifts_forbidden() -> None:
    fw = _load("exemptions.yaml")
    data = fw.model_dump(mode="json", by_alias=True, exclude_none=True)
    lv = data["domains"][0]["levels"][0]
    lv["requires"] = {"external_deployment": "forbidden"}
    fw2 = S.Framework.model_validate(data)
    test = next(t for t in fw2.tests if t.name.startswith("A low-risk deployment"))
    v = decide(fw2, scenario_inputs(fw2, test)).verdict(S.Action.EXTERNAL_DEPLOYMENT)
    assert v.verdict.value == "forbidden"


def test_unsettled_conditional_rule_is_a_condition_not_a_block() -> None:
    fw = _load("conditional-competitors.yaml")
    _, d = _decision(fw, "Unsettled")
    v = d.verdict(S.Action.EXTERNAL_DEPLOYMENT)
    assert v.verdict.value == "allowed_with_conditions"
    assert any("may apply: settle its condition" in r for r in v.reasons)


def test_unknown_tier_takes_the_most_demanding_and_says_so() -> None:
    fw = _load("deployment-tiers.yaml")
    _, d = _decision(fw, "An unstated tier")
    v = d.verdict(S.Action.INTERNAL_DEPLOYMENT)
    assert "misalignment-safeguards" in v.missing
    assert any("most demanding tier" in r for r in v.reasons)


def test_recommended_safeguard_is_noted_not_required() -> None:
    fw = _load("recommended.yaml")
    _, d = _decision(fw, "A missing recommended")
    v = d.verdict(S.Action.EXTERNAL_DEPLOYMENT)
    assert "rand-sl2" not in v.required
    assert any("recommends (does not require) rand-sl2" in r for r in v.reasons)


def test_joint_determination_needs_every_role() -> None:
    fw = _load("joint-determination.yaml")
    _, d = _decision(fw, "The CEO alone")
    lo = d.domains[0].levels[0]
    assert lo.status.value == "unsettled"
    assert any("needs rso as well" in r for r in lo.reasons)


def test_required_before_names_the_threshold() -> None:
    fw = _load("required-before.yaml")
    _, d = _decision(fw, "Near the threshold")
    v = d.verdict(S.Action.CONTINUE_TRAINING)
    assert any("required before bio-threshold is reached" in r for r in v.reasons)


def _broken(name: str, old: str, new: str) -> list[str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert old in text
    loaded = load_text(text.replace(old, new, 1), name)
    return [p.format() for p in loaded.errors]


@pytest.mark.parametrize(
    ("name", "old", "new", "expect"),
    [
        (
            "exemptions.yaml",
            "levels: all",
            "levels: [no-such-level]",
            "unknown level 'no-such-level'",
        ),
        ("exemptions.yaml", "grounds: marginal_risk", "grounds: vibes", "exemptions[1].grounds"),
        (
            "conditional-competitors.yaml",
            "    conditional_on: competitors\n",
            "",
            "gives both conditional_on",
        ),
        (
            "deployment-tiers.yaml",
            "limited: [security-controls]",
            "limited: [no-such-safeguard]",
            "unknown safeguard 'no-such-safeguard'",
        ),
        (
            "joint-determination.yaml",
            "jointly_with: [rso]\n",
            "jointly_with: [cfo]\n",
            "unknown role 'cfo'",
        ),
        (
            "required-before.yaml",
            "alert_for: bio-threshold",
            "alert_for: bio-early-warning",
            "no alert level warns of 'bio-threshold'",
        ),
        (
            "risk-scoring.yaml",
            "dimension: severity",
            "dimension: likelihood",
            "exactly one likelihood factor",
        ),
        (
            "usage-threshold.yaml",
            "basis: usage",
            "basis: vibes",
            "basis",
        ),
    ],
)
def test_construct_errors_are_located(name: str, old: str, new: str, expect: str) -> None:
    errors = _broken(name, old, new)
    assert errors, "expected an error"
    hit = [e for e in errors if expect in e]
    assert hit, errors
    assert hit[0].startswith(f"{name}:") and hit[0].split(":")[1].isdigit()
