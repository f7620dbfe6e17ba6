"""The schema can express the ladders of published frontier AI safety frameworks.

Each encoding in src/redline/registry/data/frameworks/ encodes one published framework from
the project's research notes (shared/reference/commitments.md). These tests load
each one and check that its ladder has the structure the source describes:
OpenAI Preparedness Framework v2, Anthropic RSP v2.2, Google DeepMind FSF v3.0,
and xAI's numeric tables (August 2025 RMF, February 2025 draft).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.framework import schema as S
from redline.framework.load import load_file

FIXTURES = Path(__file__).parents[1] / "src" / "redline" / "registry" / "data" / "frameworks"

FILES = {
    "openai": "openai-pf-v2.yaml",
    "anthropic": "anthropic-rsp-v2.2.yaml",
    "deepmind": "deepmind-fsf-v3.0.yaml",
    "xai": "xai-rmf-2025-08.yaml",
    "xai-draft": "xai-rmf-2025-02-draft.yaml",
}

ORGANISATIONS = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "deepmind": "Google DeepMind",
    "xai": "xAI",
    "xai-draft": "xAI",
}

# The source documents commitments.md names for these frameworks (plus METR's
# comparison, which it cites for the halting conditions).
SOURCES = {
    "https://cdn.openai.com/pdf/18a02b5d-6b67-4cec-ab64-68cdfbddebcd/preparedness-framework-v2.pdf",
    "https://www.anthropic.com/rsp",
    "https://deepmind.google/discover/blog/strengthening-our-frontier-safety-framework/",
    "https://deepmind.google/blog/updating-the-frontier-safety-framework/",
    "https://metr.org/common-elements",
    "https://x.ai/safety",
    "https://x.ai/documents/2025.02.20-RMF-Draft.pdf",
}


def _load(key: str) -> S.Framework:
    loaded = load_file(FIXTURES / FILES[key])
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def _domain(fw: S.Framework, domain_id: str) -> S.RiskDomain:
    return next(d for d in fw.domains if d.id == domain_id)


def _ladder(fw: S.Framework, domain_id: str) -> list[tuple[str, str]]:
    return [(lv.id, lv.kind.value) for lv in _domain(fw, domain_id).levels]


def _ids(req: list[S.Requirement] | S.ActionRequirement) -> set[str]:
    assert isinstance(req, list), req
    out: set[str] = set()
    for r in req:
        out |= set(r.any_of) if isinstance(r, S.AnyOfSafeguards) else {r}
    return out


def _comparisons(cond: S.Condition | None) -> list[S.Comparison]:
    if isinstance(cond, S.Comparison):
        return [cond]
    if isinstance(cond, S.AllCondition):
        return [c for part in cond.all for c in _comparisons(part)]
    if isinstance(cond, S.AnyCondition):
        return [c for part in cond.any for c in _comparisons(part)]
    return []


def _manual(cond: S.Condition | None) -> S.ManualDetermination:
    assert isinstance(cond, S.ManualCondition), cond
    return cond.manual


FORBIDDEN = S.ActionRequirement.FORBIDDEN
CT = S.Action.CONTINUE_TRAINING
INTERNAL = S.Action.INTERNAL_DEPLOYMENT
EXTERNAL = S.Action.EXTERNAL_DEPLOYMENT
OPEN = S.Action.OPEN_WEIGHTS_RELEASE


# ------------------------------------------------------------------ every fixture


def _registry_urls() -> set[str | None]:
    from redline.registry import api

    return {s.url for s in api.registry().sources}


@pytest.mark.parametrize("key", sorted(FILES))
def test_fixture_is_valid_and_real(key: str) -> None:
    fw = _load(key)
    assert fw.framework.fictional is False
    assert fw.framework.organisation == ORGANISATIONS[key]
    assert fw.framework.source_url in SOURCES | _registry_urls()
    assert fw.notes, "an encoding says in notes what the source leaves open"


@pytest.mark.parametrize("key", sorted(FILES))
def test_every_level_safeguard_and_rule_is_cited(key: str) -> None:
    fw = _load(key)
    cited: list[tuple[str, S.Citation | None]] = [
        *((f"level {lv.id}", lv.citation) for d in fw.domains for lv in d.levels),
        *((f"safeguard {s.id}", s.citation) for s in fw.safeguards),
        *((f"rule {r.id}", r.citation) for r in fw.rules),
        *((f"evaluation {e.id}", e.citation) for e in fw.evaluations),
    ]
    for what, citation in cited:
        assert citation is not None, f"{what} has no citation"
        # Omitted source = the framework's own document (the issue-14 contract).
        known = SOURCES | _registry_urls() | {None, fw.framework.source_url}
        assert citation.source in known, f"{what} cites {citation.source}"
        assert citation.section, f"{what} cites no section"
        for quote in citation.all_quotes():
            assert len(quote) <= 300, f"{what}: a quote stays short (at most 300 characters)"


@pytest.mark.parametrize("key", sorted(FILES))
def test_directions_are_consistent(key: str) -> None:
    """No trigger points against its evaluation's direction."""
    loaded = load_file(FIXTURES / FILES[key])
    assert not [p for p in loaded.warnings if "direction" in p.message]


