"""meta-frontier-ai-framework-2025.yaml cites the framework document itself
(issue 14: the previous encoding cited press sites only)."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.api import citation_urls
from redline.registry.load import FRAMEWORKS

FILE = FRAMEWORKS / "meta-frontier-ai-framework-2025.yaml"


def _fw() -> S.Framework:
    loaded = load_file(FILE)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_every_citation_is_the_framework_document() -> None:
    fw = _fw()
    own = fw.framework.source_url
    assert own == "https://ai.meta.com/static-resource/meta-frontier-ai-framework/"
    assert all(src in (None, own) for _, src in citation_urls(fw))
    assert fw.framework.document is not None and fw.framework.document.text is not None


def test_version_is_the_one_the_document_states() -> None:
    assert _fw().framework.version == "1.1"


def test_three_cyber_outcomes_and_the_release_decision() -> None:
    fw = _fw()
    cyber = next(d for d in fw.domains if d.id == "cyber")
    assert cyber.citation is not None
    assert any(q.startswith("Cyber 3") for q in cyber.citation.all_quotes())
    (so,) = fw.governance.sign_off
    assert so.roles == ["leadership-team"]
    kinds = {a.id: a.kind for a in fw.external_input.trusted_actors}
    assert kinds["government-officials"] is S.ActorKind.GOVERNMENT
