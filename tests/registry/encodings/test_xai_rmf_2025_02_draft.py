"""xai-rmf-2025-02-draft.yaml: re-encoded from the draft's own text, first in the chain."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS


def _fw(name: str) -> S.Framework:
    loaded = load_file(FRAMEWORKS / name)
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_first_in_the_chain_and_read_from_the_draft() -> None:
    draft, rmf = _fw("xai-rmf-2025-02-draft.yaml"), _fw("xai-rmf-2025-08.yaml")
    assert draft.framework.supersedes is None
    assert rmf.framework.supersedes == draft.framework.version
    assert draft.framework.document is not None and draft.framework.document.text is not None
    assert draft.framework.document.text.path.endswith("xai_rmf_draft-2025-02-20_2025-02-20.txt")


def test_the_drafts_clauses_are_encoded() -> None:
    fw = _fw("xai-rmf-2025-02-draft.yaml")
    assert {e.id for e in fw.exemptions} == {"benefits-outweigh-benchmark", "vetted-trusted-users"}
    assert [s.id for s in fw.safeguards if s.kind is S.SafeguardKind.SECURITY] == [
        "information-security-non-state"
    ]
    assert fw.governance.noncompliance_reporting
    assert fw.transparency is not None and fw.transparency.trusted_only
    lc = next(d for d in fw.domains if d.id == "loss-of-control").levels[0]
    assert S.Action.INTERNAL_DEPLOYMENT in lc.requires
