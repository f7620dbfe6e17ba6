"""The conformance matrix per regime, as the site shows it: every encoded registry
framework against every requirement a framework file can show (met / partly /
missing), each cell linking to its reason.

The reasons quote the encodings, which are of published documents; they still pass
through the framework's audience policy (:meth:`Policy.scrub`), so a value or a
name an encoding marks as withheld from an audience is not repeated in a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from redline.framework import schema as S
from redline.publish.views.common import AUDIENCE_WORDS, Audience, View
from redline.publish.views.policy import policy_for
from redline.regulation.conform import Conformance, Status
from redline.regulation.model import Regime

WORDS = {
    Status.MET: "met",
    Status.PARTLY: "partly",
    Status.MISSING: "missing",
    Status.NOT_CHECKED: "not checked",
}


class RequirementColumn(View):
    id: str
    number: int
    section: str
    title: str
    quote: str
    reading: str


class NotCheckedRequirement(View):
    id: str
    section: str
    title: str
    why: str


class RegulationCell(View):
    requirement: str
    status: str
    words: str
    reason: str
    elements: list[str]
    anchor: str


class RegulationRow(View):
    label: str
    kind: str
    organisation: str
    framework_id: str
    version: str
    page: str | None
    signatory_page: str | None
    anchor: str
    met: int
    cells: list[RegulationCell]


class RegimeLink(View):
    id: str
    name: str
    page: str
    current: bool


class RegulationMatrixView(View):
    kind: Literal["regulation_matrix"] = "regulation_matrix"
    regime_id: str
    regime_name: str
    jurisdiction: str
    document_title: str
    document_version: str
    document_date: str
    document_url: str
    audience: Audience
    audience_words: str
    generated: dt.datetime
    columns: list[RequirementColumn]
    not_checked: list[NotCheckedRequirement]
    rows: list[RegulationRow]
    unsourced: list[str]
    regimes: list[RegimeLink]
    page: str
    json_export: str


@dataclass(frozen=True)
class Encoded:
    """One encoded framework and where the site shows it."""

    fw: S.Framework
    conformance: Conformance
    kind: str
    page: str | None
    signatory_page: str | None


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def regulation_matrix_view(
    regime: Regime,
    encoded: list[Encoded],
    audience: Audience | str,
    generated: dt.datetime,
    *,
    page: str,
    json_export: str,
    regimes: list[RegimeLink],
) -> RegulationMatrixView:
    aud = Audience(audience)
    checked = [q for q in regime.requirements if q.mapping is not None]
    rows: list[RegulationRow] = []
    for e in encoded:
        ident = e.fw.framework
        policy = policy_for(e.fw, aud)
        anchor = f"fw-{_slug(ident.id)}-{_slug(ident.version)}"
        by_id = {r.id: r for r in e.conformance.results}
        cells = [
            RegulationCell(
                requirement=q.id,
                status=by_id[q.id].status.value,
                words=WORDS[by_id[q.id].status],
                reason=policy.scrub(by_id[q.id].reason),
                elements=policy.scrub_all(by_id[q.id].elements),
                anchor=f"{anchor}-{_slug(q.id)}",
            )
            for q in checked
        ]
        rows.append(
            RegulationRow(
                label=f"{ident.organisation} {ident.name} {ident.version}",
                kind=e.kind,
                organisation=ident.organisation,
                framework_id=ident.id,
                version=ident.version,
                page=e.page,
                signatory_page=e.signatory_page,
                anchor=anchor,
                met=sum(c.status == Status.MET.value for c in cells),
                cells=cells,
            )
        )
    doc = regime.document
    return RegulationMatrixView(
        regime_id=regime.id,
        regime_name=regime.name,
        jurisdiction=regime.jurisdiction,
        document_title=doc.title,
        document_version=doc.version,
        document_date=doc.date,
        document_url=doc.url,
        audience=aud,
        audience_words=AUDIENCE_WORDS[aud],
        generated=generated,
        columns=[
            RequirementColumn(
                id=q.id,
                number=n,
                section=q.citation.section,
                title=q.title,
                quote=q.citation.quote,
                reading=q.mapping.reading if q.mapping else "",
            )
            for n, q in enumerate(checked, 1)
        ],
        not_checked=[
            NotCheckedRequirement(
                id=q.id, section=q.citation.section, title=q.title, why=q.not_checked or ""
            )
            for q in regime.requirements
            if q.mapping is None
        ],
        rows=rows,
        unsourced=list(regime.unsourced),
        regimes=regimes,
        page=page,
        json_export=json_export,
    )
