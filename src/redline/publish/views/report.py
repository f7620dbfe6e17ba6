"""The report view of one assessment, built from the inputs under an audience policy."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from redline.decide.model import DomainOutcome, LevelOutcome
from redline.framework import schema as S
from redline.measure.results import EvaluationResult, StrategyRun
from redline.publish.assisted_note import assisted_note
from redline.publish.views.common import (
    ACTION_WORDS,
    AUDIENCE_WORDS,
    STOP_WORDS,
    VERDICT_WORDS,
    Audience,
    D,
    Names,
    Withheld,
    args_text,
    names_of,
    op_symbol,
)
from redline.publish.views.framework import (
    DomainView,
    FrameworkView,
    comparisons_of,
    condition_words,
    identity_view,
)
from redline.publish.views.inputs import (
    Assessment,
    LedgerRecord,
    LogCheck,
)
from redline.publish.views.policy import (
    Policy,
    policy_for,
    stated,
)
from redline.publish.views.report_models import (
    DomainReport,
    EvaluationReport,
    ExampleView,
    IntervalView,
    LadderPanel,
    LevelReport,
    ModelView,
    ReportView,
    Rung,
    StrategyView,
    TrendPoint,
    TrendSeries,
    VerdictReport,
)
from redline.publish.views.series_forecast import with_forecast
from redline.publish.views.verdicts import (
    interval_view,
    main_interval,
    measure_points,
    reason_chain,
    record_view,
    result_key,
    safeguard_reports,
    sign_off_views,
    status_words,
    verdict_summary,
    verification_rungs,
)


def _strategy_view(
    s: StrategyRun, best: bool, policy: Policy, log: LogCheck | None
) -> StrategyView:
    results = policy.shows(D.EVALUATION_RESULTS)
    w = policy.marker(D.EVALUATION_RESULTS) if not results else None
    return StrategyView(
        strategy=s.strategy,
        task_args=args_text(s.task_args),
        samples_used=s.samples_used,
        samples_available=s.samples_available,
        stop_reason=s.stop_reason,
        stop_words="; ".join(
            x for x in (STOP_WORDS.get(s.stop_reason, s.stop_reason), assisted_note(s)) if x
        ),
        estimate=s.estimate if w is None else w,
        interval=interval_view(main_interval(s.intervals)) if w is None else w,
        standard_error=s.standard_error if w is None else w,
        n_clusters=s.n_clusters,
        tokens_input=s.tokens.input,
        tokens_output=s.tokens.output,
        tokens_total=s.tokens.total,
        duration_s=s.duration_s,
        log=s.log,
        log_sha256=s.log_sha256,
        log_status=log.status if log else "unchecked",
        best=best,
    )


def _examples(
    e: EvaluationResult, policy: Policy, logs: dict[str, LogCheck]
) -> tuple[list[ExampleView], list[Withheld]]:
    best = next((s for s in e.strategies if s.strategy == e.best_strategy), None)
    if best is None and e.strategies:
        best = e.strategies[0]
    check = logs.get(best.log) if best else None
    items = policy.shows(D.EVALUATION_ITEMS)
    outputs = policy.shows(D.MODEL_OUTPUTS)
    notes = []
    if not items:
        notes.append(policy.marker(D.EVALUATION_ITEMS))
    if not outputs:
        notes.append(policy.marker(D.MODEL_OUTPUTS))
    if check is None or (not items and not outputs):
        return [], notes
    views = [
        ExampleView(
            id=x.id,
            input=x.input if items else policy.marker(D.EVALUATION_ITEMS),
            target=x.target if items else policy.marker(D.EVALUATION_ITEMS),
            output=x.output if outputs else policy.marker(D.MODEL_OUTPUTS),
            score=x.score if policy.shows(D.EVALUATION_RESULTS) else "withheld",
        )
        for x in check.examples
    ]
    return views, notes


def _evaluation_report(
    e: EvaluationResult, fw: S.Framework, policy: Policy, logs: dict[str, LogCheck], names: Names
) -> EvaluationReport:
    results = policy.shows(D.EVALUATION_RESULTS)
    examples, notes = _examples(e, policy, logs)
    multi = len(e.strategies) > 1
    return EvaluationReport(
        key=result_key(e),
        evaluation=e.evaluation,
        name=names.evaluation(e.evaluation),
        purpose=e.purpose,
        metric=e.metric,
        task=e.task,
        task_args=args_text(e.task_args),
        estimate=e.estimate if results else policy.marker(D.EVALUATION_RESULTS),
        intervals=[
            IntervalView(confidence=i.confidence, lower=i.lower, upper=i.upper, method=i.method)
            for i in e.intervals
        ]
        if results
        else policy.marker(D.EVALUATION_RESULTS),
        best_strategy=e.best_strategy,
        strategies=[
            _strategy_view(s, multi and s.strategy == e.best_strategy, policy, logs.get(s.log))
            for s in e.strategies
        ],
        samples_used=sum(s.samples_used for s in e.strategies),
        samples_available=sum(s.samples_available for s in e.strategies),
        tokens_total=sum(s.tokens.total for s in e.strategies),
        examples=examples,
        examples_withheld=notes,
    )


def _rungs_for(
    fw: S.Framework,
    domain: S.RiskDomain,
    eval_id: str,
    outcomes: dict[str, LevelOutcome],
    policy: Policy,
) -> list[Rung]:
    rungs = []
    for lv in domain.levels:
        for c in comparisons_of(lv.trigger):
            if c.evaluation != eval_id:
                continue
            lo = outcomes.get(lv.id)
            value = None if not policy.shows(D.THRESHOLD_VALUES) else stated(c)
            rungs.append(
                Rung(
                    level=lv.id,
                    name=lv.name,
                    kind=lv.kind.value,
                    op=op_symbol(c.op),
                    value=value,
                    status=lo.status.value if lo else "unknown",
                    status_words=status_words(lo) if lo else "not decided",
                    counts_as_reached=lo.counts_as_reached if lo else False,
                )
            )
    return rungs


def _domain_report(
    d: S.RiskDomain,
    outcome: DomainOutcome | None,
    fw: S.Framework,
    by_eval: dict[str, EvaluationResult],
    policy: Policy,
    names: Names,
) -> DomainReport:
    outcomes = {lo.level: lo for lo in (outcome.levels if outcome else [])}
    show_levels = policy.shows(D.CAPABILITY_LEVELS)
    levels: list[LevelReport] | Withheld
    if show_levels:
        levels = []
        for lv in d.levels:
            lo = outcomes.get(lv.id)
            reasons = []
            for r in lo.reasons if lo else []:
                depth = (len(r) - len(r.lstrip(" "))) // 2
                reasons.append((depth, policy.scrub(r.strip())))
            levels.append(
                LevelReport(
                    id=lv.id,
                    name=lv.name,
                    kind=lv.kind.value,
                    status=lo.status.value if lo else "unknown",
                    status_words=status_words(lo) if lo else "not decided",
                    counts_as_reached=lo.counts_as_reached if lo else False,
                    standard=lv.evidence.standard.value,
                    confidence=lv.evidence.confidence,
                    trigger=condition_words(lv.trigger, policy, names),
                    reasons=reasons,
                )
            )
    else:
        levels = policy.marker(D.CAPABILITY_LEVELS)
    panels = []
    if show_levels:
        seen: list[str] = []
        for lv in d.levels:
            for c in comparisons_of(lv.trigger):
                if c.evaluation not in seen:
                    seen.append(c.evaluation)
        evals = {e.id: e for e in fw.evaluations}
        for eid in seen:
            e = by_eval.get(eid)
            ev = evals.get(eid)
            panels.append(
                LadderPanel(
                    evaluation=eid,
                    name=names.evaluation(eid),
                    metric=ev.metric if ev else (e.metric if e else "score"),
                    higher_is_more_capable=ev.higher_is_more_capable if ev else True,
                    points=measure_points(e, policy),
                    rungs=_rungs_for(fw, d, eid, outcomes, policy),
                    rungs_withheld=None
                    if policy.shows(D.THRESHOLD_VALUES)
                    else policy.marker(D.THRESHOLD_VALUES),
                    measured=e is not None,
                )
            )
    highest = outcome.highest_level if outcome else None
    kind = None
    if not show_levels:
        basis = summary = "levels withheld"
    elif highest is None:
        basis = summary = "no level counts as reached" if d.levels else "no levels defined"
    else:
        lo = outcomes.get(highest)
        kind = lo.kind if lo else None
        basis = (
            "counts as reached: not ruled out under the precautionary standard"
            if lo is not None and lo.status.value == "unsettled"
            else "reached"
        )
        summary = f"{names.level(highest)} {basis}"
    return DomainReport(
        id=d.id,
        name=d.name,
        threat_model=d.threat_model,
        highest_level=names.level(highest) if highest and show_levels else None,
        highest_kind=kind,
        basis=basis,
        summary=summary,
        levels=levels,
        panels=panels,
        matrix=d.risk_matrix is not None,
    )


def _point_date(a: Assessment) -> dt.datetime:
    """A tracked checkpoint's own date (``redline track``), else when it was assessed."""
    c = a.results.checkpoint
    return dt.datetime.combine(c.date, dt.time(), dt.UTC) if c else a.results.created


