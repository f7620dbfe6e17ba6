"""Each classification rule of the framework diff on a small constructed pair, both ways:
every weakening has its mirrored strengthening (or, for neutral rules, stays neutral)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from redline.framework import schema as S
from redline.framework.diff import Direction, diff
from redline.framework.load import load_framework

ROOT = Path(__file__).resolve().parents[2]
BASE = load_framework(ROOT / "examples" / "frontier-framework.yaml")
Doc = dict[str, Any]


def _doc() -> Doc:
    return copy.deepcopy(BASE.model_dump(mode="json", by_alias=True, exclude_none=True))


def _fw(doc: Doc) -> S.Framework:
    return S.Framework.model_validate(doc)


def _domain(doc: Doc, dom: str) -> Doc:
    return next(d for d in doc["domains"] if d["id"] == dom)


def _level(doc: Doc, lv: str) -> Doc:
    return next(x for d in doc["domains"] for x in d["levels"] if x["id"] == lv)


def _safeguard(doc: Doc, sid: str) -> Doc:
    return next(s for s in doc["safeguards"] if s["id"] == sid)


def _rule(doc: Doc, rid: str) -> Doc:
    return next(r for r in doc["rules"] if r["id"] == rid)


def raise_bio_alert(doc: Doc) -> None:
    _level(doc, "bio-alert")["trigger"]["value"] += 0.05


def any_to_all(doc: Doc) -> None:
    trig = _level(doc, "bio-high")["trigger"]
    trig["all"] = trig.pop("any")


def precautionary_to_demonstrated(doc: Doc) -> None:
    _level(doc, "bio-high")["evidence"]["standard"] = "demonstrated"


def lower_confidence(doc: Doc) -> None:
    _level(doc, "bio-high")["evidence"]["confidence"] = 0.8


def drop_monitoring_requirement(doc: Doc) -> None:
    reqs = _level(doc, "bio-high")["requires"]["internal_deployment"]
    reqs.remove("usage-monitoring")


def allow_open_weights(doc: Doc) -> None:
    _level(doc, "bio-high")["requires"]["open_weights_release"] = ["weights-security-l2"]


def remove_alert_level(doc: Doc) -> None:
    dom = _domain(doc, "ai-rnd")
    dom["levels"] = [x for x in dom["levels"] if x["id"] != "airnd-alert"]
    for x in dom["levels"]:
        x.pop("alert_for", None)
    doc["tests"] = []


def relax_verification(doc: Doc) -> None:
    _safeguard(doc, "refusal-training")["verification"]["value"] -= 0.1


def drop_verification(doc: Doc) -> None:
    _safeguard(doc, "refusal-training").pop("verification")


def halt_discretionary(doc: Doc) -> None:
    _rule(doc, "pause-development")["binding"] = False


def halt_conditional(doc: Doc) -> None:
    rule = _rule(doc, "pause-development")
    rule["conditional_on"] = "competitors"
    rule["applies_when"] = {
        "manual": {
            "id": "competitor-ahead",
            "determined_by": "rso",
            "question": "Is a competitor about to release a comparable model?",
        }
    }


def add_exemption(doc: Doc) -> None:
    doc["exemptions"] = [
        {
            "id": "low-risk-trial",
            "kind": "exemption",
            "grounds": "low_risk_deployment",
            "actions": ["external_deployment"],
            "when": {
                "manual": {
                    "id": "trial-is-low-risk",
                    "determined_by": "rso",
                    "question": "Is this a small, private trial deployment?",
                }
            },
            "statement": "A small trial may proceed without the deployment safeguards.",
        }
    ]


def board_loses_sign_off(doc: Doc) -> None:
    doc["governance"]["sign_off"][0]["roles"] = ["rso"]


def longer_reassessment(doc: Doc) -> None:
    doc["governance"]["reassessment"]["months"] = 12


def higher_compute_multiple(doc: Doc) -> None:
    doc["governance"]["reassessment"]["effective_compute_multiple"] = 8


def decisions_trusted_only(doc: Doc) -> None:
    t = doc["transparency"]
    t["public"] = [x for x in t["public"] if x != "decisions"]
    t["trusted_only"].append({"item": "decisions", "reason": "commercially sensitive"})


def drop_trusted_actor(doc: Doc) -> None:
    ext = doc["external_input"]
    gone = ext["trusted_actors"][-1]["id"]
    ext["trusted_actors"] = ext["trusted_actors"][:-1]
    for d in doc.get("transparency", {}).get("trusted_only", []):
        d["shared_with"] = [x for x in d.get("shared_with", []) if x != gone]


def drop_domain(doc: Doc) -> None:
    doc["domains"] = [d for d in doc["domains"] if d["id"] != "cyber"]
    doc["evaluations"] = [e for e in doc["evaluations"] if not e["id"].startswith("cyber")]
    doc["tests"] = []


CASES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("threshold raised", raise_bio_alert, "threshold-moved"),
    ("any -> all", any_to_all, "trigger-combination"),
    ("evidence standard", precautionary_to_demonstrated, "evidence-standard"),
    ("evidence confidence", lower_confidence, "evidence-confidence"),
    ("requirement dropped", drop_monitoring_requirement, "requirement-removed"),
    ("open weights allowed", allow_open_weights, "action-forbidden"),
    ("level removed", remove_alert_level, "level-removed"),
    ("verification relaxed", relax_verification, "safeguard-verification"),
    ("verification dropped", drop_verification, "safeguard-verification"),
    ("halt discretionary", halt_discretionary, "rule-binding"),
    ("halt conditional", halt_conditional, "rule-conditional"),
    ("exemption added", add_exemption, "exemption-added"),
    ("sign-off lost", board_loses_sign_off, "sign-off-role"),
    ("reassessment months", longer_reassessment, "reassessment-interval"),
    ("compute multiple", higher_compute_multiple, "reassessment-compute"),
    ("transparency narrowed", decisions_trusted_only, "transparency"),
    ("trusted actor dropped", drop_trusted_actor, "external-input"),
    ("domain dropped", drop_domain, "domain-removed"),
]

OPPOSITE_RULE = {
    "requirement-removed": "requirement-added",
    "level-removed": "level-added",
    "exemption-added": "exemption-removed",
    "domain-removed": "domain-added",
}


@pytest.mark.parametrize(("name", "mutate", "rule"), CASES, ids=[c[0] for c in CASES])
def test_weakening_and_its_mirror(name: str, mutate: Callable[[Doc], None], rule: str) -> None:
    doc = _doc()
    mutate(doc)
    weaker = _fw(doc)
    forward = [c for c in diff(BASE, weaker) if c.rule == rule]
    assert forward, f"{name}: no {rule} change in {[c.rule for c in diff(BASE, weaker)]}"
    assert all(c.direction is Direction.WEAKENING for c in forward), forward
    back_rule = OPPOSITE_RULE.get(rule, rule)
    backward = [c for c in diff(weaker, BASE) if c.rule == back_rule]
    assert backward, f"{name}: no {back_rule} change going back"
    assert all(c.direction is Direction.STRENGTHENING for c in backward), backward


def test_every_change_carries_both_sides_or_says_which_is_missing() -> None:
    doc = _doc()
    raise_bio_alert(doc)
    (change,) = [c for c in diff(BASE, _fw(doc)) if c.rule == "threshold-moved"]
    assert change.old is not None and change.new is not None
    assert change.old.element == change.new.element == "biology/bio-alert"
    assert change.item is S.Disclosable.THRESHOLD_VALUES


def test_rename_is_neutral_and_reorder_is_nothing() -> None:
    doc = _doc()
    _level(doc, "bio-high")["name"] = "Biology: high capability"
    doc["safeguards"].reverse()
    doc["domains"].reverse()
    changes = diff(BASE, _fw(doc))
    assert [(c.rule, c.direction) for c in changes] == [("renamed", Direction.NEUTRAL)]


def test_a_new_id_with_the_same_name_is_matched_by_name() -> None:
    doc = _doc()
    lv = _level(doc, "airnd-high")
    lv["id"] = "ai-rnd-high"
    for x in _domain(doc, "ai-rnd")["levels"]:
        if x.get("alert_for") == "airnd-high":
            x["alert_for"] = "ai-rnd-high"
    doc["tests"] = []
    changes = diff(BASE, _fw(doc))
    assert {c.rule for c in changes} == {"renamed"}, [c.summary for c in changes]


def test_lowering_a_threshold_is_a_strengthening() -> None:
    doc = _doc()
    _level(doc, "bio-alert")["trigger"]["value"] -= 0.1
    (change,) = [c for c in diff(BASE, _fw(doc)) if c.rule == "threshold-moved"]
    assert change.direction is Direction.STRENGTHENING


def test_made_recommended_is_a_weakening() -> None:
    doc = _doc()
    lv = _level(doc, "bio-high")
    lv["requires"]["internal_deployment"].remove("usage-monitoring")
    lv["recommends"] = {"internal_deployment": ["usage-monitoring"]}
    changes = [c for c in diff(BASE, _fw(doc)) if c.rule == "requirement-recommended"]
    assert changes and changes[0].direction is Direction.WEAKENING


def test_an_any_of_group_that_gains_an_alternative_is_one_weakening() -> None:
    doc = _doc()
    reqs = _level(doc, "bio-high")["requires"]["external_deployment"]
    group = next(r for r in reqs if isinstance(r, dict))
    group["any_of"].append("weights-security-l3")
    changes = [c for c in diff(BASE, _fw(doc)) if "external_deployment" in c.summary]
    assert [(c.rule, c.direction) for c in changes] == [
        ("requirement-alternative", Direction.WEAKENING)
    ]
    back = [c for c in diff(_fw(doc), BASE) if "external_deployment" in c.summary]
    assert [(c.rule, c.direction) for c in back] == [
        ("requirement-alternative", Direction.STRENGTHENING)
    ]


def test_merged_domains_compare_their_levels_where_they_went() -> None:
    doc = _doc()
    bio, chem = _domain(doc, "biology"), _domain(doc, "chemistry")
    merged = {**bio, "id": "bio-chem", "name": "Biology and chemistry"}
    merged["levels"] = bio["levels"] + chem["levels"]
    doc["domains"] = [merged] + [
        d for d in doc["domains"] if d["id"] not in ("biology", "chemistry")
    ]
    for t in doc["tests"]:
        t.get("expect_levels", {}).pop("biology", None)
        t.get("expect_levels", {}).pop("chemistry", None)
    changes = diff(BASE, _fw(doc))
    rules = [c.rule for c in changes]
    assert "domain-merged" in rules
    assert "domain-removed" not in rules and "level-removed" not in rules, rules
