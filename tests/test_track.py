"""``redline track``: a lineage's checkpoints assessed, recorded, kept as a series, drawn.

The command runs end to end through Inspect on mockllm (offline) with the tiny task file
of tests/fixtures/assess, whose scores are fixed by sample metadata (so every checkpoint
scores the same: a flat series). A synthetic rising series checks the trend, the
forecast crossing, the forecast trigger and the chart. The embedded-model run of the
bundled example is in test_track_embedded.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.decide.engine import decide
from redline.decide.model import Inputs
from redline.framework.load import load_framework
from redline.measure.forecast_inputs import forecast_inputs
from redline.measure.lineage import LineageFile
from redline.measure.results import (
    EvaluationResult,
    FrameworkRef,
    Interval,
    ModelRef,
    Results,
    StrategyRun,
    Tokens,
)
from redline.measure.series import build_series, forecast_x_kind, series_map
from redline.publish.charts import trend_chart
from redline.publish.views.report_models import Rung, TrendPoint, TrendSeries
from redline.publish.views.series_forecast import with_forecast

HERE = Path(__file__).parent
ROOT = HERE.parent
FIXTURE = HERE / "fixtures" / "assess"
LINEAGE_FW = ROOT / "examples" / "lineage" / "framework.yaml"

REASSESS = """\
  reassessment:
    effective_compute_multiple: 4
    months: 6
    forecast_rules:
      - {id: next-4x, when: threshold, horizon_compute_multiple: 4, probability: 0.8}
"""

LINEAGE = """\
family: tiny-family
checkpoints:
  - {id: c1, date: 2026-01-01, effective_compute: 1.0e24}
  - {id: c2, date: 2026-02-01, effective_compute: 2.0e24}
  - {id: c3, date: 2026-03-01, effective_compute: 8.0e24}
