"""The site's registry section: the signatories of the Frontier AI Safety
Commitments, what each has published, and how every framework redline encodes
reads against commitments I-VIII and METR's common elements.

Layout (under the site root)::

    registry/index.html, registry/registry.json          the 20 signatories
    registry/conformance.html, registry/conformance.json the matrices
    registry/signatories/<id>/index.html, signatory.json one signatory

Every encoded framework is also an ordinary lineage of the site
(``frameworks/<id>/<version>/...``), rendered by the framework page template.

This module builds views and does no redaction of its own. Registry facts
(signing dates, publication status, versions, sources) are public research data
and are shown as they are, each with its source. What a page shows of an encoded
framework comes from :func:`~redline.publish.views.framework_view` and
:func:`~redline.publish.views.elements_view`, which apply the framework's
transparency rules for the audience.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from redline.framework import schema as S
from redline.framework.commitments import COMMITMENTS
from redline.framework.commitments import SOURCE as COMMITMENTS_SOURCE
from redline.publish.paths import slug
from redline.publish.views import (
    Audience,
    CommitmentView,
    ElementView,
    FrameworkView,
    IdentityView,
    Link,
    View,
    Withheld,
    elements_view,
    safe_link,
)
from redline.registry.api import RegistryEntry, registry
from redline.registry.compare import ELEMENTS, METR_SOURCE
from redline.registry.model import (
    Fact,
    FrameworkVersion,
    PublishedFramework,
    Registry,
    Source,
    sort_key,
)

REGISTRY_DIR = "registry"
INDEX_PAGE = f"{REGISTRY_DIR}/index.html"
INDEX_JSON = f"{REGISTRY_DIR}/registry.json"
CONFORMANCE_PAGE = f"{REGISTRY_DIR}/conformance.html"
CONFORMANCE_JSON = f"{REGISTRY_DIR}/conformance.json"

STATUS_WORDS = {"published": "published", "partial": "partial", "none_found": "none found"}
COHORT_WORDS = {
    "original": "original signatory (AI Seoul Summit, 21 May 2024)",
    "later": "joined later",
}
COMMITMENT_WORDS = {"met": "met", "partly": "partly", "missing": "missing"}
NOT_FOUND = "not found"

# Short column heads for the elements matrix; the full names are in ELEMENTS.
ELEMENT_SHORT = {
    "capability_thresholds": "Capability thresholds",
    "model_weight_security": "Weight security",
    "deployment_mitigations": "Deployment mitigations",
    "halting_deployment": "Halting deployment",
    "halting_development": "Halting development",
    "capability_elicitation": "Capability elicitation",
    "evaluation_timing": "Evaluation timing",
    "accountability": "Accountability",
    "updating_policy": "Updating the policy",
}


def signatory_dir(signatory_id: str) -> str:
    return f"{REGISTRY_DIR}/signatories/{slug(signatory_id)}"


# ---------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Rendered:
    """What the site renders at an encoded framework's place."""

    fw: S.Framework
    view: FrameworkView
    dir: str  # frameworks/<id>/<version>
    history: str  # frameworks/<id>/history.html


# ------------------------------------------------------------------------ views


class SourceView(View):
    id: str
    title: str
    label: str
    kind: str
    link: Link | None
    note: str | None = None


class FactView(View):
    source: SourceView
    flag: str | None = None
    note: str | None = None


class SignedView(FactView):
    date: str | None
    date_words: str
    cohort: str
    cohort_words: str


class StatusView(FactView):
    value: str
    words: str


class HeadquartersView(FactView):
    country: str | None
    words: str


class DomainSummary(View):
    id: str
    name: str
    status: str
    levels: list[str] | Withheld
    risk_matrix: bool


class ItemSummary(View):
    id: str
    name: str
    kind: str | None = None


class EncodingView(View):
    """An encoded version: where the site renders it and what it contains."""

    identity: IdentityView
    kind: str = "safety_framework"  # or compliance_framework
    label: str
    anchor: str
    registry_file: str
    page: str
    commitments_page: str
    history_page: str
    framework_json: str
    commitments_json: str
    domains: list[DomainSummary] | Withheld
    levels: int | None
    evaluations: list[ItemSummary] | Withheld
    safeguards: list[ItemSummary] | Withheld
    commitments: list[CommitmentView]
    counts: dict[str, int]
    elements: list[ElementView] | Withheld
    withheld: list[Withheld]


