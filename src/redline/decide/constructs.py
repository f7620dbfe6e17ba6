"""Decision semantics of the registry constructs (docs/registry-constructs.md):
deployment tiers, exemptions and waivers, conditional rules, safeguards required
before a threshold, recommended safeguards and joint determinations.

Pure helpers that :mod:`redline.decide.engine` calls; every construct that changes
a requirement says so in the reasons it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redline.decide.model import LevelOutcome, Status
from redline.framework import schema as S

Evaluate = Callable[[S.Condition, list[str]], Status]
"""Evaluates a condition at the default confidence, appending its reasons."""


def joint_missing(m: S.ManualDetermination, d: S.Determination) -> list[str]:
    """Roles a joint determination needs that the record does not name."""
    return [r for r in m.jointly_with if r not in d.jointly_with]


def tier_for(action: S.Action, tiers: dict[S.Action, S.Tier]) -> tuple[S.Tier | None, str | None]:
    """The deployment tier of the action, or None (most demanding assumed) with why."""
    if action not in S.TIERED_ACTIONS:
        return None, None
    if action in tiers:
        return tiers[action], f"deployment tier: {tiers[action].value}"
    return None, "deployment tier not given: the most demanding tier the framework lists is assumed"


@dataclass
class Applied:
    """What the constructs did to one action's verdict."""

    lifted_levels: set[str] = field(default_factory=set)
    applied: list[str] = field(default_factory=list)
    unsettled: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    extra: list[tuple[S.Requirement, str]] = field(default_factory=list)


def exemptions(
    fw: S.Framework, action: S.Action, tier: S.Tier | None, evaluate: Evaluate, out: Applied
) -> None:
    """Which exemptions lift requirements of which levels for this action."""
    every = {lv.id for d in fw.domains for lv in d.levels}
    for e in fw.exemptions:
        if action not in e.actions:
            continue
        label = f"{e.kind.value} {e.id} ({e.grounds.value})"
        if not e.binding:
            out.reasons.append(
                f"{label}: discretionary wording, recorded but not applied: {e.statement}"
            )
            continue
        if e.tiers and action in S.TIERED_ACTIONS:
            if tier is None:
                out.reasons.append(
                    f"{label} not applied: it covers only {', '.join(t.value for t in e.tiers)} "
                    "deployments and the tier is not given"
                )
                continue
            if tier not in e.tiers:
                out.reasons.append(
                    f"{label} not applied: it does not cover {tier.value} deployment"
                )
                continue
        why: list[str] = []
        status = evaluate(e.when, why)
        if status is Status.REACHED:
            levels = every if e.levels == "all" else set(e.levels)
            out.lifted_levels |= levels
            out.applied.append(e.id)
            out.reasons.append(
                f"{label} APPLIED: {e.statement} (condition shown: {'; '.join(why)})"
            )
        else:
            word = "ruled out" if status is Status.NOT_REACHED else "not shown"
            out.reasons.append(f"{label} not applied, its condition is {word}: {'; '.join(why)}")


def conditional_rules(
    fw: S.Framework, action: S.Action, evaluate: Evaluate, out: Applied
) -> set[str]:
    """Evaluate rules with applies_when; returns the ids of rules that do not act."""
    inactive: set[str] = set()
    for r in fw.rules:
        if r.applies_when is None or action not in r.actions:
            continue
        why: list[str] = []
        status = evaluate(r.applies_when, why)
        on = r.conditional_on or "other"
        if status is Status.REACHED and r.binding:
            out.applied.append(r.id)
            out.reasons.append(
                f"conditional rule {r.id} (on {on}) APPLIES: {r.statement} "
                f"(condition shown: {'; '.join(why)})"
            )
            for req in r.requires:
                out.extra.append((req, f"conditional rule {r.id}"))
            continue
        inactive.add(r.id)
        if status is Status.NOT_REACHED:
            out.reasons.append(
                f"conditional rule {r.id} (on {on}) does not apply, its condition is ruled out: "
                + "; ".join(why)
            )
        elif status is Status.UNSETTLED and r.binding:
            out.unsettled.append(r.id)
            out.reasons.append(
                f"conditional rule {r.id} (on {on}) may apply: settle its condition "
                f"({'; '.join(why)}): {r.statement}"
            )
        else:
            out.reasons.append(
                f"conditional rule {r.id} (on {on}, discretionary wording): recorded, not applied"
            )
    return inactive


def required_before(
    fw: S.Framework, action: S.Action, counted: list[LevelOutcome], out: Applied
) -> None:
    """Safeguards a threshold requires once a level below it is reached."""
    reached = {lo.level for lo in counted}
    for d in fw.domains:
        for lv in d.levels:
            for rb in lv.required_before:
                if action not in rb.actions:
                    continue
                if rb.when_reached is not None:
                    hit = [rb.when_reached] if rb.when_reached in reached else []
                else:
                    hit = [o.id for o in d.levels if o.alert_for == lv.id and o.id in reached]
                if not hit or lv.id in out.lifted_levels:
                    continue
                for req in rb.safeguards:
                    out.extra.append(
                        (req, f"required before {lv.id} is reached ({', '.join(hit)} reached)")
                    )


def recommended(
    fw: S.Framework,
    action: S.Action,
    counted: list[LevelOutcome],
    usable: Callable[[str], bool],
    out: Applied,
) -> None:
    """Note recommended safeguards that are not in place; never changes the verdict."""
    for lo in counted:
        _, lv = fw.level(lo.level)
        for req in lv.recommends.get(action, []):
            ids = list(req.any_of) if isinstance(req, S.AnyOfSafeguards) else [req]
            if not any(usable(sid) for sid in ids):
                out.reasons.append(
                    f"level {lo.level} recommends (does not require) {' | '.join(ids)}: "
                    "not in place; the verdict does not depend on it"
                )
