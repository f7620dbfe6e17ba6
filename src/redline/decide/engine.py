"""``decide(framework, inputs) -> Decision``: a pure, deterministic function.

The rules, in order:

1. Each level's trigger is evaluated in three-valued logic. A comparison is
   *reached* when the interval at the level's confidence lies wholly on the
   threshold's side, *not reached* when it lies wholly on the other side, and
   *unsettled* when it straddles the threshold (or nothing was measured, or the
   framework leaves the value unspecified). ``all``/``any`` combine as Kleene logic;
   a manual determination is reached or not as recorded by the role the framework
   names, unsettled when missing.
2. The evidence standard turns that into "counts as reached": precautionary counts
   reached and unsettled, demonstrated counts only reached.
3. A risk-matrix domain scores its factors and picks the level of the band (or cell)
   the combined score falls in; a missing factor is scored at its maximum under the
   precautionary reading, and the decision says so.
4. Per action: forbidden if any counted level forbids it; otherwise the required
   safeguards are the union over counted levels plus baseline rules; blocked when one
   is not in place (a safeguard with a verification is in place only when the
   verification passes; a standard is in place when all its components are; a
   safeguard in place satisfies those it implies; for open-weights release,
   safeguards the weights' holder can remove do not count, nor anything in place only
   through them); allowed with conditions when safeguards are required and in place;
   allowed when nothing is required.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from redline.decide import constructs as C
from redline.decide import elicitation as E
from redline.decide.forecast_triggers import evaluate_forecast_rules, fired_reasons
from redline.decide.model import (
    Decision,
    DomainOutcome,
    GraderNote,
    Inputs,
    LevelOutcome,
    Measurement,
    RequiredSignOff,
    SafeguardOutcome,
    Status,
    Verdict,
    VerdictKind,
)
from redline.decide.reassess import assessment_due
from redline.framework import schema as S

_PRECAUTIONARY = S.EvidenceStandard.PRECAUTIONARY


def _fmt(x: float) -> str:
    return f"{x:.3g}"


class _Context:
    def __init__(self, fw: S.Framework, inputs: Inputs) -> None:
        self.fw = fw
        self.measurements: dict[tuple[str, str], Measurement] = {}
        self.verifications: dict[tuple[str, str, str], Measurement] = {}
        for m in inputs.measurements:
            if m.task_args:
                self.verifications[(m.evaluation, m.metric, _args_key(m.task_args))] = m
            else:
                self.measurements[(m.evaluation, m.metric)] = m
        self.determinations = {d.determination: d for d in inputs.determinations}
        self.claims = {c.id: c for c in inputs.safeguards}
        self.tiers = dict(inputs.tiers)
        # Filled by _safeguards: what stays in place once the weights are released.
        self.open_weights_in_place: dict[str, bool] = {}
        # Set for the open-weights pass, where fine-tuning requirements apply.
        self.open_weights = False

    def metric_of(self, evaluation: str, metric: str | None) -> str:
        if metric:
            return metric
        try:
            return self.fw.evaluation(evaluation).metric
        except KeyError:
            return "?"


def _args_key(args: dict[str, object]) -> str:
    return ",".join(f"{k}={args[k]}" for k in sorted(args))


# ------------------------------------------------------------------ conditions


def _compare(
    ctx: _Context, c: S.Comparison, confidence: float, *, measurement: Measurement | None = None
) -> tuple[Status, str]:
    metric = ctx.metric_of(c.evaluation, c.metric)
    name = f"{c.evaluation}.{metric} {c.op.value}"
    if isinstance(c.value, S.Unspecified):
        note = f" ({c.value.note})" if c.value.note else ""
        return Status.UNSETTLED, f"{name} ?: the framework leaves the threshold unspecified{note}"
    t = float(c.value)
    name = f"{name} {_fmt(t)}"
    m = measurement if measurement is not None else ctx.measurements.get((c.evaluation, metric))
    if m is None:
        return Status.UNSETTLED, f"{name}: not measured"
    iv = m.interval(confidence)
    if iv is None:
        return Status.UNSETTLED, f"{name}: no interval at {confidence:.0%} confidence"
    lo, hi = iv
    where = f"estimate {_fmt(m.estimate)}, {confidence:.0%} interval [{_fmt(lo)}, {_fmt(hi)}]"
    if m.grader is not None:
        where += "; " + _grader_words(m.grader, confidence)
    if c.op is S.Op.GE:
        shown, ruled_out = lo >= t, hi < t
    elif c.op is S.Op.GT:
        shown, ruled_out = lo > t, hi <= t
    elif c.op is S.Op.LE:
        shown, ruled_out = hi <= t, lo > t
    else:
        shown, ruled_out = hi < t, lo >= t
    if shown:
        return Status.REACHED, f"{name}: shown ({where})"
    if ruled_out and measurement is None:
        short = _elicitation_gaps(ctx, c.evaluation, m)
        if short:
            return Status.UNSETTLED, (
                f"{name}: evidence insufficient, the interval would rule it out ({where}) but "
                f"the required elicitation was not met: {'; '.join(short)}"
            )
    if ruled_out:
        return Status.NOT_REACHED, f"{name}: ruled out ({where})"
    return Status.UNSETTLED, f"{name}: unsettled, the interval straddles the threshold ({where})"


def _elicitation_gaps(ctx: _Context, evaluation: str, m: Measurement) -> list[str]:
    try:
        req = ctx.fw.evaluation(evaluation).required_elicitation
    except KeyError:
        return []
    return E.shortfalls(req, m.elicitation, open_weights=ctx.open_weights)


def _grader_words(g: GraderNote, confidence: float) -> str:
    """Name the grader and its validation, and show the raw figures beside corrected ones."""
    raw = g.raw_intervals.get(confidence)
    raw_text = f"raw {_fmt(g.raw_estimate)}" + (
        f" [{_fmt(raw[0])}, {_fmt(raw[1])}]" if raw is not None else ""
    )
    validation = f"validation {g.validation[:12]}" if g.validation else "no grader validation"
    if g.method == "ppi":
        how = f"corrected by prediction-powered inference on {g.n_human} human labels"
    elif g.method == "rogan-gladen":
        how = "misclassification-corrected (Rogan-Gladen), assuming the validation transfers"
    else:
        how = "uncorrected grader labels"
    return f"grader {g.grader}, {validation}, {how} ({raw_text})"


def _manual(ctx: _Context, m: S.ManualDetermination) -> tuple[Status, str]:
    d = ctx.determinations.get(m.id)
    if d is None:
        return Status.UNSETTLED, f"manual determination {m.id!r} by {m.determined_by}: not recorded"
    if d.by != m.determined_by:
        return (
            Status.UNSETTLED,
            f"manual determination {m.id!r} was recorded by {d.by!r}, but the framework "
            f"names {m.determined_by!r}: not counted",
        )
    if d.reached is None:
        return (
            Status.UNSETTLED,
            f"manual determination {m.id!r} has a score, not reached: true/false",
        )
    missing = C.joint_missing(m, d)
    if missing:
        return (
            Status.UNSETTLED,
            f"manual determination {m.id!r} is made jointly; the record needs "
            f"{', '.join(missing)} as well: not counted",
        )
    status = Status.REACHED if d.reached else Status.NOT_REACHED
    word = "reached" if d.reached else "not reached"
    by = " with ".join([m.determined_by, *m.jointly_with])
    return status, f"{by} determined {m.id!r} {word}: {d.rationale}"


def _evaluate(
    ctx: _Context, cond: S.Condition, confidence: float, reasons: list[str], depth: int = 0
) -> Status:
    pad = "  " * depth
    if isinstance(cond, S.Comparison):
        status, why = _compare(ctx, cond, confidence)
        reasons.append(pad + why)
        return status
    if isinstance(cond, S.ManualCondition):
        status, why = _manual(ctx, cond.manual)
        reasons.append(pad + why)
        return status
    if isinstance(cond, S.AllCondition):
        reasons.append(pad + "all of:")
        parts = [_evaluate(ctx, c, confidence, reasons, depth + 1) for c in cond.all]
        if Status.NOT_REACHED in parts:
            return Status.NOT_REACHED
        return Status.REACHED if all(p is Status.REACHED for p in parts) else Status.UNSETTLED
    reasons.append(pad + "any of:")
    parts = [_evaluate(ctx, c, confidence, reasons, depth + 1) for c in cond.any]
    if Status.REACHED in parts:
        return Status.REACHED
    return Status.NOT_REACHED if all(p is Status.NOT_REACHED for p in parts) else Status.UNSETTLED


def _counts(status: Status, standard: S.EvidenceStandard) -> bool:
    if status is Status.REACHED:
        return True
    return status is Status.UNSETTLED and standard is _PRECAUTIONARY


# --------------------------------------------------------------------- domains


def _ladder(ctx: _Context, d: S.RiskDomain) -> list[LevelOutcome]:
    out = []
    for lv in d.levels:
        reasons: list[str] = []
        assert lv.trigger is not None
        status = _evaluate(ctx, lv.trigger, lv.evidence.confidence, reasons)
        counts = _counts(status, lv.evidence.standard)
        if lv.basis == "usage":
            reasons.insert(0, "usage threshold (crossed by how the model is used)")
        if status is Status.UNSETTLED:
            reasons.append(
                f"unsettled under the {lv.evidence.standard.value} standard: "
                + ("counts as reached" if counts else "not counted until shown")
            )
        out.append(_level(d, lv, status, counts, reasons))
    return out


def _level(
    d: S.RiskDomain, lv: S.CapabilityLevel, status: Status, counts: bool, reasons: list[str]
) -> LevelOutcome:
    return LevelOutcome(
        domain=d.id,
        level=lv.id,
        name=lv.name,
        kind=lv.kind.value,
        status=status,
        counts_as_reached=counts,
        standard=lv.evidence.standard.value,
        confidence=lv.evidence.confidence,
        reasons=reasons,
    )


def _factor_score(ctx: _Context, f: S.RiskFactor, reasons: list[str]) -> int:
    src = f.source
    if isinstance(src, S.ManualFactorSource):
        m = src.manual
        d = ctx.determinations.get(m.id)
        joint = C.joint_missing(m, d) if d is not None else []
        if (
            d is None
            or d.score is None
            or d.by != m.determined_by
            or d.score not in f.scores
            or joint
        ):
            why = (
                "not recorded"
                if d is None
                else (
                    f"recorded by {d.by!r}, framework names {m.determined_by!r}"
                    if d.by != m.determined_by
                    else (
                        f"a joint determination, the record lacks {', '.join(joint)}"
                        if joint
                        else f"score {d.score} is not one of {f.scores}"
                    )
                )
            )
            reasons.append(f"{f.name}: {why}; scored at its maximum {f.scores[-1]} (precautionary)")
            return f.scores[-1]
        reasons.append(f"{f.name} = {d.score} ({m.determined_by}: {d.rationale})")
        return d.score
    metric = ctx.metric_of(src.evaluation, src.metric)
    meas = ctx.measurements.get((src.evaluation, metric))
    if meas is None:
        reasons.append(f"{f.name}: {src.evaluation}.{metric} not measured; scored at its maximum")
        return f.scores[-1]
    short = _elicitation_gaps(ctx, src.evaluation, meas)
    if short:
        reasons.append(
            f"{f.name}: evidence insufficient, the required elicitation of {src.evaluation} "
            f"was not met ({'; '.join(short)}); scored at its maximum {f.scores[-1]}"
        )
        return f.scores[-1]
    # The risky end of the widest interval available: factors are scored cautiously.
    ivs = sorted(meas.intervals.items())
    upper = ivs[-1][1][1] if ivs else meas.estimate
    score = f.scores[0]
    for edge, s in zip(src.bins, f.scores, strict=True):
        if upper >= edge:
            score = s
    reasons.append(f"{f.name} = {score} from {src.evaluation}.{metric} upper bound {_fmt(upper)}")
    return score


def _matrix(ctx: _Context, d: S.RiskDomain) -> list[LevelOutcome]:
    m = d.risk_matrix
    assert m is not None
    reasons: list[str] = []
    scores = {f.id: _factor_score(ctx, f, reasons) for f in m.factors}
    chosen: str | None = None
    if m.combine == "lookup":
        for cell in m.cells:
            if all(scores.get(k) == v for k, v in cell.when.items()):
                chosen = cell.level
                reasons.append(f"cell {cell.when} -> {cell.level}")
                break
        if chosen is None:
            chosen = d.levels[-1].id
            reasons.append(f"no cell matches {scores}; the most severe level {chosen} applies")
    else:
        values = list(scores.values())
        if m.combine == "product":
            total = 1.0
            for v in values:
                total *= v
        elif m.combine == "sum":
            total = float(sum(values))
        else:
            total = float(max(values))
        reasons.append(f"{m.combine} of factor scores = {_fmt(total)}")
        for band in m.bands:
            if total >= band.score_at_least:
                chosen = band.level
        if chosen is None:
            reasons.append("below every band: no level applies")
    # Classes are ordered like a ladder: reaching one counts every class below it, so a
    # higher class never drops a requirement a lower one states (monotone in the scores).
    # A lookup table's cells need not be nested (Naver 2024: general purpose x high need
    # and special purpose x low need are incomparable), so there only the chosen cell's
    # level counts.
    ids = [lv.id for lv in d.levels]
    top = ids.index(chosen) if chosen in ids else -1
    out = []
    for i, lv in enumerate(d.levels):
        hit = lv.id == chosen if m.combine == "lookup" else i <= top
        status = Status.REACHED if hit else Status.NOT_REACHED
        why = (
            reasons if lv.id == chosen else ([f"below the class reached ({chosen})"] if hit else [])
        )
        out.append(_level(d, lv, status, hit, why))
    return out


def _domain(ctx: _Context, d: S.RiskDomain) -> DomainOutcome:
    levels = _matrix(ctx, d) if d.risk_matrix is not None else _ladder(ctx, d)
    counted = [lo for lo in levels if lo.counts_as_reached]
    return DomainOutcome(
        domain=d.id,
        name=d.name,
        highest_level=counted[-1].level if counted else None,
        levels=levels,
        counted_unsettled=[lo.level for lo in counted if lo.status is Status.UNSETTLED],
    )


# ------------------------------------------------------------------- safeguards


def _placement(
    fw: S.Framework,
    claimed: set[str],
    verified: dict[str, tuple[Literal["passed", "failed", "not_run", "none"], list[str]]],
    *,
    excluded: frozenset[str],
) -> tuple[dict[str, bool], dict[str, str]]:
    """Which safeguards are in place, and which only because a stronger one implies them.

    A safeguard is in place when claimed and its verification (if any) passed; a
    standard (``comprises``) when all its components are; and any safeguard when one
    in place implies it. Implication can complete a standard and a standard can imply
    others, so this is computed to a fixed point. ``excluded`` safeguards are never in
    place and imply nothing (for open weights: those the weights' holder can remove).
    """
    implied_by: dict[str, str] = {}
    in_place: dict[str, bool] = {}

    def place(sid: str, stack: tuple[str, ...] = ()) -> bool:
        if sid in in_place:
            return in_place[sid]
        if sid in stack:
            return False
        s = fw.safeguard(sid)
        verified_ok = verified[sid][0] in ("passed", "none")
        if sid in excluded:
            ok = False
        elif sid in implied_by:
            ok = True  # a stronger safeguard in place satisfies it
        elif not s.specified:
            ok = False
        elif s.comprises:
            # A standard is in place when all its components are (schema: comprises).
            ok = all(place(c, (*stack, sid)) for c in s.comprises) and verified_ok
        else:
            ok = sid in claimed and verified_ok
        in_place[sid] = ok
        return ok

    while True:
        in_place.clear()
        for s in fw.safeguards:
            place(s.id)
        grew = False
        for s in fw.safeguards:
            if in_place[s.id]:
                for weaker in s.implies:
                    if weaker not in excluded and not in_place.get(weaker, True):
                        implied_by[weaker] = s.id
                        grew = True
        if not grew:
            return dict(in_place), implied_by


def _safeguards(ctx: _Context) -> dict[str, SafeguardOutcome]:
    fw = ctx.fw
    claimed = set(ctx.claims)
    # Claiming a standard claims its components.
    changed = True
    while changed:
        changed = False
        for s in fw.safeguards:
            if s.id in claimed:
                for c in s.comprises:
                    if c not in claimed:
                        claimed.add(c)
                        changed = True

    verified: dict[str, tuple[Literal["passed", "failed", "not_run", "none"], list[str]]] = {}
    for s in fw.safeguards:
        reasons: list[str] = []
        if s.verification is None:
            verified[s.id] = ("none", reasons)
            continue
        v = s.verification
        metric = ctx.metric_of(v.evaluation, v.metric)
        key = (v.evaluation, metric, _args_key(v.task_args))
        meas = ctx.verifications.get(key) if v.task_args else ctx.measurements.get(key[:2])
        if meas is None:
            args = f" with {_args_key(v.task_args)}" if v.task_args else ""
            reasons.append(f"verification {v.evaluation}{args} not run")
            verified[s.id] = ("not_run", reasons)
            continue
        comparison = S.Comparison(evaluation=v.evaluation, metric=metric, op=v.op, value=v.value)
        status, why = _compare(ctx, comparison, v.confidence, measurement=meas)
        reasons.append("verification: " + why)
        verified[s.id] = ("passed" if status is Status.REACHED else "failed", reasons)

    in_place, implied_by = _placement(fw, claimed, verified, excluded=frozenset())
    # Open weights: whoever holds the weights removes what is removable, and with it
    # every standard built from it and everything in place only because it implies it.
    removable = frozenset(s.id for s in fw.safeguards if s.removable)
    ctx.open_weights_in_place, _ = _placement(fw, claimed, verified, excluded=removable)

    out: dict[str, SafeguardOutcome] = {}
    for s in fw.safeguards:
        vstatus, vreasons = verified[s.id]
        reasons = list(vreasons)
        if not s.specified:
            reasons.append("the framework has not yet specified this safeguard")
        elif s.id in implied_by:
            reasons.append(f"satisfied by {implied_by[s.id]}, which implies it")
        elif s.comprises and in_place[s.id]:
            reasons.append("all components in place")
        elif s.id not in claimed:
            reasons.append("not stated as in place")
        elif s.comprises and not in_place[s.id]:
            missing = [c for c in s.comprises if not in_place.get(c)]
            reasons.append("components not in place: " + ", ".join(missing))
        out[s.id] = SafeguardOutcome(
            id=s.id,
            name=s.name,
            claimed=s.id in claimed,
            in_place=in_place[s.id],
            verification=vstatus,
            removable_by_weight_holder=s.removable,
            reasons=reasons,
        )
    return out


# ---------------------------------------------------------------------- verdicts


def _req_label(req: S.Requirement) -> str:
    return " | ".join(req.any_of) if isinstance(req, S.AnyOfSafeguards) else req


def _req_ids(req: S.Requirement) -> list[str]:
    return list(req.any_of) if isinstance(req, S.AnyOfSafeguards) else [req]


def _usable(
    ctx: _Context, sid: str, action: S.Action, outcomes: dict[str, SafeguardOutcome]
) -> tuple[bool, str]:
    o = outcomes.get(sid)
    if o is None:
        return False, f"{sid}: unknown safeguard"
    if not o.in_place:
        return False, f"{sid}: not in place" + (f" ({'; '.join(o.reasons)})" if o.reasons else "")
    if action is S.Action.OPEN_WEIGHTS_RELEASE:
        if o.removable_by_weight_holder:
            return False, f"{sid}: whoever holds open weights can remove it, so it does not count"
        if not ctx.open_weights_in_place.get(sid, False):
            return False, (
                f"{sid}: in place only through safeguards whoever holds open weights can "
                "remove, so it does not count"
            )
    return True, f"{sid}: in place"


def _verdict(
    ctx: _Context,
    action: S.Action,
    domains: list[DomainOutcome],
    outcomes: dict[str, SafeguardOutcome],
) -> Verdict:
    fw = ctx.fw
    reasons: list[str] = []
    forbidding: list[str] = []
    required: list[tuple[S.Requirement, str]] = []
    tier, tier_why = C.tier_for(action, ctx.tiers)
    tiered = any(
        isinstance(lv.requires.get(action), S.TieredRequirement)
        for d in fw.domains
        for lv in d.levels
    )
    if tiered and tier_why:
        reasons.append(tier_why)

    def evaluate(cond: S.Condition, why: list[str]) -> Status:
        return _evaluate(ctx, cond, 0.95, why)

    applied = C.Applied()
    C.exemptions(fw, action, tier, evaluate, applied)
    inactive = C.conditional_rules(fw, action, evaluate, applied)
    counted = [lo for dom in domains for lo in dom.levels if lo.counts_as_reached]
    C.required_before(fw, action, counted, applied)
    for dom in domains:
        for lo in dom.levels:
            if not lo.counts_as_reached:
                continue
            _, lv = fw.level(lo.level)
            req = lv.requirement_for(action, tier)
            basis = "reached" if lo.status is Status.REACHED else "not ruled out"
            if lo.level in applied.lifted_levels and req != S.ActionRequirement.FORBIDDEN:
                if isinstance(req, list) and req:
                    reasons.append(
                        f"level {lo.level} ({basis}): its requirements for {action.value} "
                        "are lifted by an exemption applied above"
                    )
                continue
            if req == S.ActionRequirement.FORBIDDEN:
                forbidding.append(lo.level)
                reasons.append(
                    f"level {lo.level} ({lo.kind}, {basis} under the {lo.standard} standard) "
                    f"forbids {action.value}"
                )
            elif isinstance(req, list) and req:
                for r in req:
                    required.append((r, f"level {lo.level} ({basis})"))
    for rule in fw.rules:
        if (
            rule.kind is S.RuleKind.BASELINE
            and rule.binding
            and action in rule.actions
            and rule.applies_when is None
        ):
            for r in rule.requires:
                required.append((r, f"baseline rule {rule.id}"))
    required.extend(applied.extra)
    reasons.extend(applied.reasons)

    # Deduplicate requirements, keeping every source for the reasons chain.
    merged: dict[str, tuple[S.Requirement, list[str]]] = {}
    for r, source in required:
        label = _req_label(r)
        merged.setdefault(label, (r, []))[1].append(source)

    missing: list[str] = []
    conditions: list[str] = []
    for label, (r, sources) in merged.items():
        checks = [_usable(ctx, sid, action, outcomes) for sid in _req_ids(r)]
        ok = [sid for sid, (good, _) in zip(_req_ids(r), checks, strict=True) if good]
        why = "; ".join(msg for _, msg in checks)
        if ok:
            conditions.extend(ok[:1] if len(ok) == 1 else ok)
            reasons.append(f"{', '.join(sources)} requires {label}: {why}")
        else:
            missing.append(label)
            reasons.append(f"{', '.join(sources)} requires {label}: MISSING ({why})")

    notes = C.Applied()
    C.recommended(fw, action, counted, lambda sid: _usable(ctx, sid, action, outcomes)[0], notes)
    reasons.extend(notes.reasons)
    halts = [
        r
        for r in fw.rules
        if r.kind is S.RuleKind.HALT and action in r.actions and r.id not in inactive
    ]
    if forbidding:
        kind = VerdictKind.FORBIDDEN
        reasons.append(
            "the framework forbids this action at "
            + ", ".join(forbidding)
            + ": no safeguard can make it acceptable"
        )
    elif missing:
        kind = VerdictKind.BLOCKED
        for h in halts:
            binding = "" if h.binding else " (discretionary wording: the framework may, not must)"
            reasons.append(f"halting rule {h.id}{binding}: {h.statement}")
    elif merged or applied.applied or applied.unsettled:
        kind = VerdictKind.ALLOWED_WITH_CONDITIONS
        if not merged:
            reasons.append(
                "allowed with conditions: "
                + "; ".join(
                    [f"{a} applied" for a in applied.applied]
                    + [f"settle the condition of {u}" for u in applied.unsettled]
                )
            )
    else:
        kind = VerdictKind.ALLOWED
        reasons.append("no reached level and no baseline rule requires a safeguard for this action")
    for rule in fw.rules:
        if rule.kind is S.RuleKind.OTHER and action in rule.actions:
            reasons.append(f"rule {rule.id} (recorded, not executed): {rule.statement}")

    return Verdict(
        action=action,
        verdict=kind,
        required=list(merged),
        conditions=sorted(set(conditions)) if kind is VerdictKind.ALLOWED_WITH_CONDITIONS else [],
        missing=missing,
        forbidding_levels=forbidding,
        reasons=reasons,
        sign_off=_sign_offs(fw, action, domains),
        tier=tier.value if tier is not None else None,
        applied=applied.applied,
    )


def _sign_offs(
    fw: S.Framework, action: S.Action, domains: list[DomainOutcome]
) -> list[RequiredSignOff]:
    counted = {
        lo.level
        for d in domains
        for lo in d.levels
        if lo.counts_as_reached and lo.kind != S.LevelKind.ALERT.value
    }
    out = []
    for so in fw.governance.sign_off:
        if action not in so.actions:
            continue
        if so.when == "always":
            why = f"every {action.value} decision"
        elif so.when == "any_level_reached":
            if not counted:
                continue
            why = "a level is reached: " + ", ".join(sorted(counted))
        else:
            hit = sorted(counted & set(so.levels))
            if not hit:
                continue
            why = "levels reached: " + ", ".join(hit)
        out.append(RequiredSignOff(roles=list(so.roles), rule=so.rule, why=why))
    return out


def _insufficient_notes(
    domains: list[DomainOutcome], open_weights: list[DomainOutcome]
) -> list[str]:
    """Levels that stayed open only because the elicitation fell short."""
    notes = []
    for label, doms in (("", domains), (" (open-weights release)", open_weights)):
        if label and doms is domains:
            continue
        for dom in doms:
            for lo in dom.levels:
                if lo.status is Status.UNSETTLED and any(
                    "required elicitation was not met" in r for r in lo.reasons
                ):
                    notes.append(
                        f"{dom.domain}: {lo.level} not ruled out{label}: the evidence is "
                        "insufficient, the required elicitation was not met"
                    )
    return notes


def _iter_domains(ctx: _Context) -> Iterable[DomainOutcome]:
    for d in ctx.fw.domains:
        yield _domain(ctx, d)


def decide(framework: S.Framework, inputs: Inputs) -> Decision:
    """Verdicts for every action under ``framework`` given ``inputs``. Pure."""
    ctx = _Context(framework, inputs)
    domains = list(_iter_domains(ctx))
    outcomes = _safeguards(ctx)
    per_action = {a: domains for a in S.ACTIONS}
    if E.needs_open_weights_pass(framework):
        # Whoever holds open weights can fine-tune: that decision reads the evidence again.
        ctx.open_weights = True
        per_action[S.Action.OPEN_WEIGHTS_RELEASE] = list(_iter_domains(ctx))
        ctx.open_weights = False
    verdicts = [_verdict(ctx, a, per_action[a], outcomes) for a in S.ACTIONS]
    notes = _insufficient_notes(domains, per_action.get(S.Action.OPEN_WEIGHTS_RELEASE, domains))
    for dom in domains:
        if dom.counted_unsettled:
            notes.append(
                f"{dom.domain}: {', '.join(dom.counted_unsettled)} counted as reached because "
                "the evidence could not rule them out (precautionary standard)"
            )
    unknown_claims = sorted(set(ctx.claims) - {s.id for s in framework.safeguards})
    if unknown_claims:
        notes.append(
            "claimed safeguards the framework does not define: " + ", ".join(unknown_claims)
        )
    due: list[str] = []
    if inputs.lineage is not None:
        # The lineage's own date wins (assessment_due), then the decision's date.
        due = assessment_due(framework, inputs.lineage, inputs.date or inputs.lineage.last_assessed)
    forecasts = evaluate_forecast_rules(framework, inputs.forecasts)
    due.extend(fired_reasons(forecasts))
    notes.extend(o.reason for o in forecasts if o.status == "unavailable")
    return Decision(
        framework_id=framework.framework.id,
        framework_version=framework.framework.version,
        verdicts=verdicts,
        domains=domains,
        safeguards=list(outcomes.values()),
        assessment_due=due,
        notes=notes,
        forecasts=forecasts,
    )