def _trend(
    current: Assessment,
    history: Sequence[Assessment],
    policy: Policy,
    names: Names,
) -> list[TrendSeries] | Withheld | None:
    every = [*history, current]
    if len(every) < 2:
        return None
    # Every assessment's own framework version must let this audience see results.
    for a in every:
        p = policy if a is current else policy_for(a.framework, policy.audience)
        if not p.shows(D.EVALUATION_RESULTS):
            return p.marker(D.EVALUATION_RESULTS)
    use_compute = all(a.effective_compute is not None for a in every)
    fw = current.framework
    outcomes = {lo.level: lo for d in current.decision.domains for lo in d.levels}
    series: dict[str, TrendSeries] = {}
    order: list[str] = []
    for a in sorted(every, key=lambda x: x.results.created):
        for e in a.results.evaluations:
            key = result_key(e)
            iv = main_interval(e.intervals)
            point = TrendPoint(
                assessment_id=a.results.assessment_id,
                model=a.results.checkpoint.id if a.results.checkpoint else a.results.model.name,
                date=_point_date(a),
                effective_compute=a.effective_compute,
                estimate=e.estimate,
                lower=iv.lower if iv else None,
                upper=iv.upper if iv else None,
                current=a is current,
            )
            if key not in series:
                order.append(key)
                rungs: list[Rung] = []
                if policy.shows(D.CAPABILITY_LEVELS) and e.purpose == "capability":
                    for d in fw.domains:
                        rungs += _rungs_for(fw, d, e.evaluation, outcomes, policy)
                elif e.purpose == "verification" and policy.shows(D.SAFEGUARD_DETAILS):
                    rungs += verification_rungs(fw, e, policy)
                series[key] = TrendSeries(
                    key=key,
                    evaluation=e.evaluation,
                    name=names.evaluation(e.evaluation)
                    + (f" with {args_text(e.task_args)}" if e.task_args else ""),
                    metric=e.metric,
                    x="effective_compute" if use_compute else "date",
                    points=[point],
                    rungs=rungs,
                    rungs_withheld=None
                    if policy.shows(D.THRESHOLD_VALUES)
                    else policy.marker(D.THRESHOLD_VALUES),
                )
            else:
                s = series[key]
                series[key] = s.model_copy(update={"points": [*s.points, point]})
    return [with_forecast(series[k]) for k in order]


