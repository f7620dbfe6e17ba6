"""The registry's facts are sourced: every fact names a source the signatory lists,
and every encoded framework cites only URLs listed for its signatory."""

from __future__ import annotations

import pytest

from redline.framework import schema as S
from redline.framework.load import load_text
from redline.registry import api
from redline.registry.load import RegistryError, load_registry_text
from redline.registry.model import Fact

ORIGINAL = {
    "amazon", "anthropic", "cohere", "google-deepmind", "g42", "ibm", "inflection-ai", "meta",
    "microsoft", "mistral-ai", "naver", "openai", "samsung-electronics",
    "technology-innovation-institute", "xai", "zhipu-ai",
}  # fmt: skip
LATER = {"magic", "minimax", "01-ai", "nvidia"}
# METR, Common Elements (December 2025): the twelve published policies.
PUBLISHED = {
    "anthropic", "openai", "google-deepmind", "magic", "naver", "meta", "g42", "cohere",
    "microsoft", "amazon", "xai", "nvidia",
}  # fmt: skip


def test_twenty_signatories_in_two_cohorts() -> None:
    sigs = api.signatories()
    assert len(sigs) == 20
    assert {s.id for s in sigs if s.signed.cohort == "original"} == ORIGINAL
    assert {s.id for s in sigs if s.signed.cohort == "later"} == LATER
    for s in sigs:
        if s.signed.cohort == "original":
            assert s.signed.date == "2024-05-21"
        else:  # the join dates of the later four were not found: never invented
            assert s.signed.date == "unknown" and s.signed.note


def test_status_follows_metr_and_saferai() -> None:
    status = {s.id: s.status.value for s in api.signatories()}
    assert {k for k, v in status.items() if v == "published"} == PUBLISHED
    assert {k for k, v in status.items() if v == "partial"} == {"ibm", "samsung-electronics"}


def _facts(sig: object) -> list[tuple[str, Fact]]:
    from redline.registry.model import Signatory

    assert isinstance(sig, Signatory)
    out: list[tuple[str, Fact]] = [
        ("headquarters", sig.headquarters),
        ("signed", sig.signed),
        ("status", sig.status),
    ]
    out += [(f"{f.id} {v.version}", v) for f in sig.frameworks for v in f.versions]
    return out


@pytest.mark.parametrize("org", sorted(ORIGINAL | LATER))
def test_every_fact_has_a_listed_source(org: str) -> None:
    sig = api.signatory(org)
    reg = api.registry()
    listed = set(sig.sources)
    for what, fact in _facts(sig):
        assert fact.source in listed, f"{org} {what}: source {fact.source} not listed"
        source = reg.source(fact.source)
        assert source.url or source.kind == "notes", f"{org} {what}: source without URL"
    for _, v in sig.versions():
        if v.document:
            assert v.document in listed


def test_unknowns_carry_notes_and_flags_follow_the_notes() -> None:
    for sig in api.signatories():
        assert sig.headquarters.country == "unknown" and sig.headquarters.note
    flags = {(s.id, v.version): v.flag for s in api.signatories() for _, v in s.versions()}
    assert flags[("g42", "2025-02")] == "secondary"
    assert flags[("amazon", "2026-09 update")] == "secondary"
    assert flags[("openai", "2026-05-28")] is None
    assert flags[("openai", "2")] is None


@pytest.mark.parametrize("org", sorted(s.id for s in api.signatories() if s.encoded()))
def test_encoded_citations_point_at_sources_listed_for_the_signatory(org: str) -> None:
    sig = api.signatory(org)
    urls = api.signatory_urls(sig)
    for _, v in sig.encoded():
        fw = api.load_registry_framework(org, v.version)
        if fw.framework.source_url is not None:
            assert fw.framework.source_url in urls, f"{v.encoded}: source_url not listed"
        cited = api.citation_urls(fw)
        assert cited, f"{v.encoded} cites nothing"
        for what, url in cited:
            assert url in urls, f"{v.encoded}: {what} cites {url}, not a source of {org}"


def test_api_lookups() -> None:
    assert api.signatory("DeepMind").id == "google-deepmind"
    assert api.signatory("Zhipu.ai").id == "zhipu-ai"
    assert api.framework_path("openai").name == "openai-pf-v2.yaml"  # latest by date
    assert api.framework_path("openai", "Beta").name == "openai-pf-2023-beta.yaml"
    # The latest safety framework by date, never a compliance framework.
    _, newest = api.signatory("anthropic").encoded_safety()[-1]
    fw = api.load_registry_framework("anthropic")
    assert fw.framework.version == newest.version
    assert fw.framework.kind == S.FrameworkKind.SAFETY_FRAMEWORK
    with pytest.raises(api.RegistryLookupError, match="did you mean 'openai'"):
        api.signatory("opnai")
    with pytest.raises(api.RegistryLookupError, match="no encoded framework"):
        api.framework_path("mistral-ai")
    with pytest.raises(api.RegistryLookupError, match="no encoded version"):
        api.framework_path("openai", "7")


def test_framework_text_has_a_header_and_validates() -> None:
    text = api.framework_text("xai")
    head = text.splitlines()[:6]
    assert head[0].startswith("# yaml-language-server: $schema=/")
    _, v = api.signatory("xai").encoded_safety()[-1]
    assert any("xAI" in line and v.date in line for line in head)
    assert v.document is not None
    assert any(str(api.registry().source(v.document).url) in line for line in head)
    loaded = load_text(text, "from-registry.yaml")
    assert not loaded.errors


REGISTRY_HEAD = """schema_version: 1
as_of: 2026-01-01
sources:
  - {id: a, kind: official, title: A, url: https://example.org/a}
signatories:
  - id: x
    name: X
"""


def test_registry_errors_are_located() -> None:
    bad = (
        REGISTRY_HEAD
        + """    headquarters: {country: unknown, source: a, note: n}
    signed: {date: 2024-05-21, cohort: original, source: b}
    status: {value: none_found, source: a}
    sources: [a]
"""
    )
    with pytest.raises(RegistryError) as exc:
        load_registry_text(bad, "reg.yaml")
    (problem,) = exc.value.problems
    assert (problem.line, problem.path) == (9, "signatories[0].signed.source")
    assert "unknown source 'b'" in problem.message

    typo = (
        REGISTRY_HEAD
        + """    headquarter: {country: unknown, source: a, note: n}
    signed: {date: 2024-05-21, cohort: original, source: a}
    status: {value: none_found, source: a}
    sources: [a]
"""
    )
    with pytest.raises(RegistryError) as exc:
        load_registry_text(typo, "reg.yaml")
    assert any(p.line == 8 and "headquarter" in p.path for p in exc.value.problems)
