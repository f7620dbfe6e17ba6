"""Audience views: redaction happens here, once, for every renderer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publish_support import (
    RATIONALE_SECRET,
    SAFEGUARD_SECRET,
    SECRET_VALUES,
    framework_dict,
    load,
    secret_forms,
    write_framework,
)

from redline.framework import schema as S
from redline.publish.views import (
    Audience,
    Withheld,
    framework_view,
    policy_for,
    safe_link,
    secret_threshold_values,
)


@pytest.fixture
def fw(tmp_path: Path) -> S.Framework:
    return load(write_framework(tmp_path / "fw.yaml"))


def _text(obj: object) -> str:
    return json.dumps(obj, default=str)


def test_public_framework_view_has_no_threshold_value_or_withheld_text(fw: S.Framework) -> None:
    data = _text(framework_view(fw, "public").model_dump(mode="json"))
    for v in SECRET_VALUES:
        for form in secret_forms(v):
            assert form not in data, form
    assert SAFEGUARD_SECRET not in data
    assert "[threshold withheld]" in data
    assert "Values invite gaming." in data  # the disclosure's reason, where it was withheld


def test_trusted_view_shows_trusted_only_but_never_withheld(fw: S.Framework) -> None:
    data = _text(framework_view(fw, "trusted").model_dump(mode="json"))
    assert "0.5873" in data and "0.4617" in data
    # The verification rule is a safeguard detail, withheld from everyone outside.
    assert SAFEGUARD_SECRET not in data and "0.9137" not in data
    assert "Security by standard only." in data


def test_internal_view_shows_everything(fw: S.Framework) -> None:
    data = _text(framework_view(fw, "internal").model_dump(mode="json"))
    assert "0.5873" in data and SAFEGUARD_SECRET in data
    assert framework_view(fw, "internal").withheld == []


def test_policy_per_audience(fw: S.Framework) -> None:
    public = policy_for(fw, Audience.PUBLIC)
    trusted = policy_for(fw, Audience.TRUSTED)
    D = S.Disclosable
    assert not public.shows(D.THRESHOLD_VALUES) and trusted.shows(D.THRESHOLD_VALUES)
    assert not public.shows(D.SAFEGUARD_DETAILS) and not trusted.shows(D.SAFEGUARD_DETAILS)
    assert public.shows(D.DECISIONS)
    # Items the transparency section does not restrict are public.
    assert public.shows(D.REVIEW_COMMENTS)
    marker = public.marker(D.THRESHOLD_VALUES)
    assert isinstance(marker, Withheld)
    assert marker.scope == "trusted_only" and marker.shared_with == ["AI Safety Institute"]
    assert trusted.marker(D.SAFEGUARD_DETAILS).scope == "withheld"


def test_no_transparency_section_restricts_nothing(tmp_path: Path) -> None:
    data = framework_dict()
    del data["transparency"]
    path = tmp_path / "open.yaml"
    from publish_support import dump_yaml

    path.write_text(dump_yaml(data), encoding="utf-8")
    assert policy_for(load(path), "public").hidden == {}


def test_scrub_removes_engine_phrasings(fw: S.Framework) -> None:
    p = policy_for(fw, "public")
    engine = [
        "bio_eval.accuracy >= 0.587: unsettled, the interval straddles the threshold "
        "(estimate 0.3, 95% interval [0.15, 0.6])",
        f"rso determined 'uplift-study' not reached: {RATIONALE_SECRET}",
        "refusal: not in place (verification: refusals.refusal_rate >= 0.914: unsettled, the "
        "interval straddles the threshold (estimate 0.2, 95% interval [0.05, 0.45]))",
        "Set 0.5873 below; 58.73% of experts",
    ]
    out = " | ".join(p.scrub(x) for x in engine)
    assert "0.587" not in out and "0.914" not in out and "0.5873" not in out and "58.73%" not in out
    assert RATIONALE_SECRET not in out
    assert "[threshold withheld]" in out and "rationale withheld" in out
    assert "verification: details withheld" in out
    # Results are public here, so the estimate stays.
    assert "estimate 0.3" in out


def test_secret_values_include_verification_and_triggers(fw: S.Framework) -> None:
    assert set(SECRET_VALUES) <= set(secret_threshold_values(fw))


@pytest.mark.parametrize(
    ("url", "clickable"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a?b=c", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ('https://example.org/"onmouseover="x', False),
        ("//example.org/a", False),
        ("vbscript:msgbox", False),
    ],
)
def test_safe_link_only_links_http(url: str, clickable: bool) -> None:
    link = safe_link(url)
    assert link is not None and link.text == url
    assert (link.href is not None) is clickable
