"""What a diff is made of: directions, the classification rules, changes with both
sides' citations, and how elements are matched across versions (see the package
docstring for the conventions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from redline.framework import schema as S


class Direction(StrEnum):
    WEAKENING = "weakening"
    STRENGTHENING = "strengthening"
    NEUTRAL = "neutral"


W, ST, N = Direction.WEAKENING, Direction.STRENGTHENING, Direction.NEUTRAL

# rule id -> (what it detects, whether it can change a verdict by itself)
RULES: dict[str, tuple[str, bool]] = {
    "domain-removed": ("a risk domain is no longer covered (scope narrowed)", True),
    "domain-added": ("a risk domain is newly covered", True),
    "domain-merged": ("domains merged or split; their levels are compared where they went", False),
    "domain-status": ("a domain moved between tracked (binding levels) and research", True),
    "level-removed": ("a capability level was removed or merged into another", True),
    "level-added": ("a capability level was added", True),
    "level-kind": ("a level changed kind (alert, threshold, intolerable)", True),
    "threshold-moved": ("a numeric trigger moved to the less (or more) protective side", True),
    "threshold-unspecified": (
        "a numeric trigger value became (or stopped being) unspecified",
        True,
    ),
    "trigger-combination": ("a trigger's all/any combination changed", True),
    "trigger-condition-removed": ("a condition of a trigger was dropped", True),
    "trigger-condition-added": ("a condition was added to a trigger", True),
    "evidence-standard": ("precautionary and demonstrated evidence standards swapped", True),
    "evidence-confidence": ("the confidence a level's evidence must reach changed", True),
    "requirement-removed": (
        "a safeguard a level required for an action is no longer required",
        True,
    ),
    "requirement-added": ("a level requires a further safeguard for an action", True),
    "requirement-alternative": ("an any-of requirement gained or lost alternatives", True),
    "requirement-recommended": (
        "a required safeguard became merely recommended (or the reverse)",
        True,
    ),
    "action-forbidden": ("an action stopped (or started) being forbidden at a level", True),
    "tier-excluded": ("a deployment tier lost (or gained) requirements", True),
    "required-before": ("safeguards required before a threshold is reached changed", True),
    "safeguard-removed": ("a safeguard was removed from the framework", True),
    "safeguard-verification": (
        "a safeguard's verification was dropped, relaxed or tightened",
        True,
    ),
    "safeguard-specified": ("a safeguard became (or stopped being) defined", True),
    "security-level": (
        "a security standard no longer implies (or now implies) a stronger one",
        True,
    ),
    "rule-removed": ("a halting, baseline or other rule was removed", True),
    "rule-added": ("a rule was added", True),
    "rule-binding": ("a rule became discretionary (or binding)", True),
    "rule-conditional": (
        "a rule was made conditional on competitors, industry or regulation",
        True,
    ),
    "rule-scope": ("a rule covers fewer (or more) actions or domains", True),
    "rule-requirement": ("a rule requires fewer (or more) safeguards", True),
    "exemption-added": ("a new exemption or waiver", True),
    "exemption-removed": ("an exemption or waiver was removed", True),
    "exemption-scope": ("an exemption covers more (or fewer) actions, tiers or levels", True),
    "exemption-binding": ("an exemption became applicable (or discretionary only)", True),
    "own-to-recommendation": ("an own commitment became an industry-wide recommendation", True),
    "sign-off-role": ("a governance role lost (or gained) a sign-off", True),
    "sign-off-removed": ("a sign-off requirement was removed", True),
    "sign-off-added": ("a sign-off requirement was added", True),
    "dissent": ("how dissent is recorded was removed (or added)", False),
    "reassessment-interval": ("reassessment intervals lengthened (or shortened)", True),
    "reassessment-compute": (
        "the effective-compute multiple that triggers reassessment rose (or fell)",
        True,
    ),
    "policy-review": ("the framework's own review interval lengthened (or shortened)", False),
    "change-approval": ("fewer (or more) roles approve changes to the framework", False),
    "noncompliance-channel": ("the noncompliance reporting channel was removed (or added)", False),
    "scope-criteria": ("the criteria of what counts as a frontier model changed", True),
    "transparency": ("an item moved between public, trusted-only and withheld", False),
    "artefact": ("a committed report or roadmap was dropped (or added)", False),
    "external-input": (
        "a trusted actor or the account of external input was removed (or added)",
        False,
    ),
    "renamed": ("the same element under a new name", False),
    "metric-swapped": ("a trigger now reads another evaluation or metric", True),
    "wording": ("a statement's wording changed; its meaning is for a reader to judge", False),
}


class Side(BaseModel):
    """One side of a change: the element, its value in words, and its citation."""

    model_config = ConfigDict(frozen=True)

    element: str
    value: str | None = None
    section: str | None = None
    quote: str | None = None


class Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    direction: Direction
    summary: str
    old: Side | None = None
    new: Side | None = None
    # The transparency item the values belong to, for audience redaction.
    item: S.Disclosable | None = None

    @property
    def material_by_rule(self) -> bool:
        return RULES[self.rule][1]

    def element_ids(self) -> set[str]:
        """The id of the element this change is about on each side (not its parents, not
        section names)."""
        out: set[str] = set()
        for side in (self.old, self.new):
            if side is not None:
                last = side.element.rsplit("/", 1)[-1]
                if last and last not in SECTIONS:
                    out.add(last)
        return out


# Path parts that name a section of the framework, not an element of it.
SECTIONS = frozenset(
    {
        "scope",
        "governance",
        "sign_off",
        "reassessment",
        "transparency",
        "artefacts",
        "external_input",
    }
)

T = TypeVar("T")


def norm(s: str | None) -> str:
    return " ".join((s or "").lower().split())


def match(
    old: Sequence[T],
    new: Sequence[T],
    ident: Callable[[T], str | None],
    name: Callable[[T], str | None] = lambda _x: None,
    kind: Callable[[T], str] = lambda _x: "",
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs of the same element across versions (by id, then name, then position among
    the unmatched of the same kind), and the unmatched on each side."""
    pairs: list[tuple[T, T]] = []
    left, right = list(old), list(new)
    for key in (ident, lambda x: norm(name(x)) or None):
        index: dict[str, T] = {}
        for r in right:
            k = key(r)
            if k is not None and k not in index:
                index[k] = r
        still = []
        for lft in left:
            k = key(lft)
            hit: T | None = index.get(k) if k is not None else None
            if hit is not None and hit in right:
                pairs.append((lft, hit))
                right.remove(hit)
            else:
                still.append(lft)
        left = still
    # structure: the i-th unmatched element of a kind pairs with the i-th of that kind,
    # only when both sides have the same number of them left (else they are real changes)
    by_kind_l: dict[str, list[T]] = {}
    by_kind_r: dict[str, list[T]] = {}
    for x in left:
        by_kind_l.setdefault(kind(x), []).append(x)
    for x in right:
        by_kind_r.setdefault(kind(x), []).append(x)
    for k, ls in by_kind_l.items():
        rs = by_kind_r.get(k, [])
        if ls and len(ls) == len(rs) and k:
            pairs.extend(zip(ls, rs, strict=True))
            left = [x for x in left if x not in ls]
            right = [x for x in right if x not in rs]
    return pairs, left, right


