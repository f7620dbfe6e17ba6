"""``redline test`` and ``redline decide`` from the command line.

The commands run in-process through ``redline.cli:main`` (the console script), so
exit codes and messages are those a user sees; one test runs the installed script
in a subprocess. The results document is hand-written: a ``Results`` object with
made-up but plausible numbers for the example framework's evaluations.

Exit codes (docs/cli.md): 0 allowed (with or without conditions), 1 error,
3 blocked, 4 forbidden.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redline.cli import main
from results_doc import evaluation, results_doc

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
FRAMEWORK = EXAMPLES / "frontier-framework.yaml"
INPUTS = EXAMPLES / "inputs"  # what a decision reads besides framework and results
SAFEGUARDS = INPUTS / "safeguards.yaml"
DETERMINATIONS = INPUTS / "determinations.yaml"


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str | Path
) -> tuple[int, str, str]:
    """Run ``redline ARGS`` through the console-script entry point."""
    monkeypatch.setattr(sys, "argv", ["redline", *map(str, args)])
    with pytest.raises(SystemExit) as exc:  # anything else would be a traceback
        main()
    code = exc.value.code
    out, err = capsys.readouterr()
    return (code if isinstance(code, int) else (0 if code is None else 1)), out, err


def assert_clean_error(err: str) -> None:
    assert "Traceback" not in err
    assert err.strip(), "an error must say what is wrong"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def weak_results(tmp_path: Path) -> Path:
    """A weak model that does not refuse harmful requests: external deployment is
    blocked (refusal training fails its verification), nothing else."""
    return write(tmp_path, "results.json", results_doc().model_dump_json(indent=2))


@pytest.fixture
def critical_results(tmp_path: Path) -> Path:
    """Biology proxy shown above the critical threshold (0.85)."""
    doc = results_doc(capability={"bio_proxy": (0.93, 0.88, 0.97)}, refusal=(0.95, 0.9, 0.98))
    return write(tmp_path, "critical.json", doc.model_dump_json(indent=2))


# ---------------------------------------------------------------- redline test


def test_self_tests_of_the_example_pass(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = cli(capsys, monkeypatch, "test", FRAMEWORK)
    assert code == 0
    assert "5 passed, 0 failed" in out
    assert out.count("PASS") == 5


def test_self_tests_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = cli(capsys, monkeypatch, "test", FRAMEWORK, "--json")
    assert code == 0
    outcomes = json.loads(out)
    assert len(outcomes) == 5 and all(o["passed"] and not o["failures"] for o in outcomes)


def test_installed_script_runs_the_self_tests() -> None:
    script = shutil.which("redline", path=str(Path(sys.executable).parent))
    assert script is not None, "the redline console script is installed with the package"
    proc = subprocess.run(
        [script, "test", str(FRAMEWORK)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("5 passed, 0 failed")


def test_failing_self_test_exits_1_and_names_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = FRAMEWORK.read_text(encoding="utf-8")
    # The critical-biology scenario expects every action forbidden; claim one is allowed.
    old = "  - name: Critical biology capability forbids everything\n"
    assert old in text
    head, tail = text.split(old)
    tail = tail.replace("      continue_training: forbidden", "      continue_training: allowed", 1)
    broken = write(tmp_path, "broken.yaml", head + old + tail)
    code, out, err = cli(capsys, monkeypatch, "test", broken)
    assert code == 1
    assert "FAIL Critical biology capability forbids everything" in out
    assert "continue_training: expected allowed, got forbidden" in out
    assert "4 passed, 1 failed" in out
    assert "Traceback" not in out + err


def test_self_tests_of_an_invalid_framework_exit_1_located(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = write(tmp_path, "bad.yaml", "schema_version: 1\nframework: [unclosed\n")
    code, _, err = cli(capsys, monkeypatch, "test", bad)
    assert code == 1
    assert_clean_error(err)
    assert f"{bad}:2:" in err


# -------------------------------------------------------------- redline decide


def test_decide_blocked_external_deployment_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, weak_results: Path
) -> None:
    code, out, err = cli(
        capsys,
        monkeypatch,
        "decide",
        FRAMEWORK,
        weak_results,
        "--safeguards",
        SAFEGUARDS,
        "--determinations",
        DETERMINATIONS,
    )
    assert code == 3, err
    assert "external deployment: BLOCKED" in out
    assert "missing: refusal-training | io-filter" in out


def test_decide_gates_on_the_chosen_action(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, weak_results: Path
) -> None:
    args = (
        "decide",
        FRAMEWORK,
        weak_results,
        "--safeguards",
        SAFEGUARDS,
        "--determinations",
        DETERMINATIONS,
    )
    code, out, _ = cli(capsys, monkeypatch, *args, "--action", "continue_training")
    assert code == 0
    assert "continue training: allowed with conditions" in out
    assert "external deployment" not in out  # only the gated action is shown
    code, _, _ = cli(
        capsys,
        monkeypatch,
        *args,
        "--action",
        "continue_training",
        "--action",
        "external_deployment",
    )
    assert code == 3


def test_decide_with_a_verified_filter_is_allowed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The demo's second half: the io-filter passes its verification post-mitigation."""
    doc = results_doc(
        extra=[
            evaluation(
                "harmful_requests",
                "refusal_rate",
                0.97,
                0.9,
                0.99,
                n=60,
                task_args={"mitigation": "io_filter"},
            ),
            evaluation(
                "benign_lookalikes",
                "refusal_rate",
                0.1,
                0.04,
                0.21,
                n=60,
                task_args={"mitigation": "io_filter"},
            ),
        ]
    )
    results = write(tmp_path, "filtered.json", doc.model_dump_json())
    code, out, err = cli(
        capsys,
        monkeypatch,
        "decide",
        FRAMEWORK,
        results,
        "--safeguards",
        INPUTS / "safeguards-with-filter.yaml",
        "--determinations",
        DETERMINATIONS,
    )
    assert code == 0, out + err
    assert "external deployment: allowed with conditions" in out


