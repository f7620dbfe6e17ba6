"""Reassessment triggers: growth in effective compute, elapsed time, a new
deployment context; and how ``decide`` and ``redline decide --lineage`` report them.

The example framework reassesses every 4x effective compute, every 6 months and on
a new deployment context.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.cli import main
from redline.decide.engine import decide
from redline.decide.model import Inputs
from redline.decide.reassess import Lineage, assessment_due
from redline.framework import schema as S
from redline.framework.load import load_file
from results_doc import results_doc

ROOT = Path(__file__).parent.parent
FRAMEWORK = ROOT / "examples" / "frontier-framework.yaml"
_loaded = load_file(FRAMEWORK)
assert _loaded.framework is not None
EXAMPLE: S.Framework = _loaded.framework

LAST = dt.date(2026, 1, 15)


def with_reassessment(**kw: object) -> S.Framework:
    g = EXAMPLE.governance.model_copy(update={"reassessment": S.Reassessment(**kw)})  # type: ignore[arg-type]
    return EXAMPLE.model_copy(update={"governance": g})


def lineage(**kw: object) -> Lineage:
    return Lineage(last_assessed=LAST, **kw)  # type: ignore[arg-type]


def test_example_reassessment_settings() -> None:
    r = EXAMPLE.governance.reassessment
    assert (r.effective_compute_multiple, r.months, r.deployment_context_change) == (4, 6, True)


# ------------------------------------------------------------ effective compute


@pytest.mark.parametrize(
    ("at_last", "now", "due"),
    [
        (1.0e25, 4.0e25, True),  # exactly the multiple
        (1.0e25, 1.0e26, True),
        (2.5e24, 1.0e25, True),
        (1.0e25, 3.99e25, False),
        (1.0e25, 1.0e25, False),
        (1.0e25, 0.5e25, False),  # less compute (a distilled model)
    ],
)
def test_effective_compute_growth(at_last: float, now: float, due: bool) -> None:
    reasons = assessment_due(
        EXAMPLE,
        lineage(effective_compute_at_last=at_last, effective_compute_now=now),
        LAST + dt.timedelta(days=1),
    )
    assert bool(reasons) is due
    if due:
        assert len(reasons) == 1 and "effective compute grew" in reasons[0]
        assert "every 4x" in reasons[0]


@pytest.mark.parametrize(
    "kw",
    [{}, {"effective_compute_at_last": 1e25}, {"effective_compute_now": 1e27}],
    ids=["neither", "only-last", "only-now"],
)
def test_effective_compute_unknown_does_not_fire(kw: dict[str, float]) -> None:
    assert assessment_due(EXAMPLE, lineage(**kw), LAST) == []


def test_effective_compute_ignored_without_a_multiple() -> None:
    fw = with_reassessment(months=6)
    big = lineage(effective_compute_at_last=1e24, effective_compute_now=1e27)
    assert assessment_due(fw, big, LAST) == []


@settings(max_examples=200, deadline=None)
@given(
    multiple=st.floats(1.01, 20.0),
    at_last=st.floats(1e20, 1e27),
    growth=st.floats(0.1, 50.0),
)
def test_effective_compute_fires_exactly_at_the_multiple(
    multiple: float, at_last: float, growth: float
) -> None:
    fw = with_reassessment(effective_compute_multiple=multiple)
    now = at_last * growth
    reasons = assessment_due(
        fw, lineage(effective_compute_at_last=at_last, effective_compute_now=now), LAST
    )
    assert bool(reasons) is (now / at_last >= multiple)


# ------------------------------------------------------------------- elapsed time


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2026, 7, 15), True),  # six months to the day
        (dt.date(2026, 12, 1), True),
        (dt.date(2027, 3, 1), True),
        (dt.date(2026, 7, 14), False),
        (dt.date(2026, 4, 15), False),
        (LAST, False),
        (dt.date(2025, 12, 1), False),  # a date before the last assessment
    ],
)
def test_months_elapsed(today: dt.date, due: bool) -> None:
    reasons = assessment_due(EXAMPLE, lineage(), today)
    assert bool(reasons) is due, reasons
    if due:
        assert "months since the last assessment" in reasons[0]
        assert "every 6" in reasons[0]


def test_months_ignored_without_a_period() -> None:
    fw = with_reassessment(effective_compute_multiple=4)
    assert assessment_due(fw, lineage(), dt.date(2030, 1, 1)) == []


def test_lineage_today_sets_the_date() -> None:
    """A lineage that records the decision's date is judged at that date."""
    assert assessment_due(EXAMPLE, lineage(today=dt.date(2026, 8, 1)), LAST)
    assert not assessment_due(EXAMPLE, lineage(today=dt.date(2026, 2, 1)), dt.date(2030, 1, 1))