@pytest.mark.parametrize("key", sorted(FILES))
def test_carries_at_least_two_self_tests(key: str) -> None:
    fw = _load(key)
    assert len(fw.tests) >= 2  # one per exemption, conditional commitment and fix
    for t in fw.tests:
        assert t.expect


@pytest.mark.parametrize("key", ["openai", "anthropic", "deepmind"])
def test_qualitative_thresholds_are_manual(key: str) -> None:
    """These frameworks publish no numeric trigger: none may be invented."""
    fw = _load(key)
    roles = {r.id for r in fw.governance.roles}
    for d in fw.domains:
        for lv in d.levels:
            assert not _comparisons(lv.trigger), f"{lv.id} has an invented number"
            assert _manual(lv.trigger).determined_by in roles


# ------------------------------------------------------------------ OpenAI PF v2


def test_openai_v2_high_then_critical_per_tracked_category() -> None:
    fw = _load("openai")
    tracked = [d for d in fw.domains if d.status == "tracked"]
    assert [d.id for d in tracked] == ["bio-chem", "cyber", "ai-self-improvement"]
    # The Research Categories (and persuasion, dropped since the Beta) have no levels.
    assert all(not d.levels for d in fw.domains if d.status != "tracked")
    for d in tracked:
        (high, high_kind), (critical, critical_kind) = _ladder(fw, d.id)
        assert high.endswith("-high") and high_kind == "threshold"
        assert critical.endswith("-critical") and critical_kind == "intolerable"


def test_openai_v2_critical_forbids_continued_development() -> None:
    fw = _load("openai")
    for d in (d for d in fw.domains if d.levels):
        critical = d.levels[-1]
        assert critical.requires[CT] == FORBIDDEN
        assert critical.requirement(CT) == FORBIDDEN
        assert all(critical.requirement(a) == FORBIDDEN for a in S.ACTIONS)


def test_openai_v2_high_needs_security_in_development_and_safeguards_before_deployment() -> None:
    fw = _load("openai")
    for d in (d for d in fw.domains if d.levels):
        high = d.levels[0]
        assert _ids(high.requirement(CT)) == {"high-security-controls"}
        external = _ids(high.requirement(EXTERNAL))
        assert "high-security-controls" in external
        assert external & {"misuse-safeguards", "misalignment-safeguards"}
    assert fw.safeguard("high-security-controls").kind is S.SafeguardKind.SECURITY


def test_openai_v2_governance() -> None:
    fw = _load("openai")
    titles = {r.id: r.title for r in fw.governance.roles}
    assert titles["sag"] == "Safety Advisory Group"
    assert "openai-leadership" in titles
    for d in fw.domains:
        for lv in d.levels:
            assert _manual(lv.trigger).determined_by == "sag"
    assert fw.governance.reassessment.deployment_context_change is True
    # v2 states no effective-compute multiple (2x belongs to the 2023 Beta).
    assert fw.governance.reassessment.effective_compute_multiple is None
    kinds = {r.id: r.kind for r in fw.rules}
    assert kinds["marginal-risk-clause"] is S.RuleKind.OTHER
    assert any(k is S.RuleKind.HALT for k in kinds.values())


# ------------------------------------------------------------------ Anthropic RSP v2.2


def test_anthropic_cbrn_3_then_cbrn_4() -> None:
    fw = _load("anthropic")
    assert _ladder(fw, "cbrn") == [("cbrn-3", "threshold"), ("cbrn-4", "threshold")]


def test_anthropic_ai_rnd_4_then_ai_rnd_5_behind_the_checkpoint() -> None:
    fw = _load("anthropic")
    assert _ladder(fw, "ai-rnd") == [
        ("ai-rnd-checkpoint", "alert"),
        ("ai-rnd-4", "threshold"),
        ("ai-rnd-5", "threshold"),
    ]
    assert _domain(fw, "ai-rnd").levels[0].alert_for == "ai-rnd-4"


