"""``redline registry check-quotes``: tolerant of whitespace, line breaks, line-end
hyphenation, typographic quote marks and dashes, form feeds; exact otherwise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redline.registry.quotes import Document, check

TEXTS = Path(__file__).parents[1] / "fixtures" / "quotes" / "texts"
SHA = "0317da892f31919a91b961b8ae5d4abdc95cbdfaaf7e3b37eeaf6d376899e09c"
ROOT = Path(__file__).parents[2]

FOUND = [
    "Section 2.1 Deployment decisions",  # hyphenated across a line end, U+2010
    'reaches a "Critical" level',  # typographic quotes in the text
    "reaches a \u201cCritical\u201d level unless safeguards",  # typographic in both, line break
    "in place - the safety case",  # em dash, form feed
    "in place \u2014 the safety case",
    "well-known to the board",  # a compound split at a line end keeps its hyphen
    "We   will not\n deploy",  # whitespace in the quote
]
MISSED = [
    "Section 2.1 Deployment decision making",  # a word added
    'reaches a "critical" level',  # case
    "reaches the Critical level",  # a word changed, quotes dropped
    "unless safeguard are in place",  # one letter
    "We will not deploy any model",  # paraphrase
]


@pytest.mark.parametrize("quote", FOUND)
def test_tolerated_differences_match(quote: str) -> None:
    assert Document.read(TEXTS / "policy.txt").contains(quote)


@pytest.mark.parametrize("quote", MISSED)
def test_near_misses_are_misses(quote: str) -> None:
    assert not Document.read(TEXTS / "policy.txt").contains(quote)


def _encoding(tmp: Path, sha: str | None, quotes: list[str], other: str | None = None) -> Path:
    doc = f"  document:\n    text: {{sha256: {sha}}}\n" if sha else ""
    lines = [
        "schema_version: 1",
        "framework:",
        "  id: acme-fsf",
        "  organisation: Acme",
        "  name: Frontier Safety Framework",
        '  version: "1"',
        "  date: 2026-01-01",
        "  source_url: https://example.org/acme-fsf-1.pdf",
        doc.rstrip("\n"),
        "scope:",
        "  description: Acme's models.",
        "  citation:",
        f"    quote: {json.dumps(quotes[0])}",
        "    quotes:",
        *[f"      - {json.dumps(q)}" for q in quotes[1:]],
    ]
    if other:
        lines += [
            "governance:",
            "  citation:",
            "    source: https://example.org/other.pdf",
            f"    quote: {json.dumps(other)}",
        ]
    path = tmp / "acme-fsf-1.yaml"
    path.write_text("\n".join(x for x in lines if x) + "\n", encoding="utf-8")
    return path


def test_matched_by_sha256_and_misses_located(tmp_path: Path) -> None:
    enc = _encoding(tmp_path, SHA, [FOUND[0], MISSED[0], FOUND[1]])
    report = check([enc], TEXTS)
    assert report.checked == 3
    assert report.lines() == ["acme-fsf-1.yaml:16: quote not found in policy.txt"]
    assert not report.ok


def test_unknown_document_is_unchecked_not_passed(tmp_path: Path) -> None:
    enc = _encoding(tmp_path, "a" * 64, [FOUND[0]], other="anything")
    report = check([enc], TEXTS)
    assert report.checked == 0
    assert len(report.unchecked) == 2
    assert report.ok  # unchecked is reported, not a miss


def test_name_map_covers_other_documents_and_own_copies(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "mine.txt").write_text("My own extraction: we will not deploy.\n", encoding="utf-8")
    (texts / "other.txt").write_text("Another document says this.\n", encoding="utf-8")
    (texts / "quote-sources.tsv").write_text(
        "acme-fsf@1\tmine.txt\nhttps://example.org/other.pdf\tother.txt\n", encoding="utf-8"
    )
    enc = _encoding(tmp_path, "b" * 64, ["we will not deploy."], other="Another document says")
    report = check([enc], texts)
    assert (report.checked, report.lines()) == (2, [])


def test_bad_name_map_is_a_usage_error(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "quote-sources.tsv").write_text("only-one-column\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"quote-sources\.tsv:1: expected KEY<TAB>FILE"):
        check([], texts)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "redline", "registry", "check-quotes", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_cli_exit_codes_and_output(tmp_path: Path) -> None:
    enc = _encoding(tmp_path, SHA, [FOUND[0], MISSED[1]])
    proc = _cli("--sources", str(TEXTS), "--file", str(enc))
    assert proc.returncode == 1, proc.stderr
    assert f"{enc}:16: quote not found in policy.txt" in proc.stdout
    assert "2 quotes checked, 1 not found" in proc.stdout
    proc = _cli("--sources", str(TEXTS), "--file", str(enc), "--json")
    data = json.loads(proc.stdout)
    assert data["missed"] == 1 and data["misses"][0]["line"] == 16
    proc = _cli("--sources", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "not a folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_construct_fixtures_pass_against_the_shared_texts() -> None:
    shared = ROOT.parent / "shared" / "reference" / "frameworks"
    if not shared.is_dir():
        pytest.skip("the shared reference texts are not present")
    fixtures = sorted((ROOT / "tests" / "fixtures" / "constructs").glob("*.yaml"))
    report = check(fixtures, shared)
    assert report.checked > 20
    assert report.lines() == []
