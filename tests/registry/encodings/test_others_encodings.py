"""The encodings of Microsoft (2025, 2026), Naver (2024, 2.0), Amazon, Cohere, G42, Magic
and NVIDIA cite their own published document, record the text their quotes were checked
against, and keep the structural fixes of issue 14 (the verdict-level fixes are the
encodings' own self-tests)."""

from __future__ import annotations

import pytest

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry import api
from redline.registry.load import FRAMEWORKS

FILES = [
    "microsoft-fgf-2025.yaml",
    "microsoft-fgf-2026.yaml",
    "naver-asf-2024.yaml",
    "naver-asf-v2.0.yaml",
    "amazon-fmsf-2025.yaml",
    "cohere-secure-ai-fmf-2025.yaml",
    "g42-fsf-2025.yaml",
    "magic-agi-readiness-policy-2024.yaml",
    "nvidia-frontier-ai-risk-assessment-2025.yaml",
]


def _load(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


@pytest.mark.parametrize("name", FILES)
def test_cites_only_its_own_document_with_quotes(name: str) -> None:
    fw = _load(name)
    doc = fw.framework.document
    assert fw.framework.source_url and doc is not None and doc.text is not None
    assert doc.text.repo and doc.text.path and doc.text.commit
    cited = api.citation_urls(fw)
    assert cited
    # Weak citations of the old encodings (rating sites, trackers, summaries) are gone.
    assert {url for _, url in cited} == {fw.framework.source_url}, name
    quotes = [q for c in _all_citations(fw) for q in c.all_quotes()]
    assert len(quotes) >= 25
    assert all(len(q) <= 300 for q in quotes)


def _all_citations(fw: S.Framework) -> list[S.Citation]:
    out = [fw.scope.citation, fw.governance.citation, fw.governance.reassessment.citation]
    for d in fw.domains:
        out += [d.citation, *(lv.citation for lv in d.levels)]
    out += [s.citation for s in fw.safeguards] + [r.citation for r in fw.rules]
    out += [r.citation for r in fw.governance.roles]
    out += [a.citation for a in fw.external_input.trusted_actors]
    return [c for c in out if c is not None]


def test_versions_link_to_their_predecessors() -> None:
    ms, naver = _load("microsoft-fgf-2026.yaml"), _load("naver-asf-v2.0.yaml")
    assert (ms.framework.supersedes, ms.framework.date) == ("1", "2026-02")
    assert ms.framework.id == _load("microsoft-fgf-2025.yaml").framework.id
    assert naver.framework.supersedes == "1.0"
    assert naver.framework.id == _load("naver-asf-2024.yaml").framework.id


def test_month_only_dates_stay_months() -> None:
    for name in (
        "cohere-secure-ai-fmf-2025.yaml",
        "g42-fsf-2025.yaml",
        "nvidia-frontier-ai-risk-assessment-2025.yaml",
    ):
        assert _load(name).framework.date == "2025-02", name


def test_g42_mitigations_are_required_before_the_threshold() -> None:
    fw = _load("g42-fsf-2025.yaml")
    for level in ("bio-frontier-capability-threshold", "cyber-frontier-capability-threshold"):
        _, lv = fw.level(level)
        needed = {r for rb in lv.required_before for r in rb.safeguards}
        assert needed == {"sml-2", "dml-2"}


def test_cohere_regression_is_mitigated_not_forbidden() -> None:
    fw = _load("cohere-secure-ai-fmf-2025.yaml")
    for level in ("malicious-use-regression", "ordinary-use-regression"):
        _, lv = fw.level(level)
        assert lv.requirement(S.Action.EXTERNAL_DEPLOYMENT) == ["regression-mitigated"]


def test_amazon_thresholds_count_when_demonstrated_and_sharing_is_recorded() -> None:
    fw = _load("amazon-fmsf-2025.yaml")
    assert all(
        lv.evidence.standard is S.EvidenceStandard.DEMONSTRATED
        for d in fw.domains
        for lv in d.levels
    )
    assert fw.transparency is not None
    shared = {a for d in fw.transparency.trusted_only for a in d.shared_with}
    assert shared == {"frontier-model-forum", "industry-and-government-fora"}


def test_probability_times_severity_scoring_invents_no_bands() -> None:
    for name, domain in (
        ("nvidia-frontier-ai-risk-assessment-2025.yaml", "hazard-risk"),
        ("cohere-secure-ai-fmf-2025.yaml", "harms-in-context"),
    ):
        fw = _load(name)
        d = next(d for d in fw.domains if d.id == domain)
        assert d.risk_matrix is not None and d.risk_matrix.combine == "product"
        dims = {f.dimension for f in d.risk_matrix.factors}
        assert {"likelihood", "severity"} <= dims
        assert len(d.risk_matrix.bands) == 1, "the text ties no response to a score"


def test_naver_beta_matrix_forbids_special_purpose_high_need() -> None:
    fw = _load("naver-asf-2024.yaml")
    _, lv = fw.level("misuse-high-risk")
    assert lv.requirement(S.Action.EXTERNAL_DEPLOYMENT) == S.ActionRequirement.FORBIDDEN
    assert lv.requirement(S.Action.CONTINUE_TRAINING) == []
