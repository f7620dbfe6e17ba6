"""The registry's commands: registry list, registry show, compare."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from redline.cli import app
from redline.registry.compare import ELEMENTS

ROOT = Path(__file__).parents[2]
runner = CliRunner()


def test_list_shows_all_twenty() -> None:
    result = runner.invoke(app, ["registry", "list"])
    assert result.exit_code == 0, result.output
    for org in ("openai", "anthropic", "01-ai", "nvidia", "zhipu-ai"):
        assert org in result.output
    assert "12 published, 2 partial, 6 none found" in result.output


def test_list_json() -> None:
    result = runner.invoke(app, ["registry", "list", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["signatories"]) == 20
    openai = next(s for s in data["signatories"] if s["id"] == "openai")
    assert openai["status"] == "published"
    assert openai["latest_encoded"]["file"] == "openai-pf-v2.yaml"
    latest = {f["id"]: f for f in openai["frameworks"]}
    assert latest["openai-preparedness-framework"]["latest"]["version"] == "2"
    fgf = latest["openai-frontier-governance-framework"]
    assert fgf["kind"] == "compliance_framework"
    assert fgf["companion_of"] == "openai-preparedness-framework"
    assert fgf["latest"]["date"] == "2026-05-28"
    mistral = next(s for s in data["signatories"] if s["id"] == "mistral-ai")
    assert mistral["latest"] is None and mistral["latest_encoded"] is None


def test_show_json() -> None:
    result = runner.invoke(app, ["registry", "show", "openai", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["signatory"]["name"] == "OpenAI"
    versions = {v["version"]: v for f in data["frameworks"] for v in f["versions"]}
    assert versions["Beta"]["contents"]["levels"] == 12
    assert versions["2"]["contents"]["self_tests"] >= 2
    assert str(versions["2"]["supersedes"]).startswith("Beta")  # as the encoding says
    kinds = {f["id"]: f["kind"] for f in data["frameworks"]}
    assert kinds["openai-frontier-governance-framework"] == "compliance_framework"
    assert [c["commitment"] for c in data["commitments"]["checks"]] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII",
    ]  # fmt: skip
    assert data["commitments"]["framework"]["version"] == "2"
    assert all(s["url"] or s["kind"] == "notes" for s in data["sources"])


def test_show_text_and_errors() -> None:
    result = runner.invoke(app, ["registry", "show", "Anthropic"])
    assert result.exit_code == 0, result.output
    assert "Responsible Scaling Policy" in result.output and "Seoul commitments" in result.output
    none = runner.invoke(app, ["registry", "show", "mistral-ai", "--json"])
    assert none.exit_code == 0 and json.loads(none.output)["commitments"] is None
    missing = runner.invoke(app, ["registry", "show", "nosuch"])
    assert missing.exit_code == 1
    assert "no signatory 'nosuch'" in missing.output


def test_compare_table_is_readable_at_140_columns() -> None:
    result = runner.invoke(app, ["compare", "openai", "anthropic", "deepmind"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 140
    text = " ".join(" ".join(line.split()) for line in lines)
    for word in ("Capability", "weight", "elicitation", "Accountability", "Updating the"):
        assert word in text
    for numeral in ("I. Risk", "IV. Halting", "VIII. External"):
        assert numeral in text
    for org in ("OpenAI", "Anthropic", "Google DeepMind"):
        assert org in result.output
    assert re.search(r"[a-z0-9-]+ \(§ \S", text)  # cells cite element ids and sections


def test_compare_json_shape() -> None:
    result = runner.invoke(app, ["compare", "openai", "anthropic", "deepmind", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [f["organisation"] for f in data["frameworks"]] == [
        "OpenAI", "Anthropic", "Google DeepMind",
    ]  # fmt: skip
    keys = [r["key"] for r in data["rows"]]
    assert keys[: len(ELEMENTS)] == [k for k, _ in ELEMENTS]
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert keys[len(ELEMENTS) :] == [f"commitment_{n}" for n in numerals]
    for row in data["rows"]:
        assert len(row["cells"]) == 3
        for cell in row["cells"]:
            assert cell["status"] in {"present", "partial", "absent", "met", "partly", "missing"}
    thresholds = data["rows"][0]["cells"][1]
    assert thresholds["status"] in {"present", "partial"}
    assert thresholds["refs"] and all(r["kind"] == "level" for r in thresholds["refs"])
    assert all(r["section"] for r in thresholds["refs"])  # every ref names its locator
    assert all({"quotes", "interpretation"} <= r.keys() for r in thresholds["refs"])


def test_compare_files_versions_and_errors(tmp_path: Path) -> None:
    example = ROOT / "examples" / "frontier-framework.yaml"
    ok = runner.invoke(app, ["compare", str(example), "openai@Beta", "cohere", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["frameworks"][1]["version"] == "Beta"
    assert runner.invoke(app, ["compare", "openai"]).exit_code == 2
    unknown = runner.invoke(app, ["compare", "openai", "nosuch"])
    assert unknown.exit_code == 1 and "no signatory 'nosuch'" in unknown.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nframework: {id: x}\n", encoding="utf-8")
    invalid = runner.invoke(app, ["compare", str(bad), "openai"])
    assert invalid.exit_code == 1
    assert "bad.yaml:2:" in invalid.output


def test_history_keeps_every_version_with_its_supersedes_chain() -> None:
    from redline.registry import api

    entries = api.history("anthropic")
    rsp = [e for e in entries if e.framework == "anthropic-rsp"]
    assert [e.version for e in rsp][:3] == ["1.0", "2.0", "2.1"]
    assert {e.version for e in rsp} >= {"2.2", "3.0", "3.4"}
    fcf = [e for e in entries if e.framework == "anthropic-fcf"]
    assert fcf and all(e.kind == "compliance_framework" for e in fcf)
    assert fcf[0].companion_of == "anthropic-rsp"
    for e in entries:
        if e.encoded:
            assert e.encoding_id is not None
    latest = dict((pf.id, v.version) for pf, v in api.latest_per_framework("anthropic"))
    assert latest == {"anthropic-rsp": "3.4", "anthropic-fcf": "2"}
    # The commitments check grades the latest safety framework, never a compliance one.
    pf, _ = api.signatory("openai").encoded_safety()[-1]
    assert pf.kind == "safety_framework"


def test_supersedes_names_a_version_of_the_same_framework() -> None:
    """The contract of issue 14: supersedes is the version string of the previous version
    of the same framework, so the chain can be followed."""
    from redline.registry import api

    for sig in api.signatories():
        entries = api.history(sig.id)
        for e in entries:
            if e.encoded and e.supersedes:
                known = {x.version for x in entries if x.framework == e.framework}
                assert e.supersedes in known, (
                    f"{e.encoded}: supersedes {e.supersedes!r} is not a version of "
                    f"{e.framework} (versions: {sorted(known)})"
                )
