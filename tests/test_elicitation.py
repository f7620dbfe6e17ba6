"""Elicitation adequacy: a level counts as ruled out only when the required elicitation was met.

Properties (hypothesis, over the example framework and the generated frameworks of
test_decide_properties):

* with every capability evaluation requiring some elicitation and every result falling
  short of it, no comparison is reported "ruled out" and no level whose trigger is made
  only of comparisons is not reached;
* with the requirement met (exactly, or exceeded), the decision is identical to the one
  the framework gives without any requirement.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.decide.elicitation import (
    ElicitationRecord,
    RunElicitation,
    record_for,
    shortfalls,
)
from redline.decide.engine import decide
from redline.decide.inputs import load_determinations
from redline.decide.model import Decision, Inputs, Measurement, Status
from redline.decide.selftest import run_self_tests
from redline.framework import schema as S
from redline.framework.load import load_text
from test_decide_properties import BASE, EXAMPLE, Case, cases

ROOT = Path(__file__).parent.parent

# ------------------------------------------------------------------ helpers


def _with_requirements(
    fw: S.Framework, reqs: dict[str, S.ElicitationRequirement | None]
) -> S.Framework:
    evals = [e.model_copy(update={"required_elicitation": reqs.get(e.id)}) for e in fw.evaluations]
    return fw.model_copy(update={"evaluations": evals})


def _strip(fw: S.Framework) -> S.Framework:
    return _with_requirements(fw, {})


@st.composite
def requirement(draw: st.DrawFn, ev: S.Evaluation) -> S.ElicitationRequirement:
    ids = [s.id for s in ev.elicitation] or ["default"]
    return S.ElicitationRequirement(
        strategies=draw(st.lists(st.sampled_from(ids), unique=True)),
        few_shot=draw(st.one_of(st.none(), st.integers(1, 8))),
        epochs=draw(st.one_of(st.none(), st.integers(1, 4))),
        tools=draw(st.lists(st.sampled_from(["python", "search", "shell"]), unique=True)),
        fine_tuning=draw(st.sampled_from(["not_required", "open_weights", "always"])),
    )


def _compared(fw: S.Framework) -> set[str]:
    out = set()
    for d in fw.domains:
        for lv in d.levels:
            for c in S.condition_leaves(lv.trigger):
                if isinstance(c, S.Comparison):
                    out.add(c.evaluation)
    return out


def _verified_plain(fw: S.Framework) -> set[str]:
    """Evaluations a safeguard verifies without task arguments (their measurement is
    shared with the capability reading)."""
    return {
        s.verification.evaluation
        for s in fw.safeguards
        if s.verification is not None and not s.verification.task_args
    }


def _only_comparisons(c: S.Condition | None) -> bool:
    return all(isinstance(x, S.Comparison) for x in S.condition_leaves(c))


def _inputs(case: Case, records: dict[str, ElicitationRecord | None]) -> Inputs:
    base = case.inputs()
    ms = [
        m.model_copy(update={"elicitation": records.get(m.evaluation)}) if not m.task_args else m
        for m in base.measurements
    ]
    return base.model_copy(update={"measurements": ms})


# --------------------------------------------------------------- properties


@settings(BASE)
@given(data=st.data())
def test_unmet_elicitation_never_rules_a_level_out(data: st.DataObject) -> None:
    case = data.draw(cases())
    targets = _compared(case.fw) - _verified_plain(case.fw)
    reqs: dict[str, S.ElicitationRequirement | None] = {}
    records: dict[str, ElicitationRecord | None] = {}
    for ev in case.fw.evaluations:
        if ev.id not in targets:
            continue
        req = data.draw(requirement(ev))
        # A record that falls short in one drawn way: nothing run, too few shots, none
        # recorded at all, or (when fine-tuning is always required) not fine-tuned.
        how = data.draw(st.sampled_from(["no_runs", "none", "shots", "tuning"]))
        if how == "shots":
            req = req.model_copy(update={"few_shot": (req.few_shot or 1) + 1})
            met = record_for(_with_requirements(case.fw, {ev.id: req}), ev.id, met=True)
            assert met is not None
            runs = [r.model_copy(update={"few_shot": (req.few_shot or 1) - 1}) for r in met.runs]
            rec: ElicitationRecord | None = met.model_copy(update={"runs": runs})
        elif how == "tuning":
            req = req.model_copy(update={"fine_tuning": "always"})
            met = record_for(_with_requirements(case.fw, {ev.id: req}), ev.id, met=True)
            assert met is not None
            rec = met.model_copy(update={"fine_tuned": False})
        elif how == "none":
            rec = None
        else:
            rec = ElicitationRecord(runs=[])
        assert shortfalls(req, rec), (req, rec)
        reqs[ev.id], records[ev.id] = req, rec
    fw = _with_requirements(case.fw, reqs)
    decision = decide(fw, _inputs(case, records))
    for dom in decision.domains:
        src = next(d for d in fw.domains if d.id == dom.domain)
        for lo in dom.levels:
            for r in lo.reasons:
                head = r.strip().split(" ", 1)[0]
                if head.split(".")[0] in reqs:
                    assert ": ruled out (" not in r, r
            lv = next(x for x in src.levels if x.id == lo.level)
            if src.risk_matrix is None and _only_comparisons(lv.trigger):
                assert lo.status is not Status.NOT_REACHED, (lo.level, lo.reasons)


@settings(BASE)
@given(data=st.data())
def test_met_elicitation_leaves_the_decision_unchanged(data: st.DataObject) -> None:
    case = data.draw(cases())
    plain = _strip(case.fw)
    reqs = {ev.id: data.draw(requirement(ev)) for ev in plain.evaluations}
    fw = _with_requirements(plain, dict(reqs))
    records: dict[str, ElicitationRecord | None] = {}
    for ev_id in reqs:
        rec = record_for(fw, ev_id, met=True)
        assert rec is not None
        if data.draw(st.booleans()):  # exceeding the requirement is meeting it too
            extra = RunElicitation(strategy="extra", few_shot=99, epochs=9, tools=["python"])
            rec = rec.model_copy(update={"runs": [*rec.runs, extra], "fine_tuned": True})
        assert not shortfalls(reqs[ev_id], rec, open_weights=True)
        records[ev_id] = rec
    with_req = decide(fw, _inputs(case, records))
    without = decide(plain, case.inputs())
    assert with_req.model_dump() == without.model_dump()


# -------------------------------------------------------------------- units


def _req(**kw: object) -> S.ElicitationRequirement:
    return S.ElicitationRequirement.model_validate(kw)


def test_one_run_must_meet_shots_and_tools_together() -> None:
    req = _req(few_shot=3, tools=["python"])
    split = ElicitationRecord(
        runs=[
            RunElicitation(strategy="a", few_shot=3),
            RunElicitation(strategy="b", few_shot=0, tools=["python"]),
        ]
    )
    gaps = shortfalls(req, split)
    assert len(gaps) == 1 and "no single run met the bar" in gaps[0]
    joint = ElicitationRecord(runs=[RunElicitation(strategy="a", few_shot=5, tools=["python"])])
    assert shortfalls(req, joint) == []


def test_missing_strategy_and_unrecorded_shots_are_named() -> None:
    req = _req(strategies=["zero-shot", "few-shot"], few_shot=3)
    rec = ElicitationRecord(runs=[RunElicitation(strategy="zero-shot")])
    gaps = shortfalls(req, rec)
    assert any("strategies not run: few-shot" in g for g in gaps)
    assert any("does not record its shots" in g for g in gaps)
    assert shortfalls(req, None) == ["the results do not record the elicitation used"]
    assert shortfalls(None, None) == []


def test_fine_tuning_for_open_weights_applies_only_to_that_decision() -> None:
    req = _req(fine_tuning="open_weights")
    rec = ElicitationRecord(runs=[RunElicitation(strategy="default")])
    assert shortfalls(req, rec) == []
    assert shortfalls(req, rec, open_weights=True)
    assert shortfalls(req, rec.model_copy(update={"fine_tuned": True}), open_weights=True) == []


def _weak_bio(fw: S.Framework, rec: ElicitationRecord | None) -> Decision:
    ms = [
        Measurement(
            evaluation=e,
            metric="accuracy",
            estimate=0.3,
            intervals={0.95: (0.2, 0.4), 0.99: (0.18, 0.42)},
            elicitation=rec if e == "bio_proxy" else None,
        )
        for e in ("bio_proxy", "chem_proxy", "cyber_proxy", "mlre_proxy")
    ]
    dets = load_determinations(ROOT / "examples" / "inputs" / "determinations.yaml", EXAMPLE)
    return decide(fw, Inputs(measurements=ms, determinations=dets))


def test_example_weak_bio_result_without_few_shot_is_insufficient_evidence() -> None:
    short = ElicitationRecord(runs=[RunElicitation(strategy="zero-shot", few_shot=0)])
    d = _weak_bio(EXAMPLE, short)
    bio = next(x for x in d.domains if x.domain == "biology")
    assert all(lo.status is not Status.NOT_REACHED for lo in bio.levels)
    assert any("required elicitation was not met" in r for r in bio.levels[0].reasons)
    assert any("biology" in n and "insufficient" in n for n in d.notes)
    met = record_for(EXAMPLE, "bio_proxy", met=True)
    ok = _weak_bio(EXAMPLE, met)
    bio_ok = next(x for x in ok.domains if x.domain == "biology")
    assert any("bio_proxy.accuracy" in r and ": ruled out (" in r for r in bio_ok.levels[0].reasons)
    assert ok.verdicts != d.verdicts


def test_open_weights_decision_needs_the_fine_tuned_elicitation() -> None:
    req = EXAMPLE.evaluation("bio_proxy").required_elicitation
    assert req is not None
    fw = _with_requirements(
        EXAMPLE,
        {"bio_proxy": req.model_copy(update={"fine_tuning": "open_weights"})},
    )
    untuned = record_for(EXAMPLE, "bio_proxy", met=True)
    d = _weak_bio(fw, untuned)
    base = _weak_bio(EXAMPLE, untuned)
    for action in ("continue_training", "internal_deployment", "external_deployment"):
        assert d.verdict(action).verdict == base.verdict(action).verdict
    assert d.verdict("open_weights_release").verdict.value == "forbidden"
    assert base.verdict("open_weights_release").verdict.value != "forbidden"
    assert any("open-weights release" in n for n in d.notes)


def test_example_self_tests_pass_with_the_requirement_and_without_it() -> None:
    assert all(o.passed for o in run_self_tests(EXAMPLE)), [
        o.failures for o in run_self_tests(EXAMPLE) if not o.passed
    ]
    stripped = _strip(EXAMPLE)
    for with_req, plain in zip(run_self_tests(EXAMPLE), run_self_tests(stripped), strict=True):
        assert with_req.decision is not None and plain.decision is not None
        assert with_req.decision.model_dump() == plain.decision.model_dump(), with_req.name


def test_unknown_strategy_in_the_requirement_is_a_located_error() -> None:
    text = (ROOT / "examples" / "frontier-framework.yaml").read_text()
    bad = text.replace(
        "required_elicitation: {strategies: [zero-shot, few-shot]",
        "required_elicitation: {strategies: [zero-shot, two-shot]",
    )
    assert bad != text
    loaded = load_text(bad, "fw.yaml")
    assert loaded.framework is None
    msgs = [p.format() for p in loaded.problems]
    assert any("two-shot" in m and "fw.yaml:" in m for m in msgs), msgs


@pytest.mark.parametrize("shots", [0, 3])
def test_results_record_shots_from_task_args(shots: int) -> None:
    from redline.measure.assess import RunSpec, _elicitation

    class _Cfg:
        epochs = 2

    class _Eval:
        config = _Cfg()

    class _Log:
        eval = _Eval()

    spec = RunSpec(
        evaluation=EXAMPLE.evaluation("bio_proxy"),
        purpose="capability",
        strategy="few-shot",
        task_args={"fewshot": shots},
        extra_args={},
        thresholds=[0.5],
        confidences=[0.95],
        k=2,
    )
    rec = _elicitation(spec, _Log())
    assert rec == RunElicitation(strategy="few-shot", few_shot=shots, epochs=2)


def test_a_matrix_factor_without_the_required_elicitation_is_scored_at_its_maximum() -> None:
    from test_decide_properties import generated_framework

    fw = next(
        f
        for f in map(generated_framework, range(500))
        if any(d.risk_matrix is not None for d in f.domains)
    )
    dom = next(d for d in fw.domains if d.risk_matrix is not None)
    assert dom.risk_matrix is not None
    factor = dom.risk_matrix.factors[0]
    assert isinstance(factor.source, S.MetricFactorSource)
    ev = factor.source.evaluation
    req = S.ElicitationRequirement(few_shot=2)
    fw = _with_requirements(_strip(fw), {ev: req})
    low = Measurement(evaluation=ev, metric="score", estimate=0.0, intervals={0.95: (0.0, 0.0)})
    met = decide(
        fw,
        Inputs(measurements=[low.model_copy(update={"elicitation": record_for(fw, ev, met=True)})]),
    )
    short = decide(
        fw,
        Inputs(measurements=[low.model_copy(update={"elicitation": ElicitationRecord(runs=[])})]),
    )
    reasons = [
        r for lo in next(d for d in short.domains if d.domain == dom.id).levels for r in lo.reasons
    ]
    assert any(
        "evidence insufficient" in r and f"maximum {factor.scores[-1]}" in r for r in reasons
    )
    assert not any(
        "evidence insufficient" in r
        for lo in next(d for d in met.domains if d.domain == dom.id).levels
        for r in lo.reasons
    )
