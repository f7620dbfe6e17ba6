"""The framework commands: init, schema, commitments, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from redline.cli import UserError, app
from redline.framework import schema as S
from redline.framework.load import load_file, load_framework
from redline.framework.yaml_source import parse_yaml

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"
PACKAGE = ROOT / "src" / "redline" / "framework"
COMMITTED_SCHEMA = PACKAGE / "framework.schema.json"

runner = CliRunner()


def _redline() -> str:
    script = Path(sys.executable).with_name("redline")
    if not script.exists():
        pytest.skip("the redline console script is not installed")
    return str(script)


# ------------------------------------------------------------------------ init


def _expected_starter() -> str:
    text = (PACKAGE / "starter.yaml").read_text(encoding="utf-8")
    return text.replace("{schema_path}", str(COMMITTED_SCHEMA.resolve()))


def test_init_writes_a_complete_starter_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "framework.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stdout

    written = target.read_text(encoding="utf-8")
    assert written == _expected_starter()  # complete: nothing cut off, placeholder filled
    assert "{schema_path}" not in written
    assert written.endswith("\n")
    assert [p.name for p in tmp_path.iterdir()] == ["framework.yaml"]  # no temp files left

    loaded = load_file(target)
    assert loaded.framework is not None, [p.format() for p in loaded.problems]
    assert not loaded.problems, [p.format() for p in loaded.problems]
    fw = loaded.framework
    assert fw.domains and fw.evaluations and fw.safeguards and fw.rules
    assert any(r.kind is S.RuleKind.HALT for r in fw.rules)

    check = runner.invoke(app, ["validate", str(target)])
    assert check.exit_code == 0, check.output


def test_init_default_path_is_framework_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "framework.yaml").read_text(encoding="utf-8") == _expected_starter()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "framework.yaml"
    target.write_text("# my own framework\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code != 0
    assert isinstance(result.exception, UserError)
    assert "--force" in str(result.exception)
    assert target.read_text(encoding="utf-8") == "# my own framework\n"


def test_init_refusal_from_the_console_script(tmp_path: Path) -> None:
    target = tmp_path / "framework.yaml"
    target.write_text("# my own framework\n", encoding="utf-8")
    proc = subprocess.run(
        [_redline(), "init", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"error: {target} exists; pass --force to overwrite it" in proc.stderr
    assert target.read_text(encoding="utf-8") == "# my own framework\n"


def test_init_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "framework.yaml"
    target.write_text("# my own framework\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == _expected_starter()


# ---------------------------------------------------------------------- schema


def _printed_schema() -> dict[str, object]:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema: dict[str, object] = json.loads(result.stdout)
    return schema


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = _printed_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == S.json_schema()


def test_schema_accepts_the_example_and_rejects_a_typo() -> None:
    validator = jsonschema.Draft202012Validator(_printed_schema())
    data, _, problems = parse_yaml(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert not problems
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, [e.message for e in errors[:5]]
    data["framework"]["organisaton"] = data["framework"].pop("organisation")
    assert list(validator.iter_errors(data))


def test_committed_schema_is_up_to_date() -> None:
    """Regenerate with: redline schema --out src/redline/framework/framework.schema.json"""
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    committed = COMMITTED_SCHEMA.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(result.stdout), (
        "framework.schema.json is stale: run "
        "`redline schema --out src/redline/framework/framework.schema.json`"
    )
    assert committed == result.stdout


def test_schema_out_writes_the_same_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = runner.invoke(app, ["schema", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == runner.invoke(app, ["schema"]).stdout


# ----------------------------------------------------------------- commitments


def test_commitments_json_for_the_example() -> None:
    result = runner.invoke(app, ["commitments", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    checks = report["commitments"]
    assert len(checks) == 8
    assert [c["commitment"] for c in checks] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    for c in checks:
        assert c["status"] in {"met", "partly", "missing"}
        assert c["title"]
        assert isinstance(c["reasons"], list) and isinstance(c["gaps"], list)
        assert c["reasons"] or c["gaps"]
    assert report["framework"]["organisation"] == "Larkspur AI (fictional)"
    assert report["source"].startswith("https://www.gov.uk/")


def test_commitments_table_for_the_example() -> None:
    result = runner.invoke(app, ["commitments", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Source of the commitments" in result.stdout


def test_commitments_on_an_invalid_file_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nframework: {}\n", encoding="utf-8")
    result = runner.invoke(app, ["commitments", str(bad), "--json"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:")
    assert "Traceback" not in result.output


# --------------------------------------------------------------------- explain


def test_explain_mentions_every_domain() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.stdout.split())  # table cells may wrap lines
    fw = load_framework(EXAMPLE)
    for domain in fw.domains:
        assert domain.name in text, domain.name


def test_explain_on_a_malformed_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: [\n", encoding="utf-8")
    result = runner.invoke(app, ["explain", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:")
    assert "Traceback" not in result.output
