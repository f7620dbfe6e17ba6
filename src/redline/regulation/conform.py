"""One framework checked against one regime: per requirement met, partly or missing,
with the reason drawn from the framework's content and the elements that satisfy it.

The verdicts rest on the regime file's mapping, which is our reading of the text
(labelled as such in every result), not a legal opinion. Pure: framework in,
:class:`Conformance` out.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from redline.framework import schema as S
from redline.regulation.checks import CheckResult, run_check
from redline.regulation.model import Regime, Requirement


class Status(StrEnum):
    MET = "met"
    PARTLY = "partly"
    MISSING = "missing"
    NOT_CHECKED = "not_checked"


class RequirementResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    section: str
    quote: str
    status: Status
    reason: str
    elements: list[str]
    our_reading: str


class Conformance(BaseModel):
    model_config = ConfigDict(frozen=True)

    regime: str
    regime_name: str
    document: str
    framework: str
    framework_version: str
    results: list[RequirementResult]

    def counts(self) -> dict[str, int]:
        return {s.value: sum(r.status is s for r in self.results) for s in Status}

    @property
    def all_met(self) -> bool:
        """Every requirement a framework file can show is met."""
        return all(r.status in (Status.MET, Status.NOT_CHECKED) for r in self.results)


def framework_data(fw: S.Framework) -> dict[str, Any]:
    return fw.model_dump(mode="json", by_alias=True, exclude_none=True)


def _judge(req: Requirement, data: dict[str, Any]) -> RequirementResult:
    base = {
        "id": req.id,
        "title": req.title,
        "section": req.citation.section,
        "quote": req.citation.quote,
    }
    if req.mapping is None:
        return RequirementResult(
            **base,
            status=Status.NOT_CHECKED,
            reason=req.not_checked or "",
            elements=[],
            our_reading="",
        )
    met = [run_check(data, c) for c in req.mapping.met_when]
    partly = [run_check(data, c) for c in req.mapping.partly_when]
    held: list[CheckResult] = [r for r in met + partly if r.ok]
    if all(r.ok for r in met):
        status, shown = Status.MET, [r for r in met]
        reason = "; ".join(r.evidence for r in shown)
    else:
        status = Status.PARTLY if held else Status.MISSING
        failed = "; ".join(r.evidence for r in met if not r.ok)
        shown = held
        reason = ("; ".join(r.evidence for r in held) + "; but " if held else "") + failed
    elements = [e for r in shown for e in r.elements[:3]]
    return RequirementResult(
        **base, status=status, reason=reason, elements=elements, our_reading=req.mapping.reading
    )


def conform(fw: S.Framework, regime: Regime) -> Conformance:
    data = framework_data(fw)
    return Conformance(
        regime=regime.id,
        regime_name=regime.name,
        document=f"{regime.document.title}, {regime.document.version} ({regime.document.url})",
        framework=fw.framework.id,
        framework_version=fw.framework.version,
        results=[_judge(r, data) for r in regime.requirements],
    )