def test_anthropic_cbrn_3_requires_asl_3() -> None:
    fw = _load("anthropic")
    _, cbrn3 = fw.level("cbrn-3")
    assert _ids(cbrn3.requirement(CT)) == {"asl-3-security"}
    assert _ids(cbrn3.requirement(EXTERNAL)) == {"asl-3-standard"}
    standard = fw.safeguard("asl-3-standard")
    assert set(standard.comprises) == {"asl-3-deployment", "asl-3-security"}
    assert fw.safeguard("asl-3-security").kind is S.SafeguardKind.SECURITY
    assert fw.safeguard("asl-3-deployment").kind is S.SafeguardKind.DEPLOYMENT
    assert "asl-2-security" in fw.safeguard("asl-3-security").implies


def test_anthropic_ai_rnd_requires_security_and_affirmative_case() -> None:
    fw = _load("anthropic")
    _, rnd4 = fw.level("ai-rnd-4")
    _, rnd5 = fw.level("ai-rnd-5")
    assert _ids(rnd4.requirement(INTERNAL)) == {"asl-3-security", "affirmative-case"}
    assert _ids(rnd5.requirement(INTERNAL)) == {"asl-4-security", "affirmative-case"}
    assert "asl-3-security" in fw.safeguard("asl-4-security").implies


def test_anthropic_is_precautionary_and_asl_2_is_the_baseline() -> None:
    fw = _load("anthropic")
    for d in fw.domains:
        for lv in d.levels:
            assert lv.evidence.standard is S.EvidenceStandard.PRECAUTIONARY
    baseline = {r.id: r for r in fw.rules if r.kind is S.RuleKind.BASELINE}
    assert {sid for r in baseline.values() for sid in _ids(r.requires)} == {
        "asl-2-security",
        "asl-2-deployment",
    }
    halts = [r for r in fw.rules if r.kind is S.RuleKind.HALT]
    assert any(CT in r.actions for r in halts), "the pretraining pause"


def test_anthropic_governance_and_reassessment() -> None:
    fw = _load("anthropic")
    titles = {r.id: r.title for r in fw.governance.roles}
    assert titles["rso"] == "Responsible Scaling Officer"
    assert fw.governance.reassessment.effective_compute_multiple == 4
    assert fw.governance.reassessment.months == 6
    assert fw.governance.policy_changes_approved_by == ["board"]
    assert fw.governance.sign_off and set(fw.governance.sign_off[0].roles) == {"ceo", "rso"}


# ------------------------------------------------------------------ Google DeepMind FSF v3.0

DEEPMIND_SECURITY = {
    "cbrn-uplift-1": "rand-sl2",
    "cyber-uplift-1": "rand-sl2",
    "harmful-manipulation-1": "rand-sl2",
    "ml-rnd-acceleration-1": "rand-sl3",
    "ml-rnd-automation-1": "rand-sl4",
}


def test_deepmind_alert_thresholds_sit_below_their_ccls() -> None:
    fw = _load("deepmind")
    alerts = {
        "cbrn": ("cbrn-alert", "cbrn-uplift-1"),
        "cyber": ("cyber-alert", "cyber-uplift-1"),
        "ml-rnd": ("ml-rnd-alert", "ml-rnd-acceleration-1"),
    }
    for domain_id, (alert_id, ccl_id) in alerts.items():
        ids = [lv.id for lv in _domain(fw, domain_id).levels]
        _, alert = fw.level(alert_id)
        assert alert.kind is S.LevelKind.ALERT
        assert alert.alert_for == ccl_id
        assert ids.index(alert_id) < ids.index(ccl_id)
    assert _ladder(fw, "ml-rnd") == [
        ("ml-rnd-alert", "alert"),
        ("ml-rnd-acceleration-1", "threshold"),
        ("ml-rnd-automation-1", "threshold"),
    ]


def test_deepmind_security_level_per_ccl() -> None:
    fw = _load("deepmind")
    for ccl, sl in DEEPMIND_SECURITY.items():
        _, lv = fw.level(ccl)
        assert _ids(lv.requirement(CT)) == {sl}
        assert _ids(lv.requirement(EXTERNAL)) == {sl, "safety-case"}
        assert fw.safeguard(sl).kind is S.SafeguardKind.SECURITY
    assert fw.safeguard("rand-sl4").implies == ["rand-sl3"]
    assert fw.safeguard("rand-sl3").implies == ["rand-sl2"]


def test_deepmind_misalignment_levels_are_exploratory_with_unspecified_response() -> None:
    fw = _load("deepmind")
    assert _ladder(fw, "misalignment") == [
        ("instrumental-reasoning-1", "threshold"),
        ("instrumental-reasoning-2", "threshold"),
    ]
    for lv in _domain(fw, "misalignment").levels:
        assert _ids(lv.requirement(EXTERNAL)) == {"misalignment-response-unspecified"}


