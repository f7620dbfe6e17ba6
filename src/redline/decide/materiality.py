"""Which changes between two framework versions can change a verdict, shown by running
the older version's self-tests against both versions.

A self-test is a scenario drawn from the older text (results, determinations,
safeguards in place). Run on the newer version, a scenario that now decides an action
differently shows that the revision is material for that action. Each changed verdict
is attributed to the diff's changes whose elements (levels, safeguards, rules,
exemptions) appear in what differs between the two verdicts on that action: required
or missing safeguards, forbidding levels, applied exemptions (or, when none of those
names a changed element, the reasons). That attribution
is our reading of the reason chains, not a causal proof; a change that no scenario
exercises is reported as material by its rule alone ("can change a verdict") or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.decide.engine import decide
from redline.decide.model import Decision, Verdict
from redline.decide.selftest import scenario_inputs
from redline.framework import schema as S
from redline.framework.diff import Change


@dataclass(frozen=True)
class ScenarioShift:
    """One scenario of the older version that decides an action differently now."""

    scenario: str
    action: str
    old: str
    new: str
    new_reasons: tuple[str, ...] = ()


@dataclass
class Materiality:
    shifts: list[ScenarioShift] = field(default_factory=list)
    not_run: list[tuple[str, str]] = field(default_factory=list)  # (scenario, why)
    # change index -> the shifts attributed to it
    shown: dict[int, list[ScenarioShift]] = field(default_factory=dict)
    scenarios: int = 0

    def status(self, index: int, change: Change) -> str:
        """``shown`` (a scenario decides differently), ``possible`` (by its rule), ``no``."""
        if index in self.shown:
            return "shown"
        return "possible" if change.material_by_rule else "no"


def _difference(a: Verdict, b: Verdict, *, reasons: bool) -> str:
    """What differs between two verdicts on one action, as text to look ids up in:
    the structured fields, or (as a fallback) the reasons."""
    pairs = (
        [(a.reasons, b.reasons)]
        if reasons
        else [
            (a.required, b.required),
            (a.missing, b.missing),
            (a.forbidding_levels, b.forbidding_levels),
            (a.applied, b.applied),
        ]
    )
    return " ".join(x for xs, ys in pairs for x in set(xs) ^ set(ys))


def _decide(fw: S.Framework, test: S.SelfTest, inputs_from: S.Framework) -> Decision:
    return decide(fw, scenario_inputs(inputs_from, test))


def materiality(old: S.Framework, new: S.Framework, changes: list[Change]) -> Materiality:
    out = Materiality()
    for test in old.tests:
        out.scenarios += 1
        try:
            before = _decide(old, test, old)
            after = _decide(new, test, old)
        except (KeyError, ValueError) as exc:
            out.not_run.append((test.name, f"the newer version cannot read it: {exc}"))
            continue
        for action in S.ACTIONS:
            vb, va = before.verdict(action), after.verdict(action)
            if vb.verdict == va.verdict:
                continue
            shift = ScenarioShift(
                test.name, action.value, vb.verdict.value, va.verdict.value, tuple(va.reasons[-3:])
            )
            out.shifts.append(shift)
            for reasons in (False, True):
                text = _difference(vb, va, reasons=reasons)
                hits = [
                    i
                    for i, c in enumerate(changes)
                    if c.material_by_rule and any(x in text for x in c.element_ids())
                ]
                for i in hits:
                    out.shown.setdefault(i, []).append(shift)
                if hits:
                    break
    return out