class VersionView(View):
    framework_id: str
    framework_name: str
    version: str
    date: str | None
    date_words: str
    fact: FactView
    document: SourceView | None
    encoded: str | None
    page: str | None
    anchor: str | None


class PublishedFrameworkView(View):
    id: str
    name: str
    note: str | None
    versions: list[VersionView]


class SignatoryView(View):
    kind: Literal["signatory"] = "signatory"
    audience: Audience
    registry_as_of: dt.date
    generated: dt.datetime
    id: str
    name: str
    aliases: list[str]
    headquarters: HeadquartersView
    signed: SignedView
    status: StatusView
    notes: str | None
    frameworks: list[PublishedFrameworkView]
    latest: VersionView | None
    encodings: list[EncodingView]
    sources: list[SourceView]
    commitments_source: str
    elements_source: str
    page: str
    json_export: str
    registry_page: str = INDEX_PAGE
    conformance_page: str = CONFORMANCE_PAGE


class EncodedRef(View):
    label: str
    version: str
    date: str
    page: str
    commitments_page: str


class SignatoryRow(View):
    id: str
    name: str
    aliases: list[str]
    signed: SignedView
    status: StatusView
    latest: VersionView | None
    latest_encoded: EncodedRef | None
    n_versions: int
    n_encoded: int
    counts: dict[str, int] | None
    page: str
    json_export: str


class RegistryView(View):
    kind: Literal["registry"] = "registry"
    audience: Audience
    registry_as_of: dt.date
    generated: dt.datetime
    commitments_source: str
    elements_source: str
    counts: dict[str, int]
    n_encoded: int
    signatories: list[SignatoryRow]
    sources: list[SourceView]
    page: str
    json_export: str
    conformance_page: str
    conformance_json: str


class MatrixColumn(View):
    key: str
    number: str | None
    label: str
    short: str


class MatrixCell(View):
    key: str
    status: str
    words: str
    summary: str
    reasons: list[str]
    gaps: list[str]
    href: str


class MatrixRow(View):
    framework: IdentityView
    label: str
    signatory_id: str
    signatory_name: str
    page: str
    signatory_page: str
    cells: list[MatrixCell] | Withheld


class ConformanceView(View):
    kind: Literal["conformance"] = "conformance"
    audience: Audience
    registry_as_of: dt.date
    generated: dt.datetime
    commitments_source: str
    elements_source: str
    commitments: list[MatrixColumn]
    elements: list[MatrixColumn]
    commitment_rows: list[MatrixRow]
    element_rows: list[MatrixRow]
    page: str
    json_export: str


@dataclass
class RegistrySite:
    index: RegistryView
    signatories: list[SignatoryView]
    conformance: ConformanceView


# ---------------------------------------------------------------------- building


def _source_label(s: Source) -> str:
    return s.title.split(",")[0].split(" (")[0].strip() or s.id


def _source(reg: Registry, source_id: str) -> SourceView:
    s = reg.source(source_id)
    return SourceView(
        id=s.id,
        title=s.title,
        label=_source_label(s),
        kind=s.kind,
        link=safe_link(s.url),
        note=s.note,
    )


def _fact(reg: Registry, f: Fact) -> dict[str, Any]:
    """The fields every fact view has: its source, flag and note."""
    return {"source": _source(reg, f.source), "flag": f.flag, "note": f.note}


def _date(value: str) -> tuple[str | None, str]:
    return (None, NOT_FOUND) if value == "unknown" else (value, value)


def _version(
    reg: Registry,
    pf: PublishedFramework,
    v: FrameworkVersion,
    encodings: Mapping[tuple[str, str], EncodingView],
) -> VersionView:
    date, words = _date(v.date)
    enc = encodings.get((pf.id, v.version))
    return VersionView(
        framework_id=pf.id,
        framework_name=pf.name,
        version=v.version,
        date=date,
        date_words=words,
        fact=FactView(**_fact(reg, v)),
        document=_source(reg, v.document) if v.document else None,
        encoded=v.encoded,
        page=enc.page if enc else None,
        anchor=enc.anchor if enc else None,
    )


def _label(pf: PublishedFramework, ident: IdentityView) -> str:
    return f"{pf.name} {ident.version}"


def _anchor(ident: IdentityView) -> str:
    return f"v-{slug(ident.id)}-{slug(ident.version)}"