"""


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "tiny_task.py").write_text((FIXTURE / "tiny_task.py").read_text())
    text = (FIXTURE / "framework.yaml").read_text()
    text = text.replace("governance:\n  roles:\n", "governance:\n" + REASSESS + "  roles:\n")
    fw = tmp_path / "framework.yaml"
    fw.write_text(text)
    lin = tmp_path / "lineage.yaml"
    lin.write_text(LINEAGE)
    return fw, lin


def _mock_model(_: str) -> object:
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    # With usage on every output Inspect counts no tokens itself (offline, as test_assess).
    def output(*_: object) -> ModelOutput:
        out = ModelOutput.from_content(model="mockllm/model", content="A")
        out.usage = ModelUsage(input_tokens=3, output_tokens=1, total_tokens=4)
        return out

    return get_model("mockllm/model", custom_outputs=output)


@pytest.fixture(autouse=True)
def _offline_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("redline.measure.track.resolve_model", _mock_model)


def _track(fw: Path, lin: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        [
            "track",
            str(fw),
            "--lineage",
            str(lin),
            "--out",
            str(out),
            "--model-template",
            "mockllm/model",
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_track_assesses_records_keeps_the_series_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the ledger goes to ./.redline
    fw, lin = _setup(tmp_path)
    out = tmp_path / "out"
    code, text = _track(fw, lin, out)
    assert code == 0, text
    assert "Assessed 3 new checkpoint(s): c1, c2, c3" in text
    ids = set()
    for cid, compute in (("c1", 1e24), ("c2", 2e24), ("c3", 8e24)):
        d = out / "checkpoints" / cid
        res = Results.model_validate_json((d / "results.json").read_bytes())
        assert res.checkpoint is not None
        assert (res.checkpoint.id, res.checkpoint.effective_compute) == (cid, compute)
        assert res.checkpoint.family == "tiny-family"
        ids.add(json.loads((d / "ledger.json").read_text())["decision_id"])
    assert len(ids) == 3
    from redline.ledger import open_ledger

    with open_ledger(create=False) as ledger:
        entries = [e.data() for e in ledger.entries(kinds=["assessment_recorded"])]
    assert [e["checkpoint"]["id"] for e in entries] == ["c1", "c2", "c3"]
    assert entries[2]["checkpoint"]["effective_compute"] == 8e24
    assert entries[2]["checkpoint"]["date"] == "2026-03-01"
    # c3 is 4x c2: the compute-multiple trigger fires for it, not for c2 (2x c1).
    latest = json.loads((out / "decision.json").read_text())
    assert any("grew 4x" in r for r in latest["assessment_due"]), latest["assessment_due"]
    c2 = json.loads((out / "checkpoints" / "c2" / "decision.json").read_text())
    assert not any("effective compute" in r for r in c2["assessment_due"])
    # The forecast rule is evaluated: the flat series cannot support a forecast.
    assert latest["forecasts"] and all(f["status"] == "unavailable" for f in latest["forecasts"])
    series = json.loads((out / "series.json").read_text())
    assert series["x"] == "effective_compute"
    [s] = series["series"]
    assert [p["checkpoint"] for p in s["points"]] == ["c1", "c2", "c3"]
    assert s["crossings"] and all(c["status"] != "forecast" for c in s["crossings"])
    assert "Trend and forecast" in text and "tiny.accuracy" in text
    html = (out / "report.html").read_text()
    assert "Trend across assessments" in html and 'class="trend-band"' in html
    assert not re.search(r'(src|href)="https?:', html)
    logs = sorted(p.name for p in out.rglob("*.eval"))

    # The public site draws the same series (band and all) on the framework's page.
    from redline.publish.site import build_site

    build_site([fw], tmp_path / "site", assessment_dirs=sorted((out / "checkpoints").iterdir()))
    pages = [p.read_text() for p in (tmp_path / "site").rglob("*.html")]
    assert any('class="trend-band"' in p for p in pages)

    # A re-run assesses nothing new and records nothing again.
    code, text = _track(fw, lin, out)
    assert code == 0, text
    assert "Assessed 0 new checkpoint(s)" in text
    assert sorted(p.name for p in out.rglob("*.eval")) == logs
    for cid in ("c1", "c2", "c3"):
        d = out / "checkpoints" / cid
        assert json.loads((d / "ledger.json").read_text())["decision_id"] in ids

    # A fourth checkpoint: only it is assessed.
    lin.write_text(LINEAGE + "  - {id: c4, date: 2026-04-01, effective_compute: 9.0e24}\n")
    code, text = _track(fw, lin, out, "--json")
    assert code == 0, text
    assert json.loads(text)["assessed"] == ["c4"]
    assert json.loads(text)["due_now"] == []  # assessed today; the framework says 6 months


def test_a_stale_latest_assessment_is_due_now() -> None:
    from redline.measure.track import TrackedCheckpoint
    from redline.publish.track import _due_now

    fw = load_framework(LINEAGE_FW)
    lin = _lineage()
    old = _results(LINEAGE_FW, 0.3, 0.05, 0)
    old = old.model_copy(update={"created": dt.datetime.now(dt.UTC) - dt.timedelta(days=200)})
    t = TrackedCheckpoint(lin.checkpoints[-1], Path("unused"), old, new=False)
    [why] = _due_now(fw, t)
    assert "months since the last assessment" in why
    fresh = TrackedCheckpoint(
        lin.checkpoints[-1],
        Path("unused"),
        old.model_copy(update={"created": dt.datetime.now(dt.UTC)}),
        new=False,
    )
    assert _due_now(fw, fresh) == []


def test_track_errors_are_located_and_write_nothing(tmp_path: Path) -> None:
    fw, lin = _setup(tmp_path)
    lin.write_text(LINEAGE.replace("effective_compute: 2.0e24", "effective_compute: 0"))
    out = tmp_path / "out"
    code, text = _track(fw, lin, out)
    assert code == 1
    assert re.search(r"lineage\.yaml:4:\d+: checkpoints\[1\]\.effective_compute", text), text
    assert "Traceback" not in text and not out.exists()


# ------------------------------------------------------- a synthetic series


def _results(fw_path: Path, score: float, half: float, day: int) -> Results:
    iv = Interval(confidence=0.95, lower=score - half, upper=score + half, method="wilson")
    run = StrategyRun(
        strategy="default",
        task="redline/bio_proxy",
        task_args={},
        log="logs/x.eval",
        log_sha256="0" * 64,
        status="success",
        samples_available=200,
        samples_used=200,
        stop_reason="pool exhausted",
        estimate=score,
        standard_error=half / 2,
        intervals=[iv],
        tokens=Tokens(),
        duration_s=1.0,
    )
    ev = EvaluationResult(
        evaluation="bio_proxy",
        purpose="capability",
        metric="accuracy",
        task="redline/bio_proxy",
        estimate=score,
        best_strategy="default",
        intervals=[iv],
        strategies=[run],
    )
    return Results(
        assessment_id=f"a{day}",
        created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=day),
        framework=FrameworkRef(
            id="f", organisation="o", name="n", version="0.1", file=str(fw_path), sha256="0" * 64
        ),
        model=ModelRef(name="m"),
        redline_version="0",
        inspect_version="0",
        evaluations=[ev],
        duration_s=1.0,
    )


RISING = [(0.20, 0.04), (0.27, 0.04), (0.34, 0.04), (0.41, 0.04), (0.47, 0.04)]


def _lineage() -> LineageFile:
    return LineageFile.model_validate(
        {
            "family": "synthetic",
            "checkpoints": [
                {"id": f"k{i}", "date": f"2026-0{i + 1}-01", "effective_compute": 10.0 ** (22 + i)}
                for i in range(len(RISING))
            ],
        }
    )


def test_rising_series_gets_a_forecast_crossing_with_an_interval_and_fires_the_rule() -> None:
    fw = load_framework(LINEAGE_FW)
    lin = _lineage()
    assessed = [
        (c, _results(LINEAGE_FW, s, h, i))
        for i, (c, (s, h)) in enumerate(zip(lin.checkpoints, RISING, strict=True))
    ]
    sf = build_series(fw, lin, "0" * 64, assessed)
    [s] = sf.series
    assert s.trend is not None and s.trend.status == "fitted" and s.trend.band
    alert = next(c for c in s.crossings if c.level == "bio-alert")
    assert alert.status == "forecast", alert.reason
    assert alert.x_lo is not None and alert.x_mid is not None
    # The series rises ~0.07 per decade from 0.47 at 1e26: 0.55 lies beyond 1e26.
    assert 26.0 < alert.x_mid < 29.0 and alert.x_lo <= alert.x_mid
    assert alert.x_hi is None or alert.x_hi >= alert.x_mid
    # The forecast rule (alert within the next 4x at 80%) over this series.
    fcs = forecast_inputs(fw, series_map(sf), x_kind=forecast_x_kind(sf.x))
    decision = decide(fw, Inputs(forecasts=fcs))
    [out] = [f for f in decision.forecasts if f.level == "bio-alert"]
    assert out.status in {"fired", "not_fired"} and out.probability is not None


def test_chart_draws_band_thresholds_and_crossing_without_external_requests() -> None:
    points = [
        TrendPoint(
            assessment_id=f"a{i}",
            model=f"k{i}",
            date=dt.datetime(2026, 1 + i, 1, tzinfo=dt.UTC),
            effective_compute=10.0 ** (22 + i),
            estimate=s,
            lower=s - h,
            upper=s + h,
            current=i == len(RISING) - 1,
        )
        for i, (s, h) in enumerate(RISING)
    ]
    rungs = [
        Rung(
            level="bio-alert",
            name="Biology early warning",
            kind="alert",
            op=">=",
            value=0.55,
            status="not_reached",
            status_words="ruled out",
            counts_as_reached=False,
        ),
        Rung(
            level="bio-high",
            name="Biology high",
            kind="threshold",
            op=">=",
            value=0.65,
            status="not_reached",
            status_words="ruled out",
            counts_as_reached=False,
        ),
    ]
    s = with_forecast(
        TrendSeries(
            key="bio",
            evaluation="bio_proxy",
            name="Bio",
            metric="accuracy",
            x="effective_compute",
            points=points,
            rungs=rungs,
        )
    )
    assert s.forecast is not None and s.forecast.band
    words = {c.level: c for c in s.forecast.crossings}
    assert words["bio-alert"].status == "forecast"
    assert "80% interval" in words["bio-alert"].words
    svg = str(trend_chart(s, chart_id="t1", title="Bio"))
    assert 'class="trend-band"' in svg and "<polygon" in svg
    assert "Biology early warning: forecast to cross at" in svg
    assert not re.search(r'(src|href)="', svg) and "url(" not in svg
    # A withheld threshold value gets no crossing at all.
    hidden = with_forecast(
        s.model_copy(
            update={
                "forecast": None,
                "rungs": [r.model_copy(update={"value": None}) for r in rungs],
            }
        )
    )
    assert hidden.forecast is not None and hidden.forecast.crossings == []


# ------------------------------------------- a rising lineage, end to end

RISING_TASK = """
from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import match
from inspect_ai.solver import generate


