"""Audience views of a framework: identity, domains and ladders, safeguards,
governance, transparency, commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from redline.framework import schema as S
from redline.framework.commitments import SOURCE as COMMITMENTS_SOURCE
from redline.framework.commitments import check_commitments
from redline.publish.views.common import (
    ACTION_WORDS,
    ITEM_WORDS,
    VERDICT_WORDS,
    Audience,
    CitationView,
    D,
    Link,
    Names,
    View,
    Withheld,
    args_text,
    exact,
    names_of,
    op_symbol,
    pct,
    safe_link,
)
from redline.publish.views.policy import (
    Policy,
    policy_for,
    stated,
)
from redline.registry.compare import ELEMENTS, element_cells

# ---------------------------------------------------------- framework: view


class ComparisonView(View):
    evaluation: str
    evaluation_name: str
    metric: str
    op: str
    value: float | None = Field(description="None when the framework leaves it unspecified.")
    value_withheld: bool = False


class ManualView(View):
    id: str
    question: str
    determined_by: str
    method: str | None = None


class RequirementView(View):
    action: S.Action
    action_words: str
    forbidden: bool
    safeguards: list[str] = Field(description="Names; alternatives joined by 'or'.")


class LevelView(View):
    id: str
    name: str
    kind: str
    description: str | None
    alert_for: str | None
    trigger: str = Field(description="When the level counts as reached, in words.")
    comparisons: list[ComparisonView]
    manual: list[ManualView]
    standard: str
    confidence: float
    requires: list[RequirementView]
    rationale: str | None
    example_scenarios: list[str]
    citation: CitationView | None = None


class FactorView(View):
    id: str
    name: str
    scores: list[int]
    source: str
    description: str | None = None


class MatrixView(View):
    combine: str
    factors: list[FactorView]
    bands: list[tuple[str, str]] | Withheld = Field(description="(level name, 'score at least N').")
    cells: list[tuple[str, str]] = Field(description="(factor scores, level name).")


class DomainView(View):
    id: str
    name: str
    threat_model: str
    status: str
    levels: list[LevelView] | Withheld
    risk_matrix: MatrixView | None
    halting_exemption: str | None = None
    citation: CitationView | None = None


class EvaluationView(View):
    id: str
    name: str
    task: str
    task_args: str
    metric: str
    higher_is_more_capable: bool
    elicitation: list[tuple[str, str]] = Field(description="(strategy id, description/arguments).")
    sampling: str
    description: str | None = None
    citation: CitationView | None = None


class SafeguardView(View):
    id: str
    name: str
    kind: str
    specified: bool
    description: str | Withheld | None
    verification: str | Withheld | None
    comprises: list[str]
    implies: list[str]
    removable_by_weight_holder: bool


class RuleView(View):
    id: str
    kind: str
    binding: bool
    actions: list[str]
    domains: str
    requires: list[str]
    statement: str


class SignOffView(View):
    actions: list[str]
    when: str
    roles: list[str]
    rule: str


class GovernanceView(View):
    roles: list[tuple[str, str | None]]
    sign_off: list[SignOffView]
    dissent: str | None
    reassessment: list[str]
    policy_review_months: float | None
    policy_changes_approved_by: list[str]
    noncompliance_reporting: str | None
    resources: str | None


class ActorView(View):
    id: str
    name: str
    kind: str
    reviewed: list[str]
    how: str | None
    date: dt.date | None


class ExternalInputView(View):
    trusted_actors: list[ActorView]
    threshold_setting: str | None
    public_involvement: str | None


class DisclosureView(View):
    item: str
    what: str
    reason: str
    shared_with: list[str]


class TransparencyView(View):
    public: list[str]
    trusted_only: list[DisclosureView]
    withheld: list[DisclosureView]
    reporting: str | None


class SelfTestView(View):
    name: str
    expect: list[tuple[str, str]]


class IdentityView(View):
    id: str
    organisation: str
    name: str
    version: str
    date: str  # YYYY-MM-DD, or YYYY-MM when the source gives only a month
    source: Link | None
    supersedes: str | None
    fictional: bool


class FrameworkBody(View):
    scope: str
    scope_criteria: list[str]
    scope_combine: str
    domains: list[DomainView]
    evaluations: list[EvaluationView]
    safeguards: list[SafeguardView]
    rules: list[RuleView]
    governance: GovernanceView
    external_input: ExternalInputView
    transparency: TransparencyView | None
    self_tests: list[SelfTestView]
    notes: str | None


class CommitmentView(View):
    number: str
    title: str
    summary: str
    status: str
    reasons: list[str]
    gaps: list[str]


class FrameworkView(View):
    kind: Literal["framework"] = "framework"
    audience: Audience
    identity: IdentityView
    body: FrameworkBody | Withheld
    commitments: list[CommitmentView]
    commitments_source: str
    withheld: list[Withheld]


def _citation(c: S.Citation | None) -> CitationView | None:
    return None if c is None else citation_view(c)


def citation_view(c: S.Citation) -> CitationView:
    """A citation as shown: the quoted words, and apart from them our interpretation."""
    link = None if c.source is None else (safe_link(c.source) or Link(text=c.source))
    i = c.interpretation
    return CitationView(
        source=link,
        section=c.section,
        quote=c.quote,
        quotes=list(c.quotes),
        reading=i.reading if i else None,
        reason=i.reason if i else None,
    )


def condition_words(
    cond: S.Condition | None, policy: Policy, names: Names, *, top: bool = True
) -> str:
    """A trigger in plain words, with values only where the audience may see them."""
    if cond is None:
        return "set by the risk matrix"
    if isinstance(cond, S.Comparison):
        ev = names.evaluation(cond.evaluation)
        metric = cond.metric or names.metrics.get(cond.evaluation, "score")
        if (stated_value := stated(cond)) is None:
            value = "an unspecified value"
        elif policy.shows(D.THRESHOLD_VALUES):
            value = exact(stated_value)
        else:
            value = "[threshold withheld]"
        return f"{ev} {metric} {op_symbol(cond.op)} {value}"
    if isinstance(cond, S.ManualCondition):
        return f"{names.role(cond.manual.determined_by)} determines: {cond.manual.question}"
    if isinstance(cond, S.AllCondition):
        parts = [condition_words(c, policy, names, top=False) for c in cond.all]
        text = " and ".join(parts)
    else:
        parts = [condition_words(c, policy, names, top=False) for c in cond.any]
        text = " or ".join(parts)
    return text if top else f"({text})"


def comparisons_of(cond: S.Condition | None) -> list[S.Comparison]:
    if isinstance(cond, S.Comparison):
        return [cond]
    if isinstance(cond, S.AllCondition):
        return [x for c in cond.all for x in comparisons_of(c)]
    if isinstance(cond, S.AnyCondition):
        return [x for c in cond.any for x in comparisons_of(c)]
    return []


def _manuals(cond: S.Condition | None) -> list[S.ManualDetermination]:
    if isinstance(cond, S.ManualCondition):
        return [cond.manual]
    if isinstance(cond, S.AllCondition):
        return [x for c in cond.all for x in _manuals(c)]
    if isinstance(cond, S.AnyCondition):
        return [x for c in cond.any for x in _manuals(c)]
    return []


def _requirement_names(reqs: Sequence[S.Requirement], names: Names) -> list[str]:
    out = []
    for r in reqs:
        if isinstance(r, S.AnyOfSafeguards):
            out.append(" or ".join(names.safeguard(x) for x in r.any_of))
        else:
            out.append(names.safeguard(r))
    return out


def _level_view(fw: S.Framework, lv: S.CapabilityLevel, policy: Policy, names: Names) -> LevelView:
    metric_of = {e.id: e.metric for e in fw.evaluations}
    comps = [
        ComparisonView(
            evaluation=c.evaluation,
            evaluation_name=names.evaluation(c.evaluation),
            metric=c.metric or metric_of.get(c.evaluation, "score"),
            op=op_symbol(c.op),
            value=None if not policy.shows(D.THRESHOLD_VALUES) else stated(c),
            value_withheld=stated(c) is not None and not policy.shows(D.THRESHOLD_VALUES),
        )
        for c in comparisons_of(lv.trigger)
    ]
    requires = []
    for action in S.ACTIONS:
        req = lv.requirement(action)
        forbidden = req == S.ActionRequirement.FORBIDDEN
        requires.append(
            RequirementView(
                action=action,
                action_words=ACTION_WORDS[action],
                forbidden=forbidden,
                safeguards=[]
                if forbidden or not isinstance(req, list)
                else _requirement_names(req, names),
            )
        )
    return LevelView(
        id=lv.id,
        name=lv.name,
        kind=lv.kind.value,
        description=lv.description,
        alert_for=names.level(lv.alert_for) if lv.alert_for else None,
        trigger=condition_words(lv.trigger, policy, names),
        comparisons=comps,
        manual=[
            ManualView(
                id=m.id,
                question=m.question,
                determined_by=names.role(m.determined_by),
                method=m.method,
            )
            for m in _manuals(lv.trigger)
        ],
        standard=lv.evidence.standard.value,
        confidence=lv.evidence.confidence,
        requires=requires,
        rationale=policy.scrub(lv.rationale) if lv.rationale else None,
        example_scenarios=policy.scrub_all(lv.example_scenarios),
        citation=_citation(lv.citation),
    )


def _matrix_view(m: S.RiskMatrix, policy: Policy, names: Names) -> MatrixView:
    factors = []
    for f in m.factors:
        if isinstance(f.source, S.ManualFactorSource):
            src = f"{names.role(f.source.manual.determined_by)} scores: {f.source.manual.question}"
        elif policy.shows(D.THRESHOLD_VALUES):
            bins = ", ".join(exact(b) for b in f.source.bins)
            src = f"from {names.evaluation(f.source.evaluation)} (bins from {bins})"
        else:
            src = f"from {names.evaluation(f.source.evaluation)} (bin edges withheld)"
        factors.append(
            FactorView(
                id=f.id, name=f.name, scores=list(f.scores), source=src, description=f.description
            )
        )
    bands: list[tuple[str, str]] | Withheld = (
        [(names.level(b.level), f"score at least {exact(b.score_at_least)}") for b in m.bands]
        if policy.shows(D.THRESHOLD_VALUES)
        else policy.marker(D.THRESHOLD_VALUES)
    )
    cells = [
        (", ".join(f"{k} = {v}" for k, v in c.when.items()), names.level(c.level)) for c in m.cells
    ]
    return MatrixView(combine=m.combine, factors=factors, bands=bands, cells=cells)


def describe_verification(v: S.Verification, policy: Policy, names: Names) -> str:
    value = exact(v.value) if policy.shows(D.THRESHOLD_VALUES) else "[threshold withheld]"
    metric = v.metric or names.metrics.get(v.evaluation, "score")
    with_args = f", run with {args_text(v.task_args)}" if v.task_args else ""
    return (
        f"{names.evaluation(v.evaluation)} {metric} {op_symbol(v.op)} {value} "
        f"shown at {pct(v.confidence)} confidence{with_args}"
    )


def _scope_words(c: Any) -> str:
    if isinstance(c, S.ComputeCriterion):
        return f"trained with at least {c.training_flop_at_least:.3g} FLOP" + (
            f" ({c.description})" if c.description else ""
        )
    if isinstance(c, S.RelativeComputeCriterion):
        return (
            f"fine-tunes using at least {c.fraction_of_base_at_least:.0%} of the base model's "
            "compute" + (f" ({c.description})" if c.description else "")
        )
    return str(getattr(c, "description", "") or "")


def identity_view(fw: S.Framework) -> IdentityView:
    i = fw.framework
    return IdentityView(
        id=i.id,
        organisation=i.organisation,
        name=i.name,
        version=i.version,
        date=i.date_text,
        source=safe_link(i.source_url),
        supersedes=i.supersedes,
        fictional=i.fictional,
    )


def framework_view(fw: S.Framework, audience: Audience | str) -> FrameworkView:
    """The framework as ``audience`` may see it."""
    policy = policy_for(fw, audience)
    names = names_of(fw)
    checks = [
        CommitmentView(
            number=c.commitment.number,
            title=c.commitment.title,
            summary=c.commitment.summary,
            status=c.status.value,
            reasons=policy.scrub_all(c.reasons),
            gaps=policy.scrub_all(c.gaps),
        )
        for c in check_commitments(fw)
    ]
    body: FrameworkBody | Withheld
    if not policy.shows(D.FRAMEWORK):
        body = policy.marker(D.FRAMEWORK)
    else:
        body = _framework_body(fw, policy, names)
    return FrameworkView(
        audience=policy.audience,
        identity=identity_view(fw),
        body=body,
        commitments=checks,
        commitments_source=COMMITMENTS_SOURCE,
        withheld=policy.notices(),
    )


ELEMENT_WORDS = {"present": "present", "partial": "partial", "absent": "absent"}


class ElementRefView(View):
    """A framework element an element cell rests on (id and cited section)."""

    id: str
    kind: str
    section: str | None
    source: Link | None


class ElementView(View):
    """One of METR's common elements as :mod:`redline.registry.compare` reads it."""

    key: str
    label: str
    status: str
    status_words: str
    summary: str
    refs: list[ElementRefView]


