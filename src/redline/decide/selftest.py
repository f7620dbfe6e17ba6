"""Run a framework's own self-tests: scenarios -> expected verdicts (like ``opa test``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.decide.elicitation import record_for
from redline.decide.engine import decide
from redline.decide.model import Decision, Inputs, Measurement, SafeguardClaim
from redline.framework import schema as S


@dataclass
class SelfTestOutcome:
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    decision: Decision | None = None


def scenario_inputs(fw: S.Framework, test: S.SelfTest) -> Inputs:
    measurements = []
    for r in test.results:
        metric = r.metric or fw.evaluation(r.evaluation).metric
        lo, hi = r.interval if r.interval is not None else (r.estimate, r.estimate)
        measurements.append(
            Measurement(
                evaluation=r.evaluation,
                metric=metric,
                task_args=dict(r.task_args),
                estimate=r.estimate,
                intervals={0.0: (lo, hi)},
                elicitation=record_for(fw, r.evaluation, met=r.elicitation_met),
            )
        )
    return Inputs(
        measurements=measurements,
        safeguards=[SafeguardClaim(id=s) for s in test.safeguards_in_place],
        determinations=list(test.determinations),
        tiers=dict(test.tiers),
    )


def run_self_tests(fw: S.Framework) -> list[SelfTestOutcome]:
    outcomes = []
    for test in fw.tests:
        decision = decide(fw, scenario_inputs(fw, test))
        failures = []
        for action, expected in test.expect.items():
            got = decision.verdict(action)
            if got.verdict.value != expected:
                failures.append(
                    f"{action.value}: expected {expected}, got {got.verdict.value} "
                    f"({'; '.join(got.reasons[-3:])})"
                )
        for action, ids in test.expect_applied.items():
            got_applied = decision.verdict(action).applied
            for ident in ids:
                if ident not in got_applied:
                    failures.append(
                        f"{action.value}: expected {ident} to be applied, applied: "
                        f"{', '.join(got_applied) or 'nothing'}"
                    )
        for dom_id, expected_level in test.expect_levels.items():
            dom = next(d for d in decision.domains if d.domain == dom_id)
            got_level = dom.highest_level or "none"
            if got_level != expected_level:
                failures.append(f"domain {dom_id}: expected {expected_level}, got {got_level}")
        outcomes.append(SelfTestOutcome(test.name, not failures, failures, decision))
    return outcomes
