"""``redline report --as sb53-transparency|eu-model-report``: field by field, gaps, and
redaction, on a decision recorded in a real ledger (no mocks)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from redline.publish.regulatory import KINDS, build_regulatory, render_regulatory
from redline.publish.views.regulatory import FIELDS, REGIME_OF
from redline.publish.views.regulatory_models import RegulatoryReportView, ReportField
from redline.regulation import load_regime
from regulation.regulatory_support import (
    ITEM_MARK,
    OUTPUT_MARK,
    RATIONALE_SECRET,
    REVIEW,
    SAFEGUARD_SECRET,
    SECRET_VALUES,
    Recorded,
    ledger_env,
    recorded,
    secret_forms,
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    root = tmp_path_factory.mktemp("reglab")
    with ledger_env(root):
        yield recorded(root)


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    """Recorded, but neither signed nor reviewed."""
    root = tmp_path_factory.mktemp("regbare")
    with ledger_env(root):
        yield recorded(root, sign=False, review=False)


def _field(v: RegulatoryReportView, req: str) -> ReportField:
    return next(f for f in v.fields if f.requirement == req)


def _texts(f: ReportField) -> str:
    return " | ".join(f"{i.label}: {i.text}" for i in f.items if isinstance(i.text, str))


def _build(rec: Recorded, kind: str, audience: str = "internal") -> RegulatoryReportView:
    with ledger_env(rec.root):
        return build_regulatory(rec.decision_id, kind, audience=audience)


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_answers_a_cited_requirement_and_every_report_requirement_is_a_field(
    kind: str,
) -> None:
    regime = load_regime(REGIME_OF[kind])
    asked = {q.id for q in regime.requirements if q.not_checked and f"--as {kind}" in q.not_checked}
    fields = [req for req, _ in FIELDS[kind][2]]
    assert len(fields) == len(set(fields))
    assert set(fields) == asked, "the regime data and the report's fields disagree"


@pytest.mark.parametrize("kind", KINDS)
def test_fields_carry_the_regime_citation(lab: Recorded, kind: str) -> None:
    v = _build(lab, kind)
    reqs = {q.id: q for q in load_regime(REGIME_OF[kind]).requirements}
    for f in v.fields:
        q = reqs[f.requirement]
        assert (f.section, f.quote) == (q.citation.section, q.citation.quote)
        assert f.status in ("filled", "partial", "gap", "withheld")
        # A gap says what is missing; a filled field has items and no gap.
        if f.status == "gap":
            assert f.gap and not f.items
        if f.status == "filled":
            assert f.items and not f.gap
        if f.status == "partial":
            assert f.items and f.gap
    assert sum(v.counts.values()) == len(v.fields)
    assert v.decision.decision_id == lab.decision_id


def test_sb53_fields_from_the_record(lab: Recorded) -> None:
    v = _build(lab, "sb53-transparency")
    assert v.model == "lab/ckpt-100"
    # (c)(1): facts about the product that the ledger does not hold are gaps.
    for req in ("c1a-website", "c1b-contact", "c1c-release-date", "c1d-languages",
                "c1e-modalities", "c1f-intended-uses", "c1g-restrictions"):  # fmt: skip
        assert _field(v, req).status == "gap", req
    a = _texts(_field(v, "c2a-assessments"))
    assert "Testlab" in a and "assess-202602010900" in a and "redline/bio_proxy" in a
    assert "fewshot=3" in a and "38 of 144 items used" in a
    b = _texts(_field(v, "c2b-results"))
    assert "accuracy 0.3, interval [0.15, 0.6] at 0.95 (hypergeometric-cs max of 2)" in b
    assert "refusal_rate 0.2" in b
    assert "0.5873" in b  # the threshold, shown to the internal audience
    assert "Blocked: external deployment" in b
    c = _field(v, "c2c-third-parties")
    assert c.status == "partial" and REVIEW in _texts(c)
    d = _texts(_field(v, "c2d-other-steps"))
    assert "Refusal training" in d and "failed its verification" in d
    assert "final: every required role signed" in d and "Sign-off: Responsible Scaling Officer" in d


def test_eu_fields_from_the_record(lab: Recorded) -> None:
    v = _build(lab, "eu-model-report")
    e = _texts(_field(v, "m7.3-1e-evaluations"))
    assert "Inspect task redline/bio_proxy, scored by accuracy" in e
    assert "interval [0.15, 0.6]" in e
    s = _field(v, "m7.3-1f-samples")
    # The log holds 4 samples, fewer than the five the Code asks for: partly filled.
    assert s.status == "partial" and "Bio eval (4)" in (s.gap or "")
    assert ITEM_MARK in _texts(s) and OUTPUT_MARK in _texts(s)
    assert len([i for i in s.items if i.label.startswith("Bio eval: sample")]) == 4
    sec = _field(v, "m7.3-3-security")
    assert "Security level 2" in _texts(sec) and "Refusal training" not in _texts(sec)
    assert "Security Goal" in (sec.gap or "")
    safety = _field(v, "m7.3-2-safety-mitigations")
    assert "Refusal training" in _texts(safety) and "Security level 2" not in _texts(safety)
    dec = _field(v, "m7.2-3-decision")
    assert dec.status == "filled" and REVIEW in _texts(dec)
    for req in ("m7.1-2-use", "m7.1-4-specification", "m7.3-1g-access", "m7.5-landscape"):
        assert _field(v, req).status == "gap", req


def test_samples_are_reproducible(lab: Recorded) -> None:
    a = _build(lab, "eu-model-report")
    b = _build(lab, "eu-model-report")
    assert _field(a, "m7.3-1f-samples").items == _field(b, "m7.3-1f-samples").items


def test_what_the_record_lacks_is_a_gap_not_invented(bare: Recorded) -> None:
    v = _build(bare, "sb53-transparency")
    c = _field(v, "c2c-third-parties")
    assert c.status == "gap" and "no review" in (c.gap or "")
    d = _texts(_field(v, "c2d-other-steps"))
    assert "not final; awaiting" in d and "Sign-off:" not in d
    eu = _build(bare, "eu-model-report")
    dec = _field(eu, "m7.2-3-decision")
    assert dec.status == "partial" and "No external input" in (dec.gap or "")
    assert _field(eu, "m7.4-1-external-reports").status == "gap"


def _leaks(text: str, values: tuple[float, ...], marks: tuple[str, ...]) -> list[str]:
    found = [m for m in marks if m in text]
    found += [f for v in values for f in secret_forms(v) if f in text]
    return found


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["html", "json"])
def test_public_view_withholds_what_the_framework_restricts(
    lab: Recorded, kind: str, fmt: str
) -> None:
    text = render_regulatory(_build(lab, kind, "public"), fmt)
    marks = (SAFEGUARD_SECRET, RATIONALE_SECRET, ITEM_MARK, OUTPUT_MARK)
    assert _leaks(text, SECRET_VALUES, marks) == []
    assert "Values invite gaming." in text  # the withheld marker says why


@pytest.mark.parametrize("kind", KINDS)
def test_trusted_view_shows_trusted_only_and_withholds_withheld(lab: Recorded, kind: str) -> None:
    text = render_regulatory(_build(lab, kind, "trusted"), "json")
    assert _leaks(text, (), (SAFEGUARD_SECRET, RATIONALE_SECRET)) == []
    if kind == "eu-model-report":
        assert ITEM_MARK in text  # evaluation items are trusted_only
    internal = render_regulatory(_build(lab, kind, "internal"), "json")
    assert SAFEGUARD_SECRET in internal


def test_public_samples_field_is_withheld_not_a_gap(lab: Recorded) -> None:
    f = _field(_build(lab, "eu-model-report", "public"), "m7.3-1f-samples")
    assert f.status == "withheld"


def test_html_is_self_contained(lab: Recorded) -> None:
    page = render_regulatory(_build(lab, "eu-model-report", "internal"), "html")
    assert "default-src 'none'" in page
    for bad in ("<script", " src=", "@import", "url(", 'rel="stylesheet"'):
        assert bad not in page, bad
    assert page.count('class="sheet field"') == len(FIELDS["eu-model-report"][2])


def test_json_round_trips(lab: Recorded) -> None:
    data = json.loads(render_regulatory(_build(lab, "sb53-transparency", "public"), "json"))
    assert data["kind"] == "sb53-transparency" and data["regime"]["id"] == "sb53"
    RegulatoryReportView.model_validate(data)


def test_unrecorded_assessment_is_an_error(lab: Recorded) -> None:
    from redline.publish.assessment import PublishError

    with ledger_env(lab.root), pytest.raises(PublishError, match=r"ledger\.json"):
        build_regulatory(str(lab.unrecorded), "sb53-transparency")


def test_assessment_directory_names_its_decision(lab: Recorded) -> None:
    with ledger_env(lab.root):
        v = build_regulatory(str(lab.assessment), "sb53-transparency")
    assert v.decision.decision_id == lab.decision_id


def test_regime_urls_are_text_not_requests(lab: Recorded) -> None:
    page = render_regulatory(_build(lab, "sb53-transparency", "public"), "html")
    assert "leginfo.legislature.ca.gov" in page and 'href="https://leginfo' not in page