@task
def rising(n: int = 40) -> Task:
    samples = [Sample(id=f"s{i:03d}", input=f"Item {i}.", target="A") for i in range(n)]
    return Task(dataset=MemoryDataset(samples), solver=generate(), scorer=match())
"""

RISING_FW = """\
schema_version: 1
framework: {id: rising, organisation: Test Lab (fictional), name: Rising, version: "1",
            date: 2026-01-01, fictional: true}
scope: {description: Test models.}
domains:
  - id: toy
    name: Toy
    threat_model: A stand-in for testing.
    levels:
      - {id: toy-alert, name: Toy alert, kind: alert, alert_for: toy-high,
         trigger: {evaluation: rising, op: ">=", value: 0.55}, evidence: {standard: precautionary}}
      - {id: toy-high, name: Toy high, kind: threshold,
         trigger: {evaluation: rising, op: ">=", value: 0.65}, evidence: {standard: precautionary}}
rules:
  - {id: halt, kind: halt, statement: Stop when a safeguard is missing.,
     actions: [continue_training, internal_deployment, external_deployment, open_weights_release]}
evaluations:
  - {id: rising, task: rising_task.py@rising, metric: accuracy,
     sampling: {seed: 1, early_stopping: false}}
governance:
  roles: [{id: lead, title: Lead}]
  reassessment:
    effective_compute_multiple: 4
    forecast_rules:
      - {id: alert-next-4x, when: alert, horizon_compute_multiple: 4, probability: 0.8}
