"""Audience views: what one audience may see of a framework and its assessments.

This module is the only place where redaction happens. Renderers (HTML, Markdown,
JSON, SVG charts, the static site) receive a view built here and print everything
in it; they never look at the framework, the results or the decision directly.

The framework's ``transparency`` section decides:

* ``public`` audience: items listed ``trusted_only`` or ``withheld`` are replaced by a
  :class:`Withheld` marker that carries the disclosure's reason;
* ``trusted`` audience (the trusted actors the framework names): ``withheld`` items
  are replaced; ``trusted_only`` items are shown;
* ``internal`` audience (the developer's own team; reports only): everything.

An item the transparency section does not restrict is public: a restriction has to
be stated, with its reason (commitment VII). Structured values are replaced where
they are built. The decision engine's free-text reasons are passed through
:func:`Policy.scrub`, which removes numbers and rationales by the engine's known
phrasings and then every remaining occurrence of a withheld threshold value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from redline.decide.model import Decision, DomainOutcome, LevelOutcome, SafeguardOutcome, Verdict
from redline.framework import schema as S
from redline.framework.commitments import SOURCE as COMMITMENTS_SOURCE
from redline.framework.commitments import check_commitments
from redline.measure.results import EvaluationResult, Interval, Results, StrategyRun
from redline.publish.assisted_note import assisted_note
from redline.registry.compare import ELEMENTS, element_cells

D = S.Disclosable


class Audience(StrEnum):
    PUBLIC = "public"
    TRUSTED = "trusted"
    INTERNAL = "internal"


AUDIENCE_WORDS = {
    Audience.PUBLIC: "Public view",
    Audience.TRUSTED: "Trusted-actor view",
    Audience.INTERNAL: "Internal view",
}

ITEM_WORDS: dict[D, str] = {
    D.FRAMEWORK: "the framework text",
    D.CAPABILITY_LEVELS: "capability levels",
    D.THRESHOLD_VALUES: "exact threshold values",
    D.EVALUATION_ITEMS: "evaluation items",
    D.EVALUATION_RESULTS: "evaluation results",
    D.MODEL_OUTPUTS: "model outputs",
    D.SAFEGUARD_DETAILS: "safeguard details",
    D.DECISIONS: "decisions",
    D.RATIONALES: "recorded rationales",
    D.SIGN_OFFS: "sign-offs",
    D.REVIEW_COMMENTS: "review comments",
}

ACTION_WORDS: dict[S.Action, str] = {
    S.Action.CONTINUE_TRAINING: "Continue training",
    S.Action.INTERNAL_DEPLOYMENT: "Internal deployment",
    S.Action.EXTERNAL_DEPLOYMENT: "External deployment",
    S.Action.OPEN_WEIGHTS_RELEASE: "Open-weights release",
}

VERDICT_WORDS = {
    "allowed": "Allowed",
    "allowed_with_conditions": "Allowed with conditions",
    "blocked": "Blocked",
    "forbidden": "Forbidden",
}

STOP_WORDS = {
    "settled": "stopped early: the evidence settled every threshold",
    "pool exhausted": "used every item in the pool",
    "budget": "reached the framework's sample budget",
    "limit": "reached the --limit given for this run",
}


# ----------------------------------------------------------------- view models


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Withheld(View):
    """Stands where an item is not shown to this audience, saying why."""

    withheld: S.Disclosable
    what: str
    reason: str
    scope: Literal["trusted_only", "withheld"]
    shared_with: list[str] = Field(default_factory=list)


class Link(View):
    """Text that may be a link. ``href`` is set only for http(s) URLs, so a
    ``javascript:`` or ``data:`` URL in a framework never becomes clickable."""

    text: str
    href: str | None = None


def safe_link(text: str | None) -> Link | None:
    if not text:
        return None
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return Link(text=text)
    ok = (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not any(c in text for c in "\"'<>` \n\t\\")
    )
    return Link(text=text, href=text.strip() if ok else None)


class CitationView(View):
    source: Link
    section: str | None = None
    quote: str | None = None


# ---------------------------------------------------------------------- policy


@dataclass(frozen=True)
class Policy:
    """Which items an audience does not see, and the words that say why."""

    audience: Audience
    hidden: dict[S.Disclosable, Withheld] = field(default_factory=dict)
    secret_values: tuple[float, ...] = ()
    secret_texts: tuple[str, ...] = ()

    def shows(self, item: S.Disclosable) -> bool:
        return item not in self.hidden

    def marker(self, item: S.Disclosable) -> Withheld:
        return self.hidden[item]

    def notices(self) -> list[Withheld]:
        return list(self.hidden.values())

    # -- free text -------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Remove withheld content from text the decision engine wrote."""
        out = text
        if not self.shows(D.THRESHOLD_VALUES):
            out = _COMPARISON.sub(r"\1 [threshold withheld]", out)
        if not self.shows(D.EVALUATION_RESULTS):
            out = _ESTIMATE.sub("(result withheld)", out)
            out = _UPPER.sub("upper bound [result withheld]", out)
        if not self.shows(D.RATIONALES):
            out = _DETERMINED.sub(r"\1 (rationale withheld)", out)
            out = _FACTOR.sub(r"= \1 (\2; rationale withheld)", out)
        if not self.shows(D.SAFEGUARD_DETAILS):
            out = _VERIFICATION.sub("verification: details withheld", out)
        for t in self.secret_texts:
            if t and t in out:
                out = out.replace(t, "[withheld]")
        for v in self.secret_values:
            out = _value_pattern(v).sub("[withheld]", out)
        return out

    def scrub_all(self, texts: Iterable[str]) -> list[str]:
        return [self.scrub(t) for t in texts]


