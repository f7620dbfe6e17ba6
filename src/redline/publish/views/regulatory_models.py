"""View models of a regulatory report (``redline report --as KIND``): the fields a
regime asks for, each traced to the regime requirement it answers, filled from the
record or marked as a gap."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from redline.publish.views.common import Audience, View, Withheld
from redline.publish.views.framework import IdentityView

ReportKind = Literal["sb53-transparency", "eu-model-report"]
FieldStatus = Literal["filled", "partial", "gap", "withheld"]

STATUS_WORDS: dict[str, str] = {
    "filled": "filled from the record",
    "partial": "partly filled: the rest is a gap",
    "gap": "gap: the record cannot fill it",
    "withheld": "withheld from this audience",
}


class FieldItem(View):
    """One fact from the record that answers (part of) a field."""

    label: str
    text: str | Withheld
    source: str = Field(description="Where in the record it comes from.")


class ReportField(View):
    requirement: str = Field(description="The regime requirement's id (regime data).")
    section: str
    title: str
    quote: str
    status: FieldStatus
    status_words: str
    items: list[FieldItem]
    gap: str | None = Field(description="What the record does not hold, in words.")
    reading: str | None = Field(
        default=None, description="How the record answers the field: our reading."
    )


class RegimeSource(View):
    id: str
    name: str
    title: str
    version: str
    date: str
    url: str


class DecisionRef(View):
    decision_id: str
    entry_seq: str
    recorded: str
    ledger: str | None
    final: bool
    assessment_entry: str


class RegulatoryReportView(View):
    kind: ReportKind
    title: str
    regime: RegimeSource
    audience: Audience
    audience_words: str
    generated: dt.datetime
    model: str
    framework: IdentityView
    framework_sha256: str
    assessment_id: str
    assessed: dt.datetime
    decision: DecisionRef
    fields: list[ReportField]
    counts: dict[str, int]
    withheld: list[Withheld]
    warnings: list[str]
    note: str
