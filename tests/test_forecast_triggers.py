"""Forecast triggers: the framework's forecast rules, the forecasts measure computes for
them, and what decide makes of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import redline.framework as F
from redline.decide.engine import decide
from redline.decide.forecast_triggers import ForecastInput, evaluate_forecast_rules, rule_targets
from redline.decide.model import Inputs
from redline.framework import schema as S
from redline.framework.load import load_text
from redline.measure.forecast import SeriesPoint, days_of
from redline.measure.forecast_inputs import forecast_inputs
from redline.measure.stats import wilson_interval

STARTER = Path(F.__file__).parent / "starter.yaml"
ANCHOR = "  reassessment: {effective_compute_multiple: 4, months: 6}\n"

RULES = """  reassessment:
    effective_compute_multiple: 4
    months: 6
    forecast_rules:
      - id: alert-within-4x
        when: alert
        horizon_compute_multiple: 4
        horizon_months: 6
        probability: 0.8
        statement: Reassess before the next 4x if an alert threshold is forecast to be crossed.
      - id: threshold-within-4x
        when: threshold
        levels: [bio-high]
        horizon_compute_multiple: 4
        probability: 0.5
"""


def framework_text(rules: str = RULES) -> str:
    text = STARTER.read_text()
    assert ANCHOR in text, "the starter framework changed; update this test's anchor"
    return text.replace(ANCHOR, rules)


@pytest.fixture(scope="module")
def fw() -> S.Framework:
    loaded = load_text(framework_text(), "fw.yaml")
    assert loaded.framework is not None, [p.message for p in loaded.problems]
    return loaded.framework


def rising(scores: list[float], n: int = 400) -> list[SeriesPoint]:
    out = []
    for i, s in enumerate(scores):
        k = round(s * n)
        lo, hi = wilson_interval(k, n, 0.95)
        out.append(SeriesPoint(f"ck{i}", 23.0 + 0.5 * i, k / n, lo, hi, n))
    return out


def forecast(
    rule: str = "alert-within-4x", level: str = "bio-alert", **kw: object
) -> ForecastInput:
    fields: dict[str, object] = {
        "rule": rule,
        "domain": "biology",
        "level": level,
        "evaluation": "bio_knowledge",
        "metric": "accuracy",
        "threshold": 0.55 if level == "bio-alert" else 0.65,
        "direction": "up",
        "x_kind": "log10_compute",
        "x_now": 25.0,
        "x_horizon": 25.602,
        "probability": 0.9,
        "status": "forecast",
        "reason": "test",
    }
    fields.update(kw)
    return ForecastInput.model_validate(fields)


# --------------------------------------------------------------------- schema


def test_schema_accepts_rules(fw: S.Framework) -> None:
    rules = fw.governance.reassessment.forecast_rules
    assert [r.id for r in rules] == ["alert-within-4x", "threshold-within-4x"]
    assert rules[0].horizon_compute_multiple == 4 and rules[0].probability == 0.8
    assert [t.level for t in rule_targets(fw, rules[0])] == ["bio-alert"]
    assert [t.level for t in rule_targets(fw, rules[1])] == ["bio-high"]


@pytest.mark.parametrize(
    ("change", "replacement", "path", "words"),
    [
        (
            "horizon_compute_multiple: 4\n        horizon_months: 6\n        ",
            "",
            "forecast_rules[0]",
            "needs a horizon",
        ),
        ("probability: 0.8", "probability: 1.5", "forecast_rules[0].probability", "less than 1"),
        ("levels: [bio-high]", "levels: [nope]", "forecast_rules[1].levels[0]", "unknown level"),
        ("when: threshold", "when: alert", "forecast_rules[1].levels[0]", "is a threshold level"),
        ("id: threshold-within-4x", "id: alert-within-4x", "forecast_rules[1].id", "duplicate"),
        ("levels: [bio-high]", "levels: []", "forecast_rules[1]", "at least one level"),
    ],
)
def test_schema_errors_name_the_field(change: str, replacement: str, path: str, words: str) -> None:
    assert change in RULES
    text = framework_text(RULES.replace(change, replacement, 1))
    loaded = load_text(text, "fw.yaml")
    assert loaded.framework is None
    hits = [p for p in loaded.problems if path in p.path and words in p.message]
    assert hits, [(p.path, p.message) for p in loaded.problems]
    assert hits[0].line > 1 and hits[0].file == "fw.yaml"


def test_json_schema_describes_forecast_rules() -> None:
    schema = S.json_schema()
    rule = schema["$defs"]["ForecastRule"]
    assert {"horizon_compute_multiple", "horizon_months", "probability", "when"} <= set(
        rule["properties"]
    )
    assert all(p.get("description") for k, p in rule["properties"].items() if k != "citation")


# ----------------------------------------------------------------- decide side


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.01, max_value=0.99))
@example(0.8, 0.8)  # at the rule's probability exactly: fired ("at least")
@example(0.7999, 0.8)
def test_fires_iff_probability_at_least_the_rules(p: float, required: float) -> None:
    text = framework_text(RULES.replace("probability: 0.8", f"probability: {required!r}"))
    loaded = load_text(text, "fw.yaml")
    assert loaded.framework is not None
    d = decide(loaded.framework, Inputs(forecasts=[forecast(probability=p)]))
    [o] = [o for o in d.forecasts if o.rule == "alert-within-4x"]
    assert (o.status == "fired") == (p >= required)
    assert o.status in ("fired", "not_fired")
    assert o.probability == p and o.required_probability == required
    fired = [r for r in d.assessment_due if "alert-within-4x" in r]
    assert bool(fired) == (p >= required)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["no_trend", "insufficient", "unavailable"]), st.text(min_size=1))
def test_unavailable_never_fires(status: str, reason: str) -> None:
    loaded = load_text(framework_text(), "fw.yaml")
    assert loaded.framework is not None
    d = decide(
        loaded.framework,
        Inputs(forecasts=[forecast(probability=None, status=status, reason=reason)]),
    )
    [o] = [o for o in d.forecasts if o.rule == "alert-within-4x"]
    assert o.status == "unavailable"
    assert "forecast unavailable" in o.reason and reason in o.reason
    assert o.reason in d.notes  # shown wherever the decision's notes are
    assert not [r for r in d.assessment_due if "alert-within-4x" in r]


def test_decision_names_the_rule_level_and_requirement(fw: S.Framework) -> None:
    d = decide(fw, Inputs(forecasts=[forecast(probability=0.93)]))
    [o] = [o for o in d.forecasts if o.rule == "alert-within-4x"]
    assert (o.status, o.level, o.evaluation) == ("fired", "bio-alert", "bio_knowledge")
    assert o.requires is not None and o.requires.startswith("reassess before")
    assert o.horizon is not None and "4x" in o.horizon
    due = [r for r in d.assessment_due if r.startswith("forecast rule alert-within-4x fired")]
    assert due and "bio-alert" in due[0] and "0.93" in due[0] and "bio_knowledge" in due[0]


def test_without_series_every_rule_is_reported_unavailable(fw: S.Framework) -> None:
    d = decide(fw, Inputs())
    assert [(o.rule, o.status) for o in d.forecasts] == [
        ("alert-within-4x", "unavailable"),
        ("threshold-within-4x", "unavailable"),
    ]
    assert all("not evaluated" in o.reason for o in d.forecasts)
    assert not any("forecast" in r for r in d.assessment_due)


def test_missing_series_and_mismatched_threshold_are_unavailable(fw: S.Framework) -> None:
    out = evaluate_forecast_rules(fw, [forecast(threshold=0.5)])
    by_rule = {o.rule: o for o in out}
    assert by_rule["alert-within-4x"].status == "unavailable"
    assert "not the framework's threshold" in by_rule["alert-within-4x"].reason
    assert by_rule["threshold-within-4x"].status == "unavailable"
    assert "no checkpoint series" in by_rule["threshold-within-4x"].reason


def test_rule_without_numeric_threshold_is_reported() -> None:
    text = framework_text().replace(
        'trigger: {evaluation: bio_knowledge, op: ">=", value: 0.55}',
        'trigger: {evaluation: bio_knowledge, op: ">=", value: unspecified}',
    )
    loaded = load_text(text, "fw.yaml")
    assert loaded.framework is not None, [p.message for p in loaded.problems]
    out = evaluate_forecast_rules(loaded.framework, [])
    [o] = [o for o in out if o.rule == "alert-within-4x"]
    assert o.status == "unavailable" and "unspecified" in o.reason


# ------------------------------------------------------------ measure -> decide


def test_end_to_end_rising_series_fires(fw: S.Framework) -> None:
    pts = rising([0.04, 0.09, 0.18, 0.32, 0.5])
    fi = forecast_inputs(fw, {("bio_knowledge", "accuracy", None): pts})
    assert {(f.rule, f.level) for f in fi} == {
        ("alert-within-4x", "bio-alert"),
        ("threshold-within-4x", "bio-high"),
    }
    alert = next(f for f in fi if f.level == "bio-alert")
    assert alert.probability is not None and alert.probability >= 0.8
    assert alert.crossing is not None
    lo, mid, _ = alert.crossing
    assert mid is None or lo <= mid
    assert alert.model_dump_json()  # open ends are None, which JSON carries
    assert alert.x_horizon == pytest.approx(25.0 + 0.60206, abs=1e-4)
    d = decide(fw, Inputs(forecasts=fi))
    fired = {o.rule for o in d.forecasts if o.status == "fired"}
    assert "alert-within-4x" in fired


def test_end_to_end_flat_series_is_unavailable(fw: S.Framework) -> None:
    pts = rising([0.2, 0.21, 0.19, 0.2, 0.205])
    fi = forecast_inputs(fw, {("bio_knowledge", "accuracy", "zero-shot"): pts})
    assert all(f.probability is None and f.status == "no_trend" for f in fi)
    d = decide(fw, Inputs(forecasts=fi))
    assert {o.status for o in d.forecasts} == {"unavailable"}
    assert all("no trend" in o.reason for o in d.forecasts)
    assert all(o.strategy == "zero-shot" for o in d.forecasts)


def test_date_series_uses_the_months_horizon(fw: S.Framework) -> None:
    start = dt.date(2026, 1, 1)
    pts = [
        SeriesPoint(f"ck{i}", days_of(start + dt.timedelta(days=45 * i)), s, s - 0.03, s + 0.03)
        for i, s in enumerate([0.1, 0.2, 0.3, 0.4, 0.5])
    ]
    fi = forecast_inputs(fw, {("bio_knowledge", "accuracy", None): pts}, x_kind="date")
    alert = next(f for f in fi if f.rule == "alert-within-4x")
    assert alert.x_horizon == pytest.approx(pts[-1].x + 6 * 30.44)
    assert alert.probability is not None
    # the other rule has only a compute horizon: unavailable on a date series, with why
    other = next(f for f in fi if f.rule == "threshold-within-4x")
    assert other.probability is None and "no horizon" in other.reason
    d = decide(fw, Inputs(forecasts=fi))
    o = next(o for o in d.forecasts if o.rule == "alert-within-4x")
    assert o.horizon is not None and "months" in o.horizon and "2026" in o.horizon
