"""The malformed-framework corpus: ``redline validate`` on each file says what is wrong,
where, in words a framework author understands, and never shows a traceback.

Every file in ``tests/malformed`` is the same small, valid framework with exactly one
defect (its first line says which). ``expected.json`` holds, for each file, the first
error line ``FILE:LINE:COLUMN: path: message`` exactly as ``Problem.format()`` prints
it; each was checked by eye to point at the offending key or value (for a missing
field: the key holding the incomplete mapping). When a message is improved on
purpose, regenerate the table and review the diff line by line::

    cd tests/malformed && python -c "import json, pathlib; \\
    from redline.framework.load import load_file; \\
    print(json.dumps({f.name: load_file(f.name).errors[0].format() \\
    for f in sorted(pathlib.Path('.').glob('*.yaml'))}, indent=2, ensure_ascii=False))" \\
    > expected.json
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.framework.load import load_file

HERE = Path(__file__).parent
ROOT = HERE.parent
MALFORMED = HERE / "malformed"
EXPECTED: dict[str, str] = json.loads((MALFORMED / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(p.name for p in MALFORMED.glob("*.yaml"))
# examples/ also holds the inputs of other commands (determinations, safeguards in
# place); the framework examples are the files that declare a schema_version.
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

runner = CliRunner()

def _printed(names: list[str]) -> list[str]:
    return list(names)


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_corpus_and_table_agree() -> None:
    assert len(FILES) >= 56
    assert set(FILES) == set(EXPECTED)
    for name, line in EXPECTED.items():
        assert line.startswith(f"{name}:"), name


def test_every_corpus_file_states_its_defect() -> None:
    for name in FILES:
        head = (MALFORMED / name).read_bytes().split(b"\n", 1)[0]
        if name.endswith("empty-file.yaml"):
            assert head == b""
            continue
        assert head.startswith(b"# Malformed: "), name


def test_not_utf8_file_really_is_not_utf8() -> None:
    raw = (MALFORMED / "015-not-utf8.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("name", _printed(FILES))
def test_validate_prints_the_located_error(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MALFORMED)
    result = runner.invoke(app, ["validate", name])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    errors = _error_lines(result.stderr)
    assert errors, result.output
    assert errors[0] == EXPECTED[name]
    # One clear message per problem: every line names this file and a position.
    for line in errors:
        file, lineno, column, rest = line.split(":", 3)
        assert file == name
        assert int(lineno) >= 1 and int(column) >= 1
        assert rest.strip()


@pytest.mark.parametrize("name", FILES)
def test_validate_json_lists_located_problems(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MALFORMED)
    result = runner.invoke(app, ["validate", "--json", name])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["files"] == [{"file": name, "valid": False}]
    problems = report["problems"]
    assert isinstance(problems, list) and problems
    for p in problems:
        assert {"file", "line", "column", "path", "message"} <= set(p)
        assert p["file"] == name
        assert isinstance(p["line"], int) and p["line"] >= 1
        assert isinstance(p["column"], int) and p["column"] >= 1
        assert isinstance(p["path"], str)
        assert isinstance(p["message"], str) and p["message"]
    first = next(p for p in problems if p["severity"] == "error")
    where = f"{first['file']}:{first['line']}:{first['column']}"
    path = f"{first['path']}: " if first["path"] else ""
    assert f"{where}: {path}{first['message']}" == EXPECTED[name]


@pytest.mark.parametrize("name", FILES)
def test_positions_lie_within_the_file(name: str) -> None:
    raw = (MALFORMED / name).read_bytes()
    lines = raw.decode("utf-8", "replace").splitlines() or [""]
    for p in load_file(MALFORMED / name).problems:
        assert 1 <= p.line <= len(lines), p
        assert 1 <= p.column <= len(lines[p.line - 1]) + 1, p


def test_validate_many_files_reports_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MALFORMED)
    names = FILES[:5]
    result = runner.invoke(app, ["validate", *names])
    assert result.exit_code == 1
    errors = _error_lines(result.stderr)
    for name in names:
        assert EXPECTED[name] in errors


def test_one_bad_file_among_good_ones_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MALFORMED)
    result = runner.invoke(app, ["validate", str(EXAMPLES[0]), FILES[-1]])
    assert result.exit_code == 1
    assert EXPECTED[FILES[-1]] in _error_lines(result.stderr)
    assert f"{EXAMPLES[0]}: valid:" in result.stdout


def test_examples_validate() -> None:
    assert EXAMPLES
    result = runner.invoke(app, ["validate", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for example in EXAMPLES:
        assert f"{example}: valid:" in result.stdout
    report = runner.invoke(app, ["validate", "--json", *map(str, EXAMPLES)])
    assert report.exit_code == 0
    data = json.loads(report.stdout)
    assert data["valid"] is True
    assert not [p for p in data["problems"] if p["severity"] == "error"]


def test_missing_file_is_a_located_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [f"{tmp_path / 'nope.yaml'}:1:1: no such file"]
    assert "Traceback" not in result.output


def _redline_script() -> str:
    found = Path(sys.executable).with_name("redline")
    if found.exists():
        return str(found)
    which = shutil.which("redline")
    if which is None:
        pytest.skip("the redline console script is not installed")
    return which


def test_console_script_on_the_whole_corpus() -> None:
    """A real process, as CI runs it: exit 1, every expected line, no traceback."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    proc = subprocess.run(
        [_redline_script(), "validate", *FILES],
        cwd=MALFORMED,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    errors = set(_error_lines(proc.stderr))
    missing = [
        line for name, line in EXPECTED.items() if line not in errors
    ]
    assert not missing, missing


def test_console_script_examples_exit_zero() -> None:
    proc = subprocess.run(
        [_redline_script(), "validate", *map(str, EXAMPLES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_warnings_do_not_fail_unless_strict(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "frontier-framework.yaml").read_text(encoding="utf-8")
    assert "        alert_for: bio-high\n" in text
    framework = tmp_path / "framework.yaml"
    framework.write_text(text.replace("        alert_for: bio-high\n", "", 1), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(framework)])
    assert result.exit_code == 0, result.output
    assert (
        f"{framework}:41:9: warning: domains[0].levels[0]: alert level 'bio-alert' does not say "
        "which level it warns of (alert_for)"
    ) in result.stdout
    assert "(1 warnings)" in result.stdout
    strict = runner.invoke(app, ["validate", "--strict", str(framework)])
    assert strict.exit_code == 1


def test_load_framework_raises_with_every_problem_located() -> None:
    from redline.framework.load import FrameworkError, load_framework

    name = "066-duplicate-domain-id.yaml"
    with pytest.raises(FrameworkError) as info:
        load_framework(MALFORMED / name)
    assert info.value.problems
    assert str(info.value).splitlines()[0] == f"{MALFORMED / name}{EXPECTED[name][len(name) :]}"
