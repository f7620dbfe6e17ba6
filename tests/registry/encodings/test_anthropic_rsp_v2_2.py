"""Anthropic RSP v2.2: the issue-14 fix is in the encoding and its self-test would
have caught the old encoding (CBRN-3 internal deployment with security only)."""

from __future__ import annotations

from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS

PATH = FRAMEWORKS / "anthropic-rsp-v2.2.yaml"


def _load() -> S.Framework:
    loaded = load_file(PATH)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def _with_cbrn3_internal(fw: S.Framework, reqs: list[S.Requirement]) -> S.Framework:
    domains = []
    for d in fw.domains:
        levels = []
        for lv in d.levels:
            if lv.id == "cbrn-3":
                requires = dict(lv.requires)
                requires[S.Action.INTERNAL_DEPLOYMENT] = reqs
                lv = lv.model_copy(update={"requires": requires})
            levels.append(lv)
        domains.append(d.model_copy(update={"levels": levels}))
    return fw.model_copy(update={"domains": domains})


def test_cbrn3_internal_deployment_needs_the_deployment_standard() -> None:
    fw = _load()
    _, lv = fw.level("cbrn-3")
    internal = lv.requirement(S.Action.INTERNAL_DEPLOYMENT)
    assert isinstance(internal, list)
    alternatives = [set(r.any_of) for r in internal if isinstance(r, S.AnyOfSafeguards)]
    assert {
        "asl-3-deployment",
        "asl-3-trusted-user-controls",
        "asl-3-interim-deployment",
    } in alternatives
    assert "asl-3-security" not in {a for alt in alternatives for a in alt if len(alt) == 3}


def test_the_fix_self_test_fails_on_the_old_encoding() -> None:
    fw = _load()
    assert all(o.passed for o in run_self_tests(fw))
    old = _with_cbrn3_internal(fw, ["asl-3-security"])  # the pre-issue-14 requirement
    outcomes = {o.name: o for o in run_self_tests(old)}
    fix = next(name for name in outcomes if name.startswith("Fix (issue 14)"))
    assert not outcomes[fix].passed
    assert any("internal_deployment" in f for f in outcomes[fix].failures)


def test_citations_name_the_versioned_pdf_not_the_landing_page() -> None:
    fw = _load()
    assert fw.framework.source_url is not None
    assert fw.framework.source_url.endswith(".pdf")
    assert "anthropic.com/rsp" not in (fw.framework.source_url or "")
