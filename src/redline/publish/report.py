"""The assessment report: one self-contained HTML file, or Markdown, or JSON.

All three formats render the same :class:`~redline.publish.views.ReportView`, so
they carry the same content and the same redactions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from redline.publish import charts
from redline.publish.assessment import (
    PublishError,
    attach_examples,
    index_frameworks,
    load_assessment,
)
from redline.publish.render import html_env, md_env
from redline.publish.views import (
    Assessment,
    Audience,
    D,
    LedgerRecord,
    ReportView,
    policy_for,
    report_view,
)

Format = Literal["html", "md", "json"]
SUFFIX: dict[str, str] = {"html": ".html", "md": ".md", "json": ".json"}


def render_report(
    view: ReportView, fmt: Format = "html", *, nav: list[dict[str, Any]] | None = None
) -> str:
    if fmt == "json":
        return view.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        env = md_env()
        env.globals["chart_text"] = charts.ladder_description
        return env.get_template("report.md.j2").render(report=view)
    return (
        html_env()
        .get_template("report.html.j2")
        .render(report=view, nav=nav or [], generated=view.generated)
    )


def wants_examples(a: Assessment, audience: Audience | str) -> bool:
    policy = policy_for(a.framework, audience)
    return policy.shows(D.EVALUATION_ITEMS) or policy.shows(D.MODEL_OUTPUTS)


def load_lineage(
    directories: Sequence[Path],
    *,
    history: Sequence[Path] = (),
    frameworks: Sequence[Path] = (),
    compute: dict[str, float] | None = None,
) -> tuple[Assessment, list[Assessment]]:
    """The newest of ``directories`` is the report's subject; the rest, and
    ``history``, are earlier assessments of the same lineage."""
    compute = compute or {}
    if not directories:
        raise PublishError("give at least one assessment directory")
    known = {k: p for k, (p, _) in index_frameworks(list(frameworks)).items()}
    every = [
        load_assessment(d, frameworks=known, effective_compute=compute.get(str(Path(d).resolve())))
        for d in [*directories, *history]
    ]
    subject_pool = every[: len(directories)]
    subject = max(subject_pool, key=lambda a: a.results.created)
    ids = {a.results.framework.id for a in every}
    if len(ids) > 1:
        raise PublishError(
            "the assessments use different frameworks (" + ", ".join(sorted(ids)) + "); "
            "a trend needs one framework"
        )
    rest = [a for a in every if a is not subject]
    return subject, rest


def build_report(
    directories: Sequence[Path],
    *,
    audience: Audience | str = Audience.INTERNAL,
    history: Sequence[Path] = (),
    frameworks: Sequence[Path] = (),
    record: LedgerRecord | dict[str, Any] | None = None,
    compute: dict[str, float] | None = None,
    examples: int = 3,
    generated: dt.datetime | None = None,
) -> ReportView:
    """Read assessment directories and build the report view for ``audience``.

    ``record`` is what the ledger says about the decision (entry id, signatures,
    whether it is final); without it the report says the decision is not recorded."""
    subject, rest = load_lineage(
        directories, history=history, frameworks=frameworks, compute=compute
    )
    if examples and wants_examples(subject, audience):
        attach_examples(subject, examples)
    return report_view(subject, audience, record=record, history=rest, generated=generated)
