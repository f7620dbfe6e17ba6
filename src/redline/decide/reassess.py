"""Reassessment triggers: when a framework says a model must be assessed again.

Frameworks tie reassessment to growth in effective compute (Anthropic 4x,
Google DeepMind 6x, OpenAI 2x), to elapsed time (3 or 6 months) and to a new
deployment context. Given a model's lineage, :func:`assessment_due` says which
of the framework's triggers have fired since the last assessment.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from redline.framework import schema as S


class Lineage(BaseModel):
    """What is known about a model since its last assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    last_assessed: dt.date = Field(description="Date of the last full assessment.")
    effective_compute_at_last: float | None = Field(default=None, gt=0)
    effective_compute_now: float | None = Field(default=None, gt=0)
    deployment_context_changed: bool = False
    today: dt.date | None = Field(
        default=None, description="Date to judge elapsed time at; the decision's date."
    )


def _add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the month's end
    (31 August + 6 months = 28 or 29 February)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def _months_due(last: dt.date, when: dt.date, months: float) -> bool:
    if float(months).is_integer():
        return when >= _add_months(last, int(months))
    # Fractional months: an average month of 30.44 days.
    return (when - last).days >= months * 30.44


def _months_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 30.44


def assessment_due(fw: S.Framework, lineage: Lineage, today: dt.date) -> list[str]:
    """Reasons an assessment is due; empty when none of the triggers fired."""
    r = fw.governance.reassessment
    when = lineage.today or today
    reasons = []
    if (
        r.effective_compute_multiple is not None
        and lineage.effective_compute_at_last
        and lineage.effective_compute_now
    ):
        growth = lineage.effective_compute_now / lineage.effective_compute_at_last
        if growth >= r.effective_compute_multiple:
            reasons.append(
                f"effective compute grew {growth:.3g}x since the last assessment "
                f"(framework: every {r.effective_compute_multiple:g}x)"
            )
    if r.months is not None:
        elapsed = _months_between(lineage.last_assessed, when)
        if _months_due(lineage.last_assessed, when, r.months):
            reasons.append(
                f"{elapsed:.1f} months since the last assessment (framework: every {r.months:g})"
            )
    if r.deployment_context_change and lineage.deployment_context_changed:
        reasons.append("the deployment context changed (framework: reassess on a new context)")
    return reasons
