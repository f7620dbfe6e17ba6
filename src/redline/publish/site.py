"""The static site: frameworks, their versions and diffs, commitments checks,
assessments and decisions, with a JSON export next to every page.

Layout (all links relative, so the site opens from disk or any web server)::

    index.html, index.json
    frameworks/<id>/history.html              versions and their diffs
    frameworks/<id>/assessments.html          assessments, decisions, trend
    frameworks/<id>/<version>/index.html      the framework, from its YAML
    frameworks/<id>/<version>/framework.json
    frameworks/<id>/<version>/commitments.html, commitments.json
    assessments/<assessment>/index.html       the assessment report
    assessments/<assessment>/report.json, decision.json

With ``registry=True`` every framework redline's registry encodes is published as
a lineage too, and the registry section is added (:mod:`redline.publish.registry`)::

    registry/index.html, registry/registry.json            the signatories
    registry/conformance.html, registry/conformance.json   the matrices
    registry/signatories/<id>/index.html, signatory.json   one signatory

The site is written to a temporary directory next to ``out`` and renamed into
place at the end, so a failure leaves the previous site (or nothing) behind.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.decide.materiality import materiality
from redline.framework import schema as S
from redline.framework.diff import diff as semantic_diff
from redline.publish.assessment import (
    PublishError,
    attach_examples,
    index_frameworks,
    load_assessment,
)
from redline.publish.changes import DiffView, diff_view
from redline.publish.diff import Change, diff
from redline.publish.paths import slug
from redline.publish.registry import (
    CONFORMANCE_JSON,
    CONFORMANCE_PAGE,
    INDEX_JSON,
    INDEX_PAGE,
    RegistrySite,
    Rendered,
    registry_site,
    signatory_dir,
)
from redline.publish.regulatory_site import TEMPLATE as REGULATION_TEMPLATE
from redline.publish.regulatory_site import first_page as regulation_first_page
from redline.publish.regulatory_site import regulation_views
from redline.publish.render import html_env
from redline.publish.report import render_report, wants_examples
from redline.publish.transparency import write_transparency
from redline.publish.views import (
    ACTION_WORDS,
    AUDIENCE_WORDS,
    Assessment,
    Audience,
    DomainView,
    FrameworkView,
    ReportView,
    Withheld,
    framework_panels,
    framework_view,
    report_view,
)
from redline.registry.api import RegistryEntry, registry_entries

MARKER = ".redline-site"


@dataclass
class _Version:
    path: Path
    fw: S.Framework
    view: FrameworkView
    dir: str  # frameworks/<id>/<version>
    from_registry: bool = False  # the registry's encoding, not a file given


@dataclass
class _Lineage:
    id: str
    versions: list[_Version] = field(default_factory=list)
    assessments: list[tuple[Assessment, ReportView, str]] = field(default_factory=list)
    given: bool = False  # some version is a file given, not only the registry's
    signatory: tuple[str, str] | None = None  # (registry id, name) of the organisation

    @property
    def latest(self) -> _Version:
        return self.versions[-1]


@dataclass
class SiteResult:
    out: Path
    pages: list[str]
    warnings: list[str]


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.pages: list[str] = []

    def text(self, rel: str, content: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
        self.pages.append(rel)

    def json(self, rel: str, data: Any) -> None:
        self.text(rel, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _rel(from_dir: str, to: str) -> str:
    depth = len([p for p in from_dir.split("/") if p])
    return "../" * depth + to


def _nav(
    here: str, lineage: _Lineage | None, current: str, *, registry: bool = False
) -> list[dict[str, Any]]:
    items = [
        {"href": _rel(here, "index.html"), "text": "All frameworks", "current": current == "home"}
    ]
    if registry:
        items += [
            {
                "href": _rel(here, INDEX_PAGE),
                "text": "Signatories",
                "current": current == "registry",
            },
            {
                "href": _rel(here, CONFORMANCE_PAGE),
                "text": "Conformance matrix",
                "current": current == "conformance",
            },
            {
                "href": _rel(here, regulation_first_page()),
                "text": "Regulation",
                "current": current == "regulation",
            },
        ]
    if lineage is not None:
        base = f"frameworks/{slug(lineage.id)}"
        latest = lineage.latest
        items += [
            {
                "href": _rel(here, f"{latest.dir}/index.html"),
                "text": f"{latest.fw.framework.name} {latest.fw.framework.version}",
                "current": current == "framework",
            },
            {
                "href": _rel(here, f"{latest.dir}/commitments.html"),
                "text": "Commitments I–VIII",
                "current": current == "commitments",
            },
            {
                "href": _rel(here, f"{base}/history.html"),
                "text": "Versions",
                "current": current == "history",
            },
            {
                "href": _rel(here, f"{base}/assessments.html"),
                "text": "Assessments",
                "current": current == "assessments",
            },
        ]
        if registry and lineage.signatory is not None:
            sid, name = lineage.signatory
            items.append(
                {
                    "href": _rel(here, f"{signatory_dir(sid)}/index.html"),
                    "text": f"{name} in the registry",
                    "current": False,
                }
            )
    return items


def _registry_entries() -> list[RegistryEntry]:
    from redline.framework.load import FrameworkError
    from redline.registry.load import RegistryError

    try:
        return registry_entries()
    except (RegistryError, FrameworkError) as exc:
        raise PublishError(f"the registry shipped with redline does not load: {exc}") from None


def _diff_input(v: FrameworkView) -> dict[str, Any]:
    data = v.model_dump(mode="json", include={"identity", "body"})
    data["commitments"] = {c.number: c.status for c in v.commitments}
    return data


def _replace_dir(tmp: Path, out: Path) -> None:
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def _check_out(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise PublishError(f"{out}: exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise PublishError(
                f"{out}: exists and is not a site redline built; choose an empty or new directory"
            )
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.exists():
        raise PublishError(f"{parent}: no such directory")


def build_site(
    framework_files: Sequence[Path],
    out: Path,
    *,
    audience: Audience | str = Audience.PUBLIC,
    assessment_dirs: Sequence[Path] = (),
    records: dict[str, Any] | None = None,
    generated: dt.datetime | None = None,
    registry: bool = False,
) -> SiteResult:
    """Build the site for ``audience`` (public or trusted) into ``out``.

    ``records`` maps an assessment id to its ledger record (see
    :class:`~redline.publish.views.LedgerRecord`). ``registry`` adds every framework
    the registry encodes and the registry section (signatories, conformance matrix);
    a file given with the same id and version as a registry encoding is used in its
    place."""
    aud = Audience(audience)
    if aud is Audience.INTERNAL:
        raise PublishError(
            "the site is for the public or trusted actors; use `redline report` "
            "for the internal view"
        )
    if not framework_files and not registry:
        raise PublishError("give at least one framework file (or include the registry)")
    _check_out(out)
    generated = generated or dt.datetime.now(dt.UTC)
    warnings: list[str] = []
    index = index_frameworks(list(framework_files))
    given = set(index)
    entries: list[RegistryEntry] = []
    if registry:
        entries = _registry_entries()
        for e in entries:
            if e.key not in index:
                index[e.key] = (e.path, e.fw)
            elif index[e.key][0].resolve() != e.path.resolve():
                warnings.append(
                    f"{index[e.key][0]}: {e.key[0]} version {e.key[1]} is also in the "
                    "registry; the file given is published in its place"
                )
    owners = {e.key[0]: (e.signatory.id, e.signatory.name) for e in entries}

    lineages: dict[str, _Lineage] = {}
    for (fid, _version), (path, fw) in sorted(
        index.items(), key=lambda kv: (kv[1][1].framework.date_key, kv[0][1])
    ):
        lin = lineages.setdefault(fid, _Lineage(fid, signatory=owners.get(fid)))
        lin.given = lin.given or (fid, _version) in given
        lin.versions.append(
            _Version(
                path,
                fw,
                framework_view(fw, aud),
                f"frameworks/{slug(fid)}/{slug(_version)}",
                from_registry=(fid, _version) not in given,
            )
        )
    if aud is Audience.PUBLIC:
        for lin in lineages.values():
            for v in lin.versions:
                # The registry's encodings are of frameworks their organisations publish.
                if v.fw.transparency is None and not v.from_registry:
                    warnings.append(
                        f"{v.path}: no transparency section, so nothing is withheld from the "
                        "public build"
                    )

    known = {k: p for k, (p, _) in index.items()}
    seen_ids: set[str] = set()
    for d in assessment_dirs:
        a = load_assessment(d, frameworks=known)
        key = (a.results.framework.id, a.results.framework.version)
        if key not in index:
            warnings.append(
                f"{d}: assessed under {key[0]} version {key[1]}, which is not among the "
                "frameworks given; skipped"
            )
            continue
        if a.results.assessment_id in seen_ids:
            warnings.append(f"{d}: assessment {a.results.assessment_id} given twice; skipped")
            continue
        seen_ids.add(a.results.assessment_id)
        warnings.extend(f"{d}: {w}" for w in a.warnings)
        if wants_examples(a, aud):
            attach_examples(a)
        record = (records or {}).get(a.results.assessment_id)
        view = report_view(a, aud, record=record, generated=generated)
        lineages[key[0]].assessments.append(
            (a, view, f"assessments/{slug(a.results.assessment_id)}")
        )

    _check_out(out)
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent if str(out.parent) else ".")
    )
    try:
        tmp.chmod(0o755)
        w = _Writer(tmp)
        _write(w, lineages, aud, generated, entries if registry else None)
        warnings.extend(write_transparency(w.text, assessment_dirs))
        (tmp / MARKER).write_text("built by redline publish\n", encoding="utf-8")
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteResult(out=out, pages=w.pages, warnings=warnings)


def _write(
    w: _Writer,
    lineages: dict[str, _Lineage],
    aud: Audience,
    generated: dt.datetime,
    entries: list[RegistryEntry] | None = None,
) -> None:
    env = html_env()
    reg = entries is not None
    common = {
        "audience_words": AUDIENCE_WORDS[aud],
        "generated": generated,
        "trend_chart": env.globals["trend"],
    }
    cards: list[dict[str, Any]] = []
    registry_cards: list[dict[str, Any]] = []
    index_json: dict[str, Any] = {
        "audience": aud.value,
        "generated": generated.isoformat(),
        "frameworks": [],
    }
    for lin in sorted(lineages.values(), key=lambda x: x.latest.fw.framework.name.lower()):
        base = f"frameworks/{slug(lin.id)}"
        previous: FrameworkView | None = None
        history_rows = []
        previous_fw: S.Framework | None = None
        for v in lin.versions:
            revision = None if previous_fw is None else _revision(previous_fw, v.fw, aud)
            _write_version(w, v, lin, common, registry=reg, revision=revision)
            changes: list[Change] | None = (
                None if previous is None else diff(_diff_input(previous), _diff_input(v.view))
            )
            history_rows.append(
                {
                    "ident": v.view.identity,
                    "href": _rel(base, f"{v.dir}/index.html"),
                    "changes": changes,
                    "revision": revision,
                    "previous": previous.identity.version if previous else None,
                }
            )
            previous, previous_fw = v.view, v.fw
        history_rows.reverse()
        hidden: dict[str, Withheld] = {}
        for v in lin.versions:
            for x in v.view.withheld:
                hidden.setdefault(x.withheld.value, x)
        w.text(
            f"{base}/history.html",
            env.get_template("site/history.html.j2").render(
                latest=lin.latest.view,
                versions=history_rows,
                hidden=list(hidden.values()),
                nav=_nav(base, lin, "history", registry=reg),
                **common,
            ),
        )
        rows = []
        for a, view, adir in sorted(
            lin.assessments, key=lambda t: t[0].results.created, reverse=True
        ):
            _write_assessment(w, a, view, adir, lin, registry=reg)
            rows.append({"view": view, "href": _rel(base, f"{adir}/index.html")})
        trend = _lineage_trend(lin, aud)
        w.text(
            f"{base}/assessments.html",
            env.get_template("site/assessments.html.j2").render(
                latest=lin.latest.view,
                rows=rows,
                actions=list(ACTION_WORDS.values()),
                trend=trend,
                nav=_nav(base, lin, "assessments", registry=reg),
                **common,
            ),
        )
        counts = {
            s: sum(c.status == s for c in lin.latest.view.commitments)
            for s in ("met", "partly", "missing")
        }
        card = {
            "ident": lin.latest.view.identity,
            "href": f"{lin.latest.dir}/index.html",
            "commitments_href": f"{lin.latest.dir}/commitments.html",
            "history_href": f"{base}/history.html",
            "assessments_href": f"{base}/assessments.html",
            "json_href": f"{lin.latest.dir}/framework.json",
            "n_versions": len(lin.versions),
            "n_assessments": len(lin.assessments),
            "signatory_href": f"{signatory_dir(lin.signatory[0])}/index.html"
            if lin.signatory
            else None,
            **counts,
        }
        (cards if lin.given else registry_cards).append(card)
        index_json["frameworks"].append(
            {
                "id": lin.id,
                "given": lin.given,
                "registry_signatory": lin.signatory[0] if lin.signatory else None,
                "name": lin.latest.fw.framework.name,
                "organisation": lin.latest.fw.framework.organisation,
                "versions": [
                    {
                        "version": v.fw.framework.version,
                        "date": v.fw.framework.date_text,
                        "page": f"{v.dir}/index.html",
                        "json": f"{v.dir}/framework.json",
                        "commitments": f"{v.dir}/commitments.json",
                    }
                    for v in lin.versions
                ],
                "assessments": [
                    {
                        "assessment_id": a.results.assessment_id,
                        "model": a.results.model.name,
                        "framework_version": a.results.framework.version,
                        "created": a.results.created.isoformat(),
                        "page": f"{adir}/index.html",
                        "report": f"{adir}/report.json",
                        "decision": f"{adir}/decision.json",
                    }
                    for a, _, adir in lin.assessments
                ],
            }
        )
    site: RegistrySite | None = None
    if entries is not None:
        rendered = {
            (v.fw.framework.id, v.fw.framework.version): Rendered(
                v.fw, v.view, v.dir, f"frameworks/{slug(lin.id)}/history.html"
            )
            for lin in lineages.values()
            for v in lin.versions
        }
        site = registry_site(entries, rendered, aud, generated)
        _write_registry(w, site, common)
        index_json["registry"] = {
            "signatories": len(site.index.signatories),
            "encoded_versions": site.index.n_encoded,
            "page": INDEX_PAGE,
            "json": INDEX_JSON,
            "conformance": CONFORMANCE_PAGE,
            "conformance_json": CONFORMANCE_JSON,
            "signatory_pages": {s.id: s.page for s in site.signatories},
        }
    given = [x for x in lineages.values() if x.given]
    w.text(
        "index.html",
        env.get_template("site/index.html.j2").render(
            frameworks=cards,
            n_versions=sum(len(x.versions) for x in given),
            n_assessments=sum(len(x.assessments) for x in lineages.values()),
            registry=site.index if site else None,
            registry_frameworks=registry_cards,
            nav=_nav("", None, "home", registry=reg),
            **common,
        ),
    )
    w.json("index.json", index_json)


def _write_registry(w: _Writer, site: RegistrySite, common: dict[str, Any]) -> None:
    env = html_env()
    here = INDEX_PAGE.rsplit("/", 1)[0]
    w.text(
        INDEX_PAGE,
        env.get_template("site/registry.html.j2").render(
            reg=site.index,
            root=_rel(here, ""),
            nav=_nav(here, None, "registry", registry=True),
            **common,
        ),
    )
    w.json(INDEX_JSON, site.index.model_dump(mode="json"))
    w.text(
        CONFORMANCE_PAGE,
        env.get_template("site/conformance.html.j2").render(
            m=site.conformance,
            root=_rel(here, ""),
            nav=_nav(here, None, "conformance", registry=True),
            **common,
        ),
    )
    w.json(CONFORMANCE_JSON, site.conformance.model_dump(mode="json"))
    # One conformance matrix per regime (SB 53, EU GPAI Code, NY RAISE): regulatory_site.
    for rv in regulation_views(
        site.signatories, site.conformance.audience, site.conformance.generated
    ):
        rdir = rv.page.rsplit("/", 1)[0]
        w.text(
            rv.page,
            env.get_template(REGULATION_TEMPLATE).render(
                m=rv,
                root=_rel(rdir, ""),
                nav=_nav(rdir, None, "regulation", registry=True),
                **common,
            ),
        )
        w.json(rv.json_export, rv.model_dump(mode="json"))
    for sv in site.signatories:
        sdir = sv.page.rsplit("/", 1)[0]
        w.text(
            sv.page,
            env.get_template("site/signatory.html.j2").render(
                sig=sv,
                root=_rel(sdir, ""),
                nav=_nav(sdir, None, "", registry=True),
                **common,
            ),
        )
        w.json(sv.json_export, sv.model_dump(mode="json"))


def _revision(old: S.Framework, new: S.Framework, audience: Audience) -> DiffView:
    """What the step from ``old`` to ``new`` changed in the commitments (redline diff),
    under the page's audience policy."""
    changes = semantic_diff(old, new)
    return diff_view(old, new, changes, materiality(old, new, changes), audience)


