"""Check a framework against the Frontier AI Safety Commitments I-VIII.

The commitments are those of the AI Seoul Summit (21-22 May 2024), as published by
the UK government ("Frontier AI Safety Commitments, AI Seoul Summit 2024"). Each
check reads the framework's content and says met / partly / missing, with the
reasons drawn from what the framework states. The summaries below are our own
paraphrase; see docs/framework.md for the source.

The check is about what a framework *says*, not whether a developer follows it:
adherence is what assessments, decisions and the ledger record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from redline.framework import schema as S

SOURCE = (
    "https://www.gov.uk/government/publications/frontier-ai-safety-commitments-ai-seoul-summit-2024/"
    "frontier-ai-safety-commitments-ai-seoul-summit-2024"
)


class Status(StrEnum):
    MET = "met"
    PARTLY = "partly"
    MISSING = "missing"


@dataclass(frozen=True)
class Commitment:
    number: str
    title: str
    summary: str


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        "I",
        "Risk assessment",
        "Assess risks across the model lifecycle, before deployment and as appropriate during "
        "training, including internal and external evaluations.",
    ),
    Commitment(
        "II",
        "Intolerable-risk thresholds",
        "Set thresholds at which severe risks, unless adequately mitigated, are intolerable; "
        "explain how they were chosen, give example situations, and define them with input "
        "from trusted actors including home governments.",
    ),
    Commitment(
        "III",
        "Mitigations",
        "Say how mitigations keep risks within the thresholds, including system behaviour "
        "changes and security controls for unreleased weights.",
    ),
    Commitment(
        "IV",
        "Halting",
        "Explicit processes for when risks meet the thresholds; in the extreme, do not develop "
        "or deploy a model at all if mitigations cannot keep risks below them.",
    ),
    Commitment(
        "V",
        "Continual improvement",
        "Keep improving the ability to assess risk, define thresholds and mitigate; update "
        "the framework with emerging practice.",
    ),
    Commitment(
        "VI",
        "Internal governance",
        "Internal accountability and governance: roles, responsibilities and resources.",
    ),
    Commitment(
        "VII",
        "Transparency",
        "Public transparency on implementation, except where that would increase risk; fuller "
        "information shared with trusted actors including home governments.",
    ),
    Commitment(
        "VIII",
        "External involvement",
        "Explain how, if at all, external actors (governments, civil society, academics, the "
        "public) are involved in assessing risks and the framework's adequacy and adherence.",
    ),
)


@dataclass
class CommitmentCheck:
    commitment: Commitment
    status: Status
    reasons: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "commitment": self.commitment.number,
            "title": self.commitment.title,
            "status": self.status.value,
            "reasons": self.reasons,
            "gaps": self.gaps,
        }


def _status(found: int, total: int) -> Status:
    if found == total:
        return Status.MET
    return Status.PARTLY if found else Status.MISSING


def _grade(parts: list[tuple[bool, str, str]]) -> tuple[Status, list[str], list[str]]:
    """parts: (present, reason if present, gap if absent)."""
    reasons = [r for ok, r, _ in parts if ok]
    gaps = [g for ok, _, g in parts if not ok]
    return _status(len(reasons), len(parts)), reasons, gaps


def _levels(fw: S.Framework) -> list[S.CapabilityLevel]:
    return [lv for d in fw.domains for lv in d.levels]


def _i(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    measured = [lv for lv in _levels(fw) if lv.trigger is not None]
    r = fw.governance.reassessment
    timing = [
        x
        for x in (
            f"every {r.effective_compute_multiple:g}x effective compute"
            if r.effective_compute_multiple
            else "",
            f"every {r.months:g} months" if r.months else "",
            "on a new deployment context" if r.deployment_context_change else "",
        )
        if x
    ]
    external = [
        a.name
        for a in fw.external_input.trusted_actors
        if S.ReviewedItem.EVALUATIONS in a.reviewed or a.kind is S.ActorKind.THIRD_PARTY_EVALUATOR
    ]
    training = any(S.Action.CONTINUE_TRAINING in lv.requires for lv in _levels(fw)) or any(
        S.Action.CONTINUE_TRAINING in r.actions for r in fw.rules
    )
    return _grade(
        [
            (
                bool(fw.evaluations) and bool(measured),
                f"{len(fw.evaluations)} evaluations feed {len(measured)} level triggers",
                "no evaluations or no triggered levels",
            ),
            (
                bool(timing),
                "reassessed " + ", ".join(timing),
                "no reassessment triggers (when to re-evaluate)",
            ),
            (
                training,
                "levels or rules apply during training (continue_training)",
                "nothing applies before or during training, only at deployment",
            ),
            (
                bool(external),
                "external evaluation by " + ", ".join(external),
                "no external or third-party evaluation",
            ),
        ]
    )


def _ii(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    levels = _levels(fw)
    intolerable = [
        lv.id
        for lv in levels
        if lv.kind is S.LevelKind.INTOLERABLE
        or any(req == S.ActionRequirement.FORBIDDEN for req in lv.requires.values())
    ]
    thresholds = [lv for lv in levels if lv.kind is not S.LevelKind.ALERT]
    explained = [lv.id for lv in thresholds if lv.rationale]
    scenarios = [lv.id for lv in thresholds if lv.example_scenarios]
    consulted = [
        a.name for a in fw.external_input.trusted_actors if S.ReviewedItem.THRESHOLDS in a.reviewed
    ]
    government = [
        a.name
        for a in fw.external_input.trusted_actors
        if S.ReviewedItem.THRESHOLDS in a.reviewed
        and a.kind in (S.ActorKind.GOVERNMENT, S.ActorKind.AI_SAFETY_INSTITUTE)
    ]
    n = len(thresholds)
    return _grade(
        [
            (
                bool(intolerable),
                f"intolerable or forbidding levels: {', '.join(intolerable)}",
                "no level is deemed intolerable and none forbids an action",
            ),
            (
                bool(thresholds) and len(explained) == n,
                f"every threshold ({n}) explains how it was chosen",
                f"{n - len(explained)} of {n} thresholds do not explain how they were chosen "
                "(rationale)",
            ),
            (
                bool(scenarios),
                f"example scenarios for {len(scenarios)} of {n} thresholds",
                "no example situations of intolerable risk (example_scenarios)",
            ),
            (
                bool(consulted),
                "thresholds reviewed by " + ", ".join(consulted),
                "no trusted actor consulted on thresholds",
            ),
            (
                bool(government),
                "including government or AI safety institute: " + ", ".join(government),
                "no government or AI safety institute consulted on thresholds",
            ),
        ]
    )


def _iii(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    deployment = [s.id for s in fw.safeguards if s.kind is S.SafeguardKind.DEPLOYMENT]
    security = [s.id for s in fw.safeguards if s.kind is S.SafeguardKind.SECURITY]
    linked = [
        lv.id
        for lv in _levels(fw)
        if any(isinstance(lv.requirement(a), list) and lv.requirement(a) for a in lv.requires)
    ]
    verified = [s.id for s in fw.safeguards if s.verification is not None]
    return _grade(
        [
            (
                bool(deployment),
                f"deployment safeguards: {', '.join(deployment)}",
                "no deployment safeguards",
            ),
            (
                bool(security),
                f"weights security: {', '.join(security)}",
                "no security controls for weights",
            ),
            (
                bool(linked),
                f"levels that require safeguards: {', '.join(linked)}",
                "no level is linked to the safeguards it requires",
            ),
            (
                bool(verified),
                f"safeguards verified by evaluation: {', '.join(verified)}",
                "no safeguard has a verification (how it is shown to work)",
            ),
        ]
    )


def _iv(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    halts = [r for r in fw.rules if r.kind is S.RuleKind.HALT and r.binding]
    dev = [r.id for r in halts if S.Action.CONTINUE_TRAINING in r.actions]
    dep = [r.id for r in halts if set(r.actions) & set(S.DEPLOYMENT_ACTIONS)]
    loose = [r for r in fw.rules if r.kind is S.RuleKind.HALT and not r.binding]
    loose_dev = [r.id for r in loose if S.Action.CONTINUE_TRAINING in r.actions]
    loose_dep = [r.id for r in loose if set(r.actions) & set(S.DEPLOYMENT_ACTIONS)]
    dev_gap = "no halting rule for development (continue_training)"
    if loose_dev:
        dev_gap += f"; only discretionary wording: {', '.join(loose_dev)}"
    dep_gap = "no halting rule for deployment"
    if loose_dep:
        dep_gap += f"; only discretionary wording: {', '.join(loose_dep)}"
    forbidden_dev = [
        lv.id
        for lv in _levels(fw)
        if lv.requirement(S.Action.CONTINUE_TRAINING) == S.ActionRequirement.FORBIDDEN
    ]
    forbidden_dep = [
        lv.id
        for lv in _levels(fw)
        if any(lv.requirement(a) == S.ActionRequirement.FORBIDDEN for a in S.DEPLOYMENT_ACTIONS)
    ]
    return _grade(
        [
            (
                bool(dev),
                f"halting rule for development: {', '.join(dev)}",
                dev_gap,
            ),
            (
                bool(dep),
                f"halting rule for deployment: {', '.join(dep)}",
                dep_gap,
            ),
            (
                bool(forbidden_dev),
                f"development stops outright at: {', '.join(forbidden_dev)}",
                "no level at which development is forbidden outright",
            ),
            (
                bool(forbidden_dep),
                f"deployment is forbidden at: {', '.join(forbidden_dep)}",
                "no level at which deployment is forbidden outright",
            ),
        ]
    )


def _v(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    g = fw.governance
    return _grade(
        [
            (
                g.policy_review_months is not None,
                f"framework reviewed every {g.policy_review_months or 0:g} months",
                "no review cadence for the framework itself",
            ),
            (
                bool(g.policy_changes_approved_by),
                f"changes approved by {', '.join(g.policy_changes_approved_by)}",
                "no one named to approve changes to the framework",
            ),
            (
                any(s.verification for s in fw.safeguards),
                "mitigation adequacy monitored through verification evaluations",
                "no monitoring of whether mitigations stay adequate",
            ),
        ]
    )


def _vi(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    g = fw.governance
    return _grade(
        [
            (len(g.roles) > 0, f"roles: {', '.join(r.title for r in g.roles)}", "no roles"),
            (
                bool(g.sign_off),
                f"{len(g.sign_off)} sign-off rules say who decides each action",
                "no sign-off rules (who decides)",
            ),
            (bool(g.dissent), "dissent is recorded and handled", "no statement on dissent"),
            (
                bool(g.noncompliance_reporting),
                "noncompliance can be reported",
                "no noncompliance reporting",
            ),
            (bool(g.resources), "resources assigned", "no statement of resources"),
        ]
    )


def _vii(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    t = fw.transparency
    if t is None:
        return Status.MISSING, [], ["no transparency section"]
    shared = [d.item.value for d in t.trusted_only if d.shared_with]
    return _grade(
        [
            (
                bool(t.public),
                f"public: {', '.join(i.value for i in t.public)}",
                "nothing is declared public",
            ),
            (
                bool(t.trusted_only),
                "shared with trusted actors only: "
                + ", ".join(d.item.value for d in t.trusted_only),
                "nothing is shared with trusted actors beyond the public view",
            ),
            (
                bool(shared),
                "trusted-only items name who receives them",
                "trusted-only items do not say who receives them",
            ),
            (
                all(d.reason for d in [*t.trusted_only, *t.withheld]),
                "every restriction states its reason",
                "a restriction without a reason",
            ),
        ]
    )


def _viii(fw: S.Framework) -> tuple[Status, list[str], list[str]]:
    e = fw.external_input
    actors = e.trusted_actors
    described = [a.name for a in actors if a.how]
    adherence = [a.name for a in actors if S.ReviewedItem.ADHERENCE in a.reviewed]
    return _grade(
        [
            (
                bool(actors),
                f"external actors: {', '.join(a.name for a in actors)}",
                "no external actors named",
            ),
            (
                bool(actors) and len(described) == len(actors),
                "each says how it was involved",
                "not every external actor says how it was involved",
            ),
            (
                bool(adherence),
                f"adherence assessed by: {', '.join(adherence)}",
                "no one outside assesses adherence",
            ),
            (
                bool(e.public_involvement),
                "public involvement described",
                "no statement on public or civil-society involvement",
            ),
        ]
    )


_CHECKS: dict[str, Callable[[S.Framework], tuple[Status, list[str], list[str]]]] = {
    "I": _i,
    "II": _ii,
    "III": _iii,
    "IV": _iv,
    "V": _v,
    "VI": _vi,
    "VII": _vii,
    "VIII": _viii,
}


def check_commitments(fw: S.Framework) -> list[CommitmentCheck]:
    out = []
    for c in COMMITMENTS:
        status, reasons, gaps = _CHECKS[c.number](fw)
        out.append(CommitmentCheck(c, status, reasons, gaps))
    return out
