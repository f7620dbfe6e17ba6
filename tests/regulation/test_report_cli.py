"""``redline report --as KIND DECISION`` on the command line: written files, exit codes,
and bad input as one clear message (no traceback, nothing written)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from redline.cli import app
from regulation.regulatory_support import Recorded, ledger_env, recorded

runner = CliRunner()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    root = tmp_path_factory.mktemp("regcli")
    with ledger_env(root):
        yield recorded(root)


def _run(lab: Recorded, *args: str) -> tuple[int, str, str]:
    with ledger_env(lab.root):
        r = runner.invoke(app, ["report", *args])
    return r.exit_code, r.stdout, r.stderr


def test_writes_json_by_decision_id(lab: Recorded) -> None:
    out = lab.root / "sb53.json"
    code, stdout, _ = _run(lab, "--as", "sb53-transparency", lab.decision_id[:10], "-o", str(out))
    assert code == 0, stdout
    data = json.loads(out.read_text())
    assert data["kind"] == "sb53-transparency" and data["audience"] == "public"
    assert "fields" in stdout and "with gaps" in stdout


def test_default_file_in_the_assessment_directory(lab: Recorded) -> None:
    code, _, stderr = _run(
        lab, "--as", "eu-model-report", str(lab.assessment), "--audience", "trusted"
    )
    assert code == 0, stderr
    page = lab.assessment / "eu-model-report-trusted.html"
    assert page.is_file() and "Safety and Security Model Report" in page.read_text()


def test_stdout(lab: Recorded) -> None:
    code, stdout, _ = _run(lab, "--as", "eu-model-report", lab.decision_id, "-f", "json", "-o", "-")
    assert code == 0 and json.loads(stdout)["regime"]["id"] == "eu-gpai-cop"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "sb53-transparency", "abcdef123456"], "no decision abcdef123456"),
        (["--as", "sb53-transparency", "xyz"], "is not a decision id"),
        (["--as", "sb53-transparency", "-f", "md", "DEC"], "html or json, not md"),
        (["--as", "eu-model-report", "a", "b"], "reports one decision; 2 were given"),
        (["--as", "eu-model-report", "--record", "r.json", "DEC"], "--record do not apply"),
    ],
)
def test_bad_input_is_one_message(lab: Recorded, args: list[str], message: str) -> None:
    code, _, stderr = _run(lab, *[lab.decision_id if a == "DEC" else a for a in args])
    assert code == 1 and message in stderr and "Traceback" not in stderr


def test_unrecorded_assessment(lab: Recorded) -> None:
    code, _, stderr = _run(lab, "--as", "sb53-transparency", str(lab.unrecorded))
    assert code == 1 and "ledger.json" in stderr
    assert not list(lab.unrecorded.glob("sb53-transparency-*"))


def test_unknown_kind_is_a_usage_error(lab: Recorded) -> None:
    code, _, stderr = _run(lab, "--as", "ny-raise-report", lab.decision_id)
    assert code == 2 and "ny-raise-report" in stderr