def _write_version(
    w: _Writer,
    v: _Version,
    lin: _Lineage,
    common: dict[str, Any],
    *,
    registry: bool = False,
    revision: DiffView | None = None,
) -> None:
    env = html_env()

    def panels(d: DomainView) -> Any:
        return framework_panels(d, v.view)

    w.text(
        f"{v.dir}/index.html",
        env.get_template("site/framework.html.j2").render(
            view=v.view,
            panels=panels,
            nav=_nav(v.dir, lin, "framework", registry=registry),
            encoding=_encoding_note(v, lin) if registry else None,
            revision=revision,
            history_href=_rel(v.dir, f"frameworks/{slug(lin.id)}/history.html"),
            **common,
        ),
    )
    w.json(f"{v.dir}/framework.json", v.view.model_dump(mode="json"))
    w.text(
        f"{v.dir}/commitments.html",
        env.get_template("site/commitments.html.j2").render(
            view=v.view, nav=_nav(v.dir, lin, "commitments", registry=registry), **common
        ),
    )
    w.json(
        f"{v.dir}/commitments.json",
        {
            "framework": v.view.identity.model_dump(mode="json"),
            "source": v.view.commitments_source,
            "commitments": [c.model_dump(mode="json") for c in v.view.commitments],
        },
    )


