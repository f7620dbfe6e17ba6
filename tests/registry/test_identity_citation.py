"""The identity of an encoded version (kind, month-only date, supersedes,
companion_of, document text) and the citation's quotes and interpretation."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.framework import schema as S
from redline.framework.load import load_text

EXAMPLE = Path(__file__).parents[2] / "examples" / "frontier-framework.yaml"


def _with_identity(block: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("\nframework:\n")
    end = text.index("\n\n", start + 1)
    return text[:start] + "\nframework:\n" + block + text[end:]


BASE = """  id: acme-fcf
  organisation: Acme
  name: Frontier Compliance Framework
  version: "2"
  fictional: true
"""


def _load(extra: str) -> tuple[S.Framework | None, list[str]]:
    loaded = load_text(_with_identity(BASE + extra), "fw.yaml")
    return loaded.framework, [p.format() for p in loaded.errors]


def test_month_only_date_stays_a_month() -> None:
    fw, errors = _load('  date: "2026-02"\n')
    assert not errors
    assert fw is not None
    assert fw.framework.date == "2026-02"
    assert fw.framework.date_text == "2026-02"
    assert fw.framework.date_key == (2026, 2, 0)


def test_a_day_is_still_a_date() -> None:
    fw, errors = _load("  date: 2026-07-24\n")
    assert not errors and fw is not None
    assert fw.framework.date_text == "2026-07-24"


@pytest.mark.parametrize("bad", ['"2026-13"', '"Feb 2026"', '"2026"'])
def test_a_bad_month_is_an_error_at_its_line(bad: str) -> None:
    _, errors = _load(f"  date: {bad}\n")
    assert errors and "framework.date" in errors[0]
    assert errors[0].startswith("fw.yaml:")


def test_compliance_framework_with_companion_and_document() -> None:
    fw, errors = _load(
        "  date: 2026-07-24\n"
        "  kind: compliance_framework\n"
        "  companion_of: acme-rsp\n"
        "  document:\n"
        "    text:\n"
        "      repo: example/corpus\n"
        "      path: text/acme.txt\n"
        "      commit: e2145ad62d7287de5441e5579b441ceac5e210ef\n"
        f"      sha256: {'a' * 64}\n"
    )
    assert not errors, errors
    assert fw is not None
    assert fw.framework.kind == S.FrameworkKind.COMPLIANCE_FRAMEWORK
    assert fw.framework.document is not None and fw.framework.document.text is not None
    assert fw.framework.document.text.sha256 == "a" * 64


def test_companion_of_needs_the_compliance_kind() -> None:
    _, errors = _load("  date: 2026-07-24\n  companion_of: acme-rsp\n")
    assert any("companion_of is for compliance frameworks only" in e for e in errors)


def test_compliance_framework_names_its_companion() -> None:
    _, errors = _load("  date: 2026-07-24\n  kind: compliance_framework\n")
    assert any("names the safety framework it accompanies" in e for e in errors)


def test_bad_sha256_is_located() -> None:
    _, errors = _load("  date: 2026-07-24\n  document:\n    text:\n      sha256: abc\n")
    assert errors and "framework.document.text.sha256" in errors[0]


def test_citation_quotes_and_interpretation() -> None:
    c = S.Citation.model_validate(
        {
            "section": "Table 4.a",
            "quote": "one",
            "quotes": ["two"],
            "interpretation": {"reading": "precautionary", "reason": "not stated"},
        }
    )
    assert c.source is None
    assert c.all_quotes() == ["one", "two"]
    with pytest.raises(ValueError):
        S.Citation.model_validate({"interpretation": {"reading": "x"}})