def report_view(
    assessment: Assessment,
    audience: Audience | str = Audience.INTERNAL,
    *,
    record: LedgerRecord | dict[str, Any] | None = None,
    history: Sequence[Assessment] = (),
    generated: dt.datetime | None = None,
) -> ReportView:
    """The assessment report as ``audience`` may see it."""
    a = assessment
    fw, results, decision = a.framework, a.results, a.decision
    policy = policy_for(fw, audience)
    names = names_of(fw)
    rec = LedgerRecord.model_validate(record) if isinstance(record, dict) else record
    by_eval = {e.evaluation: e for e in results.evaluations if e.purpose == "capability"}
    by_key = {result_key(e): e for e in results.evaluations}
    outcomes = {o.id: o for o in decision.safeguards}
    domain_outcomes = {d.domain: d for d in decision.domains}

    verdicts: list[VerdictReport] | Withheld
    if policy.shows(D.DECISIONS):
        verdicts = [
            VerdictReport(
                action=v.action,
                action_words=ACTION_WORDS[v.action],
                verdict=v.verdict.value,
                verdict_words=VERDICT_WORDS[v.verdict.value],
                summary=verdict_summary(v, names, levels=policy.shows(D.CAPABILITY_LEVELS)),
                required=[names.requirement_label(x) for x in v.required],
                conditions=[names.safeguard(x) for x in v.conditions],
                missing=[names.requirement_label(x) for x in v.missing],
                forbidding_levels=[names.level(x) for x in v.forbidding_levels]
                if policy.shows(D.CAPABILITY_LEVELS)
                else [],
                chain=reason_chain(v, decision, fw, policy, names, outcomes),
                engine_reasons=policy.scrub_all(v.reasons),
                sign_off=sign_off_views(v, rec, policy, names),
            )
            for v in decision.verdicts
        ]
        worst = decision.worst()
        headline = {
            "allowed": "Every action is allowed.",
            "allowed_with_conditions": "Every action is allowed, some with conditions.",
            "blocked": "At least one action is blocked until required safeguards are in place.",
            "forbidden": "At least one action is forbidden by an intolerable level.",
        }[worst.value]
    else:
        verdicts = policy.marker(D.DECISIONS)
        headline = "The decision is withheld from this view."

    evaluations = [_evaluation_report(e, fw, policy, a.logs, names) for e in results.evaluations]

    log_dir = _log_dir(a)
    view = ReportView(
        audience=policy.audience,
        audience_words=AUDIENCE_WORDS[policy.audience],
        generated=generated or dt.datetime.now(dt.UTC),
        redline_version=results.redline_version,
        inspect_version=results.inspect_version,
        assessment_id=results.assessment_id,
        assessed=results.created,
        directory=a.directory,
        limit=results.limit,
        duration_s=results.duration_s,
        model=ModelView(
            name=results.model.name,
            args=args_text(results.model.args)
            if results.model.args and policy.audience is Audience.INTERNAL
            else None,
        ),
        framework=identity_view(fw),
        framework_file=results.framework.file,
        framework_sha256=results.framework.sha256,
        framework_digest_ok=a.framework_digest_ok,
        record=record_view(rec, policy, names),
        verdicts=verdicts,
        headline=headline,
        domains=[
            _domain_report(d, domain_outcomes.get(d.id), fw, by_eval, policy, names)
            for d in fw.domains
        ],
        evaluations=evaluations,
        safeguards=safeguard_reports(a, policy, names, by_key),
        governance_dissent=fw.governance.dissent,
        history=_trend(a, history, policy, names),
        history_assessments=[
            (h.results.assessment_id, h.results.model.name, h.results.created.date().isoformat())
            for h in sorted([*history, a], key=lambda x: x.results.created)
        ]
        if history
        else [],
        assessment_due=policy.scrub_all(decision.assessment_due),
        notes=policy.scrub_all(decision.notes),
        warnings=list(a.warnings),
        inspect_command=f"inspect view --log-dir {log_dir}",
        withheld=policy.notices(),
    )
    return view


