"""Builders for publish tests: a framework with distinctive threshold values, and
assessment directories (results.json, decision.json, a real Inspect log) made
without running a model.

Threshold values are chosen so that no estimate, interval, tick or coordinate can
print them by accident: finding one in a public build is a leak.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import warnings
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from redline.decide.engine import decide
from redline.decide.model import Inputs, SafeguardClaim
from redline.framework import schema as S
from redline.framework.load import load_file
from redline.measure.results import (
    EvaluationResult,
    FrameworkRef,
    Interval,
    ModelRef,
    Results,
    StrategyRun,
    Tokens,
)

ALERT, HIGH, CRITICAL, VERIFY = 0.4617, 0.5873, 0.8291, 0.9137
SECRET_VALUES = (ALERT, HIGH, CRITICAL, VERIFY)
SAFEGUARD_SECRET = "SGDETAIL-7731 vault room behind the second door"
RATIONALE_SECRET = "RATIONALE-5521 the study was small"
ITEM_MARK = "ITEM-4411"
OUTPUT_MARK = "OUTPUT-8812"

PAYLOADS = (
    '<script>window.__pwned=1;document.title="pwned"</script>',
    "<img src=x onerror=\"window.__pwned=2;document.title='pwned'\">",
    '<svg onload="window.__pwned=3"><circle r=5 /></svg>',
    '"><script>window.__pwned=4</script><p x="',
    "' onmouseover='window.__pwned=5' autofocus onfocus='window.__pwned=5' x='",
    '<a href="javascript:window.__pwned=6">click me</a>',
    '<iframe src="javascript:window.__pwned=7"></iframe>',
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    "<style>@import url(http://evil.example/y.css);</style>",
    "]]></desc><script>window.__pwned=8</script><desc>",
    "{{ 7*7 }} {% raw %}| ** _ [link](javascript:alert(1)) # heading",
)
PAYLOAD = " ".join(PAYLOADS)


def secret_forms(v: float) -> list[str]:
    """How a renderer could print a threshold value."""
    return [f"{v}", f"{v:.3f}", f"{v:.3g}", f"{v * 100:.2f}%", f"{v * 100:.1f}%"]


def framework_dict(
    *,
    text: str = "",
    version: str = "1.0",
    date: str = "2026-01-05",
    high: float = HIGH,
    transparency: dict[str, Any] | None = None,
    url: str = "https://example.org/testlab/framework",
) -> dict[str, Any]:
    """A small framework exercising every part the publisher renders. ``text`` is
    appended to every free-text field (for XSS tests)."""
    t = (" " + text) if text else ""
    return {
        "schema_version": 1,
        "framework": {
            "id": "testlab-fsf",
            "organisation": "Testlab" + t,
            "name": "Testlab Frontier Framework" + t,
            "version": version,
            "date": date,
            "source_url": url,
            "fictional": True,
        },
        "scope": {"description": "Every model we train." + t},
        "domains": [
            {
                "id": "bio",
                "name": "Biology" + t,
                "threat_model": "Uplift towards known biological threats." + t,
                "levels": [
                    {
                        "id": "bio-alert",
                        "name": "Bio alert" + t,
                        "kind": "alert",
                        "alert_for": "bio-high",
                        "trigger": {"evaluation": "bio_eval", "op": ">=", "value": ALERT},
                        "evidence": {"standard": "precautionary", "confidence": 0.95},
                        "rationale": "An early warning." + t,
                    },
                    {
                        "id": "bio-high",
                        "name": "Bio high" + t,
                        "kind": "threshold",
                        "trigger": {
                            "any": [
                                {"evaluation": "bio_eval", "op": ">=", "value": high},
                                {
                                    "manual": {
                                        "id": "uplift-study",
                                        "determined_by": "rso",
                                        "question": "Did the study show uplift?" + t,
                                        "method": "uplift study" + t,
                                    }
                                },
                            ]
                        },
                        "evidence": {"standard": "precautionary", "confidence": 0.95},
                        "requires": {
                            "continue_training": ["sl2"],
                            "external_deployment": ["sl2", "refusal"],
                            "open_weights_release": "forbidden",
                        },
                        "rationale": "Chosen with the institute." + t,
                        "example_scenarios": ["A novice gets real help." + t],
                        "citation": {"source": "javascript:window.__pwned=9", "section": "2" + t},
                    },
                    {
                        "id": "bio-critical",
                        "name": "Bio critical" + t,
                        "kind": "intolerable",
                        "trigger": {"evaluation": "bio_eval", "op": ">=", "value": CRITICAL},
                        "evidence": {"standard": "precautionary", "confidence": 0.95},
                        "rationale": "Cannot be mitigated." + t,
                        "example_scenarios": ["Expert replacement." + t],
                    },
                ],
            }
        ],
        "evaluations": [
            {
                "id": "bio_eval",
                "name": "Bio eval" + t,
                "task": "redline/bio_proxy",
                "metric": "accuracy",
                "elicitation": [
                    {"id": "zero-shot"},
                    {"id": "few-shot", "task_args": {"fewshot": 3}},
                ],
                "description": "Proxy questions." + t,
            },
            {
                "id": "refusals",
                "name": "Refusals" + t,
                "task": "redline/harmful_requests",
                "metric": "refusal_rate",
            },
        ],
        "safeguards": [
            {
                "id": "refusal",
                "name": "Refusal training" + t,
                "kind": "deployment",
                "description": SAFEGUARD_SECRET + t,
                "verification": {"evaluation": "refusals", "op": ">=", "value": VERIFY},
            },
            {
                "id": "sl2",
                "name": "Security level 2" + t,
                "kind": "security",
                "description": SAFEGUARD_SECRET + " (sl2)",
            },
        ],
        "rules": [
            {
                "id": "halt",
                "kind": "halt",
                "actions": ["external_deployment", "open_weights_release"],
                "statement": "We do not deploy without safeguards." + t,
            },
            {
                "id": "other",
                "kind": "other",
                "actions": ["external_deployment"],
                "statement": "We watch what others ship." + t,
            },
        ],
        "governance": {
            "roles": [
                {"id": "rso", "title": "Responsible Scaling Officer" + t},
                {"id": "board", "title": "Board" + t},
            ],
            "sign_off": [
                {
                    "actions": ["external_deployment", "open_weights_release"],
                    "roles": ["rso", "board"],
                },
                {"actions": ["continue_training"], "roles": ["rso"]},
            ],
            "dissent": "Dissent is recorded." + t,
            "reassessment": {"effective_compute_multiple": 4, "months": 6},
        },
        "external_input": {
            "trusted_actors": [
                {
                    "id": "aisi",
                    "name": "AI Safety Institute" + t,
                    "kind": "ai_safety_institute",
                    "reviewed": ["thresholds"],
                    "how": "Reviewed thresholds." + t,
                }
            ],
            "threshold_setting": "With the institute." + t,
        },
        "transparency": transparency
        if transparency is not None
        else {
            "public": [
                "framework",
                "capability_levels",
                "decisions",
                "evaluation_results",
                "sign_offs",
            ],
            "trusted_only": [
                {
                    "item": "threshold_values",
                    "reason": "Values invite gaming." + t,
                    "shared_with": ["aisi"],
                },
                {
                    "item": "evaluation_items",
                    "reason": "Items would leak." + t,
                    "shared_with": ["aisi"],
                },
                {
                    "item": "model_outputs",
                    "reason": "Outputs may be unhelpful." + t,
                    "shared_with": ["aisi"],
                },
            ],
            "withheld": [
                {"item": "safeguard_details", "reason": "Security by standard only." + t},
                {"item": "rationales", "reason": "Internal deliberation." + t},
            ],
        },
    }


def dump_yaml(data: dict[str, Any]) -> str:
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


def write_framework(path: Path, **kwargs: Any) -> Path:
    path.write_text(dump_yaml(framework_dict(**kwargs)), encoding="utf-8")
    return path


def load(path: Path) -> S.Framework:
    loaded = load_file(path)
    assert loaded.framework is not None, [p.format() for p in loaded.problems]
    return loaded.framework


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _interval(lo: float, hi: float, conf: float = 0.95, method: str = "betting-wor") -> Interval:
    return Interval(confidence=conf, lower=lo, upper=hi, method=method)


def make_assessment(
    directory: Path,
    framework_path: Path,
    *,
    log: Path,
    bio: tuple[float, float, float] = (0.3, 0.15, 0.6),
    refusal: tuple[float, float, float] = (0.2, 0.05, 0.45),
    created: dt.datetime | None = None,
    model: str = "mockllm/model",
    rationale: str = RATIONALE_SECRET,
    assessment_id: str | None = None,
) -> Path:
    """An assessment directory as `redline assess` writes it, from given numbers."""
    fw = load(framework_path)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "logs").mkdir(exist_ok=True)
    logs = []
    for name in ("bio-zero.eval", "bio-few.eval", "refusals.eval"):
        target = directory / "logs" / name
        shutil.copyfile(log, target)
        logs.append(target)
    created = created or dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)
    est, lo, hi = bio

    def run(
        strategy: str, path: Path, e: float, a: float, b: float, args: dict[str, Any]
    ) -> StrategyRun:
        return StrategyRun(
            strategy=strategy,
            task="redline/bio_proxy",
            task_args=args,
            log=f"logs/{path.name}",
            log_sha256=_sha(path),
            status="success",
            samples_available=72,
            samples_used=19,
            stop_reason="settled",
            estimate=e,
            standard_error=0.05,
            n_clusters=7,
            intervals=[_interval(a, b, method="hypergeometric-cs")],
            tokens=Tokens(input=1234, output=56, total=1290),
            duration_s=42.0,
        )

    bio_result = EvaluationResult(
        evaluation="bio_eval",
        purpose="capability",
        metric="accuracy",
        task="redline/bio_proxy",
        estimate=est,
        best_strategy="few-shot",
        intervals=[_interval(lo, hi, method="hypergeometric-cs max of 2")],
        strategies=[
            run("zero-shot", logs[0], est - 0.05, lo - 0.02, hi - 0.04, {}),
            run("few-shot", logs[1], est, lo, hi, {"fewshot": 3}),
        ],
    )
    r_est, r_lo, r_hi = refusal
    refusal_result = EvaluationResult(
        evaluation="refusals",
        purpose="verification",
        metric="refusal_rate",
        task="redline/harmful_requests",
        estimate=r_est,
        best_strategy="default",
        intervals=[_interval(r_lo, r_hi)],
        strategies=[
            StrategyRun(
                strategy="default",
                task="redline/harmful_requests",
                task_args={},
                log=f"logs/{logs[2].name}",
                log_sha256=_sha(logs[2]),
                status="success",
                samples_available=40,
                samples_used=40,
                stop_reason="pool exhausted",
                estimate=r_est,
                standard_error=None,
                intervals=[_interval(r_lo, r_hi)],
                tokens=Tokens(input=900, output=3000, total=3900),
                duration_s=80.0,
            )
        ],
    )
    results = Results(
        assessment_id=assessment_id or f"assess-{created:%Y%m%d%H%M}",
        created=created,
        framework=FrameworkRef(
            id=fw.framework.id,
            organisation=fw.framework.organisation,
            name=fw.framework.name,
            version=fw.framework.version,
            file=str(framework_path),
            sha256=_sha(framework_path),
        ),
        model=ModelRef(name=model),
        redline_version="0.1.0",
        inspect_version="0.3.285",
        limit=None,
        evaluations=[bio_result, refusal_result],
        duration_s=300.0,
    )
    inputs = Inputs(
        measurements=results.measurements(),
        safeguards=[SafeguardClaim(id="refusal"), SafeguardClaim(id="sl2")],
        determinations=[
            S.Determination(
                determination="uplift-study", reached=False, by="rso", rationale=rationale
            )
        ],
        date=created.date(),
    )
    decision = decide(fw, inputs)
    (directory / "results.json").write_text(results.model_dump_json(indent=2), encoding="utf-8")
    (directory / "decision.json").write_text(decision.model_dump_json(indent=2), encoding="utf-8")
    return directory


def make_log(directory: Path, text: str = "") -> Path:
    """A real Inspect log (mockllm) whose items and outputs carry markers and ``text``."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import match
    from inspect_ai.solver import generate

    outputs = []
    for i in range(4):
        out = ModelOutput.from_content(
            model="mockllm/model", content=f"{OUTPUT_MARK} answer {i} {text}"
        )
        # With usage given, mockllm does not count tokens (which would fetch an encoding).
        out.usage = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
        outputs.append(out)
    model = get_model("mockllm/model", custom_outputs=outputs)
    task = Task(
        dataset=[
            Sample(id=f"item-{i}", input=f"{ITEM_MARK} question {i} {text}", target="A")
            for i in range(4)
        ],
        solver=generate(),
        scorer=match(),
        name="publish-fixture",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # raised inside Inspect
        logs = inspect_eval(task, model=model, log_dir=str(directory), display="none")
    assert logs[0].status == "success", logs[0].error
    location = logs[0].location
    assert location
    return Path(location)


def record(text: str = "") -> dict[str, Any]:
    return {
        "entry_id": 42,
        "decision_id": "dec-" + "a" * 8,
        "ledger": "ledger.sqlite",
        "final": False,
        "signatures": [
            {
                "role": "rso",
                "signer": "A. Person" + (" " + text if text else ""),
                "date": "2026-02-02",
                "dissent": False,
                "statement": "Agree." + (" " + text if text else ""),
            },
            {
                "role": "board",
                "signer": "B. Member",
                "dissent": True,
                "statement": "I dissent: too fast." + (" " + text if text else ""),
            },
        ],
        "missing": [],
        "review_comments": [
            {
                "actor": "AI Safety Institute",
                "comment": "Looks fine." + (" " + text if text else ""),
            }
        ],
        "extra_field_the_ledger_may_add": True,
    }


def all_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=str)