"""

# checkpoint -> share of items the mock model answers "A" (correct)
SHARES = {"r1": 0.2, "r2": 0.3, "r3": 0.4, "r4": 0.5}


def _rising_model(name: str) -> object:
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    share = SHARES[name.split("/")[1]]
    calls = {"n": 0}

    def output(*_: object) -> ModelOutput:
        i = calls["n"]
        calls["n"] += 1
        # Spread the correct answers evenly: exactly share * n of any n calls, rounded.
        hit = int((i + 1) * share) > int(i * share)
        out = ModelOutput.from_content(model=name, content="A" if hit else "B")
        out.usage = ModelUsage(input_tokens=3, output_tokens=1, total_tokens=4)
        return out

    return get_model(name, custom_outputs=output)


def test_a_rising_lineage_is_forecast_decided_with_its_forecast_rule_and_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("redline.measure.track.resolve_model", _rising_model)
    (tmp_path / "rising_task.py").write_text(RISING_TASK)
    fw = tmp_path / "framework.yaml"
    fw.write_text(RISING_FW)
    lin = tmp_path / "lineage.yaml"
    lin.write_text(
        "family: rising\ncheckpoints:\n"
        + "".join(
            f"  - {{id: {cid}, date: 2026-0{i + 1}-01, effective_compute: 1.0e{22 + i}}}\n"
            for i, cid in enumerate(SHARES)
        )
    )
    out = tmp_path / "out"
    code, text = _track(fw, lin, out, "--model-template", "mockllm/{checkpoint}", "--json")
    assert code == 0, text
    payload = json.loads(text)
    assert payload["assessed"] == list(SHARES)
    [s] = payload["series"]["series"]
    assert [round(p["estimate"], 3) for p in s["points"]] == list(SHARES.values())
    alert = next(c for c in s["crossings"] if c["level"] == "toy-alert")
    assert alert["status"] == "forecast", alert
    assert alert["x_lo"] is not None and alert["x_lo"] > 25.0  # beyond the last checkpoint
    [fc] = [f for f in payload["decision"]["forecasts"] if f["level"] == "toy-alert"]
    assert fc["status"] in ("fired", "not_fired") and fc["probability"] is not None
    if fc["status"] == "fired":
        due = payload["decision"]["assessment_due"]
        assert any("forecast rule alert-next-4x" in r for r in due)
    # Every checkpoint's decision, forecasts included, went into the ledger.
    for cid in SHARES:
        assert (out / "checkpoints" / cid / "ledger.json").exists()


def test_date_series_band_is_in_the_charts_date_units() -> None:
    points = [
        TrendPoint(
            assessment_id=f"a{i}",
            model=f"k{i}",
            date=dt.datetime(2026, 1 + 2 * i, 1, tzinfo=dt.UTC),
            effective_compute=None,
            estimate=s,
            lower=s - h,
            upper=s + h,
            current=i == len(RISING) - 1,
        )
        for i, (s, h) in enumerate(RISING)
    ]
    rung = Rung(
        level="bio-alert",
        name="Alert",
        kind="alert",
        op=">=",
        value=0.55,
        status="not_reached",
        status_words="ruled out",
        counts_as_reached=False,
    )
    s = with_forecast(
        TrendSeries(
            key="b",
            evaluation="b",
            name="B",
            metric="accuracy",
            x="date",
            points=points,
            rungs=[rung],
        )
    )
    assert s.forecast is not None and s.forecast.band
    first, last = points[0].date.timestamp(), points[-1].date.timestamp()
    assert s.forecast.band[0].x == pytest.approx(first)
    assert s.forecast.band[-1].x == pytest.approx(last + (last - first))
    [c] = s.forecast.crossings
    if c.status == "forecast":
        assert c.x_lo is not None and c.x_lo > last - 86400
        assert re.search(r"\d{4}-\d{2}-\d{2}", c.words)


def test_track_with_predictions_from_previous_and_assess_from_a_lineage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each checkpoint after the first uses the one before as predictions; a lineage's
    track output is itself a predictions source (its latest checkpoint)."""
    from redline.measure.predictions import PredictionsError, latest_checkpoint, load_predictions

    monkeypatch.chdir(tmp_path)
    fw, lin = _setup(tmp_path)
    out = tmp_path / "out"
    code, text = _track(fw, lin, out, "--predictions-from-previous", "--no-record")
    assert code == 0, text
    assert "predictions from c1" in text and "predictions from c2" in text
    used = {}
    for cid in ("c1", "c2", "c3"):
        res = Results.model_validate_json((out / "checkpoints" / cid / "results.json").read_bytes())
        used[cid] = res.evaluations[0].strategies[0].predictions
    assert used["c1"] is None
    prev = out / "checkpoints" / "c2" / "results.json"
    assert used["c3"] is not None
    assert used["c3"].source_sha256 == hashlib.sha256(prev.read_bytes()).hexdigest()
    # The track directory names its latest checkpoint, c3 (latest date).
    assert latest_checkpoint(out) == out / "checkpoints" / "c3"
    assert load_predictions(out).source.endswith("c3/results.json")
    with pytest.raises(PredictionsError, match="no assessed checkpoint"):
        (tmp_path / "empty" / "checkpoints").mkdir(parents=True)
        load_predictions(tmp_path / "empty")