_NUM = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_COMPARISON = re.compile(rf"(>=|<=|>|<|≥|≤|==) ?({_NUM})(?![\d.])")
_ESTIMATE = re.compile(r"\(estimate [^()]*\)")
_UPPER = re.compile(rf"upper bound {_NUM}")
_DETERMINED = re.compile(r"(determined '[^']*' [a-z ]+?): .*$", re.DOTALL)
_FACTOR = re.compile(r"= (\d+) \(([^:()]+): .*\)$", re.DOTALL)
_VERIFICATION = re.compile(r"verification: (?:[^();]|\([^()]*\))*")


def value_forms(v: float) -> set[str]:
    """The ways a renderer or the engine could print ``v``."""
    forms = {f"{v:.3g}", f"{v:g}", repr(v), f"{v:.2f}", f"{v:.3f}", f"{v:.4g}"}
    pct = v * 100
    forms |= {f"{pct:.0f}%", f"{pct:.1f}%", f"{pct:g}%"}
    return {f for f in forms if f not in ("0", "1", "0%", "100%")}


def _value_pattern(v: float) -> re.Pattern[str]:
    alts = sorted((re.escape(f) for f in value_forms(v)), key=len, reverse=True)
    return re.compile(r"(?<![\d.])(?:" + "|".join(alts) + r")(?![\d])")


def stated(c: S.Comparison) -> float | None:
    """A comparison's value, or None where the framework leaves it unspecified."""
    v = c.value
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _fraction(v: float) -> bool:
    """Numbers worth scrubbing from free text: integers are too common to be a tell."""
    return math.isfinite(v) and v != int(v)


def _trigger_values(fw: S.Framework) -> list[float]:
    vals: list[float] = []
    for d in fw.domains:
        for lv in d.levels:
            for c in S.condition_leaves(lv.trigger):
                if isinstance(c, S.Comparison) and (v := stated(c)) is not None:
                    vals.append(v)
        if d.risk_matrix is not None:
            for f in d.risk_matrix.factors:
                if isinstance(f.source, S.MetricFactorSource):
                    vals.extend(f.source.bins)
            vals.extend(b.score_at_least for b in d.risk_matrix.bands)
    for s in fw.safeguards:
        if s.verification is not None:
            vals.append(s.verification.value)
    return vals


def secret_threshold_values(fw: S.Framework) -> list[float]:
    """Every threshold value in ``fw`` that free text must not repeat when withheld."""
    return sorted({v for v in _trigger_values(fw) if _fraction(v)})


