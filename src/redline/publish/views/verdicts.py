"""Verdicts in a report: measured points, reason chains, safeguard states, sign-offs
and the ledger record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from redline.decide.model import Decision, LevelOutcome, SafeguardOutcome, Verdict
from redline.framework import schema as S
from redline.measure.results import EvaluationResult, Interval
from redline.publish.views.common import (
    ACTION_WORDS,
    D,
    Names,
    Withheld,
    args_text,
    op_symbol,
)
from redline.publish.views.framework import (
    describe_verification,
)
from redline.publish.views.inputs import (
    Assessment,
    LedgerRecord,
    Signature,
)
from redline.publish.views.policy import (
    Policy,
)
from redline.publish.views.report_models import (
    ChainStep,
    IntervalView,
    LadderPanel,
    MeasurePoint,
    RecordView,
    RequiredSignOffView,
    Rung,
    SafeguardReport,
    SignatureView,
)


def status_words(lo: LevelOutcome) -> str:
    if lo.status.value == "unsettled":
        if lo.counts_as_reached:
            return f"not ruled out: counts as reached ({lo.standard} standard)"
        return f"not shown: not counted ({lo.standard} standard)"
    if lo.status.value == "reached":
        return "reached"
    return "not reached"


def main_interval(ivs: Sequence[Interval], confidence: float | None = None) -> Interval | None:
    if not ivs:
        return None
    if confidence is not None:
        exact = [i for i in ivs if i.confidence == confidence]
        if exact:
            return exact[0]
        higher = sorted((i for i in ivs if i.confidence > confidence), key=lambda i: i.confidence)
        if higher:
            return higher[0]
    return next((i for i in ivs if i.confidence == 0.95), max(ivs, key=lambda i: i.confidence))


def interval_view(i: Interval | None) -> IntervalView | None:
    if i is None:
        return None
    return IntervalView(confidence=i.confidence, lower=i.lower, upper=i.upper, method=i.method)


def result_key(e: EvaluationResult) -> str:
    return e.evaluation + (f"[{args_text(e.task_args)}]" if e.task_args else "")


def measure_points(e: EvaluationResult | None, policy: Policy) -> list[MeasurePoint] | Withheld:
    if not policy.shows(D.EVALUATION_RESULTS):
        return policy.marker(D.EVALUATION_RESULTS)
    if e is None:
        return []
    pts = []
    main = main_interval(e.intervals)
    pts.append(
        MeasurePoint(
            label="result" if len(e.strategies) <= 1 else f"max of {len(e.strategies)} strategies",
            estimate=e.estimate,
            lower=main.lower if main else None,
            upper=main.upper if main else None,
            confidence=main.confidence if main else None,
            main=True,
        )
    )
    if len(e.strategies) > 1:
        for s in e.strategies:
            iv = main_interval(s.intervals)
            pts.append(
                MeasurePoint(
                    label=s.strategy,
                    estimate=s.estimate,
                    lower=iv.lower if iv else None,
                    upper=iv.upper if iv else None,
                    confidence=iv.confidence if iv else None,
                    main=False,
                )
            )
    return pts


def _safeguard_state(o: SafeguardOutcome | None) -> str:
    if o is None:
        return "not assessed"
    if o.in_place:
        if o.verification == "passed":
            return "in place, verified"
        return "in place (stated)"
    if o.verification == "failed":
        return "not in place: failed its verification"
    if o.verification == "not_run":
        return "not in place: verification not run"
    if not o.claimed:
        return "not in place: not stated as in place"
    return "not in place"


def _requirement_state(
    label: str, outcomes: dict[str, SafeguardOutcome], names: Names
) -> tuple[bool, str]:
    ids = [p.strip() for p in label.split("|")]
    states = [(names.safeguard(i), outcomes.get(i)) for i in ids]
    ok = any(o is not None and o.in_place for _, o in states)
    if len(states) == 1:
        name, o = states[0]
        return ok, f"{name}: {_safeguard_state(o)}"
    parts = "; ".join(f"{n}: {_safeguard_state(o)}" for n, o in states)
    head = "one of these is in place" if ok else "none of these is in place"
    return ok, f"{' or '.join(n for n, _ in states)} ({head}; {parts})"


def reason_chain(
    v: Verdict,
    decision: Decision,
    fw: S.Framework,
    policy: Policy,
    names: Names,
    outcomes: dict[str, SafeguardOutcome],
) -> list[ChainStep]:
    steps: list[ChainStep] = []
    if policy.shows(D.CAPABILITY_LEVELS):
        reached = []
        for d in decision.domains:
            counted = [lo for lo in d.levels if lo.counts_as_reached]
            if counted:
                words = ", ".join(
                    f"{lo.name} ({'reached' if lo.status.value == 'reached' else 'not ruled out'})"
                    for lo in counted
                )
                reached.append(f"{d.name}: {words}")
        steps.append(
            ChainStep(
                title="What the evidence shows",
                items=reached or ["No capability level counts as reached in any domain."],
            )
        )
    if v.forbidding_levels:
        lv_names = (
            ", ".join(names.level(x) for x in v.forbidding_levels)
            if policy.shows(D.CAPABILITY_LEVELS)
            else "A level (withheld from this view)"
        )
        steps.append(
            ChainStep(
                title="What the framework forbids",
                items=[
                    f"{lv_names} forbids {ACTION_WORDS[v.action].lower()}: "
                    "no safeguard can make it acceptable."
                ],
            )
        )
    if v.required:
        items = []
        for label in v.required:
            _, text = _requirement_state(label, outcomes, names)
            items.append(text)
        steps.append(ChainStep(title="Safeguards this requires", items=items))
    elif not v.forbidding_levels:
        steps.append(
            ChainStep(
                title="Safeguards this requires",
                items=["None: no reached level and no baseline rule requires a safeguard."],
            )
        )
    rules = []
    for r in fw.rules:
        if v.action not in r.actions:
            continue
        if r.kind is S.RuleKind.HALT and v.verdict.value in ("blocked", "forbidden"):
            rules.append(f"Halting rule: {policy.scrub(r.statement)}")
        elif r.kind is S.RuleKind.OTHER:
            rules.append(
                f"Also stated (recorded, not applied by redline): {policy.scrub(r.statement)}"
            )
    if rules:
        steps.append(ChainStep(title="Rules that apply", items=rules))
    steps.append(
        ChainStep(
            title="Therefore",
            items=[verdict_summary(v, names, levels=policy.shows(D.CAPABILITY_LEVELS))],
        )
    )
    return steps


def verdict_summary(v: Verdict, names: Names, *, levels: bool = True) -> str:
    act = ACTION_WORDS[v.action].lower()
    k = v.verdict.value
    if k == "forbidden":
        lv = ", ".join(names.level(x) for x in v.forbidding_levels) if levels else ""
        lv = lv or "an intolerable level"
        return (
            f"Forbidden: {act} must not happen; {lv} counts as reached and no safeguard can "
            "make it acceptable."
        )
    if k == "blocked":
        miss = "; ".join(names.requirement_label(m) for m in v.missing)
        return f"Blocked: {act} may not proceed until these are in place: {miss}."
    if k == "allowed_with_conditions":
        keep = ", ".join(names.safeguard(c) for c in v.conditions)
        return f"Allowed with conditions: {act} may proceed while these stay in place: {keep}."
    return f"Allowed: {act} may proceed; no safeguard is required for it."


def sign_off_views(
    v: Verdict, record: LedgerRecord | None, policy: Policy, names: Names
) -> list[RequiredSignOffView] | Withheld:
    if not policy.shows(D.SIGN_OFFS):
        return policy.marker(D.SIGN_OFFS)
    out = []
    for so in v.sign_off:
        signed: list[SignatureView] = []
        awaiting: list[str] = []
        for role in so.roles:
            sigs = [s for s in (record.signatures if record else []) if s.role == role]
            if sigs:
                signed.extend(_signature_view(s, policy, names) for s in sigs)
            else:
                awaiting.append(names.role(role))
        out.append(
            RequiredSignOffView(
                roles=[names.role(r) for r in so.roles],
                rule="all of" if so.rule == "all" else "any one of",
                why=policy.scrub(so.why),
                signed=signed,
                awaiting=awaiting if record is not None else [],
                dissent=any(x.dissent for x in signed),
            )
        )
    return out


def _when(d: dt.datetime | dt.date | None) -> str | None:
    if d is None:
        return None
    return d.strftime("%Y-%m-%d %H:%M UTC") if isinstance(d, dt.datetime) else d.isoformat()


def _signature_view(s: Signature, policy: Policy, names: Names) -> SignatureView:
    statement: str | Withheld | None = s.statement
    if s.statement and not policy.shows(D.RATIONALES):
        statement = policy.marker(D.RATIONALES)
    return SignatureView(
        role=names.role(s.role),
        signer=s.signer,
        date=_when(s.date),
        dissent=s.dissent,
        statement=statement,
    )


def record_view(record: LedgerRecord | None, policy: Policy, names: Names) -> RecordView | None:
    if record is None:
        return None
    return RecordView(
        entry_id=str(record.entry_id),
        decision_id=record.decision_id,
        ledger=record.ledger,
        final=record.final,
        signatures=[_signature_view(s, policy, names) for s in record.signatures]
        if policy.shows(D.SIGN_OFFS)
        else policy.marker(D.SIGN_OFFS),
        missing=[names.role(r) for r in record.missing] if policy.shows(D.SIGN_OFFS) else [],
        review_comments=[(c.actor, _when(c.date) or "", c.comment) for c in record.review_comments]
        if policy.shows(D.REVIEW_COMMENTS)
        else policy.marker(D.REVIEW_COMMENTS),
    )


def safeguard_reports(
    a: Assessment, policy: Policy, names: Names, by_key: dict[str, EvaluationResult]
) -> list[SafeguardReport]:
    fw, decision = a.framework, a.decision
    required_for: dict[str, list[str]] = {}
    for v in decision.verdicts:
        for label in v.required:
            for sid in label.split("|"):
                required_for.setdefault(sid.strip(), []).append(ACTION_WORDS[v.action])
    details = policy.shows(D.SAFEGUARD_DETAILS)
    out = []
    for o in decision.safeguards:
        try:
            sg: S.Safeguard | None = fw.safeguard(o.id)
        except KeyError:
            sg = None
        panel = None
        vf = sg.verification if sg is not None else None
        key = (
            (vf.evaluation + (f"[{args_text(vf.task_args)}]" if vf.task_args else "")) if vf else ""
        )
        e = by_key.get(key)
        # A chart only for a verification that ran: "not run" is said in the table.
        if vf is not None and e is not None and details:
            value = float(vf.value) if policy.shows(D.THRESHOLD_VALUES) else None
            status = o.verification
            panel = LadderPanel(
                evaluation=key,
                name=f"{names.evaluation(vf.evaluation)}"
                + (f" with {args_text(vf.task_args)}" if vf.task_args else ""),
                metric=vf.metric or names.metrics.get(vf.evaluation, "score"),
                higher_is_more_capable=True,
                points=measure_points(e, policy),
                rungs=[
                    Rung(
                        level=o.id,
                        name=f"required for {o.name}",
                        kind="requirement",
                        op=op_symbol(vf.op),
                        value=value,
                        status=status,
                        status_words={
                            "passed": "verification passed",
                            "failed": "verification failed",
                            "not_run": "verification not run",
                        }.get(o.verification, o.verification),
                        counts_as_reached=o.verification == "passed",
                    )
                ],
                rungs_withheld=None
                if policy.shows(D.THRESHOLD_VALUES)
                else policy.marker(D.THRESHOLD_VALUES),
                measured=e is not None,
            )
        out.append(
            SafeguardReport(
                id=o.id,
                name=o.name,
                kind=sg.kind.value if sg else "",
                required_for=required_for.get(o.id, []),
                claimed=o.claimed,
                in_place=o.in_place,
                verification=o.verification,
                verification_words={
                    "passed": "passed",
                    "failed": "failed",
                    "not_run": "not run",
                    "none": "no verification defined",
                }.get(o.verification, o.verification),
                status_words=_safeguard_state(o),
                removable_by_weight_holder=o.removable_by_weight_holder,
                description=(sg.description if sg else None)
                if details
                else policy.marker(D.SAFEGUARD_DETAILS),
                verification_rule=(
                    describe_verification(sg.verification, policy, names)
                    if sg and sg.verification
                    else None
                )
                if details
                else policy.marker(D.SAFEGUARD_DETAILS),
                reasons=policy.scrub_all(o.reasons)
                if details
                else policy.marker(D.SAFEGUARD_DETAILS),
                panel=panel,
            )
        )
    # Required safeguards first, then the rest; each group in framework order.
    return sorted(out, key=lambda s: (not s.required_for,))


def verification_rungs(fw: S.Framework, e: EvaluationResult, policy: Policy) -> list[Rung]:
    """What each safeguard verified by this run requires of it."""
    out = []
    for sg in fw.safeguards:
        vf = sg.verification
        if vf is None or vf.evaluation != e.evaluation or dict(vf.task_args) != dict(e.task_args):
            continue
        out.append(
            Rung(
                level=sg.id,
                name=f"{sg.name} requires",
                kind="requirement",
                op=op_symbol(vf.op),
                value=float(vf.value) if policy.shows(D.THRESHOLD_VALUES) else None,
                status="",
                status_words="",
                counts_as_reached=False,
            )
        )
    return out