def cite(c: S.Citation | None) -> tuple[str | None, str | None]:
    if c is None:
        return None, None
    return c.section, c.quote or (c.quotes[0] if c.quotes else None)


def side(element: str, value: Any, citation: S.Citation | None) -> Side:
    section, quote = cite(citation)
    return Side(
        element=element, value=None if value is None else str(value), section=section, quote=quote
    )


class Recorder:
    """Collects the changes; the diff's parts (ladders, commitments) add to it."""

    def __init__(self, old: S.Framework, new: S.Framework) -> None:
        self.o, self.n = old, new
        self.changes: list[Change] = []

    def add(
        self,
        rule: str,
        direction: Direction,
        summary: str,
        old: tuple[str, Any, S.Citation | None] | None,
        new: tuple[str, Any, S.Citation | None] | None,
        item: S.Disclosable | None = None,
    ) -> None:
        assert rule in RULES, rule
        self.changes.append(
            Change(
                rule=rule,
                direction=direction,
                summary=summary,
                old=side(*old) if old else None,
                new=side(*new) if new else None,
                item=item,
            )
        )


# ------------------------------------------------------------------- helpers


def combination(c: S.Condition | None) -> str | None:
    if isinstance(c, S.AllCondition):
        return "all"
    if isinstance(c, S.AnyCondition):
        return "any"
    return None