def _level_name(domain: str, level: str) -> str:
    """A level's name without its domain's name in front ("Cybersecurity — High"
    under Cybersecurity reads "High")."""
    for name in (domain, domain.split(" (")[0]):
        for sep in (" — ", " - ", ": "):
            prefix = name + sep
            if level.startswith(prefix) and len(level) > len(prefix):
                return level[len(prefix) :]
    return level


def _encoding(
    entry: RegistryEntry, rendered: Rendered, audience: Audience, anchor: str
) -> EncodingView:
    view = rendered.view
    body = view.body
    domains: list[DomainSummary] | Withheld
    evaluations: list[ItemSummary] | Withheld
    safeguards: list[ItemSummary] | Withheld
    levels: int | None = None
    if isinstance(body, Withheld):
        domains = evaluations = safeguards = body
    else:
        domains = [
            DomainSummary(
                id=d.id,
                name=d.name,
                status=d.status,
                levels=d.levels
                if isinstance(d.levels, Withheld)
                else [_level_name(d.name, x.name) for x in d.levels],
                risk_matrix=d.risk_matrix is not None,
            )
            for d in body.domains
        ]
        if all(isinstance(d.levels, list) for d in body.domains):
            levels = sum(len(d.levels) for d in body.domains if isinstance(d.levels, list))
        evaluations = [ItemSummary(id=e.id, name=e.name) for e in body.evaluations]
        safeguards = [ItemSummary(id=s.id, name=s.name, kind=s.kind) for s in body.safeguards]
    return EncodingView(
        identity=view.identity,
        kind=entry.framework.kind,
        label=_label(entry.framework, view.identity),
        anchor=anchor,
        registry_file=f"redline/registry/data/frameworks/{entry.path.name}",
        page=f"{rendered.dir}/index.html",
        commitments_page=f"{rendered.dir}/commitments.html",
        history_page=rendered.history,
        framework_json=f"{rendered.dir}/framework.json",
        commitments_json=f"{rendered.dir}/commitments.json",
        domains=domains,
        levels=levels,
        evaluations=evaluations,
        safeguards=safeguards,
        commitments=view.commitments,
        counts={s: sum(c.status == s for c in view.commitments) for s in COMMITMENT_WORDS},
        elements=elements_view(rendered.fw, audience),
        withheld=view.withheld,
    )