def test_decide_critical_level_exits_4(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, critical_results: Path
) -> None:
    code, out, _ = cli(
        capsys,
        monkeypatch,
        "decide",
        FRAMEWORK,
        critical_results,
        "--safeguards",
        SAFEGUARDS,
        "--determinations",
        DETERMINATIONS,
    )
    assert code == 4
    assert "continue training: FORBIDDEN" in out
    assert "bio-critical" in out


def test_decide_json_includes_the_decision(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, weak_results: Path
) -> None:
    code, out, _ = cli(
        capsys,
        monkeypatch,
        "decide",
        FRAMEWORK,
        weak_results,
        "--safeguards",
        SAFEGUARDS,
        "--determinations",
        DETERMINATIONS,
        "--json",
    )
    assert code == 3
    doc = json.loads(out)
    assert doc["exit_code"] == 3
    decision = doc["decision"]
    assert decision["framework_id"] == "larkspur-fsf"
    verdicts = {v["action"]: v["verdict"] for v in decision["verdicts"]}
    assert verdicts == {
        "continue_training": "allowed_with_conditions",
        "internal_deployment": "allowed_with_conditions",
        "external_deployment": "blocked",
        "open_weights_release": "allowed",
    }
    refusal = next(s for s in decision["safeguards"] if s["id"] == "refusal-training")
    assert refusal["claimed"] and not refusal["in_place"] and refusal["verification"] == "failed"
    levels = {d["domain"]: d["highest_level"] for d in decision["domains"]}
    assert levels["biology"] is None and levels["deployment-context"] == "ctx-standard"


def test_decide_json_on_critical(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, critical_results: Path
) -> None:
    code, out, _ = cli(
        capsys,
        monkeypatch,
        "decide",
        FRAMEWORK,
        critical_results,
        "--determinations",
        DETERMINATIONS,
        "--json",
    )
    assert code == 4
    decision = json.loads(out)["decision"]
    assert {v["verdict"] for v in decision["verdicts"]} == {"forbidden"}
    bio = next(d for d in decision["domains"] if d["domain"] == "biology")
    assert bio["highest_level"] == "bio-critical"


# ----------------------------------------------------------------- bad inputs


def _decide(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    results: Path,
    *extra: str | Path,
    framework: Path = FRAMEWORK,
) -> tuple[int, str, str]:
    return cli(capsys, monkeypatch, "decide", framework, results, *extra)


def test_unknown_safeguard_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    sg = write(
        tmp_path,
        "safeguards.yaml",
        "safeguards:\n  - id: refusal-training\n  - id: refusal-trainnig\n    evidence: typo\n",
    )
    code, out, err = _decide(capsys, monkeypatch, weak_results, "--safeguards", sg)
    assert code == 1
    assert_clean_error(err)
    assert f"{sg}:3:9: safeguards[1].id: unknown safeguard 'refusal-trainnig'" in err
    assert "refusal-training" in err.split("defines:")[1]  # the known ids are listed
    assert out == ""  # nothing half-written


def test_determination_by_the_wrong_role_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    dets = write(
        tmp_path,
        "determinations.yaml",
        "determinations:\n"
        "  - determination: bio-uplift-study\n"
        "    reached: false\n"
        "    by: rso\n"
        "    rationale: Signed off by the wrong person.\n",
    )
    code, out, err = _decide(capsys, monkeypatch, weak_results, "--determinations", dets)
    assert code == 1
    assert_clean_error(err)
    assert f"{dets}:4:9:" in err
    assert "'bio-uplift-study' is determined by 'head-of-preparedness', not 'rso'" in err
    assert out == ""


