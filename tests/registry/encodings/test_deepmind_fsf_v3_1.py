"""DeepMind FSF v3.1: tracked capability levels, the merged ML R&D and misalignment domain,
SL2+, and the low-risk external deployment exemption, as the text states them."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.load import load_file
from redline.registry.load import FRAMEWORKS

A = S.Action


def _fw() -> S.Framework:
    loaded = load_file(FRAMEWORKS / "deepmind-fsf-v3.1.yaml")
    assert not loaded.errors, "\n".join(p.format() for p in loaded.errors)
    assert loaded.framework is not None
    return loaded.framework


def test_identity_and_versions() -> None:
    ident = _fw().framework
    assert (ident.id, ident.version, ident.supersedes) == (
        "gdm-frontier-safety-framework",
        "3.1",
        "3.0",
    )
    assert ident.document is not None and ident.document.text is not None
    assert ident.document.text.sha256.startswith("5789f077")


def test_domains_merge_ml_rnd_and_misalignment_with_tcls() -> None:
    fw = _fw()
    assert [d.id for d in fw.domains] == [
        "cbrn",
        "cyber",
        "harmful-manipulation",
        "ml-rnd-misalignment",
    ]
    _, tcl = fw.level("cbrn-tcl")
    assert "misuse-safety-case" not in tcl.requirement(A.EXTERNAL_DEPLOYMENT)
    _, ccl = fw.level("cbrn-uplift-1")
    assert "misuse-safety-case" in ccl.requirement(A.EXTERNAL_DEPLOYMENT)
    assert "misuse-safety-case" not in ccl.requirement(A.INTERNAL_DEPLOYMENT)


def test_low_risk_exemption_is_bound_to_low_risk_tiers_and_a_governance_determination() -> None:
    fw = _fw()
    (ex,) = [e for e in fw.exemptions if e.id == "low-risk-external-deployment"]
    assert ex.binding and ex.actions == [A.EXTERNAL_DEPLOYMENT]
    assert set(ex.tiers) == {S.Tier.LIMITED, S.Tier.TRUSTED_USERS}
    assert isinstance(ex.when, S.ManualCondition)
    assert ex.when.manual.determined_by == "governance-function"
    (mr,) = [e for e in fw.exemptions if e.grounds is S.ExemptionGrounds.MARGINAL_RISK]
    assert not mr.binding


def test_assurance_safeguards_and_sl2_plus() -> None:
    fw = _fw()
    for sid in ("misuse-residual-risk-acceptable", "misuse-safety-case", "ml-rnd-safety-case"):
        assert fw.safeguard(sid).kind is S.SafeguardKind.ASSURANCE
    assert fw.safeguard("rand-sl3").implies == ["sl2-plus"]
