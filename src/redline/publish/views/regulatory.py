"""The regulatory reports as views: what SB 53's transparency report and the EU Code's
Model Report ask for, filled from the report view of one recorded assessment.

Built from a :class:`ReportView`, which :func:`report_view` has already redacted
for the audience: this module never sees the framework, results or decision, so a
regulatory report withholds exactly what the assessment report withholds. A field
the record cannot fill is a gap, said in words; nothing is filled from elsewhere.
Which record element answers which requirement is our reading (``reading``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redline.publish.views.common import AUDIENCE_WORDS, Withheld, fmt
from redline.publish.views.regulatory_models import (
    STATUS_WORDS,
    DecisionRef,
    FieldItem,
    FieldStatus,
    RegimeSource,
    RegulatoryReportView,
    ReportField,
    ReportKind,
)
from redline.publish.views.report_models import (
    EvaluationReport,
    IntervalView,
    ReportView,
    SafeguardReport,
)
from redline.regulation.model import Regime

Found = tuple[list[FieldItem], str | None, str | None]  # items, gap, reading
Builder = Callable[[ReportView], Found]

SAMPLES_ASKED = 5  # Measure 7.3(1)(f): "at least five, random samples"
NOTE = (
    "Each field cites the requirement it answers. Which part of the record answers it is "
    "redline's reading, not a legal opinion; a gap is a part the record does not hold "
    "and must be supplied by the developer."
)


# ---------------------------------------------------------------- record pieces


def _interval(iv: IntervalView) -> str:
    return f"[{fmt(iv.lower)}, {fmt(iv.upper)}] at {fmt(iv.confidence)} ({iv.method})"


def _result_text(e: EvaluationReport) -> str | Withheld:
    if isinstance(e.estimate, Withheld):
        return e.estimate
    ivs = "" if isinstance(e.intervals, Withheld) else "; ".join(_interval(i) for i in e.intervals)
    return f"{e.metric} {fmt(e.estimate)}" + (f", interval {ivs}" if ivs else "")


def _eval_source(e: EvaluationReport) -> str:
    return f"results.json evaluations[{e.key}]"


def _how_run(e: EvaluationReport) -> str:
    strategies = ", ".join(
        s.strategy + (f" ({s.task_args})" if s.task_args else "") for s in e.strategies
    )
    stops = "; ".join(f"{s.strategy}: {s.stop_words}" for s in e.strategies if s.stop_words)
    return (
        f"Inspect task {e.task}"
        + (f" ({e.task_args})" if e.task_args else "")
        + f", scored by {e.metric}; elicitation: {strategies or 'none recorded'}"
        + f" (reported: the best, {e.best_strategy}); {e.samples_used} of "
        + f"{e.samples_available} items used"
        + (f"; {stops}" if stops else "")
    )


def _verdict_items(r: ReportView) -> list[FieldItem]:
    if isinstance(r.verdicts, Withheld):
        return [FieldItem(label="Verdicts", text=r.verdicts, source="decision.json verdicts")]
    return [
        FieldItem(
            label=v.action_words, text=v.summary, source=f"decision.json verdicts[{v.action}]"
        )
        for v in r.verdicts
    ]


def _level_items(r: ReportView) -> list[FieldItem]:
    out = []
    for d in r.domains:
        if isinstance(d.levels, Withheld):
            out.append(
                FieldItem(label=d.name, text=d.levels, source=f"decision.json domains[{d.id}]")
            )
            continue
        for lv in d.levels:
            out.append(
                FieldItem(
                    label=f"{d.name}: {lv.name} ({lv.kind})",
                    text=f"{lv.status_words}; threshold: {lv.trigger}; evidence standard "
                    f"{lv.standard} at {fmt(lv.confidence)}",
                    source=f"decision.json domains[{d.id}].levels[{lv.id}]",
                )
            )
    return out


def _sign_off_items(r: ReportView) -> list[FieldItem]:
    rec = r.record
    if rec is None:
        return []
    if isinstance(rec.signatures, Withheld):
        return [FieldItem(label="Sign-offs", text=rec.signatures, source="ledger sign_off entries")]
    out = [
        FieldItem(
            label=f"Sign-off: {s.role}",
            text=f"{s.signer or 'unnamed'}, {s.date or 'undated'}"
            + (
                "; with dissent"
                + (f": {s.statement}" if isinstance(s.statement, str) and s.statement else "")
                if s.dissent
                else ""
            ),
            source="ledger sign_off entry",
        )
        for s in rec.signatures
    ]
    state = (
        "final: every required role signed"
        if rec.final
        else ("not final; awaiting " + (", ".join(rec.missing) or "sign-off"))
    )
    out.append(FieldItem(label="Decision", text=state, source=f"ledger entry {rec.entry_id}"))
    return out


def _review_items(r: ReportView) -> tuple[list[FieldItem], bool]:
    """Review comments recorded on the decision or assessment; (items, any recorded)."""
    rec = r.record
    if rec is None:
        return [], False
    if isinstance(rec.review_comments, Withheld):
        return [FieldItem(label="Reviews", text=rec.review_comments, source="ledger")], True
    return [
        FieldItem(
            label=f"Review by {actor}",
            text=f"{when}: {text}" if when else text,
            source="ledger review_comment entry",
        )
        for actor, when, text in rec.review_comments
    ], bool(rec.review_comments)


def _safeguard_items(s: SafeguardReport) -> list[FieldItem]:
    source = f"decision.json safeguards[{s.id}]"
    status = f"{s.status_words}; verification: {s.verification_words}" + (
        f"; required for {', '.join(s.required_for)}" if s.required_for else ""
    )
    out = [FieldItem(label=f"{s.name} ({s.kind})", text=status, source=source)]
    if s.description is not None:
        out.append(
            FieldItem(
                label=f"{s.name}: description",
                text=s.description,
                source=f"framework safeguards[{s.id}]",
            )
        )
    return out


def _domain_summaries(r: ReportView) -> list[FieldItem]:
    return [
        FieldItem(label=d.name, text=d.summary, source=f"decision.json domains[{d.id}]")
        for d in r.domains
    ]


# ---------------------------------------------------------------- SB 53


def _gap(text: str) -> Builder:
    return lambda _r: ([], text, None)


_NOT_IN_RECORD = (
    "The ledger records the framework, the assessment and the decision; {what} is not "
    "part of that record."
)


def _sb53_assessments(r: ReportView) -> Found:
    items = [
        FieldItem(
            label="Framework",
            text=f"{r.framework.name} {r.framework.version} ({r.framework.organisation}) "
            f"(sha256 {r.framework_sha256[:12]}…)",
            source="ledger framework_adopted entry",
        ),
        FieldItem(
            label="Assessment",
            text=f"{r.assessment_id} of {r.model.name}, {r.assessed.date().isoformat()}",
            source="ledger assessment_recorded entry",
        ),
    ]
    items += [
        FieldItem(
            label=d.name,
            text=d.threat_model or "threat model not stated",
            source=f"framework domains[{d.id}]",
        )
        for d in r.domains
    ]
    items += [
        FieldItem(label=e.name, text=_how_run(e), source=_eval_source(e)) for e in r.evaluations
    ]
    return (
        items,
        None,
        "The assessment recorded under the framework, its risk domains and evaluations.",
    )


def _sb53_results(r: ReportView) -> Found:
    items = [
        FieldItem(label=e.name, text=_result_text(e), source=_eval_source(e)) for e in r.evaluations
    ]
    items += _domain_summaries(r) + _level_items(r) + _verdict_items(r)
    return (
        items,
        None,
        "Estimates with intervals, each level against its threshold, and the verdicts.",
    )


def _third_parties(r: ReportView) -> Found:
    items, any_review = _review_items(r)
    if not any_review:
        return (
            [],
            "The ledger holds no review of this decision or assessment. Whether third-party "
            "evaluators took part is not in the record (the framework may name trusted "
            "actors, but that says what is planned, not what happened for this model).",
            None,
        )
    return (
        items,
        "The ledger names each reviewer by the key that signed the comment; whether a "
        "reviewer is an independent third-party evaluator is not in the record.",
        "Review comments recorded on this decision or its assessment.",
    )


def _sb53_other_steps(r: ReportView) -> Found:
    items = [i for s in r.safeguards for i in _safeguard_items(s)] + _sign_off_items(r)
    items += [
        FieldItem(label="Reassessment", text=t, source="decision.json assessment_due")
        for t in r.assessment_due
    ]
    gap = None if r.record is not None else "The decision's sign-offs: no ledger record."
    return (
        items,
        gap,
        "Safeguards checked, sign-offs recorded and reassessments due under the framework.",
    )


SB53_FIELDS: list[tuple[str, Builder]] = [
    ("c1a-website", _gap(_NOT_IN_RECORD.format(what="the developer's website"))),
    ("c1b-contact", _gap(_NOT_IN_RECORD.format(what="a contact mechanism"))),
    (
        "c1c-release-date",
        _gap(
            "The record holds when the decision was taken and what it allows, not when (or "
            "whether) the model was released."
        ),
    ),
    ("c1d-languages", _gap(_NOT_IN_RECORD.format(what="the languages the model supports"))),
    ("c1e-modalities", _gap(_NOT_IN_RECORD.format(what="the model's output modalities"))),
    ("c1f-intended-uses", _gap(_NOT_IN_RECORD.format(what="the model's intended uses"))),
    (
        "c1g-restrictions",
        _gap(
            "The record holds the conditions the decision attaches to each action (shown "
            "under 22757.12(c)(2)(D)), not the restrictions on use the developer imposes on "
            "users."
        ),
    ),
    ("c2a-assessments", _sb53_assessments),
    ("c2b-results", _sb53_results),
    ("c2c-third-parties", _third_parties),
    ("c2d-other-steps", _sb53_other_steps),
]


# ---------------------------------------------------------------- EU Model Report


def _eu_description(r: ReportView) -> Found:
    return (
        _domain_summaries(r),
        "Architecture, propensities, affordances, training method and data, and how they "
        "differ from other models: not in the record.",
        "Capabilities as measured: the highest level counted as reached per risk domain.",
    )


def _eu_versions(r: ReportView) -> Found:
    return (
        [
            FieldItem(
                label="Model assessed",
                text=r.model.name + (f" ({r.model.args})" if r.model.args else ""),
                source="results.json model",
            )
        ],
        "Other versions made available, and how their mitigations and risks differ: not in "
        "this record (each version is its own assessment).",
        None,
    )


def _eu_justification(r: ReportView) -> Found:
    items = _verdict_items(r)
    if not isinstance(r.verdicts, Withheld):
        for v in r.verdicts:
            for step in v.chain:
                items.append(
                    FieldItem(
                        label=f"{v.action_words}: {step.title}",
                        text="; ".join(step.items),
                        source=f"decision.json verdicts[{v.action}]",
                    )
                )
    items += _level_items(r)
    return (
        items,
        None,
        "The verdicts and the chain of reasons; the safety margin is each level's evidence "
        "standard and confidence, and any alert level below a threshold.",
    )


def _eu_conditions(r: ReportView) -> Found:
    items = [
        FieldItem(label="Reassessment", text=t, source="decision.json assessment_due")
        for t in r.assessment_due
    ]
    if not isinstance(r.verdicts, Withheld):
        items += [
            FieldItem(
                label=f"{v.action_words}: keep in place",
                text=", ".join(v.conditions),
                source=f"decision.json verdicts[{v.action}].conditions",
            )
            for v in r.verdicts
            if v.conditions
        ]
    gap = None if items else "The record states no reassessment trigger or condition."
    return (
        items,
        gap,
        "The decision holds while its conditions (safeguards kept in place) hold and until a "
        "reassessment trigger fires.",
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _eu_decision(r: ReportView) -> Found:
    items = _sign_off_items(r)
    reviews, any_review = _review_items(r)
    items += reviews
    if r.governance_dissent:
        items.append(
            FieldItem(
                label="Dissent procedure",
                text=r.governance_dissent,
                source="framework governance.dissent",
            )
        )
    gaps = []
    if r.record is None:
        gaps.append("the decision is not recorded in a ledger, so its sign-offs are unknown")
    if not any_review:
        gaps.append(
            "no external input into this decision is recorded (no review comment in the "
            "ledger); the role of independent external evaluators is not in the record"
        )
    return (
        items,
        _sentence("; ".join(gaps)) if gaps else None,
        ("Who signed the decision, with dissent, and the reviews recorded on it."),
    )


def _eu_risks(r: ReportView) -> Found:
    items = [
        FieldItem(
            label=d.name,
            text=(d.threat_model.rstrip(". ") + ". " if d.threat_model else "") + d.summary,
            source=f"decision.json domains[{d.id}]",
        )
        for d in r.domains
    ]
    items += [
        FieldItem(label=f"With mitigation: {e.name}", text=_result_text(e), source=_eval_source(e))
        for e in r.evaluations
        if e.purpose == "verification"
    ]
    return (
        items,
        "Systemic risk estimates in the Code's sense (probability and severity of harm) are "
        "not in the record: redline records capability levels and safeguard verifications.",
        "Risks as capability levels per domain; the comparison with mitigations is the "
        "verification evaluations run against the mitigated model.",
    )


def _eu_evaluations(r: ReportView) -> Found:
    items = []
    for e in r.evaluations:
        items.append(
            FieldItem(label=f"{e.name}: how it was run", text=_how_run(e), source=_eval_source(e))
        )
        items.append(
            FieldItem(label=f"{e.name}: result", text=_result_text(e), source=_eval_source(e))
        )
    gap = None if items else "No evaluation is recorded."
    return items, gap, "Every evaluation of the assessment, as run through Inspect."


def _eu_samples(r: ReportView) -> Found:
    items: list[FieldItem] = []
    short: list[str] = []
    for e in r.evaluations:
        if e.examples_withheld and not e.examples:
            items += [
                FieldItem(label=e.name, text=w, source=_eval_source(e)) for w in e.examples_withheld
            ]
            continue
        for x in e.examples:
            text = " → ".join(
                part if isinstance(part, str) else f"[{part.what} withheld]"
                for part in (x.input, x.output)
            )
            items.append(
                FieldItem(
                    label=f"{e.name}: sample {x.id}",
                    text=f"{text} (score {x.score})",
                    source=f"Inspect log of {e.key}",
                )
            )
        if len(e.examples) < SAMPLES_ASKED:
            short.append(f"{e.name} ({len(e.examples)})")
    gap = (
        f"Fewer than {SAMPLES_ASKED} samples could be read for: " + ", ".join(short) + "."
        if short
        else None
    )
    return items, gap, "Samples drawn at random (seeded by the decision id) from each log."


def _safeguards_of(r: ReportView, security: bool) -> list[FieldItem]:
    return [
        i for s in r.safeguards if (s.kind == "security") == security for i in _safeguard_items(s)
    ]


def _eu_safety(r: ReportView) -> Found:
    return (
        _safeguards_of(r, False),
        "How each mitigation fulfils Measure 5.1, and its limitations: not in the record.",
        "The deployment safeguards the decision checked.",
    )


def _eu_security(r: ReportView) -> Found:
    return (
        _safeguards_of(r, True),
        "The Security Goal, and how the mitigations meet it: not in the record.",
        "The security safeguards the decision checked.",
    )


def _eu_external_reports(r: ReportView) -> Found:
    items, any_review = _review_items(r)
    if not any_review:
        return [], "The ledger holds no external report or review for this decision.", None
    return (
        items,
        "Reports kept outside the ledger are not in the record.",
        ("Reviews recorded in the ledger on this decision or its assessment."),
    )


EU_FIELDS: list[tuple[str, Builder]] = [
    ("m7.1-1-description", _eu_description),
    ("m7.1-2-use", _gap(_NOT_IN_RECORD.format(what="how the model is and will be used"))),
    ("m7.1-3-versions", _eu_versions),
    ("m7.1-4-specification", _gap(_NOT_IN_RECORD.format(what="the model specification"))),
    ("m7.2-1-justification", _eu_justification),
    ("m7.2-2-conditions", _eu_conditions),
    ("m7.2-3-decision", _eu_decision),
    ("m7.3-1d-risks", _eu_risks),
    ("m7.3-1e-evaluations", _eu_evaluations),
    ("m7.3-1f-samples", _eu_samples),
    (
        "m7.3-1g-access",
        _gap(_NOT_IN_RECORD.format(what="the access and resources given to evaluation teams")),
    ),
    ("m7.3-2-safety-mitigations", _eu_safety),
    ("m7.3-3-security", _eu_security),
    ("m7.3-4-next-six-months", _gap(_NOT_IN_RECORD.format(what="the development plan"))),
    ("m7.4-1-external-reports", _eu_external_reports),
    (
        "m7.4-2-no-external-evaluator",
        _gap(
            _NOT_IN_RECORD.format(
                what="a justification for involving no independent external evaluator"
            )
        ),
    ),
    (
        "m7.4-3-evaluator-choice",
        _gap(_NOT_IN_RECORD.format(what="why an external evaluator was chosen")),
    ),
    (
        "m7.5-landscape",
        _gap(_NOT_IN_RECORD.format(what="what changes in the systemic risk landscape")),
    ),
]

FIELDS: dict[str, tuple[str, str, list[tuple[str, Builder]]]] = {
    "sb53-transparency": ("sb53", "SB 53 transparency report", SB53_FIELDS),
    "eu-model-report": ("eu-gpai-cop", "Safety and Security Model Report", EU_FIELDS),
}
REGIME_OF: dict[str, str] = {k: v[0] for k, v in FIELDS.items()}


def _status(items: list[FieldItem], gap: str | None) -> FieldStatus:
    if not items:
        return "gap"
    if all(isinstance(i.text, Withheld) for i in items):
        return "withheld"
    return "partial" if gap else "filled"


def regulatory_view(
    report: ReportView, regime: Regime, kind: ReportKind, decision: DecisionRef
) -> RegulatoryReportView:
    """The report ``kind`` asks for, from the (already redacted) assessment report."""
    regime_id, title, specs = FIELDS[kind]
    if regime.id != regime_id:
        raise ValueError(f"{kind} answers {regime_id}, not {regime.id}")
    reqs = {q.id: q for q in regime.requirements}
    fields: list[ReportField] = []
    for req_id, build in specs:
        q = reqs[req_id]  # a missing id is a bug in this table: tests cover every kind
        items, gap, reading = build(report)
        status = _status(items, gap)
        fields.append(
            ReportField(
                requirement=q.id,
                section=q.citation.section,
                title=q.title.split(": ", 1)[-1],
                quote=q.citation.quote,
                status=status,
                status_words=STATUS_WORDS[status],
                items=items,
                gap=gap,
                reading=reading,
            )
        )
    counts: dict[str, Any] = {s: sum(f.status == s for f in fields) for s in STATUS_WORDS}
    doc = regime.document
    return RegulatoryReportView(
        kind=kind,
        title=title,
        regime=RegimeSource(
            id=regime.id,
            name=regime.name,
            title=doc.title,
            version=doc.version,
            date=doc.date,
            url=doc.url,
        ),
        audience=report.audience,
        audience_words=AUDIENCE_WORDS[report.audience],
        generated=report.generated,
        model=report.model.name,
        framework=report.framework,
        framework_sha256=report.framework_sha256,
        assessment_id=report.assessment_id,
        assessed=report.assessed,
        decision=decision,
        fields=fields,
        counts=counts,
        withheld=report.withheld,
        warnings=report.warnings,
        note=NOTE,
    )