def policy_for(fw: S.Framework, audience: Audience | str) -> Policy:
    aud = Audience(audience)
    t = fw.transparency
    if t is None or aud is Audience.INTERNAL:
        return Policy(aud)
    actors = {a.id: a.name for a in fw.external_input.trusted_actors}
    hidden: dict[S.Disclosable, Withheld] = {}
    restricted: list[tuple[S.Disclosure, Literal["trusted_only", "withheld"]]] = [
        (d, "withheld") for d in t.withheld
    ]
    if aud is Audience.PUBLIC:
        restricted += [(d, "trusted_only") for d in t.trusted_only]
    for d, scope in restricted:
        hidden[d.item] = Withheld(
            withheld=d.item,
            what=ITEM_WORDS[d.item],
            reason=d.reason,
            scope=scope,
            shared_with=[actors.get(a, a) for a in d.shared_with]
            if scope == "trusted_only"
            else [],
        )
    secret_values = secret_threshold_values(fw) if D.THRESHOLD_VALUES in hidden else []
    secret_texts: list[str] = []
    if D.SAFEGUARD_DETAILS in hidden:
        for s in fw.safeguards:
            if s.description:
                secret_texts.append(s.description)
    if D.CAPABILITY_LEVELS in hidden:
        # The engine names levels in its reasons and notes.
        for dom in fw.domains:
            for lv in dom.levels:
                secret_texts += [lv.name, lv.id]
    # Longest first, so a name is not half-replaced through a shorter one inside it.
    texts = sorted({t for t in secret_texts if len(t) > 3}, key=len, reverse=True)
    return Policy(aud, hidden, tuple(secret_values), tuple(texts))


# ------------------------------------------------------------------ formatting


def fmt(x: float | None) -> str:
    """A number for people: three decimals at most, trailing zeros dropped."""
    if x is None:
        return "–"
    if not math.isfinite(x):
        return str(x)
    if x != 0 and abs(x) < 0.001:
        return f"{x:.2g}"
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def exact(x: float | None) -> str:
    """A threshold as the framework states it (no rounding)."""
    return "–" if x is None else f"{x:.6g}"


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


_OP_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def op_symbol(op: S.Op | str) -> str:
    return _OP_WORDS[str(op.value if isinstance(op, S.Op) else op)]


def _names(fw: S.Framework) -> _Names:
    return _Names(fw)


class _Names:
    """Human names for ids in a framework (safeguards, roles, levels, evaluations)."""

    def __init__(self, fw: S.Framework) -> None:
        self.safeguards = {s.id: s.name for s in fw.safeguards}
        self.roles = {r.id: r.title for r in fw.governance.roles}
        self.levels = {lv.id: lv.name for d in fw.domains for lv in d.levels}
        self.evaluations = {e.id: e.name or e.id for e in fw.evaluations}
        self.metrics = {e.id: e.metric for e in fw.evaluations}
        self.actors = {a.id: a.name for a in fw.external_input.trusted_actors}
        self.domains = {d.id: d.name for d in fw.domains}

    def safeguard(self, sid: str) -> str:
        return self.safeguards.get(sid, sid)

    def role(self, rid: str) -> str:
        return self.roles.get(rid, rid)

    def level(self, lid: str) -> str:
        return self.levels.get(lid, lid)

    def evaluation(self, eid: str) -> str:
        return self.evaluations.get(eid, eid)

    def requirement_label(self, label: str) -> str:
        """``a | b`` (the decision's any-of label) in words."""
        return " or ".join(self.safeguard(p.strip()) for p in label.split("|"))


