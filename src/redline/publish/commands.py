"""The ``report`` and ``publish`` commands (registered on the main Typer app).

Exit codes: 0 written; 1 an error the user can fix (one message, nothing written).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from redline._io import atomic_write
from redline.publish.assessment import (
    PublishError,
    load_record,
    parse_compute,
    record_from_ledger,
)
from redline.publish.views import LedgerRecord

_err = Console(stderr=True, highlight=False, soft_wrap=True)
_out = Console(highlight=False, soft_wrap=True)


class ReportFormat(StrEnum):
    HTML = "html"
    MD = "md"
    JSON = "json"


class ReportAudience(StrEnum):
    PUBLIC = "public"
    TRUSTED = "trusted"
    INTERNAL = "internal"


class RegulatoryKind(StrEnum):
    SB53 = "sb53-transparency"
    EU = "eu-model-report"


class SiteAudience(StrEnum):
    PUBLIC = "public"
    TRUSTED = "trusted"


def _mtime(directory: Path) -> float:
    results = directory / "results.json"
    return results.stat().st_mtime if results.exists() else 0.0


def _fail(message: str) -> typer.Exit:
    _err.print(f"error: {message}", markup=False)
    return typer.Exit(1)


def _write_atomic(path: Path, text: str) -> None:
    if not path.parent.exists():
        raise PublishError(f"{path.parent}: no such directory")
    atomic_write(path, text)


def report(
    assessment_dirs: Annotated[
        list[Path],
        typer.Argument(
            metavar="ASSESSMENT_DIR...",
            help="Assessment output directories (results.json + decision.json). With several, "
            "the newest is reported and the others draw its trend.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="File to write; '-' for stdout. Default: report-AUDIENCE.EXT in the assessment "
            "directory.",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html (one self-contained file), md or json. "
            "Default: from --out's suffix, else html.",
        ),
    ] = None,
    audience: Annotated[
        ReportAudience,
        typer.Option(
            help="Who may read it: the framework's transparency section decides what "
            "each audience sees."
        ),
    ] = ReportAudience.PUBLIC,
    history: Annotated[
        list[Path] | None,
        typer.Option(
            "--history",
            metavar="DIR",
            help="An earlier assessment of the same lineage (repeatable).",
        ),
    ] = None,
    framework: Annotated[
        list[Path] | None,
        typer.Option(
            "--framework",
            metavar="FILE",
            help="Framework file to use when the one results.json names has moved (repeatable; "
            "matched by id and version).",
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            metavar="FILE",
            help="JSON file: the ledger's record of this decision (entry id, "
            "signatures, final or not).",
        ),
    ] = None,
    compute: Annotated[
        list[str] | None,
        typer.Option(
            "--compute",
            metavar="DIR=FLOP",
            help="DIR=FLOP: effective compute of an assessed model; when "
            "every assessment has one, the trend is drawn against it.",
        ),
    ] = None,
    examples: Annotated[
        int,
        typer.Option(
            min=0,
            help="Samples per evaluation to show from the Inspect logs (when the "
            "audience may see items or outputs); 0 reads no samples.",
        ),
    ] = 3,
    as_kind: Annotated[
        RegulatoryKind | None,
        typer.Option(
            "--as",
            help="A regime's report from the ledger's record: sb53-transparency (SB 53 "
            "22757.12(c)) or eu-model-report (EU Code Measures 7.1-7.5). The argument is "
            "then one DECISION: a decision id, or an assessment directory with ledger.json.",
        ),
    ] = None,
) -> None:
    """Render an assessment report: verdicts, ladder charts, evidence, safeguards, sign-off.

    With --as KIND, the report a regime asks for, built from the ledger's record of one
    decision; every field the record cannot fill is marked as a gap.

    Exit 0 when written, 1 on an error (nothing is written).
    """
    from redline.publish.report import SUFFIX, build_report, render_report

    if as_kind is not None:
        extra = [o for o, v in (("--history", history), ("--framework", framework),
                                ("--record", record), ("--compute", compute)) if v]  # fmt: skip
        if extra:
            raise _fail(f"--as reads the decision from the ledger; {', '.join(extra)} do not apply")
        _regulatory(assessment_dirs, as_kind.value, out, fmt, audience)
        return
    try:
        chosen = fmt.value if fmt else None
        if chosen is None and out is not None and str(out) != "-":
            chosen = {".md": "md", ".markdown": "md", ".json": "json"}.get(
                out.suffix.lower(), "html"
            )
        chosen = chosen or "html"
        rec: LedgerRecord | None
        if record is not None:
            rec = load_record(record)
        else:
            rec = record_from_ledger(max(assessment_dirs, key=_mtime))
        view = build_report(
            assessment_dirs,
            audience=audience.value,
            history=history or [],
            frameworks=framework or [],
            record=rec,
            compute=parse_compute(compute),
            examples=examples,
        )
        text = render_report(view, chosen)  # type: ignore[arg-type]
        for w in view.warnings:
            _err.print(f"warning: {w}", markup=False)
        if out is not None and str(out) == "-":
            sys.stdout.write(text)
            return
        target = out or Path(view.directory) / f"report-{audience.value}{SUFFIX[chosen]}"
        _write_atomic(target, text)
    except PublishError as exc:
        raise _fail(str(exc)) from None
    _out.print(f"wrote {target} ({audience.value} view)", markup=False)


def _regulatory(
    refs: list[Path],
    kind: str,
    out: Path | None,
    fmt: ReportFormat | None,
    audience: ReportAudience,
) -> None:
    """``report --as KIND DECISION`` (see :mod:`redline.publish.regulatory`)."""
    from redline.publish.regulatory import build_regulatory, decision_ref, render_regulatory

    try:
        if len(refs) != 1:
            raise PublishError(f"--as {kind} reports one decision; {len(refs)} were given")
        ref = str(refs[0])
        chosen = fmt.value if fmt else None
        if chosen is None and out is not None and str(out) != "-":
            chosen = "json" if out.suffix.lower() == ".json" else "html"
        chosen = chosen or "html"
        if chosen not in ("html", "json"):
            raise PublishError(f"--as {kind} is written as html or json, not {chosen}")
        view = build_regulatory(ref, kind, audience=audience.value)
        text = render_regulatory(view, chosen)
        for w in view.warnings:
            _err.print(f"warning: {w}", markup=False)
        if out is not None and str(out) == "-":
            sys.stdout.write(text)
            return
        if out is None:
            base = Path(ref) if Path(ref).is_dir() else Path.cwd()
            stem = kind if Path(ref).is_dir() else f"{kind}-{decision_ref(ref)[:12]}"
            out = base / f"{stem}-{audience.value}.{chosen}"
        _write_atomic(out, text)
    except PublishError as exc:
        raise _fail(str(exc)) from None
    gaps = view.counts.get("gap", 0) + view.counts.get("partial", 0)
    _out.print(
        f"wrote {out} ({audience.value} view; {len(view.fields)} fields, {gaps} with gaps)",
        markup=False,
    )


def publish(
    frameworks: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FRAMEWORK",
            help="Framework YAML files; versions of one framework share its id. "
            "Optional with the registry: without files the site is the registry's.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="Site directory (replaced as a whole)."),
    ] = Path("site"),
    audience: Annotated[
        SiteAudience,
        typer.Option(
            help="public: withholds what the framework marks trusted_only or withheld; "
            "trusted: withholds only what is withheld."
        ),
    ] = SiteAudience.PUBLIC,
    assessments: Annotated[
        list[Path] | None,
        typer.Option(
            "--assessments",
            metavar="DIR",
            help="Assessment output directory to publish (repeatable).",
        ),
    ] = None,
    registry: Annotated[
        bool,
        typer.Option(
            "--registry/--no-registry",
            help="Add the registry section: the 20 signatories of the Frontier AI Safety "
            "Commitments, a page per signatory, every encoded framework, and the "
            "conformance matrix (commitments I-VIII and METR's common elements).",
        ),
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Build a static site: frameworks, version diffs, commitments, assessments, the
    registry of signatories and its conformance matrix, JSON exports.

    Exit 0 when written, 1 on an error (the previous site, if any, is left as it was).
    """
    from redline.publish.site import build_site

    try:
        if not frameworks and not registry:
            raise PublishError("give at least one framework file, or leave the registry on")
        result = build_site(
            frameworks or [],
            out,
            audience=audience.value,
            assessment_dirs=assessments or [],
            registry=registry,
        )
    except PublishError as exc:
        raise _fail(str(exc)) from None
    for w in result.warnings:
        _err.print(f"warning: {w}", markup=False)
    if as_json:
        data: dict[str, Any] = {
            "out": str(result.out),
            "audience": audience.value,
            "registry": registry,
            "pages": result.pages,
            "warnings": result.warnings,
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        n_html = sum(p.endswith(".html") for p in result.pages)
        _out.print(
            f"wrote {result.out}/index.html ({n_html} pages, "
            f"{len(result.pages) - n_html} JSON exports; {audience.value} view)",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    app.command(name="report")(report)
    app.command(name="publish")(publish)