def registry_site(
    entries: list[RegistryEntry],
    rendered: Mapping[tuple[str, str], Rendered],
    audience: Audience | str,
    generated: dt.datetime,
) -> RegistrySite:
    """The registry's pages as ``audience`` may see them. ``rendered`` says, for each
    entry's (framework id, version), what the site renders there."""
    aud = Audience(audience)
    reg = registry()
    by_sig: dict[str, list[tuple[RegistryEntry, EncodingView]]] = {}
    for e in entries:
        r = rendered[e.key]
        enc = _encoding(e, r, aud, _anchor(r.view.identity))
        by_sig.setdefault(e.signatory.id, []).append((e, enc))

    sig_views: list[SignatoryView] = []
    rows: list[SignatoryRow] = []
    for sig in reg.signatories:
        encoded = by_sig.get(sig.id, [])
        enc_by_version = {(e.framework.id, e.version.version): enc for e, enc in encoded}
        here = signatory_dir(sig.id)

        frameworks = [
            PublishedFrameworkView(
                id=pf.id,
                name=pf.name,
                note=pf.note,
                versions=[
                    _version(reg, pf, v, enc_by_version)
                    for v in sorted(pf.versions, key=lambda v: sort_key(v.date))
                ],
            )
            for pf in sig.frameworks
        ]
        all_versions = sig.versions()
        latest = _version(reg, *all_versions[-1], enc_by_version) if all_versions else None
        sdate, swords = _date(sig.signed.date)
        signed = SignedView(
            **_fact(reg, sig.signed),
            date=sdate,
            date_words=swords,
            cohort=sig.signed.cohort,
            cohort_words=COHORT_WORDS[sig.signed.cohort],
        )
        status = StatusView(
            **_fact(reg, sig.status),
            value=sig.status.value,
            words=STATUS_WORDS[sig.status.value],
        )
        country = sig.headquarters.country
        hq = HeadquartersView(
            **_fact(reg, sig.headquarters),
            country=None if country == "unknown" else country,
            words=NOT_FOUND if country == "unknown" else country,
        )
        encodings = [enc for _, enc in encoded]
        sig_views.append(
            SignatoryView(
                audience=aud,
                registry_as_of=reg.as_of,
                generated=generated,
                id=sig.id,
                name=sig.name,
                aliases=sig.aliases,
                headquarters=hq,
                signed=signed,
                status=status,
                notes=sig.notes,
                frameworks=frameworks,
                latest=latest,
                encodings=encodings,
                sources=[_source(reg, s) for s in sig.sources],
                commitments_source=COMMITMENTS_SOURCE,
                elements_source=METR_SOURCE,
                page=f"{here}/index.html",
                json_export=f"{here}/signatory.json",
            )
        )
        # the row shows the latest safety framework; compliance frameworks are listed apart
        safety = [enc for e, enc in encoded if e.framework.kind == "safety_framework"]
        last = (safety or encodings)[-1] if encodings else None
        rows.append(
            SignatoryRow(
                id=sig.id,
                name=sig.name,
                aliases=sig.aliases,
                signed=signed,
                status=status,
                latest=latest,
                latest_encoded=EncodedRef(
                    label=last.label,
                    version=last.identity.version,
                    date=last.identity.date,
                    page=last.page,
                    commitments_page=last.commitments_page,
                )
                if last
                else None,
                n_versions=len(all_versions),
                n_encoded=len(encodings),
                counts=last.counts if last else None,
                page=f"{here}/index.html",
                json_export=f"{here}/signatory.json",
            )
        )

    counts = {k: sum(s.status.value == k for s in reg.signatories) for k in STATUS_WORDS}
    index = RegistryView(
        audience=aud,
        registry_as_of=reg.as_of,
        generated=generated,
        commitments_source=COMMITMENTS_SOURCE,
        elements_source=METR_SOURCE,
        counts=counts,
        n_encoded=len(entries),
        signatories=rows,
        sources=[_source(reg, s.id) for s in reg.sources],
        page=INDEX_PAGE,
        json_export=INDEX_JSON,
        conformance_page=CONFORMANCE_PAGE,
        conformance_json=CONFORMANCE_JSON,
    )
    return RegistrySite(index, sig_views, _conformance(sig_views, aud, reg, generated))


def _conformance(
    sigs: list[SignatoryView], aud: Audience, reg: Registry, generated: dt.datetime
) -> ConformanceView:
    commitment_rows: list[MatrixRow] = []
    element_rows: list[MatrixRow] = []
    for sig in sigs:
        for enc in sig.encodings:
            base = {
                "framework": enc.identity,
                "label": enc.label,
                "signatory_id": sig.id,
                "signatory_name": sig.name,
                "page": enc.page,
                "signatory_page": sig.page,
            }
            commitment_rows.append(
                MatrixRow(
                    **base,
                    cells=[
                        MatrixCell(
                            key=c.number,
                            status=c.status,
                            words=COMMITMENT_WORDS.get(c.status, c.status),
                            summary="; ".join(c.reasons[:1] + [f"gap: {g}" for g in c.gaps[:1]]),
                            reasons=c.reasons,
                            gaps=c.gaps,
                            href=f"{enc.commitments_page}#c-{c.number}",
                        )
                        for c in enc.commitments
                    ],
                )
            )
            cells: list[MatrixCell] | Withheld
            if isinstance(enc.elements, Withheld):
                cells = enc.elements
            else:
                cells = [
                    MatrixCell(
                        key=el.key,
                        status=el.status,
                        words=el.status_words,
                        summary=el.summary,
                        reasons=[el.summary],
                        gaps=[],
                        href=f"{sig.page}#el-{enc.anchor}-{el.key}",
                    )
                    for el in enc.elements
                ]
            element_rows.append(MatrixRow(**base, cells=cells))
    return ConformanceView(
        audience=aud,
        registry_as_of=reg.as_of,
        generated=generated,
        commitments_source=COMMITMENTS_SOURCE,
        elements_source=METR_SOURCE,
        commitments=[
            MatrixColumn(key=c.number, number=c.number, label=c.title, short=c.title)
            for c in COMMITMENTS
        ],
        elements=[
            MatrixColumn(key=k, number=None, label=label, short=ELEMENT_SHORT.get(k, label))
            for k, label in ELEMENTS
        ],
        commitment_rows=commitment_rows,
        element_rows=element_rows,
        page=CONFORMANCE_PAGE,
        json_export=CONFORMANCE_JSON,
    )