def args_text(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={args[k]}" for k in sorted(args))


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
    date: dt.date
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
    if c is None:
        return None
    link = safe_link(c.source) or Link(text=c.source)
    return CitationView(source=link, section=c.section, quote=c.quote)


def condition_words(
    cond: S.Condition | None, policy: Policy, names: _Names, *, top: bool = True
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


def _comparisons(cond: S.Condition | None) -> list[S.Comparison]:
    if isinstance(cond, S.Comparison):
        return [cond]
    if isinstance(cond, S.AllCondition):
        return [x for c in cond.all for x in _comparisons(c)]
    if isinstance(cond, S.AnyCondition):
        return [x for c in cond.any for x in _comparisons(c)]
    return []


def _manuals(cond: S.Condition | None) -> list[S.ManualDetermination]:
    if isinstance(cond, S.ManualCondition):
        return [cond.manual]
    if isinstance(cond, S.AllCondition):
        return [x for c in cond.all for x in _manuals(c)]
    if isinstance(cond, S.AnyCondition):
        return [x for c in cond.any for x in _manuals(c)]
    return []


def _requirement_names(reqs: Sequence[S.Requirement], names: _Names) -> list[str]:
    out = []
    for r in reqs:
        if isinstance(r, S.AnyOfSafeguards):
            out.append(" or ".join(names.safeguard(x) for x in r.any_of))
        else:
            out.append(names.safeguard(r))
    return out


def _level_view(fw: S.Framework, lv: S.CapabilityLevel, policy: Policy, names: _Names) -> LevelView:
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
        for c in _comparisons(lv.trigger)
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


def _matrix_view(m: S.RiskMatrix, policy: Policy, names: _Names) -> MatrixView:
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


def _verification_words(v: S.Verification, policy: Policy, names: _Names) -> str:
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
        date=i.date,
        source=safe_link(i.source_url),
        supersedes=i.supersedes,
        fictional=i.fictional,
    )


def framework_view(fw: S.Framework, audience: Audience | str) -> FrameworkView:
    """The framework as ``audience`` may see it."""
    policy = policy_for(fw, audience)
    names = _names(fw)
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


def _framework_body(fw: S.Framework, policy: Policy, names: _Names) -> FrameworkBody:
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
                _verification_words(s.verification, policy, names) if s.verification else None
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


# ------------------------------------------------------------ report: inputs


class Signature(BaseModel):
    """One sign-off as the ledger recorded it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    role: str
    signer: str | None = None
    date: dt.datetime | dt.date | None = None
    dissent: bool = False
    statement: str | None = None


class ReviewComment(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    actor: str
    comment: str
    date: dt.datetime | dt.date | None = None


class LedgerRecord(BaseModel):
    """What the ledger says about a decision; passed in by whoever holds the ledger.

    Extra keys are ignored so the ledger can grow without breaking reports."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    entry_id: str | int
    decision_id: str | None = None
    ledger: str | None = Field(default=None, description="Where the ledger lives (path or URL).")
    final: bool = False
    signatures: list[Signature] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Roles yet to sign.")
    review_comments: list[ReviewComment] = Field(default_factory=list)


class Example(BaseModel):
    """One scored sample read from an Inspect log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    input: str
    target: str
    output: str
    score: str


@dataclass
class LogCheck:
    """The state of one Inspect log named in the results."""

    status: Literal["verified", "missing", "mismatch", "unchecked"]
    examples: list[Example] = field(default_factory=list)


@dataclass
class Assessment:
    """An assessment as read from its output directory (see :mod:`.assessment`)."""

    directory: str
    results: Results
    decision: Decision
    framework: S.Framework
    framework_file: str
    framework_digest_ok: bool
    logs: dict[str, LogCheck] = field(default_factory=dict)
    effective_compute: float | None = None
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------- report: view


class IntervalView(View):
    confidence: float
    lower: float
    upper: float
    method: str


class StrategyView(View):
    strategy: str
    task_args: str
    samples_used: int
    samples_available: int
    stop_reason: str
    stop_words: str
    estimate: float | Withheld
    interval: IntervalView | Withheld | None
    standard_error: float | Withheld | None
    n_clusters: int | None
    tokens_input: int
    tokens_output: int
    tokens_total: int
    duration_s: float
    log: str
    log_sha256: str
    log_status: str
    best: bool


class ExampleView(View):
    id: str
    input: str | Withheld
    target: str | Withheld
    output: str | Withheld
    score: str


class EvaluationReport(View):
    key: str
    evaluation: str
    name: str
    purpose: str
    metric: str
    task: str
    task_args: str
    estimate: float | Withheld
    intervals: list[IntervalView] | Withheld
    best_strategy: str
    strategies: list[StrategyView]
    samples_used: int
    samples_available: int
    tokens_total: int
    examples: list[ExampleView]
    examples_withheld: list[Withheld]


class Rung(View):
    """A level's threshold on one evaluation's scale (a line in the ladder chart)."""

    level: str
    name: str
    kind: str
    op: str
    value: float | None
    status: str
    status_words: str
    counts_as_reached: bool


class MeasurePoint(View):
    label: str
    estimate: float
    lower: float | None
    upper: float | None
    confidence: float | None
    main: bool


class LadderPanel(View):
    """One evaluation's scale in a domain's ladder chart."""

    evaluation: str
    name: str
    metric: str
    higher_is_more_capable: bool
    points: list[MeasurePoint] | Withheld
    rungs: list[Rung]
    rungs_withheld: Withheld | None = None
    measured: bool


class LevelReport(View):
    id: str
    name: str
    kind: str
    status: str
    status_words: str
    counts_as_reached: bool
    standard: str
    confidence: float
    trigger: str
    reasons: list[tuple[int, str]] = Field(description="(indent depth, text).")


class DomainReport(View):
    id: str
    name: str
    threat_model: str
    highest_level: str | None
    highest_kind: str | None
    basis: str
    summary: str
    levels: list[LevelReport] | Withheld
    panels: list[LadderPanel]
    matrix: bool


class ChainStep(View):
    title: str
    items: list[str]


class SignatureView(View):
    role: str
    signer: str | None
    date: str | None
    dissent: bool
    statement: str | Withheld | None


class RequiredSignOffView(View):
    roles: list[str]
    rule: str
    why: str
    signed: list[SignatureView]
    awaiting: list[str]
    dissent: bool = False


class VerdictReport(View):
    action: S.Action
    action_words: str
    verdict: str
    verdict_words: str
    summary: str
    required: list[str]
    conditions: list[str]
    missing: list[str]
    forbidding_levels: list[str]
    chain: list[ChainStep]
    engine_reasons: list[str]
    sign_off: list[RequiredSignOffView] | Withheld


class SafeguardReport(View):
    id: str
    name: str
    kind: str
    required_for: list[str]
    claimed: bool
    in_place: bool
    verification: str
    verification_words: str
    status_words: str
    removable_by_weight_holder: bool
    description: str | Withheld | None
    verification_rule: str | Withheld | None
    reasons: list[str] | Withheld
    panel: LadderPanel | None = None


class RecordView(View):
    entry_id: str
    decision_id: str | None
    ledger: str | None
    final: bool
    signatures: list[SignatureView] | Withheld
    missing: list[str]
    review_comments: list[tuple[str, str, str]] | Withheld


class TrendPoint(View):
    assessment_id: str
    model: str
    date: dt.datetime
    effective_compute: float | None
    estimate: float
    lower: float | None
    upper: float | None
    current: bool


class TrendSeries(View):
    key: str
    evaluation: str
    name: str
    metric: str
    x: Literal["date", "effective_compute"]
    points: list[TrendPoint]
    rungs: list[Rung]
    rungs_withheld: Withheld | None = None


class ModelView(View):
    name: str
    args: str | None


class ReportView(View):
    kind: Literal["assessment_report"] = "assessment_report"
    audience: Audience
    audience_words: str
    generated: dt.datetime
    redline_version: str
    inspect_version: str
    assessment_id: str
    assessed: dt.datetime
    directory: str
    limit: int | None
    duration_s: float
    model: ModelView
    framework: IdentityView
    framework_file: str
    framework_sha256: str
    framework_digest_ok: bool
    record: RecordView | None
    verdicts: list[VerdictReport] | Withheld
    headline: str
    domains: list[DomainReport]
    evaluations: list[EvaluationReport]
    safeguards: list[SafeguardReport]
    governance_dissent: str | None
    history: list[TrendSeries] | Withheld | None
    history_assessments: list[tuple[str, str, str]] = Field(
        description="(assessment id, model, date) of every assessment in the trend."
    )
    assessment_due: list[str]
    notes: list[str]
    warnings: list[str]
    inspect_command: str
    withheld: list[Withheld]


def status_words(lo: LevelOutcome) -> str:
    if lo.status.value == "unsettled":
        if lo.counts_as_reached:
            return f"not ruled out: counts as reached ({lo.standard} standard)"
        return f"not shown: not counted ({lo.standard} standard)"
    if lo.status.value == "reached":
        return "reached"
    return "not reached"


def _interval(ivs: Sequence[Interval], confidence: float | None = None) -> Interval | None:
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


def _iv(i: Interval | None) -> IntervalView | None:
    if i is None:
        return None
    return IntervalView(confidence=i.confidence, lower=i.lower, upper=i.upper, method=i.method)


def result_key(e: EvaluationResult) -> str:
    return e.evaluation + (f"[{args_text(e.task_args)}]" if e.task_args else "")


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
        interval=_iv(_interval(s.intervals)) if w is None else w,
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
    e: EvaluationResult, fw: S.Framework, policy: Policy, logs: dict[str, LogCheck], names: _Names
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


def _points(e: EvaluationResult | None, policy: Policy) -> list[MeasurePoint] | Withheld:
    if not policy.shows(D.EVALUATION_RESULTS):
        return policy.marker(D.EVALUATION_RESULTS)
    if e is None:
        return []
    pts = []
    main = _interval(e.intervals)
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
            iv = _interval(s.intervals)
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


def _rungs_for(
    fw: S.Framework,
    domain: S.RiskDomain,
    eval_id: str,
    outcomes: dict[str, LevelOutcome],
    policy: Policy,
) -> list[Rung]:
    rungs = []
    for lv in domain.levels:
        for c in _comparisons(lv.trigger):
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
    names: _Names,
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
            for c in _comparisons(lv.trigger):
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
                    points=_points(e, policy),
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
    label: str, outcomes: dict[str, SafeguardOutcome], names: _Names
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


def _chain(
    v: Verdict,
    decision: Decision,
    fw: S.Framework,
    policy: Policy,
    names: _Names,
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
            items=[_summary(v, names, levels=policy.shows(D.CAPABILITY_LEVELS))],
        )
    )
    return steps


def _summary(v: Verdict, names: _Names, *, levels: bool = True) -> str:
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


def _sign_offs(
    v: Verdict, record: LedgerRecord | None, policy: Policy, names: _Names
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


def _signature_view(s: Signature, policy: Policy, names: _Names) -> SignatureView:
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


def _record_view(record: LedgerRecord | None, policy: Policy, names: _Names) -> RecordView | None:
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


def _safeguard_reports(
    a: Assessment, policy: Policy, names: _Names, by_key: dict[str, EvaluationResult]
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
                points=_points(e, policy),
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
                    _verification_words(sg.verification, policy, names)
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


def _verification_rungs(fw: S.Framework, e: EvaluationResult, policy: Policy) -> list[Rung]:
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


def _trend(
    current: Assessment,
    history: Sequence[Assessment],
    policy: Policy,
    names: _Names,
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
            iv = _interval(e.intervals)
            point = TrendPoint(
                assessment_id=a.results.assessment_id,
                model=a.results.model.name,
                date=a.results.created,
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
                    rungs += _verification_rungs(fw, e, policy)
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
    return [series[k] for k in order]


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
    names = _names(fw)
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
                summary=_summary(v, names, levels=policy.shows(D.CAPABILITY_LEVELS)),
                required=[names.requirement_label(x) for x in v.required],
                conditions=[names.safeguard(x) for x in v.conditions],
                missing=[names.requirement_label(x) for x in v.missing],
                forbidding_levels=[names.level(x) for x in v.forbidding_levels]
                if policy.shows(D.CAPABILITY_LEVELS)
                else [],
                chain=_chain(v, decision, fw, policy, names, outcomes),
                engine_reasons=policy.scrub_all(v.reasons),
                sign_off=_sign_offs(v, rec, policy, names),
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
        record=_record_view(rec, policy, names),
        verdicts=verdicts,
        headline=headline,
        domains=[
            _domain_report(d, domain_outcomes.get(d.id), fw, by_eval, policy, names)
            for d in fw.domains
        ],
        evaluations=evaluations,
        safeguards=_safeguard_reports(a, policy, names, by_key),
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
