"""Words, base view models and number formatting shared by every view."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from redline.framework import schema as S

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
    source: Link | None = None  # None: the framework's own document
    section: str | None = None
    quote: str | None = None
    quotes: list[str] = Field(default_factory=list)
    reading: str | None = None  # an interpretation: ours, not the text's
    reason: str | None = None


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


def names_of(fw: S.Framework) -> Names:
    return Names(fw)


class Names:
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
