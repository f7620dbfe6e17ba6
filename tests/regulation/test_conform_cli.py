"""``redline conform`` and ``redline registry conformance`` on the command line: exit
codes, --json, bad input as one located message, and every registry encoding and the
example framework through every regime."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.registry.api import registry_entries
from redline.regulation import REGIME_IDS, load_regime

ROOT = Path(__file__).resolve().parents[2]
CONFORMING = ROOT / "tests" / "fixtures" / "regulation" / "conforming.yaml"
EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_all_met_exits_0(regime: str) -> None:
    code, out, _ = _run("conform", str(CONFORMING), "--regime", regime)
    assert code == 0, out
    assert "all met" in out and "our reading" in out


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_json_document(regime: str) -> None:
    code, out, _ = _run("conform", str(CONFORMING), "--regime", regime, "--json")
    data = json.loads(out)
    assert code == 0 and data["all_met"] is True
    results = data["conformance"]["results"]
    assert [r["id"] for r in results] == [q.id for q in load_regime(regime).requirements]
    assert {r["status"] for r in results} <= {"met", "not_checked"}


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_example_framework_runs_and_exits_by_its_result(regime: str) -> None:
    code, out, _ = _run("conform", str(EXAMPLE), "--regime", regime, "--json")
    data = json.loads(out)
    assert code == (0 if data["all_met"] else 1)
    assert len(data["conformance"]["results"]) == len(load_regime(regime).requirements)


def _ids() -> list[str]:
    return [e.path.name for e in registry_entries()]


@pytest.mark.parametrize("regime", REGIME_IDS)
@pytest.mark.parametrize("name", _ids())
def test_every_registry_encoding(regime: str, name: str) -> None:
    entry = next(e for e in registry_entries() if e.path.name == name)
    code, out, err = _run("conform", str(entry.path), "--regime", regime, "--json")
    assert code in (0, 1), err
    data = json.loads(out)
    assert code == (0 if data["all_met"] else 1)
    for r in data["conformance"]["results"]:
        assert r["status"] in ("met", "partly", "missing", "not_checked")
        assert r["status"] == "not_checked" or r["reason"], r["id"]


def test_a_missing_requirement_exits_1(tmp_path: Path) -> None:
    text = CONFORMING.read_text(encoding="utf-8")
    assert "policy_review_months: 12" in text
    fw = tmp_path / "fw.yaml"
    fw.write_text(text.replace("policy_review_months: 12", "policy_review_months: 18"))
    code, out, _ = _run("conform", str(fw), "--regime", "sb53")
    assert code == 1 and "not all met" in out and "b1-annual-review" in out


def test_missing_file() -> None:
    code, out, err = _run("conform", "/nonexistent/fw.yaml", "--regime", "sb53")
    assert code == 1 and out == ""
    assert "/nonexistent/fw.yaml:1:1: no such file" in err and "Traceback" not in err


def test_unknown_regime_is_a_usage_error() -> None:
    code, _, err = _run("conform", str(CONFORMING), "--regime", "gdpr")
    assert code == 2 and "unknown regime 'gdpr'" in err and "sb53" in err


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nframework:\n  id: [oops\n", encoding="utf-8")
    code, out, err = _run("conform", str(bad), "--regime", "eu-gpai-cop")
    assert code == 1 and f"{bad}:3:" in err and "Traceback" not in err + out
    code, out, _ = _run("conform", str(bad), "--regime", "eu-gpai-cop", "--json")
    errors = json.loads(out)["errors"]
    assert code == 1 and errors[0]["file"] == str(bad) and errors[0]["line"] == 3


def test_schema_error_names_the_field(tmp_path: Path) -> None:
    text = CONFORMING.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("policy_review_months: 12", "policy_review_months: soon"))
    code, _, err = _run("conform", str(bad), "--regime", "ny-raise")
    assert code == 1 and "policy_review_months" in err and "Traceback" not in err


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_registry_conformance(regime: str) -> None:
    code, out, _ = _run("registry", "conformance", "--regime", regime, "--json")
    data = json.loads(out)
    assert code == 0 and data["regime"] == regime
    assert len(data["frameworks"]) == len(registry_entries())
    checked = {q.id for q in load_regime(regime).requirements if q.mapping is not None}
    assert all(set(f["results"]) >= checked for f in data["frameworks"])
    code, table, _ = _run("registry", "conformance", "--regime", regime)
    assert code == 0 and "M met, P partly, - missing" in table


def test_registry_conformance_unknown_regime() -> None:
    code, _, err = _run("registry", "conformance", "--regime", "nope")
    assert code == 2 and "unknown regime" in err


# ------------------------------------------------------- regime quotes vs texts


def _synthetic_text(regime_id: str) -> str:
    """A stand-in source text holding every quote of the regime, reflowed the way a
    PDF extraction is (line breaks, doubled spaces, straight quote marks): it tests
    the matching, not the quotes (the statutes are not shipped with redline)."""
    from redline.regulation.quote_check import regime_quotes

    parts = []
    for q in regime_quotes(load_regime(regime_id)):
        words = q.text.replace("\u201c", '"').replace("\u201d", '"').split(" ")
        half = len(words) // 2
        parts.append("Preamble.  " + " ".join(words[:half]) + "\n  " + "  ".join(words[half:]))
    return "\n\n".join(parts)


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_regime_quotes_found_in_their_text(tmp_path: Path, regime: str) -> None:
    (tmp_path / f"{regime}.txt").write_text(_synthetic_text(regime), encoding="utf-8")
    code, out, _ = _run(
        "registry", "regime-quotes", "--sources", str(tmp_path), "--regime", regime, "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["missed"] == 0 and data["checked"] > 0
    assert data["documents"] == {regime: f"{regime}.txt"}


def test_a_changed_quote_is_not_found(tmp_path: Path) -> None:
    text = _synthetic_text("sb53")
    assert text.count("languages") == 1
    text = text.replace("languages", "tongues")
    (tmp_path / "statute.txt").write_text(text, encoding="utf-8")
    url = load_regime("sb53").document.url
    (tmp_path / "quote-sources.tsv").write_text(f"{url}\tstatute.txt\n", encoding="utf-8")
    code, out, _ = _run("registry", "regime-quotes", "--sources", str(tmp_path), "--regime", "sb53")
    assert code == 1
    assert "sb53: requirements[c1d-languages].citation: quote not found in statute.txt" in out


def test_regime_quotes_without_texts_are_unchecked_not_passed(tmp_path: Path) -> None:
    code, out, _ = _run("registry", "regime-quotes", "--sources", str(tmp_path), "--json")
    data = json.loads(out)
    assert code == 0 and data["checked"] == 0 and data["unchecked"] > 0


@pytest.mark.parametrize(
    ("setup", "message"),
    [("missing", "not a folder"), ("badmap", "expected KEY<TAB>FILE")],
)
def test_regime_quotes_usage_errors(tmp_path: Path, setup: str, message: str) -> None:
    folder = tmp_path / "texts"
    if setup == "badmap":
        folder.mkdir()
        (folder / "quote-sources.tsv").write_text("just one column\n", encoding="utf-8")
    code, _, err = _run("registry", "regime-quotes", "--sources", str(folder))
    assert code == 2 and message in err and "Traceback" not in err