def _encoding_note(v: _Version, lin: _Lineage) -> dict[str, Any] | None:
    """What a registry encoding's page says about where it comes from."""
    if not v.from_registry or lin.signatory is None:
        return None
    sid, name = lin.signatory
    return {
        "organisation": name,
        "signatory_href": _rel(v.dir, f"{signatory_dir(sid)}/index.html"),
        "file": f"redline/registry/data/frameworks/{v.path.name}",
    }


def _write_assessment(
    w: _Writer,
    a: Assessment,
    view: ReportView,
    adir: str,
    lin: _Lineage,
    *,
    registry: bool = False,
) -> None:
    w.text(
        f"{adir}/index.html",
        render_report(view, "html", nav=_nav(adir, lin, "", registry=registry)),
    )
    w.text(f"{adir}/report.json", render_report(view, "json"))
    w.json(
        f"{adir}/decision.json",
        view.model_dump(
            mode="json",
            include={
                "kind",
                "audience",
                "assessment_id",
                "assessed",
                "model",
                "framework",
                "record",
                "verdicts",
                "headline",
                "domains",
                "safeguards",
                "withheld",
            },
            exclude={"domains": {"__all__": {"panels"}}, "safeguards": {"__all__": {"panel"}}},
        ),
    )


def _lineage_trend(lin: _Lineage, aud: Audience) -> Any:
    if len(lin.assessments) < 2:
        return None
    ordered = sorted(lin.assessments, key=lambda t: t[0].results.created)
    current = ordered[-1][0]
    history = [t[0] for t in ordered[:-1]]
    return report_view(current, aud, history=history).history
