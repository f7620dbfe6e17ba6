"""Interpretations are kept apart from the quoted words in `registry show`, `compare`
and the site, and the facts summary counts them."""

from __future__ import annotations

from pathlib import Path

from redline.framework.load import load_framework
from redline.publish.citations import citation_view
from redline.registry.commands import _readings
from redline.registry.compare import _ref
from redline.registry.facts import cited, summary, unspecified

FIXTURES = Path(__file__).parents[1] / "fixtures" / "constructs"


def test_readings_keep_quotes_and_interpretation_apart() -> None:
    fw = load_framework(FIXTURES / "exemptions.yaml")
    readings = _readings(fw)
    assert [r["element"] for r in readings] == ["exemption marginal-risk"]
    r = readings[0]
    assert r["quotes"] == ["then the marginal risk added by our external deployment is likely low"]
    assert r["reading"] == "a consideration, recorded but not applied"
    assert "considerations such as" in r["reason"]


def test_compare_refs_carry_the_reading_separately() -> None:
    fw = load_framework(FIXTURES / "exemptions.yaml")
    c = next(e for e in cited(fw) if e.element == "exemption marginal-risk").citation
    ref = _ref("exemption", "marginal-risk", c)
    d = ref.as_dict()
    assert d["quotes"] == c.all_quotes()
    assert d["interpretation"] is not None and d["interpretation"].startswith("a consideration")


def test_site_citation_view_shows_the_reading_apart() -> None:
    fw = load_framework(FIXTURES / "usage-threshold.yaml")
    c = fw.domains[0].levels[0].citation
    assert c is not None
    view = citation_view(c)
    assert view.source is None  # the framework's own document
    assert view.quote == "systems that are extensively used"
    assert view.reading == "the required safeguard is a stand-in"


def test_summary_counts() -> None:
    fw = load_framework(FIXTURES / "risk-scoring.yaml")
    s = summary(fw)
    assert s.interpretations == 1 and s.quoted == 0
    fw = load_framework(FIXTURES / "artefacts-and-month.yaml")
    assert any("cadence_months" in u for u in unspecified(fw))