def test_unknown_determination_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    dets = write(
        tmp_path,
        "determinations.yaml",
        "determinations:\n"
        "  - {determination: bio-uplift, reached: false, by: head-of-preparedness, "
        "rationale: x}\n",
    )
    code, _, err = _decide(capsys, monkeypatch, weak_results, "--determinations", dets)
    assert code == 1
    assert_clean_error(err)
    assert f"{dets}:2:" in err and "unknown manual determination 'bio-uplift'" in err


@pytest.mark.parametrize(
    ("option", "text", "where"),
    [
        ("--safeguards", "safeguards:\n  - id: refusal-training\n   evidence: [x\n", ":3:"),
        ("--determinations", "determinations:\n\t- determination: x\n", ":2:"),
        ("--safeguards", "safeguards:\n  - id: a\n  - id: b\nsafeguards: []\n", ":4:"),
    ],
    ids=["unclosed-bracket", "tab", "duplicate-key"],
)
def test_malformed_input_yaml_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
    option: str,
    text: str,
    where: str,
) -> None:
    bad = write(tmp_path, "input.yaml", text)
    code, out, err = _decide(capsys, monkeypatch, weak_results, option, bad)
    assert code == 1
    assert_clean_error(err)
    assert f"{bad}{where}" in err, err
    assert out == ""


def test_input_file_of_the_wrong_shape_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    bad = write(tmp_path, "safeguards.yaml", "safeguard:\n  - id: refusal-training\n")
    code, _, err = _decide(capsys, monkeypatch, weak_results, "--safeguards", bad)
    assert code == 1
    assert_clean_error(err)
    assert f"{bad}:1:1:" in err and "safeguard" in err


def test_malformed_framework_yaml_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    good = '  version: "1.2"\n'
    text = FRAMEWORK.read_text(encoding="utf-8")
    assert good in text
    line = text[: text.index(good)].count("\n") + 1
    fw = write(tmp_path, "framework.yaml", text.replace(good, '  version: "1.2\n', 1))
    code, out, err = _decide(capsys, monkeypatch, weak_results, framework=fw)
    assert code == 1
    assert_clean_error(err)
    column = good.index('"') + 1  # at the opening quote of the unclosed string
    assert f"{fw}:{line}:{column}: YAML syntax:" in err, err
    assert "not closed" in err
    assert out == ""


def test_missing_input_file_is_reported(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    missing = tmp_path / "nope.yaml"
    code, _, err = _decide(capsys, monkeypatch, weak_results, "--safeguards", missing)
    assert code == 1
    assert_clean_error(err)
    assert f"{missing}:1:1: no such file" in err


@pytest.mark.parametrize(
    "content",
    [
        "schema_version: 1\nframework: {}\n",  # YAML, not JSON
        json.dumps({"schema_version": 1, "assessment_id": "x"}),  # JSON, not results
        json.dumps([1, 2, 3]),
        "",
    ],
    ids=["yaml", "partial", "list", "empty"],
)
def test_results_that_are_not_a_results_document(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    content: str,
) -> None:
    bad = write(tmp_path, "results.json", content)
    code, out, err = _decide(capsys, monkeypatch, bad)
    assert code == 1
    assert_clean_error(err)
    assert f"{bad}" in err and "not a redline results document" in err
    assert out == ""


def test_missing_results_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, _, err = _decide(capsys, monkeypatch, tmp_path / "absent.json")
    assert code == 1
    assert_clean_error(err)
    assert "absent.json" in err and "no such file" in err


def test_framework_given_as_results_is_rejected(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _decide(capsys, monkeypatch, FRAMEWORK)
    assert code == 1
    assert_clean_error(err)
    assert "not a redline results document" in err


def test_determination_recorded_twice_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    weak_results: Path,
) -> None:
    """Two records of one determination would leave the verdict to their order."""
    dets = write(
        tmp_path,
        "determinations.yaml",
        "determinations:\n"
        "  - {determination: bio-uplift-study, reached: true, by: head-of-preparedness, "
        "rationale: Early study.}\n"
        "  - {determination: bio-uplift-study, reached: false, by: head-of-preparedness, "
        "rationale: Later study.}\n",
    )
    code, out, err = _decide(capsys, monkeypatch, weak_results, "--determinations", dets)
    assert code == 1
    assert_clean_error(err)
    assert f"{dets}:3:21:" in err and "recorded twice (first on line 2)" in err
    assert out == ""


@pytest.mark.parametrize(
    "scenario", sorted(p.name for p in (ROOT / "tests" / "scenarios").glob("*.yaml"))
)
def test_scenario_self_tests_pass_on_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    code, out, _ = cli(capsys, monkeypatch, "test", ROOT / "tests" / "scenarios" / scenario)
    assert code == 0, out
    assert out.strip().splitlines()[-1].endswith("passed, 0 failed")
    assert "FAIL" not in out
