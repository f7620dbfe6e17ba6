"""Every encoded framework in the registry validates, is graded against the Seoul
commitments, and passes its own self-tests."""

from __future__ import annotations

import pytest

from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.commitments import COMMITMENTS, check_commitments
from redline.framework.load import load_file
from redline.registry import api
from redline.registry.load import FRAMEWORKS

ENCODED = sorted(
    (sig.id, v.encoded) for sig in api.signatories() for _, v in sig.encoded() if v.encoded
)


def _ids() -> list[str]:
    return [f"{org}:{name}" for org, name in ENCODED]


def test_every_file_in_the_data_folder_is_in_the_registry() -> None:
    on_disk = {p.name for p in FRAMEWORKS.glob("*.yaml")}
    assert on_disk == {name for _, name in ENCODED}


def test_every_published_signatory_has_an_encoding() -> None:
    for sig in api.signatories():
        if sig.status.value == "published":
            assert sig.encoded(), f"{sig.id} is published but has no encoded framework"


@pytest.mark.parametrize(("org", "name"), ENCODED, ids=_ids())
def test_encoding_validates_is_graded_and_passes_its_self_tests(org: str, name: str) -> None:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    fw = loaded.framework
    assert fw is not None
    sig = api.signatory(org)
    assert fw.framework.fictional is False
    assert fw.framework.organisation == sig.name
    assert fw.notes, "an encoding says in notes what the source leaves open"

    checks = check_commitments(fw)
    assert [c.commitment.number for c in checks] == [c.number for c in COMMITMENTS]
    for c in checks:
        assert c.reasons or c.gaps, f"commitment {c.commitment.number} explains nothing"

    assert len(fw.tests) >= 2, "each encoding carries self-tests drawn from its text"
    outcomes = run_self_tests(fw)
    failures = [f"{o.name}: {f}" for o in outcomes if not o.passed for f in o.failures]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("org", "name"), ENCODED, ids=_ids())
def test_every_element_is_cited_with_a_section(org: str, name: str) -> None:
    fw = api.load_registry_framework(org, name)
    cited: list[tuple[str, S.Citation | None]] = [
        *((f"domain {d.id}", d.citation) for d in fw.domains),
        *((f"level {lv.id}", lv.citation) for d in fw.domains for lv in d.levels),
        *((f"safeguard {s.id}", s.citation) for s in fw.safeguards),
        *((f"rule {r.id}", r.citation) for r in fw.rules),
        *((f"evaluation {e.id}", e.citation) for e in fw.evaluations),
        *((f"role {r.id}", r.citation) for r in fw.governance.roles),
        *((f"trusted actor {a.id}", a.citation) for a in fw.external_input.trusted_actors),
        ("scope", fw.scope.citation),
    ]
    for what, citation in cited:
        assert citation is not None, f"{what} has no citation"
        assert citation.section, f"{what} cites no section"
        for quote in citation.all_quotes():
            # The contract of issue 14: a quote is at most about 300 characters.
            assert len(quote) <= 300, f"{what}: a quote stays short (at most 300 characters)"


@pytest.mark.parametrize(("org", "name"), ENCODED, ids=_ids())
def test_unspecified_things_stay_visible(org: str, name: str) -> None:
    """An unspecified safeguard is never claimed in a self-test expecting it to work,
    and every domain without levels says why it has no halting level or is covered."""
    fw = api.load_registry_framework(org, name)
    unspecified = {s.id for s in fw.safeguards if not s.specified}
    for t in fw.tests:
        for sid in t.safeguards_in_place:
            assert sid not in unspecified or all(
                v != "allowed_with_conditions" for v in t.expect.values()
            ), f"{t.name}: relies on unspecified safeguard {sid}"
    for d in fw.domains:
        if d.status != "tracked":
            assert not d.levels or d.halting_exemption, d.id


def test_numeric_thresholds_stay_numeric() -> None:
    """xAI's acceptance criteria and Magic's LiveCodeBench trigger are numbers; the
    qualitative frameworks invent none."""
    xai = api.load_registry_framework("xai", "2025-08-20")
    _, lv = xai.level("bio-chem-above-acceptance")
    assert isinstance(lv.trigger, S.Comparison) and lv.trigger.value == 0.05
    magic = api.load_registry_framework("magic")
    _, trig = magic.level("coding-frontier-trigger")
    assert isinstance(trig.trigger, S.AnyCondition)
    lcb = trig.trigger.any[0]
    assert isinstance(lcb, S.Comparison) and (lcb.op, lcb.value) == (S.Op.GT, 0.5)
    for org, name in (
        ("meta", "meta-frontier-ai-framework-2025.yaml"),
        ("microsoft", "microsoft-fgf-2025.yaml"),
        ("amazon", None),
        ("g42", None),
        ("cohere", None),
    ):
        fw = api.load_registry_framework(org, name)
        assert not fw.evaluations, f"{org}: no benchmark is named, none may be invented"


def test_openai_beta_scorecard_rules() -> None:
    """Deploy only at post-mitigation Medium or below; develop further only at High or below."""
    fw = api.load_registry_framework("openai", "Beta")
    for cat in ("cyber", "cbrn", "persuasion", "model-autonomy"):
        _, high = fw.level(f"{cat}-high")
        _, critical = fw.level(f"{cat}-critical")
        assert f"{cat}-post-medium" in high.requirement(S.Action.EXTERNAL_DEPLOYMENT)
        assert f"{cat}-post-high" in critical.requirement(S.Action.CONTINUE_TRAINING)
        assert f"{cat}-post-medium" in critical.requirement(S.Action.EXTERNAL_DEPLOYMENT)
        assert fw.safeguard(f"{cat}-post-medium").implies == [f"{cat}-post-high"]
    assert fw.governance.reassessment.effective_compute_multiple == 2


def test_risk_matrices_encode_nvidia_and_naver() -> None:
    nvidia = api.load_registry_framework("nvidia")
    domain = next(d for d in nvidia.domains if d.risk_matrix is not None)
    assert domain.risk_matrix is not None and domain.risk_matrix.combine == "max"
    assert [lv.id for lv in domain.levels] == ["mr1", "mr2", "mr3", "mr4", "mr5"]
    assert domain.halting_exemption
    naver = api.load_registry_framework("naver", "naver-asf-2024.yaml")
    misuse = next(d for d in naver.domains if d.id == "misuse")
    assert misuse.risk_matrix is not None and misuse.risk_matrix.combine == "lookup"


def test_cohere_is_encoded_without_thresholds_and_the_check_says_so() -> None:
    fw = api.load_registry_framework("cohere")
    assert all(d.halting_exemption for d in fw.domains)
    assert not any(lv.kind is S.LevelKind.INTOLERABLE for d in fw.domains for lv in d.levels)
    statuses = {c.commitment.number: c.status.value for c in check_commitments(fw)}
    assert statuses["IV"] != "met"