def elements_view(fw: S.Framework, audience: Audience | str) -> list[ElementView] | Withheld:
    """METR's common elements for ``fw`` as ``audience`` may see them: the element
    cells of :func:`redline.registry.compare.element_cells`, their summaries and
    references scrubbed like every other free text; withheld as a whole where the
    framework's content is."""
    policy = policy_for(fw, audience)
    if not policy.shows(D.FRAMEWORK):
        return policy.marker(D.FRAMEWORK)
    cells = element_cells(fw)
    out = []
    for key, label in ELEMENTS:
        c = cells[key]
        out.append(
            ElementView(
                key=key,
                label=label,
                status=c.status,
                status_words=ELEMENT_WORDS.get(c.status, c.status),
                summary=policy.scrub(c.summary),
                refs=[
                    ElementRefView(
                        id=policy.scrub(r.id),
                        kind=r.kind,
                        section=policy.scrub(r.section) if r.section else None,
                        source=safe_link(r.source),
                    )
                    for r in c.refs
                ],
            )
        )
    return out


def _framework_body(fw: S.Framework, policy: Policy, names: Names) -> FrameworkBody:
    domains = []
    for d in fw.domains:
        levels: list[LevelView] | Withheld = (
            [_level_view(fw, lv, policy, names) for lv in d.levels]
            if policy.shows(D.CAPABILITY_LEVELS)
            else policy.marker(D.CAPABILITY_LEVELS)
        )
        domains.append(
            DomainView(
                id=d.id,
                name=d.name,
                threat_model=d.threat_model,
                status=str(getattr(d, "status", "tracked")),
                levels=levels,
                risk_matrix=_matrix_view(d.risk_matrix, policy, names)
                if d.risk_matrix is not None and policy.shows(D.CAPABILITY_LEVELS)
                else None,
                halting_exemption=d.halting_exemption,
                citation=_citation(d.citation),
            )
        )
    evaluations = [
        EvaluationView(
            id=e.id,
            name=e.name or e.id,
            task=e.task,
            task_args=args_text(e.task_args),
            metric=e.metric,
            higher_is_more_capable=e.higher_is_more_capable,
            elicitation=[
                (x.id, x.description or args_text(x.task_args) or "default settings")
                for x in e.elicitation
            ],
            sampling=_sampling_words(e.sampling),
            description=e.description,
            citation=_citation(e.citation),
        )
        for e in fw.evaluations
    ]
    details = policy.shows(D.SAFEGUARD_DETAILS)
    safeguards = [
        SafeguardView(
            id=s.id,
            name=s.name,
            kind=s.kind.value,
            specified=bool(getattr(s, "specified", True)),
            description=s.description if details else policy.marker(D.SAFEGUARD_DETAILS),
            verification=(
                describe_verification(s.verification, policy, names) if s.verification else None
            )
            if details
            else policy.marker(D.SAFEGUARD_DETAILS),
            comprises=[names.safeguard(x) for x in s.comprises],
            implies=[names.safeguard(x) for x in s.implies],
            removable_by_weight_holder=s.removable,
        )
        for s in fw.safeguards
    ]
    rules = [
        RuleView(
            id=r.id,
            kind=r.kind.value,
            binding=bool(getattr(r, "binding", True)),
            actions=[ACTION_WORDS[a] for a in r.actions],
            domains="all domains"
            if r.domains == "all"
            else ", ".join(names.domains.get(x, x) for x in r.domains),
            requires=_requirement_names(r.requires, names),
            statement=policy.scrub(r.statement),
        )
        for r in fw.rules
    ]
    g = fw.governance
    re_ = g.reassessment
    reassess = [
        x
        for x in (
            f"effective compute grows {re_.effective_compute_multiple:g}x"
            if re_.effective_compute_multiple
            else "",
            f"{re_.months:g} months pass" if re_.months else "",
            "the deployment context changes" if re_.deployment_context_change else "",
            re_.other or "",
        )
        if x
    ]
    governance = GovernanceView(
        roles=[(r.title, r.description) for r in g.roles],
        sign_off=[
            SignOffView(
                actions=[ACTION_WORDS[a] for a in so.actions],
                when={
                    "always": "always",
                    "any_level_reached": "when any level is reached",
                    "levels_reached": "when these levels are reached: "
                    + ", ".join(names.level(x) for x in so.levels),
                }[so.when],
                roles=[names.role(x) for x in so.roles],
                rule="all of" if so.rule == "all" else "any one of",
            )
            for so in g.sign_off
        ],
        dissent=g.dissent,
        reassessment=reassess,
        policy_review_months=g.policy_review_months,
        policy_changes_approved_by=[names.role(x) for x in g.policy_changes_approved_by],
        noncompliance_reporting=g.noncompliance_reporting,
        resources=g.resources,
    )
    ext = fw.external_input
    external = ExternalInputView(
        trusted_actors=[
            ActorView(
                id=a.id,
                name=a.name,
                kind=a.kind.value.replace("_", " "),
                reviewed=[x.value for x in a.reviewed],
                how=a.how,
                date=a.date,
            )
            for a in ext.trusted_actors
        ],
        threshold_setting=policy.scrub(ext.threshold_setting) if ext.threshold_setting else None,
        public_involvement=ext.public_involvement,
    )
    t = fw.transparency
    transparency = (
        TransparencyView(
            public=[ITEM_WORDS[x] for x in t.public],
            trusted_only=[
                DisclosureView(
                    item=d.item.value,
                    what=ITEM_WORDS[d.item],
                    reason=d.reason,
                    shared_with=[names.actors.get(x, x) for x in d.shared_with],
                )
                for d in t.trusted_only
            ],
            withheld=[
                DisclosureView(
                    item=d.item.value, what=ITEM_WORDS[d.item], reason=d.reason, shared_with=[]
                )
                for d in t.withheld
            ],
            reporting=t.reporting,
        )
        if t is not None
        else None
    )
    return FrameworkBody(
        scope=fw.scope.description,
        scope_criteria=[_scope_words(c) for c in fw.scope.criteria],
        scope_combine=fw.scope.combine,
        domains=domains,
        evaluations=evaluations,
        safeguards=safeguards,
        rules=rules,
        governance=governance,
        external_input=external,
        transparency=transparency,
        # Self-test scenarios carry estimates chosen around the thresholds: only their
        # names and expected verdicts are shown.
        self_tests=[
            SelfTestView(
                name=t.name,
                expect=[(ACTION_WORDS[a], VERDICT_WORDS[v]) for a, v in t.expect.items()],
            )
            for t in fw.tests
        ],
        notes=policy.scrub(fw.notes) if fw.notes else None,
    )


def _sampling_words(s: S.Sampling) -> str:
    budget = "every item" if s.budget == "all" else f"at most {s.budget} items"
    parts = [budget, f"seed {s.seed}"]
    if s.cluster_by:
        parts.append(f"clustered by {s.cluster_by}")
    parts.append("early stopping" if s.early_stopping else "no early stopping")
    return ", ".join(parts)
