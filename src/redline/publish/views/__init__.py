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

Modules: ``policy`` (the audience policy and scrubbing), ``common`` (base view models,
words and number formatting), ``framework`` (views of a framework), ``inputs`` (what a
report is built from), ``report_models``, ``verdicts`` and ``report`` (the view of one
assessment). This package re-exports what the renderers use.
"""

from __future__ import annotations

from redline.publish.views.common import (
    ACTION_WORDS,
    AUDIENCE_WORDS,
    Audience,
    D,
    Link,
    View,
    Withheld,
    exact,
    fmt,
    pct,
    safe_link,
)
from redline.publish.views.framework import (
    CommitmentView,
    DomainView,
    ElementView,
    FrameworkView,
    IdentityView,
    citation_view,
    elements_view,
    framework_view,
)
from redline.publish.views.inputs import (
    Assessment,
    Example,
    LedgerRecord,
    LogCheck,
    Signature,
)
from redline.publish.views.policy import (
    policy_for,
    secret_threshold_values,
)
from redline.publish.views.report import (
    framework_panels,
    report_view,
)
from redline.publish.views.report_models import (
    LadderPanel,
    MeasurePoint,
    ReportView,
    Rung,
    TrendPoint,
    TrendSeries,
)

__all__ = [
    "ACTION_WORDS",
    "AUDIENCE_WORDS",
    "Assessment",
    "Audience",
    "CommitmentView",
    "D",
    "DomainView",
    "ElementView",
    "Example",
    "FrameworkView",
    "IdentityView",
    "LadderPanel",
    "LedgerRecord",
    "Link",
    "LogCheck",
    "MeasurePoint",
    "ReportView",
    "Rung",
    "Signature",
    "TrendPoint",
    "TrendSeries",
    "View",
    "Withheld",
    "citation_view",
    "elements_view",
    "exact",
    "fmt",
    "framework_panels",
    "framework_view",
    "pct",
    "policy_for",
    "report_view",
    "safe_link",
    "secret_threshold_values",
]