# ------------------------------------------------------------ deployment context


def test_deployment_context_change() -> None:
    reasons = assessment_due(EXAMPLE, lineage(deployment_context_changed=True), LAST)
    assert len(reasons) == 1 and "deployment context changed" in reasons[0]
    assert assessment_due(EXAMPLE, lineage(deployment_context_changed=False), LAST) == []


def test_deployment_context_change_ignored_when_the_framework_does_not_ask() -> None:
    fw = with_reassessment(effective_compute_multiple=4, months=6)
    assert assessment_due(fw, lineage(deployment_context_changed=True), LAST) == []


# ----------------------------------------------------------------------- combined


def test_nothing_fired() -> None:
    quiet = lineage(
        effective_compute_at_last=1e25,
        effective_compute_now=2e25,
        deployment_context_changed=False,
    )
    assert assessment_due(EXAMPLE, quiet, dt.date(2026, 3, 1)) == []
    assert (
        assessment_due(
            with_reassessment(), lineage(deployment_context_changed=True), dt.date(2030, 1, 1)
        )
        == []
    )


def test_every_trigger_at_once() -> None:
    everything = lineage(
        effective_compute_at_last=1e25,
        effective_compute_now=8e25,
        deployment_context_changed=True,
    )
    assert len(assessment_due(EXAMPLE, everything, dt.date(2027, 1, 15))) == 3


def test_decide_reports_due_assessments() -> None:
    due = decide(EXAMPLE, Inputs(lineage=lineage(), date=dt.date(2026, 9, 1)))
    assert len(due.assessment_due) == 1 and "months" in due.assessment_due[0]
    not_yet = decide(EXAMPLE, Inputs(lineage=lineage(), date=dt.date(2026, 2, 1)))
    assert not_yet.assessment_due == []
    assert decide(EXAMPLE, Inputs(date=dt.date(2030, 1, 1))).assessment_due == []


# ---------------------------------------------------------------------------- CLI


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str | Path
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["redline", *map(str, args)])
    with pytest.raises(SystemExit) as exc:
        main()
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture
def results(tmp_path: Path) -> Path:
    p = tmp_path / "results.json"
    p.write_text(results_doc(refusal=(0.95, 0.9, 0.98)).model_dump_json(), encoding="utf-8")
    return p


def _lineage_file(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "lineage.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_cli_prints_assessment_due(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    results: Path,
) -> None:
    lin = _lineage_file(
        tmp_path,
        "last_assessed: 2026-05-01\n"
        "today: 2026-06-01\n"
        "effective_compute_at_last: 1.0e25\n"
        "effective_compute_now: 5.0e25\n"
        "deployment_context_changed: false\n",
    )
    args = (
        "decide",
        FRAMEWORK,
        results,
        "--lineage",
        lin,
        "--safeguards",
        ROOT / "examples" / "inputs" / "safeguards.yaml",
        "--determinations",
        ROOT / "examples" / "inputs" / "determinations.yaml",
    )
    code, out, err = cli(capsys, monkeypatch, *args)
    assert code == 0, err  # a due reassessment does not change the verdicts
    due = [line for line in out.splitlines() if line.startswith("ASSESSMENT DUE")]
    assert len(due) == 1 and "effective compute grew 5x" in due[0]

    code, out, _ = cli(capsys, monkeypatch, *args, "--json")
    assert json.loads(out)["decision"]["assessment_due"] == [due[0].split(": ", 1)[1]]


def test_cli_quiet_lineage(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    results: Path,
) -> None:
    lin = _lineage_file(
        tmp_path,
        "last_assessed: 2026-05-01\ntoday: 2026-06-01\n"
        "effective_compute_at_last: 1.0e25\neffective_compute_now: 2.0e25\n",
    )
    _, out, _ = cli(capsys, monkeypatch, "decide", FRAMEWORK, results, "--lineage", lin)
    assert "ASSESSMENT DUE" not in out


def test_cli_bad_lineage_is_located(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    results: Path,
) -> None:
    lin = _lineage_file(tmp_path, "last_assessed: 2026-05-01\neffective_compute_now: -3\n")
    code, out, err = cli(capsys, monkeypatch, "decide", FRAMEWORK, results, "--lineage", lin)
    assert code == 1
    assert "Traceback" not in err
    assert f"{lin}:2:" in err and "effective_compute_now" in err
    assert out == ""
