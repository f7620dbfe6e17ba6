"""Published decision rules, encoded and checked.

Each file in tests/scenarios/ encodes the decision rule of one published framework
from the project's research notes (shared/reference/commitments.md):

* OpenAI Preparedness Framework, Beta (2023), section 3.2: deploy only at a
  post-mitigation score of Medium or below, develop further only at High or below;
* G42 Frontier AI Safety Framework (2025), section 3.8: a missing Deployment
  Mitigation Level restricts deployment, a missing Security Mitigation Level pauses
  development;
* Meta Frontier AI Framework (2025), section 3.4: Critical stops development, High
  is not released externally, Moderate is released per the release strategy.

The tests check that each file validates, that every element cites its source, that
the file's own self-tests pass, and then call ``decide`` directly on the cases the
rules are about.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from redline.decide.engine import decide
from redline.decide.model import Decision, Inputs, Measurement, SafeguardClaim, VerdictKind
from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.load import load_file

SCENARIOS = Path(__file__).parent / "scenarios"
FILES = {
    "openai": "openai-preparedness-2023-beta.yaml",
    "g42": "g42-frontier-safety-2025.yaml",
    "meta": "meta-frontier-ai-2025.yaml",
}
# Source URLs as commitments.md gives them for these frameworks (and the SaferAI
# rating it cites for G42's thresholds).
SOURCES = {
    "openai": {"https://cdn.openai.com/openai-preparedness-framework-beta.pdf"},
    "g42": {
        "https://www.g42.ai/application/files/9517/3882/2182/"
        "G42_Frontier_Safety_Framework_Publication_Version.pdf",
        "https://ratings.safer-ai.org/company/g42",
    },
    "meta": {"https://ai.meta.com/static-resource/meta-frontier-ai-framework/"},
}

ALLOWED = VerdictKind.ALLOWED
WITH_CONDITIONS = VerdictKind.ALLOWED_WITH_CONDITIONS
BLOCKED = VerdictKind.BLOCKED
FORBIDDEN = VerdictKind.FORBIDDEN

CT = S.Action.CONTINUE_TRAINING
INTERNAL = S.Action.INTERNAL_DEPLOYMENT
EXTERNAL = S.Action.EXTERNAL_DEPLOYMENT
OPEN = S.Action.OPEN_WEIGHTS_RELEASE


def load(key: str) -> S.Framework:
    loaded = load_file(SCENARIOS / FILES[key])
    assert not loaded.problems, "\n".join(p.format() for p in loaded.problems)
    assert loaded.framework is not None
    return loaded.framework


@pytest.fixture(scope="module", params=sorted(FILES))
def scenario(request: pytest.FixtureRequest) -> tuple[str, S.Framework]:
    return request.param, load(request.param)


# ------------------------------------------------------------------ all files


def test_every_scenario_file_is_covered() -> None:
    assert sorted(p.name for p in SCENARIOS.glob("*.yaml")) == sorted(FILES.values())


def test_scenario_validates_and_is_not_fictional(scenario: tuple[str, S.Framework]) -> None:
    key, fw = scenario
    assert not fw.framework.fictional
    assert fw.framework.source_url in SOURCES[key]
    assert fw.tests, "each scenario carries self-tests"


def _cited(fw: S.Framework) -> list[tuple[str, S.Citation | None]]:
    items: list[tuple[str, S.Citation | None]] = []
    for d in fw.domains:
        items.append((f"domain {d.id}", d.citation))
        items += [(f"level {lv.id}", lv.citation) for lv in d.levels]
    items += [(f"evaluation {e.id}", e.citation) for e in fw.evaluations]
    items += [(f"safeguard {s.id}", s.citation) for s in fw.safeguards]
    items += [(f"rule {r.id}", r.citation) for r in fw.rules]
    return items


def test_every_element_cites_its_source(scenario: tuple[str, S.Framework]) -> None:
    key, fw = scenario
    for what, citation in _cited(fw):
        assert citation is not None, f"{what} has no citation"
        assert citation.source in SOURCES[key], f"{what}: {citation.source}"
        assert citation.section, f"{what}: citation without a section"


def test_thresholds_are_manual_determinations(scenario: tuple[str, S.Framework]) -> None:
    """The sources state these thresholds qualitatively: every trigger names the role
    that determines it, and that role is one the governance section defines."""
    _, fw = scenario
    roles = {r.id for r in fw.governance.roles}
    for d in fw.domains:
        for lv in d.levels:
            assert isinstance(lv.trigger, S.ManualCondition), lv.id
            assert lv.trigger.manual.determined_by in roles


def test_self_tests_pass(scenario: tuple[str, S.Framework]) -> None:
    _, fw = scenario
    outcomes = run_self_tests(fw)
    assert len(outcomes) == len(fw.tests)
    failed = {o.name: o.failures for o in outcomes if not o.passed}
    assert not failed, failed


def test_self_tests_detect_a_wrong_expectation(scenario: tuple[str, S.Framework]) -> None:
    """Flip one expected verdict in every self-test: each must then fail."""
    _, fw = scenario
    flip = {
        "allowed": "forbidden",
        "allowed_with_conditions": "allowed",
        "blocked": "allowed",
        "forbidden": "blocked",
    }
    tests = []
    for t in fw.tests:
        action, verdict = next(iter(t.expect.items()))
        tests.append(t.model_copy(update={"expect": {**t.expect, action: flip[verdict]}}))
    outcomes = run_self_tests(fw.model_copy(update={"tests": tests}))
    assert outcomes and not any(o.passed for o in outcomes)


# ------------------------------------------------------------------ helpers


def determinations(
    fw: S.Framework, reached: set[str], *, skip: frozenset[str] = frozenset()
) -> list[S.Determination]:
    """Every manual determination of ``fw``, recorded by the role it names: reached
    for the ids in ``reached``, not reached otherwise; ``skip`` leaves some out."""
    out = []
    for d in fw.domains:
        for lv in d.levels:
            assert isinstance(lv.trigger, S.ManualCondition)
            m = lv.trigger.manual
            if m.id in skip:
                continue
            out.append(
                S.Determination(
                    determination=m.id,
                    reached=m.id in reached,
                    by=m.determined_by,
                    rationale="Recorded for the test.",
                )
            )
    assert reached <= {x.determination for x in out}, "unknown determination id"
    return out


def run(
    fw: S.Framework,
    reached: set[str],
    safeguards: Sequence[str] = (),
    measurements: Sequence[Measurement] = (),
    dets: list[S.Determination] | None = None,
) -> Decision:
    return decide(
        fw,
        Inputs(
            determinations=dets if dets is not None else determinations(fw, reached),
            safeguards=[SafeguardClaim(id=s) for s in safeguards],
            measurements=list(measurements),
        ),
    )


def verdicts(d: Decision) -> dict[S.Action, VerdictKind]:
    return {v.action: v.verdict for v in d.verdicts}


def post_mitigation(
    category: str, mitigations: str, score: float, interval: tuple[float, float] | None = None
) -> Measurement:
    """A post-mitigation scorecard score (0 Low .. 3 Critical) for the OpenAI file."""
    return Measurement(
        evaluation=f"{category}_post_mitigation",
        metric="score",
        task_args={"mitigations": mitigations},
        estimate=score,
        intervals={0.95: interval or (score, score)},
    )


# ------------------------------------------------------- OpenAI PF Beta 2023


@pytest.fixture(scope="module")
def openai() -> S.Framework:
    return load("openai")


HIGH_CYBER = {"cyber-medium-pre", "cyber-high-pre"}
CRITICAL_CYBER = HIGH_CYBER | {"cyber-critical-pre"}


def test_openai_low_scorecard_allows_everything(openai: S.Framework) -> None:
    d = run(openai, set())
    assert set(verdicts(d).values()) == {ALLOWED}
    assert all(dom.highest_level is None for dom in d.domains)


def test_openai_medium_is_deployable_without_safeguards(openai: S.Framework) -> None:
    d = run(openai, {"persuasion-medium-pre"})
    assert set(verdicts(d).values()) == {ALLOWED}
    assert next(x for x in d.domains if x.domain == "persuasion").highest_level == (
        "persuasion-medium"
    )


def test_openai_high_with_verified_mitigation_deploys_with_conditions(
    openai: S.Framework,
) -> None:
    d = run(
        openai,
        HIGH_CYBER,
        ["exfiltration-security", "cyber-deployment-mitigations"],
        [post_mitigation("cyber", "deployment", 1.0)],
    )
    ext = d.verdict(EXTERNAL)
    assert ext.verdict is WITH_CONDITIONS
    assert ext.conditions == ["cyber-deployment-mitigations", "exfiltration-security"]
    mitigation = next(o for o in d.safeguards if o.id == "cyber-deployment-mitigations")
    assert mitigation.verification == "passed" and mitigation.in_place
    # Development and internal use need the hardened security only.
    assert d.verdict(CT).verdict is WITH_CONDITIONS
    assert d.verdict(CT).conditions == ["exfiltration-security"]
    # Open weights: the deployment mitigations go with the weights, so post-mitigation
    # risk stays High and the release is blocked.
    ow = d.verdict(OPEN)
    assert ow.verdict is BLOCKED and ow.missing == ["cyber-deployment-mitigations"]
    assert any("remove" in r for r in ow.reasons)
    # Leadership signs every deployment decision.
    assert [s.roles for s in ext.sign_off] == [["leadership"]]


def test_openai_high_without_mitigation_is_blocked(openai: S.Framework) -> None:
    d = run(openai, HIGH_CYBER, ["exfiltration-security"])
    ext = d.verdict(EXTERNAL)
    assert ext.verdict is BLOCKED
    assert ext.missing == ["cyber-deployment-mitigations"]
    assert any("deploy-at-most-medium" in r for r in ext.reasons)
    assert d.verdict(CT).verdict is WITH_CONDITIONS  # post-mitigation High: develop on


@pytest.mark.parametrize(
    ("score", "interval", "expected"),
    [
        (1.0, None, WITH_CONDITIONS),  # Medium after mitigation
        (0.0, None, WITH_CONDITIONS),  # Low after mitigation
        (2.0, None, BLOCKED),  # still High after mitigation
        (1.0, (1.0, 2.0), BLOCKED),  # Medium or High: not shown to be Medium
    ],
)
def test_openai_deployment_needs_post_mitigation_at_most_medium(
    openai: S.Framework,
    score: float,
    interval: tuple[float, float] | None,
    expected: VerdictKind,
) -> None:
    d = run(
        openai,
        HIGH_CYBER,
        ["exfiltration-security", "cyber-deployment-mitigations"],
        [post_mitigation("cyber", "deployment", score, interval)],
    )
    assert d.verdict(EXTERNAL).verdict is expected


def test_openai_mitigation_claimed_but_not_scored_is_not_in_place(openai: S.Framework) -> None:
    d = run(openai, HIGH_CYBER, ["exfiltration-security", "cyber-deployment-mitigations"])
    o = next(o for o in d.safeguards if o.id == "cyber-deployment-mitigations")
    assert o.claimed and not o.in_place and o.verification == "not_run"
    assert d.verdict(EXTERNAL).verdict is BLOCKED


def test_openai_critical_without_development_mitigation_blocks_training(
    openai: S.Framework,
) -> None:
    d = run(openai, CRITICAL_CYBER, ["exfiltration-security"])
    ct = d.verdict(CT)
    assert ct.verdict is BLOCKED
    assert ct.missing == ["cyber-development-mitigations"]
    assert any("develop-at-most-high" in r for r in ct.reasons)
    # The alignment-evidence clause is shown, never silently applied.
    assert any("critical-needs-alignment-evidence" in r and "not executed" in r for r in ct.reasons)
    assert [s.roles for s in ct.sign_off] == [["leadership"]]


def test_openai_critical_with_development_mitigation_develops_but_does_not_deploy(
    openai: S.Framework,
) -> None:
    d = run(
        openai,
        CRITICAL_CYBER,
        ["exfiltration-security", "cyber-development-mitigations"],
        [post_mitigation("cyber", "development", 2.0)],
    )
    assert d.verdict(CT).verdict is WITH_CONDITIONS
    assert d.verdict(EXTERNAL).verdict is BLOCKED
    # Development mitigations that leave the score Critical do not count.
    d = run(
        openai,
        CRITICAL_CYBER,
        ["exfiltration-security", "cyber-development-mitigations"],
        [post_mitigation("cyber", "development", 3.0)],
    )
    assert d.verdict(CT).verdict is BLOCKED


def test_openai_mitigations_are_per_category(openai: S.Framework) -> None:
    """Cyber mitigations do nothing for a High CBRN score."""
    d = run(
        openai,
        HIGH_CYBER | {"cbrn-medium-pre", "cbrn-high-pre"},
        ["exfiltration-security", "cyber-deployment-mitigations"],
        [post_mitigation("cyber", "deployment", 1.0)],
    )
    assert d.verdict(EXTERNAL).missing == ["cbrn-deployment-mitigations"]


def test_openai_unrated_category_counts_at_every_level(openai: S.Framework) -> None:
    dets = determinations(
        openai, set(), skip=frozenset({"cbrn-medium-pre", "cbrn-high-pre", "cbrn-critical-pre"})
    )
    d = run(openai, set(), ["exfiltration-security"], dets=dets)
    cbrn = next(x for x in d.domains if x.domain == "cbrn")
    assert cbrn.highest_level == "cbrn-critical"
    assert cbrn.counted_unsettled == ["cbrn-medium", "cbrn-high", "cbrn-critical"]
    assert d.verdict(CT).verdict is BLOCKED


def test_openai_reassessment_every_doubling(openai: S.Framework) -> None:
    assert openai.governance.reassessment.effective_compute_multiple == 2


# ------------------------------------------------------------------ G42 2025


@pytest.fixture(scope="module")
def g42() -> S.Framework:
    return load("g42")


def test_g42_missing_dml_restricts_deployment(g42: S.Framework) -> None:
    d = run(g42, {"bio-threshold-reached"}, ["sml-2"])
    ext = d.verdict(EXTERNAL)
    assert ext.verdict is BLOCKED and ext.missing == ["dml-2"]
    assert any("restrict-deployment" in r for r in ext.reasons)
    ct = d.verdict(CT)
    assert ct.verdict is WITH_CONDITIONS and ct.conditions == ["sml-2"]
    assert d.verdict(INTERNAL).verdict is WITH_CONDITIONS


def test_g42_missing_sml_pauses_development(g42: S.Framework) -> None:
    d = run(g42, {"cyber-threshold-reached"}, ["dml-2", "sml-1"])
    ct = d.verdict(CT)
    assert ct.verdict is BLOCKED and ct.missing == ["sml-2"]
    assert any("pause-development" in r for r in ct.reasons)
    assert d.verdict(INTERNAL).verdict is BLOCKED


def test_g42_both_in_place(g42: S.Framework) -> None:
    d = run(g42, {"bio-threshold-reached", "cyber-threshold-reached"}, ["dml-2", "sml-2"])
    assert verdicts(d) == {
        CT: WITH_CONDITIONS,
        INTERNAL: WITH_CONDITIONS,
        EXTERNAL: WITH_CONDITIONS,
        OPEN: BLOCKED,
    }
    assert d.verdict(EXTERNAL).conditions == ["dml-2", "sml-2"]
    # Open weights cannot keep a deployment mitigation level.
    assert d.verdict(OPEN).missing == ["dml-2"]


@pytest.mark.parametrize(
    ("claimed", "expected"),
    [
        (["dml-3", "sml-3"], WITH_CONDITIONS),
        (["dml-4", "sml-4"], WITH_CONDITIONS),
        (["dml-1", "sml-4"], BLOCKED),
        (["dml-4", "sml-1"], BLOCKED),
    ],
)
def test_g42_higher_levels_imply_lower_ones(
    g42: S.Framework, claimed: list[str], expected: VerdictKind
) -> None:
    d = run(g42, {"bio-threshold-reached"}, claimed)
    assert d.verdict(EXTERNAL).verdict is expected


def test_g42_implication_is_explained(g42: S.Framework) -> None:
    d = run(g42, {"bio-threshold-reached"}, ["dml-4", "sml-2"])
    out = {o.id: o for o in d.safeguards}
    for sid in ("dml-3", "dml-2", "dml-1"):
        assert out[sid].in_place and not out[sid].claimed
        assert any("implies it" in r for r in out[sid].reasons), out[sid].reasons
    assert not out["sml-3"].in_place  # implication runs downwards only


def test_g42_below_thresholds_needs_nothing(g42: S.Framework) -> None:
    assert set(verdicts(run(g42, set())).values()) == {ALLOWED}


def test_g42_determination_by_another_role_is_not_counted(g42: S.Framework) -> None:
    """A determination recorded by a role the framework does not name leaves the
    threshold undetermined, and the precautionary reading counts it as reached."""
    dets = [
        S.Determination(
            determination="bio-threshold-reached",
            reached=False,
            by="someone-else",
            rationale="Not the board.",
        ),
        S.Determination(
            determination="cyber-threshold-reached",
            reached=False,
            by="governance-board",
            rationale="Below.",
        ),
    ]
    d = run(g42, set(), ["sml-2"], dets=dets)
    bio = next(x for x in d.domains if x.domain == "biology")
    assert bio.highest_level == "bio-threshold" and bio.counted_unsettled == ["bio-threshold"]
    assert d.verdict(EXTERNAL).verdict is BLOCKED


# ------------------------------------------------------------------ Meta 2025


@pytest.fixture(scope="module")
def meta() -> S.Framework:
    return load("meta")


def test_meta_critical_stops_everything(meta: S.Framework) -> None:
    d = run(meta, {"cb-high-uplift", "cb-critical-uplift"}, ["exfiltration-security"])
    assert set(verdicts(d).values()) == {FORBIDDEN}
    for v in d.verdicts:
        assert v.forbidding_levels[-1] == "cb-critical"


def test_meta_high_is_not_released(meta: S.Framework) -> None:
    d = run(meta, {"cyber-high-uplift"}, ["exfiltration-security"])
    assert verdicts(d) == {
        CT: WITH_CONDITIONS,
        INTERNAL: WITH_CONDITIONS,
        EXTERNAL: FORBIDDEN,
        OPEN: FORBIDDEN,
    }
    assert d.verdict(EXTERNAL).forbidding_levels == ["cyber-high"]
    assert d.verdict(INTERNAL).conditions == ["exfiltration-security"]


def test_meta_high_without_security_blocks_internal_use(meta: S.Framework) -> None:
    d = run(meta, {"cb-high-uplift"})
    assert d.verdict(INTERNAL).verdict is BLOCKED
    assert d.verdict(INTERNAL).missing == ["exfiltration-security"]
    assert d.verdict(EXTERNAL).verdict is FORBIDDEN  # no safeguard changes this


def test_meta_moderate_releases_per_strategy(meta: S.Framework) -> None:
    d = run(meta, set())
    assert set(verdicts(d).values()) == {ALLOWED}
    for action in (EXTERNAL, OPEN):
        assert any(
            "release-strategy" in r and "not executed" in r for r in d.verdict(action).reasons
        )


def test_meta_safeguards_never_lift_a_forbidden_release(meta: S.Framework) -> None:
    d = run(meta, {"cyber-high-uplift"}, [s.id for s in meta.safeguards])
    assert d.verdict(EXTERNAL).verdict is FORBIDDEN
    assert d.verdict(OPEN).verdict is FORBIDDEN
