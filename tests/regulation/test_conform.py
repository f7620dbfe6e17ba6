"""Each regime against a framework that meets every requirement, and one mutation per
requirement that makes exactly that requirement fail, with its reason.

Mutations edit the fixture's data and revalidate it against the schema (pydantic), so
every mutated framework is a schema-valid framework; the reference checks of
``validate`` are not rerun (removing all evaluations leaves dangling references,
which conform does not read).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.regulation import REGIME_IDS, Status, conform, load_regime

FIXTURE = Path(__file__).parent.parent / "fixtures" / "regulation" / "conforming.yaml"

Data = dict[str, Any]


def _data() -> Data:
    loaded = load_file(FIXTURE)
    assert loaded.framework is not None, [p.format() for p in loaded.errors]
    return loaded.framework.model_dump(mode="json", by_alias=True, exclude_none=True)


def _levels(d: Data) -> list[Data]:
    return [lv for dom in d["domains"] for lv in dom.get("levels", [])]


def drop_requires(action: str) -> Callable[[Data], None]:
    def f(d: Data) -> None:
        for lv in _levels(d):
            lv.get("requires", {}).pop(action, None)

    return f


def drop_artefact(art_id: str) -> Callable[[Data], None]:
    def f(d: Data) -> None:
        arts = d["transparency"]["artefacts"]
        d["transparency"]["artefacts"] = [a for a in arts if a["id"] != art_id]

    return f


def drop_rule(pred: Callable[[Data], bool]) -> Callable[[Data], None]:
    def f(d: Data) -> None:
        d["rules"] = [r for r in d["rules"] if not pred(r)]

    return f


def unpublish(d: Data) -> None:
    d["transparency"]["public"].remove("framework")


def no_notes(d: Data) -> None:
    del d["notes"]


def no_evaluations(d: Data) -> None:
    d["evaluations"] = []


def sign_off_training_only(d: Data) -> None:
    d["governance"]["sign_off"] = [{"actions": ["continue_training"], "roles": ["rso"]}]


def no_sign_off(d: Data) -> None:
    d["governance"]["sign_off"] = []


def actors_are_governments(d: Data) -> None:
    for a in d["external_input"]["trusted_actors"]:
        a["kind"] = "government"


def actors_review_no_decisions(d: Data) -> None:
    for a in d["external_input"]["trusted_actors"]:
        a["reviewed"] = [r for r in a.get("reviewed", []) if r != "decisions"]


def no_compute_trigger(d: Data) -> None:
    del d["governance"]["reassessment"]["effective_compute_multiple"]


def no_change_approvers(d: Data) -> None:
    d["governance"]["policy_changes_approved_by"] = []


def security_as_deployment(d: Data) -> None:
    for s in d["safeguards"]:
        if s["kind"] == "security":
            s["kind"] = "deployment"
            s["removable_by_weight_holder"] = False


def incident_rule(r: Data) -> bool:
    return bool(r["id"] == "incident-response")


def halt_rule(r: Data) -> bool:
    return bool(r["kind"] == "halt")


def no_noncompliance(d: Data) -> None:
    del d["governance"]["noncompliance_reporting"]


def no_resources(d: Data) -> None:
    del d["governance"]["resources"]


def review_every(months: int) -> Callable[[Data], None]:
    def f(d: Data) -> None:
        d["governance"]["policy_review_months"] = months

    return f


def no_review_period(d: Data) -> None:
    del d["governance"]["policy_review_months"]


SB53 = {
    "publish-framework": unpublish,
    "a1-standards": no_notes,
    "a2-thresholds": no_evaluations,
    "a3-mitigations": drop_requires("external_deployment"),
    "a4-deployment-review": sign_off_training_only,
    "a5-third-parties": actors_are_governments,
    "a6-updating": no_compute_trigger,
    "a7-weights-security": security_as_deployment,
    "a8-incidents": drop_rule(incident_rule),
    "a9-governance": no_noncompliance,
    "a10-internal-use": drop_requires("internal_deployment"),
    "b1-annual-review": review_every(24),
    "c-transparency-report": drop_artefact("system-card"),
    "d-internal-use-summaries": drop_artefact("authority-report"),
}
NY = {
    "publish-framework": unpublish,
    "a-standards": no_notes,
    "b-thresholds": no_evaluations,
    "c-mitigations": drop_requires("external_deployment"),
    "d-deployment-review": sign_off_training_only,
    "e-third-parties": actors_are_governments,
    "f-updating": no_compute_trigger,
    "g-weights-security": security_as_deployment,
    "h-incidents": drop_rule(incident_rule),
    "i-governance": no_noncompliance,
    "j-internal-use": drop_requires("internal_deployment"),
    "2a-review": no_review_period,
}
EU = {
    "c1-framework": no_evaluations,
    "m1.1-trigger-points": no_compute_trigger,
    "m1.1-2a-tiers": None,  # set below: needs a ladder without thresholds
    "m1.1-2b-tier-mitigations": drop_requires("external_deployment"),
    "m1.1-2c-timelines": drop_artefact("capability-outlook"),
    "m1.1-2d-external-input": actors_review_no_decisions,
    "m1.1-3-responsibility": no_sign_off,
    "m1.1-4-update-process": no_change_approvers,
    "m1.3-assessment-12-months": review_every(13),
    "c4-proceed-or-not": drop_rule(halt_rule),
    "c6-security": security_as_deployment,
    "c7-model-report": drop_artefact("authority-report"),
    "c8-resources": no_resources,
    "c9-serious-incidents": drop_rule(incident_rule),
}


def thresholds_as_alerts(d: Data) -> None:
    """Every threshold and intolerable level becomes an alert (an early warning with
    no tier behind it)."""
    for lv in _levels(d):
        if lv["kind"] in ("threshold", "intolerable"):
            lv["kind"] = "alert"
            lv.pop("alert_for", None)


EU["m1.1-2a-tiers"] = thresholds_as_alerts
MUTATIONS: dict[str, dict[str, Any]] = {"sb53": SB53, "ny-raise": NY, "eu-gpai-cop": EU}


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_fixture_meets_every_requirement(regime_id: str) -> None:
    regime = load_regime(regime_id)
    c = conform(S.Framework.model_validate(_data()), regime)
    assert c.all_met, [(r.id, r.status, r.reason) for r in c.results if r.status != Status.MET]
    for r in c.results:
        if r.status is Status.MET:
            assert r.elements, r.id  # the element that satisfies it is named


@pytest.mark.parametrize("regime_id", REGIME_IDS)
def test_every_mapped_requirement_has_a_mutation(regime_id: str) -> None:
    mapped = {r.id for r in load_regime(regime_id).requirements if r.mapping is not None}
    assert set(MUTATIONS[regime_id]) == mapped


CASES = [(rid, req, f) for rid, muts in MUTATIONS.items() for req, f in muts.items()]


@pytest.mark.parametrize(
    ("regime_id", "req_id", "mutate"), CASES, ids=[f"{r}:{q}" for r, q, _ in CASES]
)
def test_mutation_fails_exactly_that_requirement(
    regime_id: str, req_id: str, mutate: Callable[[Data], None]
) -> None:
    data = copy.deepcopy(_data())
    mutate(data)
    fw = S.Framework.model_validate(data)
    c = conform(fw, load_regime(regime_id))
    failed = {r.id: r for r in c.results if r.status in (Status.PARTLY, Status.MISSING)}
    assert set(failed) == {req_id}, {k: v.reason for k, v in failed.items()}
    assert not c.all_met
    reason = failed[req_id].reason
    assert "not shown" in reason  # says what is missing, drawn from the mapping