def leaves(c: S.Condition | None) -> list[S.Comparison | S.ManualDetermination]:
    return list(S.condition_leaves(c))


def leaf_key(x: S.Comparison | S.ManualDetermination) -> str:
    if isinstance(x, S.Comparison):
        return f"{x.evaluation}.{x.metric or ''}"
    return f"manual:{x.id}"


def leaf_kind(x: S.Comparison | S.ManualDetermination) -> str:
    return "comparison" if isinstance(x, S.Comparison) else "manual"


def value_of(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) else None


def num(x: float | None) -> str:
    return "unstated" if x is None else f"{x:g}"


def leaf_words(x: S.Comparison | S.ManualDetermination) -> str:
    if isinstance(x, S.ManualDetermination):
        return f"determination {x.id!r} by {x.determined_by}"
    v = value_of(x.value)
    where = x.evaluation + (f".{x.metric}" if x.metric else "")
    return f"{where} {x.op.value} {num(v) if v is not None else 'unspecified'}"


def threshold_direction(op_a: S.Op, va: float, op_b: S.Op, vb: float) -> Direction:
    """For a trigger (reached when the comparison holds): is the new one reached less often?"""
    up = {S.Op.GE, S.Op.GT}
    if (op_a in up) != (op_b in up):
        return N
    if va == vb:
        # >= -> > (or <= -> <) is reached less often
        strict_a, strict_b = op_a in (S.Op.GT, S.Op.LT), op_b in (S.Op.GT, S.Op.LT)
        return W if strict_b and not strict_a else ST if strict_a and not strict_b else N
    if op_a in up:
        return W if vb > va else ST
    return W if vb < va else ST


def req_ids(reqs: Iterable[S.Requirement] | Any) -> set[str]:
    out: set[str] = set()
    if not isinstance(reqs, list | tuple):
        return out
    for r in reqs:
        if isinstance(r, S.AnyOfSafeguards):
            out.add("|".join(sorted(r.any_of)))
        else:
            out.add(r)
    return out


def requirement_words(req: Any) -> str:
    if isinstance(req, S.ActionRequirement):
        return req.value
    return ", ".join(sorted(req_ids(req))) or "nothing"


def verification_words(v: S.Verification | None) -> str | None:
    if v is None:
        return None
    where = v.evaluation + (f".{v.metric}" if v.metric else "")
    return f"{where} {v.op.value} {v.value:g} at {v.confidence:g}"


def all_required(fw: S.Framework) -> set[str]:
    out: set[str] = set()
    for d in fw.domains:
        for lv in d.levels:
            for action in S.ACTIONS:
                out |= {p for r in req_ids(lv.requirement(action)) for p in r.split("|")}
    for rule in fw.rules:
        out |= {p for r in req_ids(rule.requires) for p in r.split("|")}
    for s in fw.safeguards:
        if s.id in out:
            out |= set(s.comprises)
    return out


def iter_changes_touching(changes: Sequence[Change], ids: set[str]) -> Iterator[Change]:
    for c in changes:
        if c.element_ids() & ids:
            yield c
