"""docs/registry.md is generated from the registry data and must be current."""

from __future__ import annotations

from pathlib import Path

from redline.registry.docs import registry_markdown

DOC = Path(__file__).parents[2] / "docs" / "registry.md"


def test_registry_doc_is_current() -> None:
    """Regenerate with: redline registry docs --out docs/registry.md"""
    assert DOC.read_text(encoding="utf-8") == registry_markdown(), (
        "docs/registry.md is stale: run `redline registry docs --out docs/registry.md`"
    )


def test_every_encoding_has_its_table() -> None:
    from redline.registry import api

    text = registry_markdown()
    for sig in api.signatories():
        for _, v in sig.encoded():
            assert f"\n### {v.encoded}\n" in text
    assert "| Element | Locator | Quoted | Interpretation (our reading) |" in text
