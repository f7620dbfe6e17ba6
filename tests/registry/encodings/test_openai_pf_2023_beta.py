"""OpenAI Preparedness Framework (Beta), checked against its text: quoted citations of
its own document, the Scorecard rules, and nothing the Beta does not say."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def _fw() -> S.Framework:
    loaded = load_file(FRAMEWORKS / "openai-pf-2023-beta.yaml")
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_cites_its_own_text_with_quotes() -> None:
    fw = _fw()
    doc = fw.framework.document
    assert doc is not None and doc.text is not None
    assert doc.text.sha256.startswith("704f3be1")
    cited = [
        *(d.citation for d in fw.domains),
        *(lv.citation for d in fw.domains for lv in d.levels),
        *(s.citation for s in fw.safeguards),
        *(r.citation for r in fw.rules),
    ]
    assert all(c is not None and c.source is None and c.all_quotes() for c in cited)


def test_unstated_things_stay_unstated() -> None:
    g = _fw().governance
    assert g.dissent is None
    assert g.policy_review_months is None
    assert g.noncompliance_reporting is None
    assert g.reassessment.effective_compute_multiple == 2
    assert _fw().safeguard("critical-alignment-evidence").kind is S.SafeguardKind.ASSURANCE