def test_deepmind_governance() -> None:
    fw = _load("deepmind")
    assert fw.governance.policy_review_months == 12
    sign_off = fw.governance.sign_off[0]
    assert sign_off.roles == ["governance-function"]
    assert set(DEEPMIND_SECURITY) <= set(sign_off.levels)
    # v3.0 as summarised restates no compute multiple or interval: left unset.
    assert fw.governance.reassessment.effective_compute_multiple is None
    assert fw.governance.reassessment.months is None


# ------------------------------------------------------------------ xAI RMF, August 2025


def test_xai_acceptance_criteria_are_numeric_with_the_right_direction() -> None:
    fw = _load("xai")
    expected = {
        "bio-chem-above-acceptance": ("restricted_bio_chem", "answer_rate", 0.05),
        "dishonesty-above-acceptance": ("mask", "dishonesty_rate", 0.5),
    }
    for level_id, (eval_id, metric, value) in expected.items():
        _, lv = fw.level(level_id)
        assert isinstance(lv.trigger, S.Comparison)
        assert (lv.trigger.evaluation, lv.trigger.metric) == (eval_id, metric)
        assert lv.trigger.op is S.Op.GE  # failing the criterion: at or above
        assert lv.trigger.value == value
        assert fw.evaluation(eval_id).higher_is_more_capable is True
    verifications = {s.id: s.verification for s in fw.safeguards if s.verification is not None}
    bio = verifications["bio-chem-safeguards"]
    assert bio is not None and (bio.evaluation, bio.op, bio.value) == (
        "restricted_bio_chem",
        S.Op.LT,
        0.05,
    )
    honesty = verifications["honesty-safeguards"]
    assert honesty is not None and (honesty.evaluation, honesty.op, honesty.value) == (
        "mask",
        S.Op.LT,
        0.5,
    )


def test_xai_halts_release_but_not_development() -> None:
    fw = _load("xai")
    halts = [r for r in fw.rules if r.kind is S.RuleKind.HALT]
    assert halts and all(CT not in r.actions for r in halts)
    assert EXTERNAL in {a for r in halts for a in r.actions}
    assert fw.evaluation("mask").task == "inspect_evals/mask"


# ------------------------------------------------------------------ xAI draft, February 2025

DRAFT_TABLE = {
    # evaluation id, metric (None: the evaluation's own) -> (op, illustrative value)
    ("vct", None): (S.Op.GE, 0.15),
    ("wmdp_bio", None): (S.Op.GE, 0.65),
    ("protocolqa", None): (S.Op.GE, 0.50),
    ("biolp_bench", None): (S.Op.GE, 0.20),
    ("cybench", None): (S.Op.GE, 0.30),
    ("wmdp_cyber", None): (S.Op.GE, 0.50),
    ("mask", "lying_rate"): (S.Op.GE, 0.5),
    ("utility_engineering", "power_correlation_coercive"): (S.Op.GE, 0.0),
    ("utility_engineering", "power_correlation_noncoercive"): (S.Op.GE, 0.5),
    ("utility_engineering", "fitness_correlation"): (S.Op.GE, 0.5),
    ("corrigibility", "corrigibility_score"): (S.Op.LE, 0.2),
}


def test_xai_draft_table_is_numeric_with_the_right_directions() -> None:
    fw = _load("xai-draft")
    found = {
        (c.evaluation, c.metric): (c.op, c.value)
        for d in fw.domains
        for lv in d.levels
        for c in _comparisons(lv.trigger)
    }
    assert found == DRAFT_TABLE
    assert fw.evaluation("corrigibility").higher_is_more_capable is False
    assert fw.evaluation("wmdp_bio").task == "inspect_evals/wmdp_bio"


def test_xai_draft_values_are_marked_illustrative() -> None:
    fw = _load("xai-draft")
    assert fw.notes is not None and "ILLUSTRATIVE" in fw.notes
    for d in fw.domains:
        for lv in d.levels:
            assert lv.description is not None and "ILLUSTRATIVE" in lv.description
            assert lv.citation is not None and lv.citation.section is not None
            assert "illustrative" in lv.citation.section


# ------------------------------------------------------------------ self-tests


@pytest.mark.parametrize("key", sorted(FILES))
def test_self_tests_give_the_expected_verdicts(key: str) -> None:
    """Each fixture's scenarios, drawn from its source, decide as the source says."""
    from redline.decide.selftest import run_self_tests

    failures = [
        f"{o.name}: {f}" for o in run_self_tests(_load(key)) if not o.passed for f in o.failures
    ]
    assert not failures, "\n".join(failures)
