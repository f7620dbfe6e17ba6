"""The view of a framework diff for one audience: changes with their classification,
materiality and disclosure, redacted by the same audience policy as every other view.

A change whose values belong to an item the audience may not see (a withheld
threshold value, say) keeps its classification and rule, so a public reader still
learns that a withheld threshold was loosened, but its values, quotes and the numbers
in its summary are replaced. That trade is deliberate: the direction of a change is
what the commitments ask developers to be transparent about; the value is what their
transparency section may withhold.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from redline.decide.materiality import Materiality
from redline.framework import schema as S
from redline.framework.diff import RULES, Change, Direction, Side
from redline.framework.diff.disclosure import ChangelogBody, Disclosure
from redline.publish.views import Audience, policy_for


class ChangeView(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    rule_words: str
    direction: Direction
    summary: str
    material: str  # shown | possible | no
    shifts: list[str]
    disclosure: str | None  # disclosed | undisclosed | None (no changelog given)
    old: Side | None
    new: Side | None


class DiffView(BaseModel):
    model_config = ConfigDict(frozen=True)

    framework: str
    old_version: str
    new_version: str
    audience: str
    counts: dict[str, int]
    changes: list[ChangeView]
    scenarios_run: int
    scenarios_not_run: list[str]
    claims_not_found: list[str]
    undisclosed: int


def _redact(side: Side | None, hidden: bool) -> Side | None:
    if side is None or not hidden:
        return side
    return Side(element=side.element, value="[withheld]", section=side.section, quote=None)


def diff_view(
    old: S.Framework,
    new: S.Framework,
    changes: list[Change],
    mat: Materiality,
    audience: Audience | str,
    disclosure: Disclosure | None = None,
    account: ChangelogBody | None = None,
) -> DiffView:
    po, pn = policy_for(old, audience), policy_for(new, audience)
    views = []
    for i, c in enumerate(changes):
        hide_old = c.item is not None and not po.shows(c.item)
        hide_new = c.item is not None and not pn.shows(c.item)
        summary = pn.scrub(po.scrub(c.summary)) if (hide_old or hide_new) else c.summary
        if disclosure is None:
            disc = None
        else:
            disc = (
                "disclosed"
                if i in disclosure.disclosed
                else "undisclosed"
                if i in disclosure.undisclosed
                else None
            )
        views.append(
            ChangeView(
                rule=c.rule,
                rule_words=RULES[c.rule][0],
                direction=c.direction,
                summary=summary,
                material=mat.status(i, c),
                shifts=[
                    f"{s.scenario}: {s.action} {s.old} → {s.new}" for s in mat.shown.get(i, [])
                ],
                disclosure=disc,
                old=_redact(c.old, hide_old),
                new=_redact(c.new, hide_new),
            )
        )
    counts = {d.value: sum(1 for c in changes if c.direction is d) for d in Direction}
    return DiffView(
        framework=new.framework.id,
        old_version=old.framework.version,
        new_version=new.framework.version,
        audience=str(Audience(audience).value),
        counts=counts,
        changes=views,
        scenarios_run=mat.scenarios - len(mat.not_run),
        scenarios_not_run=[f"{name}: {why}" for name, why in mat.not_run],
        claims_not_found=(
            [account.claims[k].quote for k in disclosure.not_found]
            if disclosure is not None and account is not None
            else []
        ),
        undisclosed=len(disclosure.undisclosed) if disclosure is not None else 0,
    )