def _log_dir(a: Assessment) -> str:
    logs = {str(s.log).rsplit("/", 1)[0] for e in a.results.evaluations for s in e.strategies}
    rel = sorted(logs)[0] if len(logs) == 1 else "logs"
    base = a.directory.rstrip("/")
    return _shell_quote(f"{base}/{rel}" if base else rel)


def _shell_quote(s: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:=@%+-]+", s):
        return s
    return "'" + s.replace("'", "'\"'\"'") + "'"


def framework_panels(domain: DomainView, view: FrameworkView) -> list[LadderPanel]:
    """A domain's ladder as chart panels, one per evaluation its triggers use,
    built from the (already redacted) framework view."""
    hidden = next((w for w in view.withheld if w.withheld is D.THRESHOLD_VALUES), None)
    if not isinstance(domain.levels, list):
        return []
    by_eval: dict[str, LadderPanel] = {}
    for lv in domain.levels:
        for c in lv.comparisons:
            panel = by_eval.get(c.evaluation)
            rung = Rung(
                level=lv.id,
                name=lv.name,
                kind=lv.kind,
                op=c.op,
                value=c.value,
                status="",
                status_words="",
                counts_as_reached=False,
            )
            if panel is None:
                by_eval[c.evaluation] = LadderPanel(
                    evaluation=c.evaluation,
                    name=c.evaluation_name,
                    metric=c.metric,
                    higher_is_more_capable=True,
                    points=[],
                    rungs=[rung],
                    rungs_withheld=hidden if c.value_withheld else None,
                    measured=False,
                )
            else:
                by_eval[c.evaluation] = panel.model_copy(update={"rungs": [*panel.rungs, rung]})
    # Without values there is nothing to draw: the table says the rest.
    return [p for p in by_eval.values() if any(r.value is not None for r in p.rungs)]
