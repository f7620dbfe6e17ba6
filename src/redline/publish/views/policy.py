"""The audience policy: which items an audience may not see, and scrubbing the
engine's free text."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from redline.framework import schema as S
from redline.publish.views.common import (
    ITEM_WORDS,
    Audience,
    D,
    Withheld,
)

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
